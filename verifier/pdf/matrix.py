"""PDF transformation matrices [a b c d e f], shared by the two content-stream interpreters."""

from __future__ import annotations

import math

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def mul(m, n):
    """m × n for PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def apply(m, x, y):
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def translation_keeps(m) -> bool:
    """Whether mul([1 0 0 1 x 0], m) keeps m's a b c d as the very same floats (1*a + 0*c is a
    unless c is not finite or a is -0.0...): then the glyphs of a string share one glyph-space
    matrix and only the translation moves, so an interpreter may place them without a matrix
    product per glyph and still get the products' floats."""
    a, b, c, d = m[:4]
    zc, zd = 0.0 * c, 0.0 * d
    return _same(a + zc, a) and _same(b + zd, b) and _same(0.0 * a + c, c) and _same(0.0 * b + d, d)


def _same(x: float, y: float) -> bool:
    """x and y are the same float, the sign of a zero included (NaN is never the same)."""
    return x == y and (x != 0.0 or math.copysign(1.0, x) == math.copysign(1.0, y))
