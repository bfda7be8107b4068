"""Human-readable reports, in Vietnamese (default) or English.

A report opens with what a clerk acts on (verifier.report.summary): the verdict in its first
line, what to do, what the document is, who signed it, what is wrong; then one line per
signature layer. With `details` the technical blocks follow under their own headings, for an
auditor: the validation (time, policy, trust anchors, kyso version, file hash), the document's
metadata with where each value was read, each layer in full (as the government verifier tools
lay it out), the Decree 30 profile and the findings with their codes. Codes appear only there.

Times read as dd/mm/yyyy HH:MM in Vietnam time, the zone said once.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any

from verifier.report import codes
from verifier.report.localtime import ZONE_NOTE, local, local_date
from verifier.report.model import DocumentReport, Finding, Layer, fetched_lines
from verifier.report.summary import PURPOSE_SHORT, Summary, finding_message, summarize

LABELS = {
    # the summary
    "verdict": ("KẾT LUẬN", "RESULT"),
    "next": ("Việc cần làm", "What to do"),
    "file": ("Tệp", "File"),
    "document": ("Văn bản", "Document"),
    "signers": ("Người ký", "Signed by"),
    "problems": ("Vấn đề", "Problems"),
    "none": ("không có.", "none."),
    "settle": ("Để kết luận được", "To settle it"),
    "remarks": ("Cần lưu ý", "To note"),
    "layers": ("Các chữ ký", "Signatures"),
    "signed_at": ("ký lúc", "signed"),
    "no_layers": ("Không có chữ ký số.", "No digital signatures."),
    # the details
    "details": ("CHI TIẾT KỸ THUẬT", "TECHNICAL DETAILS"),
    "times": ("Mọi thời gian theo giờ Việt Nam (UTC+07:00).", "All times are Vietnam time (UTC+07:00)."),
    "validation": ("KIỂM TRA", "VALIDATION"),
    "size": ("Kích thước", "Size"),
    "bytes": ("byte", "bytes"),
    "revisions": ("phiên bản", "revisions"),
    "pages": ("trang", "pages"),
    "validation_time": ("Thời điểm kiểm tra", "Validation time"),
    "policy": ("Chính sách kiểm tra", "Validation policy"),
    "trust": ("Cấu hình tin cậy (dấu vân tay)", "Trust configuration (fingerprint)"),
    "anchors": ("Chứng thư gốc được tin cậy", "Trusted anchors"),
    "kyso": ("Phiên bản kyso", "kyso version"),
    "fetched": ("Đã tải qua mạng (--online)", "Fetched over the network (--online)"),
    "metadata": ("THÔNG TIN VĂN BẢN", "DOCUMENT METADATA"),
    "layer": ("CHỮ KÝ", "SIGNATURE"),
    "revision": ("phiên bản", "revision"),
    "signer": ("Người ký", "Signer"),
    "organization": ("Cơ quan", "Organization"),
    "role": ("Loại chữ ký", "Role"),
    "person": ("cá nhân", "person"),
    "agency_role": ("cơ quan, tổ chức", "agency"),
    "unknown": ("không rõ", "unknown"),
    "purpose": ("Vai trò", "Purpose"),
    "certificate": ("Chứng thư số", "Certificate"),
    "serial": ("số hiệu", "serial"),
    "validity": ("hiệu lực", "valid"),
    "to": ("đến", "to"),
    "cert_sha256": ("SHA-256 của chứng thư", "Certificate SHA-256"),
    "key_usage": ("Mục đích sử dụng khóa", "Key usage"),
    "issuer": ("Đường dẫn chứng thực", "Chain"),
    "pki": ("Hạ tầng", "PKI"),
    "anchor": ("Chứng thư gốc", "Anchor"),
    "algorithms": ("Thuật toán", "Algorithms"),
    "digest": ("băm", "digest"),
    "signature": ("chữ ký", "signature"),
    "key": ("khóa", "key"),
    "signing_time": ("Thời gian ký", "Signing time"),
    "from_timestamp": ("theo dấu thời gian", "from the timestamp"),
    "claimed": ("người ký tự ghi", "as the signer claims"),
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
    "validator": ("Thông báo của bộ kiểm tra", "Validator's message"),
    "profile": ("KIỂM TRA THEO NGHỊ ĐỊNH 30/2020", "DECREE 30/2020 PROFILE"),
    "profile_ok": ("Không phát hiện vấn đề.", "No problem found."),
    "errors": ("VẤN ĐỀ", "PROBLEMS"),
    "warnings": ("CẢNH BÁO", "WARNINGS"),
    "notes": ("GHI CHÚ", "NOTES"),
    "differs": ("nguồn khác ghi", "another source says"),
    "blank": ("để trống", "blank"),
    "covered_by": ("được chữ ký {layers} bảo vệ", "covered by signature {layers}"),
    "uncovered": ("không chữ ký nào bảo vệ", "no signature covers it"),
    "ocr": ("đọc bằng OCR", "read by OCR"),
    "unsigned": ("ghi sau chữ ký cuối cùng, không được ký", "written after the last signature, not signed"),
    "not_established": ("không xác lập được, không dùng làm thông tin văn bản", "cannot be established, not used as the document's"),
    "layer_word": ("chữ ký", "signature"),
    "and_more": ("… và {n} điểm khác (xem --details).", "… and {n} more (see --details)."),
    "document_wide": ("toàn văn bản", "whole document"),
}
# Metadata shown in the details, in this order (JSON carries every field).
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
    "pdf_info": ("Thuộc tính PDF (/Info)", "PDF properties (/Info)"),
    "xmp": ("Siêu dữ liệu XMP", "XMP metadata"),
}
# Keys of /Info and XMP, named for a reader; others keep the name the file gives them.
PROPERTY_LABELS = {
    "title": ("tiêu đề", "title"), "author": ("tác giả", "author"), "subject": ("chủ đề", "subject"),
    "keywords": ("từ khóa", "keywords"), "creator": ("phần mềm soạn", "creator"), "producer": ("phần mềm tạo PDF", "producer"),
    "creationdate": ("ngày tạo", "created"), "moddate": ("ngày sửa", "modified"), "creator_tool": ("phần mềm soạn", "creator tool"),
    "created": ("ngày tạo", "created"), "modified": ("ngày sửa", "modified"),
}
REVOCATION = {
    "good": ("chưa bị thu hồi", "not revoked"),
    "revoked": ("đã bị thu hồi", "revoked"),
    "unknown": ("không kiểm tra được", "could not be checked"),
    "not_checked": ("chưa kiểm tra", "not checked"),
}
PKI = {
    "government": ("chuyên dùng Chính phủ (Ban Cơ yếu Chính phủ)", "government official-use PKI (VGCA)"),
    "public": ("công cộng (Root CA quốc gia)", "public CA (national root)"),
    "other": ("khác, được cấu hình tin cậy", "other configured anchor"),
    "untrusted": ("không tin cậy", "untrusted"),
}
KEY_USAGE = {
    "digital_signature": ("ký số", "digital signature"),
    "non_repudiation": ("chống chối bỏ", "non-repudiation"),
    "content_commitment": ("chống chối bỏ", "non-repudiation"),
    "key_encipherment": ("mã hóa khóa", "key encipherment"),
    "data_encipherment": ("mã hóa dữ liệu", "data encipherment"),
    "key_agreement": ("thỏa thuận khóa", "key agreement"),
    "key_cert_sign": ("ký chứng thư số", "certificate signing"),
    "crl_sign": ("ký danh sách thu hồi", "CRL signing"),
    "encipher_only": ("chỉ mã hóa", "encipher only"),
    "decipher_only": ("chỉ giải mã", "decipher only"),
}
# A layer's status in a few words, for its line in the list.
STATUS_SHORT = {
    "TRY_LATER": ("chưa kiểm tra được tình trạng thu hồi", "revocation status unknown"),
    "REVOCATION_OUT_OF_BOUNDS_NO_POE": ("chưa kiểm tra được tình trạng thu hồi", "revocation status unknown"),
    "NO_CERTIFICATE_CHAIN_FOUND": ("chứng thư số không dẫn tới tổ chức được tin cậy", "no chain to a trusted authority"),
    "MODIFIED_AFTER_SIGNING": ("văn bản bị thay đổi sau khi ký", "changed after signing"),
    "HASH_FAILURE": ("nội dung đã ký bị thay đổi", "the signed bytes were changed"),
    "SIG_CRYPTO_FAILURE": ("chữ ký số sai", "the signature value is wrong"),
    "FORMAT_FAILURE": ("chữ ký bị hỏng", "the signature is damaged"),
    "OVERLAY_BY_UNIDENTIFIED_SIGNER": ("bị một người ký không xác định vẽ đè lên", "drawn over by an unidentified signer"),
    "OUT_OF_BOUNDS_NO_POE": ("chứng thư số hết hạn, không có bằng chứng đã ký trước đó",
                             "certificate expired, nothing proves it was signed before"),
    "REVOKED_NO_POE": ("chứng thư số đã bị thu hồi", "certificate revoked"),
    "REVOKED": ("chứng thư số đã bị thu hồi", "certificate revoked"),
    "EXPIRED": ("chứng thư số đã hết hạn khi ký", "certificate expired when signing"),
    "NOT_YET_VALID": ("chứng thư số chưa có hiệu lực khi ký", "certificate not yet valid when signing"),
    "CRYPTO_CONSTRAINTS_FAILURE": ("thuật toán không được chấp nhận", "algorithm not accepted"),
}


def _l(key: str, lang: str) -> str:
    return codes.pick(LABELS[key], lang)


# --- the report ------------------------------------------------------------------------------------

def render_text(report: DocumentReport, lang: str = "vi", details: bool = False) -> str:
    summary = summarize(report, lang)
    out = summary_lines(report, summary, lang)
    out.extend(layer_list(report, lang))
    if details:
        out.extend(details_lines(report, lang))
    return "\n".join(out)


def summary_lines(report: DocumentReport, summary: Summary, lang: str, remarks: int = 5) -> list[str]:
    out = [f"{_l('verdict', lang)}: {summary.headline}", f"{_l('next', lang)}: {summary.next_step}",
           f"{_l('file', lang)}: {report.file or '-'}"]
    if summary.document:
        out.append(f"{_l('document', lang)}:")
        out.extend(f"  {label}: {value}" for label, value in summary.document)
    if summary.signers:
        out.append(f"{_l('signers', lang)}:")
        out.extend(f"  - {line}" for line in summary.signers)
    if summary.problems:
        out.append(f"{_l('problems', lang)}:")
        out.extend(f"  - {line}" for line in summary.problems)
    else:
        out.append(f"{_l('problems', lang)}: {_l('none', lang)}")
    if summary.settle:
        out.append(f"{_l('settle', lang)}:")
        out.extend(f"  - {line}" for line in summary.settle)
    if summary.remarks:
        out.append(f"{_l('remarks', lang)}:")
        out.extend(f"  - {line}" for line in summary.remarks[:remarks])
        if len(summary.remarks) > remarks:
            out.append("  " + _l("and_more", lang).format(n=len(summary.remarks) - remarks))
    return out


def _status_words(layer: Layer, lang: str) -> str:
    status = codes.pick(codes.STATUS_TEXT.get(layer.status, codes.STATUS_TEXT[codes.INDETERMINATE]), lang)
    if layer.status == codes.PASSED:
        return status
    sub = layer.subindication or "GENERIC"
    short = STATUS_SHORT.get(sub)
    text = codes.pick(short, lang) if short else _lower_first(
        codes.pick(codes.SUBINDICATION_TEXT.get(sub, codes.SUBINDICATION_TEXT["GENERIC"]), lang).rstrip("."))
    return f"{status}: {text}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def layer_list(report: DocumentReport, lang: str) -> list[str]:
    if not report.layers:
        return [] if report.verdict == codes.ERROR else ["", _l("no_layers", lang)]
    out = ["", f"{_l('layers', lang)} ({codes.pick(ZONE_NOTE, lang)}):"]
    for number, layer in enumerate(report.layers, start=1):
        who = layer.signer.common_name or layer.field
        purpose = codes.pick(PURPOSE_SHORT.get(layer.purpose or "unknown", PURPOSE_SHORT["unknown"]), lang)
        when = f" — {_l('signed_at', lang)} {local(layer.signing_time)}" if layer.signing_time else ""
        out.append(f"  {number}. {who} — {purpose}{when} — {_status_words(layer, lang)}")
    return out


# --- details ----------------------------------------------------------------------------------------

def details_lines(report: DocumentReport, lang: str) -> list[str]:
    out = ["", "=" * 30 + f" {_l('details', lang)} " + "=" * 30, _l("times", lang)]
    out.extend(_validation_block(report, lang))
    out.extend(_metadata_block(report, lang))
    for number, layer in enumerate(report.layers, start=1):
        out.append("")
        out.extend(_layer_block(number, len(report.layers), layer, lang))
    out.extend(_profile_block(report, lang))
    out.extend(_findings_block(report, lang))
    return out


def _validation_block(report: DocumentReport, lang: str) -> list[str]:
    out = ["", f"{_l('validation', lang)}:", f"  {_l('file', lang)}: {report.file or '-'}", f"  SHA-256: {report.sha256 or '-'}"]
    size = f"{report.size} {_l('bytes', lang)}"
    if report.revisions:
        size += f", {report.revisions} {_l('revisions', lang)}"
    if report.pages:
        size += f", {report.pages} {_l('pages', lang)}"
    out.append(f"  {_l('size', lang)}: {size}")
    out.append(f"  {_l('validation_time', lang)}: {local(report.validation_time, seconds=True)}")
    policy = report.policy or "-"
    if report.policy_sha256:
        policy += f" (SHA-256 {report.policy_sha256[:16]}…)"
    out.append(f"  {_l('policy', lang)}: {policy}")
    out.append(f"  {_l('trust', lang)}: {report.trust_fingerprint or '-'}")
    anchors = getattr(report, "trust_anchors", None) or []
    if anchors:
        out.append(f"  {_l('anchors', lang)} ({len(anchors)}):")
        for a in anchors:
            pki = codes.pick(PKI.get(a.get("pki"), PKI["other"]), lang)
            out.append(f"    - {a.get('subject')} — {pki} — SHA-256 {a.get('sha256')}")
    out.append(f"  {_l('kyso', lang)}: {report.kyso_version or '-'}")
    if report.fetched:
        out.append(f"  {_l('fetched', lang)}:")
        out.extend(f"    - {line}" for line in fetched_lines(report, lang))
    return out


def _layers_text(numbers: list[int], lang: str) -> str:
    """`[1, 2, 3, 5]` as "chữ ký 1–3, 5"."""
    numbers = sorted(set(numbers))
    runs: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        runs.append(str(numbers[i]) if i == j else f"{numbers[i]}–{numbers[j]}")
        i = j + 1
    return f"{_l('layer_word', lang)} {', '.join(runs)}"


def _layer_block(number: int, total: int, layer: Layer, lang: str) -> list[str]:
    s = layer.signer
    lines = [f"{_l('layer', lang)} {number}/{total}: {layer.field} ({_l('revision', lang)} {layer.revision})"]
    who = s.common_name or "-"
    if s.email:
        who += f" <{s.email}>"
    lines.append(f"  {_l('signer', lang)}: {who}")
    org = ", ".join([*s.organizational_units, *([s.organization] if s.organization else [])])
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
        lines.append(f"  {_l('certificate', lang)}: {_l('serial', lang)} {c.serial}, {_l('validity', lang)} "
                     f"{local(c.not_before)} {_l('to', lang)} {local(c.not_after)}")
        lines.append(f"  {_l('cert_sha256', lang)}: {c.sha256}")
        algorithms = [f"{_l('digest', lang)} {layer.digest_algorithm}" if layer.digest_algorithm else "",
                      f"{_l('signature', lang)} {layer.signature_algorithm}" if layer.signature_algorithm else "",
                      f"{_l('key', lang)} {c.key_algorithm.upper()} {c.key_size or ''}".rstrip() if c.key_algorithm else ""]
        if any(algorithms):
            lines.append(f"  {_l('algorithms', lang)}: {', '.join(a for a in algorithms if a)}")
        usage = [codes.pick(KEY_USAGE[u], lang) if u in KEY_USAGE else u for u in c.key_usage]
        lines.append(f"  {_l('key_usage', lang)}: {', '.join(dict.fromkeys(usage)) or '-'}")
    if layer.chain:
        lines.append(f"  {_l('issuer', lang)}: {' → '.join(layer.chain)}")
        lines.append(f"  {_l('pki', lang)}: {codes.pick(PKI.get(layer.pki, PKI['untrusted']), lang)}")
    if layer.signing_time:
        note = ""
        if layer.signing_time_source == "timestamp":
            note = f" ({_l('from_timestamp', lang)})"
        elif layer.signing_time_source in ("signed_attribute", "pdf_m"):
            note = f" ({_l('claimed', lang)})"
        lines.append(f"  {_l('signing_time', lang)}: {local(layer.signing_time, seconds=True)}{note}")
    if layer.kind == "signature" and layer.certificate is not None:
        if layer.timestamp is None:
            lines.append(f"  {_l('timestamp', lang)}: {_l('no_timestamp', lang)}")
        else:
            t = layer.timestamp
            ok = _l("valid", lang) if (t.valid and t.trusted) else _l("not_valid", lang)
            lines.append(f"  {_l('timestamp', lang)}: {local(t.time, seconds=True)} {_l('by', lang)} {t.tsa or '-'} ({ok})")
            if t.problem and not (t.valid and t.trusted):
                lines.append(f"    {codes.say(t.problem, lang)}")
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
        text = codes.pick(REVOCATION.get(r.status, REVOCATION["unknown"]), lang)
        source = codes.say(r.source, lang)
        extra = f" ({_l('source', lang)}: {source}{', ' + local(r.time) if r.time else ''})" if source else ""
        lines.append(f"  {_l('revocation', lang)}: {text}{extra}")
    if layer.relaxed:
        lines.append(f"  {_l('relaxed', lang)}: {', '.join(_relaxed(x, lang) for x in layer.relaxed)}")
    status = codes.pick(codes.STATUS_TEXT[layer.status], lang)
    sub = f" [{layer.subindication}]" if layer.subindication else ""
    lines.append(f"  {_l('conclusion', lang)}: {status}{sub}. {layer.message(lang)}")
    if layer.problem and layer.status != codes.PASSED:
        lines.append(f"  {_l('validator', lang)}: {codes.say(layer.problem, lang)}")
    return lines


def _source(text: str, lang: str) -> str:
    return codes.source_text(text, lang)


def _relaxed(item, lang: str) -> str:
    """A policy relaxation ("LEGACY_SHA1_ACCEPTED: message digest"): its code, then where it applied."""
    text = codes.say(item, lang)
    code, sep, where = text.partition(": ")
    return f"{code}: {codes.word(where, codes.WHERE_TEXT, lang)}" if sep else text


def _value(entry) -> str | None:
    value = entry.get("value") if isinstance(entry, dict) else entry
    if value is None:
        return None
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def _provenance(entry: dict, lang: str) -> str:
    """Where a value was read, which revision, which signatures cover it, and how far it holds."""
    parts = []
    if entry.get("source"):
        parts.append(_source(entry["source"], lang))
    if isinstance(entry.get("revision"), int):
        parts.append(f"{_l('revision', lang)} {entry['revision']}")
    covered = entry.get("covered_by")
    if isinstance(covered, list):
        parts.append(_l("covered_by", lang).format(layers=", ".join(map(str, covered))) if covered else _l("uncovered", lang))
    if entry.get("ocr"):
        parts.append(_l("ocr", lang))
    if entry.get("unsigned"):
        parts.append(_l("unsigned", lang))
    if entry.get("established") is False:
        parts.append(_l("not_established", lang))
    return f" [{'; '.join(parts)}]" if parts else ""


_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?")


def _pdf_date(value: Any) -> Any:
    """A PDF date (D:20220308102154+07'00') as a person reads it; anything else as it is."""
    m = _PDF_DATE.match(str(value))
    if not m:
        return value
    y, mo, d, h, mi, sec, zone = m.groups()
    offset = "+00:00" if zone in (None, "Z") else zone.replace("'", "")[:3] + ":" + zone.replace("'", "")[3:5]
    return local(f"{y}-{mo}-{d}T{h}:{mi}:{sec or '00'}{offset}")


def _properties(value: dict, lang: str) -> str:
    shown = []
    for key, v in value.items():
        label = codes.pick(PROPERTY_LABELS[key], lang) if key in PROPERTY_LABELS else key
        shown.append(f"{label}: {_pdf_date(v)}")
    return "; ".join(shown)


def _metadata_block(report: DocumentReport, lang: str) -> list[str]:
    meta = report.metadata or {}
    shown = {k: v for k, v in meta.items() if isinstance(v, dict)}
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
            rows.append((key, local_date(v) if v else _l("blank", lang), entry))
        elif key == "signer":
            pos, name = shown.get("signer_position"), shown.get("signer_name")
            if pos or name:
                text = ", ".join(x for x in (_value(name) if name else None, _value(pos) if pos else None) if x)
                rows.append((key, text, name or pos))
        elif key in ("pdf_info", "xmp"):
            entry = shown.get(key)
            if entry and isinstance(entry.get("value"), dict) and entry["value"]:
                rows.append((key, _properties(entry["value"], lang), entry))
        elif key in shown and _value(shown[key]) is not None:
            rows.append((key, _value(shown[key]), shown[key]))
    if not rows:
        return []
    out = ["", f"{_l('metadata', lang)}:"]
    for key, text, entry in rows:
        out.append(f"  {codes.pick(META_LABELS[key], lang)}: {text}{_provenance(entry, lang)}")
        for other in entry.get("conflicts", []):
            out.append(f"    ! {_l('differs', lang)}: {_value(other)}{_provenance(other, lang)}")
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
    else:
        out.extend(_finding_lines(found, lang))
    return out


def _finding_lines(found: list[Finding], lang: str) -> list[str]:
    """One line per code and message: the same note on six layers is said once, naming them."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in found:
        groups.setdefault((f.code, finding_message(f, lang)), []).append(f)
    out = []
    for (code, message), items in groups.items():
        layers = [f.layer for f in items if f.layer]
        where = f" ({_layers_text(layers, lang)})" if layers else ""
        out.append(f"  - [{code}]{where} {message}")
    return out


def _findings_block(report: DocumentReport, lang: str) -> list[str]:
    out = []
    rest = [f for f in report.findings if not f.code.startswith("ND30_")]
    for severity, label in (("error", "errors"), ("warning", "warnings"), ("info", "notes")):
        found = [f for f in rest if f.severity == severity]
        if found:
            out.extend(["", f"{_l(label, lang)}:"])
            out.extend(_finding_lines(found, lang))
    return out


def render_json(report: DocumentReport, lang: str = "vi") -> str:
    """One line per document, stable keys (README: JSON keys); `summary` is what the text report
    opens with, for a program that shows it."""
    data = report.to_dict(lang)
    data["summary"] = asdict(summarize(report, lang))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
