"""Shared pytest fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def bot_corpus(tmp_path_factory: pytest.TempPathFactory):
    """The bot tests' knowledge store, ingested once per session (embedding passages is the slow part)."""
    from bot_harness import build_corpus

    return build_corpus(tmp_path_factory.mktemp("bot-corpus"))
