"""kyso's difference policy: pyHanko's DEFAULT_DIFF_POLICY with kyso's rules
(verifier.signatures.diff.rules), and the form rule chosen per signature by its DocMDP level."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field

from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import DiffPolicy, DiffResult, ModificationLevel, StandardDiffPolicy
from pyhanko.sign.diff_analysis.form_rules_api import FormUpdatingRule
from pyhanko.sign.diff_analysis.rules.file_structure_rules import (
    CatalogModificationRule,
    ObjectStreamRule,
    XrefStreamRule,
)
from pyhanko.sign.diff_analysis.rules.form_field_rules import SigFieldModificationRule
from pyhanko.sign.diff_analysis.rules.metadata_rules import DocInfoRule
from pyhanko.sign.fields import FieldMDPSpec, MDPPerm

from verifier.signatures.diff import clearing, history
from verifier.signatures.diff.rules.dangling_usage import DanglingTrailerUsageRule
from verifier.signatures.diff.rules.field_names import DottedNameFormRule
from verifier.signatures.diff.rules import (
    ApprovalSigFieldCreationRule,
    DisplayPropertiesRule,
    EmptyTolerantMetadataRule,
    FieldValueRule,
    SignatureStructTreeRule,
    SignedSigFieldCreationRule,
    UnchangedValueRule,
    ValidationDataRule,
)

__all__ = ['KysoDiffPolicy', 'KysoDiffResult', 'build_diff_policy']


@dataclass(frozen=True)
class KysoDiffResult(DiffResult):
    """pyHanko's result over all later revisions, with what the judgement needs to know whether
    a later signature covers each changed field."""

    field_last_changed: Mapping[str, int] = field(default_factory=dict)
    """Changed field -> the last revision (kyso's numbering, from 1) in which its value changed."""
    timestamp_fields: frozenset[str] = frozenset()
    """Signature fields whose value is a document timestamp (they cover no field change)."""


def _form_rule(after_p2_certification: bool) -> FormUpdatingRule:
    return DottedNameFormRule(
        field_rules=[
            DisplayPropertiesRule(),
            SignedSigFieldCreationRule()
            if after_p2_certification
            else ApprovalSigFieldCreationRule(),
            SigFieldModificationRule(),
            FieldValueRule(),
        ],
    )


class KysoDiffPolicy(StandardDiffPolicy):
    """A :class:`StandardDiffPolicy` that judges form changes with
    ``form_rule_fill_forms`` when the signature under review certifies with DocMDP P=2
    (``MDPPerm.FILL_FORMS``) or P=3 (``MDPPerm.ANNOTATE``), and with the ordinary
    ``form_rule`` otherwise.

    pyHanko's ``allow_new_visible_after_certify`` flag applies to every DocMDP level; it
    must only relax the levels that allow signing: P=2, and P=3, which ISO 32000-1 (Table 254)
    makes P=2's changes plus annotations (a P=3 certification followed by an ordinary visible
    signature was refused: red team, genuine shapes). After a P=1 certification a new visible
    signature field stays OTHER, as in pyHanko's default policy. kyso permits no annotation
    after any signature, P=3 included (verifier.signatures.diff.judgement).
    """

    def __init__(self, *args, form_rule_fill_forms: FormUpdatingRule, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_rule_fill_forms = form_rule_fill_forms

    def apply(
        self,
        old: HistoricalResolver,
        new: HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult:
        policy = self
        if doc_mdp in (MDPPerm.FILL_FORMS, MDPPerm.ANNOTATE):
            # a shallow copy, so that concurrent reviews never see a swapped rule
            policy = copy.copy(self)
            policy.form_rule = self.form_rule_fill_forms
        return clearing.apply(policy, old, new, field_mdp_spec=field_mdp_spec, doc_mdp=doc_mdp)

    def review_file(self, reader, base_revision, field_mdp_spec=None, doc_mdp=None):
        result = super().review_file(reader, base_revision, field_mdp_spec=field_mdp_spec, doc_mdp=doc_mdp)
        if not isinstance(result, DiffResult):
            return result
        base = base_revision if isinstance(base_revision, int) else base_revision.revision
        changed = result.changed_form_fields
        last = history.last_changes(reader, base, sorted(changed)) if changed else {}
        newest = reader.get_historical_resolver(reader.xrefs.total_revisions - 1)
        return KysoDiffResult(
            result.modification_level, changed,
            field_last_changed={name: revision + 1 for name, revision in last.items()},
            timestamp_fields=history.timestamp_fields(newest) if changed else frozenset(),
        )


def build_diff_policy() -> DiffPolicy:
    """kyso's difference policy: pyHanko's DEFAULT_DIFF_POLICY (same rules, same
    settings, same order) with these changes only:

    - after a DocMDP P=2 or P=3 certification, :class:`SignedSigFieldCreationRule` (pyHanko's
      ``allow_new_visible_after_certify=True``, for signed fields only); P=1 and
      approval signatures use :class:`ApprovalSigFieldCreationRule` (pyHanko's default
      ``SigFieldCreationRule()``, refusing new visible signature fields left unsigned);
    - ``MetadataUpdateRule`` is replaced by :class:`EmptyTolerantMetadataRule` (still at
      LTA_UPDATES), which delegates to it whenever no empty stream is involved;
    - :class:`SignatureStructTreeRule` is added (FORM_FILLING);
    - ``DSSCompareRule`` is replaced by :class:`ValidationDataRule` (VRI entries may be
      rewritten), and :class:`UnchangedValueRule` (LTA_UPDATES) explains objects written
      again with the same value;
    - ``GenericFieldModificationRule`` is replaced by :class:`FieldValueRule` (a field is
      changed only if its value is, a choice's /I goes with its /V), and new signature
      widgets are bound to pages compared by value (rules.widgets), appended after the
      page's signed annotations in their order;
    - :class:`DisplayPropertiesRule` (first of the form's field rules) refuses
      /NeedAppearances set, and /DA, /Q, /DR of the form or of a signed field changed
      (rules.display): pyHanko exempts them from its comparison.

    Its results are :class:`KysoDiffResult`: when each changed field last changed.
    """
    return KysoDiffPolicy(
        global_rules=[
            CatalogModificationRule(),
            DocInfoRule().as_qualified(ModificationLevel.LTA_UPDATES),
            XrefStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
            ObjectStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
            ValidationDataRule().as_qualified(ModificationLevel.LTA_UPDATES),
            EmptyTolerantMetadataRule().as_qualified(ModificationLevel.LTA_UPDATES),
            SignatureStructTreeRule(),
            UnchangedValueRule().as_qualified(ModificationLevel.LTA_UPDATES),
            DanglingTrailerUsageRule(),
        ],
        form_rule=_form_rule(after_p2_certification=False),
        form_rule_fill_forms=_form_rule(after_p2_certification=True),
    )
