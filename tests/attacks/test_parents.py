"""Tree nodes whose /Parent is not the node listing them (red team, 2026-12-06): readers inherit
along /Parent (PDFium a page's /Resources, poppler a field's /V, /DA and /Opt), pyHanko's
difference analysis never follows /Parent, and the document information dictionary a node names
may be rewritten by any update (DocInfoRule). Prepared before signing, the page draws its font,
or the field its appearance settings, through /Info; an update after signing rewrites /Info
alone, and what a reader shows changes while no page, field or widget does
(verifier/structure/parents.py)."""

from __future__ import annotations

import io
import re

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name

from tests.attacks import kit

# a CMap that reads code '1' as '9', written in the signed file and used by nothing
NINE_FOR_ONE = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
                b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfrange <20> <30> <0020> <32> <7E> <0032> "
                b"endbfrange 1 beginbfchar <31> <0039> endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")


def _document(parent_is_info: bool, depth: int = 0) -> bytes:
    """kit's page, its resources also in /Info and on the /Pages node; with `parent_is_info` its
    /Parent is /Info and it has no /Resources of its own (readers going down /Kids take the
    /Pages node's, PDFium climbing /Parent takes /Info's). `depth` more /Pages nodes between the
    root and the page."""
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    w = PdfFileWriter()
    font = w.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica"), pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding")}))
    resources = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})})
    ops = b"".join(b"BT /F1 12 Tf %d %d Td (%s) Tj ET\n" % (x, y, t.encode()) for x, y, t in kit.TEXT)
    page = PageObject(contents=w.add_object(generic.StreamObject(stream_data=ops)), media_box=(0, 0, 595, 842),
                      resources=resources)
    w.insert_page(page)
    info = w.set_info(generic.DictionaryObject({
        pdf_name("/Producer"): generic.TextStringObject("Word"), pdf_name("/Resources"): resources,
        pdf_name("/Shadow"): w.add_object(generic.StreamObject(stream_data=NINE_FOR_ONE))}))
    page_ref, holder = w.root["/Pages"]["/Kids"].raw_get(0), w.root.raw_get("/Pages")
    for _ in range(depth):
        node = w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Pages"), pdf_name("/Count"): generic.NumberObject(1),
            pdf_name("/Parent"): holder, pdf_name("/Kids"): generic.ArrayObject([page_ref])}))
        holder.get_object()[pdf_name("/Kids")] = generic.ArrayObject([node])
        page_ref.get_object()[pdf_name("/Parent")] = holder = node
    if parent_is_info:
        page_ref.get_object()[pdf_name("/Parent")] = info
        del page_ref.get_object()["/Resources"]
        holder.get_object()[pdf_name("/Resources")] = resources
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _info_rewritten(signed: bytes) -> bytes:
    """One update after signing that writes /Info again, its font given the shadow CMap."""
    r = kit.reader(signed)
    info = r.trailer.raw_get("/Info").idnum
    shadow = r.trailer["/Info"].raw_get("/Shadow").idnum
    font = r.trailer["/Info"]["/Resources"]["/Font"].raw_get("/F1").idnum
    body = kit.raw_dict(signed, info)
    new = body.replace(b"/F1 %d 0 R" % font, b"/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                       b"/Encoding /WinAnsiEncoding /ToUnicode %d 0 R >>" % shadow)
    assert new != body
    return kit.append_update(signed, [(info, new)])


@pytest.fixture(scope="module")
def parent_is_info() -> bytes:
    return kit.sign(_document(parent_is_info=True))


def _codes(report, prefix="PARENT_") -> list[str]:
    return [f.code for f in report.findings if f.code.startswith(prefix)]


def test_the_signed_document_is_valid_with_a_warning(parent_is_info, trust):
    report = kit.verify(parent_is_info, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert _codes(report) == ["PARENT_MISMATCH"]


def test_the_page_redrawn_through_info_after_signing(parent_is_info, trust):
    report = kit.verify(_info_rewritten(parent_is_info), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert _codes(report) == ["PARENT_CHANGED_AFTER_SIGNING"]
    [finding] = [f for f in report.findings if f.code == "PARENT_CHANGED_AFTER_SIGNING"]
    assert finding.params["revision"] == 3 and finding.params["listed_in"].endswith(" R")
    assert finding.params["rewritten"] == kit.reader(parent_is_info).trailer.raw_get("/Info").idnum


def test_the_page_redrawn_through_info_deep_in_the_tree(trust):
    """The same, the page 70 /Pages nodes down (PDFium follows a page's /Parent 1,024 levels)."""
    signed = kit.sign(_document(parent_is_info=True, depth=70))
    assert _codes(kit.verify(signed, trust)) == ["PARENT_MISMATCH"]
    report = kit.verify(_info_rewritten(signed), trust)
    assert report.verdict == "INVALID" and _codes(report) == ["PARENT_CHANGED_AFTER_SIGNING"], kit.explain(report)


def test_info_rewritten_after_signing_a_sound_page_tree(trust):
    """The same update on the same document whose page names its /Pages node: document
    properties may change after signing (DocInfoRule), and no page draws from them."""
    report = kit.verify(_info_rewritten(kit.sign(_document(parent_is_info=False))), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert not _codes(report)


def _field_inheriting_from_info(sound: bool = False) -> bytes:
    """kit's text field 'Amount' (a field and its widget in one object, listed in the form's
    /Fields) with its /DA moved into a new /Info that the field names as /Parent; with `sound`,
    /Info holds the same /DA and the field keeps its own and no /Parent."""
    base = kit.base_pdf(text_field=True)
    field = kit.find_object(base, b"/T (Amount)")
    body = kit.raw_dict(base, field)
    _, info, _ = kit.trailer_info(base)
    da = re.search(rb"/DA (\([^)]*\))", body).group(1)
    if not sound:
        body = body.replace(b"/DA " + da, b"/Parent %d 0 R" % info)
    return kit.append_update(base, [(info, b"<< /Producer (Word) /DA %s >>" % da), (field, body)],
                             trailer_extra=b"/Info %d 0 R" % info)


def _info_da_rewritten(signed: bytes) -> bytes:
    info = kit.reader(signed).trailer.raw_get("/Info").idnum
    body = kit.raw_dict(signed, info)
    new = re.sub(rb"/DA \([^)]*\)", b"/DA (/F1 30 Tf 1 0 0 rg)", body)
    assert new != body
    return kit.append_update(signed, [(info, new)])


def test_a_field_whose_appearance_settings_are_rewritten_through_info(trust):
    signed = kit.sign(_field_inheriting_from_info())
    report = kit.verify(signed, trust)
    assert report.verdict == "VALID" and _codes(report) == ["PARENT_MISMATCH"], kit.explain(report)
    [mismatch] = [f for f in report.findings if f.code == "PARENT_MISMATCH"]
    assert mismatch.params["listed_in"] == "/Root /AcroForm /Fields"
    report = kit.verify(_info_da_rewritten(signed), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert _codes(report) == ["PARENT_CHANGED_AFTER_SIGNING"]


def test_info_rewritten_after_signing_a_sound_form(trust):
    report = kit.verify(_info_da_rewritten(kit.sign(_field_inheriting_from_info(sound=True))), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert not _codes(report)


def test_a_widget_no_field_lists_whose_parent_is_info(trust):
    """The field's widget listed by the page's /Annots only (the form's /Fields left empty), its
    /DA in /Info through /Parent: no /Kids holds it, so its /Parent is not its field's."""
    base = _field_inheriting_from_info()
    root, _, _ = kit.trailer_info(base)
    catalog = int(root.split()[0])
    body = kit.raw_dict(base, catalog)
    orphaned = re.sub(rb"/Fields \[[^\]]*\]", b"/Fields []", body)
    assert orphaned != body
    signed = kit.sign(kit.append_update(base, [(catalog, orphaned)]))
    found = [f for f in kit.verify(signed, trust).findings if f.code == "PARENT_MISMATCH"]
    assert [f.params["listed_in"] for f in found] == [f"{kit.page_ref(signed)} 0 R"]
    report = kit.verify(_info_da_rewritten(signed), trust)
    assert report.verdict == "INVALID" and "PARENT_CHANGED_AFTER_SIGNING" in _codes(report), kit.explain(report)
