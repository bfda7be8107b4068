"""Verification benchmark: kyso against poppler's pdfsig, pyHanko used naively, the pyHanko CLI
and the physical floor, in one run, interleaved so that machine noise hits every side alike.

    pip install -e '.[samples,bench]'        # fpdf2 for the corpus, pyhanko-cli for its baseline
    python bench/verify_bench.py             # a few minutes
    python bench/verify_bench.py --quick     # fewer repetitions

Sides, per document (milliseconds):
  kyso batch   `verify_pdf` in a warm process with the trust built once (what `kyso verify a.pdf b.pdf …`
               and the watcher's workers do), every check on
  kyso cold    `kyso verify FILE` as a fresh process
  naive        pyHanko's API with a fresh ValidationContext per signature, default diff policy
  pyhanko-cli  `pyhanko sign validate` per file (all it does for one signature), when installed
  pdfsig       `pdfsig FILE` per file (no modification analysis), when installed
  floor        SHA-256 of the byte ranges + RSA verification of each signature, `cryptography` alone
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

TRUST = ROOT / "samples" / "pki" / "trust.pem"
ROOT_PEM = ROOT / "samples" / "pki" / "root-g2.pem"
CA_PEM = ROOT / "samples" / "pki" / "ca-g2.pem"
REALDOCS = ROOT.parent / "shared" / "realdocs"


# -- the sides ---------------------------------------------------------------------------------

def kyso_side():
    from verifier.document import verify_pdf
    from verifier.trust import TrustConfig

    trust = TrustConfig()
    trust.add_bundle(TRUST.read_bytes())
    real = REALDOCS.parent / "trust"
    if real.exists():
        for pem in real.glob("*.pem"):
            trust.add_bundle(pem.read_bytes())

    def run(data: bytes) -> str:
        return verify_pdf(data, trust).verdict

    return run


def naive_side():
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    def certs(path: Path):
        return [x509.Certificate.load(der) for _, _, der in pem.unarmor(path.read_bytes(), multiple=True)]

    roots, inter = certs(ROOT_PEM), certs(CA_PEM)

    def run(data: bytes) -> str:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        ok = True
        try:
            for sig in reader.embedded_signatures:
                vc = ValidationContext(trust_roots=roots, other_certs=inter, allow_fetching=False)
                ok &= validate_pdf_signature(sig, vc).bottom_line
        except Exception:  # pyHanko gives up on some real documents: that costs what it cost
            return "error"
        return "ok" if ok else "not ok"

    return run


_BR = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def floor_side():
    import hashlib

    from asn1crypto import cms
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    def run(data: bytes) -> str:
        for m in _BR.finditer(data):
            a, b, c, d = map(int, m.groups())
            contents = bytes.fromhex(data[b + 1:c - 1].decode())
            digest = hashlib.sha256(data[a:a + b] + data[c:c + d]).digest()
            sd = cms.ContentInfo.load(contents)["content"]  # non-strict: the zero padding after the DER is ignored
            si = sd["signer_infos"][0]
            attrs = si["signed_attrs"]
            md = next(x["values"][0].native for x in attrs if x["type"].native == "message_digest")
            assert md == digest
            cert = sd["certificates"][0].chosen
            key = load_der_public_key(cert.public_key.dump())
            key.verify(si["signature"].native, attrs.untag().dump(), padding.PKCS1v15(), hashes.SHA256())
        return "ok"

    return run


def process_side(argv_for):
    def run(path: Path) -> tuple[float, int]:
        start = time.perf_counter()
        # close_fds=False lets Python use posix_spawn: a forked copy of this (large) process would
        # otherwise count in the child's peak RSS
        proc = subprocess.Popen(argv_for(path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=False)
        _, _, usage = os.wait4(proc.pid, 0)
        return (time.perf_counter() - start) * 1000, usage.ru_maxrss // 1024

    return run


def kyso_argv(path: Path):
    return [sys.executable, "-m", "archive", "verify", "--json", "--no-trust-store", "--trust", str(TRUST), str(path)]


def pyhanko_argv(path: Path):
    return [shutil.which("pyhanko"), "sign", "validate", "--no-strict-syntax", "--trust-replace", "--trust", str(ROOT_PEM),
            "--other-certs", str(CA_PEM), "--no-revocation-check", str(path)]


def pdfsig_argv(path: Path):
    return [shutil.which("pdfsig"), str(path)]


# -- measuring ---------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = ap.parse_args()
    reps_warm, reps_cold = (3, 1) if args.quick else (7, 3)

    docs = [(p.stem, p) for p in corpus.corpus()]
    if REALDOCS.exists():
        docs += [(f"real:{p.name[:22]}", p) for p in sorted(REALDOCS.glob("*.pdf"))]
    seed = ROOT / "samples" / "plan.pdf"
    docs.append(("seed plan (6 layers)", seed))
    data = {name: path.read_bytes() for name, path in docs}

    warm = {"kyso batch": kyso_side(), "naive": naive_side(), "floor": floor_side()}
    cold = {"kyso cold": process_side(kyso_argv)}
    if shutil.which("pyhanko"):
        cold["pyhanko-cli"] = process_side(pyhanko_argv)
    if shutil.which("pdfsig"):
        cold["pdfsig"] = process_side(pdfsig_argv)
    synthetic = {name for name, _ in docs if not name.startswith("real:")}

    times: dict[tuple[str, str], list[float]] = {}
    peak: dict[str, int] = {}
    for fn in warm.values():  # first-call imports are not part of any document's cost
        fn(data["p001-l01"])
    for rep in range(reps_warm):
        for name, path in docs:
            for side, fn in warm.items():
                if side == "floor" and name not in synthetic:
                    continue  # the floor parser handles the test corpus's SHA-256 layout only
                t = time.perf_counter()
                fn(data[name])
                times.setdefault((name, side), []).append((time.perf_counter() - t) * 1000)
            if rep < reps_cold:
                for side, fn in cold.items():
                    ms, rss = fn(path)
                    times.setdefault((name, side), []).append(ms)
                    if side == "kyso cold":
                        peak[name] = max(peak.get(name, 0), rss)

    sides = list(warm) + list(cold)
    print(f"ms per document: median (min); {reps_warm} warm and {reps_cold} cold repetitions, interleaved; one process at a time")
    print(f"{'document':<24}" + "".join(f"{s:>18}" for s in sides) + f"{'kyso RSS MB':>13}")
    for name, _ in docs:
        cells = []
        for side in sides:
            v = times.get((name, side))
            cells.append(f"{statistics.median(v):>10.1f} ({min(v):>5.1f})" if v else f"{'-':>18}")
        print(f"{name:<24}" + "".join(f"{c:>18}" for c in cells) + f"{peak.get(name, 0):>13}")

    def med(name, side):
        v = times.get((name, side))
        return statistics.median(v) if v else None

    print("\nratios (medians):")
    for name in ("p005-l03", "p005-l10", "p100-l10", "seed plan (6 layers)"):
        k = med(name, "kyso batch")
        parts = []
        for other in ("pdfsig", "naive", "floor"):
            o = med(name, other)
            if o:
                parts.append(f"kyso/{other} {k / o:5.2f}")
        print(f"  {name:<22} " + "  ".join(parts))
    kc, pc = med("seed plan (6 layers)", "kyso cold"), med("seed plan (6 layers)", "pyhanko-cli")
    if pc:
        print(f"  cold seed plan: kyso {kc:.0f} ms, pyhanko sign validate {pc:.0f} ms, speed-up {pc / kc:.2f}x")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "archive", "--help"], stdout=subprocess.DEVNULL, check=True)
    print(f"  kyso --help: {(time.perf_counter() - t) * 1000:.0f} ms")
    print(f"  peak RSS of kyso verify on p100-l10: {peak.get('p100-l10', 0)} MB")
    return 0


if __name__ == "__main__":
    import logging

    logging.disable(logging.CRITICAL)  # pyHanko's tracebacks for rejected diffs would drown the table
    sys.exit(main())
