"""Universal signature forgery (USF): a signature dictionary whose /Contents or /ByteRange is
missing or nonsense, so that a careless verifier skips the check and shows a signature panel.

Two carriers: the dictionary of a genuine signature rewritten by an update, and a brand-new
signature field added to an unsigned document with a real CMS copied from elsewhere.
"""

from __future__ import annotations

import re

import pytest

from tests.attacks import kit

CONTENTS = {
    "missing": b"",
    "null": b"/Contents null",
    "empty": b"/Contents <>",
    "one zero byte": b"/Contents <00>",
    "array": b"/Contents [<3082>]",
}
BYTE_RANGES = {
    "missing": b"",
    "null": b"/ByteRange null",
    "empty array": b"/ByteRange []",
    "zeros": b"/ByteRange [0 0 0 0]",
    "negative": b"/ByteRange [0 -1 100 -5]",
    "past the end": b"/ByteRange [0 100 200 99999999]",
    "six numbers": b"/ByteRange [0 100 200 300 400 500]",
    "not from zero": b"/ByteRange [10 100 200 300]",
    "reals": b"/ByteRange [0 100.0 200 300]",
}
_CONTENTS = re.compile(rb"/Contents\s*<[0-9A-Fa-f]*>")
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[[^\]]*\]")


def _rewrite(sig_dict: bytes, contents: bytes | None = None, byte_range: bytes | None = None) -> bytes:
    if contents is not None:
        sig_dict = _CONTENTS.sub(contents.replace(b"\\", b"\\\\"), sig_dict)
    if byte_range is not None:
        sig_dict = _BYTE_RANGE.sub(byte_range, sig_dict)
    return sig_dict


def rewritten(signed: bytes, **change) -> bytes:
    """An update that rewrites the genuine signature dictionary."""
    num = kit.sig_object_ref(signed)
    return kit.append_update(signed, [(num, _rewrite(kit.raw_dict(signed, num), **change))])


def new_field(unsigned: bytes, donor: bytes, **change) -> bytes:
    """An unsigned document given a signature field whose dictionary is the donor's, changed."""
    sig_dict = _rewrite(kit.raw_dict(donor, kit.sig_object_ref(donor)), **change)

    def build(n, page):
        return [sig_dict, b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V %d 0 R /F 132 "
                          b"/Rect [0 0 0 0] /P %d 0 R >>" % (n, page)]

    return kit.add_annotation(unsigned, build, field=True)


@pytest.mark.parametrize("name", CONTENTS)
@pytest.mark.parametrize("carrier", ["rewritten", "new field"])
def test_contents_variants_are_invalid(name, carrier, base, approval, trust):
    forged = rewritten(approval, contents=CONTENTS[name]) if carrier == "rewritten" else \
        new_field(base, approval, contents=CONTENTS[name])
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers and report.layers[-1].status == "FAILED"
    assert report.layers[-1].subindication == "FORMAT_FAILURE", kit.explain(report)
    # the excluded bytes are not this dictionary's /Contents (or, in the new field, the donor's
    # byte range does not even fit the file)
    expected = {"SIGNATURE_GAP_INVALID", "SIGNATURE_DICT_MISPLACED"} if carrier == "rewritten" else {"BYTE_RANGE_INVALID"}
    assert expected <= kit.codes(report), kit.explain(report)


@pytest.mark.parametrize("name", BYTE_RANGES)
@pytest.mark.parametrize("carrier", ["rewritten", "new field"])
def test_byte_range_variants_are_invalid(name, carrier, base, approval, trust):
    forged = rewritten(approval, byte_range=BYTE_RANGES[name]) if carrier == "rewritten" else \
        new_field(base, approval, byte_range=BYTE_RANGES[name])
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[-1].status == "FAILED"
    assert report.layers[-1].subindication in ("FORMAT_FAILURE", "HASH_FAILURE")
    finding = next(f for f in report.findings if f.code == "BYTE_RANGE_INVALID")
    assert finding.layer == len(report.layers) and finding.params["field"] == "Signature1"


def test_a_copied_signature_in_a_new_field_is_invalid(base, approval, trust):
    """The whole genuine dictionary, byte range and all, moved into another document."""
    report = kit.verify(new_field(base, approval), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication in ("HASH_FAILURE", "FORMAT_FAILURE")
    assert "SIGNATURE_GAP_INVALID" in kit.codes(report) or "BYTE_RANGE_INVALID" in kit.codes(report)


@pytest.mark.parametrize("hidden", [b"41", b"4b59534f", b"ff" * 40])
def test_data_hidden_in_the_signature_padding_is_invalid(approval, trust, hidden):
    """The space reserved for /Contents beyond the CMS is unsigned: the signature still verifies
    when it is filled with other bytes, so anything but zero padding is data nobody signed."""
    m = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", approval)
    hex_digits = m.group(1)
    stripped = hex_digits.rstrip(b"0")
    assert len(hex_digits) - len(stripped) > len(hidden) + 2, "the sample must have zero padding to fill"
    end = m.start(1) + len(stripped) + (len(stripped) % 2)  # keep whole bytes of the CMS
    forged = approval[:end] + hidden + approval[end + len(hidden):]
    assert len(forged) == len(approval)
    report = kit.verify(forged, trust)
    assert report.layers[0].status == "PASSED", kit.explain(report)  # the CMS itself is intact
    assert report.verdict == "INVALID"
    assert "SIGNATURE_PADDING_NOT_ZERO" in kit.codes(report)
