"""A build-time sanity check of the corpus with plain pyHanko; not kyso's verifier.

It answers one question: does each sample fail (or pass) for the reason it was built for, and
not by an accident of the build? So it prints, per signature field, what pyHanko sees, with
the trust bundle and only the CRLs embedded in that signature, in hard-fail mode, at the
signing time corrected for the tools' 7-hour signingTime skew.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from io import BytesIO
from pathlib import Path

from asn1crypto import crl as asn1_crl, pem, x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    FormUpdatingRule,
    GenericFieldModificationRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
)
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

# P=2 permits signing: new signed signature fields after certification are allowed, nothing more
POLICY = StandardDiffPolicy(
    global_rules=DEFAULT_DIFF_POLICY.global_rules,
    form_rule=FormUpdatingRule(field_rules=[
        SigFieldCreationRule(allow_new_visible_after_certify=True),
        SigFieldModificationRule(), GenericFieldModificationRule()]))
SKEW = dt.timedelta(hours=7)
AGENCY_WORDS = ("SỞ", "TRƯỜNG", "UBND", "ỦY BAN", "BỘ", "CỤC", "BAN", "PHÒNG", "TRUNG TÂM")


def _trust(path: Path):
    certs = [asn1_x509.Certificate.load(der)
             for _t, _h, der in pem.unarmor(path.read_bytes(), multiple=True)]
    roots = [c for c in certs if c.self_signed in ("maybe", "yes")]
    return roots, [c for c in certs if c not in roots]


def _embedded_crls(sig) -> list[asn1_crl.CertificateList]:
    attrs = sig.signer_info["signed_attrs"]
    for a in attrs:
        if a["type"].native == "adobe_revocation_info_archival":
            return list(a["values"][0]["crl"])
    return []


def _role(cn: str) -> str:
    return "agency" if cn.upper().startswith(AGENCY_WORDS) else "person"


def _sig_fields(reader) -> list[tuple[str, str]]:
    out = []
    if "/AcroForm" not in reader.root:
        return out
    form = reader.root["/AcroForm"]
    for f in (form["/Fields"] if "/Fields" in form else []):
        f = f.get_object()
        if f.get("/FT") == "/Sig" and "/V" in f:
            out.append((str(f["/T"]), str(f["/V"].get_object().get("/SubFilter"))))
    return out


def check_file(path: Path, roots, inter) -> tuple[str, int, list[str], list[str]]:
    """(verdict, layer count, roles, notes) as far as plain pyHanko can tell."""
    notes: list[str] = []
    try:
        reader = PdfFileReader(BytesIO(path.read_bytes()))
        if reader.encrypted:
            if reader.decrypt(b"").status.name == "FAILED":
                return "ERROR", 0, [], ["encrypted, empty user password refused"]
            notes.append("encrypted, opened with the empty user password")
        fields = _sig_fields(reader)
    except Exception as exc:  # the point is to see any failure
        return "ERROR", 0, [], [f"{type(exc).__name__}: {exc}"[:120]]
    if not fields:
        return "INVALID", 0, [], ["no signature fields"]
    try:
        sigs = reader.embedded_regular_signatures
    except Exception as exc:  # pyHanko drops the whole list when one CMS does not parse
        return "INVALID", len(fields), ["?"] * len(fields), [
            f"signature list: {type(exc).__name__}: {exc}"[:120]]
    by_name = {s.field_name: s for s in sigs}
    verdict, roles = "VALID", []
    for name, subfilter in fields:
        sig = by_name.get(name)
        if sig is None:
            notes.append(f"{name}: {subfilter} not validated by pyHanko")
            roles.append("?")
            verdict = "INDETERMINATE" if verdict == "VALID" else verdict
            continue
        cn = sig.signer_cert.subject.native.get("common_name", "?")
        roles.append(_role(cn))
        st_attr = sig.self_reported_timestamp
        moment = st_attr - SKEW if st_attr else None
        vc = ValidationContext(trust_roots=roots, other_certs=inter, crls=_embedded_crls(sig),
                               allow_fetching=False, revocation_mode="hard-fail", moment=moment)
        try:
            st = validate_pdf_signature(sig, signer_validation_context=vc, diff_policy=POLICY)
        except Exception as exc:
            notes.append(f"{name} ({cn}): {type(exc).__name__}: {exc}"[:160])
            verdict = "INVALID"
            continue
        ok = st.bottom_line
        notes.append(
            f"{name} ({cn}): intact={st.intact} valid={st.valid} trusted={st.trusted} "
            f"revoked={st.revoked} mod={st.modification_level.name if st.modification_level else None} "
            f"docmdp_ok={st.docmdp_ok} coverage={st.coverage.name} "
            f"indic={st.trust_problem_indic.name if st.trust_problem_indic else '-'} "
            f"crls={len(_embedded_crls(sig))} md={sig.md_algorithm}")
        if not ok:
            verdict = "INVALID"
    return verdict, len(fields), roles, notes


def run(samples_dir: Path) -> int:
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    manifest = json.loads((samples_dir / "manifest.json").read_text(encoding="utf-8"))
    roots, inter = _trust(samples_dir / manifest["trust"])
    bad = 0
    for s in manifest["samples"]:
        verdict, layers, roles, notes = check_file(samples_dir / s["file"], roots, inter)
        match = verdict == s["verdict"] and layers == s["layers"] and (
            roles == s["roles"] or "?" in roles)
        bad += not match
        print(f"{'ok ' if match else 'BAD'} {s['file']}: pyHanko {verdict} {layers} {roles}; "
              f"expected {s['verdict']} {s['layers']} {s['roles']}")
        for n in notes:
            print(f"      {n}")
    return 1 if bad else 0
