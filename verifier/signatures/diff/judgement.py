"""Whether what changed after a signature is permitted: the one judgement kyso makes of it.

pyHanko's difference analysis with kyso's rules (verifier.signatures.diff.policy) classifies
the revisions after the signed one: a modification level (NONE, LTA_UPDATES, FORM_FILLING,
ANNOTATIONS, OTHER) or a SuspiciousModification with its reason, the form fields changed, and
whether the level is within the document's DocMDP permission. `judge` reads that
classification and decides, in this order, every change noted for the report:

====================================================  ==========================================
what pyHanko found                                    permitted
====================================================  ==========================================
no difference analysis ran                            only if the signature covers the whole file
a suspicious modification (level OTHER)               no; its reason is the change noted
each changed form field                               only a signature field signed in a later
                                                      revision; any other field: no
level ANNOTATIONS or OTHER                            no (nor after DocMDP P=3 or an approval
                                                      signature: kyso permits no annotation)
the level exceeds the DocMDP permission               no
otherwise                                             yes
====================================================  ==========================================

The layer's status then follows from `permitted` (verifier.signatures.decide).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ChangeJudgement:
    """What changed after a signature, and whether it is permitted."""

    permitted: bool
    changes: tuple[str, ...] = ()  # one sentence per change, for the report


def judge(status, signed_fields: Mapping[str, int], revision: int) -> ChangeJudgement:
    """The judgement of the changes after a signature of `revision` (the revision it signs,
    counted from 1 like every revision kyso names), from pyHanko's validation `status` (its diff_result, modification_level, coverage
    and docmdp_ok) and the signature fields of the document by the revision they sign."""
    from pyhanko.sign.diff_analysis import SuspiciousModification

    diff = status.diff_result
    if diff is None:
        return ChangeJudgement(status.coverage is not None and status.coverage.name == "ENTIRE_FILE")
    if isinstance(diff, SuspiciousModification):
        return ChangeJudgement(False, (in_kyso_terms(str(diff)),))
    changes: list[str] = []
    permitted = True
    for name in sorted(getattr(diff, "changed_form_fields", ()) or ()):
        signed_at = signed_fields.get(name)
        if signed_at is not None and signed_at > revision:
            changes.append(f"signature field '{name}' added and signed in revision {signed_at}")
        else:
            changes.append(f"form field '{name}' changed without a signature covering it")
            permitted = False
    if status.modification_level is not None and status.modification_level.name in ("ANNOTATIONS", "OTHER"):
        permitted = False
    if getattr(status, "docmdp_ok", None) is False:
        changes.append("the change is not permitted by the document's certification (DocMDP) level")
        permitted = False
    return ChangeJudgement(permitted, tuple(changes))


_REVISION = re.compile(r"\b([Rr]evision) (\d+)\b")
_REFERENCE = re.compile(r"Reference\(idnum=(\d+), generation=(\d+)\)")
_PATH = re.compile(r"AbsoluteContext\(path=PathInRevision\('([^']*)'\)\)")


def in_kyso_terms(message: str) -> str:
    """pyHanko's reason for a suspicious modification, in the report's numbering and names:
    pyHanko counts revisions from 0 where kyso counts from 1 (the file as first written is
    revision 1), and names objects and paths by their Python representations."""
    message = _REVISION.sub(lambda m: f"{m.group(1)} {int(m.group(2)) + 1}", message)
    message = _REFERENCE.sub(lambda m: f"object {m.group(1)}" + (f" (generation {m.group(2)})" if m.group(2) != "0" else ""), message)
    return _PATH.sub(lambda m: "/" + m.group(1).lstrip(".").replace(".", "/"), message)
