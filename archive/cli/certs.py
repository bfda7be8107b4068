"""`kyso certs`: import pinned CA certificates and revocation material, list the trust store.

Imported by archive.cli at start-up, so the store (asn1crypto parsing) loads inside commands.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

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
    from archive.trust.store import TrustStore, TrustStoreError
    from verifier.trust.certinfo import common_name
    from certs import load_pins

    lang = active()
    store = TrustStore.default()
    pins = {p.name: p for p in load_pins()}
    known = {e.sha256 for e in _entries(store, lang)}
    refused = 0
    for path in files:
        try:
            entries = store.import_certificates(_read(path), path.name, unpinned=unpinned)
        except TrustStoreError as exc:
            click.ClickException(exc.text(lang)).show()
            refused += 1
            continue
        for e in entries:
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
        ctx.exit(1)


@certs.command("import-crl")
@click.argument("files", nargs=-1, required=True, type=_FILES)
@click.pass_context
def import_crl(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Import CRLs or OCSP responses (help: archive.cli.words, "certs import-crl")."""
    from archive.trust.store import TrustStore, TrustStoreError

    store = TrustStore.default()
    lang = active()
    refused = 0
    for path in files:
        try:
            data = _read(path)
        except TrustStoreError as exc:
            click.ClickException(exc.text(lang)).show()
            refused += 1
            continue
        try:
            entries = store.import_crls(data, path.name)
        except TrustStoreError as crl_error:
            try:
                entries = store.import_ocsp(data, path.name)
            except TrustStoreError as ocsp_error:
                click.ClickException(f"{crl_error.text(lang)}; {ocsp_error.text(lang)}").show()
                refused += 1
                continue
        for e in entries:
            click.echo(say("certs_crl_line", lang, kind=_word("certs_kind", e.kind, lang), issuer=for_terminal(e.issuer),
                           date=local_date(str(e.not_before)[:10]), sha=e.sha256[:16], file=for_terminal(path.name)))
    if refused:
        ctx.exit(1)


@certs.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """List the trust store and the pins not imported yet (help: archive.cli.words, "certs list")."""
    from archive.trust.store import TrustStore

    rows = _rows(_entries(TrustStore.default(), active()))
    if as_json:
        click.echo(json_text(json.dumps(rows, ensure_ascii=False, indent=2)))
        return
    click.echo(_table(rows, active()))


def _rows(entries) -> list[dict]:
    """Pins first in pins.toml order (imported or not), then unpinned certificates."""
    from verifier.trust.certinfo import common_name
    from certs import load_pins

    by_hash = {e.sha256: e for e in entries if e.kind in ("anchor", "intermediate")}
    rows = []
    for pin in load_pins():
        entry = by_hash.pop(pin.sha256, None)
        rows.append(
            {
                "name": pin.name,
                "subject": pin.subject,
                "role": pin.role,
                "pki": pin.pki,
                "sha256": pin.sha256,
                "valid_from": entry.not_before[:10] if entry else (pin.valid_from or None),
                "valid_to": entry.not_after[:10] if entry else (pin.valid_to or None),
                "pinned": True,
                "imported": entry is not None,
                "url": pin.url or None,
            }
        )
    for entry in by_hash.values():
        rows.append(
            {
                "name": None,
                "subject": common_name(entry.subject),
                "role": entry.kind,
                "pki": None,
                "sha256": entry.sha256,
                "valid_from": entry.not_before[:10],
                "valid_to": entry.not_after[:10],
                "pinned": False,
                "imported": True,
                "url": None,
            }
        )
    return rows


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
