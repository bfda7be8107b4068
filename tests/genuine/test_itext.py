"""Shapes iText 5 writes when it signs after another signature (red team "other tools",
2026-12-06: PDFBox 2, iText 5 and pyHanko signing one another's files), each genuine one beside
the forgery it must still refuse. Built byte by byte here; the red team's iText files gave the
same verdicts.

- iText lists its own new cross-reference stream's number as a free entry (generation 65535) in
  every update: a number never in use frees nothing.
- iText writes a page's inherited /MediaBox into the page when it adds a signature widget: the
  page's effective value is unchanged.
"""

from __future__ import annotations

import io
import struct

from tests.attacks import kit
from tests.pdfbytes import assemble


def _verdicts(data: bytes, trust) -> tuple[str, list[str]]:
    report = kit.verify(data, trust)
    return report.verdict, [layer.status for layer in report.layers]


# --- a free entry for a number never used -------------------------------------------------------

def _xref_stream_update(data: bytes, freed: dict[int, int]) -> bytes:
    """An update holding only a cross-reference stream, which lists itself as free (generation
    65535), as iText 5 writes it, and the entries of `freed` (number -> next generation)."""
    root, size, ids = kit.trailer_info(data)
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    own = size
    rows = {own: (0, 0, 65535), **{num: (0, 0, gen) for num, gen in freed.items()}}
    nums = sorted(rows)
    table = b"".join(struct.pack(">BIH", *rows[n]) for n in nums)
    index = b" ".join(b"%d 1" % n for n in nums)
    at = len(out)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] /Root %s /Prev %d %s /Length %d >>\nstream\n" % (
        own, own + 1, index, root, kit.last_startxref(data), ids, len(table))
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % at
    return bytes(out)


def test_an_update_listing_its_own_xref_stream_as_free_is_no_change(trust):
    signed = kit.sign(kit.base_pdf(xref_stream=True))
    itext = kit.sign(_xref_stream_update(signed, {}), "agency", "Signature2")
    assert _verdicts(itext, trust) == ("VALID", ["PASSED", "PASSED"])


def test_freeing_an_object_the_signed_revision_uses_is_still_refused(trust):
    signed = kit.sign(kit.base_pdf(xref_stream=True))
    font = kit.find_object(signed, b"/BaseFont /Helvetica")
    forged = kit.sign(_xref_stream_update(signed, {font: 1}), "agency", "Signature2")
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID" and report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
    assert f"{font}" in kit.explain(report) and "freed" in kit.explain(report)  # the difference analysis's, not only the picture's


def _hybrid_with_hidden_annotation() -> bytes:
    """The red team's original, hybrid as Word writes them: the page says 9.000.000.000, and a
    white Square annotation (object 6, in an object stream that only the /XRefStm lists; the
    table calls 6 free, generation 65535) covers it with 1.000.000. The trailer's /Info names
    6 1 R, which reads as null."""
    ops = b"BT /F1 12 Tf 72 700 Td (Tong kinh phi: 9.000.000.000 dong) Tj ET\n"
    face = b"1 1 1 rg 0 0 150 18 re f 0 g BT /F1 12 Tf 2 5 Td (1.000.000 dong) Tj ET"
    annot = b"<< /Type /Annot /Subtype /Square /Rect [160 695 310 713] /F 4 /AP << /N 7 0 R >> >>"
    stream_head = b"6 0 "
    bodies = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
           b"/Contents 4 0 R /Annots [6 0 R] >>",
        4: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        7: b"<< /Type /XObject /Subtype /Form /BBox [0 0 150 18] /Resources << /Font << /F1 5 0 R >> >> "
           b"/Length %d >>\nstream\n%s\nendstream" % (len(face), face),
        8: b"<< /Type /ObjStm /N 1 /First %d /Length %d >>\nstream\n%s%s\nendstream" % (
            len(stream_head), len(stream_head) + len(annot), stream_head, annot),
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num, body in bodies.items():
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    stream_at = len(out)
    row = struct.pack(">BIH", 2, 8, 0)
    out += b"9 0 obj\n<< /Type /XRef /Size 10 /W [1 4 2] /Index [6 1] /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        len(row), row)
    table_at = len(out)
    out += b"xref\n0 10\n0000000000 65535 f \n"
    for num in range(1, 10):
        offset = offsets.get(num, stream_at if num == 9 else None)
        out += b"0000000000 65535 f \n" if offset is None else b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size 10 /Root 1 0 R /ID [<%s> <%s>] /XRefStm %d /Info 6 1 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        b"ab" * 16, b"ab" * 16, stream_at, table_at)
    return bytes(out)


def test_freeing_what_only_a_hybrid_files_stream_lists_is_still_refused(trust):
    """Red team on the relaxation above: the table already called 6 free, so "a number not in
    use" read the table alone; readers following ISO 32000-1 §7.5.8.4 show the annotation the
    /XRefStm lists, and once 6 is freed, the 9.000.000.000 under it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    writer = IncrementalPdfFileWriter(io.BytesIO(_hybrid_with_hidden_annotation()), strict=False)
    writer._update_meta = lambda: None  # the trailer's /Info left as it is, as PDFBox leaves it
    out = io.BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm="sha256"),
                      signer=kit.signer("director")).sign_pdf(writer, output=out)
    signed = out.getvalue()
    assert kit.verify(signed, trust).verdict == "VALID"
    root, size, ids = kit.trailer_info(signed)
    forged = signed + b"xref\n6 1\n0000000000 00002 f \ntrailer\n<< /Size %d /Root %s /Prev %d %s /Info 6 1 R >>\n" \
        b"startxref\n%d\n%%%%EOF\n" % (size, root, kit.last_startxref(signed), ids, len(signed))
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID" and report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
    assert "freed" in kit.explain(report)


# --- a page's inherited attributes written into it ----------------------------------------------

def _inheriting_pdf() -> bytes:
    """One page that takes its /MediaBox and /Resources from its /Pages node, as fpdf writes."""
    ops = b"".join(b"BT /F1 12 Tf %d %d Td (%s) Tj ET\n" % (x, y, t.encode()) for x, y, t in kit.TEXT)
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops) + 1, ops),
    ]
    return assemble(bodies)


def _signed_writing_out(data: bytes, who: str, field: str, **written) -> bytes:
    """A visible signature by `who` whose revision also writes `written` (key -> value) into the
    page, as iText writes its inherited /MediaBox."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    w = IncrementalPdfFileWriter(io.BytesIO(data))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    for key, value in written.items():
        page[generic.NameObject(f"/{key}")] = value
    w.update_container(page)
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256")
    pdf_signer = signers.PdfSigner(meta, signer=kit.signer(who),
                                   new_field_spec=fields.SigFieldSpec(field, on_page=0, box=kit.MARGIN_BOX))
    out = io.BytesIO()
    pdf_signer.sign_pdf(w, output=out)
    return out.getvalue()


def _box(*corners: int):
    from pyhanko.pdf_utils import generic

    return generic.ArrayObject([generic.NumberObject(c) for c in corners])


def _courier_resources():
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    font = generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
                                     pdf_name("/BaseFont"): pdf_name("/Courier")})
    return generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})})


def test_an_inherited_media_box_written_into_the_page_is_no_change(trust):
    from pyhanko.pdf_utils import generic

    signed = kit.sign(_inheriting_pdf())
    itext = _signed_writing_out(signed, "agency", "Signature2", MediaBox=_box(0, 0, 595, 842))
    assert _verdicts(itext, trust) == ("VALID", ["PASSED", "PASSED"])
    # the defaults written out are no change either: /Rotate 0, a /CropBox equal to the /MediaBox
    defaults = _signed_writing_out(signed, "agency", "Signature2", Rotate=generic.NumberObject(0),
                                   CropBox=_box(0, 0, 595, 842))
    assert _verdicts(defaults, trust) == ("VALID", ["PASSED", "PASSED"])


def test_an_inherited_attribute_written_out_with_another_value_is_refused(trust):
    from pyhanko.pdf_utils import generic

    signed = kit.sign(_inheriting_pdf())
    cropped = _signed_writing_out(signed, "agency", "Signature2", MediaBox=_box(0, 600, 595, 842))
    swapped = _signed_writing_out(signed, "agency", "Signature2", Resources=_courier_resources())
    turned = _signed_writing_out(signed, "agency", "Signature2", Rotate=generic.NumberObject(90))
    for forged, key in ((cropped, "/MediaBox"), (swapped, "/Resources"), (turned, "/Rotate")):
        report = kit.verify(forged, trust)
        assert report.verdict == "INVALID" and report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
        assert f"its {key} is not the one it had" in kit.explain(report)


# --- ECDSA named by its key type ----------------------------------------------------------------

def _signature_algorithm(pdf: bytes, oid: str, *, flip: bool = False) -> bytes:
    """`pdf` with its SignerInfo's signatureAlgorithm rewritten to `oid` (and, with `flip`, one
    bit of the signature value changed), the CMS put back into /Contents: the field is outside
    the signed bytes, as iText 5 writes id-ecPublicKey there."""
    import re

    from asn1crypto import algos, cms

    hole = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", pdf)
    content_info = cms.ContentInfo.load(bytes.fromhex(hole.group(1).decode()), strict=False)
    signer_info = content_info["content"]["signer_infos"][0]
    signer_info["signature_algorithm"] = algos.SignedDigestAlgorithm({"algorithm": oid})
    if flip:
        value = bytearray(signer_info["signature"].native)
        value[-1] ^= 0x01
        signer_info["signature"] = bytes(value)
    written = content_info.dump(force=True).hex().encode().ljust(len(hole.group(1)), b"0")
    return pdf[:hole.start(1)] + written + pdf[hole.end(1):]


def test_an_ecdsa_signature_named_by_its_key_type_is_verified_as_ecdsa():
    from tests.genuine import keys_kit
    from verifier.document import verify_pdf

    trust, pdf = keys_kit.signed("ecdsa-p256")
    report = verify_pdf(_signature_algorithm(pdf, "1.2.840.10045.2.1"), trust)
    assert (report.verdict, report.layers[0].status) == ("VALID", "PASSED"), report.layers[0].problem
    assert [f.params for f in report.findings if f.code == "ECDSA_NAMED_BY_KEY_TYPE"] == [{"digest": "sha256"}]


def test_an_ecdsa_value_that_does_not_verify_still_fails_named_by_its_key_type():
    from tests.genuine import keys_kit
    from verifier.document import verify_pdf

    trust, pdf = keys_kit.signed("ecdsa-p256")
    report = verify_pdf(_signature_algorithm(pdf, "1.2.840.10045.2.1", flip=True), trust)
    assert report.verdict == "INVALID"
    assert (report.layers[0].status, report.layers[0].subindication) == ("FAILED", "SIG_CRYPTO_FAILURE")
    # an RSA key's signature said to be an EC key's is not taken for ECDSA
    trust, pdf = keys_kit.signed("rsa-pkcs1-sha256")
    report = verify_pdf(_signature_algorithm(pdf, "1.2.840.10045.2.1"), trust)
    assert report.verdict != "VALID" and "ECDSA_NAMED_BY_KEY_TYPE" not in {f.code for f in report.findings}
