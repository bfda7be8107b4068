"""No English sentence made inside the verifier reaches a Vietnamese report, and no Vietnamese one
an English report: role and purpose bases, the changes after signing, revocation sources, a
layer's problem (pyHanko's and Python's messages worded), finding params that are words.

Checked on real signed PDFs (samples/ and the real documents), and through the archive's path:
the JSON report kept in one language, read back and shown in the other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from verifier.report import codes

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
REALDOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "realdocs"

# Words of kyso's and pyHanko's English sentences; none is Vietnamese.
ENGLISH = re.compile(r"\b(the|of|is|was|added|signed|revision|embedded|document|agency|image|over|layer|personal|"
                     r"starts|word|appearance|draws|into|line|field|object|could|not|available|none|right|left|"
                     r"unexplained|replaced|certificate|revoked|expired|truncated|structure|parsed|insufficient|"
                     r"data|error)\b", re.IGNORECASE)
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def _own_words(text: str) -> str:
    """`text` without what was read from the document or a certificate: quoted values, names
    (CN=…), PDF names and paths (/Root/Pages), numbers."""
    text = re.sub(r"'[^']*'", "", text)
    text = re.sub(r"\b[A-Z]{1,12}=[^,)]*", "", text)
    return re.sub(r"/[\w\[\]/.]+", "", text)


def _sentences(layer) -> dict[str, object]:
    out = {"role_basis": layer.role_basis, "purpose_basis": layer.purpose_basis, "problem": layer.problem}
    out.update({f"changes[{i}]": c for i, c in enumerate(layer.changes)})
    if layer.revocation is not None:
        out["revocation.source"] = layer.revocation.source
    if layer.timestamp is not None:
        out["timestamp.problem"] = layer.timestamp.problem
    return {k: v for k, v in out.items() if v is not None}


@pytest.fixture(scope="module")
def reports(sample_trust):
    from verifier.document import verify_pdf

    names = ["plan.pdf", "revoked-signer.pdf", "corrupt-cms.pdf", "expired-signer.pdf", "content-changed.pdf",
             "unsigned-update.pdf", "agency-only.pdf", "seal-elsewhere.pdf", "person-only.pdf", "sha1.pdf"]
    return {n: verify_pdf((SAMPLES / n).read_bytes(), sample_trust, file=n) for n in names}


def _check(report, name):
    wrong = []
    for number, layer in enumerate(report.layers, start=1):
        for key, value in _sentences(layer).items():
            vi, en = codes.say(value, "vi"), codes.say(value, "en")
            if ENGLISH.search(_own_words(vi)):
                wrong.append(f"{name} layer {number} {key} (vi): {vi}")
            if VIETNAMESE.search(_own_words(en)):
                wrong.append(f"{name} layer {number} {key} (en): {en}")
    return wrong


def test_samples_say_their_reasons_in_the_reports_language(reports):
    wrong = [w for name, report in reports.items() for w in _check(report, name)]
    assert not wrong, "\n".join(wrong)


def test_plan_bases_and_changes_are_vietnamese(reports):
    plan = reports["plan.pdf"]
    assert codes.say(plan.layers[0].role_basis, "vi") == "'Trịnh Văn Nam' là tên cá nhân (không có từ chỉ cơ quan, không có mã số tổ chức)"
    assert codes.say(plan.layers[2].purpose_basis, "vi") == "hình thức hiển thị ghi '45' vào chỗ số của '45/KH-SGDĐT'"
    assert codes.say(plan.layers[3].purpose_basis, "vi").endswith("vào dòng ngày tháng (08/03/2022)")
    assert codes.say(plan.layers[0].changes[0], "vi") == "trường chữ ký 'Signature2' được thêm và ký ở phiên bản 3"
    assert str(plan.layers[0].changes[0]) == "signature field 'Signature2' added and signed in revision 3"


def test_a_revoked_certificate_says_where_and_why_in_vietnamese(reports):
    layer = reports["revoked-signer.pdf"].layers[0]
    assert codes.say(layer.revocation.source, "vi") == "CRL nhúng trong tài liệu"
    assert codes.say(layer.problem, "vi") == "CRL cho biết chứng thư số của người ký đã bị thu hồi lúc 01/03/2022 07:00 (lý do: khóa bị lộ)."
    assert "revoked at 00:00:00 on 2022-03-01" in layer.problem_detail  # pyHanko's own, for the details


def test_a_corrupt_cms_is_worded_and_the_library_message_kept_apart(reports):
    from verifier.report.render import render_text

    layer = reports["corrupt-cms.pdf"].layers[0]
    assert codes.say(layer.problem, "vi").startswith("Cấu trúc chữ ký số (CMS) bị cắt cụt")
    assert "Insufficient data" in layer.problem_detail
    text = render_text(reports["corrupt-cms.pdf"], "vi", details=True)
    assert "Insufficient data" not in text and "ValueError" not in text


def test_the_text_report_prints_no_english_words_and_no_none(reports):
    from verifier.report.render import render_text

    text = render_text(reports["plan.pdf"], "vi", details=True)
    assert "Mục đích sử dụng khóa: ký số, chống chối bỏ" in text
    assert "(nguồn: CRL nhúng trong tài liệu" in text
    import copy

    unknown = copy.deepcopy(reports["plan.pdf"])  # algorithms a damaged signature does not name
    unknown.layers[0].digest_algorithm = unknown.layers[0].signature_algorithm = None
    text = render_text(unknown, "vi", details=True)
    assert "None" not in text and "Thuật toán: khóa RSA 2048" in text  # what is unknown is left out


def test_finding_params_that_are_words_follow_the_language(reports):
    seal = next(f for f in reports["seal-elsewhere.pdf"].findings if f.code == "ND30_SEAL_PLACEMENT")
    assert "phía bên phải" in seal.message("vi") and "on the right" in seal.message("en")
    stripped = next(f for f in reports["sha1.pdf"].findings if f.code == "ND30_AGENCY_LAYER_STRIPPED")
    assert "còn để trống số văn bản, ngày ban hành" in stripped.message("vi")
    assert "code_number" not in stripped.message("vi")


def test_an_archived_report_renders_in_the_other_language(reports):
    """The archive keeps the JSON report in English (archive.ingest) and shows it in Vietnamese."""
    import json

    from verifier.report.load import report_from_dict
    from verifier.report.render import render_text

    kept = json.loads(json.dumps(reports["plan.pdf"].to_dict("en"), ensure_ascii=False))
    assert kept["layers"][0]["role_basis"].startswith("CN 'Trịnh Văn Nam' is a personal name")
    assert kept["layers"][0]["changes_vi"][0] == "trường chữ ký 'Signature2' được thêm và ký ở phiên bản 3"
    shown = render_text(report_from_dict(kept), "vi", details=True)
    assert "'Trịnh Văn Nam' là tên cá nhân" in shown and "personal name" not in shown
    assert "trường chữ ký 'Signature2' được thêm và ký ở phiên bản 3" in shown
    # a report kept before both languages were: its one text still renders
    for layer in kept["layers"]:
        for key in [k for k in layer if k.endswith(("_vi", "_en")) and not k.startswith("message")]:
            del layer[key]
    assert "CN 'Trịnh Văn Nam' is a personal name" in render_text(report_from_dict(kept), "vi", details=True)


@pytest.mark.skipif(not (REALDOCS / "50-2026-ND-CP.pdf").exists(), reason="needs ../shared/realdocs")
def test_real_decree_says_its_reasons_in_the_reports_language(real_trust):
    from verifier.document import verify_pdf

    report = verify_pdf((REALDOCS / "50-2026-ND-CP.pdf").read_bytes(), real_trust, file="50-2026-ND-CP.pdf")
    assert not _check(report, "50-2026-ND-CP.pdf")
    assert any("Không tìm thấy thông tin thu hồi" in codes.say(l.problem, "vi") for l in report.layers)


def test_a_digest_the_signature_algorithm_does_not_allow_is_said_as_such():
    """pyHanko's refusal of an Ed448 signature over SHA-512 (its test file ed448-disallowed-hash.pdf,
    rebuilt by a red team) was worded as "no valid certification path", the plain sentence of its
    kind, with the real cause only in the details."""
    from verifier.report.explain import explain

    said, kept = explain("Digest algorithm sha512 does not match value implied by signature algorithm ed448 "
                         "[AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE]", "trust")
    assert said.en == "The digest algorithm sha512 is not the one the signature algorithm ed448 requires." and kept is None
    assert "sha512" in said.vi and "ed448" in said.vi and "certification path" not in said.en
