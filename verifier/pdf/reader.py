"""pyHanko's PDF reader, as a subclass, with two changes that give the same objects faster.

1. The header of each object stream is parsed once. pyHanko 0.38 re-reads an object stream's
   whole header (N number pairs) for every object it fetches from that stream, so a Word-made
   document with a few thousand compressed objects costs O(N^2) tokenizer calls: 12 to 18
   seconds on two of ../shared/realdocs, almost all of it here. The lookup below gives the same
   answers, including the same errors in strict mode, in O(N) per stream.
2. The history of each object (the revision that introduced it, the last that changed it) is
   looked up once (_remember_history), and a reference no revision defines is not a failure
   of the lookup of the revision that introduced it (NEVER_DEFINED).

3. A reference to an object no revision defines reads as null in strict mode too, as the
   standard says (_read_object).

4. While a document is verified, every reader of it (and every earlier revision's view) decodes
   streams against one budget, the policy's (verifier.pdf.budget).

5. `release()` lets go of what reading built, for reference counting to free at once
   (verifier.document calls it when a verification is over).

Only readers made from this class change; pyHanko's own reader stays as pyHanko defines it. How
strings and tokens are read is a change to pyHanko itself: verifier/patches/tokens.py.
"""

from __future__ import annotations

import logging
from io import BytesIO

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.misc import PdfStrictReadError
from pyhanko.pdf_utils.reader import PdfFileReader

from verifier.pdf import budget

log = logging.getLogger(__name__)


class _StreamIndex:
    """The parsed header of one object stream: objnum -> (index, offset) of its first entry,
    and the index at which the header became unreadable, if it did. The numbers are kept as
    pyHanko reads them and compares them: `3.5` is no object's number (pyHanko's `objnum !=
    idnum`), `3.0` is object 3, and an offset written as a real fails the seek as in pyHanko
    (red team: `int()` had made `3.5` object 3, as PDFium reads it and pyHanko does not)."""

    def __init__(self, data: bytes, count: int):
        self.data = data
        self.first: dict[int, tuple[int, int]] = {}
        self.broken_at: int | None = None
        buf = BytesIO(data)
        for i in range(count):
            try:
                misc.read_non_whitespace(buf, seek_back=True)
                objnum = generic.NumberObject.read_from_stream(buf)
                misc.read_non_whitespace(buf, seek_back=True)
                offset = generic.NumberObject.read_from_stream(buf)
                misc.read_non_whitespace(buf, seek_back=True)
            except ValueError:
                self.broken_at = i
                break
            self.first.setdefault(objnum, (i, offset))


class KysoPdfFileReader(PdfFileReader):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _remember_history(self.xrefs)
        shared = budget.shared_context()
        if shared is not None:  # one decoding budget for the whole document (verifier.pdf.budget)
            self._decode_context = shared

    def release(self) -> None:
        """Drops the caches kyso and pyHanko keep on the reader and on its views of earlier
        revisions; each is made again if the reader is asked anything afterwards.

        Why: nearly everything a verification builds is held in reference cycles with the
        reader (its objects name it, the difference review's index names it back), so it could
        only be freed by the cyclic collector, which walks every object to find that out. On
        50/2026/NĐ-CP that is half a million objects, and the walk cost 0.2-0.3 s per document
        in a batch; freed here, when the verification is over, they cost what freeing them
        costs. A cache that holds a `release` method (verifier.patches.usages) empties its
        tables in place (a view of a revision kept elsewhere may still name it) and answers as
        if it had never been built; the others are dropped."""
        for holder in (self, *self._historical_resolver_cache.values()):
            state = holder.__dict__
            for key in [key for key in state if key.startswith("_kyso_")]:
                release = getattr(state[key], "release", None)
                if callable(release):
                    release()
                else:
                    del state[key]
            if holder is not self:
                holder.cache.clear()
        self._historical_resolver_cache.clear()
        self.resolved_objects.clear()

    def _read_object(self, ref, marker, *args, **kwargs):
        # ISO 32000-1 §7.3.10: a reference to an undefined object is a reference to null, and
        # not an error; pyHanko's strict mode fails on it, so a LibreOffice document (whose
        # trailer names an object it never writes) could not be compared with its later
        # revisions. Where an update after signing defines such an object, that is
        # verifier.structure.dangling's error.
        if marker is None and self.strict:
            obj = generic.NullObject()
            obj.container_ref = ref
            return obj
        return super()._read_object(ref, marker, *args, **kwargs)

    def _get_object_from_stream(self, idnum, stmnum, idx):
        stream = generic.Reference(stmnum, 0, self).get_object()
        assert isinstance(stream, generic.StreamObject)
        assert stream["/Type"] == "/ObjStm"
        count = stream["/N"]
        if not (0 <= idx < count):
            if self.strict:
                raise PdfStrictReadError("Object stream does not contain index")
            return generic.NullObject()
        cache = self.__dict__.setdefault("_kyso_objstm", {})
        cached = cache.get(stmnum)
        if cached is None or cached[0] is not stream:
            cached = (stream, _StreamIndex(stream.read_data(DecodePurpose.OBJECT_STREAM), count))
            cache[stmnum] = cached
        index = cached[1]
        found = index.first.get(int(idnum))
        if found is None or (index.broken_at is not None and index.broken_at <= found[0]):
            # pyHanko would have hit the broken header before (or instead of) this object
            if index.broken_at is not None:
                if self.strict:
                    raise PdfStrictReadError("Object stream header possibly corrupted")
                return generic.NullObject()
            if self.strict:
                raise PdfStrictReadError("Object not found in stream, this is a fatal error in strict mode")
            return generic.NullObject()
        i, offset = found
        if self.strict and idx != i:
            raise PdfStrictReadError("Object is in wrong index.")
        stream_data = BytesIO(index.data)
        stream_data.seek(stream["/First"] + offset)
        try:
            obj = generic.read_object(stream_data, generic.Reference(idnum, 0, self))
        except (misc.PdfStreamError, misc.PdfReadError) as e:
            log.warning(f"Invalid stream (index {i}) within object {idnum} 0: {e}")
            if self.strict:
                raise PdfStrictReadError(f"Can't read object stream: {e}")
            obj = generic.NullObject()
        if isinstance(obj, (generic.StreamObject, generic.IndirectObject)):
            if self.strict:
                raise PdfStrictReadError("Encountered forbidden object type in object stream")
            return obj
        generic.read_non_whitespace(stream_data, seek_back=True, allow_eof=True)
        return obj


_MISSING = object()


def _remember_history(xrefs) -> None:
    """The revision that last changed an object, and the one that introduced it, looked up once
    per object. pyHanko asks both for every reference it follows while comparing revisions
    (thousands of times per document, each a walk over the revisions' sections with a KeyError
    per section that lacks the object); the answers depend on the object number and generation
    alone, and the sections do not change once the file is read."""
    xrefs.get_last_change = _remembered(xrefs.get_last_change)
    xrefs.get_introducing_revision = _remembered(xrefs.get_introducing_revision, undefined=NEVER_DEFINED)


# What the introducing revision of a reference no section defines is taken to be. pyHanko's one
# caller (collecting the objects a revision added, to find orphans) asks it of every reference
# it walks and fails with KeyError on a reference to nothing, as LibreOffice writes in its
# trailer (/AdditionalStreams). Such a reference resolves to null in every revision: it
# brings no object, so "older than any revision asked about" gives the same answer, without
# the failure.
NEVER_DEFINED = -1


def _remembered(lookup, undefined=KeyError):
    answers: dict[tuple[int, int], object] = {}

    def remembered(ref):
        key = (ref.idnum, ref.generation)
        answer = answers.get(key, _MISSING)
        if answer is _MISSING:
            try:
                answer = lookup(ref)
            except KeyError:
                answer = undefined  # KeyError: remembered as the lookup's failure
            answers[key] = answer
        if answer is KeyError:
            raise KeyError(ref)
        return answer

    return remembered


UNREADABLE = object()  # place() of an entry the cross-reference sections cannot give


def place(reader, idnum: int, generation: int, revision: int):
    """pyHanko's `xrefs.get_historical_ref` of the object in `revision`: where that revision has
    it written (an offset, a place in an object stream, or None), UNREADABLE for an entry it
    cannot read. pyHanko reads an object of a revision from there, so an object at the same
    place in two revisions is read the same in both (the difference analysis and the content
    keys share work on that ground). A function of the sections alone, asked again and again:
    answered once per reader, and kept on it."""
    known = reader.__dict__.get("_kyso_places")
    if known is None:
        known = reader.__dict__["_kyso_places"] = {}
    key = (idnum, generation, revision)
    found = known.get(key, known)
    if found is known:
        try:
            found = reader.xrefs.get_historical_ref(generic.Reference(idnum, generation), revision)
        except Exception:  # noqa: BLE001 - an unreadable xref entry
            found = UNREADABLE
        known[key] = found
    return found
