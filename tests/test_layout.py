"""The structure checks find object headers outside referenced bodies (objects no xref section
points to); kyso reads each `obj` keyword backwards, and must find exactly the headers a
forward regular-expression search finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REALDOCS, SAMPLES, need_shared
from verifier.pdf.layout import HEADER, find_headers


def forward(data: bytes) -> list[tuple[int, int, int]]:
    return [(m.start(), int(m.group(1)), int(m.group(2))) for m in HEADER.finditer(data)]


def test_headers_of_every_sample_and_real_document():
    files = sorted(SAMPLES.glob("*.pdf")) + sorted(need_shared(REALDOCS).glob("*.pdf"))
    found = 0
    for path in files:
        data = path.read_bytes()
        assert list(find_headers(data)) == forward(data), path.name
        found += len(forward(data))
    assert found > 1000


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([b"1", b"23", b"0", b" ", b"\n", b"\r\n", b"\x00", b"\t", b"obj", b"objx", b"obj/",
                                 b"endobj", b"x", b"/", b"(", b"%", b"<", b"R", b"\x0b", b"9" * 30]), max_size=40))
def test_headers_of_generated_bytes(parts):
    data = b"".join(parts)
    assert list(find_headers(data)) == forward(data)
