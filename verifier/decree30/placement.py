"""Where Decree 30/2020 puts the layers' appearances, so that an appearance lying over signed
content there is the document's own layout, not a covering (docs/decree30.md §6).

The agency signs after the competent person and draws into the page the person signed: the
number into the blank of `Số:`, the day, month or year into the blanks of the date line, the red
seal over about the left third of the person's signature image (Appendix I, II.8.a), and on an
appendix page a text-only signature at the top right (II.8.b). The person's own signature image
sits in the signature block between the title and the printed name (II.7.d). Each of these lies
over signed text by design: the number's box over the notation beside it, the seal's over the
title, the recipients and the signature image. The overlap check
(verifier.structure.overlap) asks here, after the profile has told each layer's purpose
(verifier.decree30.profile) and the metadata where the signature block is
(verifier.decree30.metadata), and is silent only when both hold:

- the layer is of that purpose: an agency layer for the number, the date, the seal and the
  appendix, the competent person's layer for the signature, and the appearance is the one its
  own revision added (a widget moved later is not the layer's placement);
- the appearance is where the decree puts it, measured on what the page displayed before it:

  number, date: what it draws (the pixels it changes) lies on one text line, in blanks of that
  line: left of each part the label `Số` (the number; the notation's `/` right after it) or one
  of `ngày`, `tháng`, `năm` (the date, on a line naming them); what it draws touches no letter
  of the line but fillers (dots, underscores, the label's colon) and no other ink. Its box may
  be larger (the tools size it generously, 03/VBHN's date box spans three lines): outside its
  strokes the page shows what it showed;

  seal: on the page and over the appearance of the competent person's layer, covering
  SEAL_OVERLAP_MIN-SEAL_OVERLAP_MAX of that appearance's width on its left side and at least
  a third of its height (the profile's C9 rule, so that the two never disagree); over no other
  layer's appearance and no image; and inside the signature block's height, give or take
  SEAL_BAND of its own height (a seal at its real size reaches the title, the printed name and
  the recipients beside them, as on decree 50/2026 and document 385, never the body above).
  What it draws is the round seal at its real size (II.8.a) and nothing beside it: the box of
  the pixels it changes is about square (SEAL_ASPECT) and at most SEAL_MAX_SIDE across, however
  large its widget. A widget stretched across the block's row that also writes words into its
  blank part is a covering (red team, 2026-12-06);

  appendix: at the top right of an appendix page (or of page 1 of a separate appendix file),
  over no words, no earlier appearance and no image;

  signature: the competent person's widget in the signature block (inside its height, give or
  take SEAL_BAND of the widget's height, and across its column), over no words but the block's
  own title and name, no earlier appearance and no image.

Anywhere else the warning stands: an agency "seal" over an amount lies outside the signature
block; a "number" drawn over body text has no `Số:` blank to its left.
"""

from __future__ import annotations

from verifier.decree30.metadata import Metadata
from verifier.decree30.profile import COMPETENT, DATE, NUMBER, SEAL, SEAL_OVERLAP_MAX, SEAL_OVERLAP_MIN, TOP_FRACTION
from verifier.vietnam import fold

APPENDIX = "appendix"
SIGNATURE = "signature"
SEAL_MIN_HEIGHT = 0.3  # of the person's appearance under the seal (C9)
SEAL_BAND = 0.10  # of the appearance's height: how far past the signature block it may reach
# what a seal draws: the seals of ../shared/realdocs and of the samples change a box of 88-121
# points across, 0.98-1.02 as wide as high; a state agency's round seal is some 35-42 mm across
SEAL_MAX_SIDE = 150.0  # points (53 mm)
SEAL_ASPECT = 1.25
FILLERS = frozenset(".…_-:·")  # what a blank is made of, and the label's colon
TOUCH_SLACK = 2  # pixels of a letter an anti-aliased stroke drawn beside it may change
ROW_SLACK = 0.3  # of the line's height: how far a drawn stroke may pass the line's glyph boxes
WORD_GAP = 0.2  # of the line's height: a gap this wide between glyphs is a space
DATE_WORDS = ("ngay", "thang", "nam")


def judge(layers, meta: Metadata | None):
    """The `exempt` callback of verifier.structure.overlap.check for a verified document: the
    params of OVERLAY_AS_PRESCRIBED, or None."""
    def exempt(overlay) -> dict | None:
        return prescribed(overlay, layers, meta)
    return exempt


def prescribed(overlay, layers, meta: Metadata | None) -> dict | None:
    """{"placement": ..., "basis": ...} when the overlay is a layer's appearance where Decree 30
    puts it, else None."""
    layer = next((l for l in layers if l.field == overlay.field), None)
    if layer is None or layer.kind != "signature" or layer.revision != overlay.revision or overlay.rect is None:
        return None
    if overlay.erased:
        return None  # a placement adds ink; one that whites out what was signed is a covering
    purpose, role = layer.purpose, layer.role
    basis = kind = None
    if role == "agency" and purpose == NUMBER:
        basis = _fill_in(overlay, _number_blank, "the number")
        kind = NUMBER
    elif role == "agency" and purpose == DATE:
        basis = _fill_in(overlay, _date_blank, "the date")
        kind = DATE
    elif role == "agency" and purpose == SEAL:
        basis = _seal(overlay, layers, meta)
        kind = SEAL
    elif role == "agency" and purpose == APPENDIX:
        basis = _appendix(overlay, meta)
        kind = APPENDIX
    elif role == "person" and purpose == COMPETENT:
        basis = _signature(overlay, meta)
        kind = SIGNATURE
    if basis is None:
        return None
    return {"placement": kind, "basis": basis}


# --- number and date: drawn into blanks of one line ---------------------------------------------------

def _fill_in(o, blank, what: str) -> str | None:
    if not o.drawn or o.over_ink > TOUCH_SLACK:
        return None
    if any(count > TOUCH_SLACK and not _filler(g.text) for g, count in o.touched):
        return None
    parts = _parts(o.drawn)
    lines = []
    for part in parts:
        line = _line_of(part, o.row)
        if line is None:
            return None
        left = _words([g for g in line if (g.x1 + g.x2) / 2 < part[0]])
        middle = [g for g in line if part[0] <= (g.x1 + g.x2) / 2 <= part[2]]
        right = _words([g for g in line if (g.x1 + g.x2) / 2 > part[2]])
        if any(not _filler(g.text) for g in middle):
            return None
        label = blank(left, right, _words(line))
        if label is None:
            return None
        lines.append(label)
    return f"{what} is drawn into the blank after '{' / '.join(dict.fromkeys(lines))}' of its line, over no other letter or mark"


def _number_blank(left: list[str], right: list[str], line: list[str]) -> str | None:
    label = _last_word(left)
    after = "".join(right).lstrip("".join(FILLERS))
    return label if label and fold(label) == "so" and after.startswith("/") else None


def _date_blank(left: list[str], right: list[str], line: list[str]) -> str | None:
    if not set(DATE_WORDS) <= {fold(w).strip("".join(FILLERS) + ",") for w in line}:
        return None  # not a date line: `ngày`, `tháng` and `năm` are all printed on it
    label = _last_word(left)
    return label if label and fold(label) in DATE_WORDS else None


def _parts(boxes: list[tuple]) -> list[tuple]:
    """The drawn strokes joined into parts: strokes closer than a line's height are one word."""
    boxes = sorted(boxes)
    height = max((b[3] - b[1] for b in boxes), default=0.0)
    parts: list[list[float]] = []
    for b in boxes:
        if parts and b[0] - parts[-1][2] <= height and min(b[3], parts[-1][3]) > max(b[1], parts[-1][1]) - height:
            p = parts[-1]
            p[0], p[1], p[2], p[3] = min(p[0], b[0]), min(p[1], b[1]), max(p[2], b[2]), max(p[3], b[3])
        else:
            parts.append(list(b))
    return [tuple(p) for p in parts]


def _line_of(part: tuple, glyphs) -> list | None:
    """The glyphs of the text line a drawn part lies on, in reading order, or None when the
    part is not on one line (its middle height outside every glyph box, or reaching past
    them by more than ROW_SLACK of their height)."""
    mid = (part[1] + part[3]) / 2
    line = sorted((g for g in glyphs if g.y1 <= mid <= g.y2), key=lambda g: g.x1)
    if not line:
        return None
    heights = sorted(g.y2 - g.y1 for g in line)
    h = heights[len(heights) // 2]
    top, bottom = max(g.y2 for g in line), min(g.y1 for g in line)
    if part[3] > top + ROW_SLACK * h or part[1] < bottom - ROW_SLACK * h:
        return None
    return line


def _words(glyphs) -> list[str]:
    """The words of some glyphs of one line (a gap of WORD_GAP of the line's height is a space)."""
    words: list[str] = []
    prev = None
    for g in sorted(glyphs, key=lambda g: g.x1):
        if prev is None or g.x1 - prev.x2 > WORD_GAP * (g.y2 - g.y1):
            words.append(g.text)
        else:
            words[-1] += g.text
        prev = g
    return words


def _last_word(words: list[str]) -> str | None:
    """The last word that is not a filler, its fillers (the label's colon) left out."""
    for word in reversed(words):
        word = word.strip("".join(FILLERS))
        if word:
            return word
    return None


def _filler(text: str) -> bool:
    return all(c in FILLERS or c.isspace() for c in text)


# --- seal, appendix, signature: regions of the page ---------------------------------------------------

def _seal(o, layers, meta: Metadata | None) -> str | None:
    people = [(i, l) for i, l in enumerate(layers) if l.purpose == COMPETENT and l.appearance is not None
              and l.appearance.visible and l.appearance.rect and l.appearance.page == o.page + 1]
    best = None
    for i, person in people:
        p = person.appearance.rect
        fx, fy = _overlap(o.rect, p)
        left_side = (o.rect[0] + o.rect[2]) / 2 < (p[0] + p[2]) / 2
        if SEAL_OVERLAP_MIN <= fx <= SEAL_OVERLAP_MAX and fy >= SEAL_MIN_HEIGHT and left_side:
            best = (i, person, fx)
            break
    if best is None:
        return None
    i, person, fx = best
    if "image" in o.covers or any(name != person.field for name in o.appearances):
        return None
    if not _in_block(o.rect, meta, o.page) or not _seal_sized(o.drawn):
        return None
    return (f"the seal covers {fx:.0%} of the width of layer {i + 1}'s signature image, on its left side, "
            f"within the signature block of page {o.page + 1}")


def _seal_sized(drawn) -> bool:
    """Whether the pixels an appearance changes (boxes in user space) make one box about square
    and no larger than a seal."""
    if not drawn:
        return False
    width = max(b[2] for b in drawn) - min(b[0] for b in drawn)
    height = max(b[3] for b in drawn) - min(b[1] for b in drawn)
    return (0 < width <= SEAL_MAX_SIDE and 0 < height <= SEAL_MAX_SIDE
            and max(width, height) <= SEAL_ASPECT * min(width, height))


def _appendix(o, meta: Metadata | None) -> str | None:
    if meta is None or o.page_box is None:
        return None
    page = o.page + 1
    separate = page == 1 and meta.value("attached_to")
    if page not in meta.geometry.appendix_pages and not separate:
        return None
    box = o.page_box
    width, height = box[2] - box[0], box[3] - box[1]
    if not ((o.rect[0] + o.rect[2]) / 2 >= box[0] + 0.5 * width and o.rect[3] >= box[3] - TOP_FRACTION * height):
        return None
    if o.covers and set(o.covers) != {"drawing"}:
        return None
    return f"a text-only agency signature at the top right of appendix page {page}, over no words"


def _signature(o, meta: Metadata | None) -> str | None:
    if meta is None or meta.geometry.signer_block is None:
        return None
    page, block = meta.geometry.signer_block
    if page != o.page + 1 or not _in_block(o.rect, meta, o.page):
        return None
    if not (block[0] <= (o.rect[0] + o.rect[2]) / 2 <= block[2]):
        return None
    if "image" in o.covers or o.appearances:
        return None
    margin = SEAL_BAND * (o.rect[3] - o.rect[1])
    if any(not (block[0] - margin <= g.x1 and g.x2 <= block[2] + margin and block[1] - margin <= g.y1 and g.y2 <= block[3] + margin)
           for g in o.glyphs):
        return None
    return f"the competent person's signature in the signature block of page {page}, over its own title and name only"


def _in_block(rect, meta: Metadata | None, page: int) -> bool:
    """Whether a rectangle lies within the height of the signature block of its page, give or
    take SEAL_BAND of its own height."""
    if meta is None or meta.geometry.signer_block is None:
        return False
    block_page, block = meta.geometry.signer_block
    margin = SEAL_BAND * (rect[3] - rect[1])
    return block_page == page + 1 and rect[1] >= block[1] - margin and rect[3] <= block[3] + margin


def _overlap(a, b) -> tuple[float, float]:
    """(fraction of b's width under a, fraction of b's height under a)."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return ix / max(b[2] - b[0], 1e-6), iy / max(b[3] - b[1], 1e-6)
