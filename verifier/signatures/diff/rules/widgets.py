"""New signature widgets on pages whose other entries kept their value.

When a signature field is added, its widget joins a page's /Annots, so the page is written
again. pyHanko's ``SigFieldCreationRule`` then requires the rest of the page dictionary to be
the same *by reference* (``compare_dicts``); Acrobat moves the page's /Resources into a new
object with the same content when it signs, and pyHanko calls that a modification ("Values for
dict key /Resources differ"). :func:`walk_page_tree_annots` is pyHanko's
``_walk_page_tree_annots`` with that comparison made by value
(verifier.signatures.diff.values): every entry but /Annots must resolve to the same value, and
the new objects met on the way (the moved /Resources) are explained with the page. A font or
an image changed behind the moved /Resources makes the page differ: refused as before. An
inheritable attribute the page has on one side only (iText 5 writes the inherited /MediaBox
into the page with the widget) is compared by its effective value: the page's own, its
ancestors', or the default.

pyHanko compares a page's /Annots as a set. A viewer draws the annotations in their order,
each over the ones before, so reversing two overlapping ones shows the other on top; kyso
compares them as lists (docs/attacks.md, "Display properties outside the compared objects"):
the signed annotations keep their order, and the new signature widgets come after all of
them, each once. Every signing tool seen does exactly that: pyHanko's signer
(``register_annotation``), the VGCA tools in every revision of ../shared/realdocs, the
samples. Everything else (no annotation deleted, only the new fields' widgets added, the
page tree's shape unchanged) is pyHanko's code unchanged.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import RawPdfPath
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.diff_analysis.form_rules_api import FormUpdate
from pyhanko.sign.diff_analysis.rules.form_field_rules import _arr_to_refs
from pyhanko.sign.diff_analysis.rules_api import RelativeContext

from verifier.signatures.diff.values import same_value, shared_same_value

__all__ = ['new_widget_names', 'walk_page_tree_annots']


def new_widget_names(context) -> dict:
    """The widget annotations of the signature fields new in the revision, with their field
    names (as pyHanko's ``SigFieldCreationRule`` collects them; it has vetted the fields)."""
    names = {}
    for fq_name, spec in context.field_specs.items():
        if spec.field_type != '/Sig' or spec.old_field_ref or not spec.new_field_ref:
            continue
        field = spec.new_field_ref.get_object()
        if '/Kids' not in field:
            names[spec.new_field_ref] = fq_name
            continue
        for kid in _arr_to_refs(field.raw_get('/Kids').get_object(), SuspiciousModification):
            if '/T' not in kid.get_object():
                names[kid] = fq_name
    return names


def _annots_of(page, exc) -> tuple[list, generic.Reference | None]:
    """A page's annotations in drawing order (each a reference; a direct one is refused, as by
    pyHanko), and the reference of its /Annots array if that is indirect. No /Annots: none."""
    if not isinstance(page, generic.DictionaryObject):
        raise exc("Page objects should be dictionaries")
    if '/Annots' not in page:
        return [], None
    value = page.raw_get('/Annots')
    ref = value.reference if isinstance(value, generic.IndirectObject) else None
    return _arr_to_refs(value, SuspiciousModification), ref


def _appended(old: list, new: list, page_ref) -> list:
    """The annotations `new` adds after `old`, which it must keep, in order, before them: a
    viewer draws a page's annotations in that order, each over the ones before, so a reordered
    list shows another of two overlapping annotations on top than the signer saw."""
    if new[:len(old)] != old:
        gone = set(old) - set(new)
        if gone:
            raise SuspiciousModification(f"Annotations {gone} were deleted.")
        raise SuspiciousModification(
            f"The annotations of page object {page_ref.idnum} were reordered after signing: a page's "
            "annotations are drawn in their order, and new signature widgets may only be appended "
            "after the ones that were signed.")
    added = new[len(old):]
    if len(set(added)) != len(added) or set(added) & set(old):
        raise SuspiciousModification(
            f"An annotation is listed twice on page object {page_ref.idnum} after signing: it would be "
            "drawn again over the annotations listed between.")
    return added


# the page attributes a page takes from its ancestors when it has none (ISO 32000-1 §7.7.3.4)
INHERITABLE = ('/Resources', '/MediaBox', '/CropBox', '/Rotate')


def walk_page_tree_annots(old_root, new_root, names: dict, old, new, refs_seen=frozenset(), inherited=None):
    """(level, FormUpdate) for each page that gained only new signature widgets, the page
    compared by value apart from /Annots; pyHanko's walk otherwise. `inherited`: the
    inheritable attributes the ancestors give, (older side, newer side)."""
    old_given, new_given = inherited or ({}, {})
    old_given = {**old_given, **{k: old_root.raw_get(k) for k in INHERITABLE if k in old_root}}
    new_given = {**new_given, **{k: new_root.raw_get(k) for k in INHERITABLE if k in new_root}}
    def kids(node, exc):
        try:
            return _arr_to_refs(node['/Kids'], exc)
        except KeyError:
            raise exc("No /Kids in /Pages entry")

    old_kids, new_kids = kids(old_root, misc.PdfReadError), kids(new_root, SuspiciousModification)
    if old_kids != new_kids:
        raise SuspiciousModification("Unexpected change to page tree structure.")
    for new_kid_ref, old_kid_ref in zip(new_kids, old_kids):
        if old_kid_ref in refs_seen:
            raise misc.PdfReadError("Circular reference in page tree during annotation analysis")
        new_kid, old_kid = new_kid_ref.get_object(), old_kid_ref.get_object()
        try:
            node_type = old_kid['/Type']
        except (KeyError, TypeError) as e:
            raise misc.PdfReadError("Invalid page tree node") from e
        if node_type == '/Pages':
            yield from walk_page_tree_annots(old_kid, new_kid, names, old, new, refs_seen | {old_kid_ref},
                                             (old_given, new_given))
            continue
        if node_type != '/Page':
            continue
        new_annots, new_annots_ref = _annots_of(new_kid, SuspiciousModification)
        old_annots, old_annots_ref = _annots_of(old_kid, misc.PdfReadError)
        if old_annots == new_annots:
            continue
        added = _appended(old_annots, new_annots, old_kid_ref)
        unknown = set(added) - names.keys()
        if unknown:
            raise SuspiciousModification(f"The newly added annotations {unknown} were not recognised.")
        field_name = names[added[0]] if len(added) == 1 else None
        written_out, met_inherited = _inherited_written_out(old_kid, new_kid, old_given, new_given, old, new,
                                                            old_kid_ref)
        sameness = shared_same_value(old_kid, new_kid, old_rev=old, new_rev=new,
                                     ignore=frozenset({'/Annots', *written_out}))
        if not sameness:
            raise SuspiciousModification(
                f"Page {old_kid_ref.idnum} was changed beyond its /Annots when signature fields were added.")
        level = ModificationLevel.LTA_UPDATES
        locked_ok = field_name is not None
        # pages are referenced from many places; the whole page was compared: blanket approval
        yield level, FormUpdate(updated_ref=new_kid_ref, field_name=field_name, valid_when_locked=locked_ok,
                                context_checked=None)
        for met in sameness.new_side_refs | met_inherited:
            if old.is_ref_unassignable(met):
                yield level, FormUpdate(updated_ref=met, field_name=field_name, valid_when_locked=locked_ok)
        if new_annots_ref and (old_annots_ref == new_annots_ref or old.is_ref_unassignable(new_annots_ref)):
            yield level, FormUpdate(updated_ref=new_annots_ref, field_name=field_name, valid_when_locked=locked_ok,
                                    context_checked=RelativeContext(old_kid_ref, RawPdfPath('/Annots')))


def _inherited_written_out(old_page, new_page, old_given, new_given, old, new, page_ref):
    """(the inheritable attributes the page has on one side only, the objects of the newer side
    met comparing them). iText 5 writes a page's inherited /MediaBox into the page when it adds
    a signature widget: what the page displays is its effective value, its own, inherited, or
    the default (/Rotate 0, /CropBox the /MediaBox), and that must be the same on both sides.
    An attribute written out with another value (a page cropped, its fonts swapped) is refused."""
    keys = [k for k in INHERITABLE if (k in old_page) != (k in new_page)]
    met = frozenset()
    for key in keys:
        before = _effective(old_page, old_given, key)
        after = _effective(new_page, new_given, key)
        sameness = None if before is None or after is None else same_value(before, after, old_rev=old, new_rev=new)
        if not sameness:
            raise SuspiciousModification(
                f"Page {page_ref.idnum} was changed beyond its /Annots when signature fields were added: "
                f"its {key} is not the one it had.")
        met |= sameness.new_side_refs
    return keys, met


def _effective(page, given: dict, key: str):
    """The value of inheritable `key` for `page`: its own, its ancestors', else the default
    ISO 32000-1 Table 30 gives (None where there is none)."""
    if key in page:
        return page.raw_get(key)
    if key in given:
        return given[key]
    if key == '/Rotate':
        return generic.NumberObject(0)
    if key == '/CropBox':
        return _effective(page, given, '/MediaBox')
    return None
