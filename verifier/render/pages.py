"""Pages rendered with PDFium (pypdfium2), forms drawn, in grey levels, with the mapping between
the image's pixels and the page's user space.

PDFium is the renderer of Chrome and of most viewers Vietnamese offices use; what it draws is
what a reader sees. It is not safe to call from two threads at once (pypdfium2's documentation),
so every call into it holds one lock (a document is opened, drawn and closed under it, and
callers may hold it across several). A revision is rendered from the bytes up to its end: a
PDF cut after any of its revisions is that revision as its signer saw it.

The rendered comparison (verifier.render.compare) and the overlap check
(verifier.structure.overlap) draw the same revisions of one document, mostly the same pages: they
share the open documents (`kept`), so that PDFium parses each revision's fonts and images once
(the first drawing of a page in a document costs two to three times the next). PDFium draws the
same bytes the same way whatever it drew before (the comparison rests on that too).
"""

from __future__ import annotations

import ctypes
import io
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from verifier.pdf.opening import password

_LOCK = threading.RLock()  # re-entrant: a caller may hold it around several open documents
_VIRTUAL = 1000  # PDFium maps to integer pixels: a device this much larger keeps the fractions
MAX_PIXELS = 25_000_000  # per drawing (one byte each): a page this large is drawn at a lower scale


class RenderError(Exception):
    """PDFium could not open or draw the document (its reason in the message)."""


@dataclass(frozen=True)
class PageImage:
    """One page as displayed: a grey-level PIL image and the affine map from user space to it."""

    index: int  # from 0
    image: object  # PIL.Image.Image, mode "L"
    scale: float  # pixels per point
    # pixel = (a*x + c*y + e, b*x + d*y + f) for a point (x, y) of user space
    matrix: tuple[float, float, float, float, float, float]

    def to_px(self, rect) -> tuple[int, int, int, int]:
        """The pixel box (left, top, right, bottom; right and bottom exclusive) holding a user-space
        rectangle, clipped to the image."""
        # the four corners mapped by _apply's own expressions (the same floats), without a
        # generator and a zip per rectangle: the overlap check asks thousands of times
        a, b, c, d, e, f = self.matrix
        x1, y1, x2, y2 = rect[0], rect[1], rect[2], rect[3]
        xs = (a * x1 + c * y1 + e, a * x1 + c * y2 + e, a * x2 + c * y1 + e, a * x2 + c * y2 + e)
        ys = (b * x1 + d * y1 + f, b * x1 + d * y2 + f, b * x2 + d * y1 + f, b * x2 + d * y2 + f)
        w, h = self.image.size
        left, top = max(0, int(min(xs))), max(0, int(min(ys)))
        right, bottom = min(w, int(max(xs)) + 1), min(h, int(max(ys)) + 1)
        return left, top, max(left, right), max(top, bottom)

    def to_pdf(self, box) -> tuple[float, float, float, float]:
        """The user-space rectangle (x1, y1, x2, y2; x1 <= x2, y1 <= y2) of a pixel box."""
        a, b, c, d, e, f = self.matrix
        det = a * d - b * c
        pts = []
        for px in (box[0], box[2]):
            for py in (box[1], box[3]):
                u, v = px - e, py - f
                pts.append(((d * u - c * v) / det, (a * v - b * u) / det))
        xs, ys = zip(*pts)
        return min(xs), min(ys), max(xs), max(ys)

    def _apply(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.matrix
        return a * x + c * y + e, b * x + d * y + f


def render(data: bytes, pages: Iterable[int] | None = None, scale: float = 1.0) -> tuple[int, dict[int, PageImage]]:
    """(page count, {index: PageImage}) of the document `data`, for the `pages` asked (every page
    when None; indexes past the end are left out). Raises RenderError when PDFium cannot open it
    or draw a page."""
    with opened(data) as doc:
        wanted = range(doc.count) if pages is None else sorted({i for i in pages if 0 <= i < doc.count})
        return doc.count, {index: doc.draw(index, scale) for index in wanted}


class Opened:
    """A document open in PDFium, its forms initialised: pages drawn one at a time, so that a
    caller comparing several documents holds two images, not every page of each.

    The page last drawn stays loaded until another page of the document is drawn or the
    document is closed (close_page): PDFium keeps the images it decoded for a page with the
    loaded page, so the overlap check's grey drawing of a page the rendered comparison drew in
    colour, and the comparison's crops at CROP_SCALE, do not decode its scan again (a third of
    such a drawing on 03-vbhn-bkhcn). A page drawn on a loaded page is the page drawn on one
    loaded again: the same bytes are drawn the same way whatever was drawn before (the premise
    of the module), and what loading does (parsing the page's content, the form environment's
    view of its widgets) is done on the same bytes; tests/test_render_kept.py compares every
    drawing the passes make with a drawing from a document opened for it alone, on the
    samples, the real documents and a form whose appearances PDFium generates."""

    def __init__(self, doc):
        self._doc = doc
        self.count = len(doc)
        self._loaded: tuple[int, object] | None = None  # (index, pypdfium2 page) last drawn

    def draw(self, index: int, scale: float, colour: bool = False, forms: bool = True) -> PageImage:
        """Page `index` (from 0) as displayed, in grey levels or, with `colour`, in RGB (two
        colours of one grey level are two things a reader tells apart: a comparison must see
        them); without `forms`, the page alone, no widget drawn (OCR reads the page; the
        appearances' own text is read from their streams); raises RenderError when PDFium cannot draw it. A page that would take more
        than MAX_PIXELS is drawn at the scale that fits (a page of a hostile size must not take
        the memory of the machine); PageImage.scale says which."""
        import pypdfium2.raw as raw

        with _LOCK:
            page = self._page(index)
            try:
                w, h = page.get_size()
                if w * h * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / (w * h)) ** 0.5
                # colour in RGB order: PIL takes it as it is, where PDFium's default BGR cost it a
                # pass over every pixel (as long as the drawing); the pixels are the same
                bitmap = page.render(scale=scale, may_draw_forms=forms, grayscale=not colour, rev_byteorder=colour)
                image = bitmap.to_pil()  # a grey image is PIL's view of PDFium's buffer: copied below
                if not colour or image.mode != "RGB":
                    image = image.convert("RGB" if colour else "L")
                return PageImage(index, image, scale, _matrix(raw, page, image.size))
            except Exception as exc:
                self.close_page()  # a page that failed is loaded afresh if asked again
                raise RenderError(f"page {index + 1}: {exc}") from exc

    def _page(self, index: int):
        """The loaded page `index` (the one kept, or loaded now in its place); RenderError."""
        if self._loaded is not None and self._loaded[0] == index:
            return self._loaded[1]
        self.close_page()
        try:
            page = self._doc[index]
        except Exception as exc:
            raise RenderError(f"page {index + 1}: {exc}") from exc
        self._loaded = (index, page)
        return page

    def close_page(self) -> None:
        """Unload the page kept loaded (before the document closes, or to free its images)."""
        with _LOCK:
            loaded, self._loaded = self._loaded, None
            if loaded is not None:
                loaded[1].close()


@contextmanager
def opened(data) -> Iterator[Opened]:
    """The document `data` (bytes, or a readable binary file) open in PDFium for drawing; raises
    RenderError when PDFium cannot open it (a password, damage beyond its repair)."""
    doc, handle = _open(data)
    try:
        yield handle
    finally:
        with _LOCK:
            handle.close_page()
            doc.close()


def _open(data):
    """(pypdfium2's document, Opened) of `data`; raises RenderError."""
    import pypdfium2 as pdfium

    with _LOCK:
        try:
            doc = pdfium.PdfDocument(data, password=password())  # kyso verify --password
        except Exception as exc:  # PdfiumError
            raise RenderError(str(exc)) from exc
        try:
            doc.init_forms()
            return doc, Opened(doc)
        except Exception as exc:
            doc.close()
            raise RenderError(str(exc)) from exc


class _Kept(threading.local):
    """The documents `kept` holds open, for one document's bytes, in this thread: a verification
    runs its passes in one thread, and a document is closed in the thread that opened it."""

    def __init__(self):
        self.owner: bytes | None = None  # held: while it is, no other bytes can be this object
        self.docs: dict[int, tuple] = {}  # end -> (document, Opened) or the RenderError it raised


_KEPT = _Kept()


def kept(data: bytes, end: int | None = None) -> Opened:
    """The revision of the document `data` ending at `end` (the whole document when None or
    past the end) open in PDFium, opened once for every pass that asks for it with the same
    bytes object, until release() or until a pass asks for another document's revisions in
    this thread. Raises RenderError as opened() does, each time it is asked."""
    end = len(data) if end is None or end > len(data) else end
    with _LOCK:
        if _KEPT.owner is not data:
            release()
            _KEPT.owner = data
        if end not in _KEPT.docs:
            try:
                # a revision is read through a window on the bytes, not a copy of them
                _KEPT.docs[end] = _open(data if end == len(data) else _Window(memoryview(data)[:end]))
            except RenderError as exc:
                _KEPT.docs[end] = exc
        found = _KEPT.docs[end]
        if isinstance(found, RenderError):
            raise found
        return found[1]


def release() -> None:
    """Close the documents kept for the document last asked for in this thread."""
    with _LOCK:
        docs, _KEPT.docs, _KEPT.owner = _KEPT.docs, {}, None
        for found in docs.values():
            if not isinstance(found, RenderError):
                found[1].close_page()
                found[0].close()


class _Window(io.RawIOBase):
    """A read-only file over a slice of the document's bytes: a revision is opened without
    copying the bytes it shares with the final document."""

    def __init__(self, view: memoryview):
        self._view, self._pos = view, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._view)}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def readinto(self, buffer) -> int:
        target = memoryview(buffer).cast("B")
        n = max(0, min(len(target), len(self._view) - self._pos))
        target[:n] = self._view[self._pos:self._pos + n]
        self._pos += n
        return n


def _matrix(raw, page, size) -> tuple[float, float, float, float, float, float]:
    """The affine map PDFium used for a page drawn at `size` pixels, read at three points."""
    w, h = size
    x, y = ctypes.c_int(), ctypes.c_int()

    def device(px: float, py: float) -> tuple[float, float]:
        raw.FPDF_PageToDevice(page.raw, 0, 0, w * _VIRTUAL, h * _VIRTUAL, 0, px, py, x, y)
        return x.value / _VIRTUAL, y.value / _VIRTUAL

    e, f = device(0.0, 0.0)
    ax, ay = device(1000.0, 0.0)
    cx, cy = device(0.0, 1000.0)
    return (ax - e) / 1000, (ay - f) / 1000, (cx - e) / 1000, (cy - f) / 1000, e, f
