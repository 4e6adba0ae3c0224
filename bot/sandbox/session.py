"""The sandbox assembled: the embedded Bot API server, the bot built for it, the demo users, the clock `/waktu`
moves, and the terminal that plays the users (`python -m bot` without a token runs it; tests open it too)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TextIO

from bot.app import build_application
from bot.jobs.reminders import set_clock
from bot.runtime import polling
from bot.sandbox.clock import SandboxClock
from bot.sandbox.demo import ADMIN_ID, DemoCast
from bot.sandbox.server import BotApiServer
from bot.sandbox.terminal import Terminal, banner
from knowledge.config import Settings
from knowledge.operations.users import STAFF, UserStore
from knowledge.search.answer import Assistant

SANDBOX_TOKEN = "123456:SANDBOX"


def sandbox_settings(settings: Settings) -> Settings:
    """No token; the terminal's admin becomes an admin the way real admins do, through ADMIN_IDS."""
    return settings.model_copy(update={"telegram_bot_token": None, "admin_ids": [*settings.admin_ids, ADMIN_ID]})


def sandbox_users(settings: Settings, assistant: Assistant) -> UserStore:
    """The users table of the knowledge store; the secretariat and the admins, who demonstrate the bot, are
    not rate-limited here."""
    return UserStore(
        assistant.store.sessions,
        invite_codes=settings.invite_codes,
        rate_limit_per_minute=settings.rate_limit_per_minute,
        unlimited_roles=STAFF,
    )


@contextlib.asynccontextmanager
async def open_sandbox(
    settings: Settings, assistant: Assistant, *, out: TextIO, interactive: bool = False
) -> AsyncIterator[Terminal]:
    """The running sandbox, its terminal playing the admin; `settings` come from `sandbox_settings`."""
    users = sandbox_users(settings, assistant)
    async with BotApiServer(SANDBOX_TOKEN, bot_username="sinergi_bot") as server:
        application = build_application(
            settings, assistant, users, base_url=server.base_url, base_file_url=server.base_file_url,
            token=SANDBOX_TOKEN, sandbox=True,
        )  # fmt: skip
        cast = DemoCast(server, users)
        admin = await asyncio.to_thread(cast.start)  # created on first start: admin, secretariat, official, guest
        clock = SandboxClock()
        set_clock(application, clock)  # follow-ups and their reminders read "now" from it
        assistant.clock = clock  # and so do answers about follow-ups ("yang terlambat?")
        terminal = Terminal(
            server, application, admin, out=out, interactive=interactive, ansi=interactive, cast=cast, clock=clock
        )
        async with polling(application, poll_timeout=1):
            out.write(banner(server, admin) + "\n")
            out.flush()
            yield terminal
        terminal.finish()
