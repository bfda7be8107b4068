"""pyHanko's view of one signature (EmbeddedPdfSignature) built without its constructor, for the
shapes its constructor refuses: a CMS with several SignerInfos (verifier.signatures.several) and
adbe.x509.rsa_sha1, whose /Contents is no CMS (verifier.signatures.x509sig). What the view then
offers (coverage, the difference analysis, DocMDP and FieldMDP, the byte-range digest) needs only
the signature dictionary. Mirrors EmbeddedPdfSignature.__init__ of pyHanko 0.38
(verifier.patches.WRITTEN_FOR), where the parsing of the CMS is the only step left out.

Every view kyso validates reads the signature dictionary's /M as viewers do (`claimed_dates`,
verifier.pdf.dates): pyHanko raised on LibreOffice's `Z'`, and the signature failed."""

from __future__ import annotations


_VIEWS: dict[type, type] = {}


def claimed_dates(emb):
    """`emb`, its signer-reported time read from /M with verifier.pdf.dates when the CMS holds
    no signingTime (pyHanko's own reading raised on a date it could not read)."""
    base = type(emb)
    view = _VIEWS.get(base)
    if view is None:
        from pyhanko.sign.validation import generic_cms

        from verifier.pdf.dates import pdf_date

        class View(base):
            @property
            def self_reported_timestamp(self):
                claimed = generic_cms.extract_self_reported_ts(self.signer_info)
                if claimed is not None:
                    return claimed
                try:
                    written = self.sig_object["/M"]  # resolved and decrypted, as pyHanko reads it
                except KeyError:
                    return None
                return pdf_date(written)

        view = _VIEWS[base] = View
    emb.__class__ = view
    return emb


class NotIndirect(ValueError):
    """The signature dictionary is not an indirect object (pyHanko needs its revision)."""


def bare(reader, sig_field, fq_name: str, *, signed_data=None, signer_info=None, md_algorithm: str = "sha1"):
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature, extract_contents

    emb = EmbeddedPdfSignature.__new__(EmbeddedPdfSignature)
    if hasattr(sig_field, "get_object"):
        sig_field = sig_field.get_object()
    ref = sig_field.raw_get("/V")
    if not isinstance(ref, generic.IndirectObject):
        raise NotIndirect("the signature dictionary is not an indirect object")
    emb.reader, emb.sig_field, emb.fq_name = reader, sig_field, fq_name
    emb.sig_object = ref.get_object()
    emb.byte_range = emb.sig_object.raw_get("/ByteRange")
    emb.pkcs7_content = extract_contents(emb.sig_object)
    emb.signed_data, emb.signer_info = signed_data, signer_info
    emb._sd_cert_info = None
    emb.md_algorithm = emb.external_md_algorithm = md_algorithm
    emb.signed_revision = reader.xrefs.get_last_change(ref.reference)
    emb.coverage = None
    emb.external_digests = {}
    emb._docmdp = emb._fieldmdp = None
    emb._docmdp_queried = emb._fieldmdp_queried = False
    emb.tst_signature_digest = None
    emb.diff_result = None
    emb._integrity_checked = False
    return claimed_dates(emb)
