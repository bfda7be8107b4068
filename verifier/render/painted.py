"""Which glyphs of a page a viewer paints: each glyph the text interpreter placed (the page's own
content and the signature appearances shown on it) is told painted, not painted or unknown, by
PDFium itself, so that the metadata is read only from what a reader sees.

A glyph extracted from the content is not necessarily seen: its text render mode may paint
nothing (3, 7), its colour may be that of what lies under it, a clipping path or its form's
/BBox may cut it away, later content or a later annotation may paint over it, its optional
content group may be off. PDFium, the renderer of the overlap check (verifier.render.ink) and of
most viewers, already applies every one of these rules; so the page is drawn twice, once as
displayed and once with every text object made to paint nothing, and a glyph is painted when
the pixels of its box differ between the two (what the text adds to the page, as seen):

- annotations are drawn into the page first (PDFium's flattening, the page's box kept as it
  was): their appearances become form XObjects of the page, in order, clipped to their /BBox,
  so their text objects are switched like the page's own. Where the flattened page does not
  look like the page PDFium draws with its forms (a field PDFium generates an appearance for),
  the glyphs there are unknown;
- a glyph wholly outside the page's crop box is not painted (no viewer draws there);
- render modes 0-2 become 3 (no paint), 4-6 become 7 (clip only, so that what the text clips
  is clipped as before);
- a glyph whose box meets the box of another glyph of another character (a spoof drawn over a
  genuine word) cannot be told by the difference of all text at once: its own text object (the
  one PDFium places that character at that origin for) is switched alone, and the glyph is
  painted when that changes its box. More such objects than MAX_ISOLATIONS per page: unknown.

A glyph of a letter or a digit too small or too narrow to be read as that character
(_boxes: under MIN_LEGIBLE points high, or narrower than MIN_ASPECT of its height: a number
drawn at 1 point, or squeezed by the horizontal scaling or the text matrix into a smudge) is not
painted either: a viewer puts ink there, but no reader sees that character.

The page is drawn at SCALE pixels per point; a pixel changed when its grey level moves by more
than CHANGE_LEVEL (text of nearly the paper's colour is not seen), and a glyph painted when at
least MIN_PIXELS pixels of its box change. Cost, measured on samples/plan.pdf and
../shared/realdocs/50-2026-ND-CP.pdf: about 0.05-0.15 s a page (three drawings).

Decides nothing about the document: the caller (verifier.pdf.pdftext) keeps painted and unknown
glyphs, and says which pages could not be measured.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import unicodedata
from dataclasses import dataclass, field

from verifier.render.pages import _LOCK, RenderError
from verifier.pdf.opening import password

log = logging.getLogger(__name__)

PAINTED, NOT_PAINTED, UNKNOWN = "painted", "not painted", "unknown"
MEASURED = "measured"  # a page's state when its glyphs were told one by one

SCALE = 2.0  # pixels per point: a full stop of 8-point text is some 9 pixels
CHANGE_LEVEL = 24  # as verifier.render.ink: a pixel the text changes moves by more than this
MIN_PIXELS = 3  # changed pixels in a glyph's box for it to be painted (0.75 square points)
# and at least this part of the box: a full stop or a hyphen changes some 10 %; a glyph of the
# paper's colour over a neighbour's stroke, or reached by a neighbour's diacritic, a few pixels
MIN_SHARE = 0.04
MIN_LEGIBLE = 1.5  # points: a viewer zoomed in reads a long notation shrunk to 2 points to fit its
# line (tests/test_archive_guard.py), so only smaller text is not read
MIN_ASPECT = 0.12  # em: the narrowest letter of a condensed font ('i', 'l') is some 0.2 em wide
MAX_ISOLATIONS = 48  # text objects drawn alone per page to tell glyphs drawn over each other
MAX_PIXELS = 40_000_000  # a page larger than this (at SCALE) is not measured
# a glyph's box for the measurement, in em from its baseline: the body of Latin and Vietnamese
# letters and digits; the box of another glyph that can reach into it: with stacked diacritics
_BODY = (-0.15, 0.75)
_REACH = (-0.25, 1.0)
_CLASH = 0.02  # em: boxes overlapping by more than this, both ways, are drawn over each other
_SAME = 0.2  # em: the same character this near is the same glyph drawn twice (fake bold, two layers)
_ORIGIN = 0.3  # em: PDFium's origin of a character this near the glyph's is the same glyph


@dataclass
class PagePaint:
    """What a viewer paints of the glyphs asked for one page: `marks[i]` for `glyphs[i]`;
    `state` MEASURED, or UNKNOWN with `reason` (then every mark is UNKNOWN)."""

    state: str
    marks: list[str] = field(default_factory=list)
    reason: str = ""

    def counts(self) -> dict[str, int]:
        out = {PAINTED: 0, NOT_PAINTED: 0, UNKNOWN: 0}
        for m in self.marks:
            out[m] += 1
        return out


def unknown(glyphs, reason: str) -> PagePaint:
    return PagePaint(UNKNOWN, [UNKNOWN] * len(glyphs), reason)


def measure(data, requests: dict[int, list]) -> dict[int, PagePaint]:
    """For each page index of `requests` (from 0), the marks of its glyphs (verifier.pdf.text
    Glyph, in default user space). `data`: the PDF's bytes (a revision: the file cut at its
    end). Never raises: what PDFium cannot open or draw is UNKNOWN with the reason."""
    out: dict[int, PagePaint] = {}
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw
    except Exception as exc:  # pragma: no cover - a dependency of the package
        return {i: unknown(g, f"PDFium unavailable: {exc}") for i, g in requests.items()}
    with _LOCK:
        try:
            doc = pdfium.PdfDocument(data, password=password())  # kyso verify --password
        except Exception as exc:
            return {i: unknown(g, f"PDFium cannot open the document: {exc}") for i, g in requests.items()}
        try:
            try:
                doc.init_forms()
            except Exception as exc:
                return {i: unknown(g, f"PDFium cannot open the forms: {exc}") for i, g in requests.items()}
            for index, glyphs in requests.items():
                if not 0 <= index < len(doc):
                    out[index] = unknown(glyphs, "no such page")
                    continue
                try:
                    out[index] = _page(doc, raw, index, glyphs)
                except Exception as exc:
                    log.debug("page %d not measured", index + 1, exc_info=True)
                    out[index] = unknown(glyphs, f"PDFium cannot draw page {index + 1}: {exc}")
        finally:
            doc.close()
    return out


_INVISIBLE = {0: 3, 1: 3, 2: 3, 4: 7, 5: 7, 6: 7}


def _draw(page, crop):
    return page.render(scale=SCALE, crop=crop, may_draw_forms=True, grayscale=True).to_pil().convert("L")


def _page(doc, raw, index: int, glyphs: list) -> PagePaint:
    """The marks of one page's glyphs. Only the part of the page holding them is drawn (a
    scanned page's image is most of the cost): the union of their boxes and a margin."""
    import math

    from verifier.render.pages import _matrix

    page = doc[index]
    try:
        w, h = page.get_size()
        if w * h * SCALE * SCALE > MAX_PIXELS:
            return unknown(glyphs, "the page is too large to draw")
        size = (math.ceil(w * SCALE), math.ceil(h * SCALE))
        matrix = _matrix(raw, page, size)
        full, outside, hidden = _boxes(glyphs, matrix, size)
        inked = [b for b in full if b is not None]
        if not inked:
            return PagePaint(MEASURED, [NOT_PAINTED if gone or not g.upright or out else UNKNOWN
                                        for g, out, gone in zip(glyphs, outside, hidden)])
        left = max(0, min(b[0] for b in inked) - _MARGIN)
        top = max(0, min(b[1] for b in inked) - _MARGIN)
        right = min(size[0], max(b[2] for b in inked) + _MARGIN)
        bottom = min(size[1], max(b[3] for b in inked) + _MARGIN)
        # pypdfium2 cuts ceil(c * SCALE) pixels off each side: exact for a SCALE of a power of two
        crop = (left / SCALE, (size[1] - bottom) / SCALE, (size[0] - right) / SCALE, top / SCALE)
        shown = _draw(page, crop)
        # flattening writes a page's own /MediaBox, letter-sized when it inherits one: keep its box
        box = page.get_bbox()
        page.set_mediabox(*box)
        page.set_cropbox(*box)
        if raw.FPDFPage_Flatten(page.raw, raw.FLAT_NORMALDISPLAY) == raw.FLATTEN_FAIL:
            raise RenderError("the annotations cannot be drawn into the page")
    finally:
        page.close()
    page = doc[index]  # read again: the flattened content
    try:
        flat = _draw(page, crop)
        if flat.size != shown.size:
            return unknown(glyphs, "the page drawn with its annotations has another size")
        texts = [_Obj(h) for t, h in _objects(raw, page.raw) if t == raw.FPDF_PAGEOBJ_TEXT]
        modes = {o.key: raw.FPDFTextObj_GetTextRenderMode(o.raw) for o in texts}
        for o in texts:
            _set_mode(raw, o, _INVISIBLE.get(modes[o.key], modes[o.key]))
        bare = _draw(page, crop)
        for o in texts:
            _set_mode(raw, o, modes[o.key])
        changed = _mask(flat, bare)
        differs = _mask(shown, flat)  # where flattening shows otherwise than the viewer
        boxes = [(b[0] - left, b[1] - top, b[2] - left, b[3] - top) if b is not None else None for b in full]
        marks = []
        clashes = _clashes(glyphs)
        over = differs.bbox is not None  # else no box of it changed: the test below is False
        for g, px, out, gone in zip(glyphs, boxes, outside, hidden):
            if gone:
                marks.append(NOT_PAINTED)  # no ink to paint (lines_of leaves spaces out), or none to read
            elif px is None:
                marks.append(UNKNOWN if g.upright and not out else NOT_PAINTED)
            elif over and differs.at_least(px, 1):
                marks.append(UNKNOWN)
            else:
                marks.append(PAINTED if _inked(changed, px) else NOT_PAINTED)
        told = [i for i in clashes if marks[i] != UNKNOWN]
        if _may_change(marks, told):
            textpage = page.get_textpage()
            try:
                _apart(raw, page, crop, textpage, texts, modes, glyphs, boxes, flat, {i: clashes[i] for i in told}, marks)
            finally:
                textpage.close()
        return PagePaint(MEASURED, marks)
    finally:
        page.close()


_MARGIN = 4  # pixels drawn around the glyphs' boxes


def _may_change(marks: list, told: list) -> bool:
    """Whether telling the glyphs `told` apart (_apart) can change a mark: only a painted one's
    can. A page whose glyphs drawn over each other are all not painted (a signature's stamp in
    letters too small to read) is not drawn once more per batch of them for nothing."""
    return any(marks[i] == PAINTED for i in told)


class _Obj:
    """A page object's handle and its key: the handle's address, as _placed names the text
    object of a character."""

    __slots__ = ("raw", "key")

    def __init__(self, handle):
        self.raw = handle
        self.key = ctypes.cast(handle, ctypes.c_void_p).value or 0


def _objects(raw, parent, form: bool = False, max_depth: int = 15, level: int = 0):
    """(type, handle) of the objects of a page (or, with `form`, of a form object), in the order
    of pypdfium2's PdfPage.get_objects with the same max_depth (a form's objects right after
    it), raising what it raises, without the helper object it makes for each (a tenth of the
    measurement of a page of a few thousand objects)."""
    from pypdfium2 import PdfiumError

    count = raw.FPDFFormObj_CountObjects if form else raw.FPDFPage_CountObjects
    get = raw.FPDFFormObj_GetObject if form else raw.FPDFPage_GetObject
    n = count(parent)
    if n < 0:
        raise PdfiumError("Failed to get number of pageobjects.")
    for i in range(n):
        handle = get(parent, i)
        if not handle:
            raise PdfiumError("Failed to get pageobject.")
        kind = raw.FPDFPageObj_GetType(handle)
        if kind == raw.FPDF_PAGEOBJ_UNKNOWN:
            raise PdfiumError("Failed to determine pageobject type, did you pass in a valid FPDF_PAGEOBJECT handle?")
        yield kind, handle
        if kind == raw.FPDF_PAGEOBJ_FORM and level < max_depth - 1:
            yield from _objects(raw, handle, True, max_depth, level + 1)


def _bounds(raw, handle) -> tuple[float, float, float, float]:
    """pypdfium2's PdfObject.get_bounds of a handle."""
    from pypdfium2 import PdfiumError

    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not raw.FPDFPageObj_GetBounds(handle, left, bottom, right, top):
        raise PdfiumError("Failed to locate pageobject.")
    return left.value, bottom.value, right.value, top.value


def _set_mode(raw, obj, mode: int) -> None:
    raw.FPDFTextObj_SetTextRenderMode(obj.raw, mode)


def _mask(a, b, region=None) -> "_Mask":
    """The pixels that differ between two drawings of the same size; with `region` (a pixel
    box), only those within it (a box asked of the mask counts the same where its part inside
    the drawing lies within the region)."""
    from PIL import ImageChops

    origin = (0, 0)
    if region is not None:
        left, top, right, bottom = region
        if right <= left or bottom <= top:
            left = top = right = bottom = 0
        a, b, origin = a.crop((left, top, right, bottom)), b.crop((left, top, right, bottom)), (left, top)
    return _Mask(ImageChops.difference(a, b).point([0] * (CHANGE_LEVEL + 1) + [255] * (255 - CHANGE_LEVEL)), origin)


class _Mask:
    """The changed pixels (255, the others 0) of a drawing, counted in pixel boxes on the image's
    bytes: a page asks for thousands of glyph boxes, and a PIL crop and histogram per box was a
    fifth of the measurement. Counts as `image.crop(box).histogram()[255]` did: a crop's part
    outside the image is black there, so the box is clipped to the image. `origin`: where the
    image lies in the drawing (a region of it); boxes are in the drawing's pixels."""

    def __init__(self, image, origin=(0, 0)):
        self.image = image
        self.width, self.height = image.size
        # the box holding every changed pixel (None: none changed, as on most pages the
        # flattened page drawn against the viewer's): a box outside it counts none
        bbox = image.getbbox()
        if bbox is not None and origin != (0, 0):
            x, y = origin
            bbox = (bbox[0] + x, bbox[1] + y, bbox[2] + x, bbox[3] + y)
        self.bbox = bbox
        self.origin = origin
        self._bytes = image.tobytes() if self.bbox is not None else b""

    def at_least(self, px, wanted: float) -> bool:
        """Whether count(px) >= wanted, counting rows only until it is."""
        if wanted <= 0:
            return True
        bbox = self.bbox
        if bbox is None:
            return False
        left, top = max(px[0], bbox[0]), max(px[1], bbox[1])
        right, bottom = min(px[2], bbox[2]), min(px[3], bbox[3])
        if right <= left or bottom <= top:
            return False
        count, w, found = self._bytes.count, self.width, 0
        x, y = self.origin
        start = (top - y) * w + left - x  # the box's first row in the image's bytes, then row by row
        stop = start + right - left
        for _ in range(bottom - top):
            found += count(255, start, stop)
            if found >= wanted:
                return True
            start += w
            stop += w
        return False


def _inked(mask: _Mask, px) -> bool:
    """Whether enough of a glyph's box changed for the glyph to be painted."""
    area = (px[2] - px[0]) * (px[3] - px[1])
    return mask.at_least(px, max(MIN_PIXELS, MIN_SHARE * area))


def _boxes(glyphs: list, matrix, size) -> tuple[list, list[bool], list[bool]]:
    """For each glyph: the pixel box of its body (None when it has none: a space, not upright,
    no width, or wholly off the drawing); whether that body lies wholly outside the page as
    drawn (its crop box: no viewer draws there); whether it has nothing to read (a space, or a
    letter or a digit too small or too narrow for anyone to read it as that character: its
    ink is small by nature for punctuation and marks).

    One pass with the matrix unpacked once: a page has thousands of glyphs, and three
    functions a glyph with their lists of corners were a tenth of the measurement. Each value
    is computed by the same expressions as those functions (kept in tests/test_painted.py,
    which compares on every page of the samples and real documents and random glyphs): the
    corners in the same order to the same min and max (the same answer for any floats), the
    same int() that raises on a coordinate not finite. Whether the body is outside is only
    asked of an upright glyph without a box, never of a space (for the others: False)."""
    a, b, c, d, e, f = matrix
    w, h = size
    low, high = _BODY
    full, outside, hidden = [], [], []
    letters: dict[str, bool] = {}
    for g in glyphs:
        char = g.char
        if char.isspace():
            full.append(None)
            outside.append(False)
            hidden.append(True)
            continue
        first = char[:1] or " "
        letter = letters.get(first)
        if letter is None:
            letter = letters[first] = unicodedata.category(first).startswith(("L", "N"))
        hidden.append(letter and (abs(g.size) < MIN_LEGIBLE or abs(g.x1 - g.x0) < MIN_ASPECT * abs(g.size)))
        if not g.upright:
            full.append(None)
            outside.append(False)
            continue
        x0, x1 = (g.x1, g.x0) if g.x1 < g.x0 else (g.x0, g.x1)
        y0, y1 = g.y + low * g.size, g.y + high * g.size
        p0, p1, p2, p3 = a * x0 + c * y0 + e, a * x0 + c * y1 + e, a * x1 + c * y0 + e, a * x1 + c * y1 + e
        q0, q1, q2, q3 = b * x0 + d * y0 + f, b * x0 + d * y1 + f, b * x1 + d * y0 + f, b * x1 + d * y1 + f
        left, top = max(0, int(min(p0, p1, p2, p3))), max(0, int(min(q0, q1, q2, q3)))
        right, bottom = min(w, int(max(p0, p1, p2, p3) + 0.999)), min(h, int(max(q0, q1, q2, q3) + 0.999))
        if right <= left or bottom <= top:
            full.append(None)
            # outside the crop box only if there is a body at all (of some size)
            outside.append(x1 > x0 and y1 > y0 and (max(p0, p1, p2, p3) <= 0 or min(p0, p1, p2, p3) >= w
                                                     or max(q0, q1, q2, q3) <= 0 or min(q0, q1, q2, q3) >= h))
        else:
            full.append((left, top, right, bottom))
            outside.append(False)
    return full, outside, hidden


_ROW = 16.0  # points: the height of _clashes's rows (a line of text and a bit: fewer windows to read)
_TALL = 8  # rows: a glyph whose box spans more is compared with every glyph, not by rows
_WIDE = 48.0  # points: and one wider than this (a glyph stretched over a line)
_FAR = 1e7  # a glyph with a coordinate this large (or not finite) is left out, as drawn nowhere


def _clashes(glyphs: list) -> dict[int, set[int]]:
    """For each glyph whose body another glyph reaches into (another character, or the same
    one elsewhere than where a glyph drawn twice would be), the indexes of those others, keys
    in the order of the glyphs.

    Every pair of glyphs is told by one exact test (_meets); only which pairs are put to it is
    chosen, by a sweep: the glyphs' far boxes are put in rows of _ROW points (each in every row
    it spans), sorted by their left edge, and a glyph's body is compared only with the boxes
    of the rows it spans whose left edge lies in [its left - the row's widest box - 1, its
    right). That cannot leave out a pair the test accepts: boxes overlapping by more than a
    positive em both ways share a point (max of the bottoms, max of the lefts), whose row both
    span (floor is monotone); there the other's left edge is below this body's right edge, and
    its right edge beyond this body's left, so its left beyond that minus its width (the point
    of slack covers rounding, coordinates being under _FAR). A glyph taller than _TALL rows or
    wider than _WIDE points is compared with every glyph, both ways, so that one stretched
    glyph cannot widen every window of its rows or fill thousands of rows. A pair found in two
    rows is tested twice: the answer is a set. (tests/test_painted.py compares this with the
    12-point grid it replaced, on every page of the samples and real documents and on random
    glyphs; a sort and a bisect per row cost a fifth of the grid's Python loops.)"""
    from bisect import bisect_left

    items = _clash_items(glyphs)
    rows: dict[int, list] = {}
    big = []
    for item in items:
        f1, f3 = item[7], item[8]
        r0, r1 = int(f1 // _ROW), int(f3 // _ROW)
        if r1 - r0 > _TALL or item[6] - item[5] > _WIDE:
            big.append(item)
            continue
        for r in range(r0, r1 + 1):
            rows.setdefault(r, []).append(item)
    index = {}
    for r, row in rows.items():
        row.sort(key=_LEFT)
        index[r] = (row, [it[5] for it in row], max(it[6] - it[5] for it in row) + 1.0)
    out: dict[int, set[int]] = {}
    for item in items:
        b0, b2, b1, b3 = item[5], item[6], item[9], item[10]
        r0, r1 = int(b1 // _ROW), int(b3 // _ROW)
        if r1 - r0 > _TALL or b2 - b0 > _WIDE:
            found = _meeting(item, items)
        else:
            found = _meeting(item, big) if big else None
            for r in range(r0, r1 + 1):
                entry = index.get(r)
                if entry is not None:
                    row, lefts, width = entry
                    found = _meeting(item, row, bisect_left(lefts, b0 - width), bisect_left(lefts, b2), found)
        if found:
            out[item[0]] = found
    return out


def _LEFT(item):
    return item[5]


def _clash_items(glyphs: list) -> list[tuple]:
    """(index, char, x0 as given, y, size, left, right, far bottom, far top, body bottom, body
    top) of the glyphs _clashes compares: upright, not spaces, of a positive size, every
    coordinate of their boxes under _FAR. The boxes are computed as the grid computed them."""
    items = []
    b_low, b_high = _BODY
    f_low, f_high = _REACH
    for i, g in enumerate(glyphs):
        x0, x1, y, size, char = g.x0, g.x1, g.y, g.size, g.char
        if not g.upright or char.isspace() or not size > 0:
            continue
        left, right = (x1, x0) if x1 < x0 else (x0, x1)  # sorted((x0, x1))
        body_bottom, body_top = y + b_low * size, y + b_high * size
        far_bottom, far_top = y + f_low * size, y + f_high * size
        if (abs(left) < _FAR and abs(right) < _FAR and abs(body_bottom) < _FAR and abs(body_top) < _FAR
                and abs(far_bottom) < _FAR and abs(far_top) < _FAR):
            items.append((i, char, x0, y, size, left, right, far_bottom, far_top, body_bottom, body_top))
    return items


def _meeting(item, others, lo: int = 0, hi: int | None = None, found: set[int] | None = None) -> set[int] | None:
    """`found` (None: none yet) with the indexes of `others[lo:hi]` whose far box `item`'s body
    meets (the exact test: overlapping by more than _CLASH of the smaller size both ways, not
    the same character at the same place, not itself). The range is walked by index, not
    sliced: this is the loop over every pair of neighbours of a page."""
    i, char, gx, gy, size, b0, b2, _, _, b1, b3 = item
    same = _SAME * size
    for k in range(lo, len(others) if hi is None else hi):
        j, other, hx, hy, hsize, f0, f2, f1, f3, _, _ = others[k]
        em = _CLASH * (size if size <= hsize else hsize)
        if ((f3 if f3 < b3 else b3) - (f1 if f1 > b1 else b1) > em
                and (f2 if f2 < b2 else b2) - (f0 if f0 > b0 else b0) > em and j != i
                and not (other == char and abs(hx - gx) < same and abs(hy - gy) < same)):
            if found is None:
                found = {j}
            else:
                found.add(j)
    return found


def _apart(raw, page, crop, textpage, texts, modes, glyphs, boxes, flat, clashes, marks) -> None:
    """Marks the glyphs drawn over by others by switching off their own text objects, several
    at a time: objects whose glyphs meet are put in different batches (a greedy colouring), so
    that in each drawing a glyph's box changes only by its own object's ink. A glyph whose
    object PDFium does not show, or that meets a glyph of its own object, keeps the mark of
    all text at once only when that says not painted, else is unknown; past MAX_ISOLATIONS
    batches, unknown."""
    asked = {*clashes, *(j for js in clashes.values() for j in js)}
    placed = _Near(_placed(raw, textpage, _Windows([glyphs[i] for i in asked])))
    units = {o.key: [o] for o in texts}
    forms = []  # the page's own forms (an annotation's appearance, once flattened, is one)
    for kind, handle in _objects(raw, page.raw, max_depth=0):
        if kind == raw.FPDF_PAGEOBJ_FORM:
            inner = [_Obj(h) for t, h in _objects(raw, handle, True) if t == raw.FPDF_PAGEOBJ_TEXT]
            if inner:
                key = _Obj(handle).key
                units[key] = inner
                forms.append((key, _bounds(raw, handle)))
    owners = {}
    for i in asked:
        g = glyphs[i]
        # PDFium reads no character there (text of a form it does not extract): the form drawing it
        m = _ORIGIN * max(g.size, 1.0)  # a form's bounds are its ink's: a glyph's origin lies a little outside
        same, sole = _owned(placed, g)
        owners[i] = (same
                     or [k for k, (l, b, r, t) in forms if l - m <= g.x0 <= r + m and b - m <= g.y <= t + m][-1:]
                     or sole)
    conflicts: dict[int, set[int]] = {}
    for i, js in clashes.items():
        for o in owners[i]:
            for j in js:
                for other in owners[j]:
                    if other != o:
                        conflicts.setdefault(o, set()).add(other)
                        conflicts.setdefault(other, set()).add(o)
    colour: dict[int, int] = {}
    # ties broken by the first glyph an object owns, not by its handle's address, which changes
    # from run to run: the same page is batched, and so measured, the same way every time
    first: dict[int, tuple[int, int]] = {}
    for i in sorted(clashes):
        for n, o in enumerate(owners[i]):
            first.setdefault(o, (i, n))
    for o in sorted(first, key=lambda o: (-len(conflicts.get(o, ())), first[o])):
        taken = {colour[n] for n in conflicts.get(o, ()) if n in colour}
        colour[o] = next(c for c in range(len(taken) + 1) if c not in taken)
    by_key = units
    masks: dict[int, object] = {}
    asked = _asked_regions(clashes, owners, colour, boxes, flat.size)
    for c in sorted(set(colour.values())):
        if c >= MAX_ISOLATIONS:
            break
        batch = [o for k, v in colour.items() if v == c and k in units for o in units[k]]
        for obj in batch:
            _set_mode(raw, obj, _INVISIBLE.get(modes[obj.key], modes[obj.key]))
        try:
            masks[c] = _mask(flat, _draw(page, crop), asked.get(c, (0, 0, 0, 0)))
        finally:
            for obj in batch:
                _set_mode(raw, obj, modes[obj.key])
    for i, js in clashes.items():
        own = owners[i]
        if marks[i] == NOT_PAINTED:
            continue  # all text switched off changed nothing there: nothing of it shows
        others = [j for j in js if set(owners[j]) - set(own)]
        if not others:
            continue  # drawn over only by its own text objects: all text at once tells
        if not own or any(o not in by_key or colour[o] not in masks for o in own):
            marks[i] = UNKNOWN
            continue
        shown = any(_inked(masks[colour[o]], boxes[i]) for o in own)
        marks[i] = PAINTED if shown else NOT_PAINTED


def _asked_regions(clashes, owners, colour, boxes, size) -> dict[int, tuple[int, int, int, int]]:
    """For each batch, the pixel box holding every glyph box its mask can be asked about (those
    of the glyphs one of whose own objects is of that colour), within the drawing of `size`:
    the difference is made there only (the drawing against the flattened page, several times a
    page), and counts the same pixels in each of those boxes (see _Mask)."""
    out: dict[int, tuple[int, int, int, int]] = {}
    w, h = size
    for i in clashes:
        px = boxes[i]
        if px is None:
            continue  # never asked: a glyph without a box is not painted here
        left, top, right, bottom = max(px[0], 0), max(px[1], 0), min(px[2], w), min(px[3], h)
        if right <= left or bottom <= top:
            continue  # no pixel of the drawing: counts none in any mask
        for o in owners[i]:
            c = colour.get(o)
            if c is None:
                continue
            had = out.get(c)
            out[c] = (left, top, right, bottom) if had is None else (
                min(had[0], left), min(had[1], top), max(had[2], right), max(had[3], bottom))
    return out


def _placed(raw, textpage, windows: "_Windows | None" = None) -> list[tuple[str, float, float, int]]:
    """(character, origin x, origin y, text object) of every character PDFium reads on the page
    whose origin `windows` may hold (all without). (Thousands of characters: the calls are
    bound once, the origin is read first so that a character no glyph asked about costs one
    call, the text object's address comes from a prototype of FPDFText_GetTextObject that
    returns it as a number rather than a pointer to cast, and each character code is
    normalised once.) The characters kept are in the page's order, as all of them were: what
    _owned reads of them, near a glyph asked, is the same."""
    x, y = ctypes.c_double(), ctypes.c_double()
    at_x, at_y = ctypes.byref(x), ctypes.byref(y)
    handle = textpage.raw
    unicode_of, origin_of, object_of = raw.FPDFText_GetUnicode, raw.FPDFText_GetCharOrigin, _address_getter(raw)
    holds = windows.holds if windows is not None else None
    chars: dict[int, str | None] = {}
    out = []
    for i in range(textpage.count_chars()):
        if not origin_of(handle, i, at_x, at_y):
            continue
        if holds is not None and not holds(x.value, y.value):
            continue
        code = unicode_of(handle, i)
        if not code:
            continue
        key = object_of(handle, i)
        if key:
            char = chars.get(code, "")
            if char == "":
                try:
                    char = unicodedata.normalize("NFC", chr(code))
                except ValueError:
                    char = None
                chars[code] = char
            if char is None:
                continue
            out.append((char, x.value, y.value, key))
    return out


class _Windows:
    """The cells of _Near.CELL points that windows of _ORIGIN em around the glyphs' origins
    reach (as _owned looks around a glyph), so that _placed keeps only characters whose origin
    may be in one. holds() can only say yes too often: a point within `near` of an origin lies
    in a cell between those of the window's corners (floor is monotone), and one more cell
    each side covers rounding. A glyph at a position no cell holds (not finite, beyond
    _Near.MAX_COORD) or with a window over more than _Near.MAX_CELLS cells keeps every
    character; so does a character at such a position."""

    def __init__(self, glyphs: list):
        c, limit = _Near.CELL, _Near.MAX_COORD
        self.every = False
        self.cells: set[tuple[int, int]] = set()
        for g in glyphs:
            near = _ORIGIN * max(g.size, 1.0)
            if not (abs(g.x0) < limit and abs(g.y) < limit and 0 <= near < limit):
                self.every = True
                return
            # one cell more each side, as _Near.around reads (a rounding cannot move a point a cell)
            x0, x1 = int((g.x0 - near) // c) - 1, int((g.x0 + near) // c) + 1
            y0, y1 = int((g.y - near) // c) - 1, int((g.y + near) // c) + 1
            if (x1 - x0 + 1) * (y1 - y0 + 1) > _Near.MAX_CELLS:
                self.every = True
                return
            self.cells.update((cx, cy) for cx in range(x0, x1 + 1) for cy in range(y0, y1 + 1))

    def holds(self, x: float, y: float) -> bool:
        limit, c = _Near.MAX_COORD, _Near.CELL
        if self.every or not (abs(x) < limit and abs(y) < limit):
            return True
        return (int(x // c), int(y // c)) in self.cells


def _address_getter(raw):
    """FPDFText_GetTextObject(textpage, index) giving the object's address (None for none), as
    ctypes.cast(pointer, c_void_p).value gives it."""
    function = raw.FPDFText_GetTextObject
    return ctypes.CFUNCTYPE(ctypes.c_void_p, *function.argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


def _owned(placed, g) -> tuple[list[int], list[int]]:
    """The text objects PDFium shows the glyph's character for at the glyph's origin; and (for
    when PDFium reads the character otherwise: another font mapping) the one object it shows
    anything for there, if only one, else []. `placed`: _placed's list, or a _Near over it
    (the same answer, looking only at the characters placed near the glyph). Both answers
    from one reading of the characters near the origin, in their order (two readings, and
    two normalisations of the character per glyph, were a tenth of the measurement of a page
    of five signatures over its text; tests/test_painted.py compares with them)."""
    wanted = _forms_of(g.char)
    gx, gy = g.x0, g.y
    near = _ORIGIN * max(g.size, 1.0)
    out, there = [], []
    candidates = placed.around(gx, gy, near) if isinstance(placed, _Near) else placed
    for char, x, y, key in candidates:
        if abs(x - gx) <= near and abs(y - gy) <= near:
            if char in wanted and key not in out:
                out.append(key)
            if key not in there:
                there.append(key)
    return out, there if len(there) == 1 else []


@functools.lru_cache(maxsize=4096)
def _forms_of(char: str) -> frozenset:
    """The characters PDFium may read for a glyph's: its composed form and its base letter."""
    return frozenset((unicodedata.normalize("NFC", char), unicodedata.normalize("NFD", char)[:1]))


class _Near:
    """_placed's characters on a grid of CELL points, so that _owned reads the few placed near
    a glyph instead of every character of the page (a page of 3,000 characters with 200 glyphs
    to tell took a tenth of a second). around() gives, in the list's order, every character
    whose origin can lie within `near` of a point, and others: it cannot miss one, because the
    cells it reads span the window one cell wider on each side than the window's own cells (a
    rounding of x - near cannot move a point by a cell), and characters at a position no cell
    holds (not finite, or beyond MAX_COORD) are always read; a window wider than MAX_CELLS
    cells, or around a point not finite, reads the whole list."""

    CELL = 8.0
    MAX_COORD = 1e9
    MAX_CELLS = 64

    def __init__(self, placed: list):
        self.placed = placed
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.always: list[int] = []
        for i, (_, x, y, _) in enumerate(placed):
            if abs(x) < self.MAX_COORD and abs(y) < self.MAX_COORD:
                self.cells.setdefault((int(x // self.CELL), int(y // self.CELL)), []).append(i)
            else:  # inf, nan, or huge: no cell; read for every glyph, as the full scan would
                self.always.append(i)

    def around(self, x: float, y: float, near: float) -> list:
        if not (abs(x) < self.MAX_COORD and abs(y) < self.MAX_COORD and 0 <= near < self.MAX_COORD):
            return self.placed
        c = self.CELL
        x0, x1 = int((x - near) // c) - 1, int((x + near) // c) + 1
        y0, y1 = int((y - near) // c) - 1, int((y + near) // c) + 1
        if (x1 - x0 + 1) * (y1 - y0 + 1) > self.MAX_CELLS:
            return self.placed
        found = list(self.always)
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                found.extend(self.cells.get((cx, cy), ()))
        placed = self.placed
        return [placed[i] for i in sorted(found)]
