"""Re-verification of an archived document that never loses a proven result.

A run validates the stored original as of the archived validation time (the moment of the
verification the document's verdict comes from) with the evidence stored with the document's
verifications, and never fetches: the archive's hash-chained log, which names that evidence, is the
proof that the document and its evidence existed then. Optionally (`now`) a second run validates
as of now with the run's own trust (online if asked), for fresh evidence. Each run is a new
verification row beside the earlier ones, with its own trust, policy and evidence.

The document's verdict changes only for a result at least as well founded (`decide`):

- VALID and INVALID are proven; INDETERMINATE (and ERROR) is not. A result that is not proven
  never replaces a proven one: missing data, a trust store without the anchor, a service down
  say nothing against what was established (`less_founded`).
- A proven result replaces one that is not (`changed`), and a proven problem replaces VALID
  (`changed`: INVALID is what the clerk must act on, under the trust and policy of this run).
- INVALID → VALID only when the kyso version or the policy differs from the run that found
  INVALID: an INVALID rests on facts that the same bytes and the same evidence cannot lose
  (changed content, a broken signature, a revocation before the signing time), and the run as of
  the archived time reads that same evidence again; so under the same kyso and policy the two
  proven results contradict each other and a person must look (`conflict`, the INVALID stays).
  A changed kyso or policy may have corrected what made it INVALID (issue 15: good documents
  came out INVALID from a fault of the fetching library).
- The run as of now decides only when the run as of the archived time proved nothing: a
  revocation since then does not undo a signature the log shows existed before (`not_used`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select

from archive.db import events
from archive.db.models import Document, Evidence, Verification
from archive.db.session import transaction
from archive.evidence import Item, as_trust, items_of, layers_list
from archive.problems import original_of

PROVEN = ("VALID", "INVALID")
# what a run did to the document's verdict (verifications.decision)
DECISIONS = ("first", "same", "changed", "less_founded", "conflict", "not_used")


@dataclass
class Run:
    as_of: str  # archived | now
    report: object  # verifier.report.model.DocumentReport
    verification_id: int
    decision: str


@dataclass
class Outcome:
    document_id: int
    name: str
    before: str  # the document's verdict before
    after: str  # and after
    runs: list[Run] = field(default_factory=list)
    trust_differs: bool = False
    policy_differs: bool = False

    @property
    def decision(self) -> str:
        """The decision that counts for the document: the run that set or would set its verdict."""
        for run in self.runs:
            if run.decision in ("changed", "conflict"):
                return run.decision
        return next((r.decision for r in self.runs if r.decision == "less_founded"), "same")


def decide(current: str, new: str, current_run: Verification | None, new_policy_sha256: str, kyso_version: str) -> str:
    """What a result `new` does to the verdict `current` (module docstring)."""
    if new == current:
        return "same"
    if new not in PROVEN:
        return "less_founded"
    if current not in PROVEN or new == "INVALID":
        return "changed"
    if current_run is None or current_run.kyso_version != kyso_version or current_run.policy_sha256 != new_policy_sha256:
        return "changed"
    return "conflict"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def stored_evidence(archive, s, doc_id: int) -> list[Item]:
    """Every piece of evidence stored with any verification of the document, once each, as it was
    first recorded (source, URL, time obtained); its bytes from the object store."""
    rows = s.execute(select(Evidence).join(Verification, Evidence.verification_id == Verification.id)
                     .where(Verification.document_id == doc_id).order_by(Evidence.id)).scalars()
    out: dict[str, Item] = {}
    for row in rows:
        if row.sha256 in out:
            out[row.sha256].layers = sorted(set(out[row.sha256].layers) | set(layers_list(row.layers)))
            continue
        der = archive.blobs.get_if_intact(row.sha256)
        if der is None:
            continue  # lost or altered: proves nothing (`kyso archive fixity` says so)
        out[row.sha256] = Item(row.kind, der, row.source, row.url,
                               _utc(row.obtained_at) if row.obtained_at else None, layers_list(row.layers))
    return list(out.values())


def _archived_moment(s, current: Verification | None, doc: Document) -> datetime:
    """The moment a re-verification judges at: that of the verification the verdict comes from,
    or, when it went on fetching after it began, the time its last evidence was obtained (an
    OCSP response fetched seconds after the start is no response from the future). The
    verification's event in the hash-chained log was written after both."""
    from sqlalchemy import func

    if current is None:
        return _utc(doc.validation_time)
    moment = _utc(current.validation_time)
    last = s.scalar(select(func.max(Evidence.obtained_at)).where(Evidence.verification_id == current.id))
    return max(moment, _utc(last)) if last is not None else moment


def setup_differences(archive, doc_ids) -> tuple[int, int]:
    """How many of these documents' verdicts were reached under another trust configuration, and
    under another policy, than this run's (said before the run starts and in its summary)."""
    trust = as_trust(archive.trust, [])  # offline: fetching is no trust material
    count_trust = count_policy = 0
    wanted = set(doc_ids)
    with archive.sessions() as s:
        rows = s.execute(select(Document.id, Verification.trust_fingerprint, Verification.policy_sha256)
                         .join(Verification, Verification.id == Document.latest_verification_id)).all()
    for doc_id, fingerprint, policy_sha in rows:
        if doc_id in wanted:
            count_trust += fingerprint not in (trust.fingerprint, archive.trust.fingerprint)
            count_policy += policy_sha != archive.trust.policy.sha256
    return count_trust, count_policy


def reverify(archive, doc_id: int, *, now: bool = False, trigger: str = "reverify", by: str | None = None) -> Outcome:
    """Re-verify one archived document (module docstring); the runs are recorded. `by`, the
    account that asked (kyso serve), is named in each "re-verified" event."""
    from verifier.document import verify_pdf

    with archive.sessions() as s:
        doc = s.get(Document, doc_id)
        sha, name, before = doc.sha256, doc.original_name, doc.verdict
        current = s.get(Verification, doc.latest_verification_id) if doc.latest_verification_id else None
        moment = _archived_moment(s, current, doc)
        recorded_fingerprint = current.trust_fingerprint if current is not None else None
        recorded_policy = current.policy_sha256 if current is not None else None
        kept = stored_evidence(archive, s, doc_id)
    data = archive.blobs.get_intact(sha, original_of(doc_id))  # missing or altered: a StoredObjectError (exit 5)

    base = as_trust(archive.trust, [])  # the run's trust, offline
    then_trust = as_trust(archive.trust, kept)
    then = verify_pdf(data, then_trust, file=name, now=moment)
    then.trust_fingerprint = base.fingerprint  # the trust chosen; the evidence is listed apart
    then_items = _with_provenance(items_of(then, base, moment, archive._store_material()), kept)
    fresh = fresh_items = None
    if now:
        fresh = verify_pdf(data, archive.trust, file=name)
        fresh_items = archive.keep_evidence(fresh)
    for item in then_items:
        archive.blobs.put(item.der, item.sha256)

    outcome = Outcome(doc_id, name, before, before,
                      trust_differs=recorded_fingerprint not in (None, base.fingerprint, archive.trust.fingerprint),
                      policy_differs=recorded_policy not in (None, archive.trust.policy.sha256))
    with transaction(archive.sessions) as s:
        doc = s.get(Document, doc_id)
        current = s.get(Verification, doc.latest_verification_id) if doc.latest_verification_id else None
        plan = [("archived", then, then_items)] + ([("now", fresh, fresh_items)] if fresh is not None else [])
        proven_then = then.verdict in PROVEN
        for as_of, report, items in plan:
            if as_of == "now" and proven_then:
                decision = "not_used"
            else:
                decision = decide(doc.verdict, report.verdict, current, report.policy_sha256, archive.kyso_version)
            # the same verdict under the recorded trust and policy: the newer report stands for it;
            # under others the recorded one stays (it says more: e.g. who the anchor was)
            sets = decision == "changed" or (decision == "same" and not outcome.trust_differs and not outcome.policy_differs)
            ver = archive.record_verification(s, doc, report, trigger, items, data=data, as_of=as_of, decision=decision,
                                              sets_verdict=sets)
            if sets:
                current = ver
            events.append(s, "re-verified", doc.id, verification_id=ver.id, verdict=report.verdict, previous=before,
                          as_of=as_of, validation_time=report.validation_time, decision=decision, standing=doc.verdict,
                          policy=report.policy, trust_fingerprint=report.trust_fingerprint,
                          evidence=sorted(i.sha256 for i in items), **({"by": by} if by else {}))
            outcome.runs.append(Run(as_of, report, ver.id, decision))
        outcome.after = doc.verdict
    return outcome


def _with_provenance(items: list[Item], kept: list[Item]) -> list[Item]:
    """Evidence the run as of the archived time used, said as it was first recorded: reused
    material keeps its source, URL and time obtained (only the layers are this run's)."""
    by_sha = {k.sha256: k for k in kept}
    for item in items:
        old = by_sha.get(item.sha256)
        if old is not None:
            item.source, item.url, item.obtained = old.source, old.url, old.obtained
    return items

