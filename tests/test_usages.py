"""The paths to an object a later revision wrote, found backwards from the object
(verifier.patches.usages), are exactly the paths pyHanko's full mapping of the signed revision
finds: compared on every revision of real documents (tagged, hybrid, multi-layer) and of the
samples, for every object any later revision wrote."""

from __future__ import annotations

import pytest
from pyhanko.pdf_utils.generic import Reference
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath

from tests.conftest import REALDOCS, SAMPLES, need_shared, opened
from verifier.patches import install, quickread, usages

# (file, the earliest revision compared: the 50,000-object decree is compared on its last signed
# revision only, pyHanko's full mapping of it costing seconds)
REAL = [("6666eaf3ddc0f657141fd114381d1fae559e9575.pdf", 0), ("19-bkhcn.pdf", 0),
        ("385.signed.signed.pdf", 0), ("50-2026-ND-CP.pdf", 5)]


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
    assert _compare(opened(path.read_bytes()), first) >= 1


def test_samples_get_pyhankos_paths():
    answered = sum(_compare(opened(p.read_bytes())) for p in sorted(SAMPLES.glob("*.pdf"))
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


_WORKER = """
import gc, sys
from pathlib import Path
from verifier.patches import install, usages
assert install()
from verifier.document import verify_pdf
from verifier.trust.config import TrustConfig
data = Path(sys.argv[1]).read_bytes()
for _ in range(3):
    verify_pdf(data, TrustConfig())
    gc.collect()
    print(sum(isinstance(o, usages._Document) for o in gc.get_objects()))
"""


def test_a_documents_index_is_freed_with_its_reader():
    """A warm worker verifies document after document: the index of each (hundreds of thousands
    of small objects on a tagged decree) must go when its reader goes, not pile up. Run in a
    process of its own, as a worker is: pytest's log capture keeps pyHanko's tracebacks, whose
    frames hold readers."""
    import subprocess
    import sys

    path = need_shared(REALDOCS / "385.signed.signed.pdf")
    done = subprocess.run([sys.executable, "-c", _WORKER, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["0", "0", "0"]


# --- verifier.patches.quickread: the plain objects of object streams read as pyHanko reads them ---

from io import BytesIO  # noqa: E402

from pyhanko.pdf_utils import generic  # noqa: E402


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
    read, left = _quick_versions_match(opened(need_shared(REALDOCS / name).read_bytes()))
    assert read >= 2 * left  # nearly all plain


def test_quickread_reads_sample_objects_as_pyhanko():
    for p in sorted(SAMPLES.glob("*.pdf")):
        if p.name not in ("not-a-pdf.pdf", "encrypted.pdf", "truncated.pdf"):
            _quick_versions_match(opened(p.read_bytes()))


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
    reader = opened(later)
    assert reader.xrefs.total_revisions == 4
    assert _compare(reader) == 2  # revisions 0 and 1 answered backwards; 2 stops in both
    with pytest.raises(Exception, match="Circular reference in structure tree"):
        usages._load_reverse_xref_cache(HistoricalResolver(reader, 2))
    with pytest.raises(usages._Fallback):  # found here, not only by pyHanko's mapping after it
        usages._Revision(HistoricalResolver(reader, 2))
    assert [found_in for found_in, _, _ in usages._document(reader).elements[(7, 0)]] == [0]  # kept since 0


def test_object_streams_written_by_hand_get_pyhankos_paths():
    reader = opened(_object_stream_document())
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
        b"<</Length 9>>stream\r\nq 9 0 R Q\r\nendstream",  # read: a direct /Length; no reference in data
        b"<</Length 9 0 R>>stream\nq Q\nendstream",  # an indirect /Length: pyHanko's
        b"<</Length 5>>stream\nq Q\nendstream",  # one byte too long: pyHanko's own recovery
        b"<</A 1 0 R>> % a comment",  # a comment after the value: pyHanko's
        b"[1 0 R (a 2 0 R string) 3 0 R]",
        b"3",
    ]
    data = assemble(objects)
    reader = opened(data)
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


# --- quickread.ENTRY: whole entries (strings, keywords, arrays of integers or of references) read
# in one step are read as the token-by-token reading (SCALAR_ENTRY then TOKEN) reads them ---

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _both_readings(data: bytes, strict: bool = False):
    """(ENTRY's reading, the token-by-token reading): each (shape, targets, end) or 'Unread'."""
    def read():
        try:
            quick, targets, end = quickread.read_value(quickread._Text(data), 0, strict=strict)
        except quickread.Unread:
            return "Unread"
        return _shape(quick), targets, end

    fast = read()
    entry = quickread.ENTRY
    quickread.ENTRY = quickread.SCALAR_ENTRY
    try:
        reference = read()
    finally:
        quickread.ENTRY = entry
    return fast, reference


_ENTRY_EDGES = [
    b"<</P 2370 0 R/S/Span/Type/StructElem/Lang(nb) /K[ 0] /Pg 38 0 R>>",
    b"<</K[ 12 0 R 13 0 R]/Alt()/A true/B false/C null>>",
    b"<</K[]/L[ ]/M[1 2 3]/N[\t1\r\n2 ]>>",
    b"<</K[1 0 R 5]/L[5 1 0 R]/M[1 0 R2 0 R]>>",  # mixed: the token-by-token reading
    b"<</K[0 0 R]>>",  # object 0: left to pyHanko either way
    b"<</K[1 0 Rx]>>", b"<</K[1 0 R", b"<</K[1 2", b"<</K[1 2]", b"<</K[+1 -2]/L[1.5]>>",
    b"<</K[1  0 R]/L[1 0  R]>>", b"<</K[12345678901 0 R]>>", b"<</K[1 123456 R]>>",
    b"<</A(5 0 R)/B(a\\)b)/C(a(b)c)/D(x>>",  # a reference's text in a string; escapes; nesting
    b"<</A truex/B nul>>", b"<</A/B/A(x)/A[1 0 R]>>",  # repeated keys keep the first value
    b"<</K[1 0 R]>>stream\r\n", b"<</K(x)>> %", b"<</K[0]>>",
    b"<</A<</B[1 2]/C(x)>>/D[3 0 R]>>",
    b"[" * 31 + b"<</K[1 0 R]/L[2]>>" + b"]" * 31,  # the array at MAX_DEPTH: read
    b"[" * 32 + b"<</K[1 0 R]/L[2]>>" + b"]" * 32,  # past MAX_DEPTH: left to pyHanko
]


@pytest.mark.parametrize("text", _ENTRY_EDGES, ids=[repr(t[:24]) for t in _ENTRY_EDGES])
def test_entry_reads_as_the_token_by_token_reading(text):
    data = text + b" \n"
    fast, reference = _both_readings(data)
    assert fast == reference
    assert _both_readings(data, strict=True)[0] == _both_readings(data, strict=True)[1]
    if fast != "Unread":
        slow = generic.read_object(BytesIO(data), generic.Reference(1, 0, _Handler()))
        assert fast[0] == _shape(usages._light(slow))


def test_entry_takes_the_whole_entries_it_reads():
    """The test above would pass with ENTRY reading only scalars: these entries are ENTRY's."""
    for entry in (b"/Lang(nb)", b"/K[ 0]", b"/K[ 12 0 R 13 0 R]", b"/A true", b"/K[]"):
        m = quickread.ENTRY.match(entry + b">>")
        assert m is not None and m.end() == len(entry), entry
        assert quickread.SCALAR_ENTRY.match(entry + b">>") is None


_PIECES = st.sampled_from([
    b"/K", b"/P", b"/A#20", b"/", b" ", b"\n", b"\r\n", b"\t", b"\x0b", b"\x00", b"%c\n",
    b"1", b"0", b"12", b"+3", b"-4", b"5.", b".5", b"1,2", b"R", b"Rx", b"R]", b"0 R", b"1 0 R",
    b"3 0 R", b"0 0 R", b"1  0 R", b"[", b"]", b"[ ", b" ]", b"<<", b">>", b"(", b")", b"\\",
    b"(5 0 R)", b"(nb)", b"()", b"<48>", b"true", b"false", b"null", b"nul", b"stream",
])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=24), st.booleans())
def test_entry_reads_any_sequence_as_the_token_by_token_reading(pieces, strict):
    data = b"<</K" + b"".join(pieces) + b" \n"
    fast, reference = _both_readings(data, strict)
    assert fast == reference


def _members_read_alike(reader) -> int:
    """Every member of every object stream, read both ways; how many ENTRY read."""
    from verifier.patches.usages import _Document

    _Document(reader)  # every object stream the index reads, prepared
    read = 0
    for entry in reader.__dict__.get("_kyso_quickread", {}).values():
        for _, offset in entry.index.first.values():
            pos = entry.first + offset
            if 0 <= pos < len(entry.index.data):
                fast, reference = _both_readings(entry.index.data[pos:])
                assert fast == reference, entry.index.data[pos:pos + 200]
                read += fast != "Unread"
    return read


@pytest.mark.parametrize("name", ["50-2026-ND-CP.pdf", "03-vbhn-bkhcn.pdf", "385.signed.signed.pdf",
                                  "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf"])
def test_entry_reads_real_members_as_the_token_by_token_reading(name):
    read = _members_read_alike(opened(need_shared(REALDOCS / name).read_bytes()))
    assert read > 100 or name.startswith(("385", "6666"))


# mostly what writers write, now and then what only pyHanko reads (or fails on)
_GAP = st.sampled_from([b""] * 6 + [b" "] * 12 + [b"\n", b"\r\n", b"\t", b"  ", b"\x0c", b"\x0b", b"\x00"])
_NUM = st.sampled_from([b"0", b"1", b"12", b"7", b"24"] * 4 + [b"007", b"+3", b"-4", b"5.", b".5", b"1,2", b"12345678901"])


@st.composite
def _value(draw, depth=0):
    kind = draw(st.integers(0, 8 if depth < 2 else 5))
    gap = lambda: draw(_GAP)  # noqa: E731
    if kind == 0:
        return draw(st.sampled_from([b"/N", b"/Span", b"/A#20"]))
    if kind == 1:
        return draw(_NUM)
    if kind == 2:
        return draw(_NUM) + gap() + draw(_NUM) + gap() + draw(st.sampled_from([b"R"] * 8 + [b"Rx"]))
    if kind == 3:
        return b"(" + draw(st.sampled_from([b"", b"nb", b"5 0 R", b"a\\)b", b"a(b)c", b"x>>"])) + b")"
    if kind == 4:
        return draw(st.sampled_from([b"true", b"false", b"null", b"nul"]))
    if kind == 5:
        return draw(st.sampled_from([b"<48>", b"<<>>", b"[]"]))
    items = draw(st.lists(_value(depth + 1), max_size=5))
    if kind in (6, 7):
        return b"[" + b"".join(gap() + v for v in items) + gap() + b"]"
    return b"<<" + b"".join(gap() + b"/K" + gap() + v for v in items) + gap() + b">>"


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([b"/K", b"/P", b"/K", b"/Lang"]), _GAP, _value(), _GAP), max_size=8),
       st.sampled_from([b">>"] * 8 + [b">> stream", b">>%", b""]), st.booleans())
def test_entry_reads_any_dictionary_as_the_token_by_token_reading(entries, end, strict):
    data = b"<<" + b"".join(k + g + v + h for k, g, v, h in entries) + end + b" \n"
    fast, reference = _both_readings(data, strict)
    assert fast == reference


# --- quickread.stream_index: an object stream's header, read as the reader's _StreamIndex reads it ---

def _index_alike(data: bytes, count) -> str:
    """'fast' where stream_index read the header itself, 'reader' where it left it to the reader's
    class; fails where the two indexes (or their exceptions) differ."""
    from verifier.pdf.reader import _StreamIndex

    try:
        theirs = vars(_StreamIndex(data, count))
    except Exception as exc:  # noqa: BLE001
        with pytest.raises(type(exc)):
            quickread.stream_index(data, count)
        return "reader"
    built = []
    init = _StreamIndex.__init__

    def counted(self, *args):
        built.append(1)
        init(self, *args)

    _StreamIndex.__init__ = counted
    try:
        ours = vars(quickread.stream_index(data, count))
    finally:
        _StreamIndex.__init__ = init
    assert ours == theirs
    return "reader" if built else "fast"


@pytest.mark.parametrize("name", ["50-2026-ND-CP.pdf", "03-vbhn-bkhcn.pdf", "385.signed.signed.pdf",
                                  "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf"])
def test_stream_index_reads_real_headers_as_the_reader(name):
    reader = opened(need_shared(REALDOCS / name).read_bytes())
    usages._Document(reader)
    kinds = [_index_alike(e.index.data, e.stream["/N"]) for e in reader.__dict__.get("_kyso_quickread", {}).values()]
    if name.startswith(("50", "03")):
        assert kinds and set(kinds) == {"fast"}, kinds


def test_stream_index_reads_sample_headers_as_the_reader():
    from pyhanko.pdf_utils.decode_limits import DecodePurpose

    for p in sorted(SAMPLES.glob("*.pdf")):
        if p.name in ("not-a-pdf.pdf", "encrypted.pdf", "truncated.pdf"):
            continue
        reader = opened(p.read_bytes())
        for revision in range(reader.xrefs.total_revisions):
            for ref in reader.xrefs.object_streams_used_in(revision):
                stream = reader.get_object(ref)
                _index_alike(stream.read_data(DecodePurpose.OBJECT_STREAM), stream["/N"])


_HEADER_EDGES = [
    (b"1 0 2 5 <<>>[]", 2, "fast"), (b"  1 0\n2 5\r\n<<>>[]", 2, "fast"), (b"1 0 1 5 <<>>", 2, "fast"),
    (b"007 0 2 05 <<>>", 2, "fast"), (b"1 0 2 5<<>>", 2, "fast"), (b"1 0 2 5/N", 2, "fast"),
    (b"1 0 2 5 <<>>", 1, "reader"),  # fewer pairs asked than written: left to the reader
    (b"1 0 2 5 <<>>", 3, "reader"), (b"1 0 2 5", 2, "reader"), (b"1 0 2 5 ", 2, "reader"),
    (b"1 0 2 5 %c\n<<>>", 2, "reader"), (b"1 0 2 5 \x00<<>>", 2, "reader"), (b"1 0 %c\n2 5 <<>>", 2, "reader"),
    (b"1 0 2 5.<<>>", 2, "reader"), (b"1 0 2 +5 <<>>", 2, "reader"), (b"1 0 2 5 6 <<>>", 2, "reader"),
    (b"1 0 2 5-<<>>", 2, "reader"), (b"1 0 2 5,<<>>", 2, "reader"), (b"1 0\x002 5 <<>>", 2, "reader"),
    (b"1 0 2 5 <<>>", 0, "reader"), (b"1 0 2 5 <<>>", -1, "reader"), (b"1 0 2 5 <<>>", 10**9, "reader"),
    (b"1 0 2 5 <<>>", generic.NumberObject(2), "fast"), (b"1 0 2 5 <<>>", generic.FloatObject("2"), "reader"),
]


@pytest.mark.parametrize("data,count,kind", _HEADER_EDGES, ids=[repr(e[:2]) for e in _HEADER_EDGES])
def test_stream_index_edge_cases(data, count, kind):
    assert _index_alike(data, count) == kind


_HEADER_GAP = st.sampled_from([b" "] * 40 + [b"", b"\n", b"\r\n", b"  ", b"\x00", b"%c\n", b"+", b"."])
_HEADER_NUM = st.sampled_from([b"0", b"1", b"12", b"007", b"5"] * 8 + [b"+1", b"1.5", b"-", b"x"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.tuples(_HEADER_GAP, _HEADER_NUM, _HEADER_GAP, _HEADER_NUM), max_size=6),
       st.sampled_from([b" <<>>", b"<<", b"[", b"/N", b" ", b"", b" %c\n<<", b" 5", b".", b" \x00["]),
       st.integers(-1, 1))
def test_stream_index_reads_any_header_as_the_reader(pairs, tail, more):
    _index_alike(b"".join(a + b + c + d for a, b, c, d in pairs) + tail, len(pairs) + more)


# --- the versions the index reads, from the sections' own data -----------------------------------

def _sections_as_pyhanko(reader) -> int:
    """Every revision: the keys usages reads from the section's data are pyHanko's explicit and
    freed references, in the same order, and the place it finds each version at is
    get_historical_ref's. (versions compared)"""
    xrefs, compared = reader.xrefs, 0
    for revision in range(xrefs.total_revisions):
        theirs = xrefs.explicit_refs_in_revision(revision) | xrefs.refs_freed_in_revision(revision)
        ours = usages._explicit_or_freed(xrefs, revision)
        assert list(ours) == [(r.idnum, r.generation) for r in theirs], revision
        section = xrefs.get_xref_data(revision)
        for ref in theirs:
            expected = xrefs.get_historical_ref(ref, revision)
            try:
                found = section.try_resolve(usages._Key((ref.idnum, ref.generation)))
            except KeyError:
                continue  # _load asks get_historical_ref itself then
            assert found == expected, (revision, ref)
            compared += 1
    return compared


@pytest.mark.parametrize("name", [n for n, _ in REAL] + ["03-vbhn-bkhcn.pdf", "49-2026-ND-CP.pdf"])
def test_the_index_reads_versions_from_the_sections_as_pyhanko(name):
    assert _sections_as_pyhanko(opened(need_shared(REALDOCS / name).read_bytes())) > 10


def test_the_index_reads_versions_from_the_sample_sections_as_pyhanko():
    paths = [p for p in sorted(SAMPLES.glob("*.pdf")) if p.name not in ("not-a-pdf.pdf", "truncated.pdf", "encrypted.pdf")]
    assert sum(_sections_as_pyhanko(opened(p.read_bytes())) for p in paths) > 100


def _reference_arrays(light):
    """The arrays of a light copy that hold two references or more and nothing else."""
    if isinstance(light, dict):
        for value in light.values():
            yield from _reference_arrays(value)
    elif isinstance(light, list):
        if len(light) > 1 and all(type(v) is quickread.Ref for v in light):
            yield light
        for value in light:
            yield from _reference_arrays(value)


def test_a_run_of_references_written_again_is_read_once():
    """50/2026/NĐ-CP's signing tool writes its structure tree's largest arrays of references
    anew on every save, in the same bytes as before (59,000 references read in all, 22,000 of
    them in distinct runs): the index reads each such run once for the whole document, and
    the versions share what it read."""
    reader = opened(need_shared(REALDOCS / "50-2026-ND-CP.pdf").read_bytes())
    refs = [ref for light in usages._document(reader).objects.values()
            for array in _reference_arrays(light) for ref in array]
    assert len(refs) > 40_000
    assert len({id(ref) for ref in refs}) < len(refs) / 2


def test_a_run_of_references_read_again_gives_what_reading_it_alone_gives():
    runs: dict = {}
    one, two = b"<</Nums[0[12 0 R 13 0 R]]>> ", b"<</Nums[0[12 0 R 13 0 R] 1[14 0 R]]/K[12 0 R 13 0 R]>> "
    first, _, _ = quickread.read_value(quickread._Text(one, runs), 0, strict=False)
    again, targets, _ = quickread.read_value(quickread._Text(two, runs), 0, strict=False)
    alone, alone_targets, _ = quickread.read_value(quickread._Text(two), 0, strict=False)
    assert _shape(again) == _shape(alone) and targets == alone_targets
    assert all(a is b for a, b in zip(first["/Nums"][1], again["/Nums"][1]))
    assert all(a is b for a, b in zip(first["/Nums"][1], again["/K"]))  # a dictionary's value too
    again["/Nums"][1].append(quickread.Ref((15, 0)))  # each copy's array is its own
    assert len(first["/Nums"][1]) == 2 and len(again["/K"]) == 2
    for _ in range(2):  # object 0 is pyHanko's to read, however often it comes
        with pytest.raises(quickread.Unread):
            quickread.read_value(quickread._Text(b"[1 0 R 0 0 R] ", runs), 0, strict=False)


def test_an_entry_read_again_gives_what_reading_it_alone_gives():
    """The texts of one reader share the entries they read (a structure element repeats its
    type, its page, its parent): the same bytes give the same key and value, arrays copied."""
    shared = quickread._Text(b"", {}, {})
    one = b"<</Type/StructElem/S/Span/Pg 7 0 R/K[ 0]/Lang(vi)/A true>> "
    two = b"<</S/Span/Pg 7 0 R/K[ 0]/Lang(vi)/Type/StructElem/A true/B 1.5>> "
    first, first_targets, _ = quickread.read_value(quickread._Text(one, shared.runs, shared.entries), 0, strict=False)
    again, targets, _ = quickread.read_value(quickread._Text(two, shared.runs, shared.entries), 0, strict=False)
    alone, alone_targets, _ = quickread.read_value(quickread._Text(two), 0, strict=False)
    assert _shape(again) == _shape(alone) and list(again) == list(alone) and targets == alone_targets == [(7, 0)]
    assert again["/Pg"] is first["/Pg"] and again["/Type"] is first["/Type"]  # read once
    assert again["/K"] == first["/K"] and again["/K"] is not first["/K"]  # each copy's array is its own
    assert first_targets == [(7, 0)]
    for _ in range(2):  # object 0 is pyHanko's to read, however often it comes
        with pytest.raises(quickread.Unread):
            quickread.read_value(quickread._Text(b"<</P 0 0 R>> ", shared.runs, shared.entries), 0, strict=False)
    with pytest.raises(quickread.Unread):  # a repeated key in a strict reader, read before or not
        quickread.read_value(quickread._Text(b"<</S/Span/S/Span>> ", shared.runs, shared.entries), 0, strict=True)


def test_an_array_past_the_depth_limit_is_left_to_pyhanko_before_it_is_read():
    """Whatever the array holds (here a number Python will not convert), and whether its
    spelling was read before in a shallower place or not."""
    deep = b"<</A" * (quickread.MAX_DEPTH - 1) + b"<</K[" + b"9" * 5000 + b"]>>" + b">>" * quickread.MAX_DEPTH + b" "
    with pytest.raises(quickread.Unread):
        quickread.read_value(quickread._Text(deep), 0, strict=False)
    shared = quickread._Text(b"", {}, {})
    quickread.read_value(quickread._Text(b"<</K[ 0]>> ", shared.runs, shared.entries), 0, strict=False)
    deep = b"<</A" * (quickread.MAX_DEPTH - 1) + b"<</K[ 0]>>" + b">>" * quickread.MAX_DEPTH + b" "
    with pytest.raises(quickread.Unread):
        quickread.read_value(quickread._Text(deep, shared.runs, shared.entries), 0, strict=False)
