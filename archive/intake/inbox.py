"""The watched folder: which files are ready, and atomic claims so that two workers (on one
machine or several sharing the folder) never take the same file.

Whoever can drop a file into the inbox can also put a link, a named pipe or a folder there, and
swap one for another at any moment. So every entry is resolved once: examined and opened
relative to an open directory without following links (`open_entry`), checked to be a regular
file on the open descriptor, claimed by a rename between open directories, and from then on only
the one open descriptor is read. Nothing kyso does through a name inside the inbox can reach
outside it; the inbox folder itself is the only path resolved, once, when the watcher starts.

A claim first writes `<id>.json` (where the file came from, who took it, how many times its
processing was started) into the processing folder, then renames the file to `<id>.pdf` beside
it. Rename is atomic, so exactly one claimant wins; the loser removes its json. The processing
folder lives inside the inbox (`.kyso-processing`) so the rename never crosses filesystems; it is
private to kyso's user (0700), and one that is not (a link, a file, a folder of someone else) is
moved aside and replaced. After a crash the pair tells recovery what to resume.

Claims are not fsynced: if a power cut loses one, the file is back in the inbox or in the
processing folder without its record, and both are recovered. Only the stored objects and the
database commit must be on disk before a claim is released, and they are (archive.storage.blobs, the
database's own synchronous commit).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import stat
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from archive.intake.kinds import Left, why_not_taken
from archive.intake.names import display, nfc, to_bytes
from archive.textsafe import for_file
from archive.storage.fsutil import DIR_FLAGS, READ_FLAGS, read_at_most, read_small_at, write_atomic_at
from verifier.report.codes import Phrase

log = logging.getLogger(__name__)


def _warn(vi: str, en: str) -> None:
    """A warning the clerk reads on the terminal, in the process's language (archive.lang)."""
    from archive.lang import active
    from verifier.report.codes import pick

    log.warning("%s", pick((vi, en), active()))

PROCESSING = ".kyso-processing"
TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".!ut")
MAX_ATTEMPTS = 2  # a file whose processing was started this many times without an end is quarantined
MAX_DEPTH = 16  # folders in the inbox deeper than this are not looked into
FOREIGN_AGE = 60.0  # seconds before bytes without a claim record in the processing folder are adopted
LINK_SHOWN = 1024  # characters of a link's target recorded in the reason


def is_temporary(name: str) -> bool:
    """Names that copy tools and editors use while a file is still being written, and the files
    the system keeps beside a clerk's documents (archive.intake.kinds): never looked at."""
    from archive.intake.kinds import is_system

    return is_system(name) or name.lower().endswith(TEMP_SUFFIXES)


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
    except (OverflowError, ValueError):
        return False
    if _proc_dead(pid):
        return False
    return owner.get("start") is None or _proc_start(pid) == owner.get("start")


def _is_mine(owner: dict) -> bool:
    return owner.get("host") == socket.gethostname() and owner.get("pid") == os.getpid()


# -- one entry, examined once ------------------------------------------------------------------

_GONE = Phrase("mục đã nhận xử lý đã biến mất", "the claimed entry disappeared")
_KEPT_UNREAD = Phrase("giữ nguyên như khi nhận, chưa đọc", "kept as received, unread")

KINDS = {stat.S_IFIFO: ("một ống dẫn có tên (named pipe)", "a named pipe"), stat.S_IFSOCK: ("một socket", "a socket"),
         stat.S_IFCHR: ("một thiết bị", "a device"), stat.S_IFBLK: ("một thiết bị", "a device"),
         stat.S_IFDIR: ("một thư mục", "a folder"), stat.S_IFLNK: ("một liên kết tượng trưng", "a symbolic link")}


@dataclass
class Opened:
    """An entry as it was examined: the open descriptor of a regular file that may be read, or
    why it is not read."""

    fd: int | None
    st: os.stat_result | None  # of the open file; of the entry itself when it was not opened
    problem: Phrase | None = None  # in the clerk's language when it is shown (reason files, lines)

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def _link_problem(dir_fd: int | None, name) -> Phrase:
    try:
        target = display(os.readlink(name, dir_fd=dir_fd))
    except OSError:
        target = "?"
    if len(target) > LINK_SHOWN:
        target = target[:LINK_SHOWN] + "…"
    return Phrase(f"một liên kết tượng trưng (tới {target}): kyso không đi theo liên kết, đích chưa được đọc",
                  f"a symbolic link (to {target}): kyso does not follow links, the target was not read")


def _mode_problem(st: os.stat_result, nlink_one: bool) -> Phrase | None:
    kind = stat.S_IFMT(st.st_mode)
    if kind != stat.S_IFREG:
        what = KINDS.get(kind, ("không phải tệp thường", "not a regular file"))
        return Phrase(f"{what[0]}: không phải là tệp, không bao giờ được mở để đọc",
                      f"{what[1]}: not a file, never opened for reading")
    if not st.st_mode & 0o444:
        # even where kyso could read it anyway (run as root): nobody was meant to
        return Phrase("không có quyền đọc (chế độ 000): giữ nguyên như khi nhận, chưa đọc",
                      "no read permission (mode 000): kept as received, unread")
    if nlink_one and st.st_nlink > 1:
        return Phrase(f"tệp có {st.st_nlink} tên (liên kết cứng): kyso chỉ đọc tệp có một tên duy nhất nằm trong "
                      "thư mục nhận, nên liên kết tới một tệp ở nơi khác không được lưu trữ; chưa đọc",
                      f"the file has {st.st_nlink} names (hard links): kyso reads only a file whose one name is in "
                      "the inbox, so a link to a file elsewhere cannot be archived; kept unread")
    return None


def open_entry(dir_fd: int | None, name, *, follow: bool = False, nlink_one: bool = True) -> Opened | None:
    """Examine `name` in the open directory `dir_fd` and open it for reading if it is a regular
    file: without following a link (unless `follow`, for paths a person named on the command
    line), never blocking on a pipe. None if the entry is gone."""
    flags = READ_FLAGS if not follow else READ_FLAGS & ~os.O_NOFOLLOW
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=follow)
    except FileNotFoundError:
        return None
    except OSError as exc:
        from verifier.report.phrased import os_reason

        why = os_reason(exc)
        return Opened(None, None, Phrase(f"không xem được tệp: {why.vi}", f"cannot be examined: {why.en}"))
    if stat.S_ISLNK(st.st_mode):
        return Opened(None, st, _link_problem(dir_fd, name))
    problem = _mode_problem(st, nlink_one)
    if problem:
        return Opened(None, st, problem)
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except PermissionError:
        return Opened(None, st, Phrase("không có quyền đọc tệp: giữ nguyên như khi nhận, chưa đọc",
                                       "no permission to read it: kept as received, unread"))
    except OSError as exc:
        with contextlib.suppress(OSError):
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):  # swapped for a link since it was examined
            return Opened(None, st, _link_problem(dir_fd, name))
        from verifier.report.phrased import os_reason

        why = os_reason(exc)
        return Opened(None, st, Phrase(f"không mở được tệp: {why.vi}", f"cannot be opened: {why.en}"))
    fst = os.fstat(fd)  # what was opened is what counts, whatever the name pointed to before
    problem = _mode_problem(fst, nlink_one)
    if problem:
        os.close(fd)
        return Opened(None, fst, problem)
    return Opened(fd, fst, None)


class TooLarge(Exception):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


class Changed(Exception):
    """The file changed between being opened and read to its end: someone is still writing it."""


# -- claims ------------------------------------------------------------------------------------

@dataclass
class Claim:
    id: str
    meta: dict
    area: ProcessingArea
    opened: Opened = field(default_factory=lambda: Opened(None, None, Phrase("chưa mở", "not opened")))
    parent_fd: int | None = None  # the inbox folder it came from, to put it back; owned by the claim
    data: bytes | None = None  # the bytes read, once; everything kyso keeps of the file is these
    sha256: str | None = None  # of `data`
    step: str = "claimed"  # what was being done when something failed, for the reason
    read_as: tuple[int, int] | None = None  # (size, mtime) of the file when `data` was read

    @property
    def name(self) -> str:
        return self.meta["name"]

    @property
    def name_nfc(self) -> str:
        return nfc(self.meta["name"])

    @property
    def problem(self) -> Phrase | None:
        return self.opened.problem

    @property
    def interrupted(self) -> int:
        """How many times processing of this file was started and never ended (worker killed by
        the time or memory budget, a crash, a restart)."""
        try:
            return max(0, int(self.meta.get("attempts", 1)) - 1)
        except (TypeError, ValueError):
            return MAX_ATTEMPTS

    @property
    def moved(self) -> bool:
        return bool(self.meta.get("moved", True))

    def read(self, limit: int) -> bytes:
        """The content, read once from the open descriptor. TooLarge (unread) over `limit`;
        Changed if the file was written to while it was read."""
        if self.data is not None:
            return self.data
        fd, before = self.opened.fd, self.opened.st
        if before.st_size > limit:
            raise TooLarge(before.st_size)
        data = read_at_most(fd, limit)
        after = os.fstat(fd)
        if data is None:
            raise TooLarge(after.st_size)
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(data) != after.st_size:
            raise Changed()
        self.data = data
        self.read_as = (after.st_size, after.st_mtime_ns)
        if not self.moved:  # `kyso ingest`: a copy to resume from after a crash, of these very bytes
            write_atomic_at(self.area.fd, f"{self.id}.pdf", data, durable=False)
        return data

    def written_since_read(self) -> bool:
        """Whether the file moved in was written to after it was read: a writer that paused
        longer than the stable time holds it open still, and goes on writing into it."""
        if self.read_as is None or not self.moved or self.opened.fd is None:
            return False
        try:
            st = os.fstat(self.opened.fd)
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns) != self.read_as

    def close(self) -> None:
        self.opened.close()
        if self.parent_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.parent_fd)
            self.parent_fd = None


class ProcessingArea:
    """Claims in flight, for the inbox (moved in) and for `kyso ingest` (copied in). Every
    operation is relative to the folder opened once (`fd`)."""

    def __init__(self, root: Path, parent_fd: int | None = None):
        self.root = root
        self._parent_fd = parent_fd  # the inbox: root is opened relative to it, link or not
        self._fd: int | None = None

    @property
    def fd(self) -> int:
        if self._fd is None:
            self._fd = self._open()
        return self._fd

    def _open(self) -> int:
        parent = self._parent_fd
        own_parent = parent is None
        if own_parent:
            self.root.parent.mkdir(parents=True, exist_ok=True)
            parent = os.open(self.root.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        name = self.root.name
        try:
            for _ in range(5):
                try:
                    fd = os.open(name, DIR_FLAGS, dir_fd=parent)
                except FileNotFoundError:
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(name, 0o700, dir_fd=parent)
                    continue
                except OSError:  # a link, or a file, where kyso's folder belongs
                    self._displace(parent, name)
                    continue
                st = os.fstat(fd)
                if st.st_uid != os.geteuid():  # made by someone else: not a place for claims
                    os.close(fd)
                    self._displace(parent, name)
                    continue
                if st.st_mode & 0o077:
                    os.fchmod(fd, 0o700)
                return fd
            raise OSError(f"cannot make a private processing folder {self.root}: it keeps being replaced")
        finally:
            if own_parent:
                os.close(parent)

    @staticmethod
    def _displace(parent: int, name: str) -> None:
        aside = f"{name}.displaced-{uuid.uuid4().hex[:8]}"
        _warn(f"{name} trong thư mục nhận không phải thư mục xử lý của kyso: đã chuyển sang {aside}",
              f"{name} in the inbox is not kyso's processing folder: moved aside to {aside}")
        with contextlib.suppress(FileNotFoundError):
            os.rename(name, aside, src_dir_fd=parent, dst_dir_fd=parent)

    def path(self, name: str) -> Path:
        """For messages only: kyso never opens this path."""
        return self.root / name

    def _write_meta(self, cid: str, meta: dict) -> None:
        write_atomic_at(self.fd, f"{cid}.json", json.dumps(meta, ensure_ascii=False).encode(), durable=False)

    def _new(self, meta: dict) -> tuple[str, dict]:
        cid = uuid.uuid4().hex
        meta = {**meta, "owner": owner_token(), "claimed_at": datetime.now(timezone.utc).isoformat(), "attempts": 1}
        self._write_meta(cid, meta)
        return cid, meta

    def take(self, opened: Opened, parent_fd: int, entry: str, rel: bytes, origin: str) -> Claim | None:
        """Move the entry `entry` of the open folder `parent_fd` in, as it is (a link is moved as
        a link, never followed). None if another worker was faster. Takes ownership of `opened`
        and `parent_fd`."""
        st = opened.st
        meta = {"name": display(rel), "name_hex": rel.hex(), "source": origin, "moved": True,
                "size": st.st_size if st else None, "mtime_ns": st.st_mtime_ns if st else None}
        cid, meta = self._new(meta)
        try:
            os.rename(entry, f"{cid}.pdf", src_dir_fd=parent_fd, dst_dir_fd=self.fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(f"{cid}.json", dir_fd=self.fd)
            opened.close()
            os.close(parent_fd)
            if isinstance(exc, FileNotFoundError):
                return None
            raise
        claim = Claim(cid, meta, self, opened, parent_fd)
        try:
            now = os.stat(f"{cid}.pdf", dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            now = None
        if st is None or now is None or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            # the name was given to another entry between the open and the rename: what was
            # moved is what the claim holds, examined now in kyso's own folder
            opened.close()
            claim.opened = open_entry(self.fd, f"{cid}.pdf") or Opened(None, None, _GONE)
        return claim

    def copy_in(self, source: Path, name: str | bytes, origin: str) -> Claim | Left:
        """Claim `source` for reading, leaving it where it is (`kyso ingest`). A person named this
        path, so a link given on the command line is followed; a pipe still never blocks, and
        nothing is read before `Claim.read`, within the size limit, but the first 1024 bytes
        that tell a PDF (archive.intake.kinds): anything else is Left, never copied."""
        raw = to_bytes(name)
        opened = open_entry(None, source, follow=True, nlink_one=False)
        if opened is None:
            opened = Opened(None, None, Phrase("tệp đã biến mất trước khi được đọc", "the file disappeared before it was read"))
        elif (why := why_not_taken(os.fsdecode(raw.rsplit(b"/", 1)[-1]), opened)) is not None:
            opened.close()
            return Left(display(raw), why)
        st = opened.st
        meta = {"name": display(raw), "name_hex": raw.hex(), "source": display(origin), "moved": False,
                "size": st.st_size if st else None, "mtime_ns": st.st_mtime_ns if st else None}
        cid, meta = self._new(meta)
        return Claim(cid, meta, self, opened)

    def release(self, claim: Claim) -> None:
        """The file is archived or quarantined and committed: forget the claim. The bytes go
        first, so a crash in between leaves a json without bytes, which recovery just drops.
        A file written to since it was read is not deleted but put back to be taken again once
        complete: what was committed is what had been written then, and the rest is not lost
        (red team: a copy paused past the stable time was archived cut short, its end deleted)."""
        if claim.written_since_read():
            _warn(f"{for_file(claim.name)} được ghi tiếp sau khi đọc: trả lại thư mục nhận để nhận lại khi ghi xong",
                  f"{for_file(claim.name)} was written to after it was read: put back in the inbox, taken again once complete")
            try:
                if self._put_back(claim):
                    return
            except OSError:  # nowhere to put it: the claim stays, and recovery takes it again
                claim.close()
                return
        self._forget(claim)

    def _forget(self, claim: Claim) -> None:
        claim.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{claim.id}.pdf", dir_fd=self.fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{claim.id}.json", dir_fd=self.fd)

    def hold(self, claim: Claim) -> None:
        """Processing failed and so did quarantine (the database or the disk): keep the claim to
        be tried again. This start did end, so it is not counted as one that stopped a worker."""
        claim.close()
        try:
            attempts = max(0, int(claim.meta.get("attempts", 1)) - 1)
            held = int(claim.meta.get("held", 0)) + 1
        except (TypeError, ValueError):
            return
        with contextlib.suppress(OSError):
            self._write_meta(claim.id, {**claim.meta, "attempts": attempts, "held": held})

    def put_back(self, claim: Claim) -> bool:
        """Return a file that is still being written to the inbox folder it came from, under its
        name, or under the claim id if that name was taken meanwhile. False if there is nowhere
        to put it (a copy from `kyso ingest`: its original never moved)."""
        if not self._put_back(claim):
            self._forget(claim)
            return False
        return True

    def _put_back(self, claim: Claim) -> bool:
        parent = claim.parent_fd if claim.parent_fd is not None else self._parent_fd
        if not claim.moved or parent is None:
            return False
        claim.opened.close()
        try:
            name = bytes.fromhex(claim.meta["name_hex"]).rsplit(b"/", 1)[-1]
        except (KeyError, ValueError):
            name = claim.id.encode()
        target = os.fsdecode(name)
        try:
            os.stat(target, dir_fd=parent, follow_symlinks=False)
            target = f"{claim.id}.pdf"
        except FileNotFoundError:
            pass
        os.rename(f"{claim.id}.pdf", target, src_dir_fd=self.fd, dst_dir_fd=parent)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{claim.id}.json", dir_fd=self.fd)
        claim.close()
        return True

    def keep_unread(self, claim: Claim, dest_fd: int, dest: str) -> Phrase:
        """Move the claimed entry, unread, into the open folder `dest_fd`: a regular file by
        rename (a 5 GB file costs nothing, and is kept intact), a link or a pipe is only
        described (it has no content of its own) and removed. Returns what became of it."""
        cname = f"{claim.id}.pdf"
        try:
            st = os.stat(cname, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            if not claim.moved:
                source = claim.meta.get("source")
                return Phrase(f"không sao chép: bản gốc vẫn ở chỗ cũ ({source})",
                              f"not copied: the original is where it was ({source})")
            with contextlib.suppress(FileNotFoundError):
                os.stat(dest, dir_fd=dest_fd, follow_symlinks=False)
                return _KEPT_UNREAD  # moved by an earlier attempt
            return Phrase("không giữ gì: mục đã nhận xử lý đã biến mất", "nothing kept: the claimed entry disappeared")
        if stat.S_ISDIR(st.st_mode):  # swapped in after the claim was checked: kept whole, unread
            os.rename(cname, dest, src_dir_fd=self.fd, dst_dir_fd=dest_fd)
            return Phrase("một thư mục, giữ nguyên như khi nhận, chưa đọc", "a folder, kept as received, unread")
        if not stat.S_ISREG(st.st_mode):
            os.unlink(cname, dir_fd=self.fd)
            return Phrase("không giữ gì: nó không có nội dung riêng", "nothing kept: it has no content of its own")
        if st.st_nlink > 1:
            # another name of a file that lives elsewhere: removing this name leaves it untouched,
            # keeping it would keep a way to that file in the quarantine
            os.unlink(cname, dir_fd=self.fd)
            return Phrase("không giữ gì: tên này đã được xóa, các tên khác của tệp vẫn nguyên",
                          "nothing kept: this name was removed, the file's other names are untouched")
        try:
            os.rename(cname, dest, src_dir_fd=self.fd, dst_dir_fd=dest_fd)
            return _KEPT_UNREAD
        except OSError as exc:
            import errno

            if exc.errno != errno.EXDEV:
                raise
        held = f"{claim.id}.held"  # the inbox is on another filesystem: kept beside the claims
        os.rename(cname, held, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        where = display(os.fsencode(self.path(held)))
        return Phrase(f"giữ nguyên như khi nhận, chưa đọc, tại {where} (hệ thống tệp khác)",
                      f"kept as received, unread, at {where} (another filesystem)")

    def orphans(self, timeout: float, own: bool = False) -> list[Claim]:
        """Claims whose owner is gone (killed, crashed, a dead machine after `timeout`), taken over
        atomically so that two recovering workers never resume the same one; with `own`, also
        this process's claims that it had to hold (none is in flight when it asks)."""
        out: list[Claim] = []
        now = time.time()
        try:
            names = sorted(os.listdir(self.fd))
        except OSError:
            return out
        present = set(names)
        for meta_name in names:
            cid = meta_name[:-5]
            if not meta_name.endswith(".json") or len(cid) != 32:
                continue
            try:
                meta = json.loads(read_small_at(self.fd, meta_name))
                age = now - os.stat(meta_name, dir_fd=self.fd, follow_symlinks=False).st_mtime
                if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
                    raise ValueError("not a claim record")
            except (OSError, ValueError) as exc:
                # a json torn by a crash mid-write cannot exist (atomic write); unreadable = foreign
                _warn(f"bỏ qua bản ghi nhận xử lý {for_file(meta_name)}: không đọc được",
                      f"claim record {for_file(meta_name)} ignored: {exc}")
                continue
            owner = meta.get("owner") if isinstance(meta.get("owner"), dict) else {}
            if not (own and _is_mine(owner)) and owner_alive(owner, age, timeout):
                continue
            if f"{cid}.pdf" not in present:
                # claim never completed (for `kyso ingest`: the copy never made, the original is
                # where it was), or released halfway
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(meta_name, dir_fd=self.fd)
                continue
            taken = self._take_over(cid, meta)
            if taken is not None:
                out.append(taken)
        for data_name in names:
            cid = data_name[:-4]
            if data_name.endswith(".pdf") and f"{cid}.json" not in present and self._foreign(data_name, cid, now):
                # bytes without a claim record can only come from a foreign tool (or a power cut
                # that lost the record); keep them safe
                meta = {"name": display(data_name), "name_hex": os.fsencode(data_name).hex(),
                        "source": f"recovered:{display(os.fsencode(self.path(data_name)))}", "moved": True}
                new_id, meta = self._new(meta)
                try:
                    os.rename(data_name, f"{new_id}.pdf", src_dir_fd=self.fd, dst_dir_fd=self.fd)
                except FileNotFoundError:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{new_id}.json", dir_fd=self.fd)
                    continue
                out.append(self._reopen(new_id, meta))
        return out

    def take_over(self, cid: str) -> Claim | None:
        """The one claim `cid` of an owner known to be gone (`kyso serve` killed the worker that
        held it), taken over as orphans() would; None if it is settled or someone was faster."""
        try:
            meta = json.loads(read_small_at(self.fd, f"{cid}.json"))
        except (OSError, ValueError):
            return None
        return self._take_over(cid, meta) if isinstance(meta, dict) and isinstance(meta.get("name"), str) else None

    def _foreign(self, data_name: str, cid: str, now: float) -> bool:
        """No record beside it for a while: a claim being taken over renames its record for a
        moment, and a listing may miss a name being renamed, so only old bytes are adopted."""
        try:
            st = os.stat(data_name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return False
        try:
            os.stat(f"{cid}.json", dir_fd=self.fd, follow_symlinks=False)
            return False
        except FileNotFoundError:
            return now - st.st_ctime > FOREIGN_AGE

    def _take_over(self, old_id: str, meta: dict) -> Claim | None:
        # The claim keeps its id: the receipts' unique claim_id then tells recovery whether the
        # dead owner had already committed it. Ownership moves by renaming the json to a name
        # only this process uses, then rewriting it, with one more attempt counted.
        mine = f"{old_id}.json.{os.getpid()}.{uuid.uuid4().hex[:6]}"
        try:
            os.rename(f"{old_id}.json", mine, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except FileNotFoundError:
            return None
        try:
            attempts = int(meta.get("attempts", 0)) + 1
        except (TypeError, ValueError):
            attempts = MAX_ATTEMPTS + 1
        meta = {**meta, "owner": owner_token(), "recovered_at": datetime.now(timezone.utc).isoformat(), "attempts": attempts}
        self._write_meta(old_id, meta)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(mine, dir_fd=self.fd)
        return self._reopen(old_id, meta)

    def _reopen(self, cid: str, meta: dict) -> Claim:
        opened = open_entry(self.fd, f"{cid}.pdf") or Opened(None, None, _GONE)
        return Claim(cid, meta, self, opened)


# -- the inbox ---------------------------------------------------------------------------------

@dataclass
class Candidate:
    parts: tuple[str, ...]  # the entry's names from the inbox down, as the file system gives them
    kind: str  # "file" | "other" (a link, a pipe, …: taken at once, never read)
    key: tuple[int, int, int, int] | None = None  # size, mtime, device, inode when found stable; for "other": type, 0, device, inode

    @property
    def rel(self) -> bytes:
        return b"/".join(to_bytes(p) for p in self.parts)

    @property
    def path(self) -> str:
        return display(self.rel)


class Inbox:
    """Finds files that are complete: not a temporary name, and size and mtime unchanged for
    `stable_seconds` of observation (copy tools may set an old mtime while the size grows).
    With `patience`, a file still changing after that many seconds is no longer waited for
    (`watch --once` must end; the file stays in the inbox for the next run)."""

    def __init__(self, root: Path, stable_seconds: float, patience: float | None = None):
        self.root = root.absolute()
        self.stable_seconds = stable_seconds
        self.patience = patience
        # the configured folder is the one path resolved, once; everything below is relative
        self.fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        self.area = ProcessingArea(self.root / PROCESSING, parent_fd=self.fd)
        self.origin = f"inbox:{display(os.fsencode(self.root))}"
        self._seen: dict[tuple[str, ...], tuple[tuple, float, float]] = {}
        self._too_deep: set[tuple[str, ...]] = set()  # folders past MAX_DEPTH already reported
        # entries left alone (not PDFs), by what they were: looked at again only once they change
        self._left: dict[tuple[str, ...], tuple] = {}

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def scan(self) -> tuple[list[Candidate], int]:
        """(ready candidates, number of files still waiting to become stable)."""
        ready: list[Candidate] = []
        waiting = 0
        now = time.monotonic()
        present: set[tuple[str, ...]] = set()
        stack: list[tuple[str, ...]] = [()]
        while stack:
            prefix = stack.pop()
            # each folder opened from the inbox down, link by link refused, and closed once listed
            dir_fd = self._open_parent(prefix)
            if dir_fd is None:
                continue  # swapped for a link since it was found, or not enterable
            try:
                entries = []
                for entry in os.scandir(dir_fd):
                    if not is_temporary(entry.name):
                        with contextlib.suppress(OSError):
                            entries.append((entry.name, entry.stat(follow_symlinks=False)))
            except OSError as exc:
                from verifier.report.phrased import os_reason

                where, reason = for_file(display(b"/".join(map(to_bytes, prefix)))) or ".", os_reason(exc)
                _warn(f"không liệt kê được {where} trong thư mục nhận: {reason.vi}",
                      f"cannot list {where} in the inbox: {reason.en}")
            finally:
                os.close(dir_fd)
            subdirs = []
            for name, st in sorted(entries, key=lambda e: e[0]):
                parts = (*prefix, name)
                if stat.S_ISDIR(st.st_mode):
                    if len(parts) <= MAX_DEPTH:
                        subdirs.append(parts)
                    elif parts not in self._too_deep:
                        # not looked into, but never in silence: the clerk learns where it is
                        self._too_deep.add(parts)
                        deep = for_file(display(b"/".join(map(to_bytes, parts))))
                        _warn(f"thư mục {deep} nằm sâu quá {MAX_DEPTH} cấp trong thư mục nhận: các tệp trong đó "
                              "không được nhận; hãy chuyển chúng lên cấp trên",
                              f"folder {deep} is more than {MAX_DEPTH} folders deep in the inbox: its files are not "
                              "taken; move them up")
                    continue
                if not stat.S_ISREG(st.st_mode):
                    key = (stat.S_IFMT(st.st_mode), 0, st.st_dev, st.st_ino)
                    present.add(parts)
                    if self._left.get(parts) != key:
                        ready.append(Candidate(parts, "other", key))
                    continue
                present.add(parts)
                key = (st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino)
                if self._left.get(parts) == key:
                    continue
                seen = self._seen.get(parts)
                if seen is None or seen[0] != key:
                    seen = self._seen[parts] = (key, now, seen[2] if seen else now)
                    if self.stable_seconds > 0:
                        waiting += self._still_waited_for(seen, now)
                        continue
                if now - seen[1] >= self.stable_seconds:
                    ready.append(Candidate(parts, "file", key))
                else:
                    waiting += self._still_waited_for(seen, now)
            stack.extend(reversed(subdirs))
        for gone in set(self._seen) - present:
            del self._seen[gone]
        for gone in set(self._left) - present:
            del self._left[gone]
        return ready, waiting

    def _still_waited_for(self, seen, now: float) -> int:
        return 0 if self.patience is not None and now - seen[2] > self.patience else 1

    def _open_parent(self, parts: tuple[str, ...]) -> int | None:
        """The folder holding an entry, opened component by component from the inbox without
        following a link: a folder swapped for a link since the scan is not entered."""
        fd = os.dup(self.fd)
        for part in parts:
            try:
                nfd = os.open(part, DIR_FLAGS, dir_fd=fd)
            except OSError:
                os.close(fd)
                return None
            os.close(fd)
            fd = nfd
        return fd

    def open(self, cand: Candidate) -> tuple[int, Opened] | None:
        """Open a candidate where the scan found it: (its folder, the entry opened or examined);
        None if it is gone or no longer what the scan saw."""
        parent = self._open_parent(cand.parts[:-1])
        if parent is None:
            return None
        opened = open_entry(parent, cand.parts[-1])
        if opened is None:
            os.close(parent)
            self._seen.pop(cand.parts, None)
            return None
        st = opened.st
        other_changed = cand.kind == "other" and cand.key is not None and (
            st is None or (stat.S_IFMT(st.st_mode), 0, st.st_dev, st.st_ino) != cand.key)
        if other_changed or (st is not None and stat.S_ISDIR(st.st_mode)) or (
                opened.fd is not None and (cand.kind != "file" or st is None or
                                           (st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino) != cand.key)):
            # a file changed since it was found stable, one put where a link was, or an entry
            # swapped for a folder or another entry (folders are walked, never claimed):
            # observed again from the start
            opened.close()
            os.close(parent)
            self._seen.pop(cand.parts, None)
            return None
        return parent, opened

    def take(self, cand: Candidate, parent: int, opened: Opened) -> Claim | None:
        claim = self.area.take(opened, parent, cand.parts[-1], cand.rel, self.origin)
        self._seen.pop(cand.parts, None)
        return claim

    def claim(self, cand: Candidate) -> Claim | Left | None:
        """Open, then claim: None if it is gone, changed, or another worker was faster; Left
        (and left in the inbox, untouched) if it is not a PDF."""
        found = self.open(cand)
        if found is None:
            return None
        parent, opened = found
        why = why_not_taken(cand.parts[-1], opened)
        if why is not None:
            opened.close()
            os.close(parent)
            self._left[cand.parts] = cand.key
            self._seen.pop(cand.parts, None)
            return Left(cand.path, why)
        return self.take(cand, parent, opened)
