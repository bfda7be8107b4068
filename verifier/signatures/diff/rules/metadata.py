"""XMP metadata: an empty stream is a legitimate (empty) metadata update.

Some tools write a zero-length ``/Metadata`` stream (19-bkhcn.pdf has one in every
revision, including the signed one, and rewrites it when signing). pyHanko's
``MetadataUpdateRule`` tries to parse it as XML and reports OTHER. An empty stream
carries no metadata and cannot hide anything, so :class:`EmptyTolerantMetadataRule`
accepts it at LTA_UPDATES; whenever a stream is non-empty it gets exactly pyHanko's
well-formedness/XMP checks, and when neither stream is empty the decision is
delegated to pyHanko's ``MetadataUpdateRule`` unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.sign.diff_analysis import SuspiciousModification
from pyhanko.sign.diff_analysis.rules.metadata_rules import MetadataUpdateRule
from pyhanko.sign.diff_analysis.rules_api import Context, ReferenceUpdate, WhitelistRule

__all__ = ['EmptyTolerantMetadataRule']


def _metadata_ref(root: generic.DictionaryObject) -> generic.Reference | None:
    # same lookup (and same complaint) as pyHanko's MetadataUpdateRule
    try:
        return root.get_value_as_reference('/Metadata')
    except misc.IndirectObjectExpected:
        raise SuspiciousModification("/Metadata should be an indirect reference")
    except KeyError:
        return None


def _is_empty_stream(ref: generic.Reference) -> bool:
    """True only for a stream object whose decoded data is zero bytes long.

    Anything else (not a stream, undecodable, a single space, ...) is "not empty" and
    is left to pyHanko's XML checks, which will reject it when it is not XMP.
    """
    try:
        obj = ref.get_object()
        if not isinstance(obj, generic.StreamObject):
            return False
        return len(obj.read_data(DecodePurpose.XMP_METADATA)) == 0
    except Exception:  # noqa: BLE001 - undecodable: let pyHanko's checks speak
        return False


class EmptyTolerantMetadataRule(WhitelistRule):
    """pyHanko's ``MetadataUpdateRule``, except that an empty metadata stream (zero
    bytes after decoding, old or new) is not fed to the XML parser.

    - Neither the old nor the new ``/Metadata`` stream is empty: delegated unchanged to
      pyHanko's ``MetadataUpdateRule`` (XML well-formedness, no entities, root element
      ``x:xmpmeta``).
    - Otherwise: each non-empty stream still gets pyHanko's
      ``MetadataUpdateRule.is_well_formed_xml``; the reference bookkeeping is identical
      to pyHanko's (the new stream must override the old metadata object or be a new
      object, never another existing object), approved through ``/Root/Metadata``.
    """

    def __init__(self) -> None:
        self._pyhanko_rule = MetadataUpdateRule()

    def apply(
        self, old: HistoricalResolver, new: HistoricalResolver
    ) -> Iterable[ReferenceUpdate]:
        new_ref = _metadata_ref(new.root)
        if new_ref is None:
            return
        old_ref = _metadata_ref(old.root)
        new_empty = _is_empty_stream(new_ref)
        old_empty = old_ref is not None and _is_empty_stream(old_ref)
        if not new_empty and not old_empty:
            yield from self._pyhanko_rule.apply(old, new)
            return

        if not new_empty:
            MetadataUpdateRule.is_well_formed_xml(new_ref)
        if old_ref is not None and not old_empty:
            MetadataUpdateRule.is_well_formed_xml(old_ref)

        if old_ref == new_ref or old.is_ref_unassignable(new_ref):
            yield ReferenceUpdate(
                new_ref,
                context_checked=Context.from_absolute(
                    old, RawPdfPath('/Root', '/Metadata')
                ),
            )
