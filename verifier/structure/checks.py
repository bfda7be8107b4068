"""Structural checks on the raw bytes: what pyHanko's validation of each layer does not look at.

pyHanko validates a signature over its byte ranges and compares the revisions it parsed; the
published forgeries (docs/attacks.md) live in what it does not parse: the bytes a /ByteRange leaves
out, bytes no xref section points to, two readings of one xref, active content, appearances laid
over signed text. Each check below is independent, reads the same bytes pyHanko read (and its
xref sections, so both agree on what a revision is), and reports findings; every error finding
makes the document INVALID (document._verdict).

- `byterange`: the excluded bytes are exactly the signature's own hex /Contents (SWA).
- `revisions`: every byte belongs to a well-formed revision; no unreferenced bodies (ISA).
- `xrefcheck`: no object that a classic table and an xref stream, or repeated entries or
  repeated dictionary keys, resolve differently (parser differentials).
- `objstreams`: after the first signature, no object that an object stream's index and its
  first copy resolve differently; object streams written then read strictly.
- `activecontent`: JavaScript and other actions; an error when added after a signature.
- `overlap`: annotations added after a signature over what the signed revision displays (a
  warning with geometry; `check_overlaps` runs it after the Decree 30 profile).
- `dangling`: a reference in the signed bytes to an object that only an update after signing
  defines (an error); one in a trailer key no reader follows, for information.
- `parents`: a node of the page tree or of the form whose /Parent is not the node listing it
  (some readers inherit along one, others along the other); an error when an object on that
  /Parent path is written after the first signature.
- strict parsing: a deviation pyHanko's strict reader rejects is a warning when the signed
  bytes already had it, an error when it was introduced after the first signature.
"""

from __future__ import annotations

import io
import logging

from verifier.structure import activecontent
from verifier.structure import byterange
from verifier.structure import dangling
from verifier.structure import objstreams
from verifier.structure import overlap
from verifier.structure import parents
from verifier.structure import revisions
from verifier.structure import xrefcheck
from verifier.structure.byterange import SignatureRef
from verifier.pdf.layout import Layout
from verifier.report.model import DocumentReport

log = logging.getLogger(__name__)


def check(data: bytes, reader, report: DocumentReport, signatures: list[SignatureRef], strict_error, *,
          overlaps: bool = True) -> None:
    """Every structure check. `overlaps=False` leaves the overlap check out, for the caller to
    run it with `check_overlaps` once it knows each layer's purpose (verifier.document)."""
    try:
        layout = _layout(data, reader)
    except Exception as exc:  # pyHanko read the file; if its sections make no sense here, say so
        log.exception("layout")
        report.add("STRUCTURE_UNREADABLE", reason=f"{type(exc).__name__}: {exc}")
        return
    first_signed = _first_signed(layout, signatures)

    for sig in signatures:
        for code, params in _run("byte range", byterange.check, layout, sig):
            report.add(code, layer=sig.layer, **params)
    checks = [("revisions", revisions.check), ("cross-references", xrefcheck.check),
              ("object streams", objstreams.check), ("active content", activecontent.check), ("overlap", overlap.check),
              ("dangling references", dangling.check), ("parents", parents.check)]
    for name, check_ in checks:
        if name == "overlap" and not overlaps:
            continue
        for code, params in _run(name, check_, layout, first_signed):
            report.add(code, layer=_layer_of(code, params, signatures), **params)
    if strict_error is not None:
        code = "STRICT_PARSE_DEVIATION"
        if first_signed is not None and _strict_ok(layout, first_signed):
            code = "STRICT_PARSE_DEVIATION_AFTER_SIGNING"
        report.add(code, reason=str(strict_error))


def check_overlaps(data: bytes, reader, report: DocumentReport, signatures: list[SignatureRef], exempt) -> None:
    """The overlap check alone, with `exempt` (verifier.decree30.placement.judge) telling the
    placements Decree 30 prescribes. A file whose layout cannot be read was reported by `check`."""
    try:
        layout = _layout(data, reader)
    except Exception:
        return
    finally:  # the last check that reads it: its object caches go with it
        if getattr(reader, "_kyso_layout", None) is not None:
            reader._kyso_layout = None
    for code, params in _run("overlap", overlap.check, layout, _first_signed(layout, signatures), exempt):
        report.add(code, layer=_layer_of(code, params, signatures), **params)


def _layout(data: bytes, reader) -> Layout:
    """The document's layout, built once: `check_overlaps` reads the one `check` built (kept
    on the reader, which pyHanko opened for this document alone, until check_overlaps is done)."""
    layout = getattr(reader, "_kyso_layout", None)
    if layout is None or layout.data is not data:
        layout = Layout(data, reader)
        try:
            reader._kyso_layout = layout
        except AttributeError:  # a reader that takes no attribute: built again when asked
            pass
    return layout


def _first_signed(layout: Layout, signatures: list[SignatureRef]) -> int | None:
    revisions_signed = [s.revision for s in signatures if s.revision is not None]
    if not revisions_signed:
        return None
    # every check takes the sections after this one as written after signing: in a
    # linearized file that is after both sections of revision 1, whichever holds the signature
    return layout.newest_section(min(revisions_signed))


def _layer_of(code: str, params: dict, signatures: list[SignatureRef]) -> int | None:
    """The layer a document-wide finding is about: a widget laid over signed content is the
    widget of the signature field it names (the last layer of that name), when it is one."""
    if code not in overlap.ALL_CODES and code != "OVERLAY_AS_PRESCRIBED":
        return None
    return {sig.field: sig.layer for sig in signatures}.get(params.get("field"))


def _run(name: str, check_, *args) -> list[tuple[str, dict]]:
    """One check's findings; a check that cannot finish says so (an error: fail closed) and the
    others still run."""
    try:
        return list(check_(*args))
    except Exception as exc:
        log.exception("%s check", name)
        return [("STRUCTURE_UNREADABLE", {"reason": f"{name} check: {type(exc).__name__}: {exc}"})]


def _strict_ok(layout: Layout, revision: int) -> bool:
    """Whether the file cut after `revision` reads in pyHanko's strict mode."""
    from verifier.pdf.reader import KysoPdfFileReader

    region = layout.section_region[revision]
    if region is None:
        return False
    end = layout.regions[region][1]
    try:
        reader = KysoPdfFileReader(io.BytesIO(layout.data[:end]), strict=True)
        reader.root  # noqa: B018
        return True
    except Exception:
        return False
