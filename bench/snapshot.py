"""Same reports before and after a speed change: save the full reports of every sample, real
document and benchmark-corpus file at a fixed validation time, then compare.

    python bench/snapshot.py save        # before the change (writes bench/.snapshot/, not committed)
    python bench/snapshot.py compare     # after it: every difference, or "identical"

The comparison covers the whole JSON report (verdict, every layer fact, every finding with its
evidence, metadata, purposes, profile) and the evidence list; only what names the run (the kyso
version) is left out. A speed change that alters any of it is not a speed change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SHARED = ROOT.parent / "shared"
STORE = ROOT / "bench" / ".snapshot"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)  # fixed, so that reports do not drift with the clock


def documents() -> list[tuple[str, Path]]:
    import corpus

    docs = [(f"samples/{p.name}", p) for p in sorted((ROOT / "samples").glob("*.pdf"))]
    docs += [(f"realdocs/{p.name}", p) for p in sorted((SHARED / "realdocs").glob("*.pdf"))]
    docs += [(f"corpus/{p.name}", p) for p in corpus.corpus()]
    return docs


def trust():
    from verifier.trust.config import TrustConfig

    config = TrustConfig()
    config.add_bundle((ROOT / "samples" / "pki" / "trust.pem").read_bytes())
    for pem in sorted((SHARED / "trust").glob("*.pem")):
        config.add_bundle(pem.read_bytes())
    return config


def report_of(data: bytes, config) -> dict:
    from verifier.document import verify_pdf

    report = verify_pdf(data, config, file="x.pdf", now=NOW)
    out = report.to_dict("en")
    out.pop("kyso_version", None)
    out["evidence"] = [[kind, hashlib.sha256(der).hexdigest()] for kind, der in report.evidence]
    return out


def _diff(a, b, path: str = "") -> list[str]:
    if type(a) is not type(b):
        return [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"{path}.{key}: {'missing before' if key not in a else 'missing after'}")
            else:
                out += _diff(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)} items: {a!r:.300} / {b!r:.300}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r:.200} != {b!r:.200}"]


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":
        # pyHanko's diff messages list sets of paths in hash order, which differs per process
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["save", "compare"])
    args = ap.parse_args()
    # silent: kyso's reports do not depend on logging (tests/test_reasons.py)
    logging.getLogger().addHandler(logging.NullHandler())
    from verifier.patches import install

    if not install():  # the reports as the kyso command makes them, with its changes to pyHanko
        print("kyso's changes to pyHanko are NOT installed (other pyHanko versions)")
    config = trust()
    STORE.mkdir(parents=True, exist_ok=True)
    differences = 0
    for name, path in documents():
        target = STORE / (name.replace("/", "__") + ".json")
        report = report_of(path.read_bytes(), config)
        if args.action == "save":
            target.write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True))
            print(f"saved {name}: {report['verdict']}")
            continue
        before = json.loads(target.read_text())
        after = json.loads(json.dumps(report, ensure_ascii=False))
        found = _diff(before, after)
        differences += len(found)
        print(f"{'identical' if not found else 'DIFFERENT'} {name}: {after['verdict']}")
        for line in found[:20]:
            print("    " + line)
    if args.action == "compare":
        print("all reports identical" if not differences else f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
