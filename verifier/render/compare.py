"""What changed on screen after each signed revision: its pages drawn by PDFium beside the final
document's, the pixels that differ grouped into a few rectangles, the rectangles the caller
explains (the appearances later layers may draw) left out.

PDFium draws deterministically: the same bytes give the same pixels, so any difference is a
change of what a reader sees, and no tolerance is applied. Pages are compared in colour: two
colours PDFium would turn into one grey level (green text on a red band) are still two. The comparison's scale
(DEFAULT_SCALE) was chosen by measurement (bench/render_scale.py): a single changed digit of 10-14
pt text was detected at every scale from 0.25 px/pt, but below 0.5 the weakest such change is 1-2
pixels; at 1 px/pt it is 13 pixels, and drawing costs about the same (parsing and image decoding
dominate, not rasterising).

An explained rectangle is masked over its pixel box (PageImage.to_px: every pixel the rectangle
touches, so the anti-aliased edge of an appearance is inside) grown by EXPLAINED_MARGIN. Measured
on the samples, the real documents and pyHanko widgets at fractional coordinates on pages
rotated 0/90/180/270, at 0.5 to 3 px/pt: no pixel of a genuine later layer falls outside the box
itself. The one-pixel margin guards a stroke centred on an appearance's edge, and can hide no
glyph (1 pt at the default scale).

Decides nothing: the caller turns regions and Unrenderable into findings and verdicts.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from verifier.render.pages import Opened, PageImage, RenderError, kept

DEFAULT_SCALE = 1.0  # pixels per point (72 dpi) to compare at; chosen by measurement (bench/render_scale.py)
CROP_SCALE = 2.0  # pixels per point of the crops kept for reports: 12 pt text legible
EXPLAINED_MARGIN = 1  # pixels added around an explained rectangle's pixel box
TILE = 16  # pixels: differing pixels are grouped on a grid of this step
MAX_REGIONS = 8  # per page; closer clusters are merged until no more remain
CROP_MARGIN = 8  # pixels of context around a region's crops

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class Region:
    """A part of a page that displays differently in the final document than in the signed
    revision, outside every explained rectangle."""

    page: int  # 0-based index
    rect: Rect  # (x1, y1, x2, y2) in the final page's user space (the signed page's when the final has none)
    pixels: int  # differing pixels at the comparison's scale (the page's pixels for a whole page)
    before: bytes | None  # PNG of the signed revision's pixels there (None: no such page then)
    after: bytes | None  # PNG of the final document's pixels there (None: no such page now)
    whole_page: bool = False  # the page is in one rendering only, or changed size


@dataclass(frozen=True)
class Unrenderable:
    """PDFium could not open or draw one side; nothing is known about this revision's pages."""

    side: str  # "signed" (the revision's bytes) or "final" (the whole document)
    page: int | None  # the page it could not draw, None when it could not open the document
    reason: str


def differences(data: bytes, ends: list[int], explained: dict[int, list[tuple[int, Rect]]] | None = None,
                pages: dict[int, Iterable[int]] | None = None,
                scale: float = DEFAULT_SCALE, exact: Collection[int] = ()) -> dict[int, list[Region] | Unrenderable]:
    """For each signed revision k (its bytes are data[:ends[k]]; the final document is `data`):
    the regions whose display differs between that revision and the final document, leaving
    out what lies inside `explained[k]` ((page, user-space rectangle of the final page) pairs:
    the appearances later layers may draw). `pages[k]` limits the pages compared (indexes of
    the final document, verifier.render.touched); every page when `pages` is None or has no
    entry for k. A page one side has and the other lacks is always a whole-page region, and
    always compared, unless k is in `exact` (its `pages[k]` are all it compares). A side
    PDFium cannot open or draw gives Unrenderable for the revisions that need it.

    Each distinct (revision, page) is drawn once, the final document's pages once for all
    revisions; only the page being compared is held (one final and one signed drawing, and
    their CROP_SCALE drawings when a difference is found, for the crops). The documents stay
    open for the overlap check, which draws the same revisions (verifier.render.pages.kept)."""
    explained = explained or {}
    out: dict[int, list[Region] | Unrenderable] = {}
    # revisions with the same bytes are drawn once; a revision that is the whole file cannot differ
    by_end: dict[int, list[int]] = {}
    for k, end in enumerate(ends):
        if end >= len(data):
            out[k] = []
        else:
            by_end.setdefault(end, []).append(k)
    if not by_end:
        return out
    try:
        final = kept(data)  # open for the overlap check after (verifier.render.pages)
    except RenderError as exc:
        for ks in by_end.values():
            for k in ks:
                out[k] = Unrenderable("final", None, str(exc))
    else:
        _compare_all(data, final, by_end, explained, pages, scale, out, exact)
    return dict(sorted(out.items()))


def _compare_all(data: bytes, final: Opened, by_end: dict[int, list[int]], explained, pages, scale: float,
                 out: dict, exact: Collection[int]) -> None:
    signed: dict[int, Opened] = {}  # end -> open revision
    wanted: dict[int, dict[int, list[int]]] = {}  # page -> end -> revisions wanting it
    for end, ks in by_end.items():
        try:
            signed[end] = kept(data, end)
        except RenderError as exc:
            for k in ks:
                out[k] = Unrenderable("signed", None, str(exc))
            continue
        for k in ks:
            out[k] = []
            count = max(signed[end].count, final.count)
            asked = range(count) if pages is None or k not in pages else pages[k]
            extra = () if k in exact else range(min(signed[end].count, final.count), count)  # on one side only
            for p in {*(i for i in asked if 0 <= i < count), *extra}:
                wanted.setdefault(p, {}).setdefault(end, []).append(k)
    for p in sorted(wanted):
        live = {end: [k for k in ks if not isinstance(out[k], Unrenderable)] for end, ks in wanted[p].items()}
        live = {end: ks for end, ks in live.items() if ks}
        if not live:
            continue
        after = _draw(final, p, scale, "final", [k for ks in live.values() for k in ks], out)
        if after is _FAILED:
            continue
        after_hi = None
        for end, ks in live.items():
            before = _draw(signed[end], p, scale, "signed", ks, out)
            if before is _FAILED:
                continue
            before_hi = None
            for k in ks:
                rects = [r for page, r in explained.get(k, ()) if page == p]
                found = compare_pages(before, after, rects, p, crops=scale >= CROP_SCALE)
                if found and scale < CROP_SCALE:
                    if before_hi is None:
                        before_hi = _draw(signed[end], p, CROP_SCALE, "signed", [], {})
                        after_hi = after_hi or _draw(final, p, CROP_SCALE, "final", [], {})
                    found = [_recropped(r, before_hi, after_hi) for r in found]
                out[k].extend(found)


_FAILED = object()


def _draw(doc: Opened, index: int, scale: float, side: str, ks: list[int], out: dict):
    """The page, None when the document has no such page, or _FAILED (recorded for `ks`)."""
    if index >= doc.count:
        return None
    try:
        return doc.draw(index, scale, colour=True)
    except RenderError as exc:
        for k in ks:
            out[k] = Unrenderable(side, index, str(exc))
        return _FAILED


def compare_pages(before: PageImage | None, after: PageImage | None, explained: Iterable[Rect] = (),
                  page: int | None = None, crops: bool = True) -> list[Region]:
    """The regions where two drawings of a page differ, outside the `explained` rectangles
    (user space of `after`). A page missing on one side, or drawn at another size, is one
    whole-page region. Without `crops`, the regions carry no PNG."""
    from PIL import ImageChops, ImageDraw

    if before is None and after is None:
        return []
    index = page if page is not None else (after or before).index
    if before is None or after is None or before.image.size != after.image.size:
        shown = after or before
        w, h = shown.image.size
        box = (0, 0, w, h)
        return [Region(index, shown.to_pdf(box), w * h, crops and _png(before, box) or None,
                       crops and _png(after, box) or None, whole_page=True)]
    diff = ImageChops.difference(before.image, after.image)
    if diff.getbbox() is None:
        return []
    if diff.mode != "L":  # the largest change of any channel: one level of one colour counts
        red, green, blue = diff.split()
        diff = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    if explained:
        draw = ImageDraw.Draw(diff)
        m = EXPLAINED_MARGIN
        for rect in explained:
            x0, y0, x1, y1 = after.to_px(rect)
            draw.rectangle((x0 - m, y0 - m, x1 - 1 + m, y1 - 1 + m), fill=0)
    mask = diff.point(_BINARY)
    if mask.getbbox() is None:
        return []
    out = []
    for box, pixels in _clusters(mask):
        out.append(Region(index, after.to_pdf(box), pixels, crops and _png(before, box) or None,
                          crops and _png(after, box) or None))
    return out


_BINARY = [0] + [255] * 255  # any change of any channel counts


def _clusters(mask) -> list[tuple[tuple[int, int, int, int], int]]:
    """(pixel box, set pixels in it) grouping the mask's set pixels: the TILE grid's marked cells
    joined when they touch (8-neighbours); while more than MAX_REGIONS groups remain, the same
    on a grid twice as coarse (cells of 2x2, then 4x4... tiles), so that nearby clusters merge
    first; groups whose boxes overlap are then one. Each pixel is counted in one group."""
    w, h = mask.size
    left, top, right, bottom = mask.getbbox()
    cells: dict[tuple[int, int], tuple[tuple[int, int, int, int], int]] = {}  # (col, row) -> (box, pixels)
    for y in range(top - top % TILE, bottom, TILE):
        band = mask.crop((left, y, right, min(y + TILE, h))).getbbox()
        if band is None:
            continue
        x_from, x_to = left + band[0], left + band[2]
        for x in range(x_from - x_from % TILE, x_to, TILE):
            tile = mask.crop((x, y, min(x + TILE, w), min(y + TILE, h)))
            box = tile.getbbox()
            if box is not None:
                cells[(x // TILE, y // TILE)] = ((x + box[0], y + box[1], x + box[2], y + box[3]), tile.histogram()[255])
    while True:
        groups = [_merged([cells[c] for c in group]) for group in _components(cells)]
        if len(groups) <= MAX_REGIONS:
            break
        coarse: dict = {}
        for (cx, cy), cell in cells.items():
            key = (cx // 2, cy // 2)
            coarse[key] = _merged([coarse[key], cell]) if key in coarse else cell
        cells = coarse
    merged = True
    while merged:  # boxes of separate groups may overlap; a reader sees one place
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if _overlap(groups[i][0], groups[j][0]):
                    groups[i] = _merged([groups[i], groups.pop(j)])
                    merged = True
                    break
            if merged:
                break
    return sorted(groups, key=lambda g: (g[0][1], g[0][0]))


def _merged(cells):
    box = cells[0][0]
    for other, _ in cells[1:]:
        box = _union(box, other)
    return box, sum(n for _, n in cells)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _union(a, b):
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _components(cells) -> list[list[tuple[int, int]]]:
    """Cells grouped when they touch, diagonals included (union-find)."""
    parent = {c: c for c in cells}

    def find(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for (cx, cy) in cells:
        for other in ((cx + 1, cy), (cx - 1, cy + 1), (cx, cy + 1), (cx + 1, cy + 1)):
            if other in parent:
                a, b = find((cx, cy)), find(other)
                if a != b:
                    parent[a] = b
    groups: dict = {}
    for c in cells:
        groups.setdefault(find(c), []).append(c)
    return list(groups.values())


def _recropped(region: Region, before, after) -> Region:
    """The region with its crops taken from drawings at CROP_SCALE (None where a side failed)."""
    from dataclasses import replace

    def crop(shown):
        if not isinstance(shown, PageImage):
            return None
        box = (0, 0, *shown.image.size) if region.whole_page else shown.to_px(region.rect)
        return _png(shown, box)

    return replace(region, before=crop(before), after=crop(after))


def _png(shown: PageImage | None, box) -> bytes | None:
    if shown is None:
        return None
    w, h = shown.image.size
    m = CROP_MARGIN
    crop = shown.image.crop((max(0, box[0] - m), max(0, box[1] - m), min(w, box[2] + m), min(h, box[3] + m)))
    buf = io.BytesIO()
    crop.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()
