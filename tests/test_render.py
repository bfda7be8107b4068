"""The rendered comparison (verifier.render): which pages a later revision reaches, and what each
signed revision displays differently from the final document, on real signed files and on
forgeries written as incremental updates."""

from __future__ import annotations

import io

import pytest

from tests.attacks import kit
from tests.conftest import REALDOCS, SAMPLES, need_shared
from verifier.render.compare import Region, Unrenderable, differences
from verifier.render.touched import touched_by_revision, touched_pages

LAST_DIGIT = (272.0, 669.0, 279.0, 680.0)  # the final "2" of "31/03/2022" (Helvetica 12, widths 556)


def _meets(a, b, slack: float = 0.0) -> bool:
    return a[0] <= b[2] + slack and b[0] <= a[2] + slack and a[1] <= b[3] + slack and b[1] <= a[3] + slack


def _inside(a, b, slack: float = 0.0) -> bool:
    return a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[2] <= b[2] + slack and a[3] <= b[3] + slack


def layers(data: bytes):
    """[(end of the signed bytes, pyHanko's signed revision, [(page, widget rect)])] in signing order."""
    from pyhanko.sign.fields import enumerate_sig_fields

    from verifier.pdf import geometry
    from verifier.pdf.opening import open_for_reading

    reader = open_for_reading(data)
    pages_root = geometry.raw(reader.root, "/Pages")
    revision = {s.field_name: s.signed_revision for s in reader.embedded_signatures}
    out = []
    for name, value, ref in enumerate_sig_fields(reader):
        field = ref.get_object()
        widgets = [field] if "/Rect" in field else [k.get_object() for k in field.get("/Kids", ())]
        rects = [(geometry.page_of(pages_root, w), geometry.rect(w.get("/Rect"))) for w in widgets]
        byte_range = [int(x) for x in value.get_object()["/ByteRange"]]
        out.append((byte_range[2] + byte_range[3], revision[name], [(p, r) for p, r in rects if r and p is not None]))
    return reader, sorted(out)


def genuine_comparison(data: bytes, explain: bool = True):
    """differences() as the verdict will call it: each layer against the final document, the
    later layers' widgets explained, only the pages touched after it."""
    reader, signed = layers(data)
    touched = touched_by_revision(reader, [rev for _, rev, _ in signed])
    explained = {k: [r for _, _, rs in signed[k + 1:] for r in rs] for k in range(len(signed))} if explain else {}
    pages = {k: touched[rev].pages for k, (_, rev, _) in enumerate(signed)}
    return signed, differences(data, [end for end, _, _ in signed], explained, pages)


# -- genuine documents ---------------------------------------------------------------------------

def test_plan_layers_differ_only_inside_later_widgets():
    data = (SAMPLES / "plan.pdf").read_bytes()
    signed, found = genuine_comparison(data)
    assert len(signed) == 6
    assert found == {k: [] for k in range(6)}
    # without the widgets explained, what differs is exactly what the later layers drew
    _, unexplained = genuine_comparison(data, explain=False)
    assert [bool(unexplained[k]) for k in range(6)] == [True] * 5 + [False]
    for k, regions in unexplained.items():
        later = [r for _, _, rs in signed[k + 1:] for r in rs]
        for region in regions:
            assert not region.whole_page and region.pixels > 0
            assert any(_meets(region.rect, rect) for page, rect in later if page == region.page)
            boxes = [rect for page, rect in later if page == region.page]
            hull = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            assert _inside(region.rect, hull, slack=1.5), (k, region.rect, boxes)


REAL = "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf"  # 17 pages, an official and two seals


@pytest.fixture(scope="module")
def real() -> bytes:
    return need_shared(REALDOCS / REAL).read_bytes()


def test_real_document_layers_show_only_later_layers(real):
    signed, found = genuine_comparison(real)
    assert len(signed) == 3 and found == {0: [], 1: [], 2: []}
    reader, _ = layers(real)
    # an agency seal changes the widget pages only (page 1 and the signature page), not the other 15
    assert touched_pages(reader, signed[0][1]).pages == {0, 16}


@pytest.fixture(scope="module")
def real_forged(real) -> bytes:
    """The real document with a "9" drawn on its third page by an unsigned update."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(real), strict=False)
    font = w.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica")}))
    stream = w.add_object(generic.StreamObject(stream_data=b"q BT /KysoF 12 Tf 300 400 Td (9) Tj ET Q"))
    w.add_stream_to_page(2, stream, resources=generic.DictionaryObject({
        pdf_name("/Font"): generic.DictionaryObject({pdf_name("/KysoF"): font})}))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_real_document_forged_page_found(real, real_forged):
    signed, found = genuine_comparison(real_forged)
    reader, _ = layers(real_forged)
    assert touched_pages(reader, signed[-1][1]).pages == {2}
    for k in range(3):
        assert len(found[k]) == 1
        region = found[k][0]
        assert region.page == 2 and _inside(region.rect, (298, 398, 308, 410)), region.rect


# -- a forged digit ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def signed() -> bytes:
    return kit.sign(kit.base_pdf(), box=kit.MARGIN_BOX)


@pytest.fixture(scope="module")
def forged(signed) -> bytes:
    """The signed page's content written again after signing, with "31/03/2022" as "31/03/2029"."""
    ops = b"".join(b"BT /F1 12 Tf %d %d Td (%s) Tj ET\n" % (x, y, t.replace("2022", "2029").encode())
                   for x, y, t in kit.TEXT)
    return kit.replace_object(signed, kit.page_content_ref(signed), kit.content_stream(ops))


def test_forged_digit_found_at_its_place(signed, forged):
    found = differences(forged, [len(signed)], {0: [(0, kit.MARGIN_BOX)]})
    assert list(found) == [0] and len(found[0]) == 1
    region = found[0][0]
    assert isinstance(region, Region) and region.page == 0 and not region.whole_page
    assert _meets(region.rect, LAST_DIGIT) and _inside(region.rect, LAST_DIGIT, slack=2), region.rect
    from PIL import Image, ImageChops

    before, after = Image.open(io.BytesIO(region.before)), Image.open(io.BytesIO(region.after))
    assert before.size == after.size and ImageChops.difference(before, after).getbbox() is not None
    reader = kit.reader(forged)
    assert touched_pages(reader, reader.xrefs.total_revisions - 2).pages == {0}


def test_forged_digit_hidden_only_by_an_explanation_over_it(signed, forged):
    over = differences(forged, [len(signed)], {0: [(0, LAST_DIGIT)]})
    beside = differences(forged, [len(signed)], {0: [(0, (LAST_DIGIT[0] + 8, 669, LAST_DIGIT[2] + 8, 680))]})
    assert over == {0: []} and len(beside[0]) == 1


def test_forged_digit_seen_at_each_scale(signed, forged):
    for scale in (0.5, 1.0, 2.0):
        regions = differences(forged, [len(signed)], scale=scale)[0]
        assert len(regions) == 1 and _meets(regions[0].rect, LAST_DIGIT, slack=1), (scale, regions)


def test_pages_not_asked_are_not_compared(signed, forged):
    assert differences(forged, [len(signed)], pages={0: set()}) == {0: []}
    assert differences(forged, [len(forged)]) == {0: []}  # the final revision is the final document


# -- pages touched -------------------------------------------------------------------------------

def three_pages() -> bytes:
    """Three pages; pages 1 and 3 share one font object, page 2 has its own (Times)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    w = PdfFileWriter()

    def font(name):
        return w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name(name)}))

    shared, own = font("/Helvetica"), font("/Times-Roman")
    for n, f in enumerate((shared, own, shared)):
        content = w.add_object(generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 700 Td (Page %d: 45/KH-SGDDT) Tj ET" % (n + 1)))
        resources = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): f})})
        w.insert_page(PageObject(contents=content, media_box=(0, 0, 595, 842), resources=resources))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def pages3() -> tuple[bytes, int, int]:
    """(signed three-page document, object number of page 2's font, of pages 1 and 3's font)."""
    data = kit.sign(three_pages())
    r = kit.reader(data)
    kids = r.root["/Pages"]["/Kids"]
    own = kids[1].get_object()["/Resources"]["/Font"].raw_get("/F1").idnum
    shared = kids[0].get_object()["/Resources"]["/Font"].raw_get("/F1").idnum
    return data, own, shared


def _font_swapped(data: bytes, idnum: int) -> bytes:
    return kit.append_update(data, [(idnum, b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>")])


def test_touched_only_the_page_whose_font_changed(pages3):
    data, own, shared = pages3
    for idnum, expected in ((own, {1}), (shared, {0, 2})):
        forged = _font_swapped(data, idnum)
        reader = kit.reader(forged)
        touched = touched_pages(reader, reader.xrefs.total_revisions - 2)
        assert touched.pages == expected and not touched.everything
        found = differences(forged, [len(data)], pages={0: touched.pages})[0]
        assert {r.page for r in found} == expected


def test_untouched_signed_document_has_no_pages(pages3):
    data, _, _ = pages3
    reader = kit.reader(data)
    assert touched_pages(reader, reader.xrefs.total_revisions - 1).pages == set()


def test_page_added_touches_every_page_and_is_a_whole_page(pages3):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.writer import PageObject

    data, _, _ = pages3
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    content = w.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 72 72 200 200 re f"))
    w.insert_page(PageObject(contents=content, media_box=(0, 0, 595, 842)))
    out = io.BytesIO()
    w.write(out)
    forged = out.getvalue()
    reader = kit.reader(forged)
    touched = touched_pages(reader, reader.xrefs.total_revisions - 2)
    assert touched.everything and touched.reason == "page tree" and touched.pages == {0, 1, 2, 3}
    found = differences(forged, [len(data)], pages={0: set()})[0]  # a new page is compared even when not asked
    assert [(r.page, r.whole_page, r.before is None, r.after is not None) for r in found] == [(3, True, True, True)]


# -- what PDFium cannot draw ---------------------------------------------------------------------

def test_unrenderable_sides_are_reported_not_decided(signed, forged):
    locked = (SAMPLES / "encrypted.pdf").read_bytes()  # a user password nobody gave
    found = differences(locked, [len(locked) // 2, len(locked) // 3])
    assert set(found) == {0, 1}
    assert all(isinstance(v, Unrenderable) and v.side == "final" and v.page is None for v in found.values())
    # a signed revision cut inside the header cannot be opened; the other revision is still compared
    found = differences(forged, [9, len(signed)])
    assert isinstance(found[0], Unrenderable) and found[0].side == "signed" and found[0].reason
    assert len(found[1]) == 1 and _meets(found[1][0].rect, LAST_DIGIT)


def test_form_defaults_changed_touch_the_widget_pages(pages3):
    """/NeedAppearances set after signing: viewers may redraw every field, so the pages holding
    a widget are compared (here page 2, where the signature is), and no other."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    data, _, _ = pages3
    visible = kit.sign(three_pages(), box=kit.MARGIN_BOX, page=1)
    w = IncrementalPdfFileWriter(io.BytesIO(visible), strict=False)
    form = w.root["/AcroForm"]
    form[generic.pdf_name("/NeedAppearances")] = generic.BooleanObject(True)
    holder = w.root.raw_get("/AcroForm")
    w.update_container(form) if hasattr(holder, "idnum") else w.update_root()
    out = io.BytesIO()
    w.write(out)
    reader = kit.reader(out.getvalue())
    touched = touched_pages(reader, reader.xrefs.total_revisions - 2)
    assert touched.pages == {1} and not touched.everything


def test_inherited_resources_reach_every_page_below():
    """A font listed on the page tree's root, inherited by every page (ISO 32000-1 §7.7.3.4)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    w = PdfFileWriter()
    font = w.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica")}))
    for n in range(2):
        content = w.add_object(generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 700 Td (Page %d) Tj ET" % n))
        page = PageObject(contents=content, media_box=(0, 0, 595, 842))
        del page["/Resources"]
        w.insert_page(page)
    w.root["/Pages"][pdf_name("/Resources")] = generic.DictionaryObject({
        pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})})
    out = io.BytesIO()
    w.write(out)
    data = kit.sign(out.getvalue())
    forged = _font_swapped(data, font.idnum)
    reader = kit.reader(forged)
    touched = touched_pages(reader, reader.xrefs.total_revisions - 2)
    assert touched.pages == {0, 1} and not touched.everything
    assert {r.page for r in differences(forged, [len(data)], pages={0: touched.pages})[0]} == {0, 1}


# -- bounds --------------------------------------------------------------------------------------

def test_scattered_changes_grouped_into_a_few_regions():
    from PIL import Image

    from verifier.render.compare import MAX_REGIONS, compare_pages
    from verifier.render.pages import PageImage

    before = Image.new("L", (600, 800), 255)
    after = before.copy()
    dots = [(17 + 41 * i % 560, 23 + 67 * i % 760) for i in range(40)]
    for xy in dots:
        after.putpixel(xy, 0)
    matrix = (1.0, 0.0, 0.0, -1.0, 0.0, 800.0)
    regions = compare_pages(PageImage(0, before, 1.0, matrix), PageImage(0, after, 1.0, matrix))
    assert 1 <= len(regions) <= MAX_REGIONS and sum(r.pixels for r in regions) == len(set(dots))
    for x, y in dots:  # every changed pixel is in a region, in user space (y up)
        assert any(r.rect[0] <= x + 0.5 <= r.rect[2] and r.rect[1] <= 800 - y - 0.5 <= r.rect[3] for r in regions)


def test_a_page_of_hostile_size_is_drawn_within_the_pixel_budget():
    from verifier.render.pages import MAX_PIXELS, render

    base = kit.base_pdf()
    pnum = kit.page_ref(base)
    page = kit.raw_dict(base, pnum).replace(b"/MediaBox [ 0 0 595 842 ]", b"/MediaBox [ 0 0 14400 14400 ]")
    assert b"14400" in page
    _, images = render(kit.append_update(base, [(pnum, page)]), [0], 2.0)
    w, h = images[0].image.size
    assert w * h <= MAX_PIXELS and images[0].scale < 1


def test_the_comparison_and_the_overlap_check_draw_from_the_same_open_documents():
    """verifier.render.pages.kept: one open document per revision of the bytes asked for, the
    same for every pass of the verification; another document's bytes close them, and so does
    release() (the overlap check, the last to draw, calls it). A revision PDFium cannot open
    raises each time it is asked."""
    from verifier.render import pages

    data = (SAMPLES / "plan.pdf").read_bytes()
    signed = layers(data)[1][0][0]
    try:
        final, revision = pages.kept(data), pages.kept(data, signed)
        assert pages.kept(data) is final and pages.kept(data, len(data) + 10) is final
        assert pages.kept(data, signed) is revision and revision is not final
        assert revision.draw(0, 1.0).image.size == pages.render(data[:signed], [0])[1][0].image.size
        differences(data, [signed])
        assert pages.kept(data, signed) is revision  # the comparison drew from the kept ones
        for _ in range(2):
            with pytest.raises(pages.RenderError):
                pages.kept(data, 9)
        other = (SAMPLES / "agency-only.pdf").read_bytes()
        assert pages.kept(other) is not final and pages.kept(data) is not final  # closed and opened again
    finally:
        pages.release()
    assert pages._KEPT.owner is None and not pages._KEPT.docs
