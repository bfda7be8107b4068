"""The rendered comparison as the backstop: what each signer saw against what the document
displays now, whatever mechanism changed it (docs/attacks.md, "A backstop for classes nobody
has published yet").

The difference analysis and verifier.signatures.vouch judge every change after a signature by
its objects. Parser differentials, display properties outside the compared objects, a font
redefined where no rule looks: the classes nobody has published yet change pixels without
being seen there. So the pages of each signed revision and of the final document are drawn
with PDFium (verifier.render), as Chrome and most viewers draw them, forms drawn, and compared.

What a later layer may draw is explained: the rectangles of the annotations new, or showing
another value, since the signed revision (new signature widgets, fields filled in), which the
difference analysis and the vouching rule have judged already; an annotation written again
unchanged explains nothing. A difference anywhere else fails the layer
(RENDERED_DIFFERENCE, MODIFIED_AFTER_SIGNING). Only pages a later revision touches or reaches
are drawn (verifier.render.touched). A side PDFium cannot draw proves nothing either way: a
warning (RENDERING_UNAVAILABLE), the layer keeps its status.

A layer the difference analysis failed already (MODIFIED_AFTER_SIGNING) is compared too, so the
auditor sees what a viewer shows changed (its page, its area, the crops in the HTML and PDF
reports), not only pyHanko's account of objects. Its verdict is decided: only the signed
signature widgets of later layers are left out there, and a comment, a filled field or a stamp
added after it shows as the change it is. Being an account, not a check, it is bounded: the last
MAX_FAILED_LAYERS such layers, the first MAX_FAILED_PAGES pages each (a forged update touching
every page of a 1,000-page document took 42 s to draw in full).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from verifier.pdf import geometry
from verifier.report import codes
from verifier.report.model import Layer

log = logging.getLogger(__name__)

MAX_FIELD_DEPTH = 64  # parents followed from a widget to its field type: a loop ends here
MAX_FAILED_LAYERS = 8  # layers failed already that are drawn for the report, the last ones
MAX_FAILED_PAGES = 20  # pages drawn for each of them, the first ones the later revisions touch


@dataclass
class Displayed:
    """What the rendered comparison found for one layer."""

    findings: list[tuple[str, dict]] = field(default_factory=list)
    unvouched: list[str] = field(default_factory=list)  # sentences for the layer's problem
    images: list[dict] = field(default_factory=list)  # {layer, page, rect, before, after}: PNG crops for reports


def review(data: bytes, reader, layers: Sequence[Layer], signed: Sequence[tuple[int, int] | None]) -> dict[int, Displayed]:
    """For each layer i whose signed revision is signed[i] = (pyHanko's revision index, the byte
    offset where its signed bytes end), or None (nothing of it could be read), what the
    comparison with the final document found. Layers failed for another reason than a change
    after signing are not compared."""
    from verifier.render import compare, touched

    failed = {i for i, layer in enumerate(layers)
              if layer.status == codes.FAILED and layer.subindication == "MODIFIED_AFTER_SIGNING"}
    failed = set(sorted(failed)[-MAX_FAILED_LAYERS:])
    wanted = {i: s for i, s in enumerate(signed)
              if s is not None and s[1] < len(data) and (layers[i].status != codes.FAILED or i in failed)}
    if not wanted:
        return {}
    graph = touched.PageGraph(reader)
    reach = graph.touched_all({r for r, _ in wanted.values()})
    order = sorted(wanted)
    ends = [wanted[i][1] for i in order]
    explained, pages, exact = {}, {}, set()
    on_page = _annotations_on_pages(reader)
    newest = reader.get_historical_resolver(reader.xrefs.total_revisions - 1)
    for k, i in enumerate(order):
        r = wanted[i][0]
        t = reach[r]
        if i in failed:
            pages[k] = sorted(t.pages)[:MAX_FAILED_PAGES] if not t.everything else range(MAX_FAILED_PAGES)
            exact.add(k)
        elif not t.everything:
            pages[k] = t.pages
        old = reader.get_historical_resolver(r)
        explained[k] = [(page, rect) for ref, (page, rect, signs) in on_page.items()
                        if (t.everything or page in t.pages) and (signs or i not in failed)
                        and _changed_since(reader, old, newest, ref)]
    found = compare.differences(data, ends, explained, pages, exact=exact)
    out: dict[int, Displayed] = {}
    for k, i in enumerate(order):
        result = found.get(k)
        if isinstance(result, compare.Unrenderable):
            out[i] = Displayed(findings=[("RENDERING_UNAVAILABLE", {
                "side": result.side, "page": result.page + 1 if result.page is not None else "?", "reason": result.reason})])
            continue
        if not result:
            continue
        shown = Displayed()
        for region in result:
            params = {"page": region.page + 1, "rect": [round(v, 1) for v in region.rect], "pixels": region.pixels}
            shown.findings.append(("RENDERED_DIFFERENCE", params))
            if i not in failed:  # a failed layer keeps the difference analysis' reason: it is decided
                shown.unvouched.append(codes.Phrase(codes.finding_text("RENDERED_DIFFERENCE", "vi", **params),
                                                    codes.finding_text("RENDERED_DIFFERENCE", "en", **params)))
            shown.images.append({"layer": i + 1, **params, "before": region.before, "after": region.after})
        out[i] = shown
    return out


def _changed_since(reader, old, newest, ref: tuple[int, int]) -> bool:
    """Whether the annotation is new since the revision `old` reads or displays another value now (its
    dictionary, appearance streams and all it reaches compared by value,
    verifier.signatures.diff.values): only what a later revision really drew is explained. An
    annotation written again unchanged explains nothing: under a transparent appearance, the
    content a forger changed beneath it would otherwise be masked."""
    from pyhanko.pdf_utils.generic import Reference

    from verifier.signatures.diff.values import same_value

    try:
        if reader.xrefs.get_historical_ref(Reference(*ref), old.revision) is None:
            return True  # new since the revision
        before = old.get_object(Reference(*ref))
        now = reader.get_object(Reference(*ref))
        if not hasattr(before, "keys"):
            return True
        return not same_value(before, now, old_rev=old, new_rev=newest)
    except Exception:  # unreadable then or now: nothing is explained by it
        return False


def _annotations_on_pages(reader) -> dict[tuple[int, int], tuple[int, tuple[float, float, float, float], bool]]:
    """Every annotation of the final document a viewer draws: reference -> (page index, rectangle,
    whether it is the widget of a signed signature field)."""
    out = {}
    try:
        for index, (page, _) in enumerate(geometry.pages(reader.root.get("/Pages"))):
            annots = geometry.entry(page, "/Annots")
            if not isinstance(annots, list):
                continue
            for annot in list(annots)[:geometry.MAX_KIDS]:
                ref = geometry.reference(annot)
                if ref is None:
                    continue
                shown, rect = geometry.placement(geometry.resolved(annot), geometry.page_rotation(page))
                if shown == geometry.DRAWN:
                    out.setdefault(ref, (index, rect, _signed_field(geometry.resolved(annot))))
    except Exception:  # a page tree that cannot be walked explains nothing: every difference counts
        log.warning("annotations could not be listed for the rendered comparison", exc_info=True)
    return out


def _signed_field(widget) -> bool:
    """Whether a widget belongs to a signature field with a value (a signature dictionary): its
    own /FT and /V, or its parent field's (the field type is inherited, ISO 32000-1 12.7.3.1)."""
    node = widget
    for _ in range(MAX_FIELD_DEPTH):
        if not hasattr(node, "get"):
            return False
        kind = geometry.entry(node, "/FT")
        if kind is not None:
            return kind == "/Sig" and hasattr(geometry.entry(node, "/V"), "get")
        node = geometry.entry(node, "/Parent")
    return False
