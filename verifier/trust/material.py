"""Parsing of trust material handed to the verifier: certificates, CRLs and OCSP responses.

Every loader takes bytes in PEM (one or more blocks) or DER and returns parsed asn1crypto
objects, or raises MaterialError with a sentence a user can act on.
"""

from __future__ import annotations

import hashlib

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509

from verifier.report.codes import Phrase
from verifier.report.phrased import PhrasedError

# what each loader expects, for its messages: (vi, en with its article)
_WHAT = {
    "certificate": ("chứng thư số", "a certificate"),
    "CRL": ("danh sách chứng thư số bị thu hồi (CRL)", "a CRL"),
    "OCSP response": ("phản hồi OCSP", "an OCSP response"),
}


class MaterialError(PhrasedError, ValueError):
    """Trust material that cannot be parsed as what it claims to be; args[0] is a codes.Phrase
    (str() gives the English)."""


def _damaged(what: str, exc: Exception) -> MaterialError:
    # asn1crypto's own words stay for the English reader only: they name ASN.1 internals
    vi = {"certificate": "chứng thư số bị hỏng, không đọc được",
          "CRL": "danh sách chứng thư số bị thu hồi (CRL) bị hỏng, không đọc được",
          "OCSP response": "phản hồi OCSP bị hỏng, không đọc được"}[what]
    return MaterialError(Phrase(vi, f"damaged {what}: {exc}"))


def _blocks(data: bytes, pem_types: tuple[str, ...], what: str) -> list[bytes]:
    vi_what, en_what = _WHAT[what]
    if pem.detect(data):
        try:
            found = [der for kind, _hdr, der in pem.unarmor(data, multiple=True) if kind in pem_types]
        except ValueError as exc:
            raise MaterialError(Phrase(f"lớp bọc PEM của {vi_what} bị hỏng",
                                       f"broken PEM armour in {what}: {exc}")) from exc
        if not found:
            kinds = " hoặc ".join(pem_types), " or ".join(pem_types)
            raise MaterialError(Phrase(f"tệp PEM này không có khối {vi_what} ({kinds[0]})",
                                       f"no {what} block ({kinds[1]}) in this PEM file"))
        return found
    if not data.lstrip()[:1] == b"\x30":
        raise MaterialError(Phrase(f"không phải {vi_what}: không ở dạng PEM, cũng không ở dạng DER",
                                   f"not {en_what}: neither PEM nor DER"))
    return [data]


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """All certificates of a PEM bundle or one DER certificate."""
    out = []
    for der in _blocks(data, ("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"), "certificate"):
        try:
            cert = x509.Certificate.load(der)
            cert.native  # force a full parse so damage is found here, not mid-validation
        except Exception as exc:  # asn1crypto raises ValueError/TypeError on bad DER
            raise _damaged("certificate", exc) from exc
        out.append(cert)
    return out


def load_crls(data: bytes) -> list[asn1_crl.CertificateList]:
    out = []
    for der in _blocks(data, ("X509 CRL",), "CRL"):
        try:
            crl = asn1_crl.CertificateList.load(der)
            crl["tbs_cert_list"]["issuer"].native
        except Exception as exc:
            raise _damaged("CRL", exc) from exc
        out.append(crl)
    return out


def load_ocsp_responses(data: bytes) -> list[asn1_ocsp.OCSPResponse]:
    out = []
    for der in _blocks(data, ("OCSP RESPONSE",), "OCSP response"):
        try:
            resp = asn1_ocsp.OCSPResponse.load(der)
            resp["response_status"].native
        except Exception as exc:
            raise _damaged("OCSP response", exc) from exc
        out.append(resp)
    return out


def sha256_fingerprint(cert: x509.Certificate) -> str:
    """Lower-case hex SHA-256 of the DER encoding, like every hash kyso writes."""
    return hashlib.sha256(cert.dump()).hexdigest()


def is_self_signed(cert: x509.Certificate) -> bool:
    return cert.self_signed in ("maybe", "yes")
