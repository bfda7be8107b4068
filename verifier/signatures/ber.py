"""Where a BER-encoded value ends, found without trusting anything but its headers.

CMS is defined in BER (RFC 5652 §1.1); DER is the common subset. Streaming signers (OpenSSL
`cms -sign -stream`, BouncyCastle's CMSSignedDataStreamGenerator) write the outer structures
with indefinite length (`30 80 … 00 00`), so the end of such a CMS is known only by walking its
values to the end-of-contents marker that closes the outermost one. The zero-padding rule
(verifier/structure/byterange.py) needs that end.

The walk is iterative and bounded, so no input can make it recurse or loop:
- a definite-length value is skipped by its length (its inside is the CMS parser's business);
- only open indefinite-length values are counted, at most MAX_INDEFINITE_DEPTH of them;
- every step consumes at least two bytes and nothing is read past the bytes given, so the work
  is linear in the size of /Contents and a length pointing past it is an error, not a read.
Anything that is not well-formed BER raises BerError with the offset and the reason.
"""

from __future__ import annotations

import re

# asn1crypto, which pyHanko parses CMS with, refuses values nested deeper than this inside
# indefinite-length ones (parser._MAX_DEPTH), so a deeper CMS cannot be validated anyway.
# Streaming signers nest six: ContentInfo, [0], SignedData, EncapsulatedContentInfo, [0], OCTET STRING.
MAX_INDEFINITE_DEPTH = 10
_MAX_TAG_OCTETS = 4  # tag numbers up to 2**28; CMS uses none above 30


class BerError(ValueError):
    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"{reason} (byte {offset} of the CMS)")
        self.offset = offset
        self.reason = reason


def value_end(data: bytes, start: int = 0, *, max_depth: int = MAX_INDEFINITE_DEPTH) -> int:
    """Offset just past the BER value that begins at `start` in `data`."""
    pos = start
    depth = 0  # indefinite-length values opened and not yet closed
    while True:
        at = pos
        identifier, pos, length = _header(data, pos)
        if identifier == 0:  # universal class, primitive, tag 0: only end-of-contents has it
            if length != 0:
                raise BerError(at, "a value with tag 0 that is not an end-of-contents marker (00 00)")
            if depth == 0:
                raise BerError(at, "an end-of-contents marker outside any indefinite-length value")
            depth -= 1
        elif length is None:
            depth += 1
            if depth > max_depth:
                raise BerError(at, f"more than {max_depth} indefinite-length values nested in each other")
            continue
        else:
            pos += length
            if pos > len(data):
                raise BerError(at, f"a value of {length} bytes runs past the end of the data ({len(data)} bytes)")
        if depth == 0:
            return pos


def _header(data: bytes, pos: int) -> tuple[int, int, int | None]:
    """(identifier octet, offset of the contents, length or None for indefinite)."""
    at = pos
    if pos >= len(data):
        raise BerError(pos, "the data ends where a value should begin (no end-of-contents marker)")
    identifier = data[pos]
    pos += 1
    if identifier & 0x1F == 0x1F:  # high tag number: base-128 octets, the last without bit 8
        for _ in range(_MAX_TAG_OCTETS):
            if pos >= len(data):
                raise BerError(at, "the data ends inside a tag")
            pos += 1
            if not data[pos - 1] & 0x80:
                break
        else:
            raise BerError(at, f"a tag number longer than {_MAX_TAG_OCTETS} octets")
    if pos >= len(data):
        raise BerError(at, "the data ends before a length")
    first = data[pos]
    pos += 1
    if first == 0x80:
        if not identifier & 0x20:
            raise BerError(at, "a primitive value with indefinite length")
        return identifier, pos, None
    if first == 0xFF:
        raise BerError(at, "the reserved length octet FF")
    if first < 0x80:
        return identifier, pos, first
    count = first & 0x7F
    if pos + count > len(data):
        raise BerError(at, "the data ends inside a length")
    return identifier, pos + count, int.from_bytes(data[pos:pos + count], "big")


def children(data: bytes, start: int) -> list[tuple[int, int]]:
    """(start, end) of each value inside the constructed value that begins at `start`."""
    identifier, pos, length = _header(data, start)
    end = value_end(data, start)
    stop = end if length is not None else end - 2  # an indefinite value ends with its 00 00
    out = []
    while pos < stop:
        after = value_end(data, pos)
        out.append((pos, after))
        pos = after
    return out


# The values each CMS structure holds, as their identifier octets in order (RFC 5652 §3,
# §5.1-5.3; a SubjectKeyIdentifier sid is [0] primitive, 0x80); optional ones marked `?`.
_SHAPES = {
    "ContentInfo": re.compile(rb"\x06\xa0?", re.S),
    "SignedData": re.compile(rb"\x02\x31\x30\xa0?\xa1?\x31", re.S),
    "EncapsulatedContentInfo": re.compile(rb"\x06\xa0?", re.S),
    "SignerInfo": re.compile(rb"\x02[\x30\x80]\x30\xa0?\x30\x04\xa1?", re.S),
}


def _shape(data: bytes, start: int, name: str) -> list[tuple[int, int]]:
    values = children(data, start)
    if not _SHAPES[name].fullmatch(bytes(data[a] for a, _ in values)):
        raise _Shape(f"the {name} holds values its definition does not have "
                     f"({' '.join(f'{data[a]:02x}' for a, _ in values)})")
    return values


class _Shape(Exception):
    pass


def cms_shape_problem(data: bytes) -> str | None:
    """Why a CMS ContentInfo holds values its structures do not define, or None. asn1crypto, and
    so pyHanko, reads the fields it knows and ignores values after them: bytes nobody signed could
    ride inside the signature there, where the padding rule does not look."""
    try:
        top = _shape(data, 0, "ContentInfo")
        if len(top) < 2:
            return None  # no content: the layer's own parse judges it
        inner = children(data, top[1][0])
        if len(inner) != 1 or data[inner[0][0]] != 0x30:
            return f"the ContentInfo's content holds {len(inner)} values instead of one SignedData"
        signed_data = _shape(data, inner[0][0], "SignedData")
        _shape(data, signed_data[2][0], "EncapsulatedContentInfo")
        for at, _ in children(data, signed_data[-1][0]):
            _shape(data, at, "SignerInfo")
    except _Shape as exc:
        return str(exc)
    except BerError:
        return None  # malformed: the end-of-contents rule or the layer's own parse says so
    return None
