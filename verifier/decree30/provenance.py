"""Which revision each metadata value comes from, and which signatures cover it.

A value is what the final revision displays (verifier.decree30.metadata reads it). A layer
covers it when the revision that layer signs displays the same value from the same place: the
page it was read on (its content unchanged, or read again and equal) and the appearances that
drew part of it (shown in that revision and not rewritten since). The value's `revision` is the
first revision from which on every revision displays it as now. A value no signature covers is
`unsigned`; one no signature kyso can attribute to a known signer covers is not established.

The document information dictionary (/Info) and the XMP stream are compared the same way: what
an update after the last signature wrote there is not the signed document's own (C2 permits such
updates: docs/decree30.md §2, ../shared/docs/domain.md C2), so it is labelled and the change is
listed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field


log = logging.getLogger(__name__)

# What a viewer shows as the document's own description (the title bar with /DisplayDocTitle,
# the properties dialog, a search index): changed after signing, a warning; the tool names and
# dates an update rewrites are information.
DESCRIBING = frozenset({"title", "author", "subject", "keywords"})


@dataclass
class Revisions:
    """The revisions of a document as reports number them (1 is the file as first written)."""

    ends: dict[int, int] = field(default_factory=dict)  # revision number -> where its bytes end
    layer_revision: dict[int, int] = field(default_factory=dict)  # layer number -> revision it signs
    appearance_revision: dict[str, int] = field(default_factory=dict)  # field -> revision writing its appearance

    @property
    def numbers(self) -> list[int]:
        return sorted(self.ends)

    @property
    def last(self) -> int:
        return max(self.ends) if self.ends else 1

    @property
    def last_signed(self) -> int | None:
        return max(self.layer_revision.values()) if self.layer_revision else None


def revisions(doc, layer_fields: list[str]) -> Revisions:
    """Every revision's end and number, the revision each layer signs and the one that last
    wrote each signature widget's appearance (its field, widget, /AP and normal appearance)."""
    from verifier.pdf.linearized import revision_numbers
    from verifier.pdf.pdftext import _revision_at

    out = Revisions()
    data, reader = doc.data, doc.reader
    try:
        numbers = revision_numbers(data, reader)
        for index in range(reader.xrefs.total_revisions):
            info = reader.xrefs.get_xref_container_info(index)
            eof = data.find(b"%%EOF", info.end_location)
            end = len(data) if eof < 0 else min(len(data), eof + 5)
            out.ends[numbers[index]] = max(out.ends.get(numbers[index], 0), end)
    except Exception:
        log.debug("revisions unreadable", exc_info=True)
        numbers = [1]
        out.ends = {1: len(data)}
    out.ends[max(out.ends)] = len(data)

    def number_at(end: int) -> int | None:
        try:
            index = _revision_at(reader, data, end)
        except Exception:
            return None
        return numbers[index] if index is not None and index < len(numbers) else None

    for n, name in enumerate(layer_fields, start=1):
        w = doc.widget(name)
        if w is None or not w.signed_end:
            continue
        number = number_at(w.signed_end)
        if number is not None:
            out.layer_revision[n] = number
            if number != out.last:
                out.ends[number] = w.signed_end  # the signed prefix, byte for byte
    out.appearance_revision = _appearance_revisions(reader, numbers)
    for n, name in enumerate(layer_fields, start=1):
        if name not in out.appearance_revision and n in out.layer_revision:
            out.appearance_revision[name] = out.layer_revision[n]
    return out


def _appearance_revisions(reader, numbers: list[int]) -> dict[str, int]:
    from pyhanko.pdf_utils.generic import IndirectObject
    from pyhanko.sign.fields import enumerate_sig_fields

    out = {}
    try:
        fields = list(enumerate_sig_fields(reader))
    except Exception:
        log.debug("signature fields unreadable", exc_info=True)
        return out
    for name, _, field_ref in fields:
        try:
            refs = [field_ref]
            node = field_ref.get_object()
            widget = node
            kids = node.get("/Kids")
            if kids:
                kid = kids.raw_get(0)
                if isinstance(kid, IndirectObject):
                    refs.append(kid)
                widget = kid.get_object() if isinstance(kid, IndirectObject) else kid
            ap = widget.raw_get("/AP") if "/AP" in widget else None
            if isinstance(ap, IndirectObject):
                refs.append(ap)
            if ap is not None:
                normal = ap.get_object().raw_get("/N") if "/N" in ap.get_object() else None
                if isinstance(normal, IndirectObject):
                    refs.append(normal)
            last = max(reader.xrefs.get_last_change(r.reference) for r in refs)
            out[str(name)] = numbers[last] if last < len(numbers) else numbers[-1]
        except Exception:
            log.debug("appearance of %s: revision unreadable", name, exc_info=True)
    return out


# --- /Info and XMP ------------------------------------------------------------------------------

def changes(before: dict, after: dict) -> list[tuple[str, str | None, str | None]]:
    """(key, value before, value after) of each key whose value differs."""
    return [(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]


def readable(items: list[tuple[str, str | None, str | None]]) -> str:
    def show(v):
        return "-" if v is None else f"'{v[:80]}'"

    return "; ".join(f"{k}: {show(a)} → {show(b)}" for k, a, b in items)
