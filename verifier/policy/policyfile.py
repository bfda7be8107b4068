"""Named policies and policy files.

A policy decides what each fact means: the severity of every finding code (fail, warn, info or
ignore) and the legacy-algorithm choices. `nd30` is the default (verifier.policy.named.ND30); a TOML
file given with `--policy FILE` starts from a named policy and overrides what it names:

    name = "nd30-strict"               # recorded in every report, with the policy's hash
    base = "nd30"                      # the named policy it starts from (default nd30)
    description = "Decree 30 checks are errors in our archive"

    [severities]                       # finding code = fail | warn | info | ignore
    ND30_NO_AGENCY_SIGNATURE = "fail"
    ND30_SEAL_PLACEMENT = "ignore"

    [legacy]
    sha1 = "government"                # government (G1/G2 roots only) | never | [anchor SHA-256, …]
    min_rsa_bits = 2048                # a signer's RSA key below this fails the layer

    [limits]                           # the work one document may cost (verifier.pdf.budget)
    objects = 200000                   # cross-reference entries in the whole file
    objects_per_update = 10000         # objects one revision after the first signature may list
    decoded_mb = 512                   # all its streams decoded, in MiB

Requiring nonRepudiation is a severity like any other: NON_REPUDIATION_ABSENT = "fail".

Findings are facts; the policy only changes their severity, and so the verdict derived from
them (an error makes the document INVALID). It never changes what a layer's cryptography says.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from verifier.report import codes
from verifier.report.codes import Phrase
from verifier.report.phrased import PhrasedError, read_toml
from verifier.policy.named import DEFAULT_POLICY, POLICIES, VGCA_G1_ROOT, VGCA_G2_ROOT, Limits, Policy

SEVERITY_WORDS = {"fail": "error", "error": "error", "warn": "warning", "warning": "warning",
                  "info": "info", "ignore": "ignore"}
# Codes whose meaning is the verdict itself: no policy may silence or soften them.
FIXED = frozenset({"NOT_PDF", "ENCRYPTED", "INTERNAL_ERROR", "LAYER_FAILED", "NO_SIGNATURES",
                   "ENCRYPTED_WRONG_PASSWORD", "FILE_UNREADABLE"})  # issue 18 (batch18): the last two
_HEX64 = re.compile(r"^[0-9A-Fa-f]{64}$")


class PolicyError(PhrasedError, ValueError):
    """A policy file that cannot be used; the message (a codes.Phrase, str() the English) says
    what to fix."""


def named(name: str) -> Policy:
    try:
        return POLICIES[name]
    except KeyError:
        known = ", ".join(sorted(POLICIES))
        raise PolicyError(Phrase(f"không có chính sách '{name}'; các chính sách có sẵn: {known}, hoặc cho một tệp TOML",
                                 f"unknown policy '{name}'; known: {known}, or give a TOML file")) from None


def load(spec: str | Path | None) -> Policy:
    """A policy by name (`nd30`) or from a TOML file; None gives the default."""
    if spec is None or str(spec) == "":
        return DEFAULT_POLICY
    if str(spec) in POLICIES:
        return POLICIES[str(spec)]
    path = Path(spec)
    if not path.is_file():
        known = ", ".join(sorted(POLICIES))
        raise PolicyError(Phrase(f"'{spec}' không phải tên một chính sách có sẵn ({known}), cũng không phải một tệp",
                                 f"policy '{spec}' is neither a known policy ({known}) nor a file"))
    data, why = read_toml(path)
    if why is not None:
        raise PolicyError(Phrase(f"không đọc được tệp chính sách {path}: {why.vi}",
                                 f"cannot read policy file {path}: {why.en}"))
    return from_dict(data, default_name=f"nd30+{path.stem}", where=str(path))


def from_dict(data: dict, *, default_name: str = "custom", where: str = "policy") -> Policy:
    unknown = set(data) - {"name", "base", "description", "severities", "legacy", "limits"}
    if unknown:
        keys = ", ".join(sorted(unknown))
        raise PolicyError(Phrase(f"{where}: khóa không được nhận: {keys} (chỉ nhận name, base, description, "
                                 f"[severities], [legacy], [limits])",
                                 f"{where}: unknown keys {keys} (expected name, base, description, "
                                 f"[severities], [legacy], [limits])"))
    base = named(str(data.get("base", DEFAULT_POLICY.name)))
    severities = dict(base.severities)
    for code, value in (data.get("severities") or {}).items():
        if code not in codes.FINDINGS:
            raise PolicyError(Phrase(f"{where}: [severities] có mã phát hiện không tồn tại '{code}' (xem verifier/report/codes.py)",
                                     f"{where}: [severities] names unknown finding code '{code}' (see verifier/report/codes.py)"))
        word = str(value).strip().lower()
        if word not in SEVERITY_WORDS:
            raise PolicyError(Phrase(f"{where}: mức độ của {code} phải là fail, warn, info hoặc ignore, không nhận '{value}'",
                                     f"{where}: severity of {code} must be fail, warn, info or ignore, not '{value}'"))
        if code in FIXED and SEVERITY_WORDS[word] != codes.FINDINGS[code].severity:
            raise PolicyError(Phrase(f"{where}: mức độ của {code} chính là kết luận nên không thể thay đổi",
                                     f"{where}: the severity of {code} is the verdict itself and cannot be changed"))
        if codes.FINDINGS[code].severity == "error" and SEVERITY_WORDS[word] != "error":
            # errors are forgeries, modifications and unexplained bytes: a policy may add
            # strictness, never make a forged document pass
            raise PolicyError(Phrase(f"{where}: {code} là lỗi toàn vẹn; chính sách không được hạ nó xuống '{value}'",
                                     f"{where}: {code} is an integrity error; a policy may not lower it to '{value}'"))
        severities[code] = SEVERITY_WORDS[word]
    changes: dict = {"severities": severities}
    legacy = data.get("legacy") or {}
    extra = set(legacy) - {"sha1", "min_rsa_bits"}
    if extra:
        keys = ", ".join(sorted(extra))
        raise PolicyError(Phrase(f"{where}: khóa không được nhận trong [legacy]: {keys} (chỉ nhận sha1, min_rsa_bits)",
                                 f"{where}: unknown [legacy] keys {keys}"))
    if "sha1" in legacy:
        changes["sha1_anchors"] = _sha1(legacy["sha1"], where)
    if "min_rsa_bits" in legacy:
        bits = legacy["min_rsa_bits"]
        if not isinstance(bits, int) or bits < 1024:
            raise PolicyError(Phrase(f"{where}: min_rsa_bits phải là số nguyên, ít nhất 1024",
                                     f"{where}: min_rsa_bits must be an integer of at least 1024"))
        changes["min_rsa_bits"] = bits
    limits = data.get("limits") or {}
    extra = set(limits) - {f.name for f in dataclasses.fields(Limits)}
    if extra:
        keys = ", ".join(sorted(extra))
        raise PolicyError(Phrase(f"{where}: khóa không được nhận trong [limits]: {keys} (chỉ nhận objects, objects_per_update, decoded_mb)",
                                 f"{where}: unknown [limits] keys {keys} (objects, objects_per_update, decoded_mb)"))
    for key, value in limits.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise PolicyError(Phrase(f"{where}: [limits] {key} phải là số nguyên dương",
                                     f"{where}: [limits] {key} must be a positive integer"))
    if limits:
        changes["limits"] = dataclasses.replace(base.limits, **limits)
    changes["name"] = str(data.get("name") or default_name)
    changes["description"] = str(data.get("description") or f"{base.name} with overrides from {where}")
    return dataclasses.replace(base, **changes)


def _sha1(value, where: str) -> tuple[str, ...]:
    if value == "government":
        return (VGCA_G1_ROOT, VGCA_G2_ROOT)
    if value == "never":
        return ()
    if isinstance(value, list) and all(isinstance(v, str) and _HEX64.match(v.replace(":", "")) for v in value):
        return tuple(v.replace(":", "").upper() for v in value)
    raise PolicyError(Phrase(f"{where}: sha1 phải là \"government\", \"never\" hoặc danh sách dấu vân tay SHA-256 của chứng thư gốc",
                             f"{where}: sha1 must be \"government\", \"never\" or a list of anchor SHA-256 fingerprints"))


def severity(policy: Policy, code: str) -> str:
    """The severity of `code` under `policy` (error | warning | info | ignore)."""
    return policy.severities.get(code) or codes.FINDINGS[code].severity


def apply(report, policy: Policy) -> None:
    """Re-judge the report's findings under the policy: set each severity, drop the ignored."""
    kept = []
    for f in report.findings:
        sev = policy.severities.get(f.code)
        if sev == "ignore":
            continue
        if sev:
            f.severity = sev
        kept.append(f)
    report.findings = kept
