"""What the BER relaxation must still refuse.

kyso finds the end of a CMS written with indefinite lengths at the end-of-contents marker that
closes it (tests/genuine/test_ber.py). That must not open /Contents to hidden data, and no input
may make the walk fail with an exception of ours or run without bound.
"""

from __future__ import annotations

import re
import sys

import pytest

from tests.attacks import kit
from tests.genuine import ber_kit
from verifier.document import verify_pdf
from verifier.signatures import ber

needs_openssl = pytest.mark.skipif(ber_kit.OPENSSL is None, reason="the openssl command is not installed: "
                                   "these tests sign with OpenSSL's streaming CMS encoder")


@pytest.fixture(scope="module")
def signed():
    """(a PDF whose /Contents holds OpenSSL's detached BER CMS, that CMS)."""
    if ber_kit.OPENSSL is None:
        pytest.skip("the openssl command is not installed")
    return ber_kit.sign(kit.base_pdf())


@pytest.fixture(scope="module")
def trust():
    return kit.trust()


def with_contents(pdf: bytes, new: bytes) -> bytes:
    """The PDF with the bytes of its /Contents replaced by `new`, zero-padded to the same size."""
    m = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", pdf)
    size = len(m.group(1)) // 2
    assert len(new) <= size
    return pdf[:m.start(1)] + (new + b"\0" * (size - len(new))).hex().upper().encode() + pdf[m.end(1):]


def malformed(report) -> list[str]:
    return [f.params["reason"] for f in report.findings if f.code == "SIGNATURE_CMS_MALFORMED"]


@needs_openssl
@pytest.mark.parametrize("hidden", [b"A", b"KYSO", b"\xff" * 40, b"\x04\x04KYSO"])
def test_data_after_the_end_of_contents_is_hidden_data(signed, trust, hidden):
    """Bytes after the marker that closes the CMS are outside it, whatever they look like
    (the last one is a well-formed BER value)."""
    pdf, cms = signed
    report = kit.verify(with_contents(pdf, cms + hidden), trust)
    assert report.layers[0].status == "PASSED", kit.explain(report)  # the CMS itself is intact
    assert report.verdict == "INVALID"
    finding = next(f for f in report.findings if f.code == "SIGNATURE_PADDING_NOT_ZERO")
    assert finding.params["bytes"] == len(hidden) and finding.layer == 1


@needs_openssl
def test_data_after_zero_bytes_after_the_cms_is_hidden_data(signed, trust):
    pdf, cms = signed
    report = kit.verify(with_contents(pdf, cms + b"\0" * 100 + b"KYSO"), trust)
    assert report.verdict == "INVALID"
    assert [f.params["bytes"] for f in report.findings if f.code == "SIGNATURE_PADDING_NOT_ZERO"] == [4]


@needs_openssl
def test_a_cms_without_its_end_of_contents_markers_is_malformed(signed, trust):
    """The CMS fills /Contents exactly and its indefinite-length values are never closed: its end
    cannot be found, the bytes prove it, and no exception decides it."""
    _, cms = signed
    assert cms.endswith(b"\0" * 6)
    truncated = cms[:-6]
    prepared, output, content = ber_kit.prepare(kit.base_pdf(), reserved=len(truncated))
    fresh = ber_kit.detach(ber_kit.openssl_cms(content, stream=True))
    assert len(fresh) == len(cms), "OpenSSL's CMS changed size: the placeholder no longer fits it exactly"
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    PdfTBSDocument.finish_signing(output, prepared, fresh[:-6])
    pdf = output.getvalue()
    assert re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", pdf).group(1).upper() == fresh[:-6].hex().upper().encode()
    report = verify_pdf(pdf, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].status != "PASSED"
    assert any("no end-of-contents marker" in r for r in malformed(report)), kit.explain(report)


@needs_openssl
def test_a_cms_cut_short_and_zero_padded_is_not_valid(signed, trust):
    """Cut inside its SignerInfo: the zero padding closes the open values, so the walk finds an
    end, but the CMS that remains cannot verify."""
    pdf, cms = signed
    report = verify_pdf(with_contents(pdf, cms[:-40]), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].status == "FAILED"
    assert not kit.structural(report), kit.explain(report)  # the layer, not the padding rule, refuses it


@needs_openssl
def test_a_ber_cms_with_an_altered_signature_fails(signed, trust):
    """pyHanko really verifies the BER CMS: one bit of its signature value changed fails it."""
    pdf, cms = signed
    last = len(cms) - 7  # the last byte of the signature value, before the three closing markers
    forged = cms[:last] + bytes([cms[last] ^ 1]) + cms[last + 1:]
    report = verify_pdf(with_contents(pdf, forged), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].status == "FAILED"
    assert report.layers[0].subindication == "SIG_CRYPTO_FAILURE"
    assert not kit.structural(report), kit.explain(report)  # the layer, not the padding rule, refuses it


@needs_openssl
@pytest.mark.parametrize("closed", [False, True])
def test_deeply_nested_indefinite_lengths_are_refused_within_bounds(signed, trust, closed):
    """Thousands of nested indefinite-length SEQUENCEs, closed or not: refused by the bytes,
    no RecursionError anywhere."""
    pdf, _ = signed
    depth = 2000
    nested = b"\x30\x80" * depth + (b"\x00\x00" * depth if closed else b"")
    report = verify_pdf(with_contents(pdf, nested), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].status != "PASSED"
    assert any("nested" in r for r in malformed(report)), kit.explain(report)


@pytest.mark.parametrize("data, reason", [
    (b"\x30\x80" * 100_000, "nested"),
    (b"\x30\x80\x02\x01\x01", "no end-of-contents marker"),
    (b"\x30\x80\x04\x85\xff\xff\xff\xff", "the data ends inside a length"),
    (b"\x30\x80\x04\x84\xff\xff\xff\xff" + b"\0" * 8, "runs past the end"),
    (b"\x30\x80\x04\x80\x00\x00\x00\x00", "a primitive value with indefinite length"),
    (b"\x30\x80\x00\x05abcde\x00\x00", "tag 0"),
    (b"\x00\x00", "outside any indefinite-length value"),
    (b"\x30\x80\x1f\xff\xff\xff\xff\x7f\x00\x00\x00", "tag number longer"),
    (b"\x30\x80\x30\xff" + b"\0" * 300, "reserved length"),
])
def test_the_walker_refuses_malformed_ber_with_a_reason(data, reason):
    with pytest.raises(ber.BerError) as caught:
        ber.value_end(data)
    assert reason in str(caught.value)


def test_the_walker_is_iterative():
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(100)
        data = b"\x30\x80" * 10 + b"\x00\x00" * 10
        assert ber.value_end(data, max_depth=10) == len(data)
        with pytest.raises(ber.BerError):
            ber.value_end(b"\x30\x80" * 11 + b"\x00\x00" * 11, max_depth=10)
    finally:
        sys.setrecursionlimit(limit)


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def _cms_of(pdf: bytes) -> bytes:
    m = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", pdf)
    raw = bytes.fromhex(m.group(1).decode())
    return raw[:ber.value_end(raw)]


HIDDEN = _der(0x04, b"unsigned data riding inside the CMS")


@pytest.mark.parametrize("where", ["ContentInfo", "SignedData", "SignerInfo"])
def test_a_value_no_cms_structure_defines_is_malformed(trust, where):
    """asn1crypto reads the fields it knows and ignores values after them, so unsigned data
    appended inside a DER ContentInfo, SignedData or SignerInfo left the signature VALID."""
    pdf = kit.sign(kit.base_pdf())
    cms = _cms_of(pdf)
    info = ber.children(cms, 0)
    if where == "ContentInfo":
        forged = _der(0x30, cms[info[0][0]:info[-1][1]] + HIDDEN)
    else:
        wrapper = info[1]
        sd = ber.children(cms, wrapper[0])[0]
        parts = ber.children(cms, sd[0])
        if where == "SignedData":
            new_sd = _der(0x30, cms[parts[0][0]:parts[-1][1]] + HIDDEN)
        else:
            infos = parts[-1]
            si = ber.children(cms, infos[0])[0]
            fields = ber.children(cms, si[0])
            new_si = _der(0x30, cms[fields[0][0]:fields[-1][1]] + HIDDEN)
            new_sd = _der(0x30, cms[parts[0][0]:parts[-2][1]] + _der(0x31, new_si))
        forged = _der(0x30, cms[info[0][0]:info[0][1]] + _der(0xA0, new_sd))
    report = verify_pdf(with_contents(pdf, forged), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert malformed(report), kit.explain(report)
    assert verify_pdf(pdf, trust).verdict == "VALID"
