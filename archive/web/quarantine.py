"""The quarantine as the console and the API show it: each file set aside with its reason in the
asker's language, and its release back into the watched inbox, which does what `kyso quarantine
release` does and is an audit event naming the account (archive.intake.quarantined).

The reason file is written once, in the language of whoever quarantined the file; the audit
event of the quarantine keeps the reason in English. So an asker whose language is the file's
reads the file's reason, and an English reader of a Vietnamese file reads the event's.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from archive.db.models import Event
from archive.web.problems import Problem

MAX_REF = 300  # characters of an ID taken from a request


def _written_in(entry) -> str:
    from archive.ingest import REASON_FILE

    label = REASON_FILE["reason"][0] + ": "
    return "vi" if any(line.startswith(label) for line in entry.text.splitlines()) else "en"


def english_reasons(archive, claim_ids: list[str]) -> dict[str, str]:
    """claim id -> the English reason of its "quarantined" event."""
    if not claim_ids:
        return {}
    out = {}
    with archive.sessions() as s:
        rows = s.execute(select(Event.claim_id, Event.detail).where(Event.kind == "quarantined",
                                                                    Event.claim_id.in_(claim_ids))).all()
    for claim_id, detail in rows:
        try:
            reason = json.loads(detail).get("reason")
        except (ValueError, AttributeError):
            continue
        if isinstance(reason, str):
            out[claim_id] = reason
    return out


def entries(archive, lang: str) -> list[dict]:
    """Every quarantined file, oldest first, as `kyso quarantine list --json` gives it, with
    `reason` in `lang` where the archive has it in that language."""
    from archive.intake.quarantined import entries as listed

    found = listed(archive.settings.quarantine)
    english = english_reasons(archive, [e.id for e in found if _written_in(e) != lang]) if lang == "en" else {}
    out = []
    for entry in found:
        row = entry.to_dict()
        row["reason"] = english.get(entry.id, entry.reason)
        row["short_id"] = entry.short_id
        out.append(row)
    return out


def release(archive, inbox: Path, ref: str, account: str):
    """Put the quarantined file `ref` (its ID, or a unique start of it) back into `inbox` for the
    watcher, as `account`: (the entry, where the file now is). A Problem when it cannot be done."""
    from archive.config import InboxOverlap, check_inbox
    from archive.intake.quarantined import Ambiguous, Clash, NoEntry, NotAFile, find, release_recorded

    ref = ref[:MAX_REF]
    try:
        entry = find(archive.settings.quarantine, ref)
    except NoEntry:
        raise Problem(404, "not_in_quarantine", f"không có tệp bị cách ly nào có mã '{ref}'",
                      f"no quarantined file has the ID '{ref}'",
                      "xem danh sách các tệp bị cách ly (trang Hộp thư đến, hoặc GET /api/quarantine)",
                      "see the list of quarantined files (the Inbox page, or GET /api/quarantine)") from None
    except Ambiguous as exc:
        raise Problem(409, "ambiguous_id", f"mã '{ref}' khớp với {exc.count} tệp bị cách ly",
                      f"the ID '{ref}' matches {exc.count} quarantined files",
                      "dùng đủ mã của tệp", "use the file's whole ID") from None
    target = inbox.absolute()
    try:
        check_inbox(archive.settings, target)  # never into the archive's own data
    except InboxOverlap as exc:
        raise Problem(409, "inbox_overlap", exc.message("vi"), exc.message("en"),
                      "nhờ quản trị viên đặt thư mục nhận ngoài thư mục dữ liệu (kyso serve --inbox)",
                      "ask an administrator to set an inbox outside the archive's data (kyso serve --inbox)") from None
    if not target.is_dir():
        raise Problem(409, "no_inbox", f"thư mục nhận {target} không có, nên không có chỗ để trả tệp về",
                      f"the inbox folder {target} does not exist, so there is nowhere to put the file back",
                      "nhờ quản trị viên tạo thư mục đó (hoặc chạy kyso serve --inbox với thư mục mà kyso watch theo dõi)",
                      "ask an administrator to create it (or to run kyso serve --inbox with the folder kyso watch watches)")
    try:
        placed = release_recorded(archive, entry, target, by=account)
    except Clash as exc:
        raise Problem(409, "name_taken", f"thư mục nhận đã có một tệp tên '{exc.path.name}': không ghi đè tệp nào",
                      f"the inbox already holds a file named '{exc.path.name}': nothing is replaced",
                      "đổi tên hoặc chuyển tệp đó đi, rồi trả lại", "rename or move that file, then release again") from None
    except NotAFile:
        raise Problem(409, "nothing_kept", "mục cách ly này không giữ tệp nào để trả về (xem lý do)",
                      "this quarantine entry holds no file to put back (see its reason)",
                      "nhờ cơ quan gửi gửi lại tệp", "ask the sender for the file again") from None
    return entry, placed
