"""Opening an archive reads its schema revision without Alembic (archive.db.session): the answer
must be Alembic's own in every state a database can be in, and the newest revision named in
session.SCHEMA_HEAD must be the head of the migrations."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from tests.conftest import ROOT


def _alembic_current(engine):
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_the_head_named_is_alembics_head():
    from archive.db.session import head_revision, migration_scripts

    assert head_revision() == migration_scripts().get_current_head()


def test_the_revision_read_is_alembics_in_every_state(database_url):
    from alembic import command

    from archive.db.session import SCHEMA_HEAD, alembic_config, current_revision, make_engine, schema_state

    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None is _alembic_current(engine)  # empty
        assert schema_state(engine)[0] == "empty"
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0003")
        assert current_revision(engine) == "0003" == _alembic_current(engine)
        assert schema_state(engine) == ("older", "0003", SCHEMA_HEAD)
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        assert current_revision(engine) == SCHEMA_HEAD == _alembic_current(engine)
        assert schema_state(engine) == ("current", SCHEMA_HEAD, SCHEMA_HEAD)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        assert current_revision(engine) == "9999" == _alembic_current(engine)
        assert schema_state(engine) == ("unknown", "9999", SCHEMA_HEAD)  # made by a newer kyso
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0002')"))
        with pytest.raises(Exception, match="more than one head"):  # Alembic's refusal, kept
            current_revision(engine)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
        assert current_revision(engine) is None is _alembic_current(engine)
        assert schema_state(engine)[0] == "unversioned"
    finally:
        engine.dispose()


def test_a_command_on_an_archive_at_the_head_imports_no_alembic(tmp_path):
    env = {"KYSO_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "KYSO_LANG": "en"}
    first = subprocess.run([sys.executable, "-m", "archive", "db", "upgrade"], capture_output=True, text=True,
                           env=env, cwd=ROOT, timeout=120)
    assert first.returncode == 0, first.stderr[-2000:]  # a new archive: made at the head, by Alembic
    again = subprocess.run([sys.executable, "-X", "importtime", "-m", "archive", "archive", "list"],
                           capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time:")]
    assert "sqlalchemy" in imported and not [m for m in imported if m.split(".")[0] in ("alembic", "mako")]
