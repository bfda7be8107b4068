"""Verification, ingest and re-verification for the requests of `kyso serve`, in warm worker
processes (archive.web.worker), each request within a time and a memory budget.

- The workers are spawned (no fork of a process that runs threads and an event loop) and warmed
  before the server answers: `kyso serve` starts the pool, then uvicorn.
- A worker takes one job at a time. A request waits for an idle worker; when ServeConfig.queue_limit
  requests already wait, it is answered 503 with Retry-After at once (depth() is that queue).
- A job past ServeConfig.verify_timeout: its worker is killed and another started, the request is
  answered 503 "verify_timeout", the server serves on. A worker that runs out of its memory
  (RLIMIT_AS) or dies is answered alike ("verify_memory", "worker_died"): never a hung request.
- An upload being ingested when its worker was killed is settled by another worker: its outcome
  when the dead one had committed it, else quarantined with the reason (the clerk can release it
  to the watcher's inbox, whose budget is its own).
- A worker found dead while idle (killed by hand, by the kernel) is replaced within a second.

The exchange with a worker (send, wait within the budget, kill) runs on a thread of the pool's
own, so the event loop never blocks on a pipe; the waiting for a worker runs on the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import multiprocessing
import os
import secrets
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from archive.web.config import ServeConfig
from archive.web.problems import Problem, internal, not_found

log = logging.getLogger(__name__)

FORMATS = ("json", "text", "html", "pdf", "etsi")
START_TIMEOUT = 180.0  # seconds a new worker may take to import and assemble its trust
LOOK = 0.5  # seconds between looks at idle workers (and at a busy one's pipe)


@dataclass
class Verified:
    verdict: str
    report: dict  # verifier.report.render.render_json in the asked language
    text: str  # the plain-text report (render_text)
    sheets: dict[str, bytes] = field(default_factory=dict)  # "html" | "pdf" | "etsi" -> bytes, as asked
    seconds: float = 0.0


class PoolError(Exception):
    """The workers cannot start (the trust cannot be assembled, a worker dies while warming up):
    said in both languages, `kyso serve` ends with it (exit code 2)."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en

    def text(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


# -- the answers -------------------------------------------------------------------------------

def queue_full(retry_after: int) -> Problem:
    return Problem(503, "queue_full", "máy chủ đang bận: mọi tiến trình kiểm tra đều đang làm việc và hàng đợi đã đầy",
                   "the server is busy: every verification worker is working and the queue is full",
                   f"thử lại sau {retry_after} giây", f"try again in {retry_after} seconds",
                   headers={"Retry-After": str(retry_after)})


def over_time(seconds: float, quarantined: str | None = None) -> Problem:
    kept_vi = f"; tệp đã được cách ly ({quarantined})" if quarantined else ""
    kept_en = f"; the file was set aside in quarantine ({quarantined})" if quarantined else ""
    return Problem(503, "verify_timeout",
                   f"việc kiểm tra tệp này vượt quá {seconds:g} giây cho phép nên đã bị dừng{kept_vi}; máy chủ vẫn phục vụ bình thường",
                   f"verifying this file took longer than the {seconds:g} seconds allowed and was stopped{kept_en}; "
                   "the server serves on",
                   "kiểm tra tệp bằng 'kyso verify' trên máy (không giới hạn thời gian), hoặc nhờ quản trị viên tăng --timeout"
                   + ("; trả tệp về thư mục nhận bằng 'kyso quarantine release' để 'kyso watch' lưu trữ nó" if quarantined else ""),
                   "verify it with 'kyso verify' (no time limit), or ask an administrator to raise --timeout"
                   + ("; 'kyso quarantine release' puts it into the inbox for 'kyso watch' to archive" if quarantined else ""))


def over_memory(megabytes: int, quarantined: str | None = None) -> Problem:
    kept_vi = f"; tệp đã được cách ly ({quarantined})" if quarantined else ""
    kept_en = f"; the file was set aside in quarantine ({quarantined})" if quarantined else ""
    return Problem(503, "verify_memory",
                   f"việc kiểm tra tệp này cần nhiều hơn {megabytes} MB bộ nhớ cho phép nên đã bị dừng{kept_vi}; "
                   "máy chủ vẫn phục vụ bình thường",
                   f"verifying this file needed more than the {megabytes} MB of memory allowed and was stopped{kept_en}; "
                   "the server serves on",
                   "kiểm tra tệp bằng 'kyso verify' trên máy, hoặc nhờ quản trị viên tăng --memory-limit",
                   "verify it with 'kyso verify', or ask an administrator to raise --memory-limit")


def worker_died(quarantined: str | None = None) -> Problem:
    kept_vi = f"; tệp đã được cách ly ({quarantined})" if quarantined else ""
    kept_en = f"; the file was set aside in quarantine ({quarantined})" if quarantined else ""
    return Problem(503, "worker_died",
                   f"tiến trình kiểm tra dừng đột ngột khi đang xử lý tệp này{kept_vi}; một tiến trình mới đã thay nó",
                   f"the verification worker stopped suddenly while handling this file{kept_en}; a new one has replaced it",
                   "thử lại; nếu lần nào cũng vậy, kiểm tra tệp bằng 'kyso verify' và gửi nhật ký của 'kyso serve' cho bộ phận kỹ thuật",
                   "try again; if it happens every time, verify the file with 'kyso verify' and send the 'kyso serve' log "
                   "to your technical staff")


def stopping() -> Problem:
    return Problem(503, "stopping", "máy chủ đang dừng", "the server is stopping", "thử lại sau ít phút",
                   "try again in a few minutes", headers={"Retry-After": "30"})


# -- the workers -------------------------------------------------------------------------------

@dataclass(eq=False)
class Worker:
    proc: multiprocessing.process.BaseProcess
    conn: object  # multiprocessing.connection.Connection: the pool's end of the pipe
    pid: int = 0


class Outcome:
    """How an exchange with a worker ended (the thread's answer to the loop)."""

    def __init__(self, kind: str, value=None, claim: str | None = None, retire: bool = False):
        self.kind, self.value, self.claim, self.retire = kind, value, claim, retire


class Pool:
    def __init__(self, config: ServeConfig):
        self.config = config
        self._ctx = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()  # every live worker, idle or busy
        self._idle: deque[Worker] = deque()
        self._waiters: deque[asyncio.Future] = deque()
        self._threads: ThreadPoolExecutor | None = None
        self._started = False
        self._stopping = threading.Event()
        self._watch: threading.Thread | None = None
        self._mean = 1.0  # seconds a job has taken lately (Retry-After)
        self.replaced = 0  # workers started in place of one that ended

    # -- life --------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers and wait until each is warm (PoolError when they cannot be). Called
        by `kyso serve` before the server answers; again by the app's start-up, then a no-op."""
        if self._started:
            return
        self._started = True
        self._stopping.clear()
        self._threads = ThreadPoolExecutor(max_workers=2 * self.config.workers + 2, thread_name_prefix="kyso-pool")
        fresh = [self._spawn() for _ in range(self.config.workers)]
        try:
            for worker in fresh:
                self._warm(worker)
        except PoolError:
            self.stop()
            raise
        self._watch = threading.Thread(target=self._keep, name="kyso-pool-watch", daemon=True)
        self._watch.start()

    def stop(self) -> None:
        """Stop every worker: the idle ones are told, any still busy after a moment is killed."""
        if not self._started:
            return
        self._started = False
        self._stopping.set()
        with self._lock:
            workers = list(self._workers)
            self._idle.clear()
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.conn.send(("stop",))
        deadline = time.monotonic() + 5
        for worker in workers:
            worker.proc.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.proc.is_alive():
                worker.proc.kill()
                worker.proc.join(timeout=5)
            with contextlib.suppress(Exception):
                worker.conn.close()
        with self._lock:
            self._workers.clear()
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
            self._threads = None

    def depth(self) -> int:
        """Requests waiting for a worker now (the queue-depth metric)."""
        return len(self._waiters)

    def busy(self) -> int:
        """Workers doing a job now."""
        with self._lock:
            return len(self._workers) - len(self._idle)

    def pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return sorted(w.pid for w in self._workers)

    # -- the interface of the routes ---------------------------------------------------------

    async def verify(self, data: bytes, name: str, lang: str, want: frozenset[str] = frozenset()) -> Verified:
        """The report of an uploaded PDF, nothing archived; `want` the sheets to make as well."""
        outcome = await self._run(("verify", data, name, lang, frozenset(want)))
        if outcome.kind != "done":
            raise self._problem(outcome)
        return Verified(**outcome.value)

    async def ingest(self, data: bytes, name: str, account: str, lang: str) -> dict:
        """Archive an uploaded file as `kyso ingest` would, received from "web:<account>":
        archive.ingest.Outcome's fields (kind, document_id, verdict, reason as text, ...)."""
        path = await asyncio.to_thread(self._upload, data)
        try:
            outcome = await self._run(("ingest", str(path), name, account, lang))
        finally:
            with contextlib.suppress(OSError):
                path.unlink()
        if outcome.kind == "done":
            return outcome.value
        if outcome.claim is None or outcome.kind == "stopping":
            raise self._problem(outcome)
        # its worker was killed or died with the upload claimed: another settles the claim
        why = self._problem(outcome)
        settled = await self._run(("settle", outcome.claim, why.vi, why.en, lang), queued=False)
        if settled.kind == "done" and settled.value and settled.value.get("kind") in ("archived", "duplicate", "already"):
            return settled.value  # committed before the kill: the archive has it
        where = settled.value.get("quarantine") if settled.kind == "done" and settled.value else None
        raise self._problem(outcome, quarantined=os.path.basename(where) if where else None)

    async def reverify(self, document_id: int, account: str, now: bool = False) -> dict:
        """Verify an archived document again (archive.reverify): its runs' decisions, before and after."""
        outcome = await self._run(("reverify", document_id, account, now))
        if outcome.kind != "done":
            raise self._problem(outcome)
        return outcome.value

    # -- inside ------------------------------------------------------------------------------

    def _upload(self, data: bytes):
        """The upload written under $KYSO_HOME/tmp, readable by this user only, a new name (O_EXCL)."""
        settings = self.config.settings
        settings.tmp.mkdir(parents=True, exist_ok=True)
        path = settings.tmp / f"upload-{secrets.token_hex(12)}.pdf"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return path

    def _problem(self, outcome: Outcome, quarantined: str | None = None) -> Problem:
        if outcome.kind == "timeout":
            return over_time(self.config.verify_timeout, quarantined)
        if outcome.kind == "died":
            return worker_died(quarantined)
        if outcome.kind == "stopping":
            return stopping()
        code, vi, en = outcome.value
        if code == "memory":
            return over_memory(self.config.memory_limit_mb, quarantined)
        if code == "not_found":
            return not_found(vi, en)
        if code == "archive":
            return Problem(500, "archive_problem", vi, en)
        return internal()

    async def _run(self, job: tuple, queued: bool = True) -> Outcome:
        """One job on one worker: wait for an idle one (or be refused at once when the queue is
        full, unless not `queued`), then the exchange on a thread, which also gives the worker
        back or replaces it, so that a client going away mid-job loses no worker."""
        if self._stopping.is_set() or not self._started:
            return Outcome("stopping")
        loop = asyncio.get_running_loop()
        while True:
            worker = await self._acquire(loop, queued)
            try:
                outcome = await loop.run_in_executor(self._threads, self._exchange, worker, job)
            except RuntimeError:  # the executor is shut down: the server is stopping
                return Outcome("stopping")
            if outcome.kind != "unsent":  # "unsent": it had died idle a moment ago, the job never started
                return outcome

    async def _acquire(self, loop, queued: bool = True) -> Worker:
        with self._lock:
            if self._idle:
                return self._idle.popleft()
            if queued and len(self._waiters) >= self.config.queue_limit:
                raise queue_full(self._retry_after())
            future = loop.create_future()
            self._waiters.append(future)
        try:
            return await future
        except asyncio.CancelledError:  # the client went away while waiting
            with self._lock:
                if future in self._waiters:
                    self._waiters.remove(future)
            if future.done() and not future.cancelled():
                self._release(future.result())
            raise

    def _retry_after(self) -> int:
        ahead = len(self._waiters) + len(self._workers)
        return max(1, min(300, math.ceil(self._mean * ahead / max(1, self.config.workers))))

    def _release(self, worker: Worker) -> None:
        """An idle worker: to the first request waiting (on its loop), else to the idle list."""
        with self._lock:
            if worker not in self._workers:
                return
            while self._waiters:
                future = self._waiters.popleft()
                if future.done():
                    continue
                try:
                    future.get_loop().call_soon_threadsafe(self._hand, future, worker)
                    return
                except RuntimeError:  # its event loop is closed
                    continue
            self._idle.append(worker)

    def _hand(self, future: asyncio.Future, worker: Worker) -> None:
        if future.done():  # cancelled on its way
            self._release(worker)
        else:
            future.set_result(worker)

    def _exchange(self, worker: Worker, job: tuple) -> Outcome:
        """Send the job, wait for its answer within the budget (the worker is killed past it),
        then give the worker back, or replace it when it ended."""
        started = time.monotonic()
        outcome = self._ask(worker, job)
        if outcome.kind == "done" or (outcome.kind == "failed" and not outcome.retire):
            self._mean = 0.8 * self._mean + 0.2 * (time.monotonic() - started)
            self._release(worker)
        else:
            self._replace(worker)
            if self._stopping.is_set() and outcome.kind != "done":
                return Outcome("stopping")
        return outcome

    def _ask(self, worker: Worker, job: tuple) -> Outcome:
        conn = worker.conn
        try:
            conn.send(job)
        except (OSError, EOFError, ValueError):
            return Outcome("unsent")
        deadline = time.monotonic() + self.config.verify_timeout
        claim = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                log.warning("a %s job took longer than %g s: worker %d stopped", job[0], self.config.verify_timeout,
                            worker.pid)
                return Outcome("timeout", claim=claim)
            try:
                if not conn.poll(min(left, LOOK)):
                    continue
                message = conn.recv()
            except (EOFError, OSError):
                worker.proc.join(timeout=5)
                if not self._stopping.is_set():
                    log.warning("worker %d ended (exit code %s) during a %s job", worker.pid, worker.proc.exitcode,
                                job[0])
                return Outcome("died", claim=claim)
            if message[0] == "claim":
                claim = message[1]
            elif message[0] == "done":
                return Outcome("done", message[1], claim)
            elif message[0] == "failed":
                _, code, vi, en, retire = message
                return Outcome("failed", (code, vi, en), claim, retire=retire)

    # -- starting and replacing --------------------------------------------------------------

    def _spawn(self) -> Worker:
        from archive.web.worker import main

        ours, theirs = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=main, args=(self.config, theirs), name="kyso-serve-worker", daemon=True)
        proc.start()
        theirs.close()  # only the worker holds its end: its death is our end's EOF
        worker = Worker(proc, ours, proc.pid)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _warm(self, worker: Worker) -> None:
        """Wait for the worker's "ready" and make it idle; PoolError when it cannot start."""
        deadline = time.monotonic() + START_TIMEOUT
        try:
            while not worker.conn.poll(LOOK):
                if time.monotonic() > deadline or self._stopping.is_set():
                    raise EOFError
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._end(worker)
            raise PoolError(f"tiến trình kiểm tra không khởi động được (mã thoát {worker.proc.exitcode}); xem nhật ký ở trên",
                            f"a verification worker did not start (exit code {worker.proc.exitcode}); see the log above")
        if message[0] != "ready":
            self._end(worker)
            raise PoolError(f"tiến trình kiểm tra không khởi động được: {message[1]}",
                            f"a verification worker did not start: {message[2]}")
        self._release(worker)

    def _end(self, worker: Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
            with contextlib.suppress(ValueError):
                self._idle.remove(worker)
        if worker.proc.is_alive():
            worker.proc.kill()
        worker.proc.join(timeout=10)
        with contextlib.suppress(Exception):
            worker.conn.close()

    def _replace(self, worker: Worker) -> None:
        """Another worker in place of `worker` (ended here if it is not yet), warmed on a thread
        of its own; one that cannot start is tried again, ever more slowly."""
        self._end(worker)
        if self._stopping.is_set():
            return

        def again() -> None:
            pause = 1.0
            while not self._stopping.is_set():
                fresh = self._spawn()
                try:
                    self._warm(fresh)
                    self.replaced += 1
                    return
                except PoolError as exc:
                    if self._stopping.is_set():
                        return
                    log.error("%s; trying again in %g s", exc.en, pause)
                    self._stopping.wait(pause)
                    pause = min(30.0, pause * 2)

        threading.Thread(target=again, name="kyso-pool-start", daemon=True).start()

    def _keep(self) -> None:
        """Replace workers that died while idle (killed by hand, by the kernel's OOM killer)."""
        while not self._stopping.wait(LOOK):
            with self._lock:
                dead = [w for w in self._idle if not w.proc.is_alive()]
            for worker in dead:
                log.warning("idle worker %d ended (exit code %s): replaced", worker.pid, worker.proc.exitcode)
                self._replace(worker)
