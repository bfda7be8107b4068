"""kyso reads content streams in one pass; it must give exactly pypdf's operations (same types,
same values, same string bytes), and hand pypdf every stream it does not read plainly."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REALDOCS, SAMPLES, need_shared


@pytest.fixture(autouse=True)
def _quiet():
    logging.disable(logging.WARNING)  # pypdf warns on every malformed generated stream
    yield
    logging.disable(logging.NOTSET)


def same(a, b) -> bool:
    from pypdf.generic import ByteStringObject, DictionaryObject, TextStringObject

    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, DictionaryObject):
        return list(a.keys()) == list(b.keys()) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (TextStringObject, ByteStringObject)):
        return a == b and a.original_bytes == b.original_bytes
    return a == b


def pypdf_operations(data: bytes):
    from pypdf.generic import ContentStream

    stream = ContentStream(None, None)
    stream.set_data(data)
    return stream.operations


def check(data: bytes) -> bool:
    """read(data) is pypdf's reading when it reads; True when it read."""
    from verifier.pdf import contentops

    ours = contentops.read(data)
    if ours is None:
        return False
    assert same(ours, pypdf_operations(data)), data[:200]
    return True


def content_streams(path):
    """Every page's content and every form XObject and appearance stream under pages and the form."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, StreamObject

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    seen: set[int] = set()
    out: list[bytes] = []

    def visit(obj, depth=0):
        obj = obj.get_object()
        if depth > 40 or id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, StreamObject) and obj.get("/Subtype") == "/Form":
            out.append(obj.get_data())
        if isinstance(obj, DictionaryObject):
            for k, v in obj.items():
                if k not in ("/Parent", "/P"):
                    visit(v, depth + 1)
        elif isinstance(obj, ArrayObject):
            for v in obj:
                visit(v, depth + 1)

    for page in reader.pages:
        if page.get("/Contents") is not None:
            out.append(ContentStream(page["/Contents"], reader).get_data())
        for key in ("/Resources", "/Annots"):
            if page.get(key) is not None:
                visit(page[key])
    return out


def test_every_sample_stream_reads_as_pypdf_reads_it():
    read = total = 0
    for path in sorted(SAMPLES.glob("*.pdf")):
        try:
            streams = content_streams(path)
        except Exception:  # not a PDF, truncated, encrypted with a password
            continue
        for data in streams:
            total += 1
            read += check(data)
    # the fast path is the rule on what the sample tools write, marked content included
    assert total > 100 and read == total


def test_real_streams_read_as_pypdf_reads_them():
    read = total = 0
    for path in sorted(need_shared(REALDOCS).glob("*.pdf")):
        budget = 60_000  # bytes of content per document, both readers: the suite's time is counted
        for data in content_streams(path):
            if budget <= 0:
                break
            budget -= len(data)
            total += 1
            read += check(data)
    assert total > 100 and read / total > 0.95


@pytest.mark.parametrize("data", [
    b"BT /F1 12 Tf (a\\777b) Tj ET",  # octal overflow: pypdf keeps the backslash and the digits
    b"BT (a\\\r\nb\\\n\rc\\qd\\)\\(e) Tj ET",  # escaped line breaks, an unknown escape
    b"BT <4 1 a> Tj <> Tj [<00411>-3.5(x)] TJ ET",  # odd hex digits, empty, mixed arrays
    b"/P <</MCID 0 /ActualText (\\376\\377\\000N)>> BDC EMC",
    b"1 0 0 1 72 720 cm true Tj null Tj 1e5 Tw .5 -.5 +3 5. Td",  # keywords at top level are operators
    b"% DSBlank\n",  # iText's blank appearance layer
    b"1 %c\r\n2%d\r3 re %e",  # comments between operands, each ended by one end-of-line byte
])
def test_plain_edge_cases_read_as_pypdf(data):
    assert check(data)


@pytest.mark.parametrize("data", [
    b"1,5 Tw",  # pypdf's number runs over the comma
    b"/A#20B gs",  # a name escape
    b"1 0 R Tj",  # an indirect reference, which pypdf cannot resolve here
    b"<< /A 1 >> stream\nxx\nendstream",
    b"BI /W 1 /H 1 ID \x00 EI",
    b"[1 2",
    b"[1 true] TJ",
    b"[1 %c\n 2] TJ",  # a comment inside an array
    b"<< /A 1 /A 2 >> BDC",
    b"(a(b)c) Tj",  # nested parentheses
    b"1 w\x0b2 w",
    b"1 w 2",  # a number at the very end
    b"BT /F1 12 Tf (abc" ,
])
def test_anything_else_is_pypdfs(data):
    from verifier.pdf import contentops

    assert contentops.read(data) is None


_TOKENS = st.sampled_from([
    b"0", b"12", b"-3.5", b".5", b"+7", b"5.", b"1,2", b"1.2.3", b"-", b"1e3",
    b"/F1", b"/A#41", b"/", b"/a.b", b"/\xc3\xa9",
    b"(x)", b"(a\\(b)", b"(\\101\\0)", b"(\\777)", b"(a\\\r\nb)", b"(\\q)", b"(a(b)c)", b"()", b"(\\", b"(\xff\xfe\x00a)",
    b"<>", b"<41>", b"<4 1 2>", b"<zz>", b"<<", b">>", b"<< /A 1 >>", b"<< /K [1 2] /S /P >>",
    b"[", b"]", b"[1 (a) <41>]", b"[/A [1]]",
    b"Tj", b"TJ", b"T*", b"'", b'"', b"BT", b"ET", b"BDC", b"BI", b"true", b"null", b"R", b"Tj\x00",
    b"%c\n", b"{", b"}", b")", b"1 0 R", b"stream",
])
_SPACE = st.sampled_from([b" ", b"\n", b"\r\n", b"\t", b"\x00", b"\x0b", b"\x0c", b""])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_TOKENS, _SPACE), max_size=30))
def test_generated_streams_read_as_pypdf_or_go_to_it(parts):
    data = b"".join(t + s for t, s in parts)
    from verifier.pdf import contentops

    ours = contentops.read(data)
    if ours is None:
        return
    assert same(ours, pypdf_operations(data)), data


_PLAIN = st.sampled_from([
    b"0", b"-3.5", b".5", b"+7", b"/F1", b"(x)", b"(a\\(b\\))", b"(\\101\\0\\777)", b"(a\\\r\nb)", b"(\\q\\n)",
    b"<4 1 2>", b"<< /K [1 (a)] /S /P >>", b"[1 (a) <41> [/A]]", b"Tj", b"TJ", b"T*", b"'", b"BDC", b"true",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_PLAIN, st.sampled_from([b" ", b"\n", b"\r\n", b"\x0c"])), max_size=30))
def test_generated_plain_streams_read_as_pypdf(parts):
    data = b"".join(t + s for t, s in parts) + b" n"
    assert check(data)


def test_the_operations_of_recent_streams_are_given_again():
    """The passes of one verification read the same page content: the same bytes give the same
    (read-only) operations without a second reading, bytes of another value their own, and a
    stream past MAX_RECENT_BYTES is read each time."""
    from verifier.pdf import contentops

    data = b"BT /F1 12 Tf 72 720 Td (kept) Tj ET"
    first = contentops.operations_in(data)
    assert contentops.operations_in(bytes(bytearray(data))) is first
    assert [(list(o), op) for o, op in first] == [(list(o), op) for o, op in contentops.read(data)]
    assert contentops.operations_in(data.replace(b"kept", b"else")) is not first
    large = b"0 0 m\n" * (contentops.MAX_RECENT_BYTES // 6 + 1)
    assert contentops.operations_in(large) is not contentops.operations_in(large)
