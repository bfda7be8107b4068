"""Accounts of `kyso serve`: names, roles, argon2id password hashes (argon2-cffi), sign-in
throttling and API tokens. Used by `kyso accounts` and by the console; every change is an
event of the audit chain ("account") naming who made it.

Secrets are never stored: a password as its argon2id hash, a session or API token as its
SHA-256 (a token is 256 random bits, so a fast hash is enough and lookups stay indexed).
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.db.session import utc
from archive.db import events
from archive.db.models import Account, ApiToken
from archive.web.access import parse_roles

MIN_PASSWORD = 10  # characters; NIST SP 800-63B asks at least 8 and no composition rules
THROTTLE_AFTER = 5  # failed sign-ins in a row before each further one waits
THROTTLE_STEP = timedelta(seconds=30)  # the wait grows by this much per further failure
THROTTLE_MAX = timedelta(minutes=15)
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")

_hasher = None


def hasher():
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()  # argon2id with the library's current RFC 9106 parameters
    return _hasher


class AccountError(ValueError):
    """A request about accounts that cannot be done; args: (code, vi, en)."""

    def __init__(self, code: str, vi: str, en: str):
        super().__init__(code, vi, en)
        self.code, self.vi, self.en = code, vi, en

    def text(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


@dataclass(frozen=True)
class Who:
    """The account a request acts as."""
    id: int
    name: str
    roles: frozenset[str]
    lang: str


def who(account: Account) -> Who:
    return Who(account.id, account.name, frozenset(account.roles.split(",")), account.lang)


def now() -> datetime:
    return datetime.now(timezone.utc)


def clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name).strip().lower()
    if not (1 <= len(name) <= 64) or not set(name) <= NAME_CHARS:
        raise AccountError("bad_name",
                           f"tên tài khoản '{name[:64]}' không dùng được: chỉ gồm chữ cái không dấu, chữ số, '.', '_', '-', tối đa 64 ký tự",
                           f"account name '{name[:64]}' cannot be used: only unaccented letters, digits, '.', '_', '-', at most 64 characters")
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("short_password", f"mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự",
                           f"the password must have at least {MIN_PASSWORD} characters")


def roles_of(text: str) -> str:
    try:
        return ",".join(sorted(parse_roles(text)))
    except ValueError as exc:
        raise AccountError("bad_role", f"vai trò không có: {exc.args[0]}; dùng clerk, auditor, admin",
                           f"no such role: {exc.args[0]}; use clerk, auditor, admin") from None


def find(s: Session, name: str) -> Account | None:
    try:
        name = clean_name(name)
    except AccountError:
        return None
    return s.execute(select(Account).where(Account.name == name)).scalar_one_or_none()


def existing(s: Session, name: str) -> Account:
    account = find(s, name)
    if account is None:
        raise AccountError("no_account", f"không có tài khoản '{name}'; xem 'kyso accounts list'",
                           f"there is no account '{name}'; see 'kyso accounts list'")
    return account


# who the audit chain names for what no account did (`by`): an account of that name could not be
# told from them
SYSTEM_NAMES = frozenset({"cli", "watcher"})


def create(s: Session, name: str, password: str, roles: str, lang: str = "vi", by: str | None = None) -> Account:
    name = clean_name(name)
    if name in SYSTEM_NAMES:
        raise AccountError("reserved_name",
                           f"tên tài khoản '{name}' dành cho nhật ký kiểm toán (việc làm từ dòng lệnh, thư mục theo dõi); hãy chọn tên khác",
                           f"the account name '{name}' is the audit log's own (what the command line or the watched folder did); choose another name")
    check_password(password)
    role_text = roles_of(roles)
    if find(s, name) is not None:
        raise AccountError("account_exists", f"tài khoản '{name}' đã có", f"the account '{name}' already exists")
    account = Account(name=name, password_hash=hasher().hash(password), roles=role_text,
                      lang="en" if lang == "en" else "vi", created_at=now(), failed_logins=0)
    s.add(account)
    s.flush()
    events.append(s, "account", action="created", name=name, roles=role_text, by=by)
    return account


def set_password(s: Session, account: Account, password: str, by: str | None = None) -> None:
    check_password(password)
    account.password_hash = hasher().hash(password)
    account.failed_logins, account.locked_until = 0, None
    end_sessions(s, account)
    events.append(s, "account", action="password", name=account.name, by=by)


def set_roles(s: Session, account: Account, roles: str, by: str | None = None) -> None:
    account.roles = roles_of(roles)
    events.append(s, "account", action="roles", name=account.name, roles=account.roles, by=by)


def disable(s: Session, account: Account, by: str | None = None) -> None:
    account.disabled_at = now()
    end_sessions(s, account)
    for token in s.execute(select(ApiToken).where(ApiToken.account_id == account.id,
                                                  ApiToken.revoked_at.is_(None))).scalars():
        token.revoked_at = account.disabled_at
    events.append(s, "account", action="disabled", name=account.name, by=by)


def enable(s: Session, account: Account, by: str | None = None) -> None:
    account.disabled_at = None
    account.failed_logins, account.locked_until = 0, None
    events.append(s, "account", action="enabled", name=account.name, by=by)


def end_sessions(s: Session, account: Account) -> None:
    from archive.db.models import WebSession

    for row in s.execute(select(WebSession).where(WebSession.account_id == account.id)).scalars():
        s.delete(row)


def authenticate(factory, name: str, password: str) -> tuple[Account | None, AccountError | None]:
    """(the account, None) if the password is its own; (None, AccountError "bad_login" or
    "throttled") if not, the failure counted. `factory` makes the archive's sessions: the hash
    (argon2id, ~0.15 s) is checked outside any transaction, since on SQLite a transaction holds
    the archive's write lock and every ingest would wait for it. An unknown name costs the same
    hash as a known one, and says the same."""
    from archive.db.session import transaction

    with factory() as s:
        account = find(s, name)
        known = (account.id, account.password_hash, utc(account.locked_until)) if account is not None else None
    moment = now()
    if known is not None and known[2] is not None and known[2] > moment:
        wait = int((known[2] - moment).total_seconds()) + 1
        return None, AccountError("throttled", f"đã nhập sai mật khẩu nhiều lần; hãy thử lại sau {wait} giây",
                                  f"too many failed sign-ins; try again in {wait} s")
    ok = False
    try:
        if known is None:
            hasher().hash(password)  # the same time as checking a real hash
        else:
            ok = hasher().verify(known[1], password)
    except Exception:  # argon2.exceptions.VerificationError and its kin: a wrong password
        ok = False
    rehashed = hasher().hash(password) if ok and hasher().check_needs_rehash(known[1]) else None
    with transaction(factory) as s:
        account = s.get(Account, known[0]) if known is not None else None
        if account is None or not ok or account.disabled_at is not None:
            if account is not None and not ok:
                account.failed_logins += 1
                if account.failed_logins >= THROTTLE_AFTER:
                    steps = account.failed_logins - THROTTLE_AFTER + 1
                    account.locked_until = moment + min(THROTTLE_MAX, THROTTLE_STEP * steps)
            return None, AccountError("bad_login", "sai tên tài khoản hoặc mật khẩu (hoặc tài khoản đã bị khóa)",
                                      "wrong account name or password (or the account is disabled)")
        account.failed_logins, account.locked_until = 0, None
        if rehashed is not None and account.password_hash == known[1]:
            account.password_hash = rehashed
        return account, None


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(s: Session, account: Account, label: str, by: str | None = None) -> str:
    """A new API token for the account: returned once, only its SHA-256 is kept."""
    token = "kyso_" + secrets.token_urlsafe(32)
    s.add(ApiToken(account_id=account.id, label=label[:64] or "api", token_sha256=token_sha256(token), created_at=now()))
    s.flush()
    events.append(s, "account", action="token-issued", name=account.name, label=label[:64], by=by)
    return token


def revoke_tokens(s: Session, account: Account, label: str | None = None, by: str | None = None) -> int:
    query = select(ApiToken).where(ApiToken.account_id == account.id, ApiToken.revoked_at.is_(None))
    if label is not None:
        query = query.where(ApiToken.label == label)
    count = 0
    for token in s.execute(query).scalars():
        token.revoked_at = now()
        count += 1
    events.append(s, "account", action="token-revoked", name=account.name, label=label, count=count, by=by)
    return count


def by_token(s: Session, token: str) -> Account | None:
    row = s.execute(select(ApiToken).where(ApiToken.token_sha256 == token_sha256(token),
                                           ApiToken.revoked_at.is_(None))).scalar_one_or_none()
    if row is None:
        return None
    account = s.get(Account, row.account_id)
    if account is None or account.disabled_at is not None:
        return None
    moment = now()
    if row.last_used is None or moment - utc(row.last_used) > timedelta(minutes=1):  # not a write per request
        row.last_used = moment
    return account
