"""A DocumentText whose pages without a text layer are read by OCR, within a page budget.

The metadata reader asks for page 1 (header, date line, title) and then, from the last page
back, for the page with `Nơi nhận:` (recipients, signer block). OCR costs about 1-2 s a page,
so not every page is read: page 1 first; when its text holds no `Nơi nhận`, the last pages
(PAGES_AFTER_FIRST of them) may be read, in the order the reader asks for them. A page with a
text layer is never read by OCR; glyphs read are kept by the page's content key, so a revision
that did not change a page shares them.
"""

from __future__ import annotations

import logging

from verifier.ocr import engine
from verifier.ocr.scan import PageText, read_page
from verifier.pdf.pdftext import DocumentText
from verifier.vietnam import fold

log = logging.getLogger(__name__)

PAGES_AFTER_FIRST = 2  # the signer block is on page 1 (a short letter) or on one of the last pages


class OcrText(DocumentText):
    """DocumentText plus OCR of the pages it may read (see the module's docstring)."""

    def __init__(self, data: bytes, reader=None) -> None:
        super().__init__(data, reader)
        self.read: list[PageText] = []  # what OCR read, in the order it was read
        self._tried: set[str] = set()
        self._plan: list[int] | None = None
        self._ocr_keys: set[str] = set()  # content keys of the pages whose glyphs OCR read

    # the three ways into a page's glyphs; each first reads the page by OCR when it may
    def _page(self, index, end):
        self._ensure(index, end)
        return super()._page(index, end)

    def has_text(self, index, end=None):
        self._ensure(index, end)
        return super().has_text(index, end)

    def rows(self, index, end=None, **kwargs):
        self._ensure(index, end)
        return super().rows(index, end, **kwargs)

    @property
    def ocr_pages(self) -> list[int]:
        """Numbers (from 1) of the pages read by OCR that gave text."""
        return sorted(p.index + 1 for p in self.read if p.glyphs)

    def _allowed(self, index: int) -> bool:
        if index == 0:
            return True
        if self._plan is None:
            self._ensure(0, None)
            first = next((p for p in self.read if p.index == 0), None)
            footer_on_first = first is not None and _has_recipients(first)
            last = self.pages - 1
            self._plan = [] if footer_on_first else [i for i in range(last, 0, -1)][:PAGES_AFTER_FIRST]
        return index in self._plan

    def _ensure(self, index: int, end) -> None:
        key, page = self._locate(index, end)
        if key is None or key in self._tried:
            return
        self._tried.add(key)
        if super().has_text(index, end) or not self._allowed(index):
            return
        if end is not None and end != len(self.data) and self._locate(index, None)[0] != key:
            return  # an earlier revision's page the final document does not show: not drawn
        try:
            found = read_page(self.data, index, signed=self._first_signed())
        except Exception as exc:  # a page PDFium cannot draw, Tesseract failing: no text, as before
            log.warning("OCR of page %d failed: %s", index + 1, exc)
            return
        self.read.append(found)
        self._page_cache[key] = found.glyphs
        if found.glyphs:
            self._ocr_keys.add(key)

    def _painting(self, index, end):
        """OCR read its glyphs off the page as PDFium draws it, so they are painted by
        construction (switching text objects off would not change the picture and would call
        them unpainted); the text of the widgets on that page is still measured."""
        self._ensure(index, end)
        key, _ = self._locate(index, end)
        if key not in self._ocr_keys:
            return super()._painting(index, end)
        at = (len(self.data) if end is None else end, index)
        if at not in self._paint:
            from verifier.render.painted import PAINTED, PagePaint

            read = self._page_cache[key]
            self._page_cache[key] = []
            try:
                entry = super()._painting(index, end)
            finally:
                self._page_cache[key] = read
            if entry is None:
                return None
            result, glyphs, hidden = entry
            self._paint[at] = (PagePaint(result.state, [PAINTED] * len(read) + list(result.marks), result.reason),
                               list(read) + list(glyphs), hidden)
        return self._paint[at]


    def _first_signed(self):
        """When the document's first signature says it was made (its signingTime or /M), or
        None: a date written on the paper that was scanned and signed cannot be later."""
        if not hasattr(self, "_signed"):
            self._signed = None
            try:
                times = [s.self_reported_timestamp for s in self.reader.embedded_signatures]
                times = [t for t in times if t is not None]
                self._signed = min(times) if times else None
            except Exception:  # an unreadable signature: no bound on the date, the reading stays
                log.debug("no signing time for the OCR date check", exc_info=True)
        return self._signed


def _has_recipients(page: PageText) -> bool:
    from verifier.pdf.lines import lines_of

    return any(fold(seg.text).replace(" ", "").startswith("noinhan") for line in lines_of(page.glyphs)
               for seg in line.segments)


def usable() -> bool:
    """Whether OCR can run here (engine.missing() says why not)."""
    return engine.missing() is None
