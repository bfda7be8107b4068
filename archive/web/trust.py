"""The trust store as the console and the API show it (what `kyso certs list` lists, and each
CRL with its next update and whether it is stale), and its changes by an administrator: a
certificate, CRL or OCSP file imported, the CRLs refreshed. The changes go through
archive.trust.changes, as `kyso certs` does: the same checks (a certificate enters only when
pinned, or when the administrator says it is not), and a "trust-changed" event naming the account.

The workers look at the store's index before each job, so what is imported here is used by the
next verification, with no restart (unless the server was started with --no-trust-store).
"""

from __future__ import annotations

from archive.web.problems import Problem

KINDS = ("certificate", "revocation")  # what an uploaded file is said to be: `certs import`, `certs import-crl`


def online(app) -> bool:
    """Whether this server may fetch (kyso serve --online, or [trust]/[network] online of kyso.toml)."""
    return bool(app.state.config.trust.online or app.state.archive.settings.online)


def store(app):
    from archive.trust.store import TrustStore

    return TrustStore(app.state.archive.settings.trust_store)


def listing(app) -> dict:
    """{"certificates": `kyso certs list --json`, "revocations", "online", "store_used"}."""
    from archive.trust.listing import certificates, revocations
    from archive.trust.store import TrustStoreError

    held = store(app)
    try:
        rows = certificates(held.entries())
        crls = revocations(held)
    except TrustStoreError as exc:
        raise damaged(exc) from None
    return {"certificates": rows, "revocations": crls, "online": online(app),
            "store_used": bool(app.state.config.trust.use_store)}


def damaged(exc) -> Problem:
    return Problem(500, "trust_store_damaged", exc.text("vi"), exc.text("en"),
                   "báo quản trị viên máy chủ: sửa hoặc nhập lại kho tin cậy bằng 'kyso certs import'",
                   "tell the server's administrator: repair it, or import again with 'kyso certs import'")


def import_file(app, data: bytes, name: str, kind: str, unpinned: bool, account: str):
    """`kyso certs import` (kind "certificate", `unpinned` its --unpinned) or `kyso certs
    import-crl` (kind "revocation") of an uploaded file, as `account`: the archive.trust.changes.Change.
    A Problem 422 saying why the store refused it."""
    from archive.trust import changes
    from archive.trust.store import NotPinned, TrustStoreError

    if kind not in KINDS:
        raise Problem(422, "invalid_request", f"loại tệp '{kind[:40]}' không có; chọn chứng thư số hoặc CRL/OCSP",
                      f"no file kind '{kind[:40]}'; choose a certificate or a CRL/OCSP response")
    held, archive = store(app), app.state.archive
    try:
        if kind == "certificate":
            return changes.import_certificates(held, data, name, unpinned=unpinned, archive=archive, by=account)
        return changes.import_revocation(held, data, name, archive=archive, by=account)
    except TrustStoreError as exc:
        pinned_only = isinstance(exc, NotPinned)
        raise Problem(422, "trust_refused", exc.text("vi"), exc.text("en"),
                      "đối chiếu dấu vân tay với CA cấp; chỉ khi đã tự xác minh, đánh dấu ô 'chưa ghim' rồi gửi lại"
                      if pinned_only else "chọn đúng tệp chứng thư số (.crt, .cer, .pem, .p7b) hoặc CRL (.crl) lấy từ CA",
                      "check the fingerprint with the issuing CA; only once you have, tick 'not pinned' and send it again"
                      if pinned_only else "choose the certificate (.crt, .cer, .pem, .p7b) or CRL (.crl) the CA "
                                          "publishes") from None


def refresh(app, account: str) -> list:
    """`kyso certs refresh` as `account`: its outcomes (archive.ltv.crls.Outcome). Only a server
    that may go online refreshes (409 otherwise): an offline one must not fetch."""
    from archive.ltv.crls import archived_certificates
    from archive.ltv.settings import ltv_settings
    from archive.trust import changes

    if not online(app):
        raise Problem(409, "offline", "máy chủ này chạy không có --online nên không tải CRL từ mạng",
                      "this server runs without --online, so it fetches no CRL",
                      "nhập tệp CRL tải từ CA, hoặc chạy 'kyso certs refresh' trên máy có mạng",
                      "import a CRL file downloaded from the CA, or run 'kyso certs refresh' where there is a network")
    archive = app.state.archive
    return changes.refresh(store(app), ltv_settings(archive.settings).timeout_seconds,
                           issued=archived_certificates(archive), archive=archive, by=account)
