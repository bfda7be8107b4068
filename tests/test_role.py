"""Person or agency, from the names a Vietnamese CA writes (no OID tells them apart): each rule
with the look-alike it must not confuse."""

from __future__ import annotations

import pytest

from verifier.decree30.role import classify
from verifier.report.model import Signer


@pytest.mark.parametrize("signer, role", [
    (Signer(common_name="Sở Giáo dục và Đào tạo"), "agency"),
    (Signer(common_name="UBND tỉnh Thử Nghiệm"), "agency"),
    (Signer(common_name="Trường Tiểu học Kim Đồng"), "agency"),
    # folded, "Trương" would equal "Trường" and "Bồ" would equal "Bộ": these are surnames
    (Signer(common_name="Trương Văn Nam"), "person"),
    (Signer(common_name="Bồ Thị Lan"), "person"),
    (Signer(common_name="Phòng Nội vụ (M)"), "agency"),
    # the UID decides before the name does
    (Signer(common_name="Nguyễn Văn A", uid="MST:0101234567"), "agency"),
    (Signer(common_name="Sở Tài chính", uid="CCCD:001099000001"), "person"),
    # an agency whose CN has no agency word but repeats its organisation
    (Signer(common_name="Kiểm toán nhà nước", organization="KIỂM TOÁN NHÀ NƯỚC"), "agency"),
    (Signer(common_name="Trịnh Văn Nam", organization="Sở Giáo dục và Đào tạo"), "person"),
])
def test_person_or_agency(signer, role):
    decided, basis = classify(signer)
    assert decided == role
    assert basis  # the report says why
