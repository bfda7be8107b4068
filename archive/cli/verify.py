"""`kyso verify`: verify signed PDFs and print a report per file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cli.options import load_settings, policy_option, trust_config, trust_options, trust_request

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
@click.option("--archived", multiple=True, metavar="ID|SHA256")
@trust_options
@policy_option
@click.option("--lang", type=click.Choice(["vi", "en"]), default=None)  # None: the group's, KYSO_LANG, vi
@click.option("--json", "as_json", is_flag=True)
@click.option("--max-size", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def verify(files, archived, trust, intermediate, crl, ocsp, online, no_trust_store, policy, lang, as_json, max_size, jobs):
    """Verify every signature layer of signed PDF FILES (help: archive.cli.words, "verify")."""
    from archive import verify_pool
    from archive.cli.words import say
    from archive.lang import resolve

    lang = resolve(lang)
    if not files and not archived:
        raise click.UsageError(say("verify_nothing", lang))
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy)
    if archived:
        sys.exit(_verify_archived(archived, files, request, lang, as_json))
    config = trust_config(load_settings(), request)
    jobs_ = [verify_pool.Job(path, max_size * 1024 * 1024, lang, as_json) for path in files]
    workers = jobs or verify_pool.default_workers(len(files))
    verdicts = []
    show_bar = len(files) > 1 and sys.stderr.isatty()
    results = verify_pool.results(jobs_, config, workers)
    with click.progressbar(results, length=len(files), label="kyso verify", file=sys.stderr) if show_bar else _plain(results) as items:
        try:
            for index, result in enumerate(items):
                if result.verdict is None:
                    raise click.UsageError(result.error)
                verdicts.append(result.verdict)
                if index and not as_json:
                    click.echo("\n" + "=" * 72 + "\n")
                click.echo(result.text)
        except verify_pool.WorkerDied as exc:
            raise click.ClickException(say("worker_died", lang, error=exc)) from exc
    sys.exit(exit_code(verdicts))


def _verify_archived(refs, files, request, lang, as_json) -> int:
    from archive.cli.archive import open_archive
    from archive.ingest import reverify
    from archive import verify_pool
    from archive.db.queries import NotFound, find_document

    from archive.cli.words import say

    if files:
        raise click.UsageError(say("verify_both", lang))
    settings = load_settings()
    archive = open_archive(settings, trust_config(settings, request))
    verdicts = []
    for ref in refs:
        with archive.sessions() as s:
            try:
                doc_id = find_document(s, ref).id
            except NotFound as exc:
                raise click.ClickException(exc.text(lang)) from exc
        report = reverify(archive, doc_id, trigger="verify")
        verdicts.append(report.verdict)
        click.echo(verify_pool.render(report, lang, as_json))
    return exit_code(verdicts)


class _plain:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False
