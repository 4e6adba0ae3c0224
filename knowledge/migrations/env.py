"""Alembic environment: run by `knowledge.migrate` on a connection it opens (never from an alembic.ini)."""

from __future__ import annotations

from alembic import context

from knowledge.db import Base

config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things: batch mode copies the table instead, on SQLite only.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
