"""Alembic environment: run with the connection kyso hands over (archive.db.session.upgrade)."""

from alembic import context

from archive.db.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - kyso always passes its own connection
    raise RuntimeError("run migrations through 'kyso db upgrade'")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
