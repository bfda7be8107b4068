"""The orphans of a revision found on the reader's objects (verifier.patches.diffshare.orphans)
are exactly pyHanko's `_find_orphans` answer, or its exception: compared on every revision of
every real document, sample and benchmark document, and on hand-made revisions that test the
walk's corners (a reference to a reference, an orphan reached only through new objects, a chain
deep enough for pyHanko's recursion to fail)."""

from __future__ import annotations

import io
import sys

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import HistoricalResolver

from tests.conftest import REALDOCS, SAMPLES, need_shared
from verifier.patches import diffshare
from verifier.signatures.diff.held import held
from verifier.pdf.opening import open_pdf
from verifier.report.model import DocumentReport


def _reader(data: bytes):
    reader, _ = open_pdf(data, DocumentReport(file=None, sha256="", size=len(data)))
    return reader


def _pyhankos(reader, revision):
    try:
        return diffshare._find_orphans(HistoricalResolver(reader, revision)), None
    except Exception as exc:  # noqa: BLE001
        return None, exc


def _compare(reader) -> int:
    """Revisions compared; fails on the first answer or error that differs from pyHanko's."""
    compared = 0
    for revision in range(1, reader.xrefs.total_revisions):
        theirs, error = _pyhankos(reader, revision)
        for cached in (False, True):  # a fresh resolver, and one that holds its copies already
            ours = HistoricalResolver(reader, revision)
            if cached:
                for ref in ours.explicit_refs_in_revision():
                    try:
                        ours(ref)
                    except Exception:  # noqa: BLE001
                        pass
            if error is not None:
                with pytest.raises(type(error)) as raised:
                    diffshare.orphans(ours)
                assert str(raised.value) == str(error)
            else:
                assert diffshare.orphans(ours) == theirs, (revision, cached)
        compared += 1
    return compared


def test_real_documents_get_pyhankos_orphans():
    paths = sorted(need_shared(REALDOCS).glob("*.pdf"))
    assert sum(_compare(_reader(p.read_bytes())) for p in paths) >= 20


def test_samples_get_pyhankos_orphans():
    paths = [p for p in sorted(SAMPLES.glob("*.pdf")) if p.name not in ("not-a-pdf.pdf", "truncated.pdf", "encrypted.pdf")]
    assert sum(_compare(_reader(p.read_bytes())) for p in paths) >= 10


def test_benchmark_documents_get_pyhankos_orphans():
    sys.path.insert(0, str(SAMPLES.parent / "bench"))
    import corpus

    assert _compare(_reader(corpus.build(5, 10).read_bytes())) == 10


def _revised(build) -> bytes:
    """A one-page document and one incremental update made by `build(writer)`."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    writer = IncrementalPdfFileWriter(io.BytesIO(bytes(pdf.output())))
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_orphan_reached_only_through_new_objects_is_no_orphan():
    def build(w):
        leaf = w.add_object(generic.DictionaryObject({generic.NameObject('/Leaf'): generic.NumberObject(1)}))
        middle = w.add_object(generic.ArrayObject([generic.ArrayObject([leaf])]))
        w.add_object(generic.DictionaryObject({generic.NameObject('/Lost'): generic.TextStringObject("x")}))
        w.root[generic.NameObject('/KysoTest')] = middle
        w.update_root()

    reader = _reader(_revised(build))
    assert _compare(reader) == 1
    assert len(diffshare.orphans(HistoricalResolver(reader, 1))) == 1


def test_a_reference_to_a_reference_is_walked_as_pyhanko_walks_it():
    def build(w):
        target = w.add_object(generic.DictionaryObject({generic.NameObject('/T'): generic.NumberObject(1)}))
        w.add_object(generic.ArrayObject([target]))
        pointer = w.add_object(target)  # an object whose value is a reference
        w.root[generic.NameObject('/KysoTest')] = pointer
        w.update_root()

    assert _compare(_reader(_revised(build))) == 1


def test_a_chain_too_deep_for_pyhankos_recursion_fails_as_pyhanko_fails(monkeypatch):
    def build(w):
        w.add_object(generic.DictionaryObject())  # an orphan, so that the walk runs
        link = generic.NullObject()
        for _ in range(400):
            link = w.add_object(generic.DictionaryObject({generic.NameObject('/Next'): link}))
        w.root[generic.NameObject('/KysoTest')] = link
        w.update_root()

    reader = _reader(_revised(build))
    monkeypatch.setattr(sys, "getrecursionlimit", lambda: 600)  # what the walk assumes
    deferred = []
    monkeypatch.setattr(diffshare, "_find_orphans", lambda r: deferred.append(r) or set())
    assert diffshare.orphans(HistoricalResolver(reader, 1)) == set()
    assert deferred  # pyHanko's function answered, with whatever it answers or raises


def test_a_chain_pyhanko_walks_or_fails_on_is_answered_alike():
    for length in (50, 300, 2000):
        def build(w):
            w.add_object(generic.DictionaryObject())
            link = generic.NullObject()
            for _ in range(length):
                link = w.add_object(generic.DictionaryObject({generic.NameObject('/Next'): link}))
            w.root[generic.NameObject('/KysoTest')] = link
            w.update_root()

        reader = _reader(_revised(build))
        theirs, error = _pyhankos(reader, 1)
        if error is None:
            assert diffshare.orphans(HistoricalResolver(reader, 1)) == theirs
        else:
            with pytest.raises(type(error)):
                diffshare.orphans(HistoricalResolver(reader, 1))


def _shape(obj):
    """What a walk or a comparison of references sees of a value: its kind, its keys in order,
    the references it holds (not followed) and its other values."""
    if isinstance(obj, generic.IndirectObject):
        return ("ref", obj.idnum, obj.generation)
    if isinstance(obj, generic.DecryptedObjectProxy):
        return ("encrypted", _shape(obj.raw_object))
    if isinstance(obj, generic.StreamObject):
        return ("stream", tuple((k, _shape(v)) for k, v in obj.items()), obj.encoded_data)
    if isinstance(obj, generic.DictionaryObject):
        return ("dict", tuple((k, _shape(v)) for k, v in obj.items()))
    if isinstance(obj, generic.ArrayObject):
        return ("array", tuple(_shape(v) for v in obj))
    if isinstance(obj, generic.NullObject):
        return ("null",)
    return (type(obj).__name__, repr(obj))


def _held_like_copies(reader) -> int:
    """Objects compared; fails on the first held value whose shape differs from the copy's."""
    compared = 0
    for revision in range(reader.xrefs.total_revisions):
        written = reader.xrefs.explicit_refs_in_revision(revision)
        if revision:
            written |= reader.xrefs.explicit_refs_in_revision(revision - 1)
        for ref in sorted(written, key=lambda r: (r.idnum, r.generation)):
            try:
                copy = HistoricalResolver(reader, revision)(ref)
            except Exception as exc:  # noqa: BLE001
                with pytest.raises(type(exc)):
                    held(HistoricalResolver(reader, revision), ref)
                continue
            assert _shape(held(HistoricalResolver(reader, revision), ref)) == _shape(copy), (revision, ref)
            compared += 1
    return compared


@pytest.mark.parametrize("name", ["50-2026-ND-CP.pdf", "03-vbhn-bkhcn.pdf", "385.signed.signed.pdf",
                                  "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf"])
def test_a_held_object_has_the_shape_of_pyhankos_copy(name):
    assert _held_like_copies(_reader(need_shared(REALDOCS / name).read_bytes())) > 100


def test_held_objects_of_the_samples_have_the_shape_of_pyhankos_copies():
    paths = [p for p in sorted(SAMPLES.glob("*.pdf")) if p.name not in ("not-a-pdf.pdf", "truncated.pdf", "encrypted.pdf")]
    assert sum(_held_like_copies(_reader(p.read_bytes())) for p in paths) > 1000
