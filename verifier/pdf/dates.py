"""PDF dates (ISO 32000-1 §7.9.4) read as viewers read them.

pyHanko's reading, lenient mode included, accepts UTC only as a bare `Z`. LibreOffice, on a
machine whose time zone is UTC (servers, containers, conversion services), writes the signature
dictionary's /M as `D:20261206150649Z'`, and `Z00'00'` is seen too: the instant is plain, the
apostrophes a slip of the writer. pyHanko raised on them while asking the signer's claimed time,
and every such signature came out FAILED, FORMAT_FAILURE (red team on LibreOffice and OpenSSL,
2026-12-06). A date that cannot be read at all is no date (None): /M is the signer's own claim
and optional, never what makes a signature valid or invalid.
"""

from __future__ import annotations

import re
from datetime import datetime

# Z followed only by apostrophes and zeros (Z', Z00'00', Z00'00): UTC written in the offset's form
_UTC_SPELLED = re.compile(r"Z[0']*$")


def pdf_date(value) -> datetime | None:
    """The instant a PDF date string names, or None when it names none."""
    from pyhanko.pdf_utils.generic import parse_pdf_date

    if value is None:
        return None
    text = str(value).rstrip()
    for candidate in (text, _UTC_SPELLED.sub("Z", text)):
        try:
            return parse_pdf_date(candidate, strict=False)
        except Exception:  # noqa: BLE001 - pyHanko's PdfReadError, or a value that is no string
            continue
    return None
