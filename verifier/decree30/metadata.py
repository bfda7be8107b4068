"""What the document is: the Decree 30/2020 Appendix VI fields, each with where it was read.

Sources, in the order they are trusted:

- the text of page 1 (header and title) and of the page with `Nơi nhận:` (recipients and signer),
  as displayed: the page content plus the short appearances the agency's layers draw into its
  blanks (the number, the day, the month, the year; docs/decree30.md §1); every revision is read,
  and a value an earlier revision shows differently is reported;
- the longer appearance texts of the layers (an appendix's "Văn bản kèm theo: 45/KH-SGDĐT", a
  copy's "SAO Y; <agency>; <time>");
- the PDF's own information dictionary and XMP (title, author, producer, dates), reported as
  they are and never mixed into the fields above.

`extract()` never raises for a file's content: what cannot be read is left out.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from verifier.decree30 import docfields as df
from verifier.ocr.engine import OCR_SOURCE
from verifier.decree30 import provenance
from verifier.pdf.lines import Line, Segment
from verifier.pdf.pdftext import DocumentText, info_of, xmp_of
from verifier.vietnam import fold, nfc

log = logging.getLogger(__name__)

FILL_IN_MAX = 12  # an appearance drawing one line this short is read into the page (number, day)
HEADER_MAX_FRACTION = 0.45  # the header and title block lie in the top part of page 1
FOOTER_SCAN_PAGES = 40
MAX_REVISIONS = 32  # earlier revisions compared with the final one (the latest ones)

# The fields compared between revisions and sources.
COMPARED = ("type_name", "code_number", "code_notation", "issued_date", "place", "organ_name", "subject",
            "signer_position", "signer_name", "recipients")


@dataclass
class Entry:
    value: Any
    source: str
    layers: list[int] = field(default_factory=list)  # numbers (1-based) of the layers whose appearance gave it
    printed: str | None = None  # as printed, when the value was rewritten (capitals recased)
    blank: bool = False  # the place is there but empty (a draft, or before issuing)
    conflicts: list[dict] = field(default_factory=list)
    ocr: bool = False  # read by OCR from a page without a text layer (verifier.ocr)
    revision: int | None = None  # the first revision from which on the document displays the value as now
    covered_by: list[int] | None = None  # numbers of the layers whose signed revision displays it
    unsigned: bool = False  # written after the last signature: not the signed document's own
    established: bool = True  # False: no known signer vouches for it, or what a viewer shows cannot be told
    signed_value: Any = None  # /Info and XMP written after the last signature: what that signature covers
    # (page index or None, appearance fields) it was read from; provenance compares them per revision
    origin: tuple[int | None, frozenset] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "source": self.source}
        if self.ocr:
            out["ocr"] = True
        if self.layers:
            out["layers"] = self.layers
        if self.printed is not None and self.printed != self.value:
            out["printed"] = self.printed
        if self.blank:
            out["blank"] = True
        if self.conflicts:
            out["conflicts"] = self.conflicts
        if self.revision is not None:
            out["revision"] = self.revision
        if self.covered_by is not None:
            out["covered_by"] = self.covered_by
        if self.unsigned:
            out["unsigned"] = True
            if self.signed_value is not None:
                out["signed_value"] = self.signed_value
        if not self.established:
            out["established"] = False
        return out


@dataclass
class Block:
    """Lines of one column of one page, with the source of each character."""

    page: int
    texts: list[str] = field(default_factory=list)
    sources: list[tuple[str, ...]] = field(default_factory=list)
    bold: list[bool] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float] | None] = field(default_factory=list)
    # per line: None when the text painter cannot tell whether a viewer paints some of it (the
    # `painted` of a segment, verifier/pdf/; segments without it count as painted)
    paints: list[bool | None] = field(default_factory=list)

    def add(self, segments: list[Segment]) -> None:
        text, srcs, bolds, box = "", [], 0, None
        for seg in segments:
            if text:
                text += " "
                srcs.append(srcs[-1])
            text += seg.text
            srcs.extend(seg.sources)
            bolds += sum(seg.bolds) if seg.bolds else (len(seg.text) if seg.bold else 0)
            b = (seg.x0, seg.y - 0.2 * seg.size, seg.x1, seg.y + 0.8 * seg.size)
            box = b if box is None else (min(box[0], b[0]), min(box[1], b[1]), max(box[2], b[2]), max(box[3], b[3]))
        self.texts.append(text)
        self.sources.append(tuple(srcs))
        letters = len([c for c in text if not c.isspace()]) or 1
        self.bold.append(bolds * 2 > letters)
        self.boxes.append(box)
        self.paints.append(None if any(getattr(seg, "painted", True) is None for seg in segments) else True)


@dataclass
class Geometry:
    """Where things are, for the profile checks (page numbers 1-based, as in reports; PDF user space)."""

    signer_block: tuple[int, tuple[float, float, float, float]] | None = None
    header_page: int | None = None
    appendix_pages: list[int] = field(default_factory=list)
    page_boxes: dict[int, tuple[float, float, float, float]] = field(default_factory=dict)


@dataclass
class Metadata:
    fields: dict[str, Entry] = field(default_factory=dict)
    findings: list[tuple[str, dict]] = field(default_factory=list)
    geometry: Geometry = field(default_factory=Geometry)
    layer_texts: dict[str, list[str]] = field(default_factory=dict)  # field name -> appearance lines
    text_found: bool = False
    doc: DocumentText | None = None
    undecided: set[str] = field(default_factory=set)  # fields whose displayed sources disagree

    def value(self, key: str):
        entry = self.fields.get(key)
        return entry.value if entry is not None else None

    def to_dict(self) -> dict[str, Any]:
        return {key: entry.to_dict() for key, entry in self.fields.items()}


def uniqueness_key(meta: dict) -> tuple[str, str, str, int] | None:
    """(number, notation, agency, year): unique per year for one issuing agency (Decree 30,
    Art. 15), for an archive to warn on duplicates. None when a part is unknown."""
    def v(key):
        entry = meta.get(key)
        if isinstance(entry, dict) and entry.get("established") is False:
            return None  # no known signer vouches for it: it keys nothing
        return entry.get("value") if isinstance(entry, dict) else entry

    number, notation, organ, issued = v("code_number"), v("code_notation"), v("organ_name"), v("issued_date")
    if not (number and notation and organ and issued):
        return None
    return str(number).lstrip("0") or "0", df.canon(str(notation)).upper(), fold(str(organ)), int(str(issued)[:4])


# --- reading the pages ------------------------------------------------------------------------

def _fill_ins(doc: DocumentText) -> set[str]:
    """The appearances read into the page: short ones (a number, a day, drawn into a blank) and
    any drawing a number or a date phrase on the number line or the date line (docs/decree30.md
    §3), whether the place name is in the same appearance or printed on the page before it."""
    out = set()
    for w in doc.widgets():
        if not w.visible or w.has_image:
            continue
        lines = w.lines
        if len(lines) == 1 and 0 < len(lines[0].replace(" ", "")) <= FILL_IN_MAX:
            out.add(w.field)
        elif len(lines) == 1 and _on_number_or_date_line(doc, w):
            out.add(w.field)
    return out


# what an agency's appearance draws on the number line or the date line
_NUMBER_PART = re.compile(r"(?:S[ốỐ]\s*(?:[Kk][ýÝ]\s*hiệu)?\s*[:.]?\s*)?\d{1,6}[A-Za-z]?(?:\s*/\s*\S+)?")
_DATE_PART = re.compile(r"ngày\s*\d{1,2}\b.*tháng\s*\d{1,2}\b.*năm\s*\d{4}|\d{1,2}\s*tháng\s*\d{1,2}|tháng\s*\d{1,2}\s*năm\s*\d{4}",
                        re.IGNORECASE)


def _on_number_or_date_line(doc: DocumentText, w) -> bool:
    """Whether widget `w` draws one line that is (part of) the number line or the date line: a
    number or a date phrase on a page row that prints `Số`, a notation, a place name and its
    comma or a part of the date; or a whole number line or date line in the header, alone."""
    from verifier.pdf.lines import lines_of

    drawn = lines_of(w.drawn.glyphs)
    if len(drawn) != 1 or w.page is None:
        return False
    line = drawn[0]
    text = nfc(line.text).strip()
    number, dated = bool(_NUMBER_PART.fullmatch(text)), bool(_DATE_PART.search(text))
    if not (number or dated):
        return False
    page = w.page - 1
    row = [seg for pl in doc.lines(page, appearances=False)
           if abs(pl.y - line.y) <= 0.6 * max(pl.size, line.size) for seg in pl.segments]
    before = " ".join(seg.text for seg in row if seg.x1 <= line.segments[0].x0 + 1.0)
    if number and (re.search(r"S[ốỐ]\s*(?:[Kk][ýÝ]\s*hiệu)?\s*[:.]?\s*$", before)
                   or any(re.match(r"\s*/\s*\S", seg.text) for seg in row if seg.x0 >= line.segments[-1].x1 - 1.0)):
        return True
    if dated and (re.search(r"[^\W\d_]\s*,\s*$", before) or re.search(r"ngày|tháng", before, re.IGNORECASE)):
        return True
    # the whole line in the appearance, in the header of the page
    x0, y0, x1, y1 = doc.page_size(page)
    in_header = line.y >= y1 - HEADER_MAX_FRACTION * (y1 - y0)
    return in_header and bool(df.parse_number(text) or df.parse_date_line(text))


def _lines(doc: DocumentText, page: int, end: int | None, fill_ins: set[str]) -> list[Line]:
    return doc.lines(page, end, only=fill_ins)


def _split(lines: list[Line], boundary: float) -> tuple[Block, Block]:
    left, right = Block(page=-1), Block(page=-1)
    for line in lines:
        lparts, rparts = [], []
        for seg in line.segments:
            lp = seg.part(hi=boundary)
            rp = seg.part(lo=boundary)
            if lp is not None:
                lparts.append(lp)
            if rp is not None:
                rparts.append(rp)
        left.add(lparts)
        right.add(rparts)
    return left, right


def _national_boundary(lines: list[Line]) -> float | None:
    for line in lines:
        for seg in line.segments:
            m = re.search(r"C[ỘO]NG\s*H[ÒOÀ]", seg.text, re.IGNORECASE)
            if m and fold(seg.text[m.start():]).startswith("cong hoa"):
                return seg.xs[m.start()] - 2.0
    return None


def _date_boundary(lines: list[Line]) -> float | None:
    for line in lines:
        for seg in line.segments:
            m = df._DATE.search(seg.text)
            if m:
                return seg.xs[m.start("place")] - 2.0 if m.start("place") < len(seg.xs) else None
    return None


def _right_boundary(lines: list[Line], width: float, left_edge: float) -> float:
    """The leftmost start of anything that starts in the right part of the page."""
    starts = [seg.x0 for line in lines for seg in line.segments if seg.x0 - left_edge >= 0.42 * width]
    return (min(starts) - 2.0) if starts else left_edge + 0.5 * width


def _header(doc: DocumentText, page: int, end: int | None, fill_ins: set[str]):
    """(left block, right block, body block, title line index) of page `page`."""
    lines = _lines(doc, page, end, fill_ins)
    x0, y0, x1, y1 = doc.page_size(page)
    width, height = x1 - x0, y1 - y0
    limit = y1 - HEADER_MAX_FRACTION * height
    title_at = None
    for i, line in enumerate(lines):
        if line.y < limit:
            break
        if df.match_type_name(line.text):
            title_at = i
            break
    head_end = title_at
    if head_end is None:
        head_end = 0
        for i, line in enumerate(lines):
            if line.y < limit:
                break
            if df.parse_number(_first_text(line)) or df.parse_date_line(line.text):
                head_end = i + 1
    head = lines[:head_end]
    boundary = _national_boundary(head) or _date_boundary(head) or (x0 + 0.5 * width)
    left, right = _split(head, boundary)
    left.page = right.page = page
    body = Block(page=page)
    prev = None
    for line in lines[head_end:]:
        if prev is not None and prev.y - line.y > 1.75 * max(line.size, prev.size):
            body.texts.append("")
            body.sources.append(())
            body.bold.append(False)
            body.boxes.append(None)
            body.paints.append(True)
        body.add(line.segments)
        prev = line
    return left, right, body, lines


def _first_text(line: Line) -> str:
    return line.segments[0].text if line.segments else ""


def _footer(doc: DocumentText, page: int, lines: list[Line]):
    """(left, right, issue-block left, issue-block right) of the footer page, or None."""
    x0, y0, x1, y1 = doc.page_size(page)
    width = x1 - x0
    start = None
    for i, line in enumerate(lines):
        if any(fold(seg.text).startswith("noi nhan") for seg in line.segments):
            start = i
    if start is None:
        return None
    block = [lines[start]]
    for line in lines[start + 1:]:
        if line.x0 - x0 < 0.3 * width and line.x1 - x0 > 0.7 * width and len(line.segments) == 1:
            break  # a full-width line: a footnote, or the body again
        gap = block[-1].y - line.y
        if gap > 2.2 * max(line.size, block[-1].size) and line.x1 - x0 < 0.42 * width and not line.text.startswith(("-", "+")):
            break  # a footnote under the recipients, after the signer block's space
        block.append(line)
    # a title line just above `Nơi nhận` that starts in the right half belongs to the signer block
    if start > 0 and lines[start - 1].x0 - x0 >= 0.42 * width and lines[start - 1].y - lines[start].y < 2.5 * lines[start].size:
        block.insert(0, lines[start - 1])
    boundary = _right_boundary(block, width, x0)
    left, right = _split(block, boundary)
    left.page = right.page = page
    # a consolidated text (VBHN) is numbered and dated in a header-like block above `Nơi nhận`
    issue: list[Line] = []
    for line in reversed(lines[max(0, start - 6):start]):
        if line in block:
            continue
        texts = [seg.text for seg in line.segments]
        if any(df.parse_number(t) or df.parse_date_line(t) or df.is_upper(t) or df.is_decoration(t) for t in texts):
            issue.insert(0, line)
        else:
            break
    issue_left = issue_right = None
    if any(df.parse_number(s.text) for ln in issue for s in ln.segments):
        ib = _national_boundary(issue) or _date_boundary(issue) or _right_boundary(issue, width, x0)
        issue_left, issue_right = _split(issue, ib)
        issue_left.page = issue_right.page = page
    return left, right, issue_left, issue_right


# --- sources ------------------------------------------------------------------------------------

class _Sources:
    def __init__(self, layer_fields: list[str]):
        self.number = {name: n for n, name in enumerate(layer_fields, start=1)}  # layer numbers

    def describe(self, page: int, srcs: set[str], revision: str | None = None) -> tuple[str, list[int]]:
        """(source text, layer numbers) of a value read on page number `page` (1-based)."""
        parts, layers = [], []
        if "page" in srcs or not srcs:
            parts.append(f"page {page} text" + (f" ({revision})" if revision else ""))
        if OCR_SOURCE in srcs:
            parts.append(f"page {page} OCR")
        for name in sorted(s for s in srcs if s not in ("page", OCR_SOURCE)):
            number = self.number.get(name)
            if number is not None:
                layers.append(number)
                parts.append(f"layer {number} appearance ({name})")
            else:
                parts.append(f"appearance of field {name}")
        return " + ".join(parts), sorted(layers)


def _span_sources(block: Block, f: df.Field) -> set[str]:
    if f.line >= len(block.sources):
        return set()
    srcs = block.sources[f.line]
    text = block.texts[f.line]
    start, end = (f.start, f.end) if f.end > f.start else (0, len(text))
    return {s for s, c in zip(srcs[start:end], text[start:end]) if not c.isspace()}


# --- the extraction ---------------------------------------------------------------------------

def extract(data, *, layer_fields: list[str] | None = None, names: list[str] | tuple = (), reader=None,
            ocr: bool = False, vouching: set[int] | None = None) -> Metadata:
    """Metadata of the PDF `data` (bytes or a DocumentText). `layer_fields` are the signature
    field names in the report's layer order (to name layers as sources); `names` are other
    spellings of agency names (certificates) used to write capitals back in running case;
    `reader`: the pyHanko reader verification opened for these bytes, read again rather than
    opening another; `ocr`: pages without a text layer are read by OCR (_with_ocr);
    `vouching`: the numbers of the layers whose signer is known and whose
    signature is sound (None: not judged here, every signature counts), which alone establish
    a value they cover."""
    meta = Metadata()
    try:
        doc = data if isinstance(data, DocumentText) else _with_ocr(data, reader) if ocr else DocumentText(data, reader)
    except Exception as exc:
        log.debug("unreadable for metadata", exc_info=True)
        meta.findings.append(("METADATA_UNREADABLE", {"reason": f"{type(exc).__name__}: {exc}"}))
        return meta
    meta.doc = doc
    try:
        _extract(doc, meta, layer_fields, list(names), vouching)
    except Exception as exc:  # metadata is a description; it must never break verification
        log.exception("metadata extraction failed")
        meta.findings.append(("METADATA_UNREADABLE", {"reason": f"{type(exc).__name__}: {exc}"}))
    return meta


@dataclass
class _Reading:
    """What one revision shows: parsed fields and the blocks they were read from."""

    header: dict
    title: dict
    footer: dict
    blocks: dict
    page_text: list[str]
    footer_page: int | None = None
    signer_right: Block | None = None


def _read(doc: DocumentText, end: int | None, fill_ins: set[str]) -> _Reading:
    left, right, body, _ = _header(doc, 0, end, fill_ins)
    page_text = [ln.text for ln in doc.lines(0, end, appearances=False)] if doc.pages else []
    reading = _Reading(header=df.parse_header(left.texts, right.texts, left.bold),
                       title=df.parse_title(body.texts, body.bold), footer={},
                       blocks={"left": left, "right": right, "body": body}, page_text=page_text)
    pages = doc.page_count(end) if end is not None else doc.pages
    for page in range(pages - 1, max(-1, pages - 1 - FOOTER_SCAN_PAGES), -1):
        if not doc.has_text(page, end):
            continue
        if not _may_read(doc.rows(page, end, only=fill_ins), "noinhan"):
            continue  # no segment of the page can start with `Nơi nhận`
        found = _footer(doc, page, _lines(doc, page, end, fill_ins))
        if not found:
            continue
        fl, fr, il, ir = found
        reading.footer_page = page
        reading.footer = df.parse_footer(fl.texts, fr.texts)
        reading.blocks.update({"footer_left": fl, "footer_right": fr})
        reading.signer_right = fr
        if "code_notation" not in reading.header and il is not None:
            reading.header = df.parse_header(il.texts, ir.texts, il.bold)
            reading.blocks["left"], reading.blocks["right"] = il, ir
        break
    return reading


def _values(reading: _Reading, corpus: list[str]) -> dict[str, tuple[Any, df.Field | None, dict]]:
    """key -> (value, the field it was read from, extra Entry arguments)."""
    h, t, f = reading.header, reading.title, reading.footer
    out: dict[str, tuple[Any, df.Field | None, dict]] = {}
    code = h.get("type_code")
    printed_type = t.get("type_name_printed")
    if code is not None and code.value == "VBHN":
        out["type_name"] = ("Văn bản hợp nhất", code, {})
    elif printed_type is not None:
        out["type_name"] = (printed_type.value, printed_type, {})
    elif code is not None:
        out["type_name"] = (df.type_name_of_code(code.value), code, {})
    elif "code_notation" in h or "subject_vv" in h:
        out["type_name"] = (df.CONG_VAN, h.get("subject_vv") or h["code_notation"], {})
    if code is not None:
        out["type_code"] = (code.value, code, {})
    if "code_number" in h:
        out["code_number"] = (h["code_number"].value, h["code_number"], {"blank": h["code_number"].value is None})
    if "code_notation" in h:
        out["code_notation"] = (h["code_notation"].value, h["code_notation"], {})
    issued = h.get("issued_date")
    if issued is not None:
        out["issued_date"] = (issued.value.isoformat() if issued.value else None, issued, {"blank": issued.value is None})
        if issued.value is None and "issued_year" in h:
            out["issued_year"] = (h["issued_year"].value, h["issued_year"], {})
    if "place" in h:
        out["place"] = (h["place"].value, h["place"], {})
    for key, printed_key in (("organ_name", "organ_name_printed"), ("parent_organ_name", "parent_organ_printed")):
        if printed_key in h:
            printed = h[printed_key].value
            out[key] = (running_case(printed, corpus), h[printed_key], {"printed": printed})
    if "subject_vv" in h:
        out["subject"] = (h["subject_vv"].value, h["subject_vv"], {})
    elif "subject" in t:
        out["subject"] = (t["subject"].value, t["subject"], {})
    if "addressees" in t:
        out["addressees"] = (t["addressees"].value, t["addressees"], {})
    for key in ("signer_position", "signer_authority", "signer_name", "recipients", "filing"):
        if key in f:
            out[key] = (f[key].value, f[key], {})
    urgency = h.get("urgency") or t.get("urgency")
    secrecy = h.get("secrecy") or t.get("secrecy")
    if urgency or secrecy:
        out["priority"] = (df.priority_text(urgency.value if urgency else None, secrecy.value if secrecy else None),
                           urgency or secrecy, {})
        if urgency:
            out["urgency"] = (urgency.value, urgency, {})
        if secrecy:
            out["secrecy"] = (secrecy.value, secrecy, {})
    if "draft" in h:
        out["draft"] = (True, h["draft"], {})
    return out


def _extract(doc: DocumentText, meta: Metadata, layer_fields, names, vouching=None) -> None:
    widgets = doc.widgets()
    layer_fields = layer_fields if layer_fields is not None else [w.field for w in widgets]
    src = _Sources(layer_fields)
    fill_ins = _fill_ins(doc)
    for w in widgets:
        meta.layer_texts[w.field] = w.lines
    meta.fields["page_amount"] = Entry(doc.pages, "file")
    for p in range(doc.pages):
        meta.geometry.page_boxes[p + 1] = doc.page_size(p)
    meta.geometry.header_page = 1

    reading = _read(doc, None, fill_ins)
    page_text = reading.page_text
    meta.text_found = bool(page_text)
    corpus = names + [" ".join(page_text)] + [" ".join(lines) for lines in meta.layer_texts.values()]
    if reading.signer_right is not None:
        _signer_block(meta, reading.signer_right, reading.footer, reading.footer_page)
    for key, (value, f, extra) in _values(reading, corpus).items():
        block = reading.blocks.get(f.block) if f is not None else None
        srcs = _span_sources(block, f) if block is not None else set()
        source, layers = src.describe(block.page + 1 if block is not None else 1, srcs)
        if OCR_SOURCE in srcs and extra.get("blank"):
            continue  # OCR cannot tell a blank from a handwritten number or day it could not read
        entry = meta.fields[key] = Entry(value, source, layers, ocr=OCR_SOURCE in srcs, **extra)
        # the appearances that drew it (page text and what OCR read off the page are the page's own)
        entry.origin = (block.page if block is not None else 0, frozenset(s for s in srcs if s not in ("page", OCR_SOURCE)))
        if block is not None and f is not None and f.line < len(block.paints) and block.paints[f.line] is None:
            meta.undecided.add(key)  # read from text a viewer may or may not show
    if page_text and any(re.search(r"[ăâđêôơưĂÂĐÊÔƠƯà-ỹ]", t) for t in page_text[:40]):
        ocr_read = 1 in _ocr_pages(doc)
        meta.fields["language"] = Entry("vi", "page 1 OCR" if ocr_read else "page 1 text", ocr=ocr_read)
    _attachments(meta, src, page_text, reading.footer_page)
    _layer_facts(meta, src, widgets)
    revs = provenance.revisions(doc, layer_fields)
    readings = _Readings(doc, fill_ins, corpus)
    _pdf_own(meta, doc, revs)
    _revisions(meta, doc, src, readings, sorted({0, reading.footer_page or 0}))
    _provenance(meta, doc, revs, readings, vouching)
    if not meta.text_found:
        meta.findings.append(("METADATA_NO_TEXT", {"pages": doc.pages}))
    if _ocr_pages(doc):
        meta.findings.append(("METADATA_OCR", {"pages": ", ".join(map(str, _ocr_pages(doc)))}))
    for key, entry in meta.fields.items():
        for other in entry.conflicts:
            meta.findings.append(("METADATA_CONFLICT", {"field": key, "value": _show(entry.value), "source": entry.source,
                                                       "other_value": _show(other["value"]), "other_source": other["source"]}))


# --- OCR (issue 16): the one hook; verifier.ocr does the reading ------------------------------

def _with_ocr(data: bytes, reader) -> DocumentText:
    """The document whose pages without a text layer give OCR glyphs (source OCR_SOURCE) to the
    same line builder and parsers; a plain DocumentText when OCR cannot run here."""
    from verifier.ocr.text import OcrText, usable

    return OcrText(data, reader) if usable() else DocumentText(data, reader)


def _ocr_pages(doc: DocumentText) -> list[int]:
    """Numbers (from 1) of the pages whose text OCR read."""
    return getattr(doc, "ocr_pages", [])


def _show(value) -> str:
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def running_case(printed: str, corpus: list[str]) -> str:
    """A name printed in capitals, spelled as the document or a certificate writes it in
    running text when it does (`SỞ GIÁO DỤC VÀ ĐÀO TẠO` → `Sở Giáo dục và Đào tạo`), else
    recased by rule."""
    if not df.is_upper(printed):
        return printed
    target = df.canon(printed).lower()
    n = len(target)
    for text in corpus:
        hay = df.canon(text)
        low = hay.lower()
        at = low.find(target)
        while at >= 0:
            candidate = hay[at:at + n]
            before = low[at - 1] if at > 0 else " "
            after = low[at + n] if at + n < len(low) else " "
            if not before.isalnum() and not after.isalnum() and not df.is_upper(candidate):
                return candidate
            at = low.find(target, at + 1)
    return df.recase(printed)


def _signer_block(meta: Metadata, right: Block, fields: dict, page: int) -> None:
    boxes = [b for b in right.boxes if b is not None]
    if not boxes:
        return
    meta.geometry.signer_block = (page + 1, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                         max(b[2] for b in boxes), max(b[3] for b in boxes)))


_ATTACHED = re.compile(
    r"(?:kèm\s+theo|văn\s+bản\s+kèm\s+theo)\s*:?\s*(?P<type>[^\d/()]*?)\s*(?:số\s*)?(?P<num>\d+)?\s*/\s*(?P<notation>[0-9]{4}/[^\s,;()]+|[^\s,;()]+)"
    r"(?:\s*ngày\s*(?P<d>\d{1,2})?\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4}))?",
    re.IGNORECASE,
)


def attached_reference(text: str) -> dict | None:
    """`(Kèm theo Kế hoạch số 45/KH-SGDĐT ngày 08/3/2022 …)` or `Văn bản kèm theo: 45/KH-SGDĐT`."""
    m = _ATTACHED.search(nfc(text))
    if not m:
        return None
    notation = m.group("notation").rstrip(".")
    return {"number": m.group("num"), "notation": notation, "type": (m.group("type") or "").strip() or None,
            "date": f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}" if m.group("d") and m.group("y") else None}


def _attachments(meta: Metadata, src: _Sources, page_text: list[str], footer_page: int | None) -> None:
    """References to the main document in an appendix (page text or an agency's appearance),
    compared with the header when both exist."""
    refs = []
    doc = meta.doc
    if doc.pages <= 4:
        pages = list(range(doc.pages))
    elif footer_page is not None:  # appendices follow the signature block
        pages = [0] + list(range(footer_page + 1, min(doc.pages, footer_page + 4)))
    else:
        pages = [0, 1, doc.pages - 2, doc.pages - 1]
    for page in pages:
        if page and not _may_refer(doc.rows(page, appearances=False)):
            continue
        lines = [ln.text for ln in doc.lines(page, appearances=False)] if page else page_text
        joined = " ".join(lines[:30])
        if any(fold(x).startswith("phu luc") for x in lines[:12]) and page + 1 not in meta.geometry.appendix_pages:
            meta.geometry.appendix_pages.append(page + 1)
        ref = attached_reference(joined)
        if ref:
            refs.append((ref, f"page {page + 1} text", [], (page, frozenset())))
    for name, lines in meta.layer_texts.items():
        ref = attached_reference(" ".join(lines))
        if ref:
            source, layers = src.describe(1, {name})
            refs.append((ref, source, layers, (None, frozenset({name}))))
    for ref, source, layers, origin in refs:
        if not ref["number"] and not ref["notation"]:
            continue
        value = f"{ref['number']}/{ref['notation']}" if ref["number"] else f"/{ref['notation']}"
        own = "code_notation" in meta.fields  # the main document's own appendix pages refer to itself
        if not own and ("attached_to" not in meta.fields or (not meta.fields["attached_to"].value.split("/")[0] and ref["number"])):
            meta.fields["attached_to"] = Entry(value, source, layers, origin=origin)
        number, notation = meta.value("code_number"), meta.value("code_notation")
        if notation and ref["notation"] and not df.same_text(df.canon(notation).replace(" ", ""), df.canon(ref["notation"])):
            meta.fields["code_notation"].conflicts.append({"value": ref["notation"], "source": source})
            meta.undecided.add("code_notation")
        if number and ref["number"] and str(number).lstrip("0") != str(ref["number"]).lstrip("0"):
            meta.fields["code_number"].conflicts.append({"value": ref["number"], "source": source})
            meta.undecided.add("code_number")


def _may_refer(rows: list[str] | None) -> bool:
    """Whether a page with these rows (DocumentText.rows) can name an appendix (`Phụ lục` in
    its first 12 lines) or the document it is attached to (attached_reference on its first
    30 lines, which needs `kèm`: an è, whose decomposition has a combining grave)."""
    if rows is None:
        return True
    return _may_read(rows[:12], "phuluc") or any("\u0300" in unicodedata.normalize("NFD", c) for c in set("".join(rows[:30])))


class _FoldedLetter(dict):
    """str.translate table: a character -> df.fold of it with spaces left out."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = "".join(fold(chr(code)).split())
        return folded


_FOLDED = _FoldedLetter()
_REPEATS = re.compile(r"(.)\1+", re.S)


def _may_read(rows: list[str] | None, letters: str) -> bool:
    """Whether a line of a page with these rows (DocumentText.rows) can fold (df.fold) to text
    starting with `letters`, spaces left out. df.fold works character by character (NFD and
    case folding decompose each character alone; đ is one letter), so such a line needs a row
    whose characters, folded one by one, hold the letters in order, once repeats are merged:
    the repeats of a glyph drawn twice that lines_of keeps once. A character folding to more
    than one letter could hide a repeat: then no telling, and None rows neither."""
    if rows is None:
        return True
    for row in rows:
        if any(len(_FOLDED[ord(c)]) > 1 for c in set(row)):
            return True
        if letters in _REPEATS.sub(r"\1", row.translate(_FOLDED)):
            return True
    return False


_COPY = re.compile(r"\b(SAO\s+Y|SAO\s+LỤC|TRÍCH\s+SAO)\b", re.IGNORECASE)


def _layer_facts(meta: Metadata, src: _Sources, widgets) -> None:
    for w in widgets:
        text = " ".join(meta.layer_texts.get(w.field, []))
        m = _COPY.search(text)
        if m and "copy_type" not in meta.fields:
            source, layers = src.describe(w.page or 1, {w.field})
            meta.fields["copy_type"] = Entry(" ".join(m.group(1).split()).capitalize(), source, layers,
                                             origin=(None, frozenset({w.field})))
            rest = [p.strip() for p in re.split(r"[;\n]", text[m.end():]) if p.strip()]
            organ = next((p for p in rest if not re.search(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", p)), None)
            if organ:
                meta.fields["copy_organ_name"] = Entry(organ.strip(" :,"), source, layers,
                                                       origin=(None, frozenset({w.field})))


def _xmp_fields(data: bytes) -> dict[str, str]:
    text = data.decode("utf-8", "replace")
    out = {}
    for key, pattern in (
        ("title", r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>"),
        ("creator_tool", r"<xmp:CreatorTool>(.*?)</xmp:CreatorTool>|xmp:CreatorTool=\"([^\"]*)\""),
        ("producer", r"<pdf:Producer>(.*?)</pdf:Producer>|pdf:Producer=\"([^\"]*)\""),
        ("created", r"<xmp:CreateDate>(.*?)</xmp:CreateDate>|xmp:CreateDate=\"([^\"]*)\""),
        ("modified", r"<xmp:ModifyDate>(.*?)</xmp:ModifyDate>|xmp:ModifyDate=\"([^\"]*)\""),
    ):
        m = re.search(pattern, text, re.S)
        if m:
            value = next((g for g in m.groups() if g), "")
            value = nfc(value.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").strip())
            if value:
                out[key] = value
    return out


def _pdf_own(meta: Metadata, doc: DocumentText, revs: provenance.Revisions) -> None:
    """/Info and XMP as the file has them, each with the revisions that show it as now; what an
    update after the last signature wrote there is labelled and the change listed."""
    info = doc.info()
    xmp = doc.xmp()
    xmp_fields = _xmp_fields(xmp) if xmp else {}
    for key, final, source, at in (
            ("pdf_info", info, "PDF information dictionary", info_of),
            ("xmp", xmp_fields, "XMP metadata stream", lambda view: _xmp_fields(xmp_of(view) or b"")),
    ):
        seen: dict[int, dict] = {}

        def shown(number: int, at=at) -> dict | None:
            if number not in seen:
                view = doc.reader_at(revs.ends[number])
                seen[number] = at(view) if view is not None else None
            return seen[number]

        covered = sorted(n for n, r in revs.layer_revision.items() if shown(r) == final)
        first = revs.last
        for number in sorted(revs.ends, reverse=True):
            if shown(number) != final:
                break
            first = number
        entry = Entry(final, source, revision=first, covered_by=covered) if final else None
        if entry is not None:
            meta.fields[key] = entry
        last = revs.last_signed
        if last is None or last == revs.last:
            continue
        signed = shown(last) or {}
        changed = provenance.changes(signed, final)
        if not changed:
            continue
        if entry is not None:
            entry.unsigned, entry.signed_value = True, signed
        names = [_PDF_NAMES.get(k, k) for k, _, _ in changed]
        describing = any(k in provenance.DESCRIBING for k, _, _ in changed)
        meta.findings.append(("METADATA_CHANGED_AFTER_SIGNING" if describing else "METADATA_UPDATED_AFTER_SIGNING", {
            "source": "/Info" if key == "pdf_info" else "XMP", "revision": first if final else revs.last,
            "keys": ", ".join(names),
            "changes": provenance.readable([(_PDF_NAMES.get(k, k), a, b) for k, a, b in changed])}))


# the keys of /Info and XMP as the PDF names them (codes, the same in every language)
_PDF_NAMES = {"title": "/Title", "author": "/Author", "subject": "/Subject", "keywords": "/Keywords",
              "creator": "/Creator", "producer": "/Producer", "creationdate": "/CreationDate",
              "moddate": "/ModDate"}


class _Readings:
    """The fields each earlier revision displays, read once per revision."""

    def __init__(self, doc: DocumentText, fill_ins: set[str], corpus: list[str]):
        self.doc, self.fill_ins, self.corpus = doc, fill_ins, corpus
        self._done: dict[int, dict | None] = {}

    def at(self, end: int) -> dict | None:
        """key -> (value, field, blocks) as the revision ending at `end` displays it; None when
        that revision cannot be read."""
        if end not in self._done:
            try:
                reading = _read(self.doc, end, self.fill_ins)
                self._done[end] = {k: (v, f, reading.blocks) for k, (v, f, _) in _values(reading, self.corpus).items()}
            except Exception:
                log.debug("revision ending at %d unreadable", end, exc_info=True)
                self._done[end] = None
        return self._done[end]


def _revisions(meta: Metadata, doc: DocumentText, src: _Sources, readings: _Readings, final_pages: list[int]) -> None:
    """Read every earlier revision the same way; a value that differs from the final one (not a
    blank filled in later) is a disagreement the report names."""
    ends = doc.revision_ends()[:-1][-MAX_REVISIONS:]
    by_end = {w.signed_end: w.field for w in doc.widgets() if w.signed_end}
    final_keys = doc.content_keys(final_pages)
    for end in ends:
        if doc.content_keys(final_pages, end) == final_keys:
            continue  # the same page text; only fewer appearances, which cannot disagree
        values = readings.at(end)
        if values is None:
            continue
        name = by_end.get(end)
        number = src.number.get(name) if name else None
        label = (f"revision signed by layer {number} ({name})" if number is not None
                 else f"revision ending at byte {end}")
        for key, (value, f, blocks) in values.items():
            entry = meta.fields.get(key)
            if key not in COMPARED or value is None or entry is None or entry.value is None:
                continue
            if _differs(value, entry.value) and all(c["value"] != value for c in entry.conflicts):
                block = blocks.get(f.block) if f is not None else None
                where = f"page {block.page + 1} text" if block is not None else "text"
                entry.conflicts.append({"value": value, "source": f"{where} of the {label}"})


def _provenance(meta: Metadata, doc: DocumentText, revs: provenance.Revisions, readings: _Readings,
                vouching: set[int] | None) -> None:
    """Each value's revision and the layers covering it; a value no signature covers, or none
    that a known signer made, is not established (docs/decree30.md §3)."""
    final_keys: dict[int, tuple] = {}
    numbers = sorted(revs.ends, reverse=True)[:MAX_REVISIONS + 1]

    def shows(key: str, entry: Entry, number: int) -> bool:
        page, drawn_by = entry.origin
        if any(revs.appearance_revision.get(name, revs.last + 1) > number for name in drawn_by):
            return False  # an appearance drawing it is not there yet, or was rewritten since
        if page is None or number == revs.last:
            return True
        end = revs.ends[number]
        if page not in final_keys:
            final_keys[page] = doc.content_keys([page])
        if doc.content_keys([page], end) == final_keys[page]:
            return True
        values = readings.at(end)
        if values is None or key not in values:
            return False
        return not _differs_or_blank(values[key][0], entry.value)

    unsigned, unvouched, undecided, latest = [], [], [], 0
    for key, entry in meta.fields.items():
        if entry.origin is None:
            continue
        verdicts = {n: shows(key, entry, n) for n in numbers}
        entry.revision = revs.last
        for n in numbers:
            if not verdicts[n]:
                break
            entry.revision = n
        entry.covered_by = sorted(layer for layer, n in revs.layer_revision.items()
                                  if verdicts.get(n, False) or (n not in verdicts and shows(key, entry, n)))
        if not revs.layer_revision or entry.value is None:
            continue  # an unsigned file has nothing signed to tell apart; a blank establishes nothing
        if not entry.covered_by:
            entry.unsigned = True
            entry.established = False
            unsigned.append(key)
            latest = max(latest, entry.revision)
        elif vouching is not None and not set(entry.covered_by) & vouching:
            entry.established = False
            unvouched.append((key, entry.covered_by))
        if key in meta.undecided and entry.established:
            entry.established = False
            undecided.append(key)
    if unsigned:
        meta.findings.append(("METADATA_NOT_SIGNED", {**_labels(unsigned), "revision": latest}))
    if unvouched:
        layers = sorted({n for _, covered in unvouched for n in covered})
        meta.findings.append(("METADATA_NOT_VOUCHED", {**_labels([k for k, _ in unvouched]), "layers": layers}))
    if undecided:
        meta.findings.append(("METADATA_NOT_ESTABLISHED", _labels(undecided)))


# How findings name a field to a reader (the names of the government tools' register forms).
FIELD_LABELS = {
    "type_name": ("loại văn bản", "document type"), "type_code": ("mã loại văn bản", "type code"),
    "code_number": ("số văn bản", "document number"), "code_notation": ("ký hiệu", "notation"),
    "issued_date": ("ngày ban hành", "issue date"), "issued_year": ("năm ban hành", "issue year"),
    "place": ("địa danh", "place"), "organ_name": ("cơ quan ban hành", "issuing agency"),
    "parent_organ_name": ("cơ quan chủ quản", "parent body"), "subject": ("trích yếu", "subject"),
    "addressees": ("nơi gửi đến", "addressees"), "signer_authority": ("thẩm quyền ký", "signing authority"),
    "signer_position": ("chức vụ người ký", "signer's position"), "signer_name": ("người ký", "signer"),
    "recipients": ("nơi nhận", "recipients"), "filing": ("nơi lưu", "filing"),
    "priority": ("độ khẩn, độ mật", "urgency, secrecy"), "urgency": ("độ khẩn", "urgency"),
    "secrecy": ("độ mật", "secrecy"), "draft": ("dự thảo", "draft"), "attached_to": ("kèm theo văn bản", "attached to"),
    "copy_type": ("hình thức sao", "copy"), "copy_organ_name": ("cơ quan sao", "copying agency"),
}


def _labels(keys: list[str]) -> dict[str, Any]:
    return {"fields": keys,
            "fields_vi": ", ".join(FIELD_LABELS.get(k, (k, k))[0] for k in keys),
            "fields_en": ", ".join(FIELD_LABELS.get(k, (k, k))[1] for k in keys)}


def _differs_or_blank(a, b) -> bool:
    if a is None or b is None:
        return a is not b
    return _differs(a, b)


def _differs(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        a = a if isinstance(a, list) else [a]
        b = b if isinstance(b, list) else [b]
        return len(a) != len(b) or any(not df.same_text(str(x), str(y)) for x, y in zip(a, b))
    return not df.same_text(str(a), str(b))
