"""PDF syntax read straight from the bytes, with the offsets pyHanko's reader does not keep.

The structural checks compare what the bytes say with what pyHanko parsed: where a signature's
/Contents string starts and ends, where an object's `endobj` is, which keys a dictionary
repeats. pyHanko's objects carry none of that, so this module reads values the way ISO 32000-1
§7.3 writes them and records each value's byte span. It reads only what it is pointed at (an
offset from an xref section); it never searches the file for objects on its own.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable

MAX_DEPTH = 64  # nesting of arrays and dictionaries: deeper is hostile, not a document

_WS = rb"\x00\t\n\x0c\r "
_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
SKIP = re.compile(rb"(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*")  # whitespace and comments
WHITESPACE = re.compile(rb"[\x00\t\n\x0c\r ]*")
_NAME = re.compile(rb"/(" + _REGULAR + rb"*)")
_REF = re.compile(rb"(\d+)[\x00\t\n\x0c\r ]+(\d+)[\x00\t\n\x0c\r ]+R(?!" + _REGULAR + rb")")
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?!" + _REGULAR + rb")")
_KEYWORD = re.compile(_REGULAR + rb"+")
_HEX = re.compile(rb"<([^<>]*)>")
_HEX_BODY = re.compile(rb"[0-9A-Fa-f\x00\t\n\x0c\r ]*")
_HEX_DIGITS = b"0123456789abcdefABCDEF"
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_LITERAL_SPECIAL = re.compile(rb"[()\\]")
OBJ_HEADER = re.compile(rb"(\d+)[\x00\t\n\x0c\r ]+(\d+)[\x00\t\n\x0c\r ]+obj(?!" + _REGULAR + rb")")
_OCTAL = re.compile(rb"[0-7]{1,3}")
_PAIR = re.compile(rb"(\d+)[\x00\t\n\x0c\r ]+(\d+)")
_PAIR_RUN = re.compile(rb"(?:(?:[\x00\t\n\x0c\r ]++|%[^\r\n]*+)*+\d++[\x00\t\n\x0c\r ]++\d++)*+")
_SKIPPED_PAIR = re.compile(rb"(?:[\x00\t\n\x0c\r ]++|%[^\r\n]*+)*+(\d++)[\x00\t\n\x0c\r ]++(\d++)")
_STREAM_EOL = re.compile(rb"[ \t]*(?:\r\n|\n|\r)?")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


class RawSyntaxError(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(f"{message} at byte {offset}")
        self.offset = offset


class Value:
    """A PDF value and the bytes [start, end) it was read from."""

    __slots__ = ("start", "end")

    def text(self, data: bytes) -> bytes:
        return data[self.start:self.end]


class Name(Value):
    __slots__ = ("value",)

    def __init__(self, value: str, start: int, end: int):
        self.value, self.start, self.end = value, start, end  # value with '/', #xx decoded


class String(Value):
    __slots__ = ("value", "hex")

    def __init__(self, value: bytes, hex_: bool, start: int, end: int):
        self.value, self.hex, self.start, self.end = value, hex_, start, end


class Number(Value):
    __slots__ = ("value",)

    def __init__(self, value: int | float, start: int, end: int):
        self.value, self.start, self.end = value, start, end


class Ref(Value):
    __slots__ = ("num", "gen")

    def __init__(self, num: int, gen: int, start: int, end: int):
        self.num, self.gen, self.start, self.end = num, gen, start, end


class Keyword(Value):
    """true, false, null, or a bare word (which is a syntax error inside a dictionary)."""

    __slots__ = ("value",)

    def __init__(self, value: bytes, start: int, end: int):
        self.value, self.start, self.end = value, start, end


class Array(Value):
    __slots__ = ("items",)

    def __init__(self, items: list, start: int, end: int):
        self.items, self.start, self.end = items, start, end


class Dict(Value):
    """Entries in file order, repeated keys kept: readers disagree on which one counts."""

    __slots__ = ("entries",)

    def __init__(self, entries: list[tuple[str, Value]], start: int, end: int):
        self.entries, self.start, self.end = entries, start, end

    def get(self, key: str) -> Value | None:
        """The first definition, as pyHanko reads it."""
        for k, v in self.entries:
            if k == key:
                return v
        return None

    def all(self, key: str) -> list[Value]:
        return [v for k, v in self.entries if k == key]

    def keys(self) -> list[str]:
        return [k for k, _ in self.entries]


def name_bytes(raw: bytes) -> bytes:
    """A name's bytes with each #xx replaced by the byte it names."""
    if b"#" not in raw:  # nearly every name: nothing to substitute
        return raw
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def _decode_name(raw: bytes) -> str:
    return "/" + name_bytes(raw).decode("latin-1")


def skip(data: bytes, pos: int) -> int:
    """Past whitespace and comments."""
    return SKIP.match(data, pos).end()


def parse_value(data: bytes, pos: int, depth: int = 0) -> Value:
    """The value starting at `pos` (no leading whitespace)."""
    if depth > MAX_DEPTH:
        raise RawSyntaxError("nesting too deep", pos)
    if pos >= len(data):
        raise RawSyntaxError("unexpected end of file", pos)
    c = data[pos:pos + 1]
    if c == b"/":
        m = _NAME.match(data, pos)
        return Name(_decode_name(m.group(1)), pos, m.end())
    if c == b"<":
        if data[pos + 1:pos + 2] == b"<":
            return _parse_dict(data, pos, depth)
        m = _HEX.match(data, pos)
        if m is None:
            raise RawSyntaxError("bad hexadecimal string", pos)
        digits = m.group(1)
        if digits.translate(None, _HEX_DIGITS):  # more than digits (a signature's /Contents is digits only)
            if not _HEX_BODY.fullmatch(digits):
                raise RawSyntaxError("bad hexadecimal string", pos)
            digits = re.sub(rb"[\x00\t\n\x0c\r ]", b"", digits)
        if len(digits) % 2:
            digits += b"0"  # ISO 32000-1 §7.3.4.3: a missing last digit is 0
        return String(binascii.unhexlify(digits), True, pos, m.end())
    if c == b"(":
        return _parse_literal(data, pos)
    if c == b"[":
        items = []
        p = skip(data, pos + 1)
        while data[p:p + 1] != b"]":
            if p >= len(data):
                raise RawSyntaxError("unterminated array", pos)
            item = parse_value(data, p, depth + 1)
            items.append(item)
            p = skip(data, item.end)
        return Array(items, pos, p + 1)
    m = _REF.match(data, pos)
    if m:
        return Ref(int(m.group(1)), int(m.group(2)), pos, m.end())
    m = _NUMBER.match(data, pos)
    if m:
        text = m.group(0)
        number = float(text) if b"." in text else int(text)
        return Number(number, pos, m.end())
    m = _KEYWORD.match(data, pos)
    if m:
        return Keyword(m.group(0), pos, m.end())
    raise RawSyntaxError(f"unexpected {c!r}", pos)


def _parse_dict(data: bytes, pos: int, depth: int) -> Dict:
    entries = []
    p = skip(data, pos + 2)
    while data[p:p + 2] != b">>":
        if p >= len(data):
            raise RawSyntaxError("unterminated dictionary", pos)
        if data[p:p + 1] != b"/":
            raise RawSyntaxError("dictionary key is not a name", p)
        key = parse_value(data, p, depth + 1)
        p = skip(data, key.end)
        value = parse_value(data, p, depth + 1)
        if isinstance(value, Keyword) and value.value not in (b"true", b"false", b"null"):
            raise RawSyntaxError(f"bare word {value.value[:20]!r} in a dictionary", p)
        entries.append((key.value, value))
        p = skip(data, value.end)
    return Dict(entries, pos, p + 2)


def _eol(raw: bytes) -> bytes:
    """An end of line written inside a literal string reads as one newline (§7.3.4.2)."""
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


# a literal without nested parentheses, and each escape or end of line in it (§7.3.4.2)
_FLAT_LITERAL = re.compile(rb"\(([^()\\]*(?:\\[\s\S][^()\\]*)*)\)")
_LITERAL_PART = re.compile(rb"\\(?:([0-7]{1,3})|(\r\n?|\n)|([\s\S]))|\r\n?")


def _literal_part(m: re.Match) -> bytes:
    octal, eol, other = m.groups()
    if octal is not None:
        return bytes((int(octal, 8) & 0xFF,))
    if eol is not None:
        return b""  # a backslash before an end of line continues the string
    if other is not None:
        return _ESCAPES.get(other, other)
    return b"\n"  # an end of line written inside the string


def _parse_literal(data: bytes, pos: int) -> String:
    """A literal string; one substitution for a string without nested parentheses (most
    are: names, reasons, dates), else the walk below, which gives the same bytes."""
    m = _FLAT_LITERAL.match(data, pos)
    if m is not None:
        body = m.group(1)
        if b"\\" in body or b"\r" in body:
            body = _LITERAL_PART.sub(_literal_part, body)
        return String(body, False, pos, m.end())
    return _walk_literal(data, pos)


def _walk_literal(data: bytes, pos: int) -> String:
    depth, p, out = 1, pos + 1, bytearray()
    while True:
        m = _LITERAL_SPECIAL.search(data, p)
        if m is None:
            raise RawSyntaxError("unterminated literal string", pos)
        out += _eol(data[p:m.start()])
        ch, p = m.group(0), m.end()
        if ch == b"\\":
            nxt = data[p:p + 1]
            octal = _OCTAL.match(data, p)
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                p = octal.end()
            elif nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                p += 1
            elif nxt == b"\r":  # a backslash before an end of line continues the string
                p += 2 if data[p + 1:p + 2] == b"\n" else 1
            elif nxt == b"\n":
                p += 1
            else:
                out += nxt
                p += 1
        elif ch == b"(":
            depth += 1
            out += ch
        else:
            depth -= 1
            if depth == 0:
                return String(bytes(out), False, pos, p)
            out += ch


# --- recognising a value without building it ------------------------------------------------
#
# Most objects of an object stream are small dictionaries and arrays of names, numbers,
# references and short strings. `value_end` finds where such a value ends with one regular
# expression (run in C) instead of one `parse_value` call per token. It accepts a subset of what
# `parse_value` accepts, token for token:
# - each token pattern below is parse_value's own (possessive where the parser's would only
#   backtrack into a match that then fails: a shorter digit run or name is followed by a digit
#   or regular character, which the next part refuses), tried in parse_value's order (a reference
#   before a number) in an atomic group, so a position reads as the same kind of token with the
#   same end;
# - what the subset leaves out (a literal string with nested parentheses, a bare word, an odd
#   hexadecimal character, nesting deeper than _NESTING) makes the match fail, never read
#   differently: each alternative starts with its own first character, so a failed one leaves
#   nothing else to match there;
# - a token that matches always converts (int, float, unhexlify, name and string escapes cannot
#   fail on what the patterns allow).
# So where `value_end` answers an offset, `parse_value` at the same position succeeds and its
# value ends at that offset (tests/test_rawpdf.py compares both on every object of the test
# documents); where it answers None, only parse_value can tell.

# dictionaries and arrays inside one another; deeper values are parsed. Each level doubles the
# expression (it holds the level below twice): at 5 it was 33 KB and took 60 ms to compile in
# every process kyso starts, for no document measured faster (pages' resources nest 3 deep)
_NESTING = 3
_R = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_W = rb"[\x00\t\n\x0c\r ]"
_SK = rb"(?:" + _W + rb"++|%[^\r\n]*+)*+"  # SKIP, possessive: it takes all there is either way
_SCALARS = [
    rb"/" + _R + rb"*+",  # name
    rb"<(?!<)[0-9A-Fa-f\x00\t\n\x0c\r ]*+>",  # hexadecimal string (digits and spaces only)
    rb"\((?:[^()\\]++|\\[\s\S])*+\)",  # literal string without nested parentheses (_FLAT_LITERAL)
    rb"\d++" + _W + rb"++\d++" + _W + rb"++R(?!" + _R + rb")",  # reference (_REF)
    rb"[+-]?+(?:\d++\.?+\d*+|\.\d++)(?!" + _R + rb")",  # number (_NUMBER)
    rb"(?:true|false|null)(?!" + _R + rb")",  # the keywords a dictionary may hold
]


def _simple_value(depth: int) -> bytes:
    if depth == 0:
        return rb"(?>" + rb"|".join(_SCALARS) + rb")"
    inner = _simple_value(depth - 1)
    # an array of references and numbers only (a structure tree's /K, /Nums, /Kids) is tried
    # first, each item read as the general array after it reads it (a reference before a
    # number): long arrays are read without trying every other kind of value at each item
    numbers = rb"\[" + _SK + rb"(?:(?>" + _SCALARS[3] + rb"|" + _SCALARS[4] + rb")" + _SK + rb")*+\]"
    array = numbers + rb"|\[" + _SK + rb"(?:" + inner + _SK + rb")*+\]"
    dictionary = rb"<<" + _SK + rb"(?:" + _SCALARS[0] + _SK + inner + _SK + rb")*+>>"
    name, hex_, literal, ref, number, keyword = _SCALARS
    return rb"(?>" + rb"|".join((name, dictionary, hex_, literal, array, ref, number, keyword)) + rb")"


# whitespace and comments (as `skip` passes over them), then a simple value
_SIMPLE_VALUE = re.compile(_SK + rb"(" + _simple_value(_NESTING) + rb")")
# a dictionary of simple values holding arrays at most two deep, and each of its entries
_FLAT_VALUE = _simple_value(2)
_FLAT_DICT = re.compile(rb"<<" + _SK + rb"(?:" + _SCALARS[0] + _SK + _FLAT_VALUE + _SK + rb")*+>>")
_FLAT_ENTRY = re.compile(rb"/(" + _R + rb"*+)" + _SK + _FLAT_VALUE)
_FLAT_ENTRY_AT = re.compile(rb"/(" + _R + rb"*+)" + _SK + rb"(?=" + _FLAT_VALUE + rb")")


def value_end(data: bytes, pos: int) -> int | None:
    """Where the value `parse_value(data, pos)` reads ends, when it is a simple one (see above);
    None when only parsing it can tell (it may still parse)."""
    m = _SIMPLE_VALUE.match(data, pos)
    return m.end() if m and m.start(1) == pos else None


def skip_to_simple_value(data: bytes, pos: int) -> tuple[int, int] | None:
    """[start, end) of the simple value after whitespace and comments from `pos`: what
    `value_end(data, skip(data, pos))` answers, in one search; None as value_end."""
    m = _SIMPLE_VALUE.match(data, pos)
    return m.span(1) if m else None


def flat_dict_keys(data: bytes, start: int, end: int) -> list[str] | None:
    """The keys, in order and decoded, of the dictionary `parse_value` reads from exactly
    data[start:end], when it is a simple one (see above) holding no other dictionary and no
    comment; None otherwise. With no comment and no other '<<' in those bytes, every match of
    an entry found from the first key on is the next entry as the parser reads it: each is
    matched whole, strings and arrays included, by the patterns the dictionary matched."""
    if not data.startswith(b"<<", start) or data.count(b"<<", start, end) != 1 or data.find(b"%", start, end) >= 0:
        return None
    if _FLAT_DICT.fullmatch(data, start, end) is None:
        return None
    return [_decode_name(raw) for raw in _FLAT_ENTRY.findall(data, start + 2, end - 2)]


def flat_dict_find(data: bytes, start: int, end: int, key: str) -> int | None | bool:
    """Where the value of `key`'s first entry starts in the dictionary data[start:end], read as
    `flat_dict_keys` reads its keys (None when it has no such key); False when the dictionary
    is not one flat_dict_keys reads."""
    if flat_dict_keys(data, start, end) is None:
        return False
    p = start + 2
    while True:
        m = _FLAT_ENTRY.search(data, p, end - 2)
        if m is None:
            return None
        if _decode_name(m.group(1)) == key:
            return _FLAT_ENTRY_AT.match(data, m.start()).end()
        p = m.end()


class IndirectObject:
    """`N G obj value [stream ... endstream] endobj` read at an offset. A value that
    `value_end` recognises is parsed when first asked for (it is known to parse): most bodies
    are only delimited (verifier.pdf.layout), never read."""

    __slots__ = ("num", "gen", "start", "_value", "_data", "value_span", "stream", "end", "problems")

    def __init__(self, num, gen, start, value, stream, end, problems, *, data: bytes | None = None,
                 span: tuple[int, int] | None = None):
        self.num, self.gen, self.start, self._value = num, gen, start, value
        self._data = data  # where a value not parsed yet is read from
        self.value_span = (value.start, value.end) if value is not None else span
        self.stream = stream  # (data start, data end) or None
        self.end = end  # just past `endobj` (or past the value when `endobj` is missing)
        self.problems = problems  # what a strict reader would object to

    @property
    def value(self) -> Value:
        if self._value is None:
            self._value = parse_value(self._data, self.value_span[0])
            self._data = None
        return self._value


LengthResolver = Callable[[int, int], "int | None"]


def read_indirect(data: bytes, offset: int, resolve_length: LengthResolver | None = None) -> IndirectObject:
    """The indirect object whose header is at `offset` (whitespace and comments before the
    header are skipped, as pyHanko does). Stream data is delimited by /Length as pyHanko reads
    it (direct, or resolved by `resolve_length(num, gen)`)."""
    start = skip(data, offset)
    m = OBJ_HEADER.match(data, start)
    if m is None:
        raise RawSyntaxError("no object header", start)
    num, gen = int(m.group(1)), int(m.group(2))
    value_start = skip(data, m.end())
    value, value_stop = None, value_end(data, value_start)
    if value_stop is None:
        value = parse_value(data, value_start)
        value_stop = value.end
    problems: list[str] = []
    p = skip(data, value_stop)
    stream = None
    # a stream's dictionary (parse_value reads one where "<<" starts) is read for its /Length
    if data.startswith(b"stream", p) and data.startswith(b"<<", value_start):
        data_start = p + 6
        # pyHanko skips spaces after the keyword and stops after one end of line
        data_start = _STREAM_EOL.match(data, data_start).end()
        length = _length(_first_entry(data, value, value_start, value_stop, "/Length"), resolve_length)
        data_end = None
        if length is not None and 0 <= length <= len(data) - data_start:
            end_kw = skip(data, data_start + length)
            if data.startswith(b"endstream", end_kw):
                data_end = data_start + length
            elif data.startswith(b"endstream", data_start + length - 1):
                data_end = data_start + length - 1  # pyHanko's one-byte-too-long tolerance
        if data_end is None:
            problems.append("stream /Length does not lead to endstream")
            found = data.find(b"endstream", data_start)
            if found < 0:
                raise RawSyntaxError("stream without endstream", data_start)
            data_end = found
        stream = (data_start, data_end)
        p = skip(data, data.index(b"endstream", data_end) + 9)
    if data.startswith(b"endobj", p):
        end = p + 6
    else:
        problems.append("endobj missing")
        end = p
    return IndirectObject(num, gen, start, value, stream, end, problems, data=data, span=(value_start, value_stop))


def _first_entry(data: bytes, value: Dict | None, start: int, end: int, key: str) -> Value | None:
    """`value.get(key)` of the dictionary data[start:end], reading only that entry when the
    dictionary is a flat one (flat_dict_find) and is not parsed yet."""
    if value is None:
        at = flat_dict_find(data, start, end, key)
        if at is None:
            return None
        if at is not False:
            return parse_value(data, at)
        value = parse_value(data, start)
    return value.get(key)


def _length(value: Value | None, resolve: LengthResolver | None) -> int | None:
    if isinstance(value, Number) and isinstance(value.value, int):
        return value.value
    if isinstance(value, Ref) and resolve is not None:
        try:
            return resolve(value.num, value.gen)
        except Exception:
            return None
    return None


def parse_object_stream(decoded: bytes, first: int, count: int) -> dict[int, Value]:
    """The objects of an object stream's decoded data, by object number: the header's first
    entry for a number wins, as in pyHanko's lookup."""
    return ObjectStream(decoded, first, count).values()


def object_stream_pairs(decoded: bytes, count: int, first: int | None = None) -> tuple[list[tuple[int, int]], bool]:
    """(pairs, whole): the header of an object stream's decoded data, up to `count` pairs
    (object number, offset), each read after whitespace and comments (as `skip` then `_PAIR`
    would read it), stopping at a missing one or, when `first` is given, at one that ends past
    `first`; `whole` when all `count` were read. The run of pairs is found with one search and
    its pairs listed with another: each pair of the run is the next match from where the one
    before ended."""
    pairs, whole, _ = _header(decoded, count, first)
    return pairs, whole


def _header(decoded: bytes, count: int, first: int | None):
    """object_stream_pairs, and where the last pair read ends when that is known."""
    if count <= 0:
        return [], True, 0
    end = len(decoded) if first is None else min(first, len(decoded))
    run = _PAIR_RUN.match(decoded, 0, end).end()
    found = _SKIPPED_PAIR.findall(decoded, 0, run)
    if found and run == end < len(decoded) and 48 <= decoded[end] <= 57:
        found.pop()  # its last digits lie past `first`: the pair ends past it
        return [(int(num), int(offset)) for num, offset in found[:count]], len(found) >= count, None
    pairs = [(int(num), int(offset)) for num, offset in found[:count]]
    return pairs, len(pairs) == count, run if len(found) <= count else None


class ObjectStream:
    """An object stream's decoded data and where each of its objects lies, each object parsed
    when first asked for. Reading one answers as `parse_object_stream` would: the header's first
    entry for a number wins, and an object that does not parse makes the whole stream
    unreadable (the constructor raises what parsing it raises). The objects that `value_end`
    recognises are known to parse, so only the others are parsed up front, in header order:
    the first of them that fails is the object a full parse would have failed on."""

    def __init__(self, decoded: bytes, first: int, count: int):
        self.data = decoded
        self.starts: dict[int, int] = {}  # number -> where its value starts, in header order
        self.ends: dict[int, int] = {}
        self._values: dict[int, Value] = {}
        # the header as read here, kept for verifier.structure.objstreams: `header_end` is where
        # its last pair ends (None when more pairs follow than /N declares)
        self.count = count
        self.pairs, self.whole, self.header_end = _header(decoded, count, None)
        pairs = self.pairs
        for num, rel in pairs:
            if num in self.starts:
                continue
            where = skip_to_simple_value(decoded, first + rel)
            if where is None:
                pos = skip(decoded, first + rel)
                value = parse_value(decoded, pos)
                self._values[num] = value
                where = (pos, value.end)
            self.starts[num], self.ends[num] = where

    def value(self, num: int) -> Value | None:
        if num not in self.starts:
            return None
        value = self._values.get(num)
        if value is None:
            value = self._values[num] = parse_value(self.data, self.starts[num])
        return value

    def span(self, num: int) -> tuple[int, int] | None:
        """[start, end) of the object's value in `data`, without parsing it."""
        if num not in self.starts:
            return None
        return self.starts[num], self.ends[num]

    def values(self) -> dict[int, Value]:
        return {num: self.value(num) for num in self.starts}


def duplicate_keys(value: Value, depth: int = 0):
    """(key, [definitions]) for every dictionary inside `value` that repeats a key."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, Dict):
        seen: dict[str, list[Value]] = {}
        for k, v in value.entries:
            seen.setdefault(k, []).append(v)
        for k, vs in seen.items():
            if len(vs) > 1:
                yield k, vs
        for _, v in value.entries:
            yield from duplicate_keys(v, depth + 1)
    elif isinstance(value, Array):
        for item in value.items:
            yield from duplicate_keys(item, depth + 1)


def same_value(a: Value, b: Value, data_a: bytes, data_b: bytes | None = None) -> bool:
    """Two values written the same way (whitespace aside)."""
    data_b = data_a if data_b is None else data_b
    squeeze = re.compile(rb"[\x00\t\n\x0c\r ]+")
    return squeeze.sub(b" ", a.text(data_a)).strip() == squeeze.sub(b" ", b.text(data_b)).strip()
