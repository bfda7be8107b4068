"""The rendered comparison as the backstop (verifier.signatures.displayed): a change that the
rules about objects do not see still fails the layer when a viewer shows it.

To stand for "a class nobody has published yet", the forgeries are judged with a difference
policy that permits every object change (a real pyHanko DiffPolicy, through pyHanko's own
validation): only the pixels can refuse them then.
"""

from __future__ import annotations

import pytest

from tests.attacks import kit
from verifier.document import verify_pdf


class _PermitsEverything:
    """A difference policy blind to every change, as kyso's rules are to an unpublished class."""

    def review_file(self, reader, base_revision, field_mdp_spec=None, doc_mdp=None):
        from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel

        return DiffResult(ModificationLevel.LTA_UPDATES, set())

    def apply(self, old, new, field_mdp_spec=None, doc_mdp=None):
        raise NotImplementedError


BLIND = _PermitsEverything()


def _redrawn(signed: bytes, old: bytes, new: bytes) -> bytes:
    from pyhanko.pdf_utils.generic import Reference

    content = kit.page_content_ref(signed)
    ops = kit.reader(signed).get_object(Reference(content, 0)).data
    assert old in ops
    return kit.replace_object(signed, content, kit.content_stream(ops.replace(old, new)))


@pytest.mark.parametrize("mode", ["approval", "P=2"])
def test_a_digit_changed_where_no_rule_looks_fails_the_layer(mode, signed_by_mode, trust):
    signed = signed_by_mode[mode]
    assert verify_pdf(signed, trust, diff_policy=BLIND).verdict == "VALID"
    forged = _redrawn(signed, b"31/03/2022", b"31/03/2029")
    report = verify_pdf(forged, trust, diff_policy=BLIND)
    assert report.verdict == "INVALID", kit.explain(report)
    layer = report.layers[0]
    assert layer.status == "FAILED" and layer.subindication == "MODIFIED_AFTER_SIGNING"
    [finding] = [f for f in report.findings if f.code == "RENDERED_DIFFERENCE"]
    x1, y1, x2, y2 = finding.params["rect"]
    assert finding.layer == 1 and finding.params["page"] == 1
    assert x1 < 72 + 30 * 556 * 12 / 1000 < x2 and y1 <= 670 + 10 and y2 >= 670  # the date's line, last digit
    [image] = report.images
    assert image["before"].startswith(b"\x89PNG") and image["after"].startswith(b"\x89PNG")
    assert "images" not in report.to_dict()


def test_a_later_trusted_signature_is_explained(approval, trust):
    """The later layer's own widget is what it may draw: no difference is reported for it."""
    signed = kit.sign(approval, "agency", "Signature2", box=kit.AMOUNT_BOX)
    report = verify_pdf(signed, trust, diff_policy=BLIND)
    assert report.verdict == "VALID", kit.explain(report)
    assert "RENDERED_DIFFERENCE" not in kit.codes(report)


def test_a_change_under_a_later_signature_widget_is_explained_only_there(approval, trust):
    """For the first layer, a change inside the rectangle the later trusted signer draws is
    explained (what shows there is the later layer's appearance and the overlap warning's
    business); the later layer, which signed that content too, sees it. Outside, both do."""
    signed = kit.sign(approval, "agency", "Signature2", box=kit.AMOUNT_BOX)
    inside = _redrawn(signed, b"1.000.000", b"9.000.000")
    report = verify_pdf(inside, trust, diff_policy=BLIND)
    assert [f.layer for f in report.findings if f.code == "RENDERED_DIFFERENCE"] == [2]
    outside = _redrawn(signed, b"SO GIAO DUC", b"SO GIAO DUX")
    report = verify_pdf(outside, trust, diff_policy=BLIND)
    assert [f.layer for f in report.findings if f.code == "RENDERED_DIFFERENCE"] == [1, 2]
