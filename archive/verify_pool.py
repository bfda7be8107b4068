"""`kyso verify` over many files on a pool of worker processes, results in input order.

verify_pdf is pure Python and holds the interpreter lock, so one process verifies on one core;
a batch spreads over the cores with one worker process each. Workers are forked from the
command after it has parsed the trust material and imported the verifier, so they start warm
and with nothing to parse again. Each worker reads, verifies and renders its file, and keeps its
reports while they stay true (verifier.report.cache) in case the batch holds a document twice; the command
prints the results in the order the files were given. A worker that dies (killed, out of memory)
stops the batch with an error naming the file, never with a silent gap.

The jobs come from an iterator (archive.cli.paths walks the arguments lazily) and only a few per
worker are submitted ahead of the one being printed: a batch of a million paths holds a handful
of jobs and results at a time, never the million.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive.collector import settle


@dataclass(frozen=True)
class Job:
    path: Path
    max_bytes: int
    lang: str
    as_json: bool
    details: bool = False  # --details: the technical blocks after the summary
    etsi: bool = False  # also make the ETSI TS 119 102-2 report (verifier.report.etsi)
    sheet: str | None = None  # also make the report to print: "html" or "pdf" (verifier.report.html, .pdf)
    error: OSError | None = None  # the path could not be taken (archive.cli.paths): reported in its place
    password: str | None = field(default=None, repr=False)  # --password: opens the file, goes nowhere else


@dataclass(frozen=True)
class Result:
    path: Path
    verdict: str | None  # None: the file could not be read (error says why)
    text: str = ""
    error: str | None = None
    reason: str = ""  # the first thing wrong, in one sentence (the batch summary names it)
    etsi: bytes | None = None  # the ETSI validation report's XML, when the job asked for it
    sheet: bytes | None = None  # the HTML or PDF report, when the job asked for it


class WorkerDied(Exception):
    """A worker process ended without a result (killed, out of memory)."""


_trust = None  # the trust configuration, set in each worker before any job
_cache = None  # this process's verifier.report.cache.ReportCache: the same document twice is verified once


def _start(trust) -> None:
    """A worker's start: kyso's changes to pyHanko first (a forked worker has them already; a
    spawned one gets the trust pickled, so that unpickling it imports pyHanko only after
    install()), then the trust."""
    from verifier.patches import install

    import signal

    global _trust
    # Ctrl-C reaches the whole process group: the command, not each worker, decides what it
    # means (it stops them and says what was done); a worker would only print a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    install()
    if isinstance(trust, bytes):
        import pickle

        trust = pickle.loads(trust)
    _trust = trust


def _portable(trust) -> bytes:
    """The trust pickled for a spawned worker, its asn1crypto values as their DER: a value
    unpickled as it is in a fresh process misses its class's one-time set-up (asn1crypto does it
    in __init__) and fails when dumped."""
    import io
    import pickle

    from asn1crypto.core import Asn1Value

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, Asn1Value):
                return type(obj).load, (obj.dump(),)
            return NotImplemented

    out = io.BytesIO()
    Pickler(out, pickle.HIGHEST_PROTOCOL).dump(trust)
    return out.getvalue()


def run(job: Job, trust=None) -> Result:
    """Read, verify and render one file."""
    from verifier.report.cache import ReportCache
    from verifier.document import too_large, verify_pdf

    global _cache
    if _cache is None:
        _cache = ReportCache()
    trust = trust if trust is not None else _trust
    try:
        if job.error is not None:
            raise job.error
        # never more than the limit, whatever the size said: a file that grows meanwhile, or a
        # device (/dev/zero, a pipe) whose size says nothing, is refused at the limit
        with open(job.path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(job.max_bytes + 1) if size <= job.max_bytes else None
        if data is not None and len(data) > job.max_bytes:
            size, data = len(data), None
    except OSError as exc:  # missing, unreadable, a folder that cannot be listed: this file, not the batch
        from verifier.document import unreadable
        from verifier.report.phrased import os_reason

        data, why = None, os_reason(exc)
        report = unreadable(str(job.path), why.vi, why.en, trust)
    else:
        if data is None:
            report = too_large(str(job.path), size, job.max_bytes, trust)
        else:
            report = verify_pdf(data, trust, file=str(job.path), cache=_cache, password=job.password)
    extra = {}
    if job.etsi:
        from verifier.report.etsi import validation_report

        extra["etsi"] = validation_report(report, data)
    if job.sheet:
        extra["sheet"] = sheet(report, data, job.sheet, job.lang)
    if job.as_json:
        return Result(job.path, report.verdict, render(report, job.lang, True), **extra)
    from archive.textsafe import report_for_terminal
    from verifier.report.render import render_text

    shown = report_for_terminal(report, job.lang)  # every value the file brought escaped, once for both
    return Result(job.path, report.verdict, render_text(shown, job.lang, details=job.details),
                  reason=reason(shown, job.lang), **extra)


def sheet(report, data: bytes | None, fmt: str, lang: str) -> bytes:
    """The report to print: HTML or PDF (`fmt`), with the pictures drawn from `data` when given."""
    if fmt == "pdf":
        from verifier.report.pdf import render_pdf

        return render_pdf(report, data, lang)
    from verifier.report.html import render_html

    return render_html(report, data, lang)


def render(report, lang: str, as_json: bool, details: bool = False) -> str:
    """The report as the terminal gets it: every value the file brought escaped (archive.textsafe)."""
    from archive.textsafe import json_text, report_for_terminal
    from verifier.report.render import render_json, render_text

    if as_json:
        return json_text(render_json(report, lang))
    return render_text(report_for_terminal(report, lang), lang, details=details)


def reason(shown, lang: str) -> str:
    """Why a document needs attention, in one line: its first problem, else its verdict's
    headline. `shown` is the report with its values escaped (render)."""
    from verifier.report.summary import summarize

    summary = summarize(shown, lang)
    return (summary.problems[0] if summary.problems else summary.headline).replace("\n", " ")


def default_workers(files: int) -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, files))


AHEAD = 4  # jobs submitted per worker ahead of the result being printed: keeps every worker busy


def results(jobs: Iterable[Job], trust, workers: int, waiting: Callable[[Job], None] | None = None) -> Iterator[Result]:
    """Results in the order of `jobs`, computed by `workers` processes (in this one if 1), with
    at most AHEAD jobs per worker in flight. `waiting(job)` is called before the command waits
    for a job's result (its progress line names it)."""
    import verifier.document  # noqa: F401  (imported once here, inherited by every worker)

    settle()  # what exists now lives as long as the process (archive.collector)
    jobs = iter(jobs)
    first = list(itertools.islice(jobs, 2))
    if workers <= 1 or len(first) <= 1:
        for job in itertools.chain(first, jobs):
            if waiting is not None:
                waiting(job)
            yield run(job, trust)
        return
    # a single file never needs them: about 10 ms of a cold `kyso verify` run
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if "fork" in multiprocessing.get_all_start_methods():
        ctx, start = multiprocessing.get_context("fork"), (trust,)
    else:
        ctx, start = multiprocessing.get_context("spawn"), (_portable(trust),)
    jobs = itertools.chain(first, jobs)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_start, initargs=start) as pool:
        flight: deque = deque()

        def fill() -> None:
            for job in itertools.islice(jobs, max(0, workers * AHEAD - len(flight))):
                flight.append((job, pool.submit(run, job)))

        try:
            fill()
            while flight:
                job, future = flight[0]
                if waiting is not None:
                    waiting(job)
                try:
                    result = future.result()
                except BrokenProcessPool as exc:
                    raise WorkerDied(f"a verification worker died while verifying {job.path} or a file after it") from exc
                flight.popleft()
                fill()
                yield result
        except KeyboardInterrupt:  # the command says what was done; the jobs in flight are dropped now
            # The terminated workers break the pool, and the executor's own thread then fails
            # every pending future: cancelling them here as well races with it, and Python 3.11's
            # thread dies printing InvalidStateError's traceback (half the Ctrl-Cs of a batch).
            flight.clear()
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
            raise
        finally:
            for _, future in flight:
                future.cancel()
