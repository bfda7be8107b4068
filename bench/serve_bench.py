"""`kyso serve` latency benchmark (issue 19): the API's median and 95th percentile latency per
document with several concurrent clients, and its throughput, against poppler's `pdfsig` on the
same files run the same way (as many concurrent processes as clients), as ratios, in one run.

    pip install -e '.[test,bench]'           # httpx is the clients' HTTP library
    python bench/serve_bench.py              # samples, and ../shared/realdocs when present
    python bench/serve_bench.py --workers 2 --clients 4 --rounds 5
    python bench/serve_bench.py --home /srv/kyso/data   # a copy of that archive is served

The server: `kyso serve --workers N` on a copy of the archive (`--home`, or a new one with one
clerk account), its trust the test PKI and, for the real documents, ../shared/trust, offline. Each
client posts files to POST /api/verify (report JSON, the default) one after another; every file of
the corpus is posted `--rounds` times, the jobs interleaved. pdfsig runs `pdfsig -no-ocsp FILE`
(offline, as kyso serve is) as a new process per file, `--clients` at a time.

Printed: per document, the median and 95th percentile of its latencies (ms) on both sides and the
ratio of the medians; for the whole run, throughput (documents per second of wall time) and CPU
seconds per document (kyso: the server and its workers; pdfsig: its processes), with the load
average before and after. Wall times mean something only on a quiet machine; CPU times always.
The server's `--timeout` is generous (600 s): a budget is not what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import REAL_TRUST, REALDOCS, SAMPLES  # noqa: E402  (the corpora of the tests)
from tests.serving import PASSWORD, Server, copy_home, kyso  # noqa: E402  (the server the tests run)

ACCOUNT = "bench.serve"  # a clerk of the bench's own, added to the copy of the archive


def corpus(real: bool) -> list[Path]:
    """Every sample that is a PDF (a file the API refuses is no latency), and the real documents."""
    files = [p for p in sorted(SAMPLES.glob("*.pdf")) if b"%PDF-" in p.read_bytes()[:1024]]
    if real and REALDOCS.is_dir():
        files += sorted(REALDOCS.glob("*.pdf"))
    return files


def trust_args() -> list[str]:
    """../shared/trust as the server's extra trust: roots as anchors, the issuing CAs as intermediates."""
    if not REAL_TRUST.is_dir():
        return []
    from cryptography import x509

    out = []
    for pem in sorted(REAL_TRUST.glob("*.pem")):
        cert = x509.load_pem_x509_certificate(pem.read_bytes())
        out += ["--trust" if cert.subject == cert.issuer else "--intermediate", str(pem)]
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def cpu_of(pid: int) -> float:
    """CPU seconds of a live process and of its children it has waited for (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int) -> float:
    """The server's CPU seconds and its live workers' (a worker that ended is counted by the server)."""
    total = cpu_of(pid)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(") ", 1)[1].split()[1]) == pid:
                    total += cpu_of(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return total


async def kyso_side(server: Server, token: str, jobs: list[Path], clients: int) -> tuple[dict, float, int]:
    import httpx

    latencies: dict[str, list[float]] = {}
    failures = 0
    queue: asyncio.Queue = asyncio.Queue()
    for path in jobs:
        queue.put_nowait(path)

    async def client():
        nonlocal failures
        async with httpx.AsyncClient(base_url=server.url, timeout=900,
                                     headers={"Authorization": f"Bearer {token}"}) as http:
            while not queue.empty():
                path = queue.get_nowait()
                data = path.read_bytes()
                start = time.perf_counter()
                answer = await http.post("/api/verify", files={"file": (path.name, data, "application/pdf")})
                elapsed = time.perf_counter() - start
                if answer.status_code != 200:
                    failures += 1
                    print(f"  kyso: {path.name}: {answer.status_code} {answer.text[:200]}", file=sys.stderr)
                    continue
                latencies.setdefault(path.name, []).append(elapsed)

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, time.perf_counter() - start, failures


def pdfsig_side(jobs: list[Path], clients: int) -> tuple[dict, float, float]:
    """(latencies by name, wall seconds, CPU seconds of the pdfsig processes)."""
    import resource
    from concurrent.futures import ThreadPoolExecutor

    pdfsig = shutil.which("pdfsig")
    latencies: dict[str, list[float]] = {}

    def one(path: Path) -> tuple[str, float]:
        start = time.perf_counter()
        subprocess.run([pdfsig, "-no-ocsp", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return path.name, time.perf_counter() - start

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for name, elapsed in pool.map(one, jobs):
            latencies.setdefault(name, []).append(elapsed)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return latencies, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="kyso serve --workers (default 2)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients and pdfsig processes (default 4)")
    parser.add_argument("--rounds", type=int, default=5, help="times each file is posted (default 5)")
    parser.add_argument("--home", type=Path, help="an archive to serve a copy of (default: a new one)")
    parser.add_argument("--no-real", action="store_true", help="the samples only, not ../shared/realdocs")
    args = parser.parse_args()

    files = corpus(not args.no_real)
    jobs = [path for _ in range(args.rounds) for path in files]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="kyso-serve-bench-") as tmp:
        home = Path(tmp) / "home"
        if args.home:
            copy_home(args.home, home)
        kyso(home, "accounts", "add", ACCOUNT, "--role", "clerk", "--password-stdin", stdin=PASSWORD + "\n")
        tokens = {"clerk": kyso(home, "accounts", "token", ACCOUNT).stdout.strip()}
        server = Server(home, tokens, args=("--workers", str(args.workers), "--timeout", "600",
                                            "--max-upload", "200", "--queue-limit", str(10 * args.clients),
                                            *trust_args())).start(timeout=300)
        try:
            routes = server.api().get("/api/openapi.json").json().get("paths", {})
            if "post" not in routes.get("/api/verify", {}):
                print("this kyso serve has no POST /api/verify (it comes with the API of issue 19)", file=sys.stderr)
                return 2
            # one untimed pass: the first use of each code path in each worker is not what is measured
            asyncio.run(kyso_side(server, tokens["clerk"], files, args.clients))
            cpu_start = server_cpu(server.proc.pid)
            served, kyso_wall, failures = asyncio.run(kyso_side(server, tokens["clerk"], jobs, args.clients))
            kyso_cpu = server_cpu(server.proc.pid) - cpu_start
        finally:
            server.stop()
    has_pdfsig = shutil.which("pdfsig") is not None
    pdfsig, pdfsig_wall, pdfsig_cpu = pdfsig_side(jobs, args.clients) if has_pdfsig else ({}, 0.0, 0.0)
    load_after = os.getloadavg()

    load = lambda values: ", ".join(f"{x:.2f}" for x in values)  # noqa: E731
    print(f"kyso serve --workers {args.workers}, {args.clients} concurrent clients, {len(files)} files x {args.rounds} "
          f"rounds; {os.cpu_count()} cores; load average {load(load_before)} before, {load(load_after)} after")
    print(f"  {'document':<44}{'KB':>7}{'kyso p50':>10}{'p95':>8}{'pdfsig p50':>12}{'p95':>8}{'p50 ratio':>11}   (ms)")
    ratios = []
    for path in files:
        mine, theirs = served.get(path.name, []), pdfsig.get(path.name, [])
        if not mine:
            continue
        row = f"  {path.name[:43]:<44}{path.stat().st_size // 1024:>7}"
        row += f"{1000 * statistics.median(mine):>10.0f}{1000 * percentile(mine, 0.95):>8.0f}"
        if theirs:
            ratio = statistics.median(mine) / statistics.median(theirs)
            ratios.append(ratio)
            row += f"{1000 * statistics.median(theirs):>12.0f}{1000 * percentile(theirs, 0.95):>8.0f}{ratio:>11.1f}"
        print(row)
    everything = [x for values in served.values() for x in values]
    done = len(everything)
    print(f"  all documents: kyso p50 {1000 * statistics.median(everything):.0f} ms, p95 "
          f"{1000 * percentile(everything, 0.95):.0f} ms; {done / kyso_wall:.2f} documents/s, "
          f"{kyso_cpu / max(done, 1):.3f} CPU s/document" + (f"; {failures} failed" if failures else ""))
    if has_pdfsig:
        theirs_all = [x for values in pdfsig.values() for x in values]
        print(f"  pdfsig:        p50 {1000 * statistics.median(theirs_all):.0f} ms, p95 "
              f"{1000 * percentile(theirs_all, 0.95):.0f} ms; {len(jobs) / pdfsig_wall:.2f} documents/s, "
              f"{pdfsig_cpu / len(jobs):.3f} CPU s/document")
        print(f"  kyso / pdfsig: median of the per-document p50 ratios {statistics.median(ratios):.1f}, "
              f"throughput {(done / kyso_wall) / (len(jobs) / pdfsig_wall):.2f}, "
              f"CPU per document {(kyso_cpu / max(done, 1)) / (pdfsig_cpu / len(jobs)):.1f}")
    else:
        print("  pdfsig not installed (poppler-utils): no comparison")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
