"""Shared pytest fixtures."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.openai_server import FakeOpenAI


@pytest.fixture(scope="session")
def bot_corpus(tmp_path_factory: pytest.TempPathFactory):
    """The bot tests' knowledge store, ingested once per session (embedding passages is the slow part)."""
    from bot_harness import build_corpus

    return build_corpus(tmp_path_factory.mktemp("bot-corpus"))


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the session (from the pgserver wheel), stopped at the end."""
    from databases import PostgresServer

    # Not under pytest's tmp_path: running as root, pgserver starts PostgreSQL as an unprivileged user, which
    # cannot enter pytest's private (0700) base folder.
    folder = Path(tempfile.mkdtemp(prefix="sinergi-pg-"))
    server = PostgresServer(folder)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database, once as a SQLite file and once on the PostgreSQL server: the store tests run on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sinergi.db'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def embeddings() -> Iterator[FakeOpenAI]:
    """An OpenAI-compatible embeddings server on loopback (the tests' stand-in for a remote service)."""
    with FakeOpenAI() as server:
        yield server
