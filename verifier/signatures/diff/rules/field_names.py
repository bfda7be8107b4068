"""The form's fields listed by name in two revisions, tolerating a period in a partial name that
the signed revision already had.

ISO 32000-1 §12.7.3.2 forbids a period in a field's partial name (/T), since periods join the
partial names into the fully qualified one. Some signing tools still name their field
`Signature.1`. pyHanko's form rule lists the fields of both revisions and refuses such a name
outright: a genuine document signed a second time then failed its first layer. kyso's listing
accepts it where it cannot hide anything:

- in the signed (old) revision, as the signer saw it;
- in the new revision only for a field that already had that partial name there (the same
  object), never for a field an update adds or renames;
- never when two fields end up with the same fully qualified name (a literal `Signature.1` next
  to a field `Signature` with a kid `1`), in either revision.

Everything else is what pyHanko's FormUpdatingRule does (pyHanko 0.38's form_rules_api), so the
field rules see the same comparison specifications.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.sign.diff_analysis.commons import compare_dicts, compare_key_refs, qualify_transforming
from pyhanko.sign.diff_analysis.form_rules_api import (
    FieldComparisonContext,
    FieldComparisonSpec,
    FormUpdate,
    FormUpdatingRule,
)
from pyhanko.sign.diff_analysis.policy_api import ModificationLevel, SuspiciousModification
from pyhanko.sign.diff_analysis.rules_api import Context


def _named_fields(fields, error, parent: str, inherited_ft, dotted_ok: set) -> Iterator[tuple[str, tuple]]:
    """(fully qualified name, (type, reference, kids, index)) of each field in `fields`."""
    if not isinstance(fields, generic.ArrayObject):
        raise error("Field list is not an array.")
    seen = set()
    for index, ref in enumerate(fields):
        if not isinstance(ref, generic.IndirectObject):
            raise error("Fields must be indirect objects")
        node = ref.get_object()
        if not isinstance(node, generic.DictionaryObject):
            raise error("Fields must be dictionary objects")
        try:
            name = node.raw_get("/T")
        except KeyError:
            continue  # a widget, not a field
        if not isinstance(name, (generic.TextStringObject, generic.ByteStringObject)):
            raise error("Names must be strings")
        if name in seen:
            raise error("Duplicate field name")
        if "." in name and (ref.reference, str(name)) not in dotted_ok:
            raise error("Partial names must not contain periods")
        seen.add(name)
        fq_name = f"{parent}.{name}" if parent else str(name)
        try:
            field_type = node.raw_get("/FT")
        except KeyError:
            field_type = inherited_ft
        kids = node.get("/Kids", generic.ArrayObject())
        if not kids and field_type is None:
            raise error(f"Field type of terminal field {fq_name!r} could not be determined")
        yield fq_name, (field_type, ref.reference, kids, index)


def _unique(pairs: Iterable[tuple[str, tuple]], error) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for name, spec in pairs:
        if name in out:
            raise error(f"Two fields are named {name!r}")
        out[name] = spec
    return out


def _dotted(fields) -> set:
    """(reference, partial name) of every field whose partial name holds a period, in a tree."""
    found, stack, seen = set(), [fields], set()
    while stack:
        current = stack.pop()
        if not isinstance(current, generic.ArrayObject):
            continue
        for ref in current:
            if not isinstance(ref, generic.IndirectObject) or ref.reference in seen:
                continue
            seen.add(ref.reference)
            node = ref.get_object()
            if not isinstance(node, generic.DictionaryObject):
                continue
            name = node.get("/T")
            if isinstance(name, (generic.TextStringObject, generic.ByteStringObject)) and "." in name:
                found.add((ref.reference, str(name)))
            stack.append(node.get("/Kids"))
    return found


def list_fields(old_fields, new_fields, old_path, parent: str = "", inherited_ft=None, dotted=None):
    """(name, FieldComparisonSpec) of every field of either revision, as pyHanko lists them."""
    if dotted is None:
        dotted = _dotted(old_fields)  # what the signed revision named with a period
    old_by_name = _unique(_named_fields(old_fields, misc.PdfReadError, parent, inherited_ft, _dotted(old_fields)),
                          misc.PdfReadError)
    new_by_name = _unique(_named_fields(new_fields, SuspiciousModification, parent, inherited_ft, dotted),
                          SuspiciousModification)
    for name in set(old_by_name) | set(new_by_name):
        old_type, old_ref, old_kids, index = old_by_name.get(name, (None, None, generic.ArrayObject(), None))
        new_type, new_ref, new_kids, _ = new_by_name.get(name, (None, None, generic.ArrayObject(), None))
        if old_ref and new_ref and new_type != old_type:
            raise SuspiciousModification(f"Update changed field type of {name}")
        common = old_type or new_type
        path = old_path + index if index is not None and old_path is not None else None
        yield name, FieldComparisonSpec(field_type=common, old_field_ref=old_ref, new_field_ref=new_ref,
                                        old_canonical_path=path)
        if old_kids or new_kids:
            yield from list_fields(old_kids, new_kids, path + "/Kids" if path is not None else None,
                                   parent=name, inherited_ft=common, dotted=dotted)


def _by_name(specs) -> dict:
    """The specifications by fully qualified name; two fields of the new revision under one name
    (a literal `Signature.1` beside `Signature` with a kid `1`) would let one stand for the other."""
    out: dict = {}
    for name, spec in specs:
        earlier = out.get(name)
        if earlier is not None and earlier.new_field_ref != spec.new_field_ref:
            raise SuspiciousModification(f"Two fields are named {name!r}")
        out[name] = spec
    return out


class DottedNameFormRule(FormUpdatingRule):
    """pyHanko's FormUpdatingRule with kyso's field listing (list_fields)."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver):
        acroform_context = Context.from_absolute(old, RawPdfPath("/Root", "/AcroForm"))
        old_acroform, new_acroform = yield from qualify_transforming(
            ModificationLevel.LTA_UPDATES,
            compare_key_refs("/AcroForm", old, old.root, new.root),
            transform=FormUpdate.curry_ref(field_name=None, context_checked=acroform_context),
        )
        compare_dicts(old_acroform, new_acroform, self.ignored_acroform_keys)
        if not isinstance(old_acroform, generic.DictionaryObject) or not isinstance(new_acroform, generic.DictionaryObject):
            raise SuspiciousModification("/AcroForm is not a dictionary")
        fields_path = RawPdfPath("/Root", "/AcroForm", "/Fields")
        old_fields, new_fields = yield from qualify_transforming(
            ModificationLevel.LTA_UPDATES,
            compare_key_refs("/Fields", old, old_acroform, new_acroform),
            transform=FormUpdate.curry_ref(field_name=None, context_checked=Context.from_absolute(old, fields_path)),
        )
        # Acrobat and Reader rewrite the default resources when a form is filled
        _old_dr, new_dr = yield from qualify_transforming(
            ModificationLevel.FORM_FILLING,
            compare_key_refs("/DR", old, old_acroform, new_acroform),
            transform=FormUpdate.curry_ref(
                field_name=None, context_checked=Context.from_absolute(old, RawPdfPath("/Root", "/AcroForm", "/DR"))),
        )
        if new_dr is not None:
            yield from qualify_transforming(
                ModificationLevel.FORM_FILLING,
                misc._as_gen(new.collect_dependencies(new_dr, since_revision=old.revision + 1)),
                transform=FormUpdate.curry_ref(field_name=None),
            )
        context = FieldComparisonContext(field_specs=_by_name(list_fields(old_fields, new_fields, fields_path)),
                                         old=old, new=new)
        for rule in self.field_rules:
            yield from rule.apply(context)
