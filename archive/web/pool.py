"""Verification and ingest for requests. FIRST VERSION (in-process, one at a time): the warm
worker processes with time and memory budgets replace it (issue 19, pool owner); the interface
below is what the routes use and stays."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from archive.web.config import ServeConfig

FORMATS = ("json", "text", "html", "pdf", "etsi")


@dataclass
class Verified:
    verdict: str
    report: dict  # verifier.report.render.render_json in the asked language
    text: str  # the plain-text report (render_text)
    sheets: dict[str, bytes] = field(default_factory=dict)  # "html" | "pdf" | "etsi" -> bytes, as asked
    seconds: float = 0.0


class Pool:
    def __init__(self, config: ServeConfig):
        self.config = config
        self._lock = threading.Lock()
        self._trust = None
        self._waiting = 0

    def start(self) -> None:
        from verifier.patches import install

        from archive.trust.assembly import assemble_trust

        install()
        self._trust = assemble_trust(self.config.trust, self.config.settings)

    def stop(self) -> None:
        pass

    def depth(self) -> int:
        """Requests waiting for a worker now (the queue-depth metric)."""
        return self._waiting

    async def verify(self, data: bytes, name: str, lang: str, want: frozenset[str] = frozenset()) -> Verified:
        self._waiting += 1
        try:
            return await asyncio.to_thread(self._verify, data, name, lang, want)
        finally:
            self._waiting -= 1

    def _verify(self, data: bytes, name: str, lang: str, want: frozenset[str]) -> Verified:
        import time

        from archive.verify_pool import sheet
        from verifier.document import verify_pdf
        from verifier.report.render import render_json, render_text

        with self._lock:
            start = time.monotonic()
            report = verify_pdf(data, self._trust, file=name)
            sheets = {}
            for fmt in want & {"html", "pdf"}:
                sheets[fmt] = sheet(report, data, fmt, lang)
            if "etsi" in want:
                from verifier.report.etsi import validation_report

                sheets["etsi"] = validation_report(report, data)
            return Verified(report.verdict, render_json(report, lang), render_text(report, lang), sheets,
                            time.monotonic() - start)

    async def ingest(self, data: bytes, name: str, account: str, lang: str) -> dict:
        """Archive an uploaded file as `kyso ingest` would, received from "web:<account>":
        archive.ingest.Outcome's fields (kind, document_id, verdict, reason as text, ...)."""
        self._waiting += 1
        try:
            return await asyncio.to_thread(self._ingest, data, name, account, lang)
        finally:
            self._waiting -= 1

    def _ingest(self, data: bytes, name: str, account: str, lang: str) -> dict:
        import os
        import secrets

        from archive.ingest import Archive
        from archive.intake.inbox import ProcessingArea
        from archive.intake.kinds import Left
        from verifier.report.codes import Phrase

        settings = self.config.settings
        with self._lock:
            archive = Archive(settings, trust=self._trust, lang=lang, via="web")
            area = ProcessingArea(settings.home / "processing")
            settings.tmp.mkdir(parents=True, exist_ok=True)
            path = settings.tmp / f"upload-{secrets.token_hex(8)}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                claim = area.copy_in(path, name, f"web:{account}")
                if isinstance(claim, Left):
                    return {"kind": "skipped", "name": claim.name, "reason": claim.reason.text(lang)}
                outcome = archive.process(claim, area)
            finally:
                path.unlink(missing_ok=True)
            out = dict(outcome.__dict__)
            if isinstance(out.get("reason"), Phrase):
                out["reason"] = out["reason"].text(lang)
            return out

    async def reverify(self, document_id: int, account: str, now: bool = False) -> dict:
        """Verify an archived document again (archive.reverify): its runs' decisions, before and after."""
        self._waiting += 1
        try:
            return await asyncio.to_thread(self._reverify, document_id, account, now)
        finally:
            self._waiting -= 1

    def _reverify(self, document_id: int, account: str, now: bool) -> dict:
        from archive.ingest import Archive
        from archive.reverify import reverify

        with self._lock:
            archive = Archive(self.config.settings, trust=self._trust, via="web")
            outcome = reverify(archive, document_id, now=now, trigger="reverify", by=account)
            return {"document_id": outcome.document_id, "before": outcome.before, "after": outcome.after,
                    "decision": outcome.decision, "by": account,
                    "runs": [{"as_of": r.as_of, "verdict": r.report.verdict, "verification_id": r.verification_id,
                              "decision": r.decision} for r in outcome.runs]}
