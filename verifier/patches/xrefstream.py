"""A cross-reference stream read row by row from its decoded bytes, not field by field.

pyHanko's `parse_xref_stream` reads each field of each row with a closure that looks /W up in the
stream dictionary, reads a few bytes from a BytesIO and unpacks them with struct: three
dictionary lookups and three reads per object. A tagged Word document of 10,000 objects spends
60 ms there on every opening, more than pdfsig's whole verification of it (issue 20).

The rows are read here from the decoded bytes with the widths taken once. The answer is pyHanko's,
entry for entry, including its errors and where they are raised (the function is a generator:
an error comes when the entry that has it is reached): an /Index or /W that is not a list of
plain non-negative integers, or data shorter than its rows, is handed to pyHanko's own function,
which then says what it always said. An 8-byte field is read as pyHanko reads it: as a signed
number (struct ">q"). tests/test_xrefstream.py compares both on every test document and on
crafted streams.

Replaces `pyhanko.pdf_utils.xref.parse_xref_stream` once verifier.patches.install() is called;
importing this module changes nothing.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic, misc, xref
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.xref import ObjStreamRef, XRefEntry, XRefType

_parse_xref_stream = xref.parse_xref_stream

_STANDARD, _IN_OBJ_STREAM, _FREE = XRefType.STANDARD, XRefType.IN_OBJ_STREAM, XRefType.FREE


def _plain_ints(value) -> list[int] | None:
    """The list's numbers as ints, if it is a list of non-negative integers and nothing else."""
    if not isinstance(value, (list, generic.ArrayObject)):
        return None
    out = []
    for item in value:
        if type(item) is bool or not isinstance(item, int) or item < 0:
            return None
        out.append(int(item))
    return out


def _field(data: bytes, pos: int, width: int, default: int) -> int:
    if not width:
        return default
    # struct ">q" over 8 bytes (pyHanko's convert_to_int) reads a set top bit as a sign
    return int.from_bytes(data[pos:pos + width], "big", signed=width == 8)


def parse_xref_stream(xref_stream: generic.StreamObject, strict: bool = True):
    idx_pairs = xref_stream.get("/Index", [0, xref_stream.get("/Size")])
    entry_sizes = xref_stream.get("/W")
    index, widths = _plain_ints(idx_pairs), _plain_ints(entry_sizes)
    if index is None or widths is None or len(widths) != 3 or len(index) % 2:
        yield from _parse_xref_stream(xref_stream, strict)
        return
    data = xref_stream.read_data(
        DecodePurpose.XREF_STREAM,
        expected_size=xref._expected_xref_stream_size(idx_pairs, entry_sizes),
    )
    w0, w1, w2 = widths
    row = w0 + w1 + w2
    if row * sum(index[1::2]) > len(data):  # a short stream: pyHanko's per-field reading of the tail
        yield from _parse_xref_stream(xref_stream, strict)
        return
    pos = 0
    last_end = 0
    for start, size in misc.pair_iter(index):
        assert start >= last_end  # noqa: S101 - pyHanko's own check, raised as pyHanko raises it
        last_end = start + size
        for num in range(start, start + size):
            kind = _field(data, pos, w0, 1)
            one = _field(data, pos + w0, w1, 0)
            two = _field(data, pos + w0 + w1, w2, 0)
            pos += row
            if kind == 1:
                yield XRefEntry(xref_type=_STANDARD, idnum=num, location=one, generation=two)
            elif kind == 2:
                yield XRefEntry(xref_type=_IN_OBJ_STREAM, idnum=num, location=ObjStreamRef(one, two))
            elif kind == 0:
                yield XRefEntry(xref_type=_FREE, idnum=num, generation=two, location=None)
    if pos < len(data) and strict:
        raise misc.PdfStrictReadError("Trailing data in cross-reference stream")
