"""The limits of the leniency on the signed original (issue 13 class 6, tests/genuine/
test_lenient.py): each deviation tolerated in the bytes the signer signed stays an error when
it is written after the first signature, and none opens a way to attach content after signing.
"""

from __future__ import annotations

import pytest

from tests.attacks import kit
from tests.genuine import lenient_kit

HARMLESS_INFO = b"<< /Producer (kyso test) >>"


def _invalid(data: bytes, trust, *expected: str):
    report = kit.verify(data, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert set(expected) <= kit.codes(report), kit.explain(report)
    return report


def test_startxref_naming_whitespace_after_signing(approval, trust):
    _, size, _ = kit.trailer_info(approval)
    update = kit.append_update(approval, [(size, HARMLESS_INFO)])
    at = kit.last_startxref(update)
    forged = update[:update.rindex(b"startxref")] + update[update.rindex(b"startxref"):].replace(
        b"startxref\n%d\n" % at, b"startxref\n%d\n" % (at - 1))
    assert kit.last_startxref(forged) == at - 1 and forged[at - 1:at] == b"\n"
    report = _invalid(forged, trust, "REVISION_MALFORMED")
    assert any("no xref table begins" in f.params["reason"] for f in report.findings if f.code == "REVISION_MALFORMED")


def test_an_orphaned_object_after_signing(approval, trust):
    """A body no xref lists, in an update: other readers may show it (ISA)."""
    _, size, _ = kit.trailer_info(approval)
    forged = kit.append_update(approval, [(size, HARMLESS_INFO), (size + 1, kit.stream_body(kit.FORGED_OPS))],
                               listed=[size])
    report = _invalid(forged, trust, "UNREFERENCED_OBJECT")
    assert "UNREFERENCED_OBJECT_IN_ORIGINAL" not in kit.codes(report)


def test_an_orphan_of_the_original_brought_back_after_signing(base, trust):
    """The orphan the original may now carry, holding forged content, is pointed to after
    signing: a shadow attack, refused as re-pointing into signed bytes."""
    at = kit.last_startxref(base)
    orphan = b"99 0 obj\n%s\nendobj\n" % kit.stream_body(kit.FORGED_OPS)
    original = base[:at] + orphan + base[at:]
    original = original.replace(b"startxref\n%d\n" % at, b"startxref\n%d\n" % (at + len(orphan)))
    signed = kit.sign(original)
    assert kit.verify(signed, trust).verdict == "VALID"
    content = kit.page_content_ref(signed)
    forged = kit.append_update(signed, [], extra_entries={content: (at, 0, "n")})
    _invalid(forged, trust, "XREF_POINTS_OUTSIDE_REVISION")


def test_a_later_trailer_repeating_the_xref_stream_after_signing(base, trust):
    """The repeated /XRefStm tolerated in the signed part, in a revision after it: the older
    stream's entries would resolve what the later tables changed to its old bodies."""
    original = lenient_kit.hybrid_original(base)
    stream_at = lenient_kit.xref_stream_offset(original)
    signed = lenient_kit.sign_with_trailer(original, {"/XRefStm": stream_at})
    forged = lenient_kit.sign_with_trailer(signed, {"/XRefStm": stream_at}, field="Signature2", who="agency")
    report = _invalid(forged, trust, "XREF_POINTS_OUTSIDE_REVISION", "HYBRID_XREF_CONFLICT")
    conflict = next(f.params for f in report.findings if f.code == "HYBRID_XREF_CONFLICT")
    assert conflict["revision"] == 4
    assert [f.params["revision"] for f in report.findings if f.code == "XREF_STREAM_REPEATED"] == [3]


@pytest.fixture(scope="module")
def dangling_annots(base) -> tuple[bytes, int]:
    """An original whose page lists an annotation 50 0 R that nothing defines (null), signed."""
    page = kit.page_ref(base)
    body = kit.raw_dict(base, page)
    cut = body.rindex(b">>")
    original = kit.append_update(base, [(page, body[:cut] + b"/Annots [ 50 0 R ] " + body[cut:])])
    return kit.sign(original), 50


def test_a_dangling_reference_is_harmless_while_nothing_defines_it(dangling_annots, trust):
    signed, _ = dangling_annots
    report = kit.verify(signed, trust)
    assert report.verdict == "VALID", kit.explain(report)
    report = kit.verify(kit.sign(signed, field="Signature2", who="agency"), trust)
    assert report.verdict != "INVALID", kit.explain(report)


def test_an_annotation_attached_through_a_dangling_reference(dangling_annots, trust):
    """Writing object 50 after signing puts an annotation over the amount without changing any
    signed object; pyHanko's difference analysis, which looks for changed objects, lets the
    new object pass (the layer stays PASSED)."""
    signed, number = dangling_annots
    annot = b"<< /Type /Annot /Subtype /FreeText /Rect [150 695 260 712] /Contents (9.000.000.000) " \
            b"/DA (/Helv 12 Tf 0 g) /F 4 >>"
    forged = kit.append_update(signed, [(number, annot)])
    report = _invalid(forged, trust, "REFERENCE_RESOLVED_AFTER_SIGNING")
    found = next(f.params for f in report.findings if f.code == "REFERENCE_RESOLVED_AFTER_SIGNING")
    assert found == {"object": f"{kit.page_ref(signed)} 0", "reference": f"{number} 0", "revision": 4}



def _text_field(name: bytes, *, kids: bytes = b""):
    def build(first, page):
        if kids:
            kid = b"<< /Type /Annot /Subtype /Widget /Parent %d 0 R /T (1) /Rect [0 0 0 0] /F 132 /P %d 0 R >>" % (first + 1, page)
            parent = b"<< /FT /Tx /T %s /Kids [%d 0 R] /V (999) >>" % (name, first)
            return [kid, parent]
        return [b"<< /Type /Annot /Subtype /Widget /FT /Tx /T %s /V (999) /Rect [0 0 0 0] /F 132 /P %d 0 R >>" % (name, page)]
    return build


def test_a_field_named_with_a_period_added_after_signing(approval, trust):
    """A period in a partial name is tolerated only for a field the signed revision already had."""
    forged = kit.add_annotation(approval, _text_field(b"(Amount.1)"), field=True)
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"


def test_a_field_whose_name_collides_with_a_signed_dotted_name(base, trust):
    """The signed revision has a literal `Signature.1`; an update adds `Signature` with a kid `1`,
    the same fully qualified name, which would let one field stand for the other."""
    signed = kit.sign(lenient_kit.dotted_signature_field(base), field="Signature.1", existing=True)
    forged = kit.add_annotation(signed, _text_field(b"(Signature)", kids=b"1"), field=True)
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].status == "FAILED"


def test_content_under_the_number_the_original_named_in_its_trailer(base, trust):
    """The dangling name is cleared only as a usage: an update that writes the named object as a
    content stream and shows it on the signed page is still a modification."""
    _, size, _ = kit.trailer_info(base)
    number = size + 5
    signed = kit.sign(lenient_kit.dangling_trailer_reference(base, number))
    page = kit.page_ref(signed, 0)
    page_dict = kit.raw_dict(signed, page)
    import re
    shown = re.sub(rb"/Contents\s+\d+\s+0\s+R", b"/Contents %d 0 R" % number, page_dict)
    assert shown != page_dict
    forged = kit.append_update(signed, [(number, kit.stream_body(kit.FORGED_OPS)), (page, shown)])
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
