"""The shapes of issue 13 class 6, written into the unsigned original byte by byte before it is
signed with the test PKI: what other tools leave in the documents they hand to a signer."""

from __future__ import annotations

import io
import re

from tests.attacks import kit
from tests.attacks.test_xref import hybrid_update

ORPHAN = b"99 0 obj\n<< /Orphan true >>\nendobj\n"


def startxref_at_whitespace(base: bytes) -> bytes:
    """The original's startxref names the end of line just before `xref` (pdfTeX and some
    scanners' firmware write it so; readers skip the whitespace)."""
    at = kit.last_startxref(base)
    assert base[at:at + 4] == b"xref" and base[at - 1:at] in (b"\n", b"\r")
    return base.replace(b"startxref\n%d\n" % at, b"startxref\n%d\n" % (at - 1))


def dangling_trailer_reference(base: bytes, number: int) -> bytes:
    """LibreOffice's trailer /AdditionalStreams naming an object the original does not define."""
    _, size, _ = kit.trailer_info(base)
    out = base.replace(b"/Size %d\n>>" % size, b"/Size %d\n/AdditionalStreams [ /Thumbnail %d 0 R ]\n>>" % (size, number))
    assert out != base
    return out


def orphaned_object(base: bytes) -> bytes:
    """A body no xref entry lists, left between the original's objects and its xref table."""
    at = kit.last_startxref(base)
    out = base[:at] + ORPHAN + base[at:]
    return out.replace(b"startxref\n%d\n" % at, b"startxref\n%d\n" % (at + len(ORPHAN)))


def hybrid_original(base: bytes) -> bytes:
    """The original saved once more as MS Word saves: a classic table with an /XRefStm stream."""
    _, size, _ = kit.trailer_info(base)
    return hybrid_update(base, [(size, b"<< /Producer (Microsoft Word) >>")], table={size: "body:0"},
                         stream={size: "body:0"}, trailer_extra=b"/Info %d 0 R" % size)


def xref_stream_offset(data: bytes) -> int:
    return int(re.findall(rb"/XRefStm (\d+)", data)[-1])


def sign_with_trailer(data: bytes, extra: dict[str, int], field: str = "Signature1", who: str = "director") -> bytes:
    """A pyHanko signature whose own trailer also carries `extra` (name -> integer), as
    Acrobat's repeats the original's /XRefStm (pyHanko's writer drops /XRefStm otherwise)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    populate = w._populate_trailer

    def with_extra(trailer):
        populate(trailer)
        for key, value in extra.items():
            trailer[generic.pdf_name(key)] = generic.NumberObject(value)

    w._populate_trailer = with_extra
    out = io.BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256"),
                      signer=kit.signer(who)).sign_pdf(w, output=out)
    return out.getvalue()


def dotted_signature_field(base: bytes, name: str = "Signature.1") -> bytes:
    """An empty top-level signature field whose partial name /T holds a period (ISO 32000-1
    §12.7.3.2 forbids it: periods separate the parts of a fully qualified name)."""
    def build(first, page):
        return [b"<< /Type /Annot /Subtype /Widget /FT /Sig /T %s /Rect [0 0 0 0] /F 132 /P %d 0 R >>"
                % (kit.pdf_string(name), page)]
    return kit.add_annotation(base, build, field=True)
