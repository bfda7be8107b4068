"""Appearances added after a signature that lie over the signed text.

A later signer's stamp, or any annotation, can hide or replace what the first signer signed
without changing a byte of it: an opaque seal over an amount, a white widget over a name
(docs/attacks.md, "Stamp by a trusted later signer over signed text"). Whether that is a forgery
or the agency's seal placed as the rules require is for a person to judge, so it is a warning,
never silent and never an error by itself: the agency seal of a real plan overlaps the
director's signature image, and the number and date are drawn into blanks of the header line.

Rule: an annotation (widget or any other kind, except links and pop-ups) that is new, or whose
/Rect or /AP changed, in a revision after the first signed one, that is not hidden, and whose
/Rect covers at least half of a glyph box (verifier.pdf.text.page_boxes) of the same page as the first
signed revision drew it, is reported with the page, the annotation's rectangle, the covered text and its box.
"""

from __future__ import annotations

import math

from verifier.pdf import geometry, rawpdf
from verifier.pdf.text import Box, page_boxes
from verifier.structure.activecontent import _written
from verifier.pdf.layout import Layout

NOT_DRAWN = {"/Link", "/Popup"}
COVERED = 0.5  # a glyph is covered when at least half of its box lies under the rectangle


def check(layout: Layout, first_signed: int | None) -> list[tuple[str, dict]]:
    if first_signed is None or first_signed + 1 >= len(layout.sections):
        return []
    reader = layout.reader
    try:
        on_page = geometry.annotation_pages(reader.root.get("/Pages"))
        signed_pages = [page for page, _ in geometry.pages(reader.get_historical_resolver(first_signed).root.get("/Pages"))]
    except Exception:  # a page tree pyHanko cannot read: the layers have failed already
        return []
    candidates = []  # (revision, object, annotation, rectangle, page) in the order reported
    for revision in range(first_signed + 1, len(layout.sections)):
        for num, gen in _written(layout, revision):
            annot = layout.value(revision, num, gen)
            rect = _drawn_rect(annot)
            if rect is None:
                continue
            old = layout.value(revision - 1, num, gen)
            if isinstance(old, rawpdf.Dict) and _same(old, annot, "/Rect", layout, revision, num) and _same(old, annot, "/AP", layout, revision, num):
                continue  # only its other entries changed (a signature value, a flag)
            page = on_page.get((num, gen))
            if page is None or page >= len(signed_pages):
                continue
            candidates.append((revision, num, annot, rect, page))
    glyphs: dict[int, list[Box]] = {}
    for page in dict.fromkeys(c[4] for c in candidates):
        try:
            glyphs[page] = page_boxes(signed_pages[page], _near([c[3] for c in candidates if c[4] == page]))
        except Exception:
            glyphs[page] = []
    found = []
    for revision, num, annot, rect, page in candidates:
        covered = _covered(rect, glyphs[page])
        if not covered:
            continue
        box = (min(g.x1 for g in covered), min(g.y1 for g in covered), max(g.x2 for g in covered), max(g.y2 for g in covered))
        subtype = annot.get("/Subtype")
        field = annot.get("/T")
        found.append(("ANNOTATION_OVER_SIGNED_TEXT", {
            "subtype": subtype.value[1:] if isinstance(subtype, rawpdf.Name) else "?",
            "object": num, "field": field.value.decode("utf-16" if field.value[:2] in (b"\xfe\xff", b"\xff\xfe") else "latin-1", "replace") if isinstance(field, rawpdf.String) else "-",
            "revision": layout.revision_number(revision), "page": page + 1, "rect": [round(v, 1) for v in rect],
            "text": "".join(g.text for g in covered)[:80], "text_rect": [round(v, 1) for v in box],
        }))
    return found


def _near(rects: list[tuple]) -> tuple[float, float, float, float] | None:
    """The rectangle holding every one of `rects`, widened by a unit and more (rounding): no
    glyph clearly outside it can be covered (page_boxes). None, so that every glyph
    is boxed, when a value is not a finite float or an int a float holds exactly (_covered
    must then meet them all, and raise as it does)."""
    values = [v for rect in rects for v in rect]
    if not all((isinstance(v, float) and math.isfinite(v)) or (isinstance(v, int) and abs(v) <= 2 ** 53) for v in values):
        return None
    margin = 1.0 + 1e-9 * max(abs(float(v)) for v in values)
    return (min(float(r[0]) for r in rects) - margin, min(float(r[1]) for r in rects) - margin,
            max(float(r[2]) for r in rects) + margin, max(float(r[3]) for r in rects) + margin)


def _drawn_rect(annot) -> tuple[float, float, float, float] | None:
    """The rectangle of an annotation that draws something, else None."""
    if not isinstance(annot, rawpdf.Dict):
        return None
    subtype = annot.get("/Subtype")
    rect = annot.get("/Rect")
    if not isinstance(subtype, rawpdf.Name) or subtype.value in NOT_DRAWN or not isinstance(rect, rawpdf.Array):
        return None
    flags = annot.get("/F")
    if isinstance(flags, rawpdf.Number) and int(flags.value) & geometry.HIDDEN_FLAGS:
        return None
    values = [v.value for v in rect.items if isinstance(v, rawpdf.Number)]
    if len(values) != 4:
        return None
    x1, y1, x2, y2 = min(values[0], values[2]), min(values[1], values[3]), max(values[0], values[2]), max(values[1], values[3])
    if x2 - x1 <= 0 or y2 - y1 <= 0:
        return None
    return x1, y1, x2, y2


def _same(old: rawpdf.Dict, new: rawpdf.Dict, key: str, layout: Layout, revision: int, num: int) -> bool:
    a, b = old.get(key), new.get(key)
    if a is None or b is None:
        return a is b
    return rawpdf.same_value(a, b, layout.value_data(revision - 1, num), layout.value_data(revision, num))


def _covered(rect, glyphs: list[Box]) -> list[Box]:
    """The glyphs at least half under `rect`. A glyph lying wholly on one side of it is not
    (min and max then leave no overlap), which most glyphs of a page are; the test is cut short
    for them when the rectangle's numbers are floats, or ints a float holds exactly (a larger
    int makes the arithmetic below raise, and must still)."""
    if not all(isinstance(v, float) or (isinstance(v, int) and abs(v) <= 2 ** 53) for v in rect):
        return [g for g in glyphs if _intersects(rect, g)]
    x1, y1, x2, y2 = rect = tuple(float(v) for v in rect)
    return [g for g in glyphs if not (g.x2 <= x1 or g.x1 >= x2 or g.y2 <= y1 or g.y1 >= y2) and _intersects(rect, g)]


def _intersects(rect, g: Box) -> bool:
    """At least half the glyph under the rectangle: an appearance placed in a blank of a line,
    touching the neighbouring letters, hides nothing."""
    x1, y1, x2, y2 = rect
    w, h = min(x2, g.x2) - max(x1, g.x1), min(y2, g.y2) - max(y1, g.y1)
    area = (g.x2 - g.x1) * (g.y2 - g.y1)
    return w > 0 and h > 0 and w * h >= COVERED * area
