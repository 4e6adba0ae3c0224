"""A local stand-in for Telegram: an embedded Bot API server plus fake users, for the sandbox and tests."""

from bot.sandbox.errors import ApiError, Fault
from bot.sandbox.limits import RateLimit
from bot.sandbox.models import BotCall, FakeChat, FakeUser
from bot.sandbox.server import BotApiServer

__all__ = ["ApiError", "BotApiServer", "BotCall", "FakeChat", "FakeUser", "Fault", "RateLimit"]
