"""Issue 13 class 6: what other tools leave in the unsigned original does not make a genuine
signature INVALID. Each shape is written into the original byte by byte (tests/genuine/
lenient_kit.py), then signed with the test PKI; the deviation kyso now tolerates is reported as
an info finding saying what it is. The same deviations written after the first signature are
tests/attacks/test_lenient.py.
"""

from __future__ import annotations

import pytest

from tests.attacks import kit
from tests.genuine import lenient_kit

# a document whose only finding besides these is the Decree 30 profile's (the test PKI is no agency)
PROFILE = {"ND30_NO_AGENCY_SIGNATURE"}




def _valid(data: bytes, trust, *layers: str):
    report = kit.verify(data, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert [(l.field, l.status) for l in report.layers] == [(f, "PASSED") for f in layers], kit.explain(report)
    return report


def _finding(report, code: str) -> dict:
    return next(f.params for f in report.findings if f.code == code)


def test_startxref_naming_the_whitespace_before_xref(base, trust):
    """VALID before this change too (pyHanko skips the whitespace): a guard against regressions."""
    original = lenient_kit.startxref_at_whitespace(base)
    report = _valid(kit.sign(original), trust, "Signature1")
    assert kit.codes(report) <= PROFILE, kit.explain(report)
    report = _valid(kit.sign(kit.sign(original), field="Signature2"), trust, "Signature1", "Signature2")
    assert kit.codes(report) <= PROFILE, kit.explain(report)


def test_a_trailer_reference_to_an_object_never_written(base, trust):
    """LibreOffice's /AdditionalStreams naming the next free number, which pyHanko's signature
    allocates and never writes. Signed once it was VALID already; signed twice, pyHanko's
    difference analysis failed on the reference (KeyError in its orphan search, then a strict
    read of an undefined object), and the first layer was INDETERMINATE."""
    _, size, _ = kit.trailer_info(base)
    original = lenient_kit.dangling_trailer_reference(base, size)
    once = kit.sign(original)
    report = _valid(once, trust, "Signature1")
    assert _finding(report, "DANGLING_TRAILER_REFERENCE") == {
        "revision": 1, "key": "/AdditionalStreams", "object": f"{size} 0", "defined_in": "none"}
    report = _valid(kit.sign(once, field="Signature2"), trust, "Signature1", "Signature2")
    assert kit.codes(report) - PROFILE == {"DANGLING_TRAILER_REFERENCE"}, kit.explain(report)


def test_a_trailer_reference_that_the_signature_revision_defines(base, trust):
    """The number the original names is the one the signer's tool gives one of its own objects."""
    _, size, _ = kit.trailer_info(base)
    number = size + 3  # pyHanko writes size + 1 ... size + 3 in the signature's revision
    signed = kit.sign(lenient_kit.dangling_trailer_reference(base, number))
    assert kit.reader(signed).xrefs.get_introducing_revision(kit._ref(kit.reader(signed), number)) == 1
    report = _valid(kit.sign(signed, field="Signature2"), trust, "Signature1", "Signature2")
    assert _finding(report, "DANGLING_TRAILER_REFERENCE")["defined_in"] == 2


def test_a_dss_update_given_the_number_the_original_named(base, trust):
    """The DSS written after signing gets, for one of its objects, the free number the original's
    /AdditionalStreams named: pyHanko called it an unexplained replacement, and the layer FAILED."""
    from tests.genuine import diffvalue_kit

    _, size, _ = kit.trailer_info(base)
    for number in (size + 5, size + 6):  # the DSS update writes objects from size + 5 on
        signed = kit.sign(lenient_kit.dangling_trailer_reference(base, number))
        _valid(diffvalue_kit.add_dss_pyhanko(signed), trust, "Signature1")


def test_an_orphaned_object_in_the_original(base, trust):
    """INVALID before (UNREFERENCED_OBJECT): an editor's left-over body, which the signer signed."""
    original = lenient_kit.orphaned_object(base)
    for signed, layers in ((kit.sign(original), ("Signature1",)),
                           (kit.sign(kit.sign(original), field="Signature2"), ("Signature1", "Signature2"))):
        report = _valid(signed, trust, *layers)
        assert "UNREFERENCED_OBJECT" not in kit.codes(report)
        assert _finding(report, "UNREFERENCED_OBJECT_IN_ORIGINAL") == {
            "object": "99 0", "offset": original.index(lenient_kit.ORPHAN), "revision": 1}


def test_the_signature_trailer_repeating_the_original_xref_stream(base, trust):
    """Acrobat signing a hybrid (MS Word) file repeats the original's /XRefStm in its trailer.
    INVALID before (HYBRID_XREF_CONFLICT): the older stream lists the Info dictionary that the
    signature's table rewrites, and every reader takes the table."""
    original = lenient_kit.hybrid_original(base)
    stream_at = lenient_kit.xref_stream_offset(original)
    signed = lenient_kit.sign_with_trailer(original, {"/XRefStm": stream_at})
    assert signed.rstrip().endswith(b"%%EOF") and b"/XRefStm %d" % stream_at in signed[len(original):]
    report = _valid(signed, trust, "Signature1")
    assert "HYBRID_XREF_CONFLICT" not in kit.codes(report)
    _, size, _ = kit.trailer_info(base)
    assert _finding(report, "XREF_STREAM_REPEATED") == {"revision": 3, "offset": stream_at, "objects": str(size)}


@pytest.mark.parametrize("how", ["partial name", "pyhanko"])
def test_a_signature_field_name_with_a_period(base, trust, how):
    """VALID before this change too: a top-level field whose /T is `Signature.1` (ISO 32000-1
    forbids the period; pyHanko's enumerate_sig_fields joins names with periods and so finds
    it under that name), and pyHanko's own reading of the name (a field `Signature` with a kid
    `1`). Each is one layer named `Signature.1`."""
    if how == "partial name":
        signed = kit.sign(lenient_kit.dotted_signature_field(base), field="Signature.1", existing=True)
        field = kit.reader(signed).root["/AcroForm"]["/Fields"][0].get_object()
        assert field["/T"] == "Signature.1" and "/Kids" not in field
    else:
        signed = kit.sign(base, field="Signature.1")
    report = _valid(signed, trust, "Signature.1")
    assert kit.codes(report) <= PROFILE, kit.explain(report)


def test_a_field_name_with_a_period_signed_again(base, trust):
    signed = kit.sign(lenient_kit.dotted_signature_field(base), field="Signature.1", existing=True)
    _valid(kit.sign(signed, field="Signature2"), trust, "Signature.1", "Signature2")
