"""What the HTML and PDF reports say, in one language, laid out by neither: the summary first,
then the document, each layer, the findings, how the verification was made and the pictures.

Both renderers read a Sheet, so the two files say the same thing in the same words; each only
decides how it looks. All wording is here (codes.pick / codes.say), dates are Vietnamese local
time, dd/mm/yyyy HH:MM.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from verifier.report import codes
from verifier.report.localtime import local
from verifier.report.model import DocumentReport, Layer
from verifier.report.pictures import MarkedPage, Picture, Pictures
from verifier.report.summary import summarize
from verifier.vietnam import VIETNAM

WORDS = {
    "title": ("BÁO CÁO KIỂM TRA CHỮ KÝ SỐ", "DIGITAL SIGNATURE VERIFICATION REPORT"),
    "summary": ("Kết luận", "Result"),
    "next_step": ("Việc cần làm", "What to do"),
    "signers": ("Người ký", "Signed by"),
    "problems": ("Vấn đề", "Problems"),
    "no_problem": ("Không phát hiện vấn đề.", "No problem found."),
    "document": ("Thông tin văn bản", "The document"),
    "no_metadata": ("Không đọc được thông tin văn bản từ nội dung tệp.", "No document details could be read from the file."),
    "layers": ("Các chữ ký số", "Signatures"),
    "layer": ("Chữ ký", "Signature"),
    "no_layers": ("Tệp không có chữ ký số.", "The file has no digital signature."),
    "revision": ("phiên bản", "revision"),
    "signer": ("Người ký", "Signer"),
    "organization": ("Cơ quan", "Organization"),
    "purpose": ("Vai trò", "Purpose"),
    "role": ("Loại chữ ký", "Role"),
    "person": ("cá nhân", "person"),
    "agency": ("cơ quan, tổ chức", "agency"),
    "unknown": ("không rõ", "unknown"),
    "certificate": ("Chứng thư số", "Certificate"),
    "serial": ("số hiệu", "serial"),
    "valid_from": ("hiệu lực từ", "valid from"),
    "to": ("đến", "to"),
    "chain": ("Đường dẫn chứng thực", "Certification path"),
    "anchor": ("Chứng thư gốc tin cậy", "Trust anchor"),
    "no_anchor": ("không có: không tới được chứng thư gốc nào đã cấu hình", "none: no configured anchor is reached"),
    "signing_time": ("Thời gian ký", "Signing time"),
    "from_timestamp": ("được dấu thời gian chứng minh", "proven by the timestamp"),
    "claimed": ("do người ký tự ghi, không có gì chứng minh", "as the signer wrote it; nothing proves it"),
    "timestamp": ("Dấu thời gian", "Timestamp"),
    "no_timestamp": ("Chữ ký không gắn dấu thời gian.", "The signature carries no timestamp."),
    "by": ("do", "by"),
    "ts_valid": ("hợp lệ", "valid"),
    "ts_invalid": ("không hợp lệ", "not valid"),
    "revocation": ("Tình trạng thu hồi", "Revocation"),
    "evidence": ("căn cứ", "evidence"),
    "integrity": ("Toàn vẹn", "Integrity"),
    "intact": ("Nội dung đã ký số chưa bị thay đổi.", "The signed content is unchanged."),
    "broken": ("Tài liệu đã bị thay đổi.", "The document has been altered."),
    "changes": ("Thay đổi sau khi ký", "Changes after signing"),
    "no_changes": ("Không có.", "None."),
    "allowed_changes": (
        "Nội dung đã ký số chưa bị thay đổi. Tuy nhiên, tài liệu đã có những thay đổi trong giới hạn cho phép.",
        "The signed content is unchanged; later changes stay within what is permitted.",
    ),
    "appearance": ("Hình thức hiển thị", "Appearance"),
    "page": ("trang", "page"),
    "invisible": ("không hiển thị", "not displayed"),
    "conclusion": ("Kết luận", "Conclusion"),
    "findings": ("Các phát hiện", "Findings"),
    "no_findings": ("Không có.", "None."),
    "codes": ("Mã phát hiện (dành cho kỹ thuật)", "Finding codes (technical)"),
    "severity_error": ("lỗi", "error"),
    "severity_warning": ("cảnh báo", "warning"),
    "severity_info": ("thông tin", "information"),
    "about": ("Thông tin về lần kiểm tra", "About this verification"),
    "validation_time": ("Thời điểm kiểm tra", "Validation time"),
    "anchors": ("Chứng thư gốc tin cậy đã dùng", "Trust anchors used"),
    "none": ("không có", "none"),
    "trust_fingerprint": ("Mã cấu hình tin cậy (SHA-256)", "Trust configuration (SHA-256)"),
    "policy": ("Chính sách kiểm tra", "Validation policy"),
    "version": ("Phiên bản kyso", "kyso version"),
    "file": ("Tệp", "File"),
    "sha256": ("Mã băm SHA-256 của tệp", "SHA-256 of the file"),
    "size": ("Kích thước", "Size"),
    "bytes": ("byte", "bytes"),
    "pages_revisions": ("Số trang, số phiên bản", "Pages, revisions"),
    "fetched": ("Đã tải qua mạng", "Fetched over the network"),
    "pictures": ("Hình ảnh", "Pictures"),
    "appearances": ("Hình thức hiển thị của các chữ ký", "Signature appearances"),
    "appearance_of": ("Chữ ký {n}: {who}, trang {page}", "Signature {n}: {who}, page {page}"),
    "marked": ("Các trang có thay đổi sau khi ký", "Pages changed after signing"),
    "marked_page": (
        "Trang {page}: vùng khoanh đỏ đã thay đổi sau chữ ký {layers}",
        "Page {page}: the areas outlined in red changed after signature {layers}",
    ),
    "before": ("Lúc ký", "When signed"),
    "after": ("Hiện nay", "Now"),
    "area": ("Vùng {n}", "Area {n}"),
    "no_pictures": ("Không vẽ được các trang của tệp này.", "The pages of this file could not be drawn."),
    "made_by": ("Lập bởi kyso {version} lúc {time}.", "Made by kyso {version} at {time}."),
}
SEVERITY = {"error": "severity_error", "warning": "severity_warning", "info": "severity_info"}
REVOCATION = {
    "good": ("chưa bị thu hồi", "not revoked"),
    "revoked": ("đã bị thu hồi", "revoked"),
    "unknown": ("Không kiểm tra được tình trạng thu hồi của chứng thư số ký.", "could not be checked"),
    "not_checked": ("chưa kiểm tra", "not checked"),
}
# Metadata shown, in this order (the JSON report carries every field and where it was read).
META = (
    ("type_name", ("Loại văn bản", "Type")),
    ("number", ("Số, ký hiệu", "Number and notation")),
    ("issued_date", ("Ngày ban hành", "Issue date")),
    ("place", ("Địa danh", "Place")),
    ("organ_name", ("Cơ quan ban hành", "Issuing agency")),
    ("parent_organ_name", ("Cơ quan chủ quản", "Parent body")),
    ("subject", ("Trích yếu", "Subject")),
    ("signer", ("Người ký", "Signer")),
    ("recipients", ("Nơi nhận", "Recipients")),
    ("priority", ("Độ khẩn, độ mật", "Urgency, secrecy")),
    ("page_amount", ("Số trang", "Pages")),
)


def word(key: str, lang: str, **params) -> str:
    text = codes.pick(WORDS[key], lang)
    return text.format(**params) if params else text


def local_time(value: str | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time (verifier.report.localtime)."""
    return local(value)


@dataclass
class LayerSheet:
    heading: str
    status: str  # PASSED | FAILED | INDETERMINATE
    conclusion: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


@dataclass
class FindingLine:
    severity: str  # error | warning | info
    severity_text: str
    where: str  # "Chữ ký 2" or ""
    message: str
    code: str


@dataclass
class Sheet:
    lang: str
    title: str
    verdict: str
    verdict_text: str
    headline: str
    next_step: str
    summary_document: list[tuple[str, str]]
    signers: list[str]
    problems: list[str]
    document: list[tuple[str, str]]
    layers: list[LayerSheet]
    findings: list[FindingLine]
    about: list[tuple[str, str]]
    appearances: list[tuple[str, Picture]]  # (caption, picture)
    marked: list[tuple[str, MarkedPage]]  # (caption, page)
    pictures_missing: bool
    footer: str


def build(report: DocumentReport, pictures: Pictures, lang: str = "vi") -> Sheet:
    s = summarize(report, lang)
    return Sheet(
        lang=lang,
        title=word("title", lang),
        verdict=report.verdict,
        verdict_text=codes.pick(codes.VERDICT_TEXT[report.verdict], lang),
        headline=codes.say(s.headline, lang),
        next_step=codes.say(s.next_step, lang),
        summary_document=[(codes.say(k, lang), codes.say(v, lang)) for k, v in s.document],
        signers=[codes.say(x, lang) for x in s.signers],
        problems=[codes.say(x, lang) for x in s.problems],
        document=_document(report, lang),
        layers=[_layer(n, len(report.layers), layer, lang) for n, layer in enumerate(report.layers, start=1)],
        findings=[_finding(report, f, lang) for f in report.findings],
        about=_about(report, lang),
        appearances=[(word("appearance_of", lang, n=p.layer, who=_who(report, p.layer), page=p.page), p)
                     for p in pictures.appearances],
        marked=[(word("marked_page", lang, page=m.page, layers=", ".join(map(str, m.layers))), m) for m in pictures.marked],
        pictures_missing=pictures.unrenderable,
        footer=word("made_by", lang, version=report.kyso_version or "-", time=local_time(report.validation_time)),
    )


def _who(report: DocumentReport, number: int) -> str:
    if 1 <= number <= len(report.layers):
        return report.layers[number - 1].signer.common_name or "-"
    return "-"


def _value(entry) -> str | None:
    value = entry.get("value") if isinstance(entry, dict) else entry
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return "; ".join(codes.say(v, "vi") if not isinstance(v, str) else v for v in value)
    return str(value)


def _date(value: str | None) -> str | None:
    if value and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return "/".join(reversed(value.split("-")))
    return value


def _document(report: DocumentReport, lang: str) -> list[tuple[str, str]]:
    meta = {k: v for k, v in (report.metadata or {}).items() if isinstance(v, dict)}
    rows = []
    for key, label in META:
        if key == "number":
            number, notation = _value(meta.get("code_number")), _value(meta.get("code_notation"))
            text = f"{number or '…'}/{notation}" if notation else number
        elif key == "signer":
            text = ", ".join(x for x in (_value(meta.get("signer_name")), _value(meta.get("signer_position"))) if x)
        elif key == "issued_date":
            text = _date(_value(meta.get(key)))
        else:
            text = _value(meta.get(key))
        if text:
            rows.append((codes.pick(label, lang), text))
    if not any(label != codes.pick(META[-1][1], lang) for label, _ in rows):
        return []  # the page count alone says nothing of the document
    return rows


def _layer(number: int, total: int, layer: Layer, lang: str) -> LayerSheet:
    s = layer.signer
    rows: list[tuple[str, str]] = []
    who = s.common_name or "-"
    if s.email:
        who += f" <{s.email}>"
    rows.append((word("signer", lang), who))
    org = ", ".join([*s.organizational_units, *([s.organization] if s.organization else [])])
    if org:
        rows.append((word("organization", lang), org))
    rows.append((word("role", lang), word(layer.role if layer.role in ("person", "agency") else "unknown", lang)))
    if layer.purpose:
        rows.append((word("purpose", lang), codes.pick(codes.PURPOSE_TEXT.get(layer.purpose, codes.PURPOSE_TEXT["unknown"]), lang)))
    c = layer.certificate
    if c is not None:
        rows.append((word("certificate", lang), f"{word('serial', lang)} {c.serial}, {word('valid_from', lang)} "
                                                f"{local_time(c.not_before)} {word('to', lang)} {local_time(c.not_after)}"))
    if layer.chain:
        rows.append((word("chain", lang), " → ".join(layer.chain)))
    if layer.kind == "signature" or layer.chain:
        rows.append((word("anchor", lang), layer.trust_anchor or word("no_anchor", lang)))
    if layer.signing_time:
        note = word("from_timestamp", lang) if layer.signing_time_source == "timestamp" else word("claimed", lang)
        rows.append((word("signing_time", lang), f"{local_time(layer.signing_time)} ({note})"))
    if layer.kind == "signature" and layer.certificate is not None:
        t = layer.timestamp
        if t is None:
            rows.append((word("timestamp", lang), word("no_timestamp", lang)))
        else:
            ok = word("ts_valid" if t.valid and t.trusted else "ts_invalid", lang)
            rows.append((word("timestamp", lang), f"{local_time(t.time)} {word('by', lang)} {t.tsa or '-'} ({ok})"))
    if layer.revocation is not None:
        r = layer.revocation
        text = codes.pick(REVOCATION.get(r.status, REVOCATION["not_checked"]), lang)
        source = codes.say(r.source, lang)
        if source:
            text += f" ({word('evidence', lang)}: {source}{', ' + local_time(r.time) if r.time else ''})"
        rows.append((word("revocation", lang), text))
    a = layer.appearance
    if a is not None:
        rows.append((word("appearance", lang),
                     f"{word('page', lang)} {a.page}" if a.visible and a.page else word("invisible", lang)))
    if layer.integrity is not None:
        rows.append((word("integrity", lang), word("intact" if layer.integrity else "broken", lang)))
    changes = [codes.say(c, lang).strip() for c in layer.changes]
    if layer.modification_level is not None:
        if layer.modification_level == "NONE" and not changes:
            text = word("no_changes", lang)
        elif layer.status == codes.FAILED and layer.subindication == "MODIFIED_AFTER_SIGNING":
            text = word("broken", lang)
        else:
            text = word("allowed_changes", lang)
        rows.append((word("changes", lang), text))
    status = codes.pick(codes.STATUS_TEXT.get(layer.status, codes.STATUS_TEXT[codes.INDETERMINATE]), lang)
    return LayerSheet(
        heading=f"{word('layer', lang)} {number}/{total}: {layer.field} ({word('revision', lang)} {layer.revision})",
        status=layer.status, conclusion=f"{status}. {layer.message(lang)}", rows=rows, changes=changes,
    )


def _finding(report: DocumentReport, f, lang: str) -> FindingLine:
    where = f"{word('layer', lang)} {f.layer}" if f.layer is not None else ""
    return FindingLine(f.severity, word(SEVERITY.get(f.severity, "severity_info"), lang), where, f.message(lang), f.code)


def _about(report: DocumentReport, lang: str) -> list[tuple[str, str]]:
    anchors = list(dict.fromkeys(layer.trust_anchor for layer in report.layers if layer.trust_anchor))
    rows = [
        (word("validation_time", lang), local_time(report.validation_time)),
        (word("anchors", lang), "; ".join(anchors) or word("none", lang)),
        (word("trust_fingerprint", lang), report.trust_fingerprint or "-"),
        (word("policy", lang), f"{report.policy or '-'}" + (f" (SHA-256 {report.policy_sha256})" if report.policy_sha256 else "")),
        (word("version", lang), report.kyso_version or "-"),
        (word("file", lang), report.file or "-"),
        (word("sha256", lang), report.sha256),
        (word("size", lang), f"{report.size:,} {word('bytes', lang)}".replace(",", "." if lang == "vi" else ",")),
        (word("pages_revisions", lang), f"{report.pages if report.pages is not None else '-'}, {report.revisions}"),
    ]
    if report.fetched:
        from verifier.report.model import fetched_lines

        rows.append((word("fetched", lang), "; ".join(fetched_lines(report, lang))))
    return rows
