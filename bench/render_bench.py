"""The rendered comparison's cost (verifier.render): for each document, the pages a later revision
touches (verifier.render.touched), then each signed revision drawn by PDFium beside the final
document on those pages (verifier.render.compare.differences, later layers' widgets explained),
per layer and per page, against kyso's own verification of the same document.

    python bench/render_bench.py            # the corpus, the seed plan, a 100-page scan, real documents
    python bench/render_bench.py --quick    # fewer documents and repetitions

bench/verify_bench.py calls `section` at its end with its own documents and kyso's medians.

Columns (milliseconds, medians):
  touched      the page graph read once and answered for every layer
  compare      differences() over every layer, on the touched pages
  /layer       compare / layers
  pairs        (revision, page) drawings compared, over all layers
  /page        compare / pairs: one signed page drawn and compared (the final pages are shared)
  every page   the first layer against the final document on every page (nothing skipped), per page
  vs verify    (touched + compare) / kyso's verify_pdf on the same document
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

REALDOCS = ROOT.parent / "shared" / "realdocs"
SCAN = "scan p100-l03"


def layers(data: bytes):
    """(reader, [(end of the signed bytes, pyHanko's signed revision, [(page, widget rect)])]) in
    signing order: what the verdict will hand to the comparison."""
    from pyhanko.sign.fields import enumerate_sig_fields

    from verifier.pdf import geometry
    from verifier.pdf.opening import open_for_reading

    reader = open_for_reading(data)
    pages_root = geometry.raw(reader.root, "/Pages")
    revision = {s.field_name: s.signed_revision for s in reader.embedded_signatures}
    out = []
    for name, value, ref in enumerate_sig_fields(reader):
        if value is None or name not in revision:
            continue
        field = ref.get_object()
        widgets = [field] if "/Rect" in field else [k.get_object() for k in field.get("/Kids", ())]
        rects = [(geometry.page_of(pages_root, w), geometry.rect(w.get("/Rect"))) for w in widgets]
        byte_range = [int(x) for x in value.get_object()["/ByteRange"]]
        out.append((byte_range[2] + byte_range[3], revision[name], [(p, r) for p, r in rects if r and p is not None]))
    return reader, sorted(out)


def measure(data: bytes, reps: int) -> dict:
    from verifier.render.compare import Unrenderable, differences
    from verifier.render.touched import PageGraph

    reader, signed = layers(data)
    ends = [end for end, _, _ in signed]
    explained = {k: [r for _, _, rs in signed[k + 1:] for r in rs] for k in range(len(signed))}
    t_touched, t_compare, t_every = [], [], []
    for _ in range(reps):
        reader, _ = layers(data)  # a fresh reader: nothing cached from the last repetition
        t = time.perf_counter()
        touched = PageGraph(reader).touched_all([rev for _, rev, _ in signed])
        t_touched.append((time.perf_counter() - t) * 1000)
        pages = {k: touched[rev].pages for k, (_, rev, _) in enumerate(signed)}
        t = time.perf_counter()
        found = differences(data, ends, explained, pages)
        t_compare.append((time.perf_counter() - t) * 1000)
    count = reader_pages(reader)
    first = [k for k, end in enumerate(ends) if end < len(data)][:1]
    if first:
        for _ in range(reps):
            t = time.perf_counter()
            differences(data, [ends[first[0]]], {0: explained[first[0]]})
            t_every.append((time.perf_counter() - t) * 1000)
    pairs = sum(len([p for p in pages[k] if p < count]) for k in range(len(signed)) if ends[k] < len(data))
    unexplained = sum(len(v) for v in found.values() if not isinstance(v, Unrenderable))
    failed = sum(isinstance(v, Unrenderable) for v in found.values())
    return {"layers": len(signed), "pages": count, "touched": statistics.median(t_touched),
            "compare": statistics.median(t_compare), "pairs": pairs,
            "every": statistics.median(t_every) / count if t_every and count else None,
            "regions": unexplained, "unrenderable": failed}


def reader_pages(reader) -> int:
    try:
        return int(reader.root["/Pages"]["/Count"])
    except Exception:
        return 0


def scan_document(pages: int = 100, layers: int = 3) -> Path:
    """A scanned decision: `pages` pages, each one greyscale JPEG (150 dpi, distinct per page),
    signed by an official then seals, widgets on the last page (as the real scans carry them)."""
    import corpus

    target = corpus.CACHE / f"scan-p{pages:03d}-l{layers:02d}.pdf"
    if target.exists():
        return target
    import datetime as dt
    import random

    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(14)
    pdf = FPDF(format="A4")
    for n in range(pages):
        image = Image.new("L", (1240, 1754), 250)
        draw = ImageDraw.Draw(image)
        for line in range(60):
            y = 120 + line * 26
            x = 140
            while x < 1100:
                w = rng.randint(20, 90)
                draw.rectangle((x, y, x + w, y + 12), fill=rng.randint(20, 70))
                x += w + rng.randint(8, 16)
        draw.text((600, 60), f"Trang {n + 1}", fill=0)
        image = image.filter(ImageFilter.GaussianBlur(0.8))
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=75)
        pdf.add_page()
        pdf.image(io.BytesIO(buf.getvalue()), x=0, y=0, w=210, h=297)
    data = bytes(pdf.output())
    sys.path.insert(0, str(ROOT / "samples"))
    import vnsign

    pki, crls = corpus._pki()
    start = dt.datetime(2022, 3, 8, 9, 56, 26)
    for i in range(layers):
        who = vnsign.identity(pki, "director" if i == 0 else "agency")
        layer = vnsign.Layer(who=who, when=start + dt.timedelta(seconds=30 * i), field=f"Signature{i + 1}",
                             box=(300 + 40 * i, 120, 420 + 40 * i, 200), page=pages - 1, certify=i == 0,
                             crls=crls, presign_check=False)
        data = vnsign.sign(data, layer)
    target.write_bytes(data)
    return target


def section(docs: list[tuple[str, Path]], kyso_ms: dict[str, float] | None = None, reps: int = 3) -> None:
    """Print the table for `docs` ((name, path)); `kyso_ms`: kyso's verify_pdf median per name
    (measured here when not given)."""
    logging.disable(logging.WARNING)
    from verifier.render.compare import DEFAULT_SCALE

    rows = []
    for name, path in docs:
        data = path.read_bytes()
        try:
            m = measure(data, reps)
        except Exception as exc:  # a document the comparison cannot take: said, not hidden
            rows.append((name, None, f"{type(exc).__name__}: {exc}"))
            continue
        base = (kyso_ms or {}).get(name) or verify_ms(data, reps)
        rows.append((name, m, base))
    print(f"\nrendered comparison (verifier.render, PDFium at {DEFAULT_SCALE:g} px/pt; ms, medians of {reps}):")
    print(f"  {'document':<28}{'layers':>7}{'pages':>6}{'touched':>9}{'compare':>9}{'/layer':>8}{'pairs':>6}"
          f"{'/page':>7}{'every page':>11}{'vs verify':>10}  unexplained")
    for name, m, base in rows:
        if m is None:
            print(f"  {name:<28} failed: {base}")
            continue
        done = max(1, m["layers"])
        per_page = f"{m['compare'] / m['pairs']:7.1f}" if m["pairs"] else f"{'-':>7}"
        every = f"{m['every']:11.1f}" if m["every"] is not None else f"{'-':>11}"
        ratio = (m["touched"] + m["compare"]) / base if base else None
        print(f"  {name:<28}{m['layers']:>7}{m['pages']:>6}{m['touched']:9.1f}{m['compare']:9.1f}"
              f"{m['compare'] / done:8.1f}{m['pairs']:>6}{per_page}{every}"
              f"{(f'{ratio:10.2f}' if ratio else f'{chr(45):>10}')}  {m['regions']} regions, {m['unrenderable']} unrenderable")


def verify_ms(data: bytes, reps: int) -> float | None:
    from verifier.document import verify_pdf
    from verifier.trust.config import TrustConfig

    trust = TrustConfig()
    trust.add_bundle((ROOT / "samples" / "pki" / "trust.pem").read_bytes())
    real = REALDOCS.parent / "trust"  # as verify_bench's kyso side: the real documents' anchors too
    if real.exists():
        for pem in sorted(real.glob("*.pem")):
            trust.add_bundle(pem.read_bytes())
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        verify_pdf(data, trust)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer documents and repetitions")
    args = ap.parse_args()
    from verifier.patches import install

    install()
    import corpus

    names = ("p001-l03", "p005-l03", "p005-l10", "p100-l10") if not args.quick else ("p005-l03",)
    docs = [(p.stem, p) for p in corpus.corpus() if p.stem in names]
    docs.append(("seed plan (6 layers)", ROOT / "samples" / "plan.pdf"))
    docs.append((SCAN, scan_document()))
    if REALDOCS.exists() and not args.quick:
        docs += [(f"real:{p.name[:22]}", p) for p in sorted(REALDOCS.glob("*.pdf"))]
    section(docs, reps=1 if args.quick else 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
