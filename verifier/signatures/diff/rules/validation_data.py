"""Validation data (the DSS and its VRI entries) added or rewritten after a signature.

PAdES (EN 319 142-1, 5.4) keeps certificates, CRLs and OCSP responses for long-term
validation in the catalog's /DSS, with per-signature /VRI entries that are informational only:
none of it is displayed. pyHanko's ``DSSCompareRule`` lets a DSS grow but calls any change to
an existing VRI entry a modification ("VRI key ... was modified or deleted"), although Acrobat
and the EU DSS library rewrite the VRI each time they add validation data (a new object for
the same entry, a /TS or an OCSP response added to it).

:class:`ValidationDataRule` is pyHanko's rule with that one difference: VRI entries may be
added, rewritten or removed, each new or rewritten entry checked as pyHanko checks a new one
(a dictionary of the VRI keys whose values are arrays of streams). What it explains is
exactly what pyHanko's rule explains:

- the /DSS, /VRI, a VRI entry and the /Certs, /CRLs, /OCSPs (/Cert, /CRL, /OCSP) arrays, when
  written in place or as new objects, each approved *for its path under /Root/DSS only*: an
  object the signed revision also uses elsewhere (a page's content stream listed as a
  "certificate", say) stays to be explained there, so smuggling a displayed object through
  the DSS fails;
- the objects new in the revision that these structures reach (the DER streams).

An older stream rewritten in place is never explained here: a rewritten certificate with the
same value is explained by ``UnchangedValueRule``, one with another value by nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.sign.diff_analysis import SuspiciousModification
from pyhanko.sign.diff_analysis.commons import assert_not_stream, compare_key_refs, safe_whitelist
from pyhanko.sign.diff_analysis.rules.form_field_rules import _validate_dss_substructure
from pyhanko.sign.diff_analysis.rules_api import Context, ReferenceUpdate, WhitelistRule

__all__ = ['ValidationDataRule']

_DSS_STREAM_KEYS = frozenset({'/Certs', '/CRLs', '/OCSPs'})
_DSS_KEYS = frozenset({'/Type', '/VRI'}) | _DSS_STREAM_KEYS
_VRI_STREAM_KEYS = frozenset({'/Cert', '/CRL', '/OCSP'})
_VRI_KEYS = frozenset({'/Type', '/TU', '/TS'}) | _VRI_STREAM_KEYS
# the upper-case hex SHA-1 of a signature's /Contents; some writers use lower case
_VRI_KEY = re.compile(r'/[A-Za-z0-9]{40}')


def _as_dict(value, what: str, exc) -> generic.DictionaryObject:
    if not isinstance(value, generic.DictionaryObject) or isinstance(value, generic.StreamObject):
        raise exc(f"{what} is not a dictionary")
    return value


class ValidationDataRule(WhitelistRule):
    """pyHanko's ``DSSCompareRule``, with VRI entries that may be rewritten or removed."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        dss_path = RawPdfPath('/Root', '/DSS')
        old_dss, new_dss = yield from misc.map_with_return(
            compare_key_refs('/DSS', old, old.root, new.root),
            ReferenceUpdate.curry_ref(context_checked=Context.from_absolute(old, dss_path)),
        )
        if new_dss is None:
            return
        old_dss = _as_dict(old_dss if old_dss is not None else generic.DictionaryObject(), "/DSS", misc.PdfReadError)
        new_dss = _as_dict(new_dss, "/DSS", SuspiciousModification)
        unexpected = set(new_dss.keys()) - _DSS_KEYS
        if unexpected:
            raise SuspiciousModification(f"Unexpected keys in DSS: {unexpected}.")
        yield from _validate_dss_substructure(
            old, new, old_dss, new_dss, _DSS_STREAM_KEYS, is_vri=False, context=Context.from_absolute(old, dss_path))

        vri_path = RawPdfPath('/Root', '/DSS', '/VRI')
        old_vri, new_vri = yield from misc.map_with_return(
            compare_key_refs('/VRI', old, old_dss, new_dss),
            ReferenceUpdate.curry_ref(context_checked=Context.from_absolute(old, vri_path)),
        )
        if new_vri is None:
            return  # a removed /VRI is refused by compare_key_refs
        new_vri = _as_dict(new_vri, "/VRI", SuspiciousModification)
        old_vri = _as_dict(old_vri if old_vri is not None else generic.DictionaryObject(), "/VRI", misc.PdfReadError)
        for key in new_vri.keys():
            yield from self._vri_entry(old, new, old_vri, new_vri, key, vri_path + key)

    @staticmethod
    def _vri_entry(old, new, old_vri, new_vri, key, path: RawPdfPath) -> Iterable[ReferenceUpdate]:
        raw = new_vri.raw_get(key)
        old_raw = old_vri.raw_get(key) if key in old_vri else None
        if old_raw is not None and raw == old_raw and not (
                isinstance(raw, generic.IndirectObject) and raw.reference in new.explicit_refs_in_revision()):
            return  # the entry as it was signed (an object rewritten elsewhere is judged there)
        if not _VRI_KEY.fullmatch(key):
            raise SuspiciousModification(f"VRI key {key} is not formatted correctly.")
        context = Context.from_absolute(old, path)
        if isinstance(raw, generic.IndirectObject):
            old_ref = old_raw.reference if isinstance(old_raw, generic.IndirectObject) else None
            # a new object, or the entry's own object written in place (approved for this path only)
            if old.is_ref_unassignable(raw.reference) or raw.reference == old_ref:
                yield from (ReferenceUpdate(r, context_checked=context)
                            for r in safe_whitelist(old, old_ref, raw.reference))
        entry = raw.get_object()
        assert_not_stream(entry)
        entry = _as_dict(entry, "A VRI entry", SuspiciousModification)
        unexpected = set(entry.keys()) - _VRI_KEYS
        if unexpected:
            raise SuspiciousModification(f"Unexpected keys in VRI dictionary: {unexpected}.")
        old_entry = old_raw.get_object() if old_raw is not None else None
        if not isinstance(old_entry, generic.DictionaryObject) or isinstance(old_entry, generic.StreamObject):
            old_entry = generic.DictionaryObject()
        yield from _validate_dss_substructure(old, new, old_entry, entry, _VRI_STREAM_KEYS, is_vri=True, context=context)
        try:
            ts_ref = entry.get_value_as_reference('/TS', optional=True)
        except misc.IndirectObjectExpected:
            ts_ref = None
        if ts_ref is not None:
            if not isinstance(ts_ref.get_object(), generic.StreamObject):
                raise SuspiciousModification(f"/TS of VRI entry {key} is not a stream.")
            if old.is_ref_unassignable(ts_ref):
                yield ReferenceUpdate(ts_ref)
