"""Attacks on the recognition of linearized files (docs/attacks.md, "Linearized files").

A linearized file's first-page and main sections are one revision (tests/genuine/test_linear.py).
That relaxation must not let anything else through:

- a signed file rewritten linearized by qpdf is a new file: its signature fails;
- an update appended to a linearized file is a later revision, never part of revision 1;
- a dictionary that claims /Linearized with an /L that does not end the main section is no
  linearization: its sections are revisions of their own, and one `%%EOF` for two of them is
  an error again;
- a first-page section that lists an object somewhere else than the main section does (the
  Fast Web View viewer shows page 1 from the first-page section) is LINEARIZED_XREF_CONFLICT;
- the hint stream is never read: wrong hints change nothing.
"""

from __future__ import annotations

import re

import pytest

from tests.attacks import kit
from tests.genuine import linear_kit
from verifier.pdf import linearized


@pytest.fixture(scope="module")
def plain() -> bytes:
    return linear_kit.linearize(kit.base_pdf())


def _set_int(data: bytes, key: bytes, value: int, *, pad: bool = True) -> bytes:
    """Rewrite the first `key N` of the file in place (spaces keep every offset)."""
    m = re.search(re.escape(key) + rb" (\d+)( *)", data)
    width = len(m.group(1)) + len(m.group(2)) if pad else len(m.group(1))
    text = b"%d" % value
    assert len(text) <= width, "no room for the new value"
    return data[:m.start(1)] + text.ljust(width) + data[m.start(1) + width:]


def test_signed_then_linearized_is_invalid(trust):
    """qpdf rewrites every offset: the signed bytes are gone, whatever the file now looks like."""
    rewritten = linear_kit.linearize(kit.sign(kit.base_pdf()))
    assert linearized.detect(rewritten, kit.reader(rewritten)) is not None
    report = kit.verify(rewritten, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].status == "FAILED"


def test_signed_linearized_object_streams_then_linearized_again_is_invalid(trust):
    signed = kit.sign(linear_kit.linearize(kit.base_pdf(), object_streams=True))
    report = kit.verify(linear_kit.linearize(signed, object_streams=True), trust)
    assert report.verdict == "INVALID", kit.explain(report)


def test_update_appended_to_a_signed_linearized_file_is_a_later_revision(trust):
    """The signature is part of the linearized file (Acrobat's full save); content changed in an
    appended update is revision 2, and the signature does not cover it."""
    signed = linear_kit.signed_in_original(kit.base_pdf())
    content = kit.page_content_ref(signed)
    forged = kit.append_update(signed, [(content, kit.stream_body(kit.FORGED_OPS))])
    lin = linearized.detect(forged, kit.reader(forged))
    assert lin is not None and lin.length == len(signed)
    report = kit.verify(forged, trust)
    assert report.revisions == 2
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].status == "FAILED"
    # pyHanko's reason names the sections as it counts them (0, 1, 2); the report, as kyso does
    reason = " ".join(map(str, report.layers[0].changes))
    assert re.findall(r"revision (\d+)", reason) and set(re.findall(r"revision (\d+)", reason)) <= {"1", "2"}, reason


def test_unsigned_update_on_a_linearized_file_then_signed(plain, trust):
    """Not an attack: whoever signs signs the update too; but the update stays revision 2."""
    content = kit.page_content_ref(plain)
    updated = kit.append_update(plain, [(content, kit.stream_body(kit.FORGED_OPS))])
    report = kit.verify(kit.sign(updated), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert report.revisions == 3 and report.layers[0].revision == 3


def test_linearized_claim_with_wrong_length(trust):
    """/L not ending the main section: no linearization, and the one %%EOF that qpdf writes for
    both sections with object streams is an error again."""
    data = linear_kit.linearize(kit.base_pdf(), object_streams=True)
    claimed = _set_int(data, b"/L", len(data) - 40, pad=False)
    assert linearized.detect(claimed, kit.reader(claimed)) is None
    report = kit.verify(kit.sign(claimed), trust)
    assert report.revisions == 3
    assert "EOF_COUNT_MISMATCH" in kit.codes(report)
    assert report.verdict == "INVALID", kit.explain(report)


def test_linearized_claim_covering_an_appended_update(plain, trust):
    """/L set to the end of an update appended later: the update's section lies inside /L but
    is not one of the two linearized sections, so there is no linearization at all."""
    content = kit.page_content_ref(plain)
    updated = kit.append_update(plain, [(content, kit.stream_body(kit.FORGED_OPS))])
    claimed = _set_int(updated, b"/L", len(updated), pad=False)
    assert linearized.detect(claimed, kit.reader(claimed)) is None
    assert linearized.revision_numbers(claimed, kit.reader(claimed)) == [1, 2, 3]


def _shadowed(data: bytes) -> tuple[bytes, int]:
    """The linearized file with a second body of the page's content stream before the main
    section, which lists it too: the first-page section says one place, the main another."""
    content = kit.page_content_ref(data)
    main = data.rindex(b"\nxref\n") + 1
    shadow = b"%d 0 obj\n%s\nendobj\n" % (content, kit.stream_body(kit.FORGED_OPS))
    table_end = data.index(b"trailer", main)
    out = data[:main] + shadow + data[main:table_end] + b"%d 1\n%010d 00000 n \n" % (content, main) + data[table_end:]
    last = out.rindex(b"/Size ")  # the main trailer's: it now lists the content stream too
    out = out[:last] + re.sub(rb"/Size \d+", b"/Size %d" % (content + 1), out[last:], count=1)
    out = _set_int(out, b"/Prev", main + len(shadow))
    return _set_int(out, b"/L", len(out), pad=False), content


def test_first_page_and_main_sections_disagree(plain, trust):
    shadowed, content = _shadowed(plain)
    reader = kit.reader(shadowed)
    assert linearized.detect(shadowed, reader) is not None
    main, first = reader.xrefs._xref_sections[0].xref_data, reader.xrefs._xref_sections[1].xref_data
    assert content in dict(main.standard_xrefs) and content in dict(first.standard_xrefs)
    for data in (shadowed, kit.sign(shadowed)):
        report = kit.verify(data, trust)
        found = [f for f in report.findings if f.code == "LINEARIZED_XREF_CONFLICT"]
        assert found and found[0].params["object"] == content, kit.explain(report)
        assert report.verdict == "INVALID", kit.explain(report)


def test_hint_stream_is_not_read(plain, trust):
    """Hints pointing nowhere, their stream data zeroed: the file is read from its xref
    sections alone, so the verdict and the revisions stay those of the genuine file."""
    m = re.search(rb"/H \[ (\d+) (\d+) \]", plain)
    hint_at = int(m.group(1))
    stream = plain.index(b"stream\n", hint_at) + len(b"stream\n")
    end = plain.index(b"\nendstream", stream)
    broken = plain[:stream] + b"\0" * (end - stream) + plain[end:]
    broken = broken[:m.start(1)] + b"1".rjust(len(m.group(1))) + broken[m.end(1):]
    report = kit.verify(kit.sign(broken), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert report.revisions == 2 and report.layers[0].revision == 2


def test_the_first_page_eof_ends_no_revision(plain):
    """A byte range ending at the first-page section's `%%EOF` signs half a revision."""
    from verifier.pdf.layout import Layout
    from verifier.structure import byterange

    layout = Layout(plain, kit.reader(plain))
    assert layout.first_page_eof is not None and layout.revisions == 1
    assert layout.eofs == [plain.rindex(b"%%EOF")]
    assert byterange._revision_ending_at(layout, layout.first_page_eof + 6) is None
    assert byterange._revision_ending_at(layout, len(plain)) == 1
