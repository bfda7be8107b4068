"""Tree nodes whose /Parent is not the node that lists them: the page tree and the form.

A page takes the attributes it does not set itself (/Resources, /MediaBox, /CropBox, /Rotate)
from its ancestors, and a form field or widget its type, value, options and appearance settings
(/FT, /V, /DV, /Ff, /Opt, /DA, /Q, /MaxLen). ISO 32000-1 (§7.7.3, §12.7.3) makes each node's
/Parent the node whose /Kids holds it (a root field: none, the form's /Fields lists it), and
readers rely on either half of that: PDFium climbs the /Parent entries for pages, poppler climbs
them for fields, others go down the /Kids. Where the two disagree, what is shown is drawn from
objects the difference analysis does not see as part of the tree: pyHanko's map of where an
object is used never follows /Parent, so an object that is only a node's /Parent (the document
information dictionary, say, which DocInfoRule lets any update rewrite) can be changed after
signing, and the page or the field with it, while every page, field and widget stays as signed
(red team, 2026-12-06: a page's font given another /ToUnicode through /Info, a field's value,
/DA and /Opt taken from /Info, each changed by rewriting /Info alone).

- PARENT_MISMATCH (warning): a node of a tree names another /Parent than the node listing it,
  already in the signed revision; readers may show it otherwise, and nothing on that path
  changed after signing.
- PARENT_CHANGED_AFTER_SIGNING (error): an object on such a /Parent path (or an object its
  inherited entries name) is written after the first signature, or the paths part only after it.

A widget that a page's /Annots lists but no field's /Kids (nor the form's /Fields) is checked
too: whatever /Parent it names is not a node listing it. The trees read are the newest
revision's, as viewers show it, and the first signed revision's, through pyHanko's reader, as
deep as they go (a page 70 levels down was missed at first: red team); a tree of more than
MAX_NODES nodes fails the check, closed, rather than leaving the rest unread.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic

from verifier.pdf.layout import Layout

MAX_NODES = 200_000  # nodes walked per tree and revision; more fails the check (closed)
MAX_DEPTH = 1024  # levels of /Parent climbed: PDFium's own limit for a page's inheritance
PAGE_TREE, FORM = "/Root /Pages", "/Root /AcroForm /Fields"
INHERITED = {PAGE_TREE: ("/Resources", "/MediaBox", "/CropBox", "/Rotate"),
             FORM: ("/FT", "/V", "/DV", "/Ff", "/Opt", "/DA", "/Q", "/MaxLen")}


def check(layout: Layout, first_signed: int | None) -> list[tuple[str, dict]]:
    if first_signed is None:
        return []
    reader = layout.reader
    newest = _mismatches(reader.get_historical_resolver(reader.xrefs.total_revisions - 1))
    if not newest:
        return []
    signed = {(m[0], m[1]): m for m in _mismatches(reader.get_historical_resolver(first_signed))}
    found = []
    for tree, node, listed_in, climbed in newest:
        params = {"object": node.idnum, "parent_path": _named(climbed),
                  "listed_in": _named([listed_in]) if listed_in else tree}
        changed = [ref for ref in _drawn_from(reader, climbed, INHERITED[tree])
                   if _last_change(reader, ref) > first_signed]
        if signed.get((tree, node)) != (tree, node, listed_in, climbed):  # the paths part only after signing
            changed += [ref for ref in (node, listed_in) if ref is not None and _last_change(reader, ref) > first_signed]
            changed = changed or [node]
        if changed:
            section = max(_last_change(reader, ref) for ref in changed)
            section = min(max(section, first_signed + 1), len(layout.sections) - 1)
            found.append(("PARENT_CHANGED_AFTER_SIGNING", {
                **params, "rewritten": changed[0].idnum, "revision": layout.revision_number(section)}))
        else:
            found.append(("PARENT_MISMATCH", params))
    return found


def _mismatches(resolver) -> list[tuple]:
    """(tree, node, the node listing it or None for a root, the references its /Parent entries
    climb through off its /Kids path) for every node of the page tree and of the form whose
    /Parent is not the node that lists it, and for every widget a page lists that no field
    lists but that names a /Parent (its parent's /Kids do not hold it)."""
    pages = _read(lambda: resolver.root.raw_get("/Pages"))
    fields = _read(lambda: resolver.root["/AcroForm"]["/Fields"])
    roots = {PAGE_TREE: [pages] if isinstance(pages, generic.IndirectObject) else [],
             FORM: list(fields) if isinstance(fields, generic.ArrayObject) else []}
    found: list[tuple] = []
    leaves: list[tuple] = []  # (reference, dictionary) of the pages
    listed: dict[str, dict] = {}
    for tree, tops in roots.items():
        lister: dict = {}  # node -> the node whose /Kids lists it (None: a root)
        listed[tree] = lister
        stack = [(top.reference, None) for top in reversed(tops) if isinstance(top, generic.IndirectObject)]
        while stack:
            ref, listed_in = stack.pop()
            if ref in lister:
                continue
            if len(lister) >= MAX_NODES:  # fail closed: what lies beyond is not known to be sound
                raise ValueError(f"more than {MAX_NODES} nodes under {tree}")
            lister[ref] = listed_in
            node = _read(lambda: resolver(ref))
            if not isinstance(node, generic.DictionaryObject):
                continue
            _judge(resolver, tree, ref, node, listed_in, lister, found)
            kids = _read(lambda: node.get("/Kids")) if "/Kids" in node else None
            if isinstance(kids, generic.ArrayObject):
                stack.extend((kid.reference, ref) for kid in reversed(kids) if isinstance(kid, generic.IndirectObject))
            elif tree == PAGE_TREE:
                leaves.append((ref, node))
    for page_ref, page in leaves:
        annots = _read(lambda: page.get("/Annots")) if "/Annots" in page else None
        if not isinstance(annots, generic.ArrayObject):
            continue
        for annot in annots:
            if not isinstance(annot, generic.IndirectObject) or annot.reference in listed[FORM]:
                continue
            widget = _read(lambda: resolver(annot.reference))
            if isinstance(widget, generic.DictionaryObject) and widget.get("/Subtype") == "/Widget":
                climbed = _climb(resolver, widget)
                if climbed:
                    found.append((FORM, annot.reference, page_ref, climbed))
    return found


def _judge(resolver, tree: str, ref, node, listed_in, lister: dict, found: list) -> None:
    """Reported where the two paths part: a node naming no /Parent (or a direct one, part of the
    node itself) inherits nothing a later object can change, and below a node already reported
    the nodes that name it follow its path."""
    raw = node.raw_get("/Parent") if "/Parent" in node else None
    if not isinstance(raw, generic.IndirectObject) or (listed_in is not None and raw.reference == listed_in):
        return
    climbed = _climb(resolver, node)
    path, up = set(), listed_in
    while up is not None and up not in path:
        path.add(up)
        up = lister.get(up)
    found.append((tree, ref, listed_in, [r for r in climbed if r not in path]))


def _climb(resolver, node) -> list:
    """The references a reader climbing /Parent from `node` passes through, nearest first."""
    out = []
    while "/Parent" in node and len(out) < MAX_DEPTH:
        raw = node.raw_get("/Parent")
        if not isinstance(raw, generic.IndirectObject) or raw.reference in out:
            break
        out.append(raw.reference)
        node = _read(lambda: resolver(raw.reference))
        if not isinstance(node, generic.DictionaryObject):
            break
    return out


def _drawn_from(reader, climbed: list, inherited: tuple) -> list:
    """The objects on a /Parent path that a node may take its attributes from: each node of
    the path, and the objects its `inherited` entries name directly."""
    out = []
    for ref in climbed:
        out.append(ref)
        node = _read(lambda: reader.get_object(ref))
        if isinstance(node, generic.DictionaryObject):
            for key in inherited:
                value = node.raw_get(key) if key in node else None
                if isinstance(value, generic.IndirectObject):
                    out.append(value.reference)
    return out


def _read(get):
    """What `get` reads, or None where pyHanko cannot read it: an unreadable node is judged by
    the passes that read it for what they do, not here."""
    try:
        return get()
    except Exception:  # noqa: BLE001
        return None


def _last_change(reader, ref) -> int:
    try:
        return reader.xrefs.get_last_change(ref)
    except Exception:  # noqa: BLE001 - not in any section: never written
        return -1


def _named(refs: list) -> str:
    return " → ".join(f"{r.idnum} {r.generation} R" for r in refs)
