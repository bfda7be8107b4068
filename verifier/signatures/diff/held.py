"""An object as a revision holds it, read without pyHanko's copy of it, for code that only looks
at which references an object holds and never follows them.

pyHanko's resolver for a revision (HistoricalResolver) copies every object it reads, so that
the references inside resolve within that revision: `_subsume_object` makes a new
IndirectObject for every reference the object holds. A tagged document's structure parent tree
holds one reference per marked element (ten thousand in 50/2026/NĐ-CP), its signing tool
writes it anew on every save, and the difference analysis reads it in every revision: copying
it cost more than everything else the analysis does with it.

`held(resolver, ref)` is the value `resolver(ref)` would give, as the reader holds it: the same
dictionaries, arrays and references in the same order, only bound to the reader rather than to
the revision. That is the object the resolver would copy whenever the reader's own cached
object is the revision's value (the object has not changed since that revision: pyHanko's own
test in `HistoricalResolver.get_object`). Otherwise, and for an encrypted document (whose
objects the resolver decrypts as it copies), it is the resolver's own value.

Where the difference review's index of the document (verifier.patches.usages) holds the
revision's version as a light copy that quickread read from an object stream, the value is made
from that copy instead (`_indexed`): the index read every such version already, typed and
ordered as pyHanko's parser reads it (tests/test_usages.py), and never a stream, which an object
stream cannot hold in a form quickread reads. Making a parent-tree array of references from it
costs a fifth of parsing it again: 50/2026/NĐ-CP's structure-tree rule, 207 -> 71 ms. The
references made are one IndirectObject per object, shared, and carry no `container_ref`, which
comparisons never read.

What a caller must never do with it: follow a reference it holds (`get_object`, `[key]` on a
dictionary, which resolves), since that would read the reader's current value, not the
revision's. Comparing references, keys, numbers and names is what it is for.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic

from verifier.patches.quickread import Ref

__all__ = ['held']


def held(resolver, ref: generic.Reference):
    """`resolver(ref)` as the reader holds it (see the module's description)."""
    if ref not in resolver.cache:  # a copy made already costs nothing more
        reader = resolver.reader
        if reader.security_handler is None:
            try:
                last = reader.xrefs.get_last_change(ref)
            except KeyError:
                last = None
            latest = last is not None and last <= resolver.revision
            if not latest or reader.cache_get_indirect_object(ref.generation, ref.idnum) is None:
                indexed = _indexed(reader, ref, resolver.revision)
                if indexed is not None:
                    return indexed
            if latest:
                obj = reader.get_object(ref, transparent_decrypt=False)
                if not isinstance(obj, generic.IndirectObject):  # a reference's reference: the
                    return obj  # resolver follows it within the revision, so must the caller
    return resolver(ref)


def _indexed(reader, ref: generic.Reference, revision: int):
    """The dictionary or array of the revision's version of `ref` made from the light copy in
    the difference review's index (verifier.patches.usages.plain_light), when it holds one; else
    None."""
    from verifier.patches.usages import plain_light  # here: the patches import this module

    light = plain_light(reader, (ref.idnum, ref.generation), revision)
    if type(light) is not dict and type(light) is not list:
        return None
    made = reader.__dict__.get("_kyso_held")
    if made is None:  # one object per light copy, as the reader keeps one per object it read
        made = reader.__dict__["_kyso_held"] = ({}, {None: reader})
    objects, refs = made
    found = objects.get(id(light))
    if found is None or found[0] is not light:
        found = objects[id(light)] = (light, _made(light, refs))
    return found[1]


def _made(light, refs: dict):
    """The pyHanko object of a light copy: dictionaries and arrays made anew, the other values
    pyHanko's own. Its references are one IndirectObject per object (`refs`), shared by every
    copy made from the reader's index: an IndirectObject is its frozen Reference and nothing
    else, as the reader's parser would make it but for the `container_ref` its objects carry,
    which no comparison reads. One made for every reference of every version of a parent tree
    (ten thousand a save): 50/2026/NĐ-CP's copies took 40 ms, against 28 shared."""
    kind = type(light)
    if kind is dict:
        return generic.DictionaryObject({k: _made(v, refs) for k, v in light.items()})
    if kind is list:
        return generic.ArrayObject([_made(v, refs) for v in light])
    if kind is Ref:
        obj = refs.get(light.key)
        if obj is None:
            obj = refs[light.key] = _new_indirect(_IndirectObject)
            obj.reference = generic.Reference(*light.key, refs[None])
        return obj
    return light  # a name, number, string, boolean or null: pyHanko's own object, compared only


_IndirectObject = generic.IndirectObject
_new_indirect = generic.IndirectObject.__new__
