"""A CMS written with BER indefinite lengths (OpenSSL `cms -sign -stream`, BouncyCastle's streaming
generator) is a genuine signature: kyso finds its end at the end-of-contents marker and judges it
exactly as the same signature written in DER.

The attacks this relaxation must still refuse are in tests/attacks/test_ber.py.
"""

from __future__ import annotations

import re

import pytest

from tests.attacks import kit
from tests.genuine import ber_kit
from verifier.signatures import ber

needs_openssl = pytest.mark.skipif(ber_kit.OPENSSL is None, reason="the openssl command is not installed: "
                                   "these tests sign with OpenSSL's streaming CMS encoder")


def contents(pdf: bytes) -> bytes:
    return bytes.fromhex(re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", pdf).group(1).decode())


def summary(report) -> tuple:
    """What a report says about a document, without what names the signing moment."""
    return (report.verdict, [(l.status, l.subindication, l.signer) for l in report.layers],
            sorted(kit.codes(report)))



@pytest.fixture(scope="module")
def signed_ber(base):
    return ber_kit.sign(base, stream=True)


@pytest.fixture(scope="module")
def signed_der(base):
    return ber_kit.sign(base, stream=False)


# --- the walker --------------------------------------------------------------------------------

def test_a_definite_length_value_ends_where_its_length_says():
    assert ber.value_end(b"\x30\x03\x02\x01\x05" + b"\0" * 8) == 5
    assert ber.value_end(b"\x04\x81\x02ab\0\0") == 5
    assert ber.value_end(b"\x30\x82\x00\x02\x05\x00") == 6


def test_an_indefinite_length_value_ends_after_the_end_of_contents_that_closes_it():
    nested = b"\x30\x80" + b"\xa0\x80" + b"\x02\x01\x01" + b"\x24\x80\x04\x01x\x00\x00" + b"\x00\x00" + b"\x00\x00"
    assert ber.value_end(nested + b"\0" * 10) == len(nested)
    assert ber.value_end(b"\x30\x80\x00\x00") == 4


def test_a_high_tag_number_is_read_whole():
    assert ber.value_end(b"\x30\x80\xbf\x81\x00\x01x\x00\x00") == 9


@needs_openssl
def test_the_kit_writes_what_a_streaming_signer_writes(signed_ber, signed_der):
    """The BER CMS opens with indefinite lengths and carries no content (detached); the DER one
    does not: otherwise the tests below would compare nothing."""
    _, cms = signed_ber
    assert cms[:2] == b"\x30\x80" and cms[-6:] == b"\0" * 6
    assert b"%PDF" not in cms
    assert signed_der[1][:2] == b"\x30\x82"


@needs_openssl
def test_the_cms_end_is_found_in_contents(signed_ber):
    pdf, cms = signed_ber
    stored = contents(pdf)
    assert len(stored) > len(cms) and stored.startswith(cms)
    assert ber.value_end(stored) == len(cms)


@needs_openssl
def test_a_ber_cms_verifies(signed_ber):
    pdf, _ = signed_ber
    report = kit.verify(pdf, kit.trust())
    assert report.layers[0].status == "PASSED", kit.explain(report)
    assert report.verdict == "VALID", kit.explain(report)
    assert "SIGNATURE_PADDING_NOT_ZERO" not in kit.codes(report)
    assert "SIGNATURE_CMS_MALFORMED" not in kit.codes(report)


@needs_openssl
def test_a_ber_cms_is_judged_as_the_same_signature_in_der(signed_ber, signed_der, sample_trust):
    for trust in (sample_trust, kit.trust()):
        assert summary(kit.verify(signed_ber[0], trust)) == summary(kit.verify(signed_der[0], trust))


@needs_openssl
def test_signer_infos_and_signed_attributes_in_indefinite_length(base):
    """BER all the way down to the signed attributes. RFC 5652 §5.4 signs the DER SET OF of the
    signed attributes; pyHanko hashes the SET header it writes itself (definite length) followed
    by the attribute bytes received, so OpenSSL's signature still verifies."""
    prepared, output, signed = ber_kit.prepare(base)
    cms = ber_kit.indefinite_signer_info(ber_kit.detach(ber_kit.openssl_cms(signed, stream=True)))
    assert b"\x31\x80\x30\x80" in cms and b"\xa0\x80\x30" in cms
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    PdfTBSDocument.finish_signing(output, prepared, cms)
    report = kit.verify(output.getvalue(), kit.trust())
    assert report.verdict == "VALID", kit.explain(report)
