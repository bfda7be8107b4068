"""Pins and the trust store, against the real Vietnamese CA certificates in ../shared/trust."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from asn1crypto import cms, pem
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from archive.cli import main
from archive.trust.store import TrustStore, TrustStoreError
from certs import load_pins, pin_for

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KYSO_SHARED") or Path(__file__).resolve().parents[2] / "shared")
TRUST = SHARED / "trust"

# file in ../shared/trust -> pin name
FILES = {
    "vgca_rootca_g1.pem": "vgca-g1-root",
    "vgca_rootcag2.pem": "vgca-g2-root",
    "vgca_cpcag2.pem": "vgca-g2-cp",
    "neac_vnrca256.pem": "neac-root",
    "vnpt_ca_sha2.pem": "vnpt-ca-sha2",
}


@pytest.fixture
def trust_dir() -> Path:
    if not all((TRUST / f).is_file() for f in FILES):
        pytest.skip(f"real CA certificates not found in {TRUST} (set KYSO_SHARED to the shared folder)")
    return TRUST


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("KYSO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KYSO_LANG", "en")  # these tests read the English wording
    return tmp_path / "home"


@pytest.fixture
def store(home) -> TrustStore:
    return TrustStore.default()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def der_of(path: Path) -> bytes:
    _kind, _hdr, der = pem.unarmor(path.read_bytes())
    return der


def flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def self_signed(cn: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


# -- pins ------------------------------------------------------------------------------


def test_pins_file_is_complete_and_well_formed():
    pins = {p.name: p for p in load_pins()}
    assert set(pins) == {
        "vgca-g1-root", "vgca-g2-root", "vgca-g2-cp", "vgca-g1-cp", "vgca-g2-dcs", "neac-root", "vnpt-ca-sha2",
    }
    assert pins["vgca-g1-cp"].subject == "CA phục vụ các cơ quan Nhà nước"
    assert pins["vgca-g1-cp"].url == "http://ca.gov.vn/pki/pub/cert/cp.crt"
    assert pins["vgca-g1-cp"].sha256 == "75E969C07BA35C29C72BBC1BFB880F20F3891A619B00B77EB02CA6160736A1FE".lower()
    assert pins["vgca-g2-dcs"].sha256 == "E4B402E3CB4CACC0A20D21FA49BCE76BEB4EB47BA7FFB7A8F71C554DBE561A81".lower()
    assert {p.pki for p in pins.values()} == {"government", "public"}


def test_pin_for_accepts_upper_case_and_colons():
    fp = "F04BA4B459A7C9A1B971AD9B1CB833E695A80C79AEA63B174B66A70EDFE2FDB8"
    colons = ":".join(fp[i : i + 2] for i in range(0, 64, 2))
    assert pin_for(colons).name == "vgca-g2-root"
    assert pin_for(fp).name == "vgca-g2-root"
    assert pin_for(fp.lower()).sha256 == fp.lower()  # pins, like every kyso hash, are lower-case
    assert pin_for("00" * 32) is None


@pytest.mark.parametrize("filename,pin_name", FILES.items())
def test_each_real_file_matches_its_pin(trust_dir, filename, pin_name):
    cert = x509.load_pem_x509_certificate((trust_dir / filename).read_bytes())
    der = cert.public_bytes(serialization.Encoding.DER)
    pin = pin_for(hashlib.sha256(der).hexdigest())
    assert pin is not None and pin.name == pin_name
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == pin.subject
    assert cert.not_valid_before_utc.date().isoformat() == pin.valid_from
    assert cert.not_valid_after_utc.date().isoformat() == pin.valid_to
    assert pin.role == ("anchor" if cert.issuer == cert.subject else "intermediate")


# -- import of the real anchors --------------------------------------------------------


@pytest.mark.parametrize("filename,pin_name", FILES.items())
def test_real_file_imports_with_its_pin(trust_dir, store, filename, pin_name):
    result = run("certs", "import", str(trust_dir / filename))
    assert result.exit_code == 0, result.output
    pin = next(p for p in load_pins() if p.name == pin_name)
    assert f"imported: {pin_name} ({pin.role}, {pin.pki})" in result.stdout
    assert "pinned" in result.stdout and "UNPINNED" not in result.stdout
    [entry] = store.entries()
    assert (entry.kind, entry.sha256, entry.pinned, entry.pin_name, entry.source) == (
        pin.role, pin.sha256, True, pin_name, filename,
    )
    stored = store.root / entry.relpath
    assert stored.parent.name == ("anchors" if pin.role == "anchor" else "intermediates")
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == pin.sha256 == entry.sha256
    assert stored.name == f"{pin.sha256}.der"


def test_all_files_in_one_call_then_material(trust_dir, store):
    result = run("certs", "import", *(str(trust_dir / f) for f in FILES))
    assert result.exit_code == 0, result.output
    anchors, intermediates, crls, ocsps = store.material()
    assert len(anchors) == 3 and len(intermediates) == 2 and crls == [] and ocsps == []
    assert {d.name for d in store.root.iterdir() if d.is_dir()} == {"anchors", "intermediates", "crls", "ocsp"}
    index = json.loads((store.root / "index.json").read_text(encoding="utf-8"))
    keys = {
        "kind", "sha256", "subject", "issuer", "not_before", "not_after",
        "pinned", "pin_name", "source", "imported_at",
    }
    assert all(set(e) == keys for e in index["entries"])


def test_der_file_imports(trust_dir, store, tmp_path):
    der = tmp_path / "rootcag2.crt"
    der.write_bytes(der_of(trust_dir / "vgca_rootcag2.pem"))
    assert run("certs", "import", str(der)).exit_code == 0
    assert [e.pin_name for e in store.entries()] == ["vgca-g2-root"]


def test_pkcs7_bundle_imports(trust_dir, store, tmp_path):
    # NEAC publishes its root as vnrca256.p7b, a certs-only SignedData.
    from asn1crypto import x509 as asn1_x509

    cert = asn1_x509.Certificate.load(der_of(trust_dir / "neac_vnrca256.pem"))
    signed = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [],
            "encap_content_info": {"content_type": "data"},
            "certificates": [cert],
            "signer_infos": [],
        }
    )
    p7b = tmp_path / "vnrca256.p7b"
    p7b.write_bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump())
    result = run("certs", "import", str(p7b))
    assert result.exit_code == 0, result.output
    assert [e.pin_name for e in store.entries()] == ["neac-root"]


def test_reimport_is_idempotent(trust_dir, store):
    path = str(trust_dir / "vgca_cpcag2.pem")
    assert run("certs", "import", path).exit_code == 0
    index_before = (store.root / "index.json").read_bytes()
    files_before = sorted(p.relative_to(store.root) for p in store.root.rglob("*.der"))
    again = run("certs", "import", path, path)
    assert again.exit_code == 0
    assert again.stdout.count("already in store: vgca-g2-cp") == 2
    assert (store.root / "index.json").read_bytes() == index_before
    assert sorted(p.relative_to(store.root) for p in store.root.rglob("*.der")) == files_before


# -- chains --------------------------------------------------------------------------------


def _by_pin(store: TrustStore) -> dict[str, x509.Certificate]:
    anchors, intermediates, _crls, _ocsps = store.material()
    out = {}
    for der in anchors + intermediates:
        out[pin_for(hashlib.sha256(der).hexdigest()).name] = x509.load_der_x509_certificate(der)
    return out


def test_g2_issuing_ca_chains_to_g2_root(trust_dir, store):
    for f in ("vgca_rootcag2.pem", "vgca_cpcag2.pem"):
        store.import_certificates((trust_dir / f).read_bytes(), f)
    certs = _by_pin(store)
    certs["vgca-g2-cp"].verify_directly_issued_by(certs["vgca-g2-root"])  # raises if the signature is wrong
    certs["vgca-g2-root"].verify_directly_issued_by(certs["vgca-g2-root"])


def test_vnpt_ca_chains_to_neac_root(trust_dir, store):
    for f in ("neac_vnrca256.pem", "vnpt_ca_sha2.pem", "vgca_rootcag2.pem"):
        store.import_certificates((trust_dir / f).read_bytes(), f)
    certs = _by_pin(store)
    certs["vnpt-ca-sha2"].verify_directly_issued_by(certs["neac-root"])
    with pytest.raises(ValueError):  # the check discriminates: the government root did not issue it
        certs["vnpt-ca-sha2"].verify_directly_issued_by(certs["vgca-g2-root"])


# -- tampered copies -----------------------------------------------------------------------


def test_flipped_signature_byte_is_refused(trust_dir, store, tmp_path):
    der = der_of(trust_dir / "vgca_rootcag2.pem")
    bad = tmp_path / "rootcag2.crt"
    bad.write_bytes(flip(der, len(der) - 10))  # the last bytes are the signature value
    result = run("certs", "import", str(bad))
    assert result.exit_code == 1
    err = result.stderr
    assert "rootcag2.crt" in err and "is not pinned in certs/pins.toml" in err
    assert hashlib.sha256(bad.read_bytes()).hexdigest() in err
    assert "vgca-g2-root" in err and "http://ca.gov.vn/pki/pub/crt/rootcag2.crt" in err
    assert "--unpinned" in err
    assert store.entries() == []


def test_flipped_subject_byte_is_refused(trust_dir, store, tmp_path):
    der = der_of(trust_dir / "vgca_cpcag2.pem")
    cn = "CA phục vụ các cơ quan Nhà nước G2".encode()
    at = der.rindex(cn)  # the subject comes after the issuer in the TBS
    bad_der = flip(der, at)  # "CA …" -> "BA …"
    pem_text = pem.armor("CERTIFICATE", bad_der)
    bad = tmp_path / "cpcag2.pem"
    bad.write_bytes(pem_text)
    result = run("certs", "import", str(bad))
    assert result.exit_code == 1
    assert "BA phục vụ các cơ quan Nhà nước G2" in result.stderr
    assert "is not pinned in certs/pins.toml" in result.stderr
    assert hashlib.sha256(bad_der).hexdigest() in result.stderr
    assert store.entries() == []


def test_every_single_byte_change_is_refused(trust_dir, store):
    der = der_of(trust_dir / "vgca_rootca_g1.pem")
    for offset in range(len(der)):
        with pytest.raises(TrustStoreError) as info:
            store.import_certificates(flip(der, offset), "rootca.crt")
        assert "not pinned" in str(info.value) or "cannot be read as a certificate" in str(info.value)
    assert store.entries() == []


def test_broken_der_is_refused_with_reason(trust_dir, store, tmp_path):
    der = der_of(trust_dir / "vgca_rootcag2.pem")
    bad = tmp_path / "rootcag2.crt"
    bad.write_bytes(der[: len(der) // 2])
    result = run("certs", "import", str(bad))
    assert result.exit_code == 1
    assert "'rootcag2.crt' cannot be read as a certificate" in result.stderr
    assert "download it again" in result.stderr


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, this is not a certificate\n", b"\x30\x03\x02\x01", os.urandom(64) + b"\x30",
     b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"],
    ids=["empty", "text", "short-der", "random", "broken-pem"],
)
def test_garbage_is_refused_cleanly(store, tmp_path, content):
    bad = tmp_path / "garbage.crt"
    bad.write_bytes(content)
    result = run("certs", "import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'garbage.crt' cannot be read as a certificate")
    assert "Traceback" not in result.output
    assert store.entries() == []


def test_refused_file_does_not_stop_the_others(trust_dir, store, tmp_path):
    bad = tmp_path / "garbage.crt"
    bad.write_bytes(b"junk")
    good = [str(trust_dir / "vgca_rootcag2.pem"), str(trust_dir / "vgca_cpcag2.pem")]
    result = run("certs", "import", good[0], str(bad), good[1])
    assert result.exit_code == 1
    assert "garbage.crt" in result.stderr
    assert sorted(e.pin_name for e in store.entries()) == ["vgca-g2-cp", "vgca-g2-root"]


# -- unpinned certificates -----------------------------------------------------------------


def test_unknown_self_signed_needs_unpinned(store, tmp_path):
    cert, _key = self_signed("Test Root kyso")
    path = tmp_path / "test-root.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    fp = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()

    refused = run("certs", "import", str(path))
    assert refused.exit_code == 1
    assert f"fingerprint {fp} of 'CN=Test Root kyso, C=VN' is not pinned" in refused.stderr
    assert "--unpinned" in refused.stderr
    assert store.entries() == []

    accepted = run("certs", "import", "--unpinned", str(path))
    assert accepted.exit_code == 0, accepted.output
    assert "Test Root kyso (anchor, unknown PKI)" in accepted.stdout and "UNPINNED" in accepted.stdout
    assert "WARNING" in accepted.stderr and fp in accepted.stderr
    [entry] = store.entries()
    assert (entry.kind, entry.pinned, entry.pin_name) == ("anchor", False, None)

    listed = json.loads(run("certs", "list", "--json").stdout)
    [row] = [r for r in listed if r["sha256"] == fp]
    assert row == {
        "name": None, "subject": "Test Root kyso", "role": "anchor", "pki": None, "sha256": fp,
        "valid_from": cert.not_valid_before_utc.date().isoformat(),
        "valid_to": cert.not_valid_after_utc.date().isoformat(),
        "pinned": False, "imported": True, "url": None,
    }
    assert "UNPINNED" in run("certs", "list").stdout


def test_unpinned_non_self_signed_goes_to_intermediates(store):
    root, root_key = self_signed("Test Root kyso")
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    sub = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Issuing CA, kyso")]))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(root_key, hashes.SHA256())
    )
    der = sub.public_bytes(serialization.Encoding.DER)
    [entry] = store.import_certificates(der, "sub.cer", unpinned=True)
    assert entry.kind == "intermediate" and not entry.pinned
    assert entry.subject == r"CN=Test Issuing CA\, kyso"
    assert (store.root / "intermediates" / f"{entry.sha256}.der").is_file()


def test_unpinned_flag_keeps_pinned_certificates_pinned(trust_dir, store):
    result = run("certs", "import", "--unpinned", str(trust_dir / "vgca_rootcag2.pem"))
    assert result.exit_code == 0
    assert "WARNING" not in result.stderr
    assert store.entries()[0].pinned


# -- list ----------------------------------------------------------------------------------


def test_list_shows_pins_not_imported(trust_dir, store):
    run("certs", "import", str(trust_dir / "vgca_rootcag2.pem"))
    rows = json.loads(run("certs", "list", "--json").stdout)
    assert all(
        set(r) == {"name", "subject", "role", "pki", "sha256", "valid_from", "valid_to", "pinned", "imported", "url"}
        for r in rows
    )
    by_name = {r["name"]: r for r in rows}
    g1cp = by_name["vgca-g1-cp"]
    assert (g1cp["imported"], g1cp["pinned"]) == (False, True)
    assert (g1cp["role"], g1cp["pki"]) == ("intermediate", "government")
    assert g1cp["url"] == "http://ca.gov.vn/pki/pub/cert/cp.crt" and g1cp["valid_from"] is None
    assert by_name["vgca-g2-root"]["imported"] is True
    assert sum(r["imported"] for r in rows) == 1

    table = run("certs", "list").stdout
    line = next(ln for ln in table.splitlines() if ln.startswith("vgca-g1-cp"))
    assert "not imported" in line and "http://ca.gov.vn/pki/pub/cert/cp.crt" in line
    assert table.splitlines()[0].split()[:3] == ["NAME", "ROLE", "PKI"]


def test_list_on_empty_store_lists_every_pin(home):
    rows = json.loads(run("certs", "list", "--json").stdout)
    assert [r["name"] for r in rows] == [p.name for p in load_pins()]
    assert not any(r["imported"] for r in rows)


def test_hashes_are_listed_lower_case(trust_dir, store):
    """Certificate hashes read the same in `kyso certs list`, the report and the archive's
    evidence rows: lower-case hex, as sha256sum prints them."""
    run("certs", "import", str(trust_dir / "vgca_rootcag2.pem"))
    rows = json.loads(run("certs", "list", "--json").stdout)
    assert rows and all(r["sha256"] == r["sha256"].lower() for r in rows)
    fp = hashlib.sha256(der_of(trust_dir / "vgca_rootcag2.pem")).hexdigest()
    assert next(r for r in rows if r["name"] == "vgca-g2-root")["sha256"] == fp
    assert fp[:16] in run("certs", "list").stdout


def test_a_store_written_with_upper_case_hashes_still_reads(trust_dir, store):
    """Trust stores written before hashes were lower-case (index and file names in upper case)
    keep working: entries come back lower-case and the files are found and checked."""
    run("certs", "import", str(trust_dir / "vgca_rootcag2.pem"))
    [entry] = store.entries()
    index = store.root / "index.json"
    old = json.loads(index.read_text(encoding="utf-8"))
    for e in old["entries"]:
        e["sha256"] = e["sha256"].upper()
    index.write_text(json.dumps(old), encoding="utf-8")
    (store.root / entry.relpath).rename(store.root / entry.legacy_relpath)

    [again] = store.entries()
    assert again.sha256 == entry.sha256 == entry.sha256.lower()
    anchors, _, _, _ = store.material()
    assert anchors == [der_of(trust_dir / "vgca_rootcag2.pem")]
    rows = json.loads(run("certs", "list", "--json").stdout)
    assert next(r for r in rows if r["name"] == "vgca-g2-root")["sha256"] == entry.sha256
    # importing it again rewrites it under its lower-case name
    run("certs", "import", str(trust_dir / "vgca_rootcag2.pem"))
    assert (store.root / entry.relpath).exists()


# -- revocation material -------------------------------------------------------------------


def test_crl_import(store, tmp_path):
    root, key = self_signed("Test Root kyso")
    now = dt.datetime.now(dt.timezone.utc)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=7))
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "test.crl"
    path.write_bytes(crl.public_bytes(serialization.Encoding.DER))
    result = run("certs", "import-crl", str(path))
    assert result.exit_code == 0, result.output
    _a, _i, crls, _o = store.material()
    assert crls == [path.read_bytes()]
    assert run("certs", "import-crl", str(path)).exit_code == 0
    assert len(store.entries()) == 1

    junk = tmp_path / "junk.crl"
    junk.write_bytes(b"not a crl")
    refused = run("certs", "import-crl", str(junk))
    assert refused.exit_code == 1 and "is not a usable CRL" in refused.stderr


def test_a_fresh_crl_retires_only_the_older_crls_of_the_same_issuer_key(store):
    """`kyso certs refresh` drops a superseded CRL of the issuer it fetched for; a CA re-keyed
    under the same name keeps the CRL of its other key, which still covers what that key issued."""
    now = dt.datetime.now(dt.timezone.utc)

    def crl_of(cert, key, when):
        builder = (x509.CertificateRevocationListBuilder().issuer_name(cert.subject).last_update(when)
                   .next_update(when + dt.timedelta(days=7))
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False))
        return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    old_ca, old_key = self_signed("Test CA kyso")
    new_ca, new_key = self_signed("Test CA kyso")  # the same name, another key
    [of_old_key] = store.import_crls(crl_of(old_ca, old_key, now - dt.timedelta(days=2)), "old-key.crl")
    [superseded] = store.import_crls(crl_of(new_ca, new_key, now - dt.timedelta(days=1)), "new-key-before.crl")
    [fresh] = store.import_crls(crl_of(new_ca, new_key, now), "new-key.crl")
    assert {e.sha256 for e in store.retire_older_crls(fresh)} == {superseded.sha256}
    assert {e.sha256 for e in store.entries()} == {of_old_key.sha256, fresh.sha256}


def test_ocsp_response_import(store, tmp_path):
    from cryptography.x509 import ocsp

    root, root_key = self_signed("Test Root kyso")
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Signer")]))
        .issuer_name(root.subject)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(root_key, hashes.SHA256())
    )
    response = (
        ocsp.OCSPResponseBuilder()
        .add_response(
            cert=leaf, issuer=root, algorithm=hashes.SHA1(), cert_status=ocsp.OCSPCertStatus.GOOD,
            this_update=now, next_update=now + dt.timedelta(days=1), revocation_time=None, revocation_reason=None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.NAME, root)
        .sign(root_key, hashes.SHA256())
    )
    path = tmp_path / "signer.ocsp"
    path.write_bytes(response.public_bytes(serialization.Encoding.DER))
    result = run("certs", "import-crl", str(path))
    assert result.exit_code == 0, result.output
    [entry] = store.entries()
    assert entry.kind == "ocsp" and entry.issuer == "CN=Test Root kyso, C=VN"
    assert store.material()[3] == [path.read_bytes()]

    failed = tmp_path / "try-later.ocsp"
    failed.write_bytes(
        ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.TRY_LATER)
        .public_bytes(serialization.Encoding.DER)
    )
    refused = run("certs", "import-crl", str(failed))
    assert refused.exit_code == 1 and "OCSP error response (try_later)" in refused.stderr


def test_material_detects_a_file_changed_on_disk(trust_dir, store):
    [entry] = store.import_certificates((trust_dir / "vgca_rootcag2.pem").read_bytes(), "rootcag2.pem")
    path = store.root / entry.relpath
    path.write_bytes(flip(path.read_bytes(), 100))
    with pytest.raises(TrustStoreError, match="modified on disk"):
        store.material()
    # Re-importing the official file repairs it, although the index already lists it.
    store.import_certificates((trust_dir / "vgca_rootcag2.pem").read_bytes(), "rootcag2.pem")
    assert len(store.material()[0]) == 1
    path.unlink()
    with pytest.raises(TrustStoreError, match="missing"):
        store.material()


# -- the installed command -----------------------------------------------------------------


def _kyso() -> list[str]:
    script = shutil.which("kyso", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "archive"]


def test_kyso_certs_import_in_a_real_process(trust_dir, tmp_path):
    env = {**os.environ, "KYSO_HOME": str(tmp_path / "home"), "KYSO_LANG": "en"}

    def kyso(*args):
        return subprocess.run([*_kyso(), *args], env=env, cwd=REPO, capture_output=True, text=True)

    done = kyso("certs", "import", *(str(trust_dir / f) for f in FILES))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("imported: ") == 5

    bad = tmp_path / "bad.crt"
    bad.write_bytes(flip(der_of(trust_dir / "vgca_cpcag2.pem"), 500))
    refused = kyso("certs", "import", str(bad))
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: 'bad.crt'")

    rows = json.loads(kyso("certs", "list", "--json").stdout)
    assert {r["name"] for r in rows if not r["imported"]} == {"vgca-g1-cp", "vgca-g2-dcs"}


def test_cli_start_up_stays_light():
    code = (
        "import sys, archive.cli; "
        "heavy = [m for m in ('pyhanko', 'sqlalchemy', 'archive.trust.store') if m in sys.modules]; "
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_help_texts_carry_examples():
    for cmd in (["certs"], ["certs", "import"], ["certs", "list"], ["certs", "import-crl"]):
        result = run("--lang", "en", *cmd, "--help")
        assert result.exit_code == 0 and "Example" in result.stdout and "kyso certs" in result.stdout
        result = run("--lang", "vi", *cmd, "--help")
        assert result.exit_code == 0 and "Ví dụ:" in result.stdout and "kyso certs" in result.stdout
