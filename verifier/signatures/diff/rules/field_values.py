"""Form fields judged by value: changed only if their objects differ; a choice's /I with its /V.

pyHanko lists a field as changed whenever it *might* have changed: its in-place appearance
check names every field whose appearance stream was written before the signed revision,
although nothing of it was written again (``_allow_in_place_appearance_update``). kyso fails
the earlier signature for a changed field no later signature covers (verifier.signatures.diff
.judgement), so one filled field made every second signature of a form fail its first.

:class:`FieldValueRule` is pyHanko's ``GenericFieldModificationRule`` with two differences:

1. a field whose dictionary, widgets, appearance streams and value are the same by value
   (verifier.signatures.diff.values) in both revisions is not changed: its updates stay, but
   are valid when the field is locked, so pyHanko leaves it out of the changed fields. An
   appearance stream rewritten with other content (the "replace" attack) or another value
   differs, and the field stays changed;
2. an appearance (/AP, or the state /AS) may change only with the value (/V): a field drawn
   anew with its value unchanged shows what nobody entered (the "replace" attack), and is
   refused whether or not a later signature covers it;
3. a choice field's /I (the selected indices) may change, but only with its /V: that is
   selecting an option (form filling). /I changed with the value unchanged, or on a field that
   is not a choice field, selects nothing and is refused.
"""

from __future__ import annotations

import dataclasses

from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.diff_analysis.constants import VALUE_UPDATE_KEYS
from pyhanko.sign.diff_analysis.form_rules_api import FormUpdate
from pyhanko.sign.diff_analysis.rules.form_field_rules import GenericFieldModificationRule

from verifier.signatures.diff.values import shared_same_value

__all__ = ['FieldValueRule', 'same_entry']


def same_entry(old_dict, new_dict, key: str, *, old_rev=None, new_rev=None) -> bool:
    """Whether `key` has the same value in both dictionaries (absent in both counts as same)."""
    if (key in old_dict) != (key in new_dict):
        return False
    if key not in old_dict:
        return True
    return bool(shared_same_value(old_dict.raw_get(key), new_dict.raw_get(key), old_rev=old_rev, new_rev=new_rev))


class FieldValueRule(GenericFieldModificationRule):
    """pyHanko's ``GenericFieldModificationRule``, by value, with /I as part of a choice's value."""

    def __init__(self) -> None:
        super().__init__(value_update_keys=VALUE_UPDATE_KEYS | {'/I'})

    def check_form_field(self, fq_name, spec, context):
        if spec.field_type == '/Sig' or not spec.new_field_ref or not spec.old_field_ref:
            return
        old_field, new_field = spec.old_field, spec.new_field
        revs = {"old_rev": context.old, "new_rev": context.new}
        if not same_entry(old_field, new_field, '/I', **revs):
            if spec.field_type != '/Ch':
                raise SuspiciousModification(f"/I of form field '{fq_name}', which is not a choice field, was changed.")
            if same_entry(old_field, new_field, '/V', **revs):
                raise SuspiciousModification(
                    f"The selection (/I) of choice field '{fq_name}' was changed without its value (/V).")
            if '/I' in new_field:
                for ref in context.new.collect_dependencies(new_field.raw_get('/I'), since_revision=context.old.revision + 1):
                    yield ModificationLevel.FORM_FILLING, FormUpdate(ref, field_name=fq_name)
        value_same = same_entry(old_field, new_field, '/V', **revs)
        for key in ('/AP', '/AS'):
            if value_same and not same_entry(old_field, new_field, key, **revs):
                raise SuspiciousModification(
                    f"The appearance ({key}) of form field '{fq_name}' was changed without its value (/V).")
        unchanged = bool(shared_same_value(old_field, new_field, **revs))
        for level, update in super().check_form_field(fq_name, spec, context):
            if unchanged and update.field_name == fq_name and not update.valid_when_locked:
                update = dataclasses.replace(update, valid_when_locked=True)
            yield level, update
