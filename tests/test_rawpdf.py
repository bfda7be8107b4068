"""kyso's raw reader (the second, independent reading of a file's bytes) reads a literal
string without nested parentheses in one substitution; it must give the same bytes, end and
errors as the walk it uses for the rest."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.pdf import rawpdf

PIECES = [b"a", b"(", b")", b"\\", b"\\(", b"\\)", b"\\\\", b"\\n", b"\\r", b"\\t", b"\\b", b"\\f", b"\\101", b"\\777",
          b"\\1234", b"\\8", b"\\q", b"\r", b"\n", b"\r\n", b"\\\r", b"\\\n", b"\\\r\n", b"\xfe\xff", b" ", b"\x00"]


def reading(fn, data: bytes):
    try:
        v = fn(data, 0)
        return v.value, v.hex, v.start, v.end
    except rawpdf.RawSyntaxError as exc:
        return "error", str(exc)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.sampled_from([b")", b") tail", b""]))
def test_literal_strings_read_as_the_walk_reads_them(parts, end):
    data = b"(" + b"".join(parts) + end
    assert reading(rawpdf._parse_literal, data) == reading(rawpdf._walk_literal, data)


def test_a_signers_name_in_utf16_with_escapes():
    data = b"(\\376\\377\\000N\\000g\\001\\260\\036\\335\\000i\\000 \\000k\\000\\375)"
    assert rawpdf._parse_literal(data, 0).value.decode("utf-16") == "Người ký"


def test_names_with_and_without_escapes():
    assert rawpdf.parse_value(b"/Type ", 0).value == "/Type"
    assert rawpdf.parse_value(b"/A#20B/", 0).value == "/A B"
    assert rawpdf.parse_value(b"/a#zz ", 0).value == "/a#zz"  # not an escape: kept as written
    assert rawpdf.parse_value(b"/#41#42 ", 0).value == "/AB"
