"""What a clerk reads first: the verdict in plain words, what to do next, what the document is,
who signed it and what is wrong, one sentence each. The text, HTML and PDF reports all open
with it, so they say the same thing in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from verifier.report import codes
from verifier.report.model import DocumentReport

HEADLINE = {
    codes.VALID: ("Văn bản hợp lệ: mọi chữ ký số đều đúng và văn bản không bị thay đổi sau khi ký.",
                  "The document is valid: every signature checks out and nothing changed after signing."),
    codes.INVALID: ("Văn bản KHÔNG hợp lệ: đã chứng minh được sai phạm.",
                    "The document is NOT valid: a fault has been proven."),
    codes.INDETERMINATE: ("Chưa xác định được văn bản có hợp lệ hay không.",
                          "Whether the document is valid could not be established."),
    codes.ERROR: ("Không đọc được tệp này như một văn bản PDF.", "This file cannot be read as a PDF document."),
}
NEXT_STEP = {
    codes.VALID: ("Có thể vào sổ văn bản đến.", "It can be registered."),
    codes.INVALID: ("Không tiếp nhận; báo lại cho cơ quan gửi.", "Do not accept it; tell the sender."),
    codes.INDETERMINATE: ("Xem các vấn đề dưới đây trước khi tiếp nhận.", "Read the problems below before accepting it."),
    codes.ERROR: ("Đề nghị cơ quan gửi gửi lại tệp.", "Ask the sender for the file again."),
}


@dataclass
class Summary:
    verdict: str  # codes.VALID | INVALID | INDETERMINATE | ERROR
    headline: str  # the verdict in plain words
    next_step: str  # what the reader should do now
    document: list[tuple[str, str]] = field(default_factory=list)  # (label, value): type, number, date, issuer, subject
    signers: list[str] = field(default_factory=list)  # one line per layer: who, in what capacity
    problems: list[str] = field(default_factory=list)  # what is wrong, one sentence each


def summarize(report: DocumentReport, lang: str = "vi") -> Summary:
    summary = Summary(report.verdict, codes.pick(HEADLINE[report.verdict], lang),
                      codes.pick(NEXT_STEP[report.verdict], lang))
    for layer in report.layers:
        who = layer.signer.common_name or "-"
        purpose = codes.pick(codes.PURPOSE_TEXT.get(layer.purpose or "unknown", codes.PURPOSE_TEXT["unknown"]), lang)
        summary.signers.append(f"{who} ({purpose})")
    summary.problems = [f.message(lang) for f in report.findings if f.severity == "error"]
    return summary
