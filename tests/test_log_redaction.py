"""Secrets never reach the log: the bot token (in Bot API URLs and in python-telegram-bot's own error text), API
keys, the webhook secret and the password in DATABASE_URL are redacted from every record, at every level, from
our loggers and the libraries' alike; a bot token the Bot API refuses ends `python -m bot` with one line."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_harness import async_test, offline_settings
from telegram import Bot
from telegram.error import InvalidToken

from bot.sandbox import BotApiServer
from knowledge.logs import REDACTED, setup_logging

# Fictional secrets, shaped like the real ones.
TOKEN = "4839574812:AAHq8Xw3-Fict1onalT0kenForRedactionTests"
TOKEN_SECRET = TOKEN.split(":")[1]
OPENAI_KEY = "sk-proj-Fict1onalOpenAiKeyForRedactionTests0123"
EMBEDDING_KEY = "emb-Fictional-Embedding-Key-77"
WEBHOOK_SECRET = "webhook-Fictional-Secret-42"
DB_PASSWORD = "Rahasia-Basis-Data-2024"
# Never configured anywhere: only their shape gives them away.
STRAY_TOKEN = "5555555:" + "Q" * 35
STRAY_KEY = "sk-" + "Z" * 40
SECRETS = (TOKEN_SECRET, OPENAI_KEY, EMBEDDING_KEY, WEBHOOK_SECRET, DB_PASSWORD, "Q" * 35, "Z" * 40)
LOGGERS = ("", "httpx", "httpcore", "telegram", "openai", "chromadb", "pypdf", "bm25s", "urllib3")


@pytest.fixture
def logger_levels() -> Iterator[None]:
    """setup_logging sets library levels for the whole process: put them back for the other tests."""
    saved = {name: logging.getLogger(name).level for name in LOGGERS}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@async_test
async def test_secrets_are_redacted_from_library_and_own_records_at_debug(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, logger_levels: None
) -> None:
    settings = offline_settings(
        tmp_path,
        telegram_bot_token=TOKEN,
        openai_api_key=OPENAI_KEY,
        embedding_api_key=EMBEDDING_KEY,
        webhook_secret=WEBHOOK_SECRET,
        database_url=f"postgresql://sinergi:{DB_PASSWORD}@db.internal:5432/sinergi",
    )
    setup_logging(logging.DEBUG, settings=settings)
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "telegram", "openai"):  # the most talkative they can be
        logging.getLogger(name).setLevel(logging.DEBUG)

    async with BotApiServer("123456:ANOTHER-BOT", bot_username="other_bot") as server:
        bot = Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url)  # logs its URLs
        try:
            await bot.initialize()  # getMe through httpx, which logs the request URL; the server refuses the token
        except InvalidToken as error:
            assert TOKEN_SECRET in str(error)  # python-telegram-bot quotes the token: what needs redacting
            logging.getLogger("bot").exception("start failed: %s", error)
        else:
            raise AssertionError("the Bot API server accepted a token it does not know")
    logging.getLogger("openai._base_client").debug("Request options: %s", {"Authorization": f"Bearer {OPENAI_KEY}"})
    logging.getLogger("sqlalchemy.pool").warning("could not connect to %s", settings.database_url)
    logging.getLogger("knowledge.index.embeddings").info("key %s, webhook %s", EMBEDDING_KEY, WEBHOOK_SECRET)
    logging.getLogger("bot.handlers.errors").error("stray %s and %s", STRAY_TOKEN, STRAY_KEY)

    written = caplog.text  # what the handler wrote, tracebacks included
    seen = "\n".join([written, *(r.getMessage() for r in caplog.records), *(r.exc_text or "" for r in caplog.records)])
    for secret in SECRETS:
        assert secret not in seen, secret
    # The lines are all there, only cleaned.
    assert f"Set Bot API URL: {server.base_url.removesuffix('/bot')}/bot{REDACTED}" in written
    assert f"/bot{REDACTED}/getMe" in written and "HTTP Request: POST" in written
    assert "Traceback" in written and f"InvalidToken: The token `{REDACTED}` was rejected" in written
    assert f"Bearer {REDACTED}" in written and f"postgresql://sinergi:{REDACTED}@db.internal" in written
    assert f"stray 5555555:{REDACTED} and sk-{REDACTED}" in written


def _environment(data_dir: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "OPENAI_", "WEBHOOK_", "CHROMA_"))}
    env.pop("DATABASE_URL", None)
    env.update(DATA_DIR=str(data_dir), TELEGRAM_BOT_TOKEN=TOKEN, **values)
    return env


@pytest.mark.parametrize(("verbose", "server"), [(False, "refusing"), (True, "refusing"), (False, "unreachable")])
@async_test
async def test_a_bot_token_that_cannot_be_used_ends_the_start_with_one_line(
    verbose: bool, server: str, tmp_path: Path
) -> None:
    async with BotApiServer("123456:ANOTHER-BOT", bot_username="other_bot") as bot_api:
        if server == "unreachable":
            await bot_api.stop()  # nothing listens on its port any more
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *(["-v"] if verbose else []),
            cwd=tmp_path,
            env=_environment(
                tmp_path / "data", TELEGRAM_BASE_URL=bot_api.base_url, TELEGRAM_BASE_FILE_URL=bot_api.base_file_url,
                OPENAI_API_KEY=OPENAI_KEY, OPENAI_BASE_URL="http://127.0.0.1:9/v1", WEBHOOK_SECRET=WEBHOOK_SECRET,
            ),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, raw = await asyncio.wait_for(process.communicate(), timeout=45)
    stderr = raw.decode()
    assert process.returncode == 1, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    for secret in SECRETS:
        assert secret not in stderr, secret
    last = stderr.strip().splitlines()[-1]
    expected = "refused TELEGRAM_BOT_TOKEN" if server == "refusing" else "cannot reach the Bot API server"
    assert last.startswith("error: ") and expected in last, stderr[-3000:]
    if verbose:
        assert f"/bot{REDACTED}" in stderr  # the debug lines that carry the URL are there, cleaned
    else:
        assert stderr.strip() == last  # one line, nothing else


def test_an_uncaught_exception_is_printed_without_the_secret(tmp_path: Path) -> None:
    script = (
        "import logging\n"
        "from knowledge.logs import setup_logging\n"
        "setup_logging(logging.WARNING)\n"
        f"raise RuntimeError('rejected token {TOKEN}, key {OPENAI_KEY}, stray {STRAY_TOKEN}')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1],
        env=_environment(tmp_path / "data"), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" in result.stderr and "RuntimeError" in result.stderr
    for secret in SECRETS:
        assert secret not in result.stderr
    # TELEGRAM_BOT_TOKEN is known from the environment; the other two are caught by their shape.
    assert f"rejected token {REDACTED}, key sk-{REDACTED}, stray 5555555:{REDACTED}" in result.stderr
