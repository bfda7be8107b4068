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

from tests.conftest import REALDOCS, benchmark_file, need_shared, opened, readable_samples
from verifier.patches import dependencies, diffshare
from verifier.signatures.diff.held import held


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
    assert sum(_compare(opened(p.read_bytes())) for p in paths) >= 20


def test_samples_get_pyhankos_orphans():
    paths = readable_samples()
    assert sum(_compare(opened(p.read_bytes())) for p in paths) >= 10


def test_benchmark_documents_get_pyhankos_orphans():
    assert _compare(opened(benchmark_file(5, 10).read_bytes())) == 10


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

    reader = opened(_revised(build))
    assert _compare(reader) == 1
    assert len(diffshare.orphans(HistoricalResolver(reader, 1))) == 1


def test_a_reference_to_a_reference_is_walked_as_pyhanko_walks_it():
    def build(w):
        target = w.add_object(generic.DictionaryObject({generic.NameObject('/T'): generic.NumberObject(1)}))
        w.add_object(generic.ArrayObject([target]))
        pointer = w.add_object(target)  # an object whose value is a reference
        w.root[generic.NameObject('/KysoTest')] = pointer
        w.update_root()

    assert _compare(opened(_revised(build))) == 1


def test_a_chain_too_deep_for_pyhankos_recursion_fails_as_pyhanko_fails(monkeypatch):
    def build(w):
        w.add_object(generic.DictionaryObject())  # an orphan, so that the walk runs
        link = generic.NullObject()
        for _ in range(400):
            link = w.add_object(generic.DictionaryObject({generic.NameObject('/Next'): link}))
        w.root[generic.NameObject('/KysoTest')] = link
        w.update_root()

    reader = opened(_revised(build))
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

        reader = opened(_revised(build))
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


def _held_like_copies(reader, indexed: bool = False) -> int:
    """Objects compared; fails on the first held value whose shape differs from the copy's. With
    `indexed`, the difference review's index of the document is built first, and held values
    are made from its light copies wherever it holds one (verifier.signatures.diff.held)."""
    if indexed:
        from verifier.patches import usages

        try:
            usages._document(reader)
        except usages._Fallback:  # an encrypted document: no index, held as before
            pass
    compared = 0
    for revision in range(reader.xrefs.total_revisions):
        written = reader.xrefs.explicit_refs_in_revision(revision)
        if revision:
            written |= reader.xrefs.explicit_refs_in_revision(revision - 1)
        for ref in sorted(written, key=lambda r: (r.idnum, r.generation)):
            if indexed:  # before the copy, which has the reader read the object
                try:
                    value = held(HistoricalResolver(reader, revision), ref)
                except Exception as exc:  # noqa: BLE001
                    with pytest.raises(type(exc)):
                        HistoricalResolver(reader, revision)(ref)
                    continue
            try:
                copy = HistoricalResolver(reader, revision)(ref)
            except Exception as exc:  # noqa: BLE001
                with pytest.raises(type(exc)):
                    held(HistoricalResolver(reader, revision), ref)
                continue
            if not indexed:
                value = held(HistoricalResolver(reader, revision), ref)
            assert _shape(value) == _shape(copy), (revision, ref)
            compared += 1
    return compared


@pytest.mark.parametrize("name", ["50-2026-ND-CP.pdf", "03-vbhn-bkhcn.pdf", "385.signed.signed.pdf",
                                  "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf"])
def test_a_held_object_has_the_shape_of_pyhankos_copy(name):
    assert _held_like_copies(opened(need_shared(REALDOCS / name).read_bytes())) > 100


def test_held_objects_of_the_samples_have_the_shape_of_pyhankos_copies():
    paths = readable_samples()
    assert sum(_held_like_copies(opened(p.read_bytes())) for p in paths) > 1000


@pytest.mark.parametrize("name", ["50-2026-ND-CP.pdf", "03-vbhn-bkhcn.pdf"])
def test_a_held_object_made_from_the_index_has_the_shape_of_pyhankos_copy(name):
    """The tagged decrees' structure elements and parent-tree arrays, which the index read from
    their object streams, made again from its light copies: the same kind, keys, references and
    values, in the same order, as the revision's copy, in every revision."""
    reader = opened(need_shared(REALDOCS / name).read_bytes())
    assert _held_like_copies(reader, indexed=True) > 100
    made, _ = reader.__dict__["_kyso_held"]
    assert len(made) > 100  # the light copies were used, not the reader's parse
    # one IndirectObject per object, shared by every copy made (a parent tree holds thousands)
    indirect = [value for _, copy in made.values() for value in _values(copy)
                if isinstance(value, generic.IndirectObject)]
    assert len({id(value) for value in indirect}) == len({value.reference for value in indirect}) < len(indirect)


def _values(obj):
    """Every value inside a dictionary or array, at any depth."""
    for value in (obj.values() if isinstance(obj, dict) else obj if isinstance(obj, list) else ()):
        yield value
        yield from _values(value)


def test_held_objects_of_the_samples_made_from_the_index_have_the_shape_of_pyhankos_copies():
    paths = readable_samples()
    assert sum(_held_like_copies(opened(p.read_bytes()), indexed=True) for p in paths) > 1000


def _compare_indexed(reader) -> int:
    """Revisions the index's walk answered itself (not deferred); fails on the first answer that
    differs from pyHanko's, or on an index walk that answers where pyHanko fails."""
    answered = 0
    for revision in range(1, reader.xrefs.total_revisions):
        theirs, error = _pyhankos(reader, revision)
        ours = HistoricalResolver(reader, revision)
        try:
            found = diffshare._search(ours, diffshare._indexed_reach(ours, sys.getrecursionlimit() - 200))
        except diffshare._Deferred:
            continue
        assert error is None, (revision, error)
        assert found == theirs and list(found) == list(theirs), revision
        answered += 1
    return answered


def test_the_index_walk_answers_pyhankos_orphans_on_real_documents():
    paths = sorted(need_shared(REALDOCS).glob("*.pdf"))
    by_name = {p.name: _compare_indexed(opened(p.read_bytes())) for p in paths}
    assert by_name["50-2026-ND-CP.pdf"] == 7 and by_name["03-vbhn-bkhcn.pdf"] == 6, by_name  # every revision
    assert sum(by_name.values()) >= 20


def test_the_index_walk_answers_pyhankos_orphans_on_samples_and_benchmarks():
    paths = readable_samples()
    assert sum(_compare_indexed(opened(p.read_bytes())) for p in paths) >= 10
    assert _compare_indexed(opened(benchmark_file(5, 10).read_bytes())) == 10


def test_the_index_walk_defers_what_the_index_does_not_answer_as_the_resolver_would():
    """A reference to a reference (the resolver follows it) and a reference to an object no
    section holds (the resolver's null): the reader's objects answer, as pyHanko does."""
    def build(w):
        target = w.add_object(generic.DictionaryObject({generic.NameObject('/T'): generic.NumberObject(1)}))
        pointer = w.add_object(target)
        w.add_object(generic.DictionaryObject())  # an orphan, so that the walk runs
        w.root[generic.NameObject('/KysoTest')] = generic.ArrayObject(
            [pointer, generic.IndirectObject(9999, 0, w)])
        w.update_root()

    reader = opened(_revised(build))
    hist = HistoricalResolver(reader, 1)
    with pytest.raises(diffshare._Deferred):
        diffshare._search(hist, diffshare._indexed_reach(hist, 900))
    assert _compare(reader) == 1


def test_an_orphan_that_only_a_string_or_a_stream_names_stays_an_orphan():
    """An attacker's new object named only in text that looks like a reference (a string, a
    stream's data) is no dependency for pyHanko: nor for the index's walk."""
    def build(w):
        lost = w.add_object(generic.DictionaryObject({generic.NameObject('/Lost'): generic.NumberObject(1)}))
        text = "%d %d R" % (lost.idnum, lost.generation)
        holder = w.add_object(generic.StreamObject(
            {generic.NameObject('/Note'): generic.TextStringObject(text)}, stream_data=text.encode()))
        w.root[generic.NameObject('/KysoTest')] = holder
        w.update_root()

    reader = opened(_revised(build))
    assert _compare_indexed(reader) == 1
    assert len(diffshare.orphans(HistoricalResolver(reader, 1))) == 1


# --- a new object's dependencies, walked over the index ---------------------------------------------

WALKS_PER_REVISION = 150  # a tagged decree's revision writes thousands of objects: the first ones


def _dependencies_as_pyhanko(reader) -> int:
    """Every object each revision wrote, walked from as the form rule walks a new signature's
    appearance (since the revision before): the references collected over the index are
    pyHanko's, bound to the same resolver, in pyHanko's order. (walks that found references)"""
    from pyhanko.pdf_utils import generic as g

    found = 0
    for revision in range(1, reader.xrefs.total_revisions):
        resolver = HistoricalResolver(reader, revision)
        written = sorted(reader.xrefs.explicit_refs_in_revision(revision), key=lambda r: (r.idnum, r.generation))
        for ref in written[:WALKS_PER_REVISION]:
            root = g.IndirectObject(ref.idnum, ref.generation, resolver)
            try:
                theirs = dependencies._collect_dependencies(resolver, root, since_revision=revision)
            except Exception as exc:  # noqa: BLE001
                with pytest.raises(type(exc)):
                    dependencies.collect_dependencies(HistoricalResolver(reader, revision), root, since_revision=revision)
                continue
            deferred = []
            pyhankos = dependencies._collect_dependencies
            dependencies._collect_dependencies = lambda *args, **kwargs: deferred.append(1) or pyhankos(*args, **kwargs)
            try:
                ours = dependencies.collect_dependencies(resolver, root, since_revision=revision)
            finally:
                dependencies._collect_dependencies = pyhankos
            assert list(ours) == list(theirs), (revision, ref)
            assert all(r.pdf is resolver for r in ours)
            found += bool(ours) and not deferred  # answered over the index, not by pyHanko
    return found


@pytest.mark.parametrize("name", ["385.signed.signed.pdf", "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf",
                                  "19-bkhcn.pdf", "03-vbhn-bkhcn.pdf"])
def test_dependencies_walked_over_the_index_are_pyhankos(name):
    assert _dependencies_as_pyhanko(opened(need_shared(REALDOCS / name).read_bytes())) > 5


def test_dependencies_walked_over_the_index_are_pyhankos_on_samples_and_benchmarks():
    paths = readable_samples() + [benchmark_file(5, 10), benchmark_file(1, 3)]
    assert sum(_dependencies_as_pyhanko(opened(p.read_bytes())) for p in paths) > 50
