"""The paths that reach an object in a signed revision, found from the object, not by mapping the
whole document.

pyHanko's difference review asks, for every object a later revision wrote, by which paths from the
trailer the signed revision reached it (`HistoricalResolver._get_usages_of_ref`), so that each path
can be cleared by a rule. To answer, it first maps every path to every object of the signed
revision (`_load_reverse_xref_cache`): on a tagged Word document of 50,000 objects, six layers,
that is 97 % of the verification (issue 20). Only the objects a revision wrote are ever asked
about, and what a revision wrote is known from its cross-reference section.

So the answer is found backwards, from the object asked about: an index of who refers to whom,
built once per document from a light copy of every object version (each version read once,
shared by every revision that still holds it), gives the referrers of an object in a revision;
the paths to the object are its referrers' paths, extended. The keys from a referrer to the
reference are found when the referrer is visited. Objects written in the plain form nearly every
writer uses (all but a few of a tagged Word document's) are read by verifier.patches.quickread,
which reads exactly what pyHanko's parser reads or leaves the object to it; the others are read
by pyHanko. So the index holds every reference pyHanko would read in every version: none is
missed. The rules of pyHanko's walk are kept exactly:

- a path never passes an object twice, and never a `/Parent` key;
- a page-tree node is recorded under every path but only continued through its canonical
  path (/Root /Pages /Kids i ...);
- a structure element (reached from /Root /StructTreeRoot by /K) is only continued along a
  path that starts /Root /StructTreeRoot /K, and under that prefix `/P` keys are not followed.

An object continued through (entered) keeps its paths, so the structure tree's chain is walked
once, not once per object below it. The page tree and the structure tree are found as pyHanko
finds them when the review starts (each structure element's part once per document, while
nothing it read changes: _Revision._element); whatever pyHanko would stop on there
(a circular tree, a missing /Kids, an encrypted file, a form of the trees
this code does not mirror) and any search over PATH_BUDGET steps hands the revision to pyHanko's
own mapping, which then answers or raises as it always did. tests/test_usages.py compares both on
every revision of every test document.

Replaces `HistoricalResolver._load_reverse_xref_cache` and `_get_usages_of_ref` once
verifier.patches.install() is called; importing this module changes nothing.
"""

from __future__ import annotations

import bisect
import collections

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.pdf_utils.xref import ObjStreamRef

from verifier.patches import quickread

_load_reverse_xref_cache = HistoricalResolver._load_reverse_xref_cache
_get_usages_of_ref = HistoricalResolver._get_usages_of_ref

PATH_BUDGET = 200_000  # paths built for one revision before pyHanko's full mapping is cheaper
_STRUCT_PREFIX = ('/Root', '/StructTreeRoot', '/K')
_TRAILER = None  # the referrer standing for the trailer


class _Fallback(Exception):
    """The revision is answered by pyHanko's own mapping."""


_R = quickread.Ref  # an indirect reference inside a light copy


def _light(obj):
    """The object's shape: dicts, lists, references and the other values as they are."""
    if isinstance(obj, generic.IndirectObject):
        return _R((obj.idnum, obj.generation))
    if isinstance(obj, generic.DictionaryObject):  # streams too: their dictionaries are walked
        return {k: _light(v) for k, v in obj.items()}
    if isinstance(obj, generic.ArrayObject):
        return [_light(v) for v in obj]
    if isinstance(obj, generic.DecryptedObjectProxy):
        raise _Fallback
    return obj


def _edges(light, rel=(), out=None):
    """(keys from the object to the reference, referenced key) for every reference in it; never
    through a /Parent key, which pyHanko's walk never takes."""
    if out is None:
        out = []
    if isinstance(light, _R):
        out.append((rel, light.key))
    elif isinstance(light, dict):
        for k, v in light.items():
            if k != '/Parent':
                _edges(v, rel + (k,), out)
    elif isinstance(light, list):
        for i, v in enumerate(light):
            _edges(v, rel + (i,), out)
    return out


def _kyso_reader(reader) -> bool:
    from verifier.pdf.reader import KysoPdfFileReader  # here: verifier.pdf.reader imports the patches

    return isinstance(reader, KysoPdfFileReader)


class _Document:
    """Every object version of one reader, read once, and who may refer to whom."""

    def __init__(self, reader):
        if reader.security_handler is not None:
            raise _Fallback
        xrefs = reader.xrefs
        self.reader = reader
        self.released = False
        self.writes: dict[tuple, list[int]] = {}
        self.written: list[set] = []  # revision -> the objects it writes
        for revision in range(xrefs.total_revisions):
            # an object freed reads as null from that revision on: a version too
            self.written.append(set())
            for key in _explicit_or_freed(xrefs, revision):
                self.writes.setdefault(key, []).append(revision)
                self.written[revision].add(key)
        self.objects: dict[tuple, object] = {}  # (key, revision written) -> light copy
        # the versions quickread read from an object stream: never a stream, their light copy
        # pyHanko's reading entry for entry, type for type (verifier.signatures.diff.held)
        self.plain: set[tuple] = set()
        # key -> [(source key, its version)] for every reference to the key in a version: the
        # keys on the way (and whether a /Parent is on it) are found when the source is visited
        self.referrers: dict[tuple, list[tuple]] = collections.defaultdict(list)
        self._rels: dict[tuple, dict[tuple, list[tuple]]] = {}  # (source, version) -> target -> keys
        self.elements: dict[tuple, list] = {}  # see _Revision._element
        self._changed: dict[tuple, set] = {}
        self._introducing: dict[tuple, int] = {}
        referrers = self.referrers
        sections = [xrefs.get_xref_data(revision) for revision in range(xrefs.total_revisions)]
        for key, revisions in self.writes.items():
            for written in revisions:
                version = (key, written)
                for target in self._load(key, written, sections[written]):
                    referrers[target].append(version)

    def _load(self, key, revision, section) -> list:
        """Reads the object as pyHanko's historical resolver for `revision` reads it (the plain
        objects by verifier.patches.quickread, which reads them as pyHanko does, the others by
        pyHanko); the keys of the references in it. `section`: the revision's cross-reference
        data (xrefs.get_xref_data)."""
        ref = _Key(key)
        xrefs = self.reader.xrefs
        try:
            # Where pyHanko's get_object finds the version: `revision` lists the object, so its
            # historical place there is its newest place too when no later revision changed it
            # (both look from there down to the first section that resolves it). That is this
            # revision's own section unless it cannot resolve the object (get_historical_ref's
            # first step, taken here without a Reference made for every version).
            try:
                marker = section.try_resolve(ref)
            except KeyError:
                marker = xrefs.get_historical_ref(generic.Reference(*key, pdf=self.reader), revision)
            if marker is None and (not self.reader.strict or _kyso_reader(self.reader)):
                # not found: pyHanko substitutes null (and logs it); so does kyso's strict reader
                self.objects[(key, revision)] = generic.NullObject()
                return []
            if isinstance(marker, ObjStreamRef):
                light, targets = quickread.read_member(
                    self.reader, key[0], marker.obj_stream_id, marker.ix_in_stream)
                self.plain.add((key, revision))
            else:
                light, targets = quickread.read_file_object(self.reader, key[0], key[1], marker)
            self.objects[(key, revision)] = light
            return targets
        except quickread.Unread:
            pass
        except Exception:  # noqa: BLE001 - pyHanko's own reading below meets it and says what it says
            pass
        ref = generic.Reference(*key, pdf=self.reader)
        try:
            last = xrefs.get_last_change(ref)
        except KeyError:
            last = None
        latest = last is not None and last <= revision
        if latest:
            obj = self.reader.get_object(ref, transparent_decrypt=False)
        else:
            obj = self.reader.get_object(ref, revision, transparent_decrypt=False)
        light = self.objects[(key, revision)] = _light(obj)
        return [target for _, target in _edges(light)]

    def release(self) -> None:
        """Empties the index (KysoPdfFileReader.release): its light copies are most of what a
        verification of a tagged document builds. Asked again, the reader builds a new index
        (_document); a view of a revision that kept this one answers with pyHanko's own
        mapping (_Revision.usages)."""
        self.released = True
        for table in (self.writes, self.written, self.objects, self.plain, self.referrers, self._rels,
                      self.elements, self._changed, self._introducing):
            table.clear()

    def rels(self, source, written, target) -> list[tuple]:
        """The keys from version `written` of `source` to each reference to `target` in it, but
        none through a /Parent key."""
        found = self._rels.get((source, written))
        if found is None:
            found = self._rels[(source, written)] = {}
            for rel, to in _edges(self.objects[(source, written)]):
                found.setdefault(to, []).append(rel)
        return found.get(target, ())

    def changed(self, a: int, b: int) -> set:
        """The objects whose version differs between revisions a and b: those written after
        the older and up to the newer."""
        lo, hi = min(a, b), max(a, b)
        found = self._changed.get((lo, hi))
        if found is None:
            found = self._changed[(lo, hi)] = set()
            for revision in range(lo + 1, hi + 1):
                found |= self.written[revision]
        return found

    def introducing(self, key) -> int:
        """`xrefs.get_introducing_revision` of the object (its KeyError too), asked once: the
        walk for orphans (verifier.patches.diffshare) asks it of every reference it meets, in
        every revision."""
        found = self._introducing.get(key)
        if found is None:
            found = self._introducing[key] = self.reader.xrefs.get_introducing_revision(generic.Reference(*key))
        return found

    def version(self, key, revision):
        """The revision that wrote the object as `revision` holds it, None if none did."""
        revisions = self.writes.get(key)
        if not revisions:
            return None
        i = bisect.bisect_right(revisions, revision)
        return revisions[i - 1] if i else None


def plain_light(reader, key: tuple[int, int], revision: int):
    """The light copy of object `key` as `revision` holds it, when the reader's index holds one
    that quickread read from an object stream (a dictionary, array, reference or value, never a
    stream, typed as pyHanko types it); None otherwise. Never builds the index."""
    return _indexed_light(reader, key, revision, plain=True)


def _indexed_light(reader, key: tuple[int, int], revision: int, plain: bool = False):
    """The index's light copy of object `key` as `revision` holds it (with `plain`, only one
    quickread read from an object stream), None when the index is not built or holds none."""
    doc = reader.__dict__.get("_kyso_usages_document")
    if not doc:
        return None
    version = doc.version(key, revision)
    if version is None or (plain and (key, version) not in doc.plain):
        return None
    return doc.objects.get((key, version))


class _Key:
    """An object's number and generation as XRefSectionData.try_resolve reads them (it reads
    nothing else of a Reference, and names it in the KeyError it raises)."""

    __slots__ = ('idnum', 'generation')

    def __init__(self, key):
        self.idnum, self.generation = key

    def __repr__(self):
        return "%d %d R" % (self.idnum, self.generation)


def _explicit_or_freed(xrefs, revision: int) -> set[tuple]:
    """The keys of `xrefs.explicit_refs_in_revision(revision) | xrefs.refs_freed_in_revision(revision)`,
    read from the section's data as those methods read it, without a Reference made for each
    (and in the same order: the same keys, with the same hashes, put in the same order)."""
    data = xrefs.get_xref_data(revision)
    result = {(idnum, generation) for idnum, generation in data.explicit_refs_in_revision}
    hybrid = data.hybrid
    if hybrid is not None:
        result |= {(idnum, generation) for idnum, generation in hybrid.xref_data.explicit_refs_in_revision}
    return result | {(idnum, gen - 1) for idnum, gen in data.freed.items() if gen > 0}


def newest_light(reader, key: tuple[int, int]):
    """The light copy of object `key` as the reader's newest revision holds it, when the
    reader's index has been built and read it (verifier.render.touched reads the page graph
    from it); None otherwise. Never builds the index."""
    return _indexed_light(reader, key, reader.xrefs.total_revisions - 1)


def _document(reader) -> _Document:
    # Kept on the reader, not in a weak-keyed table: the index holds objects that pyHanko read
    # (their container_ref names the reader), and a table's value that holds its key keeps both
    # alive for ever, every document a warm worker verified. On the reader, the two form a cycle
    # that goes with the reader.
    doc = reader.__dict__.get("_kyso_usages_document")
    if doc is None or (doc is not False and doc.released):
        try:
            doc = _Document(reader)
        except _Fallback:
            doc = False
        except Exception:  # noqa: BLE001 - pyHanko's own mapping meets it and says what it says
            doc = False
        reader.__dict__["_kyso_usages_document"] = doc
    if doc is False:
        raise _Fallback
    return doc


class _Revision:
    """The paths of one revision, found on demand."""

    def __init__(self, resolver: HistoricalResolver):
        self.doc = doc = _document(resolver.reader)
        self.revision = revision = resolver.revision
        self.trailer = _light(resolver.trailer_view)
        self.trailer_edges: dict[tuple, list[tuple]] = {}
        for rel, target in _edges(self.trailer):
            self.trailer_edges.setdefault(target, []).append(rel)
        root = self._root()
        self.canonical = self._page_tree(root)
        self.struct = self._struct_tree(root)
        self.entered_memo: dict[tuple, list] = {}
        self.referrer_memo: dict[tuple, list] = {}
        self.answers: dict[tuple, set] = {}
        self.steps = 0
        del doc, revision

    def get(self, light):
        """A light value resolved in this revision."""
        if isinstance(light, _R):
            version = self.doc.version(light.key, self.revision)
            if version is None:
                raise _Fallback  # pyHanko resolves what no section holds its own way
            return self.doc.objects[(light.key, version)]
        return light

    def _root(self):
        root = self.get(self.trailer.get('/Root'))
        if not isinstance(root, dict):
            raise _Fallback
        return root

    # -- the trees, as pyHanko's _load_reverse_xref_cache finds them -----------------------

    def _page_tree(self, root: dict) -> dict[tuple, tuple]:
        pages_ref = root.get('/Pages')
        nodes: dict[tuple, tuple] = {}
        path = ('/Root', '/Pages')
        if isinstance(pages_ref, _R):
            nodes[pages_ref.key] = path
        seen = set()

        def walk(pages, path):
            if not isinstance(pages, dict) or '/Kids' not in pages:
                raise _Fallback
            kids = self.get(pages['/Kids'])
            if not isinstance(kids, list):
                raise _Fallback
            for ix, kid in enumerate(kids):
                kid_path = path + ('/Kids', ix)
                if isinstance(kid, _R):
                    if kid.key in nodes or kid.key in seen:
                        raise _Fallback  # pyHanko: circular reference in the page tree
                    nodes[kid.key] = kid_path
                    seen.add(kid.key)
                elif isinstance(kid, (dict, list)):
                    raise _Fallback  # a direct kid: kept to pyHanko
                kid = self.get(kid)
                if not isinstance(kid, dict):
                    raise _Fallback
                kind = kid.get('/Type')
                if isinstance(kind, _R):
                    raise _Fallback
                if kind == '/Pages':
                    walk(kid, kid_path)

        walk(self.get(pages_ref), path)
        return nodes

    def _struct_tree(self, root: dict) -> set:
        if '/StructTreeRoot' not in root:
            return set()
        nodes: set = set()
        yielded, _ = self._collect(self.get(root['/StructTreeRoot']), set())
        for key in yielded:
            if key in nodes:
                raise _Fallback  # pyHanko: circular reference in the structure tree
            nodes.add(key)
        return nodes

    def _collect(self, elem, active: set) -> tuple[list, set]:
        """The structure elements pyHanko's walk yields below `elem` (every time it meets one)
        and the objects read to find them."""
        if not isinstance(elem, dict):
            raise _Fallback
        if '/K' not in elem:
            return [], set()
        out, read = [], set()
        children = elem['/K']
        if isinstance(children, _R):
            read.add(children.key)
            children = self.get(children)
        if not isinstance(children, list):
            children = (children,)
        for child in children:
            if isinstance(child, _R):
                below, more = self._element(child.key, active)
                read |= more
                if below is not None:
                    out.append(child.key)
                    out += below
            elif isinstance(child, dict) and self._is_element(child):
                below, more = self._collect(child, active)
                out += below
                read |= more
        return out, read

    def _element(self, key, active: set) -> tuple[list | None, frozenset]:
        """What the walk yields below the object `key` (None if it is no structure element) and
        the objects read to find it. Kept per document with the revision it was found in, and
        given again to any revision where none of those objects is another version: the walk
        would read the same objects and yield the same. Each signature's revision writes a new
        structure tree root and the element its widget joins; the rest is found once."""
        doc = self.doc
        for found_in, read, below in doc.elements.get(key, ()):
            if read.isdisjoint(doc.changed(found_in, self.revision)):
                return below, read
        if key in active:
            raise _Fallback  # pyHanko: circular reference in the structure tree
        active.add(key)
        try:
            child = self.get(_R(key))
            below, read = None, {key}
            if isinstance(child, dict) and self._is_element(child):
                below, more = self._collect(child, active)
                read |= more
        finally:
            active.discard(key)
        read = frozenset(read)
        doc.elements.setdefault(key, []).append((self.revision, read, below))
        return below, read

    @staticmethod
    def _is_element(child: dict) -> bool:
        kind = child.get('/Type', '/StructElem')
        if isinstance(kind, _R):
            raise _Fallback
        return kind == '/StructElem'

    # -- the paths ------------------------------------------------------------------------

    def release(self) -> None:
        """Empties the memos (KysoPdfFileReader.release); the index is released with the reader."""
        self.doc.release()
        for memo in (self.trailer_edges, self.canonical, self.struct, self.entered_memo, self.referrer_memo,
                     self.answers):
            memo.clear()

    def usages(self, key) -> set:
        if self.doc.released:
            raise _Fallback
        found = self.answers.get(key)
        if found is None:
            paths, _ = self._recorded(key, set())
            found = self.answers[key] = {RawPdfPath(*path) for path, _ in paths}
        return found

    def _referrers(self, key) -> list:
        """(source, keys from it) of every reference to `key` in this revision, the trailer's
        first (the same list each time a search meets the key: kept)."""
        found = self.referrer_memo.get(key)
        if found is not None:
            return found
        found = [(_TRAILER, rel) for rel in self.trailer_edges.get(key, ())]
        doc, revision = self.doc, self.revision
        seen = set()
        for source, written in doc.referrers.get(key, ()):
            if (source, written) not in seen and doc.version(source, revision) == written:
                seen.add((source, written))
                found.extend((source, rel) for rel in doc.rels(source, written, key))
        self.referrer_memo[key] = found
        return found

    def _recorded(self, key, active: set):
        """Every (path, objects on it before the end) under which pyHanko's walk records `key`;
        and the objects of `active` (being searched) whose paths were left out."""
        out, hits = [], set()
        active.add(key)
        try:
            for source, rel in self._referrers(key):
                if source is _TRAILER:
                    prefixes = (((), frozenset()),)
                elif source in active:
                    hits.add(source)  # through it, the path would pass it twice
                    continue
                elif '/P' in rel and source in self.struct:
                    continue  # entered only under /Root /StructTreeRoot /K, where /P is not followed
                else:
                    prefixes, more = self._entered(source, active)
                    hits |= more
                for prefix, on_path in prefixes:
                    if key in on_path or not _keys_followed(prefix, rel):
                        continue
                    out.append((prefix + rel, on_path))
                self.steps += len(prefixes) + 1
                if self.steps > PATH_BUDGET:
                    raise _Fallback
        finally:
            active.discard(key)
        hits.discard(key)
        return out, hits

    def _entered(self, key, active: set):
        """Every (path, objects on it) under which pyHanko's walk goes into `key`."""
        kept = self.entered_memo.get(key)
        if kept is not None:
            return kept, set()
        canonical = self.canonical.get(key)
        if canonical is not None:  # only through its canonical path: checked forwards, alone
            on_path = self._forwards(canonical)
            out = [] if on_path is None else [(canonical, on_path | {key})]
            self.entered_memo[key] = out
            return out, set()
        recorded, hits = self._recorded(key, active)
        struct = key in self.struct
        out = [(path, on_path | {key}) for path, on_path in recorded if not struct or path[:3] == _STRUCT_PREFIX]
        if not hits:
            self.entered_memo[key] = out
        return out, hits

    def _forwards(self, path):
        """The objects passed on the way to the end of `path` if pyHanko's walk records it there,
        else None: the rules followed from the trailer."""
        value, on_path, walked = self.trailer, set(), ()
        for step in path:
            if isinstance(value, _R):  # an object passed on the way: entered?
                key = value.key
                canonical = self.canonical.get(key)
                if key in on_path or (canonical is not None and walked != canonical) or (
                        key in self.struct and walked[:3] != _STRUCT_PREFIX):
                    return None
                on_path.add(key)
                value = self.get(value)
            if isinstance(value, dict):
                if step == '/Parent' or (step == '/P' and walked[:3] == _STRUCT_PREFIX) or step not in value:
                    return None
                value = value[step]
            elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
                value = value[step]
            else:
                return None
            walked += (step,)
        if not isinstance(value, _R) or value.key in on_path:
            return None
        return frozenset(on_path)


def _keys_followed(prefix: tuple, rel: tuple) -> bool:
    """Whether pyHanko's walk follows the keys `rel` inside an object reached at `prefix`: under
    /Root /StructTreeRoot /K it does not follow /P (/Parent never comes into `rel`)."""
    if '/P' not in rel:
        return True
    walked = prefix
    for step in rel:
        if step == '/P' and walked[:3] == _STRUCT_PREFIX:
            return False
        walked += (step,)
    return True


def load_reverse_xref_cache(self) -> None:
    if self._indirect_object_access_cache is not None or '_kyso_usages' in self.__dict__:
        return
    try:
        self.__dict__['_kyso_usages'] = _Revision(self)
    except _Fallback:
        _load_reverse_xref_cache(self)
    except Exception:  # noqa: BLE001 - pyHanko's own mapping meets it and says what it says
        _load_reverse_xref_cache(self)


def get_usages_of_ref(self, ref) -> set:
    lazy = self.__dict__.get('_kyso_usages')
    if lazy is None or self._indirect_object_access_cache is not None:
        return _get_usages_of_ref(self, ref)
    try:
        return lazy.usages((ref.idnum, ref.generation))
    except _Fallback:
        pass
    except Exception:  # noqa: BLE001 - as above
        pass
    _load_reverse_xref_cache(self)
    return _get_usages_of_ref(self, ref)
