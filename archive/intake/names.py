"""File names as the file system gives them: any bytes, any length.

A name is kept as its bytes and shown as text that maps back to exactly those bytes: valid UTF-8
as it is, a backslash doubled, any other byte as `\\xNN`. That text is what receipts, events and
reason files hold, so a name that is not UTF-8 is recorded, never a crash, and never confused
with another name.
"""

from __future__ import annotations

import os
import unicodedata

from archive.textsafe import for_file


def to_bytes(name: str | bytes) -> bytes:
    """The bytes of a name given as os functions return it (str with surrogateescape)."""
    return name if isinstance(name, bytes) else os.fsencode(name)


def display(name: str | bytes) -> str:
    raw = to_bytes(name)
    out = []
    for ch in raw.decode("utf-8", "surrogateescape"):
        if "\udc80" <= ch <= "\udcff":
            out.append(f"\\x{ord(ch) - 0xdc00:02x}")
        elif ch == "\\":
            out.append("\\\\")
        else:
            out.append(ch)
    return "".join(out)


def from_display(text: str) -> bytes:
    """The bytes a displayed name stands for (the inverse of `display`)."""
    out = bytearray()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and text[i + 1:i + 2] == "\\":
            out += b"\\"
            i += 2
        elif ch == "\\" and text[i + 1:i + 2] == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out += ch.encode("utf-8")
            i += 1
    return bytes(out)


def is_plain(name: str | bytes) -> bool:
    """UTF-8 with nothing to escape: safe to reuse inside a file name kyso makes."""
    shown = display(name)
    return "\\" not in shown and for_file(shown) == shown


def nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)
