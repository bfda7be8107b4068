"""Human-readable reports, in Vietnamese (default) or English, laid out like the tools users
know: one block per signature layer, then the conclusion."""

from __future__ import annotations

import json
import re
from datetime import datetime

from verifier.report import codes
from verifier.report.model import DocumentReport, Layer
from verifier.vietnam import VIETNAM

LABELS = {
    "file": ("Tệp", "File"),
    "layer": ("Chữ ký", "Signature"),
    "revision": ("phiên bản", "revision"),
    "signer": ("Người ký", "Signer"),
    "organization": ("Cơ quan", "Organization"),  # the certificate's O and OUs
    "role": ("Loại chữ ký", "Role"),
    "person": ("cá nhân", "person"),
    "agency_role": ("cơ quan, tổ chức", "agency"),
    "unknown": ("không rõ", "unknown"),
    "certificate": ("Chứng thư số", "Certificate"),
    "key_usage": ("Mục đích sử dụng khóa", "Key usage"),
    "serial": ("số hiệu", "serial"),
    "validity": ("hiệu lực", "valid"),
    "to": ("đến", "to"),
    "issuer": ("Đường dẫn chứng thực", "Chain"),
    "pki": ("Hạ tầng", "PKI"),
    "algorithms": ("Thuật toán", "Algorithms"),
    "key": ("khóa", "key"),
    "signing_time": ("Thời gian ký", "Signing time"),
    "quirk": (
        "thời gian trong chữ ký là giờ Việt Nam ghi nhãn UTC, đã hiệu chỉnh",
        "the signature's time is Vietnam local time labelled UTC, corrected",
    ),
    "from_timestamp": ("theo dấu thời gian", "from the timestamp"),
    "timestamp": ("Dấu thời gian", "Timestamp"),
    "no_timestamp": ("Chữ ký không gắn dấu thời gian.", "The signature carries no timestamp."),
    "by": ("bởi", "by"),
    "valid": ("hợp lệ", "valid"),
    "not_valid": ("không hợp lệ", "not valid"),
    "reason": ("Lý do", "Reason"),
    "location": ("Địa điểm", "Location"),
    "contact": ("Liên hệ", "Contact"),
    "certification": ("Chứng thực tài liệu (DocMDP)", "Certification (DocMDP)"),
    "appearance": ("Hiển thị", "Appearance"),
    "page": ("trang", "page"),
    "invisible": ("không hiển thị", "invisible"),
    "integrity": ("Toàn vẹn", "Integrity"),
    "intact": ("Nội dung đã ký số chưa bị thay đổi.", "The signed content is unchanged."),
    "broken": ("Tài liệu đã bị thay đổi.", "The document has been altered."),
    "changes": ("Thay đổi sau khi ký", "Changes after signing"),
    "no_changes": ("không có", "none"),
    "allowed_changes": (
        "Nội dung đã ký số chưa bị thay đổi. Tuy nhiên, tài liệu đã có những thay đổi trong giới hạn cho phép.",
        "The signed content is unchanged; later changes stay within what is permitted.",
    ),
    "revocation": ("Tình trạng thu hồi", "Revocation"),
    "source": ("nguồn", "source"),
    "relaxed": ("Nới lỏng theo chính sách", "Relaxed by policy"),
    "conclusion": ("Kết luận", "Conclusion"),
    "document": ("KẾT LUẬN CHUNG", "OVERALL RESULT"),
    "notes": ("Ghi chú", "Notes"),
    "fetched": ("Đã tải qua mạng (--online)", "Fetched over the network (--online)"),
    "policy": ("Chính sách", "Policy"),
    "no_layers": ("Không có chữ ký số.", "No digital signatures."),
    "purpose": ("Vai trò", "Purpose"),
    "metadata": ("THÔNG TIN VĂN BẢN", "DOCUMENT"),
    "profile": ("KIỂM TRA THEO NGHỊ ĐỊNH 30/2020", "DECREE 30/2020 PROFILE"),
    "profile_ok": ("Không phát hiện vấn đề.", "No problem found."),
    "differs": ("nguồn khác ghi", "another source says"),
    "blank": ("để trống", "blank"),
}
# Metadata shown in the human report, in this order (JSON carries every field).
META_LABELS = {
    "type_name": ("Loại văn bản", "Type"),
    "number": ("Số, ký hiệu", "Number and notation"),
    "issued_date": ("Ngày ban hành", "Issue date"),
    "place": ("Địa danh", "Place"),
    "organ_name": ("Cơ quan ban hành", "Issuing agency"),
    "parent_organ_name": ("Cơ quan chủ quản", "Parent body"),
    "subject": ("Trích yếu", "Subject"),
    "signer": ("Người ký", "Signer"),
    "recipients": ("Nơi nhận", "Recipients"),
    "priority": ("Độ khẩn, độ mật", "Urgency, secrecy"),
    "attached_to": ("Kèm theo văn bản", "Attached to"),
    "copy_type": ("Hình thức sao", "Copy"),
    "page_amount": ("Số trang", "Pages"),
}
_SOURCE_VI = (
    (r"page (\d+) text", r"chữ trên trang \1"),
    (r"layer (\d+) appearance", r"hình thức hiển thị của chữ ký \1"),
    (r"of the revision signed by layer (\d+)", r"của phiên bản do chữ ký \1 ký"),
    (r"PDF information dictionary", "thông tin PDF (/Info)"),
    (r"XMP metadata stream", "XMP"),
    (r"^file$", "tệp"),
)
REVOCATION = {
    "good": ("chưa bị thu hồi", "not revoked"),
    "revoked": ("đã bị thu hồi", "revoked"),
    "unknown": ("Không kiểm tra được tình trạng thu hồi của chứng thư số ký.", "could not be checked"),
    "not_checked": ("chưa kiểm tra", "not checked"),
}
PKI = {
    "government": ("chuyên dùng Chính phủ (Ban Cơ yếu Chính phủ)", "government official-use PKI (VGCA)"),
    "public": ("công cộng (Root CA quốc gia)", "public CA (national root)"),
    "other": ("khác, được cấu hình tin cậy", "other configured anchor"),
    "untrusted": ("không tin cậy", "untrusted"),
}


def _l(key: str, lang: str) -> str:
    return codes.pick(LABELS[key], lang)




def _time(value: str | None) -> str:
    """Vietnam time, as the tools users know print it."""
    if not value:
        return "-"
    try:
        return datetime.fromisoformat(value).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S +07:00")
    except ValueError:
        return value


def render_text(report: DocumentReport, lang: str = "vi") -> str:
    out: list[str] = []
    out.append(f"{_l('file', lang)}: {report.file or '-'}")
    out.append(f"SHA-256: {report.sha256}")
    out.extend(_metadata_block(report, lang))
    if report.layers:
        for number, layer in enumerate(report.layers, start=1):
            out.append("")
            out.extend(_layer_block(number, len(report.layers), layer, lang))
    elif report.verdict != codes.ERROR:
        out.append(_l("no_layers", lang))
    out.extend(_profile_block(report, lang))
    notes = [f for f in report.findings if f.code not in ("LAYER_FAILED", "LAYER_INDETERMINATE") and not f.code.startswith("ND30_")]
    if notes:
        out.append("")
        out.append(f"{_l('notes', lang)}:")
        for f in notes:
            where = _layer_field(report, f.layer)
            out.append(f"  - ({f.severity}) {f.code}{where}: {f.message(lang)}")
    if report.fetched:
        out.append("")
        out.append(f"{_l('fetched', lang)}:")
        out.extend(f"  - {item}" for item in report.fetched)
    out.append("")
    verdict = codes.pick(codes.VERDICT_TEXT[report.verdict], lang)
    out.append(f"{_l('document', lang)}: {verdict} ({report.verdict})")
    out.append(f"{_l('policy', lang)}: {report.policy}")
    return "\n".join(out)


def _layer_field(report: DocumentReport, number: int | None) -> str:
    """` [field]` of layer number `number` (1-based), empty for the document."""
    if number is None or not 1 <= number <= len(report.layers):
        return ""
    return f" [{report.layers[number - 1].field}]"


def _layer_block(number: int, total: int, layer: Layer, lang: str) -> list[str]:
    s = layer.signer
    lines = [f"{_l('layer', lang)} {number}/{total}: {layer.field} ({_l('revision', lang)} {layer.revision})"]
    who = s.common_name or "-"
    if s.email:
        who += f" <{s.email}>"
    lines.append(f"  {_l('signer', lang)}: {who}")
    org = ", ".join([*s.organizational_units, *( [s.organization] if s.organization else [])])
    if org:
        lines.append(f"  {_l('organization', lang)}: {org}")
    role = {"person": "person", "agency": "agency_role"}.get(layer.role, "unknown")
    basis = f" ({codes.say(layer.role_basis, lang)})" if layer.role_basis else ""
    lines.append(f"  {_l('role', lang)}: {_l(role, lang)}{basis}")
    if layer.purpose:
        why = f" ({codes.say(layer.purpose_basis, lang)})" if layer.purpose_basis else ""
        lines.append(f"  {_l('purpose', lang)}: {codes.pick(codes.PURPOSE_TEXT.get(layer.purpose, codes.PURPOSE_TEXT['unknown']), lang)}{why}")
    c = layer.certificate
    if c is not None:
        lines.append(
            f"  {_l('certificate', lang)}: {_l('serial', lang)} {c.serial}, {_l('validity', lang)} "
            f"{_time(c.not_before)} {_l('to', lang)} {_time(c.not_after)}"
        )
        lines.append(f"  {_l('algorithms', lang)}: {codes.algorithm_text(layer.digest_algorithm, lang)} / {codes.algorithm_text(layer.signature_algorithm, lang)}, {_l('key', lang)} {c.key_algorithm.upper()} {c.key_size}")
        lines.append(f"  {_l('key_usage', lang)}: {codes.key_usage_text(c.key_usage, lang)}")
    if layer.chain:
        lines.append(f"  {_l('issuer', lang)}: {' → '.join(layer.chain)}")
        lines.append(f"  {_l('pki', lang)}: {codes.pick(PKI.get(layer.pki, PKI['untrusted']), lang)}")
    if layer.signing_time:
        note = ""
        if layer.signing_time_source == "timestamp":
            note = f" ({_l('from_timestamp', lang)})"
        elif layer.local_time_as_utc:
            note = f" ({_l('quirk', lang)})"
        lines.append(f"  {_l('signing_time', lang)}: {_time(layer.signing_time)}{note}")
    if layer.kind == "signature" and layer.certificate is not None:
        if layer.timestamp is None:
            lines.append(f"  {_l('timestamp', lang)}: {_l('no_timestamp', lang)}")
        else:
            t = layer.timestamp
            ok = _l("valid", lang) if (t.valid and t.trusted) else _l("not_valid", lang)
            lines.append(f"  {_l('timestamp', lang)}: {_time(t.time)} {_l('by', lang)} {t.tsa or '-'} ({ok})")
    for key, value in (("reason", layer.reason), ("location", layer.location), ("contact", layer.contact_info)):
        if value:
            lines.append(f"  {_l(key, lang)}: {value}")
    if layer.certification_level is not None:
        lines.append(f"  {_l('certification', lang)}: P={layer.certification_level}")
    a = layer.appearance
    if a is not None:
        where = f"{_l('page', lang)} {a.page}, [{', '.join(f'{x:.0f}' for x in a.rect)}]" if a.visible and a.rect else _l("invisible", lang)
        lines.append(f"  {_l('appearance', lang)}: {where}")
    if layer.integrity is not None:
        lines.append(f"  {_l('integrity', lang)}: {_l('intact' if layer.integrity else 'broken', lang)}")
    if layer.modification_level is not None:
        if layer.modification_level == "NONE":
            lines.append(f"  {_l('changes', lang)}: {_l('no_changes', lang)}")
        elif layer.status == codes.FAILED and layer.subindication == "MODIFIED_AFTER_SIGNING":
            lines.append(f"  {_l('changes', lang)}: {_l('broken', lang)}")
        else:
            lines.append(f"  {_l('changes', lang)}: {_l('allowed_changes', lang)}")
        for change in layer.changes:
            lines.append("    - " + codes.say(change, lang).strip().replace("\n", "\n      "))
    if layer.revocation is not None:
        r = layer.revocation
        text = codes.pick(REVOCATION[r.status], lang)
        extra = f" ({_l('source', lang)}: {codes.say(r.source, lang)}{', ' + _time(r.time) if r.time else ''})" if r.source else ""
        lines.append(f"  {_l('revocation', lang)}: {text}{extra}")
    if layer.relaxed:
        lines.append(f"  {_l('relaxed', lang)}: {', '.join(layer.relaxed)}")
    status = codes.pick(codes.STATUS_TEXT[layer.status], lang)
    sub = f" [{layer.subindication}]" if layer.subindication else ""
    lines.append(f"  {_l('conclusion', lang)}: {status}{sub}. {layer.message(lang)}")
    if layer.problem and layer.status != codes.PASSED:
        lines.append(f"    {codes.say(layer.problem, lang)}")
    return lines


def _source(text: str, lang: str) -> str:
    if lang != "vi":
        return text
    for pattern, repl in _SOURCE_VI:
        text = re.sub(pattern, repl, text)
    return text


def _value(entry) -> str | None:
    value = entry.get("value") if isinstance(entry, dict) else entry
    if value is None:
        return None
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def _metadata_block(report: DocumentReport, lang: str) -> list[str]:
    meta = report.metadata or {}
    shown = {k: v for k, v in meta.items() if isinstance(v, dict)}
    if not any(k in shown for k in META_LABELS if k != "page_amount"):
        return []
    rows: list[tuple[str, str, dict]] = []
    for key in META_LABELS:
        if key == "number":
            num, notation = shown.get("code_number"), shown.get("code_notation")
            if notation is None:
                continue
            n = _value(num) if num else None
            text = f"{n or '…'}/{_value(notation)}" + (f" ({_l('blank', lang)})" if num and num.get("blank") else "")
            rows.append((key, text, num if num and n else notation))
        elif key == "issued_date":
            entry = shown.get(key)
            if entry is None:
                continue
            v = _value(entry)
            text = "/".join(reversed(v.split("-"))) if v else f"{_l('blank', lang)}"
            rows.append((key, text, entry))
        elif key == "signer":
            pos, name = shown.get("signer_position"), shown.get("signer_name")
            if pos or name:
                text = ", ".join(x for x in (_value(name) if name else None, _value(pos) if pos else None) if x)
                rows.append((key, text, name or pos))
        elif key in shown and _value(shown[key]) is not None:
            rows.append((key, _value(shown[key]), shown[key]))
    out = ["", f"{_l('metadata', lang)}:"]
    for key, text, entry in rows:
        src = f" [{_source(entry.get('source', ''), lang)}]" if entry.get("source") else ""
        out.append(f"  {codes.pick(META_LABELS[key], lang)}: {text}{src}")
        for other in entry.get("conflicts", []):
            out.append(f"    ! {_l('differs', lang)}: {_value(other)} [{_source(other.get('source', ''), lang)}]")
    return out


def _profile_block(report: DocumentReport, lang: str) -> list[str]:
    if not report.layers:
        return []
    found = [f for f in report.findings if f.code.startswith("ND30_")]
    out = ["", f"{_l('profile', lang)}:"]
    purposes = [codes.pick(codes.PURPOSE_TEXT.get(l.purpose, codes.PURPOSE_TEXT["unknown"]), lang) for l in report.layers if l.purpose]
    if purposes:
        out.append("  " + "; ".join(f"{i + 1}. {p}" for i, p in enumerate(purposes)))
    if not found:
        out.append(f"  {_l('profile_ok', lang)}")
    for f in found:
        where = _layer_field(report, f.layer)
        out.append(f"  - ({f.severity}) {f.code}{where}: {f.message(lang)}")
    return out


def render_json(report: DocumentReport, lang: str = "vi") -> str:
    """One line per document, stable keys (README: JSON keys)."""
    return json.dumps(report.to_dict(lang), ensure_ascii=False, separators=(",", ":"))
