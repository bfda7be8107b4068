"""Linearized ("Fast Web View") files verify as Acrobat verifies them: the first-page and main
cross-reference sections are revision 1, whether a signature is appended later (qpdf or pikepdf
linearized, then signed by pyHanko once or twice), the file is written with object streams (one
`%%EOF` for both sections), or the first signature is part of the linearized file itself (an
Acrobat full save with Fast Web View). The attacks these shapes must not open are in
tests/attacks/test_linear.py.
"""

from __future__ import annotations

import pytest

from tests.attacks import kit
from tests.genuine import linear_kit
from verifier.pdf import linearized

# what kyso reported on these genuine files before linearization was recognised
SPLIT_REVISION = {"BYTE_RANGE_REVISION_MISMATCH", "EOF_COUNT_MISMATCH", "REVISION_MALFORMED", "XREF_POINTS_OUTSIDE_REVISION"}
SECOND = dict(who="agency", field="Signature2", box=(380, 120, 540, 170))



@pytest.fixture(scope="module")
def plain() -> bytes:
    return linear_kit.linearize(kit.base_pdf())


@pytest.fixture(scope="module")
def with_object_streams() -> bytes:
    return linear_kit.linearize(kit.base_pdf(), object_streams=True)


def _genuine(data: bytes, trust, revisions: int, layer_revisions: list[int]):
    report = kit.verify(data, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert not kit.codes(report) & SPLIT_REVISION, kit.explain(report)
    assert not kit.structural(report), kit.explain(report)
    assert report.revisions == revisions
    assert [layer.revision for layer in report.layers] == layer_revisions
    return report


def test_the_shapes_are_linearized(plain, with_object_streams):
    assert plain.count(b"%%EOF") == 2 and b"startxref\n0\n%%EOF" in plain
    assert with_object_streams.count(b"%%EOF") == 1 and b"/Type /XRef" in with_object_streams
    for data in (plain, with_object_streams):
        assert kit.reader(data).xrefs.total_revisions == 2  # pyHanko's count: two sections
        lin = linearized.detect(data, kit.reader(data))
        assert lin is not None and lin.length == len(data)
        assert linearized.revision_numbers(data, kit.reader(data)) == [1, 1]


def test_linearized_unsigned_is_one_revision(plain, with_object_streams, trust):
    for data in (plain, with_object_streams):
        report = kit.verify(data, trust)
        assert report.revisions == 1
        assert kit.codes(report) - {"NO_SIGNATURES"} == set(), kit.explain(report)


def test_linearized_then_signed(plain, trust):
    _genuine(kit.sign(plain), trust, 2, [2])


def test_linearized_then_signed_twice(plain, trust):
    signed = kit.sign(kit.sign(plain), **SECOND)
    _genuine(signed, trust, 3, [2, 3])


def test_linearized_with_object_streams_then_signed(with_object_streams, trust):
    _genuine(kit.sign(with_object_streams), trust, 2, [2])
    _genuine(kit.sign(kit.sign(with_object_streams), **SECOND), trust, 3, [2, 3])


def test_signed_in_the_linearized_file_itself(trust):
    """Acrobat's first signature in a full save with Fast Web View: the signature dictionary
    is in the first-page section, its byte range covers the whole linearized file (both
    sections); a second signature is appended incrementally."""
    signed = linear_kit.signed_in_original(kit.base_pdf())
    assert kit.reader(signed).embedded_signatures[0].signed_revision == 1  # pyHanko: the first-page section
    report = _genuine(signed, trust, 1, [1])
    assert report.layers[0].coverage == "ENTIRE_FILE"
    _genuine(kit.sign(signed, **SECOND), trust, 2, [1, 2])


def test_signature_on_a_later_page_of_the_linearized_file(trust):
    signed = linear_kit.signed_in_original(kit.base_pdf(), page=1)
    _genuine(kit.sign(signed, **SECOND), trust, 2, [1, 2])
