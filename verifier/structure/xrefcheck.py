"""Cross-reference data that two conforming readers can read differently (parser differentials).

A signature vouches for bytes; what a reader shows depends on how it resolves them. Where the
standard leaves a choice, or readers are known to choose differently, a forger can show the
signer one document and the relying party another:

- Hybrid-reference files (a classic table with /XRefStm, as MS Word writes them) are normal,
  but when the table and its cross-reference stream both list an object and disagree on it, a
  reader that prefers the table (ISO 32000-1 §7.5.8.4, pyHanko) and one that prefers the stream
  see different objects. Word leaves compressed objects out of the table or marks them free
  with generation 65535, which no reader resolves; that is not a disagreement.
- A classic table listing one object number twice: pyHanko keeps the last line, others the
  first.
- A trailer repeating a key: pyHanko keeps the first, others the last. For /Root, /Prev,
  /XRefStm, /Encrypt and /Size that changes which objects are read at all (an error); for
  /Info or /ID only the document properties differ (19-bkhcn.pdf repeats /Info three times in
  its first, signed revision), which is reported as a warning.
- Any other dictionary repeating a key with different values (a page with two /Contents): an
  error when written after the first signature, a warning in what the signer signed (none of
  the real documents or samples has one).
- A trailer in the signed bytes repeating an older revision's /XRefStm (Acrobat does, on a
  hybrid file) is reported for information; the objects its own table rewrites are not
  disagreements, since every reader takes the table (see _hybrid).
- A linearized file's first-page section and main section (one revision, see
  verifier.pdf.linearized) each list their own objects. Where both list an object in use and
  disagree on where it is, a viewer showing page 1 from the first-page section before the rest
  arrives (Fast Web View) and a reader of the whole file can show different objects: a shadow
  that the signature covers in both readings. A free entry in one of them is not a
  disagreement: every reader starts at the first-page section, which wins.
"""

from __future__ import annotations

from collections import Counter

from verifier.pdf import rawpdf
from verifier.pdf.layout import Layout, Section
from verifier.structure import rawscan

STRUCTURAL_TRAILER_KEYS = frozenset({"/Root", "/Prev", "/XRefStm", "/Encrypt", "/Size"})


def check(layout: Layout, first_signed: int | None) -> list[tuple[str, dict]]:
    found: list[tuple[str, dict]] = []
    suspects: dict = {}
    if layout.linearization is not None:
        found += _linearized(layout)
    for section in layout.sections:
        if section.hybrid is not None:
            signed_part = first_signed is not None and \
                layout.revision_number(section.index) <= layout.revision_number(first_signed)
            found += _hybrid(layout, section, repeat_allowed=signed_part)
        if section.kind in ("STANDARD", "HYBRID_MAIN"):
            found += _repeated_entries(layout, section)
        found += _trailer_keys(layout, section)
        after = first_signed is not None and layout.revision_number(section.index) > layout.revision_number(first_signed)
        found += _object_keys(layout, section, after, suspects)
    return found


def _object_keys(layout: Layout, section: Section, after_signing: bool, suspects: dict) -> list[tuple[str, dict]]:
    found = []
    written = set(section.entries) | set(section.compressed)
    if section.hybrid is not None:
        written |= set(section.hybrid.entries) | set(section.hybrid.compressed)
    # nearly every object repeats no name at all: only the others are parsed (rawscan). The
    # objects the section's own object streams hold are searched stream by stream (`suspects`:
    # the objects of each stream that may repeat a key, found once however many sections read it)
    candidates, owned = set(), set()
    for stream, numbers in layout.own_compressed(section.index).items():
        numbers = numbers - section.entries.keys()  # those are asked for at the table's generation
        owned |= numbers
        objects = layout.object_stream_reading(section.index, stream)
        if isinstance(objects, rawpdf.ObjectStream):  # else no object of it has a value
            candidates |= numbers & _repeat_suspects(objects, suspects)
    for num in written - owned:
        span = layout.span(section.index, num, _generation(section, num))
        if span is not None and rawscan.may_repeat_key(*span):
            candidates.add(num)
    for num in sorted(candidates):
        gen = _generation(section, num)
        value = layout.value(section.index, num, gen)
        if value is None:
            continue
        data = layout.value_data(section.index, num, gen)
        for key, values in rawpdf.duplicate_keys(value):
            if all(rawpdf.same_value(values[0], v, data) for v in values[1:]):
                continue
            params = {"revision": layout.revision_number(section.index), "object": num, "key": key,
                      "values": ", ".join(v.text(data).decode("latin-1")[:40] for v in values)}
            found.append(("DICT_KEY_CONFLICT" if after_signing else "DICT_DUPLICATE_KEY", params))
    return found


def _generation(section: Section, num: int) -> int:
    """The generation the section lists object `num` in use at: its table's (or main stream's)
    entry, else its hybrid stream's (which pyHanko reads when the table does not list the
    number: an object only the /XRefStm stream lists at generation 1 was read at 0, as nothing),
    else 0 (a compressed entry)."""
    for part in (section, section.hybrid):
        if part is not None and num in part.entries:
            return part.entries[num][0]
    return 0


def _repeat_suspects(objects: rawpdf.ObjectStream, cache: dict) -> set[int]:
    known = cache.get(id(objects))
    if known is None or known[0] is not objects:
        data = objects.data
        known = cache[id(objects)] = (objects, {num for num, start in objects.starts.items()
                                                if rawscan.may_repeat_key(data, start, objects.ends[num])})
    return known[1]


def _view(section: Section, num: int):
    if num in section.entries:
        gen, off = section.entries[num]
        return ("in use", gen, off)
    if num in section.compressed:
        stream, index = section.compressed[num]
        return ("compressed", stream, index)
    if num in section.freed:
        return ("free", section.freed[num])
    return None


def _describe(view) -> str:
    if view[0] == "in use":
        return f"in use, generation {view[1]}, at byte {view[2]}"
    if view[0] == "compressed":
        return f"in object stream {view[1]} (index {view[2]})"
    return f"free (next generation {view[1]})"


def _repeated(layout: Layout, section: Section) -> bool:
    """Whether this section's /XRefStm names the cross-reference stream of an earlier section
    (Acrobat repeats the original's in the trailers it writes) rather than one of its own."""
    return any(s.hybrid is not None and s.hybrid.start == section.hybrid.start
               for s in layout.sections[:section.index])


def _hybrid(layout: Layout, section: Section, repeat_allowed: bool = False) -> list[tuple[str, dict]]:
    """`repeat_allowed`: the section belongs to the bytes the first signature covers, where a
    trailer repeating an older /XRefStm is what the signer's own tool wrote. The objects its
    table rewrites then differ from the older stream's entries as they must, and every
    conforming reader takes the table (ISO 32000-1 §7.5.8.4); that is reported for
    information. Written after signing, the same trailer brings an older revision's entries
    back (XREF_POINTS_OUTSIDE_REVISION in verifier.structure.revisions) and stays an error."""
    found = []
    stream = section.hybrid
    repeated = repeat_allowed and _repeated(layout, section)
    overridden = []
    for num in sorted((set(section.entries) | set(section.freed)) & (set(stream.entries) | set(stream.compressed) | set(stream.freed))):
        table, other = _view(section, num), _view(stream, num)
        if table == other:
            continue
        if table[0] == "free" and other[0] != "free":
            # the hybrid convention: the table hides what the stream holds, unless the free
            # entry covers the very generation the stream uses (then pyHanko reads "free")
            used_gen = other[1] if other[0] == "in use" else 0
            if table[1] - 1 != used_gen:
                continue
        if table[0] == "free" and other[0] == "free":
            continue
        if repeated and table[0] == "in use":
            overridden.append(num)
            continue
        found.append(("HYBRID_XREF_CONFLICT", {"revision": layout.revision_number(section.index), "object": num,
                                               "table": _describe(table), "stream": _describe(other)}))
    trailer = section.trailer
    obj = layout.object_at(stream.start)
    if isinstance(trailer, rawpdf.Dict) and isinstance(obj, rawpdf.IndirectObject) and isinstance(obj.value, rawpdf.Dict):
        for key in ("/Root", "/Encrypt") if repeated else ("/Root", "/Encrypt", "/Prev"):
            a, b = trailer.get(key), obj.value.get(key)
            if a is not None and b is not None and not rawpdf.same_value(a, b, layout.data):
                found.append(("HYBRID_XREF_CONFLICT", {"revision": layout.revision_number(section.index), "object": key,
                                                       "table": a.text(layout.data).decode("latin-1"),
                                                       "stream": b.text(layout.data).decode("latin-1")}))
    if repeated:
        found.append(("XREF_STREAM_REPEATED", {"revision": layout.revision_number(section.index), "offset": stream.start,
                                               "objects": ", ".join(map(str, overridden[:20])) or "none"}))
    return found


def _linearized(layout: Layout) -> list[tuple[str, dict]]:
    from verifier.pdf.linearized import FIRST_PAGE, MAIN

    first, main = layout.sections[FIRST_PAGE], layout.sections[MAIN]
    found = []
    for num in sorted((set(first.entries) | set(first.compressed)) & (set(main.entries) | set(main.compressed))):
        a, b = _view(first, num), _view(main, num)
        if a != b:
            found.append(("LINEARIZED_XREF_CONFLICT", {"revision": layout.revision_number(MAIN), "object": num,
                                                       "first_page": _describe(a), "main": _describe(b)}))
    return found


def _repeated_entries(layout: Layout, section: Section) -> list[tuple[str, dict]]:
    try:
        numbers = layout.table_entries(section)
    except Exception:  # pyHanko read this table already; a failure here is not a new finding
        return []
    repeated = sorted(n for n, count in Counter(numbers).items() if count > 1)
    if not repeated:
        return []
    return [("XREF_DUPLICATE_ENTRY", {"revision": layout.revision_number(section.index), "objects": repeated[:20]})]


def _trailer_keys(layout: Layout, section: Section) -> list[tuple[str, dict]]:
    if section.trailer is not None:
        trailer = section.trailer
    else:
        obj = layout.object_at(section.start)
        if not isinstance(obj, rawpdf.IndirectObject) or not isinstance(obj.value, rawpdf.Dict):
            return []
        trailer = obj.value
    found = []
    seen: dict[str, list[rawpdf.Value]] = {}
    for key, value in trailer.entries:
        seen.setdefault(key, []).append(value)
    for key, values in seen.items():
        if len(values) < 2 or all(rawpdf.same_value(values[0], v, layout.data) for v in values[1:]):
            continue
        params = {"revision": layout.revision_number(section.index), "key": key,
                  "values": ", ".join(v.text(layout.data).decode("latin-1")[:40] for v in values)}
        found.append(("TRAILER_KEY_CONFLICT" if key in STRUCTURAL_TRAILER_KEYS else "TRAILER_DUPLICATE_KEY", params))
    return found
