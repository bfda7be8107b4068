"""`kyso ingest` and `kyso watch`: files into the archive. Thin: they read options, walk the
files (archive.cli.paths), call the pipeline (archive.ingest) and say what became of each file
(archive.intake.outcomes): one line per file, a summary at the end.

Exit codes (README): 0 every PDF archived (whatever its verdict; files that are not PDFs found in
a folder are left where they are and only counted); 4 some input could not be archived
(quarantined, failed and left to retry, a named file that is not a PDF or cannot be read);
2 usage; 130 Ctrl-C, after saying what was done.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import click

from archive.cli.failures import EXIT_INTERRUPTED, EXIT_OK, EXIT_UNREADABLE
from archive.cli.options import ocr_notice, policy_option, trust_config, trust_options, trust_request
from archive.cli.options import load_settings as _settings
from archive.cli.words import say
from archive.lang import resolve

_LANG = click.option("--lang", type=click.Choice(["vi", "en"]), default=None)
log = logging.getLogger(__name__)


def echo_outcome(outcome, as_json: bool, lang: str) -> None:
    """One line per file (archive.intake.outcomes): an event in JSON, else the clerk's line."""
    from archive.intake.outcomes import event, line
    from archive.textsafe import json_line

    click.echo(json_line(event(outcome, lang)) if as_json else line(outcome, lang))


def _items(args: tuple[str, ...]):
    """(item, found in a folder) for every path the arguments name, lazily; system files found
    in folders (Thumbs.db, desktop.ini, ~$ lock files) are not even mentioned."""
    from archive.cli.paths import STDIN, walk
    from archive.intake.kinds import is_system

    for arg in args:
        found = arg != STDIN and Path(arg).is_dir()
        for item in walk([arg], links=False):
            if found and is_system(item.path.name):
                continue
            yield item, found


def _stop_on_first_interrupt(lang: str):
    """The first Ctrl-C lets the file being archived finish (its claim would otherwise wait for
    the next run) and stops before the next; a second one stops at once."""
    state = {"stop": False}

    def on_sigint(_signo, _frame):
        state["stop"] = True
        click.echo(say("ingest_stopping", lang), err=True)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    try:
        previous = signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread (a test runner): Ctrl-C stops at once
        previous = None
    return state, previous


@click.command()
@click.argument("paths", nargs=-1, required=True)
@trust_options
@policy_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-ocr", is_flag=True)
@_LANG
def ingest(paths, trust, intermediate, crl, ocsp, online, no_trust_store, policy, as_json, no_ocr, lang):
    """Verify and archive PDF files or folders (help: archive.cli.words, "ingest")."""
    from archive.cli.archive import open_archive
    from archive.cli.paths import count
    from archive.cli.progress import Progress, shown
    from archive.intake.inbox import ProcessingArea
    from archive.intake.outcomes import Tally
    from archive.textsafe import json_line

    lang = resolve(lang)
    settings = _settings()
    request = trust_request(trust, intermediate, crl, ocsp, online, no_trust_store, policy, ocr=not no_ocr)
    config = trust_config(settings, request)
    ocr_notice(config, lang)
    archive = open_archive(settings, config)
    archive.lang, archive.via = lang, "ingest"
    area = ProcessingArea(settings.home / "processing")
    tally, refused = Tally(), 0  # refused: named files that are not PDFs or cannot be read

    def settled(outcome, progress) -> None:
        tally.add(outcome)
        with progress.paused():
            echo_outcome(outcome, as_json, lang)
        progress.done()

    state, previous = _stop_on_first_interrupt(lang)
    total = count(paths, links=False) if shown() else None
    interrupted = False
    try:
        with Progress(total, "kyso ingest", lang) as progress:
            # claims a killed run left behind (its files are settled first, once)
            for claim in area.orphans(settings.claim_timeout):
                progress.start(claim.name_nfc)
                settled(_settle(archive, area, claim, claim.name_nfc), progress)
            for item, found in _items(paths):
                if state["stop"]:
                    interrupted = True
                    break
                progress.start(item.name)
                outcome = _one(archive, area, item)
                if outcome.kind == "skipped" and not found:
                    refused += 1  # the user named this one: not archiving it is an answer, not silence
                settled(outcome, progress)
    except KeyboardInterrupt:  # the second Ctrl-C: the file in hand stays claimed for the next run
        interrupted = True
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    left = (total - tally.total) if (interrupted and total is not None) else None
    if as_json:
        click.echo(json_line(tally.summary_event(settings.quarantine, interrupted=interrupted, left=left)))
    else:
        for text in tally.summary_lines(lang, settings.quarantine, interrupted=interrupted, left=left):
            click.echo(text, err=True)
    if interrupted:
        sys.exit(EXIT_INTERRUPTED)
    # a file set aside in quarantine is unreadable input to a script (README: Exit codes)
    sys.exit(EXIT_UNREADABLE if tally.not_archived or refused else EXIT_OK)


def _one(archive, area, item):
    """What became of one file of the batch: read only far enough to tell a PDF, then archived,
    quarantined, or left where it is."""
    from archive.ingest import Outcome
    from archive.intake.kinds import Left
    from verifier.report.codes import Phrase
    from verifier.report.phrased import os_reason

    if item.error is None:
        try:
            claim = area.copy_in(item.path, item.name, f"ingest:{item.path.absolute()}")
        except OSError as exc:  # unreadable, vanished, not a regular file: this file, not the run
            error = exc
        else:
            if isinstance(claim, Left):
                return Outcome("skipped", claim.name, reason=claim.reason)
            return _settle(archive, area, claim, item.name)
    else:
        error = item.error
    why = os_reason(error)
    return Outcome("failed", item.name, reason=Phrase(say("cannot_read_file", "vi", error=why.vi),
                                                       say("cannot_read_file", "en", error=why.en)))


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
        log.error("%s", say_phrase(Phrase(f"lưu trữ {name} không thành công: {reason}",
                                          f"archiving {name} failed: {reason}"), archive.lang))
        try:
            return archive.quarantine(claim, area, Phrase(say("could_not_archive", "vi", error=reason),
                                                          say("could_not_archive", "en", error=reason)))
        except (SQLAlchemyError, OSError):  # the claim stays in processing/ and is retried next run
            return Outcome("failed", name, reason=reason)


def say_phrase(phrase, lang: str) -> str:
    from verifier.report.codes import say as text

    return text(phrase, lang)


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

    from archive.cli.archive import open_archive
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
        sys.exit(EXIT_UNREADABLE if status.tally.not_archived else EXIT_OK)
