"""A layer the difference analysis fails is still compared as a viewer draws it, so the auditor
is told where the document displays something other than what was signed (page, area, the crops
of the reports), not only pyHanko's account of objects (verifier.signatures.displayed)."""

from __future__ import annotations

import io

from tests.attacks import kit

NOTE = b"0 0 1 rg 2 2 16 16 re f"  # a blue square: a sticky note's icon, over no signed text


def _note(signed: bytes) -> bytes:
    def build(n, page):
        return [kit.form_xobject(NOTE, bbox=(0, 0, 20, 20)),
                b"<< /Type /Annot /Subtype /Text /Rect %s /F 4 /P %d 0 R /Contents (da huy) /AP << /N %d 0 R >> >>"
                % (kit.rect((400, 80, 420, 100)), page, n)]

    return kit.add_annotation(signed, build)


def _changed(report, layer: int) -> list[dict]:
    return [f.params for f in report.findings if f.code == "RENDERED_DIFFERENCE" and f.layer == layer]


def _inside(rect, box) -> bool:
    return box[0] - 1 <= rect[0] and box[1] - 1 <= rect[1] and rect[2] <= box[2] + 1 and rect[3] <= box[3] + 1


def test_a_comment_after_the_signature_is_shown_where_it_lies(approval, trust):
    report = kit.verify(_note(approval), trust)
    assert report.verdict == "INVALID" and report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
    [changed] = _changed(report, 1)
    assert changed["page"] == 1 and _inside(changed["rect"], (400, 80, 420, 100)), changed
    [image] = [i for i in report.images if i["layer"] == 1]
    assert image["before"].startswith(b"\x89PNG") and image["after"].startswith(b"\x89PNG")
    assert "xref" in str(report.layers[0].problem)  # the difference analysis' reason stays the layer's
    from verifier.report.summary import summarize

    [problem] = summarize(report, "en").problems
    assert problem.endswith("signed it; what it displays differs from what was signed on page 1."), problem


def test_replaced_page_content_is_shown_over_the_line_it_changed(approval, trust):
    forged = kit.replace_object(approval, kit.page_content_ref(approval), kit.content_stream(kit.FORGED_OPS))
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    changed = _changed(report, 1)
    assert changed and all(c["page"] == 1 for c in changed)
    assert any(c["rect"][1] <= 712 and c["rect"][3] >= 695 for c in changed), changed  # the amount's line


def test_a_later_signature_on_a_failed_layer_is_not_shown_as_a_change(approval, trust):
    second = kit.sign(_note(approval), "clerk", "Signature2", box=(72, 60, 272, 110))
    report = kit.verify(second, trust)
    assert report.layers[0].status == "FAILED"
    changed = _changed(report, 1)
    assert changed and all(_inside(c["rect"], (400, 80, 420, 100)) for c in changed), changed  # the note alone


def test_a_change_to_every_page_of_a_long_document_is_drawn_on_the_first_pages_only(trust):
    """The account of a failed layer is bounded (displayed.MAX_FAILED_PAGES): a forged font shared
    by 30 pages shows on the first 20, and the verdict is the difference analysis'."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    from verifier.signatures.displayed import MAX_FAILED_PAGES

    w = PdfFileWriter()
    font = w.add_object(generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
                                                  pdf_name("/BaseFont"): pdf_name("/Helvetica")}))
    resources = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})})
    for n in range(30):
        ops = b"BT /F1 14 Tf 72 700 Td (Trang %d: 1.000.000 dong) Tj ET" % (n + 1)
        w.insert_page(PageObject(contents=w.add_object(generic.StreamObject(stream_data=ops)),
                                 media_box=(0, 0, 595, 842), resources=resources))
    out = io.BytesIO()
    w.write(out)
    signed = kit.sign(out.getvalue())
    forged = kit.append_update(signed, [(font.idnum, b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>")])
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID" and report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
    pages = {c["page"] for c in _changed(report, 1)}
    assert pages == set(range(1, MAX_FAILED_PAGES + 1)), sorted(pages)
