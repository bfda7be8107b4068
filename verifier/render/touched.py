"""Which pages of the final document a revision after a signed one may have changed: the pages
whose page object, or anything the page draws from, was written (or freed) after it.

What a page draws from: its own entries (contents, resources, annotations and their appearance
streams, /Group, ...) and everything they reference, the inheritable attributes of its page-tree
ancestors (ISO 32000-1 §7.7.3.4), and for a widget the field dictionaries above it (a field's
/DA, /V, /Q, /MK are inherited, §12.7.3.1). Not followed: back-links and what no viewer draws on
the page (/P, actions, destinations, thumbnails, beads, metadata); a page, page-tree node or
catalog met inside a page's graph is a stop (a signature's /Reference names the catalog, a link
names another page: following them would make every page reach every other).

The objects reachable from all pages are read once into one graph (shared fonts and images are
read once), bounded by MAX_OBJECTS indirect objects and MAX_NESTING levels of direct nesting;
per signed revision, the objects written after it are marked and the pages that reach a mark are
found by one walk of the reversed graph. An object the difference review's index already
read (verifier.patches.usages, its light copy of the newest version) is not read again, and an
array's leaves are passed over in one step. Past a bound, or when the page tree cannot be read,
every page is to be compared: the answer is never "none" for want of looking.

Every page is also compared when the page tree's leaves (their objects, in order) differ between
the signed revision and the final document (a page added, removed, replaced or moved shifts the
page indexes that are compared), or when the catalog's /OCProperties changed (optional content
can show or hide anything on any page). A change of /AcroForm (any entry, or anything it reaches)
marks the pages that hold a widget: PDFium draws widgets through the form it builds from
/AcroForm (/NeedAppearances, /DA, /DR, /Q, the field tree), and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_OBJECTS = 200_000  # indirect objects read for one document's graph
MAX_NESTING = 64  # levels of direct arrays and dictionaries inside one object

# entries that hold nothing a page displays, or that link back or away from the page
_SKIP = frozenset({
    "/P", "/A", "/AA", "/Dest", "/Next", "/Thumb", "/B", "/PieceInfo", "/Metadata", "/StructParent",
    "/StructParents", "/Reference", "/Data",
})
_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_STOP_TYPES = frozenset({"/Page", "/Pages", "/Catalog"})
# node kinds: how an object's entries are followed
_PAGE, _ANCESTOR, _OBJECT, _FIELD = "page", "ancestor", "object", "field"
_OCPROPS, _ACROFORM = ("catalog", "/OCProperties"), ("catalog", "/AcroForm")


@dataclass(frozen=True)
class Touched:
    """The pages of the final document (0-based) to compare for one signed revision."""

    pages: frozenset[int]  # every page of either side when `everything`
    everything: bool = False
    reason: str | None = None  # why every page: "page tree", "/OCProperties", "bound", "unreadable"


class PageGraph:
    """The final document's pages and what each draws from, read once from a pyHanko reader
    (pyhanko.pdf_utils.reader.PdfFileReader, as verifier.document opens it)."""

    def __init__(self, reader, max_objects: int = MAX_OBJECTS):
        self.reader = reader
        self.max_objects = max_objects
        self.edges: dict[tuple, list[tuple]] = {}  # node -> nodes it reaches directly
        self.unreadable: set[tuple] = set()  # nodes whose object could not be read: always marked
        self.page_refs: list[tuple[int, int]] | None = None
        self.tree_nodes: set[tuple[int, int]] | None = None  # the page tree's intermediate nodes
        self.widget_pages: set[int] = set()
        self.failure: str | None = None  # set when the graph is incomplete: every page is compared
        self._reverse: dict[tuple, list[tuple]] | None = None
        try:
            self._build()
        except _Bound:
            self.failure = "bound"
        except Exception as exc:  # a hostile or damaged structure: compare every page
            self.failure = f"unreadable: {type(exc).__name__}: {exc}"

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        from verifier.pdf import geometry

        root = self.reader.root
        self.page_refs = _page_refs(root)
        if self.page_refs is None:
            raise ValueError("the page tree cannot be read")
        if _declared_count(self.reader) != len(self.page_refs):
            # readers that trust /Count and readers that count leaves number pages differently
            raise ValueError(f"the page tree has {len(self.page_refs)} pages, /Count says {_declared_count(self.reader)}")
        self.tree_nodes = _tree_nodes(root)
        todo: list[tuple] = []
        for index, ref in enumerate(self.page_refs):
            node = (ref, _PAGE)
            if node not in self.edges:
                todo.append(node)
                self._expand(todo)
            if self._has_widget(ref, geometry):
                self.widget_pages.add(index)
        for key, value in ((_OCPROPS, root.get("/OCProperties")), (_ACROFORM, root.get("/AcroForm"))):
            # the catalog is rewritten by every signature: its entries are roots of their own
            self.edges[key] = _refs_in(value)
            todo.extend(self.edges[key])
            self._expand(todo)

    def _expand(self, todo: list[tuple]) -> None:
        edges, get = self.edges, self.reader.get_object
        from pyhanko.pdf_utils.generic import Reference

        from verifier.patches.usages import newest_light

        while todo:
            node = todo.pop()
            if node in edges:
                continue
            if len(edges) >= self.max_objects:
                raise _Bound()
            (idnum, gen), kind = node
            # The light copy the difference review's index read of the object's newest version,
            # if it did: its keys, references and values are pyHanko's own reading
            # (verifier.patches.quickread; tests/test_usages.py), which is all _children reads,
            # and an object is in the index only if it was read without error
            light = newest_light(self.reader, (idnum, gen))
            if light is not None:
                out = _children(light, kind)
                edges[node] = out
                todo.extend(n for n in out if n not in edges)
                continue
            try:
                obj = _plain(get(Reference(idnum, gen, self.reader)))
            except Exception:  # damaged in the file: what it reached is unknown, so it counts as changed
                self.unreadable.add(node)
                edges[node] = []
                continue
            out = _children(obj, kind)
            edges[node] = out
            todo.extend(n for n in out if n not in edges)

    def _has_widget(self, ref, geometry) -> bool:
        from pyhanko.pdf_utils.generic import Reference

        try:
            page = _plain(self.reader.get_object(Reference(ref[0], ref[1], self.reader)))
            annots = geometry.entry(page, "/Annots")
            return any(_plain(geometry.entry(_plain(geometry.resolved(a)), "/Subtype")) == "/Widget"
                       for a in (annots if isinstance(annots, list) else ()))
        except Exception:
            return True  # unknown: compare it

    # -- answering --------------------------------------------------------------------------

    def touched(self, revision: int) -> Touched:
        """The pages to compare for the signed revision `revision` (pyHanko's index, from 0)."""
        return self.touched_all([revision])[revision]

    def touched_all(self, revisions: Iterable[int]) -> dict[int, Touched]:
        """touched() for several signed revisions, the written-after sets built incrementally."""
        xrefs = self.reader.xrefs
        total = xrefs.total_revisions
        wanted = sorted(set(revisions), reverse=True)
        out: dict[int, Touched] = {}
        written: set[tuple[int, int]] = set()
        upto = total  # `written` holds the objects of revisions upto..total-1
        for r in wanted:
            for i in range(upto - 1, r, -1):
                written |= {(ref.idnum, ref.generation) for ref in xrefs.explicit_refs_in_revision(i)}
            upto = min(upto, r + 1)
            out[r] = self._answer(r, written)
        return out

    def _answer(self, revision: int, written: set[tuple[int, int]]) -> Touched:
        if self.failure is not None:
            return self._everything(revision, self.failure)
        try:
            same = self._same_pages(revision, written)
        except Exception as exc:
            return self._everything(revision, f"unreadable: {type(exc).__name__}: {exc}")
        if not same:
            return self._everything(revision, "page tree")
        reaching = self._reaching(written)
        if _OCPROPS in reaching or self._catalog_entry_changed(revision, "/OCProperties"):
            return self._everything(revision, "/OCProperties")
        pages = {i for i, ref in enumerate(self.page_refs) if (ref, _PAGE) in reaching}
        if _ACROFORM in reaching or self._catalog_entry_changed(revision, "/AcroForm"):
            pages |= self.widget_pages
        return Touched(frozenset(pages))

    def _same_pages(self, revision: int, written: set[tuple[int, int]]) -> bool:
        """The signed revision's page tree has the final document's leaves, in order. Read from
        the objects written after it alone when no intermediate node was: a leaf rewritten
        later is then still a leaf if its signed version was one (the /Kids that list it are
        unchanged); otherwise the signed revision's whole tree is read and compared."""
        from verifier.pdf import geometry

        old_root = self.reader.get_historical_resolver(revision).root
        if _ref_of(geometry.raw(old_root, "/Pages")) != _ref_of(geometry.raw(self.reader.root, "/Pages")):
            return False
        if self.tree_nodes is None or self.tree_nodes & written:
            return _page_refs(old_root) == self.page_refs
        resolver = self.reader.get_historical_resolver(revision)
        for ref in set(self.page_refs) & written:
            from pyhanko.pdf_utils.generic import Reference

            obj = _plain(resolver.get_object(Reference(ref[0], ref[1], resolver)))
            if not hasattr(obj, "keys") or not obj:
                return False
            kind = geometry.entry(obj, "/Type")
            if kind != "/Page" and not (kind is None and "/Kids" not in obj):
                return False
        return True

    def _reaching(self, written: set[tuple[int, int]]) -> set[tuple]:
        """The nodes from which a written (or unreadable) object can be reached."""
        marked = [n for n in self.edges if n[0] in written or n in self.unreadable]
        if not marked:
            return set()
        if self._reverse is None:
            self._reverse = {}
            for node, outs in self.edges.items():
                for o in outs:
                    self._reverse.setdefault(o, []).append(node)
        reverse = self._reverse
        seen = set(marked)
        stack = list(marked)
        while stack:
            for prev in reverse.get(stack.pop(), ()):
                if prev not in seen:
                    seen.add(prev)
                    stack.append(prev)
        return seen

    def _catalog_entry_changed(self, revision: int, key: str) -> bool:
        """The catalog's entry differs as written (its direct part, references by number)
        between the signed revision and the final document."""
        try:
            old = self.reader.get_historical_resolver(revision).root.get(key)
            new = self.reader.root.get(key)
            return _shape(old) != _shape(new)
        except Exception:
            return True

    def _everything(self, revision: int, reason: str, before=None) -> Touched:
        count = len(self.page_refs or ())
        if before is None:
            try:
                before = _page_refs(self.reader.get_historical_resolver(revision).root)
            except Exception:
                before = None
        count = max(count, len(before or ()))
        if self.page_refs is None:
            count = max(count, _declared_count(self.reader))
        return Touched(frozenset(range(count)), True, reason)


def touched_pages(reader, revision: int) -> Touched:
    """The pages of the final document to compare for one signed revision (pyHanko's index)."""
    return PageGraph(reader).touched(revision)


def touched_by_revision(reader, revisions: Iterable[int]) -> dict[int, Touched]:
    """touched_pages for several signed revisions, the document's graph read once."""
    return PageGraph(reader).touched_all(revisions)


class _Bound(Exception):
    pass


# -- reading objects --------------------------------------------------------------------------

def _plain(value):
    """A decrypted proxy as the object it stands for."""
    return value.decrypted if isinstance(value, _proxy()) else value


_PROXY: list = []  # pyHanko's DecryptedObjectProxy, imported once (not at each of thousands of calls)


def _proxy():
    if not _PROXY:
        from pyhanko.pdf_utils.generic import DecryptedObjectProxy

        _PROXY.append(DecryptedObjectProxy)
    return _PROXY[0]


def _leaves() -> frozenset:
    """pyHanko's value types that are no reference, no container and no decrypted proxy: a value
    of exactly one of these types (not a subclass) reaches nothing."""
    from pyhanko.pdf_utils import generic

    return frozenset({generic.NumberObject, generic.FloatObject, generic.NameObject, generic.TextStringObject,
                      generic.ByteStringObject, generic.BooleanObject, generic.NullObject})


def _page_refs(root) -> list[tuple[int, int]] | None:
    """(number, generation) of the page tree's leaves in order, as verifier.pdf.geometry.pages
    reads them; None when the tree cannot be read (a loop, too many kids, a damaged node) or a
    page is a direct object."""
    from verifier.pdf import geometry

    try:
        refs = [ref for _, ref in geometry.pages(geometry.raw(root, "/Pages"))]
    except Exception:
        return None
    return None if any(r is None for r in refs) else refs


def _tree_nodes(root) -> set[tuple[int, int]] | None:
    """The page tree's intermediate nodes (those whose /Kids make the page list), read by
    geometry.pages's rules: /Type /Pages, or no /Type and /Kids. None when one is direct."""
    from verifier.pdf import geometry

    top = geometry.raw(root, "/Pages")
    nodes, stack = set(), [(top, 0)]
    while stack:
        value, depth = stack.pop()
        ref = _ref_of(value)
        if ref is None or depth > geometry.MAX_DEPTH:
            return None
        if ref in nodes:
            continue
        nodes.add(ref)
        for kid in geometry.entry(_plain(geometry.resolved(value)), "/Kids") or ():
            obj = _plain(geometry.resolved(kid))
            if not hasattr(obj, "keys") or not obj:
                continue
            kind = geometry.entry(obj, "/Type")
            if kind == "/Pages" or (kind is None and "/Kids" in obj):
                stack.append((kid, depth + 1))
            if len(nodes) > geometry.MAX_KIDS:
                return None
    return nodes


def _declared_count(reader) -> int:
    try:
        return max(0, int(reader.root["/Pages"]["/Count"]))
    except Exception:
        return 0


def _children(obj, kind: str) -> list[tuple]:
    """The nodes an object reaches directly, with how each is to be followed."""
    obj = _plain(obj)
    if not hasattr(obj, "items"):
        return _refs_in(obj) if isinstance(obj, list) else []
    if kind == _ANCESTOR:
        out = [n for k in _INHERITABLE if k in obj for n in _refs_in(obj.get(k))]
        parent = _ref_of(obj.get("/Parent"))
        return out + ([(parent, _ANCESTOR)] if parent else [])
    if kind != _PAGE and _plain(obj.get("/Type")) in _STOP_TYPES:
        return []
    out = []
    for key, value in obj.items():
        if key in _SKIP or (key == "/Kids" and kind == _FIELD):
            continue
        if key == "/Parent":
            parent = _ref_of(value)
            if parent:
                out.append((parent, _ANCESTOR if kind == _PAGE else _FIELD))
            continue
        out.extend(_refs_in(value))
    return out


def _ref_of(value) -> tuple[int, int] | None:
    idnum = getattr(value, "idnum", None)
    if idnum is not None:
        return idnum, value.generation
    if type(value) is _light_ref():  # a reference in a light copy (verifier.patches.quickread.Ref)
        return value.key
    return None


_LIGHT_REF: list = []


def _light_ref():
    if not _LIGHT_REF:
        from verifier.patches.quickread import Ref

        _LIGHT_REF.append(Ref)
    return _LIGHT_REF[0]


def _refs_in(value) -> list[tuple]:
    """The nodes a direct value reaches (nested arrays and dictionaries walked, MAX_NESTING
    deep), skipping the entries no page displays; a direct dictionary's /Parent is a field's."""
    out: list[tuple] = []
    stack = [(value, 0)]
    leaves = _LEAVES or _fill(_LEAVES, _leaves())
    while stack:
        value, depth = stack.pop()
        value = _plain(value)
        ref = _ref_of(value)
        if ref is not None:
            out.append((ref, _OBJECT))
        elif depth > MAX_NESTING:
            raise _Bound()
        elif hasattr(value, "items"):
            for k, v in value.items():
                if k == "/Parent":
                    parent = _ref_of(v)
                    if parent:
                        out.append((parent, _FIELD))
                elif k not in _SKIP:
                    stack.append((v, depth + 1))
        elif isinstance(value, list):
            if depth + 1 <= MAX_NESTING:
                # a leaf (a font's thousands of widths) would be popped to add nothing: at this
                # depth it cannot raise _Bound either, so it is not pushed (the rest keep their order)
                stack.extend((v, depth + 1) for v in value if type(v) not in leaves)
            else:
                stack.extend((v, depth + 1) for v in value)
    return out


_LEAVES: set = set()  # _leaves(), filled at first use (pyHanko imported late, as everywhere here)


def _fill(target: set, values) -> set:
    target.update(values)
    return target


def _shape(value, depth: int = 0):
    """A comparable form of a value as written: references by number, direct parts spelled out."""
    value = _plain(value)
    ref = _ref_of(value)
    if ref is not None:
        return ("ref", ref)
    if depth > MAX_NESTING:
        raise _Bound()
    if hasattr(value, "items"):
        return ("dict", tuple(sorted((str(k), _shape(v, depth + 1)) for k, v in value.items())))
    if isinstance(value, list):
        return ("array", tuple(_shape(v, depth + 1) for v in value))
    if value is None:
        return None
    return (type(value).__name__, str(value))
