"""The append-only event log. Each row's hash covers its content and the previous row's hash,
and sequence numbers have no gaps, so editing, deleting or inserting a row is detectable by
re-walking the chain (`kyso audit verify`).

A chain inside the database cannot tell that the database itself was replaced, emptied or cut
back to an earlier copy: a fresh one is a perfect chain of 0 events. So the chain head is also
anchored outside it, in `$KYSO_HOME/audit-head.json` (Settings.audit_head), rewritten atomically
after each commit that appended events, and never moved backwards nor onto another chain: when
the database does not hold the event the file names, the file is kept as the evidence and
`kyso audit verify` fails. Several processes may commit at once; the file is written under a
lock and only ever to a later event.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.db.models import ChainHead, Event

log = logging.getLogger(__name__)

HEAD_KEY = "audit_head"  # Session.info key: the head file of the sessions' archive (sessions())
_PENDING = "audit_head_pending"  # Session.info key: the head this transaction will leave

KINDS = ("received", "stored", "verified", "duplicate", "quarantined", "re-verified", "exported", "fixity-checked",
         # issue 15 (ltv15): a TSA token over the chain head was kept (archive.ltv.chainstamp)
         "timestamped",
         # issue 19 (serve): accounts changed (archive.web.accounts), a quarantined file released
         "account", "released",
         # issue 19 (serve-admin): the trust store changed (archive.trust.changes), by an account,
         # "cli" or "watcher" (its CRL refresh, archive.ltv.upkeep)
         "trust-changed")
GENESIS = "0" * 64


def _digest(seq: int, at: datetime, kind: str, document_id, claim_id, detail: str, prev_hash: str) -> str:
    body = json.dumps(
        [seq, at.astimezone(timezone.utc).isoformat(timespec="microseconds"), kind, document_id, claim_id, detail, prev_hash],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def append(session: Session, kind: str, document_id: int | None = None, claim_id: str | None = None, **detail) -> Event:
    """Append inside the caller's transaction; the chain head row is locked until it commits."""
    assert kind in KINDS, kind
    head = session.execute(select(ChainHead).where(ChainHead.id == 1).with_for_update()).scalar_one()
    at = datetime.now(timezone.utc)
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    seq = head.seq + 1
    h = _digest(seq, at, kind, document_id, claim_id, text, head.hash)
    ev = Event(seq=seq, at=at, kind=kind, document_id=document_id, claim_id=claim_id, detail=text, prev_hash=head.hash, hash=h)
    session.add(ev)
    head.seq, head.hash = seq, h
    session.flush()
    if session.info.get(HEAD_KEY) is not None:
        pending = session.info.get(_PENDING)
        # checked once per transaction, while the chain head row is locked
        extends = pending[2] if pending else _extends_anchor(session, Path(session.info[HEAD_KEY]))
        session.info[_PENDING] = (seq, h, extends)
    return ev


# -- the anchor outside the database ------------------------------------------------------------

def read_anchor(path: Path) -> tuple[int, str] | None:
    """(seq, hash) of the head file, None when there is none; ValueError when it is unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        seq, h = int(data["seq"]), str(data["hash"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not an audit head file ({exc})") from exc
    if seq < 0 or len(h) != 64:
        raise ValueError(f"{path} is not an audit head file (seq {seq}, hash {h!r})")
    return seq, h


def _extends_anchor(session: Session, path: Path) -> bool:
    """Whether this database holds the event the head file names (so its chain extends it)."""
    try:
        anchor = read_anchor(path)
    except (OSError, ValueError):
        return False
    if anchor is None or anchor[0] == 0:
        return True
    ev = session.get(Event, anchor[0])
    return ev is not None and ev.hash == anchor[1]


def write_anchor(path: Path, seq: int, h: str) -> bool:
    """Move the head file forward to (seq, h); never backwards (a slower process committing an
    earlier event). Returns whether it was written."""
    from archive.storage.fsutil import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = read_anchor(path)
        except ValueError:
            return False  # kept as it is for `kyso audit verify` to report
        if current is not None and current[0] >= seq:
            return False
        body = {"seq": seq, "hash": h, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        write_atomic(path, (json.dumps(body) + "\n").encode())
        return True


@sa_event.listens_for(Session, "after_commit")
def _anchor_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    path = session.info.get(HEAD_KEY)
    if pending is None or path is None:
        return
    seq, h, extends = pending
    if not extends:
        # the database was replaced or cut back: the file is the evidence, and stays
        log.error("the audit head file %s names an event this database does not hold: the database was replaced, "
                  "emptied or restored from an older copy; the file is kept; run 'kyso audit verify'", path)
        return
    try:
        write_anchor(Path(path), seq, h)
    except OSError as exc:  # the event is committed; the next commit writes a later head
        log.error("cannot write the audit head file %s: %s", path, exc)


@sa_event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def check_anchor(session: Session, path: Path) -> list[str]:
    """Problems between the database's chain and the head file outside it."""
    try:
        anchor = read_anchor(path)
    except (OSError, ValueError) as exc:
        return [f"the audit head file cannot be read: {exc}"]
    if anchor is None:
        return []
    seq, h = anchor
    last = session.scalar(select(func.max(Event.seq))) or 0
    if seq == 0:
        return []
    if last == 0:
        return [f"the database holds no events, but the audit head file {path} says event {seq} was written "
                "(the database was replaced or emptied)"]
    if last < seq:
        return [f"the database's chain ends at event {last}, but the audit head file {path} says event {seq} "
                "was written (events were removed from the end, or an older copy of the database was restored)"]
    ev = session.get(Event, seq)
    if ev is None or ev.hash != h:
        return [f"event {seq} in the database is not the one the audit head file {path} names "
                f"(hash {ev.hash[:16] if ev else 'missing'}… against {h[:16]}…): the chain was replaced"]
    return []


def verify_chain(session: Session) -> tuple[int, list[str]]:
    """(events checked, problems). Streams the log so it scales with the archive."""
    problems: list[str] = []
    expected_seq, prev = 1, GENESIS
    count = 0
    rows = session.execute(select(Event).order_by(Event.seq).execution_options(yield_per=1000)).scalars()
    for ev in rows:
        count += 1
        if ev.seq != expected_seq:
            problems.append(f"event {expected_seq}..{ev.seq - 1} missing (sequence jumps from {expected_seq - 1} to {ev.seq})")
        if ev.prev_hash != prev:
            problems.append(f"event {ev.seq}: previous-hash link broken (an earlier row was changed, removed or inserted)")
        at = ev.at if ev.at.tzinfo else ev.at.replace(tzinfo=timezone.utc)
        if _digest(ev.seq, at, ev.kind, ev.document_id, ev.claim_id, ev.detail, ev.prev_hash) != ev.hash:
            problems.append(f"event {ev.seq} ({ev.kind}): content does not match its hash (the row was edited)")
        expected_seq, prev = ev.seq + 1, ev.hash
    head = session.get(ChainHead, 1)
    if head is None or head.seq != expected_seq - 1 or head.hash != prev:
        problems.append(
            f"chain head says event {head.seq if head else '?'} is last but the log ends at {expected_seq - 1} "
            "(rows were removed from the end, or the head was changed)"
        )
    return count, problems


def head(session: Session) -> tuple[int, str]:
    h = session.get(ChainHead, 1)
    return (h.seq, h.hash) if h else (0, GENESIS)
