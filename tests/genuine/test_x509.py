"""adbe.x509.rsa_sha1 (ISO 32000-1 §12.8.3.2), the legacy format without a CMS: a PKCS#1 RSA
signature value in /Contents, the signer's certificate (or the chain) in /Cert. pyHanko cannot
parse it; kyso validates it in full (verifier.signatures.x509sig) instead of failing the layer."""

from __future__ import annotations

import pytest

from tests.attacks import kit
from tests.conftest import SAMPLES
from tests.genuine import x509_kit
from tests.genuine.test_formats import _sha1_allowed_under_the_test_root



@pytest.fixture(scope="module")
def signed(base) -> bytes:
    return x509_kit.sign(base)



def _root_only():
    """Trust in the G2 test root alone (and its CRLs): the issuing CA must come from the document."""
    from verifier.trust.config import TrustConfig

    config = TrustConfig()
    config.add_bundle((SAMPLES / "pki" / "root-g2.pem").read_bytes())
    for crl in ("ca-g2.crl", "root-g2.crl"):
        config.add_crls((SAMPLES / "pki" / "crl" / crl).read_bytes())
    return config


def test_a_pkcs1_signature_with_its_certificate_is_validated_in_full(signed, trust):
    report = kit.verify(signed, trust)
    layer = report.layers[0]
    assert layer.sub_filter == "/adbe.x509.rsa_sha1" and layer.digest_algorithm == "sha1"
    assert layer.integrity and layer.cryptographic_validity and layer.trusted, kit.explain(report)
    assert layer.signer.common_name == "Trịnh Văn Nam" and layer.role == "person"
    assert len(layer.chain) == 3 and layer.coverage == "ENTIRE_FILE" and layer.signing_time_source == "pdf_m"
    assert not kit.structural(report), kit.explain(report)
    # SHA-1 under a test root: the policy refuses the algorithm, which is no proof of forgery
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE")
    allowed = kit.verify(signed, _sha1_allowed_under_the_test_root(trust))
    assert [x.status for x in allowed.layers] == ["PASSED"] and allowed.verdict == "VALID", kit.explain(allowed)


def test_the_chain_in_a_cert_array_is_used(base):
    """/Cert as an array (signer first, then the issuing CA): the chain is built from it."""
    trust = _sha1_allowed_under_the_test_root(_root_only())
    with_chain = kit.verify(x509_kit.sign(base, cert=["director", "ca-g2"]), trust)
    assert (with_chain.layers[0].status, with_chain.verdict) == ("PASSED", "VALID"), kit.explain(with_chain)
    alone = kit.verify(x509_kit.sign(base), trust)
    assert (alone.layers[0].status, alone.layers[0].subindication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")


def test_a_sha256_digestinfo_is_accepted_and_reported(base, trust):
    report = kit.verify(x509_kit.sign(base, algorithm="sha256"), trust)
    layer = report.layers[0]
    assert layer.digest_algorithm == "sha256" and layer.signature_algorithm == "rsassa_pkcs1v15"
    assert (layer.status, report.verdict) == ("PASSED", "VALID"), kit.explain(report)


def test_with_cms_signatures_before_and_after(base, trust):
    """The x509 field is a signature field to the other layers' difference analysis, and its
    own difference analysis runs over the revision signed after it."""
    trust = _sha1_allowed_under_the_test_root(trust)
    two = x509_kit.sign(kit.sign(base, field="First"), field="Second")
    report = kit.verify(two, trust)
    assert [x.status for x in report.layers] == ["PASSED"] * 2 and report.verdict == "VALID", kit.explain(report)
    report = kit.verify(kit.sign(two, "clerk", field="Third"), trust)
    assert [x.field for x in report.layers] == ["First", "Second", "Third"]
    assert [x.status for x in report.layers] == ["PASSED"] * 3 and report.verdict == "VALID", kit.explain(report)
    assert report.layers[1].coverage == "ENTIRE_REVISION" and report.layers[1].revision == 3
