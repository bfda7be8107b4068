"""The operations of a content stream, as pypdf's `ContentStream(...).operations` gives them,
read in one regular-expression pass: the one tokenizer of content for the text interpreter
(verifier.pdf.text), whichever reader (pypdf or pyHanko) gave the stream. rawpdf reads the
file's objects with their offsets for the structure checks; it does not read content.

pypdf parses content one byte at a time (`read_object`, `read_string_from_stream`): on the
benchmark's reference document that was a third of the metadata's time. The fast path below
takes only what text-drawing content is made of (numbers, names, strings, arrays and
dictionaries of those, operators, comments between them) in its plain spelling, and builds the
same pypdf objects from the same bytes (`NumberObject`, `FloatObject`, `NameObject`,
`create_string_object`, `ArrayObject`, `DictionaryObject`). Anything else gives up on the whole
stream and pypdf parses it, so every unusual case, warning and error stays pypdf's: a comment
inside an array or a dictionary, an inline image, a keyword inside an array or a dictionary, a
dictionary key that is not a name, repeated or without a value, a stray or non-ASCII byte
outside strings, an over-long token, something pypdf would read as an indirect reference or a
stream, an unclosed string, array or dictionary, a stream over pypdf's parsing budget.
tests/test_contentops.py compares the two readers on every stream of the samples and real
documents and on generated streams.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    create_string_object,
)

# pypdf's whitespace between tokens is these six bytes; inside arrays it is bytes.isspace(),
# which adds \x0b, and its token ends (NameObject.delimiter_pattern, `\s`) add \x0b but not
# \x00. No token here takes a \x0b outside a string, so one sends the stream to pypdf, and
# \x00 ends no token.
_WS = rb"[\x00\t\n\f\r ]*"
_DELIMITERS = b"()<>[]{}/%"
_END = rb"(?=[\t\n\f\r " + re.escape(_DELIMITERS) + rb"]|\Z)"  # what ends a name or an operator for pypdf too


def _chars(exclude: bytes) -> bytes:
    return b"[" + b"".join(re.escape(bytes([c])) for c in range(0x21, 0x7F) if c not in exclude) + b"]"


# One token and the whitespace after it; the named group is the token. Names are ASCII without
# `#` (pypdf decodes escapes and other charsets); strings are the unrolled loop of plain bytes
# and escapes, without nested parentheses.
_TOKEN = re.compile(
    # pypdf's NumberPattern: a number runs over [+,\-.0-9]; one that runs on is malformed
    rb"(?:(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))(?=[^+,\-.0-9])"
    rb"|(?P<op>[A-Za-z'\"]" + _chars(_DELIMITERS) + rb"*)" + _END +
    rb"|(?P<str>\([^()\\]*(?:\\[\s\S][^()\\]*)*\))"
    rb"|(?P<name>/" + _chars(_DELIMITERS + b"#") + rb"*)" + _END +
    rb"|(?P<hex><(?!<)[0-9A-Fa-f\x00\t\n\f\r ]*>)"
    rb"|(?P<open>\[)|(?P<close>\])|(?P<dopen><<)|(?P<dclose>>>)"
    # between operations pypdf skips a comment and the one end-of-line byte that closes it
    rb"|(?P<comment>%[^\r\n]*[\r\n]?))" + _WS
)
_LEADING_WS = re.compile(_WS)
_HEX_SPACE = re.compile(rb"[\x00\t\n\f\r ]")
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|([\r\n][\r\n]?)|([\s\S]))")
# pypdf's read_string_from_stream: escapes it knows; any other escaped byte keeps its backslash
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_ESCAPES.update({c: c for c in (b"(", b")", b"/", b"\\", b" ", b"%", b"<", b">", b"[", b"]", b"#", b"_", b"&", b"$")})
# read_object takes `int int R` in the 20 bytes from a number as an indirect reference (and
# fails: content streams have no reader); such a stream is pypdf's to read
_INDIRECT = re.compile(rb"[+-]?(\d+)\s+(\d+)\s+R[^a-zA-Z]")
_R = re.compile(rb"R[^a-zA-Z]")
_STREAM_AFTER = re.compile(rb"s")  # pypdf reads `>> stream` as a stream object

MAX_FAST_BYTES = 2_000_000  # pypdf's stream_parsing_work_maximum_count; each token costs a byte or more
MAX_NUMBER = 18  # pypdf peeks 20 bytes to find a number's end
MAX_WORD = 100  # operators over 128 bytes and names over 4096 are pypdf's errors
MAX_ITEMS = 100_000  # pypdf's array_maximum_element_count and dictionary_maximum_element_count


def operations(stream_obj, reader) -> list[tuple[list, bytes]]:
    """`ContentStream(stream_obj, reader).operations` (stream_obj: a stream, an array of
    streams, or a ContentStream). Raises what pypdf raises."""
    stream = ContentStream(stream_obj, reader)
    fast = read(stream.get_data())
    return fast if fast is not None else stream.operations


def operations_in(data: bytes, reader=None) -> list[tuple[list, bytes]]:
    """The operations of decoded content `data` (a stream's data, or the parts of an array of
    streams joined), as `operations` gives them for a stream holding it; `reader`: pypdf's
    reader of the document, if any. Raises what pypdf raises.

    The operations of the last RECENT streams read without a reader are kept and given again
    for the same bytes: the passes of one verification read the same page content (the
    metadata of each revision that did not change it, the overlap check's revisions). Callers
    read them and never change them (the text interpreter only iterates)."""
    keep = reader is None and type(data) is bytes and len(data) <= MAX_RECENT_BYTES
    if keep:
        with _RECENT_LOCK:
            found = _RECENT.get(data)
            if found is not None:
                _RECENT.move_to_end(data)
                return found
    fast = read(data)
    if fast is None:
        stream = DecodedStreamObject()
        stream.set_data(data)
        fast = ContentStream(stream, reader).operations
    if keep:
        with _RECENT_LOCK:
            _RECENT[data] = fast
            while len(_RECENT) > RECENT:
                _RECENT.popitem(last=False)
    return fast


RECENT = 8  # streams whose operations are kept (a page of text: some 100 KB, 10,000 operations)
MAX_RECENT_BYTES = 256 << 10  # a larger stream's are not kept: at most a few MB of objects held in all
_RECENT: OrderedDict[bytes, list] = OrderedDict()
_RECENT_LOCK = threading.Lock()


def read(data: bytes) -> list[tuple[list, bytes]] | None:
    """The operations of decoded content `data` when it is all plain (see the module's
    docstring), else None."""
    if len(data) > MAX_FAST_BYTES:
        return None
    # numbers are checked one by one only near an `R` (mostly one inside a string)
    careful = any(_INDIRECT.search(data, max(0, r.start() - 64), r.end()) for r in _R.finditer(data))
    out: list[tuple[list, bytes]] = []
    operands: list = []
    open_: list[tuple[bool, list]] = []  # (a dictionary?, its items so far) of the containers being read, innermost last
    scalars: dict[bytes, object] = {}  # a number's, name's or string's object, once per spelling (read-only)
    pos = _LEADING_WS.match(data).end()
    for m in _TOKEN.finditer(data, pos):
        if m.start() != pos:
            return None  # a byte no token takes
        pos = m.end()
        kind = m.lastgroup
        text = m.group(kind)
        if kind == "op":
            if open_ or len(text) > MAX_WORD or text == b"BI":
                return None
            out.append((operands, text))
            operands = []
            continue
        if kind in _SCALARS:
            if careful and kind == "num" and _INDIRECT.match(data, m.start(), m.start() + 20):
                return None
            value = scalars.get(text)
            if value is None:
                value = scalars[text] = _scalar(kind, text)
                if value is None:
                    return None
        elif kind == "comment":
            if open_:
                return None  # inside an array or a dictionary pypdf reads comments otherwise
            continue
        elif kind == "open" or kind == "dopen":
            open_.append((kind == "dopen", []))
            continue
        else:
            if not open_ or open_[-1][0] != (kind == "dclose"):
                return None
            items = open_.pop()[1]
            if len(items) > MAX_ITEMS:
                return None
            if kind == "close":
                value = ArrayObject(items)
            else:
                value = _dictionary(items)
                if value is None or _STREAM_AFTER.match(data, pos):
                    return None
        (open_[-1][1] if open_ else operands).append(value)
    if pos != len(data) or open_:
        return None
    return out


def _dictionary(items: list) -> DictionaryObject | None:
    """The dictionary of alternating keys and values, when every key is a name said once."""
    keys = items[0::2]
    if len(items) % 2 or not all(type(k) is NameObject for k in keys) or len(set(keys)) != len(keys):
        return None
    value = DictionaryObject()
    value.update(zip(keys, items[1::2]))
    return value


_SCALARS = frozenset(("num", "name", "str", "hex"))


def _scalar(kind: str, text: bytes):
    """pypdf's object for one number, name or string token, or None for one too long for it."""
    if kind == "num":
        if len(text) > MAX_NUMBER:
            return None
        return FloatObject(text) if b"." in text else NumberObject(text)
    if kind == "name":
        return NameObject(text.decode("ascii")) if len(text) <= MAX_WORD else None
    if kind == "hex":
        digits = _HEX_SPACE.sub(b"", text[1:-1])
        return create_string_object(bytes.fromhex((digits + b"0" if len(digits) % 2 else digits).decode()))
    return create_string_object(_ESCAPE.sub(_unescape, text[1:-1]) if b"\\" in text else text[1:-1])


def _unescape(m: re.Match) -> bytes:
    octal, eol, other = m.groups()
    if octal is not None:
        code = int(octal, 8)
        # pypdf: high-order overflow is not ignored but read as a backslash and the digits
        return bytes((code,)) if code <= 255 else b"\\" + octal
    if eol is not None:
        return b""  # an escaped line break (and one more \r or \n) is dropped
    return _ESCAPES.get(other, b"\\" + other)
