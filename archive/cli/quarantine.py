"""`kyso quarantine list|show|release`: the files set aside, why, and putting one back for another
try. Thin: the folder is the truth (what is there now, each beside its reason file), read by
archive.intake.quarantined. A release is an event of the audit chain ("released", by "cli"), as
one from the console or the API is (by the account).

Exit codes: 0 done; 2 usage (no such entry, a name already taken where it would go, a target
inside the archive's own data, an entry that holds no file to put back); 5 the archive's database
cannot record the release (the file stays in quarantine).
"""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.options import SetupError
from archive.cli.options import load_settings as _settings
from archive.cli.words import say
from archive.lang import resolve

_LANG = click.option("--lang", type=click.Choice(["vi", "en"]), default=None)


@click.group("quarantine")
def quarantine_group():
    """Files set aside by ingest and watch (help: archive.cli.words, "quarantine")."""


def _find(settings, ref: str, lang: str):
    from archive.intake.quarantined import Ambiguous, NoEntry, find

    try:
        return find(settings.quarantine, ref)
    except NoEntry as exc:
        raise SetupError(say("quarantine_unknown", lang, ref=exc.ref)) from exc
    except Ambiguous as exc:
        raise SetupError(say("quarantine_ambiguous", lang, ref=exc.ref, count=exc.count)) from exc


@quarantine_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@_LANG
def list_cmd(as_json, lang):
    """List quarantined files (help: archive.cli.words, "quarantine list")."""
    from archive.intake.quarantined import entries
    from archive.lang import local
    from archive.textsafe import for_terminal, json_line

    lang = resolve(lang)
    settings = _settings()
    found = 0
    for entry in entries(settings.quarantine):
        if not found and not as_json:
            head = dict(zip(("id", "at", "file", "reason"), say("quarantine_columns", lang)))
            click.echo(say("quarantine_row", lang, **head))
        found += 1
        if as_json:
            click.echo(json_line(entry.to_dict()))
        else:
            click.echo(say("quarantine_row", lang, id=entry.short_id, at=local(entry.at), file=for_terminal(entry.file),
                           reason=for_terminal(entry.reason)))
    if not as_json:
        if found:
            click.echo(say("local_time_note", lang))
        click.echo(say("quarantine_total", lang, count=found, path=for_terminal(str(settings.quarantine))))


@quarantine_group.command("show")
@click.argument("ref", metavar="ID")
@click.option("--json", "as_json", is_flag=True)
@_LANG
def show_cmd(ref, as_json, lang):
    """Show why one file was quarantined (help: archive.cli.words, "quarantine show")."""
    from archive.textsafe import for_terminal, json_line

    lang = resolve(lang)
    entry = _find(_settings(), ref, lang)
    if as_json:
        click.echo(json_line({**entry.to_dict(), "reason_text": entry.text}))
        return
    for text in entry.text.splitlines():  # the values were escaped when written; a line stays a line
        click.echo(for_terminal(text))
    where = str(entry.kept) if entry.kept is not None else say("quarantine_nothing_kept_short", lang)
    click.echo(say("quarantine_kept_at", lang, path=for_terminal(where)))
    click.echo(say("quarantine_release_hint", lang, id=entry.short_id))


@quarantine_group.command("release")
@click.argument("ref", metavar="ID")
@click.option("--to", "to", type=click.Path(file_okay=False, path_type=Path))
@_LANG
def release_cmd(ref, to, lang):
    """Put a quarantined file back for another try (help: archive.cli.words, "quarantine release")."""
    from archive.cli.archive_open import open_archive
    from archive.config import InboxOverlap, check_inbox
    from archive.intake.quarantined import Clash, NotAFile, release_recorded
    from archive.textsafe import for_terminal

    lang = resolve(lang)
    settings = _settings()
    entry = _find(settings, ref, lang)
    target = (to or settings.default_inbox).absolute()
    try:
        check_inbox(settings, target)  # never into the archive's own data
    except InboxOverlap as exc:
        raise SetupError(exc.message(lang)) from exc
    if not target.is_dir():
        raise SetupError(say("quarantine_no_folder", lang, path=for_terminal(str(target))))
    archive = open_archive(settings, reading=True)  # the release is written to its audit chain
    try:
        placed = release_recorded(archive, entry, target, by="cli")
    except Clash as exc:
        raise SetupError(say("quarantine_clash", lang, path=for_terminal(str(exc.path)))) from exc
    except NotAFile as exc:
        raise SetupError(say("quarantine_not_file", lang, id=entry.short_id)) from exc
    click.echo(say("quarantine_released", lang, file=for_terminal(entry.file), path=for_terminal(str(placed))))
