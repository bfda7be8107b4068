"""Red-team attacks on issue 13's relaxations (value comparison, SubFilter formats, several
SignerInfos, BER, linearization, leniency on the original). Each test asserts the correct
refusal; the ones kyso does not refuse yet are strict xfails that record the hole."""

from __future__ import annotations

import re

import pytest

from tests.attacks import kit


@pytest.fixture(scope="module")
def signed() -> bytes:
    return kit.sign(kit.base_pdf())


def _refused(data: bytes, trust):
    report = kit.verify(data, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    return report


def _page_with(signed: bytes, old: bytes, new: bytes) -> tuple[int, bytes]:
    page = kit.page_ref(signed)
    body = kit.raw_dict(signed, page)
    changed = re.sub(old, new, body)
    assert changed != body
    return page, changed


# --- value comparison (verifier/signatures/diff/values.py) ---------------------------------------

@pytest.mark.xfail(strict=True, reason="values.Comparison keys its cycle memo by (old ref, new ref) with None for a "
                   "direct value: a second direct value compared with the same new object is assumed equal")
def test_mediabox_shrunk_through_one_object_compared_twice(signed, trust):
    # the signed page's /MediaBox [0 0 595 842] written again as [0 0 N N] with N = 595: the pair
    # (direct 595, N) is compared and equal, then (direct 842, N) is "met again" and assumed equal.
    # Every viewer crops the page to 595 x 595: the title, the plan number and the amount vanish.
    _, size, _ = kit.trailer_info(signed)
    page, body = _page_with(signed, rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 %d 0 R %d 0 R]" % (size, size))
    _refused(kit.append_update(signed, [(page, body), (size, b"595")]), trust)


def test_mediabox_shrunk_directly(signed, trust):
    # the control of the attack above: the same change written plainly is refused
    page, body = _page_with(signed, rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 595 595]")
    _refused(kit.append_update(signed, [(page, body)]), trust)
