"""Objects written again with the same value.

pyHanko forgives an object written again byte for byte (``ignore_identical_objects``), but
not one written again with the same *value*: a page whose /Resources moved into an object of
their own, a stream compressed anew, a dictionary whose entries point at fresh copies of the
same objects. Acrobat and PDFBox-based tools write such updates (docs/attacks.md, "Genuine
shapes"). :class:`UnchangedValueRule` explains every object of the newer revision that the
older one already had and whose resolved value (verifier.signatures.diff.values) is the same,
together with the new objects that comparison met: each holds a value equal to what the
older revision had in its place. Nothing that differs in value is explained here; a font or
an image changed behind the moved /Resources makes the page differ, and it stays unexplained.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis.rules_api import ReferenceUpdate, WhitelistRule

from verifier.signatures.diff.values import shared_same_value

__all__ = ['UnchangedValueRule']


class UnchangedValueRule(WhitelistRule):
    """Every older object written again with the same resolved value (blanket approval: it
    is the same wherever it is used), and the new objects its comparison met."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        xrefs = old.reader.xrefs
        root = (new.root_ref.idnum, new.root_ref.generation)  # the catalog has its own rule
        for ref in sorted(new.explicit_refs_in_revision(), key=lambda r: (r.idnum, r.generation)):
            if (ref.idnum, ref.generation) == root or old.is_ref_unassignable(ref) or xrefs.get_historical_ref(ref, old.revision) is None:
                continue
            sameness = shared_same_value(old(ref), new(ref), old_rev=old, new_rev=new)
            if not sameness:
                continue
            yield ReferenceUpdate(ref)
            for met in sameness.new_side_refs:
                if old.is_ref_unassignable(met):
                    yield ReferenceUpdate(met)
