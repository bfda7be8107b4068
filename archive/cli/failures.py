"""How every `kyso` command ends when something goes wrong: one sentence saying what happened
and what to do next, in the reader's language, and an exit code that says what kind of outcome
it was (README: Exit codes). Never a traceback: that goes to a log file, and to stderr with -v.

Exit codes, for every command:

    0 VALID / all done          1 INVALID, or a proven problem (fixity, audit)
    2 usage error               3 INDETERMINATE
    4 unreadable input          5 archive problem (database, stored objects)
    6 internal error (a bug)    130 interrupted (Ctrl-C), after saying what was done

For commands handling several items (the API intake18 and batch18 use):

    from archive.cli import failures
    with failures.so_far(lambda lang: say("…", lang, done=n, total=N)):
        for item in items: ...

`so_far(describe)`: while the block runs, Ctrl-C ends the command with exit 130 after the
line "Interrupted (Ctrl-C): <describe(lang)>". `describe` is called only then, so it reads the
counters as they stand. A command may also catch KeyboardInterrupt itself, say what it did,
and `sys.exit(failures.EXIT_INTERRUPTED)`.

`Failure(Phrase, code)` is a click exception with a sentence in both languages and one of the
codes above; `ArchiveFailure`, `UsageFailure`, `UnreadableFailure` fix the code.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable

import click

from archive.cli.words import say
from verifier.report.codes import Phrase

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INDETERMINATE = 0, 1, 2, 3
EXIT_UNREADABLE, EXIT_ARCHIVE, EXIT_INTERNAL, EXIT_INTERRUPTED = 4, 5, 6, 130

_so_far: list[Callable[[str], str]] = []
_interrupted_in: list[Callable[[str], str]] = []  # the blocks an interrupt went through, innermost first
_archive_url: list[str] = []  # the database of the archive the command opened (database errors name it)


class Failure(click.ClickException):
    """A sentence (a codes.Phrase, or a str already in the reader's language) and an exit code."""

    def __init__(self, message: "Phrase | str", exit_code: int):
        self.phrase = message if isinstance(message, Phrase) else Phrase(str(message), str(message))
        self.exit_code = exit_code
        super().__init__(self.phrase.en)

    def format_message(self) -> str:
        from archive.lang import active

        return self.phrase.text(active())


class UsageFailure(Failure):
    def __init__(self, message):
        super().__init__(message, EXIT_USAGE)


class UnreadableFailure(Failure):
    def __init__(self, message):
        super().__init__(message, EXIT_UNREADABLE)


class ArchiveFailure(Failure):
    def __init__(self, message):
        super().__init__(message, EXIT_ARCHIVE)


@contextmanager
def so_far(describe: Callable[[str], str]):
    """While the block runs, an interrupt says `describe(lang)` before kyso exits 130."""
    _so_far.append(describe)
    try:
        yield
    except KeyboardInterrupt:  # kept past the block: the interrupt is said after it has unwound
        _interrupted_in.append(describe)
        raise
    finally:
        _so_far.remove(describe)


def opened(url: str) -> None:
    """The archive the command works on (archive.cli.archive_open), for database errors met later."""
    _archive_url[:] = [url]


# -- the end of a command ---------------------------------------------------------------------

def run(invoke: Callable[[], object]):
    """Run the command (click's main in non-standalone mode) and end the process with the exit
    code its outcome means; every exception becomes one sentence."""
    try:
        rv = invoke()
    except SystemExit:
        raise
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt) as exc:
        _interrupted(exc)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the one place where every failure is turned into a sentence
        code, message = explain(exc)
        _say(message)
        sys.exit(code)
    sys.exit(rv if isinstance(rv, int) else EXIT_OK)


def explain(exc: BaseException) -> tuple[int, str]:
    """(exit code, the reader's sentence) for an exception that escaped a command."""
    from archive.lang import active
    from archive.problems import ArchiveProblem
    from verifier.report.phrased import PhrasedError, os_reason

    lang = active()
    if isinstance(exc, ArchiveProblem):
        _log_cause(exc)
        return EXIT_ARCHIVE, exc.text(lang)
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, SQLAlchemyError):
        from archive.db.session import database_problem

        problem = database_problem(exc, _archive_url[0] if _archive_url else _settings_url())
        if problem is not None:
            _log_cause(exc)
            return EXIT_ARCHIVE, problem.text(lang)
    if isinstance(exc, OSError) and exc.filename is not None:
        _log_cause(exc)
        code = EXIT_ARCHIVE if _in_archive(exc.filename) else EXIT_USAGE
        from archive.textsafe import for_terminal

        return code, say("failure.os", lang, path=for_terminal(str(exc.filename)), reason=os_reason(exc).text(lang))
    if isinstance(exc, PhrasedError):  # a library's sentence that no command caught: said, and logged as a bug
        log = _write_log(exc)
        return EXIT_INTERNAL, say("failure.details_in", lang, error=exc.text(lang), log=log)
    log = _write_log(exc)
    first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    error = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return EXIT_INTERNAL, say("failure.internal", lang, error=error, log=log)


def _interrupted(exc: BaseException) -> None:
    from archive.lang import active

    lang = active()
    said = []
    for describe in [*_interrupted_in, *reversed(_so_far)]:
        try:
            said.append(describe(lang))
        except Exception:  # noqa: BLE001 - a broken description must not hide the interrupt
            continue
    text = "; ".join(s for s in said if s) or say("failure.nothing_said", lang)
    click.echo(say("failure.interrupted", lang, done=text), err=True)
    sys.exit(EXIT_INTERRUPTED)


def _say(message: str) -> None:
    from archive.lang import active

    click.echo(say("failure.error", active(), message=message), err=True)


def _settings_url() -> str:
    try:
        from archive.config import load_settings

        return load_settings().database_url
    except Exception:  # noqa: BLE001 - only used to name the database in a sentence
        return "?"


def _in_archive(filename) -> bool:
    from pathlib import Path

    try:
        from archive.config import kyso_home

        return Path(str(filename)).absolute().is_relative_to(kyso_home())
    except Exception:  # noqa: BLE001
        return False


def _log_cause(exc: BaseException) -> None:
    """With -v, the exception behind a sentence (SQLAlchemy's own text, the traceback)."""
    from archive.cli import terminal

    if terminal.verbose:
        import traceback

        click.echo("".join(traceback.format_exception(exc)).rstrip(), err=True)


def _write_log(exc: BaseException) -> str:
    """The traceback written to a log file (and shown with -v); the file's path, or '-v'."""
    import os
    import tempfile
    import time
    import traceback

    from archive.cli import terminal

    text = "".join(traceback.format_exception(exc))
    if terminal.verbose:
        click.echo(text.rstrip(), err=True)
    argv = " ".join(sys.argv)
    try:
        fd, path = tempfile.mkstemp(prefix=f"kyso-error-{time.strftime('%Y%m%d-%H%M%S')}-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"kyso {_version()}\n{argv}\n\n{text}")
        return path
    except OSError:
        return "'kyso -v'"


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("kyso")
    except Exception:  # noqa: BLE001
        return "?"
