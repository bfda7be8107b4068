"""The Decree 30/2020 profile on layers and metadata built by hand: each rule, and what it
leaves alone. (The signed samples exercise the same rules end to end: tests/test_samples.py.)"""

from __future__ import annotations

from verifier.decree30.metadata import Entry, Metadata
from verifier.report.model import Appearance, Layer, Signer

SIG = [393.0, 195.0, 543.0, 265.0]  # the director's widget on page 2 of the plan
SEAL = [343.0, 180.0, 443.0, 280.0]  # over its left third


def layer(name, role, cn, when, *, rect=None, page=2, org=None, pki="government", status="PASSED", sub=None,
          anchor="TEST RootCA", trusted=True) -> Layer:
    out = Layer(field=name, revision=1, role=role, signer=Signer(common_name=cn, organization=org),
                signing_time=when, pki=pki, status=status, subindication=sub, trust_anchor=anchor, trusted=trusted)
    out.appearance = Appearance(page=page, rect=rect, visible=rect is not None)
    return out


class _Widget:
    def __init__(self, layer: Layer):
        app = layer.appearance
        self.page = app.page  # 1-based, like the real widget
        self.rect = tuple(app.rect) if app.rect else None
        self.visible = app.visible
        self.has_image = app.visible  # the hand-built layers draw images (signature, seal)


class _Doc:
    """Stands in for verifier.pdf.pdftext.DocumentText: the widgets of the layers given."""

    def __init__(self):
        self.layers: dict[str, Layer] = {}

    def widget(self, name):
        return _Widget(self.layers[name]) if name in self.layers else None


def meta(**values) -> Metadata:
    m = Metadata()
    m.doc = _Doc()
    for key, value in values.items():
        m.fields[key] = value if isinstance(value, Entry) else Entry(value, "page 1 text")
    return m


PLAN_META = dict(type_name="Kế hoạch", type_code="KH", code_number="45", code_notation="KH-SGDĐT",
                 issued_date="2022-03-08", organ_name=Entry("Sở Giáo dục và Đào tạo", "page 1 text", printed="SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
                 signer_name="Trịnh Văn Nam", signer_position="GIÁM ĐỐC")


def plan_layers(**changes):
    director = layer("Signature1", "person", changes.get("person", "Trịnh Văn Nam"), "2022-03-08T09:56:26+07:00", rect=SIG)
    seal = layer("Signature2", "agency", changes.get("agency", "Sở Giáo dục và Đào tạo"), changes.get("seal_time", "2022-03-08T10:21:49+07:00"),
                 rect=changes.get("seal_rect", SEAL), page=changes.get("seal_page", 2), pki=changes.get("pki", "government"))
    return [director, seal]


def check(layers, m, issuer_missing=frozenset()):
    from verifier.decree30.profile import check as profile_check

    m.doc.layers = {layer.field: layer for layer in layers}
    return profile_check(layers, m, issuer_missing)


def codes(layers, m) -> list[str]:
    return check(layers, m).codes


def test_genuine_shape_gives_no_finding():
    prof = check(plan_layers(), meta(**PLAN_META))
    assert prof.codes == []
    assert [p.purpose for p in prof.purposes] == ["competent", "seal"]


def test_c7_c8_kinds_and_order():
    director, seal = plan_layers()
    assert codes([director], meta(**PLAN_META)) == ["ND30_NO_AGENCY_SIGNATURE"]
    assert codes([seal], meta(**PLAN_META)) == ["ND30_NO_PERSON_SIGNATURE"]
    assert codes([seal, director], meta(**PLAN_META)) == ["ND30_AGENCY_BEFORE_PERSON"]
    blank = dict(PLAN_META, code_number=Entry(None, "page 1 text", blank=True))
    assert codes([director], meta(**blank)) == ["ND30_AGENCY_LAYER_STRIPPED"]


def test_c9_seal_geometry():
    assert codes(plan_layers(seal_rect=[493.0, 180.0, 593.0, 280.0]), meta(**PLAN_META)) == ["ND30_SEAL_PLACEMENT"]  # right side
    assert codes(plan_layers(seal_rect=[423.0, 60.0, 523.0, 160.0]), meta(**PLAN_META)) == ["ND30_SEAL_PLACEMENT"]  # below
    assert codes(plan_layers(seal_page=1), meta(**PLAN_META)) == ["ND30_SEAL_PLACEMENT"]  # another page
    found = check(plan_layers(seal_rect=[393.0, 180.0, 543.0, 280.0]), meta(**PLAN_META))  # covers all of it
    assert found.codes == ["ND30_SEAL_PLACEMENT"] and found.findings[0][2]["covered"] == "100%"


def test_c11_names_with_both_tone_placements():
    assert codes(plan_layers(person="Trịnh Văn Nam (M)"), meta(**PLAN_META)) == []
    assert codes(plan_layers(person="Lý Thanh Tâm"), meta(**PLAN_META)) == ["ND30_SIGNER_NAME_MISMATCH"]
    hoa = dict(PLAN_META, organ_name=Entry("UBND tỉnh Khánh Hòa", "page 1 text", printed="UBND TỈNH KHÁNH HÒA"))
    assert codes(plan_layers(agency="UBND TỈNH KHÁNH HOÀ"), meta(**hoa)) == []
    assert codes(plan_layers(agency="Trường THPT chuyên Quang Trung"), meta(**PLAN_META)) == ["ND30_AGENCY_NAME_MISMATCH"]
    # a longer certificate name of the same agency is the same agency
    assert codes(plan_layers(agency="Sở Giáo dục và Đào tạo Bình Phước"), meta(**PLAN_META)) == []


def test_c12_date_line_in_vietnam_time():
    # signed 2022-03-07 23:30 +07:00 = 16:30 UTC: the day in Vietnam is the 7th
    late = plan_layers(seal_time="2022-03-07T16:30:00+00:00")
    assert codes(late, meta(**PLAN_META)) == ["ND30_DATE_AFTER_SIGNING"]
    same_day = plan_layers(seal_time="2022-03-07T17:30:00+00:00")  # 00:30 on the 8th in Vietnam
    assert codes(same_day, meta(**PLAN_META)) == []


def test_c13_type_code():
    assert codes(plan_layers(), meta(**dict(PLAN_META, type_code="BC", code_notation="BC-SGDĐT"))) == ["ND30_TYPE_CODE_MISMATCH"]
    assert codes(plan_layers(), meta(**dict(PLAN_META, type_name="Công văn", type_code=None))) == []
    assert codes(plan_layers(), meta(**dict(PLAN_META, type_name="Văn bản hợp nhất", type_code="VBHN"))) == []


def test_c14_public_ca_after_2025():
    m = meta(**dict(PLAN_META, issued_date="2025-12-31"))
    assert codes(plan_layers(pki="public", seal_time="2025-12-31T23:59:00+07:00"), m) == []
    m = meta(**dict(PLAN_META, issued_date="2026-01-15"))
    assert codes(plan_layers(pki="public", seal_time="2026-01-15T10:00:00+07:00"), m) == ["ND30_PUBLIC_CA_AFTER_2025"]


def test_later_untrusted_layer_but_not_a_missing_intermediate():
    director, seal = plan_layers()
    # the chain ends at a root nobody configured (INDETERMINATE since EN 319 102-1 semantics)
    seal.status, seal.subindication, seal.trusted, seal.trust_anchor = "INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND", False, None
    assert codes([director, seal], meta(**PLAN_META)) == ["ND30_LATER_LAYER_UNTRUSTED"]
    # the issuing CA is only missing (ISSUER_MISSING on that layer): not a finding of the profile
    assert [c for c, _, _ in check([director, seal], meta(**PLAN_META), frozenset({1})).findings] == []


def test_scan_without_text_only_counts_kinds():
    director, seal = plan_layers()
    assert codes([director, seal], meta()) == []
    assert codes([seal], meta()) == ["ND30_NO_PERSON_SIGNATURE"]
