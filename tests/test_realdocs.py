"""The real signed documents of ../shared/realdocs: a genuine document is never rejected because
of how the Vietnamese tools write PDFs. Offline, with the real anchors and no revocation data,
each is INDETERMINATE only for what cannot be known offline, and the report says which."""

from __future__ import annotations

import pytest

from tests.conftest import REALDOCS, need_shared

FILES = sorted(p.name for p in REALDOCS.glob("*.pdf")) if REALDOCS.exists() else []
OFFLINE_REASONS = {"TRY_LATER", "NO_CERTIFICATE_CHAIN_FOUND"}


@pytest.fixture(scope="module")
def reports(real_reports):
    return real_reports


def codes_of(report, layer=None):
    """Codes of the findings about layer number `layer` (1-based), or of all findings."""
    return {f.code for f in report.findings if layer is None or f.layer == layer}


def test_all_ten_documents_are_there():
    need_shared(REALDOCS)
    assert len(FILES) == 10


@pytest.mark.parametrize("name", FILES)
def test_indeterminate_only_for_offline_reasons(name, reports):
    report = reports[name]
    assert report.verdict == "INDETERMINATE", [(l.field, l.status, l.subindication, l.problem) for l in report.layers]
    for layer in report.layers:
        assert layer.integrity and layer.cryptographic_validity, (layer.field, layer.problem)
        assert layer.modification_level in ("NONE", "LTA_UPDATES", "FORM_FILLING"), (layer.field, layer.changes)
        assert layer.status == "INDETERMINATE" and layer.subindication in OFFLINE_REASONS, (layer.field, layer.subindication, layer.problem)
    # the report says which: revocation unknown, or the missing G1-era issuing CA
    for number, layer in enumerate(report.layers, start=1):
        expected = "REVOCATION_UNKNOWN" if layer.subindication == "TRY_LATER" else "ISSUER_MISSING"
        assert expected in codes_of(report, number)


def test_layers_are_listed_in_revision_order_with_roles(reports):
    plan = reports["50-2026-ND-CP.pdf"]
    assert [l.role for l in plan.layers] == ["person"] + ["agency"] * 5
    assert plan.layers[0].signer.common_name == "Trần Hồng Hà"
    assert plan.layers[0].certification_level == 2
    assert [l.revision for l in plan.layers] == sorted(l.revision for l in plan.layers)
    assert all(l.pki == "government" for l in plan.layers)
    assert plan.hybrid_xref and "HYBRID_XREF" in codes_of(plan)


def test_digestinfo_without_null_verifies_and_is_reported(reports):
    report = reports["03-vbhn-bkhcn.pdf"]
    number = next(n for n, l in enumerate(report.layers, start=1) if l.field == "SignService-Signature")
    assert report.layers[number - 1].cryptographic_validity
    assert "DIGESTINFO_WITHOUT_NULL" in codes_of(report, number)


def test_sha1_cades_seals_accepted_under_the_government_roots(reports):
    report = reports["03-vbhn-bkhcn.pdf"]
    first = report.layers[0]
    assert first.digest_algorithm == "sha1"
    assert any(r.startswith("LEGACY_SHA1_ACCEPTED") for r in first.relaxed)
    assert "LEGACY_SHA1_ACCEPTED" in codes_of(report, 1)


def test_pss_labelled_pkcs1_signature(reports):
    report = reports["duthaototrinh-luat-ks.pdf"]
    assert report.layers[0].cryptographic_validity
    assert "RSA_PARAMETERS_IGNORED" in codes_of(report, 1)


def test_local_time_labelled_utc_is_recognised(reports):
    for name in ("143-qd.signed.pdf", "49-2026-ND-CP.pdf"):
        layer = reports[name].layers[0]
        assert layer.local_time_as_utc, name
        assert "SIGNING_TIME_LOCAL_AS_UTC" in codes_of(reports[name], 1)
    assert not reports["4cae3b9afe54435faf53f3c8f237776c.pdf"].layers[0].local_time_as_utc


def test_expired_certificates_are_judged_at_their_timestamp(reports):
    report = reports["385.signed.signed.pdf"]
    for layer in report.layers[1:]:
        # these certificates expired in 2026; the VGCA timestamps of 2024 prove the signatures
        # were made while they were valid, so only revocation is left unknown
        assert layer.timestamp is not None and layer.timestamp.trusted
        assert layer.validation_time == layer.timestamp.time
        assert layer.subindication == "TRY_LATER"
        assert layer.valid_at_signing_time is not False


def test_missing_g1_issuing_ca_is_named(reports):
    report = reports["19-bkhcn.pdf"]
    assert [l.subindication for l in report.layers] == ["NO_CERTIFICATE_CHAIN_FOUND"] * 2
    assert "Co quan chung thuc so Chinh phu" in next(f for f in report.findings if f.code == "ISSUER_MISSING").params["issuer"]


# --- Decree 30 profile: what each layer is for, read from certificate, appearance and text ----

PURPOSES = {
    "50-2026-ND-CP.pdf": ["competent", "number", "date", "date", "date", "seal"],  # day, month, year: one layer each
    "49-2026-ND-CP.pdf": ["seal"],
    "385.signed.signed.pdf": ["person", "competent", "number", "date", "seal", "agency"],
    "03-vbhn-bkhcn.pdf": ["person", "competent", "seal", "number", "date"],
    "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf": ["competent", "number", "seal"],
    "duthaototrinh-luat-ks.pdf": ["person"],
    "19-bkhcn.pdf": ["agency", "copy"],
    # scans signed with the tool's image-and-text appearance (the portal's, the ministry's)
    "1009-ttg.signed.pdf": ["agency"],
    "143-qd.signed.pdf": ["agency"],
    "4cae3b9afe54435faf53f3c8f237776c.pdf": ["agency"],
}
PROFILE = {
    # published with the agency's seal only (the person's signature is not in the file)
    "49-2026-ND-CP.pdf": ["ND30_NO_PERSON_SIGNATURE"],
    "1009-ttg.signed.pdf": ["ND30_NO_PERSON_SIGNATURE"],
    "143-qd.signed.pdf": ["ND30_NO_PERSON_SIGNATURE"],
    "4cae3b9afe54435faf53f3c8f237776c.pdf": ["ND30_NO_PERSON_SIGNATURE"],
    # a draft submission: blank number and date, no agency layer, and the one personal
    # signature is a drafting official's, not the printed signer Trần Quý Kiên's
    "duthaototrinh-luat-ks.pdf": ["ND30_AGENCY_LAYER_STRIPPED", "ND30_SIGNER_NAME_MISMATCH"],
}


@pytest.mark.parametrize("name", FILES)
def test_layer_purposes_and_profile(name, reports):
    report = reports[name]
    assert [l.purpose for l in report.layers] == PURPOSES[name], [l.purpose_basis for l in report.layers]
    found = sorted({f.code for f in report.findings if f.code.startswith("ND30_")})
    assert found == PROFILE.get(name, [])


def test_the_decree_reads_as_decree_50_of_the_government(reports):
    report = reports["50-2026-ND-CP.pdf"]
    meta = {k: v["value"] for k, v in report.metadata.items()}
    assert (meta["type_name"], meta["code_number"], meta["code_notation"]) == ("Nghị định", "50", "2026/NĐ-CP")
    assert (meta["issued_date"], meta["organ_name"], meta["signer_name"]) == ("2026-01-31", "Chính phủ", "Trần Hồng Hà")
    assert report.metadata["code_number"]["source"] == "layer 2 appearance (Signature2)"
    competent = report.layers[0]
    assert competent.signer.common_name == meta["signer_name"] and "printed under the signature block" in str(competent.purpose_basis)


def test_covered_text_is_read_through_every_form_of_tounicode(reports):
    """The words under a later widget are decoded as the page shows them, a bfrange mapping
    codes to an array of strings included (385's 'PHÓ CỤC TRƯỞNG', 03-vbhn's 'CÔNG')."""
    import unicodedata

    covered = {name: [unicodedata.normalize("NFC", f.params["text"]) for f in reports[name].findings
                      if f.code in ("ANNOTATION_OVER_SIGNED_TEXT", "OVERLAY_AS_PRESCRIBED")]
               for name in ("385.signed.signed.pdf", "03-vbhn-bkhcn.pdf")}
    assert "PHÓCỤCTRƯỞNG" in covered["385.signed.signed.pdf"]
    assert any(text.startswith("AHỌCVÀCÔ") for text in covered["03-vbhn-bkhcn.pdf"])
    assert not any("\ufffd" in text for texts in covered.values() for text in texts)


# --- appearances over signed content: the decree's layout, not a covering ---------------------------

# (field, placement) of each later layer that lies over what the revision before it displayed,
# where Decree 30 puts it (verifier.decree30.placement): the number in the `Số:` blank, the day,
# month and year in the date line's blanks, the seal over the left of the competent person's
# signature image inside the signature block, that person's signature between title and name
PLACED = {
    "50-2026-ND-CP.pdf": [("Signature2", "number"), ("Signature3", "date"), ("Signature4", "date"),
                          ("Signature6", "seal")],
    "385.signed.signed.pdf": [("Signature2", "signature"), ("Signature3", "number"), ("Signature4", "date"),
                              ("Signature5", "seal")],
    "03-vbhn-bkhcn.pdf": [("Signature2", "seal"), ("Signature3", "number"), ("Signature4", "date")],
    "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf": [("Signature2", "number"), ("Signature3", "seal")],
}
# what stays a warning: on 385 an agency image (initials under the `Lưu:` line) whose box covers
# "02." of `CTTCHC. K02.`; no rule of the decree places it there
WARNED = {"385.signed.signed.pdf": [("ANNOTATION_OVER_SIGNED_TEXT", "Signature6", "02.")]}
OVERLAP_CODES = ("ANNOTATION_OVER_SIGNED_TEXT", "ANNOTATION_OVER_EARLIER_APPEARANCE", "ANNOTATION_OVER_SIGNED_IMAGE",
                 "ANNOTATION_OVER_SIGNED_DRAWING", "ANNOTATION_GEOMETRY_UNRESOLVED", "ANNOTATION_NOT_MEASURED")


@pytest.mark.parametrize("name", FILES)
def test_the_agencys_layers_where_the_decree_puts_them_get_no_overlap_warning(name, reports):
    report = reports[name]
    placed = [f for f in report.findings if f.code == "OVERLAY_AS_PRESCRIBED"]
    assert [(f.params["field"], f.params["placement"]) for f in placed] == PLACED.get(name, [])
    for f in placed:
        layer = report.layers[f.layer - 1]
        assert layer.field == f.params["field"] and layer.revision == f.params["revision"]
        assert {"number": "number", "date": "date", "seal": "seal", "signature": "competent"}[f.params["placement"]] == layer.purpose
        assert f.params["covers"], "only an appearance over something signed needs the decree's word"
    warned = [(f.code, f.params["field"], f.params.get("text")) for f in report.findings if f.code in OVERLAP_CODES]
    assert warned == WARNED.get(name, [])


def test_why_each_placement_is_the_decrees(reports):
    """The basis names what was measured: the blank's label, the share of the signature image."""
    def basis(name, field):
        return next(f.params["basis"] for f in reports[name].findings
                    if f.code == "OVERLAY_AS_PRESCRIBED" and f.params["field"] == field)

    decree = "50-2026-ND-CP.pdf"
    assert basis(decree, "Signature2").startswith("the number is drawn into the blank after 'Số'")
    assert [basis(decree, f"Signature{n}").split("'")[1] for n in (3, 4)] == ["ngày", "tháng"]
    assert "44% of the width of layer 1's signature image, on its left side" in basis(decree, "Signature6")
    # the consolidated text's date layer draws the day and the month from one wide box
    assert "'ngày / tháng'" in basis("03-vbhn-bkhcn.pdf", "Signature4")
    assert "over its own title and name only" in basis("385.signed.signed.pdf", "Signature2")
