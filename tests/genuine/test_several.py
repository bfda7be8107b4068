"""A PDF signature whose CMS carries two SignerInfos (RFC 5652 allows any number): genuine when
both sign the byte ranges, INVALID when one of them signs anything else; pyHanko alone refuses
the CMS, which made a genuine layer FAILED (verifier/signatures/several.py)."""

from __future__ import annotations

import asyncio

from asn1crypto import cms

from tests.attacks import kit
from tests.genuine import ber_kit
from tests.genuine.test_ber_signerinfos import merged


def _two_signers(second_over: bytes | None = None) -> bytes:
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    prepared, output, signed = ber_kit.prepare(kit.base_pdf(), "director", reserved=16384)

    def signed_data(content, who):
        ci = asyncio.run(kit.signer(who, ("ca-g2",)).async_sign_general_data(content, "sha256", detached=True))
        return ci["content"]

    both = merged(signed_data(signed, "director"), signed_data(second_over or signed, "agency"))
    PdfTBSDocument.finish_signing(output, prepared, cms.ContentInfo({"content_type": "signed_data", "content": both}).dump())
    return output.getvalue()


def test_two_signer_infos_over_the_signed_bytes_pass():
    report = kit.verify(_two_signers(), kit.trust())
    assert [x.status for x in report.layers] == ["PASSED"], kit.explain(report)
    assert "CMS_SEVERAL_SIGNERS" in kit.codes(report)
    # the signer reported is the one the first SignerInfo's identifier names, whatever the order of certificates
    assert report.layers[0].signer.common_name in ("Trịnh Văn Nam", "Sở Giáo dục và Đào tạo")


def test_a_second_signer_info_over_other_bytes_fails_the_layer():
    report = kit.verify(_two_signers(second_over=b"%PDF-1.7 other bytes\n"), kit.trust())
    assert report.verdict == "INVALID", kit.explain(report)
    assert (report.layers[0].status, report.layers[0].subindication) == ("FAILED", "HASH_FAILURE")
    assert "SignerInfo" in str(report.layers[0].problem)


def _two_enclosing(content_of, second_content_of=None) -> bytes:
    """adbe.pkcs7.sha1 with two SignerInfos over the enclosed SHA-1 of the byte ranges."""
    from tests.genuine import formats_kit

    def make(covered):
        def one(content, who):
            return asyncio.run(kit.signer(who, ("ca-g2",)).async_sign_general_data(content, "sha256", detached=False))["content"]

        first = one(content_of(covered), "director")
        second = one((second_content_of or content_of)(covered), "agency")
        both = merged(first, second)
        return cms.ContentInfo({"content_type": "signed_data", "content": both})

    return formats_kit.sign_with(kit.base_pdf(), make, sub_filter="/adbe.pkcs7.sha1")


def test_two_signer_infos_over_an_enclosed_digest_pass():
    """The signers of an adbe.pkcs7.sha1 CMS sign the enclosed SHA-1, not the byte ranges."""
    import hashlib

    from tests.genuine.test_formats import _sha1_allowed_under_the_test_root

    trust = _sha1_allowed_under_the_test_root(kit.trust())
    report = kit.verify(_two_enclosing(lambda covered: hashlib.sha1(covered).digest()), trust)
    assert [x.status for x in report.layers] == ["PASSED"], kit.explain(report)
    assert "CMS_SEVERAL_SIGNERS" in kit.codes(report)
    forged = _two_enclosing(lambda covered: hashlib.sha1(covered).digest(), lambda covered: hashlib.sha1(b"other").digest())
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID" and report.layers[0].status == "FAILED", kit.explain(report)
