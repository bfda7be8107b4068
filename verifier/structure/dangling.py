"""References in the signed bytes to objects the signed bytes do not define.

ISO 32000-1 §7.3.10 makes a reference to an undefined object a reference to null, and tools
write them: LibreOffice's trailer names its /AdditionalStreams by an object number it never
writes, which the signer's tool or a later update may then use for something else. In a
trailer outside the keys a reader uses, such a reference shows nothing, whatever defines its
number later: it is reported for information.

From the document itself it is a slot the signer saw empty. An update after the first
signature that writes an object under that number fills it without changing any signed object:
a page's /Annots naming a missing annotation gains one, and a difference analysis that looks
for changed objects (pyHanko's) sees only a new object nothing changed points to, which it
lets pass. That is an error. Defined by the first signed revision itself, the object is part
of what the signer signed and is not reported.
"""

from __future__ import annotations

from verifier.pdf import rawpdf
from verifier.pdf.layout import Layout, Section
from verifier.structure import rawscan

# the trailer keys readers follow; a dangling /Info, say, changes the properties shown
READER_TRAILER_KEYS = frozenset({"/Root", "/Info", "/Encrypt", "/ID", "/Prev", "/XRefStm", "/Size"})
MAX_DEPTH = 64


def check(layout: Layout, first_signed: int | None) -> list[tuple[str, dict]]:
    if first_signed is None:
        return []
    found: list[tuple[str, dict]] = []
    defined_at = _first_definitions(layout)
    signed = layout.sections[:first_signed + 1]
    seen = set()
    for section in signed:
        trailer = _trailer(layout, section)
        if trailer is None:
            continue
        for key, value in trailer.entries:
            for ref in _refs(value):
                if layout.location(section.index, ref.num, ref.gen) is not None or (key, ref.num, ref.gen) in seen:
                    continue
                seen.add((key, ref.num, ref.gen))  # later trailers repeat what the first said
                where = defined_at.get((ref.num, ref.gen))
                if key in READER_TRAILER_KEYS and where is not None and where > first_signed:
                    found.append(("REFERENCE_RESOLVED_AFTER_SIGNING", {
                        "object": f"trailer {key}", "reference": f"{ref.num} {ref.gen}",
                        "revision": layout.revision_number(where)}))
                    continue
                found.append(("DANGLING_TRAILER_REFERENCE", {
                    "revision": layout.revision_number(section.index), "key": key,
                    "object": f"{ref.num} {ref.gen}",
                    "defined_in": layout.revision_number(where) if where is not None else "none"}))
    # object numbers first defined after signing: usually none, and then nothing is read
    later = {ref: index for ref, index in defined_at.items() if index > first_signed}
    if not later:
        return found
    # only an object whose bytes refer to one of those numbers is parsed (rawscan)
    search = rawscan.ReferenceSearch({num for num, _ in later})
    numbers = _numbers(signed)
    if _streams_refer(layout, signed, first_signed, search):
        asked = sorted(numbers)
    else:
        # an object the signed sections list only in object streams resolves (at the first
        # signed revision, from the newest section that answers for it) into one of the object
        # streams they name, or to nothing; none of those refers to the numbers anywhere
        in_use = {num for section in signed for part in _parts(section) for num in part.entries}
        asked = sorted(ref for ref in numbers if ref[0] in in_use)
    for num, gen in asked:
        span = layout.span(first_signed, num, gen)
        if span is None or not search.may_refer(*span, anywhere=span[0] is not layout.data):
            continue
        value = layout.value(first_signed, num, gen)
        for ref in _refs(value):
            index = later.get((ref.num, ref.gen))
            if index is not None:
                found.append(("REFERENCE_RESOLVED_AFTER_SIGNING", {
                    "object": f"{num} {gen}", "reference": f"{ref.num} {ref.gen}",
                    "revision": layout.revision_number(index)}))
    return found


def _streams_refer(layout: Layout, signed, first_signed: int, search: rawscan.ReferenceSearch) -> bool:
    """Whether an object stream the signed sections name may hold a reference `search` looks
    for, as the first signed revision reads the stream; one whose objects cannot be read holds
    no value at all."""
    streams = {stream for section in signed for part in _parts(section) for stream, _ in part.compressed.values()}
    for stream in sorted(streams):
        objects = layout.object_stream_reading(first_signed, stream)
        if isinstance(objects, rawpdf.ObjectStream) and search.may_refer_anywhere(objects.data, objects.starts.values()):
            return True
    return False


def _parts(section: Section):
    return (section, section.hybrid) if section.hybrid is not None else (section,)


def _numbers(sections) -> set[tuple[int, int]]:
    out = set()
    for section in sections:
        for part in _parts(section):
            out.update((num, gen) for num, (gen, _) in part.entries.items())
            out.update((num, 0) for num in part.compressed)
    return out


def _first_definitions(layout: Layout) -> dict[tuple[int, int], int]:
    """(number, generation) -> index of the first section that gives the object a body."""
    out: dict[tuple[int, int], int] = {}
    for section in layout.sections:
        for ref in _numbers([section]):
            out.setdefault(ref, section.index)
    return out


def _trailer(layout: Layout, section: Section) -> rawpdf.Dict | None:
    if section.trailer is not None:
        return section.trailer
    obj = layout.object_at(section.start)
    if isinstance(obj, rawpdf.IndirectObject) and isinstance(obj.value, rawpdf.Dict):
        return obj.value
    return None


def _refs(value, depth: int = 0):
    if depth > MAX_DEPTH:
        return
    if isinstance(value, rawpdf.Ref):
        yield value
    elif isinstance(value, rawpdf.Dict):
        for _, v in value.entries:
            yield from _refs(v, depth + 1)
    elif isinstance(value, rawpdf.Array):
        for v in value.items:
            yield from _refs(v, depth + 1)
