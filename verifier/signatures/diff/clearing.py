"""pyHanko's review of one later revision against a signed one (`StandardDiffPolicy.apply`,
pyHanko 0.38), with the paths that reached each overwritten object in the signed revision
found only when an approval needs them.

pyHanko begins each review by finding, for every object the later revision wrote, every path by
which the signed revision reached it, so that each path can be cleared by a rule. A rule that
approves an object whole (a blanket approval: a page compared by value apart from its new
widgets, say) clears every path at once, and the paths were never looked at. On a tagged Word
decree the pages are those objects: each is reached through a hundred structure elements, and
their paths were a tenth of the verification (issue 20).

So each object's entry in pyHanko's table (`old_usages_to_clear`: the modification level so far
and the paths still to clear) is made when it first matters, and what pyHanko's code does with
it is unchanged. Until an object's paths are found, only blanket approvals have come for it, and
an entry made at that point would hold no paths and the highest of their levels. The paths
matter only where the two ways pyHanko's code can go part:

- an object the signed revision reached is cleared at the highest level approved so far, one it
  did not reach at the level of each approval, so a blanket approval lower than one before it
  asks which;
- an approval of a path or of a context removes that path, or those of that context, from the
  paths still to clear, so it needs them (unless a blanket approval came first: none remain);
- when the review fails, pyHanko's message lists the paths still to clear of every object.

Found then, the paths are the same as at the start (the revision does not change, and the index
of verifier.patches.usages keeps its answers), put in the same order into the same kind of
set, so the table and the message are pyHanko's. The signed revision's map of paths is still
loaded first, as pyHanko loads it: a page tree or structure tree it cannot map fails the review
as before. What changes is only when a search for one object's paths runs: one that would fail
(pyHanko's own mapping, taken over where kyso's index hands a revision back, running out of
stack on a chain of objects) fails the review only where an approval needed those paths.
tests/test_clearing.py compares every review of every test document with pyHanko's own apply.

One answer differs on purpose: a free entry for a number that no section up to the signed
revision ever listed in use frees nothing (`freed_in_use`), where pyHanko fails the review.
"""

from __future__ import annotations

from collections import defaultdict

from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import policies
from pyhanko.sign.diff_analysis.policy_api import DiffResult, ModificationLevel, SuspiciousModification
from pyhanko.sign.diff_analysis.rules_api import ApprovalType, Context, ReferenceUpdate
from pyhanko.sign.fields import FieldMDPSpec, MDPPerm

logger = policies.logger  # pyHanko's own, so that its messages come under the same name


class _Usages:
    """pyHanko's `old_usages_to_clear`, its entries made on demand: `table` holds the entries
    made (ref -> (level so far, contexts still to clear)) of the objects the signed revision
    reaches; `pending` the objects of the later revision not asked about yet, and `blanket` the
    highest level of the blanket approvals each of them had."""

    def __init__(self, old: HistoricalResolver, new_xrefs):
        self.old = old
        self.new_xrefs = new_xrefs
        self.pending = set(new_xrefs)
        self.blanket: dict = {}
        self.table: dict = {}

    def resolve(self, ref) -> None:
        """Makes the entry of a pending object as pyHanko's table would hold it now."""
        self.pending.discard(ref)
        usages = self.old._get_usages_of_ref(ref)
        level = self.blanket.pop(ref, None)
        if usages:
            contexts = {Context.from_absolute(self.old, p) for p in usages}
            # after a blanket approval pyHanko's entry holds no paths, at the highest level
            self.table[ref] = (ModificationLevel.NONE, contexts) if level is None else (level, set())

    def in_order(self) -> dict:
        """The whole table in pyHanko's order (that of the later revision's objects)."""
        for ref in self.new_xrefs:
            if ref in self.pending and ref not in self.blanket:
                self.resolve(ref)  # no approval came: every path remains
        return {ref: self.table[ref] for ref in self.new_xrefs if ref in self.table}


def freed_in_use(old: HistoricalResolver, new: HistoricalResolver) -> set:
    """The objects `new`'s revision frees whose numbers were ever in use up to `old`'s revision.
    pyHanko counts every free entry with a generation: iText 5 lists its own new cross-reference
    stream's number as free (generation 65535) in every update, and pyHanko then failed the
    signature before it whatever the update held, a later signature too (a second signature on
    decree 49/2026). A number no section ever listed in use names no object before or after:
    nothing is freed. Any other is judged as pyHanko judges it, by number, whatever generation
    either entry gives (red team: a hybrid file's table calling a number free while its
    /XRefStm lists the object, which readers following ISO 32000-1 §7.5.8.4 show)."""
    return {ref for ref in new.refs_freed_in_revision() if _ever_in_use(old, ref.idnum)}


def _ever_in_use(old: HistoricalResolver, idnum: int) -> bool:
    """Whether any cross-reference section up to `old`'s revision (a hybrid file's stream
    too) lists object `idnum` in use."""
    for section in old.reader.xrefs._xref_sections[:old.revision + 1]:
        hybrid = section.xref_data.hybrid
        for data in (section.xref_data, hybrid.xref_data if hybrid is not None else None):
            if data is not None and (idnum in data.xrefs_in_objstm or idnum in data.standard_xrefs):
                return True
    return False


def apply(policy, old: HistoricalResolver, new: HistoricalResolver,
          field_mdp_spec: FieldMDPSpec | None = None, doc_mdp: MDPPerm | None = None) -> DiffResult:
    """`StandardDiffPolicy.apply(policy, old, new, field_mdp_spec, doc_mdp)`."""
    if doc_mdp == MDPPerm.ANNOTATE:
        logger.warning(
            "StandardDiffPolicy was not designed to support "
            "DocMDP level 3 (MDPPerm.ANNOTATE). Unexpected validation "
            "results may occur."
        )
    if policy.reject_object_freeing:
        freed = freed_in_use(old, new)
        if freed:
            raise SuspiciousModification(
                f"The refs {freed} were freed in the revision provided. "
                "The configured difference analysis policy does not allow "
                "object freeing."
            )
    new_xrefs = new.explicit_refs_in_revision()
    explained = defaultdict(set)
    if policy.ignore_orphaned_objects:
        for _ref in policies._find_orphans(new):  # looked up here: verifier.patches replaces it
            explained[ModificationLevel.LTA_UPDATES].add(_ref)
    old._load_reverse_xref_cache()
    usages = _Usages(old, new_xrefs)
    table = usages.table

    def ingest_ref(_level: ModificationLevel, _upd: ReferenceUpdate):
        ref = _upd.updated_ref
        upd_type = _upd.approval_type
        if ref in usages.pending:
            before = usages.blanket.get(ref)
            if upd_type == ApprovalType.BLANKET_APPROVE and (before is None or _level >= before):
                # pyHanko's entry, if any, would hold no paths and this level: the same either way
                usages.blanket[ref] = _level
                explained[_level].add(ref)
                return
            usages.resolve(ref)
        # pyHanko's ingest_ref from here on
        try:
            current_max_level, paths = table[ref]
            if upd_type == ApprovalType.BLANKET_APPROVE:
                paths = set()
            elif upd_type == ApprovalType.APPROVE_RELATIVE_CONTEXT:
                paths = {ctx for ctx in paths if ctx.relative_view != _upd.context_checked}
            else:
                paths.discard(_upd.context_checked)
            _level = max(current_max_level, _level)
            table[ref] = _level, paths
            if paths:
                return
        except KeyError:
            pass
        explained[_level].add(ref)

    for rule in policy.global_rules:
        for level, upd in rule.apply_qualified(old, new):
            ingest_ref(level, upd)

    changed_form_fields = set()
    if policy.form_rule:
        form_changes = policy.form_rule.apply(old, new)

        def is_locked(fq_name):
            return field_mdp_spec is not None and field_mdp_spec.is_locked(fq_name)

        for level, fu in form_changes:
            ingest_ref(level, fu)
            field_name = fu.field_name
            if field_name is not None and not fu.valid_when_locked:
                if is_locked(field_name):
                    raise SuspiciousModification(
                        f"Update of {fu.updated_ref} is not allowed "
                        f"because the form field {field_name} is locked."
                    )
                changed_form_fields.add(field_name)
            if doc_mdp is not None and not fu.valid_when_certifying:
                raise SuspiciousModification(
                    f"Update of {fu.updated_ref} is only allowed "
                    f"after an approval signature, not a certification "
                    f"signature."
                )

    unexplained_lta = new_xrefs - explained[ModificationLevel.LTA_UPDATES]
    unexplained_formfill = unexplained_lta - explained[ModificationLevel.FORM_FILLING]
    unexplained_annot = unexplained_formfill - explained[ModificationLevel.ANNOTATIONS]

    xref_cache = old.reader.xrefs
    if policy.ignore_identical_objects:
        identical_objs = {
            unex_ref
            for unex_ref in unexplained_lta
            if xref_cache.get_historical_ref(unex_ref, old.revision) is not None
            and policies._is_id(old(unex_ref), new(unex_ref))
        }
        if identical_objs:
            logger.debug(
                f"Found identical overridden objects between revisions "
                f"{old.revision} and {new.revision}; following no-op "
                f"changes will be ignored: {identical_objs}"
            )
            unexplained_annot.difference_update(identical_objs)
            unexplained_formfill.difference_update(identical_objs)
            unexplained_lta.difference_update(identical_objs)

    if unexplained_annot:
        msg = misc.LazyJoin('\n', (f'{x!r}:{repr(x.get_object())[:300]}...' for x in unexplained_annot))
        logger.debug("Unexplained xrefs in revision %d:\n%s", new.revision, msg)
        unexplained_overrides = [
            f" - {ref!r} is also used in "
            f"{', '.join(str(p) for p in paths_remaining)} in the prior "
            f"revision."
            for ref, (_, paths_remaining) in usages.in_order().items()
            if paths_remaining
        ]
        err_msg = (
            f"There are unexplained xrefs in revision {new.revision}: "
            f"{', '.join(repr(x) for x in unexplained_annot)}."
        )
        if unexplained_overrides:
            unchecked_paths_msg = (
                f"Some objects from revision {old.revision} were replaced "
                f"in revision {new.revision} without precise "
                "justification:\n" + '\n'.join(unexplained_overrides)
            )
            err_msg = f"{err_msg}\n{unchecked_paths_msg}"
            logger.debug(unchecked_paths_msg)
        raise SuspiciousModification(err_msg)
    elif unexplained_formfill:
        level = ModificationLevel.ANNOTATIONS
    elif unexplained_lta:
        level = ModificationLevel.FORM_FILLING
    else:
        level = ModificationLevel.LTA_UPDATES
    return DiffResult(modification_level=level, changed_form_fields=changed_form_fields)
