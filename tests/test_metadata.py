"""Document metadata (Decree 30/2020 Appendix VI) of the samples and of the real documents,
each field with its source; disagreements between sources are reported."""

from __future__ import annotations

import pytest

from tests.conftest import REALDOCS, SAMPLES, need_shared
from verifier.decree30.metadata import extract, running_case, uniqueness_key


def values(meta) -> dict:
    return {k: e.value for k, e in meta.fields.items()}


@pytest.fixture(scope="module")
def plan():
    return extract((SAMPLES / "plan.pdf").read_bytes())


def test_seed_plan(plan):
    v = values(plan)
    assert v["type_name"] == "Kế hoạch"
    assert v["code_number"] == "45" and v["code_notation"] == "KH-SGDĐT"
    assert v["issued_date"] == "2022-03-08" and v["place"] == "Bình Phước"
    assert v["organ_name"] == "Sở Giáo dục và Đào tạo" and v["parent_organ_name"] == "UBND tỉnh Bình Phước"
    assert v["signer_name"] == "Trịnh Văn Nam" and v["signer_position"] == "GIÁM ĐỐC"
    assert v["subject"] == "Triển khai thực hiện phong trào thi đua “Chung tay xây dựng nông thôn mới”"
    assert v["recipients"] == ["BGD (để báo cáo)", "Các phòng chức năng, chuyên môn thuộc Sở", "Các đơn vị trực thuộc"]
    assert v["page_amount"] == 3 and v["language"] == "vi"
    assert "priority" not in v
    assert plan.findings == []


def test_each_field_says_where_it_came_from(plan):
    f = plan.fields
    assert f["code_number"].source == "layer 3 appearance (Signature3)" and f["code_number"].layers == [3]
    assert f["issued_date"].source == "page 1 text + layer 4 appearance (Signature4)" and f["issued_date"].layers == [4]
    assert f["code_notation"].source == "page 1 text"
    assert f["signer_name"].source == "page 2 text"
    assert f["organ_name"].printed == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert f["pdf_info"].source == "PDF information dictionary" and f["pdf_info"].value["title"].startswith("Kế hoạch")
    d = plan.to_dict()
    assert d["code_number"] == {"value": "45", "source": "layer 3 appearance (Signature3)", "layers": [3],
                                "revision": 4, "covered_by": [3, 4, 5, 6]}
    assert uniqueness_key(d) == ("45", "KH-SGDĐT", "so giao duc va dao tao", 2022)


def test_separate_appendix_file_names_its_main_document():
    meta = extract((SAMPLES / "appendix.pdf").read_bytes())
    v = values(meta)
    assert v["type_name"] == "Phụ lục" and v["attached_to"] == "45/KH-SGDĐT"
    assert "code_number" not in v


def test_blank_number_and_date_before_issuing(plan):
    # the plan as the director signed it: the agency has not numbered and dated it yet
    first = plan.doc.revision_ends()[0]
    meta = extract((SAMPLES / "plan.pdf").read_bytes()[:first])
    assert meta.fields["code_number"].value is None and meta.fields["code_number"].blank
    assert meta.fields["issued_date"].value is None and meta.fields["issued_date"].blank
    assert meta.fields["issued_year"].value == 2022 and meta.fields["code_notation"].value == "KH-SGDĐT"


def _one_page(lines: list[tuple[float, float, str, str]]) -> bytes:
    """A one-page PDF with DejaVu text at (x, y from the top, style, text)."""
    import sys

    from fpdf import FPDF

    sys.path.insert(0, str(SAMPLES))
    import art

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("Serif", "", str(art.font_path(art.SERIF)))
    pdf.add_font("Serif", "B", str(art.font_path(art.SERIF_BOLD)))
    pdf.add_page()
    for x, y, style, text in lines:
        pdf.set_font("Serif", style, 12)
        pdf.text(x, y, text)
    return bytes(pdf.output())


def test_sources_that_disagree_are_reported():
    data = _one_page([
        (60, 60, "", "UBND TỈNH BÌNH PHƯỚC"), (300, 60, "B", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (55, 76, "B", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"), (330, 76, "B", "Độc lập - Tự do - Hạnh phúc"),
        (80, 110, "", "Số: 45/KH-SGDĐT"), (300, 110, "", "Bình Phước, ngày 08 tháng 3 năm 2022"),
        (260, 160, "B", "KẾ HOẠCH"), (200, 180, "B", "Phổ biến kế hoạch thi đua"),
        (80, 240, "", "(Kèm theo Kế hoạch số 46/KH-SGDĐT ngày 08/3/2022 của Sở)"),
    ])
    meta = extract(data)
    assert meta.fields["code_number"].value == "45"
    assert meta.fields["code_number"].conflicts == [{"value": "46", "source": "page 1 text"}]
    (code, params), = [f for f in meta.findings if f[0] == "METADATA_CONFLICT"]
    assert params["field"] == "code_number" and params["other_value"] == "46"


def test_unit_report_printed_number():
    meta = extract((SAMPLES / "unit-report.pdf").read_bytes(), names=["Trường THPT chuyên Quang Trung"])
    v = values(meta)
    assert (v["type_name"], v["code_number"], v["code_notation"], v["issued_date"]) == ("Báo cáo", "12", "BC-THPTCQT", "2022-03-15")
    assert v["organ_name"] == "Trường THPT chuyên Quang Trung"  # spelled as the certificate writes it
    assert meta.fields["code_number"].source == "page 1 text"


def test_running_case_prefers_the_documents_own_spelling():
    assert running_case("SỞ GIÁO DỤC VÀ ĐÀO TẠO", ["… , Sở Giáo dục và Đào tạo xây dựng kế hoạch"]) == "Sở Giáo dục và Đào tạo"
    assert running_case("UBND TỈNH KHÁNH HÒA", ["theo chỉ đạo của UBND tỉnh Khánh Hoà"]) == "UBND tỉnh Khánh Hòa"
    assert running_case("SỞ Y TẾ", []) == "Sở Y tế"


def test_unreadable_input_is_a_finding_not_an_exception():
    meta = extract(b"not a pdf")
    assert meta.fields == {} and meta.findings[0][0] == "METADATA_UNREADABLE"


# --- the real documents: what their text says (checked against pdftotext) --------------------

REAL = {
    "50-2026-ND-CP.pdf": dict(type_name="Nghị định", code_number="50", code_notation="2026/NĐ-CP",
                              issued_date="2026-01-31", place="Hà Nội", organ_name="Chính phủ",
                              signer_name="Trần Hồng Hà", signer_position="PHÓ THỦ TƯỚNG"),
    "49-2026-ND-CP.pdf": dict(type_name="Nghị định", code_number="49", code_notation="2026/NĐ-CP",
                              issued_date="2026-01-31", place="Hà Nội", organ_name="Chính phủ",
                              signer_name="Trần Hồng Hà", signer_position="PHÓ THỦ TƯỚNG"),
    "385.signed.signed.pdf": dict(type_name="Tờ trình", code_number="385", code_notation="TTr-CTSBMTT",
                                  issued_date="2024-06-24", place="Hà Nội",
                                  organ_name="Cục Chứng thực số và Bảo mật thông tin",
                                  parent_organ_name="Ban Cơ yếu Chính phủ", signer_name="Hoàng Văn Thủy",
                                  signer_position="PHÓ CỤC TRƯỞNG"),
    "03-vbhn-bkhcn.pdf": dict(type_name="Văn bản hợp nhất", code_number="03", code_notation="VBHN-BKHCN",
                              issued_date="2025-10-07", place="Hà Nội", organ_name="Bộ Khoa học và Công nghệ",
                              signer_name="Phạm Đức Long", signer_position="THỨ TRƯỞNG"),
    "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf": dict(
        type_name="Báo cáo", code_number="884", code_notation="BC-UBVHXH15", issued_date="2025-08-12",
        place="Hà Nội", organ_name="Ủy ban Văn hóa và Xã hội", parent_organ_name="Quốc hội khóa XV",
        signer_name="Nguyễn Đắc Vinh", signer_position="CHỦ NHIỆM"),
    "duthaototrinh-luat-ks.pdf": dict(type_name="Tờ trình", code_number=None, code_notation="TTr-BTNMT",
                                      issued_date=None, issued_year=2023, place="Hà Nội",
                                      organ_name="Bộ Tài nguyên và Môi trường", signer_name="Trần Quý Kiên",
                                      signer_position="THỨ TRƯỞNG"),
}
# Scans whose pages are images (no text layer, and no OCR here): only what the signatures'
# appearances say can be read.
SCANS = {"1009-ttg.signed.pdf": 11, "143-qd.signed.pdf": 5, "4cae3b9afe54435faf53f3c8f237776c.pdf": 36, "19-bkhcn.pdf": 8}


@pytest.fixture(scope="module")
def real():
    need_shared(REALDOCS)
    return {name: extract((REALDOCS / name).read_bytes()) for name in list(REAL) + list(SCANS)}


@pytest.mark.parametrize("name", list(REAL))
def test_real_document_metadata(name, real):
    v = values(real[name])
    for key, expected in REAL[name].items():
        assert v.get(key) == expected, (key, v.get(key))
    assert not [f for f in real[name].findings if f[0] == "METADATA_CONFLICT"]


def test_real_numbers_and_dates_come_from_the_agency_layers(real):
    f = real["50-2026-ND-CP.pdf"].fields
    assert f["code_number"].layers == [2]  # Signature2 draws "50"
    assert f["issued_date"].layers == [3, 4, 5]  # the day, the month and the year, one layer each
    assert real["6666eaf3ddc0f657141fd114381d1fae559e9575.pdf"].fields["issued_date"].source == "page 1 text"
    assert real["duthaototrinh-luat-ks.pdf"].fields["code_number"].blank


@pytest.mark.parametrize("name", list(SCANS))
def test_scans_have_no_text_and_say_so(name, real):
    meta = real[name]
    assert meta.fields["page_amount"].value == SCANS[name]
    assert "code_number" not in meta.fields and "type_name" not in meta.fields
    assert ("METADATA_NO_TEXT", {"pages": SCANS[name]}) in meta.findings


def test_copy_stamp_of_a_scan(real):
    v = values(real["19-bkhcn.pdf"])
    assert v["copy_type"] == "Sao y" and v["copy_organ_name"] == "Bộ Khoa học và Công nghệ"
    assert real["19-bkhcn.pdf"].fields["copy_type"].source == "layer 2 appearance (Signature2)"
