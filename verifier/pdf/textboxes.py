"""Where a page draws text: one box per visible glyph, in default user space.

Enough of a content-stream interpreter to place glyphs (ISO 32000-1 §9.4): the graphics state's
CTM (q/Q/cm), the text state (Tf, Tc, Tw, Tz, TL, Ts), text positioning (Td, TD, Tm, T*), text
showing (Tj, TJ, ', ") and form XObjects (Do). Glyph widths come from the font (/Widths of
simple fonts, /W and /DW of CID fonts); heights are taken as the font size from 0.2 em below
the baseline to 0.8 em above, the usual extent of Latin and Vietnamese letters. Spaces are not
boxes, so an appearance placed in a blank of a text line (the number and date of a decision)
does not count as covering text.

Bounded: nested forms to MAX_FORM_DEPTH, at most MAX_OPERATIONS operators per page.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from verifier.pdf import rawpdf
from verifier.pdf.matrix import IDENTITY, apply, mul, translation_keeps

MAX_FORM_DEPTH = 8
MAX_OPERATIONS = 500_000
_INLINE_IMAGE_END = re.compile(rb"[\x00\t\n\x0c\r ]EI(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")



class Glyph(NamedTuple):
    x1: float
    y1: float
    x2: float
    y2: float
    text: str


class _Font:
    """Widths (in 1/1000 em) and, when the font says, the Unicode text of each code."""

    def __init__(self, font):
        self.two_byte = False
        self.widths: dict[int, float] = {}
        self.default = 500.0  # standard 14 fonts carry no /Widths; an average is good enough
        self.to_unicode: dict[int, str] = {}
        self._decoded: dict[int, tuple[float, str, bool, bool]] = {}
        if font is None:
            return
        subtype = _get(font, "/Subtype")
        if subtype == "/Type0":
            self.two_byte = True
            descendant = font["/DescendantFonts"][0].get_object()
            self.default = float(_get(descendant, "/DW") or 1000)
            w = _get(descendant, "/W")
            if w is not None:
                self._cid_widths([v.get_object() for v in w])
        else:
            first = int(_get(font, "/FirstChar") or 0)
            widths = _get(font, "/Widths")
            if widths is not None:
                for i, value in enumerate(widths):
                    self.widths[first + i] = float(value)
                descriptor = _get(font, "/FontDescriptor")
                self.default = float(_get(descriptor, "/MissingWidth") or 0) if descriptor is not None else 0.0
        try:
            cmap = _get(font, "/ToUnicode")
            if cmap is not None:
                self._read_cmap(cmap.data)
        except Exception:
            pass

    def _cid_widths(self, w) -> None:
        i = 0
        while i < len(w) - 1:
            first = int(w[i])
            nxt = w[i + 1]
            if hasattr(nxt, "__len__") and not isinstance(nxt, (int, float)):
                for j, value in enumerate(nxt):
                    self.widths[first + j] = float(value)
                i += 2
            elif i + 2 < len(w):
                for cid in range(first, min(int(nxt), first + 65536) + 1):
                    self.widths[cid] = float(w[i + 2])
                i += 3
            else:
                break

    def _read_cmap(self, data: bytes) -> None:
        from verifier.pdf.pdftext import parse_cmap  # one reader of ToUnicode CMaps, arrays in bfrange included

        mapping, _ = parse_cmap(data)
        self.to_unicode = {int.from_bytes(code, "big"): text for code, text in mapping.items()}

    def decoded(self, raw: bytes) -> list[tuple[float, str, bool, bool]]:
        """(width in em, text, whether it is a box, is the word-spacing byte) of each code of a
        string, worked out once per code of the font."""
        cache = self._decoded
        return [cache.get(code) or self._decode(code) for code in self.codes(raw)]

    def _decode(self, code: int) -> tuple[float, str, bool, bool]:
        w0 = self.width(code) / 1000
        text = self.text(code)
        entry = self._decoded[code] = (w0, text, bool(text.strip()) and w0 > 0, code == 32 and not self.two_byte)
        return entry

    def codes(self, raw: bytes):
        if self.two_byte:
            return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)]
        return list(raw)

    def width(self, code: int) -> float:
        return self.widths.get(code, self.default)

    def text(self, code: int) -> str:
        if code in self.to_unicode:
            return self.to_unicode[code]
        if self.two_byte:  # no /ToUnicode: a glyph we cannot name is still ink on the page
            return "\ufffd"
        return bytes([code]).decode("cp1252", "replace")


class _State:
    __slots__ = ("ctm", "font", "size", "char_spacing", "word_spacing", "scale", "leading", "rise")

    def __init__(self):
        self.ctm = IDENTITY
        self.font: _Font | None = None
        self.size = 0.0
        self.char_spacing = self.word_spacing = self.leading = self.rise = 0.0
        self.scale = 1.0

    def copy(self) -> _State:
        s = _State()
        for k in self.__slots__:
            setattr(s, k, getattr(self, k))
        return s


def page_glyphs(page, near: tuple[float, float, float, float] | None = None) -> list[Glyph]:
    """Glyph boxes of a page (a pyHanko page dictionary, any revision's). With `near` (x1, y1,
    x2, y2), only those that may meet that rectangle: a glyph placed clearly outside it (by
    more than a unit, beyond any rounding) is not boxed, the others exactly as without it."""
    contents = _get(page, "/Contents")
    if contents is None:
        return []
    streams = [contents] if hasattr(contents, "data") else [c.get_object() for c in contents]
    data = b"\n".join(s.data for s in streams if hasattr(s, "data"))
    out: list[Glyph] = []
    budget = [MAX_OPERATIONS]
    _run(data, _get(page, "/Resources"), _State(), out, 0, budget, near)
    return out


def _get(d, key):
    """A dictionary entry with references resolved (pyHanko's .get() returns them raw)."""
    value = d.get(key)
    return value.get_object() if value is not None else None


def _number(v) -> float:
    return float(v.value) if isinstance(v, rawpdf.Number) else 0.0


def _run(data: bytes, resources, state: _State, out: list[Glyph], depth: int, budget: list[int], near=None) -> None:
    fonts: dict[str, _Font] = {}
    stack: list[_State] = []
    tm = tlm = IDENTITY
    operands: list = []
    pos, n = 0, len(data)
    while pos < n and budget[0] > 0:
        pos = rawpdf.skip(data, pos)
        if pos >= n:
            break
        try:
            value = rawpdf.parse_value(data, pos)
        except rawpdf.RawSyntaxError:
            pos += 1
            operands = []
            continue
        pos = value.end
        if not isinstance(value, rawpdf.Keyword) or value.value in (b"true", b"false", b"null"):
            operands.append(value)
            continue
        budget[0] -= 1
        op, args = value.value, operands
        operands = []
        if op == b"q":
            stack.append(state.copy())
        elif op == b"Q":
            if stack:
                state = stack.pop()
        elif op == b"cm" and len(args) == 6:
            state.ctm = mul(tuple(_number(a) for a in args), state.ctm)
        elif op == b"BT":
            tm = tlm = IDENTITY
        elif op == b"Tf" and len(args) == 2:
            name = args[0].value if isinstance(args[0], rawpdf.Name) else ""
            if name not in fonts:
                fonts[name] = _Font(_resource(resources, "/Font", name))
            state.font, state.size = fonts[name], _number(args[1])
        elif op == b"Tc" and args:
            state.char_spacing = _number(args[-1])
        elif op == b"Tw" and args:
            state.word_spacing = _number(args[-1])
        elif op == b"Tz" and args:
            state.scale = _number(args[-1]) / 100
        elif op == b"TL" and args:
            state.leading = _number(args[-1])
        elif op == b"Ts" and args:
            state.rise = _number(args[-1])
        elif op in (b"Td", b"TD") and len(args) == 2:
            tx, ty = _number(args[0]), _number(args[1])
            if op == b"TD":
                state.leading = -ty
            tm = tlm = mul((1, 0, 0, 1, tx, ty), tlm)
        elif op == b"Tm" and len(args) == 6:
            tm = tlm = tuple(_number(a) for a in args)
        elif op == b"T*":
            tm = tlm = mul((1, 0, 0, 1, 0, -state.leading), tlm)
        elif op in (b"Tj", b"'", b'"', b"TJ"):
            if op in (b"'", b'"'):
                if op == b'"' and len(args) == 3:
                    state.word_spacing, state.char_spacing = _number(args[0]), _number(args[1])
                tm = tlm = mul((1, 0, 0, 1, 0, -state.leading), tlm)
            items = args[-1].items if op == b"TJ" and args and isinstance(args[-1], rawpdf.Array) else args[-1:]
            for item in items:
                if isinstance(item, rawpdf.String):
                    tm = _show(item.value, state, tm, out, near)
                elif isinstance(item, rawpdf.Number):
                    tm = mul((1, 0, 0, 1, -item.value / 1000 * state.size * state.scale, 0), tm)
        elif op == b"Do" and args and depth < MAX_FORM_DEPTH:
            xobject = _resource(resources, "/XObject", args[0].value if isinstance(args[0], rawpdf.Name) else "")
            if xobject is not None and _get(xobject, "/Subtype") == "/Form":
                inner = state.copy()
                matrix = _get(xobject, "/Matrix")
                if matrix is not None and len(matrix) == 6:
                    inner.ctm = mul(tuple(float(v) for v in matrix), inner.ctm)
                try:
                    _run(xobject.data, _get(xobject, "/Resources") or resources, inner, out, depth + 1, budget, near)
                except Exception:
                    pass
        elif op == b"BI":
            end = data.find(b"ID", pos)
            m = _INLINE_IMAGE_END.search(data, end + 2) if end >= 0 else None
            pos = m.end() if m else n


def _resource(resources, category: str, name: str):
    try:
        return resources[category][name].get_object() if resources is not None else None
    except (KeyError, TypeError, AttributeError):
        return None


_FAR = 1e12  # beyond this the skipping test below is not trusted with rounding; every glyph is boxed


def _show(raw: bytes, state: _State, tm, out: list[Glyph], near=None):
    font = state.font or _Font(None)
    a, b, c, d, e, f = tm
    p, q, r, s, t, u = state.ctm
    # Each quantity below is the expression the matrix products evaluate, so boxes are the
    # same floats (matrix.translation_keeps); in the odd case the products themselves run.
    if not translation_keeps(tm):
        return _show_general(raw, state, tm, out, font)
    zc, zd = 0.0 * c, 0.0 * d
    size, scale, rise = state.size, state.scale, state.rise
    spacing, word = state.char_spacing, state.word_spacing
    k = size * scale
    m0, m1, m2, m3 = a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s
    t0, t1 = k * m0 + 0.0 * m2, k * m1 + 0.0 * m3
    t2, t3 = 0.0 * m0 + size * m2, 0.0 * m1 + size * m3
    h4, h5 = 0.0 * m0 + rise * m2, 0.0 * m1 + rise * m3
    # apply(trm, x, y) = (t0*x + t2*y + e', t1*x + t3*y + f') at the corners (0|w0, -0.2|0.8)
    x_lo, x_hi, y_lo, y_hi = t0 * 0 + t2 * -0.2, t0 * 0 + t2 * 0.8, t1 * 0 + t3 * -0.2, t1 * 0 + t3 * 0.8
    # a glyph's corners lie within |t0 w0| + |t2| of e4 across and |t1 w0| + |t3| of f5 up
    nx1, ny1, nx2, ny2 = near if near is not None else (0.0, 0.0, 0.0, 0.0)
    at0, at1, at2, at3 = abs(t0), abs(t1), abs(t2), abs(t3)
    for w0, text, boxed, space in font.decoded(raw):
        if boxed and size:
            e4 = h4 + (e * p + f * r + t)
            f5 = h5 + (e * q + f * s + u)
            far = False
            if near is not None and abs(e4) < _FAR and abs(f5) < _FAR:
                rx, ry = at0 * abs(w0) + at2, at1 * abs(w0) + at3
                far = e4 - rx > nx2 or e4 + rx < nx1 or f5 - ry > ny2 or f5 + ry < ny1
            if not far:
                xs = [x_lo + e4, (t0 * w0 + t2 * -0.2) + e4, x_hi + e4, (t0 * w0 + t2 * 0.8) + e4]
                ys = [y_lo + f5, (t1 * w0 + t3 * -0.2) + f5, y_hi + f5, (t1 * w0 + t3 * 0.8) + f5]
                out.append(Glyph(min(xs), min(ys), max(xs), max(ys), text))
        advance = (w0 * size + spacing + (word if space else 0)) * scale
        e = advance * a + zc + e
        f = advance * b + zd + f
    return (a, b, c, d, e, f)


def _show_general(raw: bytes, state: _State, tm, out: list[Glyph], font: _Font):
    size, scale = state.size, state.scale
    for code in font.codes(raw):
        w0 = font.width(code) / 1000
        text = font.text(code)
        if text.strip() and w0 > 0 and size:
            trm = mul((size * scale, 0, 0, size, 0, state.rise), mul(tm, state.ctm))
            corners = [apply(trm, x, y) for x, y in ((0, -0.2), (w0, -0.2), (0, 0.8), (w0, 0.8))]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            out.append(Glyph(min(xs), min(ys), max(xs), max(ys), text))
        advance = (w0 * size + state.char_spacing + (state.word_spacing if (code == 32 and not font.two_byte) else 0)) * scale
        tm = mul((1, 0, 0, 1, advance, 0), tm)
    return tm
