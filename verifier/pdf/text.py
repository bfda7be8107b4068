"""The text interpreter: where a content stream draws each glyph, in default user space.

One interpreter of content for every reader of text (ISO 32000-1 §9.4): the CTM (q, Q, cm),
the text state (Tf, Tc, Tw, Tz, TL, Ts), positioning (Td, TD, Tm, T*), showing (Tj, TJ, ', ")
and form XObjects (Do), with fonts read by verifier.pdf.fonts and content read by
verifier.pdf.contentops. What it gives, by the same placement of every glyph:

- glyphs (Glyph: baseline start and end, size, character, source) for the metadata's lines
  (verifier.pdf.pdftext), or a scan of them (how many, and rows when plain to see);
- boxes (Box: the glyph's extent from 0.2 em below the baseline to 0.8 em above, its advance
  wide) of the glyphs that leave ink, for the overlap check (verifier.structure.overlap); a
  space is no box, so an appearance placed in a blank of a line covers nothing.

It reads pyHanko's objects, of the last revision or of an earlier one through pyHanko's
historical view (entries resolved and decrypted by verifier.pdf.geometry). Bounded against hostile files:
nested forms to MAX_FORM_DEPTH, MAX_OPERATIONS operators and MAX_GLYPHS glyphs per page.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import add, itemgetter
from typing import NamedTuple

from verifier.pdf import geometry
from verifier.pdf.fonts import Font, stream_data
from verifier.pdf.lines import rows_of_runs
from verifier.pdf.matrix import IDENTITY, apply, mul, translation_keeps

log = logging.getLogger(__name__)

MAX_FORM_DEPTH = 8
MAX_OPERATIONS = 400_000
MAX_GLYPHS = 60_000
MAX_STREAM_BYTES = 16 * 1024 * 1024  # a content stream larger than this is not read for text
PAGE_CONTENT = "page"


class Glyph(NamedTuple):
    """One shown character: baseline start and end x, baseline y, size, all in default user
    space of the page (or of the form, before it is placed). A tuple, not a dataclass: a page
    holds thousands and each is made in the interpreter's innermost loop."""

    x0: float
    x1: float
    y: float
    size: float
    char: str
    bold: bool
    source: str  # "page" or the signature field whose appearance drew it
    upright: bool = True


_new = tuple.__new__  # Glyph(...) without NamedTuple's keyword-handling __new__


class Box(NamedTuple):
    """Where a glyph leaves ink, in default user space: its advance wide, from 0.2 em below the
    baseline to 0.8 em above (the usual extent of Latin and Vietnamese letters), and its text
    (U+FFFD for a glyph the font does not name: still ink on the page)."""

    x1: float
    y1: float
    x2: float
    y2: float
    text: str


_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)


@dataclass
class _TextState:
    font: Font | None = None
    size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    scale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0


@dataclass
class Drawn:
    """What a content stream (with its forms) draws: glyphs, and whether it paints images."""

    glyphs: list[Glyph] = field(default_factory=list)
    images: int = 0
    image_area: float = 0.0  # in default user space of the stream's placement
    paths: int = 0  # filled or stroked paths


class _Shared:
    """What the interpretations of one document share: each font read once, each content
    stream parsed once (a page scanned, then read in full; a form drawn by many pages). Keyed
    by the object's id, the object kept with it so that the id stays its own."""

    def __init__(self) -> None:
        self.fonts: dict[int, tuple[object, Font]] = {}
        self.parsed: dict[int, tuple[object, list | None]] = {}


class _Count:
    """Stands for Drawn.glyphs when glyphs are only counted (a scan): len() is what the list
    would hold, so the interpreter stops where it would."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0

    def __len__(self) -> int:
        return self.n

    def append(self, _glyph) -> None:
        self.n += 1


def _glyph_space(ts: _TextState, tm, ctm) -> tuple | None:
    """What show() needs to place a string's glyphs without a matrix product per glyph, or None
    when only the products give the same floats.

    Between glyphs the text matrix only translates: [1 0 0 1 adv 0] x tm keeps a b c d
    (1*a + 0*c == a) unless one is -0.0 or not finite. Then the glyph space matrix is the same
    for every glyph and only the translation moves. Each quantity below is the very expression
    the general matrix products evaluate, so positions are the same floats to the last bit."""
    a, b, c, d, e, f = tm
    p, q, r, s, t, u = ctm
    if not translation_keeps(tm):
        return None
    zc, zd = 0.0 * c, 0.0 * d
    size_, k, rise = ts.size, ts.size * ts.scale, ts.rise
    m0, m1, m2, m3 = a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s
    t0, t1 = k * m0 + 0.0 * m2, k * m1 + 0.0 * m3
    t2, t3 = 0.0 * m0 + size_ * m2, 0.0 * m1 + size_ * m3
    h4, h5 = 0.0 * m0 + rise * m2, 0.0 * m1 + rise * m3
    upright = abs(t1) < 1e-6 * max(1.0, abs(t0)) and t0 > 0 and t3 > 0
    return a, b, c, d, e, f, p, q, r, s, t, u, zc, zd, h4, h5, math.hypot(t2, t3), upright, t0, t1, t2, t3


class _Interpreter:
    def __init__(self, source: str, shared: _Shared | None = None, scan: bool = False,
                 boxes: bool = False, near=None) -> None:
        self.source = source
        self.out = Drawn()
        self.ops = 0
        shared = shared if shared is not None else _Shared()
        self.fonts, self.parsed = shared.fonts, shared.parsed
        self.unknown = False  # a scan saw a string placed otherwise than plainly (see rows())
        self._place = self._place_glyphs
        if scan:
            # what runs_as_rows needs, without a glyph: per string shown, (baseline, size, first
            # glyph x0 x1, last glyph x0 x1, its characters but spaces); unknown when a string
            # is placed otherwise than plainly left to right on one baseline
            self.out.glyphs = _Count()
            self.pieces: list[tuple] = []
            self._place = self._scan_glyphs
        self._general = self._show_general
        if boxes:
            # boxes of the glyphs that leave ink; with `near` (x1, y1, x2, y2), only of those
            # that may meet it (see _box_glyphs), counted all the same against MAX_GLYPHS
            self.out.glyphs = _Boxes()
            self.near = near
            self._place, self._general = self._box_glyphs, self._box_general

    def font_for(self, resources, name) -> Font | None:
        try:
            fonts = geometry.entry(resources, "/Font")
            obj = geometry.entry(fonts, name) if fonts is not None else None
        except Exception:
            return None
        if obj is None:
            return None
        key = id(obj)
        if key not in self.fonts:
            try:
                self.fonts[key] = (obj, Font(obj))
            except Exception:
                log.debug("unreadable font %s", name, exc_info=True)
                return None
        return self.fonts[key][1]

    def run(self, stream_obj, resources, ctm, depth: int = 0, seen: frozenset = frozenset()) -> None:
        from verifier.pdf import contentops

        if depth > MAX_FORM_DEPTH:
            return
        key = id(stream_obj)
        if key not in self.parsed:
            try:
                data = content_data(stream_obj)
                if len(data) > MAX_STREAM_BYTES:
                    log.debug("content stream too large for text")
                    operations = None
                else:
                    operations = contentops.operations_in(data)
            except Exception:
                log.debug("unreadable content stream", exc_info=True)
                operations = None
            self.parsed[key] = (stream_obj, operations)  # the object kept so the id stays its own
        operations = self.parsed[key][1]
        if operations is None:
            return
        try:
            resources = geometry.resolved(resources)
        except Exception:
            resources = None
        stack = []
        ts = _TextState()
        tm = tlm = IDENTITY
        for operands, op in operations:
            self.ops += 1
            if self.ops > MAX_OPERATIONS or len(self.out.glyphs) > MAX_GLYPHS:
                return
            try:
                if op == b"q":
                    stack.append((ctm, ts.__dict__.copy()))
                elif op == b"Q":
                    if stack:
                        ctm, saved = stack.pop()
                        ts.__dict__.update(saved)
                elif op == b"cm":
                    ctm = mul(tuple(float(x) for x in operands[:6]), ctm)
                elif op == b"BT":
                    tm = tlm = IDENTITY
                elif op == b"Tf":
                    ts.font = self.font_for(resources, operands[0]) if resources is not None else None
                    ts.size = float(operands[1])
                elif op == b"Tc":
                    ts.char_spacing = float(operands[0])
                elif op == b"Tw":
                    ts.word_spacing = float(operands[0])
                elif op == b"Tz":
                    ts.scale = float(operands[0]) / 100.0
                elif op == b"TL":
                    ts.leading = float(operands[0])
                elif op == b"Ts":
                    ts.rise = float(operands[0])
                elif op in (b"Td", b"TD"):
                    tx, ty = float(operands[0]), float(operands[1])
                    if op == b"TD":
                        ts.leading = -ty
                    tm = tlm = mul((1, 0, 0, 1, tx, ty), tlm)
                elif op == b"Tm":
                    tm = tlm = tuple(float(x) for x in operands[:6])
                elif op == b"T*":
                    tm = tlm = mul((1, 0, 0, 1, 0, -ts.leading), tlm)
                elif op == b"Tj":
                    tm = self.show(operands[0], ts, tm, ctm)
                elif op == b"'":
                    tm = tlm = mul((1, 0, 0, 1, 0, -ts.leading), tlm)
                    tm = self.show(operands[0], ts, tm, ctm)
                elif op == b'"':
                    ts.word_spacing, ts.char_spacing = float(operands[0]), float(operands[1])
                    tm = tlm = mul((1, 0, 0, 1, 0, -ts.leading), tlm)
                    tm = self.show(operands[2], ts, tm, ctm)
                elif op == b"TJ":
                    for item in operands[0]:
                        if isinstance(item, (int, float)) or type(item).__name__ in ("FloatObject", "NumberObject"):
                            adv = -float(item) / 1000.0 * ts.size * ts.scale
                            tm = mul((1, 0, 0, 1, adv, 0), tm)
                        else:
                            tm = self.show(item, ts, tm, ctm)
                elif op == b"Do":
                    self.do(operands[0], resources, ctm, depth, seen)
                elif op == b"INLINE IMAGE":
                    self.image(ctm)
                elif op in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"S", b"s"):
                    self.out.paths += 1
            except Exception:
                log.debug("operator %r skipped", op, exc_info=True)
                continue

    def image(self, ctm) -> None:
        self.out.images += 1
        x0, y0 = apply(ctm, 0, 0)
        x1, y1 = apply(ctm, 1, 1)
        self.out.image_area += abs((x1 - x0) * (y1 - y0))

    def do(self, name, resources, ctm, depth, seen) -> None:
        try:
            ref = geometry.raw(geometry.entry(resources, "/XObject"), name)
            obj = geometry.resolved(ref)
            subtype = obj.get("/Subtype")
        except Exception:
            return
        if subtype == "/Image":
            self.image(ctm)
            return
        if subtype != "/Form":
            return
        key = (getattr(ref, "idnum", None), id(obj))
        if key in seen:
            return  # a form that draws itself
        matrix = IDENTITY
        try:
            if obj.get("/Matrix") is not None:
                matrix = geometry.numbers(obj.get("/Matrix"), 6)
        except Exception:
            matrix = IDENTITY
        self.run(obj, geometry.raw(obj, "/Resources") or resources, mul(matrix, ctm), depth + 1, seen | {key})

    def show(self, string, ts: _TextState, tm, ctm):
        """Draws a string; the text matrix after it. Placed plainly by _place (glyphs, or a scan's
        counts and pieces), else by the matrix products, which a scan cannot summarise."""
        font = ts.font
        data = string.original_bytes if hasattr(string, "original_bytes") else bytes(string)
        if font is None or not data:
            return tm
        placing = _glyph_space(ts, tm, ctm)
        if placing is None:
            self.unknown = True
            return self._general(data, ts, tm, ctm)
        return self._place(data, font, ts, placing)

    def _place_glyphs(self, data: bytes, font: Font, ts: _TextState, placing: tuple):
        a, b, c, d, e, f, p, q, r, s, t, u, zc, zd, h4, h5, size, upright = placing[:18]
        size_, scale, spacing, word = ts.size, ts.scale, ts.char_spacing, ts.word_spacing
        readable = size > 0.5
        bold, source, append = font.bold, self.source, self.out.glyphs.append
        for chars, w0, space in font.decoded(data):
            x0 = h4 + (e * p + f * r + t)
            y0 = h5 + (e * q + f * s + u)
            adv = (w0 * size_ + spacing + (word if space else 0.0)) * scale
            e = adv * a + zc + e
            f = adv * b + zd + f
            if chars and readable:
                x1 = e * p + f * r + t if upright else x0 + w0 * size
                for char in chars:
                    append(_new(Glyph, (x0, x1, y0, size, char, bold, source, upright)))
        return (a, b, c, d, e, f)

    def _scan_glyphs(self, data: bytes, font: Font, ts: _TextState, placing: tuple):
        """_place_glyphs without glyphs: the same text matrix back, the glyphs counted, and a
        piece (see __init__) for a string drawn upright and readable. Positions are the floats
        _place_glyphs computes: sums in its order (functools.reduce), at the first and last
        glyph with a character that is not a space."""
        a, b, c, d, e, f, p, q, r, s, t, u, zc, zd, h4, h5, size, upright = placing[:18]
        size_, scale, spacing, word = ts.size, ts.scale, ts.char_spacing, ts.word_spacing
        readable = size > 0.5
        entries = font.decoded(data)
        steps = {}
        for key, (chars, w0, space) in dict(zip(map(id, entries), entries)).items():
            adv = (w0 * size_ + spacing + (word if space else 0.0)) * scale
            steps[key] = (adv * a + zc, adv * b + zd, bool(chars.strip()))
        step = list(map(steps.__getitem__, map(id, entries)))
        das, dbs = list(map(_FIRST, step)), list(map(_SECOND, step))
        e_end, f_end = reduce(add, das, e), reduce(add, dbs, f)
        if readable:
            self.out.glyphs.n += sum(map(len, map(_FIRST, entries)))
            if upright:
                self._piece(entries, step, das, dbs, e, f, (h4, h5, p, q, r, s, t, u), size, (e_end, f_end))
        return (a, b, c, d, e_end, f_end)

    def _piece(self, entries, step, das, dbs, e, f, place, size, ends) -> None:
        text = "".join("".join(map(_FIRST, entries)).split())
        if not text:
            return
        h4, h5, p, q, r, s, t, u = place
        # one baseline: b and q zero (the y of a glyph then moves by zeros only); left to
        # right: every advance >= 0 in x and p >= 0
        if not (all(map(math.isfinite, (*place, *das, *ends))) and q == 0 and p >= 0
                and all(db == 0 for db in set(dbs)) and min(das) >= 0):
            self.unknown = True
            return
        inked = list(map(_THIRD, step))
        first = inked.index(True)
        last = len(inked) - 1 - inked[::-1].index(True)
        at = []
        for i in (first, last):
            e_i, f_i = reduce(add, das[:i], e), reduce(add, dbs[:i], f)
            e_n, f_n = das[i] + e_i, dbs[i] + f_i
            at.append((h4 + (e_i * p + f_i * r + t), e_n * p + f_n * r + t, h5 + (e_i * q + f_i * s + u)))
        (x0f, x1f, y), (x0l, x1l, _) = at
        if not all(map(math.isfinite, (x0f, x1f, x0l, x1l, y))):
            self.unknown = True
            return
        self.pieces.append((y, size, x0f, x1f, x0l, x1l, text))

    def rows(self) -> list[str] | None:
        """runs_as_rows of what a scan saw, or None."""
        if self.unknown:
            return None
        runs = []
        last = None
        for y, size, x0f, x1f, x0l, x1l, text in self.pieces:
            if last is not None and last[0] == y and last[1] == size:
                if not (last[2] <= x0f and last[3] <= x1f):
                    return None
                runs[-1] = (y, size, runs[-1][2] + text)
            else:
                runs.append((y, size, text))
            last = (y, size, x0l, x1l)
        return rows_of_runs(runs)

    def _show_general(self, data: bytes, ts: _TextState, tm, ctm):
        font = ts.font
        for code in font.codes(data):
            char = font.text(code)
            w0 = font.width(code)
            trm = mul((ts.size * ts.scale, 0, 0, ts.size, 0, ts.rise), mul(tm, ctm))
            x0, y0 = trm[4], trm[5]
            adv = (w0 * ts.size + ts.char_spacing + (ts.word_spacing if code == b" " else 0.0)) * ts.scale
            tm = mul((1, 0, 0, 1, adv, 0), tm)
            end = mul(tm, ctm)
            size = math.hypot(trm[2], trm[3])
            upright = abs(trm[1]) < 1e-6 * max(1.0, abs(trm[0])) and trm[0] > 0 and trm[3] > 0
            if char and size > 0.5:
                x1 = end[4] if upright else x0 + w0 * size
                for c in unicodedata.normalize("NFC", char):
                    self.out.glyphs.append(_new(Glyph, (x0, x1, y0, size, c, font.bold, self.source, upright)))
        return tm


    def _box_glyphs(self, data: bytes, font: Font, ts: _TextState, placing: tuple):
        """_place_glyphs for boxes: the same text matrix back; for each glyph that leaves ink
        (an advance, text that is not blank, a font size) its box. Each quantity is the
        expression the matrix products evaluate, so boxes are the products' floats
        (matrix.translation_keeps)."""
        a, b, c, d, e, f, p, q, r, s, t, u, zc, zd, h4, h5, _, _, t0, t1, t2, t3 = placing
        size_, scale, spacing, word = ts.size, ts.scale, ts.char_spacing, ts.word_spacing
        out = self.out.glyphs
        near = self.near
        # apply(trm, x, y) = (t0*x + t2*y + e', t1*x + t3*y + f') at the corners (0|w0, -0.2|0.8)
        x_lo, x_hi, y_lo, y_hi = t0 * 0 + t2 * -0.2, t0 * 0 + t2 * 0.8, t1 * 0 + t3 * -0.2, t1 * 0 + t3 * 0.8
        # a glyph's corners lie within |t0 w0| + |t2| of e4 across and |t1 w0| + |t3| of f5 up
        nx1, ny1, nx2, ny2 = near if near is not None else (0.0, 0.0, 0.0, 0.0)
        at0, at1, at2, at3 = abs(t0), abs(t1), abs(t2), abs(t3)
        for chars, w0, space in font.decoded(data):
            text = chars or "\ufffd"
            if w0 > 0 and size_ and text.strip():
                out.n += 1
                e4 = h4 + (e * p + f * r + t)
                f5 = h5 + (e * q + f * s + u)
                far = False
                if near is not None and abs(e4) < _FAR and abs(f5) < _FAR:
                    rx, ry = at0 * abs(w0) + at2, at1 * abs(w0) + at3
                    far = e4 - rx > nx2 or e4 + rx < nx1 or f5 - ry > ny2 or f5 + ry < ny1
                if not far:
                    xs = [x_lo + e4, (t0 * w0 + t2 * -0.2) + e4, x_hi + e4, (t0 * w0 + t2 * 0.8) + e4]
                    ys = [y_lo + f5, (t1 * w0 + t3 * -0.2) + f5, y_hi + f5, (t1 * w0 + t3 * 0.8) + f5]
                    out.boxes.append(Box(min(xs), min(ys), max(xs), max(ys), text))
            adv = (w0 * size_ + spacing + (word if space else 0.0)) * scale
            e = adv * a + zc + e
            f = adv * b + zd + f
        return (a, b, c, d, e, f)

    def _box_general(self, data: bytes, ts: _TextState, tm, ctm):
        """_show_general for boxes: the matrix products for each glyph."""
        font = ts.font
        out = self.out.glyphs
        for code in font.codes(data):
            text = font.text(code) or "\ufffd"
            w0 = font.width(code)
            if w0 > 0 and ts.size and text.strip():
                out.n += 1
                trm = mul((ts.size * ts.scale, 0, 0, ts.size, 0, ts.rise), mul(tm, ctm))
                corners = [apply(trm, x, y) for x, y in ((0, -0.2), (w0, -0.2), (0, 0.8), (w0, 0.8))]
                xs, ys = [c[0] for c in corners], [c[1] for c in corners]
                out.boxes.append(Box(min(xs), min(ys), max(xs), max(ys), unicodedata.normalize("NFC", text)))
            adv = (w0 * ts.size + ts.char_spacing + (ts.word_spacing if code == b" " else 0.0)) * ts.scale
            tm = mul((1, 0, 0, 1, adv, 0), tm)
        return tm


_FAR = 1e12  # beyond this the test of `near` is not trusted with rounding; every glyph is boxed


class _Boxes:
    """Stands for Drawn.glyphs when boxes are made: len() counts every glyph that leaves ink,
    boxed or left out as far from `near`, so the budget stops where it would without it."""

    __slots__ = ("n", "boxes")

    def __init__(self) -> None:
        self.n = 0
        self.boxes: list[Box] = []

    def __len__(self) -> int:
        return self.n


def content_data(contents) -> bytes:
    """The content of a stream, or of an array of streams joined as pypdf joined them (an end of
    line after each part that lacks one)."""
    if not isinstance(contents, list):
        return stream_data(contents)
    data = bytearray()
    for part in contents:
        part = geometry.resolved(part)
        if part is None or type(part).__name__ == "NullObject":
            continue
        if hasattr(part, "get_data") or hasattr(part, "data"):  # a stream (anything else adds nothing)
            data += stream_data(part)
        if not data.endswith(b"\n"):
            data += b"\n"
    return bytes(data)


def drawn_by(stream_obj, resources, ctm=IDENTITY, source: str = PAGE_CONTENT, shared=None) -> Drawn:
    """`shared`: what the interpretations of one document share (_Shared)."""
    it = _Interpreter(source, shared)
    it.run(stream_obj, resources, ctm)
    return it.out


def page_drawn(page, shared=None) -> Drawn:
    """What a page's own content draws (annotations excluded)."""
    it = _page_interpreter(page, shared, scan=False)
    return it.out if it is not None else Drawn()


def page_scanned(page, shared=None) -> tuple[int, list[str] | None]:
    """(how many glyphs page_drawn would give, runs_as_rows of them or None), without placing
    each glyph when the strings are placed plainly."""
    it = _page_interpreter(page, shared, scan=True)
    return (len(it.out.glyphs), it.rows()) if it is not None else (0, [])


def page_boxes(page, near: tuple[float, float, float, float] | None = None) -> list[Box]:
    """Boxes of the glyphs a page's own content draws that leave ink (a page of any revision).
    With `near` (x1, y1, x2, y2), only those that may meet that
    rectangle: a glyph placed clearly outside it (by more than a unit, beyond any rounding) is
    not boxed, the others exactly as without it."""
    it = _page_interpreter(page, None, scan=False, boxes=True, near=near)
    return it.out.glyphs.boxes if it is not None else []


def _page_interpreter(page, shared, scan: bool, boxes: bool = False, near=None):
    contents = page.get("/Contents")
    if contents is None:
        return None
    try:
        contents = geometry.resolved(contents)  # a stream, or an array of streams (run() joins them)
    except Exception:
        return None
    it = _Interpreter(PAGE_CONTENT, shared, scan, boxes, near)
    it.run(contents, geometry.inherited(page, "/Resources"), IDENTITY)
    return it
