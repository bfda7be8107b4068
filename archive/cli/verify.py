"""`kyso verify`: verify signed PDFs and print a report per file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cli.options import load_settings, ocr_notice, policy_option, trust_config, trust_options, trust_request

# Exit codes a script can rely on (README: Exit codes).
EXIT_OK, EXIT_INVALID, EXIT_INDETERMINATE, EXIT_UNREADABLE, EXIT_ARCHIVE = 0, 1, 3, 4, 5


def exit_code(verdicts: list[str]) -> int:
    if "INVALID" in verdicts:
        return EXIT_INVALID
    if "ERROR" in verdicts:
        return EXIT_UNREADABLE
    if "INDETERMINATE" in verdicts:
        return EXIT_INDETERMINATE
    return EXIT_OK


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--archived", multiple=True, metavar="ID|SHA256")
@trust_options
@policy_option
@click.option("--lang", type=click.Choice(["vi", "en"]), default=None)  # None: the group's, KYSO_LANG, vi
@click.option("--json", "as_json", is_flag=True)
@click.option("--details", is_flag=True)
@click.option("--max-size", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--etsi", type=click.Path(path_type=Path), metavar="OUT.xml")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
@click.option("--report", "report_to", type=click.Path(path_type=Path), metavar="OUT.html|OUT.pdf|FOLDER")
@click.option("--no-ocr", is_flag=True)
def verify(files, archived, trust, intermediate, crl, ocsp, online, no_trust_store, policy, lang, as_json, details, max_size,
           etsi, jobs, report_to, no_ocr):
    """Verify every signature layer of signed PDF FILES (help: archive.cli.words, "verify")."""
    from archive import verify_pool
    from archive.cli import etsi_out
    from archive.cli.report import targets as report_targets
    from archive.cli.report import write as write_report
    from archive.cli.words import say
    from archive.lang import resolve

    lang = resolve(lang)
    if not files and not archived:
        raise click.UsageError(say("verify_nothing", lang))
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy, ocr=not no_ocr)
    etsi_files = etsi_out.targets(list(files), etsi, bool(archived), lang)
    if archived:
        if report_to is not None:
            raise click.UsageError(say("report_archived", lang))
        sys.exit(_verify_archived(archived, files, request, lang, as_json, details))
    sheets = report_targets(list(files), report_to, lang) if report_to is not None else [(None, None)] * len(files)
    config = trust_config(load_settings(), request)
    ocr_notice(config, lang)
    jobs_ = [verify_pool.Job(path, max_size * 1024 * 1024, lang, as_json, details, etsi=bool(etsi_files), sheet=fmt)
             for path, (_, fmt) in zip(files, sheets)]
    workers = jobs or verify_pool.default_workers(len(files))
    verdicts, done = [], []
    show_bar = len(files) > 1 and sys.stderr.isatty()
    results = verify_pool.results(jobs_, config, workers)
    with click.progressbar(results, length=len(files), label="kyso verify", file=sys.stderr) if show_bar else _plain(results) as items:
        try:
            for index, result in enumerate(items):
                if result.verdict is None:
                    raise click.UsageError(result.error)
                verdicts.append(result.verdict)
                done.append(result)
                if index and not as_json:
                    click.echo("\n" + "=" * 72 + "\n")
                click.echo(result.text)
                etsi_out.write(etsi_files, result, lang)
                if result.sheet is not None:
                    write_report(sheets[index][0], result.sheet, lang)
                    click.echo(f"{sheets[index][0]}", err=True)
        except verify_pool.WorkerDied as exc:
            raise click.ClickException(say("worker_died", lang, error=exc)) from exc
    if len(done) > 1 and not as_json:
        click.echo("\n" + batch_summary(done, lang))
    sys.exit(exit_code(verdicts))


BATCH = {
    "title": ("TỔNG HỢP {n} tệp", "SUMMARY of {n} files"),
    "attention": ("Cần xem lại ({n}):", "Need attention ({n}):"),
    "none": ("Mọi tệp đều hợp lệ.", "Every file is valid."),
}
_ORDER = ("VALID", "INVALID", "INDETERMINATE", "ERROR")


def batch_summary(results, lang: str) -> str:
    """What a batch comes to: a count per verdict, then each file that is not VALID with why."""
    from archive.textsafe import for_terminal
    from verifier.report import codes

    counts = {v: sum(r.verdict == v for r in results) for v in _ORDER}
    lines = ["=" * 72, codes.pick(BATCH["title"], lang).format(n=len(results)) + ": "
             + " · ".join(f"{codes.pick(codes.VERDICT_TEXT[v], lang)} {counts[v]}" for v in _ORDER if counts[v])]
    attention = [r for r in results if r.verdict != "VALID"]
    if not attention:
        lines.append(codes.pick(BATCH["none"], lang))
        return "\n".join(lines)
    lines.append(codes.pick(BATCH["attention"], lang).format(n=len(attention)))
    for r in sorted(attention, key=lambda r: _ORDER.index(r.verdict) if r.verdict in _ORDER else 9):
        lines.append(f"  - {for_terminal(r.path)} — {codes.pick(codes.VERDICT_TEXT[r.verdict], lang)}: {r.reason}")
    return "\n".join(lines)


def _verify_archived(refs, files, request, lang, as_json, details=False) -> int:
    from archive.cli.archive import open_archive
    from archive.ingest import reverify
    from archive import verify_pool
    from archive.db.queries import NotFound, find_document
    from archive.cli.failures import UsageFailure
    from archive.problems import StoredObjectError

    from archive.cli.words import say

    if files:
        raise click.UsageError(say("verify_both", lang))
    settings = load_settings()
    config = trust_config(settings, request)
    ocr_notice(config, lang)
    archive = open_archive(settings, config, reading=True)
    verdicts, unusable = [], 0
    for ref in refs:
        with archive.sessions() as s:
            try:
                doc_id = find_document(s, ref).id
            except NotFound as exc:
                raise UsageFailure(exc.args[0]) from exc
        try:
            report = reverify(archive, doc_id, trigger="verify")
        except StoredObjectError as exc:  # issue 18: this document's original; the others go on, exit 5 at the end
            unusable += 1
            click.echo(say("failure.error", lang, message=exc.text(lang)), err=True)
            continue
        verdicts.append(report.verdict)
        click.echo(verify_pool.render(report, lang, as_json, details))
    return EXIT_ARCHIVE if unusable else exit_code(verdicts)


class _plain:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False
