"""Appearances added after a signature that lie over what the signed revision displays.

A later signer's stamp, or any annotation, can hide or replace what the first signer signed
without changing a byte of it: an opaque seal over an amount, a white widget over a name, a
stamp over a scanned page or over an earlier signature's appearance (docs/attacks.md, "Stamp by
a trusted later signer covering signed content"). Whether that is a forgery or the agency's seal
placed as the rules require is for a person to judge, so it is a warning, never an error by
itself, and silent only where Decree 30 prescribes the placement of the agency's own layer
(verifier.decree30.placement decides; the caller passes its judgement as `exempt`).

Which annotations: every one (widget or any other kind, except links and pop-ups) that a page
lists in a revision after the first signed one and that a viewer draws there, read as viewers
read geometry (verifier.pdf.geometry.placement: indirect numbers and arrays, corners in any
order, NoView with Print drawn), when it is new on that page, newly drawn, or moved, or its
appearance was rewritten in that revision. One whose rectangle cannot be resolved is reported
as such (ANNOTATION_GEOMETRY_UNRESOLVED), never skipped.

What it covers, as the revision before it displays it (the file cut at the end of that revision,
earlier layers' appearances included), drawn with PDFium (verifier.render.ink):

- words: the glyphs of the text layer at least half under its rectangle (verifier.pdf.text
  page_boxes; a glyph it only touches, beside a blank it fills, is not covered), or, when the
  text layer has none there but PDFium draws text, PDFium's text under it;
- an earlier annotation's appearance (a signature's image or text) with ink under it;
- other ink: an image (a scanned page is one image) or vector drawing, as PDFium's page objects
  say.

One finding per annotation, the most telling first: words (ANNOTATION_OVER_SIGNED_TEXT), an
earlier appearance (ANNOTATION_OVER_EARLIER_APPEARANCE), an image (ANNOTATION_OVER_SIGNED_IMAGE),
a drawing (ANNOTATION_OVER_SIGNED_DRAWING); `covers` lists all it lies over. When the earlier
revision cannot be drawn, or the drawing budget is spent, covered words are still reported and
anything else is ANNOTATION_NOT_MEASURED.

Cost: each (revision, page) holding a candidate is drawn once before the annotation and once
after it (what the annotation itself changes, for the placements), at one pixel per point; at
most MAX_PAGE_RENDERS pages per document.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product

from pyhanko.pdf_utils.generic import StreamObject

from verifier.pdf import geometry
from verifier.pdf.layout import Layout
from verifier.pdf.text import Box, page_boxes
from verifier.render import ink as inkmod
from verifier.structure.activecontent import _written

log = logging.getLogger(__name__)

NOT_DRAWN = {"/Link", "/Popup"}
COVERED = 0.5  # a glyph is covered when at least half of its box lies under the rectangle
MAX_ANNOTATIONS = 50_000  # annotations listed by the pages of one revision
MAX_PAGE_RENDERS = 200  # pages drawn per document (a page takes a few hundredths of a second)
ROW_MARGIN = 2000.0  # glyphs this far left and right of an annotation are boxed too: its whole row

TEXT, APPEARANCE, IMAGE, DRAWING = "text", "appearance", "image", "drawing"
CODES = {TEXT: "ANNOTATION_OVER_SIGNED_TEXT", APPEARANCE: "ANNOTATION_OVER_EARLIER_APPEARANCE",
         IMAGE: "ANNOTATION_OVER_SIGNED_IMAGE", DRAWING: "ANNOTATION_OVER_SIGNED_DRAWING"}
ALL_CODES = frozenset(CODES.values()) | {"ANNOTATION_GEOMETRY_UNRESOLVED", "ANNOTATION_NOT_MEASURED"}


@dataclass
class Earlier:
    """An annotation the revision before displays on the page: name, rectangle, its key."""

    key: tuple
    name: str
    rect: tuple[float, float, float, float]


@dataclass
class Overlay:
    """An annotation drawn after signing, and what it lies over (filled in by `measure`)."""

    section: int  # pyHanko's index of the section that added or changed it
    revision: int  # kyso's number of that revision
    page: int  # from 0
    key: tuple  # (number, generation), or ("direct", page, position) for a direct dictionary
    field: str
    subtype: str
    rect: tuple[float, float, float, float] | None  # None: no viewer's reading can be trusted
    glyphs: list[Box] = field(default_factory=list)  # text-layer glyphs at least half under it
    row: list[Box] = field(default_factory=list)  # every glyph of the rows it spans
    words: str = ""  # the covered text
    region: tuple[float, float, float, float] | None = None  # the ink under it (user space)
    covers: list[str] = field(default_factory=list)  # TEXT, APPEARANCE, IMAGE, DRAWING
    appearances: list[str] = field(default_factory=list)  # names of earlier annotations under it
    # what it draws itself (the pixels it changes, against the drawing without it), for the
    # placements: groups of changed pixels (user space), the glyphs of its rows it draws into
    # (with how many pixels), and how many pixels of other ink it draws over
    drawn: list[tuple[float, float, float, float]] = field(default_factory=list)
    touched: list[tuple[Box, int]] = field(default_factory=list)
    over_ink: int = 0
    erased: float = 0.0  # square points of ink (speckle aside) shown before and no longer ink with it
    page_box: tuple[float, float, float, float] | None = None
    measured: bool = False
    unmeasured_reason: str = ""

    @property
    def object(self):
        return self.key[0] if isinstance(self.key[0], int) else "-"


def check(layout: Layout, first_signed: int | None,
          exempt: Callable[[Overlay], dict | None] | None = None) -> list[tuple[str, dict]]:
    """The findings about annotations drawn after the first signature. `exempt(overlay)` gives
    the params of OVERLAY_AS_PRESCRIBED for a placement Decree 30 prescribes, else None. The
    last pass to draw the document's revisions: the documents the rendered comparison and this
    check kept open are closed when it ends (verifier.render.pages.kept)."""
    from verifier.render.pages import release

    try:
        return _check(layout, first_signed, exempt)
    finally:
        release()


def _check(layout: Layout, first_signed: int | None, exempt) -> list[tuple[str, dict]]:
    if first_signed is None or first_signed + 1 >= len(layout.sections):
        return []
    listed: dict[int, dict[tuple, _Listed]] = {}
    overlays = find(layout, first_signed, listed)
    if not overlays:
        return []
    measure(layout, overlays, listed)
    found = []
    for o in overlays:
        base = {"subtype": o.subtype, "object": o.object, "field": o.field, "revision": o.revision, "page": o.page + 1}
        if o.rect is None:
            found.append(("ANNOTATION_GEOMETRY_UNRESOLVED", {**base, "rect": "?"}))
            continue
        rect = [round(v, 1) for v in o.rect]
        if not o.covers and o.measured:
            continue
        prescribed = exempt(o) if exempt is not None and o.measured else None
        if prescribed is not None:
            found.append(("OVERLAY_AS_PRESCRIBED", {**base, "rect": rect, "covers": list(o.covers), "text": o.words[:80],
                                                    **prescribed}))
            continue
        found.append(_finding(o, base, rect))
    return [f for f in found if f is not None]


def _finding(o: Overlay, base: dict, rect: list) -> tuple[str, dict] | None:
    region = [round(v, 1) for v in o.region] if o.region else rect
    if TEXT in o.covers:
        box = _bounds(o.glyphs) if o.glyphs else o.region or o.rect
        return CODES[TEXT], {**base, "rect": rect, "text": o.words[:80], "text_rect": [round(v, 1) for v in box],
                             "region": region, "covers": list(o.covers)}
    if APPEARANCE in o.covers:
        return CODES[APPEARANCE], {**base, "rect": rect, "covered_field": ", ".join(o.appearances),
                                   "region": region, "covers": list(o.covers)}
    for kind in (IMAGE, DRAWING):
        if kind in o.covers:
            return CODES[kind], {**base, "rect": rect, "region": region, "covers": list(o.covers)}
    if not o.measured:
        return "ANNOTATION_NOT_MEASURED", {**base, "rect": rect, "reason": o.unmeasured_reason}
    return None


# --- which annotations ----------------------------------------------------------------------------

@dataclass
class _Listed:
    page: int
    annot: object
    state: str
    rect: tuple | None


def find(layout: Layout, first_signed: int, listed: dict[int, dict[tuple, _Listed]]) -> list[Overlay]:
    """The annotations drawn after the first signed revision, in the order of their revisions;
    `listed` receives what each revision's pages list."""
    reader = layout.reader
    try:
        before = listed[first_signed] = _annotations(reader, first_signed)
        signed_pages = _page_count(reader, first_signed)  # a page added later holds nothing signed
    except _TooMany:
        raise
    except Exception:  # a page tree pyHanko cannot read: the layers have failed already
        log.debug("page tree of the first signed revision unreadable", exc_info=True)
        return []
    out = []
    for section in range(first_signed + 1, len(layout.sections)):
        try:
            now = listed[section] = _annotations(reader, section)
        except _TooMany:
            raise
        except Exception:
            log.debug("page tree of section %d unreadable", section, exc_info=True)
            return out
        written = set(_written(layout, section))
        for key, item in now.items():
            if item.state == geometry.NOT_DRAWN or item.page >= signed_pages:
                continue
            prior = before.get(key)
            if prior is not None and prior.page == item.page and prior.state == item.state and prior.rect == item.rect:
                if not _rewritten(key, item.annot, prior.annot, written):
                    continue  # drawn as it was: only other entries changed (a signature value)
            out.append(Overlay(section=section, revision=layout.revision_number(section), page=item.page, key=key,
                               field=_name(item.annot, "-"), subtype=_subtype(item.annot), rect=item.rect))
        before = now
    return out


def _annotations(reader, section: int) -> dict[tuple, _Listed]:
    """Every annotation the pages of a revision list (the first page listing it), with how a
    viewer places it; links and pop-ups left out."""
    root = reader.get_historical_resolver(section).root
    out: dict[tuple, _Listed] = {}
    count = 0
    for index, (page, page_ref) in enumerate(geometry.pages(root.get("/Pages"))):
        annots = geometry.entry(page, "/Annots")
        if not isinstance(annots, list):
            continue
        for position, item in enumerate(annots):
            count += 1
            if count > MAX_ANNOTATIONS:
                raise _TooMany(f"more than {MAX_ANNOTATIONS} annotations listed in one revision")
            ref = geometry.reference(item)
            key = ref if ref is not None else ("direct", page_ref or index, position)
            if key in out:
                continue
            annot = geometry.resolved(item)
            if not hasattr(annot, "keys") or _subtype_name(annot) in NOT_DRAWN:
                continue
            state, rect = geometry.placement(annot, geometry.page_rotation(page))
            out[key] = _Listed(index, annot, state, rect)
    return out


class _TooMany(ValueError):
    """More annotations than any document holds: the check cannot finish (fail closed)."""


def _page_count(reader, section: int) -> int:
    return sum(1 for _ in geometry.pages(reader.get_historical_resolver(section).root.get("/Pages")))


def _rewritten(key: tuple, annot, prior, written: set) -> bool:
    """Whether the revision rewrote what the annotation displays: its dictionary with another
    appearance or appearance state, or one of its appearance streams."""
    if key in written or key[0] == "direct":
        try:
            if geometry.raw(annot, "/AP") != geometry.raw(prior, "/AP") or geometry.raw(annot, "/AS") != geometry.raw(prior, "/AS"):
                return True
        except Exception:
            return True
    return bool(_appearance_refs(annot) & written)


def _appearance_refs(annot) -> set[tuple]:
    refs = set()
    try:
        ap = geometry.raw(annot, "/AP")
        if geometry.reference(ap):
            refs.add(geometry.reference(ap))
        ap = geometry.resolved(ap)
        if not hasattr(ap, "keys"):
            return refs
        for key in ("/N", "/R", "/D"):
            value = ap.get(key)
            if geometry.reference(value):
                refs.add(geometry.reference(value))
            value = geometry.resolved(value)
            if hasattr(value, "keys") and not hasattr(value, "data"):  # appearance states
                refs |= {geometry.reference(v) for v in value.values() if geometry.reference(v)}
    except Exception:
        pass
    return refs


def _subtype_name(annot) -> str:
    try:
        return str(geometry.entry(annot, "/Subtype"))
    except Exception:
        return "?"


def _subtype(annot) -> str:
    name = _subtype_name(annot)
    return name[1:] if name.startswith("/") else "?"


def _name(annot, default: str) -> str:
    """The field name of a widget (its own /T, or its parent field's), else `default`."""
    node = annot
    for _ in range(geometry.MAX_PARENTS):
        if node is None or not hasattr(node, "keys"):
            break
        try:
            title = geometry.entry(node, "/T")
        except Exception:
            title = None
        if title is not None:
            return str(title)
        try:
            node = geometry.entry(node, "/Parent")
        except Exception:
            break
    return default


# --- what they cover ------------------------------------------------------------------------------

def measure(layout: Layout, overlays: list[Overlay], listed: dict[int, dict[tuple, _Listed]]) -> None:
    """Fill in what each overlay lies over, and what it draws, from the revision before it."""
    from verifier.render.pages import RenderError, kept

    data = layout.data
    reader = layout.reader
    wanted: dict[int, set[int]] = {}  # section -> pages drawn from its bytes
    for o in overlays:
        if o.rect is not None:
            wanted.setdefault(o.section - 1, set()).add(o.page)
            wanted.setdefault(o.section, set()).add(o.page)
    images: dict[tuple[int, int], object] = {}
    failed: dict[object, str] = {}
    budget = MAX_PAGE_RENDERS
    boxes = {section: _page_boxes(reader, section, pages) for section, pages in wanted.items()}
    for section in sorted(wanted):
        end = _end(layout, section)
        for page in list(wanted[section]):
            box = boxes[section].get(page)
            if box is None or (box[2] - box[0]) * (box[3] - box[1]) * inkmod.SCALE ** 2 > inkmod.MAX_PIXELS:
                wanted[section].discard(page)
                failed[(section, page)] = "the page is too large to draw, or has no size"
        pages = sorted(wanted[section])[:max(budget, 0)]
        for page in sorted(wanted[section])[len(pages):]:
            failed[(section, page)] = f"more than {MAX_PAGE_RENDERS} pages to draw"
        if end is None:
            failed[section] = "the revision's end cannot be found"
            continue
        if not pages:
            failed.setdefault(section, f"more than {MAX_PAGE_RENDERS} pages to draw")
            continue
        budget -= len(pages)
        try:
            # the revision as the rendered comparison opened it, if it did (verifier.render.pages)
            doc = kept(data, end)
            drawn = {index: doc.draw(index, inkmod.SCALE) for index in sorted({i for i in pages if 0 <= i < doc.count})}
        except RenderError as exc:
            failed[section] = f"PDFium cannot draw revision {layout.revision_number(section)}: {exc}"
            continue
        for page, image in drawn.items():
            images[(section, page)] = image
    context: dict[tuple[int, int], _Context] = {}
    glyphs: dict[tuple, list[Box]] = {}  # the same page content read once, whichever revision shows it
    for o in overlays:
        if o.rect is None:
            continue
        key = (o.section - 1, o.page)
        if key not in context:
            context[key] = _context(layout, listed[o.section - 1], o.section - 1, o.page,
                                    [x.rect for x in overlays if x.rect is not None and x.page == o.page],
                                    boxes.get(o.section - 1, {}).get(o.page), glyphs)
        ctx = context[key]
        o.page_box = ctx.page_box
        o.row = _row(o.rect, ctx.glyphs)
        o.glyphs = _covered(o.rect, ctx.glyphs)
        if o.glyphs:
            o.covers.append(TEXT)
            o.words = "".join(g.text for g in o.glyphs)
        before = images.get(key)
        if before is None:
            o.unmeasured_reason = (failed.get(key) or failed.get(o.section - 1) or failed.get(o.section)
                                   or "the page was not drawn")
            continue
        try:
            _measure_one(o, before, images.get((o.section, o.page)), ctx, data[:_end(layout, o.section - 1)])
        except RenderError as exc:
            o.unmeasured_reason = str(exc)


@dataclass
class _Context:
    """What the revision before an overlay shows on its page: the glyph boxes near the overlays,
    the annotations drawn there, the page's size."""

    glyphs: list[Box]
    earlier: list[Earlier]
    page_box: tuple[float, float, float, float] | None


def _context(layout: Layout, listed: dict[tuple, _Listed], section: int, page: int, rects: list, page_box,
             cache: dict[tuple, list[Box]]) -> _Context:
    page_obj = _page(layout.reader, section, page)
    glyphs: list[Box] = []
    if page_obj is not None:
        key = (page, _content_version(layout, section, page_obj))
        if key not in cache:
            try:
                cache[key] = page_boxes(page_obj, _near(rects))
            except Exception:
                log.debug("glyph boxes of page %d unreadable", page + 1, exc_info=True)
                cache[key] = []
        glyphs = cache[key]
    earlier = [Earlier(key, _name(x.annot, _subtype(x.annot)), x.rect) for key, x in listed.items()
               if x.page == page and x.state == geometry.DRAWN and x.rect is not None]
    return _Context(glyphs, earlier, page_box)


MAX_CONTENT_OBJECTS = 500


def _content_version(layout: Layout, section: int, page_obj) -> tuple:
    """Which version of a page's content a revision shows: where the revision reads each object
    its /Contents and /Resources lead to (three levels: fonts, their descriptors and maps, the
    forms drawn). A revision that signs, rewriting the page only to list its widget, shows the
    same content as the one before: its glyphs are read once."""
    out = []
    todo = [(page_obj.get("/Contents"), 0), (geometry.inherited(page_obj, "/Resources"), 0)]
    seen = set()
    while todo and len(out) < MAX_CONTENT_OBJECTS:
        value, depth = todo.pop()
        ref = geometry.reference(value)
        if ref is not None:
            if ref in seen:
                continue
            seen.add(ref)
            out.append((ref, repr(layout.location(section, *ref))))
        if depth >= 3:
            continue
        try:
            value = geometry.resolved(value)
        except Exception:
            continue
        if isinstance(value, StreamObject):  # a stream (read, not decoded): a form's /Resources
            todo += [(v, depth + 1) for k, v in value.items() if k == "/Resources"]
        elif hasattr(value, "items"):
            todo += [(v, depth + 1) for k, v in value.items() if k not in ("/Parent", "/P")]
        elif isinstance(value, list):
            todo += [(v, depth + 1) for v in value]
    if len(out) >= MAX_CONTENT_OBJECTS:
        out.append(("section", section))  # too many to compare: read again
    return tuple(sorted(out, key=repr))


def _page(reader, section: int, page: int):
    for index, (obj, _) in enumerate(geometry.pages(reader.get_historical_resolver(section).root.get("/Pages"))):
        if index == page:
            return obj
    return None


def _page_boxes(reader, section: int, pages) -> dict[int, tuple[float, float, float, float]]:
    """The visible box (/CropBox, else /MediaBox) of some pages of a revision."""
    out = {}
    for index, (obj, _) in enumerate(geometry.pages(reader.get_historical_resolver(section).root.get("/Pages"))):
        if index in pages:
            box = geometry.rect(geometry.inherited(obj, "/CropBox") or geometry.inherited(obj, "/MediaBox"))
            if box is not None:
                out[index] = box
    return out


def _measure_one(o: Overlay, before, after, ctx: _Context, before_data: bytes) -> None:
    found = inkmod.ink(before, o.rect)
    if found:
        box = found.box()
        o.region = before.to_pdf(box)
    area = before.to_px(o.rect)
    # a glyph's ink spills a pixel past its box (hinting, anti-aliasing): not other ink
    in_glyph = found.pixels.keys() & _pixels([_grow(before.to_px(g)) for g in o.row], area)
    # earlier appearances with ink under the overlay
    covered_earlier, own = [], []
    for e in ctx.earlier:
        if e.key == o.key:
            # its own earlier face (a field's old value): replaced, not covered; whether the
            # value may change is the difference analysis's and the vouching rule's judgement
            inter = _intersection(o.rect, e.rect)
            if inter is not None:
                own.append(before.to_px(inter))
            continue
        inter = _intersection(o.rect, e.rect)
        if inter is None:
            continue
        px = before.to_px(inter)
        if found.heavy(_pixels([px], area)):
            covered_earlier.append((e, px))
    if covered_earlier:
        o.covers.append(APPEARANCE)
        o.appearances = list(dict.fromkeys(e.name for e, _ in covered_earlier))
    rest = found.pixels.keys() - in_glyph - _pixels([px for _, px in covered_earlier] + own, area)
    groups = [g for g in inkmod.groups(rest) if found.mass(g) >= inkmod.SPECK_MASS]
    if groups:
        facts = inkmod.page_objects(before_data, {o.page: [o.rect]}).get(o.page)
        kinds = set()
        for g in groups:
            user = before.to_pdf(_box(g))
            hit = {kind for kind, bounds in (facts.objects if facts else []) if _intersection(user, bounds) is not None}
            kinds.add(inkmod.IMAGE if inkmod.IMAGE in hit else inkmod.TEXT if inkmod.TEXT in hit else inkmod.DRAWING)
        if inkmod.TEXT in kinds and TEXT not in o.covers:
            words = " ".join((facts.texts.get(tuple(o.rect)) or "").split()) if facts else ""
            if words:
                o.covers.insert(0, TEXT)
                o.words = words
            else:
                kinds.add(inkmod.DRAWING)
        o.covers += [k for k in (IMAGE, DRAWING) if k in kinds]
    o.measured = True
    if after is not None:
        changed = inkmod.changed(before, after, o.rect)
        if changed:
            o.drawn = [before.to_pdf(_box(g)) for g in inkmod.groups(changed)]
            for g in o.row:
                count = len(changed & _pixels([before.to_px(g)], area))
                if count:
                    o.touched.append((g, count))
            o.over_ink = len((changed & inkmod.dark_pixels(before, o.rect))
                             - _pixels([_grow(before.to_px(g)) for g in o.row], area))
            # ink the overlay turns pale: an opaque face hides what it lies on, whatever its shape
            lost = found.pixels.keys() - inkmod.dark_pixels(after, o.rect)
            o.erased = sum(m for m in (found.mass(g) for g in inkmod.groups(lost)) if m >= inkmod.SPECK_MASS)


def _end(layout: Layout, section: int) -> int | None:
    """Where the bytes of a section's revision end (the file cut there is that revision)."""
    region = layout.section_region[section] if 0 <= section < len(layout.section_region) else None
    return layout.regions[region][1] if region is not None else None


def _grow(box, by: int = 1) -> tuple[int, int, int, int]:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def _box(pixels) -> tuple[int, int, int, int]:
    xs, ys = [p[0] for p in pixels], [p[1] for p in pixels]
    return min(xs), min(ys), max(xs) + 1, max(ys) + 1


def _pixels(boxes, area) -> set[tuple[int, int]]:
    """The pixels of some pixel boxes that lie in `area` (a pixel box)."""
    out = set()
    for box in boxes:
        left, top, right, bottom = max(box[0], area[0]), max(box[1], area[1]), min(box[2], area[2]), min(box[3], area[3])
        if right > left and bottom > top:  # the (x, y) pairs made in C, not by a generator
            out.update(product(range(left, right), range(top, bottom)))
    return out


def _intersection(a, b):
    x1, y1, x2, y2 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x1, y1, x2, y2) if x2 > x1 and y2 > y1 else None


def _bounds(glyphs: list[Box]) -> tuple[float, float, float, float]:
    return (min(g.x1 for g in glyphs), min(g.y1 for g in glyphs), max(g.x2 for g in glyphs), max(g.y2 for g in glyphs))


def _row(rect, glyphs: list[Box]) -> list[Box]:
    """The glyphs on the rows the rectangle spans: any whose box meets its height."""
    return [g for g in glyphs if g.y2 > rect[1] and g.y1 < rect[3]]


def _near(rects: list[tuple]) -> tuple[float, float, float, float] | None:
    """The rows holding every one of `rects`, widened by a unit and more (rounding): no glyph
    clearly outside it can be covered or be the neighbour of a blank (page_boxes). None, so that
    every glyph is boxed, when a value is not a finite float or an int a float holds exactly."""
    values = [v for rect in rects for v in rect]
    if not values or not all((isinstance(v, float) and math.isfinite(v)) or (isinstance(v, int) and abs(v) <= 2 ** 53) for v in values):
        return None
    margin = 1.0 + 1e-9 * max(abs(float(v)) for v in values)
    return (min(float(r[0]) for r in rects) - ROW_MARGIN, min(float(r[1]) for r in rects) - margin,
            max(float(r[2]) for r in rects) + ROW_MARGIN, max(float(r[3]) for r in rects) + margin)


def _covered(rect, glyphs: list[Box]) -> list[Box]:
    """The glyphs at least half under `rect`. A glyph lying wholly on one side of it is not
    (min and max then leave no overlap), which most glyphs of a page are."""
    x1, y1, x2, y2 = rect = tuple(float(v) for v in rect)
    return [g for g in glyphs if not (g.x2 <= x1 or g.x1 >= x2 or g.y2 <= y1 or g.y1 >= y2) and _intersects(rect, g)]


def _intersects(rect, g: Box) -> bool:
    """At least half the glyph under the rectangle: an appearance placed in a blank of a line,
    touching the neighbouring letters, hides nothing."""
    x1, y1, x2, y2 = rect
    w, h = min(x2, g.x2) - max(x1, g.x1), min(y2, g.y2) - max(y1, g.y1)
    area = (g.x2 - g.x1) * (g.y2 - g.y1)
    return w > 0 and h > 0 and w * h >= COVERED * area
