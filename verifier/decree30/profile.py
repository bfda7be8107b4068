"""The Decree 30/2020 profile: what each signature layer is for, and whether the layers make a
legally complete electronic document (docs/decree30.md §5, checks C7-C14 and three more).

Facts in, findings out: the layers of a verified document (verifier.report.model.Layer) and what the
document says about itself (verifier.decree30.metadata.Metadata). A layer's purpose is told from its
certificate (person or organisation), its appearance (image or text, what the text says, where
the widget is), its order, and what the metadata reader saw it draw (the number, the date).
Every decision keeps its basis (why it was made). Nothing here changes a layer's cryptographic status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from verifier.decree30 import docfields as df
from verifier.decree30.metadata import Metadata, attached_reference
from verifier.report.codes import Phrase
from verifier.vietnam import VIETNAM, fold

PUBLIC_CA_DEADLINE = date(2025, 12, 31)  # Decree 68/2024: state bodies off public CAs by then

# purposes of a layer
COMPETENT, PERSON = "competent", "person"
NUMBER, DATE, SEAL, APPENDIX, COPY, INCOMING, COMMENT, AGENCY = (
    "number", "date", "seal", "appendix", "copy", "incoming", "comment", "agency")
TIMESTAMP, UNKNOWN = "timestamp", "unknown"
ISSUING = (NUMBER, DATE, SEAL, APPENDIX)  # purposes the issuing agency's own key serves

# C9: the seal covers about a third of the signature image, on its left side
SEAL_OVERLAP_MIN, SEAL_OVERLAP_MAX = 0.10, 0.60
# C10: "top right of the first page"
TOP_FRACTION = 0.25

_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?")
_ANY_TIME = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{4}\s+\d{1,2}:\d{2}(:\d{2})?|" + _ISO_TIME.pattern)
_COPY = re.compile(r"\b(SAO\s+Y|SAO\s+LỤC|TRÍCH\s+SAO)\b", re.IGNORECASE)
_INCOMING = re.compile(r"\b(VĂN\s+BẢN\s+ĐẾN|CÔNG\s+VĂN\s+ĐẾN|Số\s+đến|Ngày\s+đến|ĐẾN\s*:)", re.IGNORECASE)
_COMMENT = re.compile(r"\b(ý\s+kiến|bút\s+phê|chỉ\s+đạo\s*:)", re.IGNORECASE)
_TRIAL = "phien ban thu nghiem"


@dataclass
class Purpose:
    purpose: str
    basis: Phrase  # why: what was seen that decides the purpose


@dataclass
class Profile:
    purposes: list[Purpose] = field(default_factory=list)
    findings: list[tuple[str, int | None, dict]] = field(default_factory=list)  # (code, index in layers, params)

    def add(self, code: str, layer: int | None = None, /, **params) -> None:
        self.findings.append((code, layer, params))

    @property
    def codes(self) -> list[str]:
        return [c for c, _, _ in self.findings]


@dataclass
class _L:
    """What the profile needs of one layer."""

    index: int
    layer: object
    role: str
    widget: object | None
    text: str
    page: int | None  # 1-based
    rect: tuple[float, float, float, float] | None
    visible: bool
    image: bool


def _view(layers, meta: Metadata) -> list[_L]:
    out = []
    for i, layer in enumerate(layers):
        widget = meta.doc.widget(layer.field) if meta.doc is not None else None
        app = getattr(layer, "appearance", None)
        page = rect = None
        visible = False
        if widget is not None:
            page, rect, visible = widget.page, widget.rect, widget.visible
        elif app is not None:
            page = app.page or None
            rect = tuple(app.rect) if app.rect else None
            visible = app.visible
        text = " \n".join(meta.layer_texts.get(layer.field, []))
        out.append(_L(i, layer, layer.role if getattr(layer, "kind", "signature") == "signature" else TIMESTAMP,
                      widget, text, page, rect, visible, bool(widget is not None and widget.has_image)))
    return out


def _overlap(a, b) -> tuple[float, float]:
    """(fraction of b's width under a, fraction of b's height under a)."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return ix / max(b[2] - b[0], 1e-6), iy / max(b[3] - b[1], 1e-6)


def _cn(layer) -> str:
    cn = (layer.signer.common_name or "").strip()
    return re.sub(r"\s*\(M\)$", "", cn)


def _when(layer) -> datetime | None:
    value = getattr(layer, "signing_time", None)
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=VIETNAM)
    return t.astimezone(VIETNAM)


def _in_box(rect, box, slack: float = 30.0) -> bool:
    cx, cy = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
    return box[0] - slack <= cx <= box[2] + slack and box[1] - slack <= cy <= box[3] + slack


# --- purposes ---------------------------------------------------------------------------------

def purposes(layers, meta: Metadata) -> list[Purpose]:
    return _purposes(_view(layers, meta), meta)


def _purposes(view: list[_L], meta: Metadata) -> list[Purpose]:
    out: list[Purpose | None] = [None] * len(view)
    number_layers = set(meta.fields["code_number"].layers) if "code_number" in meta.fields else set()
    date_layers = set(meta.fields["issued_date"].layers) if "issued_date" in meta.fields else set()
    printed_name = meta.value("signer_name")
    block = meta.geometry.signer_block

    for v in view:
        if v.role == TIMESTAMP:
            out[v.index] = Purpose(TIMESTAMP, Phrase("dấu thời gian tài liệu (/ETSI.RFC3161)", "document timestamp (/ETSI.RFC3161)"))
        elif v.role not in ("person", "agency"):
            out[v.index] = Purpose(UNKNOWN, Phrase("không đọc được người ký", "the signer could not be read"))

    # persons: the competent person is the one whose certificate carries the printed name
    persons = [v for v in view if v.role == "person"]
    competent = [v for v in persons if printed_name and df.same_text(_cn(v.layer), printed_name)]
    for v in competent:
        out[v.index] = Purpose(COMPETENT, Phrase(f"'{_cn(v.layer)}' là họ tên người ký in dưới khối chữ ký",
                                                 f"CN '{_cn(v.layer)}' is the signer name printed under the signature block"))
    if persons and not competent:
        pick, why = None, Phrase("", "")
        if block is not None:
            inside = [v for v in persons if v.visible and v.page == block[0] and v.rect and _in_box(v.rect, block[1])]
            if inside:
                pick, why = inside[0], Phrase(f"ô chữ ký nằm trong khối chữ ký ở trang {block[0]}",
                                              f"its widget lies in the signature block on page {block[0]}")
        if pick is None and not printed_name:
            certifying = [v for v in persons if getattr(v.layer, "certification_level", None)]
            imaged = [v for v in persons if v.image]
            if certifying:
                pick, why = certifying[0], Phrase("chữ ký cá nhân đầu tiên, chứng thực tài liệu (DocMDP)",
                                                  "the first personal layer, certifying the document (DocMDP)")
            elif imaged:
                pick, why = imaged[0], Phrase("chữ ký cá nhân đầu tiên có hình chữ ký",
                                              "the first personal layer with a signature image")
            elif len(persons) == 1:
                pick, why = persons[0], Phrase("chữ ký cá nhân duy nhất", "the only personal layer")
        if pick is not None:
            competent = [pick]
            tail = (Phrase("; không có họ tên người ký in trên văn bản để đối chiếu", "; no printed signer name to compare")
                    if not printed_name else
                    Phrase(f"; tên trong chứng thư số khác họ tên in trên văn bản '{printed_name}'",
                           f"; its CN differs from the printed name '{printed_name}'"))
            out[pick.index] = Purpose(COMPETENT, Phrase(why.vi + tail.vi, why.en + tail.en))
    for v in persons:
        if out[v.index] is None:
            first = v.text.splitlines()[0].strip() if v.text.strip() else ""
            if first:
                why = Phrase(f"chữ ký cá nhân khác; hình thức hiển thị ghi '{first}'",
                             f"another personal signature; its appearance reads '{first}'")
            elif v.image and block is not None and not (v.page == block[0] and v.rect and _in_box(v.rect, block[1])):
                why = Phrase("chữ ký cá nhân khác: hình nhỏ nằm ngoài khối chữ ký (chữ ký nháy)",
                             "another personal signature: a small image outside the signature block (initials)")
            else:
                why = Phrase("chữ ký cá nhân khác", "another personal signature")
            out[v.index] = Purpose(PERSON, why)

    agencies = [v for v in view if v.role == "agency"]
    for v in agencies:
        lines = [x for x in v.text.splitlines() if x.strip()]
        short = " ".join(v.text.split())
        if v.index + 1 in number_layers:  # the metadata names layers by number
            number = f"{meta.value('code_number')}/{meta.value('code_notation')}"
            out[v.index] = Purpose(NUMBER, Phrase(f"hình thức hiển thị ghi '{short}' vào chỗ số của '{number}'",
                                                  f"its appearance draws '{short}' into the number of '{number}'"))
        elif v.index + 1 in date_layers:
            issued = meta.value("issued_date")
            out[v.index] = Purpose(DATE, Phrase(f"hình thức hiển thị ghi '{short}' vào dòng ngày tháng ({_dmy(issued)})",
                                                f"its appearance draws '{short}' into the date line ({issued})"))
        elif _COPY.search(v.text):
            out[v.index] = Purpose(COPY, Phrase(f"hình thức hiển thị ghi hình thức sao: '{short[:80]}'",
                                                f"its appearance names a copy: '{short[:80]}'"))
        elif _INCOMING.search(v.text):
            out[v.index] = Purpose(INCOMING, Phrase(f"hình thức hiển thị là dấu văn bản đến: '{short[:80]}'",
                                                    f"its appearance is an incoming-document stamp: '{short[:80]}'"))
        elif _COMMENT.search(v.text) and not v.image:
            out[v.index] = Purpose(COMMENT, Phrase(f"hình thức hiển thị ghi ý kiến: '{short[:80]}'",
                                                   f"its appearance carries a comment: '{short[:80]}'"))
        elif v.visible and not v.image and lines and (
                attached_reference(v.text) or (v.page in meta.geometry.appendix_pages and _top_right(v, meta))):
            appendix = v.page in meta.geometry.appendix_pages
            out[v.index] = Purpose(APPENDIX, Phrase(
                f"chữ ký của cơ quan chỉ có chữ, ở góc trên bên phải trang {v.page}" + (" (trang phụ lục)" if appendix else ""),
                f"text-only agency signature at the top right of page {v.page}" + (" (an appendix page)" if appendix else "")))
    # seals: agency images over the competent person's image; else the first agency image
    seals = []
    for v in agencies:
        if out[v.index] is not None or not (v.visible and v.image and v.rect):
            continue
        over = next((p for p in competent if p.visible and p.rect and p.page == v.page
                     and min(_overlap(v.rect, p.rect)) > 0), None)
        if over is not None:
            seals.append(v)
            out[v.index] = Purpose(SEAL, Phrase(f"hình của cơ quan đè lên hình chữ ký của chữ ký {over.index + 1}",
                                                f"agency image over the signature image of layer {over.index + 1}"))
    if not seals:
        # an image alone is the seal; image and text together is the tool's full appearance
        # (a scan signed by its agency, a portal's re-publication): an agency signature
        for v in agencies:
            if out[v.index] is None and v.visible and v.image and not v.text.strip():
                out[v.index] = Purpose(SEAL, Phrase("chữ ký của cơ quan có hình (con dấu), không đè lên hình chữ ký của người ký",
                                                    "agency signature with an image (the seal), not over the signer's image"))
                break
    for v in agencies:
        if out[v.index] is None:
            if not v.visible:
                why = Phrase("chữ ký của cơ quan không có hình thức hiển thị", "agency signature without appearance")
            elif v.image and v.text.strip():
                text = " ".join(v.text.split())[:80]
                why = Phrase(f"chữ ký của cơ quan có hình và dòng chữ '{text}'",
                             f"agency signature with an image and the text '{text}'")
            elif v.image:
                why = Phrase(f"một hình khác của cơ quan ở trang {v.page or 1}", f"another agency image on page {v.page or 1}")
            else:
                first = " ".join(v.text.split())[:80]
                why = (Phrase(f"chữ ký của cơ quan; hình thức hiển thị ghi '{first}'",
                              f"agency signature; its appearance reads '{first}'")
                       if first else Phrase("chữ ký của cơ quan", "agency signature"))
            out[v.index] = Purpose(AGENCY, why)
    return [p or Purpose(UNKNOWN, Phrase("-", "-")) for p in out]


def _dmy(iso) -> str:
    """An ISO date as a Vietnamese reader writes it (dd/mm/yyyy); anything else as it is."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(iso or ""))
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else str(iso)


def _top_right(v: _L, meta: Metadata) -> bool:
    if v.rect is None or v.page is None:
        return False
    box = meta.geometry.page_boxes.get(v.page) or (0.0, 0.0, 595.0, 842.0)
    width, height = box[2] - box[0], box[3] - box[1]
    cx = (v.rect[0] + v.rect[2]) / 2
    return cx >= box[0] + 0.5 * width and v.rect[3] >= box[3] - TOP_FRACTION * height


# --- checks -----------------------------------------------------------------------------------

def check(layers, meta: Metadata, issuer_missing: frozenset[int] = frozenset()) -> Profile:
    """Purposes of the layers and the Decree 30 findings of the document. `issuer_missing`: the
    indexes (from 0) of layers whose chain stops at an issuer nobody provided (ISSUER_MISSING),
    which is missing information, not a certificate outside the trusted PKIs."""
    view = _view(layers, meta)
    prof = Profile(purposes=_purposes(view, meta))
    signing = [v for v in view if v.role in ("person", "agency")]
    persons = [v for v in signing if v.role == "person"]
    agencies = [v for v in signing if v.role == "agency"]
    purpose = {v.index: prof.purposes[v.index].purpose for v in view}

    # C7 and the stripped document
    attachment = any(purpose[v.index] in (APPENDIX, COPY) for v in agencies)
    if signing and not persons and not attachment:
        # a separate appendix file and an electronic copy carry the agency's signature alone
        prof.add("ND30_NO_PERSON_SIGNATURE", agencies[0].index if agencies else None, count=len(signing))
    if persons and not agencies:
        blanks = [k for k in ("code_number", "issued_date") if k in meta.fields and meta.fields[k].blank]
        if blanks:
            prof.add("ND30_AGENCY_LAYER_STRIPPED", None, blanks=", ".join(blanks),
                     notation=meta.value("code_notation") or "-")
        else:
            prof.add("ND30_NO_AGENCY_SIGNATURE", None, count=len(signing))
    # C8
    if persons and agencies and agencies[0].index < persons[0].index:
        prof.add("ND30_AGENCY_BEFORE_PERSON", agencies[0].index, agency=_cn(agencies[0].layer),
                 person=_cn(persons[0].layer), person_layer=persons[0].index + 1)
    _seal_geometry(prof, view, purpose)
    _attachment_layout(prof, view, purpose, meta)
    _names(prof, view, purpose, meta)
    _date_line(prof, view, purpose, meta)
    _type_code(prof, meta)
    _public_ca(prof, signing)
    _later_untrusted(prof, [v for v in signing if v.index not in issuer_missing], purpose)
    for v in view:
        if _TRIAL in fold(v.text):
            prof.add("ND30_TRIAL_VERSION_MARK", v.index)
    return prof


def _seal_geometry(prof: Profile, view, purpose) -> None:
    """C9: the seal over about the left third of the competent person's image, same page."""
    people = [v for v in view if purpose[v.index] == COMPETENT and v.visible and v.rect]
    if not people:
        return
    for v in view:
        if purpose[v.index] != SEAL or not v.rect:
            continue
        person = next((p for p in people if p.page == v.page), people[0])
        fx, fy = _overlap(v.rect, person.rect) if person.page == v.page else (0.0, 0.0)
        left_side = (v.rect[0] + v.rect[2]) / 2 < (person.rect[0] + person.rect[2]) / 2
        if not (person.page == v.page and fy >= 0.3 and left_side and SEAL_OVERLAP_MIN <= fx <= SEAL_OVERLAP_MAX):
            prof.add("ND30_SEAL_PLACEMENT", v.index, seal_page=v.page or 1, seal_rect=_r(v.rect),
                     person_layer=person.index + 1, person_page=person.page or 1,
                     person_rect=_r(person.rect), covered=f"{fx:.0%}", side="left" if left_side else "right")


def _r(rect) -> list[float]:
    return [round(x, 1) for x in rect]


def _attachment_layout(prof: Profile, view, purpose, meta: Metadata) -> None:
    """C10: the agency signature of a separate appendix file, or of a copy, has no image, sits
    at the top right of page 1 and says the main document's number and the signing time."""
    for v in view:
        p = purpose[v.index]
        if p not in (APPENDIX, COPY):
            continue
        if p == APPENDIX and v.page != 1:
            continue  # an appendix page inside the main document's own file
        problems = []
        if v.image:
            problems.append("has an image")
        if v.page != 1 or not _top_right(v, meta):
            problems.append("is not at the top right of page 1")
        if not _ANY_TIME.search(v.text):
            problems.append("gives no signing time")
        if p == APPENDIX and not attached_reference(v.text) and not re.search(r"\d+/[A-ZĐ0-9]", v.text):
            problems.append("does not give the main document's number and notation")
        if problems:
            prof.add("ND30_ATTACHMENT_LAYOUT", v.index, purpose=p, problems="; ".join(problems))


def _names(prof: Profile, view, purpose, meta: Metadata) -> None:
    """C11: the person's certificate names the printed signer; the agency's names the issuer."""
    printed = meta.value("signer_name")
    persons = [v for v in view if v.role == "person"]
    if printed and persons and not any(df.same_text(_cn(v.layer), printed) for v in persons):
        target = next((v for v in persons if purpose[v.index] == COMPETENT), persons[0])
        prof.add("ND30_SIGNER_NAME_MISMATCH", target.index, printed=printed,
                 certificate=", ".join(dict.fromkeys(_cn(v.layer) for v in persons)))
    organ = meta.fields.get("organ_name")
    if organ is None:
        return
    names = [organ.value, organ.printed or organ.value]
    parent = meta.fields.get("parent_organ_name")
    mismatched: dict[str, list[int]] = {}
    for v in view:
        if v.role != "agency" or purpose[v.index] not in ISSUING:
            continue
        s = v.layer.signer
        # the CN names the agency (a longer form of the same name is the same agency); O and OU
        # often name its parent body, so they count only when equal
        others = [c for c in (s.organization or "", *s.organizational_units) if c]
        if not (any(_agency_matches(_cn(v.layer), n) for n in names if n)
                or any(df.same_text(_strip_test(c), n) for c in others for n in names if n)):
            mismatched.setdefault(_cn(v.layer), []).append(v.index)
    for cn, indices in mismatched.items():
        prof.add("ND30_AGENCY_NAME_MISMATCH", indices[0], certificate=cn, printed=organ.printed or organ.value,
                 parent=(parent.value if parent else "-"), layers=[i + 1 for i in indices])


def _strip_test(name: str) -> str:
    return re.sub(r"\s*\(TEST\)$", "", name, flags=re.IGNORECASE)


def _agency_matches(cert_name: str, organ: str) -> bool:
    a, b = df.canon(_strip_test(cert_name)).casefold(), df.canon(organ).casefold()
    if df.same_text(a, b):
        return True
    fa, fb = fold(a), fold(b)
    return fa.startswith(fb + " ") or fb.startswith(fa + " ")


def _date_line(prof: Profile, view, purpose, meta: Metadata) -> None:
    """C12: the date line is on or before the day the agency signed (Vietnam time)."""
    issued = meta.value("issued_date")
    if not issued:
        return
    try:
        day = date.fromisoformat(issued)
    except ValueError:
        return
    drew = [v for v in view if purpose[v.index] == DATE]
    seals = [v for v in view if purpose[v.index] in (SEAL, NUMBER)]
    agencies = [v for v in view if v.role == "agency"]
    against = drew or seals or agencies
    moments = [(v, _when(v.layer)) for v in against]
    moments = [(v, t) for v, t in moments if t is not None]
    if not moments:
        return
    v, t = max(moments, key=lambda x: x[1])
    if day > t.date():
        prof.add("ND30_DATE_AFTER_SIGNING", v.index, issued=issued, signed=t.isoformat())


def _type_code(prof: Profile, meta: Metadata) -> None:
    """C13: the type code of the notation against the printed type name."""
    code = meta.value("type_code")
    name = meta.value("type_name")
    if not code or not name or code == "VBHN" or name in (df.CONG_VAN, "Phụ lục"):
        return
    if code not in df.code_of_type_name(name):
        prof.add("ND30_TYPE_CODE_MISMATCH", None, type_code=code, code_means=df.type_name_of_code(code) or "?",
                 printed=name, notation=meta.value("code_notation") or "-")


def _public_ca(prof: Profile, signing) -> None:
    """C14: a public-CA signature on a state document after the 2025-12-31 transition (one
    finding per certificate, naming its layers)."""
    late: dict[str, list] = {}
    for v in signing:
        if getattr(v.layer, "pki", None) != "public":
            continue
        t = _when(v.layer)
        if t is not None and t.date() > PUBLIC_CA_DEADLINE:
            late.setdefault(_cn(v.layer), []).append((v, t))
    for signer, items in late.items():
        v, t = items[0]
        prof.add("ND30_PUBLIC_CA_AFTER_2025", v.index, signer=signer, signed=t.date().isoformat(),
                 anchor=getattr(v.layer, "trust_anchor", None) or "-",
                 layers=[x.index + 1 for x, _ in items])


CHAIN_FAILURES = {"NO_CERTIFICATE_CHAIN_FOUND", "CERTIFICATE_CHAIN_GENERAL_FAILURE", "CHAIN_CONSTRAINTS_FAILURE"}


def _later_untrusted(prof: Profile, signing, purpose) -> None:
    """A layer added after a trusted one whose certificate chains to nobody we trust: what it
    draws (number, date, seal) cannot be attributed to the agency."""
    trusted_before = False
    for v in signing:
        layer = v.layer
        if trusted_before and layer.status != "PASSED" and layer.subindication in CHAIN_FAILURES:
            prof.add("ND30_LATER_LAYER_UNTRUSTED", v.index, signer=_cn(layer), purpose=purpose[v.index])
        if layer.trusted or getattr(layer, "trust_anchor", None):
            trusted_before = True


# --- into the report ------------------------------------------------------------------------

# faults that came after a signature: what it signed is still its signer's
_LATER_FAULTS = frozenset({"MODIFIED_AFTER_SIGNING", "OVERLAY_BY_UNIDENTIFIED_SIGNER"})


def vouches(layer) -> bool:
    """Whether a layer's signature establishes the metadata it covers: a sound signature
    (intact, verifying) by a signer kyso can identify (verifier.signatures.vouch.standing), also
    when its only fault is what was changed or drawn after it, which does not undo what it signed."""
    from verifier.signatures import vouch

    if vouch.standing(layer) == vouch.SIGNER:
        return True
    return (layer.kind == "signature" and bool(layer.integrity and layer.cryptographic_validity)
            and layer.subindication in _LATER_FAULTS and layer.trust_anchor is not None)


def describe(data: bytes, report, reader=None, ocr: bool = False) -> Metadata:
    """Metadata, purposes and profile findings of a verified document, written into `report`
    (verifier.document calls this after the layers and the structural checks, with its reader);
    the metadata is returned for the overlap check, which runs after (verifier.decree30.placement)."""
    from verifier.decree30.metadata import extract

    names = [x for layer in report.layers if layer.role == "agency"
             for x in (layer.signer.common_name, layer.signer.organization) if x]
    meta = extract(data, layer_fields=[layer.field for layer in report.layers], names=names, reader=reader, ocr=ocr,
                   vouching={n for n, layer in enumerate(report.layers, start=1) if vouches(layer)})
    report.metadata = meta.to_dict()
    for code, params in meta.findings:
        report.add(code, **params)
    if not report.layers:
        return meta
    missing = frozenset(f.layer - 1 for f in report.findings if f.code == "ISSUER_MISSING" and f.layer)
    prof = check(report.layers, meta, missing)
    for layer, p in zip(report.layers, prof.purposes):
        layer.purpose, layer.purpose_basis = p.purpose, p.basis
    for code, index, params in prof.findings:
        report.add(code, layer=None if index is None else index + 1, **params)
    return meta
