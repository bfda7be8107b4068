"""Metadata only from what a viewer paints: the number 999, the date 01/01/2020 and the issuer
"Sở Tài chính" drawn into the header of the signed sample plan so that no viewer shows them never
become the document's number, date or issuer; the genuine ones (45/KH-SGDĐT, 08/03/2022, the
number and the day drawn by the agency's appearances) still read. Each forgery is checked to be
read as the spoof when painting is not told (DocumentText(painted=False)): the test fails with
the feature removed."""

from __future__ import annotations

import pytest

from tests.attacks import painted_kit as pk
from verifier.decree30 import metadata
from verifier.pdf.pdftext import DocumentText
from verifier.render import painted

N, D, O = pk.NUMBER_AT, pk.DATE_AT, pk.ORGAN_AT
NUMBER_ABOVE = pk.show(pk.SPOOF_NUMBER, (N[0], N[1] + 9))  # wins the header when read
NUMBER_BESIDE = pk.show(pk.SPOOF_NUMBER, (N[0] - 30, N[1]))  # over the genuine line itself
DATE_ABOVE = pk.show(pk.SPOOF_DATE, (D[0], D[1] + 9))
ORGAN_OVER = pk.show("Sở Tài chính", (O[0], O[1] + 7))

_OC = {"/OCProperties": None}  # filled in by _optional_content


def _optional_content(data: bytes, ops: bytes) -> bytes:
    """The spoof in marked content of an optional content group the default configuration turns off."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    import io

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    group = w.add_object(generic.DictionaryObject({pdf_name("/Type"): pdf_name("/OCG"),
                                                   pdf_name("/Name"): generic.TextStringObject("spoof")}))
    out = io.BytesIO()
    w.root[pdf_name("/OCProperties")] = generic.DictionaryObject({
        pdf_name("/OCGs"): generic.ArrayObject([group]),
        pdf_name("/D"): generic.DictionaryObject({pdf_name("/OFF"): generic.ArrayObject([group])})})
    w.update_root()
    w.write(out)
    return pk.with_content(out.getvalue(), b"/OC /Spoof BDC " + ops + b" EMC",
                           resources={"/Properties": {pdf_name("/Spoof"): group}})


FORGERIES = {
    "render mode 3, number above": lambda b: pk.with_content(b, b"3 Tr " + NUMBER_ABOVE),
    "render mode 3, number over the line": lambda b: pk.with_content(b, b"3 Tr " + NUMBER_BESIDE),
    "render mode 7, number": lambda b: pk.with_content(b, b"7 Tr " + NUMBER_ABOVE),
    "render mode 3, date": lambda b: pk.with_content(b, b"3 Tr " + DATE_ABOVE),
    "white on white, number": lambda b: pk.with_content(b, b"1 g " + NUMBER_ABOVE),
    "white on white, date": lambda b: pk.with_content(b, b"1 1 1 rg " + DATE_ABOVE),
    "clipped away, number": lambda b: pk.with_content(b, b"0 0 1 1 re W n " + NUMBER_ABOVE),
    "painted over, date": lambda b: pk.with_content(
        b, DATE_ABOVE + b" 1 g %g %g 260 10 re f" % (D[0] - 1, D[1] + 6)),
    "optional content off, number": lambda b: _optional_content(b, NUMBER_ABOVE),
}


@pytest.fixture(scope="module")
def forged():
    base = pk.PLAN.read_bytes()
    return {name: pk.signed(make(base)) for name, make in FORGERIES.items()}


def _read(data: bytes, painted: bool = True) -> dict:
    meta = metadata.extract(DocumentText(data, painted=painted))
    return {k: meta.value(k) for k in ("code_number", "code_notation", "issued_date", "organ_name", "place")}


@pytest.mark.parametrize("name", list(FORGERIES))
def test_invisible_text_is_read_without_painting(name, forged):
    """The forgery works on a reader of all extracted text: the spoof becomes a value (or
    garbles the genuine one), so the test below fails without the feature."""
    values = _read(forged[name], painted=False)
    assert (values["code_number"] != "45" or values["issued_date"] != "2022-03-08"
            or values["organ_name"] != "Sở Giáo dục và Đào tạo"), values


@pytest.mark.parametrize("name", list(FORGERIES))
def test_invisible_text_never_becomes_metadata(name, forged):
    values = _read(forged[name])
    assert values["code_number"] == "45" and values["code_notation"] == "KH-SGDĐT", values
    assert values["issued_date"] == "2022-03-08" and values["place"] == "Bình Phước", values
    assert values["organ_name"] == "Sở Giáo dục và Đào tạo", values
    assert not any("999" in str(v) or "2020" in str(v) or "Tài" in str(v) for v in values.values()), values


def test_invisible_issuer_beside_the_genuine_one(forged):
    data = pk.signed(pk.with_content(pk.PLAN.read_bytes(), b"3 Tr " + ORGAN_OVER))
    doc = DocumentText(data)
    lines = [ln.text for ln in doc.lines(0)[:4]]
    assert not any("Tài chính" in t for t in lines), lines
    assert any("Tài chính" in t for t in (ln.text for ln in DocumentText(data, painted=False).lines(0)[:4]))


def test_the_genuine_plan_reads_and_is_established():
    data = pk.PLAN.read_bytes()
    doc = DocumentText(data)
    values = _read(data)
    assert values == {"code_number": "45", "code_notation": "KH-SGDĐT", "issued_date": "2022-03-08",
                      "organ_name": "Sở Giáo dục và Đào tạo", "place": "Bình Phước"}
    paint = doc.paint(0)
    assert paint.state == painted.MEASURED and doc.established(0) is True
    # the number and the day are drawn by the agency's appearances, and painted
    marks = dict(zip(map(id, doc.paint_glyphs(0)), paint.marks))
    for name in ("Signature3", "Signature4"):
        w = doc.widget(name)
        assert w.lines and all(marks[id(g)] == painted.PAINTED for g in w.drawn.glyphs if not g.char.isspace())


def test_a_page_not_drawn_is_unknown_and_keeps_its_text():
    """Rendering unavailable (here: the budget of pages spent) leaves the text in, marked unknown:
    the caller does not take it as fact."""
    from verifier.pdf import pdftext

    data = pk.PLAN.read_bytes()
    doc = DocumentText(data)
    doc._measured = pdftext.MAX_PAINT_PAGES
    assert doc.paint(0).state == painted.UNKNOWN and "pages" in doc.paint(0).reason
    assert doc.established(0) is False
    assert any("45" in ln.text for ln in doc.lines(0))


def test_a_value_from_text_whose_painting_is_unknown_is_not_established():
    """The metadata side of the test above: the number read from a page that could not be
    measured is shown, but not as fact (established false, METADATA_NOT_ESTABLISHED)."""
    from verifier.decree30.metadata import extract

    doc = DocumentText(pk.PLAN.read_bytes())
    doc._measured = pdftext_module().MAX_PAINT_PAGES
    meta = extract(doc)
    number = meta.fields["code_number"].to_dict()
    assert number["value"] == "45" and number.get("established") is False, number
    assert "METADATA_NOT_ESTABLISHED" in {code for code, _ in meta.findings}


def pdftext_module():
    from verifier.pdf import pdftext

    return pdftext
