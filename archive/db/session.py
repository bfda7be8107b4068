"""Database engines, sessions and schema upgrades.

SQLite (the default) runs in WAL mode with a busy timeout, and every transaction takes the write
lock at BEGIN, so several worker processes serialise cleanly instead of failing on lock
upgrades. PostgreSQL (postgresql+psycopg://…) is for several workers on several machines.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "isolation_level": None})

        @event.listens_for(engine, "connect")
        def _sqlite_setup(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


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


def alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision; returns it."""
    from alembic import command
    from alembic.script import ScriptDirectory

    with engine.begin() as conn:
        cfg = alembic_config(conn)
        command.upgrade(cfg, "head")
        return ScriptDirectory.from_config(cfg).get_current_head()


def head_revision() -> str:
    """The newest schema revision this kyso knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()
