"""Where each revision of a file lies and what its bytes hold.

pyHanko's reader knows the cross-reference sections it followed (from the last `startxref`
back through /Prev) but not where revisions begin and end, nor what else the bytes contain.
This module joins the two views: the sections as pyHanko parsed them, and the raw bytes
(`rawpdf`) around them: the body of every object an xref entry points to, the `%%EOF` markers
outside those bodies, and so the byte region of each revision. The checks in `revisions`,
`byterange` and `activecontent` read from here; nothing here decides anything.
"""

from __future__ import annotations

import bisect
import io
import re
from dataclasses import dataclass, field

from pyhanko.pdf_utils import generic

from verifier.pdf import linearized, rawpdf

_UNKNOWN = object()
EOF_MARKER = re.compile(rb"%%EOF")
_EOL = re.compile(rb"\r\n|\n|\r")
# A header preceded by a delimiter or whitespace (or the start of the file), not a digit run.
HEADER = re.compile(rb"(?<![^\x00\t\n\x0c\r ()<>\[\]{}/%])" + rawpdf.OBJ_HEADER.pattern)
_OBJ_KEYWORD = re.compile(rb"obj(?!" + rawpdf._REGULAR + rb")")
_SPACE = frozenset(b"\x00\t\n\x0c\r ")
_BEFORE_HEADER = _SPACE | frozenset(b"()<>[]{}/%")


def find_headers(data: bytes):
    """(offset, number, generation) of each match of HEADER, in order, as HEADER.finditer gives
    them. A forward search tries every digit of the file; this one finds each `obj` keyword
    (a literal, found in C) and reads the two numbers backwards from it. The classes of a header
    (digits, whitespace, the keyword) do not overlap, so the backward reading is the only match
    that can end at that keyword, and two headers never overlap."""
    for m in _OBJ_KEYWORD.finditer(data):
        end = m.start()
        spaced = _back(data, end, _SPACE)
        gen_start = _back_digits(data, spaced)
        space_start = _back(data, gen_start, _SPACE)
        num_start = _back_digits(data, space_start)
        if spaced == end or gen_start == spaced or space_start == gen_start or num_start == space_start:
            continue
        if num_start > 0 and data[num_start - 1] not in _BEFORE_HEADER:
            continue
        yield num_start, int(data[num_start:space_start]), int(data[gen_start:spaced])


def _back(data: bytes, pos: int, chars: frozenset) -> int:
    while pos > 0 and data[pos - 1] in chars:
        pos -= 1
    return pos


def _back_digits(data: bytes, pos: int) -> int:
    while pos > 0 and 48 <= data[pos - 1] <= 57:
        pos -= 1
    return pos


@dataclass
class Section:
    """One cross-reference section (a revision's table or stream), as pyHanko read it."""

    index: int  # pyHanko's section index, 0 = oldest (Layout.revision_number gives the report's number)
    kind: str  # STANDARD | STREAM | HYBRID_MAIN | HYBRID_STREAM
    startxref: int  # where `startxref` or /Prev (or /XRefStm) said the section is
    start: int  # where pyHanko found it
    end: int  # where its entries end (a table's trailer follows)
    stream_ref: tuple[int, int] | None
    entries: dict[int, tuple[int, int]]  # in use: number -> (generation, offset)
    compressed: dict[int, tuple[int, int]]  # in an object stream: number -> (stream, index)
    freed: dict[int, int]  # number -> next generation
    hybrid: Section | None = None
    trailer: rawpdf.Dict | None = None  # a table's trailer dictionary as written
    trailer_end: int | None = None  # just past the trailer (or the xref stream's endobj)
    problems: list[str] = field(default_factory=list)

    def offsets(self) -> dict[int, tuple[int, int]]:
        """offset -> (number, generation) of every uncompressed object this section lists."""
        out = {off: (num, gen) for num, (gen, off) in self.entries.items()}
        if self.hybrid is not None:
            out.update(self.hybrid.offsets())
        return out


def _section(index: int, section, data: bytes) -> Section:
    meta, xd = section.meta_info, section.xref_data
    s = Section(
        index=index, kind=meta.xref_section_type.name, startxref=meta.declared_startxref,
        start=meta.start_location, end=meta.end_location,
        stream_ref=(meta.stream_ref.idnum, meta.stream_ref.generation) if meta.stream_ref is not None else None,
        entries=dict(xd.standard_xrefs),
        compressed={n: (loc.obj_stream_id, loc.ix_in_stream) for n, loc in xd.xrefs_in_objstm.items()},
        freed=dict(xd.freed),
    )
    if xd.hybrid is not None:
        s.hybrid = _section(index, xd.hybrid, data)
    if s.kind in ("STANDARD", "HYBRID_MAIN"):
        p = rawpdf.skip(data, s.end)
        if data.startswith(b"trailer", p):
            p = rawpdf.skip(data, p + 7)
        try:
            s.trailer = rawpdf.parse_value(data, p)
            s.trailer_end = s.trailer.end
        except rawpdf.RawSyntaxError as exc:
            s.problems.append(f"unreadable trailer: {exc}")
    return s


class Layout:
    """The sections of a file and the raw bodies of the objects they point to."""

    def __init__(self, data: bytes, reader):
        self.data = data
        self.reader = reader
        xrefs = reader.xrefs
        self.sections = [_section(i, s, data) for i, s in enumerate(xrefs._xref_sections)]
        self._objects: dict[int, rawpdf.IndirectObject | Exception] = {}
        self._objstm: dict[tuple[int, int], rawpdf.ObjectStream | Exception] = {}
        self._objstm_values: dict[tuple[int, int], dict[int, rawpdf.Value] | Exception] = {}
        self._objstm_at: dict[tuple, tuple[int, int]] = {}  # (stream, its location) -> first key read
        self._fetched: dict[tuple[int, int], tuple] = {}
        self._locations: dict[tuple[int, int, int], object] = {}
        self._listed_numbers: dict[int, set[int]] = {}
        self._chains: dict[int, list] = {}
        self._own_compressed: dict[int, dict[int, set[int]]] = {}
        # every offset an xref entry (or a startxref / /XRefStm pointer) gives, and who gave it
        self.referenced: dict[int, tuple[int, int, int]] = {}  # offset -> (num, gen, section)
        for s in self.sections:
            for sec in (s, s.hybrid) if s.hybrid is not None else (s,):
                for off, (num, gen) in sec.offsets().items():
                    self.referenced.setdefault(off, (num, gen, s.index))
                if sec.kind in ("STREAM", "HYBRID_STREAM"):  # the xref stream object itself
                    self.referenced.setdefault(sec.start, (*sec.stream_ref, s.index))
        self.spans: list[tuple[int, int]] = []  # [start, end) of every referenced body, sorted
        for off in sorted(self.referenced):
            obj = self.object_at(off)
            if isinstance(obj, rawpdf.IndirectObject):
                self.spans.append((obj.start, obj.end))
            else:  # unreadable here: a reader that scans on finds the next endobj
                end = data.find(b"endobj", off)
                self.spans.append((off, end + 6 if end >= 0 else off + 1))
        for s in self.sections:
            if s.trailer is not None:
                self.spans.append((s.trailer.start, s.trailer.end))
        self.spans.sort()
        self._merged: list[tuple[int, int]] = []
        for a, b in self.spans:
            if self._merged and a < self._merged[-1][1]:
                self._merged[-1] = (self._merged[-1][0], max(b, self._merged[-1][1]))
            else:
                self._merged.append((a, b))
        self._merged_starts = [a for a, _ in self._merged]
        self.eofs = [m.start() for m in EOF_MARKER.finditer(data) if not self.inside_body(m.start())]
        # a linearized file's first two sections are one revision (verifier.pdf.linearized)
        self.linearization = linearized.detect(data, reader)
        self.numbers = linearized.revision_numbers(data, reader)
        self.revisions = self.numbers[-1] if self.numbers else 0
        self.first_page_eof = self._first_page_eof()
        if self.first_page_eof is not None:
            self.eofs.remove(self.first_page_eof)
        self.regions = self._regions()
        self._region_starts = [start for start, _ in self.regions]
        # which section's xref (table or stream) each region holds: one each in a sound file
        self.section_region = [self.region_of(s.start) for s in self.sections]
        self._region_sections: dict[int, list[int]] = {}
        for index, region in enumerate(self.section_region):
            if region is not None:
                self._region_sections.setdefault(region, []).append(index)

    # --- revisions ------------------------------------------------------------------------

    def revision_number(self, index: int) -> int:
        """The revision (from 1, as reports count) that pyHanko's section `index` belongs to."""
        return self.numbers[index]

    def newest_section(self, index: int) -> int:
        """The last section of the revision that section `index` belongs to: what comes after
        it is a later revision."""
        number = self.numbers[index]
        return max(i for i, n in enumerate(self.numbers) if n == number)

    def _first_page_eof(self) -> int | None:
        """The `%%EOF` that closes a linearized file's first-page section: not the end of a
        revision. Only one, between the two sections; any other marker before the main
        section's stays and is counted."""
        lin = self.linearization
        if lin is None:
            return None
        first, main = self.sections[linearized.FIRST_PAGE], self.sections[linearized.MAIN]
        inner = [e for e in self.eofs if e + 5 <= lin.length]
        if len(inner) == 2 and first.start < inner[0] < main.start:
            return inner[0]
        return None

    # --- objects --------------------------------------------------------------------------

    def object_at(self, offset: int) -> rawpdf.IndirectObject | Exception:
        """The body at an offset some xref entry gives (cached; an exception if unreadable)."""
        if offset not in self._objects:
            section = self.referenced.get(offset, (0, 0, len(self.sections) - 1))[2]
            try:
                self._objects[offset] = rawpdf.read_indirect(
                    self.data, offset, lambda n, g: self._length(n, g, section))
            except (rawpdf.RawSyntaxError, ValueError, IndexError) as exc:
                self._objects[offset] = exc
        return self._objects[offset]

    def _length(self, num: int, gen: int, section: int) -> int | None:
        loc = self.location(section, num, gen)
        if isinstance(loc, int):
            obj = rawpdf.read_indirect(self.data, loc)
            if isinstance(obj.value, rawpdf.Number):
                return int(obj.value.value)
        return None

    def location(self, revision: int, num: int, gen: int = 0):
        """pyHanko's answer: an offset, an ObjStreamRef, or None (free or absent). Remembered:
        the checks ask about the same objects revision after revision."""
        key = (revision, num, gen)
        loc = self._locations.get(key, _UNKNOWN)
        if loc is not _UNKNOWN:
            return loc
        # pyHanko looks the reference up section by section from `revision` back, passing over
        # each section that lists the number nowhere (its try_resolve raises KeyError): the
        # answer is the one for the newest revision that lists it, asked once for all the
        # revisions after it (tests/test_rawscan.py compares with pyHanko's every answer)
        listed = revision
        while listed >= 0 and num not in self._listed(listed):
            listed -= 1
        if listed < 0:
            loc = None
        elif listed != revision:
            loc = self.location(listed, num, gen)
        else:
            loc = self._own_answer(listed, num, gen)
            if loc is _UNKNOWN:  # the section passes it on: pyHanko reads older ones
                try:
                    loc = self.reader.xrefs.get_historical_ref(generic.Reference(num, gen), revision)
                except Exception:
                    loc = None
        self._locations[key] = loc
        return loc

    def _chain(self, index: int) -> list:
        """pyHanko's data of section `index`: its table or stream, then its hybrid stream."""
        chain = self._chains.get(index)
        if chain is None:
            xd = self.reader.xrefs._xref_sections[index].xref_data
            chain = self._chains[index] = []
            while xd is not None:
                chain.append(xd)
                xd = xd.hybrid.xref_data if xd.hybrid is not None else None
        return chain

    def _listed(self, index: int) -> set[int]:
        """Every object number section `index` has an entry for: in use, compressed or free, in
        its table or its hybrid stream."""
        if index not in self._listed_numbers:
            numbers = set()
            for xd in self._chain(index):
                numbers.update(xd.standard_xrefs, xd.xrefs_in_objstm, xd.freed)
            self._listed_numbers[index] = numbers
        return self._listed_numbers[index]

    def own_compressed(self, index: int) -> dict[int, set[int]]:
        """Object stream number -> the objects whose location in section `index` (generation 0)
        is the section's own compressed entry naming that stream: `_own_answer` for all of them
        at once. A check that needs nothing from an object stream whose bytes hold nothing it
        looks for can pass over all these objects without resolving each."""
        if index not in self._own_compressed:
            out: dict[int, set[int]] = {}
            decided: set[int] = set()
            for xd in self._chain(index):
                for num, ref in xd.xrefs_in_objstm.items():
                    if num not in decided:
                        out.setdefault(ref.obj_stream_id, set()).add(num)
                decided.update(xd.xrefs_in_objstm, xd.standard_xrefs)  # in use: an offset, or passed on
                decided.update(num for num, next_gen in xd.freed.items() if next_gen == 1)  # free: None
            self._own_compressed[index] = out
        return self._own_compressed[index]

    def object_stream_reading(self, revision: int, stream_num: int) -> rawpdf.ObjectStream | Exception:
        """Object stream `stream_num` as `value()` reads it in `revision` (or why it cannot)."""
        return self._object_stream(revision, stream_num)

    def _own_answer(self, index: int, num: int, gen: int):
        """What section `index` itself answers for (num, gen), as pyHanko's
        XRefSectionData.try_resolve does for its table or stream and then its hybrid stream: a
        compressed entry for generation 0 first, then an entry in use (of that generation, or
        the section passes the object on to older sections), then a free entry naming the next
        generation (free: None); _UNKNOWN when it passes the object on. Asked of the section's
        data directly, without building a Reference per object (tests/test_rawscan.py compares
        Layout.location with get_historical_ref everywhere)."""
        for xd in self._chain(index):
            if gen == 0:
                compressed = xd.xrefs_in_objstm.get(num)
                if compressed is not None:
                    return compressed
            in_use = xd.standard_xrefs.get(num)
            if in_use is not None:
                return in_use[1] if in_use[0] == gen else _UNKNOWN
            next_gen = xd.freed.get(num)
            if next_gen is not None and gen == next_gen - 1:
                return None
        return _UNKNOWN

    def value(self, revision: int, num: int, gen: int = 0) -> rawpdf.Value | None:
        """The raw value of object `num` as revision `revision` resolves it, or None."""
        loc = self.location(revision, num, gen)
        if loc is None:
            return None
        if isinstance(loc, int):
            obj = self.object_at(loc)
            return obj.value if isinstance(obj, rawpdf.IndirectObject) and obj.num == num else None
        objects = self._object_stream(revision, loc.obj_stream_id)
        return objects.value(num) if isinstance(objects, rawpdf.ObjectStream) else None

    def span(self, revision: int, num: int, gen: int = 0) -> tuple[bytes, int, int] | None:
        """(data, start, end): the bytes `value()` reads object `num` from, found without parsing
        an object stream's objects; None exactly when `value()` is None. A check that looks for
        something only a few objects hold can search these bytes first and parse only the
        objects whose bytes hold it."""
        loc = self.location(revision, num, gen)
        if loc is None:
            return None
        if isinstance(loc, int):
            obj = self.object_at(loc)
            if not isinstance(obj, rawpdf.IndirectObject) or obj.num != num:
                return None
            return (self.data, *obj.value_span)
        objects = self._object_stream(revision, loc.obj_stream_id)
        if not isinstance(objects, rawpdf.ObjectStream):
            return None
        where = objects.span(num)
        return None if where is None else (objects.data, *where)

    def value_data(self, revision: int, num: int, gen: int = 0) -> bytes:
        """The bytes a value of `value()` was read from (the file, or a decoded object stream)."""
        loc = self.location(revision, num, gen)
        if loc is None or isinstance(loc, int):
            return self.data
        objects = self._object_stream(revision, loc.obj_stream_id)
        return objects.data if isinstance(objects, rawpdf.ObjectStream) else b""

    def object_stream(self, revision: int, stream_num: int):
        """The objects of object stream `stream_num` as of `revision`, parsed from its decoded
        data (decoded by pyHanko, with its decompression limits and decryption): a dict by
        number, or the exception reading it raised."""
        key = (revision, stream_num)
        if key not in self._objstm_values:
            objects = self._object_stream(revision, stream_num)
            self._objstm_values[key] = objects.values() if isinstance(objects, rawpdf.ObjectStream) else objects
        return self._objstm_values[key]

    def _object_stream(self, revision: int, stream_num: int) -> rawpdf.ObjectStream | Exception:
        key = (revision, stream_num)
        if key not in self._objstm:
            # the revisions that resolve the stream to the same place read the same bytes: it is
            # decoded and read once for all of them (structure checks ask per revision)
            where = (stream_num, self.location(revision, stream_num))
            same = self._objstm_at.get(where)
            if same is not None:
                self._objstm[key] = self._objstm[same]
                return self._objstm[key]
            self._objstm_at[where] = key
            stream, decoded = self.fetch_object_stream(revision, stream_num)
            try:
                if isinstance(stream, Exception):
                    raise stream
                if isinstance(decoded, Exception):
                    raise decoded
                self._objstm[key] = rawpdf.ObjectStream(decoded, int(stream["/First"]), int(stream["/N"]))
            except Exception as exc:
                self._objstm[key] = exc
        return self._objstm[key]

    def fetch_object_stream(self, revision: int, stream_num: int):
        """(pyHanko's object `stream_num` as of `revision`, its data decoded for an object
        stream), either an exception where reading or decoding failed (the decoded data None
        when there is no object). Fetched once per revision and number for the checks that
        read object streams (here and verifier.structure.objstreams)."""
        key = (revision, stream_num)
        if key not in self._fetched:
            from pyhanko.pdf_utils.decode_limits import DecodePurpose

            try:
                stream = self.reader.get_object(generic.Reference(stream_num, 0), revision=revision)
            except Exception as exc:
                self._fetched[key] = (exc, None)
            else:
                try:
                    self._fetched[key] = (stream, stream.read_data(DecodePurpose.OBJECT_STREAM))
                except Exception as exc:
                    self._fetched[key] = (stream, exc)
        return self._fetched[key]

    # --- byte regions ---------------------------------------------------------------------

    def inside_body(self, pos: int) -> bool:
        """Whether `pos` lies strictly inside a referenced object or trailer (a string or a
        stream's data), where `%%EOF` or `N G obj` are just bytes."""
        i = bisect.bisect_right(self._merged_starts, pos) - 1
        return i >= 0 and self._merged[i][0] < pos < self._merged[i][1]

    def _regions(self) -> list[tuple[int, int]]:
        """[start, end) of the bytes each %%EOF closes (end includes one end of line)."""
        out, start = [], 0
        for pos in self.eofs:
            end = pos + 5
            m = _EOL.match(self.data, end)
            if m:
                end = m.end()
            out.append((start, end))
            start = end
        return out

    def revision_of_region(self, region: int) -> int | None:
        """The section index whose xref lies in the bytes `region` closes (the newer one of a
        linearized file's two), or None unless they are exactly the sections of one revision."""
        sections = self._region_sections.get(region, [])
        if not sections or len({self.numbers[i] for i in sections}) != 1:
            return None
        if sorted(sections) != [i for i, n in enumerate(self.numbers) if n == self.numbers[sections[0]]]:
            return None
        return max(sections)

    def region_of(self, pos: int) -> int | None:
        i = bisect.bisect_right(self._region_starts, pos) - 1
        if i >= 0 and self.regions[i][0] <= pos < self.regions[i][1]:
            return i
        return None

    def headers(self):
        """(offset, number, generation) of every `N G obj` in the file outside referenced bodies
        and not at their start: bodies no xref section points to."""
        starts = {obj.start for obj in self._objects.values() if isinstance(obj, rawpdf.IndirectObject)}
        for pos, num, gen in find_headers(self.data):
            if pos in starts or self.inside_body(pos):
                continue
            yield pos, num, gen

    def table_entries(self, section: Section) -> list[int]:
        """Object numbers of a classic table in the order written (repeats kept), as pyHanko's
        parse_xref_table reads them."""
        numbers = _standard_table_numbers(self.data, section.start)
        if numbers is not None:
            return numbers
        from pyhanko.pdf_utils.xref import parse_xref_table

        stream = io.BytesIO(self.data)
        stream.seek(section.start)
        return [e.idnum for e in parse_xref_table(stream, strict=False)]


# A classic table as ISO 32000-1 §7.5.4 writes it: subsection headers of two plain integers,
# then 20-byte lines `oooooooooo ggggg n` ending in " \r", " \n" or "\r\n", and `trailer`.
_PDF_SPACE = re.compile(rb"[ \n\r\t\f\x00]*")  # pyHanko's read_non_whitespace, comments aside
_TABLE_INTEGER = re.compile(rb"\d+(?![+,\-.0-9])")  # what NumberObject.read_from_stream reads, an integer
_TABLE_LINES = re.compile(rb"(?:\d{10} \d{5} [nf](?: \r| \n|\r\n))*")


def _standard_table_numbers(data: bytes, pos: int) -> list[int] | None:
    """The numbers parse_xref_table(strict=False) yields for the table at `pos`, when the table
    is written as the standard writes it; None for any other table (parse_xref_table reads it).
    On such a table pyHanko's reader reads each subsection's integers where these patterns do,
    takes 20 bytes per line without moving back or forth (a line starts with a digit and ends
    with an end of line), and yields every line (its marker is n or f), numbered from the
    subsection's first number; it stops at `trailer` (tests/test_rawscan.py compares both)."""
    numbers: list[int] = []
    p = _PDF_SPACE.match(data, pos).end()
    while True:
        values = []
        for _ in range(2):
            if data.startswith(b"%", p):
                return None
            m = _TABLE_INTEGER.match(data, p)
            if m is None:
                return None
            values.append(int(m.group()))
            p = _PDF_SPACE.match(data, m.end()).end()
        first, count = values
        end = p + 20 * count
        if end > len(data) or _TABLE_LINES.fullmatch(data, p, end) is None:
            return None
        numbers.extend(range(first, first + count))
        p = _PDF_SPACE.match(data, end).end()
        if p >= len(data) or data.startswith(b"%", p):
            return None
        if data.startswith(b"trailer", p):
            return numbers
