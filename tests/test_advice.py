"""Advice that can be followed (issue 18): a missing certificate is named as what it is (a root
belongs among the anchors, an issuing CA among the intermediates), a `--trust` file with no
root in it is refused at once, and unknown revocation names the commands that get the CRLs and
where they come from.

`kyso verify` on the samples and on a document signed here with the test PKI (leaf certificate
only, no revocation data), in this process (tests/inprocess.py) and, for a refusal and an
undetermined verdict as a shell sees them, in real processes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from tests import inprocess
from tests.conftest import SAMPLES, manifest

TRUST = str(SAMPLES / manifest()["trust"])
PKI = SAMPLES / "pki"


def kyso(*args: str, lang: str = "en", real: bool = False) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process (tests/inprocess.py), or with `real` in a process of its own."""
    env = {**os.environ, "KYSO_LANG": lang}
    if not real:
        return inprocess.kyso(*args, env=env)
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, env=env, timeout=600)


def test_a_trust_file_without_a_root_is_refused_at_once_saying_where_it_belongs():
    issuing_ca = str(PKI / "ca-g2.pem")
    result = kyso("verify", "--trust", issuing_ca, str(SAMPLES / "appendix.pdf"), real=True)
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""  # nothing was verified
    assert "holds no root (self-signed) certificate, only that of the issuing CA “TEST CA phục vụ các cơ quan Nhà nước G2”" \
        in result.stderr
    assert "give that CA's root with --trust" in result.stderr and "this file with --intermediate" in result.stderr
    vi = kyso("verify", "--trust", issuing_ca, str(SAMPLES / "appendix.pdf"), lang="vi")
    assert vi.returncode == 2 and "không chứa chứng thư gốc (tự ký) nào" in vi.stderr and "--intermediate" in vi.stderr
    # the bundle with the root is taken as before
    assert kyso("verify", "--trust", TRUST, str(SAMPLES / "appendix.pdf")).returncode == 0


def _missing(result) -> tuple[str, str]:
    report = json.loads(result.stdout)
    (finding,) = [f for f in report["findings"] if f["code"] == "ISSUER_MISSING"]
    return finding["params"]["missing"], finding["message"]


def test_a_missing_root_is_named_a_root_that_belongs_among_the_anchors():
    args = ("verify", "--no-trust-store", "--intermediate", str(PKI / "ca-g2.pem"), str(SAMPLES / "appendix.pdf"))
    missing, message = _missing(kyso(*args, "--json"))
    assert missing == "root"
    assert "a CA's root certificate: a root is trusted as an anchor" in message
    text = kyso(*args)
    assert text.returncode == 3
    assert "The root certificate “TEST RootCA chuyên dùng Chính phủ G2” is not among the trust anchors" in text.stdout
    assert "add its root certificate as an anchor" in text.stdout and "a root does not go in with --intermediate" in text.stdout
    assert "intermediate authority" not in text.stdout


def test_a_missing_issuing_ca_is_named_an_intermediate():
    args = ("verify", "--no-trust-store", str(SAMPLES / "appendix.pdf"))
    missing, message = _missing(kyso(*args, "--json"))
    assert missing == "intermediate" and "--intermediate" in message
    text = kyso(*args, lang="vi")
    assert "Thêm chứng thư số của CA cấp phát (trung gian) bằng --intermediate" in text.stdout


def test_unknown_revocation_names_the_commands_that_fetch_crls_and_where_they_come_from(tmp_path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(str(PKI / "private" / "director.TEST-ONLY.key.pem"), str(PKI / "director.pem"))
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO((SAMPLES / "no-signatures.pdf").read_bytes()))
    signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Signature1"), signer=signer, output=out)
    pdf = tmp_path / "no-revocation-data.pdf"
    pdf.write_bytes(out.getvalue())
    result = kyso("verify", "--trust", TRUST, str(pdf), real=True)
    assert result.returncode == 3
    assert "run again with --online (kyso downloads the CRL from the CRL distribution point and asks the OCSP " \
           "responder written in the certificates)" in result.stdout
    assert "kyso certs refresh" in result.stdout
    details = kyso("verify", "--trust", TRUST, "--details", str(pdf), lang="vi")
    assert "[REVOCATION_UNKNOWN]" in details.stdout and "'kyso certs refresh'" in details.stdout
    assert "điểm phân phối CRL" in details.stdout
