"""Untrusted text escaped for where it goes.

File names and everything read from a document (number, subject, agency, signer names, the
reasons pyHanko quotes from its bytes) come from whoever can drop a file into the inbox. Printed
raw, an ESC sequence rewrites what the terminal shows (a red INVALID painted over as VALID), a
bidi override reverses a name, a newline forges a line of a reason file or a log. So every such
value is shown escaped, visibly and unambiguously: `\\x1b` for a control character, `\\u202e`
for an invisible format character, `\\xff` for a byte of a file name that is not UTF-8 (kept by
Python as a lone surrogate), `\\\\` for a backslash. Printable text, Vietnamese included, is left
as it is. The stored values (database, reports, claims) are never changed: escaping is for
showing only.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Control characters (C0, DEL, C1); every format character (Unicode category Cf: bidi marks,
# embeddings, overrides and isolates, zero-width characters, the BOM, tags, as of Unicode 14),
# the line and paragraph separators (Zl, Zp); surrogates (a non-UTF-8 byte of a file name).
# Written out rather than computed from unicodedata, which costs 0.16 s at every start;
# tests/test_archive_guard.py compares the list with Python's Unicode database.
INVISIBLE = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)
CONTROLS = ((0x00, 0x1F), (0x7F, 0x9F))
SURROGATES = ((0xD800, 0xDFFF),)


def _class(ranges) -> re.Pattern:
    return re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")


_UNSAFE = _class((*CONTROLS, (0x5C, 0x5C), *INVISIBLE, *SURROGATES))  # the backslash: unambiguous escapes


def _escape(match: re.Match) -> str:
    ch = match.group()
    cp = ord(ch)
    if ch == "\\":
        return "\\\\"
    if cp < 0x100:
        return f"\\x{cp:02x}"
    if 0xDC80 <= cp <= 0xDCFF:  # os.fsdecode's surrogateescape: the undecodable byte itself
        return f"\\x{cp - 0xDC00:02x}"
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def for_terminal(text: Any) -> str:
    """`text` as one line a terminal shows as it is: every control and invisible format
    character escaped. None is shown as an empty string."""
    if text is None:
        return ""
    return _UNSAFE.sub(_escape, str(text))


def for_file(text: Any) -> str:
    """`text` as one line of a text file (a reason file, a log): newlines and every other control
    or invisible character escaped, so a value can never start a line of its own."""
    return for_terminal(text)


# Report texts that are kyso's own prose over several lines (a layer's changes after signing,
# its problem as the validator words it): their line breaks are kept, each line escaped.
MULTILINE_KEYS = frozenset({"changes", "problem"})


def deep(value: Any, escape=for_terminal, key: str | None = None) -> Any:
    """A copy of a JSON-like value (dicts, lists, strings) with every string escaped; keys, which
    are kyso's own, are kept."""
    if isinstance(value, str):
        if key in MULTILINE_KEYS:
            return "\n".join(escape(line) for line in value.split("\n"))
        return escape(value)
    if isinstance(value, dict):
        return {k: deep(v, escape, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [deep(v, escape, key) for v in value]
    return value


def report_for_terminal(report, lang: str = "en"):
    """A copy of a DocumentReport (or of its stored JSON form, a dict) whose every text value is
    escaped, for render_text: a value can then neither draw on the terminal nor start a line
    of the report (a forged "OVERALL RESULT: Valid" in a signature's /Reason)."""
    from verifier.report.load import report_from_dict

    data = report if isinstance(report, dict) else report.to_dict(lang)
    return report_from_dict(deep(data))


# In JSON text, these can only stand inside strings, where \\uXXXX means the same character: the
# escaped line decodes to the same values and shows nothing invisible. json.dumps already
# escapes C0; C1, format characters, separators and lone surrogates it writes raw.
# Tab, line feed and carriage return raw in JSON text are its own whitespace (json.dumps with
# `indent`): inside strings json.dumps always writes them escaped.
_JSON_UNSAFE = _class(((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), *INVISIBLE, *SURROGATES))


def _json_escape(match: re.Match) -> str:
    cp = ord(match.group())
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    cp -= 0x10000
    return f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}"


def json_text(text: str) -> str:
    """JSON text (as json.dumps writes it) with every invisible or control character inside its
    strings written as a \\u escape."""
    return _JSON_UNSAFE.sub(_json_escape, text)


def json_line(obj: Any) -> str:
    """One JSON line for a terminal or a log: Unicode text as it is, nothing invisible."""
    return json_text(json.dumps(obj, ensure_ascii=False))
