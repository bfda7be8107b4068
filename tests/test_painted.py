"""verifier.render.painted's shortcuts against the plain code they replaced: the same answers on
the glyphs of every page of the samples and of the real documents (../shared/realdocs, read in
place), on crafted edge cases and on random glyphs."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REALDOCS, SAMPLES, benchmark_file, need_shared
from verifier.pdf.text import Glyph
from verifier.render import painted
from verifier.render.painted import _BODY, _CLASH, _REACH, _SAME


# --- the reference: _clashes as it was, a grid of 12-point cells -------------------------------

def _reference_items(glyphs: list) -> list[tuple]:
    """(index, char, x0, y, size, body, far) of the glyphs the reference compares."""
    items = []
    for i, g in enumerate(glyphs):
        if not g.upright or g.char.isspace() or not g.size > 0:
            continue
        x0, x1 = sorted((g.x0, g.x1))
        body = (x0, g.y + _BODY[0] * g.size, x1, g.y + _BODY[1] * g.size)
        far = (x0, g.y + _REACH[0] * g.size, x1, g.y + _REACH[1] * g.size)
        if all(abs(v) < 1e7 for v in (*body, *far)):
            items.append((i, g.char, g.x0, g.y, g.size, body, far))
    return items


def reference_clashes(glyphs: list) -> dict[int, set[int]]:
    cell = 12.0
    reach: dict[tuple[int, int], list] = {}
    items = _reference_items(glyphs)
    for i, char, gx, gy, size, _, far in items:
        entry = (i, char, gx, gy, size, *far)
        for key in _cells(far, cell):
            reach.setdefault(key, []).append(entry)
    out: dict[int, set[int]] = {}
    for i, char, gx, gy, size, body, _ in items:
        b0, b1, b2, b3 = body
        same = _SAME * size
        for key in _cells(body, cell):
            for j, other, hx, hy, hsize, f0, f1, f2, f3 in reach.get(key, ()):
                if j == i:
                    continue
                if other == char and abs(hx - gx) < same and abs(hy - gy) < same:
                    continue
                em = _CLASH * min(size, hsize)
                if min(b3, f3) - max(b1, f1) > em and min(b2, f2) - max(b0, f0) > em:
                    out.setdefault(i, set()).add(j)
    return out


def _cells(box, cell: float):
    for cx in range(int(box[0] // cell), int(box[2] // cell) + 1):
        for cy in range(int(box[1] // cell), int(box[3] // cell) + 1):
            yield cx, cy


def reference_pairs(glyphs: list) -> dict[int, set[int]]:
    """The reference without its grid: every pair put to its test. The grid is exact (two
    boxes that overlap share a point, whose cell both are in), so this is its answer, on
    glyphs the grid would spend minutes on (a far box over millions of cells)."""
    items = _reference_items(glyphs)
    out: dict[int, set[int]] = {}
    for i, char, gx, gy, size, (b0, b1, b2, b3), _ in items:
        for j, other, hx, hy, hsize, _, (f0, f1, f2, f3) in items:
            if j == i or (other == char and abs(hx - gx) < _SAME * size and abs(hy - gy) < _SAME * size):
                continue
            em = _CLASH * min(size, hsize)
            if min(b3, f3) - max(b1, f1) > em and min(b2, f2) - max(b0, f0) > em:
                out.setdefault(i, set()).add(j)
    return out


def _grid_cells(glyphs: list) -> float:
    """How many cells the reference grid would fill (to leave it out where it would take minutes)."""
    total = 0.0
    for g in glyphs:
        if g.upright and g.size > 0 and all(abs(v) < 1e7 for v in (g.x0, g.x1, g.y, g.size)):
            total += (abs(g.x1 - g.x0) / 12 + 2) * (1.25 * g.size / 12 + 2)
    return total


def same_clashes(glyphs: list, grid: bool = True) -> None:
    got = painted._clashes(glyphs)
    wants = [reference_clashes(glyphs)] if grid else [reference_pairs(glyphs)]
    if not grid and _grid_cells(glyphs) < 200_000:
        wants.append(reference_clashes(glyphs))
    for want in wants:
        assert got == want
        assert list(got) == list(want)  # the keys in the glyphs' order, as _apart reads them


# --- the glyph lists measure is asked for, on real pages ------------------------------------------

_PAGES_OF: dict[bytes, list[list]] = {}  # by the document's digest: the families of tests below share them


def _asked(data: bytes, monkeypatch) -> list[list]:
    """The glyphs of every page of every revision of a document, as verification asks
    painted.measure for them (paint_glyphs: the page's own and its shown appearances)."""
    import hashlib

    digest = hashlib.sha256(data).digest()
    if digest not in _PAGES_OF:
        _PAGES_OF[digest] = _asked_anew(data, monkeypatch)
    return _PAGES_OF[digest]


def _asked_anew(data: bytes, monkeypatch) -> list[list]:
    from verifier.pdf.pdftext import DocumentText

    asked = []

    def record(_data, requests):
        asked.extend(list(g) for g in requests.values())
        return {i: painted.unknown(g, "not drawn in this test") for i, g in requests.items()}

    monkeypatch.setattr(painted, "measure", record)
    try:
        doc = DocumentText(data)
    except Exception:  # an encrypted or broken sample: verification reads no text of it either
        return []
    for end in doc.revision_ends():
        for index in range(doc.page_count(end)):
            glyphs = doc.paint_glyphs(index, end)
            if glyphs and glyphs not in asked:
                asked.append(glyphs)
    return asked


def _documents(folder, pattern):
    return sorted(folder.glob(pattern))


@pytest.mark.parametrize("path", _documents(SAMPLES, "**/*.pdf"), ids=lambda p: p.name)
def test_clashes_are_the_grids_on_every_sample_page(path, monkeypatch):
    pages = _asked(path.read_bytes(), monkeypatch)
    for glyphs in pages:
        same_clashes(glyphs)


@pytest.mark.parametrize("name", [p.name for p in _documents(REALDOCS, "*.pdf")] or ["(none)"])
def test_clashes_are_the_grids_on_every_real_page(name, monkeypatch):
    pages = _asked(need_shared(REALDOCS / name).read_bytes(), monkeypatch)
    for glyphs in pages:
        same_clashes(glyphs)
    assert pages  # every real document has text to measure (its own, or its signatures')


# --- crafted edge cases: what an attacker draws over genuine text ---------------------------------

def _g(x0, y, size=11.0, char="a", width=None, upright=True):
    width = 0.5 * size if width is None else width
    return Glyph(x0, x0 + width, y, size, char, False, "page", upright)


def _line(x, y, text, size=11.0):
    return [_g(x + k * 0.5 * size, y, size, c) for k, c in enumerate(text)]


CRAFTED = {
    "a digit drawn over a digit": _line(100, 700, "1.000.000") + [_g(100 + 0.5 * 11, 700, 11, "7")],
    "fake bold: the same glyph twice, nearly in place": _line(100, 700, "abc") + [_g(100.5, 700.3, 11, "a")],
    "the same character a little further": _line(100, 700, "abc") + [_g(103, 700, 11, "a")],
    "a giant glyph over a paragraph": [g for k in range(20) for g in _line(72, 700 - 14 * k, "hop dong so 123")]
    + [_g(80, 500, 400, "X")],
    "a glyph stretched over a line": _line(72, 700, "tong kinh phi 1.000.000 dong") + [_g(60, 699, 11, "8", width=600)],
    "a glyph stretched a page wide and tall": [g for k in range(10) for g in _line(72, 700 - 14 * k, "so 45")]
    + [_g(-5e6, 100, 50_000, "W", width=9e6)],
    "glyphs on row boundaries": [_g(16.0 * k, 16.0 * r - 11 * _BODY[0], 11, "ab"[k % 2]) for k in range(-4, 4)
                                 for r in range(-3, 3)] + [_g(0.0, 0.0, 16.0, "c"), _g(-16.0, -16.0, 16.0, "d")],
    "boxes just meeting": [_g(0, 0, 10, "a"), _g(5 - 0.2 + 1e-9, 0, 10, "b"), _g(5 - 0.2, 0, 10, "c")],
    "reversed glyphs (x1 before x0)": [Glyph(110, 100, 700, 11, "a", False, "page", True),
                                       Glyph(104, 114, 700, 11, "b", False, "page", True)],
    "coordinates near the limit": [_g(9_999_990, 0, 11, "a"), _g(9_999_992, 0, 11, "b"), _g(-9_999_995, -9_999_990, 1, "c"),
                                   _g(-9_999_995, -9_999_990, 1, "d")],
    "not finite": [_g(math.nan, 0), _g(0, math.inf), _g(0, 0, math.inf), _g(0, 0, math.nan), _g(0, 0, 11, "b"),
                   Glyph(0, math.inf, 0, 11, "x", False, "page", True)],
    "not upright, spaces, no size": [_g(0, 0, upright=False), _g(1, 0, char=" "), _g(2, 0, 0.0), _g(3, 0, -11.0),
                                     _g(4, 0, 11, "\u00a0"), _g(2, 0, 11, "z")],
    "tiny and huge sizes together": [_g(100, 100, 0.01, "a"), _g(100, 100, 0.01, "b"), _g(99, 90, 80, "Q"),
                                     _g(100.001, 100.001, 1e-6, "c")],
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_clashes_are_the_grids_on_crafted_pages(name):
    same_clashes(CRAFTED[name], grid=False)


def test_a_digit_drawn_over_a_digit_is_a_clash():
    glyphs = CRAFTED["a digit drawn over a digit"]
    assert painted._clashes(glyphs)[len(glyphs) - 1] == {1}


def test_one_stretched_glyph_does_not_make_the_page_quadratic():
    """A glyph stretched over the page is compared with every glyph, not put in every row and
    window: 6,000 glyphs with one over them all are told in well under a second."""
    glyphs = [g for k in range(120) for g in _line(30, 800 - 6.5 * k, "x" * 50, 6.0)]
    glyphs.append(_g(-1e6, -1e6, 1.5e6, "W", width=5e6))
    start = time.process_time()
    found = painted._clashes(glyphs)
    assert time.process_time() - start < 1.0
    assert len(found) == len(glyphs)  # everything meets the giant, and the giant everything


# --- random glyphs -----------------------------------------------------------------------------

_COORD = st.one_of(
    st.floats(-40, 40),
    st.sampled_from([0.0, -0.0, 16.0, -16.0, 12.0, 24.0, 32.0, 15.999999, 16.000001, -8.0, 1e7 - 1, -1e7 + 1, 1e7]),
    st.integers(-3, 3).map(lambda k: 16.0 * k),
    st.floats(-2e7, 2e7),
    st.sampled_from([math.nan, math.inf, -math.inf]),
)
_SIZE = st.one_of(st.floats(0.5, 30), st.sampled_from([0.0, -11.0, 1e-9, 11.0, 14.0, 64.0, 150.0, 1e5, math.inf, math.nan]))
_WIDTH = st.one_of(st.floats(0, 12), st.sampled_from([0.0, -6.0, 47.9, 48.0, 48.1, 60.0, 1e4]))
_GLYPH = st.builds(lambda x, w, y, s, c, u: Glyph(x, x + w, y, s, c, False, "page", u),
                   _COORD, _WIDTH, _COORD, _SIZE, st.sampled_from(list("aaáb1 .")), st.sampled_from([True, True, True, False]))


@settings(max_examples=400, deadline=None)
@given(st.lists(_GLYPH, max_size=40))
def test_clashes_are_the_grids_on_random_glyphs(glyphs):
    same_clashes(glyphs, grid=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(lambda x, y, s, c, w: _g(x, y, s, c, w), st.floats(0, 60), st.floats(0, 60),
                          st.floats(1, 30), st.sampled_from(list("ab1")), st.floats(0.1, 20)), max_size=60))
def test_clashes_are_the_grids_on_crowded_random_glyphs(glyphs):
    same_clashes(glyphs, grid=False)


# --- _boxes: one pass for the three functions it replaced -------------------------------------

def reference_body(g, matrix, size):
    if not g.upright:
        return None
    x0, x1 = sorted((g.x0, g.x1))
    y0, y1 = g.y + _BODY[0] * g.size, g.y + _BODY[1] * g.size
    a, b, c, d, e, f = matrix
    xs, ys = [], []
    for x in (x0, x1):
        for y in (y0, y1):
            xs.append(a * x + c * y + e)
            ys.append(b * x + d * y + f)
    w, h = size
    left, top = max(0, int(min(xs))), max(0, int(min(ys)))
    right, bottom = min(w, int(max(xs) + 0.999)), min(h, int(max(ys) + 0.999))
    if right <= left or bottom <= top:
        return None
    return left, top, right, bottom


def reference_outside(g, matrix, size) -> bool:
    x0, x1 = sorted((g.x0, g.x1))
    y0, y1 = g.y + _BODY[0] * g.size, g.y + _BODY[1] * g.size
    if not (x1 > x0 and y1 > y0):
        return False
    a, b, c, d, e, f = matrix
    xs = [a * x + c * y + e for x in (x0, x1) for y in (y0, y1)]
    ys = [b * x + d * y + f for x in (x0, x1) for y in (y0, y1)]
    w, h = size
    return max(xs) <= 0 or min(xs) >= w or max(ys) <= 0 or min(ys) >= h


def reference_illegible(g) -> bool:
    import unicodedata

    if not unicodedata.category(g.char[:1] or " ").startswith(("L", "N")):
        return False
    return abs(g.size) < painted.MIN_LEGIBLE or abs(g.x1 - g.x0) < painted.MIN_ASPECT * abs(g.size)


def reference_boxes(glyphs, matrix, size):
    """As _page read them: the boxes, then outside for the upright glyphs without one, then
    spaces and illegible glyphs (outside is not read for those: False there)."""
    full = [reference_body(g, matrix, size) if not g.char.isspace() else None for g in glyphs]
    outside = [b is None and g.upright and reference_outside(g, matrix, size) for g, b in zip(glyphs, full)]
    hidden = [g.char.isspace() or reference_illegible(g) for g in glyphs]
    outside = [False if gone and g.char.isspace() else out for g, out, gone in zip(glyphs, outside, hidden)]
    return full, outside, hidden


def same_boxes(glyphs, matrix, size) -> None:
    try:
        want = reference_boxes(glyphs, matrix, size)
    except (ValueError, OverflowError) as exc:  # int() of a coordinate not finite: the page is not measured
        with pytest.raises(type(exc), match=str(exc)):
            painted._boxes(glyphs, matrix, size)
        return
    assert painted._boxes(glyphs, matrix, size) == want


# A4 drawn as _matrix gives it at SCALE: upright, cropped (the crop box's corner not at 0),
# rotated a quarter and a half turn
A4 = (595.0, 842.0)
MATRICES = [((2.0, 0.0, 0.0, -2.0, 0.0, 1684.0), (1190, 1684)),
            ((2.0, 0.0, 0.0, -2.0, -100.0, 1500.0), (1000, 1400)),
            ((0.0, 2.0, 2.0, 0.0, 0.0, 0.0), (1684, 1190)),
            ((-2.0, 0.0, 0.0, 2.0, 1190.0, 0.0), (1190, 1684))]


@pytest.mark.parametrize("name", [p.name for p in _documents(REALDOCS, "*.pdf")] or ["(none)"])
def test_boxes_are_the_three_functions_on_every_real_page(name, monkeypatch):
    for glyphs in _asked(need_shared(REALDOCS / name).read_bytes(), monkeypatch):
        for matrix, size in MATRICES[::2]:  # upright and a quarter turn: the samples take all four
            same_boxes(glyphs, matrix, size)


def test_boxes_are_the_three_functions_on_every_sample_page(monkeypatch):
    for path in _documents(SAMPLES, "**/*.pdf"):
        for glyphs in _asked(path.read_bytes(), monkeypatch):
            for matrix, size in MATRICES:
                same_boxes(glyphs, matrix, size)


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_boxes_are_the_three_functions_on_crafted_pages(name):
    for matrix, size in MATRICES:
        same_boxes(CRAFTED[name], matrix, size)


_LEGIBILITY = st.builds(lambda x, w, y, s, c, u: Glyph(x, x + w, y, s, c, False, "page", u),
                        st.floats(-700, 1300), st.one_of(st.floats(-20, 20), st.sampled_from([0.0, 0.1, 0.12, 1e-9])),
                        st.floats(-700, 1300), st.one_of(st.floats(-30, 30), st.sampled_from([1.5, -1.5, 1.4999, 0.0])),
                        st.sampled_from(["a", "1", "Ấ", ".", "\u0301", " ", "\u00a0", "", "ab", "\u2028"]),
                        st.sampled_from([True, True, False]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_LEGIBILITY, _GLYPH), max_size=30), st.sampled_from(MATRICES),
       st.tuples(*[st.floats(-3, 3)] * 4, st.floats(-2000, 2000), st.floats(-2000, 2000)))
def test_boxes_are_the_three_functions_on_random_glyphs(glyphs, drawn, other):
    matrix, size = drawn
    same_boxes(glyphs, matrix, size)
    same_boxes(glyphs, other, size)  # any matrix, sheared too


# --- _owned and _placed's windows: the characters PDFium places near a glyph ------------------

def reference_owners(placed, g, same: bool) -> list[int]:
    import unicodedata

    wanted = {unicodedata.normalize("NFC", g.char), unicodedata.normalize("NFD", g.char)[:1]}
    near = painted._ORIGIN * max(g.size, 1.0)
    out, there = [], []
    candidates = placed.around(g.x0, g.y, near) if isinstance(placed, painted._Near) else placed
    for char, x, y, key in candidates:
        if abs(x - g.x0) <= near and abs(y - g.y) <= near:
            if char in wanted and key not in out:
                out.append(key)
            if key not in there:
                there.append(key)
    return out if same else there if len(there) == 1 else []


def same_owners(placed: list, glyphs: list, asked: list) -> None:
    """_owned over the characters _placed keeps for the glyphs `asked` (a _Near over them)
    says for each of those glyphs what the reference says over every character."""
    holds = painted._Windows(asked).holds
    kept = painted._Near([p for p in placed if holds(p[1], p[2])])
    for g in asked:
        want = (reference_owners(placed, g, True), reference_owners(placed, g, False))
        assert painted._owned(kept, g) == want
        assert painted._owned(placed, g) == want


def _real_pages(data: bytes, monkeypatch):
    """(page index, glyphs measure is asked for) of the last revision of a document."""
    from verifier.pdf.pdftext import DocumentText

    monkeypatch.setattr(painted, "measure", lambda _d, r: {i: painted.unknown(g, "-") for i, g in r.items()})
    doc = DocumentText(data)
    return [(i, doc.paint_glyphs(i)) for i in range(doc.page_count())]


@pytest.mark.parametrize("name", [p.name for p in _documents(REALDOCS, "*.pdf")] or ["(none)"])
def test_owners_from_the_kept_characters_on_every_real_page(name, monkeypatch):
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    data = need_shared(REALDOCS / name).read_bytes()
    pdf = pdfium.PdfDocument(data)
    try:
        for index, glyphs in _real_pages(data, monkeypatch)[:4]:
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                placed = painted._placed(raw, textpage)
                asked = glyphs[::max(1, len(glyphs) // 80)]  # spread over the page, and the signatures'
                same_owners(placed, glyphs, asked)
                # _placed with the windows keeps what the filter above keeps, in order
                windows = painted._Windows(asked)
                assert painted._placed(raw, textpage, windows) == [p for p in placed if windows.holds(p[1], p[2])]
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()


_PLACE = st.one_of(st.floats(-50, 50), st.sampled_from([0.0, 8.0, -8.0, 16.0, 7.999999, 1e9, -1e9, 2e9, math.nan, math.inf]))
_PLACED = st.lists(st.tuples(st.sampled_from(["a", "á", "b", "1", "A\u0301"]), _PLACE, _PLACE, st.integers(1, 6)), max_size=40)
_ASKED = st.lists(st.builds(lambda x, y, s, c: Glyph(x, x + 5, y, s, c, False, "page", True),
                            _PLACE, _PLACE, st.one_of(st.floats(0, 40), st.sampled_from([1e8, 1e10, math.inf, math.nan, -5.0])),
                            st.sampled_from(["a", "á", "a\u0301", "b", "1"])), max_size=12)


@settings(max_examples=400, deadline=None)
@given(_PLACED, _ASKED)
def test_owners_from_the_kept_characters_on_random_places(placed, asked):
    same_owners(placed, asked, asked)


# --- _Mask over a region of the drawing ---------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30), st.data())
def test_a_mask_of_a_region_counts_as_the_whole_in_the_boxes_within_it(w, h, data):
    from PIL import Image

    a = Image.frombytes("L", (w, h), bytes(data.draw(st.lists(st.sampled_from([0, 10, 200, 255]), min_size=w * h, max_size=w * h))))
    b = Image.frombytes("L", (w, h), bytes(data.draw(st.lists(st.sampled_from([0, 30, 255]), min_size=w * h, max_size=w * h))))
    whole = painted._mask(a, b)
    side = st.integers(-5, 35)
    boxes = data.draw(st.lists(st.tuples(side, side, side, side), min_size=1, max_size=6))
    clipped = [(max(p[0], 0), max(p[1], 0), min(p[2], w), min(p[3], h)) for p in boxes]
    inside = [c for c in clipped if c[2] > c[0] and c[3] > c[1]]
    region = (min(c[0] for c in inside), min(c[1] for c in inside), max(c[2] for c in inside),
              max(c[3] for c in inside)) if inside else (0, 0, 0, 0)
    part = painted._mask(a, b, region)
    for px in boxes:
        for wanted in (1, 2, 3, 5.5, 40):
            assert part.at_least(px, wanted) == whole.at_least(px, wanted)


# --- the whole measurement against the reference pieces -----------------------------------------

def _reference_pieces(monkeypatch) -> None:
    """painted with each shortcut replaced by the code it replaced."""
    mask = painted._mask
    monkeypatch.setattr(painted, "_clashes", reference_clashes)
    monkeypatch.setattr(painted, "_boxes", reference_boxes)
    monkeypatch.setattr(painted, "_owned", lambda placed, g: (reference_owners(placed, g, True),
                                                               reference_owners(placed, g, False)))
    monkeypatch.setattr(painted, "_Windows", type("Every", (), {"__init__": lambda self, g: None,
                                                               "holds": lambda self, x, y: True}))
    monkeypatch.setattr(painted, "_mask", lambda a, b, region=None: mask(a, b))


def _marks_both_ways(data: bytes, monkeypatch) -> int:
    pages = _real_pages(data, monkeypatch)
    monkeypatch.undo()
    requests = {i: g for i, g in pages[:8] if g}  # a document's first pages: a long one takes a minute
    mask = painted._mask
    told = []

    def checked(a, b, region=None):
        # a mask of a region answers, for every box the measurement asks of it, as the mask
        # of the whole drawing at every threshold (in this very run: which objects share a
        # batch follows their addresses, so two runs may batch them otherwise)
        part = mask(a, b, region)
        if region is None:
            return part
        whole = mask(a, b)

        class Both:
            bbox = part.bbox

            def at_least(self, px, wanted):
                answers = [(part.at_least(px, k), whole.at_least(px, k)) for k in (1, 2, 4, 8, 16, 32, 64, wanted)]
                assert all(p == w for p, w in answers), (px, region, answers)
                told.append(px)
                return part.at_least(px, wanted)

        return Both()

    with monkeypatch.context() as m:
        m.setattr(painted, "_mask", checked)
        fast = {i: (r.state, r.marks, r.reason) for i, r in painted.measure(data, requests).items()}
    with monkeypatch.context() as m:
        _reference_pieces(m)
        slow = {i: (r.state, r.marks, r.reason) for i, r in painted.measure(data, requests).items()}
    assert fast == slow
    return len(told)


@pytest.mark.parametrize("name", [p.name for p in _documents(REALDOCS, "*.pdf")] or ["(none)"])
def test_marks_are_the_reference_pieces_on_every_real_page(name, monkeypatch):
    told = _marks_both_ways(need_shared(REALDOCS / name).read_bytes(), monkeypatch)
    if name.startswith(("49-2026", "6666eaf3")):
        assert told > 100  # signatures drawn over the text: many boxes asked of the batches' masks


def test_marks_are_the_reference_pieces_on_every_sample_page(monkeypatch):
    for path in _documents(SAMPLES, "**/*.pdf"):
        try:
            _marks_both_ways(path.read_bytes(), monkeypatch)
        except Exception as exc:  # not readable as text (encrypted, broken): not measured
            if type(exc).__name__ != "Unreadable" and not isinstance(exc, ValueError):
                raise


def test_glyphs_drawn_over_each_other_that_no_viewer_shows_cost_no_drawing(monkeypatch):
    """The benchmark documents' signature stamps are written in letters too small to read
    (0.9 point): their glyphs are drawn over each other, and none is painted whatever lies over
    it, so telling them apart could change no mark. The page is drawn three times (as displayed,
    flattened, without its text), not once more per batch of them, and its marks are those it
    gets when every batch is drawn."""
    from verifier.pdf.pdftext import DocumentText

    data = benchmark_file(1, 3).read_bytes()
    glyphs = DocumentText(data).paint_glyphs(0, len(data))
    clashes = painted._clashes(glyphs)
    assert len(clashes) > 100 and all(glyphs[i].size < painted.MIN_LEGIBLE for i in clashes)
    drawn = []
    original = painted._draw

    def counted(page, crop):
        drawn.append(crop)
        return original(page, crop)

    monkeypatch.setattr(painted, "_draw", counted)
    marks = painted.measure(data, {0: glyphs})[0]
    assert marks.state == painted.MEASURED and len(drawn) == 3
    monkeypatch.setattr(painted, "_may_change", lambda marks, told: bool(told))
    every_batch = painted.measure(data, {0: glyphs})[0]
    assert len(drawn) > 3 + 3 and every_batch.marks == marks.marks
