"""The objects every handler needs, kept in application.bot_data (bot_data is not persisted). Handlers read
them as `context.services` (bot/context.py)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import Application

from knowledge.config import Settings
from knowledge.operations.users import UserStore
from knowledge.search.answer import Assistant

_KEY = "sinergi"


@dataclass
class Services:
    settings: Settings
    assistant: Assistant
    users: UserStore
    sandbox: bool = False  # run by the terminal sandbox: /bantuan lists its own commands too


def install(application: Application, services: Services) -> None:
    application.bot_data[_KEY] = services


def services_of(application: Application) -> Services:
    """For code that holds the application rather than a context (jobs' helpers, the sandbox)."""
    return application.bot_data[_KEY]
