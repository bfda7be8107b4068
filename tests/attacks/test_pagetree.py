"""A page whose /Parent is not the page tree node listing it (red team, 2026-12-06): PDFium takes
the page's inherited /Resources along /Parent, pyHanko's difference analysis never follows
/Parent, and the document information dictionary it names may be rewritten by any update
(DocInfoRule). Prepared before signing, the page draws its font through /Info; an update after
signing gives that font another /ToUnicode, and the number PDFium's text layer reads changes
while no page object does (verifier/structure/pagetree.py)."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name

from tests.attacks import kit

# a CMap that reads code '1' as '9', written in the signed file and used by nothing
NINE_FOR_ONE = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
                b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfrange <20> <30> <0020> <32> <7E> <0032> "
                b"endbfrange 1 beginbfchar <31> <0039> endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")


def _document(parent_is_info: bool) -> bytes:
    """kit's page, its resources also in /Info and on the /Pages node; with `parent_is_info` its
    /Parent is /Info and it has no /Resources of its own (readers going down /Kids take the
    /Pages node's, PDFium climbing /Parent takes /Info's)."""
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
    if parent_is_info:
        page_ref = w.root["/Pages"]["/Kids"][0]
        page_ref.get_object()[pdf_name("/Parent")] = info
        del page_ref.get_object()["/Resources"]
        w.root["/Pages"].get_object()[pdf_name("/Resources")] = resources
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


def _codes(report, prefix="PAGE_PARENT") -> list[str]:
    return [f.code for f in report.findings if f.code.startswith(prefix)]


def test_the_signed_document_is_valid_with_a_warning(parent_is_info, trust):
    report = kit.verify(parent_is_info, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert _codes(report) == ["PAGE_PARENT_MISMATCH"]


def test_the_page_redrawn_through_info_after_signing(parent_is_info, trust):
    report = kit.verify(_info_rewritten(parent_is_info), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert _codes(report) == ["PAGE_PARENT_CHANGED_AFTER_SIGNING"]
    [finding] = [f for f in report.findings if f.code == "PAGE_PARENT_CHANGED_AFTER_SIGNING"]
    assert finding.params["revision"] == 3 and finding.params["listed_in"].endswith(" R")


def test_info_rewritten_after_signing_a_sound_page_tree(trust):
    """The same update on the same document whose page names its /Pages node: document
    properties may change after signing (DocInfoRule), and no page draws from them."""
    report = kit.verify(_info_rewritten(kit.sign(_document(parent_is_info=False))), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert not _codes(report)
