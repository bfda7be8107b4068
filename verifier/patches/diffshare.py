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

Replaces `pyhanko.sign.diff_analysis.policies._find_orphans` once verifier.patches.install() is
called; importing this module changes nothing.
"""

from __future__ import annotations

import sys

from pyhanko.pdf_utils import generic
from pyhanko.sign.diff_analysis import policies

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
    per object walked from; the same early stop), with its recursion kept on a list."""
    reader = hist_rev.reader
    revision = hist_rev.revision
    introduced = reader.xrefs.get_introducing_revision
    new_refs = hist_rev.explicit_refs_in_revision()
    previous = reader.get_historical_resolver(revision - 1)
    updated_old_refs = set()
    candidate_orphans = set()
    for ref in new_refs:
        if previous.is_ref_unassignable(ref):
            candidate_orphans.add(ref)
        else:
            updated_old_refs.add(ref)

    def value(ref):
        return held(hist_rev, ref)  # the walk only looks at the references a value holds

    limit = sys.getrecursionlimit() - used_frames
    roots = iter([hist_rev.trailer_view, *(ref for ref in updated_old_refs)])
    while candidate_orphans:
        root = next(roots, None)
        if root is None:
            break
        if isinstance(root, generic.Reference):
            root = value(root)
        candidate_orphans -= _dependencies(root, revision, introduced, value, limit)
    return candidate_orphans


def _dependencies(obj, since_revision, introduced, value, limit) -> set:
    """pyHanko's `collect_dependencies(obj, since_revision)` of a resolved object: the
    references met, in pyHanko's order, that the revision or a later one introduced, followed
    into their values. pyHanko recurses once per value met; `limit` is the frames it may use
    before coming near the interpreter's limit."""
    seen: set = set()
    stack = [iter((obj,))]  # the object itself first: it may be a reference (to a reference)
    while stack:
        v = next(stack[-1], stack)  # the stack itself marks the end: no PDF object is it
        if v is stack:
            stack.pop()
            continue
        if isinstance(v, generic.IndirectObject):
            ref = v.reference
            if ref in seen or introduced(ref) < since_revision:
                continue
            seen.add(ref)
            v = value(ref)
        if isinstance(v, generic.DictionaryObject):
            stack.append(iter(v.values()))
        elif isinstance(v, generic.ArrayObject):
            stack.append(iter(v))
        else:
            continue
        if 3 * len(stack) >= limit:
            raise _Deferred
    return seen
