"""New signature fields: what DocMDP P=2 and P=3 and an approval signature permit.

1. **New visible signature fields after a DocMDP P=2 certification.**
   The first signature of a multi-layer document certifies it with P=2 ("form filling
   and signing allowed"); every later layer (the agency's seals, the number, the date) is
   a new *visible* signature field. pyHanko refuses new visible signature fields after
   any certification (stricter than ISO 32000 and Acrobat). P=2 explicitly permits
   signing, so after a P=2 certification a new visible signature field is accepted as
   with ``SigFieldCreationRule(allow_new_visible_after_certify=True)`` - provided it is
   signed in that revision, or left empty for the next signer and signed by a later signature
   the document ends with (:class:`SignedSigFieldCreationRule`, `_signed_later`): an empty
   visible signature field is a "sneaky signature" appearance nobody vouches for, and stays
   OTHER as in pyHanko's default. P=3 permits what P=2 does and annotations (ISO 32000-1,
   Table 254), so it is relaxed alike; for P=1 (no changes) the relaxation is not used. The
   policy selects it per signature from its own DocMDP level
   (verifier.signatures.diff.policy.KysoDiffPolicy).

2. **No empty visible signature field after an approval signature.**
   pyHanko accepts a new visible signature field left unsigned after an approval
   signature as form filling; its widget can draw anything over the signed text and no
   signer vouches for it (docs/attacks.md, "Sneaky signature (SSA)").
   :class:`ApprovalSigFieldCreationRule` makes that OTHER, as after a P=2 certification;
   a new visible signature field signed in the same revision or signed later (`_signed_later`),
   or an invisible one, is accepted as before.

Both rules bind the new widgets to their pages as pyHanko does, except that the rest of each
page is compared by value (verifier.signatures.diff.rules.widgets): Acrobat moves a page's
/Resources into a new object with the same content when it adds a signature.
"""

from __future__ import annotations

import dataclasses

from pyhanko.pdf_utils import generic
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.diff_analysis.rules.form_field_rules import SigFieldCreationRule

from verifier.pdf import geometry
from verifier.signatures.diff.rules.widgets import new_widget_names, walk_page_tree_annots

__all__ = ['ApprovalSigFieldCreationRule', 'SignedSigFieldCreationRule']


def _is_signed(field) -> bool:
    """A signature field whose /V is an indirect object (a signature dictionary)."""
    return isinstance(field, generic.DictionaryObject) and isinstance(
        field.raw_get('/V') if '/V' in field else None, generic.IndirectObject
    )


def _signed_later(context, ref) -> bool:
    """Whether a signature field left empty in the revision under review is signed in the
    document as it ends, by a signature dictionary written after that revision: Acrobat's
    "prepare form" adds a field for the next signer, who signs it in an update of their own.
    That signer's signature covers the field and the appearance it draws; whether it is intact
    and chained to an anchor is that layer's own validation, and who vouches for what it
    displays over earlier layers is verifier.signatures.vouch's. A /V pointing at an older
    signature (one that signs a revision before the field existed) vouches for nothing here."""
    reader = getattr(context.new, "reader", None)
    revision = getattr(context.new, "revision", None)
    if reader is None or revision is None:
        return False
    try:
        final = reader.get_object(ref)  # the last revision's version: pyHanko's reader reads the whole file
        value = final.raw_get('/V') if isinstance(final, generic.DictionaryObject) and '/V' in final else None
        if not isinstance(value, generic.IndirectObject):
            return False
        return reader.xrefs.get_last_change(value.reference) > revision
    except Exception:  # unreadable: not shown to be signed
        return False


def _drawn(field) -> bool:
    """Whether a viewer draws the signature field or one of its widgets, read as viewers read
    geometry (verifier.pdf.geometry.placement); a rectangle that cannot be resolved counts as
    drawn. pyHanko's own reading calls a field invisible when a coordinate is an indirect
    number (docs/attacks.md, "Geometry that parses differently")."""
    widgets = [field]
    kids = geometry.entry(field, "/Kids")
    if isinstance(kids, list):
        widgets += [geometry.resolved(kid) for kid in list(kids)[:geometry.MAX_KIDS]]
    return any(geometry.placement(w)[0] != geometry.NOT_DRAWN for w in widgets)


class _ValueBoundSigFieldCreationRule(SigFieldCreationRule):
    """pyHanko's ``SigFieldCreationRule`` with the widgets bound to pages by value
    (``approve_widget_bindings`` done by kyso's walk instead of pyHanko's), and a new field's
    visibility read as viewers read it (`_drawn`): one pyHanko calls invisible but a viewer
    draws is judged as the visible field it is."""

    def __init__(self, allow_new_visible_after_certify: bool = False) -> None:
        super().__init__(approve_widget_bindings=False, allow_new_visible_after_certify=allow_new_visible_after_certify)

    def apply(self, context):
        new_fields = {spec.new_field_ref for spec in context.field_specs.values()
                      if spec.field_type == '/Sig' and not spec.old_field_ref and spec.new_field_ref}
        for level, upd in super().apply(context):
            if upd.updated_ref in new_fields and upd.valid_when_certifying and _drawn(context.new(upd.updated_ref)):
                level = max(level, ModificationLevel.FORM_FILLING)
                upd = dataclasses.replace(upd, valid_when_locked=False,
                                          valid_when_certifying=self.allow_new_visible_after_certify)
            yield level, upd
        names = new_widget_names(context)
        if names:
            yield from walk_page_tree_annots(context.old.root['/Pages'], context.new.root['/Pages'], names,
                                             context.old, context.new)


class SignedSigFieldCreationRule(_ValueBoundSigFieldCreationRule):
    """pyHanko's ``SigFieldCreationRule`` as with ``allow_new_visible_after_certify=True``,
    but only for a new visible signature field that is *signed* (carries an indirect
    ``/V``) in the revision under review, or signed later (`_signed_later`).

    This is what DocMDP P=2 permits: signing. A new visible signature field left empty
    after a certification draws an appearance no signer vouches for (a "sneaky
    signature"); pyHanko's flag would accept it at FORM_FILLING, this rule keeps
    pyHanko's default verdict for it (OTHER). Every seal of the real documents is
    created and signed in the same revision, so they are unaffected. Whether the value
    is a valid signature is the business of that signature's own validation.
    """

    def __init__(self) -> None:
        super().__init__(allow_new_visible_after_certify=False)

    def apply(self, context):
        for level, upd in super().apply(context):
            # pyHanko only clears this flag on a new *visible* signature field itself
            if not upd.valid_when_certifying and (_is_signed(context.new(upd.updated_ref))
                                                  or _signed_later(context, upd.updated_ref)):
                upd = dataclasses.replace(upd, valid_when_certifying=True)
            yield level, upd


class ApprovalSigFieldCreationRule(_ValueBoundSigFieldCreationRule):
    """pyHanko's ``SigFieldCreationRule`` for approval signatures (and P=1, where pyHanko
    refuses every new visible signature field anyway), except that a new *visible*
    signature field must be signed in the revision under review.

    pyHanko accepts an empty visible signature field after an approval signature as form
    filling. Its widget draws whatever appearance the forger gives it, over the signed
    text, and no signer vouches for it (docs/attacks.md, "Sneaky signature (SSA)": a
    field left unsigned). The same rule as after P=2: signing is allowed, drawing is not.
    An invisible empty field draws nothing and stays an LTA-level update.
    """

    def apply(self, context):
        for level, upd in super().apply(context):
            if not upd.valid_when_certifying and not (_is_signed(context.new(upd.updated_ref))
                                                      or _signed_later(context, upd.updated_ref)):
                raise SuspiciousModification(
                    f"New visible signature field '{upd.field_name}' is not signed: "
                    "its appearance is vouched for by no signer."
                )
            yield level, upd
