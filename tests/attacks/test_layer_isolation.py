"""One signature field kyso cannot read must never hide another layer's proven failure.

A forger who replaces the page content after the director signed also adds a signature field
whose /V is not a signature dictionary but an object of the signed original (a font's /Widths
array, as Word and LibreOffice write it indirect). That entry sorts before the director's layer;
reading its byte range raised, the exception left the loop over the layers, and the document came
out INDETERMINATE ("no fault has been proven") with the director's layer missing from the report
(red team). The field is malformed in the bytes (FORMAT_FAILURE), and every layer is validated.
"""

from __future__ import annotations

import io

import pytest

from tests.attacks import kit


def _signed_with_indirect_widths() -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    w = PdfFileWriter()
    widths = w.add_object(generic.ArrayObject([generic.NumberObject(kit.FONT_WIDTH)] * 95))
    font = w.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica"), pdf_name("/FirstChar"): generic.NumberObject(32),
        pdf_name("/LastChar"): generic.NumberObject(126), pdf_name("/Widths"): widths,
        pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding")}))
    ops = b"".join(b"BT /F1 12 Tf %d %d Td (%s) Tj ET\n" % (x, y, t.encode()) for x, y, t in kit.TEXT)
    content = w.add_object(generic.StreamObject(stream_data=ops))
    resources = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})})
    w.insert_page(PageObject(contents=content, media_box=(0, 0, 595, 842), resources=resources))
    out = io.BytesIO()
    w.write(out)
    return kit.sign(out.getvalue())


@pytest.mark.parametrize("value", ["original array", "new number", "new string"])
def test_a_field_whose_value_is_no_signature_does_not_hide_a_forged_layer(value, trust):
    signed = _signed_with_indirect_widths()
    forged = kit.append_update(signed, [(kit.page_content_ref(signed), kit.stream_body(kit.FORGED_OPS))])
    if value == "original array":
        font = kit.reader(signed).root["/Pages"]["/Kids"][0]["/Resources"]["/Font"]["/F1"]
        target, extra = font.raw_get("/Widths").idnum, []
    else:
        _, size, _ = kit.trailer_info(forged)
        target, extra = size, [b"42" if value == "new number" else b"(not a signature)"]

    def build(n, page):
        return extra + [b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature0) /F 4 /Rect [0 0 0 0] /P %d 0 R /V %d 0 R >>"
                        % (page, target)]

    report = kit.verify(kit.add_annotation(forged, build, field=True), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    by_field = {layer.field: layer for layer in report.layers}
    assert by_field["Signature1"].status == "FAILED" and by_field["Signature1"].subindication == "MODIFIED_AFTER_SIGNING"
    assert by_field["Signature0"].status == "FAILED" and by_field["Signature0"].subindication == "FORMAT_FAILURE"
