"""A two-certificate PKI (root and signer) for each kind of key a signing tool may use, and a
document signed with it by pyHanko: what the EU DSS and pyHanko corpora hold besides RSA."""

from __future__ import annotations

import datetime
import io

from tests.conftest import SAMPLES

KINDS = ("rsa-pkcs1-sha256", "rsa-pkcs1-sha512", "rsa-pss", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521",
         "ecdsa-brainpool", "ecdsa-secp256k1", "ed25519", "ed448")


def _key(kind: str):
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    curves = {"ecdsa-p256": ec.SECP256R1, "ecdsa-p384": ec.SECP384R1, "ecdsa-p521": ec.SECP521R1,
              "ecdsa-brainpool": ec.BrainpoolP256R1, "ecdsa-secp256k1": ec.SECP256K1}
    if kind in curves:
        return ec.generate_private_key(curves[kind]())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind == "ed448":
        return ed448.Ed448PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _hash(kind: str):
    from cryptography.hazmat.primitives import hashes

    return None if kind.startswith("ed") else (hashes.SHA512() if kind.endswith("sha512") else hashes.SHA256())


def pki(kind: str):
    """(root DER, signer DER, signer key as PKCS#8 DER, the root's CRL DER, revoking nothing)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID

    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    root_key, leaf_key = _key(kind), _key(kind)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def cert(subject, issuer, public, signing_key, ca):
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public)
             .serial_number(x509.random_serial_number()).not_valid_before(start)
             .not_valid_after(start + datetime.timedelta(days=3650))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
             .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                                          data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                                          encipher_only=False, decipher_only=False), critical=True))
        return b.sign(signing_key, _hash(kind)).public_bytes(serialization.Encoding.DER)

    root = cert(name(f"TEST Root {kind}"), name(f"TEST Root {kind}"), root_key.public_key(), root_key, True)
    leaf = cert(name(f"Nguyễn Văn Khóa {kind}"), name(f"TEST Root {kind}"), leaf_key.public_key(), root_key, False)
    key = leaf_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    crl = (x509.CertificateRevocationListBuilder().issuer_name(name(f"TEST Root {kind}"))
           .last_update(start).next_update(start + datetime.timedelta(days=3650))
           .sign(root_key, _hash(kind)).public_bytes(serialization.Encoding.DER))
    return root, leaf, key, crl


def signed(kind: str) -> tuple[object, bytes]:
    """(a trust configuration with the root and its CRL, the unsigned sample plan signed once
    with a key of that kind)."""
    from asn1crypto import keys, x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from verifier.trust.config import TrustConfig

    root, leaf, key, crl = pki(kind)
    trust = TrustConfig()
    trust.add_bundle(root)
    trust.add_crls(crl)
    signer = signers.SimpleSigner(
        signing_cert=x509.Certificate.load(leaf), signing_key=keys.PrivateKeyInfo.load(key),
        cert_registry=None, prefer_pss=kind == "rsa-pss",
    )
    meta = signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm="sha512" if kind.endswith("sha512") else None)
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO((SAMPLES / "no-signatures.pdf").read_bytes())), meta,
                     signer=signer, output=out)
    return trust, out.getvalue()
