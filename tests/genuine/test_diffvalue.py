"""Updates judged by value (issue 13, class 5): what signing tools write after a signature and
pyHanko's difference analysis calls a modification, although nothing displayed changed.

Each shape is built with pyHanko and the test PKI (tests/genuine/diffvalue_kit.py); each must
leave the earlier layer PASSED. The attacks each relaxation must still refuse are in
tests/attacks/test_diffvalue.py.
"""

from __future__ import annotations

import pytest

from tests.attacks import kit
from tests.genuine import diffvalue_kit as dk



@pytest.fixture(scope="module")
def signed() -> bytes:
    return kit.sign(kit.base_pdf())


@pytest.fixture(scope="module")
def with_dss(signed) -> bytes:
    """Validation data written by hand after the signature, with a VRI entry for it."""
    return dk.write_dss(signed, certs=dk.der_certs("director", "ca-g2"), crls=dk.der_crls("ca-g2"),
                        vri={dk.vri_key(signed): {}})


def _passes(data: bytes, trust, layers: int = 1):
    report = kit.verify(data, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert len(report.layers) == layers
    for layer in report.layers:
        assert layer.status == "PASSED" and layer.subindication != "MODIFIED_AFTER_SIGNING", kit.explain(report)
    return report


def test_dss_added_by_pyhanko_and_again_after_a_second_signature(trust):
    data = dk.add_dss_pyhanko(kit.sign(kit.base_pdf()))
    data = dk.add_dss_pyhanko(kit.sign(data, "agency", "Signature2"), index=1)
    _passes(data, trust, layers=2)


def test_dss_written_by_hand(with_dss, trust):
    assert _passes(with_dss, trust).layers[0].modification_level == "LTA_UPDATES"


@pytest.fixture(scope="module")
def signed_over_dss(with_dss) -> bytes:
    """A second signature over the validation data: its VRI entries are now signed content
    for pyHanko, which compares every later VRI with this revision's."""
    return kit.sign(with_dss, "agency", "Signature2")


def test_vri_entry_rewritten_with_a_timestamp_in_a_new_dss_object(signed_over_dss, signed, trust):
    """Acrobat and the EU DSS library write the VRI again when they add validation data:
    pyHanko says 'VRI key ... was modified or deleted'."""
    data = dk.write_dss(signed_over_dss, certs=dk.der_certs("agency"), rewrite_vri_entries=True,
                        vri={dk.vri_key(signed): {"/TS": b"0\x03\x02\x01\x00"}, dk.vri_key(signed_over_dss, 1): {}})
    report = _passes(data, trust, layers=2)
    assert report.layers[1].modification_level == "LTA_UPDATES"


def test_dss_rewritten_in_place_with_vri_entries_copied(signed_over_dss, signed, trust):
    data = dk.write_dss(signed_over_dss, certs=[], crls=dk.der_crls("root-g2"), in_place=True, rewrite_vri_entries=True,
                        vri={dk.vri_key(signed): {"/CRL": dk.der_crls("root-g2")}})
    _passes(data, trust, layers=2)


def test_a_form_signed_twice_its_field_untouched(trust):
    """pyHanko lists the text field 'Amount' as changed (its appearance predates the signed
    revision) although none of its objects was written again."""
    base = kit.base_pdf(text_field=True)
    for first in (kit.sign(base), kit.sign(base, certify=2, box=kit.MARGIN_BOX)):
        report = _passes(kit.sign(first, "agency", "Signature2", box=(380, 120, 540, 170)), trust, layers=2)
        assert not any("Amount" in c for c in map(str, report.layers[0].changes)), report.layers[0].changes


def test_page_resources_moved_when_signing(signed, trust):
    w = dk.writer(signed)
    dk.move_resources(w)
    _passes(dk.sign_in(w), trust, layers=2)


def test_page_resources_moved_alone(signed, trust):
    w = dk.writer(signed)
    dk.move_resources(w)
    _passes(dk.written(w), trust)


@pytest.fixture(scope="module")
def choice_certified() -> bytes:
    return kit.sign(dk.choice_pdf(), certify=2, box=kit.MARGIN_BOX)


@pytest.mark.parametrize("mode", ["P=2", "approval"])
def test_choice_selected_with_its_index_then_signed(mode, choice_certified, trust):
    """Filling a combo box writes /V, /I and a new appearance; the next signer signs it in the
    same revision (Acrobat's layout)."""
    first = choice_certified if mode == "P=2" else kit.sign(dk.choice_pdf())
    w = dk.writer(first)
    dk.fill(w, "City", value=dk.OPTIONS[1], index=1)
    report = _passes(dk.sign_in(w), trust, layers=2)
    assert any("'City' filled" in c for c in map(str, report.layers[0].changes)), report.layers[0].changes


def test_text_field_filled_between_two_signatures(choice_certified, trust):
    w = dk.writer(choice_certified)
    dk.fill(w, "Amount", value="2000000")
    filled = dk.written(w)
    report = _passes(kit.sign(filled, "agency", "Signature2", box=(380, 120, 540, 170)), trust, layers=2)
    assert any("'Amount' filled in revision 4, signed over by 'Signature2' in revision 5" in c
               for c in map(str, report.layers[0].changes)), report.layers[0].changes


def test_a_page_written_again_with_its_box_as_reals(signed, trust):
    """`/MediaBox [0 0 595 842]` written again as `[0.0 0.0 595.0 842.0]`: a box is numbers of
    either kind, and every reader reads them alike (an integer and a real differ only where the
    format wants an integer: tests/attacks/test_diffvalue.py)."""
    import re

    page = kit.page_ref(signed)
    body = kit.raw_dict(signed, page)
    reals = re.sub(rb"/MediaBox\s*\[\s*0\s+0\s+595\s+842\s*\]", b"/MediaBox [0.0 0.0 595.0 842.0]", body)
    assert reals != body
    _passes(kit.append_update(signed, [(page, reals)]), trust)
