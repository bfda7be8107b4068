"""The auditor's page: the audit chain re-walked and compared with the head file outside the
database (as `kyso audit verify`), the last fixity check and a button that runs one (every
stored object re-hashed, as `kyso archive fixity`: long on a large archive, so only on request),
and the latest events with the account that caused each."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request

from archive.web import audit
from archive.web.auth import check_csrf, page
from archive.web.console.render import show

router = APIRouter()

EVENTS = 50
# the chain's event kinds (archive.db.events.KINDS) as the auditor reads them
KIND_WORDS = {
    "received": ("nhận tệp", "received"), "stored": ("lưu bản gốc", "stored"), "verified": ("kiểm tra", "verified"),
    "duplicate": ("bản trùng", "duplicate"), "quarantined": ("cách ly", "quarantined"),
    "re-verified": ("kiểm tra lại", "re-verified"), "exported": ("xuất gói", "exported"),
    "fixity-checked": ("kiểm tra fixity", "fixity checked"), "timestamped": ("gắn dấu thời gian", "timestamped"),
    "account": ("tài khoản", "account"), "released": ("trả về thư mục nhận", "released"),
}


def _page(request: Request, fixity=None):
    app = request.app
    archive = app.state.archive
    return show(request, "audit.html", chain=audit.chain_status(archive, app.state.config.trust),
                last_fixity=audit.last_fixity(archive), fixity=fixity, events=audit.latest_events(archive, EVENTS),
                kind_words=KIND_WORDS)


@router.get("/audit")
def audit_page(request: Request, who=Depends(page("audit"))):
    return _page(request)


@router.post("/audit/fixity")
def run_fixity(request: Request, csrf: str = Form(""), who=Depends(page("audit"))):
    from archive.storage.fixity import check

    check_csrf(request, csrf)
    report = check(request.app.state.archive, by=who.name)
    return _page(request, fixity=report)
