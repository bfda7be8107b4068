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

What a caller must never do with it: follow a reference it holds (`get_object`, `[key]` on a
dictionary, which resolves), since that would read the reader's current value, not the
revision's. Comparing references, keys, numbers and names is what it is for.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic

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
            if last is not None and last <= resolver.revision:
                obj = reader.get_object(ref, transparent_decrypt=False)
                if not isinstance(obj, generic.IndirectObject):  # a reference's reference: the
                    return obj  # resolver follows it within the revision, so must the caller
    return resolver(ref)
