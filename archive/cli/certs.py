"""`kyso certs`: import pinned CA certificates and revocation material, list the trust store.

Imported by archive.cli at start-up, so the store (asn1crypto parsing) loads inside commands.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.cli.failures import EXIT_INDETERMINATE, EXIT_INVALID
from archive.cli.words import MESSAGES, say
from archive.lang import active, local_date
from archive.textsafe import for_terminal, json_text  # names in certificates are whoever made them

_FILES = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def certs() -> None:
    """Manage the trust store (help: archive.cli.words, "certs")."""


@certs.command("import")
@click.argument("files", nargs=-1, required=True, type=_FILES)
@click.option("--unpinned", is_flag=True)
@click.pass_context
def import_(ctx: click.Context, files: tuple[Path, ...], unpinned: bool) -> None:
    """Import CA certificates into the trust store (help: archive.cli.words, "certs import")."""
    from archive.trust import changes
    from archive.trust.store import TrustStore, TrustStoreError
    from verifier.trust.certinfo import common_name
    from certs import load_pins

    lang = active()
    store = TrustStore.default()
    pins = {p.name: p for p in load_pins()}
    _entries(store, lang)  # a damaged index is said before anything else
    archive = _archive()
    known: set[str] = set()
    refused = 0
    for path in files:
        try:
            change = changes.import_certificates(store, _read(path), path.name, unpinned=unpinned, archive=archive,
                                                 by="cli")
        except TrustStoreError as exc:
            click.ClickException(exc.text(lang)).show()
            refused += 1
            continue
        known |= change.before
        for e in change.entries:
            pin = pins.get(e.pin_name) if e.pin_name else None
            name = pin.name if pin else common_name(e.subject)
            pki = _word("pki", pin.pki, lang) if pin else say("certs_unknown_pki", lang)
            verb = say("certs_verb.known" if e.sha256 in known else "certs_verb.imported", lang)
            status = say("certs_status.pinned" if e.pinned else "certs_status.unpinned", lang)
            click.echo(say("certs_line", lang, verb=verb, name=for_terminal(name), kind=_word("certs_kind", e.kind, lang),
                           pki=pki, sha=e.sha256[:16], status=status, file=for_terminal(path.name)))
            if not e.pinned:
                click.secho(
                    say("certs_unpinned_warning", lang, subject=for_terminal(e.subject), sha=e.sha256),
                    err=True,
                    fg="red",
                    bold=True,
                )
            known.add(e.sha256)
    if refused:
        ctx.exit(EXIT_INVALID)


def _archive():
    """The archive of KYSO_HOME, whose audit chain records the change (by "cli"); None when there
    is none yet (certificates are usually imported before the first ingest): the store changes
    alone. An archive that is there but cannot be used ends the command (exit 5) unchanged."""
    from archive.cli.archive_open import open_archive
    from archive.cli.options import load_settings
    from archive.problems import ArchiveProblem

    settings = load_settings()
    try:
        return open_archive(settings, reading=True)
    except ArchiveProblem as exc:
        if exc.kind == "missing":
            return None
        raise


@certs.command("import-crl")
@click.argument("files", nargs=-1, required=True, type=_FILES)
@click.pass_context
def import_crl(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Import CRLs or OCSP responses (help: archive.cli.words, "certs import-crl")."""
    from archive.trust import changes
    from archive.trust.store import TrustStore, TrustStoreError

    store = TrustStore.default()
    lang = active()
    _entries(store, lang)
    archive = _archive()
    refused = 0
    for path in files:
        try:
            entries = changes.import_revocation(store, _read(path), path.name, archive=archive, by="cli").entries
        except TrustStoreError as exc:
            click.ClickException(exc.text(lang)).show()
            refused += 1
            continue
        for e in entries:
            click.echo(say("certs_crl_line", lang, kind=_word("certs_kind", e.kind, lang), issuer=for_terminal(e.issuer),
                           date=local_date(str(e.not_before)[:10]), sha=e.sha256[:16], file=for_terminal(path.name)))
    if refused:
        ctx.exit(EXIT_INVALID)


@certs.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """List the trust store and the pins not imported yet (help: archive.cli.words, "certs list")."""
    from archive.trust.listing import certificates
    from archive.trust.store import TrustStore

    rows = certificates(_entries(TrustStore.default(), active()))
    if as_json:
        click.echo(json_text(json.dumps(rows, ensure_ascii=False, indent=2)))
        return
    click.echo(_table(rows, active()))


# issue 15 (ltv15): refresh the CRLs from the network; the VGCA trust list
@certs.command("refresh")
@click.option("--net-timeout", "net_timeout", type=click.FloatRange(min=0.1), metavar="SECONDS")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def refresh(ctx: click.Context, net_timeout: float | None, as_json: bool) -> None:
    """Download the CRLs of the trust store's CAs (help: archive.cli.words, "certs refresh")."""
    from archive.cli.options import SetupError
    from archive.cli.options import load_settings
    from archive.config import ConfigError
    from archive.ltv import crls
    from archive.ltv.settings import ltv_settings
    from archive.trust import changes
    from archive.trust.store import TrustStore

    lang = active()
    settings = load_settings()
    try:
        timeout = net_timeout or ltv_settings(settings).timeout_seconds
    except ConfigError as exc:
        raise SetupError(exc.text(lang)) from exc
    store = TrustStore(settings.trust_store)
    _entries(store, lang)  # a damaged index is said before anything is fetched
    archive, issued = _readable_archive(settings)
    outcomes = changes.refresh(store, timeout, issued=issued, archive=archive, by="cli")
    left = crls.stale(store)
    if as_json:
        click.echo(json_text(json.dumps({
            "crls": [{"url": o.url, "issuer": o.issuer, "status": o.status, "next_update": o.next_update,
                      "error": o.error.text(lang) if o.error else None} for o in outcomes],
            "stale": [{"issuer": e.issuer, "next_update": e.not_after, "source": e.source} for e in left],
        }, ensure_ascii=False, indent=2)))
    else:
        if not outcomes:
            click.echo(say("refresh_none", lang))
        for o in outcomes:
            detail = (say("refresh_next", lang, date=local_date(o.next_update[:10])) if o.next_update
                      else f": {for_terminal(o.error.text(lang))}" if o.error else "")
            click.echo(say("refresh_line", lang, status=say(f"refresh_status.{o.status}", lang),
                           issuer=for_terminal(o.issuer), url=for_terminal(o.url), detail=detail))
        for e in left:
            click.echo(say("refresh_stale", lang, issuer=for_terminal(e.issuer), date=local_date(e.not_after[:10])))
        click.echo(say("refresh_total", lang, refreshed=sum(o.status == "refreshed" for o in outcomes),
                       unchanged=sum(o.status == "unchanged" for o in outcomes),
                       failed=sum(o.status == "failed" for o in outcomes), stale=len(left)))
    if left or any(o.status == "failed" for o in outcomes):
        ctx.exit(EXIT_INDETERMINATE)  # not a proven problem: the data could not be had now; try again later


def _readable_archive(settings) -> tuple:
    """(the archive, the certificates it kept): their CRL addresses name the issuing CAs' CRLs,
    and its chain records the refresh (by "cli"). (None, []) when there is none, or it cannot be
    read: refreshing the store must not create one, and the store's own addresses still serve."""
    from archive.ltv.crls import archived_certificates

    db = settings.database_file()
    if db is not None and not db.exists():
        return None, []
    try:
        from archive.ingest import Archive

        archive = Archive(settings, auto_upgrade=False)
        return archive, archived_certificates(archive)
    except Exception:  # an archive that cannot be read: refreshed unrecorded, as when there is no archive
        return None, []


@certs.command("import-vgca")
@click.argument("file", type=_FILES)
@click.pass_context
def import_vgca(ctx: click.Context, file: Path) -> None:
    """Import the CA certificates of the VGCA trust list (help: archive.cli.words, "certs import-vgca")."""
    from archive.ltv.vgca import import_list
    from archive.trust.store import TrustStore, TrustStoreError

    lang = active()
    store = TrustStore.default()
    try:
        result = import_list(store, _read(file), file.name)
    except TrustStoreError as exc:
        raise click.ClickException(exc.text(lang)) from exc
    for entry, root in result.imported:
        click.echo(say("vgca_imported", lang, name=for_terminal(entry.subject), sha=entry.sha256[:16], root=root))
    for subject, why in result.refused:
        click.echo(say("vgca_refused", lang, name=for_terminal(subject), why=why.text(lang)))
    click.echo(say("vgca_total", lang, imported=len(result.imported), skipped=result.skipped, refused=len(result.refused)))
    if result.refused:
        ctx.exit(EXIT_INVALID)


def _entries(store, lang: str):
    """The store's entries, or a clear error when its index is damaged (exit 1, no traceback)."""
    from archive.trust.store import TrustStoreError

    try:
        return store.entries()
    except TrustStoreError as exc:
        raise click.ClickException(exc.text(lang)) from exc


def _read(path: Path) -> bytes:
    """The file's bytes, or a TrustStoreError saying in both languages why it cannot be read."""
    from archive.trust.store import TrustStoreError
    from verifier.report.codes import Phrase
    from verifier.report.phrased import os_reason

    try:
        return path.read_bytes()
    except OSError as exc:
        reason, name = os_reason(exc), for_terminal(path)
        raise TrustStoreError(Phrase(f"không đọc được {name}: {reason.vi}", f"cannot read {name}: {reason.en}")) from exc


def _word(group: str, value: str | None, lang: str) -> str:
    """A role, kind or PKI of the trust store in words; the value itself when the table lacks it."""
    key = f"{group}.{value}"
    return say(key, lang) if key in MESSAGES else (value or "?")


def _table(rows: list[dict], lang: str) -> str:
    header = say("certs_columns", lang)
    lines = [header]
    for r in rows:
        if not r["imported"]:
            status = say("certs_not_imported", lang, url=r["url"]) if r["url"] else say("certs_from_ca", lang)
        else:
            status = say("certs_status.pinned" if r["pinned"] else "certs_status.unpinned", lang)
        valid = f"{local_date(r['valid_from']) or '?'} → {local_date(r['valid_to']) or '?'}"
        short = r["sha256"][:16] + "…"
        lines.append((r["name"] or "-", _word("role", r["role"], lang), _word("pki", r["pki"], lang) if r["pki"] else "?",
                      short, valid, for_terminal(r["subject"]), status))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    # The last column is not padded: it holds the long URLs.
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line[:-1], widths)) + "  " + line[-1]
        for line in lines
    )
