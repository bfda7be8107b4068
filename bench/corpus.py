"""The benchmark corpus: documents of 1, 5 and 100 pages carrying 1, 3, 6 and 10 signature
layers, signed by the test PKI the way the government tools sign (leaf-only CMS, CRLs embedded,
first layer certifying P=2). Built once into bench/.corpus/ and reused."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".corpus"
PAGES = (1, 5, 100)
LAYERS = (1, 3, 6, 10)


def _base_pdf(pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    for n in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Page {n + 1}. " + "Benchmark text of a plan of a provincial department. " * 40)
    return bytes(pdf.output())


def _pki():
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    pki_dir = ROOT / "samples" / "pki"

    class Pki:  # the shape samples/vnsign.identity() reads, loaded without rewriting samples/pki
        certs = {n: x509.load_pem_x509_certificate((pki_dir / f"{n}.pem").read_bytes()) for n in ("director", "agency")}
        keys = {n: serialization.load_pem_private_key((pki_dir / "private" / f"{n}.TEST-ONLY.key.pem").read_bytes(), None)
                for n in ("director", "agency")}

    crls = [(pki_dir / "crl" / f"{n}.crl").read_bytes() for n in ("ca-g2", "root-g2")]
    return Pki, crls


def build(pages: int, layers: int) -> Path:
    target = CACHE / f"p{pages:03d}-l{layers:02d}.pdf"
    if target.exists():
        return target
    sys.path.insert(0, str(ROOT / "samples"))
    import vnsign  # samples/vnsign.py

    pki, crls = _pki()
    data = _base_pdf(pages)
    start = dt.datetime(2022, 3, 8, 9, 56, 26)
    for i in range(layers):
        who = vnsign.identity(pki, "director" if i == 0 else "agency")
        layer = vnsign.Layer(who=who, when=start + dt.timedelta(seconds=30 * i), field=f"Signature{i + 1}",
                             box=(40 + 45 * (i % 10), 40, 80 + 45 * (i % 10), 70), page=0, certify=i == 0,
                             crls=crls, presign_check=False)
        data = vnsign.sign(data, layer)
    CACHE.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def corpus() -> list[Path]:
    return [build(p, n) for p in PAGES for n in LAYERS]


def large_crl(entries: int = 100_000) -> Path:
    """The test CA's CRL with `entries` more revoked serials (none of the corpus's signers), signed
    by the CA: what a busy government CA publishes, for the trust store."""
    target = CACHE / f"ca-g2-{entries // 1000}k.crl"
    if target.exists():
        return target
    from datetime import datetime, timezone

    from asn1crypto import crl
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    pki_dir = ROOT / "samples" / "pki"
    original = crl.CertificateList.load((pki_dir / "crl" / "ca-g2.crl").read_bytes())
    tbs = original["tbs_cert_list"].copy()
    when = crl.Time({"utc_time": datetime(2021, 6, 1, tzinfo=timezone.utc)})
    revoked = list(tbs["revoked_certificates"]) if tbs["revoked_certificates"].native else []
    revoked += [crl.RevokedCertificate({"user_certificate": 10**30 + i, "revocation_date": when}) for i in range(entries)]
    tbs["revoked_certificates"] = revoked
    key = serialization.load_pem_private_key((pki_dir / "private" / "ca-g2.TEST-ONLY.key.pem").read_bytes(), None)
    signature = key.sign(tbs.dump(), padding.PKCS1v15(), hashes.SHA256())
    signed = crl.CertificateList({"tbs_cert_list": tbs, "signature_algorithm": original["signature_algorithm"],
                                  "signature": signature})
    CACHE.mkdir(parents=True, exist_ok=True)
    target.write_bytes(signed.dump())
    return target


if __name__ == "__main__":
    for path in corpus():
        print(path.relative_to(ROOT), path.stat().st_size)
