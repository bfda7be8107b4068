"""`kyso archive ltv`: a PAdES-LTV copy of an archived document, for sending on.

The copy is the original's bytes followed by incremental updates, never a rewrite: a Document
Security Store with what validates every signature layer (the certificates of each path, CRLs
and OCSP responses), then a document timestamp from the TSA, then the TSA's own validation data
(pyHanko's PdfTimeStamper, the B-LTA shape). A receiver with only the root can then validate it
offline, now and after the CAs' services are gone. The stored original is only read.

The evidence comes from what the archive kept with the document's verifications, the trust
configuration (trust store, kyso.toml, options) and, with --online, the network; whatever a path
still lacks is named in the error, with the option that would fetch it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timezone
from io import BytesIO

from verifier.report.codes import Phrase
from verifier.report.phrased import PhrasedError


class LtvError(PhrasedError):
    """The copy cannot be made; the message says why and what to do."""


@dataclass
class Material:
    """Validation material beside the trust configuration (DER bytes)."""

    certs: list[bytes] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)
    ocsps: list[bytes] = field(default_factory=list)


def stored_material(archive, doc_id: int) -> Material:
    """Every certificate, CRL and OCSP response the archive kept with the document's
    verifications, newest first; an object that fails its hash is left out (fixity reports it)."""
    from sqlalchemy import select

    from archive.db.models import Evidence, Verification

    material = Material()
    with archive.sessions() as s:
        rows = s.execute(select(Evidence.kind, Evidence.sha256).join(Verification, Evidence.verification_id == Verification.id)
                         .where(Verification.document_id == doc_id).order_by(Verification.id.desc())).all()
    seen = set()
    for kind, sha in rows:
        if sha in seen:
            continue
        seen.add(sha)
        der = archive.blobs.get_if_intact(sha)
        if der is None:
            continue  # missing or altered evidence is none
        {"certificate": material.certs, "crl": material.crls, "ocsp": material.ocsps}.get(kind, []).append(der)
    return material


def ltv_copy(data: bytes, trust, material: Material, tsa_url: str, timeout: float) -> bytes:
    """The PAdES-LTV copy of `data` (bytes in, bytes out). Raises LtvError, or FetchError when
    the TSA fails."""
    from archive.ltv.net import FetchError

    try:
        return asyncio.run(_ltv_copy(data, trust, material, tsa_url, timeout))
    except (LtvError, FetchError):
        raise
    except Exception as exc:  # pyHanko refusing this file's structure for an update (encrypted, damaged)
        raise LtvError(Phrase(f"không thêm được dữ liệu kiểm tra lâu dài vào văn bản này ({exc})",
                              f"long-term validation data cannot be added to this document ({exc})")) from exc


async def _ltv_copy(data: bytes, trust, material: Material, tsa_url: str, timeout: float) -> bytes:
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from asn1crypto import x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
    from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info

    from archive.ltv.tsa import UrlTimeStamper
    from verifier.trust.config import signer_context, timestamp_context

    now = datetime.now(timezone.utc)
    extra = dict(extra_certs=[x509.Certificate.load(d) for d in material.certs],
                 extra_crls=[asn1_crl.CertificateList.load(d) for d in material.crls],
                 extra_ocsps=[asn1_ocsp.OCSPResponse.load(d) for d in material.ocsps])
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception as exc:  # the archived original was verified, so this is rare: a damaged structure
        raise LtvError(Phrase(f"không đọc được cấu trúc chữ ký của văn bản ({exc})",
                              f"the document's signatures cannot be read ({exc})")) from exc
    if not signatures:
        raise LtvError(Phrase("văn bản không có chữ ký số nào để bổ sung dữ liệu kiểm tra lâu dài",
                              "the document has no signature to add long-term validation data for"))
    # revocation data required for every signer's path, as the verifier requires it; the
    # timestamps' TSAs as the verifier judges them (their revocation when at hand)
    signer_vc = signer_context(trust, now, **extra)
    tsa_vc = timestamp_context(trust, now, **extra)
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    for number, sig in enumerate(signatures, start=1):
        try:
            paths = await collect_validation_info(sig, signer_vc, skip_timestamp=True)
        except Exception as exc:  # certvalidator: no path to an anchor, no revocation data, revoked
            hint = ("" if trust.online else "; chạy lại với --online để tải CRL/OCSP và chứng thư số còn thiếu",
                    "" if trust.online else "; run it again with --online to fetch the missing CRLs, OCSP "
                                            "responses and certificates")
            raise LtvError(Phrase(f"chữ ký {number} ({sig.field_name}): không đủ dữ liệu kiểm tra: {exc}{hint[0]}",
                                  f"signature {number} ({sig.field_name}): its validation data is incomplete: "
                                  f"{exc}{hint[1]}")) from exc
        try:
            paths += await collect_validation_info(sig, tsa_vc, skip_timestamp=False)
        except Exception:  # a timestamp whose TSA cannot be validated adds nothing; the signer's data stays
            pass
        DocumentSecurityStore.supply_dss_in_writer(writer, sig.pkcs7_content.hex().encode("ascii"), paths=paths,
                                                   validation_context=signer_vc)
    # what the timestamps needed (fetched into tsa_vc) goes in too
    DocumentSecurityStore.supply_dss_in_writer(writer, None, validation_context=tsa_vc)
    out = BytesIO()
    stamper = PdfTimeStamper(UrlTimeStamper(tsa_url, timeout), field_name="kyso-LTV")
    try:
        await stamper.async_timestamp_pdf(writer, "sha256", validation_context=tsa_vc, output=out)
    except PhrasedError:
        raise
    except Exception as exc:  # the TSA's certificate cannot be validated, the PDF cannot take the update
        raise LtvError(Phrase(f"không thêm được dấu thời gian tài liệu từ {tsa_url}: {exc}",
                              f"the document timestamp from {tsa_url} cannot be added: {exc}")) from exc
    return out.getvalue()
