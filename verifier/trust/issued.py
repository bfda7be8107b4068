"""Whether a CA really issued something: a certificate, a CRL or an OCSP response checked
against the CA certificate's key (RFC 5280 §6.1.3, §6.3.3; RFC 6960 §4.2.2.2).

The one place for it: the VGCA list's CAs (archive.ltv.vgca), CRLs downloaded into the store and
the addresses of the certificates whose CRLs are downloaded (archive.ltv.crls), and a revocation
after a proven signing time (verifier.signatures.layer) all rest on it. A signature that cannot
be checked (an algorithm or key the validator does not take) proves nothing: False.
"""

from __future__ import annotations

from asn1crypto import x509


def signed_by(issuer: x509.Certificate, signed: bytes, signature: bytes, algorithm) -> bool:
    """Whether `signature` (with `algorithm`, an asn1crypto SignedDigestAlgorithm) over the DER
    `signed` verifies with `issuer`'s public key."""
    from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

    try:
        DefaultSignatureValidator().validate_signature(signature, signed, issuer.public_key, algorithm)
        return True
    except Exception:  # noqa: BLE001 - wrong key, unsupported algorithm, damaged value: not proven
        return False


def certificate_issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """`cert` names `issuer` as its issuer and carries its signature."""
    return cert.issuer == issuer.subject and signed_by(
        issuer, cert["tbs_certificate"].dump(), cert["signature_value"].native, cert["signature_algorithm"])


def crl_issued_by(crl, issuer: x509.Certificate) -> bool:
    """A CRL (asn1crypto CertificateList) that names `issuer` and carries its signature."""
    tbs = crl["tbs_cert_list"]
    return tbs["issuer"] == issuer.subject and signed_by(issuer, tbs.dump(), crl["signature"].native,
                                                         crl["signature_algorithm"])


def ocsp_issued_for(basic, issuer: x509.Certificate) -> bool:
    """Whether a BasicOCSPResponse is signed by `issuer` itself, or by a responder certificate in
    it that `issuer` issued for OCSP signing (RFC 6960 §4.2.2.2)."""
    tbs, signature, algorithm = basic["tbs_response_data"].dump(), basic["signature"].native, basic["signature_algorithm"]
    if signed_by(issuer, tbs, signature, algorithm):
        return True
    for responder in basic["certs"] or ():
        purposes = responder.extended_key_usage_value.native if responder.extended_key_usage_value else ()
        if "ocsp_signing" in purposes and certificate_issued_by(responder, issuer) \
                and signed_by(responder, tbs, signature, algorithm):
            return True
    return False
