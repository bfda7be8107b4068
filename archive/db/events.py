"""The append-only event log. Each row's hash covers its content and the previous row's hash,
and sequence numbers have no gaps, so editing, deleting or inserting a row is detectable by
re-walking the chain (`kyso audit verify`)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.db.models import ChainHead, Event

KINDS = ("received", "stored", "verified", "duplicate", "quarantined", "re-verified", "exported", "fixity-checked")
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
    return ev


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
