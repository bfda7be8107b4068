"""Unsigned documents laid out like Decree 30/2020 administrative documents (Appendix I).

Each builder returns the PDF bytes and the boxes where later signature layers go, in PDF user
space (points, origin bottom left), because the signing tools draw the number, the date, the
signature image and the seal into those places as signature appearances, not as page text.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

import art

PAGE_W, PAGE_H = 595.28, 841.89
LEFT, RIGHT, TOP, BOTTOM = 85.0, 57.0, 57.0, 57.0  # 30 mm / 20 mm / 20 mm / 20 mm
# The two-column header is wider than the body, as in Word templates for these documents.
HEAD_L = (50.0, 250.0)
HEAD_R = (235.0, 575.0)
BODY_SIZE = 12.5
CREATED = dt.datetime(2022, 3, 7, 16, 30, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF user space


@dataclass
class Doc:
    pdf: bytes
    pages: int
    boxes: dict[str, tuple[int, Box]] = field(default_factory=dict)  # name -> (page index, box)
    header_size: int = 12  # pyHanko's text layout wants integer font sizes


class _Pdf(FPDF):
    def __init__(self):
        super().__init__(orientation="P", unit="pt", format="A4")
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, BOTTOM)
        self.set_creation_date(CREATED)
        self.set_creator("kyso samples/build.py")
        self.set_producer("fpdf2")
        self.add_font("Serif", "", str(art.font_path(art.SERIF)))
        self.add_font("Serif", "B", str(art.font_path(art.SERIF_BOLD)))
        self.add_font("Serif", "I", str(art.font_path(art.SERIF_ITALIC)))
        self.add_font("Serif", "BI", str(art.font_path(art.SERIF_BOLD_ITALIC)))
        self.boxes: dict[str, tuple[int, Box]] = {}

    def box_top(self, name: str, x: float, top: float, w: float, h: float):
        """Record a box on the current page, given with fpdf's top-left origin."""
        self.boxes[name] = (self.page - 1, (round(x, 2), round(PAGE_H - top - h, 2),
                                   round(x + w, 2), round(PAGE_H - top, 2)))

    def centred(self, text: str, col: tuple[float, float], baseline: float, style="", size=12.5,
                underline_frac: float | None = None):
        self.set_font("Serif", style, size)
        w = self.get_string_width(text)
        while w > col[1] - col[0] - 4:  # shrink long agency names to their column
            size -= 0.25
            self.set_font("Serif", style, size)
            w = self.get_string_width(text)
        x = (col[0] + col[1] - w) / 2
        self.text(x, baseline, text)
        if underline_frac:
            uw = w * underline_frac
            ux = (col[0] + col[1] - uw) / 2
            self.set_line_width(0.6)
            self.line(ux, baseline + 5, ux + uw, baseline + 5)

    def with_blank(self, parts: tuple[str, str], blank_w: float, col, baseline, style, size,
                   name: str):
        """`parts[0]` + a blank of `blank_w` points + `parts[1]`, centred; records the blank."""
        self.set_font("Serif", style, size)
        w0, w1 = self.get_string_width(parts[0]), self.get_string_width(parts[1])
        x = (col[0] + col[1] - (w0 + blank_w + w1)) / 2
        self.text(x, baseline, parts[0])
        self.text(x + w0 + blank_w, baseline, parts[1])
        # the box spans the line's full height so a same-size appearance text sits on the baseline
        # (measured: pyHanko centres a one-line text box a little low, hence the extra 1.5 pt)
        self.box_top(name, x + w0, baseline - size * 0.95 - 1.5, blank_w, size * 1.25)


def _header(pdf: _Pdf, parent: str, agency: str, number: tuple[str, str] | str,
            date: tuple[str, str] | str, size=12):
    base = TOP + 8
    lead = size * 1.3
    pdf.centred(parent, HEAD_L, base, "", size)
    pdf.centred(agency, HEAD_L, base + lead, "B", size, underline_frac=0.35)
    pdf.centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", HEAD_R, base, "B", size)
    pdf.centred("Độc lập - Tự do - Hạnh phúc", HEAD_R, base + lead, "B", size, underline_frac=1.0)
    row = base + lead * 2 + 14
    if isinstance(number, tuple):
        pdf.with_blank(number, 30, HEAD_L, row, "", size, "number")
    else:
        pdf.centred(number, HEAD_L, row, "", size)
    if isinstance(date, tuple):
        pdf.with_blank(date, 22, HEAD_R, row, "I", size, "date")
    else:
        pdf.centred(date, HEAD_R, row, "I", size)
    return row


def _title(pdf: _Pdf, y: float, kind: str, subject_lines: list[str]) -> float:
    width = (LEFT, PAGE_W - RIGHT)
    pdf.centred(kind, width, y, "B", 14)
    y += 20
    for line in subject_lines:
        pdf.centred(line, width, y, "B", 13.5)
        y += 18
    pdf.set_line_width(0.6)
    pdf.line(PAGE_W / 2 - 50, y - 9, PAGE_W / 2 + 50, y - 9)
    return y + 8


def _body(pdf: _Pdf, y: float, paragraphs: list[tuple[str, str]]) -> None:
    """Justified paragraphs with a first-line indent; ('h', …) are bold headings."""
    pdf.set_xy(LEFT, y)
    with pdf.text_columns(text_align="J", line_height=1.3) as cols:
        for kind, text in paragraphs:
            pdf.set_font("Serif", "B" if kind == "h" else "", BODY_SIZE)
            with cols.paragraph(first_line_indent=28, bottom_margin=4) as par:
                par.write(text)


def _closing(pdf: _Pdf, recipients: list[str], title_lines: list[str], signer: str,
             box_w=150.0, box_h=70.0) -> None:
    """`Nơi nhận:` on the left, the signer block on the right with room for the image."""
    need = 40 + 18 * len(title_lines) + box_h + 40
    y = pdf.get_y() + 8
    if y + need > PAGE_H - BOTTOM:
        pdf.add_page()
        y = TOP
    # centred at about three quarters of the page, so the seal stays clear of the recipients
    right = (PAGE_W / 2 + 60, PAGE_W - RIGHT + 40)
    base = y + 14
    pdf.set_font("Serif", "BI", 11.5)
    pdf.text(LEFT, base, "Nơi nhận:")
    pdf.set_font("Serif", "", 10.5)
    ry = base + 14
    for i, r in enumerate(recipients):
        pdf.text(LEFT, ry, r)
        if i == 0:  # the samples forge this line away
            pdf.box_top("recipient-1", LEFT - 1, ry - 9.5, pdf.get_string_width(r) + 2, 13)
        ry += 13
    # where the clerk's small "Ký số văn bản" appearance goes, under the recipient list
    pdf.box_top("clerk", LEFT, ry + 2, 165, 42)
    ry += 48
    ty = base
    for line in title_lines:
        pdf.centred(line, right, ty, "B", 13)
        ty += 17
    top = ty - 6
    cx = (right[0] + right[1]) / 2
    pdf.box_top("signature", cx - box_w / 2, top, box_w, box_h)
    pdf.centred(signer, right, top + box_h + 22, "B", 13)
    pdf.set_y(max(ry, top + box_h + 30))


def _table(pdf: _Pdf, y: float, head: list[str], rows: list[list[str]], widths: list[float]):
    pdf.set_xy(LEFT, y)
    pdf.set_font("Serif", "", 10.5)
    with pdf.table(col_widths=widths, width=sum(widths), line_height=15, text_align="LEFT",
                   first_row_as_headings=True, align="CENTER") as table:
        r = table.row()
        for h in head:
            r.cell(h, align="CENTER")
        for row in rows:
            r = table.row()
            for i, c in enumerate(row):
                r.cell(c, align="CENTER" if i == 0 else "LEFT")


# --- the seed plan ------------------------------------------------------------------------------

@dataclass
class Seed:
    subject: list[str]
    paragraphs: list[tuple[str, str]]  # ('h' heading | 'p' paragraph, text)
    recipients: list[str]


def parse_seed(path: Path) -> Seed:
    """The text layer of the real plan, reflowed into paragraphs.

    The extracted text keeps the PDF's line breaks; a paragraph ends where a line ends a
    sentence (., :, ./.) and the next one starts a new sentence or item.
    """
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("Thực hiện"))
    subject = lines[1:start]
    end = next(i for i, ln in enumerate(lines) if ln.startswith("Nơi nhận"))
    paras: list[list[str]] = []
    heading = False
    for ln in lines[start:end]:
        is_heading = bool(re.match(r"[IVX]+\. ", ln)) and ln.upper() == ln
        new = (not paras or heading or is_heading
               or re.search(r"(\.|:|\./\.)$", paras[-1][-1])
               and (ln[0].isupper() or re.match(r"\d+\.", ln)))
        heading = is_heading
        if new:
            paras.append([ln])
        else:
            paras[-1].append(ln)
    paragraphs = []
    for p in paras:
        s = " ".join(p)
        s = re.sub(r"\s+", " ", s).strip()
        kind = "h" if re.match(r"[IVX]+\. ", s) and s.upper() == s else "p"
        paragraphs.append((kind, s))
    recipients = []
    for ln in lines[end + 1:]:
        if not ln.startswith("- "):
            break
        recipients.append(re.sub(r"\s+", " ", ln).strip())
    return Seed(subject=subject, paragraphs=paragraphs, recipients=recipients)


APPENDIX_HEAD = ["STT", "Nội dung công việc", "Thời gian", "Đơn vị thực hiện"]
APPENDIX_ROWS = [
    ["1", "Phổ biến kế hoạch đến các phòng, đơn vị trực thuộc", "Tháng 3/2022", "Văn phòng Sở"],
    ["2", "Đăng ký giao ước thi đua của các đơn vị", "Tháng 4/2022", "Các đơn vị trực thuộc"],
    ["3", "Tuyên truyền, nhân rộng mô hình điển hình tiên tiến", "Quý II-III/2022",
     "Các phòng chức năng"],
    ["4", "Sơ kết phong trào thi đua năm 2022", "Tháng 12/2022", "Văn phòng Sở"],
    ["5", "Tổng kết giai đoạn 2021-2025, đề xuất khen thưởng", "Quý IV/2025", "Hội đồng TĐKT Sở"],
]
APPENDIX_WIDTHS = [32, 205, 90, 126]


def _appendix_body(pdf: _Pdf, reference: str, y: float):
    pdf.centred("PHỤ LỤC", (LEFT, PAGE_W - RIGHT), y, "B", 14)
    pdf.centred("Tiến độ triển khai phong trào thi đua “Chung tay xây dựng nông thôn mới”",
                (LEFT - 20, PAGE_W - RIGHT + 20), y + 20, "B", 12)
    pdf.centred(reference, (LEFT - 20, PAGE_W - RIGHT + 20), y + 38, "I", 11.5)
    _table(pdf, y + 56, APPENDIX_HEAD, APPENDIX_ROWS, APPENDIX_WIDTHS)


def plan(seed: Seed, *, notation: str = "KH-SGDĐT", number: str | None = None, day: str | None = None,
         month: str = "3", year: str = "2022") -> Doc:
    """The seed plan. By default the number and the day are blanks the agency's layers fill in;
    given, they are printed in the page (a document numbered before signing)."""
    pdf = _Pdf()
    pdf.set_title("Kế hoạch triển khai thực hiện phong trào thi đua Chung tay xây dựng nông thôn mới")
    pdf.set_author("Sở Giáo dục và Đào tạo tỉnh Bình Phước")
    pdf.add_page()
    number_line = f"Số: {number}/{notation}" if number else ("Số: ", f"/{notation}")
    date_line = (f"Bình Phước, ngày {day} tháng {month} năm {year}" if day
                 else ("Bình Phước, ngày ", f" tháng {month} năm {year}"))
    row = _header(pdf, "UBND TỈNH BÌNH PHƯỚC", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", number_line, date_line)
    y = _title(pdf, row + 42, "KẾ HOẠCH", seed.subject)
    _body(pdf, y, seed.paragraphs)
    _closing(pdf, seed.recipients, ["GIÁM ĐỐC"], "Trịnh Văn Nam")
    pdf.add_page()
    # the top of the appendix page is kept free for the agency's text-only appearance
    pdf.box_top("appendix-sig", PAGE_W - RIGHT - 215, 22, 225, 62)
    ref_number, ref_day = (number, day) if number and day else ("     ", "     ")
    _appendix_body(pdf, f"(Kèm theo Kế hoạch số {ref_number}/{notation} ngày {ref_day}/{month}/{year} của Sở "
                        "Giáo dục và Đào tạo)", TOP + 60)
    return Doc(bytes(pdf.output()), pdf.pages_count, pdf.boxes)


def appendix() -> Doc:
    """A separate appendix file of the plan: issued with the plan's number and date."""
    pdf = _Pdf()
    pdf.set_title("Phụ lục Kế hoạch 45/KH-SGDĐT")
    pdf.set_author("Sở Giáo dục và Đào tạo tỉnh Bình Phước")
    pdf.add_page()
    pdf.box_top("appendix-sig", PAGE_W - RIGHT - 215, 22, 225, 62)
    _appendix_body(pdf, "(Kèm theo Kế hoạch số 45/KH-SGDĐT ngày 08/3/2022 của Sở Giáo dục "
                        "và Đào tạo)", TOP + 60)
    return Doc(bytes(pdf.output()), pdf.pages_count, pdf.boxes)


UNIT_REPORT = [
    ("p", "Thực hiện Kế hoạch số 45/KH-SGDĐT ngày 08/3/2022 của Sở Giáo dục và Đào tạo về "
          "triển khai thực hiện phong trào thi đua “Chung tay xây dựng nông thôn mới”, Trường "
          "THPT chuyên Quang Trung báo cáo kết quả triển khai như sau:"),
    ("h", "I. KẾT QUẢ THỰC HIỆN"),
    ("p", "1. Nhà trường đã phổ biến kế hoạch đến toàn thể cán bộ, giáo viên, nhân viên và học "
          "sinh thông qua buổi chào cờ đầu tuần và hệ thống thông tin nội bộ."),
    ("p", "2. Tổ chức cho 100% cán bộ, giáo viên, nhân viên đăng ký giao ước thi đua; phối hợp "
          "với Đoàn thanh niên phát động học sinh tham gia vệ sinh môi trường tại xã kết nghĩa."),
    ("p", "3. Lồng ghép nội dung xây dựng nông thôn mới vào hoạt động trải nghiệm, hướng nghiệp "
          "của học sinh khối 10 và khối 11."),
    ("h", "II. ĐỀ XUẤT, KIẾN NGHỊ"),
    ("p", "Đề nghị Sở Giáo dục và Đào tạo tiếp tục hướng dẫn tiêu chí bình xét thi đua gắn với "
          "phong trào để nhà trường triển khai thống nhất./."),
]


def unit_report() -> Doc:
    pdf = _Pdf()
    pdf.set_title("Báo cáo kết quả hưởng ứng phong trào thi đua")
    pdf.set_author("Trường THPT chuyên Quang Trung")
    pdf.add_page()
    row = _header(pdf, "SỞ GIÁO DỤC VÀ ĐÀO TẠO BÌNH PHƯỚC", "TRƯỜNG THPT CHUYÊN QUANG TRUNG",
                  "Số: 12/BC-THPTCQT", "Bình Phước, ngày 15 tháng 3 năm 2022", size=11)
    y = _title(pdf, row + 42, "BÁO CÁO",
               ["Kết quả triển khai phong trào thi đua", "“Chung tay xây dựng nông thôn mới”"])
    _body(pdf, y, UNIT_REPORT)
    _closing(pdf, ["- Sở GDĐT (để báo cáo);", "- Lưu: VT."], ["HIỆU TRƯỞNG"],
             "Nguyễn Thị Hồng Nhung")
    return Doc(bytes(pdf.output()), pdf.pages_count, pdf.boxes, header_size=11)
