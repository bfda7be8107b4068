"""Opening the archive for a command: which one it is (said first on a terminal), that it is
there at all when the command only reads, that its schema is one this kyso can use, and every
problem on the way as one sentence with exit code 5 (archive.problems, archive.cli.failures).

A command that only reads never creates an archive: a mistyped KYSO_HOME would otherwise
answer "no documents match" from a new empty one.
"""

from __future__ import annotations

import logging

import click

from archive.cli import failures, terminal
from archive.cli.words import say
from archive.lang import active
from archive.problems import ArchiveProblem, engine_name, where
from verifier.report.codes import Phrase

log = logging.getLogger(__name__)


def describe(settings) -> dict:
    """The archive as JSON outputs name it (key "archive")."""
    return {"home": str(settings.home), "database": where(settings.database_url),
            "engine": engine_name(settings.database_url)}


def announce(settings) -> None:
    """'Archive: /path (SQLite)' on stderr, first, when a person is watching (not with -q)."""
    if not terminal.chatty():
        return
    url = settings.database_url
    place = str(settings.home) if url.startswith("sqlite") else where(url)
    click.echo(say("which_archive", active(), where=place, engine=engine_name(url)), err=True)


def open_archive(settings, trust=None, *, reading: bool = False, auditing: bool = False):
    """The archive.ingest.Archive of `settings`; with `reading`, one that must already exist
    (`auditing`: or whose database is gone, for `audit verify` to say so). Raises ArchiveProblem
    (exit 5) for whatever keeps it from being used."""
    from sqlalchemy.exc import SQLAlchemyError

    from archive.db.session import database_problem, set_wait_notice

    announce(settings)
    failures.opened(settings.database_url)
    set_wait_notice(_waiting)
    check_home(settings, reading, auditing)
    schema = None
    try:
        schema = _check_schema(settings, reading)
        from archive.ingest import Archive

        return Archive(settings, trust=trust)
    except ArchiveProblem:
        raise
    except SQLAlchemyError as exc:
        problem = database_problem(exc, settings.database_url)
        if schema is not None and schema[0] == "older" and (problem is None or problem.kind not in ("locked", "read-only")):
            from archive.db.session import schema_problem

            log.debug("upgrading the SQLite schema failed", exc_info=True)
            problem = schema_problem(settings.database_url, *schema)  # the upgrade itself failed: say what to run
        if problem is None:
            raise
        raise problem from exc
    except OSError as exc:
        raise _home_problem(settings, exc) from exc


def _waiting(place: str, limit: float) -> None:
    if not terminal.quiet:  # said even without a terminal: a script's log shows why it waited
        click.echo(say("lock_waiting", active(), where=place, seconds=f"{limit:.0f}"), err=True)


def check_home(settings, reading: bool = False, auditing: bool = False) -> None:
    home = settings.home
    if home.exists() and not home.is_dir():
        raise ArchiveProblem(Phrase(
            f"KYSO_HOME {home} là một tệp, không phải thư mục; hãy cho KYSO_HOME trỏ tới thư mục của kho lưu trữ",
            f"KYSO_HOME {home} is a file, not a folder; point KYSO_HOME at the archive's folder"), "home-is-file")
    if not reading:
        return
    db = settings.database_file()
    if db is not None and not db.exists() and settings.audit_head.exists():
        if auditing:  # the archive was here and its database is gone: what `audit verify` must say (exit 1)
            return
        raise ArchiveProblem(Phrase(
            f"cơ sở dữ liệu {db} của kho lưu trữ {home} không còn, dù đầu chuỗi nhật ký vẫn còn; hãy chạy "
            "'kyso audit verify' và khôi phục cơ sở dữ liệu từ bản sao lưu",
            f"the database {db} of the archive at {home} is gone, though its audit chain head is there; run "
            "'kyso audit verify' and restore the database from a backup"), "database-missing")
    if db is not None and not db.exists():
        raise ArchiveProblem(Phrase(
            f"không có kho lưu trữ nào ở {home} (chưa có {db.name}); hãy kiểm tra KYSO_HOME, hoặc tạo kho bằng "
            "'kyso ingest TỆP' (hay 'kyso demo' để thử)",
            f"there is no archive at {home} (no {db.name}); check KYSO_HOME, or create one with 'kyso ingest FILE' "
            "(or 'kyso demo' to try it)"), "missing")


def _check_schema(settings, reading: bool):
    """A server database is upgraded on purpose (`kyso db upgrade`); the embedded SQLite one
    upgrades itself (archive.ingest.Archive) unless it is from a newer kyso, or cannot."""
    from archive.db.session import make_engine, schema_problem, schema_state

    url = settings.database_url
    if url.startswith("sqlite") and not (settings.database_file() and settings.database_file().exists()):
        return None  # a new SQLite archive, made by a command that writes
    engine = make_engine(url)
    try:
        state, current, newest = schema_state(engine)
    finally:
        engine.dispose()
    if state == "empty" and reading:
        raise ArchiveProblem(Phrase(
            f"cơ sở dữ liệu {where(url)} chưa có kho lưu trữ nào; hãy kiểm tra KYSO_DATABASE_URL, hoặc tạo kho bằng "
            "'kyso db upgrade' rồi 'kyso ingest TỆP'",
            f"the database {where(url)} holds no archive yet; check KYSO_DATABASE_URL, or create one with "
            "'kyso db upgrade' and then 'kyso ingest FILE'"), "missing")
    if state in ("unknown", "unversioned") or (state == "older" and not url.startswith("sqlite")):
        raise schema_problem(url, state, current, newest)
    return state, current, newest


def _home_problem(settings, exc: OSError) -> ArchiveProblem:
    from verifier.report.phrased import os_reason

    reason = os_reason(exc)
    path = exc.filename or settings.home
    return ArchiveProblem(Phrase(
        f"không dùng được thư mục kho lưu trữ {path}: {reason.vi}; hãy kiểm tra KYSO_HOME và quyền ghi thư mục đó",
        f"cannot use the archive folder {path}: {reason.en}; check KYSO_HOME and write access to it"), "home")
