"""Untrusted text (file names, values read from documents) made safe for where it is written.

Minimal version: control characters (C0, DEL, C1), bidirectional overrides and lone surrogates
are shown as escapes, so a name can neither start a new line in a reason file nor move the
cursor or reorder what a terminal shows.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_file(text) -> str:
    return _UNSAFE.sub(_escape, str(text))


def for_terminal(text) -> str:
    return _UNSAFE.sub(_escape, str(text))
