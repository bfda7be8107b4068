"""Content keys made with kept subtrees (pdftext._Subtrees) are the keys a full read of every
object makes, byte for byte, on every page of every revision: of the samples, the real
documents, and crafted updates that rewrite, free or add one object deep in what pages share."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REALDOCS, SAMPLES
from tests.pdfbytes import assemble
from verifier.pdf.pdftext import DocumentText


def _full_key(doc: DocumentText, index: int, end: int) -> str | None:
    """The key of a page as made before kept subtrees: every object read."""
    leaves = doc._pages_of(end)
    if leaves is None or not 0 <= index < len(leaves):
        return None
    return DocumentText._content_key(leaves[index], doc._objects(end)) + doc._painting_key(end)


def _ends(doc: DocumentText) -> list[int]:
    """Every place a revision of the file ends (each cross-reference section), and the
    revisions the signatures sign."""
    xrefs = doc.reader.xrefs
    ends = {xrefs.get_xref_container_info(i).end_location for i in range(xrefs.total_revisions)}
    ends |= set(doc.revision_ends())
    return sorted(e for e in ends if isinstance(e, int) and 0 < e <= len(doc.data))


def _compare(data: bytes, *, newest_first: bool) -> tuple[int, int]:
    """(pages compared, subtrees replayed) over every revision of one document, its revisions
    asked newest first or oldest first (what is kept depends on the order)."""
    doc = DocumentText(data, painted=False)
    compared = 0
    ends = _ends(doc)
    for end in (reversed(ends) if newest_first else ends):
        if doc.reader_at(end) is None:
            continue
        pages = list(range(doc.page_count(end)))
        assert list(doc.content_keys(pages, end)) == [_full_key(doc, i, end) for i in pages]
        compared += len(pages)
    return compared, (doc._subtrees.replayed if doc._subtrees is not None else 0)


def _documents():
    paths = sorted(SAMPLES.glob("*.pdf")) + (sorted(REALDOCS.glob("*.pdf")) if REALDOCS.exists() else [])
    return [p for p in paths if p.stat().st_size < 8_000_000]


@pytest.mark.parametrize("newest_first", [True, False])
def test_kept_subtrees_give_the_keys_of_a_full_read_on_every_document(newest_first):
    compared = replayed = 0
    for path in _documents():
        try:
            doc_pages, doc_replayed = _compare(path.read_bytes(), newest_first=newest_first)
        except AssertionError:
            raise AssertionError(f"{path.name}: a key differs from the full read's")
        except Exception:  # a sample no reader opens (damaged on purpose)
            continue
        compared += doc_pages
        replayed += doc_replayed
    assert compared > 200 and replayed > 100  # the memo was used, and agreed


# --- crafted updates ------------------------------------------------------------------------

_CONTENT = b"BT /F1 12 Tf 100 700 Td (Hello) Tj /F2 12 Tf (Again) Tj ET /X1 Do"
_FORM = b"BT /F1 10 Tf 10 10 Td (Form) Tj ET"
_CMAP = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <00> <FF>"
         b" endcodespacerange 1 beginbfchar <48> <%s> endbfchar endcmap end end")


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


def _base(extra: bool = False) -> bytes:
    """Two pages sharing font 5 (under two names, the second met as `R5`), its ToUnicode (7)
    and descriptor (8), and form 9 whose own resources name font 5 again; page 2's resources
    are an indirect dictionary (10); font 5's /Widths is object 11. With `extra`, the form
    names object 12, which only the update defines (until then a reference to nothing, null)."""
    resources = b"<< /Font << /F1 5 0 R /F2 5 0 R >> /XObject << /X1 9 0 R >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 6 0 R >>" % resources,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 10 0 R /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 72 /LastChar 72 /Widths 11 0 R"
        b" /ToUnicode 7 0 R /FontDescriptor 8 0 R >>",
        _stream(_CONTENT),
        _stream(_CMAP % b"0048"),
        b"<< /Type /FontDescriptor /FontName /Arial /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0"
        b" /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
        _stream(_FORM, b"/Type /XObject /Subtype /Form /BBox [0 0 100 100] %s/Resources << /Font << /F1 5 0 R >> >> " % (b"/Extra 12 0 R " if extra else b"")),
        resources,
        b"[600]",
    ]
    return assemble(objects)


def _update(data: bytes, objects: dict[int, bytes | None]) -> bytes:
    """`data` with an incremental update writing `objects` (None: freed)."""
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = max(int(re.findall(rb"/Size (\d+)", data)[-1]), max(objects) + 1)
    out = bytearray(data)
    offsets = {}
    for number, body in sorted(objects.items()):
        if body is not None:
            offsets[number] = len(out)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n"
    for number in sorted(objects):
        if number in offsets:
            out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
        else:
            out += b"%d 1\n0000000000 00001 f \n" % number
    out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, prev, xref)
    return bytes(out)


_CASES = {
    "nothing shared": ({13: b"<< /Unrelated true >>"}, (True, True)),
    "ToUnicode rewritten": ({7: _stream(_CMAP % b"0049")}, (False, False)),
    "descriptor rewritten": ({8: b"<< /Type /FontDescriptor /FontName /Arial /Flags 4 >>"}, (False, False)),
    "form rewritten": ({9: _stream(b"BT /F1 10 Tf (Forged) Tj ET", b"/Subtype /Form /BBox [0 0 9 9] ")}, (False, False)),
    "widths rewritten": ({11: b"[500]"}, (False, False)),
    "object added": ({12: b"<< /Now true >>"}, (False, False)),
    "ToUnicode freed": ({7: None}, (False, False)),
    "page 2 resources": ({10: b"<< /Font << /F1 5 0 R >> >>"}, (True, False)),
    "same bytes rewritten": ({7: _stream(_CMAP % b"0048")}, (True, True)),
}


@pytest.mark.parametrize("case", sorted(_CASES))
@pytest.mark.parametrize("newest_first", [True, False])
def test_an_update_deep_in_shared_resources_changes_the_keys_it_must(case, newest_first):
    """Each update changes (or not) one object the pages' resources meet: the kept keys are the
    full read's, so a page whose font, form or resources an update rewrote, freed or defined
    never keeps its signed revision's key (which would take the update's text as signed)."""
    objects, same = _CASES[case]
    signed = _base(extra=case == "object added")
    data = _update(signed, objects)
    compared, replayed = _compare(data, newest_first=newest_first)
    assert compared >= 4 and replayed > 0
    doc = DocumentText(data, painted=False)
    ends = [len(signed), len(data)] if not newest_first else [len(data), len(signed)]
    keys = {end: doc.content_keys([0, 1], end) for end in ends}
    assert tuple(a == b for a, b in zip(keys[len(signed)], keys[len(data)])) == same
    assert doc._subtrees.replayed > 0


# --- the page trees of earlier revisions ----------------------------------------------------

def _walks_agree(data: bytes) -> int:
    """How many earlier revisions' page lists were compared with _leaves (the walk through the
    revision's view): the same objects, in order, or both unreadable."""
    from verifier.pdf import pdftext

    doc = DocumentText(data, painted=False)
    fast = 0
    for end in _ends(doc):
        view = doc.reader_at(end)
        if view is None or view is doc.reader:
            continue
        got = doc._pages_of(end)
        try:
            expected = pdftext._leaves(view)
        except Exception:
            expected = None
        if expected is None:
            assert got is None
            continue
        assert got is not None and len(got) == len(expected)
        assert all(a is b for a, b in zip(got, expected))
        assert [p is q for p, q in zip(got[1:3], expected[1:3])] == [True] * len(expected[1:3])
        fast += isinstance(got, pdftext._Pages)
    return fast


def test_earlier_page_trees_walked_through_objects_are_the_views_on_every_document():
    fast = 0
    for path in _documents():
        try:
            DocumentText(path.read_bytes(), painted=False)
        except Exception:
            continue
        fast += _walks_agree(path.read_bytes())
    assert fast > 10


_TREES = {
    "page added": {2: b"<< /Type /Pages /Kids [3 0 R 4 0 R 13 0 R] /Count 3 >>",
                   13: b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>"},
    "pages swapped": {2: b"<< /Type /Pages /Kids [4 0 R 3 0 R] /Count 2 >>"},
    "page made a node": {4: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
    "page made null": {4: b"null"},
    "page freed": {4: None},
    "tree made a cycle": {3: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"},
    "page rewritten": {3: b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R /Annots [] >>"},
    "kids indirect": {2: b"<< /Type /Pages /Kids 13 0 R /Count 2 >>", 13: b"[4 0 R 3 0 R]"},
    "direct page": {2: b"<< /Type /Pages /Kids [3 0 R << /Type /Page /Contents 6 0 R >>] /Count 2 >>"},
}


@pytest.mark.parametrize("case", sorted(_TREES))
def test_an_update_to_the_page_tree_is_walked_as_the_view_walks_it(case):
    """The signed revision, read after an update rewrote its tree, is walked as its view walks
    it; and so is the update's own tree when a later update follows."""
    signed = _base()
    later = {14: b"<< /Later true >>"}
    if case == "tree made a cycle":  # the last revision's tree must read: the cycle is undone
        later = {3: b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>"}
    data = _update(_update(signed, _TREES[case]), later)
    assert _walks_agree(data) >= 1


def _relist(data: bytes, numbers: list[int]) -> bytes:
    """`data` with a cross-reference section that lists `numbers` again where they already are
    (what the two sections that begin a linearized file do), writing no object."""
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    out = bytearray(data)
    xref = len(out)
    out += b"xref\n"
    for number in numbers:
        offset = data.index(b"\n%d 0 obj" % number) + 1
        out += b"%d 1\n%010d 00000 n \n" % (number, offset)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, prev, xref)
    return bytes(out)


def test_an_object_listed_again_at_its_place_is_read_from_the_reader_as_the_view_reads_it():
    """A later section listing the page tree, the pages and the font again where they are: the
    earlier revision reads them from the reader (no copy, no second parse), and its page list
    and keys are the view's own, byte for byte; an object a later revision rewrote elsewhere is
    still read through the view."""
    from pyhanko.pdf_utils import generic
    from verifier.pdf.pdftext import _Objects

    signed = _base()
    data = _update(_relist(signed, [2, 3, 4, 5, 10]), {7: _stream(_CMAP % b"0049")})
    doc = DocumentText(data, painted=False)
    view = doc.reader_at(len(signed))
    assert view is not doc.reader and view.revision == 0
    objects = _Objects(doc.reader, view)
    for number in (2, 3, 5, 10):  # listed again at the same place: the reader's object
        assert objects.resolved(generic.IndirectObject(number, 0, view)) is doc.reader.get_object(
            generic.Reference(number, 0))
    rewritten = objects.resolved(generic.IndirectObject(7, 0, view))
    assert rewritten is not doc.reader.get_object(generic.Reference(7, 0)) and b"0048" in rewritten.data
    leaves = DocumentText._pages_of(doc, len(signed))
    assert [p is q for p, q in zip(leaves, _leaves_of(view))] == [True, True]
    for index, page in enumerate(_leaves_of(view)):
        assert doc.content_keys([index], len(signed))[0].startswith(DocumentText._content_key(page)[:64])
    assert doc.content_keys([0, 1], len(signed)) != doc.content_keys([0, 1])


def _leaves_of(view) -> list:
    from verifier.pdf.pdftext import _leaves

    return _leaves(view)
