"""Real databases for the store tests: a SQLite file, and a PostgreSQL server started by the tests themselves.

The PostgreSQL server comes from the `pgserver` wheel (the server binaries are inside it): one server per test
session in a temporary folder, listening on a Unix socket only, and one fresh database per test.
"""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

_counter = itertools.count(1)


class PostgresServer:
    def __init__(self, folder: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs complains that XDG_RUNTIME_DIR is unset (root, CI)
            import pgserver

            self._server = pgserver.get_server(folder, cleanup_mode="stop")
        self.socket_dir = str(self._server.pgdata)  # pgserver puts its socket in the data folder
        admin = self.url("postgres")
        self._admin = create_engine(admin, isolation_level="AUTOCOMMIT")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={quote(self.socket_dir)}"

    def new_database(self) -> str:
        """A fresh empty database; returns its SQLAlchemy URL."""
        name = f"sinergi_test_{next(_counter)}"
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return self.url(name)

    def stop(self) -> None:
        self._admin.dispose()
        self._server.cleanup()
