"""Archive benchmark: ingest throughput with one and two workers, and `archive list` /
`archive search` latency with folded (case- and diacritic-insensitive) filters over 100,000
synthetic documents in SQLite and in PostgreSQL, and the time migration 0004 takes to fill the
folded columns of that many documents.

    python bench/archive_bench.py                    # about two minutes
    python bench/archive_bench.py --docs 300 --rows 100000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/archive_bench.py --no-ingest        # the list/search part only

Ingest runs the real `kyso watch --once` on a folder of distinct signed documents (the appendix
sample with a unique /Info update each); the figure includes the workers' start-up, which is
paid once by a watcher that runs for days: about 0.8 s a run here, so the run is 400 documents
(with 200, as verification got faster, start-up alone took the two-worker ratio from 1.8 to 1.6).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import SAMPLES, variants  # noqa: E402  (the same corpus builder as the tests)


def ingest_rate(docs: int, workers: int, database_url: str | None, workdir: Path) -> float:
    inbox = workdir / f"inbox-{workers}"
    variants(SAMPLES / "appendix.pdf", docs, inbox, prefix=f"w{workers}")
    env = dict(os.environ, KYSO_HOME=str(workdir / f"home-{workers}"))
    if database_url:
        env["KYSO_DATABASE_URL"] = database_url
        subprocess.run([sys.executable, "-m", "archive", "db", "upgrade"], env=env, check=True, capture_output=True)
    else:
        env.pop("KYSO_DATABASE_URL", None)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "archive", "watch", str(inbox), "--once", "--workers", str(workers),
                    "--poll", "0.2", "--stable-seconds", "0", "--trust", str(SAMPLES / "pki" / "trust.pem")],
                   env=env, check=True, capture_output=True)
    return docs / (time.perf_counter() - start)


def fill(database_url: str, rows: int) -> None:
    """Synthetic archive: documents with metadata and two layers each, inserted in bulk (Core
    inserts: the folded search columns are made by the model's column defaults)."""
    from sqlalchemy import insert

    from archive.db.session import make_engine, upgrade
    from archive.db.models import Document, LayerRow, Verification

    engine = make_engine(database_url)
    upgrade(engine)
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    verdicts = ["VALID"] * 6 + ["INVALID", "INDETERMINATE"]
    agencies = ["Sở Giáo dục và Đào tạo", "Sở Y tế", "UBND tỉnh Bình Phước", "Sở Tài chính", "Sở Nội vụ"]
    people = ["Trịnh Văn Nam", "Lý Thanh Tâm", "Nguyễn Thị Hồng Nhung", "Trần Văn An", "Phạm Minh Đức"]
    places = ["Bình Phước", "Đồng Xoài", "Bình Long", "Phước Long"]
    batch = 5000
    with engine.begin() as conn:
        for start in range(0, rows, batch):
            n = min(batch, rows - start)
            conn.execute(insert(Document), [
                dict(id=start + i + 1, sha256=uuid.uuid4().hex + uuid.uuid4().hex, size=100_000, pages=3,
                     storage_key="xx/yy", original_name=f"van-ban-{start + i}.pdf",
                     first_received_at=t0 + timedelta(minutes=start + i), verdict=verdicts[(start + i) % 8],
                     validation_time=t0 + timedelta(minutes=start + i), latest_verification_id=start + i + 1,
                     type_name="Kế hoạch" if i % 3 else "Báo cáo", code_number=str((start + i) % 900 + 1),
                     code_notation="KH-SGDĐT" if i % 3 else "BC-SYT", issued_date=date(2024, 1, 1) + timedelta(days=(start + i) // 200),
                     organ_name=agencies[(start + i) % 5], signer_name=people[(start + i) % 5],
                     subject=f"Triển khai nhiệm vụ năm học {2020 + (start + i) % 7} tại {places[(start + i) % 4]}",
                     place=places[(start + i) % 4])
                for i in range(n)])
            conn.execute(insert(Verification), [
                dict(id=start + i + 1, document_id=start + i + 1, validation_time=t0, trigger="ingest", verdict="VALID", policy="nd30",
                     policy_sha256="0" * 64, trust_fingerprint="0" * 64, kyso_version="bench", pyhanko_version="bench", report="{}")
                for i in range(n)])
            conn.execute(insert(LayerRow), [
                dict(verification_id=start + i + 1, layer=p + 1, field=f"Signature{p + 1}", revision=p + 2, kind="signature",
                     role="person" if p == 0 else "agency", signer_common_name=people[(start + i) % 5] if p == 0 else agencies[(start + i) % 5],
                     pki="government", status="PASSED")
                for i in range(n) for p in range(2)])
    engine.dispose()


def _nfd(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFD", text)


# what a clerk types: no diacritics, other case, NFD, the other tone placement; a word found in
# no document makes the database read every row (the worst case)
CASES = {
    "newest 50": dict(),
    "verdict INVALID": dict(verdict="INVALID"),
    "signer 'ly thanh'": dict(signer="ly thanh"),
    "signer NFD 'Trịnh Văn'": dict(signer=_nfd("Trịnh Văn")),
    "agency 'SO Y TE'": dict(agency="SO Y TE"),
    "agency 'binh phuoc'": dict(agency="binh phuoc"),
    "type 'bao cao'": dict(type_name="bao cao"),
    "number 45/KH-SGDDT": dict(number="45/KH-SGDDT"),
    "issued in March 2024": dict(issued_from=date(2024, 3, 1), issued_to=date(2024, 3, 31)),
    "signer nobody (all rows)": dict(signer="khong ai ca"),
    "search 'ke hoach dong xoai'": dict(text="ke hoach dong xoai"),
    "search 'thuỷ' (no match)": dict(text="thuỷ"),
}


def list_latency(database_url: str) -> dict[str, tuple[float, float]]:
    """Per case: (median wall ms, median CPU ms of this process). With SQLite the query runs in
    this process, so its CPU time is the work itself, whatever else the machine is doing."""
    from archive.db.session import make_engine, sessions
    from archive.db.queries import Filters, document_summary, list_documents

    engine = make_engine(database_url)
    factory = sessions(engine)
    out = {}
    for label, kw in CASES.items():
        f = Filters(**kw)
        times, cpu = [], []
        for _ in range(15):
            t, c = time.perf_counter(), time.process_time()
            with factory() as s:
                docs = list_documents(s, f, limit=50)
                [document_summary(s, d) for d in docs]
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        out[label] = (statistics.median(times), statistics.median(cpu))
    engine.dispose()
    return out


def migration_time(database_url: str) -> tuple[float, float]:
    """Seconds `kyso db upgrade` takes from 0003 to 0004 on this archive: the folded columns
    dropped (downgrade), then added and filled again."""
    from alembic import command

    from archive.db.session import alembic_config, make_engine

    engine = make_engine(database_url)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    t, c = time.perf_counter(), time.process_time()
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
    elapsed = time.perf_counter() - t, time.process_time() - c
    engine.dispose()
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=400, help="documents per ingest run")
    ap.add_argument("--rows", type=int, default=100_000, help="synthetic documents for the list benchmark")
    ap.add_argument("--pg", default=os.environ.get("KYSO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--no-ingest", action="store_true", help="only the list/search part")
    args = ap.parse_args()
    from verifier.patches import install

    install()  # this process reads and lists documents as the kyso command does
    with tempfile.TemporaryDirectory(prefix="kyso-bench-") as tmp:
        work = Path(tmp)
        if not args.no_ingest:
            print(f"ingest, SQLite, {args.docs} signed documents, kyso watch --once (start-up included), {os.cpu_count()} cores")
            one = ingest_rate(args.docs, 1, None, work)
            two = ingest_rate(args.docs, 2, None, work)
            print(f"  1 worker : {one:7.1f} documents/s")
            print(f"  2 workers: {two:7.1f} documents/s   ratio 2/1 = {two / one:.2f}")

        sqlite_url = f"sqlite:///{work / 'list.sqlite'}"
        t = time.perf_counter()
        fill(sqlite_url, args.rows)
        fills = {"SQLite": time.perf_counter() - t}
        results = {"SQLite": list_latency(sqlite_url)}
        upgrades = {"SQLite": migration_time(sqlite_url)}
        pg = _pg_schema(args.pg)
        if pg:
            t = time.perf_counter()
            fill(pg[0], args.rows)
            fills["PostgreSQL"] = time.perf_counter() - t
            results["PostgreSQL"] = list_latency(pg[0])
            upgrades["PostgreSQL"] = migration_time(pg[0])
            pg[1]()
        else:
            print(f"  PostgreSQL not reachable at {args.pg}: skipped (set --pg or KYSO_TEST_PG_URL)")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
        print(f"\narchive list / search, {args.rows:,} documents, folded filters, median of 15 "
              f"(ms, query + rendering of up to 50 rows; {os.cpu_count()} cores, load average {load})")
        names = list(next(iter(results.values())))
        print(f"  {'filter':<28}" + "".join(f"{db:>12}" for db in results) + f"{'SQLite CPU':>12}")
        for name in names:
            print(f"  {name:<28}" + "".join(f"{results[db][name][0]:>12.1f}" for db in results)
                  + f"{results['SQLite'][name][1]:>12.1f}")
        print(f"  {'fill (s, folding included)':<28}" + "".join(f"{fills[db]:>12.1f}" for db in results))
        print(f"  {'db upgrade 0003->0004 (s)':<28}" + "".join(f"{upgrades[db][0]:>12.1f}" for db in results)
              + f"{upgrades['SQLite'][1]:>12.1f}")
    return 0


def _pg_schema(base: str):
    try:
        from sqlalchemy import create_engine, text

        admin = create_engine(base, connect_args={"connect_timeout": 3})
        schema = f"kyso_bench_{uuid.uuid4().hex[:8]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception:
        return None

    def drop():
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{base}?options=-csearch_path%3D{schema}", drop


if __name__ == "__main__":
    sys.exit(main())
