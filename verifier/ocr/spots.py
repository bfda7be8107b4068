"""A second reading of the spots a clerk fills in by hand on the printed form: the number between
`Số:` and the notation's `/`, the day between `ngày` and `tháng`, the month between `tháng` and
`năm` on the date line.

Tesseract's reading of the whole page gets these wrong (`143` as `#3`, `10` as `40`, `4432` as
`4422`): handwriting, blue ink, digits written over the dotted leader. The spots are found from
the printed words around them, which it reads well; each is cut from the page drawn in colour,
its ink kept alone (verifier.ocr.ink), and read with digits only, in VARIANTS (two sizes, thin
and thickened strokes, the English and the Vietnamese models). A glyph shaped like the hand's
`1` (ink.one_shaped), which Tesseract reads as `4`, is drawn again as a printed `1` first.

A reading is kept only when it is sure: most variants give it, as many digits as there are
glyphs, a `1` where a `1` is drawn, and a plausible value (a number of 1-5 digits, a day and a
month that make a date not after the first signature and not years before it). Otherwise the
spot is left blank: no number read is better than a wrong one.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from verifier.ocr import engine, ink
from verifier.ocr.engine import Word
from verifier.vietnam import fold

log = logging.getLogger(__name__)

TOP_SHARE = 0.45  # the number and the date line are in the header: the top of page 1
AGREEMENT = 0.7  # share of the variants reading something that must give the reading kept
MIN_VOTES = 5  # of the len(VARIANTS) readings
MIN_CONFIDENCE = 80.0  # Tesseract's mean confidence of the variants giving it
OLDEST_YEARS = 2  # a document signed this long after its date is no scan of a new paper
_LABEL = re.compile(r"^S[ốôóòồổỗộoơớờ6ö]", re.IGNORECASE)
PAIR_WIDTH = 0.95  # of its height: a glyph this wide may be two digits


@dataclass(frozen=True)
class Spot:
    kind: str  # number | day | month
    box: tuple[int, int, int, int]  # in the page image's pixels
    line_height: float
    anchor: int  # index of the printed word before it (`Số:`, `ngày`, `tháng`)
    words: tuple[int, ...]  # indexes of the words of the first reading inside the spot
    cut: tuple[int, int] | None = None  # (index, chars) a word whose first chars are in the spot
    keep: tuple[int, int] | None = None  # (index, chars) a label word whose last chars are in it


@dataclass(frozen=True)
class Reading:
    digits: str  # "" when nothing is written or the reading is not sure
    confidence: float
    sure: bool
    box: tuple[int, int, int, int] | None = None  # around the ink, in the crop's pixels


def find(words: list[Word], page_height: int) -> list[Spot]:
    """The number spot and the day and month spots on the page's header, from the words of the
    first reading."""
    out: list[Spot] = []
    for i, w in enumerate(words):
        if w.box[1] > TOP_SHARE * page_height:
            break
        first = i == 0 or words[i - 1].line != w.line
        if first and _LABEL.match(w.text) and not any(s.kind == "number" for s in out):
            spot = _number_spot(words, i)
            if spot:
                out.append(spot)
        if fold(w.text) == "ngay" and i and words[i - 1].line == w.line and words[i - 1].text.endswith(","):
            if not any(s.kind == "day" for s in out):
                out.extend(_date_spots(words, i))
    return out


def _number_spot(words: list[Word], i: int) -> Spot | None:
    label = words[i]
    height = label.box[3] - label.box[1]
    # the spot starts after `Số`: Tesseract may glue the first digits to the label, or read a
    # handwritten 1 as its colon, so the label's own box and its colon's are no bound
    colon = next((k for k, (c, _) in enumerate(label.chars[:4]) if c in ":;."), None)
    start = label.chars[1][1][2] + int(0.1 * height) if len(label.chars) > 1 else label.box[2]
    ends = 2 if colon is None else colon + 1
    keep = (i, ends) if len(label.chars) > ends or label.box[2] > start + 0.3 * height else None
    inside = []
    for j in range(i + 1, len(words)):
        w = words[j]
        if w.line != label.line or w.box[0] - start > 8 * height:
            return None
        slash = next((k for k, (c, _) in enumerate(w.chars) if c == "/"), None)
        if "/" not in w.text or slash is None:
            inside.append(j)
            continue
        end = w.chars[slash][1][0]
        cut = (j, slash) if slash else None
        if end - start < 0.3 * height:
            return None
        box = (start, label.box[1] - int(0.6 * height), end, label.box[3] + int(0.3 * height))
        return Spot("number", box, height, i, tuple(inside), cut, keep)
    return None


def _date_spots(words: list[Word], i: int) -> list[Spot]:
    day = words[i]
    line = [j for j in range(i + 1, len(words)) if words[j].line == day.line]
    month = next((j for j in line if fold(words[j].text) == "thang"), None)
    year = next((j for j in line if fold(words[j].text) == "nam"), None)
    height = day.box[3] - day.box[1]
    out = []
    for kind, a, b in (("day", i, month), ("month", month, year)):
        if a is None or b is None or b <= a:
            continue
        left, right = words[a].box[2], words[b].box[0]
        if right - left < 0.3 * height:
            continue
        box = (left, day.box[1] - int(0.5 * height), right, day.box[3] + int(0.2 * height))
        out.append(Spot(kind, box, height, a, tuple(range(a + 1, b))))
    return out


# --- reading a spot ---------------------------------------------------------------------------

# glyph height in px, strokes thickened: Tesseract reads the same ink differently at each
VARIANTS = ((32, False), (40, False), (40, True), (52, False), (52, True), (64, False), (64, True), (80, True))


def read(crop, line_height: float) -> Reading:
    """What is written in the RGB `crop` of a spot, digits only."""
    found, width, _ = ink.written(crop, line_height)
    if not found:
        return Reading("", 0.0, True)
    glyphs = ink.glyphs(found, line_height)
    ones = [ink.one_shaped(g, width) for g in glyphs]
    line = _line_image(found, glyphs, ones, width)
    readings: list[tuple[str, float]] = []
    for height, thick in VARIANTS:
        readings.extend(engine.read_digits(_sized(line, height, thick), engine.DIGIT_LANG))
    log.debug("spot: %d glyphs, ones %s, readings %s", len(glyphs), ones, readings)
    counted = Counter(text for text, _ in readings if text)
    if not counted:
        return Reading("", 0.0, False)
    best, votes = counted.most_common(1)[0]
    confidence = sum(c for t, c in readings if t == best) / votes
    given = sum(counted.values())
    # a glyph wider than high may be two digits written together (4432's `32`)
    fewest = len(glyphs)
    most = sum(1 if g.width < PAIR_WIDTH * g.height else 2 for g in glyphs)
    # Tesseract gives handwriting it reads right little confidence: variants agreeing are sure,
    # a weaker majority only with confidence
    agreed = votes >= MIN_VOTES and (votes >= AGREEMENT * given or votes >= 0.5 * given and confidence >= MIN_CONFIDENCE)
    sure = (agreed and fewest <= len(best) <= most
            and (most > fewest or all(best[k] == "1" for k, one in enumerate(ones) if one)))
    ink_box = (min(p.box[0] for p in found), min(p.box[1] for p in found),
               max(p.box[2] for p in found), max(p.box[3] for p in found))
    return Reading(best if sure else "", confidence, sure, ink_box)


def _line_image(found, glyphs, ones, width):
    """The spot's ink with each `1` of the hand drawn again as a printed one, in the middle of
    its box (its flag reaches under the glyph before it)."""
    from PIL import Image, ImageDraw

    height = max(p.box[3] for p in found)
    canvas = bytearray(b"\xff" * (width * height))
    for glyph, one in zip(glyphs, ones):
        if not one:
            for i in glyph.pixels:
                canvas[i] = 0
    image = Image.frombytes("L", (width, height), bytes(canvas))
    draw = ImageDraw.Draw(image)
    for glyph, one in zip(glyphs, ones):
        if one:
            left, top, right, bottom = glyph.box
            h = bottom - top
            stroke = max(2, round(len(glyph.pixels) / (2.2 * h)))  # ink per row, the flag's and the stem's
            x = (left + right) // 2
            draw.line((x, top, x, bottom - 1), fill=0, width=stroke)
            draw.line((x, top + stroke // 2, x - h // 4, top + h // 4), fill=0, width=stroke)
    box = (min(p.box[0] for p in found), min(p.box[1] for p in found),
           max(p.box[2] for p in found), max(p.box[3] for p in found))
    return image.crop(box)


def _sized(line, height: int, thick: bool):
    from PIL import Image, ImageFilter, ImageOps

    scale = height / max(line.height, 1)
    image = line.resize((max(1, round(line.width * scale)), height), Image.LANCZOS)
    image = image.point(lambda v: 0 if v < 128 else 255)
    if thick:
        image = image.filter(ImageFilter.MinFilter(3))
    return ImageOps.expand(image, border=height // 2, fill=255)


# --- the words set right ----------------------------------------------------------------------

def amend(words: list[Word], page, not_after: datetime | None = None) -> list[Word]:
    """The words of the first reading with the spots read again on the RGB `page` image: a sure
    reading replaces what was read there, an unsure one leaves the spot blank."""
    spots = find(words, page.height)
    if not spots:
        return words
    readings = {s.kind: read(page.crop(s.box), s.line_height) for s in spots}
    values = {k: r.digits for k, r in readings.items()}
    _plausible(values, words, spots, not_after)
    out = list(words)
    dropped: set[int] = set()
    for spot in spots:
        dropped.update(spot.words)
        if spot.cut:
            out[spot.cut[0]] = _tail(out[spot.cut[0]], spot.cut[1])
        if spot.keep:
            out[spot.keep[0]] = _head(out[spot.keep[0]], spot.keep[1], spot.box[0])
        digits = values.get(spot.kind, "")
        if digits:
            ref = words[spot.anchor]
            # the digits where the ink is, so that the line builder sees the spaces around them
            left, _, right, _ = readings[spot.kind].box
            box = (spot.box[0] + left, ref.box[1], spot.box[0] + right, ref.box[3])
            out.append(Word(digits, box, ref.baseline, ref.line_height, readings[spot.kind].confidence, ref.line))
    kept = [w for k, w in enumerate(out) if k not in dropped and w.text]
    return sorted(kept, key=lambda w: (w.line, w.box[0]))


def _plausible(values: dict[str, str], words: list[Word], spots: list[Spot], not_after: datetime | None) -> None:
    number = values.get("number")
    if number and not (1 <= len(number) <= 5 and int(number) > 0):
        values["number"] = ""
    day, month = values.get("day"), values.get("month")
    if day and not 1 <= int(day) <= 31:
        values["day"] = day = ""
    if month and not 1 <= int(month) <= 12:
        values["month"] = month = ""
    if not (day and month):
        return
    year = _year(words, spots)
    try:
        issued = date(year, int(month), int(day)) if year else None
    except ValueError:
        issued = None
        values["day"] = values["month"] = ""
    if issued and not_after:
        # the day a clerk writes is the signing day or before it, and not years before it;
        # a date the page's first reading read the same (typed, not written) may be older: a
        # paper of years ago scanned and signed now
        first = {s.kind: "".join(words[j].text for j in s.words) for s in spots}
        changed = any(first.get(k) != values[k] for k in ("day", "month"))
        late = (issued - not_after.date()).days
        if late > 1 or (changed and late < -366 * OLDEST_YEARS):
            values["day"] = values["month"] = ""


def _year(words: list[Word], spots: list[Spot]) -> int | None:
    """The year printed after `năm` on the date line."""
    month = next((s for s in spots if s.kind == "month"), None)
    if month is None:
        return None
    line = words[month.anchor].line
    after = [w for w in words if w.line == line and w.box[0] >= month.box[2]]
    for w in after[1:3]:
        m = re.match(r"^(\d{4})", w.text)
        if m:
            return int(m.group(1))
    return None


def _tail(word: Word, n: int) -> Word:
    """`word` from its character `n` on."""
    chars = word.chars[n:]
    box = (chars[0][1][0], word.box[1], word.box[2], word.box[3]) if chars else word.box
    return Word("".join(c for c, _ in chars) if chars else word.text[n:], box, word.baseline, word.line_height,
                word.confidence, word.line, chars)


def _head(word: Word, n: int, limit: int) -> Word:
    """`word` up to its character `n`, its box ending before `limit` (Tesseract's box of a
    colon before handwriting takes in some of it)."""
    chars = word.chars[:n]
    box = (word.box[0], word.box[1], min(chars[-1][1][2], limit) if chars else limit, word.box[3])
    return Word("".join(c for c, _ in chars) if chars else word.text[:n], box, word.baseline, word.line_height,
                word.confidence, word.line, chars)
