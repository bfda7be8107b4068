"""The Appendix VI fields read from header, title and footer texts laid out as `pdftotext -layout`
prints them: plans, reports, decisions, công văn, normative documents, drafts, NFD input,
urgency and secrecy marks, both tone placements."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from verifier.decree30 import docfields as df


def read(header: str = "", body: str = "", footer: str = "", bold: list[bool] | None = None) -> dict:
    """Every field the three parsers find, as plain values."""
    out: dict = {}
    if header:
        left, right = df.split_columns(header)
        out.update(df.parse_header(left, right, bold))
    if body:
        out.update(df.parse_title([line.strip() for line in body.splitlines()]))
    if footer:
        left, right = df.split_columns(footer)
        out.update(df.parse_footer(left, right))
    return {k: v.value for k, v in out.items()}


PLAN = """
    UBND TỈNH BÌNH PHƯỚC            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
  SỞ GIÁO DỤC VÀ ĐÀO TẠO                Độc lập - Tự do - Hạnh phúc

     Số: 45/KH-SGDĐT              Bình Phước, ngày 08 tháng 3 năm 2022
"""
PLAN_BODY = """
KẾ HOẠCH
Triển khai thực hiện phong trào thi đua
“Chung tay xây dựng nông thôn mới”

Thực hiện Kế hoạch 197/KH-UBND ngày 09/6/2021 của UBND tỉnh về
"""

HEADERS = [
    ("plan", PLAN, PLAN_BODY, {
        "parent_organ_printed": "UBND TỈNH BÌNH PHƯỚC", "organ_name_printed": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "code_number": "45", "code_notation": "KH-SGDĐT", "type_code": "KH", "place": "Bình Phước",
        "issued_date": date(2022, 3, 8), "type_name_printed": "Kế hoạch",
        "subject": "Triển khai thực hiện phong trào thi đua “Chung tay xây dựng nông thôn mới”",
    }),
    ("school report", """
 SỞ GIÁO DỤC VÀ ĐÀO TẠO BÌNH PHƯỚC      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TRƯỜNG THPT CHUYÊN QUANG TRUNG             Độc lập - Tự do - Hạnh phúc

      Số: 12/BC-THPTCQT               Bình Phước, ngày 15 tháng 3 năm 2022
""", """
BÁO CÁO
Kết quả triển khai phong trào thi đua
“Chung tay xây dựng nông thôn mới”
""", {
        "parent_organ_printed": "SỞ GIÁO DỤC VÀ ĐÀO TẠO BÌNH PHƯỚC", "organ_name_printed": "TRƯỜNG THPT CHUYÊN QUANG TRUNG",
        "code_number": "12", "code_notation": "BC-THPTCQT", "type_code": "BC", "issued_date": date(2022, 3, 15),
        "type_name_printed": "Báo cáo",
        "subject": "Kết quả triển khai phong trào thi đua “Chung tay xây dựng nông thôn mới”",
    }),
    ("provincial decision", """
    ỦY BAN NHÂN DÂN               CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    TỈNH KHÁNH HÒA                     Độc lập - Tự do - Hạnh phúc

  Số: 1234/QĐ-UBND                 Khánh Hòa, ngày 05 tháng 01 năm 2024
""", """
QUYẾT ĐỊNH
Về việc phê duyệt Kế hoạch chuyển đổi số năm 2024
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
""", {
        "organ_name_printed": "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", "code_number": "1234", "code_notation": "QĐ-UBND",
        "type_code": "QĐ", "place": "Khánh Hòa", "issued_date": date(2024, 1, 5), "type_name_printed": "Quyết định",
        "subject": "Về việc phê duyệt Kế hoạch chuyển đổi số năm 2024",
    }),
    ("công văn without a type code", """
   UBND TỈNH BÌNH PHƯỚC           CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
 SỞ GIÁO DỤC VÀ ĐÀO TẠO               Độc lập - Tự do - Hạnh phúc

    Số: 123/SGDĐT-VP               Bình Phước, ngày 20 tháng 4 năm 2022
 V/v triển khai kế hoạch thi đua
   năm học 2021-2022
""", """
Kính gửi:
- Các phòng giáo dục và đào tạo;
- Các đơn vị trực thuộc.
""", {
        "code_number": "123", "code_notation": "SGDĐT-VP", "subject_vv": "triển khai kế hoạch thi đua năm học 2021-2022",
        "addressees": ["Các phòng giáo dục và đào tạo", "Các đơn vị trực thuộc"],
    }),
    ("decree: the notation carries the year", """
      CHÍNH PHỦ               CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
         _________                    Độc lập - Tự do - Hạnh phúc

   Số: 50 /2026/NĐ-CP                  Hà Nội, ngày 31 tháng 01 năm 2026
""", """
NGHỊ ĐỊNH
Quy định chi tiết một số điều của Nghị quyết số 254/2025/QH15
ngày 11 tháng 12 năm 2025 của Quốc hội

Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;
""", {
        "organ_name_printed": "CHÍNH PHỦ", "code_number": "50", "code_notation": "2026/NĐ-CP", "notation_year": 2026,
        "type_code": "NĐ", "issued_date": date(2026, 1, 31), "type_name_printed": "Nghị định",
        "subject": "Quy định chi tiết một số điều của Nghị quyết số 254/2025/QH15 ngày 11 tháng 12 năm 2025 của Quốc hội",
    }),
    ("circular", """
 BỘ GIÁO DỤC VÀ ĐÀO TẠO           CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
                                        Độc lập - Tự do - Hạnh phúc
   Số: 08/2024/TT-BGDĐT             Hà Nội, ngày 15 tháng 5 năm 2024
""", "THÔNG TƯ\nHướng dẫn việc bồi dưỡng giáo viên\n\nCăn cứ", {
        "organ_name_printed": "BỘ GIÁO DỤC VÀ ĐÀO TẠO", "code_number": "08", "code_notation": "2024/TT-BGDĐT",
        "type_code": "TT", "type_name_printed": "Thông tư", "subject": "Hướng dẫn việc bồi dưỡng giáo viên",
    }),
    ("law: no type code in the notation", """
     QUỐC HỘI                  CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
                                    Độc lập - Tự do - Hạnh phúc
 Luật số: 31/2024/QH15
""", "LUẬT\nĐẤT ĐAI\n\nCăn cứ Hiến pháp", {
        "organ_name_printed": "QUỐC HỘI", "code_number": "31", "code_notation": "2024/QH15", "type_name_printed": "Luật",
    }),
    ("draft: blank number and date", """
BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
                                  Độc lập - Tự do - Hạnh phúc
                                                      DỰ THẢO
     Số:        /TTr-BTNMT                    Hà Nội, ngày     tháng     năm 2023
""", "TỜ TRÌNH\nDự thảo Luật Địa chất và Khoáng sản\n\nKính gửi: Chính phủ", {
        "organ_name_printed": "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "code_number": None, "code_notation": "TTr-BTNMT",
        "issued_date": None, "issued_year": 2023, "draft": True, "type_name_printed": "Tờ trình",
        "subject": "Dự thảo Luật Địa chất và Khoáng sản", "addressees": ["Chính phủ"],
    }),
    ("three-line agency", """
 BAN CƠ YẾU CHÍNH PHỦ            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
  CỤC CHỨNG THỰC SỐ                  Độc lập – Tự do – Hạnh phúc
 VÀ BẢO MẬT THÔNG TIN
     Số:385 /TTr-CTSBMTT                Hà Nội, ngày 24 tháng 6 năm 2024
""", "", {
        "parent_organ_printed": "BAN CƠ YẾU CHÍNH PHỦ", "organ_name_printed": "CỤC CHỨNG THỰC SỐ VÀ BẢO MẬT THÔNG TIN",
        "code_number": "385", "code_notation": "TTr-CTSBMTT", "issued_date": date(2024, 6, 24),
    }),
    ("urgency under the number", """
  UBND TỈNH BÌNH PHƯỚC            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ GIÁO DỤC VÀ ĐÀO TẠO              Độc lập - Tự do - Hạnh phúc
   Số: 210/SGDĐT-VP              Bình Phước, ngày 02 tháng 6 năm 2022
 V/v phòng chống dịch bệnh
       HỎA TỐC
""", "", {"urgency": "Hỏa tốc", "subject_vv": "phòng chống dịch bệnh", "code_notation": "SGDĐT-VP"}),
    ("secrecy and urgency", """
  BỘ QUỐC PHÒNG                  CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
                                      Độc lập - Tự do - Hạnh phúc
   Số: 77/BC-BQP                  Hà Nội, ngày 10 tháng 10 năm 2023
      MẬT
  THƯỢNG KHẨN
""", "BÁO CÁO\nTình hình thực hiện nhiệm vụ quý III\n", {
        "secrecy": "Mật", "urgency": "Thượng khẩn", "type_code": "BC", "type_name_printed": "Báo cáo",
    }),
    ("old tone placement: Hoà, Thanh Hoá", """
 UBND TỈNH THANH HOÁ             CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
   SỞ Y TẾ                             Độc lập - Tự do - Hạnh phúc
  Số: 01/TB-SYT                    Thanh Hoá, ngày 02 tháng 01 năm 2025
""", "THÔNG BÁO\nLịch trực Tết Nguyên đán\n", {
        "parent_organ_printed": "UBND TỈNH THANH HOÁ", "organ_name_printed": "SỞ Y TẾ", "code_number": "01",
        "code_notation": "TB-SYT", "place": "Thanh Hoá", "issued_date": date(2025, 1, 2), "national_title": True,
        "type_name_printed": "Thông báo",
    }),
    ("invitation, place with two words and a dot", """
 ĐẠI HỌC QUỐC GIA                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
  THÀNH PHỐ HỒ CHÍ MINH                Độc lập - Tự do - Hạnh phúc
 TRƯỜNG ĐẠI HỌC BÁCH KHOA
  Số: 15/GM-ĐHBK                TP. Hồ Chí Minh, ngày 9 tháng 9 năm 2024
""", "GIẤY MỜI\nDự hội nghị chuyển đổi số\n", {
        "parent_organ_printed": "ĐẠI HỌC QUỐC GIA THÀNH PHỐ HỒ CHÍ MINH", "organ_name_printed": "TRƯỜNG ĐẠI HỌC BÁCH KHOA",
        "place": "TP. Hồ Chí Minh", "issued_date": date(2024, 9, 9), "type_code": "GM", "type_name_printed": "Giấy mời",
    }),
    ("district guidance, parent with a place word", """
   UBND HUYỆN ĐỒNG PHÚ             CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
 PHÒNG GIÁO DỤC VÀ ĐÀO TẠO             Độc lập - Tự do - Hạnh phúc
   Số: 56/HD-PGDĐT                 Đồng Phú, ngày 20 tháng 9 năm 2023
""", "HƯỚNG DẪN\nThực hiện nhiệm vụ năm học 2023-2024\n\nCăn cứ", {
        "parent_organ_printed": "UBND HUYỆN ĐỒNG PHÚ", "organ_name_printed": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "type_code": "HD", "type_name_printed": "Hướng dẫn", "place": "Đồng Phú", "issued_date": date(2023, 9, 20),
        "subject": "Thực hiện nhiệm vụ năm học 2023-2024",
    }),
    ("urgent telegram of the Prime Minister", """
 THỦ TƯỚNG CHÍNH PHỦ             CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
                                        Độc lập - Tự do - Hạnh phúc
   Số: 10/CĐ-TTg                      Hà Nội, ngày 01 tháng 02 năm 2024
      HỎA TỐC
""", "CÔNG ĐIỆN\nVề việc chủ động ứng phó với rét đậm, rét hại\n", {
        "organ_name_printed": "THỦ TƯỚNG CHÍNH PHỦ", "code_number": "10", "code_notation": "CĐ-TTg", "type_code": "CĐ",
        "urgency": "Hỏa tốc", "type_name_printed": "Công điện",
        "subject": "Về việc chủ động ứng phó với rét đậm, rét hại",
    }),
    ("no space between the day and tháng", """
  BỘ KHOA HỌC VÀ CÔNG NGHỆ                XÁC THỰC VĂN BẢN HỢP NHẤT
        Số: 03 /VBHN - BKHCN             Hà Nội, ngày 07tháng 10 năm 2025
""", "", {
        "organ_name_printed": "BỘ KHOA HỌC VÀ CÔNG NGHỆ", "code_number": "03", "code_notation": "VBHN-BKHCN",
        "type_code": "VBHN", "issued_date": date(2025, 10, 7),
    }),
]


@pytest.mark.parametrize("header,body,expected", [h[1:] for h in HEADERS], ids=[h[0] for h in HEADERS])
def test_header_and_title(header, body, expected):
    got = read(header, body)
    for key, value in expected.items():
        assert got.get(key) == value, (key, got)


def test_nfd_input_reads_like_nfc():
    nfd = unicodedata.normalize("NFD", PLAN)
    assert nfd != PLAN
    assert read(nfd, unicodedata.normalize("NFD", PLAN_BODY)) == read(PLAN, PLAN_BODY)
    got = read(nfd)
    assert got["organ_name_printed"] == "SỞ GIÁO DỤC VÀ ĐÀO TẠO" and got["code_notation"] == "KH-SGDĐT"


def test_bold_tells_the_agency_from_a_two_line_parent():
    left = ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH PHƯỚC", "SỞ Y TẾ", "Số: 9/KH-SYT"]
    got = df.parse_header(left, [""] * 4, [False, False, True, False])
    assert got["parent_organ_printed"].value == "ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC"
    assert got["organ_name_printed"].value == "SỞ Y TẾ"
    # without the weights, the continuation rule gives the same
    got = df.parse_header(left, [""] * 4)
    assert got["organ_name_printed"].value == "SỞ Y TẾ"


FOOTERS = [
    ("plan", """
Nơi nhận:                                                          GIÁM ĐỐC
- BGD (để báo cáo);
- Các phòng chức năng, chuyên môn thuộc Sở;
- Các đơn vị trực thuộc;
- Lưu: VT, VP.

                                                               Trịnh Văn Nam
""", {"recipients": ["BGD (để báo cáo)", "Các phòng chức năng, chuyên môn thuộc Sở", "Các đơn vị trực thuộc"],
      "filing": "VT, VP", "signer_position": "GIÁM ĐỐC", "signer_name": "Trịnh Văn Nam"}),
    ("decree, on behalf of the Government", """
Nơi nhận:                                                    TM. CHÍNH PHỦ
- Ban Bí thư Trung ương Đảng;                               KT. THỦ TƯỚNG
- Thủ tướng, các Phó Thủ tướng Chính phủ;                   PHÓ THỦ TƯỚNG
- HĐND, UBND các tỉnh, thành phố trực thuộc trung
ương;
- Lưu: VT, NN (2b).
                                                             Trần Hồng Hà
""", {"recipients": ["Ban Bí thư Trung ương Đảng", "Thủ tướng, các Phó Thủ tướng Chính phủ",
                     "HĐND, UBND các tỉnh, thành phố trực thuộc trung ương"],
      "signer_authority": "TM. CHÍNH PHỦ / KT. THỦ TƯỚNG", "signer_position": "PHÓ THỦ TƯỚNG",
      "signer_name": "Trần Hồng Hà", "filing": "VT, NN (2b)"}),
    ("deputy, with Thủy", """
Nơi nhận:                                          KT. CỤC TRƯỞNG
- Như trên;                                        PHÓ CỤC TRƯỞNG
- Đ/c Cục trưởng (để b/c);
- Lưu: VT, CTTCHC. K02.

                                                    Hoàng Văn Thủy
""", {"recipients": ["Như trên", "Đ/c Cục trưởng (để b/c)"], "signer_position": "PHÓ CỤC TRƯỞNG",
      "signer_authority": "KT. CỤC TRƯỞNG", "signer_name": "Hoàng Văn Thủy"}),
    ("by order (TL.)", """
Nơi nhận:                                            TL. CHỦ TỊCH
- Như trên;                                       CHÁNH VĂN PHÒNG
- Lưu: VT.
                                                   Nguyễn Thị Mai
""", {"signer_authority": "TL. CHỦ TỊCH", "signer_position": "CHÁNH VĂN PHÒNG", "signer_name": "Nguyễn Thị Mai",
      "recipients": ["Như trên"]}),
    ("acting (Q.)", """
Nơi nhận:                                              Q. GIÁM ĐỐC
- UBND tỉnh (để b/c);
- Lưu: VT, KHTC.
                                                      Lê Hoàng Phúc
""", {"signer_position": "Q. GIÁM ĐỐC", "signer_name": "Lê Hoàng Phúc", "recipients": ["UBND tỉnh (để b/c)"],
      "filing": "VT, KHTC"}),
]


@pytest.mark.parametrize("footer,expected", [f[1:] for f in FOOTERS], ids=[f[0] for f in FOOTERS])
def test_footer(footer, expected):
    got = read(footer=footer)
    for key, value in expected.items():
        assert got.get(key) == value, (key, got)


def test_number_forms():
    assert df.parse_number("Số: 45/KH-SGDĐT")["number"] == "45"
    assert df.parse_number("Số:              /TTr-BTNMT")["number"] is None
    assert df.parse_number("Số: …../BC-BTP")["number"] is None
    assert df.parse_number("Số: 03 /VBHN - BKHCN")["notation"] == "VBHN-BKHCN"
    assert df.parse_number("Số 23, Ngụy Như Kon Tum") is None  # an address is not a number line
    assert df.type_code("2026/NĐ-CP") == "NĐ" and df.type_code("SGDĐT-VP") is None
    assert df.type_code("QyĐ-UBND") == "QyĐ" and df.type_code("CTr-UBND") == "CTr" and df.type_code("CT-UBND") == "CT"
    assert df.code_of_type_name("Kế hoạch") == ["KH"] and "QĐ" in df.code_of_type_name("quyết định")


def test_dates():
    assert df.parse_date_line("Hà Nội, ngày 31 tháng 02 năm 2024")["date"] is None  # no such day
    got = df.parse_date_line("Thành phố Hồ Chí Minh, ngày 01 tháng 12 năm 2023")
    assert got["place"] == "Thành phố Hồ Chí Minh" and got["date"] == date(2023, 12, 1)


def test_tone_placement_and_folding():
    assert df.canon("Hoà Thuỷ Khánh Hoà") == "Hòa Thủy Khánh Hòa"
    assert df.canon("quả quý hoàng thuyền") == "quả quý hoàng thuyền"  # qu- and closed syllables unchanged
    assert df.same_text("UBND tỉnh Khánh Hoà", "UBND TỈNH KHÁNH HÒA")
    assert df.same_text("Hoàng Văn Thuỷ", "Hoàng Văn Thủy")
    assert df.fold("Đào tạo") == "dao tao"
    assert not df.same_text("Trương Văn A", "Trường Văn A") or df.fold("Trương") == df.fold("Trường")


@pytest.mark.parametrize("printed,written", [
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Sở Giáo dục và Đào tạo"),
    ("UBND TỈNH BÌNH PHƯỚC", "UBND tỉnh Bình Phước"),
    ("BAN CƠ YẾU CHÍNH PHỦ", "Ban Cơ yếu Chính phủ"),
    ("CỤC CHỨNG THỰC SỐ VÀ BẢO MẬT THÔNG TIN", "Cục Chứng thực số và Bảo mật thông tin"),
    ("ỦY BAN VĂN HÓA VÀ XÃ HỘI", "Ủy ban Văn hóa và Xã hội"),
    ("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", "Ủy ban nhân dân tỉnh Khánh Hòa"),
    ("CHÍNH PHỦ", "Chính phủ"),
    ("BỘ KHOA HỌC VÀ CÔNG NGHỆ", "Bộ Khoa học và Công nghệ"),
])
def test_recase(printed, written):
    assert df.recase(printed) == written


def test_type_names_in_titles():
    assert df.match_type_name("KẾ HOẠCH") == ("Kế hoạch", "")
    assert df.match_type_name("QUYẾT ĐỊNH") == ("Quyết định", "")
    assert df.match_type_name("THÔNG TƯ LIÊN TỊCH")[0] == "Thông tư liên tịch"
    assert df.match_type_name("Kế hoạch này") is None  # running text is not a title
    assert df.match_type_name("BÁO CÁO THẨM TRA") == ("Báo cáo", "THẨM TRA")


def test_date_lines_in_any_case_and_running_text_without_one():
    from datetime import date

    from verifier.decree30 import docfields as df

    assert df.parse_date_line("HÀ NỘI, NGÀY 08 THÁNG 3 NĂM 2022")["date"] == date(2022, 3, 8)
    assert df.parse_date_line("Bình Phước, Ngày 8 Tháng 03 Năm 2022")["date"] == date(2022, 3, 8)
    assert df.parse_date_line("Kế hoạch của sở, " * 20) is None
