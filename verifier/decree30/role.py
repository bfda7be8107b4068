"""Whether a signing certificate belongs to a person (the competent signer) or to an agency (its
digital seal). No OID separates the two in the Vietnamese PKIs (docs/pki.md §4), so the decision
is read from the names the CA wrote, and its basis is reported beside it."""

from __future__ import annotations

import re
import unicodedata

from verifier.report.codes import Phrase
from verifier.report.model import Signer
from verifier.vietnam import fold

# Words that open an agency's name, compared case-insensitively but WITH diacritics: folded,
# "Trường" (school) would equal the surname "Trương" and "Bộ" (ministry) the surname "Bồ".
AGENCY_WORDS = tuple(
    unicodedata.normalize("NFC", w).casefold()
    for w in (
        "Sở", "Ủy ban", "Uỷ ban", "UBND", "Cục", "Bộ", "Ban", "Văn phòng", "Phòng", "Trường",
        "Trung tâm", "Chi cục", "Bệnh viện", "Tổng cục", "Chính phủ", "Cổng thông tin", "Hội đồng",
        "Quốc hội", "Tòa án", "Toà án", "Viện kiểm sát", "Kho bạc", "Thanh tra", "Học viện",
        "Đại học", "Tỉnh ủy", "Tỉnh uỷ", "Thành ủy", "Thành uỷ", "Huyện ủy", "Huyện uỷ", "Đảng ủy",
        "Đảng uỷ", "Công an", "Bộ Chỉ huy", "Đài", "Công ty", "Tập đoàn", "Ngân hàng", "Viện",
    )
)
# The UID of Vietnamese certificates carries a tax or budget-unit number for an organisation and
# an identity-card number for a person.
_ORG_ID = re.compile(r"\b(MST|MNS)\s*:", re.IGNORECASE)
_PERSON_ID = re.compile(r"\b(CMND|CCCD|HC)\s*:", re.IGNORECASE)


def classify(signer: Signer) -> tuple[str, Phrase]:
    """('person' | 'agency', the basis of the decision)."""
    uid = signer.uid or ""
    if _ORG_ID.search(uid):
        return "agency", Phrase(f"trường UID ghi mã số của tổ chức ({uid})",
                                f"UID carries an organisation identifier ({uid})")
    cn = signer.common_name or ""
    if _PERSON_ID.search(uid):
        return "person", Phrase(f"trường UID ghi số giấy tờ tùy thân của cá nhân ({uid})",
                                f"UID carries a personal identifier ({uid})")
    name = " ".join(unicodedata.normalize("NFC", cn.removesuffix("(M)")).casefold().split())
    for word in AGENCY_WORDS:
        if name == word or name.startswith(word + " "):
            return "agency", Phrase(f"tên người ký '{cn}' bắt đầu bằng từ chỉ cơ quan '{word.upper()}'",
                                    f"CN '{cn}' starts with the agency word '{word.upper()}'")
    for other in [signer.organization or "", *signer.organizational_units]:
        if other and fold(other) == fold(name):
            return "agency", Phrase(f"tên người ký '{cn}' trùng với tên cơ quan, đơn vị (O/OU) '{other}'",
                                    f"CN '{cn}' equals the O/OU value '{other}'")
    return "person", Phrase(f"'{cn}' là tên cá nhân (không có từ chỉ cơ quan, không có mã số tổ chức)",
                            f"CN '{cn}' is a personal name (no agency word, no organisation identifier)")
