"""The audit chain and fixity as the console and the API show them: the chain re-walked and
compared with the head file outside the database and the chain's timestamps, as `kyso audit
verify` does (same keys as its --json); the last fixity check from the chain itself; the latest
events, each with the account that caused it.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from archive.db.models import Event


def chain_status(archive, trust_options) -> dict:
    """{"ok", "events", "head": {"seq", "hash"}, "problems"}: `kyso audit verify --json` without
    the archive's name. Streams the log, so it takes time in proportion to the archive."""
    from archive.db.events import check_anchor, head, verify_chain
    from archive.ltv import chainstamp

    with archive.sessions() as s:
        count, problems = verify_chain(s)
        problems += check_anchor(s, archive.settings.audit_head)
        seq, tip = head(s)
        stamped = chainstamp.count(s)
    if stamped:  # only then is the trust store read, as the command does
        from archive.trust.assembly import assemble_trust

        trust = assemble_trust(trust_options, archive.settings)
        with archive.sessions() as s:
            problems += [c.problem for c in chainstamp.check(s, trust) if c.problem]
    return {"ok": not problems, "events": count, "head": {"seq": seq, "hash": tip}, "problems": [str(p) for p in problems]}


def account_of(kind: str, detail: dict) -> str | None:
    """Who caused an event: the account named in it (`by`: an account, "cli" or "watcher"), or the account
    of a file received through the console or the API (source "web:<account>")."""
    by = detail.get("by")
    if isinstance(by, str) and by:
        return by
    source = detail.get("source")
    if isinstance(source, str) and source.startswith("web:"):
        return source[4:]
    return None


def _row(ev: Event) -> dict:
    from archive.lang import iso

    try:
        detail = json.loads(ev.detail)
    except ValueError:
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    return {"seq": ev.seq, "at": iso(ev.at), "kind": ev.kind, "document_id": ev.document_id, "claim_id": ev.claim_id,
            "by": account_of(ev.kind, detail), "detail": detail}


def latest_events(archive, limit: int = 50, kinds: tuple[str, ...] | None = None) -> list[dict]:
    """The latest events, newest first: seq, at (ISO 8601, Vietnam time), kind, document_id,
    claim_id, by (the account, or None) and detail."""
    query = select(Event).order_by(Event.seq.desc()).limit(limit)
    if kinds:
        query = query.where(Event.kind.in_(kinds))
    with archive.sessions() as s:
        return [_row(ev) for ev in s.execute(query).scalars()]


def last_fixity(archive) -> dict | None:
    """The latest fixity check the chain records: seq, at, by, checked, problems (a count)."""
    found = latest_events(archive, 1, ("fixity-checked",))
    if not found:
        return None
    row = found[0]
    return {"seq": row["seq"], "at": row["at"], "by": row["by"], "checked": row["detail"].get("checked"),
            "problems": row["detail"].get("problems")}
