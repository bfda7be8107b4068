"""Tests of kyso's post-signature modification policy (verifier/signatures/diff/).

Two halves, both with real pyHanko and no mocks:

- the genuine documents of ../shared/realdocs must never come out as OTHER, and
  pyHanko's DEFAULT_DIFF_POLICY (or our policy minus one extension) must come out as
  OTHER on them, which shows each extension is needed;
- small PDFs generated here, signed with a throwaway self-signed key, then modified in
  incremental updates the way an attacker would: every forbidden change stays OTHER,
  every permitted one gets the expected level.

The real documents are found under ``<repo>/../shared/realdocs`` or ``$KYSO_SHARED/realdocs``
and the tests that need them are skipped when they are absent.
"""

from __future__ import annotations

import datetime as dt
import os
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from verifier.pdf.reader import KysoPdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffResult,
    ModificationLevel,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.form_rules_api import FormUpdatingRule
from pyhanko.sign.diff_analysis.rules.form_field_rules import (
    GenericFieldModificationRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
)
from pyhanko.sign.diff_analysis.rules.metadata_rules import MetadataUpdateRule
from pyhanko.sign.fields import MDPPerm, SigFieldSpec
from pyhanko.sign.signers.pdf_signer import PdfSigner
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from verifier.signatures.diff.policy import build_diff_policy
from verifier.signatures.diff.rules import EmptyTolerantMetadataRule, SignatureStructTreeRule

OK_LEVELS = {
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
}


# ---------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------


def _shared_dir() -> Path:
    env = os.environ.get("KYSO_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


REALDOCS = _shared_dir() / "realdocs"
_REALDOC_NAMES = sorted(p.name for p in REALDOCS.glob("*.pdf")) if REALDOCS.is_dir() else []
_NO_REALDOCS = (
    f"real documents not found in {REALDOCS} (set KYSO_SHARED to the shared directory)"
)


def _level(emb, policy) -> tuple[ModificationLevel, str]:
    """Run pyHanko's integrity computation (coverage + difference analysis) with the
    given policy; return the modification level and pyHanko's reason when OTHER."""
    emb.compute_integrity_info(diff_policy=policy)
    result = emb.diff_result
    if isinstance(result, SuspiciousModification):
        return ModificationLevel.OTHER, str(result)
    assert isinstance(result, DiffResult)
    return result.modification_level, ""


@pytest.fixture(scope="module")
def policy():
    return build_diff_policy()


@pytest.fixture(scope="module")
def realdoc_readers():
    """One reader per real document for the whole module: pyHanko caches parsed
    objects in the reader, and parsing the large documents dominates the run time."""
    handles, readers = [], {}

    def get(name: str) -> PdfFileReader:
        path = REALDOCS / name
        if not path.is_file():
            pytest.skip(_NO_REALDOCS)
        if name not in readers:
            fh = open(path, "rb")
            handles.append(fh)
            # hybrid-reference files (Word + iText) need non-strict mode; kyso's reader is
            # pyHanko's with object-stream headers parsed once (tests/test_pdfreader.py)
            readers[name] = KysoPdfFileReader(fh, strict=False)
        return readers[name]

    yield get
    for fh in handles:
        fh.close()


# ---------------------------------------------------------------------------
# real documents
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", _REALDOC_NAMES or [pytest.param("-", marks=pytest.mark.skip(reason=_NO_REALDOCS))]
)
def test_realdoc_every_signature_is_an_allowed_modification(name, real_reports):
    """kyso's policy, as verification applies it (the run's shared reports: the difference
    analysis of the large documents takes seconds)."""
    layers = real_reports[name].layers
    assert layers, f"{name}: no signatures found"
    for layer in layers:
        assert layer.modification_level in {level.name for level in OK_LEVELS}, (name, layer.field, layer.changes)
        # the level also satisfies the signature's own DocMDP permission
        assert not any("DocMDP" in change for change in map(str, layer.changes)), (name, layer.field, layer.changes)


def _levels_by_field(reader, policy) -> dict[str, tuple[ModificationLevel, str]]:
    return {emb.field_name: _level(emb, policy) for emb in reader.embedded_signatures}


def test_default_policy_rejects_50_2026_nd_cp(realdoc_readers):
    reader = realdoc_readers("50-2026-ND-CP.pdf")
    levels = _levels_by_field(reader, DEFAULT_DIFF_POLICY)
    # layer 1 certifies with P=2: the later visible seals are refused by pyHanko
    assert levels["Signature1"][0] == ModificationLevel.OTHER
    assert "not a certification signature" in levels["Signature1"][1]
    # layers 2-5: the structure tree updates are "unexplained xrefs"
    for name in ("Signature2", "Signature3", "Signature4", "Signature5"):
        assert levels[name][0] == ModificationLevel.OTHER, name
        assert "unexplained xrefs" in levels[name][1], name


def test_50_2026_needs_the_structure_tree_rule(policy, realdoc_readers):
    """Our policy without SignatureStructTreeRule still says OTHER, for every layer
    followed by a seal."""
    reader = realdoc_readers("50-2026-ND-CP.pdf")
    ablated = build_diff_policy()
    ablated.global_rules = [
        r for r in ablated.global_rules if not isinstance(r, SignatureStructTreeRule)
    ]
    levels = _levels_by_field(reader, ablated)
    for name in ("Signature1", "Signature2", "Signature3", "Signature4", "Signature5"):
        assert levels[name][0] == ModificationLevel.OTHER, name
        assert "/StructTreeRoot" in levels[name][1] or "unexplained" in levels[name][1]
    assert levels["Signature6"][0] == ModificationLevel.NONE


def test_default_policy_rejects_19_bkhcn(policy, realdoc_readers):
    reader = realdoc_readers("19-bkhcn.pdf")
    level, reason = _levels_by_field(reader, DEFAULT_DIFF_POLICY)["Signature1"]
    assert level == ModificationLevel.OTHER
    assert "/Metadata XML syntax could not be validated" in reason
    # ... and so does our policy with pyHanko's metadata rule put back
    ablated = build_diff_policy()
    ablated.global_rules = [
        MetadataUpdateRule().as_qualified(ModificationLevel.LTA_UPDATES)
        if isinstance(getattr(r, "rule", None), EmptyTolerantMetadataRule)
        else r
        for r in ablated.global_rules
    ]
    assert _levels_by_field(reader, ablated)["Signature1"][0] == ModificationLevel.OTHER


@pytest.mark.parametrize(
    "name", ["385.signed.signed.pdf", "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf"]
)
def test_default_policy_rejects_seals_after_p2_certification(name, realdoc_readers):
    reader = realdoc_readers(name)
    level, reason = _levels_by_field(reader, DEFAULT_DIFF_POLICY)["Signature1"]
    assert level == ModificationLevel.OTHER
    assert "only allowed after an approval signature" in reason


# ---------------------------------------------------------------------------
# generated documents: key, base PDFs, signing
# ---------------------------------------------------------------------------


class _RawPdfFileWriter(PdfFileWriter):
    """A writer that leaves /Info and XMP alone (pyHanko would otherwise create or
    rewrite the metadata stream on every write)."""

    def _update_meta(self):
        pass


class _RawIncrementalWriter(IncrementalPdfFileWriter):
    def _update_meta(self):
        pass


class _UncheckedPdfSigner(PdfSigner):
    """An attacker's signing tool: pyHanko politely refuses to sign after a P=1
    certification; a forger does not."""

    def _enforce_certification_constraints(self, reader):
        pass


def _make_signer() -> signers.SimpleSigner:
    """A throwaway self-signed RSA key and certificate (trust is irrelevant to the
    difference analysis)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, "kyso test signer"),
        ]
    )
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    asn1_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    asn1_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return signers.SimpleSigner(
        signing_cert=asn1_cert,
        signing_key=asn1_key,
        cert_registry=SimpleCertificateStore.from_certs([asn1_cert]),
    )


@pytest.fixture(scope="module")
def signer():
    return _make_signer()


def _d(**kw) -> generic.DictionaryObject:
    return generic.DictionaryObject({pdf_name("/" + k): v for k, v in kw.items()})


def _n(name: str) -> generic.NameObject:
    return pdf_name(name)


def _base_pdf(*, tagged: bool = False, metadata: bytes | None = None, link: bool = False) -> bytes:
    """One A4 page of text. ``tagged``: a structure tree (Document > P with MCID 0 on
    the page, /ParentTree {0: [P]}, /ParentTreeNextKey 1) like a Word export.
    ``metadata``: a /Metadata stream with these bytes. ``link``: a Link annotation."""
    w = _RawPdfFileWriter()
    font = w.add_object(_d(Type=_n("/Font"), Subtype=_n("/Type1"), BaseFont=_n("/Helvetica")))
    text = b"BT /F1 14 Tf 72 770 Td (QUYET DINH so 01/2026) Tj ET"
    if tagged:
        text = b"/P <</MCID 0>> BDC " + text + b" EMC"
    contents = w.add_object(generic.StreamObject(stream_data=text))
    page = PageObject(
        contents=contents,
        media_box=(0, 0, 595, 842),
        resources=_d(Font=_d(F1=font)),
    )
    page_ref = w.insert_page(page)
    if link:
        annot = w.add_object(
            _d(
                Type=_n("/Annot"),
                Subtype=_n("/Link"),
                Rect=generic.ArrayObject(map(generic.NumberObject, (72, 600, 200, 620))),
                Border=generic.ArrayObject(map(generic.NumberObject, (0, 0, 0))),
                A=_d(S=_n("/URI"), URI=generic.TextStringObject("https://example.org")),
            )
        )
        w.register_annotation(page_ref, annot)
    if tagged:
        str_ref = w.add_object(_d(Type=_n("/StructTreeRoot")))
        doc_ref = w.add_object(_d(Type=_n("/StructElem"), S=_n("/Document"), P=str_ref))
        p_ref = w.add_object(
            _d(
                Type=_n("/StructElem"),
                S=_n("/P"),
                P=doc_ref,
                Pg=page_ref,
                K=generic.NumberObject(0),
            )
        )
        doc_ref.get_object()["/K"] = generic.ArrayObject([p_ref])
        arr_ref = w.add_object(generic.ArrayObject([p_ref]))
        pt_ref = w.add_object(_d(Nums=generic.ArrayObject([generic.NumberObject(0), arr_ref])))
        st = str_ref.get_object()
        st["/K"] = generic.ArrayObject([doc_ref])
        st["/ParentTree"] = pt_ref
        st["/ParentTreeNextKey"] = generic.NumberObject(1)
        page_ref.get_object()["/StructParents"] = generic.NumberObject(0)
        w.root["/StructTreeRoot"] = str_ref
        w.root["/MarkInfo"] = _d(Marked=generic.BooleanObject(True))
    if metadata is not None:
        meta = generic.StreamObject(
            _d(Type=_n("/Metadata"), Subtype=_n("/XML")), stream_data=metadata
        )
        w.root["/Metadata"] = w.add_object(meta)
    w.update_root()
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def _sign(
    data: bytes,
    signer,
    field: str,
    *,
    certify: MDPPerm | None = None,
    box=None,
    existing_field: bool = False,
    writer: IncrementalPdfFileWriter | None = None,
    signer_cls=PdfSigner,
) -> bytes:
    """Sign in a new incremental update (``writer`` may already hold other changes,
    which then land in the same revision as the signature)."""
    w = writer or IncrementalPdfFileWriter(BytesIO(data))
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        certify=certify is not None,
        docmdp_permissions=certify or MDPPerm.FILL_FORMS,
    )
    spec = None if existing_field else SigFieldSpec(field, box=box)
    out = signer_cls(meta, signer=signer, new_field_spec=spec).sign_pdf(w, output=BytesIO())
    return out.getvalue()


def _first_sig_level(data: bytes, policy, index: int = 0) -> tuple[ModificationLevel, str]:
    reader = PdfFileReader(BytesIO(data))
    return _level(reader.embedded_signatures[index], policy)


def _update(data: bytes, change) -> bytes:
    """An unsigned incremental update made by ``change(writer)``."""
    w = _RawIncrementalWriter(BytesIO(data))
    change(w)
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def _set_stream_data(stream: generic.StreamObject, data: bytes) -> None:
    """Overwrite an (unfiltered) stream's content in place."""
    stream._data = data
    stream._encoded_data = None


def _page_ref(w) -> generic.IndirectObject:
    return w.root["/Pages"]["/Kids"].raw_get(0)


def _field_ref(w, name: str) -> generic.IndirectObject:
    for raw in w.root["/AcroForm"]["/Fields"]:
        if raw.get_object().get("/T") == name:
            return raw
    raise KeyError(name)


# ---------------------------------------------------------------------------
# (a)-(d): annotations, content, certification levels
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed_plain(signer) -> bytes:
    return _sign(_base_pdf(), signer, "Signature1", box=(72, 650, 272, 700))


def test_a_freetext_annotation_after_signing_is_other(signed_plain, policy):
    def add_freetext(w):
        annot = w.add_object(
            _d(
                Type=_n("/Annot"),
                Subtype=_n("/FreeText"),
                Rect=generic.ArrayObject(map(generic.NumberObject, (72, 760, 400, 790))),
                Contents=generic.TextStringObject("DA HUY"),
                DA=generic.TextStringObject("/Helv 12 Tf 0 g"),
            )
        )
        w.register_annotation(_page_ref(w), annot)

    level, reason = _first_sig_level(_update(signed_plain, add_freetext), policy)
    assert level == ModificationLevel.OTHER, reason


def test_b_page_content_change_after_signing_is_other(signed_plain, policy):
    def rewrite_content(w):
        raw = _page_ref(w).get_object().raw_get("/Contents")
        _set_stream_data(raw.get_object(), b"BT /F1 14 Tf 72 770 Td (QUYET DINH so 99/2026) Tj ET")
        w.mark_update(raw)

    data = _update(signed_plain, rewrite_content)
    level, reason = _first_sig_level(data, policy)
    assert level == ModificationLevel.OTHER, reason
    assert "unexplained xrefs" in reason


def test_b_page_content_change_signed_afterwards_is_still_other(signed_plain, signer, policy):
    """The same content change, hidden in the revision of a second (valid) signature."""
    w = IncrementalPdfFileWriter(BytesIO(signed_plain))
    raw = _page_ref(w).get_object().raw_get("/Contents")
    _set_stream_data(raw.get_object(), b"BT /F1 14 Tf 72 770 Td (QUYET DINH so 99/2026) Tj ET")
    w.mark_update(raw)
    data = _sign(signed_plain, signer, "Signature2", box=(300, 650, 500, 700), writer=w)
    level, reason = _first_sig_level(data, policy)
    assert level == ModificationLevel.OTHER, reason


def test_c_visible_signature_after_p1_certification_is_other(signer, policy):
    certified = _sign(_base_pdf(), signer, "Signature1", certify=MDPPerm.NO_CHANGES)
    data = _sign(
        certified, signer, "Signature2", box=(300, 650, 500, 700), signer_cls=_UncheckedPdfSigner
    )
    level, reason = _first_sig_level(data, policy)
    assert level == ModificationLevel.OTHER, reason
    assert "only allowed after an approval signature" in reason
    # identical to pyHanko's default policy: P=1's semantics are unchanged
    assert _first_sig_level(data, DEFAULT_DIFF_POLICY)[0] == ModificationLevel.OTHER
    # whereas pyHanko's allow_new_visible_after_certify flag on its own would relax
    # P=1 too (hence the per-DocMDP selection in KysoDiffPolicy)
    flag_only = StandardDiffPolicy(
        global_rules=DEFAULT_DIFF_POLICY.global_rules,
        form_rule=FormUpdatingRule(
            field_rules=[
                SigFieldCreationRule(allow_new_visible_after_certify=True),
                SigFieldModificationRule(),
                GenericFieldModificationRule(),
            ]
        ),
    )
    assert _first_sig_level(data, flag_only)[0] == ModificationLevel.FORM_FILLING


@pytest.mark.parametrize("perm", [MDPPerm.FILL_FORMS, MDPPerm.ANNOTATE])
def test_d_visible_signature_after_p2_or_p3_certification_is_form_filling(perm, signer, policy):
    """P=3 permits P=2's changes, signing among them, and annotations (ISO 32000-1, Table 254)."""
    certified = _sign(_base_pdf(), signer, "Signature1", certify=perm)
    data = _sign(certified, signer, "Signature2", box=(300, 650, 500, 700))
    assert _first_sig_level(data, policy)[0] == ModificationLevel.FORM_FILLING
    # pyHanko's default refuses it: the extension is what makes it pass
    assert _first_sig_level(data, DEFAULT_DIFF_POLICY)[0] == ModificationLevel.OTHER

    # the same through the full validation API
    reader = PdfFileReader(BytesIO(data))
    vc = ValidationContext(trust_roots=[signer.signing_cert], allow_fetching=False)
    status = validate_pdf_signature(
        reader.embedded_signatures[0], signer_validation_context=vc, diff_policy=policy
    )
    assert status.modification_level == ModificationLevel.FORM_FILLING
    assert status.docmdp_ok is True


@pytest.mark.parametrize(
    "box,expected",
    [
        # a visible signature field nobody signed: a "sneaky signature" appearance
        ((300, 650, 500, 700), ModificationLevel.OTHER),
        # an invisible empty field draws nothing: pyHanko's default (LTA_UPDATES)
        (None, ModificationLevel.LTA_UPDATES),
    ],
    ids=["visible", "invisible"],
)
def test_d_unsigned_signature_field_after_p2_certification(box, expected, signer, policy):
    certified = _sign(_base_pdf(), signer, "Signature1", certify=MDPPerm.FILL_FORMS)

    def add_empty_field(w):
        fields.append_signature_field(w, SigFieldSpec("Signature2", box=box))

    data = _update(certified, add_empty_field)
    level, reason = _first_sig_level(data, policy)
    assert level == expected, reason
    assert _first_sig_level(data, DEFAULT_DIFF_POLICY)[0] == expected


def test_d_freetext_after_p2_certification_is_still_other(signer, policy):
    certified = _sign(_base_pdf(), signer, "Signature1", certify=MDPPerm.FILL_FORMS)

    def add_freetext(w):
        annot = w.add_object(
            _d(
                Type=_n("/Annot"),
                Subtype=_n("/FreeText"),
                Rect=generic.ArrayObject(map(generic.NumberObject, (72, 760, 400, 790))),
                Contents=generic.TextStringObject("DA HUY"),
            )
        )
        w.register_annotation(_page_ref(w), annot)

    level, reason = _first_sig_level(_update(certified, add_freetext), policy)
    assert level == ModificationLevel.OTHER, reason


# ---------------------------------------------------------------------------
# (e)-(g): tagged PDFs and the structure tree
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tagged_certified(signer) -> bytes:
    """A tagged one-page PDF with an existing Link annotation, certified with P=2 (as
    the first layer of a Vietnamese decree)."""
    return _sign(
        _base_pdf(tagged=True, link=True), signer, "Signature1", certify=MDPPerm.FILL_FORMS
    )


def _seal_with_struct(
    data: bytes,
    signer,
    field: str,
    *,
    style: str = "rewrite",
    tamper: str | None = None,
    box=(300, 650, 500, 700),
) -> bytes:
    """Add a visible signature field and sign it, registering its widget in the
    structure tree the way iText does: a new /StructElem /S /Form with an /OBJR to the
    widget, appended to the Document element's /K; widget /StructParent = the next
    parent tree key; a parent tree entry for it; /ParentTreeNextKey + 1.
    ``style`` "rewrite": the whole parent tree is rewritten into new objects (iText);
    "in_place": the existing parent tree node is updated.
    ``tamper`` adds one forbidden change to the same revision."""
    w = IncrementalPdfFileWriter(BytesIO(data))
    fields.append_signature_field(w, SigFieldSpec(field, box=box))
    widget = _field_ref(w, field)
    page = _page_ref(w)
    str_raw = w.root.raw_get("/StructTreeRoot")
    st = str_raw.get_object()
    key = int(st["/ParentTreeNextKey"])
    doc_raw = st["/K"].raw_get(0)
    doc = doc_raw.get_object()

    target = widget
    if tamper in ("objr_new_freetext", "objr_orphan_freetext"):
        target = w.add_object(
            _d(
                Type=_n("/Annot"),
                Subtype=_n("/FreeText"),
                Rect=generic.ArrayObject(map(generic.NumberObject, (72, 760, 400, 790))),
                Contents=generic.TextStringObject("DA HUY"),
                StructParent=generic.NumberObject(key),
            )
        )
        if tamper == "objr_new_freetext":
            w.register_annotation(page, target)
    elif tamper == "objr_existing_link":
        target = page.get_object()["/Annots"].raw_get(0)
    elif tamper == "objr_page_content":
        target = page.get_object().raw_get("/Contents")
    elif tamper == "objr_font":
        target = page.get_object()["/Resources"]["/Font"].raw_get("/F1")
    elif tamper == "objr_text_field":
        target = w.add_object(
            _d(
                Type=_n("/Annot"),
                Subtype=_n("/Widget"),
                FT=_n("/Tx"),
                T=generic.TextStringObject("So van ban"),
                V=generic.TextStringObject("99/2026"),
                Rect=generic.ArrayObject(map(generic.NumberObject, (72, 720, 300, 740))),
                P=page,
                StructParent=generic.NumberObject(key),
            )
        )
        w.root["/AcroForm"]["/Fields"].append(target)
        w.register_annotation(page, target)
    if target is widget:
        widget.get_object()["/StructParent"] = generic.NumberObject(key)

    objr = _d(Type=_n("/OBJR"), Obj=target)
    elem = _d(Type=_n("/StructElem"), S=_n("/Form"), P=doc_raw, Pg=page, K=objr)
    if tamper == "mcid":
        elem["/K"] = generic.ArrayObject([objr, generic.NumberObject(1)])
    if tamper == "not_form":
        elem["/S"] = _n("/Figure")
    elem_ref = w.add_object(elem)

    new_k = generic.ArrayObject(list(doc["/K"].iterate()) + [elem_ref])
    if tamper == "remove_kid":
        new_k = generic.ArrayObject([elem_ref])
    if tamper == "reorder_kids":
        new_k = generic.ArrayObject([elem_ref] + list(doc["/K"].iterate()))
    doc["/K"] = new_k
    w.mark_update(doc_raw)

    pt_raw = st.raw_get("/ParentTree")
    pt = pt_raw.get_object()
    nums = pt["/Nums"]
    if style == "in_place":
        nums.extend([generic.NumberObject(key), elem_ref])
        if tamper == "change_entry":
            arr_raw = nums.raw_get(1)
            arr_raw.get_object()[0] = doc_raw  # MCID 0 now belongs to Document
            w.mark_update(arr_raw)
        w.mark_update(pt_raw)
    else:
        new_nums = generic.ArrayObject()
        for i in range(0, len(nums), 2):
            value = nums[i + 1]
            copy_ = generic.ArrayObject(value.iterate()) if isinstance(
                value, generic.ArrayObject
            ) else nums.raw_get(i + 1)
            if tamper == "change_entry" and i == 0:
                copy_ = generic.ArrayObject([doc_raw])
            new_nums.append(nums.raw_get(i))
            if isinstance(copy_, generic.ArrayObject):
                copy_ = w.add_object(copy_)
            new_nums.append(copy_)
        new_nums.extend([generic.NumberObject(key), elem_ref])
        st["/ParentTree"] = w.add_object(_d(Nums=new_nums))
    st["/ParentTreeNextKey"] = generic.NumberObject(key + 1)
    if tamper == "struct_root_extra_key":
        st["/IDTree"] = _d(Names=generic.ArrayObject())
    w.mark_update(str_raw)

    if tamper == "content_stream_in_update":
        raw = page.get_object().raw_get("/Contents")
        _set_stream_data(
            raw.get_object(),
            b"/P <</MCID 0>> BDC BT /F1 14 Tf 72 770 Td (QUYET DINH so 99) Tj ET EMC",
        )
        w.mark_update(raw)
    if tamper == "font_in_update":
        raw = page.get_object()["/Resources"]["/Font"].raw_get("/F1")
        raw.get_object()["/BaseFont"] = _n("/Courier")
        w.mark_update(raw)

    return _sign(data, signer, field, existing_field=True, writer=w)


@pytest.mark.parametrize("style", ["rewrite", "in_place"])
def test_f_struct_tree_entry_for_new_signature_widget_is_accepted(
    style, tagged_certified, signer, policy
):
    one = _seal_with_struct(tagged_certified, signer, "Signature2", style=style)
    assert _first_sig_level(one, policy)[0] == ModificationLevel.FORM_FILLING
    # pyHanko's default: OTHER (certification + unexplained structure tree objects)
    assert _first_sig_level(one, DEFAULT_DIFF_POLICY)[0] == ModificationLevel.OTHER

    # two seals: the certification signature is compared with each later revision,
    # so the structure changes accumulate (two new elements, two new keys)
    two = _seal_with_struct(one, signer, "Signature3", style=style, box=(300, 580, 500, 630))
    reader = PdfFileReader(BytesIO(two))
    levels = [_level(emb, policy) for emb in reader.embedded_signatures]
    assert [lv for lv, _ in levels] == [
        ModificationLevel.FORM_FILLING,
        ModificationLevel.FORM_FILLING,
        ModificationLevel.NONE,
    ], levels


def test_f_struct_rule_whitelists_only_structure_objects(tagged_certified, signer):
    """What the rule explains for the seal revision: StructTreeRoot, the parent
    element, the new element, parent tree objects - never a stream, page, annotation,
    widget or field."""
    data = _seal_with_struct(tagged_certified, signer, "Signature2")
    reader = PdfFileReader(BytesIO(data))
    old = reader.get_historical_resolver(1)
    new = reader.get_historical_resolver(2)
    updates = list(SignatureStructTreeRule().apply_qualified(old, new))
    assert updates
    for level, upd in updates:
        assert level == ModificationLevel.FORM_FILLING
        obj = new(upd.updated_ref)
        assert not isinstance(obj, generic.StreamObject)
        if isinstance(obj, generic.DictionaryObject):
            assert obj.get("/Type") in ("/StructTreeRoot", "/StructElem") or "/Nums" in obj, obj
            assert "/Subtype" not in obj and "/FT" not in obj
        else:
            assert isinstance(obj, generic.ArrayObject)
    explained = {u.updated_ref for _, u in updates}
    widget = new.root["/AcroForm"]["/Fields"].raw_get(1).reference
    assert widget not in explained


# tamper -> text expected in pyHanko's reason
_TAMPERS = {
    # (e) OBJR to a new non-signature annotation (on the page, or only in the tree)
    "objr_new_freetext": "not the widget of a signature field",
    "objr_orphan_freetext": "not the widget of a signature field",
    # OBJR to an annotation that existed when signing (no new annotation at all)
    "objr_existing_link": "not the widget of a signature field",
    # OBJR used to smuggle in other objects
    "objr_page_content": "not the widget of a signature field",
    "objr_font": "not the widget of a signature field",
    "objr_text_field": "not the widget of a signature field",
    # (g) an existing parent tree entry changed
    "change_entry": "parent tree entry 0 was changed",
    # marked content / structure edits
    "mcid": "only /OBJR references to signature widgets may be added",
    "not_form": "expected /Form",
    "remove_kid": "was changed beyond appending",
    "reorder_kids": "was changed beyond appending",
    "struct_root_extra_key": "Dict keys differ",
    # a valid structure update does not launder other changes of the same revision
    "content_stream_in_update": "changed beyond its /Annots",
    "font_in_update": "changed beyond its /Annots",
}


@pytest.mark.parametrize("tamper", sorted(_TAMPERS))
def test_e_g_forbidden_structure_tree_changes_are_other(tamper, tagged_certified, signer, policy):
    data = _seal_with_struct(tagged_certified, signer, "Signature2", tamper=tamper)
    level, reason = _first_sig_level(data, policy)
    assert level == ModificationLevel.OTHER, reason
    assert _TAMPERS[tamper] in reason, reason


def test_g_changed_parent_tree_entry_in_place_is_other(tagged_certified, signer, policy):
    data = _seal_with_struct(
        tagged_certified, signer, "Signature2", style="in_place", tamper="change_entry"
    )
    level, reason = _first_sig_level(data, policy)
    assert level == ModificationLevel.OTHER, reason
    assert "parent tree entry 0 was changed" in reason


def test_g_unsigned_structure_tree_edit_is_other(tagged_certified, policy):
    """Structure tree edited with no new signature at all."""

    def retag(w):
        st_raw = w.root.raw_get("/StructTreeRoot")
        pt_raw = st_raw.get_object().raw_get("/ParentTree")
        arr_raw = pt_raw.get_object()["/Nums"].raw_get(1)
        arr_raw.get_object()[0] = st_raw.get_object()["/K"].raw_get(0)
        w.mark_update(arr_raw)

    level, reason = _first_sig_level(_update(tagged_certified, retag), policy)
    assert level == ModificationLevel.OTHER, reason


# ---------------------------------------------------------------------------
# (h): XMP metadata
# ---------------------------------------------------------------------------

_XMP_OK = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:format>application/pdf</dc:format></rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)
_XMP_BAD = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF>"


def _signed_with_metadata(signer, metadata: bytes) -> bytes:
    base = _base_pdf(metadata=metadata)
    w = _RawIncrementalWriter(BytesIO(base))
    return _sign(base, signer, "Signature1", writer=w)


def _set_metadata(data: bytes, content: bytes, *, new_object: bool = False) -> bytes:
    def change(w):
        if new_object:
            stream = generic.StreamObject(
                _d(Type=_n("/Metadata"), Subtype=_n("/XML")), stream_data=content
            )
            w.root["/Metadata"] = w.add_object(stream)
            w.update_root()
        else:
            raw = w.root.raw_get("/Metadata")
            _set_stream_data(raw.get_object(), content)
            w.mark_update(raw)

    return _update(data, change)


@pytest.mark.parametrize(
    "before,after,new_object,expected",
    [
        # (h) the update empties the XMP stream
        (_XMP_OK, b"", False, ModificationLevel.LTA_UPDATES),
        (_XMP_OK, b"", True, ModificationLevel.LTA_UPDATES),
        # 19-bkhcn.pdf: empty in the signed revision, rewritten empty
        (b"", b"", False, ModificationLevel.LTA_UPDATES),
        # empty before, real XMP after: validated like pyHanko does
        (b"", _XMP_OK, False, ModificationLevel.LTA_UPDATES),
        (_XMP_OK, _XMP_OK.replace(b"application/pdf", b"application/x-pdf"), False,
         ModificationLevel.LTA_UPDATES),
        # (h) non-empty, malformed: pyHanko's checks still apply
        (_XMP_OK, _XMP_BAD, False, ModificationLevel.OTHER),
        (b"", _XMP_BAD, False, ModificationLevel.OTHER),
        (_XMP_OK, b" ", False, ModificationLevel.OTHER),
        (_XMP_OK, b"<html/>", True, ModificationLevel.OTHER),
    ],
    ids=[
        "xmp-to-empty", "xmp-to-new-empty-object", "empty-to-empty", "empty-to-xmp",
        "xmp-to-xmp", "xmp-to-malformed", "empty-to-malformed", "xmp-to-space",
        "xmp-to-non-xmp",
    ],
)
def test_h_metadata_updates(before, after, new_object, expected, signer, policy):
    signed = _signed_with_metadata(signer, before)
    data = _set_metadata(signed, after, new_object=new_object)
    # make sure the update really wrote what we meant
    # (a separate reader: pyHanko 0.38's diff analysis crashes with PdfReadError "No
    # container reference available" once root['/Metadata'] was read through the same
    # reader, because that caches it as an XMP MetadataStream)
    assert PdfFileReader(BytesIO(data)).root.get_value_as_reference(
        "/Metadata"
    ).get_object().data == after
    level, reason = _first_sig_level(data, policy)
    assert level == expected, reason
    if expected == ModificationLevel.OTHER:
        assert "Metadata" in reason


def test_h_metadata_replaced_by_a_non_stream_is_other(signer, policy):
    signed = _signed_with_metadata(signer, b"")

    def change(w):
        w.root["/Metadata"] = w.add_object(_d(Type=_n("/Metadata")))
        w.update_root()

    level, reason = _first_sig_level(_update(signed, change), policy)
    assert level == ModificationLevel.OTHER, reason


def test_each_revision_is_searched_for_orphans_once_for_all_layers(monkeypatch, sample_trust):
    """The six layers of the sample plan make 15 revision comparisons; the orphans of each
    later revision are searched once, by kyso's walk (pyHanko's own never runs), and the verdict
    is unchanged."""
    from verifier.patches import diffshare
    from verifier.document import verify_pdf

    searched, deferred = [], []
    original = diffshare.orphans

    def counting(hist_rev):
        searched.append(hist_rev.revision)
        return original(hist_rev)

    monkeypatch.setattr(diffshare, "orphans", counting)
    monkeypatch.setattr(diffshare, "_find_orphans", deferred.append)
    report = verify_pdf((Path(__file__).resolve().parents[1] / "samples" / "plan.pdf").read_bytes(), sample_trust)
    assert report.verdict == "VALID" and len(report.layers) == 6
    assert len(searched) == len(set(searched)) == 5
    assert deferred == []
