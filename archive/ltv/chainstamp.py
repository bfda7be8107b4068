"""Timestamps over the audit chain head: the archive's proof of time.

The event log is hash-chained (archive.db.events), so the hash of its last event stands for every
event before it, and through them for every document, verification and piece of evidence they
record. A token from an RFC 3161 TSA whose message imprint is that hash (SHA-256, the event hash
itself) proves from outside the archive that all of it existed at the token's time: what a
re-verification years later, after the CAs' services or roots are gone, rests on.

Each token is kept in chain_timestamps with the event it covers, and an event `timestamped`
records it in the log, so the next token covers the earlier ones too. `kyso audit verify`
checks every token (check): its signature, that its imprint is the covered event's hash, and that
the event is still the one in the chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from archive.db import events
from archive.db.models import ChainTimestamp, Event


class NothingToStamp(Exception):
    """The log is empty: there is no head to stamp yet."""


@dataclass(frozen=True)
class Stamp:
    seq: int
    chain_hash: str
    gen_time: datetime
    tsa_url: str
    token_sha256: str


def take(archive, tsa_url: str, timeout: float) -> Stamp:
    """Ask the TSA for a token over the current chain head, keep it and log it. The request is
    made outside any transaction (a TSA may take seconds); the covered event stays in the chain
    whatever is appended meanwhile. Raises NothingToStamp, or FetchError (archive.ltv.net)."""
    from archive.db.session import transaction
    from archive.ltv.tsa import stamp_digest, token_info

    with archive.sessions() as s:
        seq, chain_hash = events.head(s)
    if seq == 0:
        raise NothingToStamp()
    token = stamp_digest(tsa_url, bytes.fromhex(chain_hash), timeout).dump()
    gen_time = token_info(token)[0]
    sha = hashlib.sha256(token).hexdigest()
    with transaction(archive.sessions) as s:
        s.add(ChainTimestamp(seq=seq, chain_hash=chain_hash, tsa_url=tsa_url, gen_time=gen_time, token=token,
                             token_sha256=sha, taken_at=datetime.now(timezone.utc)))
        events.append(s, "timestamped", covered_seq=seq, covered_hash=chain_hash, tsa_url=tsa_url,
                      gen_time=gen_time.isoformat(), token_sha256=sha)
    return Stamp(seq, chain_hash, gen_time, tsa_url, sha)


def due(archive, every_hours: float) -> bool:
    """Whether the watcher should take one now: some are wanted, events were written since the
    last token, and the last one is older than `every_hours`."""
    if every_hours <= 0:
        return False
    with archive.sessions() as s:
        last = s.execute(select(ChainTimestamp).order_by(ChainTimestamp.id.desc()).limit(1)).scalar_one_or_none()
        seq, _h = events.head(s)
    if seq == 0:
        return False
    if last is None:
        return True
    taken = last.taken_at if last.taken_at.tzinfo else last.taken_at.replace(tzinfo=timezone.utc)
    # the token's own `timestamped` event is the only thing since: nothing new to prove
    return seq > last.seq + 1 and datetime.now(timezone.utc) - taken >= timedelta(hours=every_hours)


@dataclass(frozen=True)
class Checked:
    seq: int
    gen_time: datetime | None
    tsa: str
    tsa_url: str
    proven: bool  # intact, over the event in the chain, by a trusted TSA
    problem: str | None  # English: the token or the chain was altered (exit 1)
    untrusted: bool  # intact, but its TSA does not chain to the trust configuration


def check(session, trust) -> list[Checked]:
    """Every kept token checked against the chain as it is now."""
    from archive.ltv.tsa import check_token

    out = []
    rows = session.execute(select(ChainTimestamp).order_by(ChainTimestamp.id)).scalars()
    for row in rows:
        event = session.get(Event, row.seq)
        if event is None or event.hash != row.chain_hash:
            out.append(Checked(row.seq, row.gen_time, "?", row.tsa_url, False,
                               f"the timestamp of event {row.seq} covers hash {row.chain_hash[:16]}…, but the chain "
                               f"holds {event.hash[:16] + '…' if event else 'no such event'}: the log was rewritten "
                               "after it was timestamped", False))
            continue
        if hashlib.sha256(row.token).hexdigest() != row.token_sha256:
            out.append(Checked(row.seq, row.gen_time, "?", row.tsa_url, False,
                               f"the stored timestamp token of event {row.seq} was altered", False))
            continue
        result = check_token(row.token, bytes.fromhex(row.chain_hash), trust)
        if not result.intact:
            out.append(Checked(row.seq, result.gen_time, result.tsa, row.tsa_url, False,
                               f"the timestamp of event {row.seq}: {result.problem}", False))
            continue
        out.append(Checked(row.seq, result.gen_time, result.tsa, row.tsa_url, result.trusted, None, not result.trusted))
    return out


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(ChainTimestamp)) or 0
