"""Damage done to files on purpose: each function returns the bytes of one failure sample.

Every change is written the way an attacker or a careless tool would write it: as a proper
incremental update (objects, xref section, trailer with /Prev, startxref, %EOF) unless the
point of the sample is a broken file, so that the verifier fails for the intended reason and
not because the file cannot be parsed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import itertools
import re
import secrets
from io import BytesIO

from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign import fields, signers
from pyhanko.sign.signers import cms_embedder
from pyhanko_certvalidator.registry import SimpleCertificateStore

import vnsign

# when the forger saved the file: the morning after the signing
FORGED_AT = dt.datetime(2022, 3, 9, 8, 0, 0)


def _text_xobject(w, text, font, size, width, height, colour=(0, 0, 0)):
    """A form XObject showing `text` centred in a width x height box (Unicode via the font)."""
    style = vnsign.text_style([text], font, size, align_x=layout.AxisAlignment.ALIGN_MID,
                              colour=colour)
    stamp = style.create_stamp(w, layout.BoxConstraints(width=width, height=height), {})
    return stamp.register()


def draw_on_page(data: bytes, page: int, items, font: str, size: float, label: str) -> bytes:
    """Unsigned update that appends page content drawing `text` into each (text, box)."""
    w = vnsign.open_incremental(data, label, FORGED_AT)
    # what pyHanko's BaseStamp.apply does, with stable resource names: isolate the old content
    # in q/Q, then paint each text as a form XObject from a new content stream
    w.add_stream_to_page(page, w.add_object(generic.StreamObject(stream_data=b"q")), prepend=True)
    w.add_stream_to_page(page, w.add_object(generic.StreamObject(stream_data=b"Q")))
    for i, (text, (x1, y1, x2, y2)) in enumerate(items):
        xobj = _text_xobject(w, text, font, size, round(x2 - x1), round(y2 - y1))
        name = f"/Forged{i}"
        ops = b"q 1 0 0 1 %.2f %.2f cm %s Do Q" % (x1, y1, name.encode())
        resources = generic.DictionaryObject({pdf_name("/XObject"): generic.DictionaryObject(
            {pdf_name(name): xobj})})
        w.add_stream_to_page(page, w.add_object(generic.StreamObject(stream_data=ops)),
                             resources=resources)
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def add_freetext(data: bytes, page: int, box, text: str, font: str, label: str) -> bytes:
    """Unsigned update adding a FreeText annotation (a comment drawn over the page)."""
    w = vnsign.open_incremental(data, label, FORGED_AT)
    x1, y1, x2, y2 = box
    ap = _text_xobject(w, text, font, 11, round(x2 - x1), round(y2 - y1), colour=(0.8, 0, 0))
    annot = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"),
        pdf_name("/Subtype"): pdf_name("/FreeText"),
        pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in box),
        pdf_name("/Contents"): pdf_string(text),
        pdf_name("/DA"): pdf_string("/Helv 11 Tf 0.8 0 0 rg"),
        pdf_name("/F"): generic.NumberObject(4),
        pdf_name("/M"): generic.pdf_date(FORGED_AT.replace(tzinfo=vnsign.VN_TZ)),
        pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): ap}),
    })
    page_ref, _ = w.find_page_for_modification(page)
    w.register_annotation(page_ref, w.add_object(annot))
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def replace_page_content(data: bytes, page: int, extra_ops: bytes, label: str) -> bytes:
    """Unsigned update that writes a new version of the page's content stream object.

    The same object number gets a new body in the update (no new stream is added), which is
    the shape of an edit made by a PDF editor that rewrites the page in place.
    """
    w = vnsign.open_incremental(data, label, FORGED_AT)
    page_ref, _ = w.find_page_for_modification(page)
    contents = page_ref.get_object().raw_get("/Contents")
    if not isinstance(contents, generic.IndirectObject):
        raise ValueError("expected the page's /Contents to be one indirect stream")
    old = contents.get_object()
    new = generic.StreamObject(stream_data=old.data + b"\n" + extra_ops + b"\n")
    new.compress()
    # IncrementalPdfFileWriter keeps updated objects in `objects`, keyed (generation, idnum)
    w.objects[(contents.generation, contents.idnum)] = new
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def whiteout_ops(box) -> bytes:
    x1, y1, x2, y2 = box
    return b"q 1 1 1 rg %.2f %.2f %.2f %.2f re f Q" % (x1, y1, x2 - x1, y2 - y1)


def add_pkcs7_sha1_signature(data: bytes, who: vnsign.Identity, when: dt.datetime,
                             field_name: str, crls: list[bytes]) -> bytes:
    """A genuine /adbe.pkcs7.sha1 signature in a new field.

    For this SubFilter the CMS is not detached: its encapsulated content is the SHA-1 digest
    of the byte ranges, and the SignerInfo signs that content (ISO 32000-1, 12.8.3.3.1).
    pyHanko cannot write it, but its low-level embedder reserves /Contents, fills /ByteRange
    and hands back the SHA-1 of the ranges, which is all that is needed.
    """
    w = vnsign.open_incremental(data, field_name, when)
    embedder = cms_embedder.PdfCMSEmbedder(
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name)).write_cms(
        field_name=field_name, writer=w)
    next(embedder)
    sig_obj = signers.SignatureObject(
        timestamp=when.replace(tzinfo=vnsign.VN_TZ), reason=who.reason,
        location=vnsign.LOCATION, contact_info=vnsign.CONTACT, bytes_reserved=16384)
    sig_obj[pdf_name("/SubFilter")] = pdf_name("/adbe.pkcs7.sha1")
    embedder.send(cms_embedder.SigObjSetup(sig_placeholder=sig_obj))
    prepared, output = embedder.send(cms_embedder.SigIOSetup(md_algorithm="sha1",
                                                             output=BytesIO()))
    range_sha1 = prepared.document_digest
    revinfo = signers.Signer.format_revinfo(crls=[asn1_crl.CertificateList.load(c) for c in crls])
    signer = vnsign.ToolSigner(
        wall_clock=when, manual_revinfo=revinfo, signing_cert=who.cert, signing_key=who.key,
        cert_registry=SimpleCertificateStore(), signature_mechanism=vnsign.RSA_PLAIN)
    cms_obj = asyncio.run(signer.async_sign(
        hashlib.sha1(range_sha1).digest(), "sha1",
        encap_content_info={"content_type": "data", "content": range_sha1}))
    embedder.send(cms_obj)
    return output.getvalue()


def corrupt_last_cms(data: bytes) -> bytes:
    """Overwrite the start of the last /Contents hex in place, keeping every length."""
    m = list(re.finditer(rb"/Contents\s*<([0-9a-fA-F]+)>", data))[-1]
    start = m.start(1)
    junk = b"3082ffff" + b"0" * 56
    return data[:start] + junk + data[start + len(junk):]


def truncate(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


@contextlib.contextmanager
def seeded_secrets(label: str):
    """Make pyHanko's salts and IVs a function of `label` while the block runs.

    Only so that rebuilding the corpus does not rewrite the encrypted samples; their password
    is published anyway. Never do this for real encryption.
    """
    counter = itertools.count()

    def token_bytes(n=32):
        out = b""
        while len(out) < n:
            out += hashlib.sha256(f"{label}|{next(counter)}".encode()).digest()
        return out[:n]

    saved = secrets.token_bytes
    secrets.token_bytes = token_bytes
    try:
        yield
    finally:
        secrets.token_bytes = saved


def encrypt(data: bytes, *, user: str, owner: str) -> bytes:
    """The whole file rewritten with AES-256 (PDF 2.0 standard security handler)."""
    w = copy_into_new_writer(PdfFileReader(BytesIO(data)))
    doc_id = generic.ByteStringObject(hashlib.sha256(data + user.encode()).digest()[:16])
    w._document_id = generic.ArrayObject([doc_id, doc_id])  # pyHanko draws it from os.urandom
    vnsign.pin_mod_date(w, FORGED_AT.replace(tzinfo=vnsign.VN_TZ))
    out = BytesIO()
    with seeded_secrets(f"encrypt|{user}|{owner}"):
        w.encrypt(owner_pass=owner.encode(), user_pass=user.encode())
        w.write(out)
    return out.getvalue()
