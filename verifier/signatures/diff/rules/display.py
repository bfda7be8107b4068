"""The form's display properties, kept as they were signed (docs/attacks.md, "Display
properties outside the compared objects").

A viewer draws a field from its appearance stream (/AP), which the signature covers; but some
entries tell it to draw the field anew from its value, and how:

- ``/AcroForm /NeedAppearances true``: redraw every field from its value, ignoring the signed
  appearances (PDFium does, at load);
- ``/DA`` (font, size, colour) and ``/Q`` (alignment), of the form (the default) and of each
  field or widget: how a field is redrawn;
- ``/DR``, of the form (and, in PDF 1.2 style, of a field): the fonts the /DA strings name.

pyHanko's form rule exempts all four form entries from its comparison
(``ACROFORM_EXEMPT_STRICT_COMPARISON``) and lets a field's /DA and /Q change as form filling
(``VALUE_UPDATE_KEYS``): /NeedAppearances set after signing, or a /DR font swapped for one whose
encoding draws "9" for "1", passed as LTA_UPDATES or FORM_FILLING. :class:`DisplayPropertiesRule`
refuses, with a plain reason, every such change after the signed revision, compared by value
(verifier.signatures.diff.values):

- /NeedAppearances may stay as it was, be removed or be set to false; any other new value is
  refused. Removing it is what pyHanko's own signer does (``ensure_sig_flags``), and it makes
  viewers show the appearances the signature covers;
- the form's /DA and /Q may not change or be removed; they may be added only when no
  field of the signed form but signature fields would take them as its default (a signature
  field's appearance is never drawn from /DA). VGCA's iText-based tools write /DA and /DR into
  a form that pyHanko or another tool started;
- an entry of the form's /DR (a font, an XObject) may not change or be removed; new entries may
  be added (VGCA's tools add /XObject /FRM when they sign: 19-bkhcn.pdf), except a font that a
  signed /DA names and the signed /DR lacked: it would decide how that field is redrawn;
- /DA, /Q and /DR of every field and widget of the signed form stay the same, except on a
  signature field signed in the revision under review, whose appearance is then replaced by
  its signer.

The checks raise ``SuspiciousModification``: the earlier layer fails with MODIFIED_AFTER_SIGNING
(verifier.signatures.diff.judgement). The order of a page's annotations, the other display
property outside the compared objects, is kept by verifier.signatures.diff.rules.widgets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pyhanko.pdf_utils import generic
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.diff_analysis.form_rules_api import FieldComparisonContext, FieldMDPRule, FormUpdate

from verifier.signatures.diff.values import shared_same_value

__all__ = ['DisplayPropertiesRule', 'da_font_names']

FIELD_KEYS = ('/DA', '/Q', '/DR')
_MAX_NODES = 10_000
# the font operand of a Tf operator in a /DA string: a name, then a size
_TF = re.compile(rb"/([^\s/\[\]()<>{}%]*)\s+[-+]?(?:\d+\.?\d*|\.\d+)\s+Tf\b")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _get(d, key):
    """d[key] resolved, or None (absent, dangling, or `d` not a dictionary)."""
    try:
        return d[key] if isinstance(d, generic.DictionaryObject) and key in d else None
    except Exception:  # noqa: BLE001 - a dangling reference is no value
        return None


def _same(old_dict, new_dict, key: str, old, new) -> bool:
    """Whether `key` has the same value in both dictionaries (absent in both is the same)."""
    if (key in old_dict) != (key in new_dict):
        return False
    return key not in old_dict or bool(
        shared_same_value(old_dict.raw_get(key), new_dict.raw_get(key), old_rev=old, new_rev=new))


def da_font_names(da) -> set[str]:
    """The font resource names a /DA string selects with Tf, as names ('/Helv')."""
    if not isinstance(da, (generic.TextStringObject, generic.ByteStringObject)):
        return set()
    return {"/" + _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), m.group(1)).decode("latin-1")
            for m in _TF.finditer(da.original_bytes)}


def _nodes(acroform) -> Iterator[tuple[generic.DictionaryObject, str | None, set[str]]]:
    """(node, inherited field type, inherited keys among /DA and /Q) for every field and widget
    of the form, depth first, cycle-safe; at most _MAX_NODES of them."""
    fields = _get(acroform, '/Fields')
    stack = [(f, None, frozenset()) for f in reversed(fields)] if isinstance(fields, generic.ArrayObject) else []
    seen: set = set()
    while stack and len(seen) < _MAX_NODES:
        item, ft, inherited = stack.pop()
        if isinstance(item, generic.IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
        node = item.get_object() if isinstance(item, generic.IndirectObject) else item
        if not isinstance(node, generic.DictionaryObject):
            continue
        ft = _get(node, '/FT') or ft
        have = inherited | {k for k in ('/DA', '/Q') if k in node}
        yield node, ft, have
        kids = _get(node, '/Kids')
        if isinstance(kids, generic.ArrayObject):
            stack.extend((k, ft, have) for k in reversed(kids))


def _defaults_in_use(acroform) -> tuple[set[str], set[str] | None]:
    """(keys among /DA and /Q that a field of the form other than a signature field takes from
    the form, font names its /DA strings select): what an added form default or font would
    change. A form too large to walk takes both defaults and every font (None)."""
    relied: set[str] = set()
    fonts = da_font_names(_get(acroform, '/DA'))
    count = 0
    for node, ft, have in _nodes(acroform):
        count += 1
        fonts |= da_font_names(_get(node, '/DA'))
        if ft != '/Sig' and not isinstance(_get(node, '/Kids'), generic.ArrayObject):
            relied |= {'/DA', '/Q'} - have
    if count >= _MAX_NODES:
        return {'/DA', '/Q'}, None
    return relied, fonts


def _check_need_appearances(old_form, new_form) -> None:
    if '/NeedAppearances' not in new_form or _same(old_form, new_form, '/NeedAppearances', None, None):
        return
    value = _get(new_form, '/NeedAppearances')
    if isinstance(value, generic.BooleanObject) and not value.value:
        return
    shown = "true" if isinstance(value, generic.BooleanObject) else f"the value {value!r}"
    raise SuspiciousModification(
        f"/NeedAppearances of the form was set to {shown} after signing: viewers would draw the "
        "form's fields anew from their values instead of the appearances that were signed.")


def _check_defaults(old_form, new_form, relied: set[str], old, new) -> None:
    for key in ('/DA', '/Q'):
        if _same(old_form, new_form, key, old, new):
            continue
        if key in old_form:
            done = "changed" if key in new_form else "removed"
            raise SuspiciousModification(
                f"The form's default {key} was {done} after signing: fields would be drawn anew "
                "otherwise than when signed.")
        if key in relied:
            raise SuspiciousModification(
                f"The form's default {key} was added after signing, and a field of the signed "
                "form takes it: the field would be drawn anew otherwise than when signed.")


def _is_dict(value) -> bool:
    return isinstance(value, generic.DictionaryObject) and not isinstance(value, generic.StreamObject)


def _check_resources(old_form, new_form, da_fonts: set[str] | None, old, new) -> None:
    """The form's /DR: what the signed one held stays, by value; new entries may be added,
    but not a font that a signed /DA names and the signed /DR lacked."""
    if '/DR' not in new_form:
        if _get(old_form, '/DR'):
            raise SuspiciousModification("The form's default resources (/DR) were removed after signing.")
        return
    old_dr = _get(old_form, '/DR') if '/DR' in old_form else generic.DictionaryObject()
    new_dr = _get(new_form, '/DR')
    if not (_is_dict(old_dr) and _is_dict(new_dr)):
        if not shared_same_value(old_dr, new_dr, old_rev=old, new_rev=new):
            raise SuspiciousModification("The form's default resources (/DR) were replaced after signing.")
        return
    for category in old_dr:
        if category not in new_dr:
            raise SuspiciousModification(f"{category} of the form's default resources (/DR) was removed after signing.")
        old_cat, new_cat = _get(old_dr, category), _get(new_dr, category)
        if not (_is_dict(old_cat) and _is_dict(new_cat)):
            if not shared_same_value(old_dr.raw_get(category), new_dr.raw_get(category), old_rev=old, new_rev=new):
                raise SuspiciousModification(
                    f"{category} of the form's default resources (/DR) was replaced after signing.")
            continue
        for name in old_cat:
            if name not in new_cat:
                raise SuspiciousModification(
                    f"{category} {name} of the form's default resources (/DR) was removed after signing.")
            if not shared_same_value(old_cat.raw_get(name), new_cat.raw_get(name), old_rev=old, new_rev=new):
                raise SuspiciousModification(
                    f"{category} {name} of the form's default resources (/DR) was replaced after signing: "
                    "fields drawn anew would use other glyphs or images than when signed.")
    old_fonts, new_fonts = _get(old_dr, '/Font'), _get(new_dr, '/Font')
    if _is_dict(new_fonts):
        added = set(new_fonts) - (set(old_fonts) if _is_dict(old_fonts) else set())
        named = added if da_fonts is None else added & da_fonts
        if named:
            raise SuspiciousModification(
                f"Font {sorted(named)[0]} was added to the form's default resources (/DR) after signing, "
                "and a signed /DA names it: a field would be drawn anew with a font it did not have.")


def _widgets(field) -> Iterable[generic.Reference]:
    """The widget annotations in a field's /Kids (those without a partial name)."""
    kids = _get(field, '/Kids')
    if not isinstance(kids, generic.ArrayObject):
        return ()
    return [k.reference for k in kids if isinstance(k, generic.IndirectObject)
            and isinstance(k.get_object(), generic.DictionaryObject) and '/T' not in k.get_object()]


def _signed_now(spec) -> bool:
    """A signature field empty in the signed revision and signed in the one under review: its
    signer replaces its appearance."""
    return spec.field_type == '/Sig' and '/V' not in spec.old_field and '/V' in spec.new_field


class DisplayPropertiesRule(FieldMDPRule):
    """Refuses a change of /NeedAppearances, /DA, /Q or /DR of the form, or of /DA, /Q or /DR of
    a field or widget of the signed form (see the module's description). Approves nothing: the
    objects these entries live in are approved by the rules about them."""

    def apply(self, context: FieldComparisonContext) -> Iterable[tuple[ModificationLevel, FormUpdate]]:
        old, new = context.old, context.new
        old_form, new_form = _get(old.root, '/AcroForm'), _get(new.root, '/AcroForm')
        if not isinstance(old_form, generic.DictionaryObject) or not isinstance(new_form, generic.DictionaryObject):
            return  # the form rule refuses a form that is gone; no signed form, nothing to keep
        relied, da_fonts = _defaults_in_use(old_form)
        _check_need_appearances(old_form, new_form)
        _check_defaults(old_form, new_form, relied, old, new)
        _check_resources(old_form, new_form, da_fonts, old, new)
        for fq_name, spec in context.field_specs.items():
            if spec.old_field_ref is None or spec.new_field_ref is None or _signed_now(spec):
                continue
            pairs = [(spec.old_field, spec.new_field)]
            pairs += [(old(ref), new(ref)) for ref in _widgets(spec.old_field)]
            for old_node, new_node in pairs:
                if not isinstance(new_node, generic.DictionaryObject):
                    continue  # a widget gone: the rules binding widgets to pages refuse it
                for key in FIELD_KEYS:
                    if not _same(old_node, new_node, key, old, new):
                        raise SuspiciousModification(
                            f"{key} of form field '{fq_name}' was changed after signing: the field "
                            "would be drawn anew otherwise than when signed.")
        yield from ()
