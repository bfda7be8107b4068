"""Work shared between the difference reviews of one document's signatures.

pyHanko reviews each signature against every later revision, so a document with n layers
makes n(n-1)/2 comparisons. One part of each comparison depends on the newer revision
alone: which objects it added that nothing reaches (`_find_orphans`, which walks the
dependencies of every object the revision overwrote). That answer is a function of the
revision's bytes, so it is computed once per revision, kept on pyHanko's resolver for that
revision (one per reader and revision, as long as the reader), and given to every later
comparison. pyHanko only iterates over it; a frozenset keeps anyone from changing it.

Replaces `pyhanko.sign.diff_analysis.policies._find_orphans` once verifier.patches.install() is
called; importing this module changes nothing.
"""

from __future__ import annotations

from pyhanko.sign.diff_analysis import policies

_find_orphans = policies._find_orphans


def find_orphans(hist_rev) -> frozenset:
    found = hist_rev.__dict__.get("_kyso_orphans")
    if found is None:
        found = hist_rev.__dict__["_kyso_orphans"] = frozenset(_find_orphans(hist_rev))
    return found
