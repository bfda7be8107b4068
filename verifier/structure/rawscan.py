"""Cheap questions asked of an object's raw bytes before parsing it: could it hold what a check
looks for?

The structure checks look at every object every revision writes (tens of thousands in a tagged
decree) for things almost none of them hold: a dictionary repeating a key, an action, a
reference to an object defined after signing. Parsing each object to find out costs most of
their time. The bytes of an object's value (verifier.pdf.layout.Layout.span) are searched first,
with one regular expression run in C; only an object whose bytes could hold the thing is parsed.

Each test may answer yes for an object that holds nothing (a name inside a string, a repeated
name that is a value, not a key), never no for one that holds it, because every token of a
parsed value is found by the search at the place the parser read it:

- names: `parse_value` reads a name at a '/' as the regular characters after it (`_NAME`).
  Every '/' starts a match of the same pattern here (a '/' is not a regular character, so no
  match runs over one), which therefore covers exactly that name's bytes; its escapes (#xx) are
  decoded as the parser decodes them before names are compared, so `/Type` and `/T#79pe` are
  one name here as in the dictionary.
- references: `parse_value` reads `N G R` at a token start, after a delimiter or whitespace.
  A search for the same pattern cannot skip it: a match starting earlier and running into it
  would have to cross that delimiter (no part of the pattern holds one) or, after whitespace,
  read N as its second number and then find G's digits where it needs `R`. The number is
  compared as the parser's int() reads it (leading zeros allowed).
"""

from __future__ import annotations

import re

_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_WS = rb"[\x00\t\n\x0c\r ]"
_NAME = re.compile(rb"/" + _REGULAR + rb"*")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _decoded(raw: bytes) -> bytes:
    # as rawpdf._decode_name: each #xx is the byte it names
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw) if b"#" in raw else raw


def names(data: bytes, start: int, end: int) -> list[bytes]:
    """Every name token (decoded, with its '/') that a value read from data[start:end] can hold,
    and perhaps others (a '/' inside a string or stream data reads as a name here)."""
    found = _NAME.findall(data, start, end)
    if data.find(b"#", start, end) >= 0:
        found = [_decoded(n) for n in found]
    return found


def may_repeat_key(data: bytes, start: int, end: int) -> bool:
    """False only if no dictionary in the value read from data[start:end] repeats a key: no name
    occurs twice in its bytes, and a dictionary's keys are names in its bytes."""
    found = names(data, start, end)
    return len(set(found)) < len(found)


def name_pattern(wanted) -> re.Pattern:
    """A search for any of the names `wanted` (strings with '/', as rawpdf gives them) as a whole
    name token, and for any name written with an escape (which could decode to one of them)."""
    alternatives = sorted({re.escape(n.encode("latin-1")[1:]) for n in wanted}, key=len, reverse=True)
    return re.compile(rb"/(?:(?:" + b"|".join(alternatives) + rb")(?!" + _REGULAR + rb")|[^\x00\t\n\x0c\r ()<>\[\]{}/%#]*+#)")


def may_hold_name(pattern: re.Pattern, data: bytes, start: int, end: int) -> bool:
    """False only if the value read from data[start:end] holds none of the names `pattern`
    (from `name_pattern`) looks for."""
    return pattern.search(data, start, end) is not None


# Searched in a copy of the value's bytes, so that the look-behind sees its first byte as a
# start: it keeps a search from trying every digit of a long run (a signature's hexadecimal
# /Contents), which without it costs the square of the run's length.
_REF_NUMBER = re.compile(rb"(?<![0-9])(\d++)" + _WS + rb"++\d++" + _WS + rb"++R(?!" + _REGULAR + rb")")
_ZERO_REF = re.compile(rb"(?<![0-9])0\d++" + _WS + rb"++\d++" + _WS + rb"++R(?!" + _REGULAR + rb")")


def numbers_as_written(numbers) -> frozenset[bytes]:
    """Object numbers as `may_refer` compares them."""
    return frozenset(str(n).encode() for n in numbers)


def may_refer(numbers: frozenset[bytes], data: bytes, start: int, end: int) -> bool:
    """False only if the value read from data[start:end] holds no reference to one of `numbers`
    (from `numbers_as_written`; generations are not looked at). A number written with leading
    zeros, which the parser reads as the same number, makes the answer yes."""
    if not numbers:
        return False
    value = data[start:end]
    if not numbers.isdisjoint(_REF_NUMBER.findall(value)):
        return True
    return _ZERO_REF.search(value) is not None
