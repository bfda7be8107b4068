"""What OCR of scanned pages costs (verifier/ocr), against kyso's verification of the same document
without it: per scanned real document, the pages read and the time, and the page drawn at 200
and 300 dpi.

    python bench/ocr_bench.py            # the four scans of ../shared/realdocs
    python bench/ocr_bench.py --quick    # one repetition

Columns (seconds, medians): verify (verify_pdf, OCR off), +ocr (verify_pdf, OCR on), pages
(pages read by OCR), /page (OCR time per page read), ratio (+ocr / verify), 200dpi and 300dpi
(page 1 drawn and read at that resolution), spots (the second reading of the handwritten number
and date spots on page 1: drawing the page in colour and reading them; part of +ocr), and what
was read: number, date, issuer.
"""

from __future__ import annotations

import argparse
import copy
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REALDOCS = ROOT.parent / "shared" / "realdocs"
SCANS = ("1009-ttg.signed.pdf", "143-qd.signed.pdf", "19-bkhcn.pdf", "4cae3b9afe54435faf53f3c8f237776c.pdf")


def _median(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _page_at(data: bytes, dpi: int) -> float:
    from verifier.ocr.scan import read_page

    return read_page(data, 0, dpi).seconds


def _spots(data: bytes) -> float:
    from verifier.ocr import engine, spots
    from verifier.render.pages import opened

    with opened(data) as doc:
        grey = doc.draw(0, 300 / 72.0, forms=False).image
        found = engine.read(grey)
        started = time.perf_counter()
        if spots.find(found, grey.height):
            spots.amend(found, doc.draw(0, 300 / 72.0, colour=True, forms=False).image)
        return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    from verifier.document import verify_pdf
    from verifier.ocr import missing
    from verifier.patches import install
    from verifier.trust.config import TrustConfig

    if missing():
        print(f"no OCR here: {missing()}")
        return 1
    install()
    runs = 1 if args.quick else 3
    off = TrustConfig()
    on = copy.copy(off)
    on.ocr = True
    print(f"{'document':38} {'verify':>7} {'+ocr':>7} {'pages':>5} {'/page':>6} {'ratio':>6} {'200dpi':>7} {'300dpi':>7} {'spots':>6}  read")
    ratios = []
    for name in SCANS:
        path = REALDOCS / name
        if not path.exists():
            continue
        data = path.read_bytes()
        plain, _ = _median(lambda: verify_pdf(data, off), runs)
        with_ocr, report = _median(lambda: verify_pdf(data, on), runs)
        notes = [f for f in report.findings if f.code == "METADATA_OCR"]
        pages = len(notes[0].params["pages"].split(",")) if notes else 0
        low, _ = _median(lambda: _page_at(data, 200), runs)
        high, _ = _median(lambda: _page_at(data, 300), runs)
        spot = statistics.median(_spots(data) for _ in range(runs))
        meta = report.metadata
        value = lambda k: (meta.get(k) or {}).get("value")  # noqa: E731
        read = f"{value('code_number')}/{value('code_notation')} {value('issued_date') or value('issued_year')} {value('organ_name')}"
        per_page = (with_ocr - plain) / pages if pages else 0.0
        ratios.append(with_ocr / plain)
        print(f"{name[:38]:38} {plain:7.2f} {with_ocr:7.2f} {pages:5d} {per_page:6.2f} {with_ocr / plain:6.1f} {low:7.2f} {high:7.2f} {spot:6.2f}  {read}")
    if ratios:
        print(f"median ratio +ocr / verify: {statistics.median(ratios):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
