"""PDFs whose CMS OpenSSL wrote, as a streaming signer writes it: BER with indefinite lengths.

pyHanko prepares the signature dictionary and its placeholder (interrupted signing with an
ExternalSigner), `openssl cms -sign` signs the bytes the /ByteRange covers, and pyHanko writes
that CMS into the placeholder unchanged. Only OpenSSL's bytes are signed bytes; nothing is mocked.

OpenSSL 3 writes the content inside the CMS whenever it streams (`-stream` with DER or PEM output
ignores the detached default), so the BER CMS is made detached by cutting out the eContent field
([0] EXPLICIT OCTET STRING of the EncapsulatedContentInfo). The signature does not cover that
field (it covers the signed attributes, whose messageDigest is the digest of the content), and
what remains is exactly what a detached streaming signer such as BouncyCastle's writes.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.attacks.kit import PKI
from verifier.signatures import ber

OPENSSL = shutil.which("openssl")


def prepare(data: bytes, who: str = "director", field: str = "Signature1", *,
            reserved: int = 8192) -> tuple[object, io.BytesIO, bytes]:
    """(pyHanko's prepared digest, the output with its placeholder of `reserved` bytes, the bytes
    the /ByteRange covers)."""
    from asn1crypto import x509
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert: x509.Certificate = load_cert_from_pemder(str(PKI / f"{who}.pem"))
    external = signers.ExternalSigner(cert, SimpleCertificateStore.from_certs([cert]), signature_value=256)
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256")
    pdf_signer = signers.PdfSigner(meta, signer=external)
    prepared, _tbs, output = asyncio.run(pdf_signer.async_digest_doc_for_signing(
        IncrementalPdfFileWriter(io.BytesIO(data)), bytes_reserved=2 * reserved))
    raw = output.getvalue()
    signed = raw[:prepared.reserved_region_start] + raw[prepared.reserved_region_end:]
    return prepared, output, signed


def openssl_cms(content: bytes, who: str = "director", *, stream: bool, chain: tuple[str, ...] = ("ca-g2",)) -> bytes:
    """OpenSSL's CMS SignedData over `content`: SHA-256, its usual signed attributes (contentType,
    signingTime, messageDigest; no S/MIME capabilities). With `stream` OpenSSL writes BER with
    indefinite lengths and the content inside, without it detached DER."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "content.bin"
        src.write_bytes(content)
        out = Path(tmp) / "cms.der"
        args = [OPENSSL, "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256", "-nosmimecap",
                "-signer", str(PKI / f"{who}.pem"), "-inkey", str(PKI / "private" / f"{who}.TEST-ONLY.key.pem"),
                "-in", str(src), "-out", str(out)]
        for name in chain:
            args += ["-certfile", str(PKI / f"{name}.pem")]
        args.append("-stream" if stream else "-noindef")
        subprocess.run(args, check=True, capture_output=True)
        return out.read_bytes()


def detach(cms: bytes) -> bytes:
    """The BER CMS without its eContent, every other byte as OpenSSL wrote it."""
    assert cms[:2] == b"\x30\x80", "not an indefinite-length ContentInfo"
    # ContentInfo 30 80 | contentType 06 09 … | [0] a0 80 | SignedData 30 80 | version 02 01 ..
    # | digestAlgorithms 31 .. | EncapsulatedContentInfo 30 80 | eContentType 06 09 … | eContent a0 …
    pos = 2
    pos = ber.value_end(cms, pos)  # contentType
    assert cms[pos:pos + 4] == b"\xa0\x80\x30\x80", cms[pos:pos + 4].hex()
    pos += 4
    pos = ber.value_end(cms, pos)  # version
    pos = ber.value_end(cms, pos)  # digestAlgorithms
    assert cms[pos:pos + 2] == b"\x30\x80", "EncapsulatedContentInfo is not indefinite-length"
    econtent_type_end = ber.value_end(cms, pos + 2)
    assert cms[econtent_type_end] == 0xA0, "no eContent to cut"
    econtent_end = ber.value_end(cms, econtent_type_end)
    return cms[:econtent_type_end] + cms[econtent_end:]


def sign(data: bytes, who: str = "director", field: str = "Signature1", *, stream: bool = True) -> tuple[bytes, bytes]:
    """(the signed PDF, the CMS in its /Contents): a detached BER CMS with `stream`, else DER."""
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    prepared, output, signed = prepare(data, who, field)
    cms = openssl_cms(signed, who, stream=stream)
    if stream:
        cms = detach(cms)
    PdfTBSDocument.finish_signing(output, prepared, cms)
    return output.getvalue(), cms


def _values(data: bytes, start: int, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the values that follow each other from `start` up to `end` or to the
    end-of-contents marker that closes their indefinite-length parent."""
    out = []
    while (end is None and data[start:start + 2] != b"\0\0") or (end is not None and start < end):
        stop = ber.value_end(data, start)
        out.append((start, stop))
        start = stop
    return out


def _contents_of(data: bytes, start: int, stop: int) -> bytes:
    _, content_start, length = ber._header(data, start)
    return data[content_start:stop] if length is not None else data[content_start:stop - 2]


def indefinite_signer_info(cms: bytes) -> bytes:
    """The detached BER CMS with its SignerInfos, SignerInfo and signed attributes rewritten with
    indefinite lengths; every other byte, and every attribute byte, as OpenSSL wrote it."""
    content_type_end = ber.value_end(cms, 2)
    signed_data_children = _values(cms, content_type_end + 4)  # after a0 80 30 80
    infos_start, infos_end = signed_data_children[-1]
    assert cms[infos_start] == 0x31
    (si_start, si_end), = _values(cms, ber._header(cms, infos_start)[1], infos_end)
    parts = []
    for start, stop in _values(cms, ber._header(cms, si_start)[1], si_end):
        if cms[start] == 0xA0:  # signedAttrs [0] IMPLICIT SET OF
            parts.append(b"\xa0\x80" + _contents_of(cms, start, stop) + b"\0\0")
        else:
            parts.append(cms[start:stop])
    infos = b"\x31\x80\x30\x80" + b"".join(parts) + b"\0\0\0\0"
    return cms[:infos_start] + infos + cms[infos_end:]
