"""Positioned text of a PDF: the pages of each revision and the signature appearances.

What a reader sees on a page of a signed Vietnamese document is the page content AND the
appearance streams of the signature widgets: the signing tools draw the document number and the
day into blanks of the header as appearances of the agency's layers (domain.md §3). So text is
collected per glyph with its position in default user space and its source (the page content of
a revision, or the appearance of one signature field), and then joined into lines, whatever the
source, the way the page is displayed.

Enough of a content-stream interpreter to place text (ISO 32000-1 §9): the CTM (q, Q, cm), the
text state (Tf, Tc, Tw, Tz, TL, Ts), positioning (Td, TD, Tm, T*), showing (Tj, TJ, ', ") and
form XObjects (Do), with fonts decoded through /ToUnicode, or their simple encoding and
/Differences. pypdf parses the objects and the content streams; nothing here decides anything.

Bounded against hostile files: nested forms to MAX_FORM_DEPTH, MAX_OPERATIONS operators per
page and MAX_GLYPHS glyphs per page.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from itertools import groupby, repeat
from operator import add, itemgetter
from typing import NamedTuple
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


@dataclass
class Segment:
    """Glyphs of one line without a wide gap between them."""

    x0: float
    x1: float
    y: float
    size: float
    text: str
    bold: bool
    sources: tuple[str, ...]  # per character of `text` (an inferred space gets its left neighbour's)
    xs: tuple[float, ...] = ()  # per character: where it starts
    bolds: tuple[bool, ...] = ()  # per character: drawn with a bold font

    def part(self, lo: float | None = None, hi: float | None = None) -> "Segment | None":
        """The characters starting in [lo, hi), as a segment of their own."""
        keep = [i for i, x in enumerate(self.xs) if (lo is None or x >= lo) and (hi is None or x < hi)]
        if not keep:
            return None
        i, j = keep[0], keep[-1] + 1
        text = self.text[i:j]
        strip_l = len(text) - len(text.lstrip())
        text2 = text.strip()
        if not text2:
            return None
        i2 = i + strip_l
        j2 = i2 + len(text2)
        x1 = self.xs[j2] if j2 < len(self.xs) else self.x1
        bolds = self.bolds[i2:j2]
        bold = sum(bolds) * 2 > len([c for c in text2 if c != " "]) if bolds else self.bold
        return Segment(self.xs[i2], x1, self.y, self.size, text2, bold, self.sources[i2:j2], self.xs[i2:j2], bolds)


@dataclass
class Line:
    y: float
    size: float
    segments: list[Segment]

    @property
    def text(self) -> str:
        return "   ".join(s.text for s in self.segments)

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1


# --- fonts ------------------------------------------------------------------------------------

_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def _hex_bytes(token: bytes) -> bytes:
    digits = token.translate(None, b" \t\n\r\f\v")  # what rb"\s" matches
    return bytes.fromhex(digits.decode() + ("0" if len(digits) % 2 else ""))


def _utf16(data: bytes) -> str:
    try:
        return data.decode("utf-16-be")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_cmap(data: bytes) -> tuple[dict[bytes, str], list[tuple[bytes, bytes]]]:
    """A ToUnicode CMap: (code bytes -> text, codespace ranges)."""
    mapping: dict[bytes, str] = {}
    spaces: list[tuple[bytes, bytes]] = []
    for block in re.finditer(rb"begincodespacerange(.*?)endcodespacerange", data, re.S):
        toks = _HEX.findall(block.group(1))
        for lo, hi in zip(toks[0::2], toks[1::2]):
            spaces.append((_hex_bytes(lo), _hex_bytes(hi)))
    for block in re.finditer(rb"beginbfchar(.*?)endbfchar", data, re.S):
        toks = _HEX.findall(block.group(1))
        for src, dst in zip(toks[0::2], toks[1::2]):
            mapping[_hex_bytes(src)] = _utf16(_hex_bytes(dst))
    for block in re.finditer(rb"beginbfrange(.*?)endbfrange", data, re.S):
        body = block.group(1)
        for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])", body):
            lo, hi = _hex_bytes(m.group(1)), _hex_bytes(m.group(2))
            n = len(lo)
            start, end = int.from_bytes(lo, "big"), int.from_bytes(hi, "big")
            if end < start or end - start > 65535 or n == 0:
                continue
            dst = m.group(3)
            if dst.startswith(b"["):
                items = _HEX.findall(dst)
                for i, item in enumerate(items[: end - start + 1]):
                    mapping[(start + i).to_bytes(n, "big")] = _utf16(_hex_bytes(item))
            else:
                base = _hex_bytes(dst[1:-1])
                if not base:
                    continue
                prefix, last = base[:-2] if len(base) >= 2 else b"", int.from_bytes(base[-2:], "big")
                for i in range(end - start + 1):
                    tail = (last + i) & 0xFFFF
                    mapping[(start + i).to_bytes(n, "big")] = _utf16(prefix + tail.to_bytes(2, "big"))
    return mapping, spaces


def _glyph_name_char(name: str) -> str | None:
    from pypdf._codecs import adobe_glyphs

    if name in adobe_glyphs:
        return adobe_glyphs[name]
    bare = name.lstrip("/")
    m = re.fullmatch(r"uni([0-9A-Fa-f]{4})+", bare)
    if m:
        return "".join(chr(int(bare[i:i + 4], 16)) for i in range(3, len(bare), 4))
    m = re.fullmatch(r"u([0-9A-Fa-f]{4,6})", bare)
    if m:
        try:
            return chr(int(m.group(1), 16))
        except ValueError:
            return None
    return None


class Font:
    """Decoding and widths of one font resource."""

    def __init__(self, font) -> None:
        self.subtype = str(font.get("/Subtype", ""))
        base = str(font.get("/BaseFont", ""))
        self.bold = bool(re.search(r"bold|black|heavy|semibold|,B\b|-B$", base, re.I))
        self.composite = self.subtype == "/Type0"
        self.map: dict[bytes, str] = {}
        self.spaces: list[tuple[bytes, bytes]] = []
        self.widths: dict[int, float] = {}
        self.default_width = 500.0
        self.scale = 0.001  # glyph space to text space
        self.encoding: list[str] | None = None
        self._decoded: dict = {}  # code -> (text in NFC, width, is the space byte): see decoded()
        self._byte_table: list = [None] * 256  # the same, by byte, for a simple font
        tu = font.get("/ToUnicode")
        if tu is not None:
            try:
                self.map, self.spaces = parse_cmap(tu.get_object().get_data())
            except Exception:
                self.map = {}
        desc = None
        if self.composite:
            kids = font.get("/DescendantFonts")
            try:
                desc = kids[0].get_object()
            except Exception:
                desc = None
            if desc is not None:
                self.default_width = float(desc.get("/DW", 1000))
                self._cid_widths(desc.get("/W"))
                fd = desc.get("/FontDescriptor")
                self.bold = self.bold or self._bold_descriptor(fd)
                base2 = str(desc.get("/BaseFont", ""))
                self.bold = self.bold or bool(re.search(r"bold|black|heavy", base2, re.I))
        else:
            self._simple_widths(font)
            self._simple_encoding(font)
            self.bold = self.bold or self._bold_descriptor(font.get("/FontDescriptor"))
            if self.subtype == "/Type3":
                try:
                    self.scale = float(font["/FontMatrix"][0])
                except Exception:
                    self.scale = 0.001

    @staticmethod
    def _bold_descriptor(fd) -> bool:
        try:
            fd = fd.get_object()
            return float(fd.get("/FontWeight", 400)) >= 600 or bool(int(fd.get("/Flags", 0)) & (1 << 18))
        except Exception:
            return False

    def _cid_widths(self, w) -> None:
        if w is None:
            return
        try:
            items = list(w.get_object())
        except Exception:
            return
        i = 0
        while i < len(items) and len(self.widths) < 70000:
            first = items[i]
            nxt = items[i + 1].get_object() if i + 1 < len(items) else None
            try:
                if isinstance(nxt, list):
                    for k, width in enumerate(nxt):
                        self.widths[int(first) + k] = float(width)
                    i += 2
                else:
                    last, width = int(items[i + 1]), float(items[i + 2])
                    for cid in range(int(first), min(last, int(first) + 65535) + 1):
                        self.widths[cid] = width
                    i += 3
            except Exception:
                break

    def _simple_widths(self, font) -> None:
        try:
            first = int(font.get("/FirstChar", 0))
            for k, width in enumerate(font.get("/Widths", []) or []):
                self.widths[first + k] = float(width)
            fd = font.get("/FontDescriptor")
            if fd is not None:
                self.default_width = float(fd.get_object().get("/MissingWidth", 0)) or 500.0
        except Exception:
            pass

    def _simple_encoding(self, font) -> None:
        from pypdf._codecs import charset_encoding

        enc = font.get("/Encoding")
        table = list(charset_encoding["/StandardEncoding"])
        if self.subtype in ("/TrueType",):
            table = list(charset_encoding["/WinAnsiEncoding"])
        try:
            enc = enc.get_object() if enc is not None else None
        except Exception:
            enc = None
        if isinstance(enc, str) and enc in charset_encoding:
            table = list(charset_encoding[enc])
        elif enc is not None and hasattr(enc, "get"):
            base = enc.get("/BaseEncoding")
            if base is not None and str(base) in charset_encoding:
                table = list(charset_encoding[str(base)])
            diffs = enc.get("/Differences") or []
            code = 0
            for item in diffs:
                item = item.get_object() if hasattr(item, "get_object") else item
                if isinstance(item, (int, float)) and not isinstance(item, str):
                    code = int(item)
                else:
                    char = _glyph_name_char(str(item))
                    if 0 <= code < 256 and char is not None:
                        table[code] = char
                    code += 1
        self.encoding = table

    def codes(self, data: bytes) -> list[bytes]:
        if not self.composite:
            return [data[i:i + 1] for i in range(len(data))]
        if not self.spaces or self._two_byte_everywhere():
            return [data[i:i + 2] for i in range(0, len(data), 2)]
        out, i = [], 0
        while i < len(data):
            for n in (1, 2, 3, 4):
                code = data[i:i + n]
                if len(code) == n and any(len(lo) == n and lo <= code <= hi for lo, hi in self.spaces):
                    out.append(code)
                    i += n
                    break
            else:
                out.append(data[i:i + 2])
                i += 2
        return out

    def _two_byte_everywhere(self) -> bool:
        """Whether the codespace is all two-byte codes (Identity-H as Word writes it): then
        every code is the next two bytes, as the general loop below would find."""
        flag = getattr(self, "_two_byte", None)
        if flag is None:
            flag = self._two_byte = (all(len(lo) == 2 and len(hi) == 2 for lo, hi in self.spaces)
                                     and any(lo == b"\x00\x00" and hi == b"\xff\xff" for lo, hi in self.spaces))
        return flag

    def decoded(self, data: bytes) -> list[tuple[str, float, bool]]:
        """(text in NFC, width, is the single space byte) of each code of a string, computed
        once per code of the font: a page shows the same few hundred codes thousands of times."""
        if not self.composite:
            # one code per byte: a table indexed by the byte, filled as bytes are first seen
            table = self._byte_table
            entries = list(map(table.__getitem__, data))
            if None in entries:
                for i, byte in enumerate(data):
                    if entries[i] is None:
                        entries[i] = table[byte] = self._decode(byte, data[i:i + 1])
            return entries
        cache = self._decoded
        return [cache.get(code) or self._decode(code, code) for code in self.codes(data)]

    def _decode(self, key, code: bytes) -> tuple[str, float, bool]:
        char = self.text(code)
        entry = (char if char.isascii() else unicodedata.normalize("NFC", char), self.width(code), code == b" ")
        self._decoded[key] = entry
        return entry

    def text(self, code: bytes) -> str:
        mapped = self.map.get(code)
        if mapped is not None:
            return mapped
        if self.composite:
            return ""  # a CID without ToUnicode cannot be read
        if self.encoding is not None:
            char = self.encoding[code[0]]
            return "" if char in ("\x00",) else char
        return code.decode("latin-1")

    def width(self, code: bytes) -> float:
        key = int.from_bytes(code, "big")
        return self.widths.get(key, self.default_width) * self.scale


# --- the interpreter --------------------------------------------------------------------------

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
        self.wrapped: dict[int, tuple[object, object]] = {}


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
    return a, b, c, d, e, f, p, q, r, s, t, u, zc, zd, h4, h5, math.hypot(t2, t3), upright


class _Interpreter:
    def __init__(self, source: str, reader=None, shared: _Shared | None = None, scan: bool = False) -> None:
        self.source = source
        self.reader = reader
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

    def font_for(self, resources, name) -> Font | None:
        try:
            fonts = resources.get("/Font")
            fonts = fonts.get_object() if fonts is not None else None
            ref = fonts.get(name) if fonts is not None else None
            obj = ref.get_object() if ref is not None else None
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
                if hasattr(stream_obj, "get_data") and len(stream_obj.get_data()) > MAX_STREAM_BYTES:
                    log.debug("content stream too large for text")
                    operations = None
                else:
                    operations = contentops.operations(stream_obj, self.reader)
            except Exception:
                log.debug("unreadable content stream", exc_info=True)
                operations = None
            self.parsed[key] = (stream_obj, operations)  # the object kept so the id stays its own
        operations = self.parsed[key][1]
        if operations is None:
            return
        try:
            resources = resources.get_object() if resources is not None else None
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
            xobjects = resources.get("/XObject").get_object()
            ref = xobjects.get(name)
            obj = ref.get_object()
        except Exception:
            return
        subtype = obj.get("/Subtype")
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
                matrix = tuple(float(x) for x in obj["/Matrix"][:6])
        except Exception:
            matrix = IDENTITY
        self.run(obj, obj.get("/Resources") or resources, mul(matrix, ctm), depth + 1, seen | {key})

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
            return self._show_general(data, ts, tm, ctm)
        return self._place(data, font, ts, placing)

    def _place_glyphs(self, data: bytes, font: Font, ts: _TextState, placing: tuple):
        a, b, c, d, e, f, p, q, r, s, t, u, zc, zd, h4, h5, size, upright = placing
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
        a, b, c, d, e, f, p, q, r, s, t, u, zc, zd, h4, h5, size, upright = placing
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
        return _rows(runs)

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


def drawn_by(stream_obj, resources, ctm=IDENTITY, source: str = PAGE_CONTENT, reader=None, shared=None) -> Drawn:
    """`shared`: what the interpretations of one document share (_Shared)."""
    it = _Interpreter(source, reader, shared)
    it.run(stream_obj, resources, ctm)
    return it.out


def page_drawn(page, reader=None, shared=None) -> Drawn:
    """What a page's own content draws (annotations excluded)."""
    it = _page_interpreter(page, reader, shared, scan=False)
    return it.out if it is not None else Drawn()


def page_scanned(page, reader=None, shared=None) -> tuple[int, list[str] | None]:
    """(how many glyphs page_drawn would give, runs_as_rows of them or None), without placing
    each glyph when the strings are placed plainly."""
    it = _page_interpreter(page, reader, shared, scan=True)
    return (len(it.out.glyphs), it.rows()) if it is not None else (0, [])


def _page_interpreter(page, reader, shared, scan: bool):
    contents = page.get("/Contents")
    if contents is None:
        return None
    shared = shared if shared is not None else _Shared()
    try:
        contents = contents.get_object()
        from pypdf.generic import ArrayObject

        if isinstance(contents, ArrayObject):
            from pypdf.generic import ContentStream

            if id(contents) not in shared.wrapped:
                shared.wrapped[id(contents)] = (contents, ContentStream(contents, reader))
            stream = shared.wrapped[id(contents)][1]
        else:
            stream = contents
    except Exception:
        return None
    it = _Interpreter(PAGE_CONTENT, reader, shared, scan)
    it.run(stream, _inherited(page, "/Resources"), IDENTITY)
    return it


def _inherited(node, key):
    for _ in range(32):
        if node is None:
            return None
        value = node.get(key)
        if value is not None:
            return value
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def appearance_matrix(form, rect) -> tuple:
    """ISO 32000-1 §12.5.5: the form's BBox, transformed by its Matrix, is mapped onto /Rect."""
    try:
        bbox = [float(x) for x in form.get("/BBox")]
    except Exception:
        bbox = [0.0, 0.0, rect[2] - rect[0], rect[3] - rect[1]]
    matrix = IDENTITY
    try:
        if form.get("/Matrix") is not None:
            matrix = tuple(float(x) for x in form["/Matrix"][:6])
    except Exception:
        pass
    pts = [apply(matrix, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    bx0, by0 = min(p[0] for p in pts), min(p[1] for p in pts)
    bx1, by1 = max(p[0] for p in pts), max(p[1] for p in pts)
    rx0, ry0, rx1, ry1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    sx = (rx1 - rx0) / (bx1 - bx0) if bx1 > bx0 else 1.0
    sy = (ry1 - ry0) / (by1 - by0) if by1 > by0 else 1.0
    a = (sx, 0.0, 0.0, sy, rx0 - bx0 * sx, ry0 - by0 * sy)
    return mul(matrix, a)


@dataclass
class Widget:
    """A signature field's widget on its page, with what its normal appearance draws."""

    field: str
    page: int | None  # 1-based, as printed in reports
    rect: tuple[float, float, float, float] | None
    hidden: bool
    drawn: Drawn
    signed_end: int | None  # end of the signed byte range (the revision it signs)

    @property
    def visible(self) -> bool:
        if self.rect is None or self.hidden:
            return False
        x0, y0, x1, y1 = self.rect
        return abs(x1 - x0) > 0.5 and abs(y1 - y0) > 0.5

    @property
    def has_image(self) -> bool:
        return self.drawn.images > 0

    _texts: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def lines(self) -> list[str]:
        if self._texts is None:
            self._texts = [line.text for line in lines_of(self.drawn.glyphs)]
        return list(self._texts)


# --- lines ------------------------------------------------------------------------------------

SPACE_GAP = 0.16  # em: a gap this wide between glyphs is a space
COLUMN_GAP = 2.2  # em: a gap this wide splits a line into segments


_X0, _X1, _Y, _X0X1 = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(0, 1)
_Y_SIZE, _CHAR, _RUN_Y = itemgetter(2, 3), itemgetter(4), itemgetter(0)
_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)


def lines_of(glyphs: list[Glyph], *, column_gap: float = COLUMN_GAP) -> list[Line]:
    """Glyphs joined into lines (top to bottom) of segments (left to right).

    Space glyphs are dropped and spaces inferred from gaps: an appearance drawn into a blank of
    the page (the number over the spaces after "Số:") then reads as one word, not as digits
    interleaved with the page's spaces."""
    upright = [g for g in glyphs if g.upright and not g.char.isspace()]
    if not upright:
        return []
    ys = sum(map(_Y, upright))
    if not math.isfinite(ys + sum(map(_X0, upright))):
        return _lines_general(upright, column_gap)
    # sorted by (-y, x0), stable: the same order from two stable passes when nothing is NaN
    ordered = sorted(upright, key=_X0)
    ordered.sort(key=_Y, reverse=True)
    rows: list[list[Glyph]] = []
    ref_y = ref_size = None
    # A glyph joins the row when within 0.45 em of the row's first glyph. Glyphs of one
    # baseline are adjacent in this order, and once one of them starts a row the others
    # are 0 from it: only the first few of each baseline need the test.
    for y, same in groupby(ordered, _Y):
        same = list(same)
        if rows and y == ref_y:
            rows[-1].extend(same)
            continue
        for i, g in enumerate(same):
            if rows and abs(y - ref_y) <= 0.45 * max(min(g.size, ref_size), 1.0):
                rows[-1].append(g)
            else:
                rows.append(same[i:])
                ref_y, ref_size = y, g.size
                break
    return [line for line in map(_line, rows, repeat(column_gap)) if line is not None]


def runs_as_rows(glyphs: list[Glyph]) -> list[str] | None:
    """The characters lines_of(glyphs) puts in each row, in its order (rows top to bottom,
    left to right, spaces left out, a glyph drawn twice kept twice), when that order is plain
    to see: each row one run of consecutive glyphs on one baseline at one size going left to
    right, and the baselines of different runs farther apart than the row tolerance (0.45 of
    the largest size). None when the glyphs are laid out otherwise (or a position is not
    finite), and only lines_of can tell.

    Cheaper than lines_of by far, for questions a row's letters can answer: no segment can
    start with a word whose letters no row holds in that order."""
    upright = [g for g in glyphs if g.upright and not g.char.isspace()]
    runs = []
    for (y, size), run in groupby(upright, _Y_SIZE):
        run = list(run)
        x0s, x1s = list(map(_X0, run)), list(map(_X1, run))
        if not (math.isfinite(y) and all(map(math.isfinite, x0s)) and all(map(math.isfinite, x1s))):
            return None
        if x0s != sorted(x0s) or x1s != sorted(x1s):
            return None
        runs.append((y, size, "".join(map(_CHAR, run))))
    return _rows(runs)


def _rows(runs: list[tuple[float, float, str]]) -> list[str] | None:
    """The runs (baseline, size, characters) as rows, when no two baselines are within the row
    tolerance of each other (see runs_as_rows)."""
    if not runs:
        return []
    tolerance = 0.45 * max(max(size for _, size, _ in runs), 1.0)
    runs = sorted(runs, key=_RUN_Y, reverse=True)
    # sorted on y alone, so equal baselines are adjacent and fail the test too
    if any(not above - below > tolerance for (above, _, _), (below, _, _) in zip(runs, runs[1:])):
        return None
    return [text for _, _, text in runs]


def _lines_general(upright: list[Glyph], column_gap: float) -> list[Line]:
    """lines_of when a position is not finite, where the comparisons above would not hold."""
    ordered = sorted(upright, key=lambda g: (-g.y, g.x0))
    rows: list[list[Glyph]] = []
    ref_y = ref_size = None
    for g in ordered:
        if rows and abs(g.y - ref_y) <= 0.45 * max(min(g.size, ref_size), 1.0):
            rows[-1].append(g)
        else:
            rows.append([g])
            ref_y, ref_size = g.y, g.size
    return [line for line in map(_line, rows, repeat(column_gap)) if line is not None]


def _line(row: list[Glyph], column_gap: float) -> Line | None:
    """One row of glyphs as a line of segments: a glyph drawn twice at the same place (fake
    bold, or two layers) counts once; a gap of `column_gap` em past the last three glyphs
    starts a new segment; a gap of SPACE_GAP em is a space."""
    row.sort(key=_X0X1)
    segments: list[Segment] = []
    chars: list[str] = []
    srcs: list[str] = []
    xs: list[float] = []
    bolds: list[bool] = []
    kept = 0
    px0 = psize = pchar = None
    r3 = r2 = r1 = None  # x1 of the last three glyphs of the segment, oldest first
    right = seg_x1 = first = None
    for g in row:
        x0, x1, y, size, char, bold, source, _ = g
        if kept:
            if x0 < px0 + 0.05 * psize and char == pchar:
                continue
            em = max(min(size, psize), 1.0)
            if r3 is not None:  # max() of the three, compared in max()'s order
                last = r2 if r2 > r3 else r3
                last = r1 if r1 > last else last
            elif r2 is not None:
                last = r1 if r1 > r2 else r2
            else:
                last = r1
            if x0 - last > column_gap * em:
                segments.append(_segment(first, seg_x1, chars, srcs, xs, bolds, kept))
                chars, srcs, xs, bolds = [], [], [], []
                kept = 0
        if kept:
            if x0 - right > SPACE_GAP * max(size, 1.0):
                chars.append(" ")
                srcs.append(srcs[-1])
                xs.append(right)
                bolds.append(False)
            right = (x1 if x1 > right else right) if x0 < right else x1
            if x1 > seg_x1:
                seg_x1 = x1
            r3, r2, r1 = r2, r1, x1
        else:
            first, right, seg_x1 = g, x1, x1
            r3 = r2 = None
            r1 = x1
        chars.append(char)
        srcs.append(source)
        xs.append(x0)
        bolds.append(bold)
        kept += 1
        px0, psize, pchar = x0, size, char
    if kept:
        segments.append(_segment(first, seg_x1, chars, srcs, xs, bolds, kept))
    if not segments:
        return None
    return Line(y=sum(map(_Y, row)) / len(row), size=max(s.size for s in segments), segments=segments)


def _segment(first: Glyph, x1: float, chars, srcs, xs, bolds, count: int) -> Segment:
    """The segment of `count` glyphs starting with `first`; `bolds` holds False for each
    inferred space, so its sum counts the bold glyphs."""
    return Segment(x0=first.x0, x1=x1, y=first.y, size=first.size, text="".join(chars), bold=sum(bolds) * 2 > count,
                   sources=tuple(srcs), xs=tuple(xs), bolds=tuple(bolds))


# --- a document -------------------------------------------------------------------------------

def _reader(data: bytes):
    import pypdf

    r = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if r.is_encrypted:
        r.decrypt("")
    return r


def _quiet():
    """pypdf warns loudly about the quirks of real files; the verifier reports its own facts."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _raw_byte_range(reader, ref) -> list[int] | None:
    """/ByteRange of a signature dictionary read from its raw bytes: pypdf would otherwise
    parse the whole dictionary, including 16,384 hex digits of /Contents, one digit at a time
    (most of the metadata's run time on a signed plan). Only the value is taken here; the
    signature checks proper read the dictionary with pyHanko."""
    idnum, gen = getattr(ref, "idnum", None), getattr(ref, "generation", 0)
    offset = reader.xref.get(gen, {}).get(idnum) if idnum is not None else None
    if not isinstance(offset, int):
        return None
    stream = reader.stream
    stream.seek(offset)
    chunk = stream.read(1 << 16)
    end = chunk.find(b"endobj")
    m = _BYTE_RANGE.search(chunk, 0, end if end > 0 else len(chunk))
    return [int(x) for x in m.groups()] if m else None


def _dictionary(ref):
    """The dictionary `ref` points to, or None when it points to nothing usable."""
    try:
        obj = ref.get_object()
    except Exception:
        return None
    return obj if hasattr(obj, "get") and hasattr(obj, "keys") else None


def _field_name(node) -> str:
    parts = []
    seen = 0
    while node is not None and seen < 32:
        t = node.get("/T")
        if t is not None:
            parts.append(str(t))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        seen += 1
    return ".".join(reversed(parts))


class DocumentText:
    """Lazy access to the positioned text of one PDF: each revision's pages, each signature
    widget's appearance. Revisions are the prefixes of the file that signatures sign, plus the
    whole file; pages whose content did not change between them are read once."""

    def __init__(self, data: bytes) -> None:
        _quiet()
        self.data = data
        self.reader = _reader(data)
        self._shared = _Shared()
        self._readers: dict[int, object] = {len(data): self.reader}
        self._page_cache: dict[str, list[Glyph]] = {}
        self._pages_at: dict[tuple[int, int], tuple] = {}  # (end, page) -> (content key, page, reader): see _locate
        self._lines: dict[tuple, list[Line]] = {}
        self._rows: dict[tuple, list[str] | None] = {}
        self._scans: dict[str, tuple[int, list[str] | None]] = {}
        self._widgets: list[Widget] | None = None
        self.pages = len(self.reader.pages)

    # revisions: byte offsets where a revision ends
    def revision_ends(self) -> list[int]:
        ends = {w.signed_end for w in self.widgets() if w.signed_end}
        ends.add(len(self.data))
        return sorted(e for e in ends if 0 < e <= len(self.data))

    def reader_at(self, end: int):
        if end not in self._readers:
            try:
                self._readers[end] = _reader(self.data[:end])
            except Exception:
                log.debug("revision ending at %d unreadable", end, exc_info=True)
                self._readers[end] = None
        return self._readers[end]

    def page_count(self, end: int | None = None) -> int:
        r = self.reader if end is None else self.reader_at(end)
        try:
            return len(r.pages) if r is not None else 0
        except Exception:
            return 0

    def page_size(self, index: int) -> tuple[float, float, float, float]:
        try:
            box = self.reader.pages[index].mediabox
            return float(box.left), float(box.bottom), float(box.right), float(box.top)
        except Exception:
            return 0.0, 0.0, 595.0, 842.0

    def page_glyphs(self, index: int, end: int | None = None) -> list[Glyph]:
        """Glyphs drawn by page `index`'s own content in the revision ending at `end`."""
        return self._page(index, end)[1]

    def _page(self, index: int, end: int | None) -> tuple[str | None, list[Glyph]]:
        """(content key, glyphs) of a page in a revision; the key is None when the revision or
        the page cannot be read (and the glyphs are none)."""
        key, page, r = self._locate(index, end)
        if key is None:
            return None, []
        if key not in self._page_cache:
            try:
                self._page_cache[key] = page_drawn(page, r, self._shared).glyphs
            except Exception:
                log.debug("page %d unreadable", index, exc_info=True)
                self._page_cache[key] = []
        return key, self._page_cache[key]

    def _locate(self, index: int, end: int | None):
        """(content key, page, reader) of a page in a revision, or (None, None, None)."""
        at = (len(self.data) if end is None else end, index)
        if at not in self._pages_at:
            found = (None, None, None)
            r = self.reader if end is None else self.reader_at(end)
            if r is not None:
                try:
                    page = r.pages[index]
                except Exception:
                    page = None
                if page is not None:
                    found = (self._content_key(page), page, r)
            self._pages_at[at] = found
        return self._pages_at[at]

    def has_text(self, index: int, end: int | None = None) -> bool:
        """bool(page_glyphs(index, end)), from a scan when the glyphs are not placed yet."""
        key, page, r = self._locate(index, end)
        if key is None:
            return False
        if key in self._page_cache:
            return bool(self._page_cache[key])
        return self._scan(key, page, r)[0] > 0

    def _scan(self, key: str, page, r) -> tuple[int, list[str] | None]:
        if key not in self._scans:
            try:
                self._scans[key] = page_scanned(page, r, self._shared)
            except Exception:  # as page_drawn failing: no glyphs
                log.debug("page unreadable", exc_info=True)
                self._scans[key] = (0, [])
        return self._scans[key]

    def lines(self, index: int, end: int | None = None, *, appearances: bool = True,
              only: set[str] | None = None) -> list[Line]:
        """lines_of(view(...)), computed once per distinct glyph list: the header, the page
        text, the footer scan and the appendix check read the same pages, and revisions that
        did not change a page share its glyphs. The lines are shared: callers must not change
        them."""
        memo, glyphs = self._view(index, end, appearances, only)
        if memo not in self._lines:
            self._lines[memo] = lines_of(glyphs)
        return self._lines[memo]

    def rows(self, index: int, end: int | None = None, *, appearances: bool = True,
             only: set[str] | None = None) -> list[str] | None:
        """runs_as_rows(view(...)), once per distinct glyph list like lines(); for a page
        showing no appearance and not placed yet, from a scan of its content (page_scanned)."""
        key, page, r = self._locate(index, end)
        shown = self._shown(index, end, only) if appearances else []
        if key is not None and not shown and key not in self._page_cache:
            found = self._scan(key, page, r)[1]
            if found is not None:
                return found
        memo, glyphs = self._view(index, end, appearances, only)
        if memo not in self._rows:
            self._rows[memo] = runs_as_rows(glyphs)
        return self._rows[memo]

    def _view(self, index: int, end: int | None, appearances: bool, only: set[str] | None):
        """(a key naming the glyph list, the list) of view(...): the page's content key and
        the positions in widgets() of the appearances shown."""
        key, glyphs = self._page(index, end)
        shown = self._shown(index, end, only) if appearances else []
        for _, w in shown:
            glyphs = glyphs + w.drawn.glyphs
        return (key, tuple(i for i, _ in shown)), glyphs

    @staticmethod
    def _content_key(page) -> str:
        h = hashlib.sha256()
        try:
            contents = page.get("/Contents")
            contents = contents.get_object() if contents is not None else None
            items = contents if isinstance(contents, list) else [contents]
            for item in items:
                if item is None:
                    continue
                item = item.get_object()
                h.update(item.get_data())
            res = _inherited(page, "/Resources")
            h.update(repr(sorted(res.get_object().get("/Font", {}).keys()) if res is not None else "").encode())
        except Exception:
            h.update(repr(id(page)).encode())
        return h.hexdigest()

    def widgets(self) -> list[Widget]:
        """Signature widgets of the final revision, with their appearances placed on the page."""
        if self._widgets is not None:
            return self._widgets
        out: list[Widget] = []
        r = self.reader
        try:
            page_of = {}
            for number, page in enumerate(r.pages, start=1):
                for annot in page.get("/Annots", []) or []:
                    ref = getattr(annot, "idnum", None)
                    if ref is not None:
                        page_of[ref] = number
            acro = r.trailer["/Root"].get("/AcroForm")
            fields = acro.get_object().get("/Fields", []) if acro is not None else []
        except Exception:
            fields, page_of = [], {}
        stack = [(f, 0) for f in reversed(list(fields))]
        seen = set()
        while stack:
            ref, depth = stack.pop()
            if depth > 16 or getattr(ref, "idnum", None) in seen:
                continue
            seen.add(getattr(ref, "idnum", None))
            node = _dictionary(ref)
            if node is None:  # a field listed but not there (null, missing, not a dictionary)
                continue
            kids = node.get("/Kids")
            ft = node.get("/FT") if node.get("/FT") is not None else _inherited(node, "/FT")
            if kids and not (ft == "/Sig" and node.get("/Subtype") == "/Widget"):
                kid_refs = [k for k in kids if _dictionary(k) is not None]
                if ft == "/Sig" and all(_dictionary(k).get("/T") is None for k in kid_refs):
                    out.extend(self._widget(node, k, page_of) for k in kid_refs[:1])
                    continue
                stack.extend((k, depth + 1) for k in reversed(kid_refs))
                continue
            if ft != "/Sig":
                continue
            out.append(self._widget(node, ref, page_of))
        self._widgets = out
        return out

    def _widget(self, field_node, widget_ref, page_of) -> Widget:
        widget = widget_ref.get_object()
        name = _field_name(field_node)
        rect = None
        try:
            rect = tuple(float(x) for x in widget["/Rect"])
            rect = (min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3]))
        except Exception:
            rect = None
        flags = 0
        try:
            flags = int(widget.get("/F", 0))
        except Exception:
            pass
        page = page_of.get(getattr(widget_ref, "idnum", None))
        if page is None and widget.get("/P") is not None:
            target = getattr(widget.get("/P"), "idnum", None)
            for number, p in enumerate(self.reader.pages, start=1):
                if getattr(p.indirect_reference, "idnum", None) == target:
                    page = number
                    break
        drawn = Drawn()
        try:
            ap = widget.get("/AP")
            normal = ap.get_object().get("/N") if ap is not None else None
            normal = normal.get_object() if normal is not None else None
            if normal is not None and normal.get("/Subtype") != "/Form" and hasattr(normal, "keys") and not hasattr(normal, "get_data"):
                state = widget.get("/AS")
                normal = normal.get(state).get_object() if state is not None and normal.get(state) is not None else None
            if normal is not None and rect is not None:
                drawn = drawn_by(normal, normal.get("/Resources"), appearance_matrix(normal, rect), name, self.reader,
                                 self._shared)
        except Exception:
            log.debug("appearance of %s unreadable", name, exc_info=True)
        signed_end = None
        try:
            value = field_node.get("/V")
            br = _raw_byte_range(self.reader, value)
            if br is None:  # compressed or odd: let pypdf parse the whole dictionary
                value = value.get_object() if value is not None else None
                br = [int(x) for x in value.get("/ByteRange")]
            signed_end = br[2] + br[3]
        except Exception:
            signed_end = None
        return Widget(field=name, page=page, rect=rect, hidden=bool(flags & (2 | 32)), drawn=drawn,
                      signed_end=signed_end)

    def widget(self, name: str) -> Widget | None:
        return next((w for w in self.widgets() if w.field == name), None)

    def view(self, index: int, end: int | None = None, *, appearances: bool = True,
             only: set[str] | None = None) -> list[Glyph]:
        """Page `index` as displayed in the revision ending at `end`: its content and the
        appearances of the signature widgets that revision holds (or only those named)."""
        glyphs = list(self.page_glyphs(index, end))
        if appearances:
            for _, w in self._shown(index, end, only):
                glyphs.extend(w.drawn.glyphs)
        return glyphs

    def _shown(self, index: int, end: int | None, only: set[str] | None) -> list[tuple[int, Widget]]:
        """(position in widgets(), widget) of the appearances shown on a page in a revision."""
        limit = len(self.data) if end is None else end
        out = []
        for i, w in enumerate(self.widgets()):
            if w.page != index + 1 or not w.visible:  # index counts from 0, pages from 1
                continue
            if w.signed_end is not None and w.signed_end > limit:
                continue
            if only is not None and w.field not in only:
                continue
            out.append((i, w))
        return out

    def info(self) -> dict[str, str]:
        """The document information dictionary, as text."""
        out = {}
        try:
            info = self.reader.trailer.get("/Info")
            info = info.get_object() if info is not None else None
        except Exception:
            info = None
        if info is None:
            return out
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer", "/CreationDate", "/ModDate"):
            try:
                value = info.get(key)
                value = value.get_object() if value is not None else None
            except Exception:
                value = None
            if value is None:
                continue
            text = unicodedata.normalize("NFC", str(value)).strip().strip("\x00")
            if text:
                out[key[1:].lower()] = text
        return out

    def xmp(self) -> bytes | None:
        try:
            meta = self.reader.trailer["/Root"].get("/Metadata")
            if meta is None:
                return None
            data = meta.get_object().get_data()
            return data or None
        except Exception:
            return None
