"""Builders for the updates signing tools write after a signature and kyso must judge by value
(issue 13, class 5): validation data (DSS/VRI) added or rewritten, a page's /Resources moved to
a new object, form fields filled between two signatures, a choice field's /I with its value.

Each builder writes a real incremental update with pyHanko's IncrementalPdfFileWriter, the
way the tools do; documents and signers come from tests/attacks/kit.py (the test PKI).
"""

from __future__ import annotations

import io

from asn1crypto import crl as asn1_crl, pem, x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from tests.attacks import kit

OPTIONS = ("Ha Noi", "Binh Phuoc", "Da Nang")


def writer(data: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)


def written(w: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def sign_in(w: IncrementalPdfFileWriter, who: str = "agency", field: str = "Signature2", box=(380, 120, 540, 170)) -> bytes:
    """A pyHanko signature written into the same revision as the writer's pending changes."""
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256")
    spec = fields.SigFieldSpec(field, on_page=0, box=box) if box else None
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=kit.signer(who), new_field_spec=spec,
                      stamp_style=TextStampStyle(stamp_text="Da ky so: %(signer)s")).sign_pdf(w, output=out)
    return out.getvalue()


# --- validation data ---------------------------------------------------------------------------

def _der(name: str) -> bytes:
    return pem.unarmor((kit.PKI / f"{name}.pem").read_bytes())[2]


def der_certs(*names: str) -> list[bytes]:
    return [_der(n) for n in names]


def der_crls(*names: str) -> list[bytes]:
    return [(kit.PKI / "crl" / f"{n}.crl").read_bytes() for n in names]


def vri_key(data: bytes, index: int = 0) -> str:
    """The VRI key of a signature: the upper-case hex SHA-1 of its /Contents."""
    import hashlib

    emb = kit.reader(data).embedded_signatures[index]
    return "/" + hashlib.sha1(bytes(emb.pkcs7_content)).hexdigest().upper()


def add_dss_pyhanko(data: bytes, index: int = 0) -> bytes:
    """pyHanko's own DSS update (what `add_validation_info` writes), for signature `index`."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    cms = kit.reader(data).embedded_signatures[index].pkcs7_content
    out = io.BytesIO(data)
    DocumentSecurityStore.add_dss(
        out, cms, certs=[asn1_x509.Certificate.load(c) for c in der_certs("director", "ca-g2")],
        crls=[asn1_crl.CertificateList.load(c) for c in der_crls("ca-g2", "root-g2")])
    return out.getvalue()


def _streams(w, blobs: list[bytes]) -> list[generic.IndirectObject]:
    return [w.add_object(generic.StreamObject(stream_data=b)) for b in blobs]


def write_dss(data: bytes, *, certs: list[bytes], crls: list[bytes] = (), vri: dict | None = None,
              keep_old: bool = True, in_place: bool = False, rewrite_vri_entries: bool = False,
              also=None, listed=()) -> bytes:
    """A DSS update written by hand, in the manner of Acrobat and the EU DSS library.

    A new /DSS object (or, with `in_place`, the old one written again) lists the existing
    streams (`keep_old`) and new ones for `certs` and `crls`; `vri` maps VRI keys to extra
    entries ({'/TS': bytes, '/CRL': [bytes]}). With `rewrite_vri_entries` every existing VRI
    entry is written again as a new object holding the same value plus the extras given for
    it. `also(w)` makes further changes in the same revision and `listed(w)` gives more
    objects for /Certs (for the attacks)."""
    w = writer(data)
    root = w.root
    old = _get(root, "/DSS")
    cert_refs = list(_get(old, "/Certs", [])) if (old is not None and keep_old) else []
    crl_refs = list(_get(old, "/CRLs", [])) if (old is not None and keep_old) else []
    cert_refs += _streams(w, certs) + (list(listed(w)) if listed else [])
    crl_refs += _streams(w, crls)
    old_vri = _get(old, "/VRI", generic.DictionaryObject()) if old is not None else generic.DictionaryObject()
    new_vri = generic.DictionaryObject()
    vri = dict(vri or {})
    for key in old_vri:
        entry = old_vri.raw_get(key)
        if rewrite_vri_entries:
            copy = generic.DictionaryObject(dict(entry.get_object().items()))
            _extend_vri(w, copy, vri.pop(key, {}))
            entry = w.add_object(copy)
        new_vri[pdf_name(key)] = entry
    for key, extra in vri.items():
        entry = generic.DictionaryObject({pdf_name("/Cert"): generic.ArrayObject(cert_refs[-len(certs):] if certs else [])})
        _extend_vri(w, entry, extra)
        new_vri[pdf_name(key)] = w.add_object(entry)
    dss = generic.DictionaryObject({
        pdf_name("/Certs"): w.add_object(generic.ArrayObject(cert_refs)),
        pdf_name("/VRI"): w.add_object(new_vri),
    })
    if crl_refs:
        dss[pdf_name("/CRLs")] = w.add_object(generic.ArrayObject(crl_refs))
    if in_place and old is not None:
        old_ref = root.raw_get("/DSS").reference
        w.objects[(old_ref.generation, old_ref.idnum)] = dss
    else:
        root[pdf_name("/DSS")] = w.add_object(dss)
        w.update_root()
    if also is not None:
        also(w)
    return written(w)


def _extend_vri(w, entry: generic.DictionaryObject, extra: dict) -> None:
    for key, value in extra.items():
        if key == "/TS":
            entry[pdf_name("/TS")] = w.add_object(generic.StreamObject(stream_data=value))
        else:
            entry[pdf_name(key)] = generic.ArrayObject(list(_get(entry, key, [])) + _streams(w, value))


def _get(d, key, default=None):
    """d[key], resolved; `default` when absent."""
    return d[key] if key in d else default


# --- pages ------------------------------------------------------------------------------------

def move_resources(w: IncrementalPdfFileWriter, page: int = 0, *, change=None) -> None:
    """The page's /Resources written as a new object with the same value (as Acrobat does when
    it signs); `change(resources)` alters the copy (for the attacks)."""
    page_ref = w.root["/Pages"]["/Kids"].raw_get(page)
    page_obj = page_ref.get_object()
    resources = _deep_copy(page_obj["/Resources"])
    if change is not None:
        change(w, resources)
    page_obj[pdf_name("/Resources")] = w.add_object(resources)
    w.update_container(page_obj)


def _deep_copy(obj):
    """A copy of a direct structure; indirect objects stay shared references."""
    if isinstance(obj, generic.DictionaryObject) and not isinstance(obj, generic.StreamObject):
        return generic.DictionaryObject({k: _deep_copy(v) for k, v in obj.items()})
    if isinstance(obj, generic.ArrayObject):
        return generic.ArrayObject(_deep_copy(v) for v in obj)
    return obj


# --- forms ------------------------------------------------------------------------------------

def appearance(w, text: str) -> generic.IndirectObject:
    font = w.root["/AcroForm"]["/DR"]
    return w.add_object(generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
        pdf_name("/BBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 110, 17)]),
        pdf_name("/Resources"): font,
    }, stream_data=b"/Tx BMC BT /F1 12 Tf 2 4 Td (%s) Tj ET EMC" % text.encode("latin-1")))


def choice_pdf() -> bytes:
    """kit.base_pdf(text_field=True) with a combo box 'City' (options OPTIONS, 'Ha Noi'
    selected: /V, /I [0] and an appearance)."""
    w = writer(kit.base_pdf(text_field=True))
    page_ref = w.root["/Pages"]["/Kids"].raw_get(0)
    field = w.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Widget"),
        pdf_name("/FT"): pdf_name("/Ch"), pdf_name("/Ff"): generic.NumberObject(1 << 17),
        pdf_name("/T"): generic.TextStringObject("City"),
        pdf_name("/Opt"): generic.ArrayObject([generic.TextStringObject(o) for o in OPTIONS]),
        pdf_name("/V"): generic.TextStringObject(OPTIONS[0]),
        pdf_name("/I"): generic.ArrayObject([generic.NumberObject(0)]),
        pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (300, 560, 410, 577)]),
        pdf_name("/F"): generic.NumberObject(4), pdf_name("/P"): page_ref,
        pdf_name("/DA"): generic.TextStringObject("/F1 12 Tf 0 g"),
    }))
    field.get_object()[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): appearance(w, OPTIONS[0])})
    page = page_ref.get_object()
    page["/Annots"].append(field)
    w.update_container(page)
    w.root["/AcroForm"]["/Fields"].append(field)
    w.update_root()
    return written(w)


def field_ref(w, name: str) -> generic.IndirectObject:
    for f in w.root["/AcroForm"]["/Fields"]:
        if str(_get(f.get_object(), "/T")) == name:
            return f
    raise KeyError(name)


def fill(w, name: str, *, value: str | None, index: int | None = None, ap_text: str | None = None,
         in_place_ap: bool = False) -> None:
    """Set a field's /V (and a choice's /I) with a new appearance showing `ap_text` (default the
    value), as a viewer fills a form. `value=None` keeps /V; `ap_text=''` keeps the appearance;
    `in_place_ap` rewrites the existing appearance stream instead of adding one."""
    ref = field_ref(w, name)
    field = ref.get_object()
    if value is not None:
        field[pdf_name("/V")] = generic.TextStringObject(value)
    if index is not None:
        field[pdf_name("/I")] = generic.ArrayObject([generic.NumberObject(index)])
    text = ap_text if ap_text is not None else value
    if text:
        if in_place_ap:
            stream_ref = field["/AP"].raw_get("/N").reference
            stream = generic.StreamObject(dict(stream_ref.get_object().items()),
                                          stream_data=b"/Tx BMC BT /F1 12 Tf 2 4 Td (%s) Tj ET EMC" % text.encode("latin-1"))
            stream.pop(pdf_name("/Length"), None)
            w.objects[(stream_ref.generation, stream_ref.idnum)] = stream
        else:
            field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): appearance(w, text)})
    w.update_container(field)
