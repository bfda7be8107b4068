"""Red-team attacks on issue 13's relaxations (value comparison, SubFilter formats, several
SignerInfos, BER, linearization, leniency on the original). Each test asserts the correct
refusal. Five of them were accepted when first written, and are refused since (values.py's
cycle memo and its trust in pyHanko's predictor decoding, the SHA-1 binding of an encapsulated
digest, the unregistered-format warning, /AdditionalStreams filled with anything but validation
data)."""

from __future__ import annotations

import re

import pytest

from tests.attacks import kit


@pytest.fixture(scope="module")
def signed(approval) -> bytes:
    return approval  # the director's approval signature of tests/attacks/conftest.py, signed once


def _refused(data: bytes, trust):
    report = kit.verify(data, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    return report


def _page_with(signed: bytes, old: bytes, new: bytes) -> tuple[int, bytes]:
    page = kit.page_ref(signed)
    body = kit.raw_dict(signed, page)
    changed = re.sub(old, new, body)
    assert changed != body
    return page, changed


# --- value comparison (verifier/signatures/diff/values.py) ---------------------------------------

def test_mediabox_shrunk_through_one_object_compared_twice(signed, trust):
    # the signed page's /MediaBox [0 0 595 842] written again as [0 0 N N] with N = 595: the pair
    # (direct 595, N) is compared and equal, then (direct 842, N) is "met again" and assumed equal.
    # Every viewer crops the page to 595 x 595: the title, the plan number and the amount vanish.
    _, size, _ = kit.trailer_info(signed)
    page, body = _page_with(signed, rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 %d 0 R %d 0 R]" % (size, size))
    _refused(kit.append_update(signed, [(page, body), (size, b"595")]), trust)


def test_mediabox_shrunk_directly(signed, trust):
    # the control of the attack above: the same change written plainly is refused
    page, body = _page_with(signed, rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 595 595]")
    _refused(kit.append_update(signed, [(page, body)]), trust)


def _with_black_image(base: bytes) -> bytes:
    """`base` with an unsigned update drawing a 16 x 16 black grey-scale image (all its samples
    zero) over the amount: a redaction-like box the signer sees and signs."""
    _, size, _ = kit.trailer_info(base)
    page = kit.page_ref(base)
    body = kit.raw_dict(base, page)
    img, draw_ref = size, size + 1
    body = body.replace(b"/F1 3 0 R\n>>", b"/F1 3 0 R\n>>\n/XObject << /Im1 %d 0 R >>" % img)
    body = re.sub(rb"/Contents (\d+) 0 R", lambda m: b"/Contents [%s 0 R %d 0 R]" % (m.group(1), draw_ref), body)
    assert body.count(b"/Im1") == 1 and b"/Contents [" in body
    draw = b"q 120 0 0 24 145 692 cm /Im1 Do Q"
    return kit.append_update(base, [
        (img, _IMAGE_DICT % b"/Length 256" + b"\nstream\n" + b"\0" * 256 + b"\nendstream"),
        (draw_ref, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw)),
        (page, body)])


_IMAGE_DICT = b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8 %s >>"


def test_image_rewritten_with_png_predictor_rows_pyhanko_misdecodes(trust):
    import zlib

    signed = kit.sign(_with_black_image(kit.base_pdf()))
    assert kit.verify(signed, trust).verdict == "VALID"
    img = kit.trailer_info(kit.base_pdf())[1]
    # rows of PNG filter type 0 hold the samples as they are: white (0xFF) in any reader,
    # zeros (the signed black) in pyHanko's decoder
    rows = b"".join(b"\x00" + b"\xff" * 16 for _ in range(16))
    encoded = zlib.compress(rows)
    forged = kit.append_update(signed, [(img, _IMAGE_DICT % (
        b"/Filter /FlateDecode /DecodeParms << /Predictor 10 /Columns 16 >> /Length %d" % len(encoded))
        + b"\nstream\n" + encoded + b"\nendstream")])
    pikepdf = pytest.importorskip("pikepdf")
    import io
    with pikepdf.open(io.BytesIO(forged)) as pdf:  # qpdf: what a conforming reader decodes
        assert pdf.pages[0].Resources.XObject.Im1.read_bytes() == b"\xff" * 256
    _refused(forged, trust)


# --- signatures validated by /SubFilter (verifier/signatures/formats.py) -------------------------

def _sign_with(data: bytes, sub_filter: str, make, field: str = "Signature1") -> bytes:
    """A signature field whose CMS is `make(covered bytes)`: the forger's choice of CMS."""
    from tests.genuine import formats_kit

    return formats_kit.sign_with(data, make, sub_filter=sub_filter, field=field)


def _enclosing(content: bytes, who: str = "director"):
    import asyncio

    return asyncio.run(kit.signer(who, ("ca-g2",)).async_sign_general_data(content, "sha256", detached=False))


def _forged_base() -> bytes:
    """The same document with the amount changed (same length, so byte ranges line up)."""
    data = kit.base_pdf()
    forged = data.replace(b"1.000.000 dong", b"9.000.000 dong")
    assert forged != data and len(forged) == len(data)
    return forged


def _cms_of(data: bytes):
    from asn1crypto import cms

    hexes = re.findall(rb"/Contents\s*<([0-9a-fA-F]+)>", data)
    return cms.ContentInfo.load(bytes.fromhex(hexes[-1].decode()).rstrip(b"\0") + b"\0\0")  # BER-safe tail


def _covered_of(data: bytes) -> bytes:
    m = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)[-1]
    a, b, c, d = (int(x) for x in m)
    return data[a:a + b] + data[c:c + d]


def _layer_fails(data: bytes, trust):
    report = _refused(data, trust)
    assert report.layers[0].status == "FAILED", kit.explain(report)
    return report


def test_pkcs7_sha1_cms_copied_from_another_document(trust):
    import hashlib

    genuine = _sign_with(kit.base_pdf(), "/adbe.pkcs7.sha1", lambda covered: _enclosing(hashlib.sha1(covered).digest()))
    assert kit.verify(genuine, trust).layers[0].integrity  # the shape itself verifies
    stolen = _cms_of(genuine)
    _layer_fails(_sign_with(_forged_base(), "/adbe.pkcs7.sha1", lambda covered: stolen), trust)


@pytest.mark.parametrize("sub_filter", ["/ETSI.CAdES.detached", "/adbe.pkcs7.detached", "/x.vendor.enclosed"])
def test_enclosing_cms_whose_content_is_another_documents_bytes(trust, sub_filter):
    # the director really signed the original's bytes, enclosed in the CMS; the forger puts that
    # CMS into the forged document, whose byte ranges cover other bytes of the same length
    original = _covered_of(_sign_with(kit.base_pdf(), sub_filter, lambda covered: _enclosing(covered)))
    report = _layer_fails(_sign_with(_forged_base(), sub_filter, lambda covered: _enclosing(original)), trust)
    assert report.layers[0].subindication == "HASH_FAILURE", kit.explain(report)


@pytest.mark.parametrize("part", ["first_range", "prefix", "digest_of_other"])
def test_enclosing_cms_whose_content_is_part_of_the_signed_bytes(trust, part):
    import hashlib

    def make(covered):
        if part == "first_range":
            return _enclosing(covered[:covered.index(b"/Contents") + len(b"/Contents ")])
        if part == "prefix":
            return _enclosing(covered[:-1])
        return _enclosing(hashlib.sha256(covered + b"x").digest())
    _layer_fails(_sign_with(kit.base_pdf(), "/x.vendor.enclosed", make), trust)


def test_unregistered_subfilter_with_enclosing_cms_is_flagged(trust):
    report = kit.verify(_sign_with(kit.base_pdf(), "/x.vendor.enclosed", _enclosing), trust)
    assert report.layers[0].status == "PASSED", kit.explain(report)  # what it signs is intact
    # other software skips a SubFilter nobody registered: the report must say so, as for a detached CMS
    assert "SIGNATURE_FORMAT_UNREGISTERED" in kit.codes(report), kit.explain(report)


# --- several SignerInfos (verifier/signatures/several.py, cmscheck.check_signer_infos) -----------

def _cn(who: str) -> str:
    from asn1crypto import pem, x509

    _, _, der = pem.unarmor((kit.PKI / f"{who}.pem").read_bytes())
    return x509.Certificate.load(der).subject.native["common_name"]


def _two_signer_infos(*, attacker: str, attacker_first: bool, attacker_over: bytes | None = None,
                      drop_attacker_cert: bool = False) -> bytes:
    """The director's genuine SignerInfo and an attacker's in one CMS (the /Contents a forger may
    rewrite at will: it is outside the byte ranges)."""
    import asyncio

    from asn1crypto import cms
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    from tests.genuine import ber_kit
    from tests.genuine.test_ber_signerinfos import merged, reload

    prepared, output, signed = ber_kit.prepare(kit.base_pdf(), "director", reserved=16384)

    def signed_data(content, who):
        return asyncio.run(kit.signer(who, ("ca-g2",)).async_sign_general_data(content, "sha256", detached=True))["content"]

    genuine, extra = signed_data(signed, "director"), signed_data(attacker_over or signed, attacker)
    both = merged(extra, genuine) if attacker_first else merged(genuine, extra)
    if drop_attacker_cert:
        both["certificates"] = cms.CertificateSet([
            c.copy() for c in both["certificates"] if c.chosen.subject.native.get("common_name") != _cn(attacker)])
        both = reload(both)
    PdfTBSDocument.finish_signing(output, prepared, cms.ContentInfo({"content_type": "signed_data", "content": both}).dump())
    return output.getvalue()


def test_unverifiable_second_signer_info_over_other_bytes_never_passes(trust):
    # the attacker's SignerInfo signs other bytes and names a certificate the CMS does not hold:
    # it cannot be proven wrong, so the layer is not FAILED, but it must not pass either
    report = kit.verify(_two_signer_infos(attacker="agency", attacker_first=False, attacker_over=b"other bytes",
                                          drop_attacker_cert=True), trust)
    assert report.layers[0].status != "PASSED" and report.verdict != "VALID", kit.explain(report)


def test_untrusted_attacker_signer_info_listed_first(trust):
    # the layer is judged by the first SignerInfo, the attacker's: never the director's VALID
    report = kit.verify(_two_signer_infos(attacker="untrusted-signer", attacker_first=True), trust)
    assert report.verdict != "VALID", kit.explain(report)
    assert report.layers[0].signer.common_name == _cn("untrusted-signer")


@pytest.mark.parametrize("sub_filter", ["/adbe.pkcs7.sha1", "/ETSI.CAdES.detached", "/x.vendor.enclosed"])
def test_byte_ranges_bound_by_sha1_alone_obey_the_sha1_policy(trust, sub_filter):
    # the CMS signs (with SHA-256) a content that is the SHA-1 of the byte ranges: whoever has a
    # chosen-prefix SHA-1 collision of the signed bytes moves this signature onto the other
    # document. Under the test root the policy refuses SHA-1 (tests/genuine/test_formats.py:
    # CRYPTO_CONSTRAINTS_FAILURE for a SHA-1 CMS); the same weakness one level down must not pass.
    import hashlib

    report = kit.verify(_sign_with(kit.base_pdf(), sub_filter, lambda covered: _enclosing(hashlib.sha1(covered).digest())),
                        trust)
    layer = report.layers[0]
    assert layer.integrity, kit.explain(report)
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE"), kit.explain(report)


def test_content_stream_rewritten_with_a_png_sub_row_pyhanko_misdecodes(signed, trust):
    import io
    import zlib

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    content = kit.page_content_ref(signed)
    text = PdfFileReader(io.BytesIO(signed)).get_object(generic.Reference(content, 0)).data
    # one row of PNG filter type 1 (Sub) whose raw bytes sum pairwise to the signed text
    raw = bytearray(len(text))
    raw[0] = text[0]
    for i in range(1, len(text)):
        raw[i] = (text[i] - raw[i - 1]) % 256
    encoded = zlib.compress(b"\x01" + bytes(raw))
    forged = kit.append_update(signed, [(content, b"<< /Filter /FlateDecode /DecodeParms << /Predictor 11 /Columns %d >> "
                                         b"/Length %d >>\nstream\n" % (len(text), len(encoded)) + encoded + b"\nendstream")])
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(io.BytesIO(forged)) as pdf:
        assert b"Tong kinh phi" not in pdf.pages[0].Contents.read_bytes()  # what a conforming reader draws
    _refused(forged, trust)


# --- leniency on the signed original (verifier/structure/dangling.py, rules/dangling_usage.py) ----

_ODF = b"/application#2Fvnd.oasis.opendocument.text"


def test_dangling_additional_streams_filled_after_signing_with_a_document(trust):
    base = kit.base_pdf()
    _, size, _ = kit.trailer_info(base)
    number = size + 20
    original = base.replace(b"/Size %d\n>>" % size, b"/Size %d\n/AdditionalStreams [ %s %d 0 R ]\n>>" % (size, _ODF, number))
    assert original != base
    signed = kit.sign(original)
    assert kit.verify(signed, trust).verdict == "VALID"  # the genuine shape (tests/genuine/test_lenient.py)
    odf = b"PK\x03\x04 a forged OpenDocument text: Tong kinh phi 9.000.000.000 dong"
    forged = kit.append_update(signed, [(number, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(odf), odf))],
                               trailer_extra=b"/AdditionalStreams [ %s %d 0 R ]" % (_ODF, number))
    _refused(forged, trust)


def test_additional_streams_added_after_signing(signed, trust):
    # the control: the same payload named by a trailer key written after signing is refused
    _, size, _ = kit.trailer_info(signed)
    number = size + 20
    odf = b"PK\x03\x04 forged"
    _refused(kit.append_update(signed, [(number, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(odf), odf))],
                               trailer_extra=b"/AdditionalStreams [ %s %d 0 R ]" % (_ODF, number)), trust)
