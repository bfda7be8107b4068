"""pyHanko's tokenizer, in one step where it went byte by byte: the same objects, faster.

pyHanko reads `<...>` and `(...)` one character at a time; a signature's /Contents holds 16,000
to 40,000 hex digits, so reading one signature dictionary cost about 10 ms, a third of pyHanko's
time per layer. The fast paths take only the plain case (hex digits and PDF whitespace; a
literal without nested parentheses, whose escapes are ones pyHanko accepts); anything else (a
comment, an escape, a stray byte, the end of the data) is handed to pyHanko's own function from
the same position, so every edge case, error and final stream position stays pyHanko's. Names
without escapes are decoded in one step too, and a token (a name, an operator) is read to its
end by chunks, not by a generator yielding one byte at a time. A reference `N G R` is read with
one match where pyHanko reads it a byte at a time (a structure tree's arrays hold tens of
thousands of them), and an array's references and integers are read in a loop of matches over
the stream's bytes, every other element by pyHanko's read_object as before.

pyHanko's parser looks these functions up in `pyhanko.pdf_utils.generic` on every call;
verifier.patches.install() puts the ones below there (PATCHES). Importing this module changes
nothing.
"""

from __future__ import annotations

import binascii
import re
from io import BytesIO

from pyhanko.pdf_utils import generic, misc

_HEX_DIGITS = b"0123456789abcdefABCDEF"
_HEX_CHUNK = 1 << 15
# pyHanko's own functions, which the fast paths fall back on
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


_pyhanko_read_reference = generic.IndirectObject.read_from_stream
# pyHanko's reading of a reference, in one match: whitespace (bytes.isspace) before the number,
# the number to the first whitespace byte, which is consumed, the generation likewise, then PDF
# whitespace (misc.PDF_WHITESPACE: no comment) up to the `R`. Digits only: anything else in a
# number (which pyHanko's int() refuses), a comment before the `R`, or a reference longer than
# the chunk read goes to pyHanko's own reader from the same position.
_REFERENCE = re.compile(rb"[ \t\n\r\x0b\x0c]*([0-9]+)[ \t\n\r\x0b\x0c][ \t\n\r\x0b\x0c]*([0-9]+)[ \t\n\r\x0b\x0c]"
                        rb"[ \n\r\t\x0c\x00]*R")
_REFERENCE_CHUNK = 64


def read_reference(stream, container_ref):
    """`generic.IndirectObject.read_from_stream`, in one step for the plain case (see above)."""
    if not isinstance(stream, BytesIO):
        return _pyhanko_read_reference(stream, container_ref)
    start = stream.tell()
    m = _REFERENCE.match(stream.read(_REFERENCE_CHUNK))
    if m is None or int(m.group(1)) <= 0:  # pyHanko raises its own error for object 0
        stream.seek(start)
        return _pyhanko_read_reference(stream, container_ref)
    stream.seek(start + m.end())
    return generic.IndirectObject(int(m.group(1)), int(m.group(2)), container_ref.get_pdf_handler())


_pyhanko_read_array = generic.ArrayObject.read_from_stream
# One element of an array as pyHanko's loop reads it (read_non_whitespace, then read_object),
# where it is a reference or an integer: PDF whitespace before it (no comment); a reference
# where INDIRECT_PATTERN (`\s` between the parts, a non-letter after the `R`) and read_reference
# above both take it, so between the generation and the `R` one `\s` byte then PDF whitespace
# that is also `\s`; an integer is digits followed by a byte that ends pyHanko's number
# (NumberObject.NumberPattern), and is only taken where INDIRECT_PATTERN fails on the same 20
# bytes pyHanko peeks at. Anything else, or a reference whose match runs past those 20 bytes,
# is read by pyHanko's own code from the same position.
_ELEMENT = re.compile(
    rb"[ \n\r\t\x0c\x00]*(?:"
    rb"([0-9]+)[ \t\n\r\x0b\x0c]+([0-9]+)[ \t\n\r\x0b\x0c][ \n\r\t\x0c]*R(?=[^A-Za-z])"
    rb"|([0-9]+)(?=[^+,\-.0-9])"
    rb"|(\]))"
)
_PEEK = 20  # the bytes generic.read_object matches INDIRECT_PATTERN against


def read_array(stream, container_ref, in_content_stream=generic.ContentOpReading.NO):
    """`generic.ArrayObject.read_from_stream`: references and integers in one match each (see above)."""
    if in_content_stream or not isinstance(stream, BytesIO):
        return _pyhanko_read_array(stream, container_ref, in_content_stream)
    arr = generic.ArrayObject()
    if stream.read(1) != b"[":
        raise misc.PdfReadError("Could not read array")
    handler = None
    data = stream.getbuffer()
    try:
        while True:
            pos = stream.tell()
            m = _ELEMENT.match(data, pos)
            if m is not None:
                if m.group(4) is not None:
                    stream.seek(m.end())
                    return arr
                if m.group(1) is not None:
                    idnum = int(m.group(1))
                    if idnum > 0 and m.end() + 1 - m.start(1) <= _PEEK:
                        if handler is None:
                            handler = container_ref.get_pdf_handler()
                        value = generic.IndirectObject(idnum, int(m.group(2)), handler)
                        value.container_ref = container_ref
                        arr.append(value)
                        stream.seek(m.end())
                        continue
                elif generic.INDIRECT_PATTERN.match(data[m.start(3):m.start(3) + _PEEK]) is None:
                    value = generic.NumberObject(int(m.group(3)))
                    value.container_ref = container_ref
                    arr.append(value)
                    stream.seek(m.end())
                    continue
            # pyHanko's own loop, for this one element
            if misc.read_non_whitespace(stream) == b"]":
                return arr
            stream.seek(-1, 1)
            arr.append(generic.read_object(stream, container_ref, in_content_stream=in_content_stream))
    finally:
        data.release()
