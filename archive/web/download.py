"""A file handed to the browser under a name that came from an uploader: the Content-Disposition
header of RFC 6266, an ASCII `filename` any browser reads plus the exact name as `filename*`
(RFC 8187, UTF-8 percent-encoded), so a quote, a semicolon, a line break or a path in the name
can neither end the header nor choose a folder."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

_ASCII_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-()[] +,")


def disposition(kind: str, name: str, fallback: str = "document.pdf") -> str:
    """`attachment; filename="…"; filename*=UTF-8''…` (or `inline`) for `name`, reduced to its
    last path component and stripped of control and invisible characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ").strip()[:200]
    if name in ("", ".", ".."):
        name = fallback
    # the ASCII form: accents dropped (Kế hoạch -> Ke hoach), anything else an underscore
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = "".join(ch if ch in _ASCII_OK else "_" for ch in plain).strip() or fallback
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
