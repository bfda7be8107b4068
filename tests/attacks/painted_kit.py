"""Invisible text in the header of the signed sample plan: the number 999, the date 01/01/2020 and
the issuer "Sở Tài chính", drawn where the header is read but so that no viewer shows them (text
render mode 3 or 7, white on white, clipped, painted over, in an optional content group that is
off, outside its appearance's /BBox), then signed by a layer of the test PKI.

The spoof text is written in the page's own embedded font (DejaVu Serif, Identity-H), its codes
read back from the font's ToUnicode map, so that it reads exactly as the genuine header does."""

from __future__ import annotations

import io

from tests.attacks import kit
from tests.conftest import SAMPLES

PLAN = SAMPLES / "plan.pdf"
NUMBER_AT = (87.0, 731.6)  # the baseline of "Số: 45 /KH-SGDĐT" on page 1 (the number drawn by Signature3)
DATE_AT = (281.5, 731.6)  # "Bình Phước, ngày 08 tháng 3 năm 2022" (the day drawn by Signature4)
ORGAN_AT = (58.2, 761.3)  # "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
SPOOF_NUMBER = "Số: 999/KH-SGDĐT"
SPOOF_DATE = "Hà Nội, ngày 01 tháng 01 năm 2020"
SPOOF_ORGAN = "SO TAI CHINH"  # the page's font has no capital À, Í, Ở: see spoof_organ()


def codes(text: str, font: str = "/F1") -> bytes:
    """The hex string drawing `text` in one of page 1's fonts."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from verifier.pdf.fonts import Font

    reader = PdfFileReader(io.BytesIO(PLAN.read_bytes()), strict=False)
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    f = Font(page["/Resources"]["/Font"][font].get_object())
    back = {v: k for k, v in f.map.items()}
    return b"<" + b"".join(back[c].hex().encode() for c in text) + b">"


def show(text: str, at, size: float = 12, font: str = "/F1") -> bytes:
    return b"BT %s %g Tf %g %g Td %s Tj ET" % (font.encode(), size, at[0], at[1], codes(text, font))


def with_content(data: bytes, ops: bytes, *, resources: dict | None = None, catalog: dict | None = None) -> bytes:
    """An update adding `ops` as one more content stream of page 1 (after the page's own, in a
    q/Q of its own), with extra page resources and catalog entries (pyHanko objects)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page_ref = w.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    old = page.raw_get("/Contents")
    new = w.add_object(generic.StreamObject(stream_data=b"q " + ops + b" Q"))
    head = w.add_object(generic.StreamObject(stream_data=b"q"))
    tail = w.add_object(generic.StreamObject(stream_data=b"Q"))
    page["/Contents"] = generic.ArrayObject([head, old, tail, new])
    res = page["/Resources"]
    for key, value in (resources or {}).items():
        sub = res.get(key)
        if sub is None:
            res[generic.pdf_name(key)] = generic.DictionaryObject(value)
        else:
            sub.update(value)
    w.update_container(page)
    if resources and hasattr(page.raw_get("/Resources"), "idnum"):
        w.update_container(res)
    for key, value in (catalog or {}).items():
        w.root[generic.pdf_name(key)] = value
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def signed(data: bytes) -> bytes:
    """The forgery signed by a later layer of the test PKI (an invisible approval signature)."""
    return kit.sign(data, "agency", field="Signature7")
