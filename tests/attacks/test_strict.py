"""Strict after the first signature (issue 14, class 3; docs/attacks.md, "Leniency carried past
the signature").

Hybrid-reference files (Word, the VGCA tools) and files whose signed original needs other
leniency are read leniently. That leniency must not reach the bytes written after the first
signature. The red team's forgery: an update appended after the signatures, holding an object
stream that lists the page object twice, the signed page first and a copy with one more content
stream second, and a cross-reference entry naming the second. PDFium (Chrome, most Vietnamese
desktop viewers) and poppler take the copy the entry names and show the forged content; pyHanko,
kyso's raw reader and MuPDF take the first copy, so the difference analysis sees the signed page
unchanged. Each test checks with PDFium that the forged content really is what a viewer shows.
"""

from __future__ import annotations

import io
import struct

import pytest

from tests.attacks import kit
from tests.conftest import REALDOCS, need_shared
from tests.genuine import lenient_kit

FORGED = "9.000.000.000"
# over the amount of the signed text: a white box, and the forged amount in its place
FORGED_OPS = b"1 1 1 rg 140 695 150 20 re f 0 g BT /FKyso 12 Tf 72 700 Td (Tong kinh phi: 9.000.000.000 dong) Tj ET"


# --- writing the forgery -----------------------------------------------------------------------

def _serialized(obj) -> bytes:
    out = io.BytesIO()
    obj.write_to_stream(out, None)
    return out.getvalue()


def _body(num: int, text: bytes) -> bytes:
    return b"%d 0 obj\n%s\nendobj\n" % (num, text)


def objstm(num: int, objects: list[tuple[int, bytes]], declared: int | None = None) -> bytes:
    """An uncompressed object stream holding `objects` (number, value text) in this order;
    `declared` writes another /N than the header holds."""
    header, body = [], b""
    for n, text in objects:
        header.append(b"%d %d" % (n, len(body)))
        body += text + b"\n"
    head = b" ".join(header) + b"\n"
    data = head + body
    count = len(objects) if declared is None else declared
    return _body(num, b"<< /Type /ObjStm /N %d /First %d /Length %d >>\nstream\n%s\nendstream" % (
        count, len(head), len(data), data))


def _xref_stream(num: int, rows: dict[int, tuple[int, int, int]], size: int, trailer: bytes) -> bytes:
    nums = sorted(rows)
    data = b"".join(struct.pack(">BIH", *rows[n]) for n in nums)
    index = b" ".join(b"%d 1" % n for n in nums)
    return _body(num, b"<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] %s /Length %d >>\nstream\n%s\nendstream" % (
        size, index, trailer, len(data), data))


def write_update(data: bytes, bodies: list[tuple[int, bytes]], compressed: dict[int, tuple[int, int]],
                 style: str = "stream") -> bytes:
    """An incremental update: `bodies` (number, whole `N 0 obj ... endobj`) and type-2 entries
    `compressed` (number -> (object stream, index)), cross-referenced by an xref stream
    (`style` "stream") or, as Word and the VGCA tools write them, by a classic table listing the
    uncompressed objects with an /XRefStm stream listing all of them ("hybrid")."""
    root, size, ids = kit.trailer_info(data)
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    rows = {}
    for num, body in bodies:
        rows[num] = (1, len(out), 0)
        out += body
    rows.update({num: (2, stream, index) for num, (stream, index) in compressed.items()})
    x_num = max([size - 1, *rows]) + 1
    x_at = len(out)
    rows[x_num] = (1, x_at, 0)
    prev = kit.last_startxref(data)
    if style == "stream":
        out += _xref_stream(x_num, rows, x_num + 1, b"/Root %s /Prev %d %s" % (root, prev, ids))
        out += b"startxref\n%d\n%%%%EOF\n" % x_at
    else:
        out += _xref_stream(x_num, rows, x_num + 1, b"")
        table_at = len(out)
        out += kit.xref_table({n: (off, 0, "n") for n, (kind, off, _) in rows.items() if kind == 1})
        out += b"trailer\n<< /Size %d /Root %s /Prev %d %s /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n" % (
            x_num + 1, root, prev, ids, x_at, table_at)
    return bytes(out)


def duplicate_object(data: bytes, num: int, forged: bytes, *, style: str = "stream", names: int = 1,
                     bodies: list[tuple[int, bytes]] = (), forged_first: bool = False) -> bytes:
    """An update whose new object stream lists object `num` twice, as the file has it and as
    `forged` (value text), the entry of `num` naming index `names`; `bodies` are written with it."""
    r = kit.reader(data)
    from pyhanko.pdf_utils import generic

    copies = [_serialized(r.get_object(generic.Reference(num, 0, r))), forged]
    if forged_first:
        copies.reverse()
    stream = max([kit.trailer_info(data)[1] - 1, *(n for n, _ in bodies)]) + 1
    return write_update(data, [*bodies, (stream, objstm(stream, [(num, text) for text in copies]))],
                        {num: (stream, names)}, style)


def duplicate_page(data: bytes, ops: bytes, *, style: str = "stream", names: int = 1, forged_first: bool = False) -> bytes:
    """The red team's forgery: an object stream listing page 1 twice, the page as signed and a
    copy whose /Contents draws `ops` after the signed content (with Helvetica as /FKyso), and the
    page's entry naming index `names`."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    r = kit.reader(data)
    _, size, _ = kit.trailer_info(data)
    page_ref = r.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    save, draw, resources, font = range(size, size + 4)
    contents = page.raw_get("/Contents")
    contents = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    forged = generic.DictionaryObject(dict(page))
    forged[pdf_name("/Contents")] = generic.ArrayObject(
        [generic.IndirectObject(save, 0, r), *contents, generic.IndirectObject(draw, 0, r)])
    forged[pdf_name("/Resources")] = generic.IndirectObject(resources, 0, r)
    res = generic.DictionaryObject(dict(page["/Resources"]))
    fonts = generic.DictionaryObject(dict(res.get("/Font", generic.DictionaryObject())))
    fonts[pdf_name("/FKyso")] = generic.IndirectObject(font, 0, r)
    res[pdf_name("/Font")] = fonts
    bodies = [
        (save, _body(save, kit.stream_body(b"q"))),
        (draw, _body(draw, kit.stream_body(b"Q " + ops))),
        (resources, _body(resources, _serialized(res))),
        (font, _body(font, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")),
    ]
    return duplicate_object(data, page_ref.idnum, _serialized(forged), style=style, names=names, bodies=bodies,
                            forged_first=forged_first)


def shown(data: bytes, page: int = 0) -> str:
    """The text PDFium extracts from a page: what Chrome and most viewers display."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(data)
    try:
        return doc[page].get_textpage().get_text_range()
    finally:
        doc.close()


def read_by_pyhanko(data: bytes):
    """Page 1's /Contents as pyHanko reads the file leniently (kyso's reading of a hybrid file)."""
    return kit.reader(data).root["/Pages"]["/Kids"][0].raw_get("/Contents")


def revisions(data: bytes) -> int:
    return kit.reader(data).xrefs.total_revisions


def _findings(report, code: str) -> list[dict]:
    return [f.params for f in report.findings if f.code == code]


def _refused(data: bytes, trust, code: str = "OBJECT_STREAM_CONFLICT") -> list[dict]:
    report = kit.verify(data, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    found = _findings(report, code)
    assert found, kit.explain(report)
    return found


def _the_page_read_two_ways(found: list[dict], page: int) -> None:
    conflict = next(p for p in found if p["object"] == page)
    assert conflict["index"] == 1 and conflict["held"] == page and conflict["listed"] == "0, 1", conflict


# --- the test documents ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def originals(base) -> dict[str, bytes]:
    """The unsigned document in each cross-reference style: classic table, xref stream, and
    hybrid (as Word saves it)."""
    return {"classic": base, "xref stream": kit.base_pdf(xref_stream=True), "hybrid": lenient_kit.hybrid_original(base)}


@pytest.fixture(scope="module")
def signed(originals) -> dict[tuple[str, str], bytes]:
    out = {}
    for kind, original in originals.items():
        out[kind, "approval"] = kit.sign(original)
        out[kind, "P=2"] = kit.sign(original, certify=2, box=kit.MARGIN_BOX)
    return out


VARIANTS = [(kind, style, mode) for kind in ("classic", "xref stream", "hybrid")
            for style in ("stream", "hybrid") for mode in ("approval", "P=2")]


@pytest.mark.parametrize(("kind", "style", "mode"), VARIANTS)
def test_page_listed_twice_after_the_last_layer(signed, trust, kind, style, mode):
    document = signed[kind, mode]
    forged = duplicate_page(document, FORGED_OPS, style=style)
    assert FORGED in shown(forged) and FORGED not in shown(document)
    assert read_by_pyhanko(forged) == read_by_pyhanko(document)  # pyHanko sees the signed page
    _the_page_read_two_ways(_refused(forged, trust), kit.page_ref(document))


def font_of(data: bytes) -> int:
    return kit.reader(data).root["/Pages"]["/Kids"][0]["/Resources"]["/Font"].raw_get("/F1").idnum


def nine_for_one(data: bytes) -> bytes:
    """The page's font as signed, with the glyph of `1` drawn as `9`: the amount reads 9.000.000."""
    font = kit.raw_dict(data, font_of(data))
    forged = font.replace(b"/Encoding /WinAnsiEncoding", b"/Encoding << /BaseEncoding /WinAnsiEncoding /Differences [49 /nine] >>")
    assert forged != font
    return forged


@pytest.mark.parametrize("kind", ["classic", "xref stream", "hybrid"])
@pytest.mark.parametrize("mode", ["approval", "P=2"])
def test_font_listed_twice_under_a_later_signature(signed, trust, kind, mode):
    """The forgery written between two layers and signed over by the agency (whose widget on page
    1 makes its signer rewrite the page, so the object read two ways is the page's font): still
    after the first signature, and refused whoever signed after it."""
    document = signed[kind, mode]
    font = font_of(document)
    forged = duplicate_object(document, font, nine_for_one(document), style="hybrid" if kind == "hybrid" else "stream")
    countersigned = kit.sign(forged, who="agency", field="Signature2")
    assert "phi: 9.000.000 dong" in shown(countersigned) and "phi: 1.000.000 dong" in shown(document)
    found = _refused(countersigned, trust)
    conflict = next(p for p in found if p["object"] == font)
    assert (conflict["index"], conflict["listed"], conflict["revision"]) == (1, "0, 1", revisions(document) + 1)


def test_the_entry_naming_the_first_of_two_copies(signed, trust):
    """Every reader takes the first copy here, but an object stream written after signing lists
    each object once."""
    document = signed["hybrid", "approval"]
    forged = duplicate_page(document, FORGED_OPS, style="hybrid", names=0)
    assert FORGED not in shown(forged)
    found = _refused(forged, trust, "OBJECT_STREAM_DUPLICATE")
    assert found[0]["object"] == kit.page_ref(document) and found[0]["listed"] == "0, 1"


def test_the_forged_copy_first_is_a_modification(signed, trust):
    """The reverse order: pyHanko reads the forged copy itself and the difference analysis
    refuses it; the duplicate is reported too."""
    document = signed["hybrid", "approval"]
    forged = duplicate_page(document, FORGED_OPS, style="hybrid", names=1, forged_first=True)
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID" and report.layers[0].subindication == "MODIFIED_AFTER_SIGNING", kit.explain(report)
    assert _findings(report, "OBJECT_STREAM_CONFLICT")


@pytest.fixture(scope="module")
def hybrid_signed(signed) -> bytes:
    return signed["hybrid", "approval"]


def _page_in_new_stream(document: bytes, objects, names: int, declared: int | None = None) -> bytes:
    _, size, _ = kit.trailer_info(document)
    return write_update(document, [(size, objstm(size, objects, declared))], {kit.page_ref(document): (size, names)},
                        "hybrid")


def test_an_index_holding_another_object(hybrid_signed, trust):
    """The entry names an index that holds another object: PDFium and poppler read nothing
    there, pyHanko the page it finds by number."""
    page = kit.page_ref(hybrid_signed)
    _, size, _ = kit.trailer_info(hybrid_signed)
    forged = _page_in_new_stream(hybrid_signed, [(page, kit.raw_dict(hybrid_signed, page)), (size + 5, b"<< /Kyso 1 >>")], 1)
    conflict = _refused(forged, trust)[0]
    assert (conflict["object"], conflict["index"], conflict["held"], conflict["listed"]) == (page, 1, size + 5, "0")


def test_an_index_past_the_end_of_the_stream(hybrid_signed, trust):
    page = kit.page_ref(hybrid_signed)
    forged = _page_in_new_stream(hybrid_signed, [(page, kit.raw_dict(hybrid_signed, page))], 3)
    conflict = _refused(forged, trust)[0]
    assert (conflict["object"], conflict["index"], conflict["held"], conflict["listed"]) == (page, 3, "—", "0")


def test_a_header_shorter_than_it_declares(hybrid_signed, trust):
    page = kit.page_ref(hybrid_signed)
    forged = _page_in_new_stream(hybrid_signed, [(page, kit.raw_dict(hybrid_signed, page))], 0, declared=2)
    malformed = _refused(forged, trust, "OBJECT_STREAM_MALFORMED")[0]
    assert "lists 1 of the 2 objects" in malformed["reason"]


def test_a_stream_inside_an_object_stream(hybrid_signed, trust):
    page = kit.page_ref(hybrid_signed)
    _, size, _ = kit.trailer_info(hybrid_signed)
    forged = _page_in_new_stream(hybrid_signed, [(page, kit.raw_dict(hybrid_signed, page)),
                                                 (size + 5, kit.stream_body(kit.FORGED_OPS))], 0)
    malformed = _refused(forged, trust, "OBJECT_STREAM_MALFORMED")[0]
    assert f"object {size + 5} (index 1) is a stream" in malformed["reason"]


def test_an_object_no_entry_names(hybrid_signed, trust):
    """A forged copy of the page in a new object stream, the page's entry left as signed: the
    normal readers do not see it, one that rebuilds the cross-reference (MuPDF's repair) does.
    (A copy written as the named body is, as pyHanko's writer does for /Info, is harmless:
    tests/attacks/test_legit.py.)"""
    page, content = kit.page_ref(hybrid_signed), kit.page_content_ref(hybrid_signed)
    _, size, _ = kit.trailer_info(hybrid_signed)
    copy = kit.raw_dict(hybrid_signed, page).replace(b"/Contents %d 0 R" % content, b"/Contents %d 0 R" % (size + 1))
    assert copy != kit.raw_dict(hybrid_signed, page)
    forged = write_update(hybrid_signed, [(size + 1, _body(size + 1, kit.stream_body(kit.FORGED_OPS))),
                                          (size, objstm(size, [(page, copy)]))], {}, "hybrid")
    found = _refused(forged, trust, "OBJECT_STREAM_UNREFERENCED")[0]
    assert (found["object"], found["stream"], found["index"]) == (page, size, 0)


# --- object streams of the signed revisions ----------------------------------------------------

@pytest.fixture(scope="module")
def page_twice_in_the_original(base) -> tuple[bytes, int, int]:
    """An original (saved as Word saves) whose object stream lists the page twice, the shown copy
    first and an unused copy drawing a shadow content stream second; the entry names the first,
    so every reader shows the same page. Signed by the director."""
    original = lenient_kit.hybrid_original(kit.base_pdf(shadow=kit.FORGED_OPS))
    page = kit.page_ref(original)
    content = kit.page_content_ref(original)
    shadow = kit.find_object(original, kit.FORGED_OPS)
    body = kit.raw_dict(original, page)
    hidden = body.replace(b"/Contents %d 0 R" % content, b"/Contents %d 0 R" % shadow)
    assert hidden != body
    _, size, _ = kit.trailer_info(original)
    original = write_update(original, [(size, objstm(size, [(page, body), (page, hidden)]))], {page: (size, 0)}, "hybrid")
    return kit.sign(original), page, size


def test_an_original_listing_an_object_twice_is_signed_as_shown(page_twice_in_the_original, trust):
    signed, _, _ = page_twice_in_the_original
    assert FORGED not in shown(signed)
    report = kit.verify(signed, trust)
    assert report.verdict == "VALID", kit.explain(report)


def test_re_pointing_into_an_object_stream_of_the_signed_original(page_twice_in_the_original, trust):
    """An update re-points the page at the unused copy, at another index of the signed stream:
    PDFium shows the shadow, pyHanko still finds the first copy by number."""
    signed, page, stream = page_twice_in_the_original
    forged = write_update(signed, [], {page: (stream, 1)})
    assert FORGED in shown(forged)
    conflict = _refused(forged, trust)[0]
    assert (conflict["object"], conflict["stream"], conflict["index"], conflict["listed"]) == (page, stream, 1, "0, 1")


def test_a_conflict_in_the_signed_original_is_reported_not_refused(base, trust):
    """The same two readings in the original: the signer signed both copies and which one their
    viewer showed cannot be told, so it is reported (a warning), as the other leniencies on the
    signed original are; the same bytes written after signing are refused (above)."""
    original = duplicate_page(lenient_kit.hybrid_original(base), FORGED_OPS, style="hybrid")
    signed = kit.sign(original)
    report = kit.verify(signed, trust)
    assert report.verdict == "VALID", kit.explain(report)
    warning = _findings(report, "OBJECT_STREAM_CONFLICT_IN_ORIGINAL")
    assert warning and warning[0]["object"] == kit.page_ref(base) and warning[0]["revision"] == 3
    assert not _findings(report, "OBJECT_STREAM_CONFLICT")


# --- cross-reference sections after a signed original that needs leniency ----------------------

@pytest.fixture(scope="module")
def lenient_signed(base) -> bytes:
    """An original whose trailer names /Info twice (19-bkhcn.pdf does): pyHanko's strict reader
    refuses it, so the whole file is read leniently. Signed by the director."""
    _, size, _ = kit.trailer_info(base)
    original = kit.append_update(base, [(size, b"<< /Title (A) >>"), (size + 1, b"<< /Title (B) >>")],
                                 trailer_extra=b"/Info %d 0 R /Info %d 0 R" % (size, size + 1))
    return kit.sign(original)


def test_page_listed_twice_after_a_lenient_original(lenient_signed, trust):
    forged = duplicate_page(lenient_signed, FORGED_OPS, style="stream")
    assert FORGED in shown(forged)
    _the_page_read_two_ways(_refused(forged, trust), kit.page_ref(lenient_signed))


def test_an_xref_line_with_an_unknown_marker_after_a_lenient_original(lenient_signed, trust):
    """A table line marked `x`: pyHanko's lenient reader skips it (the signed content stays), PDFium
    takes any line not marked `f` as in use and shows the forged body."""
    content = kit.page_content_ref(lenient_signed)
    update = kit.append_update(lenient_signed, [(content, kit.stream_body(kit.FORGED_OPS))])
    forged = lenient_signed + update[len(lenient_signed):].replace(b" 00000 n \n", b" 00000 x \n")
    assert FORGED in shown(forged)
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert "STRICT_PARSE_DEVIATION_AFTER_SIGNING" not in kit.codes(report)  # the original is not strict
    reasons = [p["reason"] for p in _findings(report, "REVISION_MALFORMED")]
    assert any("does not read strictly" in r and "Unknown marker" in r for r in reasons), kit.explain(report)


# --- the real documents ------------------------------------------------------------------------

def _real(name: str) -> bytes:
    need_shared(REALDOCS)
    path = REALDOCS / name
    if not path.exists():
        pytest.skip(f"{path} not found")
    return path.read_bytes()


def overwrite(data: bytes, old: str, new: str) -> bytes:
    """Drawing operators that cover `old` on page 1 (found by PDFium) and write `new` there."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(data)
    try:
        text = doc[0].get_textpage()
        at = text.get_text_range().index(old)
        boxes = [text.get_charbox(i) for i in range(at, at + len(old))]
    finally:
        doc.close()
    left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
    size = (top - bottom) * 1.15
    return b"1 1 1 rg %.2f %.2f %.2f %.2f re f 0 g BT /FKyso %.2f Tf %.2f %.2f Td (%s) Tj ET" % (
        left - 1, bottom - 2, right - left + 2, top - bottom + 4, size, left, bottom, new.encode())


# (file, text shown on page 1, forged text, cross-reference style of the update)
REAL = [
    ("385.signed.signed.pdf", "01/7/2024", "01/7/2029", "hybrid"),  # the move date
    ("385.signed.signed.pdf", "01/7/2024", "01/7/2029", "stream"),
    ("50-2026-ND-CP.pdf", "63/2025", "68/2025", "hybrid"),  # a law number the decree cites
    ("19-bkhcn.pdf", None, "GIA MAO", "stream"),  # a scan (no text), read leniently: its trailer repeats /Info
]


@pytest.mark.parametrize(("name", "old", "new", "style"), REAL)
def test_real_document_with_its_page_listed_twice(real_trust, name, old, new, style):
    document = _real(name)
    ops = overwrite(document, old, new) if old else b"0 g BT /FKyso 36 Tf 150 400 Td (%s) Tj ET" % new.encode()
    forged = duplicate_page(document, ops, style=style)
    assert new in shown(forged) and new not in shown(document)
    assert read_by_pyhanko(forged) == read_by_pyhanko(document)
    from verifier.document import verify_pdf

    report = verify_pdf(forged, real_trust, file=name)
    assert report.verdict == "INVALID", kit.explain(report)
    page = kit.page_ref(document)
    conflict = next(p for p in _findings(report, "OBJECT_STREAM_CONFLICT") if p["object"] == page)
    assert conflict["revision"] == report.revisions and conflict["listed"] == "0, 1" and conflict["index"] == 1
