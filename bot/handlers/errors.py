"""The error handler: log the failure with its context, tell the user politely, keep the bot running."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import Application, BaseHandler, ConversationHandler

from bot import texts
from bot.context import BotContext

log = logging.getLogger(__name__)

_HANDLER_ATTR = "sinergi_handler"


def tracked(callback: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Coroutine[Any, Any, Any]]:
    """Stamp the handler's name on an exception on its way to the error handler (PTB does not pass it)."""

    @functools.wraps(callback)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await callback(*args, **kwargs)
        except Exception as error:
            if not hasattr(error, _HANDLER_ATTR):
                setattr(error, _HANDLER_ATTR, f"{callback.__module__}.{callback.__qualname__}")
            raise

    return wrapper


def track_handlers(application: Application) -> None:
    """Wrap every registered callback (conversation steps included) with `tracked`."""
    for handlers in application.handlers.values():
        for handler in handlers:
            _track(handler)


def _track(handler: BaseHandler) -> None:
    if isinstance(handler, ConversationHandler):
        inner = [*handler.entry_points, *handler.fallbacks, *(h for hs in handler.states.values() for h in hs)]
        for child in inner:
            _track(child)
        return
    handler.callback = tracked(handler.callback)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if not isinstance(update, Update):
        # Polling hiccups and job failures: no user to tell. Network trouble is retried by PTB.
        level = logging.WARNING if isinstance(error, NetworkError) else logging.ERROR
        log.log(level, "error outside an update: %r", error, exc_info=level == logging.ERROR and error)
        return
    user = update.effective_user
    chat = update.effective_chat
    log.error(
        "handler %s failed on update %s (user %s, chat %s): %r",
        getattr(error, _HANDLER_ATTR, "?"),
        update.update_id,
        user.id if user else None,
        chat.id if chat else None,
        error,
        exc_info=error,
    )
    if isinstance(error, Forbidden) or chat is None:
        return  # the user blocked the bot: telling them is impossible
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()  # stop the button's spinner
        except TelegramError:
            pass  # the handler had answered it already
    try:
        await context.bot.send_message(chat.id, texts.ERROR)
    except TelegramError as send_error:
        log.warning("could not tell chat %s about the error: %s", chat.id, send_error)
