"""What a clerk reads first: the verdict in plain words, what to do next, what the document is,
who signed it and what is wrong, one sentence each. The text, HTML and PDF reports all open
with it, so they say the same thing in the same words.

Problems are derived from what decides the verdict: the layers that did not pass and the error
findings. A cause shared by several layers (revocation unknown offline, a missing issuing CA) is
said once for the document. No finding code appears here; the details and JSON carry them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from verifier.report import codes
from verifier.report.localtime import local, local_date
from verifier.report.model import DocumentReport, Finding, Layer

HEADLINE = {
    codes.VALID: ("HỢP LỆ — mọi chữ ký số đều đúng, do tổ chức được tin cậy cấp, và nội dung đã ký không bị thay đổi.",
                  "VALID — every signature checks out, issued by a trusted authority, and the signed content is unchanged."),
    codes.INVALID: ("KHÔNG HỢP LỆ — đã chứng minh được sai phạm (xem các vấn đề dưới đây).",
                    "NOT VALID — a fault has been proven (see the problems below)."),
    codes.INDETERMINATE: ("KHÔNG XÁC ĐỊNH — chưa đủ căn cứ để khẳng định văn bản hợp lệ; chưa có sai phạm nào được chứng minh.",
                          "INDETERMINATE — there is not enough to confirm the document is valid; no fault has been proven."),
    codes.ERROR: ("KHÔNG ĐỌC ĐƯỢC TỆP — tệp không đọc được như một văn bản PDF nên không kiểm tra được chữ ký.",
                  "UNREADABLE FILE — the file cannot be read as a PDF document, so no signature could be checked."),
}
NEXT_STEP = {
    codes.VALID: ("Có thể tiếp nhận và vào sổ văn bản đến.", "It can be accepted and registered."),
    codes.INVALID: ("Không tiếp nhận; báo lại cho cơ quan gửi và đề nghị gửi lại bản gốc.",
                    "Do not accept it; tell the sender and ask for the original."),
    codes.INDETERMINATE: ("Chưa tiếp nhận như văn bản hợp lệ; làm theo hướng dẫn dưới đây rồi kiểm tra lại.",
                          "Do not accept it as valid yet; do what is said below, then verify again."),
    codes.ERROR: ("Đề nghị cơ quan gửi gửi lại tệp.", "Ask the sender for the file again."),
}
# An unreadable file whose next step is not the sender's (issue 18): what the reader can do.
NEXT_STEP_ERROR = {
    "FILE_UNREADABLE": ("Kiểm tra đường dẫn và quyền đọc tệp rồi kiểm tra lại.", "Check the path and the permission to read it, then verify again."),
    "ENCRYPTED": ("Kiểm tra lại với mật khẩu của tệp (kyso verify --password -), hoặc đề nghị cơ quan gửi gửi bản không mã hóa.",
                  "Verify it again with its password (kyso verify --password -), or ask the sender for an unencrypted copy."),
    "ENCRYPTED_WRONG_PASSWORD": ("Hỏi lại nơi gửi mật khẩu đúng rồi kiểm tra lại với --password.",
                                 "Ask the sender for the right password, then verify again with --password."),
}

# What a layer is for, in the few words of a signer line (verifier.decree30.profile's purposes).
PURPOSE_SHORT = {
    "competent": ("người có thẩm quyền ký", "the competent person's signature"),
    "person": ("chữ ký cá nhân khác", "another personal signature"),
    "number": ("cấp số", "document number"),
    "date": ("ghi ngày", "issue date"),
    "seal": ("đóng dấu", "seal"),
    "appendix": ("ký phụ lục", "appendix"),
    "copy": ("sao văn bản", "copy"),
    "incoming": ("đóng dấu đến", "incoming stamp"),
    "comment": ("ghi ý kiến", "comment"),
    "agency": ("chữ ký của cơ quan", "agency signature"),
    "timestamp": ("dấu thời gian tài liệu", "document timestamp"),
    "unknown": ("chưa rõ vai trò", "purpose unknown"),
}

DOCUMENT_LABELS = {
    "type_name": ("Loại văn bản", "Type"),
    "number": ("Số, ký hiệu", "Number"),
    "issued_date": ("Ngày ban hành", "Issue date"),
    "organ_name": ("Cơ quan ban hành", "Issuing agency"),
    "subject": ("Trích yếu", "Subject"),
}
OCR_MARK = ("đọc bằng OCR", "read by OCR")
BLANK_NUMBER = ("chưa điền số", "the number is blank")
UNCOVERED_MARK = ("không chữ ký nào bảo vệ giá trị này", "no signature covers this value")

# --- sentences -------------------------------------------------------------------------------------

REVOCATION_UNKNOWN = ("Không kiểm tra được tình trạng thu hồi của chứng thư số (không có CRL/OCSP).",
                      "The revocation status of the certificates could not be checked (no CRL or OCSP response).")
REVOCATION_SUBINDICATIONS = {"TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE"}
ROOT_MISSING = ("Chứng thư gốc “{issuer}” không có trong các điểm tin cậy, nên chưa kiểm tra được chữ ký của {who}.",
                "The root certificate “{issuer}” is not among the trust anchors, so {who}'s signature could not be checked.")
ISSUER_MISSING = ("Thiếu chứng thư số của tổ chức cấp trung gian “{issuer}”, nên chưa kiểm tra được chữ ký của {who}.",
                  "The certificate of the intermediate authority “{issuer}” is missing, so {who}'s signature could not be checked.")
MODIFIED = ("Văn bản đã bị thay đổi sau khi {who} ký.", "The document was changed after {who} signed it.")
# the same, where the rendered comparison shows where (RENDERED_DIFFERENCE of those layers)
MODIFIED_SHOWN = ("Văn bản đã bị thay đổi sau khi {who} ký; nội dung hiển thị khác với lúc ký ở trang {pages}.",
                  "The document was changed after {who} signed it; what it displays differs from what was signed on page {pages}.")
OVERLAY = ("Chữ ký của {who} được thêm vào sau và hiển thị đè lên văn bản đã ký, nhưng không xác định được danh tính người ký này: "
           "không khẳng định được nội dung đang hiển thị là nội dung đã ký.",
           "{who}'s signature was added later and is displayed over the signed document, but that signer cannot be identified: "
           "what is displayed cannot be confirmed as what was signed.")
LAYER_SENTENCE = ("Chữ ký của {who}: {text}", "{who}'s signature: {text}")
LAYER_NUMBER = ("chữ ký {n}", "signature {n}")

# Error findings grouped by what they mean for a reader: one sentence per group.
_APPENDED = ("Tệp có dữ liệu được thêm vào sau khi ký mà không chữ ký nào bảo vệ.",
             "The file holds data added after signing that no signature covers.")
_DIFFERENTIAL = ("Tệp được tạo ra sao cho mỗi phần mềm có thể hiển thị một nội dung khác nhau: nội dung đang xem có thể không phải nội dung đã ký.",
                 "The file is built so that different programs may show different content: what is shown may not be what was signed.")
_TAMPERED_SIGNATURE = ("Chữ ký số bị can thiệp: vùng dữ liệu được ký hoặc cấu trúc chữ ký không đúng, có dữ liệu không được ký lẫn vào.",
                       "A signature was tampered with: its signed range or its structure is wrong, and unsigned data is mixed in.")
_DISPLAY_CHANGED = ("Nội dung hiển thị của văn bản đã bị thay đổi hoặc bị che sau khi ký (trang {pages}).",
                    "What the document displays was changed or covered after signing (page {pages}).")
_UNREADABLE = ("Tệp không phải PDF hoặc bị hỏng nên không đọc được.", "The file is not a PDF or is damaged, so it cannot be read.")
ERROR_SENTENCES = {
    **{c: _APPENDED for c in ("BYTES_AFTER_EOF", "EOF_COUNT_MISMATCH", "UNREADABLE_LAST_REVISION", "UNEXPLAINED_BYTES",
                              "UNREFERENCED_OBJECT", "REFERENCE_RESOLVED_AFTER_SIGNING", "XREF_POINTS_OUTSIDE_REVISION",
                              "OBJECT_STREAM_UNREFERENCED")},
    **{c: _DIFFERENTIAL for c in ("OBJECTS_OVERLAP", "HYBRID_XREF_CONFLICT", "LINEARIZED_XREF_CONFLICT", "XREF_DUPLICATE_ENTRY",
                                  "TRAILER_KEY_CONFLICT", "DICT_KEY_CONFLICT", "XREF_PREV_LOOP",
                                  "STRICT_PARSE_DEVIATION_AFTER_SIGNING", "OBJECT_STREAM_CONFLICT", "OBJECT_STREAM_DUPLICATE",
                                  "OBJECT_STREAM_MALFORMED", "REVISION_MALFORMED", "PARENT_CHANGED_AFTER_SIGNING")},
    **{c: _TAMPERED_SIGNATURE for c in ("BYTE_RANGE_INVALID", "SIGNATURE_PADDING_NOT_ZERO", "SIGNATURE_CMS_MALFORMED",
                                        "SIGNATURE_GAP_INVALID", "SIGNATURE_DICT_MISPLACED", "BYTE_RANGE_REVISION_MISMATCH")},
    **{c: _DISPLAY_CHANGED for c in ("APPEARANCE_NOT_VOUCHED", "RENDERED_DIFFERENCE")},
    **{c: _UNREADABLE for c in ("NOT_PDF", "PDF_DAMAGED", "STRUCTURE_UNREADABLE")},
    "NO_SIGNATURES": ("Văn bản không có chữ ký số.", "The document carries no digital signature."),
    "ENCRYPTED": ("Tệp được mã hóa bằng mật khẩu: hãy kiểm tra lại với mật khẩu (kyso verify --password -) hoặc xin bản không mã hóa.",
                  "The file is encrypted with a password: verify it again with the password (kyso verify --password -) or get an unencrypted copy."),
    "ACTIVE_CONTENT_ADDED": ("Có mã lệnh tự chạy (JavaScript, hành động khi mở tệp) được thêm vào sau khi ký.",
                             "Code that runs by itself (JavaScript, an action on opening) was added after signing."),
}
# Error findings that restate a layer's status: the layer's own sentence says it.
_LAYER_RESTATED = {"LAYER_FAILED", "LAYER_INDETERMINATE", "REVOCATION_UNKNOWN", "REVOCATION_NOT_OBTAINED", "ISSUER_MISSING", "OVERLAY_BY_UNIDENTIFIED_SIGNER",
                   "ND30_LATER_LAYER_UNTRUSTED"}

# Warnings that do not decide the verdict but a clerk should know (the rest is in the details).
_OVER_SIGNED = ("Hình hiển thị của chữ ký {field} nằm đè lên nội dung đã ký ở trang {page}.",
                "The appearance of signature {field} lies over signed content on page {page}.")
REMARK_SENTENCES = {
    "ANNOTATION_OVER_SIGNED_TEXT": _OVER_SIGNED,
    "ANNOTATION_OVER_SIGNED_IMAGE": _OVER_SIGNED,
    "ANNOTATION_OVER_SIGNED_DRAWING": _OVER_SIGNED,
    "ANNOTATION_OVER_EARLIER_APPEARANCE": ("Hình hiển thị của chữ ký {field} nằm đè lên hình của chữ ký {covered_field} ở trang {page}.",
                                           "The appearance of signature {field} lies over that of signature {covered_field} on page {page}."),
    "ANNOTATION_GEOMETRY_UNRESOLVED": ("Không xác định được vị trí hiển thị của chữ ký {field} ở trang {page}.",
                                       "Where signature {field} is displayed on page {page} cannot be told."),
    "ANNOTATION_NOT_MEASURED": ("Không đo được chữ ký {field} che gì ở trang {page}.",
                                "What signature {field} covers on page {page} could not be measured."),
    "ACTIVE_CONTENT": ("Văn bản có mã lệnh tự chạy (JavaScript, hành động khi mở tệp) trong phần đã ký.",
                       "The signed document holds code that runs by itself (JavaScript, an action on opening)."),
    "TIMESTAMP_INVALID": ("Dấu thời gian của một chữ ký không hợp lệ hoặc không tin cậy.",
                          "A signature's timestamp is not valid or not trusted."),
    "RENDERING_UNAVAILABLE": ("Không so sánh được hình ảnh các trang với lúc ký; các kiểm tra khác vẫn áp dụng.",
                              "The pages could not be compared as images with what was signed; the other checks still apply."),
}
# Warnings about the file's syntax only: for the auditor (details), not the clerk.
_TECHNICAL_WARNINGS = {"STRICT_PARSE_DEVIATION", "TRAILER_DUPLICATE_KEY", "DICT_DUPLICATE_KEY", "OBJECT_STREAM_CONFLICT_IN_ORIGINAL",
                       "SIGNED_ATTRIBUTES_NOT_DER", "SIGNATURE_FORMAT_UNREGISTERED"}

# What would settle an INDETERMINATE verdict, by cause.
SETTLE = {
    "revocation": ("Lấy thông tin thu hồi: chạy lại với --online (kyso tải CRL từ điểm phân phối CRL và hỏi máy chủ OCSP "
                   "ghi trong chứng thư số), hoặc tải CRL của các CA vào kho tin cậy bằng kyso certs refresh, hoặc đưa tệp "
                   "CRL/OCSP bằng --crl/--ocsp.",
                   "Get the revocation status: run again with --online (kyso downloads the CRL from the CRL distribution "
                   "point and asks the OCSP responder written in the certificates), or download the CAs' CRLs into the "
                   "trust store with kyso certs refresh, or give CRL/OCSP files with --crl/--ocsp."),
    # issue 15 (net15): with --online the network was asked already; advising it again helps nobody
    "revocation_online": ("Dịch vụ CRL/OCSP không trả lời hoặc báo lỗi (xem chi tiết): kiểm tra lại sau, hoặc đưa tệp CRL/OCSP bằng --crl/--ocsp.",
                          "The CRL/OCSP services did not answer or gave an error (see the details): verify again later, or give CRL/OCSP files with --crl/--ocsp."),
    "issuer": ("Thêm chứng thư số của CA cấp phát (trung gian) bằng --intermediate, hoặc nhập vào kho bằng kyso certs import, "
               "rồi kiểm tra lại.",
               "Add the issuing (intermediate) CA's certificate with --intermediate, or import it with kyso certs import, "
               "then verify again."),
    "root": ("Nếu CA này đáng tin cậy, thêm chứng thư gốc của nó làm điểm tin cậy: nhập vào kho bằng kyso certs import "
             "(xem kyso certs list), hoặc cho bằng --trust trong một lần chạy; không đưa chứng thư gốc bằng --intermediate.",
             "If this CA is trustworthy, add its root certificate as an anchor: import it with kyso certs import "
             "(see kyso certs list), or give it with --trust for one run; a root does not go in with --intermediate."),
    "anchor": ("Nếu tổ chức cấp chứng thư số này đáng tin cậy, thêm chứng thư gốc của nó (--trust); nếu không, đề nghị cơ quan gửi ký lại bằng chứng thư số hợp lệ.",
               "If the authority that issued this certificate is trustworthy, add its root certificate (--trust); otherwise ask the sender to sign again with a valid certificate."),
    "time": ("Đề nghị cơ quan gửi cung cấp bản có dấu thời gian chứng minh văn bản được ký khi chứng thư số còn hiệu lực, "
             "hoặc ký lại.",
             "Ask the sender for a copy with a timestamp that proves it was signed while the certificate was valid, or to "
             "sign again."),
    "algorithm": ("Đề nghị cơ quan gửi ký lại bằng thuật toán được chấp nhận (SHA-256).",
                  "Ask the sender to sign again with an accepted algorithm (SHA-256)."),
    "overlay": ("Đề nghị cơ quan gửi cung cấp bản gốc, trước khi có chữ ký không xác định được danh tính.",
                "Ask the sender for the original, before the signature that cannot be identified was added."),
    "other": ("Xem chi tiết kỹ thuật (--details); nếu vẫn không rõ, báo cho quản trị hệ thống kèm tệp này.",
              "Read the technical details (--details); if still unclear, report it to the administrator with this file."),
}
_SETTLE_BY_SUBINDICATION = {
    "TRY_LATER": "revocation", "REVOCATION_OUT_OF_BOUNDS_NO_POE": "revocation",
    "NO_CERTIFICATE_CHAIN_FOUND": "anchor",
    "OUT_OF_BOUNDS_NO_POE": "time", "REVOKED_NO_POE": "time", "NO_POE": "time", "REVOKED_CA_NO_POE": "time",
    "CRYPTO_CONSTRAINTS_FAILURE": "algorithm", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": "algorithm",
    "OVERLAY_BY_UNIDENTIFIED_SIGNER": "overlay",
}

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def readable_params(params: dict[str, Any]) -> dict[str, Any]:
    """A finding's params with ISO times and dates as a person reads them (JSON keeps ISO)."""
    out = {}
    for key, value in params.items():
        if isinstance(value, str) and _ISO_TIME.match(value):
            value = local(value.replace("Z", "+00:00"))
        elif isinstance(value, str) and _ISO_DATE.match(value):
            value = local_date(value)
        out[key] = value
    return out


def finding_message(f: Finding, lang: str) -> str:
    return codes.finding_text(f.code, lang, **{"layer": f.layer, **readable_params(f.params)})


@dataclass
class Summary:
    verdict: str  # codes.VALID | INVALID | INDETERMINATE | ERROR
    headline: str  # the verdict in plain words
    next_step: str  # what the reader should do now
    document: list[tuple[str, str]] = field(default_factory=list)  # (label, value): type, number, date, issuer, subject
    signers: list[str] = field(default_factory=list)  # one line per signer role: who, in what capacity
    problems: list[str] = field(default_factory=list)  # what is wrong, one sentence each
    verdict_text: str = ""  # the verdict as the tools users know word it: Hợp lệ / Không hợp lệ / Không xác định
    settle: list[str] = field(default_factory=list)  # INDETERMINATE: what would decide it
    remarks: list[str] = field(default_factory=list)  # warnings that do not change the verdict, plainly


def summarize(report: DocumentReport, lang: str = "vi") -> Summary:
    summary = Summary(report.verdict, codes.pick(HEADLINE[report.verdict], lang), codes.pick(NEXT_STEP[report.verdict], lang),
                      verdict_text=codes.pick(codes.VERDICT_TEXT[report.verdict], lang))
    if report.verdict == codes.ERROR:
        step = next((NEXT_STEP_ERROR[f.code] for f in report.findings if f.code in NEXT_STEP_ERROR), None)
        summary.next_step = codes.pick(step, lang) if step else summary.next_step
    summary.document = document_lines(report, lang)
    summary.signers = signer_lines(report, lang)
    summary.problems, causes = _problems(report, lang)
    if report.verdict == codes.INDETERMINATE:
        if report.fetched:  # an --online run: the revocation services were asked
            causes = ["revocation_online" if c == "revocation" else c for c in causes]
        summary.settle = _unique(codes.pick(SETTLE[c], lang) for c in causes or ["other"])
    summary.remarks = _remarks(report, lang)
    return summary


# --- the document ----------------------------------------------------------------------------------

def _entry(meta: dict, key: str) -> dict | None:
    entry = meta.get(key)
    if not isinstance(entry, dict) or entry.get("value") in (None, "", []):
        return None
    return entry


def shown_as_fact(entry: dict | None) -> bool:
    """A value the report may present as the document's own: not one that could not be
    established, nor /Info or XMP written after the last signature."""
    return entry is not None and entry.get("established", True) is not False and not entry.get("unsigned")


def _marks(entries: list[dict], lang: str) -> str:
    marks = []
    if any(e.get("ocr") for e in entries):
        marks.append(codes.pick(OCR_MARK, lang))
    if any(e.get("covered_by") == [] for e in entries):
        marks.append(codes.pick(UNCOVERED_MARK, lang))
    return f" ({'; '.join(marks)})" if marks else ""


def document_lines(report: DocumentReport, lang: str) -> list[tuple[str, str]]:
    meta = report.metadata or {}
    out: list[tuple[str, str]] = []

    def add(key: str, text: str, entries: list[dict]) -> None:
        out.append((codes.pick(DOCUMENT_LABELS[key], lang), text + _marks(entries, lang)))

    for key in DOCUMENT_LABELS:
        if key == "number":
            number, notation = _entry(meta, "code_number"), _entry(meta, "code_notation")
            parts = [e for e in (number, notation) if shown_as_fact(e)]
            if shown_as_fact(notation):
                n = str(number["value"]) if shown_as_fact(number) else "…"
                blank = isinstance(meta.get("code_number"), dict) and meta["code_number"].get("blank")
                add(key, f"{n}/{notation['value']}" + (f" ({codes.pick(BLANK_NUMBER, lang)})" if blank else ""), parts)
            elif shown_as_fact(number):
                add(key, str(number["value"]), parts)
        elif key == "issued_date":
            entry = _entry(meta, key)
            if shown_as_fact(entry):
                add(key, local_date(entry["value"]), [entry])
        else:
            entry = _entry(meta, key)
            if shown_as_fact(entry):
                add(key, str(entry["value"]), [entry])
    return out


# --- who signed --------------------------------------------------------------------------------------

def _who(layer: Layer, number: int, lang: str) -> str:
    return layer.signer.common_name or codes.pick(LAYER_NUMBER, lang).format(n=number)


def _position(report: DocumentReport, layer: Layer) -> str | None:
    """The printed position of the competent person ("GIÁM ĐỐC" read as "Giám đốc"), when the
    printed name is this layer's signer; else the certificate's title."""
    meta = report.metadata or {}
    name, position = _entry(meta, "signer_name"), _entry(meta, "signer_position")
    if (layer.purpose == "competent" and shown_as_fact(position) and shown_as_fact(name)
            and str(name["value"]).casefold() == (layer.signer.common_name or "").casefold()):
        return str(position["value"]).capitalize()
    return layer.signer.title


def signer_lines(report: DocumentReport, lang: str) -> list[str]:
    """One line per signer and kind: a person per line, an agency's repeated layers (number,
    date, seal…) in one."""
    groups: dict[tuple, list[tuple[int, Layer]]] = {}
    for number, layer in enumerate(report.layers, start=1):
        key = ((layer.signer.common_name or f"#{number}").casefold(), layer.role, layer.kind)
        groups.setdefault(key, []).append((number, layer))
    lines = []
    for members in groups.values():
        number, first = members[0]
        who = _who(first, number, lang)
        position = _position(report, first)
        if position:
            who += f", {position}"
        purposes = _unique(codes.pick(PURPOSE_SHORT.get(l.purpose or "unknown", PURPOSE_SHORT["unknown"]), lang) for _, l in members)
        lines.append(f"{who} — {', '.join(purposes)}")
    return lines


# --- what is wrong ----------------------------------------------------------------------------------

def _names(items: list[tuple[int, Layer]], lang: str) -> str:
    names = _unique(_who(layer, number, lang) for number, layer in items)
    joiner = codes.pick((" và ", " and "), lang)
    return ", ".join(names[:-1]) + joiner + names[-1] if len(names) > 1 else names[0]


def _cn(dn: str) -> str:
    match = re.search(r"(?:^|,\s*)CN=((?:\\,|[^,])+)", dn or "")
    return match.group(1).replace("\\,", ",") if match else (dn or "")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _problems(report: DocumentReport, lang: str) -> tuple[list[str], list[str]]:
    """(sentences, causes for SETTLE) of what decides the verdict."""
    sentences: list[str] = []
    causes: list[str] = []
    issuers: dict[int, str] = {f.layer: _cn(str(f.params.get("issuer", ""))) for f in report.findings
                               if f.code == "ISSUER_MISSING" and f.layer}
    roots = {f.layer for f in report.findings if f.code == "ISSUER_MISSING" and f.params.get("missing") == "root"}
    overlay_fields = {str(f.params.get("field")) for f in report.findings if f.code == "OVERLAY_BY_UNIDENTIFIED_SIGNER"}

    # errors of the document first: they decide INVALID
    modified = {number for number, layer in enumerate(report.layers, start=1)
                if layer.status != codes.PASSED and layer.subindication == "MODIFIED_AFTER_SIGNING"}
    shown: dict[int, set[int]] = {}  # layer -> pages the rendered comparison found changed: said with the layer
    grouped: dict[str, list[Finding]] = {}
    for f in report.findings:
        if f.code == "RENDERED_DIFFERENCE" and f.layer in modified and isinstance(f.params.get("page"), int):
            shown.setdefault(f.layer, set()).add(f.params["page"])
        elif f.severity == "error" and f.code not in _LAYER_RESTATED:
            grouped.setdefault(f.code, []).append(f)
    for code, found in grouped.items():
        pair = ERROR_SENTENCES.get(code)
        if pair is None:
            text = finding_message(found[0], lang)
            if len(found) > 1:
                text += codes.pick((" (và {n} chỗ khác)", " (and {n} more)"), lang).format(n=len(found) - 1)
        else:
            pages = sorted({f.params.get("page") for f in found if isinstance(f.params.get("page"), int)})
            text = codes.pick(pair, lang).format(pages=", ".join(map(str, pages)) or "-")
        sentences.append(text)

    # then the layers that did not pass, one sentence per cause
    by_sentence: dict[tuple[str, str], list[tuple[int, Layer]]] = {}
    revocation = False
    for number, layer in enumerate(report.layers, start=1):
        if layer.status == codes.PASSED:
            continue
        sub = layer.subindication or "GENERIC"
        if sub in REVOCATION_SUBINDICATIONS or (layer.revocation is not None and layer.revocation.status == "unknown"
                                               and layer.status == codes.INDETERMINATE and sub == "GENERIC"):
            revocation = True
            causes.append("revocation")
            continue
        if sub == "NO_CERTIFICATE_CHAIN_FOUND" and number in issuers:
            kind = "root" if number in roots else "issuer"
            by_sentence.setdefault((kind, issuers[number]), []).append((number, layer))
            causes.append(kind)
            continue
        if sub == "OVERLAY_BY_UNIDENTIFIED_SIGNER" or layer.field in overlay_fields:
            causes.append("overlay")
            continue  # said once, naming the layer that drew (below): that it cannot be identified is the problem
        if sub == "MODIFIED_AFTER_SIGNING":
            by_sentence.setdefault(("modified", ""), []).append((number, layer))
            continue
        by_sentence.setdefault(("layer", sub), []).append((number, layer))
        if layer.status == codes.INDETERMINATE:
            causes.append(_SETTLE_BY_SUBINDICATION.get(sub, "other"))
    for number, layer in enumerate(report.layers, start=1):
        if layer.field in overlay_fields:
            sentences.append(codes.pick(OVERLAY, lang).format(who=_who(layer, number, lang)))
    for (kind, key), items in by_sentence.items():
        who = _names(items, lang)
        if kind in ("issuer", "root"):
            sentences.append(codes.pick(ROOT_MISSING if kind == "root" else ISSUER_MISSING, lang).format(issuer=key, who=who))
        elif kind == "modified":
            pages = sorted(set().union(*(shown.get(number, set()) for number, _ in items)))
            if pages:
                sentences.append(codes.pick(MODIFIED_SHOWN, lang).format(who=who, pages=", ".join(map(str, pages))))
            else:
                sentences.append(codes.pick(MODIFIED, lang).format(who=who))
        else:
            text = codes.pick(codes.SUBINDICATION_TEXT.get(key, codes.SUBINDICATION_TEXT["GENERIC"]), lang)
            sentences.append(codes.pick(LAYER_SENTENCE, lang).format(who=who, text=_lower_first(text)))
    if revocation:
        sentences.append(codes.pick(REVOCATION_UNKNOWN, lang))
    return _unique(sentences), _unique(causes)


def _remarks(report: DocumentReport, lang: str) -> list[str]:
    fields = {layer.field: f"{number} ({_who(layer, number, lang)})" for number, layer in enumerate(report.layers, start=1)}
    out = []
    for f in report.findings:
        if f.severity != "warning" or f.code in _LAYER_RESTATED or f.code in _TECHNICAL_WARNINGS or f.code == "INTERNAL_ERROR":
            continue
        pair = REMARK_SENTENCES.get(f.code)
        if pair is None:
            out.append(finding_message(f, lang))
            continue
        try:
            params = {"field": "-", "page": "-", "covered_field": "-", **f.params}
            params["field"] = fields.get(params["field"], params["field"])
            params["covered_field"] = fields.get(params["covered_field"], params["covered_field"])
            out.append(codes.pick(pair, lang).format(**params))
        except (KeyError, IndexError, ValueError):
            out.append(codes.pick(pair, lang))
    return _unique(out)


def _unique(items) -> list:
    seen: list = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
