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
each changed form field                               a signature field: only if signed in a
                                                      later revision; any other field (form
                                                      filling): only if a later signature, not
                                                      a document timestamp, signs the revision
                                                      of its last change or a later one
                                                      (verifier.signatures.diff.history)
level ANNOTATIONS or OTHER                            no (nor after DocMDP P=3 or an approval
                                                      signature: kyso permits no annotation)
the level exceeds the DocMDP permission               no
otherwise                                             yes
====================================================  ==========================================

The layer's status then follows from `permitted` (verifier.signatures.decide).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from verifier.report.codes import Phrase
from verifier.report.explain import explain


@dataclass(frozen=True)
class ChangeJudgement:
    """What changed after a signature, and whether it is permitted."""

    permitted: bool
    changes: tuple[Phrase, ...] = ()  # one sentence per change, for the report
    covered: tuple[tuple[str, int], ...] = ()
    """Form fields permitted because a later signature signs them: (field, the revision of its
    last change). Whether that signer vouches is judged once every layer is known
    (verifier.signatures.vouch)."""


def judge(status, signed_fields: Mapping[str, int], revision: int, numbers: Sequence[int] = ()) -> ChangeJudgement:
    """The judgement of the changes after a signature of `revision` (the revision it signs,
    counted from 1 like every revision kyso names), from pyHanko's validation `status` (its diff_result, modification_level, coverage
    and docmdp_ok) and the signature fields of the document by the revision they sign.
    `numbers` maps pyHanko's revision index to kyso's number (verifier.pdf.linearized)."""
    from pyhanko.sign.diff_analysis import SuspiciousModification

    diff = status.diff_result
    if diff is None:
        return ChangeJudgement(status.coverage is not None and status.coverage.name == "ENTIRE_FILE")
    if isinstance(diff, SuspiciousModification):
        said, original = explain(in_kyso_terms(str(diff), numbers), "change")
        # a reason no wording knows: a plain sentence in Vietnamese, pyHanko's own in English
        return ChangeJudgement(False, (said if original is None else Phrase(said.vi, original),))
    changes: list[str] = []
    covered: list[tuple[str, int]] = []
    permitted = True
    last_changed = getattr(diff, "field_last_changed", {}) or {}
    timestamps = getattr(diff, "timestamp_fields", frozenset()) or frozenset()
    for name in sorted(getattr(diff, "changed_form_fields", ()) or ()):
        signed_at = signed_fields.get(name)
        shown = _shown(name)
        if signed_at is not None and signed_at > revision:
            changes.append(Phrase(f"trường chữ ký '{shown}' được thêm và ký ở phiên bản {signed_at}",
                                  f"signature field '{shown}' added and signed in revision {signed_at}"))
            continue
        cover = _covering_signature(last_changed.get(name), signed_fields, revision, timestamps)
        if cover is not None:
            changes.append(Phrase(
                f"trường biểu mẫu '{shown}' được điền ở phiên bản {last_changed[name]}, có chữ ký "
                f"'{_shown(cover[0])}' ở phiên bản {cover[1]} ký bao trùm",
                f"form field '{shown}' filled in revision {last_changed[name]}, "
                f"signed over by '{_shown(cover[0])}' in revision {cover[1]}"))
            covered.append((name, last_changed[name]))
        else:
            changes.append(Phrase(f"trường biểu mẫu '{shown}' bị thay đổi mà không có chữ ký nào bảo vệ",
                                  f"form field '{shown}' changed without a signature covering it"))
            permitted = False
    if status.modification_level is not None and status.modification_level.name in ("ANNOTATIONS", "OTHER"):
        permitted = False
    if getattr(status, "docmdp_ok", None) is False:
        changes.append(Phrase("thay đổi này không được mức chứng thực tài liệu (DocMDP) cho phép",
                              "the change is not permitted by the document's certification (DocMDP) level"))
        permitted = False
    return ChangeJudgement(permitted, tuple(changes), tuple(covered))


def _covering_signature(changed_in, signed_fields: Mapping[str, int], revision: int,
                        timestamps) -> tuple[str, int] | None:
    """The first later signature (field name, revision it signs) whose signed bytes include the
    revision `changed_in`, where a field last changed; a document timestamp vouches for no
    content. None if there is none, or the revision of the change is unknown."""
    if changed_in is None:
        return None
    later = sorted((at, name) for name, at in signed_fields.items()
                   if at > revision and at >= changed_in and name not in timestamps)
    return (later[0][1], later[0][0]) if later else None


_REVISION = re.compile(r"\b([Rr]evision) (\d+)\b")
# a field name is the document's text: a line break in it must not start a line of the report
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _shown(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
_REFERENCE = re.compile(r"Reference\(idnum=(\d+), generation=(\d+)\)")
_PATH = re.compile(r"AbsoluteContext\(path=PathInRevision\('([^']*)'\)\)")


def in_kyso_terms(message: str, numbers: Sequence[int] = ()) -> str:
    """pyHanko's reason for a suspicious modification, in the report's numbering and names:
    pyHanko counts revisions from 0 where kyso counts from 1 (the file as first written is
    revision 1; a linearized file's two sections are one revision, `numbers`), and names
    objects and paths by their Python representations."""

    def number(index: int) -> int:
        return numbers[index] if 0 <= index < len(numbers) else index + 1

    message = _REVISION.sub(lambda m: f"{m.group(1)} {number(int(m.group(2)))}", message)
    message = _REFERENCE.sub(lambda m: f"object {m.group(1)}" + (f" (generation {m.group(2)})" if m.group(2) != "0" else ""), message)
    return _shown(_PATH.sub(lambda m: "/" + m.group(1).lstrip(".").replace(".", "/"), message))
