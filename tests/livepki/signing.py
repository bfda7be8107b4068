"""PDFs signed in layers by the live PKI, as the VGCA tools write them: adbe.pkcs7.detached, the
CMS holding only the signer's certificate (the chain must come from caIssuers or the trust
configuration), optionally a signature timestamp from the live TSA, optionally the chain and the
CRLs embedded afterwards in a DSS (what makes a document verifiable offline).
"""

from __future__ import annotations

from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
BASE = SAMPLES / "no-signatures.pdf"
FAKE_TIME_HEADER = "X-Certomancer-Fake-Time"


def _pdf_signer(meta, signer, timestamper, at: datetime):
    from pyhanko.sign import signers

    class AtTimeSigner(signers.PdfSigner):
        """pyHanko always signs 'now'; a layer made at a past moment needs its session's time."""

        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = at
            return session

    return AtTimeSigner(meta, signer, timestamper=timestamper)


def sign_layers(pki, signers: list[str], *, timestamp: bool = False, at: datetime | None = None,
                dss: bool = False, base: bytes | None = None) -> bytes:
    """`base` (the unsigned sample plan by default) signed by each of `signers` in turn (labels
    of the live PKI: good, seal, revoked, revoked-later), each layer at `at` (default now) and,
    with `timestamp`, with a signature timestamp the live TSA issues for that moment; with `dss`,
    a last revision adds a DSS with the CA, the root and the CRLs of both as served now."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers as pyhanko_signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    at = at or datetime.now(timezone.utc)
    data = base if base is not None else BASE.read_bytes()
    for index, label in enumerate(signers, start=1):
        signer = pyhanko_signers.SimpleSigner(
            signing_cert=pki.cert(label), signing_key=pki.key(label),
            cert_registry=SimpleCertificateStore())  # only the leaf in the CMS, as the tools write it
        meta = pyhanko_signers.PdfSignatureMetadata(
            field_name=f"Signature{index}", md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
        timestamper = None
        if timestamp:
            timestamper = HTTPTimeStamper(pki.tsa_url, headers={FAKE_TIME_HEADER: at.isoformat()})
        out = BytesIO()
        _pdf_signer(meta, signer, timestamper, at).sign_pdf(IncrementalPdfFileWriter(BytesIO(data)), output=out)
        data = out.getvalue()
    if dss:
        data = add_dss(pki, data)
    return data


def add_dss(pki, data: bytes) -> bytes:
    """The document with a DSS revision holding the chain and the CRLs served now."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    buf = BytesIO(data)
    DocumentSecurityStore.add_dss(buf, None, certs=[pki.cert("ca"), pki.cert("root"), pki.cert("tsa")],
                                  crls=[pki.crl("ca"), pki.crl("root")], force_write=True)
    return buf.getvalue()
