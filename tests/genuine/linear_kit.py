"""Linearized ("Fast Web View") files as qpdf writes them, through pikepdf (which bundles qpdf).

- `linearize`: an existing PDF rewritten linearized, with classic tables or with object streams
  (then one `%%EOF` closes both cross-reference sections);
- `signed_in_original`: what Acrobat writes when Fast Web View is on and the first signature is
  saved in a full save: the signature dictionary is part of the linearized file itself, its byte
  range covers all of it. The field is prepared with a placeholder /ByteRange and /Contents,
  the file linearized, then the placeholders filled in place (as every signer does).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re

from tests.attacks import kit

CONTENTS_SIZE = 8192  # bytes reserved for the CMS
_PLACEHOLDER = [1111111111, 2222222222, 3333333333]


def linearize(data: bytes, *, object_streams: bool = False) -> bytes:
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(out, linearize=True, object_stream_mode=mode, deterministic_id=True)
    return out.getvalue()


def signed_in_original(data: bytes, who: str = "director", field: str = "Signature1", *, page: int = 0) -> bytes:
    """`page` 1 adds a second page and puts the signature field there: qpdf then writes the
    signature dictionary in the main section instead of the first-page one."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    while len(pdf.pages) <= page:
        pdf.add_blank_page(page_size=(595, 842))
    sig = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Sig, Filter=pikepdf.Name("/Adobe.PPKLite"), SubFilter=pikepdf.Name("/adbe.pkcs7.detached"),
        ByteRange=pikepdf.Array([0, *_PLACEHOLDER]), Contents=pikepdf.String(b"\0" * CONTENTS_SIZE),
        M=pikepdf.String("D:20220308095626+07'00'"),
    ))
    page = pdf.pages[page]
    widget = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig, T=pikepdf.String(field),
        V=sig, Rect=pikepdf.Array([0, 0, 0, 0]), F=132, P=page.obj,
    ))
    page.obj.Annots = pikepdf.Array([widget])
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]), SigFlags=3)
    out = io.BytesIO()
    pdf.save(out, linearize=True, object_stream_mode=pikepdf.ObjectStreamMode.disable, deterministic_id=True)
    return fill_signature(out.getvalue(), who)


def fill_signature(data: bytes, who: str = "director") -> bytes:
    """Write the byte range and the CMS of the one placeholder signature in `data`."""
    br = re.search(rb"/ByteRange \[ *0 +1111111111 +2222222222 +3333333333 *\]", data)
    hole = re.search(rb"/Contents <(?:00)+>", data)
    assert br is not None and hole is not None, "no placeholder signature"
    a, b = hole.start() + len(b"/Contents "), hole.end()
    numbers = b"/ByteRange [0 %d %d %d]" % (a, b, len(data) - b)
    data = data[:br.start()] + numbers.ljust(br.end() - br.start()) + data[br.end():]
    digest = hashlib.sha256(data[:a] + data[b:]).digest()
    cms = asyncio.run(kit.signer(who).async_sign(digest, "sha256")).dump()
    hex_ = cms.hex().upper().encode().ljust(b - a - 2, b"0")
    assert len(hex_) == b - a - 2, "the CMS does not fit"
    return data[:a + 1] + hex_ + data[b - 1:]
