"""Fixity: every stored object re-hashed against its name and the rows that refer to it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from archive.db import events
from archive.db.session import transaction
from archive.db.models import Document, Evidence, Verification


@dataclass
class FixityReport:
    checked: int = 0
    problems: list[dict] = field(default_factory=list)  # {"sha256", "state", "what"}

    @property
    def ok(self) -> bool:
        return not self.problems


def check(archive, by: str | None = None) -> FixityReport:
    """Every stored object re-hashed; `by` the account that asked (the console), named in the event."""
    report = FixityReport()
    seen: set[str] = set()
    with archive.sessions() as s:
        originals = s.execute(select(Document.sha256, Document.id)).all()
        evidence = s.execute(select(Evidence.sha256, Evidence.kind).distinct()).all()
        reports = s.execute(select(Verification.report_html_sha256, Verification.id)
                            .where(Verification.report_html_sha256.is_not(None))).all()
    for sha, doc_id in originals:
        _one(archive, report, seen, sha, f"original of document {doc_id}")
    for sha, kind in evidence:
        _one(archive, report, seen, sha, f"{kind} evidence")
    for sha, ver_id in reports:
        _one(archive, report, seen, sha, f"HTML report of verification {ver_id}")
    with transaction(archive.sessions) as s:
        events.append(s, "fixity-checked", checked=report.checked, problems=len(report.problems),
                      **({"by": by} if by else {}))
    return report


def _one(archive, report: FixityReport, seen: set[str], sha: str, what: str) -> None:
    if sha in seen:
        return
    seen.add(sha)
    report.checked += 1
    state = archive.blobs.check(sha)
    if state != "ok":
        report.problems.append({"sha256": sha, "state": state, "what": what, "path": str(archive.blobs.path(sha))})
