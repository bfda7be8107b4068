"""The quarantine folder as the clerk asks about it: each entry is `<claim id>[__<name>]` (the
file kept, when anything was kept) beside `<same>.reason.txt` (archive.ingest.Archive.quarantine).
Entries are found by listing the folder, never by a path built from what the user typed, so an ID
cannot reach outside it; releasing puts the kept file back under its own name without ever
replacing a file already there. A release is an event of the audit chain ("released") naming
who released it, whether a clerk in the console, a system through the API or the command line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

REASON_SUFFIX = ".reason.txt"
CLAIM_ID = re.compile(r"[0-9a-f]{32}")
MIN_PREFIX = 4  # characters of an ID the user must type


class NoEntry(Exception):
    def __init__(self, ref: str):
        super().__init__(ref)
        self.ref = ref


class Ambiguous(Exception):
    def __init__(self, ref: str, count: int):
        super().__init__(ref)
        self.ref, self.count = ref, count


class Clash(Exception):
    def __init__(self, path: Path):
        super().__init__(str(path))
        self.path = path


class NotAFile(Exception):
    """Nothing to put back: nothing was kept (a link, a pipe), or what was kept is not a file."""


def _labels() -> dict[str, str]:
    """Reason-file label (in either language) -> key (archive.ingest.REASON_FILE)."""
    from archive.ingest import REASON_FILE

    return {label: key for key, pair in REASON_FILE.items() for label in pair}


@dataclass
class Entry:
    id: str  # the claim id
    base: str  # the entry's name in the folder, without the reason suffix
    folder: Path
    fields: dict  # from the reason file: file, source, sha256, at, reason, kept, next
    text: str  # the reason file as written
    at: datetime  # when it was quarantined (the reason file's time)

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def file(self) -> str:
        return self.fields.get("file") or self.base

    @property
    def reason(self) -> str:
        return self.fields.get("reason", "")

    @property
    def kept(self) -> Path | None:
        path = self.folder / self.base
        try:
            path.lstat()
        except OSError:
            return None
        return path

    def to_dict(self) -> dict:
        from archive.lang import iso

        kept = self.kept
        out = {"id": self.id, "file": self.file, "quarantined_at": iso(self.at), "reason": self.reason,
               "sha256": self.fields.get("sha256") if self.fields.get("sha256") not in (None, "-") else None,
               "source": self.fields.get("source"), "kept": str(kept) if kept else None,
               "reason_file": str(self.folder / (self.base + REASON_SUFFIX))}
        return {k: v for k, v in out.items() if v is not None}


def _read(folder: Path, reason_name: str, labels: dict[str, str]) -> Entry | None:
    base = reason_name[: -len(REASON_SUFFIX)]
    cid = base.split("__", 1)[0]
    if not CLAIM_ID.fullmatch(cid):
        return None  # not one of kyso's
    path = folder / reason_name
    try:
        st = path.lstat()
        if not stat.S_ISREG(st.st_mode):
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = {}
    for line in text.splitlines():
        label, sep, value = line.partition(": ")
        if sep and label in labels:
            fields.setdefault(labels[label], value)
    return Entry(cid, base, folder, fields, text, datetime.fromtimestamp(st.st_mtime, timezone.utc))


def entries(folder: Path):
    """Every entry, oldest first."""
    labels = _labels()
    try:
        names = [n for n in os.listdir(folder) if n.endswith(REASON_SUFFIX)]
    except FileNotFoundError:
        return []
    # a kept file named like a reason file (an earlier kyso kept `<id>__x.reason.txt` as named)
    # is the file of the entry whose reason file follows it, not an entry of its own
    listed = set(names)
    names = [n for n in names if n + REASON_SUFFIX not in listed]
    found = [e for e in (_read(folder, n, labels) for n in names) if e is not None]
    return sorted(found, key=lambda e: (e.at, e.id))


def find(folder: Path, ref: str) -> Entry:
    """The entry whose claim id starts with `ref` (at least MIN_PREFIX characters), or whose name
    in the folder is `ref`."""
    ref = ref.strip()
    key = ref.removesuffix(REASON_SUFFIX)
    hits = [e for e in entries(folder) if e.base == key or (
        len(key) >= MIN_PREFIX and CLAIM_ID.fullmatch(key.ljust(32, "0")) and e.id.startswith(key))]
    if not hits:
        raise NoEntry(ref)
    if len(hits) > 1:
        raise Ambiguous(ref, len(hits))
    return hits[0]


def _name(entry: Entry) -> str:
    """The file's own name (its last path component as it was received) when it is plain text
    that makes a file name; else `<claim id>.pdf`."""
    from archive.intake.names import is_plain

    name = entry.fields.get("file", "").rsplit("/", 1)[-1]
    if name and name not in (".", "..") and is_plain(name) and len(name.encode()) <= 255:
        return name
    return f"{entry.id}.pdf"


def release(entry: Entry, target: Path) -> Path:
    """Put the kept file into the folder `target` under its own name; Clash if that name is taken
    there (nothing is ever replaced), NotAFile if there is no file to put back. The reason file
    goes with the entry: the next attempt writes its own."""
    src = entry.folder / entry.base
    try:
        st = src.lstat()
    except FileNotFoundError as exc:
        raise NotAFile() from exc
    if not stat.S_ISREG(st.st_mode):
        raise NotAFile()
    dest = target / _name(entry)
    try:
        os.link(src, dest, follow_symlinks=False)  # fails on an existing name: never replaces
    except FileExistsError as exc:
        raise Clash(dest) from exc
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        _copy_new(src, dest)
    os.unlink(src)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(entry.folder / (entry.base + REASON_SUFFIX))
    return dest


def _copy_new(src: Path, dest: Path) -> None:
    """Another filesystem: the bytes copied into a new file (never over an existing one) and on
    disk before the quarantined copy is removed."""
    try:
        out = open(dest, "xb")
    except FileExistsError as exc:
        raise Clash(dest) from exc
    with out, open(src, "rb") as inp:
        shutil.copyfileobj(inp, out)
        out.flush()
        os.fsync(out.fileno())


def release_recorded(archive, entry: Entry, target: Path, by: str) -> Path:
    """`release` as one step of the audit chain: the event "released" (the claim id, the file,
    where it went, `by` whom) is appended first, inside the transaction that commits it, so a
    release that fails (Clash, NotAFile, the disk) leaves no event, and a database that cannot
    take the event leaves the file where it was: no release goes unrecorded."""
    from archive.db import events
    from archive.db.session import transaction

    sha = entry.fields.get("sha256")
    with transaction(archive.sessions) as s:
        events.append(s, "released", None, entry.id, file=entry.file, to=str(target / _name(entry)),
                      sha256=sha if sha not in (None, "-") else None, by=by)
        return release(entry, target)
