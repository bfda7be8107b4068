"""Incremental saving attacks (ISA): content appended after a signature.

With a proper update (objects, xref, trailer) pyHanko's difference analysis sees the change and
the layer fails. Appended without an xref section, or after the last %%EOF, or as a second body
of an object number, the bytes are never parsed by pyHanko, which then reports the signature
valid; readers that rebuild the xref by scanning for `N G obj` (as many do with a damaged file)
show them. kyso accounts for every byte instead.
"""

from __future__ import annotations

import pytest

from tests.attacks import kit

FORGED = kit.stream_body(kit.FORGED_OPS)


@pytest.fixture(scope="module", params=["classic xref", "xref stream"])
def signed(request, approval):
    """One approval signature, on a document with classic xref tables or with xref streams."""
    if request.param == "classic xref":
        return approval
    return kit.sign(kit.base_pdf(xref_stream=True))


@pytest.fixture(scope="module")
def two_signatures(certified):
    """P=2 certification, then a visible agency signature in the margin: first and last layer."""
    return kit.sign(certified[2], "agency", "Signature2", box=(380, 120, 540, 170))


def test_the_signed_documents_are_valid(signed, two_signatures, trust):
    assert kit.verify(signed, trust).verdict == "VALID"
    assert kit.verify(two_signatures, trust).verdict == "VALID"


def test_a_proper_update_overriding_the_page_content_fails_the_layer(signed, trust):
    forged = kit.replace_object(signed, kit.page_content_ref(signed), kit.content_stream(kit.FORGED_OPS))
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    layer = report.layers[0]
    assert layer.subindication == "MODIFIED_AFTER_SIGNING"
    assert layer.changes, "the report must say what changed"
    assert "LAYER_FAILED" in kit.codes(report)


APPENDED = {
    # what follows the new object body; each leaves it outside every xref section
    "object only": dict(xref=False),
    "object and xref, no trailer": dict(trailer=False),
    "no startxref": dict(startxref=False),
    "no %%EOF": dict(eof=False),
}


@pytest.mark.parametrize("shape", APPENDED)
def test_objects_appended_without_a_complete_revision(shape, signed, trust):
    forged = kit.append_update(signed, [(kit.page_content_ref(signed), FORGED)], **APPENDED[shape])
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].status == "PASSED"  # pyHanko never reads the appended bytes
    assert "BYTES_AFTER_EOF" in kit.codes(report)
    if shape in ("object only", "object and xref, no trailer", "no startxref"):
        assert "UNREFERENCED_OBJECT" in kit.codes(report)


def test_an_object_appended_with_a_fake_eof_marker(signed, trust):
    """pyHanko cannot read past the fake %%EOF (no startxref before it); kyso verifies the
    revisions before it and says the rest is not covered, rather than calling the file
    unreadable: readers that repair files do show the appended object."""
    forged = kit.append_update(signed, [(kit.page_content_ref(signed), FORGED)], xref=False) + b"%%EOF\n"
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert [l.status for l in report.layers] == ["PASSED"]
    finding = next(f for f in report.findings if f.code == "UNREADABLE_LAST_REVISION")
    assert finding.params["offset"] == len(signed) and finding.params["count"] == len(forged) - len(signed)


def test_an_object_and_a_fake_eof_marker_before_a_real_update(signed, trust):
    """The appended object, a fake %%EOF, then a harmless proper update on top: pyHanko reads
    the update and never the object before it."""
    _, size, _ = kit.trailer_info(signed)
    smuggled = kit.append_update(signed, [(kit.page_content_ref(signed), FORGED)], xref=False) + b"%%EOF\n"
    forged = kit.append_update(smuggled, [(size, b"<< /Title (x) >>")], trailer_extra=b"/Info %d 0 R" % size,
                               prev=kit.last_startxref(signed), info=kit.trailer_info(signed))
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert {"UNREFERENCED_OBJECT", "EOF_COUNT_MISMATCH"} <= kit.codes(report), kit.explain(report)
    unreferenced = next(f for f in report.findings if f.code == "UNREFERENCED_OBJECT")
    assert unreferenced.params["object"] == f"{kit.page_content_ref(signed)} 0"


@pytest.mark.parametrize("junk", [b"hello", b"\x00\x01garbage\xff", b"9 0 obj\n(x)\nendobj\n", b"%%EOF"[1:] + b" trailing comment"])
def test_bytes_after_the_last_eof(junk, signed, trust):
    report = kit.verify(signed + junk, trust)
    assert report.verdict == "INVALID"
    assert "BYTES_AFTER_EOF" in kit.codes(report)


def test_whitespace_after_the_last_eof_is_harmless(signed, trust):
    assert kit.verify(signed + b"\r\n\n  \x00", trust).verdict == "VALID"


def test_a_second_body_of_an_object_number_in_an_update(signed, trust):
    """The update itself is harmless (a new /Info, an allowed metadata change) but also holds a
    second body of the page content's object number that no xref entry lists."""
    _, size, _ = kit.trailer_info(signed)
    content = kit.page_content_ref(signed)
    info = b"<< /Title (Ke hoach 45) >>"
    forged = kit.append_update(signed, [(size, info), (content, FORGED)], listed=[size],
                               trailer_extra=b"/Info %d 0 R" % size)
    report = kit.verify(forged, trust)
    assert report.layers[0].status == "PASSED", kit.explain(report)  # pyHanko sees a metadata update
    assert report.verdict == "INVALID"
    assert "UNREFERENCED_OBJECT" in kit.codes(report)


def test_two_bodies_of_one_number_in_an_update(signed, trust):
    """Both bodies of the content object in one update; the xref lists the first."""
    content = kit.page_content_ref(signed)
    harmless = kit.stream_body(b"BT /F1 12 Tf 72 700 Td (Tong kinh phi: 1.000.000 dong) Tj ET")
    forged = kit.append_update(signed, [(content, harmless), (content, FORGED)])
    # append_update lists the last body; list the first instead by rewriting that entry
    first = forged.index(b"%d 0 obj" % content, len(signed))
    forged = kit.append_update(signed, [(content, harmless), (content, FORGED)],
                               extra_entries={content: (first, 0, "n")})
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    assert "UNREFERENCED_OBJECT" in kit.codes(report)


def test_one_object_listed_twice_in_an_xref_table(signed, trust):
    """Two entries for one number in the same table: pyHanko takes the last, others the first."""
    content = kit.page_content_ref(signed)
    forged = kit.append_update(signed, [(content, FORGED)])
    at = forged.index(b"xref\n", len(signed))
    entry = forged.index(b"%d 1\n" % content, at)
    first = kit.object_offset(signed, content)
    duplicate = b"%d 1\n%010d 00000 n \n" % (content, first)
    forged = forged[:entry] + duplicate + forged[entry:]
    forged = forged[: forged.rindex(b"startxref")] + b"startxref\n%d\n%%%%EOF\n" % at
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    assert "XREF_DUPLICATE_ENTRY" in kit.codes(report), kit.explain(report)


def test_stray_bytes_inside_an_update(signed, trust):
    """A proper update with page operators left between two objects: no object holds them."""
    _, size, _ = kit.trailer_info(signed)
    forged = kit.append_update(signed, [(size, b"<< /Title (x) >>")], trailer_extra=b"/Info %d 0 R" % size)
    cut = forged.index(b"xref\n", len(signed))
    forged = kit.append_update(signed, [(size, b"<< /Title (x) >>")], trailer_extra=b"/Info %d 0 R" % size)
    forged = forged[:cut] + b"BT (hidden) Tj ET\n" + forged[cut:]
    forged = forged.replace(b"startxref\n%d\n" % cut, b"startxref\n%d\n" % (cut + 18))
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    assert "UNEXPLAINED_BYTES" in kit.codes(report), kit.explain(report)


@pytest.mark.parametrize("which", ["first", "last"])
def test_appended_objects_void_every_layer(which, two_signatures, trust):
    forged = kit.append_update(two_signatures, [(kit.page_content_ref(two_signatures), FORGED)], xref=False)
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    assert {"UNREFERENCED_OBJECT", "BYTES_AFTER_EOF"} <= kit.codes(report)
    index = 0 if which == "first" else 1
    assert report.layers[index].status == "PASSED"  # the layers themselves look fine to pyHanko
