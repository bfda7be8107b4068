"""The files a batch command is given: arguments that are files or folders, and `-` for a list
of paths on standard input, walked lazily.

A batch may name a million files (a list piped from `find`, a folder of a year's mail), so
nothing here holds them all: folders are walked one directory at a time in sorted order and the
standard input is read a path at a time. A path that is missing or cannot be read does not stop
the walk: it comes out in its place as an Item with its error, and the command reports it there
and goes on with the next one.

Used by `kyso verify` (PDFs chosen by their .pdf extension inside folders) and `kyso ingest`
(which chooses by content). A file named on the command line or on standard input is always
taken, whatever its name: the user chose it.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

STDIN = "-"


@dataclass(frozen=True)
class Item:
    """One file of the batch, or one path that could not be taken (error set)."""

    path: Path
    name: str  # as the user knows it: relative to the folder's parent for a file found in a folder
    error: OSError | None = None


def is_pdf_name(name: str) -> bool:
    """verify's choice inside folders: the .pdf extension, in any case."""
    return name.lower().endswith(".pdf")


def _visible(name: str) -> bool:
    # hidden files and folders (.git, .DS_Store, ._x.pdf of macOS) are never a batch's documents
    return not name.startswith(".")


def walk(
    args: Iterable[str | os.PathLike],
    *,
    stdin: BinaryIO | None = None,
    null: bool = False,
    keep: Callable[[str], bool] = lambda name: True,
    links: bool = True,
) -> Iterator[Item]:
    """Every file the arguments name, in the order given; folders recursively, sorted by name.

    `keep` chooses files found inside folders by their name (hidden ones are always left out);
    `links`: whether a symbolic link to a file inside a folder is taken (symbolic links to folders
    are never followed inside a folder, so a link cycle cannot make the walk endless). `-` reads
    newline-separated paths (NUL-separated with `null`) from `stdin` (default: the process's)."""
    for arg in args:
        if os.fspath(arg) == STDIN and not isinstance(arg, Path):
            yield from _listed(stdin if stdin is not None else sys.stdin.buffer, null, keep, links)
        else:
            yield from _one(Path(arg), keep, links)


def count(args: Iterable[str | os.PathLike], *, keep: Callable[[str], bool] = lambda name: True,
          links: bool = True) -> int | None:
    """How many items walk() will yield for `args`, without holding them; None when a `-` makes
    it unknowable in advance. Costs a directory listing per folder (no file is opened)."""
    args = list(args)
    if any(os.fspath(a) == STDIN and not isinstance(a, Path) for a in args):
        return None
    return sum(1 for _ in walk(args, keep=keep, links=links))


def _listed(stream: BinaryIO, null: bool, keep, links) -> Iterator[Item]:
    """The paths of a list on standard input, one per line (or NUL-terminated), as bytes decoded
    the way the file system does (a name that is not UTF-8 still reaches its file)."""
    for raw in _records(stream, b"\0" if null else b"\n"):
        if not null:
            raw = raw.rstrip(b"\r")  # a list written on Windows
        if not raw.strip():
            continue
        yield from _one(Path(os.fsdecode(raw)), keep, links)


def _records(stream: BinaryIO, sep: bytes, chunk: int = 1 << 16) -> Iterator[bytes]:
    pending = b""
    while True:
        block = stream.read(chunk)
        if not block:
            break
        pending += block
        *records, pending = pending.split(sep)
        yield from records
    if pending:
        yield pending


def _one(path: Path, keep, links) -> Iterator[Item]:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        yield Item(path, str(path), exc)
        return
    except ValueError:  # a NUL byte in a name read from `-`: no file has it (red team)
        yield Item(path, str(path), OSError(errno.EINVAL, "the path holds a NUL byte, which no file name can"))
        return
    if stat.S_ISDIR(mode):
        yield from _folder(path, path.parent, keep, links)
    else:  # a file, or something that is not one (a FIFO, a device): reading it says which
        yield Item(path, path.name)


def _folder(folder: Path, base: Path, keep, links) -> Iterator[Item]:
    """The files under `folder` in the order of their sorted paths, one directory listed at a
    time; an unreadable directory is an error item in its place."""
    try:
        names, folders, linked = [], set(), set()  # one directory's names only, held to sort them
        with os.scandir(folder) as it:
            for entry in it:
                if not _visible(entry.name):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.add(entry.name)
                elif entry.is_symlink():
                    if not links:
                        continue
                    linked.add(entry.name)
                elif not keep(entry.name):
                    continue
                names.append(entry.name)
    except OSError as exc:
        yield Item(folder, _relative(folder, base), exc)
        return
    names.sort()
    for name in names:
        path = folder / name
        if name in folders:
            yield from _folder(path, base, keep, links)
        elif name in linked:
            try:
                if not keep(name) or not path.is_file():  # a link to a folder or to nothing
                    continue
            except OSError:
                continue
            yield Item(path, _relative(path, base))
        else:
            yield Item(path, _relative(path, base))


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)
