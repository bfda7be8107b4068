"""Building blocks for tests/attacks/test_redteam16.py: the one-page decision of
tests/test_provenance.py (`Số: ___/QĐ-UBND`, the number left blank), with something drawn into its
header by an update written before the first signature, then issued by the test PKI as
samples/build.py issues (the director certifies, the agency draws the date and lays its seal): a
document every layer of which is sound, so that what kyso reads from it is shown as fact unless
kyso itself refuses it."""

from __future__ import annotations

import io

NUMBER_AT = (110.0, 731.7)  # the baseline of the blank between `Số:` and `/QĐ-UBND`


def font_codes(data: bytes, text: str, font: str = "/F1") -> bytes:
    """The hex string drawing `text` in one of page 1's fonts (its ToUnicode read back)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from verifier.pdf.fonts import Font

    page = PdfFileReader(io.BytesIO(data), strict=False).root["/Pages"]["/Kids"][0].get_object()
    f = Font(page["/Resources"]["/Font"][font].get_object())
    back = {v: k for k, v in f.map.items()}
    return b"<" + b"".join(back[c].hex().encode() for c in text) + b">"


def drawn(data: bytes, ops: bytes, *, resources: dict | None = None, page: dict | None = None,
          streams: dict | None = None, objects: dict | None = None, catalog: dict | None = None) -> bytes:
    """An update adding `ops` (in q/Q) after page 1's content. `resources`: {category: {name:
    object}}; `streams`: {name: (dictionary, bytes)} stream objects added first and usable in
    `resources` as the string "@name", and so are `objects`: {name: dictionary}; `page`, `catalog`:
    entries written into the page dictionary, the catalog."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    made = {}

    def resolve(v):
        if isinstance(v, str) and v.startswith("@"):
            return made[v]
        if isinstance(v, dict):
            return generic.DictionaryObject({generic.pdf_name(k): resolve(x) for k, x in v.items()})
        if isinstance(v, list):
            return generic.ArrayObject([resolve(x) for x in v])
        if isinstance(v, int) and not isinstance(v, bool):
            return generic.NumberObject(v)
        return v

    for name, (head, body) in (streams or {}).items():
        made["@" + name] = w.add_object(generic.StreamObject(resolve(head), stream_data=body))
    for name in objects or {}:
        made["@" + name] = w.add_object(generic.DictionaryObject())

    def fill():
        for name, body in (objects or {}).items():
            made["@" + name].get_object().update(resolve(body))

    fill()

    page_obj = w.root["/Pages"]["/Kids"][0].get_object()
    old = page_obj.raw_get("/Contents")
    olds = list(old) if isinstance(old, generic.ArrayObject) else [old]
    new = w.add_object(generic.StreamObject(stream_data=b"q " + ops + b" Q"))
    head = w.add_object(generic.StreamObject(stream_data=b"q"))
    tail = w.add_object(generic.StreamObject(stream_data=b"Q"))
    page_obj["/Contents"] = generic.ArrayObject([head, *olds, tail, new])
    res = page_obj["/Resources"]
    for key, value in (resources or {}).items():
        sub = res.get(key)
        if sub is None:
            res[generic.pdf_name(key)] = resolve(value)
        else:
            for k, x in value.items():
                sub[generic.pdf_name(k)] = resolve(x)
    for key, value in (page or {}).items():
        page_obj[generic.pdf_name(key)] = resolve(value)
    for key, value in (catalog or {}).items():
        w.root[generic.pdf_name(key)] = resolve(value)
    if catalog:
        w.update_root()
    w.update_container(page_obj)
    if hasattr(page_obj.raw_get("/Resources"), "idnum"):
        w.update_container(res)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def helvetica(to_unicode: bytes | None = None) -> dict:
    """A standard Helvetica (WinAnsi); with `to_unicode`, that ToUnicode CMap's body as the
    stream named "tounicode" (give it to drawn(streams=...))."""
    from pyhanko.pdf_utils import generic

    out = {"/Type": generic.pdf_name("/Font"), "/Subtype": generic.pdf_name("/Type1"),
           "/BaseFont": generic.pdf_name("/Helvetica"), "/Encoding": generic.pdf_name("/WinAnsiEncoding")}
    if to_unicode is not None:
        out["/ToUnicode"] = "@tounicode"
    return out


def cmap(pairs: dict[int, str]) -> bytes:
    """A ToUnicode CMap of one-byte codes."""
    lines = b"".join(b"<%02X> <%s>\n" % (code, text.encode("utf-16-be").hex().upper().encode())
                     for code, text in pairs.items())
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Lie def /CMapType 2 def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n%d beginbfchar\n%sendbfchar\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end" % (len(pairs), lines))
