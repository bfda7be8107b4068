"""An object that an update defines under a number the signed revision only named from a trailer
key no reader follows, and never defined.

LibreOffice's trailer carries /AdditionalStreams, which can name an object number the file never
writes. When a later update (a DSS written after signing, say) is given that free number for an
object of its own, pyHanko counts the dangling name as a usage in the signed revision and calls
the object a replacement nobody explained. A name no reader follows, of an object that did not
exist, showed nothing: its usage is cleared here, for an object of the validation data (reachable
from /DSS) only. LibreOffice does follow /AdditionalStreams (a hybrid PDF opens as the ODF document
it names), so anything else written under that number stays an unexplained change; a reference a
reader does follow (/Root, /Info …) filled after signing stays an error (verifier.structure.dangling).
"""

from __future__ import annotations

from collections.abc import Iterable

from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis.policy_api import ModificationLevel
from pyhanko.sign.diff_analysis.rules_api import Context, QualifiedWhitelistRule, ReferenceUpdate

from verifier.structure.dangling import READER_TRAILER_KEYS

__all__ = ['DanglingTrailerUsageRule']


class DanglingTrailerUsageRule(QualifiedWhitelistRule):
    def apply_qualified(self, old: HistoricalResolver, new: HistoricalResolver
                        ) -> Iterable[tuple[ModificationLevel, ReferenceUpdate]]:
        xrefs = old.reader.xrefs
        fresh = [ref for ref in new.explicit_refs_in_revision() if xrefs.get_historical_ref(ref, old.revision) is None]
        if not fresh or '/DSS' not in new.root:
            return
        old._load_reverse_xref_cache()  # pyHanko's own review loads it for the same pair anyway
        dangling = {ref: [p for p in old._get_usages_of_ref(ref) or () if _unread_trailer_key(p)] for ref in fresh}
        dangling = {ref: paths for ref, paths in dangling.items() if paths}
        if not dangling:
            return  # the usual case: nothing the signed revision named is filled now
        validation_data = _reachable(new, new.root.raw_get('/DSS'))
        for ref, paths in dangling.items():
            if (ref.idnum, ref.generation) in validation_data:
                for path in paths:
                    yield ModificationLevel.LTA_UPDATES, ReferenceUpdate(ref, context_checked=Context.from_absolute(old, path))


def _unread_trailer_key(path) -> bool:
    keys = list(path.path)
    return bool(keys) and isinstance(keys[0], str) and keys[0] not in READER_TRAILER_KEYS

def _reachable(resolver, start, limit: int = 100_000) -> set[tuple[int, int]]:
    """(number, generation) of every object reachable from `start` in that revision."""
    from pyhanko.pdf_utils import generic

    seen: set[tuple[int, int]] = set()
    stack = [start]
    while stack and len(seen) < limit:
        value = stack.pop()
        if isinstance(value, generic.IndirectObject):
            key = (value.idnum, value.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                value = value.get_object()
            except Exception:  # noqa: BLE001 - a dangling reference leads nowhere
                continue
        if isinstance(value, generic.DictionaryObject):
            stack.extend(value.raw_get(k) for k in value.keys())
        elif isinstance(value, generic.ArrayObject):
            stack.extend(value.raw_get(i) for i in range(len(value)))
    return seen
