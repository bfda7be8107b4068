"""Red team, issue 20: the speed shortcuts must never miss what pyHanko's parser reads.

Issue 20 replaced full parses by hand-written readers and raw-byte prefilters: the index of who
refers to whom (verifier.patches.usages, read by verifier.patches.quickread), the structure
checks' byte searches (verifier.structure.rawscan), lazily parsed object streams
(verifier.pdf.rawpdf.ObjectStream). Each claims to read what pyHanko's parser reads or to hand the
object back to it. A reference the quick reader missed would be a use of a signed object the
difference review never asks to clear: the forgery below (a form filled in place at P=2, whose
appearance stream the page also draws) would pass. It is written with the reference in every
shape pyHanko reads as one, the referrer in the file and in object streams with odd headers.
The structure checks are attacked the same way: an active key, a repeated key, a reference to an
object defined after signing, spelled and stored as the prefilters least expect.
"""

from __future__ import annotations

import re
from io import BytesIO

import pytest

from tests.attacks import kit

FILLED = b"BT /F1 12 Tf 2 4 Td (9000000) Tj ET"


def _refused(report, *codes):
    assert report.verdict == "INVALID", kit.explain(report)
    assert set(codes) <= kit.codes(report), kit.explain(report)


# --- quickread: a whole object that is a name or a number ---------------------------------------

def _member_document(members: list[bytes]) -> bytes:
    """An xref-stream document whose object stream holds `members` (numbers 3, 4, ...) exactly
    as written, each after a newline."""
    from tests.attacks.test_strict import objstm, write_update

    original = kit.base_pdf(xref_stream=True)
    _, size, _ = kit.trailer_info(original)
    numbers = [size + i for i in range(len(members))]
    stream = size + len(members)
    return write_update(original, [(stream, objstm(stream, list(zip(numbers, members))))],
                        {n: (stream, i) for i, n in enumerate(numbers)}), numbers, stream


# pyHanko reads on past the bytes quickread's tokens end at: a name through `#`, an 8-bit byte or
# a vertical tab; a number into a reference whose gap holds a vertical tab
WHOLE_VALUES = [b"/Kyso#41", b"/Kyso\x80x", b"/Kyso\x0bx", b"5 \x0b0 R", b"5\x0b0 R", b"12 0\x0bR", b"/Kyso", b"12"]


def test_quickread_reads_a_whole_name_or_number_as_pyhanko_or_not_at_all():
    from pyhanko.pdf_utils import generic
    from verifier.patches import quickread, usages
    from verifier.pdf.reader import KysoPdfFileReader

    data, numbers, stream = _member_document(WHOLE_VALUES)
    reader = KysoPdfFileReader(BytesIO(data), strict=False)
    read = 0
    for num, text in zip(numbers, WHOLE_VALUES):
        marker = reader.xrefs[generic.Reference(num, 0, reader)]
        try:
            quick, targets = quickread.read_member(reader, num, marker.obj_stream_id, marker.ix_in_stream)
        except quickread.Unread:
            continue
        read += 1
        slow = usages._light(reader.get_object(generic.Reference(num, 0, reader)))
        assert type(quick) is type(slow) and quick == slow, (text, quick, slow)
        assert not targets
    assert read == 2  # the plain ones
