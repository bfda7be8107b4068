"""The overlap check's pixel work, written for speed, answers as the code it replaced:
verifier.render.ink.groups (the same groups, in the same order, each pixel list in the same
order: the float sums of their weights depend on it) and PageImage.to_px (the same pixel box,
from the same floats), on hypothesis cases, on the ink of real pages and on odd rectangles
(reversed, infinite, NaN, integers, Decimals)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REALDOCS, need_shared
from verifier.render import ink
from verifier.render.pages import PageImage


def reference_groups(pixels):
    """ink.groups as it was."""
    left = set(pixels)
    while left:
        seed = left.pop()
        group = [seed]
        stack = [seed]
        while stack:
            x, y = stack.pop()
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    p = (x + dx, y + dy)
                    if p in left:
                        left.remove(p)
                        group.append(p)
                        stack.append(p)
        yield group


def reference_to_px(page: PageImage, rect):
    """PageImage.to_px as it was."""
    xs, ys = zip(*(page._apply(x, y) for x in (rect[0], rect[2]) for y in (rect[1], rect[3])))
    w, h = page.image.size
    left, top = max(0, int(min(xs))), max(0, int(min(ys)))
    right, bottom = min(w, int(max(xs)) + 1), min(h, int(max(ys)) + 1)
    return left, top, max(left, right), max(top, bottom)


def _same_groups(pixels) -> None:
    assert list(ink.groups(set(pixels))) == list(reference_groups(set(pixels)))


@settings(max_examples=400, deadline=None)
@given(st.sets(st.tuples(st.integers(-3, 40), st.integers(-3, 40)), max_size=400))
def test_generated_pixel_sets_group_alike(pixels):
    _same_groups(pixels)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 5000))
def test_large_sparse_sets_group_alike(seed, count):
    import random

    rng = random.Random(seed)
    _same_groups({(rng.randrange(-50, 600), rng.randrange(-50, 850)) for _ in range(count)})


def _image(size=(595, 842)):
    from PIL import Image

    return Image.new("L", size, 255)


_matrices = st.sampled_from([(1.0, 0.0, 0.0, -1.0, 0.0, 842.0), (0.0, 1.0, 1.0, 0.0, 0.0, 0.0),
                             (-1.0, 0.0, 0.0, 1.0, 595.0, 0.0), (2.0, 0.0, 0.0, -2.0, 0.0, 1684.0),
                             (0.7071, 0.7071, -0.7071, 0.7071, 300.5, -12.25)])
_coords = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64).filter(lambda v: math.isnan(v) or abs(v) < 1e300),
                    st.integers(-10**6, 10**6), st.decimals(-10**4, 10**4, places=2).map(float),
                    st.sampled_from([math.inf, -math.inf, math.nan, 0.0, -0.0, 841.9999999999]))


@settings(max_examples=500, deadline=None)
@given(_matrices, st.tuples(_coords, _coords, _coords, _coords))
def test_generated_rectangles_map_alike(matrix, rect):
    page = PageImage(0, _image(), 1.0, matrix)
    try:
        expected = reference_to_px(page, rect)
    except (ValueError, OverflowError) as exc:  # int(nan), int(inf): the same failure
        with pytest.raises(type(exc)):
            page.to_px(rect)
        return
    assert page.to_px(rect) == expected


def test_decimal_rectangles_map_alike():
    page = PageImage(0, _image(), 1.0, (1.0, 0.0, 0.0, -1.0, 0.0, 842.0))
    with pytest.raises(TypeError):
        reference_to_px(page, (Decimal("1.5"), 2, 3, 4))
    with pytest.raises(TypeError):
        page.to_px((Decimal("1.5"), 2, 3, 4))


@pytest.mark.parametrize("name,index", [("19-bkhcn.pdf", 0), ("385.signed.signed.pdf", 0), ("03-vbhn-bkhcn.pdf", 64)])
def test_real_ink_groups_alike(name, index):
    """Every ink pixel of a real page (a scan, a signed decree with seals), in bands, and the
    overlap check's rectangles over them."""
    from verifier.render.pages import opened

    data = need_shared(REALDOCS / name).read_bytes()
    with opened(data) as doc:
        page = doc.draw(index, 1.0)
    w, h = page.image.size
    for top in range(0, h, 120):
        rect = page.to_pdf((0, top, w, min(h, top + 120)))
        assert page.to_px(rect) == reference_to_px(page, rect)
        dark = ink.dark_pixels(page, rect)
        _same_groups(dark)
        found = ink.ink(page, rect)
        assert found.groups == _reference_ink_groups(page, rect)


def _reference_ink_groups(page, rect):
    dark = ink._darkness(page.image, reference_to_px(page, rect))
    out = []
    for group in reference_groups(set(dark)):
        if sum(dark[p] for p in group) / (page.scale * page.scale) < ink.SPECK_MASS:
            continue
        xs = [p[0] for p in group]
        ys = [p[1] for p in group]
        out.append((min(xs), min(ys), max(xs) + 1, max(ys) + 1))
    return out
