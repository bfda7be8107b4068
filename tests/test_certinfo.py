"""What a layer says about its signer's certificate is worked out once per certificate and
handed out as copies: the same seal signs layer after layer."""

from __future__ import annotations

from asn1crypto import pem, x509

from tests.conftest import SAMPLES
from verifier.trust import certinfo


def agency_cert() -> x509.Certificate:
    _, _, der = pem.unarmor((SAMPLES / "pki" / "agency.pem").read_bytes())
    return x509.Certificate.load(der)


def test_a_certificate_is_described_once_and_each_caller_gets_its_own_copy():
    cert = agency_cert()
    certinfo._described.clear()
    first = certinfo.described(x509.Certificate.load(cert.dump()))
    first[0].organizational_units.append("changed by a caller")
    first[1].key_usage.clear()
    second = certinfo.described(x509.Certificate.load(cert.dump()))  # another object, the same encoding
    assert len(certinfo._described) == 1
    signer = certinfo.signer_of(cert)
    assert second == (signer, certinfo.facts_of(cert))
    assert second[1].key_usage


def test_a_certificate_name_is_written_one_way_everywhere_a_whole_name_is_shown():
    """RFC 4514 with short labels, as OpenSSL, DSS and the trust store print names; asn1crypto's
    "Common Name: …, Organization: …" form is English prose inside a Vietnamese report."""
    cert = agency_cert()
    signer, facts = certinfo.described(cert)
    assert signer.subject == facts.subject == certinfo.format_name(cert.subject)
    assert facts.subject.startswith("CN=") and "Common Name" not in facts.subject
    assert facts.issuer == certinfo.format_name(cert.issuer) and facts.issuer.startswith("CN=")
    assert certinfo.common_name(facts.subject) == signer.common_name
