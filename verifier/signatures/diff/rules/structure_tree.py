"""Tagged-PDF structure tree entries for a new signature widget.

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

Note: ``SignatureStructTreeRule`` uses pyHanko's (internal) reverse reference cache
(``HistoricalResolver._get_usages_of_ref``), as pyHanko's own form rules do, so that an
existing object it approves is approved only through the structure-tree paths it checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.diff_analysis.commons import compare_dicts
from pyhanko.sign.diff_analysis.rules_api import Context, QualifiedWhitelistRule, ReferenceUpdate

from verifier.signatures.diff.held import held

__all__ = ['SignatureStructTreeRule']


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
            and _same_items(a, b)
        )
    return type(a) is type(b) and a == b


def _same_items(a, b) -> bool:
    """`all(_same_item(x, y) for x, y in zip(a, b))`, with two references (all of a parent tree
    array, thousands of entries, compared for every pair of revisions) compared here by number
    and generation, which is what Reference equality compares."""
    indirect = generic.IndirectObject
    for x, y in zip(a, b):
        if type(x) is indirect and type(y) is indirect:
            x, y = x.reference, y.reference
            if x.idnum != y.idnum or x.generation != y.generation:
                return False
        elif not _same_item(x, y):
            return False
    return True


def _resolve(raw):
    return raw.get_object() if isinstance(raw, generic.IndirectObject) else raw


def _resolve_held(raw, resolver):
    """`_resolve(raw)` as the reader holds it, uncopied (verifier.signatures.diff.held): for
    values whose entries are only compared. A reference to a reference is followed as
    `_resolve` follows it."""
    if not isinstance(raw, generic.IndirectObject):
        return raw
    obj = held(resolver, raw.reference)
    return raw.get_object() if isinstance(obj, generic.IndirectObject) else obj


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
            old_val = _resolve_held(old_raw, old)  # compared, never followed
            new_val = _resolve_held(new_raw, new)
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
