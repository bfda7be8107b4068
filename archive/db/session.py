"""Database engines, sessions and schema upgrades.

SQLite (the default) runs in WAL mode with a busy timeout, and every transaction takes the write
lock at BEGIN, so several worker processes serialise cleanly instead of failing on lock
upgrades. PostgreSQL (postgresql+psycopg://…) is for several workers on several machines.

A lock held by another process is waited for in steps of LOCK_STEP seconds: after the first step
whoever installed a notice (set_wait_notice: the command line) says that kyso is waiting, and
after KYSO_LOCK_WAIT seconds (default 30) it gives up with an ArchiveProblem instead of hanging.
Database errors become ArchiveProblems in one place (database_problem), so no command shows
SQLAlchemy's text alone.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from archive.problems import ArchiveProblem, where
from verifier.report.codes import Phrase

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision of MIGRATIONS, named here so that opening an archive imports no Alembic
# (0.2 s of every command's start-up, most of it Mako and Pygments); tests/test_schema_revision.py
# holds it to Alembic's own head, so a new migration cannot be forgotten here.
SCHEMA_HEAD = "0007"
VERSION_TABLE = "alembic_version"  # Alembic's default, which migrations/env.py keeps
LOCK_STEP = 2.0  # seconds SQLite waits for a lock before kyso says it is waiting
LOCK_WAIT = 30.0  # seconds in all before it gives up (KYSO_LOCK_WAIT)

_wait_notice: Callable[[str, float], None] | None = None


def utc(value):
    """A datetime read back from a timezone-aware column, as UTC: SQLite returns it without its zone."""
    from datetime import timezone

    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def set_wait_notice(notice: Callable[[str, float], None] | None) -> None:
    """`notice(where, limit)` is called once per wait for a lock, after LOCK_STEP seconds."""
    global _wait_notice
    _wait_notice = notice


def lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get("KYSO_LOCK_WAIT", LOCK_WAIT)))
    except ValueError:
        return LOCK_WAIT


def _is_lock(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


def _begin_immediate(conn, url: str) -> None:
    """BEGIN IMMEDIATE, waiting for another process's lock in steps, then giving up clearly."""
    from sqlalchemy.exc import OperationalError

    limit = lock_wait()
    deadline = time.monotonic() + limit
    told = False
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if not _is_lock(exc):
                raise
            if time.monotonic() >= deadline:
                raise locked(url, limit) from exc
            if not told and _wait_notice is not None:
                _wait_notice(where(url), limit)
            told = True


def _set_wal(cur, url: str) -> None:
    """PRAGMA journal_mode=WAL, retried: while another connection opens or recovers the WAL,
    SQLite answers it "database is locked" at once, without calling the busy handler, so
    several workers starting together on one archive would otherwise fail at random."""
    import sqlite3

    limit = lock_wait()
    deadline = time.monotonic() + limit
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _is_lock(exc):
                raise
            if time.monotonic() >= deadline:
                raise locked(url, limit) from exc
            time.sleep(0.05)


def locked(url: str, waited: float) -> ArchiveProblem:
    place = where(url)
    return ArchiveProblem(Phrase(
        f"cơ sở dữ liệu của kho lưu trữ {place} đang bị một tiến trình khác khóa (đã chờ {waited:.0f} giây); "
        "hãy đợi tiến trình kyso kia (ví dụ 'kyso watch' hay 'kyso ingest') xong rồi chạy lại",
        f"the archive database {place} is locked by another process (waited {waited:.0f} s); wait for the other "
        "kyso (e.g. 'kyso watch' or 'kyso ingest') to finish, then run this again"), "locked")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        step_ms = int(LOCK_STEP * 1000)
        engine = create_engine(url, connect_args={"timeout": LOCK_STEP, "isolation_level": None})

        @event.listens_for(engine, "connect")
        def _sqlite_setup(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={step_ms}")
            _set_wal(cur, url)
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            _begin_immediate(conn, url)

        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10} if "psycopg" in url else {})


def sessions(engine: Engine, audit_head: Path | None = None) -> sessionmaker[Session]:
    """Sessions of the archive; with `audit_head`, each commit that appended events moves the
    chain head file there forward (archive.db.events)."""
    info = {"audit_head": str(audit_head)} if audit_head is not None else {}
    return sessionmaker(engine, expire_on_commit=False, info=info)


@contextmanager
def transaction(factory: sessionmaker[Session]):
    with factory() as session:
        with session.begin():
            yield session


def alembic_config(connection=None):
    """Alembic's configuration of MIGRATIONS, run on `connection` when one is given."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migration_scripts():
    """Alembic's ScriptDirectory of MIGRATIONS (imports Alembic: the rare paths only)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision; returns it."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return migration_scripts().get_current_head()


def head_revision() -> str:
    """The newest schema revision this kyso knows."""
    return SCHEMA_HEAD


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision as Alembic records it (None: no version table, or an
    empty one), read with one query; a table holding several heads is left to Alembic, which
    refuses it as before."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) <= 1:
        return rows[0] if rows else None
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def schema_state(engine: Engine) -> tuple[str, str | None, str]:
    """('empty' | 'current' | 'older' | 'unknown' | 'unversioned', the database's revision, this
    kyso's newest): 'unknown' is a revision this kyso does not know (made by a newer kyso)."""
    newest = head_revision()
    if is_empty(engine):
        return "empty", None, newest
    current = current_revision(engine)
    if current is None:
        return "unversioned", None, newest
    if current == newest:
        return "current", current, newest
    known = {rev.revision for rev in migration_scripts().walk_revisions()}
    return ("older" if current in known else "unknown"), current, newest


def schema_problem(url: str, state: str, current: str | None, newest: str) -> ArchiveProblem:
    place = where(url)
    if state == "unknown":
        return ArchiveProblem(Phrase(
            f"cơ sở dữ liệu của kho lưu trữ {place} ở phiên bản lược đồ {current}, do một kyso mới hơn tạo ra; "
            f"hãy cập nhật kyso (phiên bản này chỉ biết đến {newest})",
            f"the archive database {place} is at schema revision {current}, made by a newer kyso; update kyso "
            f"(this one knows revisions up to {newest})"), "schema-newer")
    if state == "unversioned":
        return ArchiveProblem(Phrase(
            f"cơ sở dữ liệu {place} có bảng nhưng không có phiên bản lược đồ của kyso; hãy kiểm tra KYSO_DATABASE_URL "
            "có trỏ đúng cơ sở dữ liệu của kho lưu trữ không, rồi chạy 'kyso db upgrade'",
            f"the database {place} has tables but no kyso schema revision; check that KYSO_DATABASE_URL names the "
            "archive's database, then run 'kyso db upgrade'"), "schema-unversioned")
    return ArchiveProblem(Phrase(
        f"cơ sở dữ liệu của kho lưu trữ {place} ở phiên bản lược đồ {current}, kyso này cần {newest}; "
        "hãy chạy 'kyso db upgrade' (sao lưu cơ sở dữ liệu trước)",
        f"the archive database {place} is at schema revision {current}, this kyso needs {newest}; "
        "run 'kyso db upgrade' (back the database up first)"), "schema-old")


def database_problem(exc: BaseException, url: str) -> ArchiveProblem | None:
    """The ArchiveProblem a database error means, in words; None when it is not one we know
    (the caller decides: an internal error)."""
    from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

    if isinstance(exc, ArchiveProblem):
        return exc
    if not isinstance(exc, DBAPIError):
        return None
    place = where(url)
    text = str(getattr(exc, "orig", exc)).lower()
    first = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(getattr(exc, "orig", exc)).strip() else ""
    if _is_lock(exc):
        return locked(url, lock_wait())
    if "readonly database" in text or "read-only" in text or "read only" in text:
        return ArchiveProblem(Phrase(
            f"không ghi được vào cơ sở dữ liệu của kho lưu trữ {place} (chỉ cho đọc); kyso cần quyền ghi cả khi chỉ đọc "
            "kho: hãy chạy kyso bằng tài khoản sở hữu kho, hoặc xin quyền ghi thư mục KYSO_HOME",
            f"the archive database {place} cannot be written (read-only); kyso needs write access even to read it: "
            "run kyso as the archive's owner, or get write access to the KYSO_HOME folder"), "read-only")
    if "unable to open database file" in text:
        return ArchiveProblem(Phrase(
            f"không mở được tệp cơ sở dữ liệu {place}: thư mục không tồn tại hoặc không ghi được; hãy kiểm tra "
            "KYSO_HOME và quyền ghi thư mục đó (kyso cần ghi cả khi chỉ đọc kho)",
            f"cannot open the database file {place}: its folder does not exist or cannot be written; check KYSO_HOME "
            "and write access to it (kyso writes even to read the archive)"), "cannot-open")
    if "file is not a database" in text or "malformed" in text:
        return ArchiveProblem(Phrase(
            f"{place} không phải là cơ sở dữ liệu SQLite dùng được (hỏng hoặc là tệp khác); hãy khôi phục nó từ bản sao lưu",
            f"{place} is not a usable SQLite database (damaged, or another kind of file); restore it from a backup"),
            "damaged")
    if isinstance(exc, (OperationalError, ProgrammingError)) and ("no such column" in text or "no such table" in text
                                                                  or "does not exist" in text and "relation" in text
                                                                  or "column" in text and "does not exist" in text):
        return ArchiveProblem(Phrase(
            f"cơ sở dữ liệu của kho lưu trữ {place} thiếu bảng hoặc cột mà kyso này cần; hãy chạy 'kyso db upgrade'",
            f"the archive database {place} lacks tables or columns this kyso needs; run 'kyso db upgrade'"),
            "schema-old")
    if isinstance(exc, OperationalError) and not url.startswith("sqlite"):
        return ArchiveProblem(Phrase(
            f"không kết nối được tới cơ sở dữ liệu của kho lưu trữ {place} ({first}); hãy kiểm tra KYSO_DATABASE_URL "
            "(hoặc database_url trong kyso.toml) và máy chủ cơ sở dữ liệu có đang chạy không",
            f"cannot reach the archive database {place} ({first}); check KYSO_DATABASE_URL (or database_url in "
            "kyso.toml) and that the database server is running"), "unreachable")
    if isinstance(exc, OperationalError):
        return ArchiveProblem(Phrase(
            f"cơ sở dữ liệu của kho lưu trữ {place} báo lỗi ({first}); hãy chạy 'kyso archive fixity' và xem nhật ký với 'kyso -v'",
            f"the archive database {place} failed ({first}); run 'kyso archive fixity' and see the log with 'kyso -v'"),
            "database")
    return None
