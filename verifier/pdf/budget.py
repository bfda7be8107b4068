"""Bounded work per document: how many objects a file may list, how many an update after
signing may add, and how many bytes its streams may decode to, all set by the policy
(verifier.policy.named.Limits; docs/attacks.md, Hostile input).

Reading a PDF costs time and memory in proportion to the objects its cross-reference sections
list: pyHanko parses every entry when it opens the file, the difference analysis and the
structural checks visit every object a revision adds. A permitted-looking update holding a
million objects nothing refers to cost 33 s and 1 GB before any finding. So:

- `count_entries` counts the entries of every cross-reference section on the raw bytes, before
  pyHanko reads any (the sections found from the last `startxref` through /Prev and /XRefStm,
  as a reader finds them): a classic table from the room between `xref` and `trailer` (pyHanko
  reads 19 or 20 bytes an entry, so that room bounds what it will parse), a cross-reference
  stream from its /Index or /Size. Over the limit, the file is refused unread
  (OBJECT_LIMIT_EXCEEDED), as a file over the size limit is.
- `update_counts` gives the objects each revision lists, from pyHanko's parse; one written after
  the first signature holding more than the limit is refused before any layer is validated
  (UPDATE_OBJECT_LIMIT_EXCEEDED): a signature adds a few dozen objects.
- `DocumentBudget` makes one decoding budget for all the readers of one document and their
  historical views (pyHanko gives each reader and each earlier revision a fresh budget of its
  own); running out is DECODE_LIMIT_EXCEEDED.

Genuine documents stay far below (../shared/realdocs: at most 9,686 objects in one revision, 52
in an update after signing, 4 MB decoded); the raw count costs under 5 ms on them.
"""

from __future__ import annotations

import contextvars
import re
from contextlib import contextmanager

from pyhanko.pdf_utils.decode_limits import DecodeContext, DecodeLimits

from verifier.pdf import rawpdf

MAX_SECTIONS = 10_000  # a /Prev chain longer than this is hostile; stop counting, refuse it
_STARTXREF = re.compile(rb"startxref[\x00\t\n\x0c\r ]+(\d+)")
_ENTRY_MIN_BYTES = 19  # pyHanko reads an entry as 20 bytes, 19 when its end of line is one byte


def count_entries(data: bytes) -> tuple[int, list[tuple[int, int]]]:
    """(entries over all sections, [(section offset, entries)] newest first). Sections that
    cannot be read here are left to pyHanko, which will refuse them or read them small."""
    tail = data.rfind(b"startxref")
    if tail < 0:
        return 0, []
    m = _STARTXREF.match(data, tail)
    if m is None:
        return 0, []
    pending, seen, sections = [int(m.group(1))], set(), []
    while pending and len(seen) < MAX_SECTIONS:
        offset = pending.pop()
        if offset in seen or not 0 <= offset < len(data):
            continue
        seen.add(offset)
        try:
            entries, trailer = _section(data, offset)
        except (rawpdf.RawSyntaxError, ValueError, IndexError):
            continue
        sections.append((offset, entries))
        for key in ("/XRefStm", "/Prev"):  # every definition: readers disagree on which counts
            for value in trailer.all(key) if trailer is not None else ():
                if isinstance(value, rawpdf.Number) and isinstance(value.value, int):
                    pending.append(value.value)
    if pending and len(seen) >= MAX_SECTIONS:
        sections.append((-1, MAX_SECTIONS * _ENTRY_MIN_BYTES))  # counted as too many, whatever they hold
    return sum(n for _, n in sections), sections


def _section(data: bytes, offset: int) -> tuple[int, rawpdf.Dict | None]:
    pos = rawpdf.skip(data, offset)
    if data.startswith(b"xref", pos):
        end = data.find(b"trailer", pos)
        if end < 0:
            return (len(data) - pos) // _ENTRY_MIN_BYTES, None
        trailer = rawpdf.parse_value(data, rawpdf.skip(data, end + 7))
        return (end - pos) // _ENTRY_MIN_BYTES, trailer if isinstance(trailer, rawpdf.Dict) else None
    header = rawpdf.OBJ_HEADER.match(data, pos)
    if header is None:
        raise ValueError("no cross-reference section here")
    value = rawpdf.parse_value(data, rawpdf.skip(data, header.end()))
    if not isinstance(value, rawpdf.Dict):
        raise ValueError("not a cross-reference stream")
    index = value.get("/Index")
    if isinstance(index, rawpdf.Array):
        counts = [v.value for v in index.items[1::2] if isinstance(v, rawpdf.Number)]
        entries = sum(int(c) for c in counts if c > 0)
    else:
        size = value.get("/Size")
        entries = int(size.value) if isinstance(size, rawpdf.Number) and size.value > 0 else 0
    return entries, value


def update_counts(reader, numbers: list[int], first_signed: int) -> list[tuple[int, int]]:
    """(revision number, objects listed) of each section written after revision number
    `first_signed` (a hybrid section's table and stream together), from pyHanko's parse."""
    out = []
    for index in range(reader.xrefs.total_revisions):
        if numbers[index] <= first_signed:
            continue
        xref_data = reader.xrefs.get_xref_data(index)
        refs = xref_data.explicit_refs_in_revision
        if xref_data.hybrid is not None:  # Word lists an object in both: it is one object
            refs = set(refs) | set(xref_data.hybrid.xref_data.explicit_refs_in_revision)
        out.append((numbers[index], len(refs)))
    return out


# -- decoded bytes ------------------------------------------------------------------------------

class DocumentBudget:
    """The bytes all the streams of one document may decode to, whichever reader decodes them."""

    def __init__(self, limit: int):
        self.limit = limit
        self.remaining = limit
        self.exceeded = False
        self._pending = False  # a decode capped by this budget that has not reported its output


class _SharedContext(DecodeContext):
    """pyHanko's decoding context, charging one DocumentBudget: its `fresh()` (each earlier
    revision's view) is itself, not a new allowance."""

    def __init__(self, budget: DocumentBudget, limits: DecodeLimits | None = None):
        super().__init__(limits or DecodeLimits(), input_size=None)
        self.budget = budget

    @property
    def remaining_budget(self) -> int | None:
        return max(self.budget.remaining, 0)

    def fresh(self) -> DecodeContext:
        return self

    def stage_output_cap(self, stream_cap: int | None) -> int | None:
        b = self.budget
        if b._pending:  # the last decode the budget capped never reported: it was cut off
            b.exceeded = True
        remaining = max(b.remaining, 0)
        b._pending = stream_cap is None or remaining < stream_cap
        return remaining if b._pending else stream_cap

    def record_output(self, size: int) -> None:
        self.budget._pending = False
        self.budget.remaining -= size


_current: contextvars.ContextVar[DocumentBudget | None] = contextvars.ContextVar("kyso_decode_budget", default=None)


@contextmanager
def decoding(limit: int):
    """Within this block, every reader made from verifier.pdf.reader charges one budget."""
    budget = DocumentBudget(limit)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)
        if budget._pending:
            budget.exceeded = True


def shared_context() -> DecodeContext | None:
    """The decoding context of the document being verified, if a budget is set."""
    budget = _current.get()
    return _SharedContext(budget) if budget is not None else None
