"""kyso's reader parses each object stream header once, and its tokenizer (verifier/patches/tokens.py)
reads strings, names and tokens in one step; both must read exactly what pyHanko's own code reads,
object by object, in both parsing modes. The suite runs with the changes installed (conftest)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REALDOCS, need_shared


def canon(obj):
    if isinstance(obj, dict):
        return type(obj).__name__, sorted((k, repr(v)) for k, v in obj.items()), getattr(obj, "encoded_data", None)
    if type(obj).__repr__ is object.__repr__:  # e.g. NullObject: only its type says anything
        return type(obj).__name__
    return type(obj).__name__, repr(obj)


@pytest.mark.parametrize("name", ["duthaototrinh-luat-ks.pdf", "49-2026-ND-CP.pdf", "385.signed.signed.pdf"])
def test_every_compressed_object_reads_the_same(name):
    from pyhanko.pdf_utils.reader import PdfFileReader

    from verifier.pdf.reader import NEVER_DEFINED, KysoPdfFileReader

    data = (need_shared(REALDOCS) / name).read_bytes()
    plain = PdfFileReader(io.BytesIO(data), strict=False)
    ours = KysoPdfFileReader(io.BytesIO(data), strict=False)
    from pyhanko.pdf_utils.generic import Reference

    compared = 0
    for idnum in range(1, plain.trailer["/Size"]):
        try:
            expected = plain.get_object(Reference(idnum, 0))
        except Exception as exc:  # pyHanko's verdict on a broken object must be ours too
            with pytest.raises(type(exc)):
                ours.get_object(Reference(idnum, 0))
            continue
        assert canon(ours.get_object(Reference(idnum, 0))) == canon(expected), idnum
        compared += 1
    assert compared > 100


def _outcome(fn, data: bytes):
    stream = io.BytesIO(data)
    try:
        value = fn(stream)
    except Exception as exc:
        return "raises", type(exc).__name__, str(exc)
    return type(value).__name__, bytes(value.original_bytes), stream.tell()


_hexish = st.lists(
    st.one_of(
        st.sampled_from([b"0", b"7", b"a", b"F", b"f", b" ", b"\n", b"\r\n", b"\x00", b"\x0c", b"\t"]),
        st.sampled_from([b"%comment\n", b"%", b"g", b"<", b")", b"\xff", b">>", b"feff00"]),
        st.integers(min_value=1, max_value=20_000).map(lambda n: b"0a" * n),  # up to 40,000 digits: past the 32 KB read-ahead
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(body=_hexish, closed=st.booleans(), after=st.sampled_from([b"", b" /Next 1", b">"]))
def test_hex_strings_read_exactly_as_pyhanko_reads_them(body, closed, after):
    """The one-step hex decoder gives pyHanko's value, type and stream position, or its error."""
    from verifier.patches import tokens

    data = b"<" + b"".join(body) + (b">" if closed else b"") + after
    assert _outcome(tokens.read_hex_string, data) == _outcome(tokens._pyhanko_read_hex, data)


def test_pyhanko_reads_hex_strings_through_kyso():
    """Every object pyHanko parses in this process takes the one-step decoder."""
    from pyhanko.pdf_utils import generic

    from verifier.patches import tokens

    assert generic.read_hex_string_from_stream is tokens.read_hex_string
    value = generic.read_object(io.BytesIO(b"<</Contents <3031 32>>>"), generic.Reference(1, 0))
    assert value["/Contents"] == "012"


_literalish = st.lists(
    st.one_of(
        st.sampled_from([b"a", b"Z", b" ", b"\n", b"\r\n", b"\x00", b"\xfe\xff", b"\x1e\xa1", b"%", b"<", b">"]),
        st.sampled_from([b"(", b")", b"()", b"\\", b"\\n", b"\\)", b"\\(", b"\\\\", b"\\101", b"\\7", b"\\\n", b"\\q",
                         b"\\8", b"\\18", b"\\400", b"\\377", b"\\1234", b"\\\r", b"\\\r\n", b"\\\n\r\n", b"\\t",
                         b"\\b", b"\\f", b"\\#", b"\\ ", b"\\000"]),
        st.integers(min_value=17_000, max_value=40_000).map(lambda n: b"x" * n),  # past the 32 KB read-ahead
    ),
    max_size=12,
)


@settings(max_examples=250, deadline=None)
@given(body=_literalish, closed=st.booleans(), after=st.sampled_from([b"", b" /Next 1", b")"]))
def test_literal_strings_read_exactly_as_pyhanko_reads_them(body, closed, after):
    """The one-step literal reader gives pyHanko's bytes and stream position, or its error."""
    from verifier.patches import tokens

    def outcome(fn, data):
        stream = io.BytesIO(data)
        try:
            value = fn(stream)
        except Exception as exc:
            return "raises", type(exc).__name__, str(exc)
        return value, stream.tell()

    data = b"(" + b"".join(body) + (b")" if closed else b"") + after
    assert outcome(tokens.read_literal_bytes, data) == outcome(tokens._pyhanko_read_literal, data)


def test_pyhanko_reads_literal_strings_through_kyso():
    from pyhanko.pdf_utils import generic

    from verifier.patches import tokens

    assert generic._read_string_literal_bytes is tokens.read_literal_bytes
    value = generic.read_object(io.BytesIO(b"<</Reason (s\\(i\\)gned) /M (D:2022)>>"), generic.Reference(1, 0))
    assert value["/Reason"] == "s(i)gned" and value["/M"] == "D:2022"


@pytest.mark.parametrize("name", ["385.signed.signed.pdf", "19-bkhcn.pdf"])
def test_object_history_is_pyhankos(name):
    """The revision that introduced each object and the last that changed it, remembered,
    are pyHanko's answers, failures included, asked twice; except that the revision which
    introduced a reference to nothing is NEVER_DEFINED, not a KeyError."""
    from pyhanko.pdf_utils.generic import Reference
    from pyhanko.pdf_utils.reader import PdfFileReader

    from verifier.pdf.reader import NEVER_DEFINED, KysoPdfFileReader

    data = (need_shared(REALDOCS) / name).read_bytes()
    plain = PdfFileReader(io.BytesIO(data), strict=False).xrefs
    ours = KysoPdfFileReader(io.BytesIO(data), strict=False).xrefs
    assert ours.total_revisions > 1
    assert {"get_last_change", "get_introducing_revision"} <= set(vars(ours))  # kyso's remembered lookups
    asked = 0
    for _ in range(2):
        for idnum in range(1, plain.get_xref_container_info(plain.total_revisions - 1).size + 2):
            for generation in (0, 1):
                ref = Reference(idnum, generation)
                for lookup in ("get_last_change", "get_introducing_revision"):
                    try:
                        expected = getattr(plain, lookup)(ref)
                    except KeyError:
                        if lookup == "get_introducing_revision":  # a reference to nothing: see NEVER_DEFINED
                            assert getattr(ours, lookup)(ref) == NEVER_DEFINED
                            continue
                        with pytest.raises(KeyError):
                            getattr(ours, lookup)(ref)
                        continue
                    assert getattr(ours, lookup)(ref) == expected
                    asked += 1
    assert asked > 100


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"A", b"z", b"0", b".", b"-", b"_", b"#20", b"#4", b"#zz", b"#", b"\x00", b"\x80", b"\xc3\xa9",
                                 b" ", b"(", b"~", b"!"]), max_size=12))
def test_names_decode_exactly_as_pyhanko_decodes_them(parts):
    from verifier.patches import tokens

    raw = b"".join(parts)

    def outcome(fn):
        try:
            value = fn(raw)
        except Exception as exc:
            return "raises", type(exc).__name__, str(exc)
        return type(value).__name__, str(value)

    assert outcome(tokens.decode_name) == outcome(tokens._pyhanko_decode_name)


def test_pyhanko_decodes_names_through_kyso():
    from pyhanko.pdf_utils import generic

    from verifier.patches import tokens

    assert generic._decode_name is tokens.decode_name
    assert generic.read_object(io.BytesIO(b"/Type"), generic.Reference(1, 0)) == "/Type"


_token_bytes = st.lists(st.sampled_from([b"a", b"Type", b"0", b"#", b"\x80", b"x" * 70, b" ", b"\n", b"\x00", b"/", b"(",
                                         b">", b"]", b"%", b"}"]), max_size=10)


@settings(max_examples=300, deadline=None)
@given(before=_token_bytes, after=_token_bytes)
def test_tokens_end_exactly_where_pyhanko_ends_them(before, after):
    """A token is read to the first whitespace or delimiter and the stream left on it, as
    pyHanko does, whatever the token's length (the reader takes chunks) or the end of data."""
    from pyhanko.pdf_utils import misc

    from verifier.patches import tokens

    data, start = b"".join(before + after), len(b"".join(before))
    ours, theirs = io.BytesIO(data), io.BytesIO(data)
    ours.seek(start)
    theirs.seek(start)
    assert tokens.read_until_delimiter(ours) == misc.read_until_delimiter(theirs)
    assert ours.tell() == theirs.tell()


def test_pyhanko_reads_names_and_operators_through_kyso():
    from pyhanko.pdf_utils import generic

    from verifier.patches import tokens

    assert generic.read_until_delimiter is tokens.read_until_delimiter
    stream = io.BytesIO(b"/" + b"N" * 100 + b"/Next")
    assert generic.read_object(stream, generic.Reference(1, 0)) == "/" + "N" * 100
    assert stream.read() == b"/Next"


_reference_bytes = st.lists(st.sampled_from([b"0", b"1", b"7", b"12", b"0" * 70, b" ", b"\n", b"\r", b"\t", b"\x0b", b"\x0c",
                                             b"\x00", b"R", b"%c\n", b"-", b"a", b"/", b"]"]), max_size=9)


def _reference_outcome(fn, data: bytes):
    from pyhanko.pdf_utils import generic

    stream = io.BytesIO(data)
    try:
        value = fn(stream, generic.Reference(1, 0))
    except Exception as exc:
        return "raises", type(exc).__name__
    return value.idnum, value.generation, stream.tell()


@settings(max_examples=400, deadline=None)
@given(parts=_reference_bytes)
def test_references_read_exactly_as_pyhanko_reads_them(parts):
    """`N G R` read in one match gives pyHanko's numbers and stream position, or its error,
    whatever the whitespace (vertical tab and NUL are not the same whitespace to pyHanko's two
    loops), comments, object 0 or the end of the data."""
    from verifier.patches import tokens

    for data in (b"".join(parts), b"5 0 R" + b"".join(parts), b"".join(parts) + b" 3 0 R]", b" 12\x0b0\x00R"):
        assert _reference_outcome(tokens.read_reference, data) == _reference_outcome(tokens._pyhanko_read_reference, data)


def test_pyhanko_reads_references_through_kyso():
    from pyhanko.pdf_utils import generic

    from verifier.patches import tokens

    assert generic.IndirectObject.read_from_stream is tokens.read_reference
    stream = io.BytesIO(b"[12 0 R 13\n0\rR]")
    assert [(r.idnum, r.generation) for r in generic.read_object(stream, generic.Reference(1, 0))] == [(12, 0), (13, 0)]


_array_items = st.lists(st.sampled_from([b"12 0 R", b"7 0 R", b"0 0 R", b"3", b"007", b"-4", b"2.5", b"1 2", b"/N", b"(s)",
                                         b"<</A 1 0 R>>", b"[5 0 R]", b" ", b"\n", b"\r\n", b"\x00", b"\x0b", b"\x0c", b"%c\n",
                                         b"R", b"9" * 12, b"123456 00000 R", b"12 0\x0bR", b"12 0 \x00R", b"12\x0b0 R"]),
                        max_size=12)


def _array_outcome(fn, data: bytes):
    from pyhanko.pdf_utils import generic

    container = generic.Reference(1, 0)
    stream = io.BytesIO(data)
    try:
        value = fn(stream, container)
    except Exception as exc:
        return "raises", type(exc).__name__

    def shape(v):
        if isinstance(v, generic.IndirectObject):
            return ("ref", v.idnum, v.generation, v.container_ref is container)
        if isinstance(v, list):
            return [shape(x) for x in v]
        return (type(v).__name__, repr(v), getattr(v, "container_ref", None) is container)

    return shape(value), stream.tell()


@settings(max_examples=500, deadline=None)
@given(items=_array_items, closed=st.booleans(), after=st.sampled_from([b"", b" 5 0 R", b"R", b" /Next"]))
def test_arrays_read_exactly_as_pyhanko_reads_them(items, closed, after):
    """An array's references and integers read by matches give pyHanko's elements (types,
    values, container), stream position and errors: whitespace pyHanko's two readers see
    differently, comments, object 0, a reference past the 20 bytes pyHanko peeks at, floats,
    nested arrays and dictionaries, the end of the data."""
    from verifier.patches import tokens

    data = b"[" + b" ".join(items) + (b"]" if closed else b"") + after
    assert _array_outcome(tokens.read_array, data) == _array_outcome(tokens._pyhanko_read_array, data)


def test_pyhanko_reads_arrays_through_kyso():
    from pyhanko.pdf_utils import generic

    from verifier.patches import tokens

    assert generic.ArrayObject.read_from_stream is tokens.read_array
    value = generic.read_object(io.BytesIO(b"[1 0 R 2 3 0 R /N]"), generic.Reference(1, 0))
    assert [type(v).__name__ for v in value] == ["IndirectObject", "NumberObject", "IndirectObject", "NameObject"]


def _objstm_file(header: bytes) -> bytes:
    """A one-page file whose page, object 3, is in object stream 7 at index 1, the stream's
    header being `header` (two entries, each a page dictionary naming another content)."""
    b0 = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>\n"
    b1 = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 5 0 R>>\n"
    head = header.replace(b"@", b"%d" % len(b0)) + b"\n"
    out, offsets = bytearray(b"%PDF-1.7\n"), {}

    def obj(n, body):
        offsets[n] = len(out)
        out.extend(b"%d 0 obj\n%s\nendobj\n" % (n, body))

    for n in (4, 5):
        obj(n, b"<</Length 2>>stream\nq Q\nendstream")
    stm = head + b0 + b1
    obj(7, b"<</Type/ObjStm/N 2/First %d/Length %d>>stream\n" % (len(head), len(stm)) + stm + b"\nendstream")
    obj(1, b"<</Type/Catalog/Pages 2 0 R>>")
    obj(2, b"<</Type/Pages/Kids[3 0 R]/Count 1>>")
    xref = len(out)
    rows = [(0, 0, 65535), (1, offsets[1], 0), (1, offsets[2], 0), (2, 7, 1), (1, offsets[4], 0), (1, offsets[5], 0),
            (0, 0, 0), (1, offsets[7], 0), (1, xref, 0)]
    table = b"".join(bytes([t]) + a.to_bytes(4, "big") + b.to_bytes(2, "big") for t, a, b in rows)
    out += (b"8 0 obj\n<</Type/XRef/W[1 4 2]/Size 9/Root 1 0 R/Length %d>>stream\n" % len(table) + table
            + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)


@pytest.mark.parametrize("header", [b"3.5 0 3 @", b"3.0 0 3 @", b"3 0 3 @", b"9 0 3 @.0"])
@pytest.mark.parametrize("strict", [False, True])
def test_object_stream_headers_read_exactly_as_pyhanko_reads_them(header, strict):
    """A header number written as a real (red team): pyHanko compares it with the object's
    number as it is, so `3.5` is no object 3 (PDFium reads it as 3), `3.0` is; an offset written
    as a real fails in both."""
    from pyhanko.pdf_utils.generic import Reference
    from pyhanko.pdf_utils.reader import PdfFileReader

    from verifier.pdf.reader import KysoPdfFileReader

    data = _objstm_file(header)

    def read(reader_class):
        try:
            return canon(reader_class(io.BytesIO(data), strict=strict).get_object(Reference(3, 0)))
        except Exception as exc:  # noqa: BLE001 - the failure is what is compared
            return type(exc).__name__, str(exc)

    assert read(KysoPdfFileReader) == read(PdfFileReader)


def test_a_signed_object_stream_header_read_two_ways_is_said():
    """Signed with `3.5 0 3 @` as its page's object stream header: PDFium shows the page at
    index 0, pyHanko and kyso the one at index 1. Both are signed, and which one the signer saw
    cannot be told: a warning, as for the other two readings of a signed object stream."""
    from tests.attacks import kit

    report = kit.verify(kit.sign(_objstm_file(b"3.5 0 3 @")), kit.trust())
    assert report.verdict == "VALID", kit.explain(report)
    [said] = [f for f in report.findings if f.code == "OBJECT_STREAM_MALFORMED_IN_ORIGINAL"]
    assert said.severity == "warning" and said.params["stream"] == 7
    plain = kit.verify(kit.sign(_objstm_file(b"9 0 3 @")), kit.trust())
    assert not [f for f in plain.findings if f.code.startswith("OBJECT_STREAM")], kit.explain(plain)
