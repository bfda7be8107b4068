"""The HTML and PDF reports as a reader gets them: the HTML opened in a real browser (Debian's
Chromium, headless, driven by Playwright), the PDF drawn and read by PDFium; written by
`kyso verify --report` and by `kyso archive report` from a real SQLite archive."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.browser import chromium
from tests.conftest import SAMPLES

HEADLINE_INVALID = "KHÔNG HỢP LỆ — đã chứng minh được sai phạm (xem các vấn đề dưới đây)."
HEADLINE_VALID = "HỢP LỆ — mọi chữ ký số đều đúng, do tổ chức được tin cậy cấp, và nội dung đã ký không bị thay đổi."
A4 = (595.28, 841.89)  # points
# every Vietnamese letter: the vowels with each of the five tone marks, and đ, both cases
VIETNAMESE = "".join(
    "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
) + "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ"


@pytest.fixture(scope="module")
def changed(sample_trust):
    """A one-layer plan whose first page got text after it was signed: INVALID, a page to mark."""
    from verifier.document import verify_pdf

    data = (SAMPLES / "annotation-added.pdf").read_bytes()
    return verify_pdf(data, sample_trust, file="annotation-added.pdf"), data


@pytest.fixture(scope="module")
def genuine(sample_trust):
    from verifier.document import verify_pdf

    data = (SAMPLES / "plan.pdf").read_bytes()
    return verify_pdf(data, sample_trust, file="plan.pdf"), data


@pytest.fixture(scope="module")
def browser(changed, genuine):
    """Chromium driven by Playwright; in CI (CI=true) it must be there, elsewhere the test skips
    saying what is missing. The reports are made before it starts: Playwright's synchronous API
    runs an event loop in this thread, inside which pyHanko's validation cannot run its own."""
    yield from chromium()


def _open(browser, path):
    """The page as a reader sees it, and every request it made (the file itself is the only one allowed)."""
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return page, [u for u in requests if u != path.as_uri()]


def _png_of(data_uri: str):
    from PIL import Image

    return Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1]))).convert("RGB")


def test_the_html_report_reads_in_a_browser_with_the_changed_page_marked(browser, changed, tmp_path):
    from verifier.report.html import render_html

    report, data = changed
    assert report.verdict == "INVALID"
    path = tmp_path / "report.html"
    path.write_bytes(render_html(report, data))
    page, requests = _open(browser, path)
    assert requests == []  # self-contained: nothing fetched
    # the summary comes first: the verdict sentence is the first thing under the title
    assert page.inner_text("#verdict") == HEADLINE_INVALID
    assert page.evaluate("document.querySelector('h1').nextElementSibling.id") == "summary"
    assert "Trịnh Văn Nam" in page.inner_text("#signers")
    marked = page.eval_on_selector_all("img.marked", "els => els.map(e => [e.complete, e.naturalWidth, e.src])")
    assert marked and all(done and width > 0 for done, width, _ in marked)
    assert "Trang 1" in page.inner_text("#marked")
    # the region changed after signing (the added note at the top right of page 1) is outlined:
    # a long straight red line, which no glyph of the page draws
    lines = _red_lines(_png_of(marked[0][2]))
    assert lines and all(x > lines[0][2] / 2 for x, _, _ in lines)
    # every picture loaded: the appearance of the signature too
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator("img.appearance").count() == 1
    # codes only in the folded details
    assert "LAYER_FAILED" not in page.inner_text("#summary")
    assert "LAYER_FAILED" in page.evaluate("document.querySelector('#codes').textContent")
    page.close()


def test_a_genuine_document_has_its_appearances_and_no_marked_page(browser, genuine, tmp_path):
    from verifier.report.html import render_html

    report, data = genuine
    path = tmp_path / "plan.html"
    path.write_bytes(render_html(report, data, "en"))
    page, requests = _open(browser, path)
    assert requests == []
    assert page.inner_text("#verdict") == (
        "VALID — every signature checks out, issued by a trusted authority, and the signed content is unchanged.")
    assert page.locator("img.marked").count() == 0
    sizes = page.eval_on_selector_all("img.appearance", "els => els.map(e => e.naturalWidth)")
    assert len(sizes) == len(report.layers) == 6 and all(w > 0 for w in sizes)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.close()


def test_no_value_from_the_document_can_reach_out_of_the_html(browser, genuine, tmp_path):
    """A value the document brought is text, never markup: an image or a script in a signer's
    name fetches and runs nothing (and the policy forbids fetching anyway)."""
    import copy

    from verifier.report.html import render_html

    report, data = genuine
    forged = copy.deepcopy(report)
    forged.layers[0].signer.common_name = '<img src="http://127.0.0.1:9/x.png"><script>document.title="pwned"</script>'
    path = tmp_path / "forged.html"
    path.write_bytes(render_html(forged, data))
    page, requests = _open(browser, path)
    assert requests == [] and page.title() != "pwned"
    assert '<img src="http://127.0.0.1:9/x.png">' in page.inner_text("#signers")
    page.close()


def _red_lines(image, run: int = 60):
    """(start x, y, image width) of every row holding `run` or more consecutive pixels of the mark's red."""
    out = []
    for y in range(image.height):
        count = 0
        for x in range(image.width):
            r, g, b = image.getpixel((x, y))
            count = count + 1 if r > 180 and g < 50 and b < 50 else 0
            if count == run:
                out.append((x - run + 1, y, image.width))
                break
    return out


def _pdf_text(content: bytes) -> tuple[list[tuple[float, float]], str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(content)
    try:
        sizes = [doc[i].get_size() for i in range(len(doc))]
        text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        image = doc[0].render(scale=0.5).to_pil().convert("L")
        assert image.getextrema()[0] < 100  # something is drawn on the first page
    finally:
        doc.close()
    return sizes, text


def test_the_pdf_report_is_a4_with_its_vietnamese_font_embedded(changed):
    from pypdf import PdfReader

    from verifier.report.pdf import render_pdf

    report, data = changed
    content = render_pdf(report, data)
    sizes, text = _pdf_text(content)
    assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in sizes)
    flat = " ".join(text.split())
    assert HEADLINE_INVALID in flat  # every diacritic survives the font
    assert "Trịnh Văn Nam" in flat and "Không tiếp nhận; báo lại cho cơ quan gửi" in flat
    assert "Thời điểm kiểm tra" in flat and "TEST RootCA chuyên dùng Chính phủ G2" in flat
    fonts = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descendant["/FontDescriptor"]
    assert fonts and all(fonts.values()), fonts
    assert any("DejaVuSans" in name for name in fonts)
    # the marked page and the appearance are in it as pictures
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(content)).pages) >= 2


def test_the_pdf_report_in_english_has_no_vietnamese_sentence(genuine):
    from verifier.report.pdf import render_pdf

    report, data = genuine
    _, text = _pdf_text(render_pdf(report, data, "en"))
    flat = " ".join(text.split())
    assert "VALID — every signature checks out" in flat and "Validation time" in flat
    assert "Văn bản" not in flat and "Thời điểm" not in flat


def test_the_shipped_font_has_every_vietnamese_letter():
    from fontTools.ttLib import TTFont

    from verifier.report.pdffont import FILES, font_path

    for style in FILES:
        cmap = TTFont(font_path(style))["cmap"].getBestCmap()
        assert not [c for c in VIETNAMESE + "“”…→–" if ord(c) not in cmap], style
    assert (font_path("").parent / "LICENSE-DejaVu.txt").is_file()


# -- the command line ----------------------------------------------------------------------


def kyso(env, *args, codes=(0,)):
    result = subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, env=env, timeout=300)
    assert result.returncode in codes, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert b"Traceback" not in result.stderr
    return result


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "KYSO_HOME": str(tmp_path / "home"), "KYSO_DATABASE_URL": f"sqlite:///{tmp_path / 'home' / 'kyso.db'}"}


def test_verify_writes_the_report_asked_for(env, tmp_path):
    trust = str(SAMPLES / "pki" / "trust.pem")
    sample = str(SAMPLES / "annotation-added.pdf")
    out = tmp_path / "r.pdf"
    result = kyso(env, "verify", sample, "--trust", trust, "--report", str(out), codes=(1,))
    assert "KẾT LUẬN CHUNG" in result.stdout.decode() or "Không hợp lệ" in result.stdout.decode()
    assert HEADLINE_INVALID in " ".join(_pdf_text(out.read_bytes())[1].split())
    # several files: a folder, one HTML report each; a file name is refused with a sentence
    two = [sample, str(SAMPLES / "plan.pdf")]
    refused = kyso(env, "verify", *two, "--trust", trust, "--report", str(tmp_path / "x.html"), codes=(2,))
    assert "thư mục" in refused.stderr.decode() and not (tmp_path / "x.html").exists()
    kyso(env, "verify", *two, "--trust", trust, "--report", str(tmp_path / "reports"), codes=(1,))
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["annotation-added.html", "plan.html"]
    assert (tmp_path / "reports" / "plan.html").read_bytes().startswith(b"<!DOCTYPE html>")
    # the file being verified is never overwritten by its report
    kyso(env, "verify", sample, "--report", sample, codes=(2,))


def test_the_archive_keeps_each_verifications_report(env, tmp_path):
    trust = str(SAMPLES / "pki" / "trust.pem")
    kyso(env, "ingest", str(SAMPLES / "annotation-added.pdf"), "--trust", trust)
    db = sqlite3.connect(tmp_path / "home" / "kyso.db")
    [(ver_id, kept)] = db.execute("SELECT id, report_html_sha256 FROM verifications").fetchall()
    db.close()
    assert kept and len(kept) == 64
    out = tmp_path / "out.html"
    kyso(env, "archive", "report", "1", "--output", str(out))
    html = out.read_bytes()
    assert hashlib.sha256(html).hexdigest() == kept  # the report kept when it was verified, as it was made
    assert HEADLINE_INVALID.encode() in html and b'class="marked"' in html
    pdf = kyso(env, "archive", "report", "1", "--format", "pdf", "--lang", "en", "-o", "-").stdout
    sizes, text = _pdf_text(pdf)
    # made again from the archived JSON report and original: English, the changed page still marked
    assert abs(sizes[0][0] - A4[0]) < 1 and "NOT VALID — a fault has been proven" in " ".join(text.split())
    assert "Page 1: the areas outlined in red changed after signature 1" in " ".join(text.split())
    missing = kyso(env, "archive", "report", "7", codes=(2,))  # issue 18: an id that names nothing is a bad argument
    assert "không có văn bản lưu trữ nào có số thứ tự 7".encode() in missing.stderr
    shutil.rmtree(tmp_path / "home" / "objects" / kept[:2])  # a lost report object is what fixity finds
    lost = kyso(env, "archive", "fixity", codes=(1,))
    assert b"HTML report of verification" in lost.stdout
