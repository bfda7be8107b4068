"""What Tesseract gets wrong on the lines the metadata parsers key on, set right before they
read them: the `Số:` label (read `Só:`, `Sô:`, `S6:`), `Nơi nhận` (read `Nởơi`), a handwritten number it cannot read
(`Số: #3 _/QĐ-…`: left out, so that the notation is still read), and stray marks of stamps and
signatures (words with no letter or digit, or a lone sign read with very low confidence).
"""

from __future__ import annotations

import re

from verifier.ocr.engine import Word
from verifier.vietnam import fold

MIN_CONFIDENCE = 30.0  # below this a word is mostly a stamp's or a signature's stroke
_LABEL = re.compile(r"^S[ốôóòồổỗộoơớờ6ö][:;.]?(?=$|[:;.]|\S)", re.IGNORECASE)
_NUMBER_LINE = re.compile(r"^Số\s*:?\s*(?P<between>[^/]*?)\s*(?P<rest>[_.…]*/.*)$")


def words(found: list[Word]) -> list[Word]:
    """The words kept, each line's `Số:` label and number set right."""
    # Tesseract gives some whole words it read right no confidence at all: only a lone sign
    # read with little confidence is taken for a stroke
    kept = [w for w in found if sum(c.isalnum() for c in w.text) > (1 if w.confidence < MIN_CONFIDENCE else 0)]
    out: list[Word] = []
    for w in kept:
        starts_line = not out or out[-1].line != w.line
        text = w.text
        if starts_line and _LABEL.match(text) and text[:2].lower() != "số":
            text = "Số" + text[2:]
        elif starts_line and re.fullmatch(r"no+i", fold(text)):
            text = "Nơi"  # `Nởơi nhận:`: the footer is found by this word
        out.append(Word(text, w.box, w.baseline, w.line_height, w.confidence, w.line))
    return _illegible_numbers(out)


def _illegible_numbers(ws: list[Word]) -> list[Word]:
    """On a `Số:` line, what stands between the label and the notation's `/` and is not a
    number is left out: Tesseract read a handwritten number as other signs, and a number read
    wrong must not become the document's."""
    out, i = [], 0
    while i < len(ws):
        w = ws[i]
        if not w.text.startswith("Số") or (out and out[-1].line == w.line):
            out.append(w)
            i += 1
            continue
        line = [x for x in ws[i:] if x.line == w.line]
        joined = " ".join(x.text for x in line)
        m = _NUMBER_LINE.match(joined)
        between = m.group("between").strip() if m else ""
        if m and between and not re.fullmatch(r"[0-9]{1,6}[A-Za-z]?", between):
            label = Word("Số:", w.box, w.baseline, w.line_height, w.confidence, w.line)
            rest_at = joined.index(m.group("rest"))
            # the words from the one holding the notation's first character on, cut to it
            pos, kept = 0, [label]
            for x in line:
                end = pos + len(x.text)
                if end > rest_at and x is not w:
                    cut = max(0, rest_at - pos)
                    kept.append(Word(x.text[cut:].lstrip("_.…"), x.box, x.baseline, x.line_height, x.confidence, x.line)
                                if cut else x)
                pos = end + 1
            out.extend(k for k in kept if k.text)
        else:
            out.extend(line)
        i += len(line)
    return out
