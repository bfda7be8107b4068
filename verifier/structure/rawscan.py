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

from verifier.pdf import rawpdf

_REGULAR = rawpdf._REGULAR  # the raw reader's token classes, so that both read the same bytes alike
_WS = b"[" + rawpdf._WS + b"]"
_NAME = re.compile(rb"/" + _REGULAR + rb"*")


def names(data: bytes, start: int, end: int) -> list[bytes]:
    """Every name token (decoded, with its '/') that a value read from data[start:end] can hold,
    and perhaps others (a '/' inside a string or stream data reads as a name here)."""
    found = _NAME.findall(data, start, end)
    if data.find(b"#", start, end) >= 0:
        found = [rawpdf.name_bytes(n) for n in found]
    return found


def may_repeat_key(data: bytes, start: int, end: int) -> bool:
    """False only if no dictionary in the value read from data[start:end] repeats a key: no name
    occurs twice in its bytes (a dictionary's keys are names in its bytes), or the value is one
    dictionary whose keys rawpdf reads without parsing (a structure element's /S /P beside its
    /P, a value and a key, would otherwise send thousands of objects to the parser)."""
    found = names(data, start, end)
    if len(set(found)) == len(found):
        return False
    keys = rawpdf.flat_dict_keys(data, start, end)
    return keys is None or len(set(keys)) < len(keys)


class NameSearch:
    """Looks for any of the names `wanted` (strings with '/', as rawpdf gives them) as a whole
    name token, or for any name written with an escape (which could decode to one of them)."""

    def __init__(self, wanted):
        alternatives = sorted({re.escape(n.encode("latin-1")[1:]) for n in wanted}, key=len, reverse=True)
        self.pattern = re.compile(rb"/(?:(?:" + b"|".join(alternatives) + rb")(?!" + _REGULAR + rb")|"
                                  rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%#]*+#)")
        self._anywhere: dict[int, tuple[bytes, bool]] = {}

    def anywhere(self, data: bytes) -> bool:
        """Whether `data` holds one of the names anywhere: False only if no value read from it
        holds one."""
        return self._holds_anywhere(data)

    def may_hold(self, data: bytes, start: int, end: int, *, anywhere: bool = True) -> bool:
        """False only if the value read from data[start:end] holds none of the names. A name is
        read alike whatever bytes surround it (it starts at its '/'), so data that holds none
        anywhere holds none in any of its values: `anywhere` searches all of `data` once first
        (a decoded object stream; not the file, whose binary stream data names everything)."""
        if anywhere and not self._holds_anywhere(data):
            return False
        return self.pattern.search(data, start, end) is not None

    def _holds_anywhere(self, data: bytes) -> bool:
        known = self._anywhere.get(id(data))
        if known is None or known[0] is not data:
            known = self._anywhere[id(data)] = (data, self.pattern.search(data) is not None)
        return known[1]


# A reference's first number is searched only where no digit precedes it (in a copy of the
# value's bytes, or in data searched whole, see ReferenceSearch.may_refer), so that a search does
# not try every digit of a long run (a signature's hexadecimal /Contents), which costs the square
# of the run's length. The numbers sought are one alternative per digit (a trie), each tried only
# as far as the digits go.


def _digit_trie(numbers: list[bytes]) -> bytes:
    """A pattern matching exactly the digit strings `numbers`, one digit at a time."""
    branches = []
    for digit in sorted({n[:1] for n in numbers if n}):
        branches.append(re.escape(digit) + _digit_trie([n[1:] for n in numbers if n[:1] == digit]))
    if not branches:
        return b""
    body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
    return b"(?:" + body + b")?" if b"" in numbers else body


def _reference_to(numbers: frozenset[int]) -> re.Pattern:
    """`N G R` whose N reads (as int() reads it, leading zeros allowed) as one of `numbers`."""
    positive = _digit_trie(sorted(str(n).encode() for n in numbers if n > 0))
    number = [b"0*+" + positive] if positive else []
    if 0 in numbers:
        number.append(b"0++")
    return re.compile(rb"(?<![0-9])(?:" + b"|".join(number) + rb")" + _WS + rb"++\d++" + _WS + rb"++R(?!" + _REGULAR + rb")")


class ReferenceSearch:
    """Looks for a reference `N G R` to any of the object numbers `numbers` (its generation is
    not looked at)."""

    def __init__(self, numbers):
        numbers = frozenset(numbers)
        self._pattern = _reference_to(numbers) if numbers else None
        self._anywhere: dict[int, tuple[bytes, bool]] = {}

    def may_refer(self, data: bytes, start: int, end: int, *, anywhere: bool = True) -> bool:
        """False only if the value read from data[start:end] holds no such reference.
        `anywhere`: first search all of `data` once (a decoded object stream, not the file,
        whose bytes after signing hold such references): the look-behind reads a reference alike
        there unless a digit precedes it, which only a value's first token can have."""
        if self._pattern is None:
            return False
        if anywhere and not self._refers_anywhere(data) and not (start > 0 and 48 <= data[start - 1] <= 57):
            return False
        return self._pattern.search(data[start:end]) is not None

    def may_refer_anywhere(self, data: bytes, starts) -> bool:
        """False only if no value starting at one of `starts` in `data` (a decoded object
        stream) holds such a reference."""
        if self._pattern is None:
            return False
        return self._refers_anywhere(data) or any(start > 0 and 48 <= data[start - 1] <= 57 for start in starts)

    def _refers_anywhere(self, data: bytes) -> bool:
        known = self._anywhere.get(id(data))
        if known is None or known[0] is not data:
            known = self._anywhere[id(data)] = (data, self._pattern.search(data) is not None)
        return known[1]
