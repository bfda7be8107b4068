"""Two exact tolerances for how real signing tools encode RSA signatures in CMS.

Both concern fields that carry no security weight and both still require the signature value to
verify with the certificate's key over exactly the signed bytes, so neither opens a door that a
forger could use.
"""

from __future__ import annotations

import hashlib

from asn1crypto import algos, cms, core
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
