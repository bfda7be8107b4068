"""An object that an update defines under a number the signed revision only named from a trailer
key no reader follows, and never defined.

LibreOffice's trailer carries /AdditionalStreams, which can name an object number the file never
writes. When a later update (a DSS written after signing, say) is given that free number for an
object of its own, pyHanko counts the dangling name as a usage in the signed revision and calls
the object a replacement nobody explained. A name no reader follows, of an object that did not
exist, showed nothing: its usage is cleared here. The object itself must still be explained by
the rule for what it is (validation data, a signature field …); a reference a reader does follow
(/Root, /Info …) filled after signing stays an error (verifier.structure.dangling).
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
        if not fresh:
            return
        old._load_reverse_xref_cache()
        for ref in fresh:
            for path in old._get_usages_of_ref(ref) or ():
                keys = list(path.path)
                if len(keys) >= 1 and isinstance(keys[0], str) and keys[0] not in READER_TRAILER_KEYS:
                    yield ModificationLevel.LTA_UPDATES, ReferenceUpdate(ref, context_checked=Context.from_absolute(old, path))
