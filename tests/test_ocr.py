"""Metadata of scanned documents read by OCR (verifier/ocr): the real scans of ../shared/realdocs
(values checked by eye on the rendered pages), a scan made here from the plan sample and signed
by the test PKI, `--no-ocr`, and a machine without Tesseract's Vietnamese data."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys

import pytest

from tests import inprocess
from tests.attacks import kit
from tests.conftest import REALDOCS, ROOT, need_shared

pytestmark = pytest.mark.skipif(__import__("verifier.ocr", fromlist=["missing"]).missing() is not None,
                                reason="Tesseract's Vietnamese data or tesserocr is not installed")

# What the pages show (rendered and read by eye, /tmp crops of the header) and OCR reads right.
# The clerk wrote the number and the day by hand into the printed form (143, 19 in blue ink with
# 06 and 10, 4432 and 15): the second reading of those spots (verifier.ocr.spots) reads them.
SCANS = {
    "1009-ttg.signed.pdf": {"code_number": "1009", "code_notation": "QĐ-TTg", "issued_date": "2024-09-19",
                            "type_name": "Quyết định", "place": "Hà Nội"},
    "143-qd.signed.pdf": {"code_number": "143", "code_notation": "QĐ-UBQGNCT", "issued_date": "2025-10-08",
                          "type_name": "Quyết định", "place": "Hà Nội"},
    "19-bkhcn.pdf": {"code_number": "19", "code_notation": "2025/TT-BKHCN", "issued_date": "2025-10-06",
                     "type_name": "Thông tư", "organ_name": "Bộ Khoa học và Công nghệ"},
    "4cae3b9afe54435faf53f3c8f237776c.pdf": {"code_number": "4432", "code_notation": "BNG-LPQT",
                                             "issued_date": "2025-07-15", "type_name": "Công văn", "place": "Hà Nội"},
}


@pytest.fixture(scope="module")
def scanned(real_trust):
    from verifier.document import verify_pdf

    need_shared(REALDOCS)
    trust = copy.copy(real_trust)
    trust.ocr = True
    return {name: verify_pdf((REALDOCS / name).read_bytes(), trust, file=name) for name in SCANS}


@pytest.mark.parametrize("name", sorted(SCANS))
def test_real_scan_read_by_ocr(scanned, name):
    meta = scanned[name].metadata
    for key, expected in SCANS[name].items():
        got = meta.get(key)
        if expected is None:
            assert got is None, (key, got)
            continue
        assert got is not None and got["value"] == expected, (key, got)
        assert got["ocr"] is True and got["source"] == "page 1 OCR", got
    assert "METADATA_OCR" in {f.code for f in scanned[name].findings}
    assert "METADATA_NO_TEXT" not in {f.code for f in scanned[name].findings}


def test_ocr_leaves_the_verdict_and_is_off_by_default(scanned, real_trust):
    from verifier.document import verify_pdf

    plain = verify_pdf((REALDOCS / "143-qd.signed.pdf").read_bytes(), real_trust)
    assert not any(isinstance(v, dict) and v.get("ocr") for v in plain.metadata.values())
    assert "METADATA_NO_TEXT" in {f.code for f in plain.findings}
    assert plain.verdict == scanned["143-qd.signed.pdf"].verdict
    assert [l.status for l in plain.layers] == [l.status for l in scanned["143-qd.signed.pdf"].layers]


# --- a scan made here: the plan's first two pages as images only, signed by the agency ---------

@pytest.fixture(scope="module")
def scan_sample(tmp_path_factory) -> bytes:
    from PIL import Image

    from verifier.render.pages import render

    _, pages = render((ROOT / "samples" / "plan.pdf").read_bytes(), [0, 1], scale=200 / 72)
    images = [pages[i].image.convert("L") for i in (0, 1)]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return kit.sign(buf.getvalue(), "agency", "Signature1", box=(400, 40, 560, 90), page=1)


@pytest.fixture(scope="module")
def sample_report(scan_sample):
    from verifier.document import verify_pdf

    trust = kit.trust()
    trust.ocr = True
    return verify_pdf(scan_sample, trust)


def test_made_scan_read_by_ocr(sample_report):
    meta = sample_report.metadata
    expected = {"code_number": "45", "code_notation": "KH-SGDĐT", "issued_date": "2022-03-08", "type_name": "Kế hoạch",
                "place": "Bình Phước"}
    for key, value in expected.items():
        assert meta[key]["value"] == value and meta[key]["ocr"] is True and meta[key]["source"] == "page 1 OCR", meta[key]
    assert meta["organ_name"]["value"].casefold() == "sở giáo dục và đào tạo"
    assert sample_report.verdict == "VALID"


def _kyso(args, env=None, cwd=None, real=True):
    """`kyso ARGS` in a process of its own (Tesseract set up afresh, as a clerk's run has it), or
    without `real` in this process (tests/inprocess.py)."""
    if not real:
        return inprocess.kyso(*args, env={**os.environ, **(env or {})}, cwd=cwd)
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, cwd=cwd)


@pytest.fixture(scope="module")
def sample_file(scan_sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("scan") / "scan.pdf"
    path.write_bytes(scan_sample)
    return path


def test_cli_reads_scans_and_no_ocr_turns_it_off(sample_file, tmp_path):
    trust = ["--trust", str(ROOT / "samples" / "pki" / "trust.pem"), "--no-trust-store"]
    on = _kyso(["verify", "--json", *trust, str(sample_file)], {"KYSO_HOME": str(tmp_path)}, cwd=tmp_path)
    off = _kyso(["verify", "--json", "--no-ocr", *trust, str(sample_file)], {"KYSO_HOME": str(tmp_path)}, cwd=tmp_path)
    on_meta, off_meta = json.loads(on.stdout)["metadata"], json.loads(off.stdout)["metadata"]
    # the scanned page is what the agency signed: the number read off it is the signed document's
    assert on_meta["code_number"] == {"value": "45", "source": "page 1 OCR", "ocr": True, "revision": 1, "covered_by": [1]}
    assert not any(isinstance(v, dict) and v.get("ocr") for v in off_meta.values())
    assert "code_number" not in off_meta
    assert on.returncode == off.returncode
    assert list(tmp_path.iterdir()) == [], "OCR writes no file of its own"


def test_without_tesseract_data_one_notice_and_the_same_verdict(sample_file, tmp_path):
    trust = ["--trust", str(ROOT / "samples" / "pki" / "trust.pem"), "--no-trust-store"]
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"KYSO_HOME": str(tmp_path / "home"), "TESSDATA_PREFIX": str(empty)}
    run = _kyso(["verify", "--json", "--jobs", "2", *trust, str(sample_file), str(sample_file)], env)
    lines = [x for x in run.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "tesseract-ocr-vie" in lines[0] and "văn bản quét" in lines[0], run.stderr
    reports = [json.loads(x) for x in run.stdout.splitlines()]
    plain = _kyso(["verify", "--json", "--no-ocr", *trust, str(sample_file)], {"KYSO_HOME": str(tmp_path / "home")})
    assert [r["verdict"] for r in reports] == [json.loads(plain.stdout)["verdict"]] * 2
    assert run.returncode == plain.returncode
    assert all("code_number" not in r["metadata"] for r in reports)
    assert any(f["code"] == "METADATA_NO_TEXT" for f in reports[0]["findings"])
    english = _kyso(["verify", "--json", "--lang", "en", *trust, str(sample_file)], env)
    assert "scanned documents get no metadata" in english.stderr and "văn bản" not in english.stderr


# --- handwriting made here: digits drawn with pen strokes into the plan's number spot ----------

# polylines in a unit box (x right, y down), as a Vietnamese clerk writes: the 1 with its long
# up-stroke (which Tesseract alone reads as a 4), the 7 with its bar; "?" is a scribble
STROKES = {
    "1": [[(0.1, 0.5), (0.75, 0.0), (0.75, 1.0)]],
    "3": [[(0.1, 0.1), (0.5, 0.0), (0.85, 0.2), (0.45, 0.48), (0.9, 0.7), (0.6, 1.0), (0.1, 0.92)]],
    "7": [[(0.05, 0.03), (0.95, 0.03), (0.35, 1.0)]],
    "?": [[(0.0, 0.6), (0.3, 0.0), (0.5, 1.0), (0.7, 0.1), (1.0, 0.9), (0.2, 0.5), (0.9, 0.3)]],
}
HANDWRITTEN = {"31": (30, 60, 170), "17": (20, 20, 20), "??": (30, 60, 170)}  # blue ink, black ink, illegible


@pytest.fixture(scope="module")
def handwritten():
    """The plan's page 1 drawn at 200 dpi, its typed number 45 painted out and each of
    HANDWRITTEN written in its place by pen strokes, as an image-only PDF signed by the agency."""
    from PIL import ImageDraw

    from verifier.document import verify_pdf
    from verifier.render.pages import render

    _, pages = render((ROOT / "samples" / "plan.pdf").read_bytes(), [0], scale=200 / 72)
    base = pages[0].image.convert("RGB")
    trust = kit.trust()
    trust.ocr = True
    out = {}
    for text, colour in HANDWRITTEN.items():
        image = base.copy()
        draw = ImageDraw.Draw(image)
        draw.rectangle((298, 266, 386, 318), fill="white")  # between `Số:` and `/KH-SGDĐT`
        x, height = 303, 40
        for ch in text:
            for line in STROKES[ch]:
                draw.line([(x + px * height * 0.6, 268 + py * height) for px, py in line], fill=colour, width=4,
                          joint="curve")
            x += height * 0.8
        buf = io.BytesIO()
        image.save(buf, "PDF", resolution=200)
        out[text] = verify_pdf(kit.sign(buf.getvalue(), "agency", "Signature1", box=(400, 40, 560, 90)), trust)
    return out


@pytest.mark.parametrize("text", ["31", "17"])
def test_handwritten_number_read(handwritten, text):
    meta = handwritten[text].metadata
    assert meta["code_number"]["value"] == text and meta["code_number"]["ocr"] is True, meta.get("code_number")
    assert meta["code_notation"]["value"] == "KH-SGDĐT"
    assert meta["issued_date"]["value"] == "2022-03-08"  # typed, read twice alike: not bound to the signing year


def test_illegible_number_left_blank(handwritten):
    meta = handwritten["??"].metadata
    assert "code_number" not in meta or meta["code_number"].get("value") is None, meta.get("code_number")
    assert meta["code_notation"]["value"] == "KH-SGDĐT"


def test_hand_one_is_not_a_four():
    """Tesseract alone reads the hand's 1 as a 4 (the 4422 of 4cae…); the shape test says 1 for
    each 1 of the real scans and for no other digit there."""
    from PIL import Image, ImageDraw

    from verifier.ocr import ink

    image = Image.new("RGB", (120, 100), "white")
    draw = ImageDraw.Draw(image)
    for (x, strokes) in ((10, STROKES["1"]), (60, STROKES["7"])):
        for line in strokes:
            draw.line([(x + px * 36, 15 + py * 60) for px, py in line], fill=(0, 0, 0), width=6, joint="curve")
    found, width, _ = ink.written(image, 45)
    assert [ink.one_shaped(g, width) for g in ink.glyphs(found, 45)] == [True, False]


def test_ingest_reads_scans_and_no_ocr_turns_it_off(sample_file, tmp_path):
    """The archive's own intake reads a scan by OCR as `verify` does; --no-ocr leaves it unread."""
    trust = ["--trust", str(ROOT / "samples" / "pki" / "trust.pem"), "--no-trust-store"]
    shown = {}
    for name, extra in (("on", []), ("off", ["--no-ocr"])):
        env = {"KYSO_HOME": str(tmp_path / name), "KYSO_LANG": "en"}
        ingested = _kyso(["ingest", "--json", *extra, *trust, str(sample_file)], env, cwd=tmp_path, real=False)
        assert json.loads(ingested.stdout.splitlines()[0])["event"] == "archived", ingested.stdout + ingested.stderr
        shown[name] = json.loads(_kyso(["archive", "show", "1", "--json"], env, cwd=tmp_path, real=False).stdout)["report"]["metadata"]
    assert shown["on"]["code_number"]["value"] == "45" and shown["on"]["code_number"]["ocr"] is True
    assert "code_number" not in shown["off"]
    assert not any(isinstance(v, dict) and v.get("ocr") for v in shown["off"].values())


# -- a blank page is not given to Tesseract ------------------------------------------------------

def _tesseract_itself(image, monkeypatch) -> list:
    """What Tesseract reads without the shortcut (on a page with nothing on it, nothing)."""
    from verifier.ocr import engine

    with monkeypatch.context() as m:
        m.setattr(engine, "blank", lambda image: False)
        return engine.read(image)


@pytest.mark.parametrize("level,size,mode", [(255, (833, 833), "L"), (0, (600, 900), "L"), (128, (2480, 3508), "L"),
                                             ((255, 255, 255), (400, 300), "RGB")])
def test_a_page_of_one_grey_level_reads_nothing_as_tesseract_reads_nothing(level, size, mode, monkeypatch):
    from PIL import Image

    from verifier.ocr import engine

    image = Image.new(mode, size, level)
    assert engine.blank(image)
    assert engine.read(image) == [] == _tesseract_itself(image, monkeypatch)


def test_a_speck_on_a_blank_page_is_nothing_to_read_not_a_failure(tmp_path):
    """Tesseract takes a speck (dust on a scanned back page) for a component with no text, and
    tesserocr raises "No text returned" for it: the page has no text, and nothing is reported."""
    from PIL import Image

    from tests.pdfbytes import assemble
    from verifier.ocr import engine

    image = Image.new("L", (2480, 3508), 255)
    image.paste(0, (100, 100, 104, 104))
    assert engine.read(image) == []
    speck = b"0 0 1 1 re f"
    pdf = tmp_path / "speck.pdf"
    pdf.write_bytes(assemble([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                              b"<< /Length %d >>\nstream\n%s\nendstream" % (len(speck), speck)]))
    run = _kyso(["verify", "--json", str(pdf)], {"KYSO_HOME": str(tmp_path / "home"), "KYSO_LANG": "en"})
    assert json.loads(run.stdout)["verdict"] == "INVALID"  # no signature: proven not signed
    assert "OCR" not in run.stderr and "failed" not in run.stderr, run.stderr


def test_one_mark_on_a_blank_page_is_read():
    from PIL import Image, ImageDraw, ImageFont

    from verifier.ocr import engine

    image = Image.new("L", (900, 300), 255)
    image.putpixel((450, 150), 254)
    assert not engine.blank(image)  # one pixel a level darker: Tesseract decides
    ImageDraw.Draw(image).text((60, 100), "SO 45", fill=0, font=ImageFont.load_default(size=80))
    assert "45" in " ".join(w.text for w in engine.read(image))
