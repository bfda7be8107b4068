"""Fonts and pictures the samples need, made at build time so that none is committed.

Pictures follow Decree 30/2020, Appendix I: the person's signature is a blue handwritten mark on
a transparent background, the agency's seal a red round stamp, also transparent, so that a seal
laid over the left third of the signature lets the signature show through.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
SERIF = "DejaVuSerif.ttf"
SERIF_BOLD = "DejaVuSerif-Bold.ttf"
SERIF_ITALIC = "DejaVuSerif-Italic.ttf"
SERIF_BOLD_ITALIC = "DejaVuSerif-BoldItalic.ttf"
SANS_BOLD = "DejaVuSans-Bold.ttf"

SEAL_RED = (205, 22, 30)
INK_BLUE = (18, 45, 170)


def font_path(name: str) -> Path:
    p = DEJAVU_DIR / name
    if not p.is_file():
        sys.exit(f"build.py: font {p} is missing; install the Debian package fonts-dejavu-core "
                 f"(apt-get install fonts-dejavu-core) and run again.")
    return p


def rescaled_font(name: str, tmpdir: Path) -> Path:
    """A copy of a DejaVu font rescaled to 1000 units per em.

    pyHanko 0.38's OpenType text layout assumes 1000 units/em; DejaVu's 2048 come out with
    doubled letter spacing in signature appearances.
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    out = tmpdir / name.replace(".ttf", "-1000upm.ttf")
    if not out.exists():
        font = TTFont(font_path(name), recalcTimestamp=False)  # stable bytes across builds
        if "FFTM" in font:  # FontForge timestamps: fontTools' subsetter only warns about them
            del font["FFTM"]
        scale_upem(font, 1000)
        font.save(out)
    return out


# --- handwritten signatures ------------------------------------------------------------------

def _stroke(draw, pts, width_px, colour):
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        draw.line((x0, y0, x1, y1), fill=colour, width=width_px)
    r = width_px / 2
    for x, y in pts:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _bezier(p0, p1, p2, p3, n=60):
    out = []
    for i in range(n + 1):
        t = i / n
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def handwritten_signature(seed: int, size=(480, 224), loops=5, zigzag=False) -> Image.Image:
    """A blue cursive-looking signature: a capital, a run of loops, an underline flourish."""
    ss = 3  # supersampling for smooth edges
    w, h = size[0] * ss, size[1] * ss
    img = Image.new("RGBA", (w, h), INK_BLUE + (0,))
    draw = ImageDraw.Draw(img)
    rnd = random.Random(seed)
    ink = INK_BLUE + (255,)
    pen = int(5 * ss)

    x0, base = 0.12 * w, 0.62 * h
    if zigzag:  # an N-like capital: up, down, up
        cap = _bezier((x0 - 0.04 * w, base), (x0 - 0.03 * w, 0.3 * h), (x0 - 0.02 * w, 0.1 * h),
                      (x0, 0.08 * h))
        cap += _bezier((x0, 0.08 * h), (x0 + 0.03 * w, 0.3 * h), (x0 + 0.05 * w, 0.5 * h),
                       (x0 + 0.07 * w, base))
        cap += _bezier((x0 + 0.07 * w, base), (x0 + 0.08 * w, 0.4 * h), (x0 + 0.09 * w, 0.2 * h),
                       (x0 + 0.12 * w, 0.05 * h))
    else:  # a tall swash
        cap = _bezier((x0, base), (x0 - 0.08 * w, 0.05 * h), (x0 + 0.18 * w, 0.0 * h),
                      (x0 + 0.08 * w, base + 0.05 * h))
    _stroke(draw, cap, pen, ink)

    # cursive run: a prolate cycloid with a drifting baseline and uneven loop heights
    pts = []
    start = x0 + 0.06 * w
    span = 0.55 * w
    steps = 400
    heights = [rnd.uniform(0.12, 0.30) * h for _ in range(loops + 1)]
    drift = rnd.uniform(0.04, 0.12) * h
    for i in range(steps + 1):
        t = i / steps * loops * 2 * math.pi
        k = min(int(t / (2 * math.pi)), loops)
        x = start + span * i / steps - 0.035 * w * math.sin(t)
        y = base - drift * i / steps - heights[k] * (1 - math.cos(t)) / 2
        pts.append((x, y))
    _stroke(draw, pts, pen, ink)

    # underline flourish back to the left, then out to the right
    end = pts[-1]
    dip = rnd.uniform(0.85, 0.98) * h
    fl = _bezier(end, (end[0] + 0.12 * w, end[1] + 0.35 * h), (0.25 * w, dip), (0.06 * w, 0.80 * h))
    fl += _bezier((0.06 * w, 0.80 * h), (0.35 * w, 0.70 * h), (0.70 * w, 0.78 * h),
                  (0.95 * w, rnd.uniform(0.55, 0.75) * h))
    _stroke(draw, fl, int(pen * 0.8), ink)
    cx, cy = 0.80 * w, rnd.uniform(0.15, 0.3) * h
    draw.ellipse((cx - pen, cy - pen, cx + pen, cy + pen), fill=ink)

    # crop to the ink so the picture can be centred in its box by the layout, then restore size
    l, t, r, b = img.getbbox()
    m = int(0.03 * w)
    img = img.crop((max(l - m, 0), max(t - m, 0), min(r + m, w), min(b + m, h)))
    scale = min(size[0] / img.width, size[1] / img.height)
    return img.resize((round(img.width * scale), round(img.height * scale)), Image.LANCZOS)


# --- round seals --------------------------------------------------------------------------------

def _ring_text(img, text, font, centre, radius, start_deg, end_deg, colour):
    """Characters spread along an arc, upright towards the centre (clockwise from start)."""
    cx, cy = centre
    n = len(text)
    for i, ch in enumerate(text):
        if ch == " ":
            continue
        ang = math.radians(start_deg + (end_deg - start_deg) * (i + 0.5) / n)
        bbox = font.getbbox(ch)
        cw = bbox[2] - bbox[0]
        tile = Image.new("RGBA", (cw + 40, font.size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((20 - bbox[0], font.size // 2), ch, font=font, fill=colour)
        rot = tile.rotate(-math.degrees(ang), resample=Image.BICUBIC, expand=True)
        x = cx + radius * math.sin(ang)
        y = cy - radius * math.cos(ang)
        img.alpha_composite(rot, (int(x - rot.width / 2), int(y - rot.height / 2)))


def _star(draw, cx, cy, r, colour):
    pts = []
    for i in range(10):
        rr = r if i % 2 == 0 else r * 0.4
        a = math.radians(-90 + 36 * i)
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    draw.polygon(pts, fill=colour)


def round_seal(ring: str, centre_lines: list[str], size=420) -> Image.Image:
    ss = 2
    s = size * ss
    img = Image.new("RGBA", (s, s), SEAL_RED + (0,))
    draw = ImageDraw.Draw(img)
    ink = SEAL_RED + (235,)
    c = s / 2
    draw.ellipse((s * 0.02, s * 0.02, s * 0.98, s * 0.98), outline=ink, width=int(s * 0.022))
    draw.ellipse((s * 0.22, s * 0.22, s * 0.78, s * 0.78), outline=ink, width=int(s * 0.010))
    ring_font = ImageFont.truetype(str(font_path(SANS_BOLD)), int(s * 0.072))
    _ring_text(img, ring, ring_font, (c, c), s * 0.355, -150, 150, ink)
    _star(draw, c, s * 0.90, s * 0.035, ink)
    _star(draw, c, s * 0.33, s * 0.05, ink)
    longest = max(len(line) for line in centre_lines)
    cf = ImageFont.truetype(str(font_path(SANS_BOLD)), int(s * min(0.058, 0.6 / longest)))
    y = s * 0.43
    for line in centre_lines:
        w = draw.textlength(line, font=cf)
        draw.text((c - w / 2, y), line, font=cf, fill=ink)
        y += s * 0.075
    return img.resize((size, size), Image.LANCZOS)


def director_signature() -> Image.Image:
    return handwritten_signature(seed=45, loops=5)


def unit_head_signature() -> Image.Image:
    return handwritten_signature(seed=12, loops=4, zigzag=True)


def agency_seal() -> Image.Image:
    return round_seal("ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC", ["SỞ GIÁO DỤC", "VÀ ĐÀO TẠO"])


def unit_seal() -> Image.Image:
    return round_seal("SỞ GIÁO DỤC VÀ ĐÀO TẠO BÌNH PHƯỚC", ["TRƯỜNG THPT", "CHUYÊN", "QUANG TRUNG"])
