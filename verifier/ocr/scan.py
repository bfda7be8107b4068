"""A page without a text layer read by OCR, as glyphs in the page's user space.

The page is drawn by PDFium without its widgets (the appearances' text is read from their
streams, with their own sources) at DPI, in grey levels, and read by Tesseract. Each character
becomes a verifier.pdf.text.Glyph whose source is OCR_SOURCE: its box from Tesseract, its
baseline that of its text line, its size from the line's height. verifier.pdf.lines joins them
into lines and segments as it joins a text layer's glyphs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from verifier.ocr import engine, fix, spots
from verifier.pdf.text import Glyph

log = logging.getLogger(__name__)

DPI = 300  # Tesseract's models are trained on text of 20-40 px capitals: 13 pt at 300 dpi
EM_PER_LINE = 1.25  # a text line's box (Vietnamese marks above capitals, descenders) in ems


@dataclass
class PageText:
    """What OCR read on one page."""

    index: int  # from 0
    glyphs: list[Glyph]
    seconds: float  # drawing and reading
    confidence: float  # Tesseract's mean over the characters, 0-100


def read_page(data: bytes, index: int, dpi: int = DPI, signed: datetime | None = None) -> PageText:
    """Page `index` of the PDF `data` read by OCR, its handwritten number and date read again
    (verifier.ocr.spots; `signed`: when the first signature was made, which the date written
    cannot follow). Raises verifier.render.pages.RenderError when PDFium cannot draw it,
    RuntimeError when Tesseract fails."""
    from verifier.render.pages import opened

    started = time.monotonic()
    with opened(data) as doc:
        page = doc.draw(index, dpi / 72.0, forms=False)
        found = engine.read(page.image)
        if index == 0 and spots.find(found, page.image.height):
            # in colour: a clerk's blue or red ink is told from the black print by its colour
            found = spots.amend(found, doc.draw(index, dpi / 72.0, colour=True, forms=False).image, signed)
    words = fix.words(found)
    glyphs = [g for w in words for g in _glyphs(page, w)]
    confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
    return PageText(index, glyphs, time.monotonic() - started, confidence)


def _glyphs(page, word: engine.Word) -> list[Glyph]:
    """The characters of a word spread evenly over its box: Tesseract's own character boxes
    overlap and cross, and would reorder the letters when sorted by position."""
    left, top, right, bottom = word.box
    x0, _, x1, _ = page.to_pdf((left, top, right, bottom))
    mid = (left + right) / 2
    _, y, _, _ = page.to_pdf((mid, word.baseline, mid, word.baseline))
    size = max(word.line_height / page.scale / EM_PER_LINE, 1.0)
    chars = [c for c in word.text if not c.isspace()]
    step = (x1 - x0) / len(chars)
    return [Glyph(x0 + i * step, x0 + (i + 1) * step, y, size, c, False, engine.OCR_SOURCE) for i, c in enumerate(chars)]
