"""The watched folder: which files are ready, and atomic claims so that two workers (on one
machine or several sharing the folder) never take the same file.

A claim first writes `<id>.json` (where the file came from, who took it) into the processing
folder, then renames the file to `<id>.pdf` beside it. Rename is atomic, so exactly one claimant
wins; the loser removes its json. The processing folder lives inside the inbox (`.kyso-processing`)
so the rename never crosses filesystems. After a crash the pair tells recovery what to resume.

Claims are not fsynced: if a power cut loses one, the file is back in the inbox or in the
processing folder without its record, and both are recovered. Only the stored objects and the
database commit must be on disk before a claim is released, and they are (archive.storage.blobs, the
database's own synchronous commit).
"""

from __future__ import annotations

import json
import os
import socket
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from archive.storage.fsutil import write_atomic

PROCESSING = ".kyso-processing"
TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".!ut")


def is_temporary(name: str) -> bool:
    """Names that copy tools and editors use while a file is still being written."""
    lower = name.lower()
    return name.startswith((".", "~$", "~")) or lower.endswith(TEMP_SUFFIXES)


def _proc_start(pid: int) -> str | None:
    """Start time of a process (Linux), so a recycled pid is not mistaken for the claimant."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return None


def _proc_dead(pid: int) -> bool:
    """A zombie (killed, not yet reaped: in a container whose init does not reap, it stays) is
    dead for the purpose of its claims."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def owner_token() -> dict:
    return {"host": socket.gethostname(), "pid": os.getpid(), "start": _proc_start(os.getpid())}


def owner_alive(owner: dict, claim_age: float, timeout: float) -> bool:
    if owner.get("host") != socket.gethostname():
        return claim_age < timeout  # another machine: only time tells
    pid = owner.get("pid")
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if _proc_dead(pid):
        return False
    return owner.get("start") is None or _proc_start(pid) == owner.get("start")


@dataclass
class Claim:
    id: str
    path: Path  # the claimed bytes
    meta_path: Path
    meta: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.meta["name"]

    @property
    def name_nfc(self) -> str:
        return unicodedata.normalize("NFC", self.meta["name"])


@dataclass
class Candidate:
    path: Path
    kind: str  # "file" | "symlink"


class ProcessingArea:
    """Claims in flight, for the inbox (moved in) and for `kyso ingest` (copied in)."""

    def __init__(self, root: Path):
        self.root = root

    def _new(self, meta: dict) -> tuple[str, Path, Path]:
        self.root.mkdir(parents=True, exist_ok=True)
        cid = uuid.uuid4().hex
        meta = {**meta, "owner": owner_token(), "claimed_at": datetime.now(timezone.utc).isoformat()}
        meta_path = self.root / f"{cid}.json"
        write_atomic(meta_path, json.dumps(meta, ensure_ascii=False).encode(), durable=False)
        return cid, self.root / f"{cid}.pdf", meta_path

    def take(self, source: Path, name: str, origin: str, kind: str = "file") -> Claim | None:
        """Move `source` in (a symbolic link is moved as a link); None if another worker was faster."""
        try:
            st = source.lstat()
        except FileNotFoundError:
            return None
        meta = {"name": name, "source": origin, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "moved": True, "kind": kind}
        cid, path, meta_path = self._new(meta)
        try:
            os.rename(source, path)
        except FileNotFoundError:
            meta_path.unlink(missing_ok=True)
            return None
        return Claim(cid, path, meta_path, json.loads(meta_path.read_text(encoding="utf-8")))

    def copy_in(self, source: Path, name: str, origin: str) -> Claim:
        """Copy `source` in, leaving it where it is (`kyso ingest`)."""
        data = source.read_bytes()
        meta = {"name": name, "source": origin, "size": len(data), "mtime_ns": source.stat().st_mtime_ns, "moved": False}
        cid, path, meta_path = self._new(meta)
        write_atomic(path, data, durable=False)
        return Claim(cid, path, meta_path, json.loads(meta_path.read_text(encoding="utf-8")))

    def release(self, claim: Claim) -> None:
        """The file is archived or quarantined and committed: forget the claim. The bytes go
        first, so a crash in between leaves a json without bytes, which recovery just drops."""
        claim.path.unlink(missing_ok=True)
        claim.meta_path.unlink(missing_ok=True)

    def put_back(self, claim: Claim, inbox: Path) -> bool:
        """Return a claimed file to the inbox (it was still growing); False if the name is taken."""
        target = inbox / claim.name
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(claim.path, target)
        claim.meta_path.unlink(missing_ok=True)
        return True

    def orphans(self, timeout: float) -> list[Claim]:
        """Claims whose owner is gone (killed, crashed, a dead machine after `timeout`), taken over
        atomically so that two recovering workers never resume the same one."""
        out: list[Claim] = []
        if not self.root.exists():
            return out
        now = time.time()
        for meta_path in sorted(self.root.glob("*.json")):
            cid = meta_path.stem
            data_path = self.root / f"{cid}.pdf"
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                age = now - meta_path.stat().st_mtime
            except (OSError, ValueError):
                # a json torn by a crash mid-write cannot exist (atomic write); unreadable = foreign
                continue
            if owner_alive(meta.get("owner", {}), age, timeout):
                continue
            if not data_path.exists():
                meta_path.unlink(missing_ok=True)  # claim never completed, or released halfway
                continue
            taken = self._take_over(cid, meta)
            if taken is not None:
                out.append(taken)
        for data_path in sorted(self.root.glob("*.pdf")):
            if not (self.root / f"{data_path.stem}.json").exists():
                # bytes without a claim record can only come from a foreign tool; keep them safe
                meta = {"name": data_path.name, "source": f"recovered:{data_path}", "moved": True}
                cid, new_path, meta_path = self._new(meta)
                try:
                    os.rename(data_path, new_path)
                    out.append(Claim(cid, new_path, meta_path, json.loads(meta_path.read_text(encoding="utf-8"))))
                except FileNotFoundError:
                    meta_path.unlink(missing_ok=True)
        return out

    def _take_over(self, old_id: str, meta: dict) -> Claim | None:
        # The claim keeps its id: the receipts' unique claim_id then tells recovery whether the
        # dead owner had already committed it. Ownership moves by renaming the json to a name
        # only this process uses, then rewriting it.
        old_meta = self.root / f"{old_id}.json"
        mine = self.root / f"{old_id}.json.{os.getpid()}.{uuid.uuid4().hex[:6]}"
        try:
            os.rename(old_meta, mine)
        except FileNotFoundError:
            return None
        meta = {**meta, "owner": owner_token(), "recovered_at": datetime.now(timezone.utc).isoformat()}
        write_atomic(old_meta, json.dumps(meta, ensure_ascii=False).encode(), durable=False)
        mine.unlink(missing_ok=True)
        return Claim(old_id, self.root / f"{old_id}.pdf", old_meta, meta)


class Inbox:
    """Finds files that are complete: not a temporary name, and size and mtime unchanged for
    `stable_seconds` of observation (copy tools may set an old mtime while the size grows)."""

    def __init__(self, root: Path, stable_seconds: float):
        self.root = root.absolute()
        self.stable_seconds = stable_seconds
        self.area = ProcessingArea(self.root / PROCESSING)
        self._seen: dict[Path, tuple[int, int, float]] = {}

    def scan(self) -> tuple[list[Candidate], int]:
        """(ready candidates, number of files still waiting to become stable)."""
        ready: list[Candidate] = []
        waiting = 0
        now = time.monotonic()
        present: set[Path] = set()
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (Path(dirpath) / d).is_symlink())
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if is_temporary(name):
                    continue
                if path.is_symlink():
                    ready.append(Candidate(path, "symlink"))
                    continue
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                present.add(path)
                key = (st.st_size, st.st_mtime_ns)
                seen = self._seen.get(path)
                if seen is None or seen[:2] != key:
                    self._seen[path] = (*key, now)
                    waiting += 1
                elif now - seen[2] >= self.stable_seconds:
                    ready.append(Candidate(path, "file"))
                else:
                    waiting += 1
        for gone in set(self._seen) - present:
            del self._seen[gone]
        return ready, waiting

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def claim(self, cand: Candidate) -> Claim | None:
        claim = self.area.take(cand.path, self.relative(cand.path), f"inbox:{self.root}", cand.kind)
        if claim is not None:
            self._seen.pop(cand.path, None)
        return claim

    def still_growing(self, claim: Claim) -> bool:
        """A writer that kept its file open keeps writing into the moved file: compare with what
        the claim recorded."""
        if claim.meta.get("kind") == "symlink":
            return False
        st = claim.path.stat()
        return (st.st_size, st.st_mtime_ns) != (claim.meta.get("size"), claim.meta.get("mtime_ns"))
