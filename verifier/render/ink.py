"""Ink on a rendered page: what a region of a page displays, told from the pixels PDFium drew
(verifier.render.pages), and what PDFium's page objects say it is.

The overlap finding asks what lies under an annotation added after signing. The text layer
answers for words; a scanned page has none (the scan is one image), and a seal, a signature
image, a drawn line or an earlier signature's appearance are no text either. So the page is
drawn as the signed revision displayed it and the ink under the annotation is measured:

- a pixel is ink when it is at least as dark as INK_LEVEL (grey levels 0-255). 192 takes the
  anti-aliased strokes of small printed text at one pixel per point (a 7-point stamp's letters
  draw at 120-180), a blue signature (luminance about 30-80) and a red seal (about 76); it
  leaves out paper, the noise of a scan's white (above 230 in the scans of ../shared/realdocs),
  a light highlight (yellow is 226) and pale table shading;
- ink pixels connected (8 neighbours) are a group, weighed by their darkness (a black pixel
  weighs one pixel, one of grey 192 a quarter); a group weighing less than SPECK_MASS square
  points is speckle: the dust and noise a 200-300 dpi scanner leaves as one or two of its
  pixels, 0.1-0.2 mm, under half a square point once PDFium smooths the scan down (0.64 at
  most on tests/attacks/test_overlap.py's scan). A full stop of 8-point text weighs about one
  square point, a letter of a 7-point stamp 1.4-1.8, a printed word tens, a signature hundreds.

At scale 1 (one pixel per point, SCALE) a page of A4 is 595 x 842 pixels and draws in a few
hundredths of a second, which bounds the cost; finer scales changed no decision on the samples
and the real documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from verifier.render.pages import _LOCK, PageImage, RenderError
from verifier.pdf.opening import password

SCALE = 1.0
INK_LEVEL = 192
SPECK_MASS = 1.0  # square points of ink: a lighter group is speckle
CHANGE_LEVEL = 24  # a pixel an overlay changed: its grey level moved by more than this
MAX_PIXELS = 4_000_000  # a region larger than this is measured on a coarser grid
MAX_OBJECTS = 20_000  # page objects looked at per page; past this the rest count as drawing


@dataclass
class Ink:
    """The ink of a region: the groups of ink pixels that are not speckle, as pixel boxes
    (left, top, right, bottom; exclusive), and the darkness (0-1) of each of their pixels."""

    scale: float
    groups: list[tuple[int, int, int, int]] = field(default_factory=list)
    pixels: dict[tuple[int, int], float] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.groups)

    def box(self) -> tuple[int, int, int, int] | None:
        if not self.groups:
            return None
        return (min(b[0] for b in self.groups), min(b[1] for b in self.groups),
                max(b[2] for b in self.groups), max(b[3] for b in self.groups))

    def mass(self, pixels) -> float:
        """The weight of some of the pixels, in square points."""
        return sum(self.pixels.get(p, 0.0) for p in pixels) / (self.scale * self.scale)

    def heavy(self, pixels) -> bool:
        """Whether some of the pixels hold a group of ink that is not speckle."""
        return any(self.mass(g) >= SPECK_MASS for g in groups(set(pixels) & self.pixels.keys()))


def ink(page: PageImage, rect) -> Ink:
    """The ink a page shows inside the user-space rectangle `rect` (speckle left out)."""
    box = page.to_px(rect)
    dark = _darkness(page.image, box)
    out = Ink(page.scale)
    for group in groups(set(dark)):
        if sum(dark[p] for p in group) / (page.scale * page.scale) < SPECK_MASS:
            continue
        xs = [p[0] for p in group]
        ys = [p[1] for p in group]
        out.groups.append((min(xs), min(ys), max(xs) + 1, max(ys) + 1))
        out.pixels.update((p, dark[p]) for p in group)
    return out


def changed(before: PageImage, after: PageImage, rect) -> set[tuple[int, int]]:
    """The pixels inside `rect` that differ between two drawings of one page at one scale:
    what an overlay added in between draws (its strokes, or a background that hides)."""
    if before.image.size != after.image.size:
        return set()  # another page size: no pixel corresponds, the caller judges by the rectangle
    left, top, right, bottom = before.to_px(rect)
    if right <= left or bottom <= top:
        return set()
    from PIL import ImageChops

    box = (left, top, right, bottom)
    # |a - b| of each pixel (ImageChops.difference is exact on grey levels), then the pixels
    # past CHANGE_LEVEL found by a search of the bytes rather than a Python loop over each
    diff = ImageChops.difference(before.image.crop(box), after.image.crop(box)).tobytes()
    width = right - left
    return {(left + m.start() % width, top + m.start() // width) for m in _ABOVE_CHANGE.finditer(diff)}


def dark_pixels(page: PageImage, rect) -> set[tuple[int, int]]:
    """Every ink pixel inside `rect`, speckle included (what an overlay may draw over)."""
    return set(_darkness(page.image, page.to_px(rect)))


def _darkness(image, box) -> dict[tuple[int, int], float]:
    """The ink pixels of a pixel box, with their darkness (0 white, 1 black)."""
    left, top, right, bottom = box
    if right <= left or bottom <= top:
        return {}
    if (right - left) * (bottom - top) > MAX_PIXELS:
        raise RenderError("region too large to measure")
    data = image.crop(box).tobytes()
    width = right - left
    # the bytes at most INK_LEVEL found by a search (a page is mostly paper)
    return {(left + i % width, top + i // width): (255 - data[i]) / 255
            for i in (m.start() for m in _INK.finditer(data))}


_INK = re.compile(b"[\\x00-\\x%02x]" % INK_LEVEL)
_ABOVE_CHANGE = re.compile(b"[\\x%02x-\\xff]" % (CHANGE_LEVEL + 1))


def groups(pixels: set[tuple[int, int]]):
    """The 8-connected groups of a set of pixels. The neighbours are tried in one fixed order
    (x - 1, x, x + 1, and y - 1, y, y + 1 within each: the order of the nested loops this
    replaced), so the groups and the order of their pixels, on which the float sums of their
    weights depend, are the same; the pixel itself is not tried, having left the set before
    it was stacked (tests/test_ink_fast.py compares both)."""
    left = set(pixels)
    pop, remove = left.pop, left.remove
    while left:
        seed = pop()
        group = [seed]
        stack = [seed]
        add, push, take = group.append, stack.append, stack.pop
        while stack:
            x, y = take()
            a, b = x - 1, x + 1
            c, d = y - 1, y + 1
            for p in ((a, c), (a, y), (a, d), (x, c), (x, d), (b, c), (b, y), (b, d)):
                if p in left:
                    remove(p)
                    add(p)
                    push(p)
        yield group


# --- what PDFium says the page holds ------------------------------------------------------------

TEXT, IMAGE, DRAWING = "text", "image", "drawing"


@dataclass
class PageObjects:
    """The page-level objects PDFium read from a page's content, each as (kind, bounds in user
    space), and the text PDFium extracts inside rectangles asked for."""

    objects: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)
    texts: dict[tuple, str] = field(default_factory=dict)


def page_objects(data: bytes, wanted: dict[int, list[tuple]]) -> dict[int, PageObjects]:
    """For each page index of `wanted`, what its content is made of, and PDFium's text inside
    each rectangle listed. A form XObject counts as what it holds (an image if any, else text,
    else drawing), within its own bounds on the page."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    kinds = {raw.FPDF_PAGEOBJ_TEXT: TEXT, raw.FPDF_PAGEOBJ_IMAGE: IMAGE, raw.FPDF_PAGEOBJ_PATH: DRAWING,
             raw.FPDF_PAGEOBJ_SHADING: DRAWING}
    out: dict[int, PageObjects] = {}
    with _LOCK:
        try:
            doc = pdfium.PdfDocument(data, password=password())  # kyso verify --password
        except Exception as exc:
            raise RenderError(str(exc)) from exc
        try:
            for index, rects in wanted.items():
                if not 0 <= index < len(doc):
                    continue
                page = doc[index]
                facts = PageObjects()
                try:
                    budget = [MAX_OBJECTS]
                    for obj in page.get_objects(max_depth=1):
                        budget[0] -= 1
                        if budget[0] < 0:
                            break
                        kind = kinds.get(obj.type)
                        if obj.type == raw.FPDF_PAGEOBJ_FORM:
                            kind = _form_kind(page, obj, kinds, raw, budget)
                        if kind is not None:
                            facts.objects.append((kind, tuple(obj.get_bounds())))
                    if budget[0] < 0:  # the rest unread: anything there is at least a drawing
                        facts.objects.append((DRAWING, (-1e9, -1e9, 1e9, 1e9)))
                    textpage = page.get_textpage()
                    try:
                        for rect in rects:
                            facts.texts[tuple(rect)] = textpage.get_text_bounded(*rect)
                    finally:
                        textpage.close()
                finally:
                    page.close()
                out[index] = facts
        except RenderError:
            raise
        except Exception as exc:
            raise RenderError(str(exc)) from exc
        finally:
            doc.close()
    return out


def _form_kind(page, form, kinds, raw, budget) -> str:
    found = set()
    for obj in page.get_objects(max_depth=8, form=form):
        budget[0] -= 1
        if budget[0] < 0:
            break
        if obj.type in kinds:
            found.add(kinds[obj.type])
    return IMAGE if IMAGE in found else TEXT if TEXT in found else DRAWING
