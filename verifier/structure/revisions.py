"""Every byte of the file belongs to a revision a reader parses, and every object body to an xref
entry.

pyHanko reads a file from its last `startxref` backwards through /Prev and never looks at bytes
no xref entry points to. Incremental-saving attacks (docs/attacks.md, ISA) put content exactly there:
objects appended without an xref section, a second body of an object number in an update, junk
after `%%EOF`. Other readers do see such bytes (they rebuild a broken xref by scanning for
`N G obj`), so they are where a forged page can hide from the verifier. The rules:

1. One `%%EOF` (outside object bodies) per revision, and each stretch of bytes closed by a
   `%%EOF` holds exactly the xref sections of one revision (a Word-made hybrid file writes one
   per revision too). A linearized file's first-page and main sections are one revision
   (verifier.pdf.linearized, recognised from its linearization dictionary): one `%%EOF` after
   the main section ends it, and the first-page section may have its own, which ends nothing.
2. Nothing but whitespace after the last `%%EOF`.
3. No `N G obj` outside the bodies xref entries point to; no body inside another body. An
   orphaned body in the unsigned original (the revisions before the first signed one: what the
   signer saw and signed) is reported for information; re-pointing an entry at it after
   signing is rule 4's XREF_POINTS_OUTSIDE_REVISION.
4. After the first signed revision, each revision is exactly: the objects its own xref section
   lists (at offsets inside its own bytes, object streams of its own), that xref table and
   trailer or xref stream, `startxref` with that section's offset, `%%EOF`; between them only
   whitespace and comments (`%iText-5.5.5` is normal). An entry pointing back into older bytes
   re-points or un-frees a signed body (the shadow attacks), unless it repeats exactly what the
   previous revision already said for that object. Its cross-reference section reads strictly,
   whatever leniency the signed original needs (docs/attacks.md, "Leniency carried past the
   signature"); its object streams are verifier.structure.objstreams's.
"""

from __future__ import annotations

import io
import re

from verifier.pdf import rawpdf
from verifier.pdf.layout import Layout, Section

EOF_WHITESPACE = b" \t\r\n\x00\x0c"
_STARTXREF = re.compile(rb"startxref[\x00\t\n\x0c\r ]+(\d+)")


def check(layout: Layout, first_signed: int | None) -> list[tuple[str, dict]]:
    found: list[tuple[str, dict]] = []
    found += _tail(layout)
    found += _eof_count(layout)
    unreferenced = list(layout.headers())
    signed_revision = layout.revision_number(first_signed) if first_signed is not None else None
    for offset, num, gen in unreferenced:
        revision = _revision_at(layout, offset)
        # an editor that rewrote an object in place of saving incrementally leaves the old body
        # behind; in the bytes the signer signed (and saw) that is untidy, not hidden content
        original = revision is not None and signed_revision is not None and revision < signed_revision
        found.append(("UNREFERENCED_OBJECT_IN_ORIGINAL" if original else "UNREFERENCED_OBJECT",
                      {"object": f"{num} {gen}", "offset": offset, "revision": revision}))
    found += _overlaps(layout)
    if first_signed is not None:
        known = {offset: _body_end(layout, offset) for offset, _, _ in unreferenced}
        for section in layout.sections[first_signed + 1:]:
            found += _tile(layout, section, known)
    return found


def _tail(layout: Layout) -> list[tuple[str, dict]]:
    data = layout.data
    end = data.rfind(b"%%EOF")
    if end < 0:
        return []
    extra = len(data[end + 5:].strip(EOF_WHITESPACE))
    return [("BYTES_AFTER_EOF", {"count": extra, "offset": end + 5})] if extra else []


def _eof_count(layout: Layout) -> list[tuple[str, dict]]:
    if len(layout.eofs) != layout.revisions:
        return [("EOF_COUNT_MISMATCH", {"eofs": len(layout.eofs), "revisions": layout.revisions,
                                        "offsets": layout.eofs[:20]})]
    found = []
    for region, (start, end) in enumerate(layout.regions):
        if layout.revision_of_region(region) is None:
            holding = sorted({layout.revision_number(s.index) for s in layout.sections
                              if layout.section_region[s.index] == region})
            found.append(("REVISION_MALFORMED", {"revision": region + 1, "start": start, "end": end,
                                                 "reason": f"these bytes hold the xref sections of revisions {holding or 'none'}"}))
    return found


def _revision_at(layout: Layout, offset: int) -> int | None:
    region = layout.region_of(offset)
    if region is None:
        return None
    revision = layout.revision_of_region(region)
    return None if revision is None else layout.revision_number(revision)


def _revision_at_object(layout: Layout, revision: int, num: int) -> int | None:
    loc = layout.location(revision, num)
    return _revision_at(layout, loc) if isinstance(loc, int) else None


def _body_end(layout: Layout, offset: int) -> int:
    try:
        return rawpdf.read_indirect(layout.data, offset).end
    except (rawpdf.RawSyntaxError, ValueError, IndexError):
        end = layout.data.find(b"endobj", offset)
        return end + 6 if end >= 0 else offset + 1


def _overlaps(layout: Layout) -> list[tuple[str, dict]]:
    """An xref entry pointing into another object's body (into a stream's data, say) makes a
    body out of bytes that were signed as something else."""
    found = []
    bodies = sorted({(obj.start, obj.end, obj.num) for obj in layout._objects.values()
                     if isinstance(obj, rawpdf.IndirectObject)})
    reach = (-1, -1, None)
    for start, end, num in bodies:
        if start < reach[1]:
            found.append(("OBJECTS_OVERLAP", {"object": num, "offset": start, "inside": reach[2]}))
        if end > reach[1]:
            reach = (start, end, num)
    return found


def _tile(layout: Layout, section: Section, known: dict[int, int]) -> list[tuple[str, dict]]:
    """Account for every byte of a revision after the first signed one."""
    data = layout.data
    revision = layout.revision_number(section.index)  # as reports count them
    region = layout.section_region[section.index]
    if region is None:
        return [("REVISION_MALFORMED", {"revision": revision, "start": section.start, "end": section.start,
                                        "reason": "its xref section lies after the last %%EOF"})]
    start, end = layout.regions[region]
    found: list[tuple[str, dict]] = []
    spans: list[tuple[int, int, str]] = []

    def malformed(reason: str, at: int) -> None:
        found.append(("REVISION_MALFORMED", {"revision": revision, "start": at, "end": end, "reason": reason}))

    # the bodies this section lists (a hybrid section's table and stream often list the same
    # ones), and its xref stream objects
    bodies = section.offsets()
    for part in (section, section.hybrid):
        if part is not None and part.kind in ("STREAM", "HYBRID_STREAM"):
            bodies.setdefault(part.start, part.stream_ref)
    for offset, (num, gen) in sorted(bodies.items()):
        if not start <= offset < end:
            # listing an unchanged object again (as some writers do) changes nothing; pointing
            # it at any other older body does
            if layout.location(section.index - 1, num, gen) != offset:
                found.append(("XREF_POINTS_OUTSIDE_REVISION", {"revision": revision, "object": f"{num} {gen}", "offset": offset,
                                                               "target_revision": _revision_at(layout, offset)}))
            continue
        obj = layout.object_at(offset)
        if not isinstance(obj, rawpdf.IndirectObject):
            malformed(f"object {num} at byte {offset} cannot be read: {obj}", offset)
            continue
        if (obj.num, obj.gen) != (num, gen):
            malformed(f"the xref entry of object {num} {gen} points to object {obj.num} {obj.gen}", offset)
        for problem in obj.problems:
            malformed(f"object {num}: {problem}", offset)
        spans.append((obj.start, obj.end, f"object {num}"))
    # an object stream of an older revision would bring back objects signed as unused
    own_streams = set(section.entries) | (set(section.hybrid.entries) if section.hybrid else set())
    for part in (section, section.hybrid):
        for num, (stream, index) in sorted(part.compressed.items()) if part is not None else ():
            before = layout.location(section.index - 1, num)
            unchanged = before is not None and not isinstance(before, int) and \
                (before.obj_stream_id, before.ix_in_stream) == (stream, index)
            if stream not in own_streams and not unchanged:
                found.append(("XREF_POINTS_OUTSIDE_REVISION", {"revision": revision, "object": f"{num} 0",
                                                               "offset": f"object stream {stream}",
                                                               "target_revision": _revision_at_object(layout, section.index, stream)}))
    for offset, body_end in known.items():
        if start <= offset < end:
            spans.append((offset, body_end, "unreferenced object"))

    for problem in _strict_xref(layout, section):
        malformed(f"its cross-reference section does not read strictly: {problem}", section.start)

    # the xref section itself, then startxref and %%EOF
    if section.kind in ("STANDARD", "HYBRID_MAIN"):
        if not data.startswith(b"xref", section.startxref):
            malformed(f"startxref points to byte {section.startxref}, where no xref table begins", section.startxref)
        if section.trailer is None:
            malformed("its trailer cannot be read", section.end)
            return found
        section_end = section.trailer.end
        spans.append((section.startxref, section_end, "xref table and trailer"))
    else:
        obj = layout.object_at(section.start)
        section_end = obj.end if isinstance(obj, rawpdf.IndirectObject) else section.end
        if section.startxref != section.start:
            malformed(f"startxref points to byte {section.startxref}, the xref stream is at {section.start}", section.startxref)
    eof = layout.eofs[region]
    m = _STARTXREF.match(data, rawpdf.skip(data, section_end))
    if m is None or m.start() < section_end:
        malformed("no startxref follows its xref section", section_end)
    else:
        if int(m.group(1)) != section.startxref:
            malformed(f"startxref says {int(m.group(1))}, the section is at {section.startxref}", m.start())
        if rawpdf.WHITESPACE.match(data, m.end()).end() != eof:  # (skip() would eat %%EOF: a comment)
            malformed("the %%EOF marker does not follow startxref", m.end())
        spans.append((m.start(), m.end(), "startxref"))
    spans.append((eof, end, "%%EOF"))

    # what is left between the parts must be whitespace or comments
    pos = start
    for s_start, s_end, what in sorted(set(spans)):
        if s_start < pos:
            malformed(f"{what} at byte {s_start} overlaps what precedes it", s_start)
        elif s_start > pos:
            gap_end = rawpdf.skip(data, pos)
            if gap_end < s_start:
                found.append(("UNEXPLAINED_BYTES", {"revision": revision, "start": gap_end, "end": s_start,
                                                    "preview": _preview(data[gap_end:s_start])}))
        pos = max(pos, s_end)
    if pos < end and rawpdf.skip(data, pos) < end:
        found.append(("UNEXPLAINED_BYTES", {"revision": revision, "start": pos, "end": end,
                                            "preview": _preview(data[pos:end])}))
    return found


def _strict_xref(layout: Layout, section: Section) -> list[str]:
    """What pyHanko's strict reading of this cross-reference section refuses and its lenient one
    lets pass (a table line with an unknown marker or space-padded numbers, a stream with
    trailing or missing bytes), and an object number outside the section's /Size, which readers
    that size their table by it never read. A file whose signed original needs the lenient
    reading is read leniently as a whole; the sections after the first signature are not. (A
    hybrid section's /XRefStm stream pyHanko already reads strictly in either mode.)"""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.xref import parse_xref_stream, parse_xref_table, read_object_header

    buf = io.BytesIO(layout.data)
    buf.seek(section.start)
    try:
        if section.kind in ("STANDARD", "HYBRID_MAIN"):
            entries = list(parse_xref_table(buf, strict=True))
            size = section.trailer.get("/Size") if section.trailer is not None else None
            size = size.value if isinstance(size, rawpdf.Number) else None
        else:
            num, gen = read_object_header(buf, strict=True)
            stream = generic.StreamObject.read_from_stream(buf, generic.Reference(num, gen, layout.reader))
            entries = list(parse_xref_stream(stream, strict=True))
            size = stream.get("/Size")
    except Exception as exc:  # noqa: BLE001 (pyHanko's parsers raise what they meet)
        return [f"{type(exc).__name__}: {exc}"]
    problems = []
    numbers = [e.idnum for e in entries]
    if numbers and isinstance(size, int) and max(numbers) >= size:
        problems.append(f"object {max(numbers)} is listed, but /Size is {size}")
    generations = [e for e in entries if e.generation is not None and e.generation > 0xFFFF]
    if generations:
        problems.append(f"object {generations[0].idnum} has generation {generations[0].generation}")
    return problems


def _preview(raw: bytes) -> str:
    text = raw[:32].decode("latin-1")
    return text + ("…" if len(raw) > 32 else "")
