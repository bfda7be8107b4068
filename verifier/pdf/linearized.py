"""Linearized files ("Fast Web View", ISO 32000-1 Annex F): one revision, two xref sections.

A linearized file starts with a linearization dictionary and a first-page cross-reference section
whose /Prev points forward to the main section at the end; the writer closes the first-page
section with `startxref 0` and `%%EOF`, or (qpdf with xref streams) with no `%%EOF` at all. pyHanko
follows /Prev as it would through an update, so its history has the main section as revision 0
and the first-page section as revision 1. Both were written at once: together they are revision
1 of the file as kyso counts (the file as first written), and an update appended later is
revision 2.

Recognised from the linearization dictionary and the places of the sections, never by counting
markers:

- the first object of the file (right after the header comments) is a dictionary with
  /Linearized, the integers /L /O /E /N /T and /H (two or four integers), and the first-page
  section lists that very object at that offset;
- /L is the length of the bytes that end with the main section's `%%EOF`, and the `startxref`
  there points to the first-page section (as the standard requires);
- the first-page section lies after the dictionary and before the main section, both within the
  first /L bytes, and every later section lies at or past /L.

A dictionary whose /L does not fit is a claim, not a linearized file: its sections stay separate
revisions, and an update appended to a linearized file is always a later revision (its section
lies past /L). The hint stream (/H) and the other values are never read for anything: only /L
decides, and only together with the sections pyHanko itself followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verifier.pdf import rawpdf

MAIN, FIRST_PAGE = 0, 1  # pyHanko's section indices of the two parts
_INTEGER_KEYS = ("/L", "/O", "/E", "/N", "/T")
_HEADER_WINDOW = 1024  # Annex F: the dictionary is within the first 1024 bytes
_ENDS_WITH_EOF = re.compile(rb"%%EOF[\x00\t\n\x0c\r ]*\Z")
_LAST_STARTXREF = re.compile(rb"startxref[\x00\t\n\x0c\r ]+(\d+)[\x00\t\n\x0c\r ]*%%EOF[\x00\t\n\x0c\r ]*\Z")


@dataclass(frozen=True)
class Linearization:
    offset: int  # of the linearization dictionary's object
    object: tuple[int, int]
    length: int  # /L: where revision 1 ends


def detect(data: bytes, reader) -> Linearization | None:
    """The linearization of the file as pyHanko read it, or None when it is not one."""
    try:
        sections = reader.xrefs._xref_sections
    except AttributeError:
        return None
    if len(sections) < 2:
        return None
    pos = rawpdf.skip(data, 0)
    if pos >= _HEADER_WINDOW:
        return None
    try:
        obj = rawpdf.read_indirect(data, pos)
    except (rawpdf.RawSyntaxError, ValueError, IndexError):
        return None
    params = obj.value
    if not isinstance(params, rawpdf.Dict) or not isinstance(params.get("/Linearized"), rawpdf.Number):
        return None
    values = {key: params.get(key) for key in _INTEGER_KEYS}
    if not all(isinstance(v, rawpdf.Number) and isinstance(v.value, int) for v in values.values()):
        return None
    hints = params.get("/H")
    if not (isinstance(hints, rawpdf.Array) and len(hints.items) in (2, 4)
            and all(isinstance(v, rawpdf.Number) and isinstance(v.value, int) for v in hints.items)):
        return None
    length = values["/L"].value
    main, first = sections[MAIN].meta_info, sections[FIRST_PAGE].meta_info
    if not (0 < length <= len(data) and obj.end <= first.start_location < main.start_location < length):
        return None
    if any(s.meta_info.start_location < length for s in sections[FIRST_PAGE + 1:]):
        return None
    head = data[:length]
    end = _LAST_STARTXREF.search(head, max(0, length - 1024))
    if not _ENDS_WITH_EOF.search(head) or end is None or int(end.group(1)) != first.declared_startxref:
        return None
    if _listed_at(reader, obj.num, obj.gen) != pos:
        return None
    return Linearization(offset=pos, object=(obj.num, obj.gen), length=length)


def _listed_at(reader, num: int, gen: int):
    from pyhanko.pdf_utils import generic

    try:
        return reader.xrefs.get_historical_ref(generic.Reference(num, gen), FIRST_PAGE)
    except Exception:
        return None


def revision_numbers(data: bytes, reader) -> list[int]:
    """The revision number kyso reports (from 1) for each of pyHanko's section indices (from 0):
    the one place where the two numberings meet. Index + 1, except in a linearized file, whose
    first two sections are both revision 1."""
    count = reader.xrefs.total_revisions
    if detect(data, reader) is None:
        return [index + 1 for index in range(count)]
    return [max(1, index) for index in range(count)]
