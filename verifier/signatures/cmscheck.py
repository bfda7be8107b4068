"""Checks on the CMS that pyHanko does not make: exact tolerances for how real signing tools
name and encode RSA and ECDSA signatures, and every SignerInfo of a CMS checked, not only the
first.

The tolerances concern fields that carry no security weight and all still require the signature
value to verify with the certificate's key over exactly the signed bytes, so none opens a door
that a forger could use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from asn1crypto import algos, cms, core, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
NULL_DER = b"\x05\x00"
_HASH_OIDS = {
    "sha1": "1.3.14.3.2.26",
    "sha224": "2.16.840.1.101.3.4.2.4",
    "sha256": "2.16.840.1.101.3.4.2.1",
    "sha384": "2.16.840.1.101.3.4.2.2",
    "sha512": "2.16.840.1.101.3.4.2.3",
}


def _digest_info_without_params(md_algorithm: str, digest: bytes) -> bytes:
    # DER by hand: every length here is below 128, so short-form lengths are exact.
    oid = core.ObjectIdentifier(_HASH_OIDS[md_algorithm]).dump()
    alg = b"\x30" + bytes([len(oid)]) + oid
    octets = b"\x04" + bytes([len(digest)]) + digest
    return b"\x30" + bytes([len(alg) + len(octets)]) + alg + octets


class LenientRsaValidator(DefaultSignatureValidator):
    """PKCS#1 v1.5 verification that also accepts a DigestInfo whose AlgorithmIdentifier omits the
    NULL parameter (RFC 8017 §9.2 note 2 and RFC 4055 §2.1 allow both encodings; one VGCA signing
    service writes the short form). The recovered DigestInfo must equal, byte for byte, the
    parameter-less encoding of the expected digest algorithm and digest: nothing else passes.

    Signatures accepted this way are remembered (by value) so that the report can say so.
    """

    def __init__(self) -> None:
        self.accepted_without_null: set[bytes] = set()

    def validate_signature(self, signature, signed_data, public_key_info, signature_algorithm, context=None):
        kwargs = {} if context is None else {"context": context}
        try:
            return super().validate_signature(signature, signed_data, public_key_info, signature_algorithm, **kwargs)
        except InvalidSignature:
            if not self._short_digest_info_matches(signature, signed_data, public_key_info, signature_algorithm, context):
                raise
            self.accepted_without_null.add(bytes(signature))

    @staticmethod
    def _short_digest_info_matches(signature, signed_data, public_key_info, signature_algorithm, context) -> bool:
        try:
            if signature_algorithm.signature_algo != "rsassa_pkcs1v15":
                return False
            md = signature_algorithm.hash_algo
        except ValueError:
            md = None
        if md is None and context is not None:
            md = context.contextual_md_algorithm
        if md not in _HASH_OIDS:
            return False
        key = load_der_public_key(public_key_info.dump())
        if not isinstance(key, rsa.RSAPublicKey):
            return False
        try:
            recovered = key.recover_data_from_signature(bytes(signature), padding.PKCS1v15(), None)
        except InvalidSignature:
            return False
        prehashed = context is not None and context.prehashed
        digest = bytes(signed_data) if prehashed else hashlib.new(md, bytes(signed_data)).digest()
        return recovered == _digest_info_without_params(md, digest)


def repair_rsa_parameters(signer_info: cms.SignerInfo) -> cms.SignerInfo | None:
    """A SignerInfo that declares rsaEncryption but carries parameters other than NULL (one
    signing tool writes RSASSA-PSS parameters there while producing PKCS#1 v1.5 signatures) cannot
    be parsed by asn1crypto. rsaEncryption means PKCS#1 v1.5 and its parameters must be NULL
    (RFC 3370 §3.2); they are not covered by the signature, so they are replaced by NULL and the
    signature is verified as PKCS#1 v1.5. Returns the repaired SignerInfo, or None if no repair
    was needed."""
    sig_alg = signer_info["signature_algorithm"]
    if sig_alg["algorithm"].dotted != RSA_ENCRYPTION:
        return None
    raw = sig_alg.contents
    oid_len = len(core.ObjectIdentifier(RSA_ENCRYPTION).dump())
    params = raw[oid_len:]
    if params in (b"", NULL_DER):
        return None
    repaired = signer_info.copy()
    repaired["signature_algorithm"] = algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"})
    return repaired


ID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
_ECDSA_WITH = {"sha1": "sha1_ecdsa", "sha224": "sha224_ecdsa", "sha256": "sha256_ecdsa", "sha384": "sha384_ecdsa",
               "sha512": "sha512_ecdsa", "sha3_256": "sha3_256_ecdsa", "sha3_384": "sha3_384_ecdsa",
               "sha3_512": "sha3_512_ecdsa"}


def repair_ecdsa_identifier(signer_info: cms.SignerInfo, key_algorithm: str | None) -> cms.SignerInfo | None:
    """A SignerInfo of an EC key whose signatureAlgorithm names the key type, id-ecPublicKey,
    where RFC 5753 §2.1.1 wants ecdsa-with-<digest> (iText 5 writes it so; Acrobat accepts it,
    pyHanko and BouncyCastle do not): ECDSA is the only signature an EC key makes in a CMS, so
    it is verified as ECDSA with the SignerInfo's digestAlgorithm, which the policy judges as
    any other. The field is outside what is signed; a value that is not a valid ECDSA signature
    of the certificate's key over the signed attributes still fails. None when no repair is
    needed or possible (another key, an unknown digest)."""
    sig_alg = signer_info["signature_algorithm"]
    if sig_alg["algorithm"].dotted != ID_EC_PUBLIC_KEY or key_algorithm != "ec":
        return None
    name = _ECDSA_WITH.get(signer_info["digest_algorithm"]["algorithm"].native)
    if name is None:
        return None
    repaired = signer_info.copy()
    repaired["signature_algorithm"] = algos.SignedDigestAlgorithm({"algorithm": name})
    return repaired


# --- every SignerInfo of a CMS ------------------------------------------------------------------

@dataclass(frozen=True)
class SignerInfoCheck:
    """One SignerInfo checked against the signed bytes, with the certificate its SignerIdentifier
    names. `None` in a boolean means it could not be established (never evidence either way)."""

    index: int  # position in signerInfos, from 0
    certificate: x509.Certificate | None  # the one its SignerIdentifier names, among the CMS certificates
    digest_matches: bool | None  # messageDigest equals the signed bytes' digest (None: no signed attributes)
    signature_valid: bool | None  # the signature value verifies with that certificate's key
    subindication: str | None = None  # EN 319 102-1 sub-indication when it did not pass
    problem: str | None = None  # why, in words

    @property
    def status(self) -> str:
        """PASSED, FAILED (proven by the bytes) or INDETERMINATE, for this SignerInfo alone."""
        if self.digest_matches is False:
            return "FAILED"
        if self.signature_valid is False:
            return "FAILED"
        if self.subindication in _PROVEN_FAILURES:
            return "FAILED"
        if self.signature_valid and self.subindication is None:
            return "PASSED"
        return "INDETERMINATE"


_PROVEN_FAILURES = frozenset({"FORMAT_FAILURE", "HASH_FAILURE", "SIG_CRYPTO_FAILURE"})


def check_signer_infos(signed_data: cms.SignedData, signed: bytes | Mapping[str, bytes], *,
                       validator=None) -> list[SignerInfoCheck]:
    """Each SignerInfo of `signed_data`, checked against the bytes the signature covers: `signed`
    is those bytes, or their digests by hash name ('sha256': …). pyHanko validates one SignerInfo
    and refuses a SignedData with more; a CMS whose every signer is reported must have every
    signer checked, since the one that is not checked is the one a forger would add."""
    digests = dict(signed) if isinstance(signed, Mapping) else None
    certs = [c.chosen for c in signed_data["certificates"] or () if c.name == "certificate"]
    content_type = signed_data["encap_content_info"]["content_type"].native
    results = []
    for index, signer_info in enumerate(signed_data["signer_infos"]):
        results.append(_check_one(index, signer_info, certs, content_type, signed, digests, validator))
    return results


def _check_one(index, signer_info, certs, content_type, signed, digests, validator) -> SignerInfoCheck:
    from pyhanko.sign.general import match_issuer_serial
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    def fail(subindication, problem, cert=None):
        return SignerInfoCheck(index, cert, None, None, subindication, problem)

    try:
        sid = signer_info["sid"]
        if sid.name == "issuer_and_serial_number":
            named = [c for c in certs if match_issuer_serial(sid.chosen, c)]
        else:
            named = [c for c in certs if c.key_identifier == sid.chosen.native]
        if not named:
            return fail("NO_SIGNING_CERTIFICATE_FOUND", "the certificate its SignerIdentifier names is not in the CMS")
        cert = named[0]
        md = signer_info["digest_algorithm"]["algorithm"].native
    except (ValueError, TypeError, KeyError) as exc:  # asn1crypto parses lazily: a bad SignerInfo shows here
        return fail("FORMAT_FAILURE", f"the SignerInfo cannot be read: {type(exc).__name__}: {exc}")
    if digests is not None:
        digest = digests.get(md)
        if digest is None:
            return fail("SIGNED_DATA_NOT_FOUND", f"no {md} digest of the signed bytes was given", cert)
    else:
        try:
            digest = hashlib.new(md, signed).digest()
        except (ValueError, TypeError):
            return fail("CRYPTO_CONSTRAINTS_FAILURE", f"the digest algorithm {md} is not supported", cert)
    try:
        intact, valid = validate_sig_integrity(signer_info, cert, content_type, digest, sig_validator=validator)
    except SignatureValidationError as exc:
        return fail(exc.ades_subindication.name, exc.failure_message, cert)
    except (NotImplementedError, InvalidSignature, ValueError) as exc:
        # an algorithm or key cryptography cannot use: not a proof that the signature is wrong
        return fail("CRYPTO_CONSTRAINTS_FAILURE", f"{type(exc).__name__}: {exc}", cert)
    if signer_info["signed_attrs"] is core.VOID:
        intact = None  # no signed attributes: the signature itself covers the digest
    if intact is False:
        return SignerInfoCheck(index, cert, False, valid, "HASH_FAILURE",
                               "its message digest is not the digest of the signed bytes")
    if not valid:
        return SignerInfoCheck(index, cert, intact, False, "SIG_CRYPTO_FAILURE",
                               "its signature value does not verify with the key of the certificate it names")
    return SignerInfoCheck(index, cert, intact, True)


def failed(checks: list[SignerInfoCheck]) -> SignerInfoCheck | None:
    """The first SignerInfo proven to fail, if any: the layer fails with it."""
    return next((c for c in checks if c.status == "FAILED"), None)


# --- signed attributes in DER order -------------------------------------------------------------

def signed_attributes_in_der_order(signer_info: cms.SignerInfo) -> bool:
    """Whether the signed attributes are written as DER requires of a SET OF (X.690 §11.6: sorted
    by their encodings). pyHanko, like the CMS standard's receivers, verifies the signature over
    the bytes as received, so another order still verifies here; stricter verifiers re-encode
    the set in DER and reject the signature."""
    attrs = signer_info["signed_attrs"]
    if attrs is core.VOID or attrs is None:
        return True
    try:
        items = [a.dump() for a in attrs]
        return b"".join(items) == attrs.contents and items == sorted(items)
    except Exception:  # unreadable attributes are judged by the signature validation itself
        return True
