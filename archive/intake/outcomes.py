"""What `kyso ingest` and `kyso watch` say about each file and at the end, in one form for both:
a line for the clerk (name, verdict in words, document number and issuer, where it went) and a
JSON event for scripts (docs/schemas/events.schema.json), and the tally behind the summary.

Kinds and verdicts stay codes in JSON; the reason is in the reader's language; times carry their
offset (archive.lang.now_iso).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# the order the summary counts them in
KINDS = ("archived", "duplicate", "already", "quarantined", "skipped", "returned", "failed")
VERDICTS = ("VALID", "INVALID", "INDETERMINATE")


def event(outcome, lang: str) -> dict:
    """The JSON event of one outcome (archive.ingest.Outcome); keys without a value are left out."""
    from archive.lang import now_iso
    from verifier.report.codes import say

    fields = {"time": now_iso(), "event": outcome.kind, "file": outcome.name, "sha256": outcome.sha256,
              "verdict": outcome.verdict, "document_id": outcome.document_id, "number": outcome.number,
              "issuer": outcome.issuer, "quarantine": outcome.quarantine,
              "reason": say(outcome.reason, lang) or None if outcome.reason is not None else None}
    return {k: v for k, v in fields.items() if v is not None}


def line(outcome, lang: str) -> str:
    """One line for the clerk; every value a file or a document brought is escaped."""
    from archive.cli.words import kind as kind_word
    from archive.cli.words import say as words
    from archive.cli.words import verdict as verdict_word
    from archive.textsafe import for_terminal
    from verifier.report.codes import say

    o = outcome
    head = for_terminal(verdict_word(o.verdict, lang) if o.verdict else say(o.reason, lang))
    text = f"{kind_word(o.kind, lang):<11} {head:<15} {for_terminal(o.name)}"
    if o.document_id:
        text += f" #{o.document_id}"
    about = ", ".join(for_terminal(v) for v in (o.number, o.issuer) if v)
    if about:
        text += f" — {about}"
    if o.quarantine:
        text += " " + words("outcome_went", lang, path=for_terminal(o.quarantine))
    return text


@dataclass
class Tally:
    """Counts per outcome and per verdict; memory flat in the number of files (only counts)."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    verdicts: dict = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))

    def add(self, outcome) -> None:
        self.counts[outcome.kind] = self.counts.get(outcome.kind, 0) + 1
        if outcome.kind in ("archived", "duplicate", "already") and outcome.verdict in self.verdicts:
            self.verdicts[outcome.verdict] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def not_archived(self) -> bool:
        """Some file could not be archived (exit 4): quarantined, or held to be tried again."""
        return bool(self.counts["quarantined"] or self.counts["failed"])

    def summary_event(self, quarantine_folder, *, interrupted: bool = False, left: int | None = None) -> dict:
        from archive.lang import now_iso

        out = {"time": now_iso(), "event": "summary", "counts": {k: v for k, v in self.counts.items() if v},
               "verdicts": {k: v for k, v in self.verdicts.items() if v}, "quarantine_folder": str(quarantine_folder)}
        if interrupted:
            out["interrupted"] = True
            if left is not None:
                out["left"] = left
        return out

    def summary_lines(self, lang: str, quarantine_folder, *, interrupted: bool = False, left: int | None = None) -> list[str]:
        from archive.cli.words import kind as kind_word
        from archive.cli.words import say
        from archive.cli.words import verdict as verdict_word
        from archive.textsafe import for_terminal

        counts = ", ".join(f"{kind_word(k, lang)} {v}" for k, v in self.counts.items() if v) or say("summary_nothing", lang)
        lines = [say("summary_counts", lang, total=self.total, counts=counts)]
        if any(self.verdicts.values()):
            lines.append(say("summary_verdicts", lang, counts=", ".join(
                f"{verdict_word(k, lang)} {v}" for k, v in self.verdicts.items() if v)))
        if self.counts["skipped"]:
            lines.append(say("summary_skipped", lang, count=self.counts["skipped"]))
        if self.counts["quarantined"]:
            lines.append(say("summary_quarantine", lang, path=for_terminal(str(quarantine_folder))))
        if interrupted:
            lines.append(say("summary_interrupted", lang, left="?" if left is None else left))
        return lines
