"""The ink written into a spot of a printed form, as black glyphs on white, and the shape of a
handwritten `1`.

A spot (the gap between `Số:` and the notation's `/`, between `ngày` and `tháng`…) is cut from the
page drawn at 300 dpi. Its ink is the coloured ink when the spot has some (blue, violet or red
handwriting and stamps: the printed form is black), else what is darker than Otsu's threshold of
the spot. Connected parts lower than MIN_HEIGHT of the printed line (a colon's dots, dotted
leaders, underscores, a rule) and slivers of printed letters cut at the spot's sides are left out.

Pure Python on a few thousand pixels (Pillow only): a spot is about 150 × 100 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_HEIGHT = 0.4  # of the printed line's height: lower parts are dots, leaders and rules, not digits
CHROMA = 60  # max - min of R, G, B: a pen's or a stamp's colour, not a grey or JPEG's fringe
COLOURED_SHARE = 0.01  # of a spot's pixels: from this share of coloured ink on, only that ink is read


@dataclass
class Part:
    """One connected part of ink: its box (left, top, right, bottom) and pixel indexes."""

    box: tuple[int, int, int, int]
    pixels: list[int]

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


def _otsu(hist: list[int]) -> int:
    total = sum(hist)
    weighted = sum(i * h for i, h in enumerate(hist))
    below = below_sum = 0
    best, threshold = -1.0, 128
    for i, h in enumerate(hist):
        below += h
        below_sum += i * h
        above = total - below
        if below == 0 or above == 0:
            continue
        spread = below * above * (below_sum / below - (weighted - below_sum) / above) ** 2
        if spread > best:
            best, threshold = spread, i
    return threshold


def _share_coloured(crop) -> float:
    mask = _colour_mask(crop)
    return mask.histogram()[255] / (crop.width * crop.height or 1)


def _colour_mask(crop):
    """255 where the RGB `crop` has coloured ink: chroma above CHROMA and not paper-light."""
    from PIL import ImageChops

    r, g, b = crop.split()
    high = ImageChops.lighter(ImageChops.lighter(r, g), b)
    low = ImageChops.darker(ImageChops.darker(r, g), b)
    chroma = ImageChops.subtract(high, low)
    strong = chroma.point(lambda v: 255 if v > CHROMA else 0)
    inked = low.point(lambda v: 255 if v < 200 else 0)
    return ImageChops.multiply(strong, inked)


def ink_mask(crop, colour: bool) -> bytearray:
    """1 per ink pixel of the RGB `crop`, row by row: its coloured ink when `colour`, else what
    is darker than the crop's Otsu threshold."""
    if colour:
        return bytearray(1 if v else 0 for v in _colour_mask(crop).tobytes())
    grey = crop.convert("L")
    threshold = _otsu(grey.histogram())
    if threshold > 220:  # a blank spot: paper and noise only
        return bytearray(grey.width * grey.height)
    return bytearray(1 if v <= threshold else 0 for v in grey.tobytes())


def parts(mask: bytearray, width: int, height: int) -> list[Part]:
    """The 8-connected parts of `mask`, left to right."""
    seen = bytearray(len(mask))
    out = []
    for start, on in enumerate(mask):
        if not on or seen[start]:
            continue
        seen[start] = 1
        stack, pixels = [start], []
        while stack:
            i = stack.pop()
            pixels.append(i)
            y, x = divmod(i, width)
            for dy in (-1, 0, 1):
                yy = y + dy
                if yy < 0 or yy >= height:
                    continue
                for dx in (-1, 0, 1):
                    xx = x + dx
                    if 0 <= xx < width:
                        j = yy * width + xx
                        if mask[j] and not seen[j]:
                            seen[j] = 1
                            stack.append(j)
        xs = [i % width for i in pixels]
        ys = [i // width for i in pixels]
        out.append(Part((min(xs), min(ys), max(xs) + 1, max(ys) + 1), pixels))
    out.sort(key=lambda p: p.box[0])
    return out


def written(crop, line_height: float) -> tuple[list[Part], int, int]:
    """The parts of ink in the RGB `crop` tall enough to be digits, with the crop's size."""
    width, height = crop.size
    colour = _share_coloured(crop) >= COLOURED_SHARE
    found = parts(ink_mask(crop, colour), width, height)
    tall = [p for p in found if p.height >= MIN_HEIGHT * line_height
            and not ((p.box[0] == 0 or p.box[2] == width) and p.width < 0.3 * line_height)]
    # a short stroke over the top half of a digit is part of it (a 5's bar), a dot beside or
    # under the digits is not (a colon, a leader)
    kept = [p for p in found if p in tall or (p.width >= 0.15 * line_height and any(
        min(p.box[2], t.box[2]) - max(p.box[0], t.box[0]) > 0 and (p.box[1] + p.box[3]) / 2 < (t.box[1] + t.box[3]) / 2
        for t in tall))]
    return kept, width, height


def glyphs(found: list[Part], line_height: float) -> list[Part]:
    """The parts grouped into glyphs: parts over one another are one (a 5's bar, a 4 in two
    strokes); a short stroke joins the glyph it lies most over."""
    tall = [p for p in found if p.height >= MIN_HEIGHT * line_height]
    out: list[Part] = []
    for p in tall:
        if out and _overlap(p, out[-1]) > 0.5 * min(p.width, out[-1].width):
            out[-1] = _joined(out[-1], p)
        else:
            out.append(p)
    for p in found:
        if p not in tall and out:
            k = max(range(len(out)), key=lambda k: _overlap(p, out[k]))
            out[k] = _joined(out[k], p)
    return out


def _overlap(a: Part, b: Part) -> int:
    return min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])


def _joined(a: Part, b: Part) -> Part:
    return Part((min(a.box[0], b.box[0]), min(a.box[1], b.box[1]), max(a.box[2], b.box[2]), max(a.box[3], b.box[3])),
                a.pixels + b.pixels)


def image(found: list[Part], width: int, box: tuple[int, int, int, int] | None = None):
    """The parts as black on white, cut to `box` (default: around them all)."""
    from PIL import Image

    height = max(p.box[3] for p in found)
    canvas = bytearray(b"\xff" * (width * height))
    for p in found:
        for i in p.pixels:
            canvas[i] = 0
    if box is None:
        box = (min(p.box[0] for p in found), min(p.box[1] for p in found),
               max(p.box[2] for p in found), max(p.box[3] for p in found))
    return Image.frombytes("L", (width, height), bytes(canvas)).crop(box)


def one_shaped(part: Part, width: int) -> bool:
    """Whether a glyph has the shape of the Vietnamese hand's `1`: a pointed top, from which a
    flag slopes down to the left and ends, and a stem that goes on alone to the bottom; one
    stroke, without a hole. Tesseract, trained on print, reads it as a `4`. A `4`'s flag ends
    in a cross bar that juts out right of its stem (or closes a loop), a `7` has a bar on top, a
    `9` a loop whose side turns back right, a `2` a base, a `3` or a `5` a bowl below."""
    left, top, right, bottom = part.box
    w, h = right - left, bottom - top
    if h < 12:
        return False
    grid = bytearray(w * h)
    for i in part.pixels:
        y, x = divmod(i, width)
        grid[(y - top) * w + (x - left)] = 1
    rows = [_runs(grid, w, y) for y in range(h)]
    while rows and not rows[0]:
        rows.pop(0)
    while rows and not rows[-1]:
        rows.pop()
    h = len(rows)
    if h < 12 or any(not r or len(r) > 2 for r in rows) or _has_hole(grid, w, len(grid) // w):
        return False
    lefts = [r[0][0] for r in rows]
    rights = [r[-1][1] for r in rows]
    peak = rows[:max(2, int(h * 0.08))]
    if max(r[-1][1] for r in peak) - min(r[0][0] for r in peak) > 0.3 * h:
        return False  # a bar or a round top, not a point
    end = next((y for y in range(1, h) if lefts[y] - lefts[y - 1] >= 0.15 * h), None)
    if end is None or h - end < 2 or end < 0.3 * h:
        return False  # no flag that ends, or no stem alone under it
    if any(b > a + 0.06 * h for a, b in zip(lefts[:end], lefts[1:end])) or lefts[end - 1] > lefts[0] - 0.15 * h:
        return False  # the flag does not slope down to the left all along
    if any(len(r) != 1 or r[0][1] - r[0][0] > 0.35 * h for r in rows[end:]):
        return False  # more strokes under the flag: a bowl, a base
    below_peak = rights[len(peak):]
    if any(b > a + 0.08 * h for a, b in zip(below_peak, below_peak[1:])) or max(below_peak) > max(rights[:len(peak)]) + 0.08 * h:
        return False  # the stem is not the top's right side all along: a 4's second stroke or bar
    return True


def _runs(grid: bytearray, w: int, y: int) -> list[tuple[int, int]]:
    """The runs of ink of row `y`; runs of one pixel are noise of the edge."""
    runs, start = [], None
    for x in range(w + 1):
        on = x < w and grid[y * w + x]
        if on and start is None:
            start = x
        elif not on and start is not None:
            if x - start > 1:
                runs.append((start, x))
            start = None
    return runs


def _has_hole(grid: bytearray, w: int, h: int) -> bool:
    """Whether some paper inside the glyph cannot be reached from its sides (a loop)."""
    reached = bytearray(w * h)
    stack = [i for i in range(w * h) if not grid[i] and (i < w or i >= w * (h - 1) or i % w in (0, w - 1))]
    for i in stack:
        reached[i] = 1
    while stack:
        i = stack.pop()
        y, x = divmod(i, w)
        for j in ((i - w) if y else -1, (i + w) if y < h - 1 else -1, (i - 1) if x else -1, (i + 1) if x < w - 1 else -1):
            if j >= 0 and not grid[j] and not reached[j]:
                reached[j] = 1
                stack.append(j)
    enclosed = sum(1 for i in range(w * h) if not grid[i] and not reached[i])
    return enclosed > 0.02 * w * h
