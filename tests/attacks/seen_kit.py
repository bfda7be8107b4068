"""Visible fields whose value is not a trusted signature: a document timestamp from any TSA, a
CMS nobody can check, drawn over the signed text with a real appearance (pyHanko's text stamp),
and unsigned fields whose geometry viewers and pyHanko read differently."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

from tests.attacks import kit

FORGED_TEXT = "So tien: 9.000.000.000 dong"


def visible_field(data: bytes, *, token=None, cms=None, field: str = "Signature2", box=kit.AMOUNT_BOX) -> bytes:
    """A new visible field over `box` drawing FORGED_TEXT, whose value is a document timestamp
    (`token(digest)` gives the TimeStampToken) or a signature whose /Contents is `cms(covered
    bytes)` (any bytes: kyso must not need to read them to refuse the appearance)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import cms_embedder
    from pyhanko.sign.signers.pdf_byterange import DocumentTimestamp
    from pyhanko.stamp import TextStampStyle

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    spec = fields.SigFieldSpec(sig_field_name=field, on_page=0, box=box)
    embedder = cms_embedder.PdfCMSEmbedder(new_field_spec=spec).write_cms(field_name=field, writer=w)
    next(embedder)
    placeholder = DocumentTimestamp(bytes_reserved=16384) if token else signers.SignatureObject(bytes_reserved=16384)
    look = cms_embedder.SigAppearanceSetup(
        style=TextStampStyle(stamp_text=FORGED_TEXT, border_width=0), timestamp=dt.datetime(2026, 1, 1),
        name="forger")
    embedder.send(cms_embedder.SigObjSetup(sig_placeholder=placeholder, appearance_setup=look))
    prepared, output = embedder.send(cms_embedder.SigIOSetup(md_algorithm="sha256", output=io.BytesIO()))
    if token:
        embedder.send(asyncio.run(token(prepared.document_digest)))
    else:
        raw = output.getvalue()
        embedder.send(cms(raw[:prepared.reserved_region_start] + raw[prepared.reserved_region_end:]))
    return output.getvalue()


def public_tsa_token(digest: bytes):
    """A token from a TSA the trust knows, as any public TSA gives to anyone: no key of the
    document's signers is needed."""
    from tests.genuine import tsa_kit

    return tsa_kit.timestamper(dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)).async_timestamp(digest, "sha256")


def unsigned_field(signed: bytes, rect: bytes, *, flags: int = 4, extra_objects: tuple[bytes, ...] = (),
                   name: bytes = b"Signature2") -> bytes:
    """An unsigned signature field drawing FORGED_TEXT, its /Rect written as `rect` (which may name
    the objects of `extra_objects`, numbered right after the first free number: %(n0)d...)."""
    def build(n, page):
        numbers = {f"n{i}".encode(): n + i for i in range(len(extra_objects))}
        ap = n + len(extra_objects)
        return [*extra_objects, kit.form_xobject(kit.WHITEOUT + b" 0 g BT /Helv 10 Tf 2 4 Td (9.000.000.000) Tj ET"),
                b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (%s) /F %d /Rect %s /P %d 0 R /AP << /N %d 0 R >> >>"
                % (name, flags, rect % numbers if numbers else rect, page, ap)]

    return kit.add_annotation(signed, build, field=True)


def drawn(data: bytes, box=None):
    """Page 1 as PDFium shows it with forms drawn (as Chrome), in grey levels; with `box` (user
    space of the one-page test document), the bytes of that part only."""
    from verifier.render.pages import render

    _, pages = render(data, [0], 1.0)
    image = pages[0].image
    if box is None:
        return image
    return image.crop(pages[0].to_px(box)).tobytes()
