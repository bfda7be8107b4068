"""One warm worker process of `kyso serve` (archive.web.pool starts them, spawned, before the
server answers): kyso's changes to pyHanko installed, the verifier and the archive imported and
the trust assembled once, then one job at a time read from its pipe, so that a request costs
what a warm verification costs.

The worker lives within the memory budget (RLIMIT_AS, as the watcher's workers do) and the pool
kills it when a job runs past its time budget; either way only this process ends, and the pool
starts another. A trust store changed meanwhile (`kyso certs import`, `certs refresh`: every
change rewrites its index) is read again before the next job.

Messages, each a tuple: from the pool a job (kind, *arguments) or ("stop",); to the pool
("ready", pid) once warm, ("fatal", vi, en) when the trust cannot be assembled, ("claim", id)
when an upload is claimed for ingest (so that the pool can settle it if this process is killed),
then ("done", result) or ("failed", code, vi, en, retire) for each job.
"""

from __future__ import annotations

import json
import logging
import os
import signal
from pathlib import Path

from archive.collector import settle
from verifier.report.codes import Phrase

log = logging.getLogger(__name__)

IDLE_CHECK = 1.0  # seconds between looks at whether the server is still there, while idle


class Failed(Exception):
    """A job's failure as the pool answers it: a code of archive.web.pool.PROBLEMS and a Phrase."""

    def __init__(self, code: str, phrase: Phrase, retire: bool = False):
        super().__init__(code)
        self.code, self.phrase, self.retire = code, phrase, retire


def main(config, conn) -> None:
    """The process: warm up, then serve jobs from `conn` until told to stop or orphaned."""
    # Ctrl-C and the service manager's SIGTERM reach the whole process group: the server decides,
    # finishes the requests in flight (they are this worker's jobs) and then stops its workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from verifier.patches import install

    install()  # a spawned process: kyso's changes to pyHanko before anything imports pyhanko.sign
    from archive.cli.logs import configure
    from archive.intake.watcher import _limit_memory
    from archive.lang import use

    configure(config.verbose)
    use(config.lang)
    _limit_memory(config.memory_limit_mb)
    try:
        jobs = Jobs(config, conn)
    except Exception as exc:  # noqa: BLE001 - said to the server, which says it to the administrator
        from archive.trust.assembly import TrustSetupError

        if isinstance(exc, TrustSetupError):
            conn.send(("fatal", exc.text("vi"), exc.text("en")))
        else:
            log.exception("a kyso serve worker could not start")
            conn.send(("fatal", f"{type(exc).__name__}: {exc}", f"{type(exc).__name__}: {exc}"))
        return
    settle()  # modules and trust live as long as the worker (archive.collector)
    conn.send(("ready", os.getpid()))
    parent = os.getppid()
    while True:
        try:
            if not conn.poll(IDLE_CHECK):
                if os.getppid() != parent:  # the server is gone (kill -9): nobody will ask again
                    return
                continue
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job[0] == "stop":
            return
        retire = jobs.run(job)
        if retire:
            return


class Jobs:
    """What a worker keeps between jobs: the archive (its database engine, object store and
    trust), and the trust store's stamp when the trust was assembled."""

    def __init__(self, config, conn):
        from archive.ingest import Archive
        from archive.intake.inbox import ProcessingArea
        from archive.intake.watcher import _store_stamp
        from archive.trust.assembly import assemble_trust

        # imported now, not on the first request
        import verifier.document  # noqa: F401
        import verifier.report.etsi  # noqa: F401
        import verifier.report.html  # noqa: F401
        import verifier.report.pdf  # noqa: F401
        import verifier.report.render  # noqa: F401

        self.config, self.conn = config, conn
        settings = config.settings
        self.stamp = _store_stamp(settings)
        self.archive = Archive(settings, trust=assemble_trust(config.trust, settings), lang=config.lang, via="web")
        self.area = ProcessingArea(settings.home / "processing")

    def run(self, job: tuple) -> bool:
        """Do one job and answer it; whether this process should end now (its state is not to
        be trusted after a MemoryError or a failure nobody foresaw)."""
        kind, args = job[0], job[1:]
        try:
            self._follow_store()
            result = getattr(self, "do_" + kind)(*args)
        except Failed as failed:
            self.conn.send(("failed", failed.code, failed.phrase.vi, failed.phrase.en, failed.retire))
            return failed.retire
        except MemoryError:
            self._send_failure("memory")
            return True
        except Exception:  # noqa: BLE001 - the request is answered "internal"; the log has the traceback
            if _near_memory_limit(self.config.memory_limit_mb):
                self._send_failure("memory")  # what ran out was memory, whatever the exception says
            else:
                log.exception("a kyso serve worker failed on a %s job", kind)
                self._send_failure("internal")
            return True
        try:
            self.conn.send(("done", result))
        except MemoryError:
            self._send_failure("memory")
            return True
        return False

    def _send_failure(self, code: str) -> None:
        try:
            self.conn.send(("failed", code, "", "", True))
        except Exception:  # noqa: BLE001 - the pool sees the process end: a dead worker's answer
            pass

    def _follow_store(self) -> None:
        """The trust as the store is now: CRLs refreshed, certificates imported since the last job."""
        from archive.intake.watcher import _store_stamp
        from archive.trust.assembly import TrustSetupError, assemble_trust

        if not self.config.trust.use_store:
            return
        now = _store_stamp(self.config.settings)
        if now == self.stamp:
            return
        try:
            self.archive.trust, self.archive._store_ders = assemble_trust(self.config.trust, self.config.settings), None
            self.stamp = now
        except TrustSetupError as exc:  # keep the trust it had: a half-written store judges nothing
            log.warning("trust store changed but cannot be read (%s); keeping the earlier trust", exc.text("en"))

    # -- the jobs ---------------------------------------------------------------------------

    def do_verify(self, data: bytes, name: str, lang: str, want: frozenset) -> dict:
        import time

        from archive.verify_pool import sheet
        from verifier.document import verify_pdf
        from verifier.report.render import render_json, render_text

        start = time.monotonic()
        report = verify_pdf(data, self.archive.trust, file=name)
        if _ran_out(report):
            raise Failed("memory", Phrase("", ""), retire=True)
        sheets = {fmt: sheet(report, data, fmt, lang) for fmt in sorted(want & {"html", "pdf"})}
        if "etsi" in want:
            from verifier.report.etsi import validation_report

            sheets["etsi"] = validation_report(report, data)
        # the report as `kyso verify --json` prints it, as a dict (Verified.report)
        return {"verdict": report.verdict, "report": json.loads(render_json(report, lang)), "text": render_text(report, lang),
                "sheets": sheets, "seconds": time.monotonic() - start}

    def do_ingest(self, path: str, name: str, account: str, lang: str) -> dict:
        """The upload at `path` (written by the pool, removed by it) archived as `kyso ingest`
        would, received from "web:<account>"."""
        from archive.intake.kinds import Left

        self.archive.lang = lang
        claim = self.area.copy_in(Path(path), name, f"web:{account}")
        if isinstance(claim, Left):
            return {"kind": "skipped", "name": claim.name, "reason": claim.reason.text(lang)}
        self.conn.send(("claim", claim.id))
        return _plain(self.archive.process(claim, self.area), lang)

    def do_settle(self, claim_id: str, reason_vi: str, reason_en: str, lang: str) -> dict | None:
        """The claim of an ingest whose worker was killed (time or memory budget, a crash): the
        outcome when that worker had committed it; quarantined with `reason` when it had read
        it; forgotten when it had not (nothing was kept; the upload was answered with an error)."""
        from sqlalchemy import select

        from archive.db.models import Receipt

        claim = self.area.take_over(claim_id)
        if claim is None:
            return None
        self.archive.lang = lang
        with self.archive.sessions() as s:
            done = s.execute(select(Receipt).where(Receipt.claim_id == claim.id)).scalar_one_or_none()
            if done is not None:
                # committed before the kill, only the clean-up was missing: as archive.process does
                return _plain(self.archive.process(claim, self.area), lang)
        if claim.problem is not None:  # killed before the bytes were read: nothing to keep
            self.area.release(claim)
            return None
        return _plain(self.archive.quarantine(claim, self.area, Phrase(reason_vi, reason_en)), lang)

    def do_reverify(self, document_id: int, account: str, now: bool) -> dict:
        from archive.db.models import Document
        from archive.problems import ArchiveProblem
        from archive.reverify import reverify

        with self.archive.sessions() as s:
            if s.get(Document, document_id) is None:
                raise Failed("not_found", Phrase(f"không có văn bản số {document_id} trong kho",
                                                 f"no document {document_id} in the archive"))
        # the account goes into the re-verified event's detail
        try:
            outcome = reverify(self.archive, document_id, now=now, trigger="reverify", by=account)
        except ArchiveProblem as exc:  # the stored original missing or altered, the database
            raise Failed("archive", exc.phrase) from exc
        return {"document_id": outcome.document_id, "before": outcome.before, "after": outcome.after,
                "decision": outcome.decision, "by": account,
                "runs": [{"as_of": r.as_of, "verdict": r.report.verdict, "verification_id": r.verification_id,
                          "decision": r.decision} for r in outcome.runs]}


def _plain(outcome, lang: str) -> dict:
    """archive.ingest.Outcome's fields, its reason as text in `lang`."""
    out = dict(outcome.__dict__)
    reason = out.get("reason")
    if isinstance(reason, Phrase):
        out["reason"] = reason.text(lang)
    return out


def _ran_out(report) -> bool:
    """Whether the verifier caught a MemoryError and said it as an internal error: the budget
    ran out, which is the server's limit, not the document's verdict."""
    import re

    return any(f.code in ("INTERNAL_ERROR", "METADATA_UNREADABLE")
               and re.search(r"(^|: )MemoryError\b", str(f.params.get("reason", ""))) for f in report.findings)


def _near_memory_limit(megabytes: int) -> bool:
    """Whether this process came within a tenth of its address-space limit (VmPeak): then an
    exception of any kind (SystemError, an allocation refused inside a library) means memory."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024 >= 0.9 * megabytes * 1024 * 1024
    except (OSError, ValueError):
        pass
    return False
