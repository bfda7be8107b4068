"""pyHanko's PDF reader with three changes that give the same objects faster.

1. The header of each object stream is parsed once. pyHanko 0.38 re-reads an object stream's
   whole header (N number pairs) for every object it fetches from that stream, so a Word-made
   document with a few thousand compressed objects costs O(N^2) tokenizer calls: 12 to 18
   seconds on two of ../shared/realdocs, almost all of it here. The lookup below gives the same
   answers, including the same errors in strict mode, in O(N) per stream.
2. Strings are read in one step. pyHanko reads `<...>` and `(...)` one character at a time; a
   signature's /Contents holds 16,000 to 40,000 hex digits, so reading one signature dictionary
   cost about 10 ms, a third of pyHanko's time per layer. The fast paths take only the plain
   case (hex digits and PDF whitespace; a literal without nested parentheses, whose escapes
   are ones pyHanko accepts);
   anything else (a comment, an escape, a stray byte, the end of the data) is handed to
   pyHanko's own function from the same position, so every edge case, error and final stream
   position stays pyHanko's.
   Names without escapes are decoded in one step too, and a token (a name, an operator) is
   read to its end in one step, not by a generator yielding one byte at a time.
3. The history of each object (the revision that introduced it, the last that changed it) is
   looked up once (_remember_history).
"""

from __future__ import annotations

import binascii
import logging
import re
from io import BytesIO

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.misc import PdfStrictReadError
from pyhanko.pdf_utils.reader import PdfFileReader

log = logging.getLogger(__name__)

_HEX_DIGITS = b"0123456789abcdefABCDEF"
_HEX_CHUNK = 1 << 15
_pyhanko_read_hex = generic.read_hex_string_from_stream
_pyhanko_read_literal = generic._read_string_literal_bytes


def read_hex_string(stream):
    """`generic.read_hex_string_from_stream`, in one step for the plain case (see the docstring)."""
    if not isinstance(stream, BytesIO):
        return _pyhanko_read_hex(stream)
    start = stream.tell()
    parts = [stream.read(_HEX_CHUNK)]
    end = parts[0].find(b">")
    while end < 0 and len(parts[-1]) == _HEX_CHUNK:
        parts.append(stream.read(_HEX_CHUNK))
        found = parts[-1].find(b">")
        if found >= 0:
            end = found + _HEX_CHUNK * (len(parts) - 1)
    text = b"".join(parts)
    if end < 0:
        stream.seek(start)
        return _pyhanko_read_hex(stream)
    digits = text[1:end].translate(None, misc.PDF_WHITESPACE)
    if digits.translate(None, _HEX_DIGITS):  # a comment, a delimiter, a stray byte
        stream.seek(start)
        return _pyhanko_read_hex(stream)
    stream.seek(start + end + 1)
    return generic.pdf_string(binascii.unhexlify(digits + b"0" if len(digits) % 2 else digits))


def read_literal_bytes(stream) -> bytes:
    """`generic._read_string_literal_bytes`, in one step for the plain case (see the docstring)."""
    if not isinstance(stream, BytesIO):
        return _pyhanko_read_literal(stream)
    start = stream.tell()
    chunk = stream.read(_HEX_CHUNK)
    end = chunk.find(b")")
    if end >= 0 and chunk.find(b"(", 1, end) < 0 and chunk.find(b"\\", 1, end) < 0:
        stream.seek(start + end + 1)
        return chunk[1:end]
    # escapes (a signer's name in UTF-16 has one every other byte), still without nesting
    m = _FLAT_LITERAL.match(chunk)
    if m is not None:
        try:
            text = _ESCAPE.sub(_escaped, m.group(1))
        except _Unusual:
            pass
        else:
            stream.seek(start + m.end())
            return text
    stream.seek(start)
    return _pyhanko_read_literal(stream)


# a literal without nested parentheses; each escape in it as pyHanko reads it: up to three
# digits, an end of line (and one more \r or \n), or one byte
_FLAT_LITERAL = re.compile(rb"\(([^()\\]*(?:\\[\s\S][^()\\]*)*)\)")
_ESCAPE = re.compile(rb"\\(?:([0-9]{1,3})|([\r\n][\r\n]?)|([\s\S]))")
_ESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_ESCAPED.update({bytes([c]): bytes([c]) for c in b"() /%<>[]#_&$\\"})


class _Unusual(Exception):
    """An escape pyHanko rejects (8 or 9 in an octal code, a code over 255, an unknown byte):
    its own reader then reads the string and raises as it does."""


def _escaped(m: re.Match) -> bytes:
    digits, eol, other = m.groups()
    if digits is not None:
        if b"8" in digits or b"9" in digits or int(digits, 8) > 255:
            raise _Unusual
        return bytes((int(digits, 8),))
    if eol is not None:
        return b""
    found = _ESCAPED.get(other)
    if found is None:
        raise _Unusual
    return found


_pyhanko_decode_name = generic._decode_name
# bytes a name holds as they are: printable ASCII but delimiters and the escape prefix `#`
_NAME_PLAIN = bytes(c for c in range(0x21, 0x7F) if c not in misc.PDF_DELIMITERS and c != 0x23)


def decode_name(name_bytes: bytes) -> generic.NameObject:
    """`generic._decode_name`: a name of plain bytes (nearly all) is its ASCII text; any other
    (an escape, a byte pyHanko rejects) goes to pyHanko's byte-by-byte decoder."""
    if name_bytes.translate(None, _NAME_PLAIN):
        return _pyhanko_decode_name(name_bytes)
    return generic.NameObject("/" + name_bytes.decode("ascii"))


_TOKEN_END = re.compile(b"[" + re.escape(misc.PDF_WHITESPACE + misc.PDF_DELIMITERS) + b"]")
_TOKEN_CHUNK = 64


def read_until_delimiter(stream) -> bytes:
    """`misc.read_until_delimiter`: the bytes before the next whitespace or delimiter, the
    stream left at that byte (or at its end), read by chunks."""
    parts = []
    while True:
        chunk = stream.read(_TOKEN_CHUNK)
        m = _TOKEN_END.search(chunk)
        if m is not None:
            stream.seek(m.start() - len(chunk), 1)
            parts.append(chunk[:m.start()])
            return b"".join(parts)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


# pyHanko's parser looks these functions up in their module on every call
generic.read_hex_string_from_stream = read_hex_string
generic._read_string_literal_bytes = read_literal_bytes
generic._decode_name = decode_name
generic.read_until_delimiter = read_until_delimiter


class _StreamIndex:
    """The parsed header of one object stream: objnum -> (index, offset) of its first entry,
    and the index at which the header became unreadable, if it did."""

    def __init__(self, data: bytes, count: int):
        self.data = data
        self.first: dict[int, tuple[int, int]] = {}
        self.broken_at: int | None = None
        buf = BytesIO(data)
        for i in range(count):
            try:
                misc.read_non_whitespace(buf, seek_back=True)
                objnum = generic.NumberObject.read_from_stream(buf)
                misc.read_non_whitespace(buf, seek_back=True)
                offset = generic.NumberObject.read_from_stream(buf)
                misc.read_non_whitespace(buf, seek_back=True)
            except ValueError:
                self.broken_at = i
                break
            self.first.setdefault(int(objnum), (i, int(offset)))


class KysoPdfFileReader(PdfFileReader):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _remember_history(self.xrefs)

    def _get_object_from_stream(self, idnum, stmnum, idx):
        stream = generic.Reference(stmnum, 0, self).get_object()
        assert isinstance(stream, generic.StreamObject)
        assert stream["/Type"] == "/ObjStm"
        count = stream["/N"]
        if not (0 <= idx < count):
            if self.strict:
                raise PdfStrictReadError("Object stream does not contain index")
            return generic.NullObject()
        cache = self.__dict__.setdefault("_kyso_objstm", {})
        cached = cache.get(stmnum)
        if cached is None or cached[0] is not stream:
            cached = (stream, _StreamIndex(stream.read_data(DecodePurpose.OBJECT_STREAM), count))
            cache[stmnum] = cached
        index = cached[1]
        found = index.first.get(int(idnum))
        if found is None or (index.broken_at is not None and index.broken_at <= found[0]):
            # pyHanko would have hit the broken header before (or instead of) this object
            if index.broken_at is not None:
                if self.strict:
                    raise PdfStrictReadError("Object stream header possibly corrupted")
                return generic.NullObject()
            if self.strict:
                raise PdfStrictReadError("Object not found in stream, this is a fatal error in strict mode")
            return generic.NullObject()
        i, offset = found
        if self.strict and idx != i:
            raise PdfStrictReadError("Object is in wrong index.")
        stream_data = BytesIO(index.data)
        stream_data.seek(stream["/First"] + offset)
        try:
            obj = generic.read_object(stream_data, generic.Reference(idnum, 0, self))
        except (misc.PdfStreamError, misc.PdfReadError) as e:
            log.warning(f"Invalid stream (index {i}) within object {idnum} 0: {e}")
            if self.strict:
                raise PdfStrictReadError(f"Can't read object stream: {e}")
            obj = generic.NullObject()
        if isinstance(obj, (generic.StreamObject, generic.IndirectObject)):
            if self.strict:
                raise PdfStrictReadError("Encountered forbidden object type in object stream")
            return obj
        generic.read_non_whitespace(stream_data, seek_back=True, allow_eof=True)
        return obj


_MISSING = object()


def _remember_history(xrefs) -> None:
    """The revision that last changed an object, and the one that introduced it, looked up once
    per object. pyHanko asks both for every reference it follows while comparing revisions
    (thousands of times per document, each a walk over the revisions' sections with a KeyError
    per section that lacks the object); the answers depend on the object number and generation
    alone, and the sections do not change once the file is read."""
    for name in ("get_last_change", "get_introducing_revision"):
        setattr(xrefs, name, _remembered(getattr(xrefs, name)))


def _remembered(lookup):
    answers: dict[tuple[int, int], object] = {}

    def remembered(ref):
        key = (ref.idnum, ref.generation)
        answer = answers.get(key, _MISSING)
        if answer is _MISSING:
            try:
                answer = lookup(ref)
            except KeyError:
                answer = KeyError  # remembered as the lookup's failure
            answers[key] = answer
        if answer is KeyError:
            raise KeyError(ref)
        return answer

    return remembered
