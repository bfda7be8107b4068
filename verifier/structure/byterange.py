"""Each signature's /ByteRange must exclude exactly its own /Contents, nothing else.

pyHanko hashes the byte ranges and compares sizes, but it never looks at the bytes the ranges
leave out. Signature wrapping (SWA) hides objects there: the signed blocks are moved, the hole
holds new objects and a copy of the signature dictionary whose /Contents is a literal string or
sits in an object stream, and the size arithmetic still balances, so pyHanko reports the whole
file as covered (docs/attacks.md). The rules below leave no room for that:

1. /ByteRange is exactly four non-negative integers [0 a b c], a <= b, b + c <= file size.
2. The hole [a, b) is `<` + an even number of hex digits + `>`, nothing else (no whitespace:
   neither pyHanko, iText nor the samples write any), and those digits decode to the
   /Contents value pyHanko validated.
3. The signature dictionary is an uncompressed indirect object whose one /Contents entry is
   that very hex string, so its body starts in the first signed block and ends in the second.
4. The signed bytes end with the `%%EOF` of the revision in which the signature dictionary was
   written: the signature signs its own revision, not a later or earlier one.

Inside the hole, /Contents holds the CMS and then only zero padding. The CMS ends where its
outer length says or, when it is written with BER indefinite length as streaming signers do,
at the end-of-contents marker that closes it (verifier/signatures/ber.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verifier.pdf import rawpdf
from verifier.signatures import ber
from verifier.pdf.layout import Layout

_HEX_GAP = re.compile(rb"<([0-9A-Fa-f]*)>")


@dataclass
class SignatureRef:
    """One signature field with a value, as the document enumerated it."""

    field: str
    layer: int  # layer number, 1-based (DocumentReport.layers[layer - 1])
    ref: tuple[int, int] | None  # the signature dictionary's object number and generation
    sig: object | None  # pyHanko's signature dictionary
    revision: int | None  # revision in which pyHanko says the dictionary was last written


def check(layout: Layout, sig: SignatureRef) -> list[tuple[str, dict]]:
    """Findings (code, params) for one signature; empty when all four rules hold."""
    if sig.sig is None:
        return []
    data = layout.data
    base = {"field": sig.field}
    byte_range, problem = byte_range_of(sig.sig, len(data))
    if problem:
        return [("BYTE_RANGE_INVALID", {**base, "reason": problem})]
    _, a, b, c = byte_range
    found: list[tuple[str, dict]] = []
    contents = _contents(sig.sig)
    gap = data[a:b]
    m = _HEX_GAP.fullmatch(gap)
    if m is None:
        found.append(("SIGNATURE_GAP_INVALID", {**base, "start": a, "end": b,
                                                "reason": f"the excluded bytes begin {_preview(gap)} and are not one hexadecimal string"}))
    elif len(m.group(1)) % 2:
        found.append(("SIGNATURE_GAP_INVALID", {**base, "start": a, "end": b,
                                                "reason": "the hexadecimal string has an odd number of digits"}))
    elif contents is None or bytes.fromhex(m.group(1).decode()) != contents:
        found.append(("SIGNATURE_GAP_INVALID", {**base, "start": a, "end": b,
                                                "reason": "the hexadecimal string is not the /Contents value that was validated"}))
    else:
        hidden, malformed = _after_cms(contents)
        if malformed is None and contents[:1] == b"\x30":
            malformed = ber.cms_shape_problem(contents)
        if malformed:
            found.append(("SIGNATURE_CMS_MALFORMED", {**base, "reason": malformed}))
        if hidden:
            found.append(("SIGNATURE_PADDING_NOT_ZERO", {**base, "start": a, "end": b, "bytes": hidden}))
    placement = _placement(layout, sig, a, b, b + c)
    if placement:
        found.append(("SIGNATURE_DICT_MISPLACED", {**base, "object": sig.ref[0] if sig.ref else None, "reason": placement}))
    found += _revision_mismatch(layout, sig, b + c)
    return found


def _revision_mismatch(layout: Layout, sig: SignatureRef, end: int) -> list[tuple[str, dict]]:
    """Rule 4, by revision as reports count them: the two sections of a linearized file are one
    revision, so its signature dictionary may sit in either."""
    base = {"field": sig.field}
    revision = _revision_ending_at(layout, end)
    if revision is None:
        return [("BYTE_RANGE_REVISION_MISMATCH", {**base, "end": end,
                                                  "reason": "the signed bytes do not end with a %%EOF marker that ends a revision"})]
    signed = layout.revision_number(revision)
    if sig.revision is not None and signed != layout.revision_number(sig.revision):
        return [("BYTE_RANGE_REVISION_MISMATCH", {**base, "end": end,
                                                  "reason": f"the signed bytes end with revision {signed}, the signature "
                                                            f"dictionary belongs to revision {layout.revision_number(sig.revision)}"})]
    return []


def _after_cms(contents: bytes) -> tuple[int, str | None]:
    """(non-zero bytes after the CMS in /Contents, why its end cannot be found). Signers pad the
    reserved space with zeros; anything else there is unsigned data riding inside the signature."""
    if len(contents) < 2 or contents[0] != 0x30:
        return 0, None  # not a SEQUENCE: the layer's own CMS parsing fails it
    first = contents[1]
    if first == 0x80:
        # BER indefinite length (streaming signers): the end is only known by walking to the
        # end-of-contents marker, and if there is none the bytes say so themselves.
        try:
            end = ber.value_end(contents)
        except ber.BerError as exc:
            return 0, str(exc)
    elif first < 0x80:
        end = 2 + first
    else:
        # A definite length states the end; if the content disagrees, the layer's parse fails it.
        n = first & 0x7F
        end = 2 + n + int.from_bytes(contents[2:2 + n], "big")
    return (len(contents[end:].strip(b"\0")) if end < len(contents) else 0), None


def byte_range_of(sig, size: int) -> tuple[list[int] | None, str | None]:
    """Rule 1: ([0, a, b, c], None), or (None, what is wrong with the bytes of /ByteRange)."""
    from pyhanko.pdf_utils import generic

    if not isinstance(sig, generic.DictionaryObject):  # a field's /V naming an array, a number, a string
        return None, f"the signature value is {type(sig).__name__}, not a dictionary"
    try:
        raw = sig.raw_get("/ByteRange")
    except KeyError:
        return None, "/ByteRange is missing"
    if not isinstance(raw, generic.ArrayObject):
        return None, f"/ByteRange is {type(raw).__name__}, not an array"
    if len(raw) != 4:
        return None, f"/ByteRange has {len(raw)} numbers instead of 4"
    values = [raw.raw_get(i) for i in range(4)]
    if not all(isinstance(v, generic.NumberObject) and not isinstance(v, bool) for v in values):
        return None, "/ByteRange holds something other than integers"
    start1, a, b, c = (int(v) for v in values)
    if min(start1, a, b, c) < 0:
        return None, f"/ByteRange [{start1} {a} {b} {c}] has a negative number"
    if start1 != 0:
        return None, f"/ByteRange [{start1} {a} {b} {c}] does not start at the beginning of the file"
    if a == 0 or b < a + 2:
        return None, f"/ByteRange [{start1} {a} {b} {c}] leaves no room for a signature between its ranges"
    if b + c > size:
        return None, f"/ByteRange [{start1} {a} {b} {c}] reaches byte {b + c}, past the end of the file ({size} bytes)"
    return [start1, a, b, c], None


def _contents(sig) -> bytes | None:
    from pyhanko.pdf_utils import generic

    try:
        value = sig.raw_get("/Contents", decrypt=generic.EncryptedObjAccess.RAW)
    except KeyError:
        return None
    if isinstance(value, (generic.ByteStringObject, generic.TextStringObject)):
        return value.original_bytes
    return None


def _placement(layout: Layout, sig: SignatureRef, a: int, b: int, end: int) -> str | None:
    """Why the signature dictionary is not the uncompressed object enclosing the hole."""
    if sig.ref is None:
        return "the signature field's value is not an indirect object"
    num, gen = sig.ref
    loc = layout.location(len(layout.sections) - 1, num, gen)
    if loc is None:
        return f"object {num} is not in use"
    if not isinstance(loc, int):
        return f"object {num} is stored in object stream {loc.obj_stream_id}, where no byte range can exclude its /Contents"
    obj = layout.object_at(loc)
    if not isinstance(obj, rawpdf.IndirectObject) or not isinstance(obj.value, rawpdf.Dict):
        return f"object {num} at byte {loc} cannot be read as a dictionary"
    entries = obj.value.all("/Contents")
    if len(entries) != 1:
        return f"object {num} has {len(entries)} /Contents entries"
    if len(obj.value.all("/ByteRange")) != 1:
        return f"object {num} has {len(obj.value.all('/ByteRange'))} /ByteRange entries"
    contents = entries[0]
    if not isinstance(contents, rawpdf.String) or not contents.hex:
        return f"/Contents of object {num} (byte {contents.start}) is a {'literal string' if isinstance(contents, rawpdf.String) else type(contents).__name__}, not a hexadecimal string"
    if (contents.start, contents.end) != (a, b):
        return f"/Contents of object {num} lies at bytes {contents.start}-{contents.end}, not in the excluded bytes {a}-{b}"
    if not (obj.start < a and b < obj.end <= end):
        return f"object {num} (bytes {obj.start}-{obj.end}) does not lie within the signed bytes"
    return None


def _revision_ending_at(layout: Layout, end: int) -> int | None:
    """The revision whose `%%EOF` (and at most its end of line) the signed bytes end with."""
    for index, (eof, (_, region_end)) in enumerate(zip(layout.eofs, layout.regions)):
        if eof + 5 <= end <= region_end:
            return layout.revision_of_region(index)
    return None


def _preview(raw: bytes) -> str:
    text = raw[:24].decode("latin-1")
    return repr(text + ("…" if len(raw) > 24 else ""))
