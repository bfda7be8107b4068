"""Building blocks for the forgeries: a small document with known text, signers of the test PKI,
and incremental updates written byte by byte, the way an attacker with a hex editor writes them.

Everything here produces real PDF bytes that real pyHanko reads; nothing is mocked. Documents are
kept to one page so that pyHanko's difference analysis stays fast.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from tests.conftest import SAMPLES

PKI = SAMPLES / "pki"

# The signed text: (x, y, text) drawn in Helvetica 12. The overlap tests aim at these lines.
TEXT = [
    (72, 760, "UBND TINH BINH PHUOC - SO GIAO DUC VA DAO TAO"),
    (72, 730, "KE HOACH so 45/KH-SGDDT"),
    (72, 700, "Tong kinh phi: 1.000.000 dong"),
    (72, 670, "Thoi han hoan thanh: 31/03/2022"),
]
AMOUNT_BOX = (150.0, 695.0, 260.0, 712.0)  # over "kinh phi: 1.000.000"
MARGIN_BOX = (380.0, 60.0, 540.0, 110.0)  # empty bottom-right corner: no text there
FONT_WIDTH = 556  # Helvetica's digits; one width for every glyph keeps the font honest and simple


# --- documents ---------------------------------------------------------------------------------

def base_pdf(*, xref_stream: bool = False, text_field: bool = False, javascript: bool = False,
             shadow: bytes | None = None, shadow_root: bool = False, shadow_fields: int | None = None) -> bytes:
    """A one-page document. Options: an AcroForm text field 'Amount' (value '1000000', with an
    appearance), a document-level JavaScript (present before any signature), an extra content
    stream `shadow` that is written but used by nothing (the shadow attacks' hidden content),
    and with `shadow_root` a whole second catalog, page tree and page showing it (whose
    /AcroForm lists object `shadow_fields`, the number the signature field will get)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    w = PdfFileWriter(stream_xrefs=xref_stream)
    font = w.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica"), pdf_name("/FirstChar"): generic.NumberObject(32),
        pdf_name("/LastChar"): generic.NumberObject(126),
        pdf_name("/Widths"): generic.ArrayObject([generic.NumberObject(FONT_WIDTH)] * 95),
        pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
    }))
    ops = b"".join(b"BT /F1 12 Tf %d %d Td (%s) Tj ET\n" % (x, y, t.encode()) for x, y, t in TEXT)
    content = w.add_object(generic.StreamObject(stream_data=ops))
    resources = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})})
    page = PageObject(contents=content, media_box=(0, 0, 595, 842), resources=resources)
    w.insert_page(page)
    if shadow is not None:
        shadow_ref = w.add_object(generic.StreamObject(stream_data=shadow))
        if shadow_root:
            pages = w.add_object(generic.DictionaryObject({
                pdf_name("/Type"): pdf_name("/Pages"), pdf_name("/Count"): generic.NumberObject(1),
                pdf_name("/Kids"): generic.ArrayObject()}))
            shadow_page = w.add_object(generic.DictionaryObject({
                pdf_name("/Type"): pdf_name("/Page"), pdf_name("/Parent"): pages, pdf_name("/Contents"): shadow_ref,
                pdf_name("/MediaBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)]),
                pdf_name("/Resources"): resources}))
            pages.get_object()[pdf_name("/Kids")].append(shadow_page)
            catalog = generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Catalog"), pdf_name("/Pages"): pages})
            if shadow_fields is not None:
                catalog[pdf_name("/AcroForm")] = generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject(
                    [generic.IndirectObject(shadow_fields, 0, w)])})
            w.add_object(catalog)
    if text_field:
        page_ref = w.root["/Pages"]["/Kids"][0]
        ap = w.add_object(generic.StreamObject({
            pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 110, 17)]),
            pdf_name("/Resources"): resources,
        }, stream_data=b"BT /F1 12 Tf 2 4 Td (1000000) Tj ET"))
        field = w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"), pdf_name("/T"): generic.TextStringObject("Amount"),
            pdf_name("/V"): generic.TextStringObject("1000000"),
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (300, 600, 410, 617)]),
            pdf_name("/F"): generic.NumberObject(4), pdf_name("/P"): page_ref,
            pdf_name("/DA"): generic.TextStringObject("/F1 12 Tf 0 g"),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): ap}),
        }))
        page_ref.get_object()[pdf_name("/Annots")] = generic.ArrayObject([field])
        w.root[pdf_name("/AcroForm")] = generic.DictionaryObject({
            pdf_name("/Fields"): generic.ArrayObject([field]),
            pdf_name("/DR"): resources,
        })
    if javascript:
        action = w.add_object(generic.DictionaryObject({
            pdf_name("/S"): pdf_name("/JavaScript"), pdf_name("/JS"): generic.TextStringObject("app.alert('xin chao');"),
        }))
        w.root[pdf_name("/Names")] = generic.DictionaryObject({pdf_name("/JavaScript"): generic.DictionaryObject({
            pdf_name("/Names"): generic.ArrayObject([generic.TextStringObject("hello"), action])})})
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


# --- signing -----------------------------------------------------------------------------------

def signer(who: str, chain: tuple[str, ...] = ()):
    """A test-PKI signer; the CMS carries its certificate and those named in `chain`."""
    from pyhanko.sign import signers

    return signers.SimpleSigner.load(str(PKI / "private" / f"{who}.TEST-ONLY.key.pem"), str(PKI / f"{who}.pem"),
                                     ca_chain_files=[str(PKI / f"{c}.pem") for c in chain] or None)


def sign(data: bytes, who: str = "director", field: str = "Signature1", *, certify: int | None = None,
         box=None, page: int = 0, existing: bool = False, chain: tuple[str, ...] = ()) -> bytes:
    """A pyHanko signature by `who` of the test PKI. `certify` = DocMDP P (1, 2, 3) for a
    certification signature, None for an approval one; `box` makes the field visible;
    `existing` signs an empty signature field that is already in the document."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", certify=certify is not None,
        docmdp_permissions=fields.MDPPerm(certify) if certify is not None else fields.MDPPerm.FILL_FORMS,
    )
    spec = None if existing or box is None else fields.SigFieldSpec(field, on_page=page, box=box)
    pdf_signer = signers.PdfSigner(meta, signer=signer(who, chain), new_field_spec=spec,
                                   stamp_style=TextStampStyle(stamp_text="Da ky so: %(signer)s"))
    out = io.BytesIO()
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False), output=out)
    return out.getvalue()


def trust():
    """The test PKI as trust, with its CRLs: a correct signature here is VALID."""
    from verifier.trust.config import TrustConfig

    config = TrustConfig()
    config.add_bundle((PKI / "trust.pem").read_bytes())
    for crl in ("ca-g2.crl", "root-g2.crl"):
        config.add_crls((PKI / "crl" / crl).read_bytes())
    return config


def verify(data: bytes, trust_config):
    """kyso's report; a forgery must be judged, never crash a check (INTERNAL_ERROR)."""
    from verifier.document import verify_pdf

    report = verify_pdf(data, trust_config)
    assert "INTERNAL_ERROR" not in codes(report), explain(report)
    return report


# what verifier/structure/checks.py reports (the Decree 30 profile and the layers report other codes)
STRUCTURE_CODES = frozenset({
    "BYTE_RANGE_INVALID", "SIGNATURE_GAP_INVALID", "SIGNATURE_DICT_MISPLACED", "BYTE_RANGE_REVISION_MISMATCH",
    "BYTES_AFTER_EOF", "EOF_COUNT_MISMATCH", "REVISION_MALFORMED", "UNREFERENCED_OBJECT", "OBJECTS_OVERLAP",
    "XREF_POINTS_OUTSIDE_REVISION", "UNEXPLAINED_BYTES", "HYBRID_XREF_CONFLICT", "XREF_DUPLICATE_ENTRY",
    "TRAILER_KEY_CONFLICT", "TRAILER_DUPLICATE_KEY", "DICT_KEY_CONFLICT", "DICT_DUPLICATE_KEY", "XREF_PREV_LOOP", "STRICT_PARSE_DEVIATION",
    "STRICT_PARSE_DEVIATION_AFTER_SIGNING", "ACTIVE_CONTENT", "ACTIVE_CONTENT_ADDED",
    "ANNOTATION_OVER_SIGNED_TEXT", "UNREADABLE_LAST_REVISION", "STRUCTURE_UNREADABLE", "SIGNATURE_PADDING_NOT_ZERO",
    "SIGNATURE_CMS_MALFORMED", "OBJECT_STREAM_CONFLICT", "OBJECT_STREAM_DUPLICATE", "OBJECT_STREAM_UNREFERENCED",
    "OBJECT_STREAM_MALFORMED", "OBJECT_STREAM_CONFLICT_IN_ORIGINAL", "ANNOTATION_OVER_EARLIER_APPEARANCE",
    "ANNOTATION_OVER_SIGNED_IMAGE", "ANNOTATION_OVER_SIGNED_DRAWING", "ANNOTATION_GEOMETRY_UNRESOLVED", "RENDERED_DIFFERENCE",
})


def structural(report) -> set[str]:
    return codes(report) & STRUCTURE_CODES


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


def explain(report) -> str:
    """What a failing assertion should print: layers and findings."""
    layers = [(l.field, l.status, l.subindication, l.problem) for l in report.layers]
    return f"{report.verdict}: {layers} {[(f.code, f.params) for f in report.findings]}"


# --- reading a file the way an attacker does ---------------------------------------------------

def reader(data: bytes, strict: bool = False):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=strict)


def last_startxref(data: bytes) -> int:
    return int(re.findall(rb"startxref\s+(\d+)", data)[-1])


def trailer_info(data: bytes) -> tuple[bytes, int, bytes]:
    """(/Root reference as bytes, /Size, /ID entry or b'') of the newest revision."""
    r = reader(data)
    root = r.trailer.raw_get("/Root")
    ids = r.trailer.raw_get("/ID") if "/ID" in r.trailer else None
    id_bytes = b""
    if ids is not None:
        id_bytes = b"/ID [<%s> <%s>]" % (ids[0].original_bytes.hex().encode(), ids[1].original_bytes.hex().encode())
    return b"%d %d R" % (root.idnum, root.generation), int(r.trailer["/Size"]), id_bytes


def object_offset(data: bytes, idnum: int) -> int:
    """Offset of the newest body of object `idnum` (from pyHanko's own xref reading)."""
    r = reader(data)
    loc = r.xrefs[_ref(r, idnum)]
    if not isinstance(loc, int):
        raise ValueError(f"object {idnum} is not an uncompressed object")
    return loc


def _ref(r, idnum: int):
    from pyhanko.pdf_utils import generic

    return generic.Reference(idnum, 0, r)


def find_object(data: bytes, marker: bytes) -> int:
    """Number of the (uncompressed) object whose body holds `marker`."""
    at = data.index(marker)
    return int(re.findall(rb"(\d+) 0 obj", data[:at])[-1])


def page_content_ref(data: bytes, page: int = 0) -> int:
    r = reader(data)
    kids = r.root["/Pages"]["/Kids"]
    return kids[page].get_object().raw_get("/Contents").idnum


def page_ref(data: bytes, page: int = 0) -> int:
    r = reader(data)
    return r.root["/Pages"]["/Kids"].raw_get(page).idnum


def sig_object_ref(data: bytes, field: str = "Signature1") -> int:
    r = reader(data)
    for f in r.root["/AcroForm"]["/Fields"]:
        f = f.get_object()
        if str(f.get("/T")) == field:
            return f.raw_get("/V").idnum
    raise KeyError(field)


def raw_object(data: bytes, idnum: int) -> bytes:
    """The bytes `N 0 obj ... endobj` of the newest body of object `idnum`."""
    start = object_offset(data, idnum)
    end = data.index(b"endobj", start) + len(b"endobj")
    return data[start:end]


def raw_dict(data: bytes, idnum: int) -> bytes:
    """The dictionary text of a non-stream object (between `obj` and `endobj`)."""
    body = raw_object(data, idnum)
    return body[body.index(b"obj") + 3: body.rindex(b"endobj")].strip()


# --- writing updates by hand -------------------------------------------------------------------

def xref_table(entries: dict[int, tuple[int, int, str]]) -> bytes:
    """A classic xref table; entries: idnum -> (offset or next free, generation, 'n' | 'f')."""
    out = [b"xref\n"] if entries else [b"xref\n0 0\n"]
    numbers = sorted(entries)
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(b"%d %d\n" % (numbers[i], j - i + 1))
        for n in numbers[i:j + 1]:
            off, gen, kind = entries[n]
            out.append(b"%010d %05d %s \n" % (off, gen, kind.encode()))
        i = j + 1
    return b"".join(out)


def append_update(data: bytes, objects: Iterable[tuple[int, bytes]], *, xref: bool = True,
                  trailer: bool = True, startxref: bool = True, eof: bool = True,
                  extra_entries: dict[int, tuple[int, int, str]] | None = None,
                  trailer_extra: bytes = b"", root: bytes | None = None, prev: int | None = None,
                  size: int | None = None, listed: Iterable[int] | None = None,
                  info: tuple[bytes, int, bytes] | None = None) -> bytes:
    """Append an incremental update: bodies `N 0 obj <body> endobj`, then (each optional) an xref
    table listing them (or only those in `listed`), a trailer with /Prev, startxref and %%EOF.
    `extra_entries` adds xref entries that point anywhere (re-pointing, un-freeing); `info`
    gives (/Root, /Size, /ID) when `data` itself cannot be read."""
    root_ref, old_size, ids = info or trailer_info(data)
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    entries: dict[int, tuple[int, int, str]] = {}
    numbers = []
    for idnum, body in objects:
        if listed is None or idnum in listed:
            entries[idnum] = (len(out), 0, "n")  # of two bodies with one number, the last is listed
        numbers.append(idnum)
        out += b"%d 0 obj\n%s\nendobj\n" % (idnum, body)
    if extra_entries:
        entries.update(extra_entries)
    if not xref:
        return bytes(out)
    xref_at = len(out)
    out += xref_table(entries)
    if not trailer:
        return bytes(out)
    new_size = size if size is not None else max([old_size - 1, *numbers, *entries]) + 1
    out += b"trailer\n<< /Size %d /Root %s /Prev %d %s %s >>\n" % (
        new_size, root or root_ref, last_startxref(data) if prev is None else prev, ids, trailer_extra)
    if not startxref:
        return bytes(out)
    out += b"startxref\n%d\n" % xref_at
    if eof:
        out += b"%%EOF\n"
    return bytes(out)


def pdf_string(text: str) -> bytes:
    return b"(" + text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _add_to_array(dict_text: bytes, key: bytes, item: bytes) -> bytes:
    """`dict_text` with `item` appended to its direct array `key` (created if missing)."""
    m = re.search(rb"%s\s*\[" % re.escape(key), dict_text)
    if m:
        end = dict_text.index(b"]", m.end())
        return dict_text[:end] + b" " + item + b" " + dict_text[end:]
    if re.search(rb"%s\s+\d+\s+\d+\s+R" % re.escape(key), dict_text):
        raise ValueError(f"{key!r} is an indirect array; not handled here")
    cut = dict_text.rindex(b">>")
    return dict_text[:cut] + b" %s [ %s ] " % (key, item) + dict_text[cut:]


def add_annotation(data: bytes, build, *, field: bool = False, page: int = 0, **update) -> bytes:
    """Unsigned update adding one annotation to a page (and, with `field`, to the AcroForm's
    /Fields). `build(first_number, page_number)` returns the bodies of the new objects, the
    annotation last; they are numbered from the first free object number on."""
    _, size, _ = trailer_info(data)
    page_num = page_ref(data, page)
    bodies = build(size, page_num)
    annot = size + len(bodies) - 1
    objects = [(size + i, body) for i, body in enumerate(bodies)]
    objects.append((page_num, _add_to_array(raw_dict(data, page_num), b"/Annots", b"%d 0 R" % annot)))
    if field:
        r = reader(data)
        root_num = r.root_ref.idnum
        acro = r.root.raw_get("/AcroForm") if "/AcroForm" in r.root else None
        if acro is not None and hasattr(acro, "idnum"):
            objects.append((acro.idnum, _add_to_array(raw_dict(data, acro.idnum), b"/Fields", b"%d 0 R" % annot)))
        elif acro is not None:
            catalog = raw_dict(data, root_num)
            m = re.search(rb"/Fields\s*\[", catalog)
            end = catalog.index(b"]", m.end())
            objects.append((root_num, catalog[:end] + b" %d 0 R " % annot + catalog[end:]))
        else:
            catalog = raw_dict(data, root_num)
            cut = catalog.rindex(b">>")
            objects.append((root_num, catalog[:cut] + b" /AcroForm << /Fields [ %d 0 R ] >> " % annot + catalog[cut:]))
    return append_update(data, objects, **update)


def form_xobject(ops: bytes, bbox=(0, 0, 110, 17)) -> bytes:
    return b"<< /Type /XObject /Subtype /Form /BBox [%s] /Resources << >> /Length %d >>\nstream\n%s\nendstream" % (
        " ".join(str(v) for v in bbox).encode(), len(ops), ops)


def rect(box) -> bytes:
    return b"[%s]" % " ".join(f"{v:g}" for v in box).encode()


WHITEOUT = b"1 1 1 rg 0 0 110 17 re f"


def sign_raw(data: bytes, who: str = "director", field: str = "Signature1", *, byterange_first: bool = False,
             reserved: int = 8192, box=None) -> bytes:
    """An approval signature written with pyHanko's low-level embedder, so that the signature
    dictionary's key order can be chosen (`byterange_first` writes /ByteRange before
    /Contents, as iText, and so the Vietnamese tools, do; pyHanko writes /Contents first) and
    so that nothing refuses to sign (after a P=1 certification, say). `box`: a visible field
    with an empty appearance."""
    import asyncio

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import cms_embedder

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    spec = fields.SigFieldSpec(sig_field_name=field, on_page=0, box=box) if box else fields.SigFieldSpec(sig_field_name=field)
    embedder = cms_embedder.PdfCMSEmbedder(new_field_spec=spec).write_cms(
        field_name=field, writer=w)
    next(embedder)
    sig_obj = signers.SignatureObject(bytes_reserved=reserved)
    if byterange_first:
        contents = sig_obj.pop("/Contents")
        sig_obj["/Contents"] = contents  # re-inserted last: /ByteRange now comes first
    embedder.send(cms_embedder.SigObjSetup(sig_placeholder=sig_obj))
    prepared, output = embedder.send(cms_embedder.SigIOSetup(md_algorithm="sha256", output=io.BytesIO()))
    cms = asyncio.run(signer(who).async_sign(prepared.document_digest, "sha256"))
    embedder.send(cms)
    return output.getvalue()


def replace_object(data: bytes, idnum: int, obj) -> bytes:
    """A proper incremental update (pyHanko's writer, in the document's own xref style) that
    writes a new body for object `idnum`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    w.objects[(0, idnum)] = obj  # the writer keeps updated objects keyed (generation, number)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def content_stream(ops: bytes):
    from pyhanko.pdf_utils import generic

    return generic.StreamObject(stream_data=ops)


def stream_body(ops: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops)


FORGED_OPS = b"BT /F1 12 Tf 72 700 Td (Tong kinh phi: 9.000.000.000 dong) Tj ET"
