"""`python -m bot` with a token, against a self-hosted Bot API server (TELEGRAM_BASE_URL): long polling and
webhook mode with its secret token."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import pytest
from bot_harness import async_test

from bot.sandbox import BotApiServer

TOKEN = "987654:CLI-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bot_environment(server: BotApiServer, data_dir: Path, admin_id: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "OPENAI_", "WEBHOOK_", "CHROMA_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DATA_DIR=str(data_dir),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=server.base_url,
        TELEGRAM_BASE_FILE_URL=server.base_file_url,
        ADMIN_IDS=str(admin_id),
        **extra,
    )
    return env


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@async_test
async def test_bot_runs_against_a_self_hosted_bot_api_server(mode: str, tmp_path: Path) -> None:
    async with BotApiServer(TOKEN, bot_username="sinergi_bot") as server:
        admin = server.add_user("Admin")
        extra: dict[str, str] = {}
        if mode == "webhook":
            port = free_port()
            extra = {
                "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                "WEBHOOK_SECRET": "rahasia-sinergi-1",
                "WEBHOOK_LISTEN": "127.0.0.1",
                "WEBHOOK_PORT": str(port),
            }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=bot_environment(server, tmp_path / "data", admin.id, **extra),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            if mode == "webhook":
                await server.wait_for(lambda: server.webhook is not None, timeout=45, what="setWebhook")
                assert server.webhook is not None and server.webhook.secret_token == "rahasia-sinergi-1"
            await server.send_text(admin, "/bantuan")
            [reply] = await server.wait_for_messages(admin, timeout=45)
            assert "/pengguna" in reply["text"]  # ADMIN_IDS made this user an admin
            if mode == "webhook":
                assert server.webhook_deliveries, "the update went by webhook, not by getUpdates"
            assert server.errors() == []
        finally:
            process.terminate()
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        assert b"Traceback" not in stderr, stderr.decode()[-3000:]
