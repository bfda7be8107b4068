"""`kyso verify`: verify signed PDFs and print a report per file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

# exit codes a script can rely on: the one table (README: Exit codes)
from archive.cli.failures import EXIT_ARCHIVE, EXIT_INDETERMINATE, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE
from archive.cli.options import load_settings, ocr_notice, policy_option, trust_config, trust_options, trust_request


def exit_code(verdicts: list[str]) -> int:
    if "INVALID" in verdicts:
        return EXIT_INVALID
    if "ERROR" in verdicts:
        return EXIT_UNREADABLE
    if "INDETERMINATE" in verdicts:
        return EXIT_INDETERMINATE
    return EXIT_OK


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=str, allow_dash=True))
@click.option("--null", "-0", "null", is_flag=True)
@click.option("--archived", multiple=True, metavar="ID|SHA256")
@trust_options
@policy_option
@click.option("--password", metavar="PASSWORD|-", default=None)
@click.option("--lang", type=click.Choice(["vi", "en"]), default=None)  # None: the group's, KYSO_LANG, vi
@click.option("--json", "as_json", is_flag=True)
@click.option("--details", is_flag=True)
@click.option("--max-size", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--etsi", type=click.Path(path_type=Path), metavar="OUT.xml")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
@click.option("--report", "report_to", type=click.Path(path_type=Path), metavar="OUT.html|OUT.pdf|FOLDER")
@click.option("--no-ocr", is_flag=True)
def verify(files, null, archived, trust, intermediate, crl, ocsp, online, no_trust_store, policy, password, lang, as_json,
           details, max_size, etsi, jobs, report_to, no_ocr):
    """Verify every signature layer of signed PDF FILES (help: archive.cli.words, "verify")."""
    from archive import verify_pool
    from archive.cli import etsi_out, paths
    from archive.cli.progress import Progress, shown
    from archive.cli.report import targets as report_targets
    from archive.cli.report import write as write_report
    from archive.cli.words import say
    from archive.lang import resolve

    lang = resolve(lang)
    if not files and not archived:
        raise click.UsageError(say("verify_nothing", lang))
    password = _password(password, files, lang)
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy, ocr=not no_ocr)
    if archived:
        etsi_out.targets([], etsi, True, lang)
        if report_to is not None:
            raise click.UsageError(say("report_archived", lang))
        sys.exit(_verify_archived(archived, files, request, lang, as_json, details))
    items = paths.walk(files, null=null, keep=paths.is_pdf_name)
    total = None
    if etsi is not None or report_to is not None:
        # these name each file's report from the whole list (two files of one name are refused
        # before anything is verified), so the list is held: names only, never the reports
        items = list(items)
        total = len(items)
    etsi_files = etsi_out.targets([i.path for i in items], etsi, False, lang) if etsi is not None else {}
    sheets = dict(zip((i.path for i in items), report_targets([i.path for i in items], report_to, lang))) \
        if report_to is not None else {}
    config = trust_config(load_settings(), request)
    ocr_notice(config, lang)
    if total is None and shown():
        total = paths.count(files, keep=paths.is_pdf_name)  # a listing of the folders; None with '-'
    jobs_ = (verify_pool.Job(i.path, max_size * 1024 * 1024, lang, as_json, details, etsi=bool(etsi_files),
                             sheet=sheets[i.path][1] if i.path in sheets else None, error=i.error, password=password)
             for i in items)
    workers = jobs or verify_pool.default_workers(total if total is not None else 1 << 30)
    tally = Tally()
    with Progress(total, "kyso verify", lang) as progress:
        results = verify_pool.results(jobs_, config, workers, waiting=lambda job: progress.start(str(job.path)))
        try:
            for result in results:
                with progress.paused():
                    if tally.count and not as_json:
                        click.echo("\n" + "=" * 72 + "\n")
                    click.echo(result.text)
                    etsi_out.write(etsi_files, result, lang)
                    if result.sheet is not None:
                        write_report(sheets[result.path][0], result.sheet, lang)
                        click.echo(f"{sheets[result.path][0]}", err=True)
                tally.add(result)
                progress.done()
        except verify_pool.WorkerDied as exc:
            raise click.ClickException(say("worker_died", lang, error=exc)) from exc
        except KeyboardInterrupt:
            progress.close()
            if total is None:  # not counted without a terminal: a listing of the folders now
                total = paths.count(files, keep=paths.is_pdf_name)
            left = "?" if total is None else total - tally.count
            click.echo(say("verify_interrupted", lang, n=tally.count, left=left), err=True)
            if tally.count > 1 and not as_json:
                click.echo("\n" + batch_summary(tally, lang))
            sys.exit(EXIT_INTERRUPTED)
    if not tally.count:
        raise click.UsageError(say("verify_none_found", lang))
    if tally.count > 1 and not as_json:
        click.echo("\n" + batch_summary(tally, lang))
    sys.exit(tally.exit_code())


def _password(given: str | None, files, lang: str) -> str | None:
    """--password: the value itself, or '-' to be asked on the terminal without echo (so it stays
    out of the shell's history and the process list); KYSO_PDF_PASSWORD when the option is not
    given (for scripts, as PGPASSWORD is)."""
    import os

    from archive.cli.words import say

    if given is None:
        return os.environ.get("KYSO_PDF_PASSWORD") or None
    if given != "-":
        return given
    if "-" in files:
        raise click.UsageError(say("password_stdin_list", lang))
    if not sys.stdin.isatty():  # from a pipe: the first line is the password
        line = sys.stdin.readline()
        return line.rstrip("\r\n") or None
    return click.prompt(say("password_prompt", lang), hide_input=True, err=True) or None


class Tally:
    """What a batch comes to, in memory that does not grow with it: a count per verdict, and the
    files needing attention up to ATTENTION of them (the rest counted)."""

    ATTENTION = 1000

    def __init__(self):
        self.count = 0
        self.counts = {v: 0 for v in _ORDER}
        self.attention: list[tuple[str, str, str]] = []  # (path, verdict, reason)
        self.more = 0

    def add(self, result) -> None:
        self.count += 1
        self.counts[result.verdict] = self.counts.get(result.verdict, 0) + 1
        if result.verdict != "VALID":
            if len(self.attention) < self.ATTENTION:
                self.attention.append((str(result.path), result.verdict, result.reason))
            else:
                self.more += 1

    def exit_code(self) -> int:
        return exit_code([v for v, n in self.counts.items() if n])


BATCH = {
    "title": ("TỔNG HỢP {n} tệp", "SUMMARY of {n} files"),
    "attention": ("Cần xem lại ({n}):", "Need attention ({n}):"),
    "none": ("Mọi tệp đều hợp lệ.", "Every file is valid."),
    "more": ("… và {n} tệp khác (xem kết quả từng tệp ở trên)", "… and {n} more files (see each file's result above)"),
}
_ORDER = ("VALID", "INVALID", "INDETERMINATE", "ERROR")


def batch_summary(results, lang: str) -> str:
    """What a batch comes to: a count per verdict, then each file that is not VALID with why
    (the first Tally.ATTENTION of them, then how many more). `results`: a Tally, or results."""
    from archive.textsafe import for_terminal
    from verifier.report import codes

    if not isinstance(results, Tally):
        tally = Tally()
        for r in results:
            tally.add(r)
        results = tally
    counts = results.counts
    lines = ["=" * 72, codes.pick(BATCH["title"], lang).format(n=results.count) + ": "
             + " · ".join(f"{codes.pick(codes.VERDICT_TEXT[v], lang)} {counts[v]}" for v in _ORDER if counts.get(v))]
    attention = results.attention
    if not attention:
        lines.append(codes.pick(BATCH["none"], lang))
        return "\n".join(lines)
    lines.append(codes.pick(BATCH["attention"], lang).format(n=len(attention) + results.more))
    for path, verdict, why in sorted(attention, key=lambda r: _ORDER.index(r[1]) if r[1] in _ORDER else 9):
        lines.append(f"  - {for_terminal(path)} — {codes.pick(codes.VERDICT_TEXT[verdict], lang)}: {why}")
    if results.more:
        lines.append("  " + codes.pick(BATCH["more"], lang).format(n=results.more))
    return "\n".join(lines)


def _verify_archived(refs, files, request, lang, as_json, details=False) -> int:
    """Each document re-verified as of its archived validation time with its stored evidence (and
    as of now too with --online), every run recorded (archive.reverify); the exit code is that of
    the verdicts the archive holds afterwards, which change only for a result at least as well
    founded (each report is followed by the line that says so)."""
    from archive.cli.archive import open_archive
    from archive.reverify import reverify
    from archive import verify_pool
    from archive.db.queries import NotFound, find_document
    from archive.lang import local
    from archive.textsafe import json_line
    from archive.cli.failures import UsageFailure
    from archive.problems import StoredObjectError

    from archive.cli.words import say, verdict

    if files:
        raise click.UsageError(say("verify_both", lang))
    settings = load_settings()
    config = trust_config(settings, request)
    ocr_notice(config, lang)
    archive = open_archive(settings, config, reading=True)
    ids, unusable = [], 0
    for ref in refs:
        with archive.sessions() as s:
            try:
                ids.append(find_document(s, ref).id)
            except NotFound as exc:
                raise UsageFailure(exc.args[0]) from exc
    from archive.cli.archive import _setup_lines
    from archive.reverify import setup_differences

    for line in _setup_lines(setup_differences(archive, ids), len(ids), lang):
        click.echo(line, err=True)  # before it starts, as `archive reverify` says it
    verdicts = []
    for doc_id in ids:
        try:
            outcome = reverify(archive, doc_id, now=config.online, trigger="verify")
        except StoredObjectError as exc:  # this document's original; the others go on, exit 5 at the end
            unusable += 1
            click.echo(say("failure.error", lang, message=exc.text(lang)), err=True)
            continue
        verdicts.append(outcome.after)
        standing = say("archived_standing", lang, id=doc_id, verdict=verdict(outcome.after, lang),
                       decision=say(f"reverify_decision.{outcome.decision}", lang))
        for run in outcome.runs:
            if as_json:  # the report, and what the archive made of it
                line = json.loads(verify_pool.render(run.report, lang, True, details))
                line["archived"] = {"document_id": doc_id, "verification_id": run.verification_id, "as_of": run.as_of,
                                    "decision": run.decision, "verdict": outcome.after}
                click.echo(json_line(line))
            else:
                click.echo(say(f"reverify_as_of.{run.as_of}", lang, at=local(run.report.validation_time),
                               verdict=verdict(run.report.verdict, lang)))
                click.echo(verify_pool.render(run.report, lang, False, details))
        if not as_json:
            click.echo(standing)
    return EXIT_ARCHIVE if unusable else exit_code(verdicts)


