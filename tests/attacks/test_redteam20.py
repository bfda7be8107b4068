"""Red team, issue 20: the speed shortcuts must never miss what pyHanko's parser reads.

Issue 20 replaced full parses by hand-written readers and raw-byte prefilters: the index of who
refers to whom (verifier.patches.usages, read by verifier.patches.quickread), the structure
checks' byte searches (verifier.structure.rawscan), lazily parsed object streams
(verifier.pdf.rawpdf.ObjectStream). Each claims to read what pyHanko's parser reads or to hand the
object back to it. A reference the quick reader missed would be a use of a signed object the
difference review never asks to clear: the forgery below (a form filled in place at P=2, whose
appearance stream the page also draws) would pass. It is written with the reference in every
shape pyHanko reads as one, the referrer in the file and in object streams with odd headers.
The structure checks are attacked the same way: an active key, a repeated key, a reference to an
object defined after signing, spelled and stored as the prefilters least expect.
"""

from __future__ import annotations

import re
from io import BytesIO

import pytest

from tests.attacks import kit

FILLED = b"BT /F1 12 Tf 2 4 Td (9000000) Tj ET"


def _refused(report, *codes):
    assert report.verdict == "INVALID", kit.explain(report)
    assert set(codes) <= kit.codes(report), kit.explain(report)


# --- a form filled in place, its appearance also drawn by the page ------------------------------

def _field_and_appearance(data: bytes) -> tuple[int, int]:
    r = kit.reader(data)
    fields = r.root["/AcroForm"]["/Fields"]
    field = fields.raw_get(0).idnum
    return field, fields[0].get_object()["/AP"].raw_get("/N").idnum


def _odd_objstm(num: int, member: int, text: bytes) -> bytes:
    """An object stream holding `text` as object `member`, listed second in its header but
    written first, after a filler object; the header padded with a comment and odd whitespace
    (pyHanko and kyso's reader skip both there), /First on the member's first byte."""
    filler = b"<< /Kyso (a\\) >> 1 0 R endobj) >>"
    header = b"%d %d\r\n%%kyso\n %d 0\x0c" % (num + 1, len(text) + 1, member)
    body = text + b"\n" + filler + b"\n"
    return b"%d 0 obj\n<< /Type /ObjStm /N 2 /First %d /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        num, len(header), len(header) + len(body), header + body)


def _drawing_the_appearance(original: bytes, ref: bytes, storage: str) -> tuple[bytes, int, int]:
    """`original` (a text field 'Amount' on page 1) with an update before signing: page 1 also
    draws the field's appearance stream, as its XObject /Fx, referred to as `ref` (with %d for
    the number); the page written in the file or in an object stream."""
    from tests.attacks.test_strict import objstm, write_update

    field, ap = _field_and_appearance(original)
    page = kit.page_ref(original)
    _, size, _ = kit.trailer_info(original)
    draw = size
    text = kit.raw_dict(original, page)
    text = re.sub(rb"/Contents (\d+) 0 R", rb"/Contents [\1 0 R %d 0 R]" % draw, text)
    # a string holding what a careless reader takes for the end of the dictionary, and a reference
    text = text.replace(b"/Resources <<", b"/Kyso (x\\) >> /Fx 1 0 R\\\\) /Resources << /XObject << /Fx " + ref % ap
                        + b" >>", 1)
    drawing = kit.stream_body(b"q 1 0 0 1 72 500 cm /Fx Do Q")
    if storage == "file":
        return kit.append_update(original, [(draw, drawing), (page, text)]), field, ap
    bodies = [(draw, b"%d 0 obj\n%s\nendobj\n" % (draw, drawing))]
    stream = size + 1
    if storage == "object stream":
        bodies.append((stream, objstm(stream, [(page, text)])))
        return write_update(original, bodies, {page: (stream, 0)}), field, ap
    if storage == "object stream, hybrid update":  # listed only by the /XRefStm stream, as Word writes
        bodies.append((stream, objstm(stream, [(page, text)])))
        return write_update(original, bodies, {page: (stream, 0)}, "hybrid"), field, ap
    bodies.append((stream, _odd_objstm(stream, page, text)))
    return write_update(original, bodies, {page: (stream, 1), stream + 1: (stream, 0)}), field, ap


def _filled_in_place(signed: bytes, field: int, ap: int) -> bytes:
    """Form filling as P=2 allows it, but with the appearance stream rewritten in place."""
    text = kit.raw_dict(signed, field).replace(b"(1000000)", b"(9000000)")
    assert b"9000000" in text
    stream = b"<< /Type /XObject /Subtype /Form /BBox [0 0 110 17] /Resources << /Font << /F1 3 0 R >> >> " \
             b"/Length %d >>\nstream\n%s\nendstream" % (len(FILLED), FILLED)
    return kit.append_update(signed, [(ap, stream), (field, text)])


# each written so that pyHanko's parser reads a reference
REFERENCES = {
    "plain": b"%d 0 R",
    "leading zeros": b"000%d 00 R",
    "vertical tabs": b"%d\x0b0\x0bR",
    "line ends": b"%d\r0\r\nR",
    "form feeds": b"%d\x0c0\x0cR",
    "glued to the next key": b"%d 0 R/Kyso 1",
}


@pytest.fixture(scope="module")
def with_field() -> dict[str, bytes]:
    return {"classic": kit.base_pdf(text_field=True), "xref stream": kit.base_pdf(text_field=True, xref_stream=True)}


@pytest.mark.parametrize("spelling", sorted(REFERENCES))
@pytest.mark.parametrize("storage", ["file", "object stream", "odd object stream", "object stream, hybrid update"])
def test_an_appearance_the_page_also_draws_is_not_filled_in_place(with_field, trust, spelling, storage):
    original = with_field["xref stream" if storage in ("object stream", "odd object stream") else "classic"]
    prepared, field, ap = _drawing_the_appearance(original, REFERENCES[spelling], storage)
    signed = kit.sign(prepared, certify=2, box=kit.MARGIN_BOX)
    forged = _filled_in_place(signed, field, ap)
    report = kit.verify(forged, trust)
    _refused(report)
    layer = report.layers[0]
    assert layer.subindication == "MODIFIED_AFTER_SIGNING", kit.explain(report)
    # refused for the reason the usages index gives: the stream is used by the page too
    assert "/Resources/XObject/Fx" in layer.problem.en, kit.explain(report)


# --- quickread: a whole object that is a name or a number ---------------------------------------

def _member_document(members: list[bytes]) -> bytes:
    """An xref-stream document whose object stream holds `members` (numbers 3, 4, ...) exactly
    as written, each after a newline."""
    from tests.attacks.test_strict import objstm, write_update

    original = kit.base_pdf(xref_stream=True)
    _, size, _ = kit.trailer_info(original)
    numbers = [size + i for i in range(len(members))]
    stream = size + len(members)
    return write_update(original, [(stream, objstm(stream, list(zip(numbers, members))))],
                        {n: (stream, i) for i, n in enumerate(numbers)}), numbers, stream


# pyHanko reads on past the bytes quickread's tokens end at: a name through `#`, an 8-bit byte or
# a vertical tab; a number into a reference whose gap holds a vertical tab
WHOLE_VALUES = [b"/Kyso#41", b"/Kyso\x80x", b"/Kyso\x0bx", b"5 \x0b0 R", b"5\x0b0 R", b"12 0\x0bR", b"/Kyso", b"12"]


def test_quickread_reads_a_whole_name_or_number_as_pyhanko_or_not_at_all():
    from pyhanko.pdf_utils import generic
    from verifier.patches import quickread, usages
    from verifier.pdf.reader import KysoPdfFileReader

    data, numbers, stream = _member_document(WHOLE_VALUES)
    reader = KysoPdfFileReader(BytesIO(data), strict=False)
    read = 0
    for num, text in zip(numbers, WHOLE_VALUES):
        marker = reader.xrefs[generic.Reference(num, 0, reader)]
        try:
            quick, targets = quickread.read_member(reader, num, marker.obj_stream_id, marker.ix_in_stream)
        except quickread.Unread:
            continue
        read += 1
        slow = usages._light(reader.get_object(generic.Reference(num, 0, reader)))
        assert type(quick) is type(slow) and quick == slow, (text, quick, slow)
        assert not targets
    assert read == 2  # the plain ones


# --- structure checks: what the byte searches must find ----------------------------------------

@pytest.fixture(scope="module")
def approved(with_field) -> dict[str, bytes]:
    return {kind: kit.sign(original) for kind, original in with_field.items()}


ACTIVE = [
    b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> >>",
    b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /Launch /F (calc.exe) >> >>",
    b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A#41 << /O << /S /JavaScript /JS (x) >> >> >>",
]


@pytest.mark.parametrize("storage", ["file", "object stream", "odd object stream"])
@pytest.mark.parametrize("which", range(len(ACTIVE)))
def test_active_content_added_after_signing_is_found(approved, trust, storage, which):
    from tests.attacks.test_strict import objstm, write_update

    signed = approved["classic" if storage == "file" else "xref stream"]
    _, size, _ = kit.trailer_info(signed)
    page = kit.page_ref(signed)
    text = kit.raw_dict(signed, page).replace(b"/Annots [", b"/Annots [ %d 0 R" % size)
    assert b"%d 0 R" % size in text
    annot = ACTIVE[which]
    if storage == "file":
        forged = kit.append_update(signed, [(size, annot), (page, text)])
    elif storage == "object stream":
        stream = size + 1
        forged = write_update(signed, [(stream, objstm(stream, [(size, annot), (page, text)]))],
                              {size: (stream, 0), page: (stream, 1)})
    else:
        stream = size + 1
        forged = write_update(signed, [(page, b"%d 0 obj\n%s\nendobj\n" % (page, text)),
                                       (stream, _odd_objstm(stream, size, annot))],
                              {size: (stream, 1), stream + 1: (stream, 0)})
    _refused(kit.verify(forged, trust), "ACTIVE_CONTENT_ADDED")


@pytest.mark.parametrize("storage", ["file", "object stream", "odd object stream"])
def test_a_key_repeated_under_another_spelling_after_signing_is_found(approved, trust, storage):
    """The page names its content twice, once as /Content#73: pyHanko reads the first, a viewer
    may read the last."""
    from tests.attacks.test_strict import objstm, write_update

    signed = approved["classic" if storage == "file" else "xref stream"]
    _, size, _ = kit.trailer_info(signed)
    page = kit.page_ref(signed)
    content = kit.page_content_ref(signed)
    text = kit.raw_dict(signed, page)
    text = text[:text.rindex(b">>")] + b" /Content#73 [%d 0 R %d 0 R] >>" % (content, size)
    forged_content = b"%d 0 obj\n%s\nendobj\n" % (size, kit.stream_body(kit.FORGED_OPS))
    if storage == "file":
        forged = kit.append_update(signed, [(size, kit.stream_body(kit.FORGED_OPS)), (page, text)])
    elif storage == "object stream":
        stream = size + 1
        forged = write_update(signed, [(size, forged_content), (stream, objstm(stream, [(page, text)]))],
                              {page: (stream, 0)})
    else:
        stream = size + 1
        forged = write_update(signed, [(size, forged_content), (stream, _odd_objstm(stream, page, text))],
                              {page: (stream, 1), stream + 1: (stream, 0)})
    report = kit.verify(forged, trust)
    _refused(report, "DICT_KEY_CONFLICT")
    assert any(f.params.get("key") == "/Contents" for f in report.findings if f.code == "DICT_KEY_CONFLICT")


@pytest.mark.parametrize("spelling", [b"%d 0 R", b"000%d 0 R", b"%d\r\n0\x0cR", b"%d\x0b0 R"])
def test_a_slot_the_signer_left_empty_filled_after_signing_is_found(trust, spelling):
    """The signed page's /Annots names an object no revision defines (written in an object
    stream, the reference spelled oddly); an update after signing defines it as an annotation
    over the amount."""
    from tests.attacks.test_strict import objstm, write_update

    original = kit.base_pdf(xref_stream=True)
    _, size, _ = kit.trailer_info(original)
    page = kit.page_ref(original)
    missing = size + 500  # past /Size: the signer numbers its objects from /Size on
    text = kit.raw_dict(original, page)
    text = text[:text.rindex(b">>")] + b" /Annots [" + spelling % missing + b"] >>"
    stream = size
    prepared = write_update(original, [(stream, _odd_objstm(stream, page, text))], {page: (stream, 1), stream + 1: (stream, 0)})
    signed = kit.sign(prepared)
    annot = b"<< /Type /Annot /Subtype /Square /Rect %s /IC [1 1 1] /C [1 1 1] /F 4 >>" % kit.rect(kit.AMOUNT_BOX)
    forged = kit.append_update(signed, [(missing, annot)])
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert "REFERENCE_RESOLVED_AFTER_SIGNING" in kit.codes(report) or any(
        f.code.startswith("DANGLING") for f in report.findings), kit.explain(report)


def test_a_repeated_key_in_a_later_generation_only_the_hybrid_stream_lists(trust):
    """Object 7 is freed before signing (next generation 1); after signing a hybrid update's
    /XRefStm stream alone lists `7 1 obj`, a square whose /Rect is [0 0 0 0] for pyHanko and
    over the amount for a reader that takes the last key. The repeated-key check read the object
    at generation 0 (the classic table's default), found nothing, and said nothing."""
    from tests.attacks.test_xref import _xref_stream

    base = kit.base_pdf()
    _, size, _ = kit.trailer_info(base)
    num = size
    signed = kit.sign(kit.append_update(base, [], extra_entries={num: (0, 1, "f")}, size=num + 1))
    root, size, ids = kit.trailer_info(signed)
    out = bytearray(signed)
    at = len(out)
    out += b"%d 1 obj\n<< /Type /Annot /Subtype /Square /Rect [0 0 0 0] /Rect %s /IC [1 1 1] >>\nendobj\n" % (
        num, kit.rect(kit.AMOUNT_BOX))
    stream_at = len(out)
    out += _xref_stream(size, {num: (1, at, 1)}, size + 1, stream_at)
    table_at = len(out)
    out += kit.xref_table({})
    out += b"trailer\n<< /Size %d /Root %s /Prev %d %s /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size + 1, root, kit.last_startxref(signed), ids, stream_at, table_at)
    report = kit.verify(bytes(out), trust)
    _refused(report, "DICT_KEY_CONFLICT")
    assert any(f.params.get("key") == "/Rect" and f.params.get("object") == num
               for f in report.findings if f.code == "DICT_KEY_CONFLICT"), kit.explain(report)
