"""The report as a PDF to print or attach: A4, the same content as the HTML report
(verifier.report.sheet), its Vietnamese font embedded (verifier.report.pdffont).

Written with fpdf2, pure Python: it embeds a subset of a TrueType font and PNG pictures, which
is all a report needs, and keeps the README's two set-up commands sufficient (no system
library, no browser).
"""

from __future__ import annotations

import io
import unicodedata

from verifier.report import pdffont
from verifier.report import pictures as pictures_
from verifier.report import sheet as sheet_
from verifier.report.model import DocumentReport

MARGIN = 15  # mm
COLOURS = {"VALID": (23, 102, 58), "PASSED": (23, 102, 58), "INVALID": (176, 0, 32), "FAILED": (176, 0, 32),
           "INDETERMINATE": (138, 90, 0), "ERROR": (138, 90, 0)}
SEVERITY_COLOURS = {"error": (176, 0, 32), "warning": (138, 90, 0), "info": (85, 85, 85)}
GREY = (85, 85, 85)
LINE = (200, 204, 210)
PX_PER_MM = 72 / 25.4  # pictures are drawn at px/pt; 1 px at scale 1 is one point


def render_pdf(report: DocumentReport, data: bytes | None, lang: str = "vi") -> bytes:
    """The PDF report of `report`, its pictures drawn from `data`, the PDF it is about (None:
    without pictures)."""
    return pdf_of(sheet_.build(report, pictures_.draw(report, data), lang))


def _t(text) -> str:
    """NFC: the font has the precomposed Vietnamese letters, and fpdf2 does not shape combining marks."""
    return unicodedata.normalize("NFC", str(text))


class _Report:
    def __init__(self, s: sheet_.Sheet):
        from fpdf import FPDF

        self.s = s
        pdf = self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN + 5)
        pdf.set_title(_t(f"{s.title}: {s.verdict_text}"))
        pdf.set_creator("kyso")
        pdf.set_lang(s.lang)
        for style in pdffont.FILES:
            pdf.add_font(pdffont.FAMILY, style, str(pdffont.font_path(style)))
        footer = _t(s.footer)

        def _footer():
            pdf.set_y(-MARGIN)
            pdf.set_font(pdffont.FAMILY, "", 7.5)
            pdf.set_text_color(*GREY)
            pdf.cell(0, 4, f"{footer}  {pdf.page_no()}/{{nb}}", align="R")

        pdf.footer = _footer
        pdf.add_page()

    @property
    def width(self) -> float:
        return self.pdf.w - 2 * MARGIN

    def font(self, size: float = 10, bold: bool = False, colour=(17, 17, 17)) -> None:
        self.pdf.set_font(pdffont.FAMILY, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)

    def para(self, text: str, size: float = 10, bold: bool = False, colour=(17, 17, 17), gap: float = 1.0) -> None:
        self.font(size, bold, colour)
        self.pdf.set_x(MARGIN)
        self.pdf.multi_cell(self.width, size * 0.5, _t(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(gap)

    def heading(self, text: str, size: float = 12.5) -> None:
        if self.pdf.will_page_break(25):
            self.pdf.add_page()
        self.pdf.ln(3)
        self.para(text, size, bold=True, gap=0.5)
        self.pdf.set_draw_color(*LINE)
        self.pdf.set_line_width(0.5)
        self.pdf.line(MARGIN, self.pdf.get_y(), self.pdf.w - MARGIN, self.pdf.get_y())
        self.pdf.ln(2)

    def bullets(self, items: list[str], size: float = 10, colours: list | None = None) -> None:
        for k, item in enumerate(items):
            self.font(size, colour=(colours[k] if colours else (17, 17, 17)))
            self.pdf.set_x(MARGIN + 2)
            self.pdf.cell(4, size * 0.5, "•")
            self.pdf.multi_cell(self.width - 6, size * 0.5, _t(item), align="L", new_x="LMARGIN", new_y="NEXT")
            self.pdf.ln(0.6)

    def rows(self, rows: list[tuple[str, str]], size: float = 9.5) -> None:
        if not rows:
            return
        from fpdf.fonts import FontFace

        self.font(size)
        self.pdf.set_draw_color(*LINE)
        self.pdf.set_line_width(0.2)
        with self.pdf.table(col_widths=(32, 68), width=self.width, text_align="LEFT", first_row_as_headings=False,
                            borders_layout="HORIZONTAL_LINES", line_height=size * 0.48, padding=(1, 1.5)) as table:
            for label, value in rows:
                row = table.row()
                row.cell(_t(label), style=FontFace(emphasis="BOLD"))
                row.cell(_t(value))
        self.pdf.ln(2)

    def picture(self, png: bytes, width_px: int, height_px: int, caption: str, max_w: float | None = None,
                scale: float = 1.0, title: str | None = None) -> None:
        """A picture at its drawing's size (px/pt = scale), shrunk to fit the width and a page,
        kept on one page with its title and caption."""
        w = width_px / scale / PX_PER_MM
        h = height_px / scale / PX_PER_MM
        limit_w = max_w or self.width
        limit_h = self.pdf.h - 2 * MARGIN - 20
        shrink = min(1.0, limit_w / w, limit_h / h)
        w, h = w * shrink, h * shrink
        if self.pdf.will_page_break(h + (16 if title else 8)):
            self.pdf.add_page()
        if title:
            self.para(title, 11, bold=True)
        self.para(caption, 8.5, colour=GREY, gap=0.3)
        self.pdf.image(io.BytesIO(png), x=MARGIN, w=w, h=h, alt_text=_t(caption))
        self.pdf.ln(3)


def pdf_of(s: sheet_.Sheet) -> bytes:
    r = _Report(s)
    pdf = r.pdf
    r.para(s.title, 15, bold=True, gap=2)

    # the summary, in a frame coloured by the verdict
    top = pdf.get_y()
    pdf.set_y(top + 2)
    colour = COLOURS.get(s.verdict, GREY)
    r.para(s.headline, 12.5, bold=True, colour=colour, gap=1)
    r.para(f"{sheet_.word('next_step', s.lang)}: {s.next_step}", 10, gap=1.5)
    r.rows(s.summary_document)
    if s.signers:
        r.para(f"{sheet_.word('signers', s.lang)}:", 10, bold=True, gap=0.5)
        r.bullets(s.signers)
    r.para(f"{sheet_.word('problems', s.lang)}:", 10, bold=True, gap=0.5)
    if s.problems:
        r.bullets(s.problems)
    else:
        r.para(sheet_.word("no_problem", s.lang), 10)
    bottom = pdf.get_y() + 1
    if pdf.page_no() == 1:  # a summary longer than a page keeps no frame
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.6)
        pdf.rect(MARGIN - 3, top, r.width + 6, bottom - top)
    pdf.set_y(bottom + 2)

    r.heading(sheet_.word("document", s.lang))
    if s.document:
        r.rows(s.document)
    else:
        r.para(sheet_.word("no_metadata", s.lang))

    r.heading(sheet_.word("layers", s.lang))
    if not s.layers:
        r.para(sheet_.word("no_layers", s.lang))
    for layer in s.layers:
        if pdf.will_page_break(40):
            pdf.add_page()
        r.para(layer.heading, 11, bold=True, gap=1)
        r.rows(layer.rows)
        if layer.changes:
            r.bullets(layer.changes, 8.5)
        r.para(f"{sheet_.word('conclusion', s.lang)}: {layer.conclusion}", 10, bold=True,
               colour=COLOURS.get(layer.status, GREY), gap=4)

    r.heading(sheet_.word("findings", s.lang))
    if s.findings:
        r.bullets([f"{f.severity_text}{f' ({f.where})' if f.where else ''}: {f.message}" for f in s.findings], 9.5,
                  [SEVERITY_COLOURS.get(f.severity, GREY) for f in s.findings])
        r.para(f"{sheet_.word('codes', s.lang)}: " + "; ".join(
            f"{f.code}{f' ({f.where})' if f.where else ''}" for f in s.findings), 8, colour=GREY, gap=1)
    else:
        r.para(sheet_.word("no_findings", s.lang))

    if s.marked or s.appearances or s.pictures_missing:
        r.heading(sheet_.word("pictures", s.lang))
    if s.pictures_missing:
        r.para(sheet_.word("no_pictures", s.lang))
    if s.marked:
        for n, (caption, page) in enumerate(s.marked):
            r.picture(page.png, page.width, page.height, caption, scale=pictures_.PAGE_SCALE,
                      title=None if n else sheet_.word("marked", s.lang))
            for k, region in enumerate((x for x in page.regions if x.before or x.after), start=1):
                for key, png in (("before", region.before), ("after", region.after)):
                    if png:
                        from PIL import Image

                        with Image.open(io.BytesIO(png)) as im:
                            size = im.size
                        label = f"{sheet_.word('area', s.lang, n=k)}: {sheet_.word(key, s.lang)}"
                        r.picture(png, *size, label, max_w=r.width * 0.8, scale=2.0)
    if s.appearances:
        for n, (caption, pic) in enumerate(s.appearances):
            r.picture(pic.png, pic.width, pic.height, caption, max_w=r.width * 0.7, scale=pictures_.APPEARANCE_SCALE,
                      title=None if n else sheet_.word("appearances", s.lang))

    r.heading(sheet_.word("about", s.lang))
    r.rows(s.about, 9)
    return bytes(pdf.output())
