"""Durable file operations: what is renamed into place is complete and on disk. And the
operations relative to an open directory, which never follow a link: what an inbox holds is
examined through these only, so a link or a folder swapped in during the work cannot send kyso
anywhere else."""

from __future__ import annotations

import contextlib
import os
import stat
import uuid
from pathlib import Path

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a named pipe swapped in after the check returns at once instead of waiting
# for a writer; O_NOCTTY: a terminal device never becomes kyso's controlling terminal.
READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not possible everywhere (Windows, some network shares)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _tmp_name() -> str:
    # never derived from the final name: that may already be as long as a name can be
    return f".kyso-{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp"


def write_atomic(path: Path, data: bytes, tmp_dir: Path | None = None, mode: int | None = None,
                 durable: bool = True) -> None:
    """Temp file + fsync + rename: a crash leaves the old file or the new one, never half of one.
    `durable=False` skips the fsyncs where losing the write in a power cut is harmless (it is
    still never torn)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = tmp_dir or path.parent
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / _tmp_name()
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        if durable:
            os.fsync(fh.fileno())
    if mode is not None:
        os.chmod(tmp, mode)
    os.replace(tmp, path)
    if durable:
        fsync_dir(path.parent)


def write_atomic_at(dir_fd: int, name: str, data: bytes, durable: bool = True) -> None:
    """`write_atomic` inside an open directory."""
    tmp = _tmp_name()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
    os.close(fd)
    os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    if durable:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)


def read_small_at(dir_fd: int, name: str, limit: int = 1 << 20) -> bytes:
    """A small file of kyso's own (a claim record), opened without following a link."""
    fd = os.open(name, READ_FLAGS, dir_fd=dir_fd)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{name} is not a regular file")
        data = os.read(fd, limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(f"{name} is over {limit} bytes")
    return data


def read_at_most(fd: int, limit: int) -> bytes | None:
    """The whole content of an open regular file, or None if it is (or grows) over `limit` bytes:
    never more than `limit` + 1 bytes are read, whatever the file claims or becomes."""
    size = os.fstat(fd).st_size
    if size > limit:
        return None
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        # one read for the size seen (the common case: no copy), then small reads to detect growth
        chunk = os.pread(fd, min(max(size - total, 0) + 1 if total < size else 1 << 16, limit + 1 - total), total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        return None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def name_max(dir_fd: int) -> int:
    try:
        return os.fpathconf(dir_fd, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255
