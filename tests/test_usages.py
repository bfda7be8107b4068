"""The paths to an object a later revision wrote, found backwards from the object
(verifier.patches.usages), are exactly the paths pyHanko's full mapping of the signed revision
finds: compared on every revision of real documents (tagged, hybrid, multi-layer) and of the
samples, for every object any later revision wrote."""

from __future__ import annotations

import pytest
from pyhanko.pdf_utils.generic import Reference
from pyhanko.pdf_utils.reader import HistoricalResolver

from tests.conftest import REALDOCS, SAMPLES, need_shared
from verifier.patches import install, usages
from verifier.pdf.opening import open_pdf
from verifier.report.model import DocumentReport

# (file, the earliest revision compared: the 50,000-object decree is compared on its last signed
# revision only, pyHanko's full mapping of it costing seconds)
REAL = [("6666eaf3ddc0f657141fd114381d1fae559e9575.pdf", 0), ("19-bkhcn.pdf", 0),
        ("385.signed.signed.pdf", 0), ("50-2026-ND-CP.pdf", 5)]


def _reader(data: bytes):
    reader, _ = open_pdf(data, DocumentReport(file=None, sha256="", size=len(data)))
    return reader


def _compare(reader, first: int = 0) -> int:
    """Revisions answered backwards; fails on the first path set that differs from pyHanko's."""
    xrefs = reader.xrefs
    lazy_revisions = 0
    for revision in range(first, xrefs.total_revisions - 1):
        full = HistoricalResolver(reader, revision)
        try:
            usages._load_reverse_xref_cache(full)
        except Exception as exc:  # pyHanko's mapping stops on this revision: so must the review
            lazy = HistoricalResolver(reader, revision)
            with pytest.raises(type(exc)):
                usages.load_reverse_xref_cache(lazy)
            continue
        lazy = HistoricalResolver(reader, revision)
        usages.load_reverse_xref_cache(lazy)
        lazy_revisions += "_kyso_usages" in lazy.__dict__
        written = set()
        for later in range(revision + 1, xrefs.total_revisions):
            written |= {(r.idnum, r.generation) for r in xrefs.explicit_refs_in_revision(later)}
        for key in sorted(written):
            ref = Reference(*key)
            assert usages.get_usages_of_ref(lazy, ref) == usages._get_usages_of_ref(full, ref), (revision, key)
        if "_kyso_usages" in lazy.__dict__:  # not an encrypted file, which pyHanko maps itself
            assert lazy._indirect_object_access_cache is None  # answered without the full mapping
    return lazy_revisions


@pytest.mark.parametrize("name,first", REAL, ids=[n for n, _ in REAL])
def test_real_documents_get_pyhankos_paths(name, first):
    path = need_shared(REALDOCS / name)
    assert _compare(_reader(path.read_bytes()), first) >= 1


def test_samples_get_pyhankos_paths():
    answered = sum(_compare(_reader(p.read_bytes())) for p in sorted(SAMPLES.glob("*.pdf"))
                   if p.name not in ("not-a-pdf.pdf", "encrypted.pdf", "truncated.pdf"))
    assert answered >= 5


def test_the_review_no_longer_maps_every_path(monkeypatch, real_trust):
    """The tagged decree's review, as kyso runs it, asks the signed revisions for paths without
    building pyHanko's map of every path of any of them."""
    from verifier.document import verify_pdf

    assert install()
    mapped, backwards = [], []
    original, revision_init = usages._load_reverse_xref_cache, usages._Revision.__init__

    def counting(resolver):
        mapped.append(resolver.revision)
        return original(resolver)

    def lazy(self, resolver):
        revision_init(self, resolver)
        backwards.append(resolver.revision)

    monkeypatch.setattr(usages, "_load_reverse_xref_cache", counting)
    monkeypatch.setattr(usages._Revision, "__init__", lazy)
    report = verify_pdf(need_shared(REALDOCS / "19-bkhcn.pdf").read_bytes(), real_trust)
    assert report.verdict == "INDETERMINATE" and len(report.layers) == 2
    assert mapped == [] and backwards == [1]  # the first seal's revision, pyHanko's numbering
