"""Where pages and widgets are: the page tree's leaves, which page lists an annotation, a
widget's rectangle and the matrix that places its appearance (ISO 32000-1 §7.7.3, §12.5).

One walker for every reader of geometry (the metadata's text, the overlap check, a layer's
appearance), on pyHanko's objects of any revision: entries and array items are resolved here
(`resolved`, `raw`, `entry`), since pyHanko's .get() and iteration give them as written, a
reference as a reference and, in a decrypted document, a direct string, array or dictionary as
a proxy that decrypts only when asked. Bounded against hostile trees: MAX_DEPTH levels of
page-tree nodes, MAX_KIDS kids in all, MAX_PARENTS steps up /Parent; a node that is its own
ancestor is refused.
"""

from __future__ import annotations

import math

from pyhanko.pdf_utils.generic import DecryptedObjectProxy, NullObject, Reference
from pyhanko.pdf_utils.misc import PdfStrictReadError

from verifier.pdf.matrix import IDENTITY, apply, mul

MAX_DEPTH = 64
MAX_PARENTS = 32
MAX_KIDS = 100_000  # pypdf's page_tree_maximum_entries
HIDDEN_FLAGS = 2 | 32  # annotation flags Hidden and NoView
HIDDEN, PRINT, NO_ROTATE, NO_VIEW = 2, 4, 16, 32  # annotation flags (§12.5.3)


def _decrypted(value):
    return value.decrypted if isinstance(value, DecryptedObjectProxy) else value


def resolved(value):
    """The object a value stands for: a reference followed (in the revision its reader or
    historical resolver reads), a proxy decrypted. A reference to an object that no
    cross-reference section lists is null, as the PDF standard says (§7.3.10) and a lenient
    reader gives it, also when the document's reader is strict."""
    value = _decrypted(value)
    if value is not None and hasattr(value, "get_object"):
        try:
            value = value.get_object()
        except PdfStrictReadError:
            if _listed(value):
                raise
            return NullObject()
        value = _decrypted(value)
    return value


def _listed(ref) -> bool:
    """Whether a reference's object is in the cross-reference of the revision its handler reads."""
    handler = ref.get_pdf_handler()
    reader = getattr(handler, "reader", handler)  # a historical resolver, or the reader itself
    revision = getattr(handler, "revision", reader.xrefs.total_revisions - 1)
    return reader.xrefs.get_historical_ref(Reference(ref.idnum, ref.generation), revision) is not None


def raw(d, key):
    """d's entry as written (a reference is not followed), decrypted; None when absent."""
    return _decrypted(d.get(key))


def entry(d, key, default=None):
    """d[key] with a reference resolved, or `default` when absent."""
    value = d.get(key)
    return default if value is None else resolved(value)


def items(array) -> list:
    """The items of an array (or of what a reference to one points to), each resolved."""
    return [resolved(item) for item in resolved(array)]


def numbers(array, count: int) -> tuple[float, ...]:
    """The first `count` items of an array as floats (pyHanko's arrays cannot be sliced: their
    __getitem__ resolves an index, not a slice)."""
    return tuple(float(resolved(x)) for x in list(resolved(array))[:count])


def inherited(node, key):
    """An attribute inherited through /Parent, as written (a reference is not resolved): a
    page's from the page-tree nodes above it (§7.7.3.4: /Resources, /MediaBox, /CropBox,
    /Rotate), a field's from its parent fields (§12.7.3.1: /FT)."""
    for _ in range(MAX_PARENTS):
        if node is None:
            return None
        value = raw(node, key)
        if value is not None:
            return value
        node = entry(node, "/Parent")
    return None


def pages(pages_root, depth: int = 0, above: tuple = (), budget: list | None = None, resolve=resolved):
    """(page, reference) of the page tree's leaves in order, counted as they are, whatever /Count
    says. /Type says what a node is (/Pages an intermediate node, /Page a page, anything else
    neither); without it, a node with /Kids is an intermediate node, any other a page. A kid
    that is no dictionary, or an empty one, is skipped (as pypdf's flattening did). A tree that
    comes back to a node above, or that lists more than MAX_KIDS kids in all (a few nodes
    listing each other many times), raises ValueError: no page list can be trusted then.
    `resolve`: how a value is read (`resolved`, or one that reads a revision's objects as
    `resolved` reads them, one object for each reference)."""
    node = resolve(pages_root)
    if node is None or depth > MAX_DEPTH:
        return
    above = above + (id(node),)
    budget = budget if budget is not None else [MAX_KIDS]
    kids = node.get("/Kids")
    for kid in (resolve(kids) if kids is not None else None) or ():
        budget[0] -= 1
        if budget[0] < 0:
            raise ValueError("the page tree lists too many kids")
        obj = resolve(kid)
        if not hasattr(obj, "keys") or not obj:
            continue  # a null, a number, an empty dictionary: nothing to draw, as pypdf skipped them
        if id(obj) in above:
            raise ValueError("the page tree comes back to a node above")
        kind = obj.get("/Type")
        kind = resolve(kind) if kind is not None else None
        if kind is None:
            kind = "/Pages" if "/Kids" in obj else "/Page"
        if kind == "/Pages":
            yield from pages(obj, depth + 1, above, budget, resolve)
        elif kind == "/Page":
            yield obj, reference(kid)


def reference(value) -> tuple[int, int] | None:
    """(object number, generation) of an indirect reference of either reader, else None."""
    idnum = getattr(value, "idnum", None)
    return (idnum, getattr(value, "generation", 0)) if idnum is not None else None


def annotation_pages(pages_root) -> dict[tuple[int, int], int]:
    """(number, generation) of each annotation -> 0-based index of the first page listing it."""
    out: dict[tuple[int, int], int] = {}
    for index, (page, _) in enumerate(pages(pages_root)):
        annots = entry(page, "/Annots")
        if not isinstance(annots, list):
            continue
        for annot in annots:
            ref = reference(annot)
            if ref is not None:
                out.setdefault(ref, index)
    return out


def page_of(pages_root, widget) -> int | None:
    """0-based index of the page whose /Annots holds `widget` (an annotation dictionary), or
    that its /P names, the first in page order."""
    target = reference(raw(widget, "/P"))
    for index, (page, page_ref) in enumerate(pages(pages_root)):
        if target is not None and page_ref == target:
            return index
        annots = entry(page, "/Annots")
        if isinstance(annots, list) and any(resolved(annot) is widget for annot in annots):
            return index
    return None


def rect(value) -> tuple[float, float, float, float] | None:
    """A rectangle [x1 y1 x2 y2] as (left, bottom, right, top) (§7.9.5: any two opposite
    corners), or None when it does not start with four numbers."""
    try:
        x1, y1, x2, y2 = [float(resolved(v)) for v in resolved(value)][:4]
    except Exception:  # not an array of numbers, or a reference that leads nowhere
        return None
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def hidden(annot) -> bool:
    """The annotation's flags say it is not displayed (Hidden or NoView)."""
    try:
        return bool(int(entry(annot, "/F", 0)) & HIDDEN_FLAGS)
    except Exception:
        return False


def normal_appearance(annot):
    """The form XObject an annotation displays: /AP /N, or the entry of /N that /AS names
    (§12.5.5), or None."""
    ap = entry(annot, "/AP")
    normal = entry(ap, "/N") if ap is not None else None
    if normal is not None and normal.get("/Subtype") != "/Form" and hasattr(normal, "keys") and not _is_stream(normal):
        state = entry(annot, "/AS")
        normal = entry(normal, state) if state is not None else None
    return normal


def _is_stream(obj) -> bool:
    return hasattr(obj, "get_data") or hasattr(obj, "data")


def appearance_matrix(form, rect) -> tuple:
    """§12.5.5: the form's /BBox, transformed by its /Matrix, is mapped onto the annotation's
    /Rect; the matrix from form space to default user space."""
    try:
        bbox = [float(resolved(x)) for x in resolved(form.get("/BBox"))]
    except Exception:
        bbox = [0.0, 0.0, rect[2] - rect[0], rect[3] - rect[1]]
    matrix = IDENTITY
    try:
        if form.get("/Matrix") is not None:
            matrix = numbers(form.get("/Matrix"), 6)
    except Exception:
        pass
    pts = [apply(matrix, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    bx0, by0 = min(p[0] for p in pts), min(p[1] for p in pts)
    bx1, by1 = max(p[0] for p in pts), max(p[1] for p in pts)
    rx0, ry0, rx1, ry1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    sx = (rx1 - rx0) / (bx1 - bx0) if bx1 > bx0 else 1.0
    sy = (ry1 - ry0) / (by1 - by0) if by1 > by0 else 1.0
    a = (sx, 0.0, 0.0, sy, rx0 - bx0 * sx, ry0 - by0 * sy)
    return mul(matrix, a)


# What a viewer does with an annotation (`placement`): draws it in a rectangle, draws nothing,
# or cannot be told, because its rectangle is not four finite numbers however it is resolved.
DRAWN, NOT_DRAWN, UNRESOLVED = "drawn", "not drawn", "unresolved"


def placement(annot, rotation: int = 0) -> tuple[str, tuple[float, float, float, float] | None]:
    """(DRAWN, rectangle), (NOT_DRAWN, None) or (UNRESOLVED, None): whether any viewer draws the
    annotation, on screen or in print, and where, read the way viewers read it rather than the
    way pyHanko's difference analysis does (which calls a field invisible when one coordinate of
    its /Rect is an indirect number, docs/attacks.md, "Geometry that parses differently"):

    - flags: only Hidden draws nothing anywhere. NoView is no hiding: PDFium with forms (Chrome)
      draws such a widget, and with Print it is printed. Flags that are not an integer from 0 to
      2**31 are read as none (PDFium reads an integer past 32 bits as 0): drawn;
    - /Rect: any two opposite corners, numbers direct or indirect, the array direct or indirect;
      absent, there is nowhere to draw; of zero width or height, the appearance is scaled to
      nothing (§12.5.5); present but not four finite numbers, no reading can be trusted, and
      the caller treats it as drawn (suspicious, not invisible);
    - NoRotate on a page shown rotated by `rotation` degrees: the appearance stays upright on
      screen, pivoting on the rectangle's upper-left corner (§12.5.3), so it covers another
      part of the page than /Rect (`_unrotated`);
    - appearance: a /Sig field's widget without appearance streams, or whose streams are all
      empty, draws nothing (viewers generate appearances for text, choice and button fields
      only); any non-empty stream among /N, /R and /D, or any other field without /AP (its
      appearance is generated from its value), is drawn."""
    if not hasattr(annot, "keys"):
        return NOT_DRAWN, None
    try:
        flags = entry(annot, "/F", 0)
        flags = int(flags) if isinstance(flags, int) and 0 <= int(flags) < 2 ** 31 else 0
    except Exception:
        flags = 0
    if flags & HIDDEN:
        return NOT_DRAWN, None
    if annot.get("/Rect") is None:
        return NOT_DRAWN, None
    box = rect(annot.get("/Rect"))
    if box is None or not all(math.isfinite(v) for v in box):
        return UNRESOLVED, None
    if box[2] - box[0] <= 0 or box[3] - box[1] <= 0:
        return NOT_DRAWN, None
    if not _appears(annot):
        return NOT_DRAWN, None
    if flags & NO_ROTATE and rotation % 360:
        box = _unrotated(box, rotation % 360)
    return DRAWN, box


def _unrotated(box, rotation: int) -> tuple[float, float, float, float]:
    """Where a NoRotate appearance lies in user space on a page shown rotated clockwise by
    `rotation`: upright on screen from the rectangle's upper-left corner (x1, y2), its width
    along the screen's right and its height down the screen, which in user space run along
    +y and +x at 90 degrees, -x and +y at 180, -y and -x at 270."""
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    if rotation == 90:
        return x1, y2, x1 + h, y2 + w
    if rotation == 180:
        return x1 - w, y2, x1, y2 + h
    if rotation == 270:
        return x1 - h, y2 - w, x1, y2
    return box  # not a multiple of 90: viewers ignore such a /Rotate


def page_rotation(page) -> int:
    """The page's /Rotate (inherited), in degrees clockwise; 0 when it is not a multiple of 90."""
    try:
        value = int(resolved(inherited(page, "/Rotate")) or 0)
    except Exception:
        return 0
    return value % 360 if value % 90 == 0 else 0


def _appears(annot) -> bool:
    """Whether the annotation has something to show (see `placement`)."""
    try:
        ap = entry(annot, "/AP")
    except Exception:
        return True
    if ap is None or not hasattr(ap, "keys"):
        kind = inherited(annot, "/FT")
        return resolved(kind) != "/Sig" if kind is not None else entry(annot, "/Subtype") != "/Widget"
    for key in ("/N", "/R", "/D"):
        try:
            value = entry(ap, key)
        except Exception:
            return True
        streams = [value] if _is_stream(value) else [resolved(v) for v in value.values()] if hasattr(value, "values") else []
        for stream in streams:
            try:
                if not _is_stream(stream) or stream.data.strip():
                    return True
            except Exception:  # a stream that cannot be decoded: nobody can say it is empty
                return True
    return False
