"""Commands of the archive service: ingest, watch, archive …, audit verify, db upgrade, demo.

Thin: they read options, call archive.* and print. Exit codes (archive.cli.failures): 0 done;
1 a check found a problem (fixity, audit); 4 some input could not be archived (quarantined, or
failed and left to retry); 2 usage, or a configuration kyso refuses (an inbox over the archive's
own data); 5 the archive itself has a problem (database, a stored original missing or altered).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from archive.cli.failures import ArchiveFailure, UsageFailure
from archive.cli.options import DATE, ocr_notice, policy_option, trust_config, trust_options, trust_request
from archive.cli.options import load_settings as _settings
from archive.cli.words import kind as kind_word
from archive.cli.words import MESSAGES, say
from archive.cli.words import verdict as verdict_word
from archive.lang import active, local, resolve

# `--lang` of the commands that pass it on; None: the group's, else KYSO_LANG, else Vietnamese
_LANG = click.option("--lang", type=click.Choice(["vi", "en"]), default=None)

EXIT_PROBLEM, EXIT_QUARANTINED, EXIT_ARCHIVE = 1, 4, 5
log = logging.getLogger(__name__)


def open_archive(settings=None, trust=None, *, reading: bool = False, auditing: bool = False):
    """The archive of these settings, verifying with `trust` (a TrustConfig; None for commands
    that only read). With `reading` (a command that only reads) it must exist already. Says
    which archive first on a terminal; its problems are archive.problems (exit 5)."""
    from archive.cli.archive_open import open_archive as opening

    return opening(settings or _settings(), trust, reading=reading, auditing=auditing)


def _which(archive) -> dict:
    """The archive as JSON outputs name it (key "archive")."""
    from archive.cli.archive_open import describe

    return describe(archive.settings)


def _echo_outcome(o, as_json: bool, lang: str) -> None:
    """One line per file: what became of it, its verdict (or why it was not archived), its name
    and document id. In JSON the kind and verdict stay codes, the reason is in `lang`."""
    from archive.textsafe import for_terminal, json_line
    from verifier.report.codes import say as text

    if as_json:
        fields = {**o.__dict__, "reason": text(o.reason, lang) or None}
        click.echo(json_line({k: v for k, v in fields.items() if v is not None}))
        return
    extra = for_terminal(verdict_word(o.verdict, lang) if o.verdict else text(o.reason, lang))
    doc = f" #{o.document_id}" if o.document_id else ""
    click.echo(f"{kind_word(o.kind, lang):<11} {extra:<15} {for_terminal(o.name)}{doc}")


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
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-ocr", is_flag=True)
@_LANG
def ingest(paths, trust, intermediate, crl, ocsp, online, no_trust_store, policy, as_json, no_ocr, lang):
    """Verify and archive PDF files or folders (help: archive.cli.words, "ingest")."""
    from archive.intake.inbox import ProcessingArea

    lang = resolve(lang)
    settings = _settings()
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy, ocr=not no_ocr)
    config = trust_config(settings, request)
    ocr_notice(config, lang)
    archive = open_archive(settings, config)
    archive.lang, archive.via = lang, "ingest"
    area = ProcessingArea(settings.home / "processing")
    outcomes = []
    for claim in area.orphans(settings.claim_timeout):
        outcomes.append(_settle(archive, area, claim, claim.name_nfc))
        _echo_outcome(outcomes[-1], as_json, lang)
    for path, name in _walk(paths):
        try:
            claim = area.copy_in(path, name, f"ingest:{path.absolute()}")
        except OSError as exc:  # unreadable, vanished, not a regular file: this file, not the run
            from archive.ingest import Outcome

            from verifier.report.codes import Phrase

            from verifier.report.phrased import os_reason

            error = os_reason(exc)
            outcome = Outcome("failed", name, reason=Phrase(say("cannot_read_file", "vi", error=error.vi),
                                                            say("cannot_read_file", "en", error=error.en)))
        else:
            outcome = _settle(archive, area, claim, name)
        outcomes.append(outcome)
        _echo_outcome(outcome, as_json, lang)
    sys.exit(EXIT_QUARANTINED if any(o.kind in ("quarantined", "failed") for o in outcomes) else 0)


def _settle(archive, area, claim, name: str):
    """archive.process for one file; a failure of the database or the disk on this file is
    reported for this file (and the file quarantined when the archive can still record it),
    and the next file is handled."""
    from sqlalchemy.exc import SQLAlchemyError

    from archive.ingest import Outcome
    from verifier.report.codes import Phrase

    try:
        return archive.process(claim, area)
    except Exception as exc:  # the database refused it, the disk failed, the pipeline gave up
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        log.error("%s", say(Phrase(f"lưu trữ {name} không thành công: {reason}", f"archiving {name} failed: {reason}"), archive.lang))
        try:
            return archive.quarantine(claim, area, Phrase(say("could_not_archive", "vi", error=reason),
                                                          say("could_not_archive", "en", error=reason)))
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
@click.option("--once", is_flag=True)
@click.option("--poll", type=click.FloatRange(min=0.1), metavar="SECONDS")
@click.option("--workers", type=click.IntRange(min=1, max=64), default=1, show_default=True)
@click.option("--stable-seconds", type=click.FloatRange(min=0), metavar="SECONDS")
@click.option("--timeout", "verify_timeout", type=click.FloatRange(min=1), default=300, show_default=True, metavar="SECONDS")
@click.option("--no-ocr", is_flag=True)
@_LANG
@trust_options
@policy_option
@click.pass_context
def watch(ctx, inbox, once, poll, workers, stable_seconds, verify_timeout, no_ocr, lang, trust, intermediate, crl, ocsp,
          online, no_trust_store, policy):
    """Archive every PDF dropped into INBOX (help: archive.cli.words, "watch")."""
    from dataclasses import replace

    from archive.intake.watcher import WatchConfig, run_watch

    lang = resolve(lang)
    settings = _settings()
    if stable_seconds is not None:
        settings = replace(settings, stable_seconds=stable_seconds)
    inbox = (inbox or settings.default_inbox).absolute()
    _check_inbox(settings, inbox, lang)
    inbox.mkdir(parents=True, exist_ok=True)
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy, ocr=not no_ocr)
    config = trust_config(settings, request)
    ocr_notice(config, lang)  # said once here, not by every worker
    request = replace(request, ocr=config.ocr)
    open_archive(settings, config)  # upgrade the schema and check the trust once, here
    verbose = bool(ctx.find_root().params.get("verbose"))
    cfg = WatchConfig(settings=settings, inbox=inbox, trust=request, once=once, poll=poll,
                      verify_timeout=verify_timeout, verbose=verbose, lang=lang)
    status = run_watch(cfg, workers=workers, lang=lang)
    if status.fatal:  # the trust changed under the workers (a file removed since the check above)
        from archive.cli.options import SetupError

        raise SetupError(status.fatal)
    if once:
        sys.exit(EXIT_QUARANTINED if status.counts["quarantined"] or status.counts["failed"] else 0)


@click.group("archive")
def archive_group():
    """Search, show, re-verify, check and export archived documents (help: archive.cli.words)."""


@archive_group.command("list")
@click.option("--verdict", type=click.Choice(["VALID", "INVALID", "INDETERMINATE"], case_sensitive=False))
@click.option("--signer")
@click.option("--agency")
@click.option("--type", "type_name")
@click.option("--number")
@click.option("--name")
@click.option("--issued-from", type=DATE)
@click.option("--issued-to", type=DATE)
@click.option("--received-from", type=DATE)
@click.option("--received-to", type=DATE)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@click.option("--json", "as_json", is_flag=True)
@_LANG
def list_cmd(verdict, signer, agency, type_name, number, name, issued_from, issued_to, received_from, received_to, limit, offset, as_json, lang):
    """List archived documents, newest first (help: archive.cli.words, "archive list")."""
    from archive.db.limits import FilterError
    from archive.db.queries import Filters, document_summary, list_documents
    from archive.textsafe import for_terminal, json_line

    lang = resolve(lang)
    archive = open_archive(reading=True)
    f = Filters(verdict, signer, agency, type_name, number, issued_from, issued_to, received_from, received_to, name)
    with archive.sessions() as s:
        try:
            docs = list_documents(s, f, limit, offset)
        except FilterError as exc:
            raise click.UsageError(exc.text(lang)) from exc
        rows = [document_summary(s, d) for d in docs]
    if as_json:
        for row in rows:
            click.echo(json_line({**row, "archive": _which(archive)}))
        return
    if not rows:
        click.echo(say("no_match", lang))
        return
    head = dict(zip(("id", "verdict", "received", "sha", "number", "name"), say("list_columns", lang)))
    click.echo(say("list_header", lang, **head))
    for r in rows:
        # the verdict column first and from kyso alone; every value a document or a file name
        # brought is escaped, so none can redraw the line
        signers = ", ".join(for_terminal(n) for n in filter(None, dict.fromkeys(l["signer_common_name"] for l in r["layers"])))
        number = for_terminal(f"{r['code_number'] or ''}/{r['code_notation']}" if r["code_notation"] else "")
        click.echo(say("list_header", lang, id=r["id"], verdict=verdict_word(r["verdict"], lang), received=local(r["received_at"]),
                       sha=r["sha256"][:12], number=number, name=f"{for_terminal(r['name'])}  [{signers}]"))
    click.echo(say("local_time_note", lang))


@archive_group.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@_LANG
def show(ref, as_json, lang):
    """Show one document (help: archive.cli.words, "archive show")."""
    from archive.db.queries import NotFound, document_detail, find_document, latest_report
    from archive.textsafe import for_terminal, json_line, report_for_terminal
    from verifier.report.render import render_text

    from archive.problems import StoredObjectError, original_of

    lang = resolve(lang)
    archive = open_archive(reading=True)
    with archive.sessions() as s:
        try:
            doc = find_document(s, ref)
        except NotFound as exc:
            raise UsageFailure(exc.args[0]) from exc
        detail = document_detail(s, doc)
        report = latest_report(s, doc)
    state = archive.blobs.check(detail["sha256"])  # what is shown must say when the original is gone
    problem = None if state == "ok" else StoredObjectError(detail["sha256"], state, original_of(detail["id"]),
                                                           archive.blobs.path(detail["sha256"]))
    if as_json:
        click.echo(json_line({**detail, "stored_original": state, "report": report, "archive": _which(archive)}))
        if problem is not None:
            raise problem
        return
    click.echo(say("show_head", lang, id=detail["id"], name=for_terminal(detail["name"]), size=detail["size"],
                   pages=detail["pages"] if detail["pages"] is not None else "?"))
    click.echo(say("show_stored", lang, sha=detail["sha256"], storage=detail["storage_key"]))
    click.echo(say("local_time_note", lang))
    for r in detail["receipts"]:
        click.echo(say("show_receipt", lang, at=local(r["received_at"]), name=for_terminal(r["name"]),
                       source=for_terminal(r["source"]), dup=say("show_duplicate", lang) if r["duplicate"] else ""))
    for v in detail["verifications"]:
        trigger = say(f"trigger.{v['trigger']}", lang) if f"trigger.{v['trigger']}" in MESSAGES else v["trigger"]
        click.echo(say("show_verification", lang, at=local(v["validation_time"]), verdict=verdict_word(v["verdict"], lang),
                       trigger=trigger, policy=for_terminal(v["policy"]), trust=v["trust_fingerprint"][:12],
                       version=v["kyso_version"]))
    click.echo("")
    click.echo(render_text(report_for_terminal(report), lang))
    if problem is not None:  # after what the archive still knows of it
        raise problem


@archive_group.command("reverify")
@click.option("--all", "all_", is_flag=True)
@click.option("--since", type=DATE)
@trust_options
@policy_option
def reverify_cmd(all_, since, trust, intermediate, crl, ocsp, online, no_trust_store, policy):
    """Verify archived documents again (help: archive.cli.words, "archive reverify")."""
    from sqlalchemy import select

    from archive.cli import failures
    from archive.ingest import reverify
    from archive.db.models import Document
    from archive.db.queries import _day_start
    from archive.problems import StoredObjectError
    from archive.textsafe import for_terminal

    lang = active()
    if not all_ and since is None:
        raise click.UsageError(say("say_which", lang))
    settings = _settings()
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy)
    archive = open_archive(settings, trust_config(settings, request), reading=True)
    with archive.sessions() as s:
        q = select(Document.id).order_by(Document.id)
        if since is not None:
            q = q.where(Document.first_received_at >= _day_start(since))
        ids = list(s.execute(q).scalars())
    changed, done, unusable = 0, 0, 0
    with failures.so_far(lambda lang: say("reverify_so_far", lang, done=done, total=len(ids))):
        for doc_id in ids:
            with archive.sessions() as s:
                before = s.get(Document, doc_id).verdict
            try:
                report = reverify(archive, doc_id)
            except StoredObjectError as exc:  # this document's original, not the run: the others go on
                unusable += 1
                click.echo(say("object_problem_line", lang, id=doc_id, problem=exc.text(lang)))
                continue
            finally:
                done += 1
            changed += report.verdict != before
            click.echo(say("reverified_line", lang, id=doc_id, before=verdict_word(before, lang),
                           after=verdict_word(report.verdict, lang), name=for_terminal(report.file)))
    click.echo(say("reverified_total", lang, count=len(ids) - unusable, changed=changed))
    if unusable:
        click.echo(say("reverified_problems", lang, count=unusable), err=True)
        sys.exit(EXIT_ARCHIVE)


@archive_group.command("fixity")
@click.option("--json", "as_json", is_flag=True)
def fixity_cmd(as_json):
    """Re-hash every stored object (help: archive.cli.words, "archive fixity")."""
    from archive.storage.fixity import check

    archive = open_archive(reading=True)
    report = check(archive)
    if as_json:
        click.echo(json.dumps({"checked": report.checked, "problems": report.problems, "archive": _which(archive)},
                              ensure_ascii=False))
    else:
        lang = active()
        for p in report.problems:
            state = say(f"fixity_state.{p['state']}", lang) if f"fixity_state.{p['state']}" in MESSAGES else p["state"].upper()
            click.echo(f"{state:<8} {p['what']}: {p['path']}")
        click.echo(say("fixity_total", lang, checked=report.checked, problems=len(report.problems)))
    if not report.ok:
        sys.exit(EXIT_PROBLEM)


@archive_group.command("export")
@click.argument("ref")
@click.option("--to", "to", required=True, type=click.Path(file_okay=False, path_type=Path))
def export_cmd(ref, to):
    """Export one document as a folder (help: archive.cli.words, "archive export")."""
    from archive.storage.export import ExportError, export
    from archive.db.queries import NotFound

    archive = open_archive(reading=True)
    try:
        target = export(archive, ref, to)
    except NotFound as exc:
        raise UsageFailure(exc.args[0]) from exc
    except ExportError as exc:  # the --to folder cannot be written
        raise UsageFailure(exc.phrase) from exc
    click.echo(str(target))


@click.group("audit")
def audit_group():
    """Check the append-only event log (help: archive.cli.words)."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True)
def audit_verify(as_json):
    """Re-walk the hash chain of the event log and compare it with the head file outside the
    database ($KYSO_HOME/audit-head.json); exit 1 if any row was changed, removed or inserted, or
    if the database's chain is shorter than, other than or empty against the head file."""
    from archive.db.events import check_anchor, head, verify_chain

    archive = open_archive(reading=True, auditing=True)
    with archive.sessions() as s:
        count, problems = verify_chain(s)
        problems += check_anchor(s, archive.settings.audit_head)
        seq, tip = head(s)
    lang = active()
    if as_json:
        click.echo(json.dumps({"ok": not problems, "events": count, "head": {"seq": seq, "hash": tip},
                               "problems": [str(p) for p in problems], "archive": _which(archive)}, ensure_ascii=False))
        if problems:
            sys.exit(EXIT_PROBLEM)
        return
    for p in problems:
        click.echo(say("tampered", lang, problem=p))
    click.echo(say("audit_total", lang, count=count, seq=seq, tip=tip))
    if problems:
        sys.exit(EXIT_PROBLEM)


@click.group("db")
def db_group():
    """Database schema management."""


@db_group.command("upgrade")
def db_upgrade():
    """Create or upgrade the schema (needed once for a shared PostgreSQL database)."""
    from archive.db.session import make_engine, upgrade

    from sqlalchemy.exc import SQLAlchemyError

    from archive.cli.archive_open import announce, check_home
    from archive.db.session import database_problem, schema_problem, schema_state

    settings = _settings()
    announce(settings)
    check_home(settings)
    try:
        settings.home.mkdir(parents=True, exist_ok=True)  # where the SQLite default lives
        engine = make_engine(settings.database_url)
        state, current, newest = schema_state(engine)
        if state in ("unknown", "unversioned"):  # made by a newer kyso, or not kyso's: never touched
            raise schema_problem(settings.database_url, state, current, newest)
        head_rev = upgrade(engine)
    except SQLAlchemyError as exc:  # unreachable or refusing database: say which and what to check
        problem = database_problem(exc, settings.database_url)
        if problem is not None:
            raise problem from exc
        raise ArchiveFailure(say("db_failed", active(), url=settings.database_url.split("@")[-1],
                                       error=str(exc).splitlines()[0])) from exc
    click.echo(say("db_done", active(), rev=head_rev, url=settings.database_url.split("@")[-1]))


@click.command()
@_LANG
def demo(lang):
    """Archive the bundled samples and show what happened (help: archive.cli.words, "demo")."""
    from archive.intake.inbox import ProcessingArea
    from archive.db.queries import Filters, list_documents

    lang = resolve(lang)
    root = Path(__file__).resolve().parents[2] / "samples"
    if not (root / "manifest.json").exists():
        raise UsageFailure(say("demo_no_samples", lang, root=root))
    settings = _settings()
    request = trust_request(trust=(root / "pki" / "trust.pem",), no_trust_store=True)
    archive = open_archive(settings, trust_config(settings, request))
    archive.lang, archive.via = lang, "ingest"
    area = ProcessingArea(settings.home / "processing")
    click.echo(say("demo_start", lang, home=settings.home, db=settings.database_url.split("///")[-1]))
    for path, name in _walk(tuple(sorted(root.glob("*.pdf")))):
        _echo_outcome(archive.process(area.copy_in(path, name, f"ingest:{path}"), area), False, lang)
    with archive.sessions() as s:
        counts = {}
        for doc in list_documents(s, Filters(), limit=10_000):
            counts[doc.verdict] = counts.get(doc.verdict, 0) + 1
    click.echo(say("demo_counts", lang, counts=", ".join(f"{verdict_word(k, lang)} {v}" for k, v in sorted(counts.items()))))
    click.echo(say("demo_quarantine", lang, path=settings.quarantine))
    click.echo(say("demo_next", lang))


COMMANDS = (ingest, watch, archive_group, audit_group, db_group, demo)
