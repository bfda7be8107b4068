"""`kyso certs refresh` (and the watcher's upkeep) fetch the CRLs named by certificates a CA of
the trust store issued, among them the signers' certificates the archive kept from uploaded
documents. Only a certificate that CA really signed may name an address: a forged one that
only names the CA as its issuer would have kyso fetch whatever it likes, on every refresh.
Real certificates of the live test PKI, a forged one made here, a real trust store on disk."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("certomancer", reason="certomancer (test extra) runs the live test PKI")

INTERNAL = "http://127.0.0.1:9/admin/delete-everything.crl"


def _forged(pki):
    """A certificate naming the live CA as issuer, with a CRL address of the forger's choice,
    signed by a key that is not the CA's."""
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = x509.Name.from_rfc4514_string(x509.load_der_x509_certificate(pki.cert("ca").dump()).subject.rfc4514_string())
    now = dt.datetime.now(dt.timezone.utc)
    point = x509.DistributionPoint([x509.UniformResourceIdentifier(INTERNAL)], None, None, None)
    cert = (x509.CertificateBuilder().subject_name(x509.Name.from_rfc4514_string("CN=Nguyễn Văn Giả"))
            .issuer_name(issuer).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.CRLDistributionPoints([point]), critical=False)
            .sign(key, hashes.SHA256()))
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def test_only_certificates_the_ca_signed_name_crl_addresses(live_pki, tmp_path):
    from archive.ltv.crls import ca_certificates, crl_addresses
    from archive.trust.store import TrustStore

    store = TrustStore(tmp_path / "trust")
    store.import_certificates(live_pki.pem("root", "ca"), "live.pem", unpinned=True)
    forged = _forged(live_pki)
    assert forged.issuer == live_pki.cert("ca").subject  # it names the CA, as a real one does
    genuine = live_pki.cert("good").crl_distribution_points[0]["distribution_point"].native[0]

    addresses = crl_addresses(store, ca_certificates(store), [live_pki.cert("good"), forged])
    assert genuine in addresses
    assert "CA phục vụ các cơ quan Nhà nước G2 TEST" in addresses[genuine]
    assert INTERNAL not in addresses
