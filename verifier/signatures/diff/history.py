"""When each changed form field last changed, and which fields hold document timestamps.

The judgement (verifier.signatures.diff.judgement) permits a form field filled after a
signature only if a later signature covers it: one that signs the revision of the field's
last change or a later one. pyHanko reports the changed fields over all later revisions at
once, each against the signed revision; `last_changes` finds, for each, the last revision
whose value (verifier.signatures.diff.values) differs from the revision before it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from pyhanko.pdf_utils import generic

from verifier.signatures.diff.values import same_value

__all__ = ['find_field', 'last_changes', 'timestamp_fields']

_MAX_FIELDS = 10_000


def _fields(resolver) -> Iterable[tuple[str, generic.IndirectObject]]:
    """(fully qualified name, field object) of every named field, depth first."""
    try:
        top = resolver.root['/AcroForm']['/Fields']
    except (KeyError, TypeError):
        return
    stack = [("", f) for f in reversed(list(top))]
    seen = 0
    while stack and seen < _MAX_FIELDS:
        parent, ref = stack.pop()
        seen += 1
        field = ref.get_object() if isinstance(ref, generic.IndirectObject) else ref
        if not isinstance(field, generic.DictionaryObject) or '/T' not in field:
            continue
        name = f"{parent}.{field['/T']}" if parent else str(field['/T'])
        yield name, ref
        kids = _get(field, '/Kids')
        if isinstance(kids, generic.ArrayObject):
            stack.extend((name, k) for k in reversed(list(kids)))


def _get(d, key):
    """d[key] resolved (DictionaryObject.get does not follow references), or None."""
    try:
        return d[key] if key in d else None
    except Exception:  # noqa: BLE001 - a dangling reference is no value
        return None


def find_field(resolver, name: str):
    """The field called `name` in that revision, or None."""
    first, error = _listing(resolver)
    ref = first.get(name)
    if ref is None and error is not None:
        raise error  # the walk failed before it met the name, as a walk for it alone would
    return ref


def _listing(resolver) -> tuple[dict, Exception | None]:
    """The first field of each name in `_fields(resolver)`, and the exception that ended the
    walk early, if one did: once per revision.

    Every layer's review asks for fields by name in the same revisions (`_changed_at`), and each
    question walked the form again. A revision's resolver is one view of the file, the same for
    as long as its reader lives (pyHanko keeps one per revision), so its walk is kept on it. A
    search for one name returned the first field so named, or failed where the walk failed before
    meeting it: the first of each name, up to the failure, and the failure, answer the same."""
    known = resolver.__dict__.get("_kyso_fields")
    if known is None:
        first: dict = {}
        error = None
        try:
            for name, ref in _fields(resolver):
                first.setdefault(name, ref)
        except Exception as exc:  # noqa: BLE001 - kept, and raised for a name not met before it
            error = exc
        known = resolver.__dict__["_kyso_fields"] = (first, error)
    return known


# Whether a field differs between a revision and the one before depends on the document only, and
# every layer's review asks it again for the same revisions: kept per reader (the document).
_changed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _changed_at(reader, name: str, revision: int) -> bool | None:
    """Whether field `name` differs by value in `revision` from the revision before it (None:
    the field is not in `revision`)."""
    memo = _changed.setdefault(reader, {})
    key = (name, revision)
    if key not in memo:
        new_rev, old_rev = reader.get_historical_resolver(revision), reader.get_historical_resolver(revision - 1)
        new, old = find_field(new_rev, name), find_field(old_rev, name)
        memo[key] = None if new is None else (old is None or not same_value(old, new, old_rev=old_rev, new_rev=new_rev))
    return memo[key]


def last_changes(reader, base_revision: int, names: Iterable[str]) -> dict[str, int]:
    """For each field name, the last revision after `base_revision` (pyHanko's numbering,
    from 0) in which the field differs by value from the revision before it."""
    result: dict[str, int] = {}
    last = reader.xrefs.total_revisions - 1
    for name in names:
        for revision in range(last, base_revision, -1):
            if _changed_at(reader, name, revision):
                result[name] = revision
                break
    return result


def timestamp_fields(resolver) -> frozenset[str]:
    """Signature fields whose value is a document timestamp: proof of time, not of a signer.

    Every layer's review asks it of the newest revision: answered once per resolver (a fixed
    view of the file, see `_listing`), its failure too."""
    known = resolver.__dict__.get("_kyso_timestamps")
    if known is None:
        try:
            known = (_timestamp_fields(resolver), None)
        except Exception as exc:  # noqa: BLE001 - raised again to every review that asks
            known = (None, exc)
        resolver.__dict__["_kyso_timestamps"] = known
    if known[1] is not None:
        raise known[1]
    return known[0]


def _timestamp_fields(resolver) -> frozenset[str]:
    names = set()
    for name, ref in _fields(resolver):
        field = ref.get_object()
        value = _get(field, '/V') if _get(field, '/FT') == '/Sig' else None
        if isinstance(value, generic.DictionaryObject) and (
                _get(value, '/Type') == '/DocTimeStamp' or _get(value, '/SubFilter') == '/ETSI.RFC3161'):
            names.add(name)
    return frozenset(names)
