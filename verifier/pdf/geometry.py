"""Where pages and widgets are: the page tree's leaves, which page lists an annotation, a
widget's rectangle and the matrix that places its appearance (ISO 32000-1 §7.7.3, §12.5).

One walker for every reader of geometry (the metadata's text, the overlap check, a layer's
appearance), on the objects of either reader (pypdf's or pyHanko's): entries and array items are
resolved with get_object(), since pyHanko's .get() and iteration give references as written.
Bounded against hostile trees: MAX_DEPTH levels of page-tree nodes, MAX_PARENTS steps up /Parent.
"""

from __future__ import annotations

from verifier.pdf.matrix import IDENTITY, apply, mul

MAX_DEPTH = 64
MAX_PARENTS = 32
HIDDEN_FLAGS = 2 | 32  # annotation flags Hidden and NoView


def resolved(value):
    return value.get_object() if value is not None and hasattr(value, "get_object") else value


def entry(d, key, default=None):
    """d[key] with a reference resolved, or `default` when absent."""
    value = d.get(key)
    return default if value is None else resolved(value)


def inherited(node, key):
    """An attribute inherited through /Parent, as written (a reference is not resolved): a
    page's from the page-tree nodes above it (§7.7.3.4: /Resources, /MediaBox, /CropBox,
    /Rotate), a field's from its parent fields (§12.7.3.1: /FT)."""
    for _ in range(MAX_PARENTS):
        if node is None:
            return None
        value = node.get(key)
        if value is not None:
            return value
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def pages(pages_root, depth: int = 0):
    """(page, reference) of the page tree's leaves in order. A node with /Type /Pages, or with
    /Kids, is an intermediate node; any other kid is a page."""
    node = resolved(pages_root)
    if node is None or depth > MAX_DEPTH:
        return
    for kid in entry(node, "/Kids") or ():
        obj = kid.get_object()
        if obj.get("/Type") == "/Pages" or "/Kids" in obj:
            yield from pages(obj, depth + 1)
        else:
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
    target = reference(widget.get("/P"))
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
        state = annot.get("/AS")
        normal = resolved(normal.get(state)) if state is not None and normal.get(state) is not None else None
    return normal


def _is_stream(obj) -> bool:
    return hasattr(obj, "get_data") or hasattr(obj, "data")


def appearance_matrix(form, rect) -> tuple:
    """§12.5.5: the form's /BBox, transformed by its /Matrix, is mapped onto the annotation's
    /Rect; the matrix from form space to default user space."""
    try:
        bbox = [float(x) for x in form.get("/BBox")]
    except Exception:
        bbox = [0.0, 0.0, rect[2] - rect[0], rect[3] - rect[1]]
    matrix = IDENTITY
    try:
        if form.get("/Matrix") is not None:
            matrix = tuple(float(x) for x in form["/Matrix"][:6])
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
