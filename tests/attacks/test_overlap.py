"""A stamp by a trusted later signer over what the signed revision displays: every layer is
valid, and the report says where the appearance lies and what it covers, as the revision before
it displayed it: words, an image (a scanned page is one image), a drawing, an earlier
signature's appearance (docs/attacks.md, "Stamp by a trusted later signer covering signed
content": "report the overlap as a finding with the covered words or region; never silent").
Geometry is read as viewers read it (an indirect /Rect, NoView with Print). Silent only where
Decree 30 puts the agency's own layer (verifier.decree30.placement), which the genuine VGCA
workflow of the samples shows and the forgeries on it imitate."""

from __future__ import annotations

import asyncio
import io
import random
import zlib

import pytest

from tests.attacks import kit
from tests.conftest import SAMPLES

OVERLAPS = ("ANNOTATION_OVER_SIGNED_TEXT", "ANNOTATION_OVER_EARLIER_APPEARANCE", "ANNOTATION_OVER_SIGNED_IMAGE",
            "ANNOTATION_OVER_SIGNED_DRAWING", "ANNOTATION_GEOMETRY_UNRESOLVED", "ANNOTATION_NOT_MEASURED")
NEW_AMOUNT = kit.WHITEOUT + b" 0 g BT /Helv 10 Tf 2 4 Td (9.000.000.000) Tj ET"


def overlaps(report, code=None) -> list:
    return [f for f in report.findings if (f.code == code if code else f.code in OVERLAPS)]


def prescribed(report) -> dict[str, dict]:
    return {f.params["field"]: f.params for f in report.findings if f.code == "OVERLAY_AS_PRESCRIBED"}


# --- building the overlays -----------------------------------------------------------------------------

def sign_widget(data: bytes, who: str, field: str, box, ops: bytes, *, page: int = 0, flags: int = 4,
                rect: bytes | None = None, image: bool = False) -> bytes:
    """One incremental update that adds a visible signature field with the appearance `ops` and
    signs it (pyHanko's embedder, as kit.sign_raw): the widget's /F is `flags`, its /Rect is
    `box` unless `rect` gives it as written (b"indirect": the first number an indirect object);
    `image`: the appearance has an image XObject /Im0 (a seal is an image for the profile)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import cms_embedder

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    fields.append_signature_field(w, fields.SigFieldSpec(sig_field_name=field, on_page=page, box=box))
    widget = next(f.get_object() for f in w.root["/AcroForm"]["/Fields"] if str(f.get_object().get("/T")) == field)
    font = generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
                                     pdf_name("/BaseFont"): pdf_name("/Helvetica"),
                                     pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding")})
    resources = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject({pdf_name("/Helv"): font})})
    if image:
        resources[pdf_name("/XObject")] = generic.DictionaryObject({pdf_name("/Im0"): w.add_object(generic.StreamObject({
            pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Image"),
            pdf_name("/Width"): generic.NumberObject(2), pdf_name("/Height"): generic.NumberObject(2),
            pdf_name("/ColorSpace"): pdf_name("/DeviceRGB"), pdf_name("/BitsPerComponent"): generic.NumberObject(8),
        }, stream_data=b"\xd0\x10\x10" * 4))})
    w_, h_ = box[2] - box[0], box[3] - box[1]
    ap = w.add_object(generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
        pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, w_, h_)]),
        pdf_name("/Resources"): resources}, stream_data=ops))
    widget[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): ap})
    widget[pdf_name("/F")] = generic.NumberObject(flags)
    if rect == b"indirect":
        widget[pdf_name("/Rect")] = generic.ArrayObject(
            [w.add_object(generic.FloatObject(box[0]))] + [generic.FloatObject(v) for v in box[1:]])
    elif rect is not None:
        widget[pdf_name("/Rect")] = generic.ArrayObject([generic.FloatObject(box[0]), generic.FloatObject(box[1]),
                                                         generic.TextStringObject("x"), generic.FloatObject(box[3])])
    embedder = cms_embedder.PdfCMSEmbedder().write_cms(field_name=field, writer=w)
    next(embedder)
    embedder.send(cms_embedder.SigObjSetup(sig_placeholder=signers.SignatureObject(bytes_reserved=8192)))
    prepared, output = embedder.send(cms_embedder.SigIOSetup(md_algorithm="sha256", output=io.BytesIO()))
    embedder.send(asyncio.run(kit.signer(who).async_sign(prepared.document_digest, "sha256")))
    return output.getvalue()


def one_page(content: bytes, xobjects: dict | None = None) -> bytes:
    """A one-page document drawing `content`, with kit's font as /F1 and image XObjects
    `xobjects` (name -> (width, height, grey bytes))."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    w = PdfFileWriter()
    font = w.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica"), pdf_name("/FirstChar"): generic.NumberObject(32),
        pdf_name("/LastChar"): generic.NumberObject(126),
        pdf_name("/Widths"): generic.ArrayObject([generic.NumberObject(kit.FONT_WIDTH)] * 95),
        pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding")}))
    resources = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})})
    if xobjects:
        resources[pdf_name("/XObject")] = generic.DictionaryObject({
            pdf_name("/" + name): w.add_object(generic.StreamObject({
                pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Image"),
                pdf_name("/Width"): generic.NumberObject(width), pdf_name("/Height"): generic.NumberObject(height),
                pdf_name("/ColorSpace"): pdf_name("/DeviceGray"), pdf_name("/BitsPerComponent"): generic.NumberObject(8),
                pdf_name("/Filter"): pdf_name("/FlateDecode")}, encoded_data=zlib.compress(grey)))
            for name, (width, height, grey) in xobjects.items()})
    w.insert_page(PageObject(contents=w.add_object(generic.StreamObject(stream_data=content)),
                             media_box=(0, 0, 595, 842), resources=resources))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


# A scanned page: one grey image of the whole page at 150 dpi, with a scanner's faults all over:
# noise in the white (grey 236-255) and black specks of one pixel or two (0.17 by 0.17-0.34 mm,
# the dust a 200-300 dpi scanner leaves as one or two of its pixels) every 40 pixels or so. On
# it a printed line and a handwritten signature.
DPI = 150
WORDS_BOX = (72.0, 690.0, 330.0, 716.0)  # "Tong kinh phi: 1.000.000 dong", printed
SIGNATURE_BOX = (360.0, 140.0, 520.0, 210.0)  # a handwritten signature
CLEAN_BOX = (80.0, 300.0, 260.0, 450.0)  # white paper with its specks
SCAN_MARGIN_BOX = (380.0, 20.0, 540.0, 60.0)


def scanned_page() -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    rnd = random.Random(14)
    width, height = 595 * DPI // 72, 842 * DPI // 72
    img = Image.new("L", (width, height))
    img.putdata([rnd.randint(236, 255) for _ in range(width * height)])
    draw = ImageDraw.Draw(img)

    def px(x, y):
        return x * DPI / 72, (842 - y) * DPI / 72

    for _ in range(width * height // 1600):
        x, y, size = rnd.randrange(width - 2), rnd.randrange(height - 2), rnd.choice((1, 2))
        draw.rectangle((x, y, x, y + size - 1), fill=rnd.randint(0, 60))
    draw.text(px(WORDS_BOX[0], WORDS_BOX[3] - 2), "Tong kinh phi: 1.000.000 dong", fill=20,
              font=ImageFont.load_default(size=round(13 * DPI / 72)))
    x1, y1, x2, y2 = SIGNATURE_BOX
    stroke = [px(x1 + (x2 - x1) * t / 40, (y1 + y2) / 2 + (y2 - y1) * 0.4 * ((-1) ** t) * (t % 5) / 5) for t in range(41)]
    draw.line(stroke, fill=50, width=3)
    return one_page(b"q 595 0 0 842 0 0 cm /Scan Do Q", {"Scan": (width, height, img.tobytes())})


DRAWING_BOX = (300.0, 540.0, 420.0, 600.0)  # over the frame and rules of a table, no text


def drawn_page() -> bytes:
    text = b"".join(b"BT /F1 12 Tf %d %d Td (%s) Tj ET\n" % (x, y, t.encode()) for x, y, t in kit.TEXT)
    table = b"0 g 1.5 w 72 520 448 100 re S 72 570 m 520 570 l S 296 520 m 296 620 l S 0.2 g 430 530 60 30 re f"
    return one_page(text + table)


@pytest.fixture(scope="module")
def scan() -> bytes:
    return kit.sign(scanned_page(), certify=2)


@pytest.fixture(scope="module")
def drawing() -> bytes:
    return kit.sign(drawn_page(), certify=2)


# --- words --------------------------------------------------------------------------------------------

def test_a_trusted_seal_over_the_amount_is_reported_with_its_geometry(certified, trust):
    stamped = kit.sign(certified[2], "agency", "Signature2", box=kit.AMOUNT_BOX)
    report = kit.verify(stamped, trust)
    assert report.verdict == "VALID", kit.explain(report)
    finding = next(f for f in report.findings if f.code == "ANNOTATION_OVER_SIGNED_TEXT")
    assert finding.severity == "warning"
    assert finding.params["field"] == "Signature2" and finding.params["page"] == 1
    assert finding.params["rect"] == list(kit.AMOUNT_BOX)
    assert "1.000.000" in finding.params["text"]
    x1, y1, x2, y2 = finding.params["text_rect"]
    assert 150 <= x1 < x2 <= 262 and 690 < y1 < y2 < 715
    # the inked region the page showed under it: the words, within the rectangle
    rx1, ry1, rx2, ry2 = finding.params["region"]
    assert 149 <= rx1 < rx2 <= 261 and 694 <= ry1 < ry2 <= 713 and finding.params["covers"] == ["text"]


def test_a_seal_in_the_margin_covers_nothing(certified, trust):
    report = kit.verify(kit.sign(certified[2], "agency", "Signature2", box=(380, 120, 540, 170)), trust)
    assert report.verdict == "VALID"
    assert not overlaps(report)


def test_a_seal_in_the_blank_between_two_words(certified, trust):
    """The number of a decision is written into a blank of the header line: touching the words
    on either side is not covering them (half a glyph must lie under the appearance)."""
    # "KE HOACH so 45/KH-SGDDT" at x = 72, 12 pt Helvetica (all glyphs 556/1000 em here)
    glyph = 12 * 0.556
    blank = (72 + 11 * glyph - 1, 726, 72 + 12 * glyph + 1, 742)  # over the space after "so"
    report = kit.verify(kit.sign(certified[2], "agency", "Signature2", box=blank), trust)
    assert report.verdict == "VALID"
    assert not overlaps(report), kit.explain(report)


# --- geometry as viewers read it ------------------------------------------------------------------------

def test_an_indirect_rect_is_read_as_viewers_read_it(certified, trust):
    """/Rect [7 0 R 695 260 712]: PDFium and every viewer draw the widget over the amount."""
    report = kit.verify(sign_widget(certified[2], "agency", "Signature2", kit.AMOUNT_BOX, NEW_AMOUNT,
                                    rect=b"indirect"), trust)
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_OVER_SIGNED_TEXT" and finding.params["rect"] == list(kit.AMOUNT_BOX)
    assert "1.000.000" in finding.params["text"] and finding.layer == 2


def test_a_widget_flagged_noview_and_print_is_drawn(certified, trust):
    """/F 36 (NoView|Print): hidden on screen by the flags, but printed, and PDFium with forms
    draws it on screen too."""
    report = kit.verify(sign_widget(certified[2], "agency", "Signature2", kit.AMOUNT_BOX, NEW_AMOUNT, flags=36), trust)
    assert report.verdict == "VALID", kit.explain(report)
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_OVER_SIGNED_TEXT" and "1.000.000" in finding.params["text"]


def test_a_rectangle_no_viewer_can_read_is_reported_not_skipped(certified, trust):
    report = kit.verify(sign_widget(certified[2], "agency", "Signature2", kit.AMOUNT_BOX, NEW_AMOUNT,
                                    rect=b"not numbers"), trust)
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_GEOMETRY_UNRESOLVED"
    assert finding.params["rect"] == "?" and finding.params["field"] == "Signature2" and finding.params["page"] == 1


# --- what the signed revision displays beside text ----------------------------------------------------------

def test_over_an_earlier_signatures_appearance(certified, trust):
    """The director's visible certification (text and border in the bottom margin) is no page
    text; a later stamp over it is still reported, naming the field it covers."""
    report = kit.verify(kit.sign(certified[2], "agency", "Signature2", box=(400, 70, 520, 100)), trust)
    assert report.verdict == "VALID", kit.explain(report)
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_OVER_EARLIER_APPEARANCE" and finding.params["covered_field"] == "Signature1"
    x1, y1, x2, y2 = finding.params["region"]
    assert 399 <= x1 < x2 <= 521 and 69 <= y1 < y2 <= 101


def test_over_the_words_of_a_scanned_page(scan, trust):
    """No text layer: the page is one image, and the printed words are pixels of it."""
    report = kit.verify(kit.sign(scan, "agency", "Signature2", box=(140, 688, 260, 718)), trust)
    assert report.verdict == "VALID", kit.explain(report)
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_OVER_SIGNED_IMAGE" and finding.params["covers"] == ["image"]
    x1, y1, x2, y2 = finding.params["region"]
    assert 139 <= x1 < x2 <= 261 and 688 <= y1 < y2 <= 718


def test_over_a_handwritten_signature_on_a_scanned_page(scan, trust):
    report = kit.verify(kit.sign(scan, "agency", "Signature2", box=(330, 120, 430, 220)), trust)
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_OVER_SIGNED_IMAGE"
    x1, y1, x2, y2 = finding.params["region"]
    assert SIGNATURE_BOX[0] - 2 <= x1 and x2 <= 431 and SIGNATURE_BOX[1] - 2 <= y1 < y2 <= SIGNATURE_BOX[3] + 2


def test_the_specks_of_clean_paper_are_not_covered_content(scan, trust):
    """White paper with a scanner's noise and specks under the stamp: nothing is covered (a
    group of ink pixels lighter than verifier.render.ink.SPECK_MASS is speckle)."""
    report = kit.verify(kit.sign(scan, "agency", "Signature2", box=CLEAN_BOX), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert not overlaps(report), kit.explain(report)


def test_over_vector_drawing(drawing, trust):
    """The frame and rules of a table, and a filled box: lines and shapes, no words."""
    report = kit.verify(kit.sign(drawing, "agency", "Signature2", box=DRAWING_BOX), trust)
    assert report.verdict == "VALID", kit.explain(report)
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_OVER_SIGNED_DRAWING" and finding.params["covers"] == ["drawing"]


# --- Decree 30: the agency's own layers where the decree puts them, and forgeries of them ---------------

# samples/plan.pdf after the director's and the clerk's layers: the blanks are empty and the
# agency has not signed yet (samples/stripped-agency.pdf). Page 1 header: `Số:` blank at
# x 110-140, notation `/KH-SGDĐT` from about x 145; body text from y 620 down. Page 2: the
# director's signature image at DIRECTOR, the signature block above and around it.
NUMBER_LINE = (110.39, 729.59, 140.39, 744.59)
DIRECTOR = (392.96, 194.89, 542.96, 264.89)
SEAL = (342.96, 179.89, 442.96, 279.89)  # over the left third of the director's image
RED_DISC = b"q 100 0 0 100 0 0 cm /Im0 Do Q"


def number_ops(text: bytes = b"45", whiteout: bytes = b"") -> bytes:
    return whiteout + b" 0 g BT /Helv 11 Tf 3 4 Td (%s) Tj ET" % text


@pytest.fixture(scope="module")
def issued_by_agency():
    """The stripped plan, then the agency key numbering it with a box wider than the blank
    (reaching over the notation, as the real tools size it) that draws `45` into the blank only."""
    stripped = (SAMPLES / "stripped-agency.pdf").read_bytes()
    box = (NUMBER_LINE[0], NUMBER_LINE[1], NUMBER_LINE[0] + 90, NUMBER_LINE[3])
    return sign_widget(stripped, "agency", "Signature3", box, number_ops())


def test_the_genuine_samples_get_no_overlap_warning_for_the_prescribed_placements(sample_trust):
    """The VGCA workflow of samples/manifest.json: the agency's seal over the left third of the
    director's image is the decree's layout. Two samples built to break the decree keep a
    warning: the seal with no personal signature under it (agency-only.pdf), and the director's
    signature drawn over the seal the agency applied first (agency-before-person.pdf)."""
    from tests.conftest import manifest
    from verifier.document import verify_pdf

    warned = {}
    for sample in manifest()["samples"]:
        if sample["layers"] < 2:
            continue  # no later layer to draw over an earlier one
        report = verify_pdf((SAMPLES / sample["file"]).read_bytes(), sample_trust)
        if overlaps(report):
            warned[sample["file"]] = [f.params["field"] for f in overlaps(report)]
        if sample["file"] == "plan.pdf":
            plan = report
    assert warned == {"agency-only.pdf": ["Signature3"], "agency-before-person.pdf": ["Signature2"]}
    placed = prescribed(plan)
    assert list(placed) == ["Signature5"] and placed["Signature5"]["placement"] == "seal"
    assert "33% of the width of layer 1's signature image, on its left side" in placed["Signature5"]["basis"]
    assert set(placed["Signature5"]["covers"]) == {"text", "appearance"}
    [note] = [f for f in plan.findings if f.code == "OVERLAY_AS_PRESCRIBED"]
    assert note.severity == "info" and note.layer == 5 and plan.verdict == "VALID"


def test_a_number_drawn_into_the_blank_from_a_wider_box(issued_by_agency, trust):
    """The box reaches over `/KH-SGDĐT`; what it draws, `45`, lies in the blank after `Số:`."""
    report = kit.verify(issued_by_agency, trust)
    assert report.layers[2].purpose == "number", report.layers[2].purpose_basis
    assert not overlaps(report), kit.explain(report)
    placed = prescribed(report)["Signature3"]
    assert placed["placement"] == "number" and "/KH" in placed["text"]
    assert placed["basis"].startswith("the number is drawn into the blank after 'Số'")


def test_a_number_layer_that_also_whites_out_body_text_is_reported(trust):
    """The agency's number layer draws `45` into the blank and, from the same widget, a white
    box over a line of the body: its purpose is still the number, its placement is not."""
    stripped = (SAMPLES / "stripped-agency.pdf").read_bytes()
    box = (NUMBER_LINE[0], 560.0, 400.0, NUMBER_LINE[3])
    top = NUMBER_LINE[3] - 560.0
    ops = b"1 1 1 rg 20 50 260 20 re f" + number_ops().replace(b"3 4 Td", b"3 %d Td" % round(top - 11))
    report = kit.verify(sign_widget(stripped, "agency", "Signature3", box, ops), trust)
    assert report.layers[2].purpose == "number", report.layers[2].purpose_basis
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_OVER_SIGNED_TEXT" and finding.layer == 3 and len(finding.params["text"]) > 20
    assert not prescribed(report)


def test_a_seal_over_the_body_text_is_reported(trust):
    """An agency image (the profile calls it the seal) over the body of page 1, far from the
    director's signature: never silent."""
    stripped = (SAMPLES / "stripped-agency.pdf").read_bytes()
    report = kit.verify(sign_widget(stripped, "agency", "Signature3", (150, 560, 250, 660), RED_DISC, image=True), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert report.layers[2].purpose == "seal", report.layers[2].purpose_basis
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_OVER_SIGNED_TEXT" and finding.params["text"] and not prescribed(report)


def test_a_seal_over_the_signature_that_reaches_into_the_body_is_reported(trust):
    """Over the left third of the director's image as the decree wants, but tall enough to reach
    the body text above the signature block."""
    stripped = (SAMPLES / "stripped-agency.pdf").read_bytes()
    tall = (SEAL[0], SEAL[1], SEAL[2], 420.0)
    ops = b"q 100 0 0 %d 0 0 cm /Im0 Do Q" % round(tall[3] - tall[1])
    report = kit.verify(sign_widget(stripped, "agency", "Signature3", tall, ops, page=1, image=True), trust)
    assert report.layers[2].purpose == "seal", report.layers[2].purpose_basis
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_OVER_SIGNED_TEXT" and "Signature1" not in finding.params["text"]
    assert not prescribed(report)


# the seal's widget stretched left across the block's row, up to the other signature on the page
WIDE_SEAL = (255.0, SEAL[1], SEAL[2], SEAL[3])
DISC_AT_RIGHT = b"q 100 0 0 100 %d 0 cm /Im0 Do Q" % round(SEAL[0] - WIDE_SEAL[0])


def test_a_seal_that_also_writes_words_beside_it_is_reported(trust):
    """The red disc over the left third of the director's image, from a widget stretched left
    across the signature block's row whose appearance also writes a new article into the row's
    left part (red team, 2026-12-06): the decree's seal is the round seal at its real size."""
    stripped = (SAMPLES / "stripped-agency.pdf").read_bytes()
    ops = DISC_AT_RIGHT + b" 0 g BT /Helv 7 Tf 2 70 Td (Dieu 3. Chi 500.000.000 dong) Tj ET"
    report = kit.verify(sign_widget(stripped, "agency", "Signature3", WIDE_SEAL, ops, page=1, image=True), trust)
    assert report.layers[2].purpose == "seal", report.layers[2].purpose_basis
    [finding] = overlaps(report)
    assert finding.layer == 3 and finding.params["rect"][0] == WIDE_SEAL[0]
    assert not prescribed(report)


def test_a_seal_drawn_from_a_wider_widget_is_where_the_decree_puts_it(trust):
    """The same stretched widget drawing the disc alone: what it draws is the seal."""
    stripped = (SAMPLES / "stripped-agency.pdf").read_bytes()
    report = kit.verify(sign_widget(stripped, "agency", "Signature3", WIDE_SEAL, DISC_AT_RIGHT, page=1, image=True), trust)
    assert not overlaps(report), kit.explain(report)
    assert prescribed(report)["Signature3"]["placement"] == "seal"


def test_the_seal_where_the_decree_puts_it(trust):
    """The same image at the seal's place: over a third of the director's image, inside the
    signature block."""
    stripped = (SAMPLES / "stripped-agency.pdf").read_bytes()
    report = kit.verify(sign_widget(stripped, "agency", "Signature3", SEAL, RED_DISC, page=1, image=True), trust)
    assert not overlaps(report), kit.explain(report)
    assert prescribed(report)["Signature3"]["placement"] == "seal"


@pytest.fixture(scope="module")
def appendix_page() -> bytes:
    """An appendix page signed by the director: its title `PHU LUC`, a table below, and a rule
    across the top right margin (a running header's line)."""
    text = b"BT /F1 14 Tf 250 700 Td (PHU LUC) Tj ET BT /F1 12 Tf 72 660 Td (Tien do trien khai ke hoach 45) Tj ET"
    rule_and_table = b" 0 g 0.8 w 330 790 m 560 790 l S 72 520 448 100 re S"
    return kit.sign(one_page(text + rule_and_table), certify=2)


APPENDIX_TEXT = b"0 g BT /Helv 8 Tf 2 28 Td (Nguoi ky: So Giao duc va Dao tao) Tj 0 -10 Td (Thoi gian ky: 2022-03-08T10:21:54+07:00) Tj ET"


def test_the_appendix_signature_at_the_top_right(appendix_page, trust):
    """Text only, top right of an appendix page (Appendix I, II.8.b), over the header's rule."""
    report = kit.verify(sign_widget(appendix_page, "agency", "Signature2", (330, 770, 560, 810), APPENDIX_TEXT), trust)
    assert report.layers[1].purpose == "appendix", report.layers[1].purpose_basis
    assert not overlaps(report), kit.explain(report)
    placed = prescribed(report)["Signature2"]
    assert placed["placement"] == "appendix" and placed["covers"] == ["drawing"]


def test_an_appendix_signature_reaching_the_title_is_reported(appendix_page, trust):
    report = kit.verify(sign_widget(appendix_page, "agency", "Signature2", (240, 690, 560, 810), APPENDIX_TEXT), trust)
    assert report.layers[1].purpose == "appendix", report.layers[1].purpose_basis
    [finding] = overlaps(report)
    assert finding.code == "ANNOTATION_OVER_SIGNED_TEXT" and "PHU" in finding.params["text"] and not prescribed(report)
