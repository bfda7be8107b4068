"""`kyso archive export`: a self-contained folder for one document, BagIt style: the original
PDF, the latest report (JSON, readable text in both languages, and the ETSI TS 119 102-2
validation report), the metadata, the evidence files, the head of the audit chain when it was exported, and manifest-sha256.txt over all of them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from archive.db import events
from archive.db.session import transaction
from archive.db.models import Verification
from archive.db.queries import document_detail, find_document
from archive.problems import original_of
from verifier.report.codes import Phrase
from verifier.report.phrased import PhrasedError, os_reason


class ExportError(PhrasedError):
    """An export that cannot be made (a folder that cannot be written); args[0] is a
    codes.Phrase (str() gives the English). A stored original or evidence that fails fixity is
    an archive.problems.StoredObjectError (exit 5), raised before anything is written."""


def export(archive, ref: str, to: Path, by: str | None = None) -> Path:
    """The export folder of document `ref` under `to`; `by` the account that asked (the console),
    named in the audit event."""
    with archive.sessions() as s:
        doc = find_document(s, ref)
        detail = document_detail(s, doc)
        ver = s.get(Verification, doc.latest_verification_id)
        report = json.loads(ver.report)
        evidence = [(e.kind, e.sha256) for e in ver.evidence]
        from archive.evidence import export_listing

        listing = export_listing(s, doc, ver.id)  # every verification's, with its provenance
        seq, tip = events.head(s)  # the chain as it stood: a later copy of the archive must still hold it
    target = to / f"kyso-{doc.id}-{doc.sha256[:12]}"
    files: dict[str, bytes] = {}
    files["data/original.pdf"] = archive.blobs.get_intact(doc.sha256, original_of(doc.id))
    files["data/report.json"] = json.dumps(report, ensure_ascii=False, indent=2).encode()
    files["data/report.vi.txt"] = _text(report, "vi").encode()
    files["data/report.en.txt"] = _text(report, "en").encode()
    files["data/metadata.json"] = json.dumps(detail, ensure_ascii=False, indent=2).encode()
    files["data/audit-head.json"] = json.dumps({"seq": seq, "hash": tip}).encode()
    kept = []
    for item in listing:
        der = archive.blobs.get_intact(item["sha256"], Phrase(f"bằng chứng {item['kind']} {item['sha256'][:16]}…",
                                                               f"the {item['kind']} evidence {item['sha256'][:16]}…"))
        if (item["kind"], item["sha256"]) in evidence:
            kept.append((item["kind"], der))
        files[item["file"]] = der
    files["data/evidence.json"] = json.dumps(listing, ensure_ascii=False, indent=2).encode()
    files["data/report.etsi.xml"] = _etsi(report, kept, files["data/original.pdf"])
    try:  # only now: an original that fails fixity leaves no half-made folder behind
        (target / "data" / "evidence").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(target, exc) from exc
    manifest = "".join(f"{hashlib.sha256(c).hexdigest()}  {rel}\n" for rel, c in sorted(files.items()))
    try:
        for rel, content in files.items():
            (target / rel).write_bytes(content)
        (target / "manifest-sha256.txt").write_text(manifest, encoding="utf-8")
        (target / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
    except OSError as exc:
        raise _unwritable(target, exc) from exc
    with transaction(archive.sessions) as s:
        events.append(s, "exported", doc.id, to=str(target), files=len(files), **({"by": by} if by else {}))
    return target


def _unwritable(target: Path, exc: OSError) -> ExportError:
    from archive.textsafe import for_terminal

    reason, name = os_reason(exc), for_terminal(target)
    return ExportError(Phrase(f"không ghi được thư mục xuất {name}: {reason.vi}; hãy kiểm tra đường dẫn --to và quyền ghi",
                              f"cannot write the export folder {name}: {reason.en}; check the --to path and permissions"))


def _etsi(report: dict, evidence: list[tuple[str, bytes]], pdf: bytes) -> bytes:
    """The ETSI validation report, rebuilt from the stored JSON facts and the evidence kept."""
    from verifier.report.etsi import validation_report
    from verifier.report.load import report_from_dict

    rebuilt = report_from_dict(report)
    rebuilt.evidence = evidence
    return validation_report(rebuilt, pdf)


def _text(report: dict, lang: str) -> str:
    """The readable report, rebuilt from the stored JSON facts."""
    from archive.textsafe import deep, for_file
    from verifier.report.load import report_from_dict
    from verifier.report.render import render_text

    # every value the file brought escaped, as on the terminal: a field name or a reason must not
    # forge a line of the auditor's file ("KẾT LUẬN: HỢP LỆ") nor draw on the terminal that shows it
    return render_text(report_from_dict(deep(report, for_file)), lang, details=True)  # everything
