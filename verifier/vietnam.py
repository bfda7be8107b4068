"""Conventions of Vietnam that several packages share, defined once: the time zone and the
comparison form of Vietnamese text.

Vietnam keeps UTC+07:00 all year (no daylight saving), which is what the signing tools write in
`/M`, what the date line of a document means (docs/decree30.md §5, C12) and how reports show times.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))


def nfc(text: str | None) -> str:
    """Unicode NFC: Word output mixes in NFD, certificates and page text are usually NFC."""
    return unicodedata.normalize("NFC", text or "")


_D = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d", "Ɖ": "D", "ɖ": "d"})


def fold(text: str | None) -> str:
    """Case- and diacritic-insensitive comparison form with single spaces ("Đào  tạo" → "dao
    tao", "Thuỷ" and "Thủy" → "thuy"); đ is replaced by hand because Unicode gives it no
    decomposition, and so are its look-alikes Ð (U+00D0) and Ɖ (U+0189), which old converters
    and keyboard layouts type for Đ."""
    text = nfc(text).translate(_D)
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())
