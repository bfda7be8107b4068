"""Each running `kyso watch` says so: a small file `$KYSO_HOME/watchers/<host>-<pid>.json`,
rewritten every few seconds by its supervisor and removed when it stops. The console shows them
(archive.web.console.inbox): which watchers run, on which inbox, what they have done.

Why a file of its own rather than the owners of the processing claims: a claim exists only while
a file is in flight, so an idle watcher with an empty inbox has none and would look stopped, and
a watcher killed with -9 leaves claims that look owned until recovery. A heartbeat is there for
as long as the watcher runs, busy or not; one killed without a chance to remove it is told by its
age (and, on this machine, by its process being gone).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

BEAT = 5.0  # seconds between two writes
SILENT = 4 * BEAT  # a heartbeat older than this comes from a watcher that no longer answers
FORGOTTEN = 7 * 24 * 3600.0  # heartbeats of watchers gone this long are no longer shown
FOLDER = "watchers"
_HOST = re.compile(r"[^A-Za-z0-9._-]")


def folder(home: Path) -> Path:
    return home / FOLDER


class Heartbeat:
    """The supervisor's side: `beat` as often as it likes (it writes at most every BEAT seconds),
    `stop` when the watcher ends."""

    def __init__(self, home: Path, inbox: Path, workers: int):
        from archive.intake.inbox import owner_token

        self.owner = owner_token()
        host = _HOST.sub("_", str(self.owner["host"]))[:64] or "host"
        self.path = folder(home) / f"{host}-{self.owner['pid']}.json"
        self.body = {"owner": self.owner, "inbox": str(inbox), "workers": workers,
                     "started_at": datetime.now(timezone.utc).isoformat()}
        self._last = 0.0

    def beat(self, counts: dict | None = None, busy: int = 0, waiting: int = 0, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < BEAT:
            return
        self._last = now
        from archive.storage.fsutil import write_atomic

        body = {**self.body, "beat_at": datetime.now(timezone.utc).isoformat(), "counts": counts or {},
                "busy": busy, "waiting": waiting}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(body, ensure_ascii=False).encode(), durable=False)
        except OSError:
            pass  # the console then shows this watcher as silent; the watcher itself goes on

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()


@dataclass
class Watcher:
    """A watcher as its heartbeat tells it; `state`: running | silent (no beat for SILENT
    seconds, its process may hang or be on a machine that went away) | stopped (its process is
    gone: killed before it could say so)."""
    host: str
    pid: int | None
    inbox: str
    workers: int | None
    started_at: datetime | None
    beat_at: datetime | None
    state: str
    counts: dict = field(default_factory=dict)
    busy: int = 0
    waiting: int = 0


def _time(value) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def watchers(home: Path) -> list[Watcher]:
    """Every watcher that has written a heartbeat under `home` lately, the running ones first."""
    from archive.intake.inbox import owner_alive

    place = folder(home)
    try:
        names = sorted(n for n in os.listdir(place) if n.endswith(".json"))
    except OSError:
        return []
    now = time.time()
    out = []
    for name in names[:200]:
        try:
            st = os.stat(place / name, follow_symlinks=False)
            if not os.path.isfile(place / name) or st.st_size > 64 * 1024:
                continue
            body = json.loads((place / name).read_bytes())
            if not isinstance(body, dict):
                continue
        except (OSError, ValueError):
            continue
        age = now - st.st_mtime
        if age > FORGOTTEN:
            continue
        owner = body.get("owner") if isinstance(body.get("owner"), dict) else {}
        alive = owner_alive(owner, age, SILENT)
        on_this_host = owner.get("host") == socket.gethostname()
        state = "stopped" if not alive else ("running" if age <= SILENT else "silent")
        if not on_this_host and not alive:
            state = "silent"  # another machine: only time tells, and it is not telling
        counts = body.get("counts") if isinstance(body.get("counts"), dict) else {}
        out.append(Watcher(host=str(owner.get("host") or "?"), pid=owner.get("pid") if isinstance(owner.get("pid"), int) else None,
                           inbox=str(body.get("inbox") or ""), workers=_int(body.get("workers")) or None,
                           started_at=_time(body.get("started_at")), beat_at=_time(body.get("beat_at")), state=state,
                           counts={str(k): _int(v) for k, v in counts.items()}, busy=_int(body.get("busy")),
                           waiting=_int(body.get("waiting"))))
    order = {"running": 0, "silent": 1, "stopped": 2}
    return sorted(out, key=lambda w: (order[w.state], w.host, w.pid or 0))
