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

from archive.cli.failures import EXIT_ARCHIVE, EXIT_INVALID, ArchiveFailure, UsageFailure
from archive.cli.options import DATE, ocr_notice, policy_option, trust_config, trust_options, trust_request
from archive.cli.options import load_settings as _settings
from archive.cli.words import kind as kind_word
from archive.cli.words import MESSAGES, say
from archive.cli.words import verdict as verdict_word
from archive.lang import active, local, resolve

# `--lang` of the commands that pass it on; None: the group's, else KYSO_LANG, else Vietnamese
_LANG = click.option("--lang", type=click.Choice(["vi", "en"]), default=None)

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
    from archive.cli.intake import echo_outcome

    echo_outcome(o, as_json, lang)


def _walk(paths: tuple[Path, ...]):
    for path in paths:  # the demo's samples: files named one by one
        yield path, path.name


@click.group("archive")
def archive_group():
    """Search, show, re-verify, check and export archived documents (help: archive.cli.words)."""


# `archive list` and `archive search` live in archive.cli.search (finding documents)
def _add_finding_commands() -> None:
    from archive.cli.search import list_cmd, search_cmd

    archive_group.add_command(list_cmd)
    archive_group.add_command(search_cmd)


_add_finding_commands()


@archive_group.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@_LANG
def show(ref, as_json, lang):
    """Show one document (help: archive.cli.words, "archive show")."""
    from archive.db.queries import NotFound, document_detail, find_document, latest_report
    from archive.evidence import enrich
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
        detail = enrich(s, doc, document_detail(s, doc))
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
        line = say("show_verification", lang, at=local(v["validation_time"]), verdict=verdict_word(v["verdict"], lang),
                   trigger=trigger, policy=for_terminal(v["policy"]), trust=v["trust_fingerprint"][:12],
                   version=v["kyso_version"])
        if v.get("as_of"):
            line += say(f"show_as_of.{v['as_of']}", lang, ran=local(v.get("performed_at")))
        if v.get("decision") and v["decision"] != "first":
            line += "  — " + say("reverify_decision." + v["decision"], lang)
        click.echo(line)
    _echo_evidence(detail, lang)
    click.echo("")
    click.echo(render_text(report_for_terminal(report), lang))
    if problem is not None:  # after what the archive still knows of it
        raise problem


def _echo_evidence(detail: dict, lang: str) -> None:
    """The evidence the document's verdict rests on: kind, SHA-256, source, when obtained, the
    layers it served, the URL it was fetched from."""
    from archive.textsafe import for_terminal

    ver = next((v for v in detail["verifications"] if v["id"] == detail.get("verdict_verification_id")), None)
    items = ver.get("evidence", []) if ver else []
    if not items:
        click.echo(say("show_evidence_none", lang))
        return
    click.echo(say("show_evidence_head", lang, verification=ver["id"], n=len(items)))
    for e in items:
        kind = f"evidence_kind.{e['kind']}"
        source = f"evidence_source.{e['source'] or 'unknown'}"
        click.echo(say("show_evidence_line", lang, kind=say(kind, lang) if kind in MESSAGES else e["kind"],
                       sha=e["sha256"][:16], source=say(source, lang) if source in MESSAGES else for_terminal(e["source"]),
                       obtained=local(e["obtained_at"]), layers=",".join(map(str, e["layers"])) or "-",
                       url=f"  {for_terminal(e['url'])}" if e["url"] else ""))


@archive_group.command("reverify")
@click.option("--all", "all_", is_flag=True)
@click.option("--since", type=DATE)
@click.option("--now", "as_of_now", is_flag=True)
@trust_options
@policy_option
def reverify_cmd(all_, since, as_of_now, trust, intermediate, crl, ocsp, online, no_trust_store, policy):
    """Verify archived documents again (help: archive.cli.words, "archive reverify")."""
    from sqlalchemy import select

    from archive.cli import failures
    from archive.db.models import Document
    from archive.db.queries import _day_start
    from archive.problems import StoredObjectError
    from archive.reverify import reverify, setup_differences

    lang = active()
    if not all_ and since is None:
        raise click.UsageError(say("say_which", lang))
    settings = _settings()
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy)
    archive = open_archive(settings, trust_config(settings, request), reading=True)
    as_of_now = as_of_now or archive.trust.online  # fetching serves only a run as of now
    with archive.sessions() as s:
        q = select(Document.id).order_by(Document.id)
        if since is not None:
            q = q.where(Document.first_received_at >= _day_start(since))
        ids = list(s.execute(q).scalars())
    differs = setup_differences(archive, ids)
    for line in _setup_lines(differs, len(ids), lang):
        click.echo(line, err=True)  # before it starts: the clerk may stop it and give the trust
    counts = dict.fromkeys(("same", "changed", "less_founded", "conflict", "broken"), 0)
    to_invalid = False
    done = 0
    with failures.so_far(lambda lang: say("reverify_so_far", lang, done=done, total=len(ids))):
        for doc_id in ids:
            try:
                outcome = reverify(archive, doc_id, now=as_of_now)
            except StoredObjectError as exc:  # this document's original, not the run: said, counted, next one
                counts["broken"] += 1
                click.echo(say("object_problem_line", lang, id=doc_id, problem=exc.text(lang)))
                continue
            finally:
                done += 1
            counts[outcome.decision] += 1
            to_invalid |= outcome.decision == "changed" and outcome.after == "INVALID"
            _echo_reverified(outcome, lang)
    click.echo(say("reverify_summary", lang, count=len(ids) - counts["broken"], same=counts["same"], changed=counts["changed"],
                   less=counts["less_founded"], conflict=counts["conflict"]))
    if counts["broken"]:
        click.echo(say("reverify_summary_broken", lang, n=counts["broken"]))
    for line in _setup_lines(differs, len(ids), lang):
        click.echo(line)
    if counts["broken"]:
        sys.exit(EXIT_ARCHIVE)
    if counts["conflict"] or to_invalid:
        sys.exit(EXIT_INVALID)


def _setup_lines(differs: tuple[int, int], count: int, lang: str) -> list[str]:
    trust_n, policy_n = differs
    return ([say("reverify_trust_differs", lang, n=trust_n, count=count)] if trust_n else []) + (
        [say("reverify_policy_differs", lang, n=policy_n, count=count)] if policy_n else [])


def _echo_reverified(outcome, lang: str) -> None:
    """One line per document: its verdict before and after, what the runs did, and each run's
    result with the moment it judged at."""
    from archive.textsafe import for_terminal

    runs = "; ".join(say(f"reverify_as_of.{r.as_of}", lang, at=local(r.report.validation_time),
                         verdict=verdict_word(r.report.verdict, lang)) for r in outcome.runs)
    click.echo(say("reverified_line", lang, id=outcome.document_id, before=verdict_word(outcome.before, lang),
                   after=verdict_word(outcome.after, lang), name=for_terminal(outcome.name)))
    click.echo("        " + say(f"reverify_decision.{outcome.decision}", lang) + f" ({runs})")


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
        sys.exit(EXIT_INVALID)


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
    from archive.cli.ltv import audit_timestamps  # issue 15 (ltv15): the TSA tokens over the chain head

    problems += audit_timestamps(archive, lang, echo=not as_json)
    if as_json:
        click.echo(json.dumps({"ok": not problems, "events": count, "head": {"seq": seq, "hash": tip},
                               "problems": [str(p) for p in problems], "archive": _which(archive)}, ensure_ascii=False))
        if problems:
            sys.exit(EXIT_INVALID)
        return
    for p in problems:
        click.echo(say("tampered", lang, problem=p))
    click.echo(say("audit_total", lang, count=count, seq=seq, tip=tip))
    if problems:
        sys.exit(EXIT_INVALID)


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


from archive.cli.intake import ingest, watch  # noqa: E402 - moved out; registered here as before
from archive.cli.quarantine import quarantine_group  # noqa: E402

COMMANDS = (ingest, watch, archive_group, audit_group, db_group, demo, quarantine_group)
