"""`kyso archive list` and `kyso archive search`: finding archived documents.

Thin: the filters become archive.db.queries.Filters (which fold every text the same way in
SQLite and PostgreSQL) and the rows are printed, as a table with a header row or one JSON line
per document. Both commands take the same filters and output options; `search` adds free text.
"""

from __future__ import annotations

import click

from archive.cli.options import DATE

_FILTERS = (
    click.option("--verdict", type=click.Choice(["VALID", "INVALID", "INDETERMINATE"], case_sensitive=False)),
    click.option("--signer"),
    click.option("--agency"),
    click.option("--type", "type_name"),
    click.option("--number"),
    click.option("--name"),
    click.option("--issued-from", type=DATE),
    click.option("--issued-to", type=DATE),
    click.option("--received-from", type=DATE),
    click.option("--received-to", type=DATE),
    click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True),
    click.option("--offset", type=click.IntRange(min=0), default=0),
    click.option("--json", "as_json", is_flag=True),
    click.option("--lang", type=click.Choice(["vi", "en"]), default=None),
)


def _filter_options(command):
    for option in reversed(_FILTERS):
        command = option(command)
    return command


@click.command("list")
@_filter_options
def list_cmd(**options):
    """List archived documents, newest first (help: archive.cli.words, "archive list")."""
    _find(None, **options)


@click.command("search")
@click.argument("text", nargs=-1, required=True)
@_filter_options
def search_cmd(text, **options):
    """Free-text search over number, subject, issuer and signers (help: archive.cli.words,
    "archive search")."""
    from archive.cli.words import say
    from archive.db.folded import folded
    from archive.lang import resolve

    words = " ".join(text)
    if not folded(words):  # only spaces or marks: it would list every document
        raise click.UsageError(say("search_no_words", resolve(options["lang"])))
    _find(words, **options)


def _find(text, verdict, signer, agency, type_name, number, name, issued_from, issued_to, received_from, received_to,
          limit, offset, as_json, lang) -> None:
    from archive.cli.archive import _which, open_archive
    from archive.db.limits import FilterError
    from archive.db.queries import Filters, document_summary, list_documents
    from archive.lang import resolve

    lang = resolve(lang)
    f = Filters(verdict=verdict, signer=signer, agency=agency, type_name=type_name, number=number,
                issued_from=issued_from, issued_to=issued_to, received_from=received_from, received_to=received_to,
                name=name, text=text)
    archive = open_archive(reading=True)
    with archive.sessions() as s:
        try:
            docs = list_documents(s, f, limit, offset)
        except FilterError as exc:
            raise click.UsageError(exc.text(lang)) from exc
        rows = [document_summary(s, d) for d in docs]
    _print(rows, as_json, lang, _which(archive))


def _print(rows: list[dict], as_json: bool, lang: str, which: dict) -> None:
    from archive.cli.words import say
    from archive.cli.words import verdict as verdict_word
    from archive.lang import local
    from archive.textsafe import for_terminal, json_line

    if as_json:
        for row in rows:
            click.echo(json_line({**row, "archive": which}))
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
