"""Content-addressed storage of originals and evidence: objects/ab/cdef… named by SHA-256,
written once (temp name, fsync, atomic rename), made read-only, never modified."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from archive.storage.fsutil import write_atomic

READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


@dataclass(frozen=True)
class BlobStore:
    root: Path  # .../objects
    tmp: Path  # same filesystem, so the final rename is atomic

    def key(self, sha256: str) -> str:
        return f"{sha256[:2]}/{sha256[2:]}"

    def path(self, sha256: str) -> Path:
        return self.root / self.key(sha256)

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store bytes; returns the storage key. Idempotent: an intact copy is left alone, a
        damaged one (wrong hash) is replaced by the good bytes. What is stored under a hash is
        exactly the bytes that hash was computed over: bytes that do not match `sha256` are
        refused, whoever passes them."""
        actual = hashlib.sha256(data).hexdigest()
        if sha256 is not None and actual != sha256:
            raise ValueError(f"refusing to store bytes whose SHA-256 is {actual} under {sha256}")
        sha256 = actual
        target = self.path(sha256)
        if target.exists() and self.check(sha256) == "ok":
            return self.key(sha256)
        if target.exists():
            os.chmod(target, stat.S_IWUSR | READ_ONLY)
        write_atomic(target, data, tmp_dir=self.tmp, mode=READ_ONLY)
        return self.key(sha256)

    def _open(self, sha256: str):
        """The object's file open for reading, or "missing" / "altered" (str). Whatever stands in
        the object's place that is not a regular file is not the object: a link (not followed), a
        folder, a pipe (opened without waiting for a writer, so a read never hangs). The
        descriptor is closed on every way out but the file returned."""
        try:
            fd = os.open(self.path(sha256), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return "missing"
        except OSError:  # a link, or a thing that cannot be opened
            return "altered"
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                return os.fdopen(fd, "rb")
        except OSError:
            pass
        os.close(fd)
        return "altered"

    def get_intact(self, sha256: str, what=None) -> bytes:
        """The object's bytes, checked against its hash; a StoredObjectError (missing or
        altered, saying what the object is: `what`, a codes.Phrase) instead of a file error
        or bytes that are not the object's. Opened as check() opens it (_open)."""
        from archive.problems import StoredObjectError
        from verifier.report.codes import Phrase

        what = what or Phrase(f"tệp đã lưu {sha256[:16]}…", f"the stored object {sha256[:16]}…")
        found = self._open(sha256)
        if isinstance(found, str):
            raise StoredObjectError(sha256, found, what, self.path(sha256))
        try:
            with found as fh:
                data = fh.read()
        except OSError as exc:
            raise StoredObjectError(sha256, "altered", what, self.path(sha256)) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoredObjectError(sha256, "altered", what, self.path(sha256))
        return data

    def get_if_intact(self, sha256: str) -> bytes | None:
        """The object's bytes when intact, else None: for what is worth having without it (a
        kept report made again, a report without its pictures, evidence left out); fixity
        says what became of it."""
        from archive.problems import StoredObjectError

        try:
            return self.get_intact(sha256)
        except StoredObjectError:
            return None

    def check(self, sha256: str) -> str:
        """'ok', 'missing' or 'altered'."""
        found = self._open(sha256)
        if isinstance(found, str):
            return found
        h = hashlib.sha256()
        try:
            with found as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        except OSError:
            return "altered"
        return "ok" if h.hexdigest() == sha256 else "altered"
