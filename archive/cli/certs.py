"""`kyso certs`: import pinned CA certificates and revocation material, list the trust store.

Imported by archive.cli at start-up, so the store (asn1crypto parsing) loads inside commands.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.textsafe import for_terminal, json_text  # names in certificates are whoever made them

_FILES = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def certs() -> None:
    """Manage the trust store (pinned CA certificates, CRLs, OCSP responses).

    The store lives in $KYSO_HOME/trust (default ./kyso-data/trust).

    \b
    Example:
      kyso certs import rootcag2.crt cpcag2.crt
      kyso certs list
    """


@certs.command("import")
@click.argument("files", nargs=-1, required=True, type=_FILES)
@click.option(
    "--unpinned",
    is_flag=True,
    help="Also accept certificates not pinned in certs/pins.toml (you verified them yourself).",
)
@click.pass_context
def import_(ctx: click.Context, files: tuple[Path, ...], unpinned: bool) -> None:
    """Import CA certificates (PEM, DER or PKCS#7 .p7b) into the trust store.

    Every certificate must match a pin in certs/pins.toml: a modified or unofficial copy is
    refused. Official files: http://ca.gov.vn/pki/pub/crt/ (G2), http://ca.gov.vn/pki/pub/cert/
    (G1), https://rootca.gov.vn/crt/vnrca256.p7b (NEAC).

    \b
    Example:
      kyso certs import rootcag2.crt cpcag2.crt rootca.crt cp.crt
      kyso certs import --unpinned my-test-root.pem
    """
    from archive.trust.store import TrustStore, TrustStoreError
    from verifier.trust.certinfo import common_name
    from certs import load_pins

    store = TrustStore.default()
    pins = {p.name: p for p in load_pins()}
    known = {e.sha256 for e in store.entries()}
    refused = 0
    for path in files:
        try:
            entries = store.import_certificates(path.read_bytes(), path.name, unpinned=unpinned)
        except (TrustStoreError, OSError) as exc:
            click.ClickException(str(exc)).show()
            refused += 1
            continue
        for e in entries:
            pin = pins.get(e.pin_name) if e.pin_name else None
            name = pin.name if pin else common_name(e.subject)
            pki = pin.pki if pin else "unknown PKI"
            verb = "already in store" if e.sha256 in known else "imported"
            status = "pinned" if e.pinned else "UNPINNED"
            click.echo(
                f"{verb}: {for_terminal(name)} ({e.kind}, {pki}) SHA-256 {e.sha256[:16]}… {status} [{for_terminal(path.name)}]"
            )
            if not e.pinned:
                click.secho(
                    f"WARNING: '{for_terminal(e.subject)}' (SHA-256 {e.sha256}) is NOT pinned. It was imported "
                    f"only because of --unpinned, and every signature chaining to it will be "
                    f"trusted. Make sure its fingerprint was confirmed with the CA.",
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
    """Import CRLs or OCSP responses (PEM or DER) as revocation evidence.

    No pin is needed: they are signed by the CA and checked when a chain is validated.

    \b
    Example:
      kyso certs import-crl rootcag2.crl rootca.crl
    """
    from archive.trust.store import TrustStore, TrustStoreError

    store = TrustStore.default()
    refused = 0
    for path in files:
        data = path.read_bytes()
        try:
            entries = store.import_crls(data, path.name)
        except TrustStoreError as crl_error:
            try:
                entries = store.import_ocsp(data, path.name)
            except TrustStoreError as ocsp_error:
                click.ClickException(f"{crl_error}; {ocsp_error}").show()
                refused += 1
                continue
        for e in entries:
            click.echo(
                f"imported: {e.kind} of {for_terminal(e.issuer)} ({e.not_before}) "
                f"SHA-256 {e.sha256[:16]}… [{for_terminal(path.name)}]"
            )
    if refused:
        ctx.exit(1)


@certs.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_(as_json: bool) -> None:
    """List the anchors and intermediates in the store, and the pins not imported yet.

    \b
    Example:
      kyso certs list
      kyso certs list --json
    """
    from archive.trust.store import TrustStore

    rows = _rows(TrustStore.default().entries())
    if as_json:
        click.echo(json_text(json.dumps(rows, ensure_ascii=False, indent=2)))
        return
    click.echo(_table(rows))


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


def _table(rows: list[dict]) -> str:
    header = ("NAME", "ROLE", "PKI", "SHA-256", "VALID", "SUBJECT", "STATUS")
    lines = [header]
    for r in rows:
        if not r["imported"]:
            status = "not imported, get " + (r["url"] or "it from the CA")
        else:
            status = "pinned" if r["pinned"] else "UNPINNED"
        valid = f"{r['valid_from'] or '?'} → {r['valid_to'] or '?'}"
        short = r["sha256"][:16] + "…"
        lines.append((r["name"] or "-", r["role"], r["pki"] or "?", short, valid, for_terminal(r["subject"]), status))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    # The last column is not padded: it holds the long URLs.
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line[:-1], widths)) + "  " + line[-1]
        for line in lines
    )
