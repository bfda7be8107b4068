"""The one decision of a layer's status (verifier.signatures.decide) and the one judgement of
the changes after signing (verifier.signatures.diff.judgement).

Each status and sub-indication kyso gives comes from facts gathered by verifying real samples
(the pipeline's own facts, kept as it decides), and the rarer combinations from direct calls
on those real facts with one fact changed."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime

import pytest

from tests.conftest import SAMPLES
from verifier.report import codes
from verifier.signatures.decide import Decision, LayerFacts, decide
from verifier.signatures.diff.judgement import ChangeJudgement, judge

PKI = SAMPLES / "pki"


def verified(data: bytes, trust, monkeypatch):
    """verify_pdf's report with the facts and decision of each layer, as the pipeline made them."""
    from verifier.document import verify_pdf
    from verifier.signatures import layer as layer_module

    seen: list[tuple[LayerFacts, Decision]] = []

    def keep(facts: LayerFacts) -> Decision:
        decision = decide(facts)
        seen.append((facts, decision))
        return decision

    monkeypatch.setattr(layer_module, "decide", keep)
    report = verify_pdf(data, trust)
    n = len(report.layers)
    # each layer is decided once, then, in layer order, again for those later layers drew over
    # (verifier.signatures.vouch, layer.revise)
    revised = iter(seen[n:])
    kept = []
    for (facts, decision), layer in zip(seen[:n], report.layers):
        if (layer.status, layer.subindication, layer.problem) != (decision.status, decision.subindication, decision.problem):
            facts, decision = next(revised)
        kept.append((facts, decision))
    assert next(revised, None) is None
    seen = kept
    for (facts, decision), layer in zip(seen, report.layers):
        # the report says what the decision says, and the decision follows from the facts alone
        assert (layer.status, layer.subindication, layer.problem, layer.valid_at_signing_time) == (
            decision.status, decision.subindication, decision.problem, decision.valid_at_signing_time)
        assert decide(facts) == decision
        assert facts.bottom_line == (layer.status == codes.PASSED)
    return report, [facts for facts, _ in seen]


def _signed_with(who: str) -> bytes:
    """samples/no-signatures.pdf signed by a test key, leaf certificate only, no revocation data."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(str(PKI / "private" / f"{who}.TEST-ONLY.key.pem"), str(PKI / f"{who}.pem"))
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO((SAMPLES / "no-signatures.pdf").read_bytes()))
    signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Signature1"), signer=signer, output=out)
    return out.getvalue()


def _after(a: str | None, b: str | None) -> bool:
    return datetime.fromisoformat(a) > datetime.fromisoformat(b)


SAMPLE_CASES = [
    # sample, layer, status, sub-indication, the fact that decides it
    ("plan.pdf", 0, codes.PASSED, None, lambda f: f.trusted and f.modification.permitted),
    ("revoked-signer.pdf", 0, codes.INDETERMINATE, "REVOKED_NO_POE", lambda f: f.revoked and f.integrity),
    # the signer's own clock says after expiry: a claim, not a proof
    ("expired-signer.pdf", 0, codes.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE",
     lambda f: _after(f.signing_time, f.not_after) and f.signing_time_source == "signed_attribute"),
    ("untrusted-root.pdf", 0, codes.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND", lambda f: "Untrusted Root" in f.untrusted_root),
    ("self-signed.pdf", 0, codes.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND", lambda f: f.untrusted_root is not None),
    ("corrupt-cms.pdf", 0, codes.FAILED, "FORMAT_FAILURE", lambda f: "Insufficient data" in f.cms_error),
    ("annotation-added.pdf", 0, codes.FAILED, "MODIFIED_AFTER_SIGNING",
     lambda f: not f.modification.permitted and "unexplained xrefs" in str(f.modification.changes[0])),
    ("unsigned-update.pdf", 0, codes.FAILED, "MODIFIED_AFTER_SIGNING", lambda f: not f.modification.permitted),
    ("sha1.pdf", 0, codes.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE", lambda f: "SHA-1" in f.legacy_problem),
    ("unsupported-subfilter.pdf", 1, codes.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE",
     lambda f: f.sub_filter == "/adbe.pkcs7.sha1" and f.integrity and f.signature_valid and "SHA-1" in f.legacy_problem),
    ("later-untrusted.pdf", 4, codes.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND", lambda f: f.untrusted_root is not None),
]


@pytest.mark.parametrize("sample, index, status, sub, fact", SAMPLE_CASES, ids=[c[0] for c in SAMPLE_CASES])
def test_each_sample_layer_is_decided_from_its_facts(sample, index, status, sub, fact, sample_trust, monkeypatch):
    report, facts = verified((SAMPLES / sample).read_bytes(), sample_trust, monkeypatch)
    layer = report.layers[index]
    assert (layer.status, layer.subindication) == (status, sub), layer.problem
    assert fact(facts[index])


def test_missing_revocation_data_is_try_later(sample_trust, monkeypatch):
    """pyHanko says CERTIFICATE_CHAIN_GENERAL_FAILURE when no CRL or OCSP response is at hand;
    that is outside information missing: INDETERMINATE / TRY_LATER, never FAILED."""
    report, facts = verified(_signed_with("director"), sample_trust, monkeypatch)
    assert facts[0].trust_indication == "CERTIFICATE_CHAIN_GENERAL_FAILURE" and facts[0].revocation_missing
    assert (report.layers[0].status, report.layers[0].subindication) == (codes.INDETERMINATE, "TRY_LATER")
    assert "REVOCATION_UNKNOWN" in {f.code for f in report.findings}


def test_an_issuer_nobody_provides_is_indeterminate(monkeypatch):
    from verifier.trust.config import TrustConfig

    config = TrustConfig()
    config.add_bundle((PKI / "ca-g2.pem").read_bytes())  # an intermediate only: no anchor
    report, facts = verified(_signed_with("director"), config, monkeypatch)
    assert facts[0].trust_indication == "NO_CERTIFICATE_CHAIN_FOUND"
    assert (report.layers[0].status, report.layers[0].subindication) == (codes.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND")
    assert str(report.layers[0].problem) == f"The issuer '{facts[0].chain_end_issuer}' is not available."
    issuer = next(f for f in report.findings if f.code == "ISSUER_MISSING")
    assert issuer.params["issuer"] == facts[0].chain_end_issuer and issuer.layer == 1


# --- rarer combinations: real facts of a passing layer, one fact changed ---------------------

@pytest.fixture(scope="module")
def passing(sample_trust) -> LayerFacts:
    """The facts of the first layer of samples/plan.pdf, which passes."""
    mp = pytest.MonkeyPatch()
    try:
        report, facts = verified((SAMPLES / "plan.pdf").read_bytes(), sample_trust, mp)
    finally:
        mp.undo()
    assert report.layers[0].status == codes.PASSED
    return facts[0]


CHANGED = [
    # changed facts, status, sub-indication
    (dict(integrity=False), codes.FAILED, "HASH_FAILURE"),
    (dict(signature_valid=False), codes.FAILED, "SIG_CRYPTO_FAILURE"),
    (dict(coverage="CONTIGUOUS_BLOCK_FROM_START"), codes.FAILED, "FORMAT_FAILURE"),
    (dict(modification=ChangeJudgement(False, ("form field 'x' changed without a signature covering it",))),
     codes.FAILED, "MODIFIED_AFTER_SIGNING"),
    (dict(format_problem="/ByteRange is NullObject, not an array"), codes.FAILED, "FORMAT_FAILURE"),
    # what cannot be established is INDETERMINATE, never FAILED (EN 319 102-1)
    (dict(legacy_problem="MD5 is never accepted (message digest)"), codes.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE"),
    (dict(untrusted_root="CN=Nobody"), codes.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND"),
    # the signer's own clock is a claim; a timestamp is a proof
    (dict(signing_time="2000-01-01T00:00:00+07:00", signing_time_source="signed_attribute"), codes.INDETERMINATE,
     "OUT_OF_BOUNDS_NO_POE"),
    (dict(signing_time="2000-01-01T00:00:00+07:00", signing_time_source="timestamp"), codes.FAILED, "NOT_YET_VALID"),
    # a timestamp after the expiry or the revocation proves the signature existed then, not when
    # it was made: anyone can have an old signature timestamped (EN 319 102-1, pyHanko's AdES)
    (dict(signing_time="2099-01-01T00:00:00+07:00", signing_time_source="timestamp"), codes.INDETERMINATE,
     "OUT_OF_BOUNDS_NO_POE"),
    (dict(revoked=True, signing_time_source="signed_attribute"), codes.INDETERMINATE, "REVOKED_NO_POE"),
    (dict(revoked=True, signing_time_source="timestamp"), codes.INDETERMINATE, "REVOKED_NO_POE"),
    (dict(trust_indication="REVOKED_CA_NO_POE", trusted=False), codes.INDETERMINATE, "REVOKED_CA_NO_POE"),
    (dict(trust_indication="NO_CERTIFICATE_CHAIN_FOUND", trusted=False), codes.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND"),
    (dict(trust_indication="CERTIFICATE_CHAIN_GENERAL_FAILURE", revocation_missing=True, trusted=False),
     codes.INDETERMINATE, "TRY_LATER"),
    (dict(trust_indication="OUT_OF_BOUNDS_NO_POE", trusted=False), codes.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE"),
    (dict(trust_indication="REVOCATION_OUT_OF_BOUNDS_NO_POE", trusted=False), codes.INDETERMINATE,
     "REVOCATION_OUT_OF_BOUNDS_NO_POE"),
    (dict(trust_indication="CERTIFICATE_CHAIN_GENERAL_FAILURE", trusted=False), codes.INDETERMINATE,
     "CERTIFICATE_CHAIN_GENERAL_FAILURE"),
    (dict(trust_indication="CHAIN_CONSTRAINTS_FAILURE", trusted=False), codes.INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE"),
    (dict(trusted=False), codes.INDETERMINATE, "CERTIFICATE_CHAIN_GENERAL_FAILURE"),
    # most serious first: a broken digest is what is reported, whatever else holds
    (dict(integrity=False, revoked=True, trusted=False, legacy_problem="MD5"), codes.FAILED, "HASH_FAILURE"),
    (dict(modification=ChangeJudgement(False), signing_time="2000-01-01T00:00:00+07:00"), codes.FAILED,
     "MODIFIED_AFTER_SIGNING"),
    (dict(signing_time="2000-01-01T00:00:00+07:00", signing_time_source="timestamp", revoked=True), codes.FAILED,
     "NOT_YET_VALID"),
    (dict(signing_time="2000-01-01T00:00:00+07:00", signing_time_source="signed_attribute", revoked=True),
     codes.INDETERMINATE, "REVOKED_NO_POE"),
    (dict(revoked=True, trusted=False), codes.INDETERMINATE, "REVOKED_NO_POE"),
]


@pytest.mark.parametrize("changes, status, sub", CHANGED, ids=[",".join(c[0]) + f"->{c[2]}" for c in CHANGED])
def test_one_changed_fact_changes_the_decision(passing, changes, status, sub):
    decision = decide(dataclasses.replace(passing, **changes))
    assert (decision.status, decision.subindication) == (status, sub)
    if not {"trust_indication", "trusted"} & set(changes):  # a trust problem's reason is pyHanko's, from the layer
        assert decision.problem
    assert not decision.bottom_line


def test_the_passing_facts_pass(passing):
    assert decide(passing) == Decision(codes.PASSED, None, None, True)
    # without a known signing time the certificate is still judged valid when the layer passes
    assert decide(dataclasses.replace(passing, signing_time=None)).valid_at_signing_time is True


def test_signing_time_validity_is_reported_once_the_decision_reaches_it(passing):
    early = decide(dataclasses.replace(passing, integrity=False))
    assert early.valid_at_signing_time is None  # decided before the signing time was looked at
    late = decide(dataclasses.replace(passing, trusted=False))
    assert late.valid_at_signing_time is True
    expired = decide(dataclasses.replace(passing, signing_time="2099-01-01T00:00:00+07:00", signing_time_source="timestamp"))
    assert (expired.status, expired.subindication, expired.valid_at_signing_time) == (
        codes.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE", False)
    assert "only proves the signature existed then" in expired.problem.en
    claimed = decide(dataclasses.replace(passing, signing_time="2099-01-01T00:00:00+07:00", signing_time_source="signed_attribute"))
    assert (claimed.status, claimed.subindication, claimed.valid_at_signing_time) == (codes.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE", False)


def test_a_change_after_signing_is_named_in_the_problem(passing):
    judged = ChangeJudgement(False, ("form field 'a' changed without a signature covering it", "the change is not permitted"))
    decision = decide(dataclasses.replace(passing, modification=judged))
    assert str(decision.problem) == "; ".join(map(str, judged.changes))
    assert decide(dataclasses.replace(passing, modification=ChangeJudgement(False))).problem.en == "Modified after signing."


# --- the early stops: what validation could not get past -------------------------------------

EARLY = [
    (LayerFacts(cms_error="ValueError: bad"), codes.FAILED, "FORMAT_FAILURE", "ValueError: bad"),
    # kyso's or a library's exception is no evidence against the document
    (LayerFacts(exception="KeyError: '/V'"), codes.INDETERMINATE, "GENERIC", "KeyError: '/V'"),
    (LayerFacts(format_problem="/ByteRange is missing"), codes.FAILED, "FORMAT_FAILURE", "/ByteRange is missing"),
    (LayerFacts(sub_filter="/x", sub_filter_supported=False), codes.INDETERMINATE, "GENERIC",
     "SubFilter /x is not supported; the signature was not checked"),
    (LayerFacts(signer_certificate_error="no signer"), codes.INDETERMINATE, "NO_SIGNING_CERTIFICATE_FOUND", "no signer"),
    (LayerFacts(validation_error="SignatureValidationError: x", validation_error_subindication="SIG_CRYPTO_FAILURE"),
     codes.FAILED, "SIG_CRYPTO_FAILURE", "SignatureValidationError: x"),
    (LayerFacts(validation_error="PdfReadError: x", validation_error_subindication="FORMAT_FAILURE"), codes.FAILED,
     "FORMAT_FAILURE", "PdfReadError: x"),
    (LayerFacts(validation_error="AttributeError: x"), codes.INDETERMINATE, "GENERIC", "AttributeError: x"),
    (LayerFacts(validation_error="NotImplementedError: x", validation_error_subindication="CRYPTO_CONSTRAINTS_FAILURE"),
     codes.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE", "NotImplementedError: x"),
]


@pytest.mark.parametrize("facts, status, sub, problem", EARLY, ids=[e[2] + "-" + e[3][:20] for e in EARLY])
def test_a_validation_that_stopped_early_is_decided_by_why(facts, status, sub, problem):
    """The reason reaches the report: kyso's own in its sentence, a library's message (English,
    technical) in the details under a sentence of its kind."""
    decision = decide(facts)
    assert (decision.status, decision.subindication, decision.valid_at_signing_time) == (status, sub, None)
    assert problem in f"{decision.problem.en} {decision.detail or ''}"
    assert decision.problem.vi and decision.problem.vi != decision.problem.en
    assert not facts.validated


def test_an_exception_outweighs_every_other_fact(passing):
    decision = decide(dataclasses.replace(passing, exception="AttributeError: x"))
    assert (decision.status, decision.subindication, decision.detail) == (codes.INDETERMINATE, "GENERIC", "AttributeError: x")


# --- the judgement of changes after signing ----------------------------------------------------

def _info(diff=None, coverage="ENTIRE_REVISION", docmdp_ok=True):
    from pyhanko.sign.validation.status import ModificationInfo, SignatureCoverageLevel

    return ModificationInfo(coverage=SignatureCoverageLevel[coverage], diff_result=diff, docmdp_ok=docmdp_ok)


def _diff(level: str, fields=()):
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel

    return DiffResult(ModificationLevel[level], set(fields))


def test_later_signatures_are_permitted_other_form_changes_are_not():
    later = judge(_info(_diff("FORM_FILLING", {"Signature2"})), {"Signature1": 0, "Signature2": 2}, 0)
    assert (later.permitted, tuple(map(str, later.changes))) == (True, ("signature field 'Signature2' added and signed in revision 2",))
    filled = judge(_info(_diff("FORM_FILLING", {"Amount"})), {"Signature1": 0}, 0)
    assert (filled.permitted, tuple(map(str, filled.changes))) == (False, ("form field 'Amount' changed without a signature covering it",))
    # a signature field whose signature is not later than the one judged vouches for nothing after it
    same = judge(_info(_diff("FORM_FILLING", {"Signature1"})), {"Signature1": 1}, 1)
    assert not same.permitted


def test_annotations_docmdp_and_suspicious_changes_are_not_permitted():
    from pyhanko.sign.diff_analysis import SuspiciousModification

    assert judge(_info(_diff("ANNOTATIONS")), {}, 0) == ChangeJudgement(False)
    assert judge(_info(_diff("LTA_UPDATES")), {}, 0) == ChangeJudgement(True)
    refused = judge(_info(_diff("LTA_UPDATES"), docmdp_ok=False), {}, 0)
    assert (refused.permitted, tuple(map(str, refused.changes))) == (
        False, ("the change is not permitted by the document's certification (DocMDP) level",))
    suspicious = judge(_info(SuspiciousModification("unexplained xrefs")), {}, 0)
    assert (suspicious.permitted, tuple(map(str, suspicious.changes))) == (False, ("unexplained xrefs",))
    assert "unexplained" not in suspicious.changes[0].vi  # a plain sentence for a Vietnamese reader


def test_without_a_difference_analysis_only_the_whole_file_is_permitted():
    assert judge(_info(None, "ENTIRE_FILE"), {}, 0).permitted
    assert not judge(_info(None, "ENTIRE_REVISION"), {}, 0).permitted


# --- structure findings attributed where they are raised ----------------------------------------

def test_a_widget_over_signed_text_is_attributed_by_the_structure_checks(sample_trust):
    """verifier.structure.checks names the layer whose field the widget is, without the
    Decree 30 profile (samples/plan.pdf: the seal of Signature5 over the signer's text)."""
    from verifier.document import verify_pdf
    from verifier.pdf.opening import open_pdf
    from verifier.report.model import DocumentReport
    from verifier.structure import checks
    from verifier.structure.byterange import SignatureRef

    data = (SAMPLES / "plan.pdf").read_bytes()
    verified_report = verify_pdf(data, sample_trust)
    refs = [SignatureRef(field=l.field, layer=i + 1, ref=None, sig=None, revision=l.revision)
            for i, l in enumerate(verified_report.layers)]
    report = DocumentReport(file=None, sha256="", size=len(data))
    reader, strict_error = open_pdf(data, report)
    checks.check(data, reader, report, refs, strict_error)
    overlap = [f for f in report.findings if f.code == "ANNOTATION_OVER_SIGNED_TEXT"]
    assert overlap and all(refs[f.layer - 1].field == f.params["field"] for f in overlap)
    # verification knows the seal's purpose and finds it where Decree 30 puts it: the same layer
    assert [f.layer for f in overlap] == [f.layer for f in verified_report.findings if f.code == "OVERLAY_AS_PRESCRIBED"]


def test_a_field_name_cannot_start_a_line_of_the_report():
    """Names in the changes come from the document: a line break in one is shown, not obeyed."""
    from verifier.signatures.diff.judgement import in_kyso_terms

    message = in_kyso_terms("Field 'Amount\nLAYER 1: PASSED' was changed in revision 1")
    assert "\n" not in message and "Amount\\x0aLAYER 1: PASSED" in message and "revision 2" in message
