"""Where each metadata value comes from: the revision that shows it, the signatures covering it,
/Info and XMP written after the last signature, values no known signer vouches for; and the
number and the date drawn by an agency's appearance anywhere on their line (a VGCA-style
decision: "Thử Nghiệm," printed, "ngày 02 tháng 12 năm 2026" drawn by the agency's layer).

The documents are signed here with the test PKI, the way samples/build.py signs the samples."""

from __future__ import annotations

import datetime as dt
import io
import sys

import pytest

from tests.conftest import SAMPLES

sys.path.insert(0, str(SAMPLES))

import build as sample_build  # noqa: E402  (samples/build.py)
import pdfmake  # noqa: E402
import pkigen  # noqa: E402
import vnsign  # noqa: E402

from verifier.decree30.metadata import extract  # noqa: E402

DATE_PHRASE = "ngày 02 tháng 12 năm 2026"
ON = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def builder(tmp_path_factory):
    return sample_build.Builder(pkigen.load_or_create(SAMPLES / "pki"), tmp_path_factory.mktemp("fonts"), None)


def decision(*, date_printed: bool = False, number_printed: bool = False) -> pdfmake.Doc:
    """A one-page decision of a province: the number line `Số: ___/QĐ-UBND` (a blank, or printed
    `Số: 123/QĐ-UBND`) and the date line, on which the page prints only the place name and its
    comma (or the whole line): the rest is the agency's to draw (box `date`)."""
    pdf = pdfmake._Pdf()
    pdf.set_title("Quyết định thử nghiệm")
    pdf.add_page()
    size, base = 12, pdfmake.TOP + 8
    lead = size * 1.3
    pdf.centred("ỦY BAN NHÂN DÂN", pdfmake.HEAD_L, base, "", size)
    pdf.centred("TỈNH THỬ NGHIỆM", pdfmake.HEAD_L, base + lead, "B", size, underline_frac=0.35)
    pdf.centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", pdfmake.HEAD_R, base, "B", size)
    pdf.centred("Độc lập - Tự do - Hạnh phúc", pdfmake.HEAD_R, base + lead, "B", size, underline_frac=1.0)
    row = base + lead * 2 + 14
    if number_printed:
        pdf.centred("Số: 123/QĐ-UBND", pdfmake.HEAD_L, row, "", size)
    else:
        pdf.with_blank(("Số: ", "/QĐ-UBND"), 40, pdfmake.HEAD_L, row, "", size, "number")
    pdf.set_font("Serif", "I", size)
    if date_printed:
        pdf.text(300, row, "Thử Nghiệm, " + DATE_PHRASE)
    else:
        pdf.text(300, row, "Thử Nghiệm,")
        start = 300 + pdf.get_string_width("Thử Nghiệm,") + 2
        pdf.box_top("date", start, row - size * 0.95 - 1.5, 190, size * 1.25)
    y = pdfmake._title(pdf, row + 42, "QUYẾT ĐỊNH", ["Về việc thử nghiệm đọc ngày ban hành"])
    pdfmake._body(pdf, y, [("p", "Điều 1. Thử nghiệm việc đọc số và ngày của văn bản điện tử."),
                           ("p", "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")])
    pdfmake._closing(pdf, ["- Như Điều 2;", "- Lưu: VT."], ["CHỦ TỊCH"], "Trịnh Văn Nam")
    return pdfmake.Doc(bytes(pdf.output()), pdf.pages_count, pdf.boxes)


def issue(b, doc: pdfmake.Doc, *, number: str | None = "123", date: str | None = DATE_PHRASE,
          date_by: str = "agency") -> bytes:
    """The director certifies with an image; the agency draws the number (if any) and the date
    phrase (if any) after the place name, and lays its seal; another `date_by` draws the date
    phrase last, after every agency layer (what a trusted later layer signs is its own)."""
    data, n = doc.pdf, 0

    def add(who, minute, page, box, style, **kw):
        nonlocal data, n
        n += 1
        when = dt.datetime(ON.year, ON.month, ON.day, 10, minute, 0)
        data = vnsign.sign(data, b.layer(who, when, f"Signature{n}", page=page, box=box, style=style, **kw))

    sig_page, sig_box = doc.boxes["signature"]
    add("director", 1, sig_page, sig_box, b.image("DirectorSignature"), certify=True)
    if number is not None:
        add("agency", 2, *doc.boxes["number"], b.number_style(number, 12))
    if date is not None and date_by == "agency":
        add("agency", 3, *doc.boxes["date"], vnsign.text_style([date], b.font_italic, 12))
    add("agency", 4, sig_page, sample_build.seal_box(sig_box), b.image("AgencySeal"))
    if date is not None and date_by != "agency":
        add(date_by, 5, *doc.boxes["date"], vnsign.text_style([date], b.font_italic, 12), presign_check=False,
            extra_certs=(vnsign.asn1_cert(b.pki, "root-untrusted"),), crls=b.pki.chain_crls(date_by))
    return data


def verify(data: bytes, trust):
    from verifier.document import verify_pdf

    return verify_pdf(data, trust)


@pytest.fixture(scope="module")
def vgca(builder, sample_trust):
    """The date phrase drawn by the agency's layer after the printed place name; the number drawn too."""
    return verify(issue(builder, decision()), sample_trust)


@pytest.fixture(scope="module")
def number_only(builder, sample_trust):
    """Only the number drawn by the agency, into `Số: ___/QĐ-UBND`; the date printed."""
    return verify(issue(builder, decision(date_printed=True), date=None), sample_trust)


@pytest.fixture(scope="module")
def stranger(builder, sample_trust):
    """The number printed; the date phrase drawn by a later signer nobody can identify."""
    return verify(issue(builder, decision(number_printed=True), number=None, date_by="untrusted-signer"),
                  sample_trust)


def test_date_phrase_drawn_after_the_printed_place_name_is_read(vgca):
    m = vgca.metadata
    assert m["issued_date"]["value"] == "2026-12-02" and m["place"]["value"] == "Thử Nghiệm"
    assert m["issued_date"]["layers"] == [3] and m["code_number"]["value"] == "123"
    assert m["issued_date"]["covered_by"] == [3, 4] and m["issued_date"]["revision"] == 4
    assert "established" not in m["issued_date"] and "unsigned" not in m["issued_date"]
    assert vgca.layers[2].purpose == "date" and vgca.layers[1].purpose == "number"
    codes = [f.code for f in vgca.findings]
    assert "ND30_AGENCY_LAYER_STRIPPED" not in codes and not [c for c in codes if c.startswith("METADATA_")]


def test_number_drawn_alone_on_the_number_line_is_read(number_only):
    m = number_only.metadata
    assert (m["code_number"]["value"], m["code_notation"]["value"]) == ("123", "QĐ-UBND")
    assert m["code_number"]["layers"] == [2] and m["code_number"]["covered_by"] == [2, 3]
    assert m["issued_date"]["value"] == "2026-12-02" and m["issued_date"]["covered_by"] == [1, 2, 3]
    assert number_only.layers[1].purpose == "number"
    assert not [f for f in number_only.findings if f.code.startswith(("ND30_AGENCY_LAYER", "ND30_NO_", "METADATA_"))]


def test_a_date_drawn_by_an_unidentified_later_signer_is_not_established(stranger):
    from archive.db.models import Document
    from archive.ingest import apply_metadata
    from verifier.decree30.metadata import uniqueness_key

    m = stranger.metadata
    assert m["issued_date"]["value"] == "2026-12-02"  # shown as read, never as fact
    assert m["issued_date"]["covered_by"] == [3] and m["issued_date"]["established"] is False
    assert "established" not in m["code_number"]  # printed, signed by the director and the agency
    (params,) = [f.params for f in stranger.findings if f.code == "METADATA_NOT_VOUCHED"]
    assert params["fields"] == ["issued_date"] and params["layers"] == [3]
    doc = Document(issued_date=dt.date(2020, 1, 1))
    apply_metadata(doc, stranger)
    assert doc.issued_date is None and doc.code_number == "123"
    assert uniqueness_key(m) is None


def test_genuine_plan_values_name_their_revision_and_signatures(sample_trust):
    report = verify((SAMPLES / "plan.pdf").read_bytes(), sample_trust)
    m = report.metadata
    assert m["code_number"] == {"value": "45", "source": "layer 3 appearance (Signature3)", "layers": [3],
                                "revision": 4, "covered_by": [3, 4, 5, 6]}
    assert m["code_notation"]["revision"] == 1 and m["code_notation"]["covered_by"] == [1, 2, 3, 4, 5, 6]
    assert m["issued_date"]["revision"] == 5 and m["issued_date"]["covered_by"] == [4, 5, 6]
    assert m["pdf_info"]["covered_by"] == [1, 2, 3, 4, 5, 6] and "unsigned" not in m["pdf_info"]
    assert not [k for k, v in m.items() if v.get("established") is False or v.get("unsigned")]


def test_page_content_added_without_a_signature_is_unsigned(sample_trust):
    report = verify((SAMPLES / "content-changed.pdf").read_bytes(), sample_trust)
    m = report.metadata
    assert m["code_number"]["value"] == "99" and m["code_number"]["covered_by"] == []
    assert m["code_number"]["unsigned"] is True and m["code_number"]["established"] is False
    assert m["code_notation"]["covered_by"] == [1] and "established" not in m["code_notation"]
    (params,) = [f.params for f in report.findings if f.code == "METADATA_NOT_SIGNED"]
    assert params["fields"] == ["code_number", "issued_date"] and params["revision"] == 3


def _retitle(data: bytes, title: str) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(data))
    info = generic.DictionaryObject(dict(w.trailer["/Info"]))
    info["/Title"] = generic.TextStringObject(title)
    w.set_info(w.add_object(info))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_info_written_after_the_last_signature_is_labelled_and_listed(sample_trust):
    data = _retitle((SAMPLES / "plan.pdf").read_bytes(), "Quyết định số 999/QĐ-UBND")
    report = verify(data, sample_trust)
    info = report.metadata["pdf_info"]
    assert info["value"]["title"] == "Quyết định số 999/QĐ-UBND"
    assert info["unsigned"] is True and info["covered_by"] == [] and info["revision"] == 8
    assert info["signed_value"]["title"].startswith("Kế hoạch")
    (finding,) = [f for f in report.findings if f.code == "METADATA_CHANGED_AFTER_SIGNING"]
    assert finding.severity == "warning" and finding.params["source"] == "/Info"
    assert "/Title" in finding.params["keys"] and "999" in finding.params["changes"]
    # the document's own values are the signed ones, unchanged
    assert report.metadata["code_number"]["value"] == "45" and "established" not in report.metadata["code_number"]
