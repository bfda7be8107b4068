"""kyso's reader parses each object stream header once; it must read exactly what pyHanko's
own reader reads, object by object, in both parsing modes."""

from __future__ import annotations

import io

import pytest

from tests.conftest import REALDOCS, need_shared


def canon(obj):
    if isinstance(obj, dict):
        return type(obj).__name__, sorted((k, repr(v)) for k, v in obj.items()), getattr(obj, "encoded_data", None)
    if type(obj).__repr__ is object.__repr__:  # e.g. NullObject: only its type says anything
        return type(obj).__name__
    return type(obj).__name__, repr(obj)


@pytest.mark.parametrize("name", ["duthaototrinh-luat-ks.pdf", "49-2026-ND-CP.pdf", "385.signed.signed.pdf"])
def test_every_compressed_object_reads_the_same(name):
    from pyhanko.pdf_utils.reader import PdfFileReader

    from verifier.pdfreader import KysoPdfFileReader

    data = (need_shared(REALDOCS) / name).read_bytes()
    plain = PdfFileReader(io.BytesIO(data), strict=False)
    ours = KysoPdfFileReader(io.BytesIO(data), strict=False)
    from pyhanko.pdf_utils.generic import Reference

    compared = 0
    for idnum in range(1, plain.trailer["/Size"]):
        try:
            expected = plain.get_object(Reference(idnum, 0))
        except Exception as exc:  # pyHanko's verdict on a broken object must be ours too
            with pytest.raises(type(exc)):
                ours.get_object(Reference(idnum, 0))
            continue
        assert canon(ours.get_object(Reference(idnum, 0))) == canon(expected), idnum
        compared += 1
    assert compared > 100
