"""kyso's review of a later revision against a signed one (verifier.signatures.diff.clearing), which
finds an overwritten object's paths in the signed revision only when an approval needs them, gives
pyHanko's own `StandardDiffPolicy.apply` answer: the same level and changed fields, or the same
failure with the same message. Compared on the pairs of revisions of real documents, of the
samples (forgeries among them) and of a benchmark document, with kyso's rules; and with scripted
rules that approve each object in every order the table can meet (blanket approvals rising and
falling, paths and contexts after a blanket approval, nothing at all). pyHanko is told to let pass
the one thing kyso does not count as freeing (clearing.freed_in_use)."""

from __future__ import annotations

import copy

import pytest
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import ModificationLevel, StandardDiffPolicy
from pyhanko.sign.diff_analysis.rules_api import Context, QualifiedWhitelistRule, ReferenceUpdate

from tests.conftest import REALDOCS, SAMPLES, benchmark_file, need_shared, opened, readable_samples
from verifier.signatures.diff import clearing
from verifier.signatures.diff.policy import build_diff_policy

# the tagged decree is compared from its last signed revision: pyHanko's eager apply finds every
# path of every object, seconds a pair (03-vbhn-bkhcn, of the same making, is left to the snapshot)
REAL = [("6666eaf3ddc0f657141fd114381d1fae559e9575.pdf", 0), ("19-bkhcn.pdf", 0), ("385.signed.signed.pdf", 0),
        ("50-2026-ND-CP.pdf", 5), ("49-2026-ND-CP.pdf", 0)]


def _outcome(apply, policy, data: bytes, base: int, later: int):
    """(level, changed fields) of one review on a reader of its own, or (error type, message)."""
    reader = opened(data)
    old, new = HistoricalResolver(reader, base), HistoricalResolver(reader, later)
    try:
        result = apply(policy, old, new)
    except Exception as exc:  # noqa: BLE001 - the failure itself is compared
        return type(exc).__name__, str(exc)
    return result.modification_level, frozenset(result.changed_form_fields)


def _pyhanko_apply(policy, old, new):
    """pyHanko's apply, told to let pass the free entries kyso does not count as freeing (a
    number not in use: iText's own cross-reference stream, tests/genuine/test_itext.py)."""
    if new.refs_freed_in_revision() and not clearing.freed_in_use(old, new):
        policy = copy.copy(policy)
        policy.reject_object_freeing = False
    return StandardDiffPolicy.apply(policy, old, new)


def _compare(data: bytes, policy, first: int = 0) -> tuple[int, int]:
    """(pairs compared, of which failed); fails on the first outcome that differs from pyHanko's."""
    total = opened(data).xrefs.total_revisions
    pairs = failed = 0
    for base in range(first, total - 1):
        for later in range(base + 1, total):
            theirs = _outcome(_pyhanko_apply, policy, data, base, later)
            ours = _outcome(clearing.apply, policy, data, base, later)
            assert ours == theirs, (base, later)
            pairs += 1
            failed += isinstance(theirs[0], str)
    return pairs, failed


@pytest.mark.parametrize("name,first", REAL, ids=[n for n, _ in REAL])
def test_real_documents_get_pyhankos_review(name, first):
    pairs, _ = _compare(need_shared(REALDOCS / name).read_bytes(), build_diff_policy(), first)
    assert pairs >= 1


def test_samples_get_pyhankos_review():
    pairs = failed = 0
    for path in readable_samples():
        p, f = _compare(path.read_bytes(), build_diff_policy())
        pairs, failed = pairs + p, failed + f
    assert pairs >= 60 and failed >= 3  # forgeries among them: the failure messages are compared too


def test_benchmark_document_gets_pyhankos_review():
    assert _compare(benchmark_file(5, 6).read_bytes(), build_diff_policy())[0] == 21


class _Scripted(QualifiedWhitelistRule):
    """Approves the objects a revision wrote, each by one of SCRIPTS (object i, in number order,
    by script i + shift): each step a level and a kind of approval."""

    BLANKET, PATH, CONTEXT, EVERY_PATH = "blanket", "path", "context", "every path"
    LTA, FORM, ANNOT = ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING, ModificationLevel.ANNOTATIONS
    SCRIPTS = [
        [], [(BLANKET, FORM)], [(BLANKET, FORM), (BLANKET, LTA)], [(BLANKET, LTA), (BLANKET, ANNOT)],
        [(BLANKET, ANNOT), (BLANKET, FORM), (BLANKET, LTA)], [(PATH, LTA)], [(BLANKET, FORM), (PATH, LTA)],
        [(CONTEXT, FORM), (BLANKET, LTA)], [(BLANKET, LTA), (CONTEXT, LTA)], [(EVERY_PATH, FORM)],
        [(EVERY_PATH, LTA), (BLANKET, LTA)], [(BLANKET, FORM), (EVERY_PATH, LTA), (BLANKET, ANNOT)],
    ]

    def __init__(self, shift: int, finish: ModificationLevel | None):
        self.shift, self.finish = shift, finish

    def apply_qualified(self, old, new):
        refs = sorted(new.explicit_refs_in_revision(), key=lambda r: (r.idnum, r.generation))
        for i, ref in enumerate(refs):
            paths = sorted(old._get_usages_of_ref(ref), key=str)
            for kind, level in self.SCRIPTS[(i + self.shift) % len(self.SCRIPTS)]:
                if kind == self.BLANKET:
                    yield level, ReferenceUpdate(ref)
                elif kind == self.PATH and paths:
                    yield level, ReferenceUpdate(ref, context_checked=Context.from_absolute(old, paths[0]))
                elif kind == self.CONTEXT and paths:
                    yield level, ReferenceUpdate(ref, context_checked=Context.from_absolute(old, paths[-1]).relative_view)
                elif kind == self.EVERY_PATH:
                    for path in paths:
                        yield level, ReferenceUpdate(ref, context_checked=Context.from_absolute(old, path))
            if self.finish is not None:  # every object approved in the end: the review can pass
                yield self.finish, ReferenceUpdate(ref)


def test_every_order_of_approvals_gets_pyhankos_table():
    """Each object of each revision through every script: the levels, the fields and the paths
    left in the failure messages are pyHanko's whatever the order of the approvals."""
    outcomes = set()
    for name in ("plan.pdf", "annotation-added.pdf"):
        data = (SAMPLES / name).read_bytes()
        # the first two later revisions: each overwrites a page, the form and the catalog
        laters = range(2, min(opened(data).xrefs.total_revisions, 4))
        for shift in range(len(_Scripted.SCRIPTS)):
            for finish in (None, _Scripted.LTA, _Scripted.FORM):
                policy = StandardDiffPolicy(global_rules=[_Scripted(shift, finish)], form_rule=None)
                for later in laters:
                    outcome = _outcome(StandardDiffPolicy.apply, policy, data, 1, later)
                    assert _outcome(clearing.apply, policy, data, 1, later) == outcome, (name, shift, finish, later)
                    outcomes.add(outcome[0] if isinstance(outcome[0], str) else outcome[0].name)
    assert "SuspiciousModification" in outcomes and len(outcomes) >= 3  # failed, and passed at two levels


def test_a_page_approved_whole_is_not_searched():
    """The point of the change: a page a signature rewrote, which the widget rule approves whole,
    has its paths in the signed revision found by pyHanko's apply and not by kyso's."""
    data = (SAMPLES / "plan.pdf").read_bytes()
    asked = {}
    for side, apply in (("pyhanko", StandardDiffPolicy.apply), ("kyso", clearing.apply)):
        reader = opened(data)
        old, new = HistoricalResolver(reader, 1), HistoricalResolver(reader, 2)
        apply(build_diff_policy(), old, new)
        asked[side] = set(old.__dict__["_kyso_usages"].answers)  # the index's answers (verifier.patches.usages)
        kids = reader.root["/Pages"]["/Kids"]
        written = {(r.idnum, r.generation) for r in new.explicit_refs_in_revision()}
        pages = {(k.idnum, k.generation) for k in (kids.raw_get(i).reference for i in range(len(kids)))} & written
    assert pages  # the second signature's widget joined a page: the page was written again
    assert pages <= asked["pyhanko"]
    assert not pages & asked["kyso"]
    assert asked["kyso"] < asked["pyhanko"]
