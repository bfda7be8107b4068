"""Work shared between the difference reviews of one document's signatures.

pyHanko reviews each signature against every later revision, so a document with n layers
makes n(n-1)/2 comparisons. One part of each comparison depends on the newer revision
alone: which objects it added that nothing reaches (`_find_orphans`, which walks the
dependencies of every object the revision overwrote). That answer is a function of the
revision's bytes, so it is computed once per revision, kept on pyHanko's resolver for that
revision (one per reader and revision, as long as the reader), and given to every later
comparison. pyHanko only iterates over it; a frozenset keeps anyone from changing it.

The search itself (`orphans`) is pyHanko's walk, in pyHanko's order, over the objects as the
reader holds them instead of the revision's copies of them
(verifier.signatures.diff.held). pyHanko reads each object through the revision's resolver,
which copies it (a new IndirectObject for every reference it holds) before the walk only looks
at which references it holds. A Word-made, tagged document's signing tool writes its whole
structure parent tree anew on every save (ten thousand references in 50/2026/NĐ-CP, five
times): copying them was most of a second per document. The walk is linear in what it walks
either way - the objects the revision overwrote and the new objects they reach - and the
copies are never needed: a copy holds exactly the references, in the same order, of the
object it copies.

Where verifier.patches.usages holds its index of the document (every object version read once,
as the revision's resolver reads it), the walk follows the index's light copies instead: the
same references in the same order, with nothing parsed again (the reader would parse each
revision's new parent tree for the walk alone; 50/2026/NĐ-CP's seven walks: 190 ms CPU, or 70
when the reader holds the objects already, against 45 from the index).

Replaces `pyhanko.sign.diff_analysis.policies._find_orphans` once verifier.patches.install() is
called; importing this module changes nothing.
"""

from __future__ import annotations

import sys

from pyhanko.pdf_utils import generic
from pyhanko.sign.diff_analysis import policies

from verifier.patches.quickread import Ref
from verifier.signatures.diff.held import held

_find_orphans = policies._find_orphans

# pyHanko's walk is recursive: one frame per value it descends into, and at its deepest point
# the frames that read the next object (the resolver, then the parser and the copy, at most
# three frames per level of nesting, which the walk then descends too). Where three frames per
# level of the walk, plus these spare frames, could reach the interpreter's limit, pyHanko's
# function answers, and fails as it fails.
_SPARE_FRAMES = 100


def find_orphans(hist_rev) -> frozenset:
    found = hist_rev.__dict__.get("_kyso_orphans")
    if found is None:
        found = hist_rev.__dict__["_kyso_orphans"] = frozenset(orphans(hist_rev))
    return found


class _Deferred(Exception):
    """The walk leaves the answer to pyHanko's own function."""


def orphans(hist_rev) -> set:
    """The answer of pyHanko's `_find_orphans(hist_rev)`, or the exception it raises.

    Any exception in the walk, and any walk deep enough that pyHanko's recursion could have
    run out of stack, hands the question to pyHanko's function itself: an unreadable object or a
    hostile chain of objects gets pyHanko's own failure, with its own message."""
    try:
        return _walk(hist_rev, _depth() + _SPARE_FRAMES)
    except Exception:  # noqa: BLE001 - pyHanko's answer, or its own exception, instead
        return _find_orphans(hist_rev)


def _depth() -> int:
    frame, n = sys._getframe(), 0
    while frame is not None:
        frame, n = frame.f_back, n + 1
    return n


def _walk(hist_rev, used_frames: int) -> set:
    """pyHanko's `_find_orphans` step by step (sets built alike, so iterated alike; one `seen`
    per object walked from; the same early stop), with its recursion kept on a list: over the
    light copies of verifier.patches.usages' index where it holds the document, else over the
    objects as the reader holds them."""
    limit = sys.getrecursionlimit() - used_frames
    try:
        return _search(hist_rev, _indexed_reach(hist_rev, limit))
    except _Deferred:
        return _search(hist_rev, _held_reach(hist_rev, limit))


def _search(hist_rev, reach) -> set:
    """The orphans `_find_orphans` finds, with `reach(root)` the keys (number, generation) of
    what its `collect_dependencies(root, since_revision=revision)` collects. Only whether a
    candidate is in that set matters: `-=` on a set only discards, so the candidates left keep
    the order pyHanko's set keeps."""
    reader = hist_rev.reader
    new_refs = hist_rev.explicit_refs_in_revision()
    previous = reader.get_historical_resolver(hist_rev.revision - 1)
    updated_old_refs = set()
    candidate_orphans = set()
    for ref in new_refs:
        if previous.is_ref_unassignable(ref):
            candidate_orphans.add(ref)
        else:
            updated_old_refs.add(ref)
    roots = iter([hist_rev.trailer_view, *(ref for ref in updated_old_refs)])
    while candidate_orphans:
        root = next(roots, None)
        if root is None:
            break
        seen = reach(root)
        candidate_orphans -= {ref for ref in candidate_orphans if (ref.idnum, ref.generation) in seen}
    return candidate_orphans


def _held_reach(hist_rev, limit):
    """The walk over the objects as the reader holds them (verifier.signatures.diff.held)."""
    revision = hist_rev.revision
    introduced = hist_rev.reader.xrefs.get_introducing_revision

    def value(key):
        return held(hist_rev, generic.Reference(*key))  # the walk only looks at the references a value holds

    def is_new(key):
        return introduced(generic.Reference(*key)) >= revision

    return _reach(value, is_new, limit)


def _indexed_reach(hist_rev, limit):
    """The walk over the light copies of verifier.patches.usages' index: each version of each
    object read once per document, as pyHanko's resolver for the revision reads it (that
    module's guarantee, tested against pyHanko on every object), with its dictionaries, arrays
    and references in pyHanko's order (so the walk goes as deep as pyHanko's: the same
    deferral). pyHanko parsed a tagged document's parent tree, ten thousand references, anew
    for the walk of every revision, which the index had read already. _Deferred where the index
    cannot answer as the resolver would: no index (an encrypted or unreadable document), an
    object no section holds (the resolver's null) or one whose value is a reference (which the
    resolver follows): the walk over the reader's objects answers then."""
    value, introducing = _indexed_values(hist_rev)
    revision = hist_rev.revision

    def is_new(key):
        return introducing(key) >= revision

    return _reach(value, is_new, limit)


def _indexed_values(hist_rev):
    """(value, introducing) over verifier.patches.usages' index of the resolver's reader:
    `value(key)` the light copy of the object as the resolver's revision holds it, _Deferred
    where the resolver would read otherwise (see _indexed_reach); `introducing(key)` the
    revision that introduced it."""
    from verifier.patches import usages  # here: usages imports quickread, which imports the reader lazily

    try:
        doc = usages._document(hist_rev.reader)
    except usages._Fallback:
        raise _Deferred from None
    revision = hist_rev.revision
    objects, version = doc.objects, doc.version

    def value(key):
        written = version(key, revision)
        if written is None:
            raise _Deferred
        light = objects[(key, written)]
        if isinstance(light, Ref):
            raise _Deferred
        return light

    return value, doc.introducing


def _reach(value, is_new, limit):
    """`reach(root)` for _search: what pyHanko's walk collects from a root (the trailer, or a
    reference read by `value`)."""

    def reach(root):
        if isinstance(root, generic.Reference):
            root = value((root.idnum, root.generation))
        return _dependencies(root, is_new, value, limit)

    return reach


def _dependencies(obj, is_new, value, limit, order: list | None = None) -> set:
    """pyHanko's `collect_dependencies(obj, since_revision)` of a resolved object, as the keys
    (number, generation) of the references met, in pyHanko's order, that the revision or a
    later one introduced (`is_new`), followed into their values (`value`). The object is a
    pyHanko object or a light copy (verifier.patches.quickread: dicts, lists, Ref) and holds
    either kind of reference. pyHanko recurses once per value met; `limit` is the frames it may
    use before coming near the interpreter's limit."""
    seen: set = set()
    stack = [iter((obj,))]  # the object itself first: it may be a reference (to a reference)
    while stack:
        v = next(stack[-1], stack)  # the stack itself marks the end: no PDF object is it
        if v is stack:
            stack.pop()
            continue
        if type(v) is Ref:
            key = v.key
        elif isinstance(v, generic.IndirectObject):
            key = (v.idnum, v.generation)
        else:
            key = None
        if key is not None:
            if key in seen or not is_new(key):
                continue
            seen.add(key)
            if order is not None:
                order.append(key)
            v = value(key)
        if isinstance(v, dict):  # a DictionaryObject (a StreamObject too) or a light dict
            stack.append(iter(v.values()))
        elif isinstance(v, list):  # an ArrayObject or a light list
            stack.append(iter(v))
        else:
            continue
        if 3 * len(stack) >= limit:
            raise _Deferred
    return seen
