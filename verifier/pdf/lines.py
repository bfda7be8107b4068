"""Glyphs joined into lines of segments, the way a page is read: rows top to bottom, segments
left to right split at wide gaps, spaces inferred from narrower ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import groupby, repeat
from operator import itemgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from verifier.pdf.text import Glyph


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
    # whether a viewer paints it: None when some of its glyphs could not be told
    # (verifier.render.painted; DocumentText.lines marks them)
    painted: bool | None = True

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
        return Segment(self.xs[i2], x1, self.y, self.size, text2, bold, self.sources[i2:j2], self.xs[i2:j2], bolds,
                       self.painted)


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


SPACE_GAP = 0.16  # em: a gap this wide between glyphs is a space
COLUMN_GAP = 2.2  # em: a gap this wide splits a line into segments


_X0, _X1, _Y, _X0X1 = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(0, 1)
_Y_SIZE, _CHAR, _RUN_Y = itemgetter(2, 3), itemgetter(4), itemgetter(0)


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
    return rows_of_runs(runs)


def rows_of_runs(runs: list[tuple[float, float, str]]) -> list[str] | None:
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
