"""The paths to an object a later revision wrote, found backwards from the object
(verifier.patches.usages), are exactly the paths pyHanko's full mapping of the signed revision
finds: compared on every revision of real documents (tagged, hybrid, multi-layer) and of the
samples, for every object any later revision wrote."""

from __future__ import annotations

import pytest
from pyhanko.pdf_utils.generic import Reference
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath

from tests.conftest import REALDOCS, SAMPLES, need_shared
from verifier.patches import install, usages
from verifier.pdf.opening import open_pdf
from verifier.report.model import DocumentReport

# (file, the earliest revision compared: the 50,000-object decree is compared on its last signed
# revision only, pyHanko's full mapping of it costing seconds)
REAL = [("6666eaf3ddc0f657141fd114381d1fae559e9575.pdf", 0), ("19-bkhcn.pdf", 0),
        ("385.signed.signed.pdf", 0), ("50-2026-ND-CP.pdf", 5)]


def _reader(data: bytes):
    reader, _ = open_pdf(data, DocumentReport(file=None, sha256="", size=len(data)))
    return reader


def _compare(reader, first: int = 0) -> int:
    """Revisions answered backwards; fails on the first path set that differs from pyHanko's."""
    xrefs = reader.xrefs
    lazy_revisions = 0
    for revision in range(first, xrefs.total_revisions - 1):
        full = HistoricalResolver(reader, revision)
        try:
            usages._load_reverse_xref_cache(full)
        except Exception as exc:  # pyHanko's mapping stops on this revision: so must the review
            lazy = HistoricalResolver(reader, revision)
            with pytest.raises(type(exc)):
                usages.load_reverse_xref_cache(lazy)
            continue
        lazy = HistoricalResolver(reader, revision)
        usages.load_reverse_xref_cache(lazy)
        lazy_revisions += "_kyso_usages" in lazy.__dict__
        written = set()
        for later in range(revision + 1, xrefs.total_revisions):
            written |= {(r.idnum, r.generation) for r in xrefs.explicit_refs_in_revision(later)}
        for key in sorted(written):
            ref = Reference(*key)
            assert usages.get_usages_of_ref(lazy, ref) == usages._get_usages_of_ref(full, ref), (revision, key)
        if "_kyso_usages" in lazy.__dict__:  # not an encrypted file, which pyHanko maps itself
            assert lazy._indirect_object_access_cache is None  # answered without the full mapping
    return lazy_revisions


@pytest.mark.parametrize("name,first", REAL, ids=[n for n, _ in REAL])
def test_real_documents_get_pyhankos_paths(name, first):
    path = need_shared(REALDOCS / name)
    assert _compare(_reader(path.read_bytes()), first) >= 1


def test_samples_get_pyhankos_paths():
    answered = sum(_compare(_reader(p.read_bytes())) for p in sorted(SAMPLES.glob("*.pdf"))
                   if p.name not in ("not-a-pdf.pdf", "encrypted.pdf", "truncated.pdf"))
    assert answered >= 5


def test_the_review_no_longer_maps_every_path(monkeypatch, real_trust):
    """The tagged decree's review, as kyso runs it, asks the signed revisions for paths without
    building pyHanko's map of every path of any of them."""
    from verifier.document import verify_pdf

    assert install()
    mapped, backwards = [], []
    original, revision_init = usages._load_reverse_xref_cache, usages._Revision.__init__

    def counting(resolver):
        mapped.append(resolver.revision)
        return original(resolver)

    def lazy(self, resolver):
        revision_init(self, resolver)
        backwards.append(resolver.revision)

    monkeypatch.setattr(usages, "_load_reverse_xref_cache", counting)
    monkeypatch.setattr(usages._Revision, "__init__", lazy)
    report = verify_pdf(need_shared(REALDOCS / "19-bkhcn.pdf").read_bytes(), real_trust)
    assert report.verdict == "INDETERMINATE" and len(report.layers) == 2
    assert mapped == [] and backwards == [1]  # the first seal's revision, pyHanko's numbering


# --- verifier.patches.quickread: the plain objects of object streams read as pyHanko reads them ---

from io import BytesIO  # noqa: E402

from pyhanko.pdf_utils import generic  # noqa: E402

from verifier.patches import quickread  # noqa: E402


def _shape(value):
    """A light copy with each value's type spelled out (FloatObject('5.0') == 5 would hide one)."""
    if isinstance(value, dict):
        return {str(k): _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, quickread.Ref):
        return ("R", value.key)
    if isinstance(value, generic.NullObject):
        return ("NullObject",)
    return (type(value).__name__, bytes(value) if isinstance(value, bytes) else str(value))


def _all_refs(light) -> set:
    """Every reference in a light copy, /Parent keys included."""
    if isinstance(light, quickread.Ref):
        return {light.key}
    if isinstance(light, dict):
        return set().union(*map(_all_refs, light.values())) if light else set()
    if isinstance(light, list):
        return set().union(*map(_all_refs, light)) if light else set()
    return set()


def _quick_versions_match(reader) -> tuple[int, int]:
    """Every object version: quickread's light copy (where it reads one) is pyHanko's, and its
    references include all of pyHanko's. (read, left to pyHanko)"""
    from pyhanko.pdf_utils.xref import ObjStreamRef

    xrefs, read, left = reader.xrefs, 0, 0
    for revision in range(xrefs.total_revisions):
        for ref in xrefs.explicit_refs_in_revision(revision):
            marker = xrefs.get_historical_ref(ref, revision)
            try:
                if isinstance(marker, ObjStreamRef):
                    quick, targets = quickread.read_member(reader, ref.idnum, marker.obj_stream_id, marker.ix_in_stream)
                elif isinstance(marker, int):
                    quick, targets = quickread.read_file_object(reader, ref.idnum, ref.generation, marker)
                else:
                    continue
            except quickread.Unread:
                left += 1
                continue
            slow = usages._light(reader.get_object(ref, revision, transparent_decrypt=False))
            assert _shape(quick) == _shape(slow), (revision, ref)
            assert set(targets) >= _all_refs(slow), (revision, ref)
            read += 1
    return read, left


@pytest.mark.parametrize("name", [n for n, _ in REAL] + ["03-vbhn-bkhcn.pdf"])
def test_quickread_reads_real_objects_as_pyhanko(name):
    read, left = _quick_versions_match(_reader(need_shared(REALDOCS / name).read_bytes()))
    assert read >= 2 * left  # nearly all plain


def test_quickread_reads_sample_objects_as_pyhanko():
    for p in sorted(SAMPLES.glob("*.pdf")):
        if p.name not in ("not-a-pdf.pdf", "encrypted.pdf", "truncated.pdf"):
            _quick_versions_match(_reader(p.read_bytes()))


class _Handler:
    strict = False

    def get_object(self, ref):  # a stream's indirect /Length: none in these cases
        raise AssertionError(ref)


_EDGES = [
    # (bytes at the value, whether quickread must read it)
    (b"<</A 1 0 R>>", True),
    (b"<</A 1\n0\rR>>", True),  # any plain whitespace between the parts
    (b"<</A 1\t0\x0cR/B 2\r\n0\n\nR>>", True),
    (b"[1 0 R 2 0 R\n3 0 R 12 0 R]", True),
    (b"[1 0 R2 0 R]", True),  # a digit right after R: the next reference
    (b"<</A 1\x000 R>>", False),  # NUL: not a reference to pyHanko; left to it
    (b"<</A 1\x0b0 R>>", False),  # vertical tab: a reference to pyHanko only; left to it
    (b"<</A 1 0 %c\nR>>", False),  # a comment inside: pyHanko fails; left to it
    (b"<</A 1 0 Rx>>", False),  # R followed by a letter: no reference
    (b"<</A 1          0          R>>", False),  # past pyHanko's 20-byte look-ahead
    (b"<</A 0 0 R>>", False),  # object 0: pyHanko's error
    (b"<</A (5 0 R)/B 6 0 R>>", True),  # a reference's text in a string is a string
    (b"<</A (a\\)b 5 0 R)/B 6 0 R>>", True),  # escapes: pyHanko's string reader, then on
    (b"<</A (a(b)c)/B [<48656c6c6f> <FEFF0041>]>>", True),  # nesting, hexadecimal strings
    (b"<</Type/StructElem/S/P/P 3 0 R/K [0 1 <</Type/MCR/MCID 2>>]/Pg 4 0 R>>", True),
    (b"<</A 1.5 /B -2 /C +.5 /D 7. /E true/F false/G null>>", True),
    (b"<</A 1,2>>", False),  # pyHanko reads `1,2` as one number and fails
    (b"<</A 1.2.3>>", False),
    (b"<</A/B/A/C>>", True),  # a repeated key keeps its first value (non-strict)
    (b"[/A#20B]", False),  # a name escape: pyHanko decodes it
    (b"<</A 1>>stream\r\nxx\r\nendstream", False),  # a stream: pyHanko's rules
    (b"<</A 1>> %c", False),
    (b" <</A 1>>", False),  # pyHanko does not skip whitespace before an object stream member
    (b"<</A 1 0 R", False),  # unterminated
    (b"<</A 1>", False),
    (b"5 0 R ", False),  # a bare reference in an object stream
    (b"[" * 40 + b"]" * 40, False),  # deeper than MAX_DEPTH
    (b"[[[[1 0 R]]]]", True),
]


@pytest.mark.parametrize("text,read", _EDGES, ids=[repr(t[:24]) for t, _ in _EDGES])
def test_quickread_edge_cases(text, read):
    data = text + b" \n"
    try:
        quick, targets, end = quickread.read_value(quickread._Text(data), 0, strict=False)
        if quickread._AFTER_OBJECT.match(data, end):  # as read_member: a comment after it
            raise quickread.Unread
    except quickread.Unread:
        assert not read
        return
    assert read
    handler = _Handler()
    slow = generic.read_object(BytesIO(data), generic.Reference(1, 0, handler))
    assert _shape(quick) == _shape(usages._light(slow))
    assert set(targets) == _all_refs(usages._light(slow))


def test_quickread_strict_repeated_key_is_left_to_pyhanko():
    with pytest.raises(quickread.Unread):
        quickread.read_value(quickread._Text(b"<</A/B/A/C>> "), 0, strict=True)


def _objstm(members: dict[int, bytes]) -> bytes:
    """An object stream's body (unfiltered) holding `members` (number -> value bytes)."""
    header, body = [], b""
    for num, value in members.items():
        header.append(b"%d %d" % (num, len(body)))
        body += value + b"\n"
    head = b" ".join(header) + b"\n"
    return b"<</Type/ObjStm/N %d/First %d/Length %d>>stream\n%s%s\nendstream" % (
        len(members), len(head), len(head) + len(body), head, body)


def _xref_stream(entries: dict[int, tuple[int, int, int]], size: int, root: int, prev=None) -> bytes:
    """An xref stream's body (unfiltered, /W [1 4 2]) for `entries` (number -> (type, f2, f3))."""
    nums = sorted(entries)
    index = b" ".join(b"%d 1" % n for n in nums)
    rows = b"".join(bytes([entries[n][0]]) + entries[n][1].to_bytes(4, "big") + entries[n][2].to_bytes(2, "big")
                    for n in nums)
    extra = b"/Prev %d" % prev if prev is not None else b""
    return b"<</Type/XRef/W[1 4 2]/Index[%s]/Size %d/Root %d 0 R%s/Length %d>>stream\n%s\nendstream" % (
        index, size, root, extra, len(rows), rows)


def _object_stream_document() -> bytes:
    """Two revisions kept in object streams, written byte by byte: the first with references
    split by CR, LF, tab and form feed and one's text inside a string; the second rewrites the
    annotation in a new object stream and frees object 8."""
    out = bytearray(b"%PDF-1.7\n")
    first = _objstm({
        1: b"<</Type/Catalog/Pages 2 0 R/StructTreeRoot 5 0 R>>",
        2: b"<</Type/Pages/Kids[3\r0\nR]/Count 1>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]/Annots[6 0 R]/StructParents 0>>",
        5: b"<</Type/StructTreeRoot/K[7\t0\x0cR]>>",
        6: b"<</Type/Annot/Subtype/Text/Rect[0 0 1 1]/P 3 0 R/Contents(8 0 R)/StructParent 1>>",
        7: b"<</Type/StructElem/S/P/P 5 0 R/Pg 3 0 R/K 0>>",
        8: b"<</A 1>>",
    })
    at4 = len(out)
    out += b"4 0 obj\n" + first + b"\nendobj\n"
    at9 = len(out)
    entries = {n: (2, 4, i) for i, n in enumerate((1, 2, 3, 5, 6, 7, 8))}
    entries.update({0: (0, 0, 65535), 4: (1, at4, 0), 9: (1, at9, 0)})
    out += b"9 0 obj\n" + _xref_stream(entries, 10, 1) + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % at9
    second = _objstm({6: b"<</Type/Annot/Subtype/Text/Rect[0 0 2 2]/P 3 0 R/Contents(x)/StructParent 1>>"})
    at10 = len(out)
    out += b"10 0 obj\n" + second + b"\nendobj\n"
    at11 = len(out)
    entries = {6: (2, 10, 0), 8: (0, 0, 1), 10: (1, at10, 0), 11: (1, at11, 0)}
    out += b"11 0 obj\n" + _xref_stream(entries, 12, 1, prev=at9) + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % at11
    return bytes(out)


def _update(data: bytes, members: dict[int, bytes], stream_num: int, size: int) -> bytes:
    """`data` and one more revision: `members` in a new object stream `stream_num`, its xref
    stream `stream_num + 1`."""
    prev = int(data.rstrip().rsplit(b"startxref", 1)[1].split()[0])
    out = bytearray(data)
    at_stream = len(out)
    out += b"%d 0 obj\n" % stream_num + _objstm(members) + b"\nendobj\n"
    at_xref = len(out)
    entries = {n: (2, stream_num, i) for i, n in enumerate(members)}
    entries.update({stream_num: (1, at_stream, 0), stream_num + 1: (1, at_xref, 0)})
    out += b"%d 0 obj\n" % (stream_num + 1) + _xref_stream(entries, size, 1, prev=prev)
    out += b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % at_xref
    return bytes(out)


def test_a_structure_element_reached_twice_in_a_later_revision_stops_the_review_as_in_pyhanko():
    """The elements found in one revision are given again to the next where they did not
    change; an element the next revision's root names twice still stops the walk, as pyHanko's."""
    data = _object_stream_document()
    twice = _update(data, {5: b"<</Type/StructTreeRoot/K[7 0 R 7 0 R]>>"}, 12, 14)
    later = _update(twice, {6: b"<</Type/Annot/Subtype/Text/Rect[0 0 3 3]/P 3 0 R/StructParent 1>>"}, 14, 16)
    reader = _reader(later)
    assert reader.xrefs.total_revisions == 4
    assert _compare(reader) == 2  # revisions 0 and 1 answered backwards; 2 stops in both
    with pytest.raises(Exception, match="Circular reference in structure tree"):
        usages._load_reverse_xref_cache(HistoricalResolver(reader, 2))
    with pytest.raises(usages._Fallback):  # found here, not only by pyHanko's mapping after it
        usages._Revision(HistoricalResolver(reader, 2))
    assert [found_in for found_in, _, _ in usages._document(reader).elements[(7, 0)]] == [0]  # kept since 0


def test_object_streams_written_by_hand_get_pyhankos_paths():
    reader = _reader(_object_stream_document())
    assert reader.xrefs.total_revisions == 2
    assert _quick_versions_match(reader) == (12, 0)  # 8 in object streams, the streams themselves
    assert _compare(reader) == 1
    lazy = HistoricalResolver(reader, 0)
    usages.load_reverse_xref_cache(lazy)
    # reached through CR/LF/tab/form-feed-split references; the text in /Contents refers to nothing
    assert usages.get_usages_of_ref(lazy, Reference(6, 0)) == {RawPdfPath("/Root", "/Pages", "/Kids", 0, "/Annots", 0)}
    assert usages.get_usages_of_ref(lazy, Reference(8, 0)) == set()


def test_quickread_file_objects_edge_cases():
    """Objects in the file: read as pyHanko reads them, or left to it."""
    from tests.pdfbytes import assemble

    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]/Contents 4 0 R>>",
        b"<</Length 11>>stream\r\nq 1 0 0 1 Q\r\nendstream",  # read: a direct /Length
        b"<</Length 9 0 R>>stream\nq Q\nendstream",  # an indirect /Length: pyHanko's
        b"<</Length 5>>stream\nq Q\nendstream",  # one byte too long: pyHanko's own recovery
        b"<</A 1 0 R>> % a comment",  # a comment after the value: pyHanko's
        b"[1 0 R (a 2 0 R string) 3 0 R]",
        b"3",
    ]
    data = assemble(objects)
    reader = _reader(data)
    offsets = {n: data.index(b"\n%d 0 obj" % n) + 1 for n in range(2, len(objects) + 1)}
    offsets[1] = data.index(b"1 0 obj")
    read = {}
    for n, offset in offsets.items():
        try:
            quick, targets = quickread.read_file_object(reader, n, 0, offset)
        except quickread.Unread:
            continue
        slow = usages._light(reader.get_object(Reference(n, 0)))
        assert _shape(quick) == _shape(slow), n
        assert set(targets) >= _all_refs(slow), n
        read[n] = sorted(targets)
    assert read == {1: [(2, 0)], 2: [(3, 0)], 3: [(2, 0), (4, 0)], 4: [], 8: [(1, 0), (3, 0)], 9: []}
    with pytest.raises(quickread.Unread):  # a header naming another object: pyHanko's error
        quickread.read_file_object(reader, 7, 0, offsets[1])
