"""The pictures of the HTML and PDF reports, drawn by PDFium from the PDF bytes: each visible
signature's appearance as the page shows it now, and every page where something changed after
a layer, with the changed regions outlined in red.

The changed regions are those the rendered comparison reported (RENDERED_DIFFERENCE, in the
JSON report too, so an archived report is drawn again from the stored original), with their
before/after crops when the live report still holds them. A layer that failed as modified
after signing was not compared (its verdict needed no pixels), so its signed revision is drawn
here beside the final document, the appearances of later layers left out as the comparison
does: the reader sees what was changed, not only that something was.

A picture is evidence for a person, never for the verdict: what PDFium cannot draw is left out
and said so (Pictures.unrenderable).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from verifier.report import codes
from verifier.report.model import DocumentReport

log = logging.getLogger(__name__)

APPEARANCE_SCALE = 2.0  # pixels per point: a 10 pt name legible in print
PAGE_SCALE = 1.25  # pixels per point for whole marked pages (90 dpi: a page fits A4 width)
APPEARANCE_MARGIN = 6.0  # points of the page around an appearance, for context
MAX_APPEARANCES = 40  # a hostile file with thousands of widgets must not make a report of megabytes
MAX_MARKED_PAGES = 20
MARK = (220, 0, 0)
MARK_WIDTH = 3


@dataclass
class Picture:
    png: bytes
    width: int
    height: int
    layer: int  # the layer number, from 1
    page: int  # from 1


@dataclass
class Region:
    layers: list[int]  # after which layers it changed
    rect: tuple[float, float, float, float]  # user space of the final page
    before: bytes | None = None  # PNG crops, when known
    after: bytes | None = None


@dataclass
class MarkedPage:
    page: int  # from 1
    png: bytes
    width: int
    height: int
    regions: list[Region] = field(default_factory=list)

    @property
    def layers(self) -> list[int]:
        return sorted({n for r in self.regions for n in r.layers})


@dataclass
class Pictures:
    appearances: list[Picture] = field(default_factory=list)
    marked: list[MarkedPage] = field(default_factory=list)
    unrenderable: bool = False  # PDFium could not draw what was wanted


def draw(report: DocumentReport, data: bytes | None) -> Pictures:
    """The pictures of `report` drawn from `data`, the PDF it is about (None: no pictures)."""
    out = Pictures()
    if not data or report.verdict == codes.ERROR:
        return out
    from verifier.render.pages import RenderError, opened

    regions = _regions(report, data)
    try:
        with opened(data) as doc:
            out.appearances = _appearances(report, doc)
            out.marked = _marked(doc, regions)
    except RenderError as exc:
        log.info("pictures of %s not drawn: %s", report.file, exc)
        out.unrenderable = True
    return out


def _png(image) -> bytes:
    """PNG of a picture of text and stamps, in a 64-colour palette: a third of the size of RGB,
    no visible loss on rendered pages."""
    buf = io.BytesIO()
    image.quantize(colors=64, method=2).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _appearances(report: DocumentReport, doc) -> list[Picture]:
    from verifier.render.pages import RenderError

    wanted = [(n, layer.appearance) for n, layer in enumerate(report.layers, start=1)
              if layer.appearance is not None and layer.appearance.visible and layer.appearance.page
              and layer.appearance.rect and len(layer.appearance.rect) == 4][:MAX_APPEARANCES]
    drawn: dict[int, object] = {}
    out = []
    for number, a in wanted:
        index = a.page - 1
        if not 0 <= index < doc.count:
            continue
        if index not in drawn:
            try:
                drawn[index] = doc.draw(index, APPEARANCE_SCALE, colour=True)
            except RenderError as exc:
                log.info("page %s not drawn: %s", a.page, exc)
                drawn[index] = None
        page = drawn[index]
        if page is None:
            continue
        x1, y1, x2, y2 = a.rect
        m = APPEARANCE_MARGIN
        box = page.to_px((min(x1, x2) - m, min(y1, y2) - m, max(x1, x2) + m, max(y1, y2) + m))
        if box[2] - box[0] < 2 or box[3] - box[1] < 2:
            continue
        crop = page.image.crop(box)
        out.append(Picture(_png(crop), crop.width, crop.height, number, a.page))
    return out


def _marked(doc, regions: dict[int, list[Region]]) -> list[MarkedPage]:
    from PIL import ImageDraw

    from verifier.render.pages import RenderError

    out = []
    for index in sorted(regions)[:MAX_MARKED_PAGES]:
        if not 0 <= index < doc.count:
            continue
        try:
            page = doc.draw(index, PAGE_SCALE, colour=True)
        except RenderError as exc:
            log.info("page %s not drawn: %s", index + 1, exc)
            continue
        image = page.image.convert("RGB")
        pen = ImageDraw.Draw(image)
        for region in regions[index]:
            left, top, right, bottom = page.to_px(region.rect)
            pad = MARK_WIDTH + 2
            pen.rectangle((max(0, left - pad), max(0, top - pad), min(image.width - 1, right + pad),
                           min(image.height - 1, bottom + pad)), outline=MARK, width=MARK_WIDTH)
        out.append(MarkedPage(index + 1, _png(image), image.width, image.height, regions[index]))
    return out


def _regions(report: DocumentReport, data: bytes) -> dict[int, list[Region]]:
    """Changed regions by page index (from 0), one per distinct rectangle, naming every layer
    after which it changed."""
    found: dict[tuple[int, tuple], Region] = {}
    crops = {(i.get("layer"), i.get("page"), tuple(i.get("rect") or ())): i for i in report.images}

    def add(layer: int, page: int, rect, before=None, after=None):
        if not isinstance(page, int) or not isinstance(rect, (list, tuple)) or len(rect) != 4:
            return
        key = (page - 1, tuple(round(float(v), 1) for v in rect))
        region = found.setdefault(key, Region([], key[1]))
        if layer not in region.layers:
            region.layers.append(layer)
        region.before = region.before or before
        region.after = region.after or after

    compared = set()
    for f in report.findings:
        if f.code == "RENDERED_DIFFERENCE" and f.layer is not None:
            compared.add(f.layer)
            crop = crops.get((f.layer, f.params.get("page"), tuple(f.params.get("rect") or ())), {})
            add(f.layer, f.params.get("page"), f.params.get("rect"), crop.get("before"), crop.get("after"))
    for number, page, rect, before, after in _uncompared(report, data, compared):
        add(number, page, rect, before, after)
    out: dict[int, list[Region]] = {}
    for (index, _), region in found.items():
        out.setdefault(index, []).append(region)
    return out


def _uncompared(report: DocumentReport, data: bytes, compared: set[int]):
    """(layer, page, rect, before, after) of what displays differently now than in the revision signed by each
    layer that failed as modified after signing and was not compared."""
    wanted = [n for n, layer in enumerate(report.layers, start=1)
              if n not in compared and layer.kind == "signature" and layer.status == codes.FAILED
              and layer.subindication == "MODIFIED_AFTER_SIGNING" and layer.integrity is not False]
    if not wanted:
        return []
    ends = _signed_ends(data)
    layers = [(n, ends.get(report.layers[n - 1].field)) for n in wanted]
    layers = [(n, end) for n, end in layers if end is not None and end < len(data)]
    if not layers:
        return []
    from verifier.render.compare import Unrenderable, differences
    from verifier.signatures.displayed import MAX_FAILED_PAGES

    explained = {}
    for k, (n, _) in enumerate(layers):
        # what later layers drew is theirs to draw: the comparison of displayed.py leaves it out too
        explained[k] = [(later.appearance.page - 1, tuple(later.appearance.rect)) for later in report.layers[n:]
                        if later.appearance is not None and later.appearance.visible and later.appearance.page
                        and later.appearance.rect]
    try:
        # bounded as the verification bounds it: the first pages only
        result = differences(data, [end for _, end in layers], explained, {k: range(MAX_FAILED_PAGES) for k in explained},
                             exact=set(explained))
    except Exception as exc:  # noqa: BLE001 - a picture is never worth a failed report
        log.info("changed regions of %s not drawn: %s", report.file, exc)
        return []
    out = []
    for k, (n, _) in enumerate(layers):
        regions = result.get(k)
        if isinstance(regions, Unrenderable) or not regions:
            continue
        out.extend((n, r.page + 1, r.rect, r.before, r.after) for r in regions)
    return out


def _signed_ends(data: bytes) -> dict[str, int]:
    """Field name -> the end of the bytes its signature signs (its /ByteRange)."""
    from verifier.pdf.reader import KysoPdfFileReader

    out: dict[str, int] = {}
    try:
        reader = KysoPdfFileReader(io.BytesIO(data), strict=False)
        for sig in reader.embedded_signatures:
            byte_range = [int(v) for v in sig.sig_object["/ByteRange"]]
            if len(byte_range) == 4:
                out.setdefault(sig.field_name, byte_range[2] + byte_range[3])
    except Exception as exc:  # noqa: BLE001 - unreadable here: the report says why elsewhere
        log.info("signed revisions not found: %s", exc)
    return out
