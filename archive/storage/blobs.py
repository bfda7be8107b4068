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

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def get_intact(self, sha256: str, what=None) -> bytes:
        """The object's bytes, checked against its hash; a StoredObjectError (missing or
        altered, saying what the object is: `what`, a codes.Phrase) instead of a file error
        or bytes that are not the object's."""
        from archive.problems import StoredObjectError
        from verifier.report.codes import Phrase

        what = what or Phrase(f"tệp đã lưu {sha256[:16]}…", f"the stored object {sha256[:16]}…")
        path = self.path(sha256)
        try:
            # as check() opens it: a link or a pipe put in the object's place is not the object,
            # and a pipe must not hold the reader forever
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError as exc:
            raise StoredObjectError(sha256, "missing", what, path) from exc
        except OSError as exc:  # a folder, a link or an unreadable thing in the object's place
            raise StoredObjectError(sha256, "altered", what, path) from exc
        try:
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    raise StoredObjectError(sha256, "altered", what, path)
                data = fh.read()
        except OSError as exc:
            raise StoredObjectError(sha256, "altered", what, path) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoredObjectError(sha256, "altered", what, path)
        return data

    def check(self, sha256: str) -> str:
        """'ok', 'missing' or 'altered'."""
        try:
            fd = os.open(self.path(sha256), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return "missing"
        except OSError:  # a link put in an object's place: not the object
            return "altered"
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return "altered"
            h = hashlib.sha256()
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return "ok" if h.hexdigest() == sha256 else "altered"
