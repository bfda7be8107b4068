"""Red team against issue 16's tolerances: metadata read only from what a viewer paints, its
provenance, OCR of scans, and the reports built from values a forger writes.

The forgeries are the one-page decision of tests/test_provenance.py with something drawn into its
number blank (`Số: ___/QĐ-UBND`) before the first signature, then issued by the test PKI: every
layer is sound, so the document is VALID and what kyso reads from it is shown as fact unless kyso
itself refuses it. Each attack was first written as the secure behaviour (xfail strict while kyso
failed it); those still open keep their xfail with the reason."""

from __future__ import annotations

import copy
import io
import re
import subprocess
import sys

import pytest

from tests.attacks import kit
from tests.attacks import redteam16_kit as rk
from tests.conftest import ROOT, SAMPLES

sys.path.insert(0, str(SAMPLES))

import build as sample_build  # noqa: E402  (samples/build.py)
import pdfmake  # noqa: E402
import pkigen  # noqa: E402

from tests import test_provenance as tp  # noqa: E402
from verifier.decree30 import metadata  # noqa: E402
from verifier.pdf.pdftext import DocumentText  # noqa: E402

X, Y = rk.NUMBER_AT


@pytest.fixture(scope="module")
def builder(tmp_path_factory):
    return sample_build.Builder(pkigen.load_or_create(SAMPLES / "pki"), tmp_path_factory.mktemp("fonts"), None)


@pytest.fixture(scope="module")
def blank():
    return tp.decision()


def _digits(doc, text: str, before: bytes = b"", size: float = 12) -> bytes:
    """`text` drawn into the number blank in the page's own font."""
    return b"%s BT /F1 %g Tf %g %g Td %s Tj ET" % (before, size, X, Y, rk.font_codes(doc.pdf, text))


def _issued(builder, doc, ops: bytes, **kw) -> bytes:
    data = rk.drawn(doc.pdf, ops, **kw)
    return tp.issue(builder, pdfmake.Doc(data, doc.pages, doc.boxes), number=None)


def _verify(data: bytes, trust):
    from verifier.document import verify_pdf

    return verify_pdf(data, trust, file="forged.pdf")


def _number(report) -> dict:
    return report.metadata.get("code_number") or {}


# --- 1. a number no viewer shows as that number, in a VALID document --------------------------

SPOOFS = {  # "21" drawn so that a viewer puts ink there, but no reader can read it
    "1 point high": lambda doc: _digits(doc, "21", size=1),
    "2 points high": lambda doc: _digits(doc, "21", size=2),
    "3 points high": lambda doc: _digits(doc, "21", size=3),
    "horizontal scaling 5 %": lambda doc: _digits(doc, "21", b"5 Tz"),
    "horizontal scaling 12 %": lambda doc: _digits(doc, "21", b"12 Tz"),
    "text matrix squashed to 1 point high": lambda doc: b"BT /F1 12 Tf 1 0 0 0.08 %g %g Tm %s Tj ET" % (
        X, Y, rk.font_codes(doc.pdf, "21")),
}


@pytest.fixture(scope="module")
def spoofed(builder, blank):
    return {name: _issued(builder, blank, make(blank)) for name, make in SPOOFS.items()}


@pytest.mark.parametrize("name", list(SPOOFS))
def test_illegible_number_is_read_without_painting(name, spoofed):
    """The forgery works on a reader of all extracted text (the test below fails without the rule)."""
    meta = metadata.extract(DocumentText(spoofed[name], painted=False))
    assert meta.value("code_number") == "21"


SMALL = pytest.mark.xfail(strict=True, reason=(
    "a number at 2 or 3 points is a smudge at 100 % but legible zoomed in; painted.py refuses only text under "
    "1.5 points, because tests/test_archive_guard.py's genuine long notation is drawn at 2 points and must read"))


@pytest.mark.parametrize("name", [pytest.param(n, marks=SMALL) if n in ("2 points high", "3 points high") else n
                                  for n in SPOOFS])
def test_illegible_number_never_becomes_the_number(name, spoofed, sample_trust):
    report = _verify(spoofed[name], sample_trust)
    assert report.verdict == "VALID", report.verdict
    number = _number(report)
    assert number.get("value") in (None, "") or number.get("established") is False, number
    assert report.metadata["issued_date"]["value"] == "2026-12-02"


def _lying_font(doc) -> dict:
    """`12` in Helvetica, whose ToUnicode says `99`: a viewer paints the glyphs 1 and 2."""
    return dict(ops=b"BT /FH 12 Tf %g %g Td (12) Tj ET" % (X, Y), resources={"/Font": {"/FH": rk.helvetica(True)}},
                streams={"tounicode": ({}, rk.cmap({0x31: "9", 0x32: "9"}))})


@pytest.mark.xfail(strict=True, reason="the ToUnicode map names the characters kyso reads; nothing compares them "
                                       "with the glyphs PDFium paints (a simple font's glyph names, or OCR of the "
                                       "number and date spots), so a font that paints 12 and says 99 gives 99")
def test_a_font_whose_tounicode_lies_does_not_set_the_number(builder, blank, sample_trust):
    made = _lying_font(blank)
    data = _issued(builder, blank, made.pop("ops"), **made)
    report = _verify(data, sample_trust)
    assert report.verdict == "VALID"
    number = _number(report)
    assert number.get("value") != "99" or number.get("established") is False, number


# --- 2. a genuine number drawn in ways a viewer shows is still read ---------------------------

def _pattern(doc) -> dict:
    from pyhanko.pdf_utils import generic

    n = generic.NumberObject
    head = {"/Type": generic.pdf_name("/Pattern"), "/PatternType": n(1), "/PaintType": n(1), "/TilingType": n(1),
            "/BBox": generic.ArrayObject([n(0), n(0), n(2), n(2)]), "/XStep": n(2), "/YStep": n(2),
            "/Resources": generic.DictionaryObject()}
    return dict(ops=_digits(doc, "12", b"/Pattern cs /P0 scn"), resources={"/Pattern": {"/P0": "@pattern"}},
                streams={"pattern": (head, b"0 g 0 0 1.6 1.6 re f")})


GENUINE = {
    "plain": lambda doc: dict(ops=_digits(doc, "12")),
    "stroke only (render mode 1)": lambda doc: dict(ops=_digits(doc, "12", b"1 Tr 0.4 w")),
    "over a light grey table cell": lambda doc: dict(ops=b"0.85 g 100 727 50 18 re f 0 g " + _digits(doc, "12")),
    "7 points": lambda doc: dict(ops=_digits(doc, "12", size=7)),
    "6 points": lambda doc: dict(ops=_digits(doc, "12", size=6)),
    "filled with a tiling pattern": _pattern,
    "condensed (horizontal scaling 60 %)": lambda doc: dict(ops=_digits(doc, "12", b"60 Tz")),
}
GREY_LEVEL = pytest.mark.xfail(strict=True, reason=(
    "painted.py draws the page in grey: a colour on a background of its own grey level changes no grey "
    "level, so the number every reader sees is dropped. Drawing it in colour (and a pixel changed when any "
    "colour moves) reads it, but then test_painted_metadata's white-on-white 999 counts as painted where its "
    "ố meets the genuine ố of the number line (cause not found in the time)"))
GENUINE.update({
    "red on a grey of the same level": lambda doc: dict(ops=b"0.3 g 100 727 50 18 re f 1 0 0 rg " + _digits(doc, "12")),
    "blue on a grey of the same level": lambda doc: dict(ops=b"0.11 g 100 727 50 18 re f 0 0 1 rg " + _digits(doc, "12")),
})
ON_GREY = {"red on a grey of the same level", "blue on a grey of the same level"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=GREY_LEVEL) if n in ON_GREY else n for n in GENUINE])
def test_a_genuine_number_a_viewer_shows_is_read_and_established(name, builder, blank, sample_trust):
    made = GENUINE[name](blank)
    report = _verify(_issued(builder, blank, made.pop("ops"), **made), sample_trust)
    assert report.verdict == "VALID"
    number = _number(report)
    assert number.get("value") == "12" and number.get("established", True) is True, number


# --- 3. invisible ways the painted filter already refuses --------------------------------------

def _type3(doc) -> dict:
    """A Type 3 font whose glyphs draw nothing, its ToUnicode saying 2 and 1."""
    from pyhanko.pdf_utils import generic

    n = generic.NumberObject
    font = {"/Type": generic.pdf_name("/Font"), "/Subtype": generic.pdf_name("/Type3"),
            "/FontBBox": generic.ArrayObject([n(0), n(0), n(1000), n(1000)]),
            "/FontMatrix": generic.ArrayObject([generic.FloatObject(0.001), n(0), n(0), generic.FloatObject(0.001),
                                                n(0), n(0)]),
            "/CharProcs": {"/a": "@empty"}, "/Encoding": generic.DictionaryObject({
                generic.pdf_name("/Type"): generic.pdf_name("/Encoding"),
                generic.pdf_name("/Differences"): generic.ArrayObject([n(49), generic.pdf_name("/a"), generic.pdf_name("/a")])}),
            "/FirstChar": n(49), "/LastChar": n(50), "/Widths": generic.ArrayObject([n(600), n(600)]),
            "/ToUnicode": "@tounicode"}
    return dict(ops=b"BT /T3 12 Tf %g %g Td (21) Tj ET" % (X, Y), resources={"/Font": {"/T3": font}},
                streams={"empty": ({}, b"600 0 0 0 600 700 d1"), "tounicode": ({}, rk.cmap({0x31: "1", 0x32: "2"}))})


def _alpha(doc, key: str, value) -> dict:
    return dict(ops=_digits(doc, "21", b"/GS0 gs"),
                resources={"/ExtGState": {"/GS0": {key: value}}})


def _group(doc, usage: dict | None, config: dict) -> dict:
    """21 in an optional content group; `config` the default configuration (/D)."""
    from pyhanko.pdf_utils import generic

    group = {"/Type": generic.pdf_name("/OCG"), "/Name": generic.TextStringObject("spoof")}
    if usage:
        group["/Usage"] = usage
    return dict(ops=b"/OC /G BDC " + _digits(doc, "21") + b" EMC", resources={"/Properties": {"/G": "@group"}},
                objects={"group": group}, catalog={"/OCProperties": {"/OCGs": ["@group"], "/D": config}})


def _name(n: str):
    from pyhanko.pdf_utils import generic

    return generic.pdf_name(n)


INVISIBLE = {
    "optional content on, but off for viewing (/AS, /Usage /View /ViewState /OFF)": lambda doc: _group(
        doc, {"/View": {"/ViewState": _name("/OFF")}},
        {"/ON": ["@group"], "/AS": [{"/Event": _name("/View"), "/OCGs": ["@group"], "/Category": [_name("/View")]}]}),
    "optional content off by /BaseState": lambda doc: _group(doc, None, {"/BaseState": _name("/OFF")}),
    "Type 3 glyphs that draw nothing": _type3,
    "fill alpha 0": lambda doc: _alpha(doc, "/ca", __import__("pyhanko.pdf_utils.generic", fromlist=["x"]).FloatObject(0)),
    "soft mask of luminosity 0": lambda doc: _alpha(doc, "/SMask", {"/S": _name("/Luminosity"), "/G": "@mask"}) | dict(
        streams={"mask": ({"/Type": _name("/XObject"), "/Subtype": _name("/Form"), "/BBox": [0, 0, 1, 1]}, b"0 g 0 0 1 1 re f")}),
    "grey 0.93 on white": lambda doc: dict(ops=_digits(doc, "21", b"0.93 g")),
    "under a later white rectangle of the page": lambda doc: dict(ops=_digits(doc, "21") + b" 1 g 100 727 50 18 re f"),
}


@pytest.mark.parametrize("name", list(INVISIBLE))
def test_invisible_number_never_becomes_the_number(name, builder, blank, sample_trust):
    made = INVISIBLE[name](blank)
    data = _issued(builder, blank, made.pop("ops"), **made)
    assert metadata.extract(DocumentText(data, painted=False)).value("code_number") == "21"  # the attack reads
    report = _verify(data, sample_trust)
    number = _number(report)
    assert number.get("value") in (None, "") or number.get("established") is False, number


def _cropped(doc, at, crop) -> dict:
    """A whole number line `Số: 21/QĐ-UBND` at `at`, outside the page's /CropBox `crop`."""
    from pyhanko.pdf_utils import generic

    return dict(ops=b"BT /F1 12 Tf %g %g Td %s Tj ET" % (*at, rk.font_codes(doc.pdf, "Số: 21/QĐ-UBND")),
                page={"/CropBox": generic.ArrayObject([generic.FloatObject(v) for v in crop])})


CROPPED = {
    "above the crop box": lambda doc: _cropped(doc, (85, 800), (0, 0, 595.28, 792)),
    "left of the crop box": lambda doc: _cropped(doc, (0, 745), (40, 0, 595.28, 841.89)),
}


@pytest.mark.parametrize("name", list(CROPPED))
def test_a_number_line_outside_the_crop_box_is_not_read(name, builder, blank, sample_trust):
    """Was read as 21, not established (PDFium's page has no pixel there: 'unknown'); no viewer
    draws outside the crop box, so the glyphs are not painted and the blank stays a blank."""
    made = CROPPED[name](blank)
    data = _issued(builder, blank, made.pop("ops"), **made)
    assert metadata.extract(DocumentText(data, painted=False)).value("code_number") == "21"
    report = _verify(data, sample_trust)
    assert report.verdict == "VALID" and _number(report).get("value") in (None, ""), _number(report)
    assert "METADATA_NOT_ESTABLISHED" not in {f.code for f in report.findings}


# --- 3b. provenance: what an update after the signatures makes the page show ---------------

def _helvetica_box(text: bytes) -> bytes:
    ops = b"0 g BT /Helv 12 Tf 2 4 Td (%s) Tj ET" % text
    return (b"<< /Type /XObject /Subtype /Form /BBox [0 0 40 15] /Resources << /Font << /Helv << /Type /Font "
            b"/Subtype /Type1 /BaseFont /Helvetica >> >> >> /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops))


BLANK_RECT = b"[108.37 727.59 148.37 742.59]"  # the number blank


def _unsigned_field(signed: bytes) -> bytes:
    """An empty signature field (nobody signs it) whose appearance draws 21 into the blank."""
    return kit.add_annotation(signed, lambda n, page: [_helvetica_box(b"21"), (
        b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature9) /F 4 /Rect %s /P %d 0 R /AP << /N %d 0 R >> >>"
        % (BLANK_RECT, page, n))], field=True)


def _free_text(signed: bytes) -> bytes:
    """A comment (FreeText) whose appearance draws 21 into the blank."""
    return kit.add_annotation(signed, lambda n, page: [_helvetica_box(b"21"), (
        b"<< /Type /Annot /Subtype /FreeText /DA (/Helv 12 Tf 0 g) /Contents (21) /F 4 /Rect %s /P %d 0 R "
        b"/AP << /N %d 0 R >> >>" % (BLANK_RECT, page, n))])


def _group_turned_on(signed: bytes) -> bytes:
    """The default configuration turned on: the hidden 21 of the signed revision shows, the
    page's content unchanged."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    ocp = w.root["/OCProperties"]
    ocp["/D"] = generic.DictionaryObject({generic.pdf_name("/ON"): ocp["/OCGs"]})
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _font_retold(signed: bytes) -> bytes:
    """The Helvetica that draws 12 given a ToUnicode saying 21: the glyphs painted are the
    same, the page's content unchanged, the text read another."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page = w.root["/Pages"]["/Kids"][0].get_object()
    res = page["/Resources"]
    res["/Font"]["/FH"][generic.pdf_name("/ToUnicode")] = w.add_object(
        generic.StreamObject(stream_data=rk.cmap({0x31: "2", 0x32: "1"})))
    w.update_container(page)
    if hasattr(page.raw_get("/Resources"), "idnum"):
        w.update_container(res)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def blank_issued(builder, blank):
    """The decision issued with its number blank, and issued with 21 in the blank inside an
    optional content group the default configuration turns off."""
    from pyhanko.pdf_utils import generic

    hidden = b"/OC /G BDC " + _digits(blank, "21") + b" EMC"
    return {"blank": tp.issue(builder, blank, number=None),
            "hidden": _issued(builder, blank, hidden, resources={"/Properties": {"/G": "@group"}},
                              objects={"group": {"/Type": generic.pdf_name("/OCG"),
                                                 "/Name": generic.TextStringObject("spoof")}},
                              catalog={"/OCProperties": {"/OCGs": ["@group"], "/D": {"/OFF": ["@group"]}}}),
            "helvetica": _issued(builder, blank, b"BT /FH 12 Tf %g %g Td (12) Tj ET" % (X, Y),
                                 resources={"/Font": {"/FH": rk.helvetica()}})}


UPDATES = {
    "an unsigned signature field's appearance": ("blank", _unsigned_field),
    "a comment's appearance": ("blank", _free_text),
    "an optional content group turned on": ("hidden", _group_turned_on),
    "the font's ToUnicode rewritten": ("helvetica", _font_retold),
}


@pytest.mark.parametrize("name", list(UPDATES))
def test_a_number_an_unsigned_update_shows_is_not_established(name, blank_issued, sample_trust):
    base, update = UPDATES[name]
    before = _verify(blank_issued[base], sample_trust)
    assert before.verdict == "VALID" and _number(before).get("value") in (None, "12"), _number(before)
    report = _verify(update(blank_issued[base]), sample_trust)
    number = _number(report)
    assert number.get("value") != "21" or (number.get("established") is False and not number.get("covered_by")), number


# --- 4. what a forger writes, in the reports ---------------------------------------------------

# a signature field name (any PDF string): markup, a URL, an ANSI escape, a line that forges the
# verdict, a bidi override, XML's CDATA end, control characters and a non-character
NASTY = ('</style><script>alert(1)</script><a href="javascript:alert(2)">x</a><img src=x onerror=alert(3)>'
         '\x1b[32m\r\nKẾT LUẬN: HỢP LỆ\u202egnp_exe ]]> \x0b\x01\ufffe')
FORGED_LINE = re.compile(r"^\s*(KẾT LUẬN|RESULT|VERDICT)\b.*HỢP LỆ\s*$", re.M)


@pytest.fixture(scope="module")
def nasty(builder, blank):
    """The genuine decision, then an approval signature of the test PKI in a field named NASTY."""
    from verifier.document import verify_pdf

    data = kit.sign(_issued(builder, blank, _digits(blank, "12")), "agency", field=NASTY)
    return verify_pdf(data, kit.trust(), file="nasty.pdf"), data


def test_the_forged_name_is_in_the_report(nasty):
    report, _ = nasty
    assert any(layer.field == NASTY for layer in report.layers)


def test_text_report_file_of_an_export_escapes_what_the_file_brought(nasty):
    """`archive export` writes report.vi.txt from the stored JSON: a value must neither draw on a
    terminal nor start a line of its own (a forged verdict line)."""
    import json

    from archive.storage.export import _text
    from verifier.report.render import render_json

    for lang in ("vi", "en"):
        text = _text(json.loads(render_json(nasty[0], lang)), lang)
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", text), lang
        verdicts = [ln for ln in text.splitlines() if re.match(r"\s*(KẾT LUẬN|RESULT|VERDICT)\b", ln)]
        assert len(verdicts) == 1 and not FORGED_LINE.search(text), verdicts


def test_kyso_verify_prints_no_escape_and_no_forged_line(nasty, tmp_path):
    path = tmp_path / "nasty.pdf"
    path.write_bytes(nasty[1])
    out = subprocess.run([sys.executable, "-m", "archive", "verify", str(path), "--details",
                          "--trust", str(SAMPLES / "pki" / "trust.pem")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode in (0, 1, 2, 3), out.stderr[-2000:]
    assert "\x1b" not in out.stdout and "\u202e" not in out.stdout and "\r" not in out.stdout
    assert not FORGED_LINE.search(out.stdout), out.stdout[:3000]


def test_html_report_runs_nothing_the_file_brought(nasty):
    from lxml import html as lhtml

    from verifier.report.html import render_html

    page = render_html(nasty[0], nasty[1], "vi")
    tree = lhtml.fromstring(page)
    assert not tree.xpath("//script") and not tree.xpath("//img[@onerror]") and not tree.xpath("//*[@onerror]")
    assert not [v for v in tree.xpath("//@href | //@src") if not v.startswith(("data:image/", "#"))]
    assert len(tree.xpath("//style")) == 1 and "</script>" not in tree.xpath("string(//style)")
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp and "script-src 'none'" in csp[0].replace("default-src 'none'", "script-src 'none'"), csp
    assert "<script>alert(1)</script>" in tree.text_content()  # shown as text, where a reader sees it


def test_pdf_report_of_the_forged_name_renders(nasty):
    import pypdfium2 as pdfium

    from verifier.report.pdf import render_pdf

    doc = pdfium.PdfDocument(render_pdf(nasty[0], nasty[1], "vi"))
    try:
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    assert "alert(1)" in text and not FORGED_LINE.search(text)


def test_etsi_report_of_the_forged_name_is_well_formed_xml(nasty):
    from lxml import etree

    from verifier.report.etsi import validation_report

    xml = validation_report(nasty[0], nasty[1])
    root = etree.fromstring(xml)  # raises on a control character or a broken CDATA
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", xml)
    assert b"<script>" not in xml


# --- 5. OCR: a number drawn over a signed scan by an unsigned update --------------------------

@pytest.fixture(scope="module")
def scan_overdrawn():
    """The plan's first two pages scanned (no text layer) and signed by the agency; then an
    unsigned update adds a FreeText annotation whose appearance whites out the number 45 and
    draws 99 in its place."""
    from verifier.ocr import missing

    if missing() is not None:
        pytest.skip(f"OCR unavailable: {missing()}")
    from verifier.document import verify_pdf
    from verifier.render.pages import render

    _, pages = render((SAMPLES / "plan.pdf").read_bytes(), [0, 1], scale=200 / 72)
    images = [pages[i].image.convert("L") for i in (0, 1)]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=200, save_all=True, append_images=images[1:])
    scan = kit.sign(buf.getvalue(), "agency", "Signature1", box=(400, 40, 560, 90), page=1)
    box = (98, 726, 140, 746)
    ops = b"1 1 1 rg 0 0 42 20 re f 0 g BT /Helv 12 Tf 3 5 Td (99) Tj ET"

    def build(n, page):
        ap = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 42 20] /Resources << /Font << /Helv << /Type /Font "
              b"/Subtype /Type1 /BaseFont /Helvetica >> >> >> /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops))
        return [ap, b"<< /Type /Annot /Subtype /FreeText /Rect %s /P %d 0 R /DA (/Helv 12 Tf 0 g) /Contents (99) "
                    b"/F 4 /AP << /N %d 0 R >> >>" % (kit.rect(box), page, n)]

    trust = copy.copy(kit.trust())
    trust.ocr = True
    return verify_pdf(kit.add_annotation(scan, build), trust)


def test_a_number_drawn_over_a_signed_scan_is_not_the_documents(scan_overdrawn):
    number = _number(scan_overdrawn)
    assert number.get("value") != "99" or number.get("established") is False, number
    assert scan_overdrawn.verdict != "VALID"
    assert scan_overdrawn.metadata["issued_date"]["value"] == "2022-03-08"  # the rest still read by OCR
