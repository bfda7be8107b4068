"""The resolution of the rendered comparison, chosen by measurement: at which scale does a change of
one character (one digit of a number or a date, in the document's own font, at its own place)
still change pixels, on the samples, a synthetic 10-12 pt page, the real documents and scans made
from them; and what a page costs to draw at each scale.

    pip install -e '.[test,bench]'        # pikepdf (test extras) edits the content streams
    python bench/render_scale.py          # a minute or two
    python bench/render_scale.py --quick  # fewer digits and scales

How a forgery is made: the page's content stream is parsed (pikepdf), a digit drawn by a
text-showing operator is replaced by another digit of the same font (a code the font's /Widths or
ToUnicode shows it has), and the stream is written back as an incremental update. The baseline
is the same update with the digit unchanged (checked to draw exactly as the original), so only
the one glyph differs. A scan is the page drawn at 200 dpi, saved as JPEG (quality 75) in an
image-only PDF, for the baseline and the forgery alike.

A forgery is detected at a scale when verifier.render.compare.compare_pages finds a region, and
located when a region meets the digit's place: the box of what differs when drawn at 4 px/pt.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REALDOCS = ROOT.parent / "shared" / "realdocs"
SCALES = (0.25, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0)
TRUTH = 4.0  # px/pt at which what a forgery changed is located
DIGITS = "0123456789"


# -- forging one digit --------------------------------------------------------------------------

def _font_digits(font) -> tuple[int, dict[str, bytes]] | None:
    """(code length, digit -> code) for a font whose digits can be told from its dictionary."""
    import pikepdf

    from verifier.pdf.fonts import parse_cmap

    subtype = str(font.get("/Subtype"))
    if subtype == "/Type0":
        if str(font.get("/Encoding")) not in ("/Identity-H", "/Identity-V") or "/ToUnicode" not in font:
            return None
        mapping, _ = parse_cmap(font.ToUnicode.read_bytes())
        codes = {text: code for code, text in mapping.items() if len(code) == 2 and text in DIGITS}
        return 2, codes
    if "/ToUnicode" in font:
        mapping, _ = parse_cmap(font.ToUnicode.read_bytes())
        codes = {text: code for code, text in mapping.items() if len(code) == 1 and text in DIGITS}
        return 1, codes
    enc = font.get("/Encoding")
    if isinstance(enc, pikepdf.Dictionary) and "/Differences" in enc:
        return None  # the codes of digits may be remapped
    first, widths = int(font.get("/FirstChar", 0)), list(font.get("/Widths", []))
    codes = {}
    for d in DIGITS:
        code = ord(d)
        i = code - first
        if not widths or (0 <= i < len(widths) and float(widths[i]) > 0):
            codes[d] = bytes([code])
    return 1, codes


def candidates(pdf, page_index: int, limit: int):
    """(stream index, instruction index, operand path, byte offset, code length, digit, other codes)
    for up to `limit` digits drawn on the page, spread over the page's text."""
    import pikepdf

    page = pdf.pages[page_index]
    fonts = page.obj.get("/Resources", {}).get("/Font", {})
    known = {}
    for name, font in fonts.items():
        try:
            known[name] = _font_digits(font)
        except Exception:
            known[name] = None
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    found, font, stack = [], None, []
    for si, stream in enumerate(streams):
        for ii, ins in enumerate(pikepdf.parse_content_stream(stream)):
            op = str(ins.operator)
            if op == "q":
                stack.append(font)
            elif op == "Q" and stack:
                font = stack.pop()
            elif op == "Tf":
                font = str(ins.operands[0])
            elif op in ("Tj", "TJ", "'", '"') and known.get(font):
                width, codes = known[font]
                digit_of = {code: d for d, code in codes.items()}
                items = ins.operands[-1]
                strings = [(j, x) for j, x in enumerate(items)] if op == "TJ" else [(None, items)]
                for j, s in strings:
                    if not isinstance(s, pikepdf.String):
                        continue
                    raw = bytes(s)
                    for off in range(0, len(raw) - width + 1, width):
                        d = digit_of.get(raw[off:off + width])
                        others = [c for x, c in codes.items() if x != d]
                        if d and others:
                            found.append((si, ii, j, off, width, d, others))
    if len(found) > limit:
        step = len(found) / limit
        found = [found[int(i * step)] for i in range(limit)]
    return found, streams


def forged(data: bytes, pdf, streams, cand, replacement: bytes | None) -> bytes:
    """`data` with an incremental update rewriting the candidate's content stream, its digit
    replaced by `replacement` (None: unchanged, the baseline)."""
    import pikepdf

    si, ii, j, off, width, _, _ = cand
    ops = list(pikepdf.parse_content_stream(streams[si]))
    if replacement is not None:
        ins = ops[ii]
        operands = list(ins.operands)
        target = operands[-1]
        raw = bytes(target[j]) if j is not None else bytes(target)
        raw = raw[:off] + replacement + raw[off + width:]
        if j is not None:
            items = list(target)
            items[j] = pikepdf.String(raw)
            operands[-1] = pikepdf.Array(items)
        else:
            operands[-1] = pikepdf.String(raw)
        ops[ii] = pikepdf.ContentStreamInstruction(operands, ins.operator)
    body = pikepdf.unparse_content_stream(ops)
    num, gen = streams[si].objgen
    return append_object(data, pdf, num, gen, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body))


def append_object(data: bytes, pdf, num: int, gen: int, body: bytes) -> bytes:
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    at = len(out)
    out += b"%d %d obj\n%s\nendobj\n" % (num, gen, body)
    xref = len(out)
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    root = pdf.Root.objgen
    out += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d %05d n \n" % (num, at, gen)
    out += b"trailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        int(pdf.trailer.Size), root[0], root[1], prev, xref)
    return bytes(out)


def scan_candidates(pdf, page_index: int, limit: int):
    """For a scanned page (one image drawn over the page): the image, and up to `limit` swaps
    (a digit-sized cell of ink, the cell whose ink replaces it): a forger copying a glyph from
    elsewhere on the page over another."""
    from pikepdf import PdfImage

    page = pdf.pages[page_index]
    images = [v for v in page.obj.get("/Resources", {}).get("/XObject", {}).values() if v.get("/Subtype") == "/Image"]
    if len(images) != 1:
        return None, []
    image = PdfImage(images[0]).as_pil_image().convert("L")
    w, h = image.size
    box = [float(x) for x in page.obj.MediaBox]
    dpi = w / ((box[2] - box[0]) / 72)
    cw, ch = max(2, round(6 * dpi / 72)), max(2, round(8.5 * dpi / 72))  # a digit of 12 pt text
    inked = []
    for y in range(0, h - ch, ch):
        for x in range(0, w - cw, cw):
            cell = image.crop((x, y, x + cw, y + ch))
            dark = sum(cell.histogram()[:128]) / (cw * ch)
            if 0.12 <= dark <= 0.45:
                inked.append((x, y, x + cw, y + ch))
    if len(inked) < 2:
        return None, []
    step = max(1, len(inked) // (limit + 1))
    swaps = [(inked[i], inked[(i + len(inked) // 2) % len(inked)]) for i in range(0, len(inked), step)][:limit]
    return (images[0], image), swaps


def forged_scan(data: bytes, pdf, scanned, swap) -> bytes:
    """`data` with the page's image rewritten (1 bit per pixel, Flate), the swap applied (None:
    unchanged, the baseline)."""
    import zlib

    obj, image = scanned
    image = image.copy()
    if swap is not None:
        target, source = swap
        image.paste(image.crop(source), target[:2])
    bits = image.point(lambda v: 255 if v >= 128 else 0).convert("1")
    body = zlib.compress(bits.tobytes())
    head = b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 " \
           b"/Filter /FlateDecode /Length %d >>" % (image.size[0], image.size[1], len(body))
    num, gen = obj.objgen
    return append_object(data, pdf, num, gen, head + b"\nstream\n" + body + b"\nendstream")


def scan(data: bytes, page: int, dpi: int = 200) -> bytes:
    """An image-only PDF of one page, drawn at `dpi` and saved as JPEG: a scanned document."""
    from PIL import Image

    from verifier.render.pages import render

    _, images = render(data, [page], dpi / 72)
    image = images[page].image
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=75)
    out = io.BytesIO()
    Image.open(io.BytesIO(jpeg.getvalue())).save(out, format="PDF", resolution=dpi)
    return out.getvalue()


def _meets(a, b, slack: float = 1.0) -> bool:
    return a[0] <= b[2] + slack and b[0] <= a[2] + slack and a[1] <= b[3] + slack and b[1] <= a[3] + slack


# -- the documents -------------------------------------------------------------------------------

def synthetic() -> bytes:
    """One page of numbers and dates in Helvetica and Times at 10, 11 and 12 pt."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    y = 20
    for family in ("Helvetica", "Times"):
        for size in (10, 11, 12):
            pdf.set_font(family, size=size)
            for text in (f"So: 45/2026/QD-UBND ngay 08/03/2026 ({family} {size} pt)",
                         "Tong kinh phi: 1.234.567.890 dong; thoi han 31/12/2029"):
                pdf.text(20, y, text)
                y += size * 0.6
    return bytes(pdf.output())


def documents(quick: bool) -> list[tuple[str, bytes, int]]:
    docs = [("synthetic 10-12pt", synthetic(), 0), ("plan.pdf", (ROOT / "samples" / "plan.pdf").read_bytes(), 0)]
    if REALDOCS.exists():
        for path in sorted(REALDOCS.glob("*.pdf")):
            docs.append((path.name[:24], path.read_bytes(), 0))
    return docs[:4] if quick else docs


# -- measuring ---------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--digits", type=int, default=8, help="digits forged per page")
    args = ap.parse_args()
    import logging

    logging.disable(logging.WARNING)
    import pikepdf

    from verifier.render.compare import compare_pages
    from verifier.render.pages import opened

    scales = (0.25, 0.5, 1.0) if args.quick else SCALES
    per_digit = 2 if args.quick else 3  # replacement digits tried per position
    tally = {s: [0, 0, 0] for s in scales}  # text: detected, located, total
    swapped = {s: [0, 0, 0] for s in scales}  # real scans, a glyph-sized cell swapped
    scans = {s: [0, 0] for s in scales}
    cost = {s: [] for s in scales}
    smallest = {s: None for s in scales}
    rows = []
    for name, data, page in documents(args.quick):
        pdf = pikepdf.open(io.BytesIO(data))
        found, streams = candidates(pdf, page, args.digits)
        scanned, swaps = (None, []) if found else scan_candidates(pdf, page, args.digits)
        if not found and not swaps:
            rows.append((name, "no digit in a font whose codes can be told, and not a scan"))
            continue
        rows.append((name, f"{len(found)} digits" if found else f"a scan: {len(swaps)} glyph-sized cells swapped"))
        work = [(forged(data, pdf, streams, c, None), [forged(data, pdf, streams, c, code) for code in c[6][:per_digit]])
                for c in found]
        if swaps:
            base = forged_scan(data, pdf, scanned, None)
            work = [(base, [forged_scan(data, pdf, scanned, swap)]) for swap in swaps]
        for base, variants in work:
            data_shown = base if swaps else data  # a rewritten image is compared with its own rewrite
            truth = []
            with opened(base) as d1:
                hi = d1.draw(page, TRUTH)
                for v in variants:
                    with opened(v) as d2:
                        truth.append([r.rect for r in compare_pages(hi, d2.draw(page, TRUTH))])
            for s in scales:
                with opened(data_shown) as d0, opened(base) as d1:
                    original, before = d0.draw(page, s), d1.draw(page, s)
                    if compare_pages(original, before):
                        raise SystemExit(f"{name}: rewriting the stream alone changed the page at scale {s}")
                    for v, where in zip(variants, truth):
                        with opened(v) as d2:
                            t = time.perf_counter()
                            after = d2.draw(page, s)
                            cost[s].append((time.perf_counter() - t) * 1000)
                        regions = compare_pages(before, after)
                        counts = swapped[s] if swaps else tally[s]
                        counts[2] += 1
                        if regions:
                            counts[0] += 1
                            counts[1] += any(_meets(r.rect, w) for r in regions for w in where)
                            px = sum(r.pixels for r in regions)
                            smallest[s] = px if smallest[s] is None else min(smallest[s], px)
            # the same forgery in a scan of the page
            for v in variants[:1] if not swaps else ():
                sb, sv = scan(base, page), scan(v, page)
                for s in scales:
                    with opened(sb) as a, opened(sv) as b:
                        scans[s][1] += 1
                        scans[s][0] += bool(compare_pages(a.draw(0, s), b.draw(0, s)))
        pdf.close()
    for name, what in rows:
        print(f"  {name:<26} {what}")
    print("\n  px/pt  dpi   digits detected (located)   scans made: detected   real scans, glyph swapped   "
          "smallest change (px)   draw ms/page (median)")
    for s in scales:
        det, loc, tot = tally[s]
        rd, rl, rt = swapped[s]
        sd, st = scans[s]
        print(f"  {s:<5} {s * 72:4.0f}   {det:4d}/{tot:<4d} {det / tot * 100 if tot else 0:6.1f} % ({loc:4d})"
              f"       {sd:3d}/{st:<3d}             {rd:3d}/{rt:<3d} ({rl:3d})          "
              f"{smallest[s] if smallest[s] is not None else '-':>8}             "
              f"{statistics.median(cost[s]) if cost[s] else 0:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
