"""`kyso serve` (the console and the HTTP API, archive.web) and `kyso accounts` (who may use them).
Thin: options into a ServeConfig, accounts through archive.web.accounts; the address rule of
archive.web.listen is checked before anything starts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cli import failures
from archive.cli.options import load_settings as _settings
from archive.cli.options import policy_option, trust_config, trust_options, trust_request
from archive.lang import active

_existing = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command()
@click.option("--host")
@click.option("--port", type=click.IntRange(0, 65535))
@click.option("--tls-cert", type=_existing, metavar="FILE")
@click.option("--tls-key", type=_existing, metavar="FILE")
@click.option("--behind-proxy", is_flag=True)
@click.option("--workers", type=click.IntRange(min=1, max=64))
@click.option("--max-upload", "max_upload_mb", type=click.IntRange(min=1, max=4096), metavar="MB")
@click.option("--timeout", "verify_timeout", type=click.FloatRange(min=1), metavar="SECONDS")
@click.option("--memory-limit", "memory_limit_mb", type=click.IntRange(min=256), metavar="MB")
@click.option("--queue-limit", type=click.IntRange(min=0, max=10000), metavar="N")
@click.option("--inbox", type=click.Path(file_okay=False, path_type=Path))
@trust_options
@policy_option
def serve(host, port, tls_cert, tls_key, behind_proxy, workers, max_upload_mb, verify_timeout, memory_limit_mb,
          queue_limit, inbox, trust, intermediate, crl, ocsp, online, no_trust_store, policy):
    """Serve the console and the HTTP API (help: archive.cli.words, "serve")."""
    from archive.cli import terminal
    from archive.cli.archive_open import open_archive
    from archive.cli.options import SetupError
    from archive.config import ConfigError
    from archive.web import listen
    from archive.web.config import ServeConfig, file_values
    from archive.web.pool import Pool, PoolError
    from archive.web.problems import Problem

    lang = active()
    if (tls_cert is None) != (tls_key is None):
        raise failures.UsageFailure(_tls_pair())
    settings = _settings()
    try:
        chosen = file_values(settings)  # kyso.toml [serve]; the command line wins
    except ConfigError as exc:
        raise SetupError(exc.text(lang)) from None
    given = {"host": host, "port": port, "workers": workers, "max_upload_mb": max_upload_mb,
             "verify_timeout": verify_timeout, "memory_limit_mb": memory_limit_mb, "queue_limit": queue_limit}
    chosen.update({key: value for key, value in given.items() if value is not None})
    try:
        listen.check(chosen.get("host", "127.0.0.1"), tls_cert is not None, behind_proxy)
    except Problem as problem:
        raise failures.UsageFailure(f"{problem.message(lang)}; {problem.next(lang)}") from None
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy)
    trust_config(settings, request)  # the trust is checked here, once, before the workers start
    archive = open_archive(settings)
    config = ServeConfig(settings=settings, tls_cert=tls_cert, tls_key=tls_key, behind_proxy=behind_proxy,
                         trust=request, inbox=inbox, lang=lang, verbose=terminal.verbose, **chosen)
    from archive.web.app import build_app
    from archive.web.run import ListenError, listening, run

    try:
        sock = listening(config)  # a port already taken is said now, not after the workers warmed up
    except ListenError as exc:
        raise SetupError(exc.text(lang)) from None
    pool = Pool(config)
    try:
        pool.start()  # warm before the server answers, and no fork of a running event loop
    except PoolError as exc:
        sock.close()
        raise SetupError(exc.text(lang)) from None
    run(build_app(config, archive=archive, pool=pool), config, sock)


def _tls_pair():
    from verifier.report.codes import Phrase

    return Phrase("--tls-cert và --tls-key phải đi cùng nhau", "--tls-cert and --tls-key go together")


@click.group("accounts")
def accounts_group():
    """Accounts of the console and the API (help: archive.cli.words, "accounts")."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    vi = active() == "vi"
    return click.prompt("Mật khẩu" if vi else "Password", hide_input=True, confirmation_prompt=True, err=True)


def _with_accounts(work):
    """Run `work(session)` in one transaction of the archive; an AccountError is a usage failure."""
    from archive.cli.archive_open import open_archive
    from archive.db.session import transaction
    from archive.web.accounts import AccountError

    archive = open_archive(_settings())
    try:
        with transaction(archive.sessions) as s:
            return work(s)
    except AccountError as exc:
        raise failures.UsageFailure(exc.text(active())) from None


@accounts_group.command("add")
@click.argument("name")
@click.option("--role", "roles", required=True, metavar="ROLES")
@click.option("--account-lang", "account_lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--password-stdin", is_flag=True)
def accounts_add(name, roles, account_lang, password_stdin):
    """Add an account (help: archive.cli.words, "accounts add")."""
    from archive.web import accounts

    password = _read_password(password_stdin)
    account = _with_accounts(lambda s: accounts.create(s, name, password, roles, account_lang, by="cli"))
    click.echo(("đã tạo tài khoản {name} ({roles})" if active() == "vi" else "account {name} added ({roles})")
               .format(name=account.name, roles=account.roles))


@accounts_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def accounts_list(as_json):
    """List the accounts (help: archive.cli.words, "accounts list")."""
    from sqlalchemy import select

    from archive.db.models import Account

    def rows(s):
        return [{"name": a.name, "roles": a.roles.split(","), "lang": a.lang,
                 "created_at": a.created_at.isoformat(), "disabled": a.disabled_at is not None}
                for a in s.execute(select(Account).order_by(Account.name)).scalars()]

    found = _with_accounts(rows)
    if as_json:
        import json

        click.echo(json.dumps(found, ensure_ascii=False))
        return
    for row in found:
        off = (" (đã khóa)" if active() == "vi" else " (disabled)") if row["disabled"] else ""
        click.echo(f"{row['name']}\t{','.join(row['roles'])}{off}")


@accounts_group.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True)
def accounts_password(name, password_stdin):
    """Set an account's password (help: archive.cli.words, "accounts password")."""
    from archive.web import accounts

    password = _read_password(password_stdin)
    _with_accounts(lambda s: accounts.set_password(s, accounts.existing(s, name), password, by="cli"))


@accounts_group.command("roles")
@click.argument("name")
@click.argument("roles")
def accounts_roles(name, roles):
    """Set an account's roles (help: archive.cli.words, "accounts roles")."""
    from archive.web import accounts

    _with_accounts(lambda s: accounts.set_roles(s, accounts.existing(s, name), roles, by="cli"))


@accounts_group.command("disable")
@click.argument("name")
def accounts_disable(name):
    """Disable an account: its sessions end, its tokens are revoked (help: archive.cli.words)."""
    from archive.web import accounts

    _with_accounts(lambda s: accounts.disable(s, accounts.existing(s, name), by="cli"))


@accounts_group.command("enable")
@click.argument("name")
def accounts_enable(name):
    """Enable a disabled account (help: archive.cli.words, "accounts enable")."""
    from archive.web import accounts

    _with_accounts(lambda s: accounts.enable(s, accounts.existing(s, name), by="cli"))


@accounts_group.command("token")
@click.argument("name")
@click.option("--label", default="api", show_default=True)
@click.option("--revoke", is_flag=True)
def accounts_token(name, label, revoke):
    """Issue (or revoke) an API token (help: archive.cli.words, "accounts token")."""
    from archive.web import accounts

    if revoke:
        _with_accounts(lambda s: accounts.revoke_tokens(s, accounts.existing(s, name), label, by="cli"))
        return
    token = _with_accounts(lambda s: accounts.issue_token(s, accounts.existing(s, name), label, by="cli"))
    click.echo(token)  # shown once: only its SHA-256 is kept
