"""Access checks for handlers: who may ask, who may administer. The rules themselves live in
knowledge/users.py; this module only applies them to Telegram updates and says no politely."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot import texts
from bot.services import services
from knowledge.users import User, UserStore, can_ask

Callback = Callable[..., Awaitable[Any]]
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
MAX_ALERT = 200  # Telegram's limit for a callback query answer


def in_group(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type in GROUP_TYPES


def refusal(user: User | None) -> str:
    if user is None:
        return texts.NOT_REGISTERED
    return texts.ACCESS_BY_STATUS.get(user.status, texts.NOT_REGISTERED)


async def say(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Answer where the update came from: an alert for a button, else a message in the chat."""
    if update.callback_query is not None:
        await update.callback_query.answer(_plain(text)[:MAX_ALERT], show_alert=True)
        return
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)
    elif update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text, parse_mode=ParseMode.HTML)


def current_user(update: Update, users: UserStore) -> User | None:
    """The user's record; a bootstrapped admin known only by id gets their Telegram name on first contact."""
    tg_user = update.effective_user
    if tg_user is None:
        return None
    user = users.get(tg_user.id)
    if user is not None and not user.name:
        users.seen(tg_user.id, tg_user.full_name, tg_user.username)
        user = users.get(tg_user.id)
    return user


def members_only(func: Callback) -> Callback:
    """Approved users anywhere; in an allowed group, its members too (see knowledge.users.can_ask)."""

    @functools.wraps(func)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE, *args: Any, **kwargs: Any) -> Any:
        users = services(context).users
        if update.effective_user is None or update.effective_chat is None:
            return None
        user = current_user(update, users)
        group_ok = in_group(update) and users.group_allowed(update.effective_chat.id)
        if not can_ask(user, in_allowed_group=group_ok):
            await say(update, context, refusal(user))
            return None
        return await func(update, context, *args, **kwargs)

    return wrapper


def admins_only(func: Callback) -> Callback:
    @functools.wraps(func)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE, *args: Any, **kwargs: Any) -> Any:
        user = current_user(update, services(context).users)
        if user is None or not user.is_admin:
            await say(update, context, texts.ADMIN_ONLY if user is not None and user.active else refusal(user))
            return None
        return await func(update, context, *args, **kwargs)

    return wrapper


def private_only(func: Callback) -> Callback:
    @functools.wraps(func)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE, *args: Any, **kwargs: Any) -> Any:
        if update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
            await say(update, context, texts.PRIVATE_ONLY)
            return None
        return await func(update, context, *args, **kwargs)

    return wrapper


def _plain(text: str) -> str:
    """Alerts are plain text: drop the few tags our fixed texts use."""
    for tag in ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>"):
        text = text.replace(tag, "")
    return text
