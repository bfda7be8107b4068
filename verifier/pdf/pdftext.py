"""Positioned text of a PDF: the pages of each revision and the signature appearances.

What a reader sees on a page of a signed Vietnamese document is the page content AND the
appearance streams of the signature widgets: the signing tools draw the document number and the
day into blanks of the header as appearances of the agency's layers (docs/decree30.md §1). So text is
collected per glyph with its position in default user space and its source (the page content of
a revision, or the appearance of one signature field), and then joined into lines, whatever the
source, the way the page is displayed.

The glyphs come from the one text interpreter (verifier.pdf.text) with the one font model
(verifier.pdf.fonts). The objects are pyHanko's, all from one reader of the document (the one
verification opened): the last revision is the reader itself, an earlier one pyHanko's historical
view of it (`get_historical_resolver`), which reads an object as that revision had it. No
revision is read again from its own bytes. Nothing here decides anything.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from pyhanko.pdf_utils import generic

from verifier.pdf import geometry
from verifier.pdf.fonts import stream_data
from verifier.pdf.lines import Line, lines_of, runs_as_rows
from verifier.pdf.reader import UNREADABLE, place
from verifier.pdf.text import Drawn, Glyph, _Shared, drawn_by, page_drawn, page_scanned

log = logging.getLogger(__name__)

MAX_PAINT_PAGES = 12  # pages (of any revision) whose painted glyphs are measured per document


@dataclass
class Widget:
    """A signature field's widget on its page, with what its normal appearance draws."""

    field: str
    page: int | None  # 1-based, as printed in reports
    rect: tuple[float, float, float, float] | None
    hidden: bool
    drawn: Drawn
    signed_end: int | None  # end of the signed byte range (the revision it signs)

    @property
    def visible(self) -> bool:
        if self.rect is None or self.hidden:
            return False
        x0, y0, x1, y1 = self.rect
        return abs(x1 - x0) > 0.5 and abs(y1 - y0) > 0.5

    @property
    def has_image(self) -> bool:
        return self.drawn.images > 0

    _texts: list[str] | None = field(default=None, repr=False, compare=False)
    # the glyphs of its appearance a viewer does not paint (DocumentText sets it when it tells)
    _unpainted: Callable[[], set[int]] | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def lines(self) -> list[str]:
        """The lines of what its appearance paints (all it draws when painting is not told)."""
        if self._texts is None:
            glyphs = self.drawn.glyphs
            if self._unpainted is not None:
                hidden = self._unpainted()
                glyphs = [g for g in glyphs if id(g) not in hidden]
            self._texts = [line.text for line in lines_of(glyphs)]
        return list(self._texts)


# --- a document -------------------------------------------------------------------------------

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_STARTXREF = re.compile(rb"startxref\s+(\d+)")


def _raw_byte_range(reader, data: bytes, ref) -> list[int] | None:
    """/ByteRange of a signature dictionary read from its raw bytes, where the last revision's
    cross-reference puts it, not from a parsed object: only the value is taken here (a parse
    would read 16,384 hex digits of /Contents too); the signature checks proper read the
    dictionary with pyHanko. None when the dictionary is in an object stream (or nowhere)."""
    from pyhanko.pdf_utils.generic import Reference

    idnum, gen = getattr(ref, "idnum", None), getattr(ref, "generation", 0)
    try:
        offset = reader.xrefs[Reference(idnum, gen)] if idnum is not None else None
    except Exception:
        offset = None
    if not isinstance(offset, int) or not 0 <= offset < len(data):
        return None
    chunk = data[offset:offset + (1 << 16)]
    end = chunk.find(b"endobj")
    m = _BYTE_RANGE.search(chunk, 0, end if end > 0 else len(chunk))
    return [int(x) for x in m.groups()] if m else None


def _dictionary(ref):
    """The dictionary `ref` points to, or None when it points to nothing usable."""
    try:
        obj = geometry.resolved(ref)
    except Exception:
        return None
    return obj if hasattr(obj, "get") and hasattr(obj, "keys") else None


def _field_name(node) -> str:
    parts = []
    seen = 0
    while node is not None and seen < 32:
        t = geometry.entry(node, "/T")
        if t is not None:
            parts.append(str(t))
        node = geometry.entry(node, "/Parent")
        seen += 1
    return ".".join(reversed(parts))


def _revision_at(reader, data: bytes, end: int) -> int | None:
    """pyHanko's revision (0 the oldest) that the bytes up to `end` end with: the one whose
    cross-reference section the last `startxref` before `end` points to, as a reader of those
    bytes alone would follow it; failing that, the last whose section ends within them."""
    xrefs = reader.xrefs
    sections = [xrefs.get_xref_container_info(i) for i in range(xrefs.total_revisions)]
    at = data.rfind(b"startxref", 0, end)
    m = _STARTXREF.match(data, at) if at >= 0 else None
    if m is not None and m.end() <= end:
        pointer = int(m.group(1))
        named = [i for i, s in enumerate(sections) if pointer in (s.declared_startxref, s.start_location)]
        if named:
            return named[-1]
    within = [i for i, s in enumerate(sections) if s.end_location <= end]
    return within[-1] if within else None


def _leaves(view) -> list:
    """The page dictionaries of a revision: its page tree's leaves in order, whatever /Count
    says. Raises when the catalog's /Pages is no dictionary or the tree is unreadable."""
    pages = geometry.raw(view.root, "/Pages")
    if not hasattr(geometry.resolved(pages), "keys"):
        raise ValueError("the catalog's /Pages is not a dictionary")
    return [page for page, _ in geometry.pages(pages)]


class _Pages:
    """The page dictionaries of an earlier revision, as _leaves gives them, each read through the
    revision's view only when asked (pyHanko's view copies every object it gives: reading them
    all, for each revision, cost more than what is then done with one or two of them)."""

    def __init__(self, view, refs: list[tuple[int, int]]) -> None:
        self.view, self.refs = view, refs

    def __len__(self) -> int:
        return len(self.refs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.refs)))]
        idnum, generation = self.refs[index]
        # what the walk's resolved(kid) gives: the kid is a reference of the view, which keeps
        # the object it reads for it
        return geometry.resolved(generic.IndirectObject(idnum, generation, self.view))

    def __iter__(self):
        return (self[i] for i in range(len(self.refs)))


def _open(data: bytes):
    from verifier.pdf.opening import open_for_reading

    return open_for_reading(data)


class DocumentText:
    """Lazy access to the positioned text of one PDF: each revision's pages, each signature
    widget's appearance. Revisions are named by where their bytes end: the prefixes of the file
    that signatures sign, plus the whole file; pages whose content did not change between them
    are read once.

    `reader`: the document's pyHanko reader (KysoPdfFileReader) of exactly `data`, as
    verification opened it; without one, `data` is opened here the same way (verifier.pdf.opening),
    and an unreadable file raises.

    With `painted` (the default), lines() and the widgets' lines hold only the glyphs a viewer
    paints (verifier.render.painted): a glyph PDFium shows as not painted is left out, one it
    cannot tell (unknown) is kept, and paint() says so for its page. rows() and has_text() are
    of every glyph drawn: they only tell where text may be."""

    def __init__(self, data: bytes, reader=None, *, painted: bool = True) -> None:
        self.data = data
        self.painted = painted
        self._paint: dict[tuple[int, int], tuple] = {}  # (end, page) -> (PagePaint, glyphs, unpainted ids)
        self._measured = 0  # pages drawn for paint()
        self.reader = reader if reader is not None else _open(data)
        self._shared = _Shared()
        self._views: dict[int, object] = {len(data): self.reader}  # end -> reader, historical view or None
        self._leaves: dict[int, list | None] = {}  # end -> the page dictionaries of that revision
        self._page_cache: dict[str, list[Glyph]] = {}
        self._pages_at: dict[tuple[int, int], tuple] = {}  # (end, page) -> (content key, page): see _locate
        self._lines: dict[tuple, list[Line]] = {}
        self._rows: dict[tuple, list[str] | None] = {}
        self._scans: dict[str, tuple[int, list[str] | None]] = {}
        self._widgets: list[Widget] | None = None
        self._oc_keys: dict[int, str] = {}
        # what the content keys of the pages fed, kept to be fed again (_Subtrees)
        self._subtrees = _Subtrees(self.reader) if not self.reader.encrypted else None
        # the last revision's page tree must read: a document without pages has no text to speak of
        self._leaves[len(data)] = _leaves(self.reader)
        self.pages = len(self._leaves[len(data)])

    # revisions: byte offsets where a revision ends
    def revision_ends(self) -> list[int]:
        ends = {w.signed_end for w in self.widgets() if w.signed_end}
        ends.add(len(self.data))
        return sorted(e for e in ends if 0 < e <= len(self.data))

    def reader_at(self, end: int):
        """What reads the revision ending at `end`: the reader for the last one, pyHanko's
        historical view for an earlier one, None when no revision ends there."""
        if end not in self._views:
            view = None
            try:
                revision = _revision_at(self.reader, self.data, end)
                if revision is not None:
                    last = revision == self.reader.xrefs.total_revisions - 1
                    view = self.reader if last else self.reader.get_historical_resolver(revision)
            except Exception:
                log.debug("revision ending at %d unreadable", end, exc_info=True)
            self._views[end] = view
        return self._views[end]

    def _pages_of(self, end: int) -> list | None:
        """The page dictionaries of the revision ending at `end`, the page tree's leaves in
        order (whatever its /Count says); None when that revision or its page tree is unreadable."""
        if end not in self._leaves:
            view = self.reader_at(end)
            leaves = None
            if view is not None:
                try:
                    leaves = self._walk(end, view)
                except Exception:
                    log.debug("page tree of the revision ending at %d unreadable", end, exc_info=True)
            self._leaves[end] = leaves
        return self._leaves[end]

    def _walk(self, end: int, view):
        """_leaves(view), walking the page tree of an earlier revision through _Objects.

        The walk (geometry.pages) decides from what the nodes hold and from which node is which
        (a cycle is a node met again: one object per reference); _Objects reads an earlier
        revision's objects as its view reads them (the reader's object where no later revision
        changed it, the view's otherwise, one object for each reference), so the walk meets the
        same tree, gives the same leaves in order and raises where it raises, without the view's
        copy of every node and page. The leaves are then read through the view when asked
        (_Pages): the objects _leaves gives. A tree with a page written inside its parent (no
        reference to read it by) is walked through the view."""
        objects = self._objects(end)
        if objects is None or not objects.plain:
            return _leaves(view)
        pages = geometry.raw(view.root, "/Pages")
        if not hasattr(geometry.resolved(pages), "keys"):
            raise ValueError("the catalog's /Pages is not a dictionary")
        refs = [ref for _, ref in geometry.pages(pages, resolve=objects.resolved)]
        if None in refs:
            return _leaves(view)
        return _Pages(view, refs)

    def page_count(self, end: int | None = None) -> int:
        return len(self._pages_of(len(self.data) if end is None else end) or ())

    def page_size(self, index: int) -> tuple[float, float, float, float]:
        """The page's /MediaBox as written (its own or inherited), not normalised."""
        try:
            page = (self._pages_of(len(self.data)) or [])[index]
            box = geometry.items(geometry.inherited(page, "/MediaBox"))
            if len(box) != 4:
                raise ValueError("a rectangle has four numbers")
            return tuple(float(x) for x in box)
        except Exception:
            return 0.0, 0.0, 595.0, 842.0

    def page_glyphs(self, index: int, end: int | None = None) -> list[Glyph]:
        """Glyphs drawn by page `index`'s own content in the revision ending at `end`."""
        return self._page(index, end)[1]

    def _page(self, index: int, end: int | None) -> tuple[str | None, list[Glyph]]:
        """(content key, glyphs) of a page in a revision; the key is None when the revision or
        the page cannot be read (and the glyphs are none)."""
        key, page = self._locate(index, end)
        if key is None:
            return None, []
        if key not in self._page_cache:
            try:
                self._page_cache[key] = page_drawn(page, self._shared).glyphs
            except Exception:
                log.debug("page %d unreadable", index, exc_info=True)
                self._page_cache[key] = []
        return key, self._page_cache[key]

    def _locate(self, index: int, end: int | None):
        """(content key, page) of a page in a revision, or (None, None)."""
        at = (len(self.data) if end is None else end, index)
        if at not in self._pages_at:
            found = (None, None)
            leaves = self._pages_of(at[0])
            if leaves is not None and 0 <= index < len(leaves):
                page = leaves[index]
                key = self._content_key(page, self._objects(at[0]), self._subtrees)
                found = (key + self._painting_key(at[0]), page)
            self._pages_at[at] = found
        return self._pages_at[at]

    def content_keys(self, pages: list[int], end: int | None = None) -> tuple:
        """The content key of each of `pages` in the revision ending at `end` (None for a page
        it does not have); () when that revision cannot be read. Equal keys: the same content
        drawn with the same fonts, so the same text."""
        if (self.reader if end is None else self.reader_at(end)) is None:
            return ()
        return tuple(self._locate(page, end)[0] for page in pages)

    def has_text(self, index: int, end: int | None = None) -> bool:
        """bool(page_glyphs(index, end)), from a scan when the glyphs are not placed yet."""
        key, page = self._locate(index, end)
        if key is None:
            return False
        if key in self._page_cache:
            return bool(self._page_cache[key])
        return self._scan(key, page)[0] > 0

    def _scan(self, key: str, page) -> tuple[int, list[str] | None]:
        if key not in self._scans:
            try:
                self._scans[key] = page_scanned(page, self._shared)
            except Exception:  # as page_drawn failing: no glyphs
                log.debug("page unreadable", exc_info=True)
                self._scans[key] = (0, [])
        return self._scans[key]

    def lines(self, index: int, end: int | None = None, *, appearances: bool = True,
              only: set[str] | None = None) -> list[Line]:
        """lines_of(view(...)), computed once per distinct glyph list: the header, the page
        text, the footer scan and the appendix check read the same pages, and revisions that
        did not change a page share its glyphs. The lines are shared: callers must not change
        them."""
        memo, glyphs = self._view(index, end, appearances, only)
        if memo not in self._lines:
            lines = lines_of(glyphs)
            undecided = self._undecided(index, end, glyphs)
            if undecided:
                _mark_undecided(lines, undecided)
            self._lines[memo] = lines
        return self._lines[memo]

    def _undecided(self, index: int, end: int | None, glyphs) -> list:
        """The glyphs among `glyphs` whose painting could not be told (UNKNOWN marks)."""
        if not self.painted or not glyphs:
            return []
        entry = self._painting(index, end)
        if entry is None:
            return []
        from verifier.render.painted import UNKNOWN

        result, measured, _ = entry
        unknown = {id(g) for g, mark in zip(measured, result.marks) if mark == UNKNOWN}
        return [g for g in glyphs if id(g) in unknown] if unknown else []

    def rows(self, index: int, end: int | None = None, *, appearances: bool = True,
             only: set[str] | None = None) -> list[str] | None:
        """runs_as_rows(view(...)), once per distinct glyph list like lines(); for a page
        showing no appearance and not placed yet, from a scan of its content (page_scanned)."""
        key, page = self._locate(index, end)
        shown = self._shown(index, end, only) if appearances else []
        if key is not None and not shown and key not in self._page_cache:
            found = self._scan(key, page)[1]
            if found is not None:
                return found
        memo, glyphs = self._view(index, end, appearances, only, painted=False)
        if memo not in self._rows:
            self._rows[memo] = runs_as_rows(glyphs)
        return self._rows[memo]

    def _view(self, index: int, end: int | None, appearances: bool, only: set[str] | None,
              painted: bool = True):
        """(a key naming the glyph list, the list) of view(...): the page's content key and
        the positions in widgets() of the appearances shown; with `painted` (and the document's
        painting told), only the glyphs not known to be unpainted, and the revision in the key."""
        key, glyphs = self._page(index, end)
        shown = self._shown(index, end, only) if appearances else []
        for _, w in shown:
            glyphs = glyphs + w.drawn.glyphs
        memo = (key, tuple(i for i, _ in shown))
        if painted and self.painted and key is not None and glyphs:
            hidden = self._unpainted(index, end)
            if hidden:
                glyphs = [g for g in glyphs if id(g) not in hidden]
            memo += (len(self.data) if end is None else end,)
        return memo, glyphs

    # --- what a viewer paints ---------------------------------------------------------------

    def paint(self, index: int, end: int | None = None):
        """What a viewer paints of page `index` in the revision ending at `end`: a
        verifier.render.painted.PagePaint over paint_glyphs(index, end), measured once (state
        MEASURED, a mark per glyph) or UNKNOWN with the reason (PDFium cannot draw it, more
        than MAX_PAINT_PAGES pages asked). None when painting is not told (painted=False) or
        the page does not exist in that revision."""
        entry = self._painting(index, end)
        return entry[0] if entry is not None else None

    def paint_glyphs(self, index: int, end: int | None = None) -> list[Glyph]:
        """The glyphs paint() marks, in its order: the page's own, then those of every visible
        signature appearance the revision shows on it."""
        entry = self._painting(index, end)
        return list(entry[1]) if entry is not None else []

    def established(self, index: int, end: int | None = None) -> bool | None:
        """Whether every glyph lines() keeps for the page is known to be painted: True when
        measured with no glyph unknown, False when some (or the whole page) could not be told,
        None when painting is not told."""
        paint = self.paint(index, end)
        if paint is None:
            return None
        from verifier.render.painted import UNKNOWN

        return paint.state != UNKNOWN and UNKNOWN not in paint.marks

    def _unpainted(self, index: int, end: int | None) -> set[int]:
        entry = self._painting(index, end)
        return entry[2] if entry is not None else set()

    def _painting(self, index: int, end: int | None):
        if not self.painted:
            return None
        at = (len(self.data) if end is None else end, index)
        if at not in self._paint:
            from verifier.render import painted

            key, glyphs = self._page(index, end)
            if key is None:
                return None
            glyphs = list(glyphs)
            for _, w in self._shown(index, end, None):
                glyphs.extend(w.drawn.glyphs)
            if not glyphs:
                result = painted.PagePaint(painted.MEASURED, [])
            elif self._measured >= MAX_PAINT_PAGES:
                result = painted.unknown(glyphs, f"more than {MAX_PAINT_PAGES} pages to measure")
            else:
                self._measured += 1
                result = painted.measure(self.data[:at[0]], {index: glyphs})[index]
            hidden = {id(g) for g, mark in zip(glyphs, result.marks) if mark == painted.NOT_PAINTED}
            self._paint[at] = (result, glyphs, hidden)
        return self._paint[at]

    def _painting_key(self, end: int) -> str:
        """What, besides a page's content and resources, decides which of its glyphs a viewer
        paints: the optional content configuration of the revision (an update that turns a
        group on shows text the signed revision kept hidden, with the page's content unchanged)."""
        if end not in self._oc_keys:
            h = hashlib.sha256()
            try:
                view = self.reader if end == len(self.data) else self.reader_at(end)
                if view is not None:
                    _hash_deep(h, geometry.entry(view.root, "/OCProperties"), 6, set(), self._objects(end))
            except Exception:
                h.update(repr(end).encode())
            self._oc_keys[end] = h.hexdigest()[:16]
        return self._oc_keys[end]

    def _objects(self, end: int) -> _Objects | None:
        """How _hash_deep reads the revision ending at `end` (None: as its objects' own handler)."""
        view = self.reader if end == len(self.data) else self.reader_at(end)
        return _Objects(self.reader, view) if view is not None and view is not self.reader else None

    @staticmethod
    def _content_key(page, objects: _Objects | None = None, memo: _Subtrees | None = None) -> str:
        h = hashlib.sha256()
        try:
            contents = geometry.entry(page, "/Contents")
            items = contents if isinstance(contents, list) else [contents]
            for item in items:
                if item is None:
                    continue
                h.update(stream_data(geometry.resolved(item)))
            # the whole resources: fonts (their ToUnicode), graphics states (their alpha), images
            # and forms by their bytes, nested forms' own resources; an update rewriting one draws
            # other text, or paints it, from the same content, and two scanned pages whose content
            # is "/Im0 Do" draw different images
            _hash_deep(h, geometry.inherited(page, "/Resources"), 8, set(), objects, memo)
        except Exception:
            h.update(repr(id(page)).encode())
        return h.hexdigest()

    def widgets(self) -> list[Widget]:
        """Signature widgets of the final revision, with their appearances placed on the page."""
        if self._widgets is not None:
            return self._widgets
        out: list[Widget] = []
        root = self.reader.root
        try:
            page_of = geometry.annotation_pages(geometry.raw(root, "/Pages"))
            acro = geometry.entry(root, "/AcroForm")
            fields = list(geometry.entry(acro, "/Fields", [])) if acro is not None else []
        except Exception:
            fields, page_of = [], {}
        stack = [(f, 0) for f in reversed(list(fields))]
        seen = set()
        while stack:
            ref, depth = stack.pop()
            if depth > 16 or getattr(ref, "idnum", None) in seen:
                continue
            seen.add(getattr(ref, "idnum", None))
            node = _dictionary(ref)
            if node is None:  # a field listed but not there (null, missing, not a dictionary)
                continue
            kids = geometry.entry(node, "/Kids")
            ft = geometry.resolved(geometry.inherited(node, "/FT"))
            if kids and not (ft == "/Sig" and geometry.entry(node, "/Subtype") == "/Widget"):
                kid_refs = [k for k in kids if _dictionary(k) is not None]
                if ft == "/Sig" and all(_dictionary(k).get("/T") is None for k in kid_refs):
                    out.extend(self._widget(node, k, page_of) for k in kid_refs[:1])
                    continue
                stack.extend((k, depth + 1) for k in reversed(kid_refs))
                continue
            if ft != "/Sig":
                continue
            out.append(self._widget(node, ref, page_of))
        self._widgets = out
        return out

    def _widget(self, field_node, widget_ref, page_of) -> Widget:
        widget = _dictionary(widget_ref)
        name = _field_name(field_node)
        rect = geometry.rect(widget.get("/Rect"))
        page = page_of.get(geometry.reference(widget_ref))
        if page is None and widget.get("/P") is not None:
            try:
                page = geometry.page_of(geometry.raw(self.reader.root, "/Pages"), widget)
            except Exception:
                log.debug("page of %s unreadable", name, exc_info=True)
        if page is not None:
            page += 1  # geometry counts list indices; a Widget's page is the page number
        drawn = Drawn()
        try:
            normal = geometry.normal_appearance(widget)
            if normal is not None and rect is not None:
                drawn = drawn_by(normal, geometry.raw(normal, "/Resources"), geometry.appearance_matrix(normal, rect),
                                 name, self._shared)
        except Exception:
            log.debug("appearance of %s unreadable", name, exc_info=True)
        signed_end = None
        try:
            value = geometry.raw(field_node, "/V")
            br = _raw_byte_range(self.reader, self.data, value)
            if br is None:  # in an object stream, or written inside the field: parse the dictionary
                value = geometry.resolved(value)
                br = [int(x) for x in geometry.items(value.get("/ByteRange"))]
            signed_end = br[2] + br[3]
        except Exception:
            signed_end = None
        out = Widget(field=name, page=page, rect=rect, hidden=geometry.hidden(widget), drawn=drawn,
                     signed_end=signed_end)
        if self.painted:
            out._unpainted = lambda: self._widget_unpainted(out)
        return out

    def _widget_unpainted(self, w: Widget) -> set[int]:
        """The glyphs of a widget's appearance the final document does not paint: all of them
        when the widget is not displayed (hidden, no page, no size)."""
        if not w.visible or w.page is None:
            return {id(g) for g in w.drawn.glyphs}
        return self._unpainted(w.page - 1, None)

    def widget(self, name: str) -> Widget | None:
        return next((w for w in self.widgets() if w.field == name), None)

    def view(self, index: int, end: int | None = None, *, appearances: bool = True,
             only: set[str] | None = None) -> list[Glyph]:
        """Page `index` as displayed in the revision ending at `end`: its content and the
        appearances of the signature widgets that revision holds (or only those named); every
        glyph drawn, painted or not (lines() keeps only the painted)."""
        glyphs = list(self.page_glyphs(index, end))
        if appearances:
            for _, w in self._shown(index, end, only):
                glyphs.extend(w.drawn.glyphs)
        return glyphs

    def _shown(self, index: int, end: int | None, only: set[str] | None) -> list[tuple[int, Widget]]:
        """(position in widgets(), widget) of the appearances shown on a page in a revision."""
        limit = len(self.data) if end is None else end
        out = []
        for i, w in enumerate(self.widgets()):
            if w.page != index + 1 or not w.visible:  # index counts from 0, pages from 1
                continue
            if w.signed_end is not None and w.signed_end > limit:
                continue
            if only is not None and w.field not in only:
                continue
            out.append((i, w))
        return out

    def info(self) -> dict[str, str]:
        """The document information dictionary, as text."""
        return info_of(self.reader)

    def xmp(self) -> bytes | None:
        return xmp_of(self.reader)


INFO_KEYS = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer", "/CreationDate", "/ModDate")


def info_of(view) -> dict[str, str]:
    """The information dictionary of a revision (a reader or pyHanko's historical view), as text."""
    out = {}
    try:
        info = geometry.entry(view.trailer_view, "/Info")
    except Exception:
        info = None
    if info is None:
        return out
    for key in INFO_KEYS:
        try:
            value = geometry.entry(info, key)
        except Exception:
            value = None
        if value is None:
            continue
        text = unicodedata.normalize("NFC", str(value)).strip().strip("\x00")
        if text:
            out[key[1:].lower()] = text
    return out


def xmp_of(view) -> bytes | None:
    """The XMP metadata stream of a revision, read through pyHanko (which may leave it unencrypted)."""
    try:
        root = view.root
        if root.get("/Metadata") is None:
            return None
        return stream_data(root["/Metadata"]) or None
    except Exception:
        return None


def _hash_deep(h, obj, depth: int, seen: set, objects: _Objects | None = None,
               memo: _Subtrees | None = None) -> None:
    """Feed a PDF object, resolved to `depth` levels (streams by their raw bytes), into a key.
    `objects`: how references are read (an earlier revision's, _Objects); None, as the objects'
    own handler reads them. `seen`: the object numbers already fed (each is fed once, then as
    `R<number>`). `memo`: subtrees fed before, replayed where that gives the same bytes
    (_Subtrees); None, every object is read."""
    walk = _Walk(seen, memo, objects)
    _feed(walk, obj, depth)
    h.update(b"".join(walk.out))
    seen.update(walk.order)


class _Walk:
    """One _hash_deep: the bytes fed so far (`out`), the objects met in the order met (`order`,
    object number -> position; `refs`, their references), and the subtrees being recorded for
    the memo (`frames`: [position in out, position in refs, met an object from outside])."""

    __slots__ = ("out", "order", "refs", "frames", "memo", "objects", "revision")

    def __init__(self, seen: set, memo: _Subtrees | None, objects: _Objects | None) -> None:
        self.out: list[bytes] = []
        self.order: dict[int, int] = dict.fromkeys(seen, -1)  # met before this walk: outside every frame
        self.refs: list[tuple[int, int]] = []
        self.frames: list[list] = []
        self.memo, self.objects = memo, objects
        self.revision = memo.revision_of(objects) if memo is not None else None


def _feed(walk: _Walk, obj, depth: int) -> None:
    """_hash_deep's recursion: what one object, and what it refers to, feeds into the key."""
    out = walk.out
    ref = getattr(obj, "idnum", None)
    if ref is not None:
        met = walk.order.get(ref)
        if met is not None:
            out.append(b"R%d" % ref)
            for frame in reversed(walk.frames):  # a subtree that meets an object met before it
                if frame[1] <= met:              # began feeds what depends on where it is met
                    break
                frame[2] = True
            return
        memo = walk.memo
        key = (ref, getattr(obj, "generation", 0), depth)
        if memo is not None and memo.replay(walk, key):
            return
        walk.order[ref] = len(walk.refs)
        walk.refs.append(key[:2])
        if memo is not None:
            walk.frames.append([len(out), len(walk.refs) - 1, False])
            _feed_object(walk, obj, depth)
            start, first, outside = walk.frames.pop()
            if not outside:
                memo.record(walk, key, b"".join(out[start:]), walk.refs[first:])
            return
    _feed_object(walk, obj, depth)


def _feed_object(walk: _Walk, obj, depth: int) -> None:
    out = walk.out
    objects = walk.objects
    obj = geometry.resolved(obj) if objects is None else objects.resolved(obj)
    if isinstance(obj, dict):
        raw = getattr(obj, "encoded_data", None)
        if isinstance(raw, bytes):
            out.append(hashlib.sha256(raw).digest())
        out.append(b"<<")
        for key in sorted(obj.keys()):
            out.append(str(key).encode())
            if depth > 0:
                item = obj.raw_get(key) if hasattr(obj, "raw_get") else obj[key]
                if type(item) in _LEAVES:
                    out.append(repr(item).encode())
                else:
                    _feed(walk, item, depth - 1)
        out.append(b">>")
    elif isinstance(obj, list):
        out.append(b"[")
        if depth > 0:
            for item in obj:
                if type(item) in _LEAVES:
                    out.append(repr(item).encode())
                else:
                    _feed(walk, item, depth - 1)
        out.append(b"]")
    else:
        out.append(repr(obj).encode())
        if type(obj).__repr__ is object.__repr__:
            # a null: its repr is its address, another in each read, so no key holding one
            # equals another; the subtrees feeding it are not kept, to stay so
            for frame in walk.frames:
                frame[2] = True


class _Subtrees:
    """What the objects a key reads fed into it, kept per (object, generation, depth) with the
    references of every object the subtree met, to be fed again without reading them: the pages
    of a document share their fonts (a font file, its widths and ToUnicode: most of a page's
    resources), and its revisions share all but the few objects each update writes.

    A subtree's bytes are a function of the objects it meets, each as the revision being read
    has it, and of `depth`; nothing else, when it met no object from outside it (one met
    before it began, fed as `R<number>`: such a subtree is not kept). pyHanko reads an object
    of a revision from where that revision's cross-reference puts it (verifier.pdf.reader.place,
    its "marker": an offset, or a place in an object stream, which is read as the last revision
    has it whichever revision asks), whether through the reader (an object no later revision
    changed) or the historical view, and the reference it follows in it in the revision again.
    So a kept subtree gives the same bytes in a revision where every object it met has the
    marker it had where it was kept, and where none of them was fed yet in the key being made
    (else the walk would feed `R<number>` there). Where a marker differs (an update rewrote
    or freed the object, or added one that was missing) or cannot be read, the subtree is read
    again.

    Only for documents that are not encrypted (an encrypted document's objects are read through
    the view, as _Objects does)."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self.last = reader.xrefs.total_revisions - 1
        self.kept: dict[tuple[int, int, int], list[tuple[int, list, bytes]]] = {}
        self.replayed = 0  # subtrees fed again (tests: the memo is used)

    def revision_of(self, objects: _Objects | None) -> int:
        return self.last if objects is None else objects.revision

    def record(self, walk: _Walk, key: tuple, data: bytes, refs: list) -> None:
        entries = self.kept.setdefault(key, [])
        if len(entries) < MAX_KEPT and not any(self._same(r, refs, walk.revision) for r, refs, _ in entries):
            entries.append((walk.revision, list(refs), data))

    def _same(self, revision: int, refs: list, now: int) -> bool:
        """Whether every object of `refs` is where it was in `revision` in revision `now`."""
        reader = self.reader
        for r in refs:
            here = place(reader, r[0], r[1], revision)
            if here is UNREADABLE or here != place(reader, r[0], r[1], now):
                return revision == now
        return True

    def replay(self, walk: _Walk, key: tuple) -> bool:
        """Feed a kept subtree of `key` when it gives the same bytes here (see the class)."""
        for revision, refs, data in self.kept.get(key, ()):
            if any(r[0] in walk.order for r in refs) or not self._same(revision, refs, walk.revision):
                continue
            walk.out.append(data)
            self.replayed += 1
            for r in refs:
                walk.order[r[0]] = len(walk.refs)
                walk.refs.append(r)
            return True
        return False


MAX_KEPT = 8  # versions of one subtree kept (one per revision that changed what it meets)


class _Objects:
    """An earlier revision's objects as _hash_deep reads them: what pyHanko's historical view
    (HistoricalResolver.get_object) gives, without the copy it makes of an object no later
    revision changed. The view reads such an object from the reader, as the reader has it, and
    copies it whole to bind its references to the revision (a font's /Widths, a page's
    resources: thousands of nodes, for each revision and page); here the reader's object is read
    as it is and every reference met is followed in the revision (`resolved`), which is what the
    copy's references do. So is an object a later revision wrote again at the same place (a
    cross-reference section that lists again what an earlier one listed, as in the two sections
    that begin a linearized file): the view reads it from that place (reader.get_object with the
    revision: _read_object of get_historical_ref), as the reader did, the same bytes as the same
    object. An object a later revision changed, a reference whose history is not known, a read
    that fails, and every object of an encrypted document (whose proxies the view rebinds) are
    read through the view itself, exactly as geometry.resolved reads them."""

    def __init__(self, reader, view):
        self.reader, self.view = reader, view
        self.revision = view.revision
        self.plain = not reader.encrypted

    def resolved(self, value):
        if not isinstance(value, generic.IndirectObject):
            return geometry.resolved(value)
        ref = generic.Reference(value.idnum, value.generation)
        if self.plain:
            try:
                last = self.reader.xrefs.get_last_change(ref)
            except KeyError:
                last = None
            if last is not None and (last <= self.revision or self._same_place(ref)):
                try:
                    return geometry.resolved(self.reader.get_object(ref))
                except Exception:
                    pass  # as the view reads it, which raises or gives null as it does
        return geometry.resolved(generic.IndirectObject(value.idnum, value.generation, self.view))

    def _same_place(self, ref) -> bool:
        """Whether the revision's cross-reference puts the object where the last one does."""
        xrefs = self.reader.xrefs
        try:
            here = xrefs.get_historical_ref(ref, self.revision)
            return here is not None and here == xrefs.get_historical_ref(ref, xrefs.total_revisions - 1)
        except Exception:
            return False


# Objects _hash_deep feeds as their repr without a call: pyHanko's direct numbers, names and
# booleans, which have no object number and resolve to themselves (a font's /Widths is hundreds
# of them, a page's resources thousands). Not null, whose repr _feed_object must see.
_LEAVES = frozenset((generic.NumberObject, generic.FloatObject, generic.NameObject, generic.BooleanObject))


def _mark_undecided(lines: list[Line], glyphs) -> None:
    """Segments holding a glyph whose painting could not be told get painted=None, so that a
    value read from them is not taken as fact (verifier.decree30.metadata)."""
    for line in lines:
        for seg in line.segments:
            if any(abs(g.y - seg.y) <= 0.5 * max(seg.size, 1.0) and seg.x0 - 0.5 <= g.x0 <= seg.x1 + 0.5 for g in glyphs):
                seg.painted = None
