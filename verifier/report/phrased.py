"""Errors a reader sees, said in both languages where they are raised.

A PhrasedError holds a codes.Phrase as args[0]: `text(lang)` is the reader's sentence, str()
the English one (logs, tests written against English). `os_reason` says why the operating
system refused a file and `toml_place` where a TOML file is broken, since Python's own words
(strerror, tomllib's messages) are English only.
"""

from __future__ import annotations

import errno

from verifier.report.codes import Phrase


class PhrasedError(Exception):
    """An error whose message is a codes.Phrase."""

    @property
    def phrase(self) -> Phrase:
        value = self.args[0] if self.args else ""
        return value if isinstance(value, Phrase) else Phrase(str(value), str(value))

    def text(self, lang: str) -> str:
        return self.phrase.text(lang)


_OS_REASONS = {
    errno.ENOENT: ("không có tệp hoặc thư mục này", "no such file or directory"),
    errno.EACCES: ("không có quyền đọc", "permission denied"),
    errno.EPERM: ("không được phép", "operation not permitted"),
    errno.EISDIR: ("đó là một thư mục, không phải tệp", "it is a folder, not a file"),
    errno.ENOTDIR: ("một phần của đường dẫn không phải thư mục", "part of the path is not a folder"),
    errno.ENOSPC: ("hết chỗ trống trên đĩa", "no space left on the disk"),
    errno.EROFS: ("ổ đĩa chỉ cho đọc", "the disk is read-only"),
    errno.EIO: ("lỗi đọc ghi của ổ đĩa", "input/output error of the disk"),
    errno.ELOOP: ("quá nhiều liên kết tượng trưng lồng nhau", "too many levels of symbolic links"),
    errno.ENAMETOOLONG: ("tên tệp quá dài", "file name too long"),
}


def os_reason(exc: OSError) -> Phrase:
    """Why the system refused: known cases in words; the rest by its errno name (a code,
    the same in both languages) with Python's English text kept for the English reader."""
    known = _OS_REASONS.get(exc.errno)
    if known:
        return Phrase(*known)
    name = errno.errorcode.get(exc.errno or 0)
    english = exc.strerror or str(exc)
    if name:
        return Phrase(f"lỗi hệ thống {name}", f"{english} ({name})")
    return Phrase("lỗi hệ thống", english)


def toml_place(exc: Exception) -> Phrase:
    """Where a TOML file is broken, from tomllib's message ("… (at line 3, column 7)"): the
    place in words; the English keeps tomllib's whole message."""
    import re

    text = str(exc)
    found = re.search(r"at line (\d+), column (\d+)", text)
    if found:
        vi = f"sai cú pháp TOML ở dòng {found[1]}, cột {found[2]}"
    elif "end of document" in text:
        vi = "sai cú pháp TOML ở cuối tệp"
    else:
        vi = "sai cú pháp TOML"
    return Phrase(vi, f"not valid TOML: {text}")


def read_toml(path) -> tuple[dict | None, Phrase | None]:
    """(the TOML file's data, None), or (None, why it cannot be read: the system's reason, not
    UTF-8, or where its syntax breaks), for the caller to say in its own sentence."""
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), None
    except OSError as exc:
        return None, os_reason(exc)
    except UnicodeDecodeError as exc:
        return None, Phrase("tệp không phải văn bản UTF-8", str(exc))
    except tomllib.TOMLDecodeError as exc:
        return None, Phrase(toml_place(exc).vi, f"it is not valid TOML ({exc})")
