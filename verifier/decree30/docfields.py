"""The Decree 30/2020 Appendix VI fields, read from the text of an administrative document.

Pure functions over lines of text, so that each rule can be tested on a few lines: the header's
two columns (left: parent body, issuing agency, `Số: 45/KH-SGDĐT`, `V/v …`; right: the national
title and `<place>, ngày … tháng … năm …`), the title block (type name in capitals, then the
subject), and the footer (`Nơi nhận:` with the recipients on the left; authority, position and
name of the signer on the right). Where the lines come from (which page, which signature
appearance) is the caller's business (verifier.decree30.metadata): each field returned here says which
line and which characters of it it was read from.

Everything is normalised to NFC first (Word output mixes in NFD); comparisons also fold the two
tone-mark placements (Hòa/Hoà, Thủy/Thuỷ) and, where said, the diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from verifier.vietnam import fold, nfc

# --- type names and codes (Decree 30/2020 Appendix III; Law 80/2015 for normative documents) ---

TYPE_CODES: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền", "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi", "PC": "Phiếu chuyển", "PB": "Phiếu báo", "SY": "Bản sao y", "SL": "Bản sao lục",
    "TrS": "Bản trích sao",
    # normative documents: number/year/code-issuer
    "NĐ": "Nghị định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch", "NQLT": "Nghị quyết liên tịch",
    "PL": "Pháp lệnh", "L": "Lệnh", "VBHN": "Văn bản hợp nhất",
}
# Printed type names that have no code of their own, or whose code is not in the notation.
OTHER_TYPE_NAMES = ("Luật", "Bộ luật", "Hiến pháp", "Công văn", "Phụ lục", "Giấy xác nhận", "Giấy chứng nhận",
                    "Thông tư liên tịch", "Nghị quyết liên tịch", "Văn bản hợp nhất")
CONG_VAN = "Công văn"

URGENCY = ("Hỏa tốc", "Thượng khẩn", "Khẩn")
SECRECY = ("Tuyệt mật", "Tối mật", "Mật")

# --- normalisation ------------------------------------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
# Old-style tone placement on the second vowel of a final oa/oe/uy (hoà, thuỷ) moved onto the
# first (hòa, thủy); "qu" is a consonant, so quả/quý are left alone.
_OLD_STYLE = re.compile(r"(?<![qQ])([oO])([aAeE])([" + _TONES + r"])(?![^\W\d_])|(?<![qQ])([uU])([yY])([" + _TONES + r"])(?![^\W\d_])")


def canon(text: str) -> str:
    """NFC with one tone placement (Hoà → Hòa, Thuỷ → Thủy) and single spaces."""
    decomposed = unicodedata.normalize("NFD", text or "")
    moved = _OLD_STYLE.sub(lambda m: (m.group(1) + m.group(3) + m.group(2)) if m.group(1) else (m.group(4) + m.group(6) + m.group(5)), decomposed)
    return " ".join(unicodedata.normalize("NFC", moved).split())


def same_text(a: str | None, b: str | None) -> bool:
    """Equal after NFC, tone placement and case folding; failing that, without diacritics."""
    if not a or not b:
        return False
    ca, cb = canon(a).casefold(), canon(b).casefold()
    return ca == cb or fold(a) == fold(b)


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def is_decoration(line: str) -> bool:
    s = line.strip()
    return not s or bool(re.fullmatch(r"[-_=–—.*~·•\s]+", s))


# Agency names printed in capitals, recased (Decree 30/2020 Appendix II): the agency word keeps
# its capital, each phrase of the specific name starts with one (phrases are split by "và"),
# place names after tỉnh/huyện/… are capitalised word by word, proper names are fixed.
_PROPER = ("Chính phủ", "Quốc hội", "Nhà nước", "Đảng", "Việt Nam", "Hồ Chí Minh", "Mặt trận Tổ quốc Việt Nam")
_AGENCY_WORDS = ("Ủy ban nhân dân", "Uỷ ban nhân dân", "Hội đồng nhân dân", "Tòa án nhân dân", "Toà án nhân dân",
                 "Viện kiểm sát nhân dân", "Cổng thông tin điện tử", "Văn phòng", "Ủy ban", "Uỷ ban", "Tổng cục",
                 "Chi cục", "Trung tâm", "Bệnh viện", "Học viện", "Đại học", "Sở", "Bộ", "Cục", "Ban", "Vụ",
                 "Phòng", "Trường", "Viện", "Hội đồng", "Tòa án", "Toà án", "Kho bạc", "Thanh tra", "Công an")
_PLACE_WORDS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường")
_PLAIN = ("xã hội",)  # words that look like a place word but are not one
_ROMAN = re.compile(r"[IVXLC]+")
_ACRONYMS = {"UBND", "HĐND", "THPT", "THCS", "GDĐT", "TTĐT", "KHCN", "MTTQ", "TNHH", "CP"}
_VOWELS = set("AĂÂEÊIOÔƠUƯYÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ")


def _is_acronym(word: str) -> bool:
    core = word.strip("(),.;:")
    if len(core) < 2 or not core.isupper():
        return False
    return core in _ACRONYMS or bool(_ROMAN.fullmatch(core)) or not (set(core) & _VOWELS) or any(c.isdigit() for c in core)


def _phrase(words: list[str], i: int, phrases) -> str | None:
    for phrase in sorted(phrases, key=lambda p: -len(p.split())):
        n = len(phrase.split())
        if canon(" ".join(words[i:i + n])).casefold() == canon(phrase).casefold():
            return phrase
    return None


def recase(name: str) -> str:
    """An agency name printed in capitals, as it is written in running text:
    `SỞ GIÁO DỤC VÀ ĐÀO TẠO` → `Sở Giáo dục và Đào tạo`, `UBND TỈNH BÌNH PHƯỚC` → `UBND tỉnh Bình
    Phước`. A heuristic: callers prefer a spelling found elsewhere in the document."""
    text = " ".join(nfc(name).split())
    if not text or not is_upper(text):
        return text
    words = text.split(" ")
    out: list[str] = []
    i = 0
    capital_next, place = True, False
    while i < len(words):
        plain = _phrase(words, i, _PLAIN)
        proper = None if plain else _phrase(words, i, _PROPER)
        agency = None if plain or proper else _phrase(words, i, _AGENCY_WORDS)
        place_word = None if plain or proper or agency else _phrase(words, i, _PLACE_WORDS)
        if proper:
            out.extend(proper.split())
            i += len(proper.split())
            capital_next, place = False, False
            continue
        if agency:
            parts = agency.split()
            out.extend([parts[0] if (not out or capital_next) else parts[0].lower()] + parts[1:])
            i += len(parts)
            capital_next, place = True, False
            continue
        if place_word:
            out.extend(place_word.split())
            i += len(place_word.split())
            capital_next, place = False, True
            continue
        w = words[i]
        low = w.lower()
        if _is_acronym(w):
            out.append(w)
        elif low in ("và", "của", "các", "về", "thuộc"):
            out.append(low)
            capital_next, place = True, False
        elif place or capital_next:
            out.append(w[:1] + w[1:].lower())
            capital_next = False
        else:
            out.append(low)
        i += 1
    result = " ".join(out)
    return result[:1].upper() + result[1:]


# --- fields -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """A value and where it was read: the block ('left', 'right', 'body', 'footer_left',
    'footer_right' or any name the caller used), the line's index in it, and the characters."""

    value: object
    block: str
    line: int
    start: int = 0
    end: int = 0


_NUMBER = re.compile(
    r"^\s*(?:(?:Bộ\s+)?[Ll]uật\s+|[Pp]háp\s+lệnh\s+|[Ll]ệnh\s+)?[Ss][ốỐ]\s*(?:[Kk][ýÝ]\s*hiệu)?\s*[:.]?\s*(?P<num>[0-9]{1,6}[A-Za-z]?)?(?P<blank>[\s.…_]*)\s*/\s*(?P<rest>\S.*?)\s*$"
)
_DATE = re.compile(
    r"(?P<place>[^,;:]{2,60}?)\s*,\s*ngày\s*(?P<d>[0-9]{1,2})?[\s.…_/]*tháng\s*(?P<m>[0-9]{1,2})?[\s.…_/]*năm\s*(?P<y>[0-9]{4})?",
    re.IGNORECASE,
)
_VV = re.compile(r"^\s*(?:V/v|V/V|v/v|Về việc)\s*[:.]?\s*(?P<subject>.*)$")


def parse_number(text: str) -> dict | None:
    """`Số: 45/KH-SGDĐT` → number '45', notation 'KH-SGDĐT', type code 'KH'; `Số: 50 /2026/NĐ-CP`
    → notation '2026/NĐ-CP' (normative: the year travels with the notation), year 2026, code 'NĐ';
    `Số: 123/SGDĐT-VP` (công văn) → code None; `Số:    /TTr-BTNMT` (draft) → number None."""
    m = _NUMBER.match(nfc(text))
    if not m:
        return None
    rest = m.group("rest")
    notation = re.sub(r"\s*([-/])\s*", r"\1", rest).strip(" .;,")
    notation = notation.split("   ")[0]
    number = m.group("num")  # as printed: 01 and 03 keep their zero
    year = None
    ym = re.match(r"^(\d{4})/(.*)$", notation)
    if ym:
        year = int(ym.group(1))
    return {
        "number": number,
        "notation": notation,
        "year": year,
        "type_code": type_code(notation),
        "span": (m.start("rest"), m.end("rest")),
        "number_span": (m.start("num"), m.end("num")) if number is not None else None,
    }


def type_code(notation: str | None) -> str | None:
    """The type code a notation opens with, if it is a known one (case-sensitive first)."""
    if not notation:
        return None
    body = re.sub(r"^\d{4}/", "", notation)
    head = body.split("-")[0].strip()
    if "-" not in body:
        return None
    if head in TYPE_CODES:
        return head
    for code in TYPE_CODES:
        if code.casefold() == head.casefold() and len(head) > 1:
            return code
    return None


def type_name_of_code(code: str | None) -> str | None:
    return TYPE_CODES.get(code) if code else None


def code_of_type_name(name: str | None) -> list[str]:
    """The codes a type name may carry (Quyết định → QĐ)."""
    if not name:
        return []
    return [c for c, n in TYPE_CODES.items() if same_text(n, name)]


def _all_type_names() -> list[str]:
    names = list(dict.fromkeys(list(TYPE_CODES.values()) + list(OTHER_TYPE_NAMES)))
    names += ["Bản thoả thuận", "Giấy uỷ quyền", "Quy định"]
    return sorted(names, key=lambda n: -len(n))


def match_type_name(line: str) -> tuple[str, str] | None:
    """A title line in capitals naming a document type: (type name, the rest of the line)."""
    s = " ".join(nfc(line).split())
    if not s or not is_upper(s):
        return None
    for name in _all_type_names():
        if name in ("Bản sao y", "Bản sao lục", "Bản trích sao"):
            continue
        n = len(name)
        head = s[:n]
        if same_text(head, name) and (len(s) == n or s[n] == " "):
            canonical = next((v for v in TYPE_CODES.values() if same_text(v, name)), name)
            return canonical, s[n:].strip()
    return None


def parse_date_line(text: str) -> dict | None:
    """`Bình Phước, ngày 08 tháng 3 năm 2022` → place, date; blanks in drafts give no date."""
    s = nfc(text)
    # the search tries every start with up to 60 characters of place name: 0.3 ms on a long
    # line of running text, which mostly has no `ngày` (no letter of it has an odd case fold)
    if "ngày" not in s.lower():
        return None
    m = _DATE.search(s)
    if not m:
        return None
    place = " ".join(m.group("place").split()).strip(" -–")
    d, mo, y = m.group("d"), m.group("m"), m.group("y")
    value = None
    if d and mo and y:
        try:
            value = date(int(y), int(mo), int(d))
        except ValueError:
            value = None
    return {
        "place": place or None,
        "date": value,
        "year": int(y) if y else None,
        "place_span": (m.start("place"), m.end("place")),
        "date_span": (m.start("d") if d else m.end("place"), m.end()),
        "blank": value is None,
    }


def _mark(line: str) -> tuple[str, str] | None:
    s = fold(re.sub(r"[^\w\s]", " ", line))
    for mark in URGENCY:
        if s == fold(mark):
            return "urgency", mark
    for mark in SECRECY:
        if s == fold(mark):
            return "secrecy", mark
    if s in ("hoa toc hen gio",):
        return "urgency", "Hỏa tốc"
    return None


def is_draft_mark(line: str) -> bool:
    return bool(re.fullmatch(r"(du thao)( (lan )?\d+| \(.*\))?", fold(line)))


_CONTINUES = ("VÀ ", "TỈNH ", "THÀNH PHỐ ", "HUYỆN ", "QUẬN ", "XÃ ", "PHƯỜNG ", "THỊ XÃ ", "THỊ TRẤN ",
              "KHÓA ", "KHOÁ ", "CỦA ", "TẠI ", "- ", "(", "NHIỆM KỲ")


def _continues(line: str) -> bool:
    s = nfc(line).strip()
    return bool(s) and (s[0].islower() or any(canon(s).upper().startswith(canon(p)) for p in _CONTINUES))


def parse_header(left: list[str], right: list[str], left_bold: list[bool] | None = None) -> dict[str, Field]:
    """Fields of a header given as its two columns, top to bottom."""
    left = [nfc(x) for x in left]
    right = [nfc(x) for x in right]
    out: dict[str, Field] = {}
    number_at = None
    for i, line in enumerate(left):
        parsed = parse_number(line)
        if parsed:
            number_at = i
            out["code_notation"] = Field(parsed["notation"], "left", i, *parsed["span"])
            if parsed["number_span"]:
                out["code_number"] = Field(parsed["number"], "left", i, *parsed["number_span"])
            else:
                out["code_number"] = Field(None, "left", i, 0, 0)
            if parsed["type_code"]:
                out["type_code"] = Field(parsed["type_code"], "left", i, *parsed["span"])
            if parsed["year"]:
                out["notation_year"] = Field(parsed["year"], "left", i, *parsed["span"])
            break
    organ_end = number_at if number_at is not None else len(left)
    organ_lines = [(i, left[i]) for i in range(organ_end) if not is_decoration(left[i]) and not _mark(left[i])
                   and not is_draft_mark(left[i])]
    if organ_lines:
        parent, organ = _split_organ(organ_lines, left_bold)
        if organ:
            out["organ_name_printed"] = Field(" ".join(t for _, t in organ), "left", organ[0][0], 0, len(organ[0][1]))
        if parent:
            out["parent_organ_printed"] = Field(" ".join(t for _, t in parent), "left", parent[0][0], 0, len(parent[0][1]))
    if number_at is not None:
        vv_lines: list[tuple[int, str]] = []
        for i in range(number_at + 1, len(left)):
            line = left[i]
            if is_decoration(line) or _mark(line):
                if vv_lines and is_decoration(line):
                    break
                continue
            m = _VV.match(line)
            if m and not vv_lines:
                vv_lines.append((i, m.group("subject")))
            elif vv_lines:
                vv_lines.append((i, line.strip()))
        if vv_lines:
            text = " ".join(t for _, t in vv_lines if t).strip()
            out["subject_vv"] = Field(" ".join(text.split()), "left", vv_lines[0][0], 0, len(left[vv_lines[0][0]]))
    for block, lines in (("right", right), ("left", left)):
        for i, line in enumerate(lines):
            parsed = parse_date_line(line)
            if parsed and "issued_date" not in out:
                if parsed["place"]:
                    out["place"] = Field(parsed["place"], block, i, *parsed["place_span"])
                out["issued_date"] = Field(parsed["date"], block, i, *parsed["date_span"])
                if parsed["year"]:
                    out["issued_year"] = Field(parsed["year"], block, i, *parsed["date_span"])
                break
    marks = _marks([("left", i, x) for i, x in enumerate(left)] + [("right", i, x) for i, x in enumerate(right)])
    out.update(marks)
    if any(is_draft_mark(x) for x in left + right):
        i, block = next((i, b) for b, lines in (("right", right), ("left", left)) for i, x in enumerate(lines) if is_draft_mark(x))
        out["draft"] = Field(True, block, i)
    national = any(fold("cộng hòa xã hội chủ nghĩa việt nam") in fold(x) for x in right + left)
    if national:
        out["national_title"] = Field(True, "right", 0)
    return out


def _marks(lines: list[tuple[str, int, str]]) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for block, i, line in lines:
        found = _mark(line)
        if found and found[0] not in out:
            out[found[0]] = Field(found[1], block, i, 0, len(line))
    return out


def _split_organ(lines: list[tuple[int, str]], bold: list[bool] | None):
    """(parent lines, agency lines): the agency is printed in bold under its parent body."""
    if len(lines) == 1:
        return [], lines
    if bold is not None and len(bold) >= max(i for i, _ in lines) + 1:
        flags = [bold[i] for i, _ in lines]
        if any(flags) and not all(flags):
            first_bold = flags.index(True)
            if all(flags[first_bold:]) and first_bold > 0:
                return lines[:first_bold], lines[first_bold:]
        if all(flags) and not any(_continues(t) for _, t in lines[1:]):
            pass  # fall through to the continuation rule
    groups: list[list[tuple[int, str]]] = []
    for item in lines:
        if groups and _continues(item[1]):
            groups[-1].append(item)
        else:
            groups.append([item])
    if len(groups) == 1:
        return [], groups[0]
    parent = [x for g in groups[:-1] for x in g]
    return parent, groups[-1]


_STOP = ("căn cứ", "kính gửi", "thực hiện", "theo đề nghị", "xét đề nghị", "sau khi", "trên cơ sở", "chương ",
         "điều 1", "phần ", "i. ", "1. ", "hôm nay", "vào hồi")


def parse_title(body: list[str], bold: list[bool] | None = None) -> dict[str, Field]:
    """The type name in capitals and the subject lines under it. An empty string in `body` marks
    vertical space (the subject ends there); with `bold` given, a subject printed in bold ends at
    the first line that is not."""
    body = [nfc(x) for x in body]
    out: dict[str, Field] = {}
    for i, line in enumerate(body[:40]):
        found = match_type_name(line)
        if not found:
            continue
        name, rest = found
        out["type_name_printed"] = Field(name, "body", i, 0, len(line))
        subject: list[str] = [rest] if rest else []
        started = i + 1
        first_subject = i
        for j in range(i + 1, min(len(body), i + 8)):
            s = body[j].strip()
            low = fold(s)
            if not s:
                if subject:
                    break
                continue
            stop = any(low == fold(w) or low.startswith(fold(w) + " ") for w in _STOP)
            if is_decoration(s) or s.startswith("(") or low.startswith(("kinh gui", "can cu")) or stop and subject:
                break
            if is_upper(s) and subject:
                break  # the issuing authority line of a decision (CHỦ TỊCH ỦY BAN NHÂN DÂN …)
            if bold is not None and subject and j < len(bold) and bold[first_subject] and not bold[j]:
                break
            if is_upper(s) and not subject and len(s.split()) <= 6 and _mark(s):
                continue
            if not subject:
                first_subject = j
            subject.append(s)
        if subject:
            text = " ".join(" ".join(subject).split())
            m = _VV.match(text)
            if m and text.lower().startswith("v/v"):
                text = m.group("subject")
            out["subject"] = Field(text, "body", started, 0, 0)
        break
    for i, line in enumerate(body[:60]):
        s = line.strip()
        m = re.match(r"^Kính\s+gửi\s*:?\s*(?P<to>.*)$", s)
        if m:
            names = [m.group("to").strip()] if m.group("to").strip() else []
            for j in range(i + 1, min(len(body), i + 15)):
                t = body[j].strip()
                if t.startswith(("-", "+", "•")):
                    names.append(t.lstrip("-+• ").strip())
                else:
                    break
            names = [n.rstrip(";,.") for n in names if n.rstrip(";,.")]
            if names:
                out["addressees"] = Field(names, "body", i, 0, len(line))
            break
    out.update({k: v for k, v in _marks([("body", i, x) for i, x in enumerate(body[:40])]).items()})
    return out


_NAME_WORD = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")


def looks_like_name(line: str) -> bool:
    """A person's name as printed under a signature: 2-6 capitalised words, nothing else."""
    words = nfc(line).strip().split()
    if not 2 <= len(words) <= 6:
        return False
    return all(_NAME_WORD.match(unicodedata.normalize("NFC", w)) or _NAME_WORD.match(w.capitalize()) and w[0].isupper() and not w.isupper() for w in words)


def parse_footer(left: list[str], right: list[str]) -> dict[str, Field]:
    """`Nơi nhận:` and its items on the left; the signer block on the right."""
    left = [nfc(x) for x in left]
    right = [nfc(x) for x in right]
    out: dict[str, Field] = {}
    start = next((i for i, x in enumerate(left) if fold(x).startswith("noi nhan")), None)
    if start is not None:
        items: list[str] = []
        filing = None
        head = re.sub(r"^\s*Nơi\s+nhận\s*:?", "", left[start], flags=re.IGNORECASE).strip()
        if head:
            items.append(head)
        for line in left[start + 1:]:
            s = line.strip()
            if not s:
                continue
            if s.startswith(("-", "+", "•", "–")):
                items.append(s.lstrip("-+•– ").strip())
            elif items:
                items[-1] = items[-1] + " " + s
        cleaned = []
        for item in items:
            item = " ".join(item.split()).rstrip(";,")
            if item.endswith(".") and not item.endswith("./."):
                item = item[:-1]
            if fold(item).startswith("luu"):
                filing = re.sub(r"^Lưu\s*:?\s*", "", item, flags=re.IGNORECASE).strip()
                continue
            if item:
                cleaned.append(item)
        if cleaned:
            out["recipients"] = Field(cleaned, "footer_left", start, 0, len(left[start]))
        if filing:
            out["filing"] = Field(filing, "footer_left", start)
    lines = [(i, x.strip()) for i, x in enumerate(right) if x.strip() and not is_decoration(x)]
    name_at = None
    for k in range(len(lines) - 1, -1, -1):
        if looks_like_name(lines[k][1]):
            name_at = k
            break
    titles = [(i, t) for i, t in (lines[:name_at] if name_at is not None else lines) if is_upper(t)]
    if name_at is not None:
        i, t = lines[name_at]
        out["signer_name"] = Field(" ".join(t.split()), "footer_right", i, 0, len(right[i]))
    if titles:
        authority = [t for _, t in titles[:-1]]
        i, last = titles[-1]
        out["signer_position"] = Field(" ".join(last.split()), "footer_right", i, 0, len(right[i]))
        if authority:
            out["signer_authority"] = Field(" / ".join(" ".join(a.split()) for a in authority), "footer_right", titles[0][0])
    return out


def priority_text(urgency: str | None, secrecy: str | None) -> str | None:
    parts = [p for p in (urgency, secrecy) if p]
    return ", ".join(parts) if parts else None


# --- helpers for tests and plain text -----------------------------------------------------------

_RIGHT_ANCHORS = re.compile(
    r"C[ỘO]NG\s+H\S{1,3}\s+X|Độc\s+lập|XÁC\s+THỰC|(?:TM|KT|TL|TUQ|Q)\.\s|"
    r"[A-ZĐÀ-Ỹ][^\s,]*(?:\s[^\s,]+){0,5},\s*ngày"
)


def split_columns(text: str, boundary: int | None = None) -> tuple[list[str], list[str]]:
    """A header or footer laid out as `pdftotext -layout` prints it (columns apart by spaces),
    as its two columns. A line is cut where a right-column anchor starts (the national title,
    `Độc lập`, `TM.`/`KT.`…, the date line), else at the boundary: given, or the leftmost
    anchor or wide gap of the block."""
    lines = [nfc(x.rstrip()) for x in text.splitlines()]
    anchors = {}
    for k, x in enumerate(lines):
        m = next((m for m in _RIGHT_ANCHORS.finditer(x) if x[:m.start()].strip()), None)
        if m:
            anchors[k] = m.start()
    if boundary is None:
        starts = [a for a in anchors.values()]
        if not starts:
            starts = [m.end() for x in lines for m in re.finditer(r"\S\s{3,}(?=\S)", x) if m.end() > 20]
        lead = [len(x) - len(x.lstrip()) for x in lines if x.strip() and _RIGHT_ANCHORS.match(x.strip())]
        starts += [n for n in lead if n > 20]
        boundary = min(starts) if starts else 10 ** 6
    left, right = [], []
    for k, x in enumerate(lines):
        if k in anchors:
            cut = anchors[k]
        elif len(x) - len(x.lstrip()) >= boundary - 4 and x.strip():
            cut = 0  # a line of the right column only
        else:
            cut = boundary
            if len(x) > boundary and x[:boundary].strip() and x[boundary - 1:boundary + 1].strip():
                gaps = [m.end() for m in re.finditer(r"\s{2,}", x[: boundary + 20])]
                cut = gaps[-1] if gaps else boundary
        left.append(x[:cut].strip())
        right.append(x[cut:].strip())
    return left, right
