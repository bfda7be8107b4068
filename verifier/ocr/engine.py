"""Tesseract through tesserocr: where its Vietnamese data is, and one reader per process.

tesserocr (a Cython binding to libtesseract; its wheels carry the library) takes a PIL image in
memory and gives words with their boxes: nothing is written to disk, unlike pytesseract, which
runs the `tesseract` program on temporary image and output files. Only the trained data comes
from the system: Debian's `tesseract-ocr-vie` (or TESSDATA_PREFIX).
"""

from __future__ import annotations

import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

OCR_SOURCE = "ocr"  # the source of a glyph read by OCR (verifier.pdf.text.Glyph.source)
LANG = "vie"
# where distributions put the trained data (Debian/Ubuntu, Fedora, Homebrew, a source build)
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata")

_LOCK = threading.Lock()  # one Tesseract instance per process, not safe from two threads at once
_api = None
_digit_apis: dict[str, object] = {}
# the model that reads the handwritten spots (verifier.ocr.spots), digits only: English
# (Debian's tesseract-ocr-eng, which tesseract-ocr depends on) reads handwritten digits better
# than the Vietnamese model (measured: 40 of 48 readings of the real scans' spots right, against
# 22), which then serves when English is missing
DIGIT_LANG = "eng"
_missing: tuple[str] | None = None


def tessdata() -> Path | None:
    """The folder holding vie.traineddata: TESSDATA_PREFIX alone when set (as Tesseract reads
    it), else the first of TESSDATA_DIRS that has it."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = [prefix, os.path.join(prefix, "tessdata")] if prefix else list(TESSDATA_DIRS)
    for folder in candidates:
        if folder and (Path(folder) / f"{LANG}.traineddata").is_file():
            return Path(folder)
    return None


def missing() -> str | None:
    """Why OCR cannot run here (English, for logs; the CLI words its own notice), or None."""
    global _missing
    if _missing is None:
        _missing = (_why_missing(),)
    return _missing[0]


def _why_missing() -> str | None:
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return "the Python package tesserocr is not installed"
    folder = tessdata()
    if folder is None:
        where = os.environ.get("TESSDATA_PREFIX") or ", ".join(TESSDATA_DIRS)
        return f"Tesseract's Vietnamese data ({LANG}.traineddata) is not in {where}"
    return None


@dataclass(frozen=True)
class Word:
    """One word read: its text (NFC), its box in pixels (left, top, right, bottom), the y of its
    text line's baseline under it and that line's height, in pixels."""

    text: str
    box: tuple[int, int, int, int]
    baseline: float
    line_height: float
    confidence: float
    line: int  # index of its text line on the image
    # its characters as Tesseract segmented them: (text, box); the spots of handwritten numbers
    # are found between the printed characters (`Số:` and the notation's `/`) within words
    chars: tuple[tuple[str, tuple[int, int, int, int]], ...] = ()


def _reader():
    global _api
    if _api is None:
        import tesserocr

        _api = tesserocr.PyTessBaseAPI(path=str(tessdata()), lang=LANG, psm=tesserocr.PSM.AUTO,
                                       oem=tesserocr.OEM.LSTM_ONLY)
    return _api


def blank(image) -> bool:
    """One grey level all over (a blank page): no mark to read. Tesseract finds no component
    on it and answers nothing, after 0.1-0.2 s of page layout at 300 dpi."""
    low, high = (image if image.mode == "L" else image.convert("L")).getextrema()
    return low == high


def read(image, whitelist: str | None = None, single_line: bool = False) -> list[Word]:
    """The words Tesseract reads on a grey-level PIL image, in reading order. `whitelist`
    limits the characters it may read; `single_line` reads the image as one line of text."""
    import tesserocr
    from tesserocr import RIL, iterate_level

    if blank(image):
        return []
    with _LOCK:
        api = _reader()
        api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE if single_line else tesserocr.PSM.AUTO)
        api.SetVariable("tessedit_char_whitelist", whitelist or "")
        api.SetImage(image)
        try:
            api.Recognize()
            out: list[Word | None] = []
            line = -1
            base = (0.0, 0.0, 1.0, 0.0)
            height = 0.0
            for r in iterate_level(api.GetIterator(), RIL.SYMBOL):
                if out and not r.IsAtBeginningOf(RIL.WORD):
                    sbox = r.BoundingBox(RIL.SYMBOL)
                    if sbox and out[-1] is not None:
                        last = out[-1]
                        out[-1] = Word(last.text, last.box, last.baseline, last.line_height, last.confidence,
                                       last.line, last.chars + ((_text(r, RIL.SYMBOL), tuple(sbox)),))
                    continue
                text = _text(r, RIL.WORD).strip()
                box = r.BoundingBox(RIL.WORD)
                if r.IsAtBeginningOf(RIL.TEXTLINE) or line < 0:
                    line += 1
                    lbox = r.BoundingBox(RIL.TEXTLINE) or box
                    height = float(lbox[3] - lbox[1]) if lbox else 0.0
                    baseline = r.Baseline(RIL.TEXTLINE)
                    if baseline:
                        (x1, y1), (x2, y2) = baseline
                        base = (float(x1), float(y1), float(x2), float(y2))
                    elif lbox:
                        base = (0.0, float(lbox[3]), 1.0, float(lbox[3]))
                if not text or box is None:
                    out.append(None)  # its symbols have no word to join
                    continue
                x1, y1, x2, y2 = base
                mid = (box[0] + box[2]) / 2
                y = y1 + (y2 - y1) * (mid - x1) / (x2 - x1) if x2 != x1 else y1
                sbox = r.BoundingBox(RIL.SYMBOL)
                first = ((_text(r, RIL.SYMBOL), tuple(sbox)),) if sbox else ()
                out.append(Word(unicodedata.normalize("NFC", text), tuple(box), y, height,
                                r.Confidence(RIL.WORD), line, first))
            out = [w for w in out if w is not None]
            return out
        finally:
            api.Clear()


def _text(result, level) -> str:
    """The text of the element the iterator is on; "" where Tesseract has none. tesserocr raises
    RuntimeError("No text returned") for an element with no text, as for a speck it took for a
    component on an otherwise blank page: that is a page with nothing to read, not a failure."""
    try:
        return result.GetUTF8Text(level) or ""
    except RuntimeError:
        return ""


def read_digits(image, lang: str) -> list[tuple[str, float]]:
    """The digits Tesseract's `lang` model reads on a grey-level PIL image of one line of
    handwriting, with its mean confidence: one reading, or none when `lang`'s data is missing."""
    import tesserocr

    with _LOCK:
        api = _digit_apis.get(lang)
        if api is None:
            folder = tessdata()
            if folder is None:
                return []
            if not (folder / f"{lang}.traineddata").is_file():
                lang = LANG
            api = _digit_apis[lang] = tesserocr.PyTessBaseAPI(path=str(folder), lang=lang,
                                                              psm=tesserocr.PSM.SINGLE_LINE,
                                                              oem=tesserocr.OEM.LSTM_ONLY)
        api.SetVariable("tessedit_char_whitelist", "0123456789")
        api.SetImage(image)
        try:
            text = "".join(c for c in (api.GetUTF8Text() or "") if c.isdigit())
            return [(text, float(api.MeanTextConf()))]
        finally:
            api.Clear()
