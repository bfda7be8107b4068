"""Who may change what is displayed after a signature.

A signer vouches for what the document showed when they signed. What a later revision draws
over it (a new visible signature field, a form field filled in) is acceptable for the earlier
layer only when a later *signature* vouches for it in turn: one that is cryptographically intact
and whose certificate chains to a configured anchor (revocation may still be unknown). That is
the rule of docs/attacks.md, "Sneaky signature (SSA)" and "Visible appearance no signature
vouches for":

==========================================================  =====================================
the best later layer signing the revision of the change     the earlier layer
==========================================================  =====================================
a signature, intact, chained to an anchor (`SIGNER`)        unaffected
a signature, intact, whose signer cannot be identified      INDETERMINATE at best, with
(no chain to an anchor, a certificate not meant for          OVERLAY_BY_UNIDENTIFIED_SIGNER
documents, an algorithm refused: `UNIDENTIFIED`)
none: a document timestamp (it proves time, not             FAILED, MODIFIED_AFTER_SIGNING,
authorship; any public TSA gives one), a signature that      with APPEARANCE_NOT_VOUCHED
fails or cannot be checked, nothing at all
==========================================================  =====================================

"Best" because a later trusted signer who signs the whole document, a document timestamp's
widget included, vouches for all it showed then. Only what a viewer draws counts: a widget
listed on a page, with an appearance, not hidden, with a rectangle of some area, read as
viewers read geometry (verifier.pdf.geometry.placement; a rectangle that cannot be resolved
counts as drawn). Invisible document timestamps (LTA) and invisible signatures draw nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from verifier.pdf import geometry
from verifier.report import codes
from verifier.report.model import Layer

SIGNER, UNIDENTIFIED = "signer", "unidentified"
# outside information still missing: the signer is identified, whether the certificate was
# revoked is not known yet (EN 319 102-1 TRY_LATER); every other trust problem leaves the
# signer unidentified
_REVOCATION_UNKNOWN = frozenset({"TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE"})


def standing(layer: Layer) -> str | None:
    """SIGNER, UNIDENTIFIED or None: what a layer's signature proves about whoever drew with it."""
    if layer.kind != "signature" or layer.status == codes.FAILED:
        return None
    if not (layer.integrity and layer.cryptographic_validity):
        return None  # not checked: kyso cannot say the bytes are the signer's
    if layer.status == codes.PASSED:
        return SIGNER
    if layer.subindication in _REVOCATION_UNKNOWN and layer.trust_anchor is not None:
        return SIGNER
    return UNIDENTIFIED


@dataclass(frozen=True)
class Drawn:
    """One widget a viewer draws: the field, the revision (kyso's number) that signs it, the
    page (from 1) and the rectangle in user space (None: it cannot be resolved)."""

    field: str
    revision: int
    page: int | None
    rect: tuple[float, float, float, float] | None


@dataclass
class Overdraw:
    """What later revisions drew or changed over one layer, judged by `review`."""

    unvouched: list[tuple[str, dict]] = field(default_factory=list)  # APPEARANCE_NOT_VOUCHED findings
    unidentified: list[tuple[str, dict]] = field(default_factory=list)  # OVERLAY_BY_UNIDENTIFIED_SIGNER


@dataclass(frozen=True)
class Pages:
    """The final document's page tree, walked once for all the layers: the first page listing
    each annotation, and each page's rotation."""

    on_page: Mapping[tuple[int, int], int]
    rotations: Sequence[int]

    @classmethod
    def of(cls, reader) -> Pages:
        try:
            root = reader.root.get("/Pages")
            return cls(geometry.annotation_pages(root), [geometry.page_rotation(page) for page, _ in geometry.pages(root)])
        except Exception:  # a page tree that cannot be walked lists no widget
            return cls({}, [])


def drawn_widgets(pages: Pages, field_ref, name: str, revision: int) -> list[Drawn]:
    """The widgets of a signature field that a viewer draws, in the final document."""
    on_page, rotations = pages.on_page, pages.rotations
    try:
        sig_field = geometry.resolved(field_ref)
        kids = geometry.entry(sig_field, "/Kids")
        widgets = [(field_ref, sig_field)]
        if isinstance(kids, list):
            widgets = [(kid, geometry.resolved(kid)) for kid in list(kids)[:geometry.MAX_KIDS]
                       if hasattr(geometry.resolved(kid), "keys") and "/T" not in geometry.resolved(kid)]
    except Exception:
        return []
    out = []
    for ref, widget in widgets:
        page = on_page.get(geometry.reference(ref))
        if page is None:
            continue  # listed on no page: no viewer shows it
        shown, box = geometry.placement(widget, rotations[page] if page < len(rotations) else 0)
        if shown != geometry.NOT_DRAWN:
            out.append(Drawn(name, revision, page + 1, box))
    return out


def review(layers: Sequence[Layer], drawn: Mapping[int, list[Drawn]],
           covered: Mapping[int, Sequence[tuple[str, int]]]) -> dict[int, Overdraw]:
    """For each layer (index into `layers`), what later layers drew over it and who vouches:
    `drawn[j]` the widgets layer j draws, `covered[i]` the form fields changed after layer i
    that its difference analysis accepted because a later signature signs them (field, the
    revision of its last change)."""
    out: dict[int, Overdraw] = {}
    for i, earlier in enumerate(layers):
        result = Overdraw()
        for j, later in enumerate(layers):
            if later.revision <= earlier.revision:
                continue
            for widget in drawn.get(j, ()):
                _judge(result, earlier, layers, widget.revision, {
                    "field": widget.field, "revision": widget.revision, "page": widget.page if widget.page else "?",
                    "rect": [round(v, 1) for v in widget.rect] if widget.rect else "?",
                }, what=_what(later))
        for name, changed_in in covered.get(i, ()):
            _judge(result, earlier, layers, changed_in, {"field": name, "revision": changed_in, "page": "?", "rect": "?"},
                   what="form_field")
        if result.unvouched or result.unidentified:
            out[i] = result
    return out


def _judge(result: Overdraw, earlier: Layer, layers: Sequence[Layer], since: int, params: dict, what: str) -> None:
    """Add the finding, if any, for something drawn in revision `since` after `earlier`."""
    best = None
    for m in layers:
        if m.revision >= since and m.revision > earlier.revision:
            s = standing(m)
            if s == SIGNER:
                return
            best = best or s
    if best == UNIDENTIFIED:
        result.unidentified.append(("OVERLAY_BY_UNIDENTIFIED_SIGNER", params))
    else:
        result.unvouched.append(("APPEARANCE_NOT_VOUCHED", {**params, "drawn_by": what}))


def _what(layer: Layer) -> str:
    """What the layer that drew is, in the words of APPEARANCE_NOT_VOUCHED."""
    if layer.kind != "signature":
        return "document_timestamp"
    if layer.status == codes.FAILED:
        return "failed_signature"
    return "unchecked_signature"
