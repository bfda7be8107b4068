"""A cross-reference stream read row by row (verifier.patches.xrefstream) gives pyHanko's entries,
entry for entry, and pyHanko's errors: compared on every xref stream of the real documents and
samples, and on crafted streams (8-byte fields, zero widths, several subsections, unknown types,
trailing bytes strict and lenient, short data, odd /Index, a /W that is not three integers)."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader

from tests.conftest import REALDOCS, SAMPLES
from verifier.patches import xrefstream


def _outcome(parse, stream, strict):
    """The entries, and the error the generator ended with (type and text), if any."""
    entries = []
    try:
        for entry in parse(stream, strict):
            entries.append(entry)
    except Exception as exc:  # noqa: BLE001 - the error is part of the answer compared
        return entries, (type(exc), str(exc))
    return entries, None


def _same(stream):
    for strict in (True, False):
        assert _outcome(xrefstream.parse_xref_stream, stream, strict) == \
            _outcome(xrefstream._parse_xref_stream, stream, strict)


def _stream(data: bytes, **entries) -> generic.StreamObject:
    d = generic.DictionaryObject({generic.NameObject("/Type"): generic.NameObject("/XRef")})
    for key, value in entries.items():
        d[generic.NameObject("/" + key)] = generic.NumberObject(value) if isinstance(value, int) else value
    return generic.StreamObject(d, stream_data=data)


def _ints(*values):
    return generic.ArrayObject([generic.NumberObject(v) for v in values])


def test_every_xref_stream_of_the_real_documents_and_samples_reads_alike():
    seen = 0
    for path in sorted(REALDOCS.glob("*.pdf")) + sorted(SAMPLES.glob("*.pdf")):
        try:
            reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
        except PdfReadError:
            continue
        for section in reader.xrefs._xref_sections:
            ref = section.meta_info.stream_ref
            if ref is None:
                continue
            stream = reader.get_object(ref)
            _same(stream)
            seen += 1
    assert seen >= 10


@pytest.mark.parametrize("name,data,entries", [
    ("one subsection", bytes([1, 0, 10, 0, 2, 0, 7, 3, 0, 0, 0, 1]), {"W": _ints(1, 2, 1), "Size": 3}),
    ("8-byte offsets, top bit set", bytes([1]) + b"\x80" + bytes(7) + bytes([0]) + bytes([1]) + bytes(8) + bytes([1]),
     {"W": _ints(1, 8, 1), "Size": 2}),
    ("10-byte offsets", bytes([1]) + b"\xff" * 10 + bytes([0]), {"W": _ints(1, 10, 1), "Size": 1}),
    ("type width zero", bytes([0, 5, 0, 6]), {"W": _ints(0, 1, 1), "Size": 2}),
    ("generation width zero", bytes([1, 0, 9, 2, 0, 4]), {"W": _ints(1, 2, 0), "Size": 2}),
    ("several subsections", bytes([1, 0, 9, 0, 1, 0, 8, 0, 2, 0, 3, 1]),
     {"W": _ints(1, 2, 1), "Index": _ints(0, 1, 10, 2), "Size": 12}),
    ("subsections out of order", bytes([1, 0, 9, 0, 1, 0, 8, 0]),
     {"W": _ints(1, 2, 1), "Index": _ints(10, 1, 0, 1), "Size": 12}),
    ("unknown type", bytes([7, 0, 9, 0, 1, 0, 8, 0]), {"W": _ints(1, 2, 1), "Size": 2}),
    ("trailing bytes", bytes([1, 0, 9, 0, 9, 9]), {"W": _ints(1, 2, 1), "Size": 1}),
    ("short data", bytes([1, 0, 9, 0, 1, 0]), {"W": _ints(1, 2, 1), "Size": 2}),
    ("odd /Index", bytes([1, 0, 9, 0]), {"W": _ints(1, 2, 1), "Index": _ints(0, 1, 5), "Size": 1}),
    ("/W of two", bytes([1, 0, 9]), {"W": _ints(1, 2), "Size": 1}),
    ("/W with a name", bytes([1, 0, 9, 0]), {"W": generic.ArrayObject([generic.NumberObject(1), generic.NameObject("/X"),
                                                                        generic.NumberObject(1)]), "Size": 1}),
    ("negative width", bytes([1, 0, 9, 0]), {"W": _ints(1, -2, 1), "Size": 1}),
    ("no /Size, no /Index", bytes([1, 0, 9, 0]), {"W": _ints(1, 2, 1)}),
    ("empty", b"", {"W": _ints(1, 2, 1), "Size": 0}),
], ids=lambda v: v if isinstance(v, str) else "")
def test_crafted_streams_read_alike(name, data, entries):
    _same(_stream(data, **entries))
