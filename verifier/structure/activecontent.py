"""Active content: what a viewer runs or fetches instead of showing signed bytes.

JavaScript, actions run on opening or on events (/OpenAction, /AA), XFA forms, launching
programs, submitting or importing form data, remote go-to, rich media, actions that hide
annotations or switch optional content on: each can change what the reader sees after the
signature was checked, and none of it is ever part of what a Vietnamese signing tool adds. So
it is reported wherever it is (a warning: the signer signed it), and a document in which a
revision after the first signature introduces it is INVALID.

Items are found in the raw objects of every revision (`layout`): an item is new in a revision
when the object it sits in was written in that revision and its previous version did not hold
the same item at the same place.
"""

from __future__ import annotations

from verifier.pdf import rawpdf
from verifier.pdf.layout import Layout
from verifier.structure import rawscan

# /S values of actions that run, fetch, or change what is displayed
ACTION_KINDS = {
    "/JavaScript": "JavaScript", "/Launch": "Launch", "/SubmitForm": "SubmitForm",
    "/ImportData": "ImportData", "/GoToR": "GoToR", "/GoToE": "GoToE",
    "/RichMediaExecute": "RichMedia", "/Rendition": "Rendition", "/Movie": "Movie",
    "/Sound": "Sound", "/SetOCGState": "SetOCGState", "/Hide": "Hide", "/ResetForm": "ResetForm",
}
# keys whose mere presence is active content
KEY_KINDS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/AA": "AA", "/XFA": "XFA",
             "/RichMediaContent": "RichMedia", "/RichMediaSettings": "RichMedia"}
MAX_DEPTH = 32
# every name _items looks for: an object whose bytes hold none of them yields nothing
_ACTIVE_NAMES = frozenset({*ACTION_KINDS, "/URI", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D",
                           *KEY_KINDS, "/OpenAction"})


def _items(layout: Layout, revision: int, value: rawpdf.Value, data: bytes, path: str = "", depth: int = 0):
    """(kind, path) of each active item directly inside `value` (references not followed,
    except an /OpenAction's, to tell a plain destination from an action)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, rawpdf.Dict):
        s = value.get("/S")
        if isinstance(s, rawpdf.Name) and s.value in ACTION_KINDS:
            yield ACTION_KINDS[s.value], path + "/S"
        if isinstance(s, rawpdf.Name) and s.value == "/URI":
            uri = value.get("/URI")
            if isinstance(uri, rawpdf.String) and uri.value.strip().lower().startswith((b"javascript:", b"vbscript:", b"file:")):
                yield "URI " + uri.value.strip().split(b":")[0].decode("latin-1").lower(), path + "/URI"
        subtype = value.get("/Subtype")
        if isinstance(subtype, rawpdf.Name) and subtype.value in ("/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"):
            yield subtype.value[1:], path + "/Subtype"
        for key, item in value.entries:
            if key in KEY_KINDS:
                yield KEY_KINDS[key], path + key
            if key == "/OpenAction" and _is_action(layout, revision, item):
                yield "OpenAction", path + key
            yield from _items(layout, revision, item, data, path + key, depth + 1)
    elif isinstance(value, rawpdf.Array):
        for i, item in enumerate(value.items):
            yield from _items(layout, revision, item, data, f"{path}[{i}]", depth + 1)


def _is_action(layout: Layout, revision: int, value: rawpdf.Value) -> bool:
    """An /OpenAction that only names a page to open at is a destination, not active content."""
    if isinstance(value, rawpdf.Ref):
        value = layout.value(revision, value.num, value.gen)
    if isinstance(value, rawpdf.Array) or value is None:
        return False
    if isinstance(value, rawpdf.Dict):
        s = value.get("/S")
        return not (isinstance(s, rawpdf.Name) and s.value == "/GoTo")
    return True


def _written(layout: Layout, revision: int) -> list[tuple[int, int]]:
    """(number, generation) of each object the revision's xref section lists as in use."""
    section = layout.sections[revision]
    out = set()
    for part in (section, section.hybrid):
        if part is None:
            continue
        out |= {(num, gen) for num, (gen, _) in part.entries.items()}
        out |= {(num, 0) for num in part.compressed}
    return sorted(out)


def _listing(numbers: list[int], limit: int = 10) -> str:
    return ", ".join(str(n) for n in numbers[:limit]) + (", …" if len(numbers) > limit else "")


def check(layout: Layout, first_signed: int | None) -> list[tuple[str, dict]]:
    present: dict[str, list[tuple[int, int]]] = {}  # kind -> (object, revision)
    added: list[tuple[str, dict]] = []
    search = rawscan.NameSearch(_ACTIVE_NAMES)
    for revision in range(len(layout.sections)):
        # the objects of the section's own object streams whose bytes name nothing active: an
        # object (generation 0) the section lists there is read from there
        quiet = set()
        for stream, numbers in layout.own_compressed(revision).items():
            objects = layout.object_stream_reading(revision, stream)
            if not isinstance(objects, rawpdf.ObjectStream) or not search.anywhere(objects.data):
                quiet |= numbers
        for num, gen in _written(layout, revision):
            if gen == 0 and num in quiet:
                continue
            if layout.sections[revision].stream_ref == (num, gen):
                continue  # the xref stream itself
            span = layout.span(revision, num, gen)
            # only an object whose bytes name an action or an active key can hold one (rawscan)
            if span is None or not search.may_hold(*span, anywhere=span[0] is not layout.data):
                continue
            value = layout.value(revision, num, gen)
            data = layout.value_data(revision, num, gen)
            items = set(_items(layout, revision, value, data))
            if not items:
                continue
            before = set()
            if revision > 0:
                old = layout.value(revision - 1, num, gen)
                if old is not None:
                    before = set(_items(layout, revision - 1, old, layout.value_data(revision - 1, num, gen)))
            for kind, path in sorted(items - before):
                if first_signed is not None and revision > first_signed:
                    added.append(("ACTIVE_CONTENT_ADDED", {"kind": kind, "object": num, "path": path,
                                                           "revision": layout.revision_number(revision)}))
                else:
                    present.setdefault(kind, []).append((num, layout.revision_number(revision)))
    found = [("ACTIVE_CONTENT", {"kind": kind, "objects": _listing(sorted({n for n, _ in where})),
                                 "revisions": _listing(sorted({r for _, r in where}))})
             for kind, where in sorted(present.items())]
    return found + added
