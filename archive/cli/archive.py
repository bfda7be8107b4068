"""Commands of the archive service: ingest, watch, archive …, audit verify, db upgrade, demo.

Thin: they read options, call archive.* and print. Exit codes: 0 done; 1 a check found a
problem (fixity, audit); 4 some input could not be archived (quarantined, or failed and left to
retry); 2 usage, or a configuration kyso refuses (an inbox over the archive's own data).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from archive.cli.options import load_settings as _settings
from archive.cli.options import ocr_notice, policy_option, trust_config, trust_options, trust_request

EXIT_PROBLEM, EXIT_QUARANTINED = 1, 4
log = logging.getLogger(__name__)


def open_archive(settings=None, trust=None):
    """The archive of these settings, verifying with `trust` (a TrustConfig; None for commands
    that only read)."""
    from archive.ingest import Archive

    settings = settings or _settings()
    try:
        return Archive(settings, trust=trust)
    except Exception as exc:  # a database that cannot be reached or upgraded: say what to do
        raise click.ClickException(
            f"cannot open the archive database {settings.database_url}: {exc}. "
            "Check KYSO_DATABASE_URL (or kyso.toml) and run 'kyso db upgrade'."
        ) from exc


def _echo_outcome(o, as_json: bool) -> None:
    from archive.textsafe import for_terminal, json_line

    if as_json:
        click.echo(json_line({k: v for k, v in o.__dict__.items() if v is not None}))
        return
    extra = for_terminal(o.verdict or o.reason or "")
    doc = f" #{o.document_id}" if o.document_id else ""
    click.echo(f"{o.kind:<11} {extra:<14} {for_terminal(o.name)}{doc}")


def _walk(paths: tuple[Path, ...]):
    from archive.intake.inbox import is_temporary

    for path in paths:
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not f.is_symlink() and not is_temporary(f.name) and not any(
                    part.startswith(".") for part in f.relative_to(path).parts
                ):
                    yield f, f.relative_to(path.parent).as_posix()
        else:
            yield path, path.name


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@trust_options
@policy_option
@click.option("--json", "as_json", is_flag=True, help="One JSON line per file.")
def ingest(paths, trust, intermediate, crl, ocsp, online, no_trust_store, policy, as_json):
    """Verify and archive PDF files or folders (copies: the originals stay where they are).

    Exit code 0 when every file was archived (whatever its verdict), 4 when some had to be
    quarantined (not a PDF, encrypted, too large, …): see quarantine/ for the reasons.

    \b
    Example:
      kyso ingest samples/ --trust samples/pki/trust.pem
    """
    from archive.intake.inbox import ProcessingArea

    settings = _settings()
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy)
    config = trust_config(settings, request)
    ocr_notice(config)
    archive = open_archive(settings, config)
    area = ProcessingArea(settings.home / "processing")
    outcomes = []
    for claim in area.orphans(settings.claim_timeout):
        outcomes.append(_settle(archive, area, claim, claim.name_nfc))
        _echo_outcome(outcomes[-1], as_json)
    for path, name in _walk(paths):
        try:
            claim = area.copy_in(path, name, f"ingest:{path.absolute()}")
        except OSError as exc:  # unreadable, vanished, not a regular file: this file, not the run
            from archive.ingest import Outcome

            outcome = Outcome("failed", name, reason=f"cannot read the file: {exc.strerror or exc}")
        else:
            outcome = _settle(archive, area, claim, name)
        outcomes.append(outcome)
        _echo_outcome(outcome, as_json)
    sys.exit(EXIT_QUARANTINED if any(o.kind in ("quarantined", "failed") for o in outcomes) else 0)


def _settle(archive, area, claim, name: str):
    """archive.process for one file; a failure of the database or the disk on this file is
    reported for this file (and the file quarantined when the archive can still record it),
    and the next file is handled."""
    from sqlalchemy.exc import SQLAlchemyError

    from archive.ingest import Outcome

    try:
        return archive.process(claim, area)
    except Exception as exc:  # the database refused it, the disk failed, the pipeline gave up
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        log.error("archiving %s failed: %s", name, reason)
        try:
            return archive.quarantine(claim, area, f"could not be archived: {reason}")
        except (SQLAlchemyError, OSError):  # the claim stays in processing/ and is retried next run
            return Outcome("failed", name, reason=reason)


def _check_inbox(settings, inbox: Path, lang: str) -> None:
    """An inbox overlapping the archive's own data is refused before anything is read (exit 2)."""
    from archive.cli.options import SetupError
    from archive.config import InboxOverlap, check_inbox

    try:
        check_inbox(settings, inbox)
    except InboxOverlap as exc:
        raise SetupError(exc.message(lang)) from exc


@click.command()
@click.argument("inbox", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--once", is_flag=True, help="Process what is in the inbox (waiting for files still being written), then exit.")
@click.option("--poll", type=click.FloatRange(min=0.1), help="Poll every SECONDS instead of using file events (network shares).")
@click.option("--workers", type=click.IntRange(min=1, max=64), default=1, show_default=True, help="Worker processes.")
@click.option("--stable-seconds", type=click.FloatRange(min=0), help="How long a file must stay unchanged before it is taken.")
@click.option("--timeout", "verify_timeout", type=click.FloatRange(min=1), default=300, show_default=True, help="Seconds one file may take before its worker is stopped.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@trust_options
@policy_option
@click.pass_context
def watch(ctx, inbox, once, poll, workers, stable_seconds, verify_timeout, lang, trust, intermediate, crl, ocsp, online, no_trust_store, policy):
    """Archive every PDF dropped into INBOX (default: KYSO_INBOX, or <home>-inbox beside $KYSO_HOME).

    Reacts to file events and rescans periodically; SIGTERM or Ctrl-C finishes the current
    files and stops. Several watchers (on several machines, with PostgreSQL) may share one inbox.
    An INBOX that is, contains or lies inside the archive's own data is refused (exit 2).

    \b
    Examples:
      kyso watch /srv/van-thu/den --workers 2
      kyso watch samples-inbox --once --trust samples/pki/trust.pem
    """
    from dataclasses import replace

    from archive.intake.watcher import WatchConfig, run_watch

    settings = _settings()
    if stable_seconds is not None:
        settings = replace(settings, stable_seconds=stable_seconds)
    inbox = (inbox or settings.default_inbox).absolute()
    _check_inbox(settings, inbox, lang)
    inbox.mkdir(parents=True, exist_ok=True)
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy)
    config = trust_config(settings, request)
    ocr_notice(config, lang)  # said once here, not by every worker
    request = replace(request, ocr=config.ocr)
    open_archive(settings, config)  # upgrade the schema and check the trust once, here
    verbose = bool(ctx.find_root().params.get("verbose"))
    cfg = WatchConfig(settings=settings, inbox=inbox, trust=request, once=once, poll=poll,
                      verify_timeout=verify_timeout, verbose=verbose)
    status = run_watch(cfg, workers=workers, lang=lang)
    if status.fatal:  # the trust changed under the workers (a file removed since the check above)
        from archive.cli.options import SetupError

        raise SetupError(status.fatal)
    if once:
        sys.exit(EXIT_QUARANTINED if status.counts["quarantined"] or status.counts["failed"] else 0)


@click.group("archive")
def archive_group():
    """Search, show, re-verify, check and export archived documents."""


def _date(value):
    return None if value is None else value.date()


@archive_group.command("list")
@click.option("--verdict", type=click.Choice(["VALID", "INVALID", "INDETERMINATE"], case_sensitive=False))
@click.option("--signer", help="Part of a signer's name (any layer).")
@click.option("--agency", help="Part of the signing or issuing agency's name.")
@click.option("--type", "type_name", help="Document type, e.g. 'Kế hoạch'.")
@click.option("--number", help="Number and/or notation: '45/KH-SGDĐT', 'KH-SGDĐT' or '45'.")
@click.option("--name", help="Part of the received file name.")
@click.option("--issued-from", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--issued-to", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--received-from", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--received-to", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@click.option("--json", "as_json", is_flag=True)
def list_cmd(verdict, signer, agency, type_name, number, name, issued_from, issued_to, received_from, received_to, limit, offset, as_json):
    """List archived documents, newest first.

    \b
    Example:
      kyso archive list --verdict INVALID --received-from 2026-01-01
    """
    from archive.db.limits import FilterError
    from archive.db.queries import Filters, document_summary, list_documents
    from archive.textsafe import for_terminal, json_line

    archive = open_archive()
    f = Filters(verdict, signer, agency, type_name, number, _date(issued_from), _date(issued_to),
                _date(received_from), _date(received_to), name)
    with archive.sessions() as s:
        try:
            docs = list_documents(s, f, limit, offset)
        except FilterError as exc:
            raise click.UsageError(str(exc)) from exc
        rows = [document_summary(s, d) for d in docs]
    if as_json:
        for row in rows:
            click.echo(json_line(row))
        return
    if not rows:
        click.echo("no documents match")
        return
    for r in rows:
        # the verdict column first and from kyso alone; every value a document or a file name
        # brought is escaped, so none can redraw the line
        signers = ", ".join(for_terminal(n) for n in filter(None, dict.fromkeys(l["signer_common_name"] for l in r["layers"])))
        number = for_terminal(f"{r['code_number'] or ''}/{r['code_notation']}" if r["code_notation"] else "")
        click.echo(f"{r['id']:>6}  {r['verdict']:<13} {r['received_at'][:19]}  {r['sha256'][:12]}  {number:<18} {for_terminal(r['name'])}  [{signers}]")


@archive_group.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def show(ref, as_json, lang):
    """Show one document (by id or SHA-256): metadata, receipts, verification history and the
    latest report."""
    from archive.db.queries import NotFound, document_detail, find_document, latest_report
    from archive.textsafe import for_terminal, json_line, report_for_terminal
    from verifier.report.render import render_text

    archive = open_archive()
    with archive.sessions() as s:
        try:
            doc = find_document(s, ref)
        except NotFound as exc:
            raise click.ClickException(str(exc)) from exc
        detail = document_detail(s, doc)
        report = latest_report(s, doc)
    if as_json:
        click.echo(json_line({**detail, "report": report}))
        return
    click.echo(f"#{detail['id']}  {for_terminal(detail['name'])}  ({detail['size']} bytes, {detail['pages']} pages)")
    click.echo(f"SHA-256 {detail['sha256']}  stored at objects/{detail['storage_key']}")
    for r in detail["receipts"]:
        click.echo(f"  received {r['received_at'][:19]}  {for_terminal(r['name'])}  from {for_terminal(r['source'])}"
                   f"{'  (duplicate)' if r['duplicate'] else ''}")
    for v in detail["verifications"]:
        click.echo(f"  verified {v['validation_time'][:19]}  {v['verdict']:<13} {v['trigger']:<8} policy {for_terminal(v['policy'])}"
                   f"  trust {v['trust_fingerprint'][:12]}  kyso {v['kyso_version']}")
    click.echo("")
    click.echo(render_text(report_for_terminal(report), lang))


@archive_group.command("reverify")
@click.option("--all", "all_", is_flag=True, help="Every archived document.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Documents received on or after this date.")
@trust_options
@policy_option
def reverify_cmd(all_, since, trust, intermediate, crl, ocsp, online, no_trust_store, policy):
    """Verify archived documents again (after a policy or trust-store change); every run is
    kept in the history."""
    from sqlalchemy import select

    from archive.ingest import reverify
    from archive.db.models import Document
    from archive.db.queries import _day_start
    from archive.textsafe import for_terminal

    if not all_ and since is None:
        raise click.UsageError("say which documents: --all or --since DATE")
    settings = _settings()
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy)
    archive = open_archive(settings, trust_config(settings, request))
    with archive.sessions() as s:
        q = select(Document.id).order_by(Document.id)
        if since is not None:
            q = q.where(Document.first_received_at >= _day_start(since.date()))
        ids = list(s.execute(q).scalars())
    changed = 0
    for doc_id in ids:
        with archive.sessions() as s:
            before = s.get(Document, doc_id).verdict
        report = reverify(archive, doc_id)
        changed += report.verdict != before
        click.echo(f"{doc_id:>6}  {before:<13} -> {report.verdict:<13} {for_terminal(report.file)}")
    click.echo(f"{len(ids)} re-verified, {changed} changed verdict")


@archive_group.command("fixity")
@click.option("--json", "as_json", is_flag=True)
def fixity_cmd(as_json):
    """Re-hash every stored object (originals and evidence); exit 1 if any is missing or altered."""
    from archive.storage.fixity import check

    report = check(open_archive())
    if as_json:
        click.echo(json.dumps({"checked": report.checked, "problems": report.problems}, ensure_ascii=False))
    else:
        for p in report.problems:
            click.echo(f"{p['state'].upper():<8} {p['what']}: {p['path']}")
        click.echo(f"{report.checked} objects checked, {len(report.problems)} problems")
    if not report.ok:
        sys.exit(EXIT_PROBLEM)


@archive_group.command("export")
@click.argument("ref")
@click.option("--to", "to", required=True, type=click.Path(file_okay=False, path_type=Path))
def export_cmd(ref, to):
    """Export one document as a folder: original, latest report (JSON and text), metadata,
    evidence, manifest-sha256.txt."""
    from archive.storage.export import export
    from archive.db.queries import NotFound

    try:
        target = export(open_archive(), ref, to)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(str(target))


@click.group("audit")
def audit_group():
    """Check the append-only event log."""


@audit_group.command("verify")
def audit_verify():
    """Re-walk the hash chain of the event log and compare it with the head file outside the
    database ($KYSO_HOME/audit-head.json); exit 1 if any row was changed, removed or inserted, or
    if the database's chain is shorter than, other than or empty against the head file."""
    from archive.db.events import check_anchor, head, verify_chain

    archive = open_archive()
    with archive.sessions() as s:
        count, problems = verify_chain(s)
        problems += check_anchor(s, archive.settings.audit_head)
        seq, tip = head(s)
    for p in problems:
        click.echo(f"TAMPERED {p}")
    click.echo(f"{count} events checked; chain head {seq} {tip}")
    if problems:
        sys.exit(EXIT_PROBLEM)


@click.group("db")
def db_group():
    """Database schema management."""


@db_group.command("upgrade")
def db_upgrade():
    """Create or upgrade the schema (needed once for a shared PostgreSQL database)."""
    from archive.db.session import make_engine, upgrade

    settings = _settings()
    settings.home.mkdir(parents=True, exist_ok=True)  # where the SQLite default lives
    try:
        head_rev = upgrade(make_engine(settings.database_url))
    except Exception as exc:  # unreachable or refusing database: say which and what to check
        raise click.ClickException(f"cannot upgrade the archive database {settings.database_url.split('@')[-1]}: "
                                   f"{str(exc).splitlines()[0]}. Check KYSO_DATABASE_URL (or kyso.toml).") from exc
    click.echo(f"schema at revision {head_rev} ({settings.database_url.split('@')[-1]})")


@click.command()
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def demo(lang):
    """Archive the bundled samples into the embedded SQLite archive ($KYSO_HOME, default
    ./kyso-data) with the test PKI, and show what happened."""
    from archive.intake.inbox import ProcessingArea
    from archive.db.queries import Filters, list_documents

    root = Path(__file__).resolve().parents[2] / "samples"
    if not (root / "manifest.json").exists():
        raise click.ClickException(f"the samples are not at {root}; run from a kyso checkout")
    settings = _settings()
    request = trust_request(trust=(root / "pki" / "trust.pem",), no_trust_store=True)
    archive = open_archive(settings, trust_config(settings, request))
    area = ProcessingArea(settings.home / "processing")
    click.echo(f"kyso demo: archive in {settings.home} ({settings.database_url.split('///')[-1]})")
    for path, name in _walk(tuple(sorted(root.glob("*.pdf")))):
        _echo_outcome(archive.process(area.copy_in(path, name, f"ingest:{path}"), area), False)
    with archive.sessions() as s:
        counts = {}
        for doc in list_documents(s, Filters(), limit=10_000):
            counts[doc.verdict] = counts.get(doc.verdict, 0) + 1
    click.echo("archived: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    click.echo(f"quarantined files and their reasons: {settings.quarantine}")
    click.echo("next: kyso archive list   |   kyso archive show 1   |   kyso audit verify")


COMMANDS = (ingest, watch, archive_group, audit_group, db_group, demo)
