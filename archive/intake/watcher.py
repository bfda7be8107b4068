"""`kyso watch`: worker processes that take files from the inbox, and a supervisor that shows
progress, enforces the per-file time budget and restarts a worker that died.

Workers run verification in their own process so that a file which hangs, exhausts memory or
crashes the interpreter takes down only that worker: the supervisor restarts it, the claim is
recovered, and a file that has already cost a worker twice is quarantined instead of retried.
Each start is counted in the claim's own record when it is taken, so the count survives the
death of the supervisor too (kill -9 of the service, a power cut). Whatever else fails on a file
ends in its quarantine inside the worker; workers that die before settling anything are restarted
ever more slowly, and `--once` gives up on them, so it always ends.
"""

from __future__ import annotations

import contextlib

import json
import logging
import multiprocessing
import os
import queue as queue_mod
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.collector import settle
from archive.config import Settings
from archive.textsafe import for_file
from archive.trust.assembly import TrustOptions

log = logging.getLogger(__name__)
MAX_CRASHES = 5  # workers dying this many times in a row, no file settled meanwhile: `--once` stops


@dataclass
class WatchConfig:
    settings: Settings
    inbox: Path
    trust: TrustOptions = field(default_factory=TrustOptions)
    once: bool = False
    poll: float | None = None  # polling only (no file events), every this many seconds
    verify_timeout: float = 300.0
    memory_limit_mb: int = 4096
    verbose: bool = False
    lang: str = "vi"  # the clerk's: the event lines and the quarantine reason files


# -- worker ------------------------------------------------------------------------------------

def _limit_memory(megabytes: int) -> None:
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _start_observer(inbox: Path, wake: threading.Event):
    try:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
    except ImportError:  # pragma: no cover - watchdog is a dependency
        return None

    class Wake(FileSystemEventHandler):
        def on_any_event(self, event):
            wake.set()

    observer = Observer()
    try:
        observer.schedule(Wake(), str(inbox), recursive=True)
        observer.daemon = True
        observer.start()
    except OSError as exc:  # more folders than the system's file watches (inotify max_user_watches)
        from archive.lang import active
        from verifier.report.codes import pick
        from verifier.report.phrased import os_reason

        reason = os_reason(exc)
        log.warning("%s", pick((
            f"hệ thống không báo được thay đổi trong thư mục nhận ({reason.vi}; thường là đã hết số thư mục "
            "được theo dõi, inotify max_user_watches): thư mục nhận sẽ được quét lại vài giây một lần",
            f"file events are not available for the inbox ({reason.en}): it is scanned every few seconds instead"),
            active()))
        with contextlib.suppress(Exception):
            observer.stop()
        return None
    return observer


def _store_stamp(settings) -> tuple[int, int] | None:
    """When the trust store last changed: every import, refresh or retirement rewrites its index."""
    try:
        st = (settings.trust_store / "index.json").stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def worker_main(cfg: WatchConfig, events, stop) -> None:
    """One worker: recover orphaned claims, then scan, claim and process until told to stop."""
    from verifier.patches import install

    install()  # a spawned process: kyso's changes to pyHanko before anything imports pyhanko.sign
    from archive.intake.inbox import Inbox
    from archive.intake.kinds import Left
    from archive.ingest import Archive, Outcome
    from archive.trust.assembly import TrustSetupError, assemble_trust

    stopping = threading.Event()

    def on_signal(_signo, _frame):
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    from archive.cli.logs import configure

    configure(cfg.verbose)
    from archive.lang import use

    use(cfg.lang)  # a spawned process: its warnings (archive.intake.inbox) in the clerk's language
    _limit_memory(cfg.memory_limit_mb)
    try:
        trust = assemble_trust(cfg.trust, cfg.settings)
    except TrustSetupError as exc:  # checked before the workers started, so changed since
        events.put(("fatal", os.getpid(), exc.text(cfg.lang)))
        return
    archive = Archive(cfg.settings, trust=trust, lang=cfg.lang, via="watch")
    stamp = _store_stamp(cfg.settings)
    patience = max(30.0, 10 * cfg.settings.stable_seconds) if cfg.once else None
    inbox = Inbox(cfg.inbox, cfg.settings.stable_seconds, patience)
    settle()  # modules and trust live as long as the worker (archive.collector)
    wake = threading.Event()
    observer = None if cfg.poll else _start_observer(cfg.inbox, wake)
    pid = os.getpid()

    parent = os.getppid()

    def done() -> bool:
        # a worker whose supervisor is gone (kill -9) finishes its file and stops with it
        return stopping.is_set() or stop.is_set() or os.getppid() != parent

    def handle(claim) -> None:
        nonlocal stamp
        now = _store_stamp(cfg.settings)
        if now != stamp:  # CRLs refreshed (the watcher's upkeep, `kyso certs refresh`) or certificates imported
            try:
                archive.trust, archive._store_ders = assemble_trust(cfg.trust, cfg.settings), None
                stamp = now
            except TrustSetupError as exc:  # keep the trust it had: a half-written store judges nothing
                log.warning("trust store changed but cannot be read (%s); keeping the earlier trust", exc.text("en"))
        events.put(("busy", pid, claim.id, time.monotonic()))
        outcome = archive.process(claim, inbox.area)  # never raises; its attempts are in the claim record
        if outcome.kind == "returned":  # still being written: back in the inbox, not an outcome
            events.put(("idle", pid))
        else:
            events.put(("outcome", pid, outcome.__dict__))

    try:
        while not done():
            # claims of dead workers (with their attempts counted) and this worker's held ones
            try:
                recovered = inbox.area.orphans(cfg.settings.claim_timeout, own=True)
            except Exception:  # noqa: BLE001 - the processing folder cannot be made or read now
                log.exception("cannot recover claims")
                recovered = []
            for claim in recovered:
                if done():
                    claim.close()
                else:
                    handle(claim)
            try:
                ready, waiting = inbox.scan()
            except Exception:  # noqa: BLE001
                log.exception("cannot scan the inbox")
                ready, waiting = [], 0
            events.put(("waiting", pid, waiting))
            for cand in ready:
                if done():
                    break
                try:
                    claim = inbox.claim(cand)
                except Exception:  # noqa: BLE001 - a rename refused (another filesystem): the entry stays
                    log.exception("cannot claim %s", for_file(cand.path))
                    claim = None
                if isinstance(claim, Left):  # not a PDF: left in the inbox, said once
                    events.put(("outcome", pid, Outcome("skipped", claim.name, reason=claim.reason).__dict__))
                elif claim is not None:
                    handle(claim)
            if cfg.once and not ready and waiting == 0:
                break
            interval = cfg.poll or (0.25 if cfg.once else cfg.settings.rescan_seconds)
            if not ready:
                wake.wait(timeout=min(interval, max(cfg.settings.stable_seconds / 2, 0.1)) if waiting else interval)
            wake.clear()
    finally:
        events.put(("idle", pid))
        if observer is not None:
            observer.stop()


# -- supervisor --------------------------------------------------------------------------------

class Status:
    """What the clerk sees while the watcher runs: on a terminal one line per file as it is
    handled (archive.intake.outcomes.line) under a counter line redrawn in place, and a summary
    when it stops; without a terminal one JSON event per file and a summary event
    (docs/schemas/events.schema.json), the same events as `kyso ingest --json`."""

    LABELS = {
        "vi": ("đã xử lý", "hợp lệ", "không hợp lệ", "không xác định", "trùng", "cách ly", "bỏ qua", "lỗi, thử lại", "đang chờ"),
        "en": ("processed", "valid", "invalid", "indeterminate", "duplicate", "quarantined", "skipped", "failed, retried", "waiting"),
    }

    def __init__(self, lang: str, tty: bool, stream, quarantine=None):
        from archive.intake.outcomes import Tally

        self.lang, self.tty, self.stream = lang, tty, stream
        self.quarantine = quarantine  # the folder, named in the summary
        self.tally = Tally()
        self.waiting: dict[int, int] = {}
        self.fatal: str | None = None  # why the workers could not start (the trust, the policy)
        self._left: set[str] = set()  # files not taken, said once even when several workers see them

    @property
    def counts(self) -> dict:
        t = self.tally
        return {"processed": t.total - t.counts["skipped"], "valid": t.verdicts["VALID"], "invalid": t.verdicts["INVALID"],
                "indeterminate": t.verdicts["INDETERMINATE"], "duplicate": t.counts["duplicate"],
                "quarantined": t.counts["quarantined"], "skipped": t.counts["skipped"], "failed": t.counts["failed"]}

    def outcome(self, o: dict) -> None:
        from archive.ingest import Outcome
        from archive.intake.outcomes import event, line

        outcome = Outcome(**o)
        if outcome.kind == "skipped":
            if outcome.name in self._left:
                return
            self._left.add(outcome.name)
        self.tally.add(outcome)
        if self.tty:
            self.stream.write("\r\x1b[K" + line(outcome, self.lang) + "\n")
        else:
            from archive.textsafe import json_line  # names and reasons come from the inbox

            self.stream.write(json_line(event(outcome, self.lang)) + "\n")
        self.stream.flush()

    def render(self) -> None:
        if not self.tty:
            return
        labels = self.LABELS[self.lang]
        values = [*self.counts.values(), sum(self.waiting.values())]
        text = " | ".join(f"{label} {value}" for label, value in zip(labels, values))
        self.stream.write("\r\x1b[K" + text)
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K")
            for text in self.tally.summary_lines(self.lang, self.quarantine):
                self.stream.write(text + "\n")
        else:
            from archive.textsafe import json_line

            self.stream.write(json_line(self.tally.summary_event(self.quarantine)) + "\n")
        self.stream.flush()


def run_watch(cfg: WatchConfig, workers: int = 1, lang: str = "vi", stream=None) -> Status:
    stream = stream or sys.stderr
    if cfg.lang != lang:
        from dataclasses import replace

        cfg = replace(cfg, lang=lang)
    ctx = multiprocessing.get_context("spawn")  # no fork with watchdog's and pyHanko's threads
    events = ctx.Queue()
    stop = ctx.Event()
    status = Status(lang, stream.isatty(), stream, cfg.settings.quarantine)
    procs: dict[int, multiprocessing.Process] = {}
    busy: dict[int, tuple[str, float]] = {}
    crashes = 0  # workers that died in a row with no file settled in between
    respawn_at: list[float] = []

    def spawn() -> None:
        p = ctx.Process(target=worker_main, args=(cfg, events, stop), daemon=False)
        p.start()
        procs[p.pid] = p

    def on_signal(_signo, _frame):
        stop.set()

    old = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    from archive.ltv.upkeep import Upkeep  # issue 15 (ltv15): chain timestamps, stale CRLs

    upkeep = Upkeep(cfg.settings, cfg.trust.online or cfg.settings.online)
    from archive.intake.heartbeat import Heartbeat  # issue 19 (serve-console): the console's watcher status

    heartbeat = Heartbeat(cfg.settings.home, cfg.inbox, max(1, workers))
    try:
        for _ in range(max(1, workers)):
            spawn()
        while procs or (respawn_at and not stop.is_set()):
            if not cfg.once:
                upkeep.poll()
            heartbeat.beat(status.counts, len(busy), sum(status.waiting.values()))
            try:
                msg = events.get(timeout=0.5)
            except queue_mod.Empty:
                msg = None
            if msg is not None:
                kind, pid = msg[0], msg[1]
                if kind == "outcome":
                    crashes = 0
                    busy.pop(pid, None)
                    status.outcome(msg[2])
                elif kind == "busy":
                    busy[pid] = (msg[2], msg[3])
                elif kind == "waiting":
                    status.waiting[pid] = msg[2]
                elif kind == "idle":
                    busy.pop(pid, None)
                elif kind == "fatal":  # every worker would fail alike: stop them all
                    status.fatal = msg[2]
                    stop.set()
                status.render()
            now = time.monotonic()
            for pid, (_claim, started) in list(busy.items()):
                if now - started > cfg.verify_timeout and pid in procs and procs[pid].is_alive():
                    procs[pid].kill()  # over budget: the claim is recovered with one more attempt
            for pid, p in list(procs.items()):
                if p.is_alive():
                    continue
                p.join()
                del procs[pid]
                status.waiting.pop(pid, None)
                busy.pop(pid, None)  # its claim counted the attempt when it was taken
                if p.exitcode != 0 and not stop.is_set():
                    # a crashed or killed worker is replaced and its claim recovered; one that
                    # keeps dying before it settles anything is restarted ever more slowly, and
                    # `--once` gives up instead of looping
                    crashes += 1
                    if cfg.once and crashes >= MAX_CRASHES:
                        from verifier.report.codes import Phrase, say

                        status.fatal = say(Phrase(
                            f"các tiến trình xử lý đã dừng {crashes} lần liên tiếp mà chưa xong tệp nào "
                            f"(mã thoát cuối {p.exitcode}); xem nhật ký ở trên",
                            f"the workers stopped {crashes} times in a row without settling a file "
                            f"(last exit code {p.exitcode}); see the log above"), lang)
                        stop.set()
                    else:
                        respawn_at.append(now + (0 if crashes == 1 else min(30.0, 0.5 * 2 ** (crashes - 2))))
            for due in [t for t in respawn_at if t <= now]:
                respawn_at.remove(due)
                if not stop.is_set():
                    spawn()
        while True:  # outcomes still queued after the last worker exited
            try:
                msg = events.get_nowait()
            except queue_mod.Empty:
                break
            if msg[0] == "outcome":
                status.outcome(msg[2])
    finally:
        stop.set()
        heartbeat.stop()
        for p in procs.values():
            p.join(timeout=30)
        for sig, handler in old.items():
            signal.signal(sig, handler)
        status.finish()
    return status
