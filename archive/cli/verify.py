"""`kyso verify`: verify signed PDFs and print a report per file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cli.options import load_settings, ocr_notice, policy_option, trust_config, trust_options, trust_request

# Exit codes a script can rely on (README: Exit codes).
EXIT_OK, EXIT_INVALID, EXIT_INDETERMINATE, EXIT_UNREADABLE = 0, 1, 3, 4


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
@click.option("--archived", multiple=True, metavar="ID|SHA256", help="Re-verify an archived document and record the result.")
@trust_options
@policy_option
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True, help="Language of the report.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
@click.option("--details", is_flag=True, help="After the summary, the technical details: every layer in full, the findings with their codes.")
@click.option("--max-size", type=click.IntRange(min=1), default=200, show_default=True, help="Files over this many MB are refused unread.")
@click.option("--etsi", type=click.Path(path_type=Path), metavar="OUT.xml",
              help="Also write the ETSI TS 119 102-2 validation report (XML); with several files, OUT is a folder.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for several files (default: one per CPU core).")
@click.option("--report", "report_to", type=click.Path(path_type=Path), metavar="OUT.html|OUT.pdf|FOLDER",
              help="Also write an HTML or PDF report to print or attach (several files: a folder, one HTML report each).")
@click.option("--no-ocr", is_flag=True, help="Do not read scanned pages (no text layer) by OCR for the document's metadata.")
def verify(files, archived, trust, intermediate, crl, ocsp, online, no_trust_store, policy, lang, as_json, details, max_size,
           etsi, jobs, report_to, no_ocr):
    """Verify every signature layer of signed PDF FILES.

    Exit code: 0 all VALID, 1 any INVALID, 4 any file unreadable as a PDF,
    3 any INDETERMINATE (e.g. revocation unknown offline), 2 usage error.

    \b
    Examples:
      kyso verify samples/plan.pdf --trust samples/pki/trust.pem
      kyso verify --lang en --json incoming/*.pdf
      kyso verify --policy strict.toml samples/plan.pdf --trust samples/pki/trust.pem
      kyso verify --archived 12
      kyso verify samples/plan.pdf --trust samples/pki/trust.pem --report plan.pdf.html
      kyso verify samples/plan.pdf --trust samples/pki/trust.pem --etsi plan.etsi.xml
    """
    from archive import verify_pool
    from archive.cli import etsi_out
    from archive.cli.report import targets as report_targets
    from archive.cli.report import write as write_report

    if not files and not archived:
        raise click.UsageError("give PDF files to verify, or --archived ID|SHA256")
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy, ocr=not no_ocr)
    etsi_files = etsi_out.targets(list(files), etsi, bool(archived), lang)
    if archived:
        if report_to is not None:
            raise click.UsageError("--report is for files; for an archived document use 'kyso archive report ID'")
        sys.exit(_verify_archived(archived, files, request, lang, as_json, details))
    sheets = report_targets(list(files), report_to) if report_to is not None else [(None, None)] * len(files)
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
                    write_report(sheets[index][0], result.sheet)
                    click.echo(f"{sheets[index][0]}", err=True)
        except verify_pool.WorkerDied as exc:
            raise click.ClickException(f"{exc}; verify that file alone, or with --jobs 1") from exc
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

    if files:
        raise click.UsageError("give either files or --archived, not both")
    settings = load_settings()
    config = trust_config(settings, request)
    ocr_notice(config, lang)
    archive = open_archive(settings, config)
    verdicts = []
    for ref in refs:
        with archive.sessions() as s:
            try:
                doc_id = find_document(s, ref).id
            except NotFound as exc:
                raise click.ClickException(str(exc)) from exc
        report = reverify(archive, doc_id, trigger="verify")
        verdicts.append(report.verdict)
        click.echo(verify_pool.render(report, lang, as_json, details))
    return exit_code(verdicts)


class _plain:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False
