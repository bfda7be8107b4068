"""Post-signature modification policy of kyso (pyHanko difference analysis).

pyHanko decides whether the revisions appended after a signature are harmless by
"whitelisting": every object written in a later revision must be explained by a rule
(a signature field being added, the document information dictionary being updated, ...);
one unexplained object makes the modification level OTHER and the signature invalid.

Its DEFAULT_DIFF_POLICY wrongly rejects genuine documents of Vietnamese state agencies,
because of three habits of their signing tools (VGCA Sign Service, vSignPDF, built on
iText). This module builds a policy that is pyHanko's default plus exactly three narrow
extensions, one per habit, and one restriction (4.), and nothing else:

1. **New visible signature fields after a DocMDP P=2 certification.**
   The first signature of a multi-layer document certifies it with P=2 ("form filling
   and signing allowed"); every later layer (the agency's seals, the number, the date) is
   a new *visible* signature field. pyHanko refuses new visible signature fields after
   any certification (stricter than ISO 32000 and Acrobat). P=2 explicitly permits
   signing, so after a P=2 certification a new visible signature field is accepted as
   with ``SigFieldCreationRule(allow_new_visible_after_certify=True)`` - provided it is
   signed in that revision (:class:`SignedSigFieldCreationRule`): an empty visible
   signature field is a "sneaky signature" appearance nobody vouches for, and stays
   OTHER as in pyHanko's default. For P=1 (no changes) and P=3 (annotations)
   pyHanko's default rule is used unchanged: the relaxation is selected per signature
   from its own DocMDP level (:class:`KysoDiffPolicy`), because pyHanko's flag alone
   also relaxes P=1 and P=3 (they would become FORM_FILLING instead of OTHER).

2. **Tagged-PDF structure tree entries for a new signature widget.**
   Word-made, tagged PDFs (e.g. decree 50/2026/NĐ-CP) are signed with iText, which
   registers each new signature widget in the logical structure tree, as PDF/UA
   requires: a new ``/StructElem`` (``/S /Form``) whose ``/K`` is an ``/OBJR`` to the
   widget, appended to the ``/K`` array of an existing structure element, a new
   ``/ParentTree`` entry (key = the widget's ``/StructParent``) pointing at it, a bumped
   ``/ParentTreeNextKey`` - and iText rewrites the whole parent tree into new objects on
   every save. pyHanko has no rule for any of this ("unexplained xrefs"). The structure
   tree does not draw anything, but it is what screen readers and text extraction follow,
   so :class:`SignatureStructTreeRule` accepts exactly that pattern and nothing more:
   existing parent-tree entries must keep their values, new entries and new elements
   must point at signature widgets that are new since the signed revision, and no
   marked-content reference into page content may be added.

3. **An empty XMP metadata stream.**
   Some tools write a zero-length ``/Metadata`` stream (19-bkhcn.pdf has one in every
   revision, including the signed one, and rewrites it when signing). pyHanko's
   ``MetadataUpdateRule`` tries to parse it as XML and reports OTHER. An empty stream
   carries no metadata and cannot hide anything, so :class:`EmptyTolerantMetadataRule`
   accepts it at LTA_UPDATES; whenever a stream is non-empty it gets exactly pyHanko's
   well-formedness/XMP checks, and when neither stream is empty the decision is
   delegated to pyHanko's ``MetadataUpdateRule`` unchanged.

4. **No empty visible signature field after an approval signature.**
   pyHanko accepts a new visible signature field left unsigned after an approval
   signature as form filling; its widget can draw anything over the signed text and no
   signer vouches for it (docs/attacks.md, "Sneaky signature (SSA)").
   :class:`ApprovalSigFieldCreationRule` makes that OTHER, as after a P=2 certification;
   a new visible signature field signed in the same revision, or an invisible one, is
   accepted as before.

Everything else - new annotations, page content or font changes, unsigned updates,
non-signature form fields - is judged by pyHanko's own rules exactly as in
``DEFAULT_DIFF_POLICY``.

Note: ``SignatureStructTreeRule`` uses pyHanko's (internal) reverse reference cache
(``HistoricalResolver._get_usages_of_ref``), as pyHanko's own form rules do, so that an
existing object it approves is approved only through the structure-tree paths it checked.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Iterator

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.sign.diff_analysis import (
    DiffPolicy,
    DiffResult,
    ModificationLevel,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.commons import compare_dicts
from pyhanko.sign.diff_analysis.form_rules_api import FormUpdatingRule
from pyhanko.sign.diff_analysis.rules.file_structure_rules import (
    CatalogModificationRule,
    ObjectStreamRule,
    XrefStreamRule,
)
from pyhanko.sign.diff_analysis.rules.form_field_rules import (
    DSSCompareRule,
    GenericFieldModificationRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
)
from pyhanko.sign.diff_analysis.rules.metadata_rules import (
    DocInfoRule,
    MetadataUpdateRule,
)
from pyhanko.sign.diff_analysis.rules_api import (
    Context,
    QualifiedWhitelistRule,
    ReferenceUpdate,
    WhitelistRule,
)
from pyhanko.sign.fields import FieldMDPSpec, MDPPerm

from verifier.patches import diffshare  # noqa: F401  (orphans found once per revision, not per comparison)

__all__ = [
    'EmptyTolerantMetadataRule',
    'KysoDiffPolicy',
    'SignatureStructTreeRule',
    'SignedSigFieldCreationRule',
    'ApprovalSigFieldCreationRule',
    'build_diff_policy',
]


# ---------------------------------------------------------------------------
# 3. XMP metadata: an empty stream is a legitimate (empty) metadata update
# ---------------------------------------------------------------------------


def _metadata_ref(root: generic.DictionaryObject) -> generic.Reference | None:
    # same lookup (and same complaint) as pyHanko's MetadataUpdateRule
    try:
        return root.get_value_as_reference('/Metadata')
    except misc.IndirectObjectExpected:
        raise SuspiciousModification("/Metadata should be an indirect reference")
    except KeyError:
        return None


def _is_empty_stream(ref: generic.Reference) -> bool:
    """True only for a stream object whose decoded data is zero bytes long.

    Anything else (not a stream, undecodable, a single space, ...) is "not empty" and
    is left to pyHanko's XML checks, which will reject it when it is not XMP.
    """
    try:
        obj = ref.get_object()
        if not isinstance(obj, generic.StreamObject):
            return False
        return len(obj.read_data(DecodePurpose.XMP_METADATA)) == 0
    except Exception:  # noqa: BLE001 - undecodable: let pyHanko's checks speak
        return False


class EmptyTolerantMetadataRule(WhitelistRule):
    """pyHanko's ``MetadataUpdateRule``, except that an empty metadata stream (zero
    bytes after decoding, old or new) is not fed to the XML parser.

    - Neither the old nor the new ``/Metadata`` stream is empty: delegated unchanged to
      pyHanko's ``MetadataUpdateRule`` (XML well-formedness, no entities, root element
      ``x:xmpmeta``).
    - Otherwise: each non-empty stream still gets pyHanko's
      ``MetadataUpdateRule.is_well_formed_xml``; the reference bookkeeping is identical
      to pyHanko's (the new stream must override the old metadata object or be a new
      object, never another existing object), approved through ``/Root/Metadata``.
    """

    def __init__(self) -> None:
        self._pyhanko_rule = MetadataUpdateRule()

    def apply(
        self, old: HistoricalResolver, new: HistoricalResolver
    ) -> Iterable[ReferenceUpdate]:
        new_ref = _metadata_ref(new.root)
        if new_ref is None:
            return
        old_ref = _metadata_ref(old.root)
        new_empty = _is_empty_stream(new_ref)
        old_empty = old_ref is not None and _is_empty_stream(old_ref)
        if not new_empty and not old_empty:
            yield from self._pyhanko_rule.apply(old, new)
            return

        if not new_empty:
            MetadataUpdateRule.is_well_formed_xml(new_ref)
        if old_ref is not None and not old_empty:
            MetadataUpdateRule.is_well_formed_xml(old_ref)

        if old_ref == new_ref or old.is_ref_unassignable(new_ref):
            yield ReferenceUpdate(
                new_ref,
                context_checked=Context.from_absolute(
                    old, RawPdfPath('/Root', '/Metadata')
                ),
            )


# ---------------------------------------------------------------------------
# 2. Structure tree entries for new signature widgets
# ---------------------------------------------------------------------------

# Keys a new structure element may carry: exactly what iText writes for a widget.
_NEW_ELEM_KEYS = frozenset({'/Type', '/S', '/P', '/Pg', '/K'})
_OBJR_KEYS = frozenset({'/Type', '/Obj', '/Pg'})
_NUMBER_TREE_NODE_KEYS = frozenset({'/Kids', '/Nums', '/Limits'})
# The only StructTreeRoot entries that may change.
_STRUCT_ROOT_MUTABLE = frozenset({'/ParentTree', '/ParentTreeNextKey', '/K'})
# The only structure type a signature widget's element may have: ISO 32000-1,
# 14.8.4.5, "Form: widget annotation representing an interactive form field".
_WIDGET_STRUCT_TYPE = '/Form'

_MAX_TREE_DEPTH = 32
_MAX_FIELD_DEPTH = 32


def _fail(msg: str):
    raise SuspiciousModification(f"Structure tree: {msg}")


def _ref_of(obj) -> generic.Reference | None:
    return obj.reference if isinstance(obj, generic.IndirectObject) else None


def _flatten_number_tree(raw_root) -> tuple[dict[int, object], set[generic.Reference]]:
    """Read a number tree into {key: raw value} and the set of references of its
    container objects (nodes, /Kids and /Nums arrays). Duplicated keys, loops, streams
    and keys other than /Kids, /Nums, /Limits make it suspicious."""
    entries: dict[int, object] = {}
    containers: set[generic.Reference] = set()

    def resolve_container(raw, kind):
        ref = _ref_of(raw)
        if ref is not None:
            if ref in containers:
                _fail(f"parent tree {kind} {ref} is used twice (loop or shared node)")
            containers.add(ref)
        obj = raw.get_object() if ref is not None else raw
        if isinstance(obj, generic.StreamObject):
            _fail(f"parent tree {kind} {ref} is a stream")
        return obj

    def walk(raw_node, depth):
        if depth > _MAX_TREE_DEPTH:
            _fail("parent tree is too deep")
        node = resolve_container(raw_node, 'node')
        if not isinstance(node, generic.DictionaryObject):
            _fail("parent tree node is not a dictionary")
        extra = set(node.keys()) - _NUMBER_TREE_NODE_KEYS
        if extra:
            _fail(f"unexpected keys {sorted(extra)} in a parent tree node")
        if '/Limits' in node and not isinstance(
            node.raw_get('/Limits'), generic.ArrayObject
        ):
            _fail("parent tree /Limits must be a direct array")
        if '/Nums' in node:
            nums = resolve_container(node.raw_get('/Nums'), '/Nums array')
            if not isinstance(nums, generic.ArrayObject) or len(nums) % 2:
                _fail("parent tree /Nums is not an array of key/value pairs")
            for i in range(0, len(nums), 2):
                key = nums.raw_get(i)
                if not isinstance(key, generic.NumberObject):
                    _fail(f"parent tree key {key!r} is not an integer")
                key = int(key)
                if key in entries:
                    _fail(f"parent tree key {key} appears twice")
                entries[key] = nums.raw_get(i + 1)
        if '/Kids' in node:
            kids = resolve_container(node.raw_get('/Kids'), '/Kids array')
            if not isinstance(kids, generic.ArrayObject):
                _fail("parent tree /Kids is not an array")
            for kid in kids:
                if not isinstance(kid, generic.IndirectObject):
                    _fail("parent tree /Kids entries must be indirect")
                walk(kid, depth + 1)

    walk(raw_root, 0)
    return entries, containers


def _same_item(a, b) -> bool:
    """Identity of one entry of a /K array or a parent tree array: indirect entries by
    reference, direct ones by type and value (integers = MCIDs, null, MCR dicts)."""
    if isinstance(a, generic.IndirectObject) or isinstance(b, generic.IndirectObject):
        return (
            isinstance(a, generic.IndirectObject)
            and isinstance(b, generic.IndirectObject)
            and a.reference == b.reference
        )
    if isinstance(a, generic.DictionaryObject) or isinstance(b, generic.DictionaryObject):
        return (
            isinstance(a, generic.DictionaryObject)
            and isinstance(b, generic.DictionaryObject)
            and not isinstance(a, generic.StreamObject)
            and not isinstance(b, generic.StreamObject)
            and a.keys() == b.keys()
            and all(_same_item(a.raw_get(k), b.raw_get(k)) for k in a.keys())
        )
    if isinstance(a, generic.ArrayObject) or isinstance(b, generic.ArrayObject):
        return (
            isinstance(a, generic.ArrayObject)
            and isinstance(b, generic.ArrayObject)
            and len(a) == len(b)
            and all(_same_item(x, y) for x, y in zip(a, b))
        )
    return type(a) is type(b) and a == b


def _resolve(raw):
    return raw.get_object() if isinstance(raw, generic.IndirectObject) else raw


def _as_list(raw_k) -> list:
    """/K as a list of raw entries (a single kid need not be wrapped in an array)."""
    if raw_k is None:
        return []
    obj = raw_k.get_object() if isinstance(raw_k, generic.IndirectObject) else raw_k
    if isinstance(obj, generic.ArrayObject):
        return [obj.raw_get(i) for i in range(len(obj))]
    return [raw_k]


def _signature_widgets(new: HistoricalResolver) -> set[generic.Reference]:
    """Widget annotations of signature fields in the new revision's AcroForm: terminal
    fields whose (inherited) /FT is /Sig; the field itself if it has no /Kids (merged
    field/widget), otherwise its kids without /T."""
    widgets: set[generic.Reference] = set()
    try:
        fields = new.root['/AcroForm']['/Fields']
    except (KeyError, TypeError):
        return widgets
    seen: set[generic.Reference] = set()

    def walk(arr, inherited_ft, depth):
        if depth > _MAX_FIELD_DEPTH or not isinstance(arr, generic.ArrayObject):
            return
        for raw in arr:
            ref = _ref_of(raw)
            if ref is None or ref in seen:
                continue
            seen.add(ref)
            field = raw.get_object()
            if not isinstance(field, generic.DictionaryObject):
                continue
            ft = field.get('/FT', inherited_ft)
            kids = field.get('/Kids')
            if isinstance(kids, generic.ArrayObject) and len(kids):
                if ft == '/Sig':
                    for kid in kids:
                        kid_ref = _ref_of(kid)
                        kid_obj = kid.get_object()
                        if (
                            kid_ref is not None
                            and isinstance(kid_obj, generic.DictionaryObject)
                            and '/T' not in kid_obj
                        ):
                            widgets.add(kid_ref)
                walk(kids, ft, depth + 1)
            elif ft == '/Sig':
                widgets.add(ref)

    walk(fields.get_object() if isinstance(fields, generic.IndirectObject) else fields, None, 0)
    return widgets


class SignatureStructTreeRule(QualifiedWhitelistRule):
    """Accept (at FORM_FILLING) the structure-tree bookkeeping that tagged-PDF signing
    tools write for a new signature widget, and nothing else.

    It acts only when the ``/StructTreeRoot`` dictionary (an indirect object whose
    reference the catalog keeps) differs between the signed and the new revision. It
    then requires, comparing the signed revision with the new one:

    a. StructTreeRoot: only ``/ParentTree``, ``/ParentTreeNextKey`` and ``/K`` differ;
       ``/K`` only as a parent of new elements (d). ``/ParentTreeNextKey`` does not
       decrease.
    b. ParentTree (a number tree; nodes with only /Kids, /Nums, /Limits): every key of
       the signed revision is still present with the same value - the same structure
       element, or an array holding the same entries in the same order (the array may
       be a new object, as iText writes it). Keys are only added; each new key is at
       least the old ``/ParentTreeNextKey`` (and above every old key), below the new one,
       and maps to a structure element created after the signed revision.
    c. Each such new element has only /Type (/StructElem), /S (/Form), /P, /Pg, /K; its
       /K is one /OBJR or an array of /OBJR dictionaries (no MCIDs, no marked-content
       references, no other kids), each pointing at a widget annotation that belongs to
       a signature field of the new AcroForm, did not exist in the signed revision, and
       whose ``/StructParent`` is the new key mapping to this element; /Pg, if present,
       is the widget's page.
    d. Each new element's /P is an existing structure element (or the StructTreeRoot)
       whose dictionary is unchanged except /K, and whose /K is the signed /K followed
       by exactly its new elements, each once: nothing existing is removed, replaced or
       reordered, and nothing else is added.

    What it then whitelists: the new elements and their indirect OBJR dictionaries, the
    new parent tree objects (nodes, /Kids, /Nums and value arrays) - each a dictionary or
    array checked above - and the existing StructTreeRoot, parent elements and parent
    tree objects overwritten in place, the latter only through their usage paths under
    ``/Root/StructTreeRoot`` (any other use of them stays unexplained). It never
    whitelists a stream, a page, an annotation or widget, a form field, or any object
    it has not checked; those stay with pyHanko's rules. Any violation raises
    SuspiciousModification (modification level OTHER) with the reason.
    """

    level = ModificationLevel.FORM_FILLING

    def apply_qualified(
        self, old: HistoricalResolver, new: HistoricalResolver
    ) -> Iterable[tuple[ModificationLevel, ReferenceUpdate]]:
        try:
            for upd in self._apply(old, new):
                yield self.level, upd
        except SuspiciousModification:
            raise
        except (misc.PdfError, KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
            raise SuspiciousModification(
                f"Structure tree: malformed structure in the update ({e!r})"
            ) from e

    # -- helpers -----------------------------------------------------------

    @staticmethod
    def _in_place(
        old: HistoricalResolver, ref: generic.Reference
    ) -> Iterator[ReferenceUpdate]:
        """Approve an existing object, overwritten with checked content, through each of
        its usage paths under /Root/StructTreeRoot (and no other)."""
        old._load_reverse_xref_cache()
        for path in old._get_usages_of_ref(ref):
            nodes = path.path
            if len(nodes) >= 2 and nodes[0] == '/Root' and nodes[1] == '/StructTreeRoot':
                yield ReferenceUpdate(ref, context_checked=Context.from_absolute(old, path))

    def _approve_container(
        self,
        old: HistoricalResolver,
        ref: generic.Reference,
        old_refs: set[generic.Reference],
    ) -> Iterator[ReferenceUpdate]:
        """A checked dictionary/array: new object -> approve; same object as in the
        signed structure -> approve in place; any other existing object -> nothing
        (if it was overwritten it stays unexplained)."""
        if old.is_ref_unassignable(ref):
            yield ReferenceUpdate(ref)
        elif ref in old_refs:
            yield from self._in_place(old, ref)

    # -- the rule ------------------------------------------------------------

    def _apply(
        self, old: HistoricalResolver, new: HistoricalResolver
    ) -> Iterator[ReferenceUpdate]:
        try:
            old_str_raw = old.root.raw_get('/StructTreeRoot')
            new_str_raw = new.root.raw_get('/StructTreeRoot')
        except KeyError:
            return  # added or removed: the catalog rule rejects that
        str_ref = _ref_of(new_str_raw)
        if str_ref is None or _ref_of(old_str_raw) != str_ref:
            return  # direct or re-pointed: the catalog rule judges the catalog
        old_str = old_str_raw.get_object()
        new_str = new_str_raw.get_object()
        if not isinstance(old_str, generic.DictionaryObject):
            return
        if not isinstance(new_str, generic.DictionaryObject) or isinstance(
            new_str, generic.StreamObject
        ):
            _fail("StructTreeRoot is not a dictionary")
        if _same_item(old_str, new_str):
            return  # unchanged: nothing to explain here

        # (a) the root itself
        compare_dicts(old_str, new_str, _STRUCT_ROOT_MUTABLE)

        # (b) the parent tree
        if '/ParentTree' not in new_str:
            _fail("/ParentTree was removed")
        old_entries: dict[int, object] = {}
        old_containers: set[generic.Reference] = set()
        if '/ParentTree' in old_str:
            old_entries, old_containers = _flatten_number_tree(
                old_str.raw_get('/ParentTree')
            )
        new_entries, new_containers = _flatten_number_tree(new_str.raw_get('/ParentTree'))

        old_next = old_str.get('/ParentTreeNextKey')
        new_next = new_str.get('/ParentTreeNextKey')
        if old_next is not None and new_next is None:
            _fail("/ParentTreeNextKey was removed")
        for label, value in (('old', old_next), ('new', new_next)):
            if value is not None and not isinstance(value, generic.NumberObject):
                _fail(f"{label} /ParentTreeNextKey is not an integer")
        if old_next is not None and int(new_next) < int(old_next):
            _fail("/ParentTreeNextKey decreased")

        value_updates: list[ReferenceUpdate] = []
        for key, old_raw in old_entries.items():
            if key not in new_entries:
                _fail(f"parent tree entry {key} was removed")
            new_raw = new_entries[key]
            old_val = _resolve(old_raw)
            new_val = _resolve(new_raw)
            if isinstance(old_val, generic.ArrayObject):
                if not isinstance(new_val, generic.ArrayObject) or not _same_item(
                    old_val, new_val
                ):
                    _fail(f"parent tree entry {key} was changed")
                old_ref = _ref_of(old_raw)
                new_ref = _ref_of(new_raw)
                if new_ref is not None:
                    value_updates.extend(
                        self._approve_container(old, new_ref, {old_ref} if old_ref else set())
                    )
            elif not _same_item(old_raw, new_raw):
                _fail(f"parent tree entry {key} was changed")

        max_old_key = max(old_entries, default=-1)
        new_elems: dict[generic.Reference, int] = {}
        for key, new_raw in new_entries.items():
            if key in old_entries:
                continue
            if key <= max_old_key or (old_next is not None and key < int(old_next)):
                _fail(f"new parent tree key {key} reuses the range of existing keys")
            if new_next is not None and key >= int(new_next):
                _fail(f"new parent tree key {key} is not below /ParentTreeNextKey")
            elem_ref = _ref_of(new_raw)
            if elem_ref is None or not old.is_ref_unassignable(elem_ref):
                _fail(
                    f"new parent tree entry {key} does not point to a structure "
                    "element created after signing"
                )
            if elem_ref in new_elems:
                _fail(f"structure element {elem_ref} has two parent tree keys")
            new_elems[elem_ref] = key

        # (c) the new structure elements
        sig_widgets = _signature_widgets(new)
        widgets_used: set[generic.Reference] = set()
        by_parent: dict[generic.Reference, list[generic.Reference]] = {}
        elem_updates: list[ReferenceUpdate] = []
        for elem_ref, key in new_elems.items():
            elem = new(elem_ref)
            if not isinstance(elem, generic.DictionaryObject) or isinstance(
                elem, generic.StreamObject
            ):
                _fail(f"new parent tree entry {key} is not a structure element")
            extra = set(elem.keys()) - _NEW_ELEM_KEYS
            if extra:
                _fail(f"new structure element {elem_ref} has unexpected keys {sorted(extra)}")
            if '/Type' in elem and elem.raw_get('/Type') != '/StructElem':
                _fail(f"{elem_ref} is not a /StructElem")
            if elem.get('/S') != _WIDGET_STRUCT_TYPE:
                _fail(
                    f"new structure element {elem_ref} has type {elem.get('/S')}, "
                    f"expected {_WIDGET_STRUCT_TYPE}"
                )
            parent_ref = _ref_of(elem.raw_get('/P')) if '/P' in elem else None
            if parent_ref is None or old.is_ref_unassignable(parent_ref):
                _fail(
                    f"new structure element {elem_ref} must have an existing "
                    "structure element as /P"
                )
            pg_ref = None
            if '/Pg' in elem:
                pg_ref = _ref_of(elem.raw_get('/Pg'))
                if pg_ref is None:
                    _fail(f"/Pg of {elem_ref} must be an indirect reference to a page")
            if '/K' not in elem:
                _fail(f"new structure element {elem_ref} has no /K")
            raw_k = elem.raw_get('/K')
            if isinstance(raw_k, generic.IndirectObject) and isinstance(
                raw_k.get_object(), generic.ArrayObject
            ):
                _fail(f"/K of new structure element {elem_ref} must be direct")
            kids = _as_list(raw_k)
            if not kids:
                _fail(f"new structure element {elem_ref} has an empty /K")
            for kid in kids:
                kid_ref = _ref_of(kid)
                objr = kid.get_object() if kid_ref is not None else kid
                if not isinstance(objr, generic.DictionaryObject) or isinstance(
                    objr, generic.StreamObject
                ) or objr.get('/Type') != '/OBJR':
                    _fail(
                        f"new structure element {elem_ref} holds {objr!r}; only /OBJR "
                        "references to signature widgets may be added (no marked "
                        "content, no other elements)"
                    )
                if set(objr.keys()) - _OBJR_KEYS:
                    _fail(f"unexpected keys in an /OBJR of {elem_ref}")
                if kid_ref is not None:
                    if not old.is_ref_unassignable(kid_ref):
                        _fail(f"/OBJR {kid_ref} reuses an existing object")
                    elem_updates.append(ReferenceUpdate(kid_ref))
                widget_ref = _ref_of(objr.raw_get('/Obj')) if '/Obj' in objr else None
                if widget_ref is None:
                    _fail(f"/OBJR of {elem_ref} has no indirect /Obj")
                if widget_ref not in sig_widgets:
                    _fail(
                        f"/OBJR of {elem_ref} points to {widget_ref}, which is not the "
                        "widget of a signature field"
                    )
                if not old.is_ref_unassignable(widget_ref):
                    _fail(
                        f"/OBJR of {elem_ref} points to {widget_ref}, a widget that "
                        "already existed when the document was signed"
                    )
                if widget_ref in widgets_used:
                    _fail(f"widget {widget_ref} is referenced by two /OBJR")
                widgets_used.add(widget_ref)
                widget = new(widget_ref)
                if not isinstance(widget, generic.DictionaryObject) or widget.get(
                    '/Subtype'
                ) != '/Widget':
                    _fail(f"{widget_ref} is not a widget annotation")
                sp = widget.get('/StructParent')
                if not isinstance(sp, generic.NumberObject) or int(sp) != key:
                    _fail(
                        f"/StructParent of widget {widget_ref} is {sp!r}, but its "
                        f"structure element is parent tree entry {key}"
                    )
                widget_page = _ref_of(widget.raw_get('/P')) if '/P' in widget else None
                for pg in (pg_ref, _ref_of(objr.raw_get('/Pg')) if '/Pg' in objr else None):
                    if pg is not None and widget_page is not None and pg != widget_page:
                        _fail(f"/Pg of {elem_ref} is not the page of widget {widget_ref}")
            by_parent.setdefault(parent_ref, []).append(elem_ref)
            elem_updates.append(ReferenceUpdate(elem_ref))

        # (d) parents gain exactly the new elements; StructTreeRoot's /K is checked
        # even when no new element hangs directly under it.
        parent_updates: list[ReferenceUpdate] = []
        by_parent.setdefault(str_ref, [])
        for parent_ref, children in by_parent.items():
            if parent_ref == str_ref:
                old_parent, new_parent = old_str, new_str
            else:
                old_parent = old(parent_ref)
                new_parent = new(parent_ref)
                if not isinstance(old_parent, generic.DictionaryObject) or (
                    old_parent.get('/Type', '/StructElem') != '/StructElem'
                    or '/S' not in old_parent
                ):
                    _fail(f"/P {parent_ref} of a new element is not a structure element")
                if not isinstance(new_parent, generic.DictionaryObject):
                    _fail(f"structure element {parent_ref} is no longer a dictionary")
                compare_dicts(old_parent, new_parent, frozenset({'/K'}))
            old_k_raw = old_parent.raw_get('/K') if '/K' in old_parent else None
            new_k_raw = new_parent.raw_get('/K') if '/K' in new_parent else None
            old_k = _as_list(old_k_raw)
            new_k = _as_list(new_k_raw)
            head, tail = new_k[: len(old_k)], new_k[len(old_k):]
            if len(head) != len(old_k) or not all(
                _same_item(a, b) for a, b in zip(old_k, head)
            ):
                _fail(f"the /K of structure element {parent_ref} was changed beyond "
                      "appending new signature widget elements")
            tail_refs = [_ref_of(item) for item in tail]
            if len(tail_refs) != len(children) or set(tail_refs) != set(children):
                _fail(f"the /K of structure element {parent_ref} must gain exactly its "
                      "new signature widget elements, appended at the end, once each")
            new_k_ref = _ref_of(new_k_raw)
            old_k_ref = _ref_of(old_k_raw)
            if new_k_ref is not None and isinstance(
                new_k_raw.get_object(), generic.ArrayObject
            ):
                parent_updates.extend(
                    self._approve_container(old, new_k_ref, {old_k_ref} if old_k_ref else set())
                )
            if children and parent_ref != str_ref:
                parent_updates.extend(self._in_place(old, parent_ref))

        # everything checked: emit the whitelist
        yield from self._in_place(old, str_ref)
        for ref in new_containers:
            yield from self._approve_container(old, ref, old_containers)
        yield from value_updates
        yield from elem_updates
        yield from parent_updates


# ---------------------------------------------------------------------------
# 1. P=2 certification: new visible signature fields; the policy itself
# ---------------------------------------------------------------------------


def _is_signed(field) -> bool:
    """A signature field whose /V is an indirect object (a signature dictionary)."""
    return isinstance(field, generic.DictionaryObject) and isinstance(
        field.raw_get('/V') if '/V' in field else None, generic.IndirectObject
    )


class SignedSigFieldCreationRule(SigFieldCreationRule):
    """pyHanko's ``SigFieldCreationRule`` as with ``allow_new_visible_after_certify=True``,
    but only for a new visible signature field that is *signed* (carries an indirect
    ``/V``) in the revision under review.

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
            if not upd.valid_when_certifying and _is_signed(context.new(upd.updated_ref)):
                upd = dataclasses.replace(upd, valid_when_certifying=True)
            yield level, upd


class ApprovalSigFieldCreationRule(SigFieldCreationRule):
    """pyHanko's ``SigFieldCreationRule`` for approval signatures (and P=1/P=3, where
    pyHanko refuses every new visible signature field anyway), except that a new *visible*
    signature field must be signed in the revision under review.

    pyHanko accepts an empty visible signature field after an approval signature as form
    filling. Its widget draws whatever appearance the forger gives it, over the signed
    text, and no signer vouches for it (docs/attacks.md, "Sneaky signature (SSA)": a
    field left unsigned). The same rule as after P=2: signing is allowed, drawing is not.
    An invisible empty field draws nothing and stays an LTA-level update.
    """

    def apply(self, context):
        for level, upd in super().apply(context):
            if not upd.valid_when_certifying and not _is_signed(context.new(upd.updated_ref)):
                raise SuspiciousModification(
                    f"New visible signature field '{upd.field_name}' is not signed: "
                    "its appearance is vouched for by no signer."
                )
            yield level, upd


def _form_rule(after_p2_certification: bool) -> FormUpdatingRule:
    return FormUpdatingRule(
        field_rules=[
            SignedSigFieldCreationRule()
            if after_p2_certification
            else ApprovalSigFieldCreationRule(),
            SigFieldModificationRule(),
            GenericFieldModificationRule(),
        ],
    )


class KysoDiffPolicy(StandardDiffPolicy):
    """A :class:`StandardDiffPolicy` that judges form changes with
    ``form_rule_fill_forms`` when the signature under review certifies with DocMDP P=2
    (``MDPPerm.FILL_FORMS``), and with the ordinary ``form_rule`` otherwise.

    pyHanko's ``allow_new_visible_after_certify`` flag applies to every DocMDP level; it
    must only relax P=2, which allows signing. After a P=1 or P=3 certification a new
    visible signature field therefore stays OTHER, as in pyHanko's default policy.
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
        if doc_mdp == MDPPerm.FILL_FORMS:
            # a shallow copy, so that concurrent reviews never see a swapped rule
            policy = copy.copy(self)
            policy.form_rule = self.form_rule_fill_forms
            return StandardDiffPolicy.apply(
                policy, old, new, field_mdp_spec=field_mdp_spec, doc_mdp=doc_mdp
            )
        return super().apply(old, new, field_mdp_spec=field_mdp_spec, doc_mdp=doc_mdp)


def build_diff_policy() -> DiffPolicy:
    """kyso's difference policy: pyHanko's DEFAULT_DIFF_POLICY (same rules, same
    settings, same order) with these changes only:

    - after a DocMDP P=2 certification, :class:`SignedSigFieldCreationRule` (pyHanko's
      ``allow_new_visible_after_certify=True``, for signed fields only); P=1, P=3 and
      approval signatures use :class:`ApprovalSigFieldCreationRule` (pyHanko's default
      ``SigFieldCreationRule()``, refusing new visible signature fields left unsigned);
    - ``MetadataUpdateRule`` is replaced by :class:`EmptyTolerantMetadataRule` (still at
      LTA_UPDATES), which delegates to it whenever no empty stream is involved;
    - :class:`SignatureStructTreeRule` is added (FORM_FILLING).
    """
    return KysoDiffPolicy(
        global_rules=[
            CatalogModificationRule(),
            DocInfoRule().as_qualified(ModificationLevel.LTA_UPDATES),
            XrefStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
            ObjectStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
            DSSCompareRule().as_qualified(ModificationLevel.LTA_UPDATES),
            EmptyTolerantMetadataRule().as_qualified(ModificationLevel.LTA_UPDATES),
            SignatureStructTreeRule(),
        ],
        form_rule=_form_rule(after_p2_certification=False),
        form_rule_fill_forms=_form_rule(after_p2_certification=True),
    )
