"""The context every handler and job receives. build_application registers it with
`ContextTypes(context=BotContext)`, so python-telegram-bot builds one per update and per job run, and the
application's own objects (kept in bot_data, which is not persisted) come out of it typed."""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.jobs.sender import Sender, sender_of
from bot.services import Services, services_of


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """`context` in Sinergi's handlers and jobs."""

    @property
    def services(self) -> Services:
        """Settings, the assistant and the users' store (bot/services.py)."""
        return services_of(self.application)

    @property
    def sender(self) -> Sender:
        """The announcements' sender: its queue, its time zone, `wake()` after a change (bot/jobs/sender.py)."""
        return sender_of(self.application)


CONTEXT_TYPES = ContextTypes(context=BotContext)
