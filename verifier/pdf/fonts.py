"""The font model: what a font resource says about the codes a content stream shows (ISO
32000-1 §9.6 to §9.10). One reading of a font for every interpreter of content.

- Widths: /Widths from /FirstChar of a simple font, /W and /DW of a CID font (§9.7.4.3). A code
  a simple font's /Widths leaves out has the font descriptor's /MissingWidth, by default 0
  (Table 122). A simple font with no /Widths at all is one of the standard 14, whose metrics are
  not in the file: an average 500 stands for them. Type 3 glyph space is its /FontMatrix.
- Text: the /ToUnicode CMap (bfchar and bfrange, arrays in bfrange included); else, for a
  simple font, its /Encoding: a base encoding (the font's own assumed by its type, or
  /BaseEncoding) with /Differences applied, glyph names read through the Adobe glyph list and
  uniXXXX / uXXXX names. A CID font without /ToUnicode has no text.
- Codes: one byte each in a simple font; in a Type0 font as its codespace ranges say, two
  bytes when it says none.

Works on pyHanko's objects, of the document's last revision or of an earlier one: entries are
resolved (and decrypted) with verifier.pdf.geometry, stream data read with stream_data(). The
standard encodings and the Adobe glyph list are pypdf's tables (data, not a reader).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from verifier.pdf.geometry import entry as _get
from verifier.pdf.geometry import resolved


def stream_data(stream) -> bytes:
    """The decoded data of a stream object (pyHanko decodes it once and keeps it)."""
    return stream.data


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
        self.subtype = str(_get(font, "/Subtype", ""))
        base = str(_get(font, "/BaseFont", ""))
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
                self.map, self.spaces = parse_cmap(stream_data(resolved(tu)))
            except Exception:
                self.map = {}
        desc = None
        if self.composite:
            kids = _get(font, "/DescendantFonts")
            try:
                desc = resolved(kids[0])
            except Exception:
                desc = None
            if desc is not None:
                self.default_width = float(_get(desc, "/DW", 1000))
                self._cid_widths(desc.get("/W"))
                fd = _get(desc, "/FontDescriptor")
                self.bold = self.bold or self._bold_descriptor(fd)
                base2 = str(_get(desc, "/BaseFont", ""))
                self.bold = self.bold or bool(re.search(r"bold|black|heavy", base2, re.I))
        else:
            self._simple_widths(font)
            self._simple_encoding(font)
            self.bold = self.bold or self._bold_descriptor(_get(font, "/FontDescriptor"))
            if self.subtype == "/Type3":
                try:
                    self.scale = float(_get(font, "/FontMatrix")[0])
                except Exception:
                    self.scale = 0.001

    @staticmethod
    def _bold_descriptor(fd) -> bool:
        try:
            fd = resolved(fd)
            return float(_get(fd, "/FontWeight", 400)) >= 600 or bool(int(_get(fd, "/Flags", 0)) & (1 << 18))
        except Exception:
            return False

    def _cid_widths(self, w) -> None:
        if w is None:
            return
        try:
            items = [resolved(item) for item in resolved(w)]
        except Exception:
            return
        i = 0
        while i < len(items) and len(self.widths) < 70000:
            first = items[i]
            nxt = items[i + 1] if i + 1 < len(items) else None
            try:
                if isinstance(nxt, list):
                    for k, width in enumerate(nxt):
                        self.widths[int(first) + k] = float(resolved(width))
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
            first = int(_get(font, "/FirstChar", 0))
            widths = _get(font, "/Widths")
            fd = _get(font, "/FontDescriptor")
            missing = float(_get(fd, "/MissingWidth", 0)) if fd is not None else 0.0
            if widths is None:
                # a standard 14 font: its widths are the font program's, not the file's
                self.default_width = missing or 500.0
                return
            self.default_width = missing
            for k, width in enumerate(widths):
                self.widths[first + k] = float(resolved(width))
        except Exception:
            pass

    def _simple_encoding(self, font) -> None:
        from pypdf._codecs import charset_encoding

        enc = font.get("/Encoding")  # resolved below: a reference that leads nowhere is no encoding
        table = list(charset_encoding["/StandardEncoding"])
        if self.subtype in ("/TrueType",):
            table = list(charset_encoding["/WinAnsiEncoding"])
        try:
            enc = resolved(enc)
        except Exception:
            enc = None
        if isinstance(enc, str) and enc in charset_encoding:
            table = list(charset_encoding[enc])
        elif enc is not None and hasattr(enc, "get"):
            base = _get(enc, "/BaseEncoding")
            if base is not None and str(base) in charset_encoding:
                table = list(charset_encoding[str(base)])
            diffs = _get(enc, "/Differences") or []
            code = 0
            for item in diffs:
                item = resolved(item)
                if isinstance(item, (int, float, Decimal)) and not isinstance(item, str):
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
