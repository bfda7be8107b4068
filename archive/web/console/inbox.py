"""The inbox as the clerk follows it: what arrived lately and where it went (archived, a
duplicate, quarantined), the files waiting in the watched folder and those being processed now,
whether the watchers run (their heartbeats, archive.intake.heartbeat), and the quarantine, each
file with its reason and a button that puts it back into the inbox (archive.web.quarantine).

Everything here is read from the folders and the archive as they are now; names of files come
from whoever dropped them and are shown as text.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from archive.db.session import utc
from archive.db.models import Document, Event, Receipt
from archive.web import quarantine
from archive.web.auth import check_csrf, page
from archive.web.console.render import show

router = APIRouter()

ARRIVALS = 50  # latest arrivals shown
LISTED = 200  # files of a folder listed by name; beyond that only counted
COUNTED = 10_000  # entries of the inbox looked at, at most, per page view


def arrivals(archive, limit: int = ARRIVALS) -> list[dict]:
    """The latest files received, newest first: receipts (archived or duplicate) and quarantines."""
    out = []
    with archive.sessions() as s:
        rows = s.execute(select(Receipt, Document).join(Document, Receipt.document_id == Document.id)
                         .order_by(Receipt.received_at.desc(), Receipt.id.desc()).limit(limit)).all()
        for receipt, doc in rows:
            number = f"{doc.code_number or ''}/{doc.code_notation}" if doc.code_notation else doc.code_number
            out.append({"at": utc(receipt.received_at), "name": receipt.name_nfc, "source": receipt.source,
                        "went": "duplicate" if receipt.duplicate else "archived", "document_id": doc.id,
                        "verdict": doc.verdict, "number": number, "issuer": doc.organ_name, "claim_id": receipt.claim_id})
        events = s.execute(select(Event).where(Event.kind == "quarantined").order_by(Event.seq.desc()).limit(limit)).scalars()
        for ev in events:
            try:
                detail = json.loads(ev.detail)
            except ValueError:
                detail = {}
            out.append({"at": utc(ev.at), "name": detail.get("name") or "", "source": detail.get("source"),
                        "went": "quarantined", "document_id": None, "verdict": None, "number": None, "issuer": None,
                        "claim_id": ev.claim_id, "reason": detail.get("reason")})
    out.sort(key=lambda a: a["at"], reverse=True)
    return out[:limit]


def waiting(inbox: Path) -> dict:
    """The files in the watched folder not yet taken: {"exists", "files": [{name, size, at}], "count"}.
    Never follows a link; the processing folder and names of files still being copied are skipped."""
    from archive.intake.inbox import MAX_DEPTH, PROCESSING, is_temporary

    found = {"exists": inbox.is_dir(), "files": [], "count": 0}
    if not found["exists"]:
        return found
    stack, seen = [(inbox, ())], 0
    while stack and seen < COUNTED:
        folder, parts = stack.pop()
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for item in items:
            seen += 1
            if (not parts and item.name == PROCESSING) or is_temporary(item.name):
                continue
            try:
                st = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                if len(parts) < MAX_DEPTH:
                    stack.append((Path(item.path), (*parts, item.name)))
                continue
            found["count"] += 1
            if len(found["files"]) < LISTED:
                found["files"].append({"name": "/".join((*parts, item.name)), "size": st.st_size,
                                       "at": datetime.fromtimestamp(st.st_mtime, timezone.utc)})
    return found


def processing(folders: list[Path]) -> list[dict]:
    """The claims being processed now (archive.intake.inbox: `<id>.json` beside the file):
    name, source, since when, by which process, how many times it was started, whether that
    process still runs."""
    from archive.intake.inbox import owner_alive

    out = []
    for folder in folders:
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(".json") and len(n) == 37)
        except OSError:
            continue
        for name in names[:LISTED]:
            path = folder / name
            try:
                if not stat.S_ISREG(os.stat(path, follow_symlinks=False).st_mode):
                    continue
                meta = json.loads(path.read_bytes()[:64 * 1024])
                age = datetime.now(timezone.utc).timestamp() - path.stat().st_mtime
            except (OSError, ValueError):
                continue
            if not isinstance(meta, dict):
                continue
            owner = meta.get("owner") if isinstance(meta.get("owner"), dict) else {}
            try:
                since = datetime.fromisoformat(str(meta.get("claimed_at")))
            except ValueError:
                since = None
            out.append({"name": str(meta.get("name") or ""), "source": str(meta.get("source") or ""), "since": since,
                        "owner": f"{owner.get('host', '?')}:{owner.get('pid', '?')}",
                        "attempts": meta.get("attempts") if isinstance(meta.get("attempts"), int) else None,
                        "alive": owner_alive(owner, age, 600.0)})
    return out


def _released(archive, claim_id: str | None) -> dict | None:
    """The "released" event of a claim, for the notice after a release (read from the chain, so
    the page says only what happened)."""
    if not claim_id or len(claim_id) != 32:
        return None
    with archive.sessions() as s:
        ev = s.execute(select(Event).where(Event.kind == "released", Event.claim_id == claim_id)
                       .order_by(Event.seq.desc()).limit(1)).scalar_one_or_none()
    if ev is None:
        return None
    try:
        detail = json.loads(ev.detail)
    except ValueError:
        return None
    return {"file": detail.get("file"), "to": detail.get("to"), "by": detail.get("by")}


@router.get("/inbox")
def inbox(request: Request, released: str | None = None, who=Depends(page("read"))):
    from archive.intake.heartbeat import watchers
    from archive.intake.inbox import PROCESSING
    from archive.web.problems import request_lang

    app = request.app
    archive, config = app.state.archive, app.state.config
    lang = request_lang(request)
    watched = config.watched.absolute()
    entries = quarantine.entries(archive, lang)
    in_quarantine = {e["id"] for e in entries}
    return show(request, "inbox.html", arrivals=arrivals(archive), in_quarantine=in_quarantine,
                waiting=waiting(watched), inbox=watched,
                processing=processing([watched / PROCESSING, archive.settings.home / "processing"]),
                watchers=watchers(archive.settings.home), quarantine=entries, released=_released(archive, released))


@router.post("/quarantine/{ref}/release")
def release(request: Request, ref: str, csrf: str = Form(""), who=Depends(page("release"))):
    check_csrf(request, csrf)
    entry, _placed = quarantine.release(request.app.state.archive, request.app.state.config.watched, ref, who.name)
    return RedirectResponse(f"/inbox?released={entry.id}", status_code=303)
