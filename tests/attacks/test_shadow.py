"""Shadow attacks (Mainka, Mladenov, Rohlmann 2021): the forged content is already in the signed
revision, unused; after signing, an update makes it used. Hide-and-replace: a reference is
re-pointed, /Root swapped for a shadow catalog, an xref entry re-pointed to an older body or
un-freed. Replace: an object the page uses (here the font) is redefined.
"""

from __future__ import annotations

import re

import pytest

from tests.attacks import kit

SHADOW = kit.FORGED_OPS
HONEST = b"BT /F1 12 Tf 72 700 Td (Tong kinh phi: 1.000.000 dong) Tj ET"


@pytest.fixture(scope="module")
def with_shadow():
    """A signed document whose signed revision holds a second content stream, a second page,
    page tree and catalog showing it, and whose catalog lists the signature field that the
    signer's tool was going to create (its number is predictable)."""
    probe = kit.sign(kit.base_pdf(shadow=SHADOW, shadow_root=True, shadow_fields=0))
    field = kit.reader(probe).root["/AcroForm"]["/Fields"].raw_get(0).idnum
    return kit.sign(kit.base_pdf(shadow=SHADOW, shadow_root=True, shadow_fields=field))


def test_the_shadowed_document_is_valid(with_shadow, trust):
    assert kit.verify(with_shadow, trust).verdict == "VALID"


def test_re_pointing_the_page_to_the_shadow_content(with_shadow, trust):
    page = kit.page_ref(with_shadow)
    shadow = kit.find_object(with_shadow, SHADOW)
    page_dict = re.sub(rb"/Contents \d+ 0 R", b"/Contents %d 0 R" % shadow, kit.raw_dict(with_shadow, page))
    report = kit.verify(kit.append_update(with_shadow, [(page, page_dict)]), trust)
    assert report.verdict == "INVALID"
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING" and report.layers[0].changes


def test_swapping_root_for_the_shadow_catalog(with_shadow, trust):
    root = kit.reader(with_shadow).root_ref.idnum
    shadow_catalog = next(int(m.group(1)) for m in re.finditer(rb"(\d+) 0 obj\s*<<\s*/Type /Catalog", with_shadow)
                          if int(m.group(1)) != root)
    forged = kit.append_update(with_shadow, [], root=b"%d 0 R" % shadow_catalog)
    assert SHADOW in kit.reader(forged).root["/Pages"]["/Kids"][0]["/Contents"].data  # the swap works
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"


@pytest.fixture(scope="module")
def honest_over_old(base):
    """rev 1: the content stream says what the attacker wants; rev 2 (before signing): the
    honest text in a new body of the same object; rev 3: the signature."""
    content = kit.page_content_ref(base)
    first = kit.replace_object(base, content, kit.content_stream(SHADOW))
    honest = kit.replace_object(first, content, kit.content_stream(HONEST))
    return kit.sign(honest), kit.object_offset(first, content)


def test_re_pointing_an_xref_entry_to_an_older_body(honest_over_old, trust):
    signed, old_offset = honest_over_old
    assert kit.verify(signed, trust).verdict == "VALID"
    content = kit.page_content_ref(signed)
    # an update of one xref entry and nothing else
    forged = kit.append_update(signed, [], extra_entries={content: (old_offset, 0, "n")})
    assert SHADOW in kit.reader(forged).root["/Pages"]["/Kids"][0]["/Contents"].data
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    finding = next(f for f in report.findings if f.code == "XREF_POINTS_OUTSIDE_REVISION")
    assert finding.params["object"] == f"{content} 0" and finding.params["target_revision"] == 2


def test_un_freeing_a_signed_body(base, trust):
    """The shadow stream is freed before signing; after signing, its entry is made in use again
    at its old offset and the page is pointed at it."""
    shadowed = kit.base_pdf(shadow=SHADOW)
    shadow = kit.find_object(shadowed, SHADOW)
    offset = kit.object_offset(shadowed, shadow)
    freed = kit.append_update(shadowed, [], extra_entries={shadow: (0, 1, "f")})
    signed = kit.sign(freed)
    assert kit.verify(signed, trust).verdict == "VALID"
    page = kit.page_ref(signed)
    page_dict = re.sub(rb"/Contents \d+ 0 R", b"/Contents %d 0 R" % shadow, kit.raw_dict(signed, page))
    forged = kit.append_update(signed, [(page, page_dict)], extra_entries={shadow: (offset, 0, "n")})
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID"
    assert {"XREF_POINTS_OUTSIDE_REVISION", "STRICT_PARSE_DEVIATION_AFTER_SIGNING"} <= kit.codes(report), kit.explain(report)


def test_replacing_the_font(approval, trust):
    """Same text, other glyphs: a font redefined after signing changes what the bytes show."""
    font = kit.find_object(approval, b"/BaseFont /Helvetica")
    redefined = kit.raw_dict(approval, font).replace(b"/Helvetica", b"/Courier").replace(b"556", b"600")
    report = kit.verify(kit.append_update(approval, [(font, redefined)]), trust)
    assert report.verdict == "INVALID"
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
