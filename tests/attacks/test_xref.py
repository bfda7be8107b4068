"""Cross-reference tricks: parser differentials and chains pyHanko refuses.

A /Prev chain that loops, a hybrid section whose classic table and /XRefStm stream disagree, a
trailer that names /Root twice: two readers build two different documents from the same bytes,
or pyHanko gives up. Each is INVALID with a finding saying which; genuine hybrid files (as Word
writes them) and their updates stay valid.
"""

from __future__ import annotations

import struct

import pytest

from tests.attacks import kit

HARMLESS_INFO = b"<< /Title (Ke hoach 45) >>"


def test_a_prev_chain_pointing_at_itself(approval, trust):
    forged = kit.append_update(approval, [], prev=9_999_999_999)
    xref_at = forged.index(b"xref\n", len(approval))
    forged = forged.replace(b"/Prev 9999999999", b"/Prev %010d" % xref_at)
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert "XREF_PREV_LOOP" in kit.codes(report)


def test_a_prev_chain_looping_through_two_updates(approval, trust):
    first = kit.append_update(approval, [], prev=9_999_999_999)
    first_xref = first.index(b"xref\n", len(approval))
    second = kit.append_update(first, [], prev=first_xref, info=kit.trailer_info(approval))
    second_xref = second.index(b"xref\n", len(first))
    forged = second.replace(b"/Prev 9999999999", b"/Prev %010d" % second_xref)
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    assert "XREF_PREV_LOOP" in kit.codes(report)


def _xref_stream(num: int, rows: dict[int, tuple[int, int, int]], size: int, at: int) -> bytes:
    """An uncompressed cross-reference stream object (W [1 4 2]) listing `rows`."""
    nums = sorted(rows)
    data = b"".join(struct.pack(">BIH", *rows[n]) for n in nums)
    index = b" ".join(b"%d 1" % n for n in nums)
    return b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        num, size, index, len(data), data)


def hybrid_update(signed: bytes, bodies: list[tuple[int, bytes]], table: dict, stream: dict,
                  trailer_extra: bytes = b"") -> bytes:
    """An update with a classic table and an /XRefStm stream, as Word-made files have.
    `table` and `stream` map object numbers to 'body:<index>' (the offset of bodies[index]),
    'free' or 'free0' (a free entry covering generation 0)."""
    root, size, ids = kit.trailer_info(signed)
    out = bytearray(signed)
    offsets = []
    for num, body in bodies:
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    stream_num = max([size - 1] + [n for n, _ in bodies]) + 1
    new_size = stream_num + 1

    def entry(spec):
        if spec.startswith("body:"):
            return (1, offsets[int(spec[5:])], 0)
        return (0, 0, 1 if spec == "free0" else 65535)

    stream_at = len(out)
    out += _xref_stream(stream_num, {n: entry(v) for n, v in stream.items()}, new_size, stream_at)
    xref_at = len(out)
    rows = {}
    for n, spec in table.items():
        kind, off, gen = entry(spec)
        rows[n] = (off, gen, "n" if kind == 1 else "f")
    out += kit.xref_table(rows)
    out += b"trailer\n<< /Size %d /Root %s /Prev %d %s /XRefStm %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        new_size, root, kit.last_startxref(signed), ids, stream_at, trailer_extra, xref_at)
    return bytes(out)


@pytest.fixture(scope="module")
def numbers(approval):
    _, size, _ = kit.trailer_info(approval)
    return {"info": size, "content": kit.page_content_ref(approval)}


def test_a_genuine_hybrid_update_stays_valid(approval, numbers, trust):
    """Table and stream agree (Word lists compressed objects only in the stream)."""
    forged = hybrid_update(approval, [(numbers["info"], HARMLESS_INFO)],
                           table={numbers["info"]: "body:0"}, stream={numbers["info"]: "body:0"},
                           trailer_extra=b"/Info %d 0 R" % numbers["info"])
    report = kit.verify(forged, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert report.hybrid_xref and "HYBRID_XREF" in kit.codes(report)


def test_table_and_stream_point_one_object_to_two_bodies(approval, numbers, trust):
    """The table (read by pyHanko and pre-1.5 readers) gives the signed content, the stream
    (read first by some readers) gives the forged one."""
    honest = kit.raw_object(approval, numbers["content"])
    honest_body = honest[honest.index(b"obj") + 3: honest.rindex(b"endobj")].strip()
    forged = hybrid_update(approval, [(numbers["content"], honest_body), (numbers["content"], kit.stream_body(kit.FORGED_OPS))],
                           table={numbers["content"]: "body:0"}, stream={numbers["content"]: "body:1"})
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    conflict = next(f for f in report.findings if f.code == "HYBRID_XREF_CONFLICT")
    assert conflict.params["object"] == numbers["content"] and conflict.params["revision"] == 3


def test_a_free_table_entry_hiding_what_the_stream_holds(approval, numbers, trust):
    """The table frees generation 0 of the content object (pyHanko then reads nothing), the
    stream gives it a forged body."""
    forged = hybrid_update(approval, [(numbers["content"], kit.stream_body(kit.FORGED_OPS))],
                           table={numbers["content"]: "free0"}, stream={numbers["content"]: "body:0"})
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    assert "HYBRID_XREF_CONFLICT" in kit.codes(report)


def test_a_trailer_naming_root_twice(approval, trust):
    """pyHanko takes the first /Root (the signed catalog); a reader taking the last one opens
    whatever catalog the forger wrote."""
    root = kit.reader(approval).root_ref.idnum
    _, size, _ = kit.trailer_info(approval)
    forged = kit.append_update(approval, [(size, b"<< /Type /Catalog /Pages 2 0 R >>")],
                               trailer_extra=b"/Root %d 0 R" % size)  # after the genuine /Root
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    conflict = next(f for f in report.findings if f.code == "TRAILER_KEY_CONFLICT")
    assert conflict.params["key"] == "/Root" and conflict.params["values"] == f"{root} 0 R, {size} 0 R"


def test_repeated_info_after_signing_is_a_strict_deviation_introduced_later(approval, trust):
    _, size, _ = kit.trailer_info(approval)
    forged = kit.append_update(approval, [(size, HARMLESS_INFO), (size + 1, b"<< /Title (Khac) >>")],
                               trailer_extra=b"/Info %d 0 R /Info %d 0 R" % (size, size + 1))
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    assert "TRAILER_DUPLICATE_KEY" in kit.codes(report)
    assert "STRICT_PARSE_DEVIATION_AFTER_SIGNING" in kit.codes(report)


def test_a_page_naming_its_contents_twice(approval, trust):
    """pyHanko (non-strict) takes the first /Contents, other readers the last."""
    page = kit.page_ref(approval)
    _, size, _ = kit.trailer_info(approval)
    page_dict = kit.raw_dict(approval, page)
    page_dict = page_dict[: page_dict.rindex(b">>")] + b" /Contents %d 0 R >>" % size
    forged = kit.append_update(approval, [(size, kit.stream_body(kit.FORGED_OPS)), (page, page_dict)])
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    conflict = next(f for f in report.findings if f.code == "DICT_KEY_CONFLICT")
    assert conflict.params["object"] == page and conflict.params["key"] == "/Contents"
