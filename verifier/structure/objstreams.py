"""Object streams read one way by every reader, in what was written after the first signature.

An object stream's header lists (object number, offset) pairs; a cross-reference entry of type 2
names the stream and an index into that list. Readers resolve such an entry two ways: PDFium
(Chrome, most desktop viewers) and poppler take the pair at the index, and nothing unless it
names the object; pyHanko, kyso's raw reader (verifier.pdf.layout) and MuPDF look the number up
in the header and take its first pair. When the stream lists the object once, at the index its
entry names, the two are the same object. Otherwise they need not be: a stream listing a page
twice, the signed page first and a forged one at the index the entry names, shows the forgery
in Chrome while pyHanko's difference analysis sees the signed page unchanged
(docs/attacks.md, "Leniency carried past the signature").

Bytes written after the first signed revision are read strictly, whatever leniency the signed
original needs:

- every object stream such a revision writes lists each object number once, each of them named
  by a type-2 entry of that revision or written as the body its entry names (a reader that
  rebuilds the cross-reference from the object streams finds the others), its header holds the
  /N pairs it declares and every object in it reads (OBJECT_STREAM_DUPLICATE,
  OBJECT_STREAM_UNREFERENCED, OBJECT_STREAM_MALFORMED);
- every type-2 entry such a revision writes, and every older one whose object stream such a
  revision rewrites, names the index at which its stream lists its object, the only place it
  lists it; a re-pointing into an object stream of the signed revisions is held to the same
  rule (OBJECT_STREAM_CONFLICT).

In the revisions the first signature covers, a type-2 entry whose two readings differ is
reported for information (OBJECT_STREAM_CONFLICT_IN_ORIGINAL, a warning): the signer signed
both copies, and which one their viewer showed cannot be told from the bytes; so is a header
there that does not parse (a number written as a real, which PDFium truncates and pyHanko
compares as it is: OBJECT_STREAM_MALFORMED_IN_ORIGINAL, a warning). An entry written
again after signing exactly as the revision before had it (stream body included) keeps that
revision's reading and its judgement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from verifier.pdf import rawpdf
from verifier.pdf.layout import Layout, Section

_STREAM_KEYWORD = re.compile(rb"stream(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")


@dataclass
class _Header:
    """An object stream as one revision resolves it."""

    pairs: list[tuple[int, int]] = field(default_factory=list)  # (number, offset), in header order
    positions: dict[int, list[int]] = field(default_factory=dict)  # number -> indices listing it
    problem: str | None = None  # why it cannot be read as an object stream
    decoded: bytes = b""
    first: int = 0


def check(layout: Layout, first_signed: int | None) -> list[tuple[str, dict]]:
    reading = _Reading(layout)
    found: list[tuple[str, dict]] = []
    for section in layout.sections:
        after = first_signed is not None and section.index > first_signed
        found += _section(reading, section, after)
    return found


def _parts(section: Section) -> list[Section]:
    return [section] if section.hybrid is None else [section, section.hybrid]


class _Reading:
    """Object stream headers, read once per stream body (revisions share bodies)."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self._by_body: dict[int, _Header] = {}
        self._asked: dict[tuple[int, int], _Header] = {}
        self._named: dict[int, list[tuple[int, int]]] | None = None

    def named(self) -> dict[int, list[tuple[int, int]]]:
        """Object stream -> (section index, number) of every type-2 entry naming it."""
        if self._named is None:
            self._named = {}
            for section in self.layout.sections:
                for part in _parts(section):
                    for num, (stream, _) in part.compressed.items():
                        self._named.setdefault(stream, []).append((section.index, num))
        return self._named

    def header(self, index: int, stream: int) -> _Header:
        key = (index, stream)
        if key not in self._asked:  # asked once per entry of the revision
            self._asked[key] = self._header(index, stream)
        return self._asked[key]

    def _header(self, index: int, stream: int) -> _Header:
        loc = self.layout.location(index, stream)
        if loc is None:
            return _Header(problem=f"object {stream} is not defined")
        if not isinstance(loc, int):
            return _Header(problem=f"object {stream} is itself stored in object stream {loc.obj_stream_id}")
        if loc not in self._by_body:
            try:
                self._by_body[loc] = self._read(index, stream)
            except Exception as exc:  # a hostile dictionary (/N through a broken reference, say)
                self._by_body[loc] = _Header(problem=f"object stream {stream} cannot be read ({type(exc).__name__}: {exc})")
        return self._by_body[loc]

    def _read(self, index: int, stream_num: int) -> _Header:
        from pyhanko.pdf_utils import generic

        # fetched and decoded once with the layout's reading of the same stream
        stream, decoded = self.layout.fetch_object_stream(index, stream_num)
        if isinstance(stream, Exception):  # unreadable here is unreadable for the readers that follow the entry too
            exc = stream
            return _Header(problem=f"object {stream_num} cannot be read ({type(exc).__name__}: {exc})")
        if not isinstance(stream, generic.StreamObject) or stream.get("/Type") != "/ObjStm":
            return _Header(problem=f"object {stream_num} is not an object stream")
        count, first = stream.get("/N"), stream.get("/First")
        if not isinstance(count, int) or not isinstance(first, int) or count < 0 or first < 0:
            return _Header(problem=f"object stream {stream_num} has no valid /N and /First")
        if isinstance(decoded, Exception):
            exc = decoded
            return _Header(problem=f"object stream {stream_num} cannot be decoded ({type(exc).__name__}: {exc})")
        header = _Header(decoded=decoded, first=int(first))
        header.pairs, whole = _pairs(self.layout, index, stream_num, decoded, int(count), int(first))
        if not whole:
            header.problem = f"the header of object stream {stream_num} lists {len(header.pairs)} of the {count} objects it declares"
        for i, (num, _) in enumerate(header.pairs):
            header.positions.setdefault(num, []).append(i)
        return header


def _pairs(layout: Layout, index: int, stream: int, decoded: bytes, count: int, first: int):
    """The header's pairs that end before /First (rawpdf.object_stream_pairs): those the
    layout read from the same bytes when the last of them ends there."""
    objects = layout.object_stream_reading(index, stream)
    if isinstance(objects, rawpdf.ObjectStream) and objects.header_end is not None and objects.header_end <= first \
            and objects.count == count and objects.data == decoded:
        return list(objects.pairs), objects.whole
    return rawpdf.object_stream_pairs(decoded, count, first)


def _section(reading: _Reading, section: Section, after: bool) -> list[tuple[str, dict]]:
    layout = reading.layout
    revision = layout.revision_number(section.index)
    entries: dict[int, tuple[int, int]] = {}
    for part in _parts(section):
        entries.update(part.compressed)
    own = dict(entries)
    if not after:
        found = [("OBJECT_STREAM_CONFLICT_IN_ORIGINAL", params) for params in
                 _conflicts(reading, section.index, revision, entries)]
        # a header no reader reads alike (a number written as a real: PDFium truncates it,
        # pyHanko compares it as it is; red team): which object the signer's viewer showed from
        # it cannot be told either
        for stream in sorted({s for s, _ in entries.values()}):
            header = reading.header(section.index, stream)
            if header.problem is not None:
                found.append(("OBJECT_STREAM_MALFORMED_IN_ORIGINAL",
                              {"revision": revision, "stream": stream, "reason": header.problem}))
        return found

    # the object streams this revision writes, and the older entries that now read from them
    written = {num for part in _parts(section) for num in part.entries}
    pointing = _pointing_into(reading, section.index, written)
    streams = {num for num in written if _declares_object_stream(layout, section.index, num)}
    streams |= {stream for stream, _ in pointing.values()}
    entries = {**pointing, **entries}
    entries = {num: at for num, at in entries.items() if not _unchanged(layout, section.index, num, *at)}

    found: list[tuple[str, dict]] = []
    conflicts = _conflicts(reading, section.index, revision, entries)
    found += [("OBJECT_STREAM_CONFLICT", params) for params in conflicts]
    reported = {(p["object"], p["stream"]) for p in conflicts}
    for stream in sorted(streams | {s for s, _ in entries.values()}):
        header = reading.header(section.index, stream)
        if header.problem is not None:
            found.append(("OBJECT_STREAM_MALFORMED", {"revision": revision, "stream": stream, "reason": header.problem}))
            continue
        if stream not in streams:
            continue  # an older stream: its own revision's reading, judged with it
        for num, at in sorted(header.positions.items()):
            if len(at) > 1 and (num, stream) not in reported:
                found.append(("OBJECT_STREAM_DUPLICATE", {"revision": revision, "stream": stream, "object": num,
                                                          "listed": _indices(at)}))
            if own.get(num, (None, None))[0] != stream and not _copy_of_named(layout, section.index, header, num, at[0]):
                # what a reader rebuilding the cross-reference from the object streams finds
                # (MuPDF's repair does), the way an orphaned body is (UNREFERENCED_OBJECT)
                found.append(("OBJECT_STREAM_UNREFERENCED", {"revision": revision, "stream": stream, "object": num,
                                                             "index": at[0]}))
        for reason in _unreadable_objects(header, _known_ends(layout, section.index, stream, header)):
            found.append(("OBJECT_STREAM_MALFORMED", {"revision": revision, "stream": stream, "reason": reason}))
    return found


def _conflicts(reading: _Reading, index: int, revision: int, entries: dict[int, tuple[int, int]]) -> list[dict]:
    """The entries whose index reading and first-copy reading differ. (An entry naming the first
    of several copies is read alike by both; a stream written after signing that lists an object
    twice is OBJECT_STREAM_DUPLICATE.)"""
    found = []
    for num, (stream, ix) in sorted(entries.items()):
        header = reading.header(index, stream)
        if header.problem is not None:
            continue  # no reader reads an object from it (OBJECT_STREAM_MALFORMED after signing)
        at = header.positions.get(num, [])
        if at and at[0] == ix:
            continue
        held = header.pairs[ix][0] if 0 <= ix < len(header.pairs) else "—"
        found.append({"revision": revision, "object": num, "stream": stream, "index": ix,
                      "held": held, "listed": _indices(at) if at else "—"})
    return found


def _known_ends(layout: Layout, index: int, stream: int, header: _Header) -> dict[int, int]:
    """Where the dictionaries and arrays the layout already read from the same bytes end, by
    where they start: each of them parses (an object stream the layout reads has only objects
    that parse, rawpdf.ObjectStream)."""
    objects = layout.object_stream_reading(index, stream)
    if not isinstance(objects, rawpdf.ObjectStream) or objects.data != header.decoded:
        return {}
    data = objects.data
    return {start: objects.ends[num] for num, start in objects.starts.items() if data.startswith((b"<<", b"["), start)}


def _unreadable_objects(header: _Header, known: dict[int, int]) -> list[str]:
    """What a strict reader refuses in the objects of a stream: a value that does not parse, a
    stream (which an object stream cannot hold) or a bare reference. `known`: the ends of
    dictionaries and arrays known to parse, by start."""
    problems = []
    for i, (num, offset) in enumerate(header.pairs):
        pos = rawpdf.skip(header.decoded, header.first + offset)
        # a dictionary or array rawpdf recognises parses (rawpdf.value_end): nothing to build
        end = known.get(pos)
        if end is None and header.decoded.startswith((b"<<", b"["), pos):
            end = rawpdf.value_end(header.decoded, pos)
        if end is None:
            try:
                value = rawpdf.parse_value(header.decoded, pos)
            except (rawpdf.RawSyntaxError, ValueError, IndexError) as exc:
                problems.append(f"object {num} (index {i}) cannot be read: {exc}")
                continue
            if isinstance(value, rawpdf.Ref):
                problems.append(f"object {num} (index {i}) is a bare reference")
                continue
            end = value.end
        if _STREAM_KEYWORD.match(header.decoded, rawpdf.skip(header.decoded, end)):
            problems.append(f"object {num} (index {i}) is a stream, which an object stream cannot hold")
    return problems


def _copy_of_named(layout: Layout, index: int, header: _Header, num: int, ix: int) -> bool:
    """Whether the stream's copy of `num` is written as the body its entry names is: pyHanko's
    writer puts a new /Info both in the object stream and in an uncompressed body, which the
    entry names; a reader finding either reads the same."""
    named = layout.value(index, num)
    if named is None:
        return False
    try:
        copy = rawpdf.parse_value(header.decoded, rawpdf.skip(header.decoded, header.first + header.pairs[ix][1]))
    except (rawpdf.RawSyntaxError, ValueError, IndexError):
        return False
    return rawpdf.same_value(copy, named, header.decoded, layout.value_data(index, num))


def _declares_object_stream(layout: Layout, index: int, num: int) -> bool:
    loc = layout.location(index, num)
    if not isinstance(loc, int):
        return False
    obj = layout.object_at(loc)
    if not isinstance(obj, rawpdf.IndirectObject) or not isinstance(obj.value, rawpdf.Dict):
        return False
    kind = obj.value.get("/Type")
    return isinstance(kind, rawpdf.Name) and kind.value == "/ObjStm"


def _pointing_into(reading: _Reading, index: int, streams: set[int]) -> dict[int, tuple[int, int]]:
    """The entries in effect at section `index` (older ones included) that name one of `streams`."""
    if not streams:
        return {}
    layout = reading.layout
    named = reading.named()
    candidates = {num for stream in streams for section, num in named.get(stream, ()) if section <= index}
    out = {}
    for num in candidates:
        loc = layout.location(index, num)
        if loc is not None and not isinstance(loc, int) and loc.obj_stream_id in streams:
            out[num] = (loc.obj_stream_id, loc.ix_in_stream)
    return out


def _unchanged(layout: Layout, index: int, num: int, stream: int, ix: int) -> bool:
    """Whether the revision before resolved `num` to the same index of the same stream body."""
    if index == 0:
        return False
    before = layout.location(index - 1, num)
    return (before is not None and not isinstance(before, int)
            and (before.obj_stream_id, before.ix_in_stream) == (stream, ix)
            and layout.location(index - 1, stream) == layout.location(index, stream))


def _indices(at: list[int]) -> str:
    return ", ".join(map(str, at))
