"""Schema migrations (Alembic): every process brings its database to the head revision when it opens it.

Three cases, told apart by what the database holds:
- no table of ours: a new database. The tables are made from the models and stamped with the head revision
  (the same schema the migrations build: `tests/test_migrations.py` compares them on SQLite and PostgreSQL).
- our tables but no `alembic_version`: a database made by a release before migrations. The first revision
  (the schema of the last such release) creates the tables it lacks, and the others follow.
- an older revision: upgraded. A revision this release does not know (a newer release wrote it) is refused.

Upgrading is done by one process at a time: the caller passes its writer lock (DATA_DIR) and, on PostgreSQL,
a transaction-level advisory lock also keeps two hosts sharing the database from upgrading it together.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import sessionmaker

from knowledge.db import Base, Lock, make_engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"  # the schema of the last release without migrations
VERSION_TABLE = "alembic_version"
# An arbitrary constant: the advisory lock id every Sinergi process takes on PostgreSQL while migrating.
_PG_LOCK_ID = 0x5349_4E45  # "SINE"


class UnknownRevision(RuntimeError):
    """The database was migrated by a newer release than this one."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    revision = _scripts().get_current_head()
    assert revision is not None  # there is always a first revision
    return revision


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _state(engine: Engine) -> tuple[bool, str | None]:
    """(any table of ours exists, the recorded revision)."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        ours = bool(tables & set(Base.metadata.tables))
        return ours, current(connection) if VERSION_TABLE in tables else None


def needs_upgrade(engine: Engine) -> bool:
    ours, revision = _state(engine)
    if revision is not None and revision not in revisions():
        raise UnknownRevision(
            f"the database is at schema revision {revision!r}, which this release does not know "
            f"(its newest is {head()!r}): run the newer release, or restore a backup made by this one"
        )
    return not ours or revision != head()


def upgrade(engine: Engine, target: str = "head", *, lock: Lock | None = None) -> list[str]:
    """Bring the database to `target` (default: head); returns the revisions applied, oldest first.

    `lock` is held around a second check and the change, so two processes never both upgrade; an up-to-date
    database is not locked at all (a bot starting while an ingest holds the lock must not wait)."""
    if target == "head" and not needs_upgrade(engine):
        return []
    with (lock or nullcontext)():
        if target == "head" and not needs_upgrade(engine):
            return []
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # SQLite alters a table by copying it and dropping the original: with foreign keys enforced, that
                # drop would cascade to every child row (history, reminders...). Off for the migration only
                # (outside any transaction, where SQLite honours it), checked afterwards.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            try:
                with connection.begin():
                    before, after = _migrate(connection, target)
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"the migration left rows pointing at nothing: {broken[:5]}")
            finally:
                if sqlite:
                    connection.rollback()
                    connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    connection.commit()
        applied = _between(before, after)
        if applied:
            log.info("Upgraded the database schema: %s", " -> ".join([before or "(empty)", *applied]))
        return applied


def _migrate(connection: Connection, target: str) -> tuple[str | None, str | None]:
    """(revision before, revision after), inside the caller's transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
    tables = set(inspect(connection).get_table_names())
    before = current(connection) if VERSION_TABLE in tables else None
    config = _config(connection)
    if before is None and not tables & set(Base.metadata.tables):
        if target == "head":
            # A new database: the models are the schema of the head revision.
            Base.metadata.create_all(connection)
            command.stamp(config, "head")
            log.info("Created the database schema at revision %s", head())
            return None, head()
    elif before is None:
        # The first revision creates only the tables such a database lacks (releases before migrations added
        # new tables when they opened it, so it may miss those of releases it never met).
        log.warning("The database predates migrations: bringing it to revision %s", BASELINE)
    command.upgrade(config, target)
    return before, current(connection)


def _between(before: str | None, after: str | None) -> list[str]:
    order = revisions()
    start = order.index(before) + 1 if before in order else 0
    end = order.index(after) + 1 if after in order else 0
    return order[start:end]


def init_db(url: str, *, lock: Lock | None = None) -> sessionmaker:
    """Open the database at `url`, bringing its schema to the current revision first (below);
    `lock` (the writer lock of DATA_DIR) is held while an upgrade runs."""
    engine = make_engine(url)
    upgrade(engine, lock=lock)
    return sessionmaker(engine, expire_on_commit=False)
