"""The signature dictionary's /M as LibreOffice writes it on a machine set to UTC (red team on
LibreOffice and OpenSSL, 2026-12-06): `D:20261206150649Z'`. LibreOffice's CMS carries no
signingTime, so /M is the signer's claimed time, and pyHanko raised on it: every such signature
was FAILED, FORMAT_FAILURE. Built as LibreOffice's NSS signer builds it: pyHanko prepares the
dictionary, `openssl cms -noattr` signs the byte ranges (tests/genuine/ber_kit.py)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.attacks import kit
from tests.genuine import ber_kit

pytestmark = pytest.mark.skipif(ber_kit.OPENSSL is None, reason="the openssl command signs these shapes")


def _signed_with_m(data: bytes, m: bytes) -> bytes:
    """`data` signed without signed attributes, its /M written as `m` (PDF string contents)."""
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    prepared, output, _ = ber_kit.prepare(data)
    raw = output.getvalue()
    found = re.search(rb"/M \(([^)]*)\)", raw)
    written = b"(" + m + b")"
    old = found.group(0)[3:]
    assert len(written) <= len(old)
    raw = raw[:found.start() + 3] + written + b" " * (len(old) - len(written)) + raw[found.end():]
    output.seek(0)
    output.truncate()
    output.write(raw)
    signed = raw[:prepared.reserved_region_start] + raw[prepared.reserved_region_end:]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "in").write_bytes(signed)
        subprocess.run([ber_kit.OPENSSL, "cms", "-sign", "-binary", "-noattr", "-outform", "DER", "-md", "sha256",
                        "-signer", str(kit.PKI / "director.pem"),
                        "-inkey", str(kit.PKI / "private" / "director.TEST-ONLY.key.pem"),
                        "-certfile", str(kit.PKI / "ca-g2.pem"), "-in", str(Path(tmp) / "in"),
                        "-out", str(Path(tmp) / "cms")], check=True, capture_output=True)
        cms = (Path(tmp) / "cms").read_bytes()
    PdfTBSDocument.finish_signing(output, prepared, cms)
    return output.getvalue()


@pytest.mark.parametrize(("m", "instant"), [
    (b"D:20261206150649Z'", datetime(2026, 12, 6, 15, 6, 49, tzinfo=timezone.utc)),
    (b"D:2026120615Z00'00'", datetime(2026, 12, 6, 15, tzinfo=timezone.utc)),  # as long as pyHanko's /M allows
    (b"D:20261206150649Z", datetime(2026, 12, 6, 15, 6, 49, tzinfo=timezone.utc)),
])
def test_libreoffices_utc_signing_time_is_read(trust, m, instant):
    report = kit.verify(_signed_with_m(kit.base_pdf(), m), trust)
    assert (report.verdict, report.layers[0].status) == ("VALID", "PASSED"), report.layers[0].problem
    assert datetime.fromisoformat(report.layers[0].signing_time) == instant


def test_a_signing_time_that_cannot_be_read_is_no_signing_time(trust):
    """/M is the signer's own optional claim: unreadable, it is left out, never a failure."""
    report = kit.verify(_signed_with_m(kit.base_pdf(), b"D:2026-12-06 lunch"), trust)
    assert (report.verdict, report.layers[0].status) == ("VALID", "PASSED"), report.layers[0].problem
    assert report.layers[0].signing_time is None


def test_a_tampered_document_with_libreoffices_date_still_fails(trust):
    signed = _signed_with_m(kit.base_pdf(), b"D:20261206150649Z'")
    forged = signed.replace(b"Tong kinh phi: 1.000.000", b"Tong kinh phi: 9.000.000")
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID" and report.layers[0].subindication == "HASH_FAILURE"
