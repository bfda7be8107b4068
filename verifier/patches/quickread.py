"""The light copy of an object (verifier.patches.usages), read straight from the bytes (an object
stream's decoded data, or the file) when the object is written in a plain subset of PDF syntax,
where pyHanko's reader is known to read exactly the same values; Unread otherwise, and the object
is then read by pyHanko as before.

Why: the reverse-reference index of verifier.patches.usages needs the keys and references of
every object version of the document. Reading them with pyHanko (one Python call per byte of
whitespace, a BytesIO, a generic object per value) cost 2.6 s on a tagged decree of 20,000
object versions, nearly all small dictionaries in object streams (structure elements). One
compiled regex per token (per dictionary entry, per run of references) does the same in a few
microseconds per object.

A missed reference would be a path the difference review never clears, so this reader gives up
(Unread) at the first byte it is not certain of, and never guesses; a reference's text inside a
string or a stream's data is not read as one, as pyHanko does not.

The subset, token by token, and why pyHanko (generic.read_object, 0.38; kyso's tokens.py gives
the same answers) reads each the same way:

- whitespace between tokens: space, tab, LF, FF, CR only. pyHanko skips these (and NUL, and
  comments); NUL, vertical tab and `%` are left out, so an object holding one goes to pyHanko.
  The value must begin at its first byte, as pyHanko's read_object reads it (no skipping).
- `<<` `>>` `[` `]`: a dictionary's keys are names; a repeated key keeps its first value
  (pyHanko's non-strict reading; a strict reader fails there, so the object goes to pyHanko).
  After any `>>`, pyHanko looks for `stream` past whitespace and comments: an `s` or a `%`
  there sends the object to pyHanko.
- a name: `/` then printable ASCII but delimiters and `#`; pyHanko reads to the next
  whitespace or delimiter and decodes such bytes as they are. Any other byte after the name
  (NUL, `#`, 8-bit, vertical tab) is not a token here, so the object goes to pyHanko; a name
  or number that is the whole object is followed by nothing read here, so the byte after it
  is checked instead (_ends_alone).
- a reference `N G R`: pyHanko reads one where INDIRECT_PATTERN `(\\d+)\\s+(\\d+)\\s+R[^a-zA-Z]`
  matches the 20 bytes at a digit. Here the whitespace is the plain kind above (a subset of
  `\\s`), the `R` must be followed by a non-letter, and the match plus that byte must fit in
  the 20 bytes; N = 0 (pyHanko's error) goes to pyHanko. Where this pattern fails but pyHanko's
  matches (a vertical tab, a longer gap), the digits read here as a number and the `R` after
  them is no token here: the object goes to pyHanko.
- a number: pyHanko reads every byte of `+,-.0-9` and makes an int, or a Decimal if it holds a
  dot; here the number must be a well-formed one and the next byte none of those.
- `true` `false` `null`: pyHanko reads exactly these bytes.
- a literal string without backslash or parentheses: pyHanko's bytes are those between the
  parentheses, made a text or byte string by generic.pdf_string. Any other string (escapes,
  nesting, hexadecimal) is read by pyHanko's own string reader at that byte, and reading goes
  on after it.
- at most MAX_DEPTH nested containers (pyHanko reads recursively and may run out of stack).

After the value, pyHanko's object-stream reader skips whitespace and comments: a `%` there sends
the object to pyHanko. In the file, read_file_object reads the header, a stream's data and
`endobj` around the value as pyHanko's _read_object does (its docstring says which forms). tests/test_usages.py compares both readings on every object of every
test document and on the edge cases above.
"""

from __future__ import annotations

import re
from io import BytesIO

from pyhanko.pdf_utils import generic

MAX_DEPTH = 32
_PLAIN_NAME = bytes(c for c in range(0x21, 0x7F) if c not in b"()<>[]{}/%#")
_NAME_CLASS = b"[" + b"".join(re.escape(bytes([c])) for c in _PLAIN_NAME) + b"]"
_WS = rb"[\t\n\x0c\r ]"

# one alternative per token, after any whitespace; m.lastindex names it
TOKEN = re.compile(
    _WS + rb"*(?:"
    rb"(/" + _NAME_CLASS + rb"*)"  # 1: name
    rb"|(\d+)" + _WS + rb"+(\d+)" + _WS + rb"+R(?=[^A-Za-z])()"  # 2, 3: reference (4)
    rb"|([+-]?(?:\d+\.?\d*|\.\d+))(?![+,\-.0-9])"  # 5: number
    rb"|(<<)"  # 6
    rb"|(>>)"  # 7
    rb"|(\[)"  # 8
    rb"|(\])"  # 9
    rb"|\(([^()\\]*)\)"  # 10: plain literal string
    rb"|(true|false|null)"  # 11
    rb")"
)
_NAME, _REF, _NUMBER, _DICT, _DICT_END, _ARRAY, _ARRAY_END, _STRING, _KEYWORD = 1, 4, 5, 6, 7, 8, 9, 10, 11
# a dictionary entry whose value is a name, a reference or a number, read in one step where a
# key is due; the key's name is possessive (*+), so no shorter key can let the rest match
_ENTRY_HEAD = (
    _WS + rb"*(/" + _NAME_CLASS + rb"*+)" + _WS + rb"*(?:"
    rb"(/" + _NAME_CLASS + rb"*)"  # 2: name
    rb"|((\d+)" + _WS + rb"+(\d+)" + _WS + rb"+R)(?=[^A-Za-z])"  # 3 (4, 5): reference
    rb"|([+-]?(?:\d+\.?\d*|\.\d+))(?![+,\-.0-9])"  # 6: number
)
SCALAR_ENTRY = re.compile(_ENTRY_HEAD + rb")")
# a run of references in an array, each written `N G R` with one whitespace byte between the
# parts (so at most 18 bytes: inside pyHanko's 20-byte look-ahead with the byte after `R`)
_REF_RUN = rb"(?:" + _WS + rb"*\d{1,10}" + _WS + rb"\d{1,5}" + _WS + rb"R(?=[^A-Za-z]))"
REF_RUN = re.compile(_REF_RUN + rb"+")
# ENTRY: SCALAR_ENTRY, and also the other values a tagged document's structure elements hold
# (`/Lang(nb) /K[ 0] /K[ 12 0 R 13 0 R]/Alt()`), each the exact token sequence the
# token-by-token reading in read_value reads the same way. Possessive throughout: a digit run is
# one token there (a number), never split.
ENTRY = re.compile(
    _ENTRY_HEAD
    + rb"|\(([^()\\]*)\)"  # 7: plain literal string, as TOKEN's 10
    + rb"|(true|false|null)"  # 8: as TOKEN's 11
    + rb"|\[((?:" + _WS + rb"*+\d++)*+)" + _WS + rb"*\]"  # 9: unsigned integers: no R, no ref
    # 10: references, as _ref_run reads them (possessive: giving one back leaves a digit, no `]`)
    + rb"|\[(" + _REF_RUN + rb"++)" + _WS + rb"*\]"
    + rb")"
)
_DIGITS = re.compile(rb"\d+")
_RUN_REF = re.compile(rb"(\d+)" + _WS + rb"(\d+)")
_SPACE = frozenset(b"\t\n\x0c\r ")
_SKIP = re.compile(_WS + rb"*")
_AFTER_DICT = re.compile(rb"[\x00\t\n\x0c\r ]*[s%]")  # pyHanko would look for `stream` here
_AFTER_OBJECT = re.compile(rb"[\x00\t\n\x0c\r ]*%")  # pyHanko would skip a comment here
_KEYWORDS = {b"true": lambda: generic.BooleanObject(True), b"false": lambda: generic.BooleanObject(False),
             b"null": generic.NullObject}


class Unread(Exception):
    """Not in the plain subset: pyHanko reads the object."""


class Ref:
    """An indirect reference inside a light copy."""

    __slots__ = ('key',)

    def __init__(self, key):
        self.key = key

    def __eq__(self, other):
        return isinstance(other, Ref) and other.key == self.key

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        return "Ref(%d, %d)" % self.key


class _Dict:
    """An open dictionary: the entries so far and the key read last, if its value is not."""

    __slots__ = ('d', 'key')

    def __init__(self):
        self.d, self.key = {}, None


class _Text:
    """One decoded object stream: its bytes, a BytesIO over them for pyHanko's string readers,
    the names met so far (one NameObject per spelling), and the runs of references and the
    dictionary entries read so far, by their bytes (`runs` and `entries`: given by the caller
    to share them between the texts of one reader; see _entries for the entries).

    Why the runs are shared: a tagged document's signing tool writes the structure parent tree
    anew on every save, each page's array of references the same bytes as before (50/2026/NĐ-CP:
    59,000 references read, in runs holding 22,000). The same bytes are the same keys, so each
    distinct run is parsed once; its Ref objects are shared, which nothing changes."""

    __slots__ = ('data', 'io', 'names', 'strings', 'runs', 'entries')

    def __init__(self, data: bytes, runs: dict | None = None, entries: dict | None = None):
        self.data, self.io, self.names, self.strings = data, None, {}, {}
        self.runs = {} if runs is None else runs
        self.entries = {} if entries is None else entries

    def delegated(self, pos: int):
        """The string at `pos` as pyHanko's reader reads it, and where it ends."""
        if self.io is None:
            self.io = BytesIO(self.data)
        self.io.seek(pos)
        try:
            value = generic.read_object(self.io, None)
        except Exception as exc:  # noqa: BLE001 - pyHanko reads the object and meets it itself
            raise Unread from exc
        if not isinstance(value, (generic.TextStringObject, generic.ByteStringObject)):
            raise Unread
        return value, self.io.tell()


def _entries(text: _Text, top: _Dict, pos: int, strict: bool, targets: list, nest: bool) -> int:
    """Reads the entries of the open dictionary `top` from `pos` while ENTRY reads them (the
    same values read_value reads token by token: tests/test_usages.py compares both); where the
    next begins. `nest`: whether an array may open inside `top` (MAX_DEPTH).

    An entry is read once per spelling (`text.entries`, shared by the texts of a reader like
    the runs): ENTRY's match decides the kind of value by its own text (a name begins with `/`,
    a reference ends with `R`, a number with neither, an array holds an `R` or none), so the
    same bytes are the same key and value. A tagged document's structure elements repeat
    nearly all of theirs (`/S/Span`, `/Type/StructElem`, their page, their parent); the values
    kept are immutable or copied (an array)."""
    data, d, seen = text.data, top.d, text.entries
    entry = ENTRY.match
    while True:
        m = entry(data, pos)
        if m is None:
            return pos
        if not nest and m.lastindex >= 9:
            raise Unread  # read_value: an array past MAX_DEPTH, before anything in it is read
        found = seen.get(m[0])
        if found is None:  # raises Unread where it must, each time: that is never kept
            found = seen[m[0]] = _entry(text, m)
        key, value, refs, kind = found
        if kind is list:
            value = list(value)
        if refs:
            targets += refs
        if key in d:
            if strict:
                raise Unread
        else:
            d[key] = value
        pos = m.end()


def _entry(text: _Text, m) -> tuple:
    """(key, value, the keys of the references in it, list when the value is an array, else
    None) of an ENTRY match; Unread for a reference pyHanko reads its own way."""
    names = text.names
    raw = m[1]
    key = names.get(raw)
    if key is None:
        key = names[raw] = generic.NameObject(raw.decode("ascii"))
    kind = m.lastindex
    refs = ()
    if kind == 2:
        raw = m[2]
        value = names.get(raw)
        if value is None:
            value = names[raw] = generic.NameObject(raw.decode("ascii"))
    elif kind == 6:
        t = m[6]
        value = generic.FloatObject(t.decode("ascii")) if b"." in t else generic.NumberObject(int(t))
    elif kind == 3:
        ref = (int(m[4]), int(m[5]))
        if ref[0] == 0 or len(m[3]) >= 20:
            raise Unread
        refs = (ref,)
        value = Ref(ref)
    elif kind == 7:
        raw = m[7]
        value = text.strings.get(raw)
        if value is None:
            value = text.strings[raw] = generic.pdf_string(raw)
    elif kind == 8:
        value = _KEYWORDS[m[8]]()
    elif kind == 9:
        return key, tuple(generic.NumberObject(int(t)) for t in _DIGITS.findall(m[9])), (), list
    else:
        refs, value = _run(text.runs, m[10])
        return key, value, refs, list
    return key, value, refs, None


def _ref_run(text: _Text, top: list, pos: int, targets: list) -> int:
    """Reads a run of references into the open array `top` from `pos`; where the next value
    begins. Each digit run of the match begins after whitespace, `[` or an `R`, as a token."""
    m = REF_RUN.match(text.data, pos)
    if m is None:
        return pos
    keys, refs = _run(text.runs, m[0])
    targets += keys
    top += refs
    return m.end()


def _run(runs: dict, raw: bytes) -> tuple[list, tuple]:
    """The keys and Refs of a run of references (REF_RUN's text), parsed once per spelling."""
    found = runs.get(raw)
    if found is None:
        keys = [(int(n), int(g)) for n, g in _RUN_REF.findall(raw)]
        if min(keys)[0] == 0:  # the least object number (a parent tree's run is thousands long)
            raise Unread
        found = runs[raw] = (keys, tuple(map(Ref, keys)))
    return found


def _ends_alone(data: bytes, start: int, end: int) -> bool:
    """Whether a name or number read as the whole object at `start` ends at `end` for pyHanko
    too. Inside a container the next token decides (an odd byte there is no token here), but
    the object's value is returned before anything after it is read: pyHanko reads a name on
    through any byte that is not whitespace or a delimiter (`#`, 8-bit, vertical tab), and at
    a digit tries INDIRECT_PATTERN over 20 bytes, whose `\\s` takes a vertical tab too."""
    if data[start] == 0x2F:  # a name
        return end >= len(data) or data[end] in _NAME_END
    return generic.INDIRECT_PATTERN.match(data[start:start + 20]) is None


_NAME_END = frozenset(b" \t\n\r\x0c\x00()<>[]{}/%")


def read_value(text: _Text, pos: int, strict: bool, stream_ok: bool = False) -> tuple[object, list, int]:
    """The light copy of the value at `pos`, the keys of the references in it (all, even under
    a key the light copy drops) and where it ends; or Unread. With `stream_ok`, the value may be
    a stream's dictionary (the caller reads on)."""
    data, names = text.data, text.names
    start = pos
    if data[pos] in _SPACE:
        raise Unread  # pyHanko's read_object does not skip whitespace first
    match = TOKEN.match
    stack: list = []  # open containers: a list or a _Dict
    targets: list = []
    while True:
        m = match(data, pos)
        if m is None:
            m = _SKIP.match(data, pos)
            pos = m.end()
            c = data[pos:pos + 1]
            if c == b"(" or (c == b"<" and data[pos + 1:pos + 2] != b"<"):
                value, pos = text.delegated(pos)
            else:
                raise Unread
        else:
            kind = m.lastindex
            pos = m.end()
            if kind == _NAME:
                raw = m[1]
                value = names.get(raw)
                if value is None:
                    value = names[raw] = generic.NameObject(raw.decode("ascii"))
            elif kind == _REF:
                key = (int(m[2]), int(m[3]))
                if key[0] == 0 or pos - m.start(2) >= 20:
                    raise Unread
                targets.append(key)
                value = Ref(key)
            elif kind == _DICT:
                top = _Dict()
                stack.append(top)
                if len(stack) > MAX_DEPTH:
                    raise Unread
                pos = _entries(text, top, pos, strict, targets, len(stack) < MAX_DEPTH)
                continue
            elif kind == _DICT_END:
                if not stack or type(stack[-1]) is not _Dict or stack[-1].key is not None:
                    raise Unread
                value = stack.pop().d
                if _AFTER_DICT.match(data, pos) and (stack or not stream_ok):
                    raise Unread
            elif kind == _NUMBER:
                t = m[5]
                value = generic.FloatObject(t.decode("ascii")) if b"." in t else generic.NumberObject(int(t))
            elif kind == _ARRAY:
                top = []
                stack.append(top)
                if len(stack) > MAX_DEPTH:
                    raise Unread
                pos = _ref_run(text, top, pos, targets)
                continue
            elif kind == _ARRAY_END:
                if not stack or type(stack[-1]) is not list:
                    raise Unread
                value = stack.pop()
            elif kind == _STRING:
                raw = m[10]
                value = text.strings.get(raw)
                if value is None:  # an immutable value: one object for equal strings
                    value = text.strings[raw] = generic.pdf_string(raw)
            else:
                value = _KEYWORDS[m[11]]()
        if not stack:
            if isinstance(value, Ref):
                raise Unread  # a bare reference as an object: pyHanko's own rules
            if isinstance(value, (generic.NameObject, int)) and not _ends_alone(data, start, pos):
                raise Unread
            return value, targets, pos
        top = stack[-1]
        if type(top) is list:
            top.append(value)
            pos = _ref_run(text, top, pos, targets)
        elif top.key is None:  # a key
            if type(value) is not generic.NameObject:
                raise Unread
            top.key = value
        else:
            if top.key in top.d:
                if strict:
                    raise Unread
            else:
                top.d[top.key] = value
            top.key = None
            pos = _entries(text, top, pos, strict, targets, len(stack) < MAX_DEPTH)


class _Stream:
    """An object stream as KysoPdfFileReader._get_object_from_stream finds it: the stream object
    (the reader's newest version, from its cache), its /N and /First, its header index (the
    reader's own, shared) and its decoded text."""

    __slots__ = ('stream', 'count', 'first', 'index', 'text')


def _stream(reader, stream_num: int) -> _Stream:
    prepared = reader.__dict__.setdefault("_kyso_quickread", {})
    entry = prepared.get(stream_num)
    # the reader fetches the stream from its object cache each time: while that holds the same
    # object, everything below (read from it) is the same
    if entry is not None and reader.cache_get_indirect_object(0, stream_num) is entry.stream:
        return entry
    from verifier.pdf import reader as kyso_reader

    if type(reader)._get_object_from_stream is not kyso_reader.KysoPdfFileReader._get_object_from_stream:
        raise Unread
    stream = generic.Reference(stream_num, 0, reader).get_object()
    if not isinstance(stream, generic.StreamObject) or stream.get("/Type") != "/ObjStm":
        raise Unread
    count, first = stream["/N"], stream["/First"]
    if type(count) is not generic.NumberObject or type(first) is not generic.NumberObject:
        raise Unread
    cache = reader.__dict__.setdefault("_kyso_objstm", {})
    cached = cache.get(stream_num)
    if cached is None or cached[0] is not stream:  # as the reader builds it, for the reader
        from pyhanko.pdf_utils.decode_limits import DecodePurpose

        cached = (stream, stream_index(stream.read_data(DecodePurpose.OBJECT_STREAM), count))
        cache[stream_num] = cached
    entry = _Stream()
    entry.stream, entry.count, entry.first, entry.index = stream, int(count), int(first), cached[1]
    entry.text = _Text(entry.index.data, *_shared(reader))
    if reader.cache_get_indirect_object(0, stream_num) is stream:
        prepared[stream_num] = entry
    return entry


def _shared(reader) -> tuple[dict, dict]:
    """The runs and the entries read so far in the reader's texts (_Text)."""
    state = reader.__dict__
    return state.setdefault("_kyso_quickruns", {}), state.setdefault("_kyso_quickentries", {})


# the header of an object stream in its plain form: `count` pairs of unsigned integers, each
# number followed by whitespace, and the last by a byte that is no whitespace, comment or part
# of a number (the first object). Possessive: no digit run is split, and pairs are apart.
_HEADER_WS = rb"[\t\n\x0c\r ]"
_HEADER_PAIR = re.compile(_HEADER_WS + rb"*(\d+)" + _HEADER_WS + rb"+(\d+)")
_HEADER_PAIRS = _HEADER_WS + rb"*+\d++" + _HEADER_WS + rb"++\d++"
_HEADER_AFTER = rb"(?=" + _HEADER_WS + rb"*[^\t\n\x0c\r \x00%+,\-.0-9])"


def stream_index(data: bytes, count):
    """`verifier.pdf.reader._StreamIndex(data, count)`, the reader's own index of an object
    stream's header, which it finds in its cache and uses as its own.

    The reader reads each number of the header with pyHanko's NumberObject.read_from_stream
    (ten Python calls a number, a fifth of the index's build on a tagged decree). In the plain
    form above it reads exactly these numbers: its read_non_whitespace skips the whitespace
    (plain whitespace only: no NUL, no comment) and stops at a digit; the number read stops at
    the whitespace after the digits (not one of `+,-./0-9`), so it is the digit run, never a
    float and never a failure; the last skip stops at the first object's byte (there is one:
    no end of data). So `first` is theirs and nothing breaks. Any other header (signs, dots,
    comments, too few pairs) is read by the reader's own class."""
    from verifier.pdf.reader import _StreamIndex

    n = int(count) if isinstance(count, int) else -1
    if not (0 < n <= len(data) // 4):  # a pair and its whitespace take four bytes at least
        return _StreamIndex(data, count)
    m = re.match(rb"(?:" + _HEADER_PAIRS + rb"){%d}+" % n + _HEADER_AFTER, data)
    if m is None:
        return _StreamIndex(data, count)
    first: dict[int, tuple[int, int]] = {}
    for i, (objnum, offset) in enumerate(_HEADER_PAIR.findall(data, 0, m.end())):
        first.setdefault(int(objnum), (i, int(offset)))
    index = _StreamIndex.__new__(_StreamIndex)
    index.data, index.first, index.broken_at = data, first, None
    return index


def read_member(reader, idnum: int, stream_num: int, index_in_stream: int):
    """(light copy, reference keys) of object `idnum` at `index_in_stream` of object stream
    `stream_num`, found as KysoPdfFileReader._get_object_from_stream finds it (the stream as the
    reader's newest revision holds it, its header parsed once); Unread wherever that method
    would not simply read the value at the offset its header gives (a missing or broken
    header entry, an index out of range, an entry at another index in a strict reader), and
    for any other reader."""
    entry = _stream(reader, stream_num)
    if not (0 <= index_in_stream < entry.count):
        raise Unread
    index = entry.index
    found = index.first.get(idnum)
    if found is None or (index.broken_at is not None and index.broken_at <= found[0]):
        raise Unread
    i, offset = found
    if reader.strict and i != index_in_stream:
        raise Unread
    start = entry.first + offset
    if not (0 <= start < len(index.data)):
        raise Unread
    value, targets, end = read_value(entry.text, start, reader.strict)
    if _AFTER_OBJECT.match(index.data, end):
        raise Unread
    return value, targets


# what pyHanko's _read_object reads around a value in the file, in the plain form read here:
# `N G obj` (one space each, as pyHanko's header reader is sure to read them), whitespace
_FILE_HEADER = re.compile(rb"(\d+) (\d+) obj[\t\n\x0c\r ]*")
# after a stream's dictionary: `stream`, then spaces up to one end of line (pyHanko's
# skip_over_whitespace(stop_after_eol=True) on these bytes)
_STREAM_START = re.compile(rb"[\x00\t\n\x0c\r ]*stream[ \t\x00\x0c]*(?:\r\n|\n|\r)?")
_STREAM_END = re.compile(rb"[\x00\t\n\x0c\r ]*endstream")
# after the value: `endobj`, then something to stop at (pyHanko fails at the end of the file)
_ENDOBJ = re.compile(rb"[\x00\t\n\x0c\r ]*endobj[\x00\t\n\x0c\r ]*[^\x00\t\n\x0c\r %]")


def read_file_object(reader, idnum: int, generation: int, offset: int):
    """(light copy, reference keys) of the object at `offset` of the file, as pyHanko's
    _read_object reads it there (header, value, a stream's data by a direct /Length, `endobj`),
    for the plain forms of each; Unread for any other (a comment, an indirect /Length, a
    stream whose `endstream` is not where /Length says, a header that names another object,
    no `endobj` after the value) and for an encrypted file: pyHanko reads those."""
    if reader.encrypted:
        raise Unread
    text = reader.__dict__.get("_kyso_quickfile")
    if text is None:
        stream = reader.stream
        if not isinstance(stream, BytesIO):
            raise Unread
        text = reader.__dict__["_kyso_quickfile"] = _Text(stream.getvalue(), *_shared(reader))
    data = text.data
    m = _FILE_HEADER.match(data, offset)
    if m is None or int(m[1]) != idnum or int(m[2]) != generation or m.end() >= len(data):
        raise Unread
    value, targets, pos = read_value(text, m.end(), reader.strict, stream_ok=True)
    if type(value) is dict:
        s = _STREAM_START.match(data, pos)
        if s is not None:  # a stream: its data as long as a direct /Length says, then endstream
            length = value.get("/Length")
            if type(length) is not generic.NumberObject or length < 0 or s.end() + length > len(data):
                raise Unread
            e = _STREAM_END.match(data, s.end() + length)
            if e is None:
                raise Unread
            pos = e.end()
    if _ENDOBJ.match(data, pos) is None:
        raise Unread
    return value, targets

