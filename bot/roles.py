"""Access checks for handlers: who may ask, who may administer, whose buttons these are. The rules themselves
live in knowledge/operations/users.py; this module only applies them to Telegram updates and says no politely.

Roles and status are read from the users table at every update, never remembered from the start of a dialogue:
an admin may demote or deactivate someone between two steps of /umumkan or /tindaklanjut tambah, and the next
step must find out (`requires`, `recheck`)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot import texts
from bot.context import BotContext
from knowledge.operations.users import StoredAnswer, User, UserStore, can_ask, may_administer, may_use_answer

log = logging.getLogger(__name__)

# A coroutine function, as python-telegram-bot's handlers require (an awaitable alone would not do).
Callback = Callable[..., Coroutine[Any, Any, Any]]
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
MAX_ALERT = 200  # Telegram's limit for a callback query answer


def in_group(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type in GROUP_TYPES


def refusal(user: User | None) -> str:
    if user is None:
        return texts.NOT_REGISTERED
    return texts.ACCESS_BY_STATUS.get(user.status, texts.NOT_REGISTERED)


async def say(update: Update, context: CallbackContext, text: str) -> None:
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
    async def wrapper(update: Update, context: BotContext, *args: Any, **kwargs: Any) -> Any:
        users = context.services.users
        if update.effective_user is None or update.effective_chat is None:
            return None
        user = current_user(update, users)
        group_ok = in_group(update) and users.group_allowed(update.effective_chat.id)
        if not can_ask(user, in_allowed_group=group_ok):
            await say(update, context, refusal(user))
            return None
        return await func(update, context, *args, **kwargs)

    return wrapper


async def recheck(
    update: Update,
    context: BotContext,
    allowed: Callable[[User], bool] | None = None,
    *,
    denied: str = texts.ADMIN_ONLY,
    ended: str | None = None,
) -> User | None:
    """The user behind the update as the users table says now, if approved and `allowed`; otherwise they are
    told why not (`denied` for an active user without the right, their status otherwise; `ended` adds that the
    dialogue they were in is over) and None."""
    user = current_user(update, context.services.users)
    reason = _refusal(user, allowed, denied)
    if reason is None:
        return user
    await _refuse(update, context, reason, ended)
    return None


def requires(
    allowed: Callable[[User], bool] | None,
    *,
    denied: str,
    ended: str | None = None,
    cleanup: Callable[[Update, BotContext], Awaitable[None]] | None = None,
    result: Any = None,
) -> Callable[[Callback], Callback]:
    """A handler (a command, or any step of a dialogue) that runs only for an approved user `allowed` now.

    Refused: `cleanup` drops what the dialogue had gathered (before anything is said, so nothing half-made
    survives a failed message), the user is told, and the handler returns `result` (ConversationHandler.END
    ends a conversation)."""

    def decorator(func: Callback) -> Callback:
        @functools.wraps(func)
        async def wrapper(update: Update, context: BotContext, *args: Any, **kwargs: Any) -> Any:
            user = current_user(update, context.services.users)
            reason = _refusal(user, allowed, denied)
            if reason is None:
                return await func(update, context, *args, **kwargs)
            if cleanup is not None:
                await cleanup(update, context)
            await _refuse(update, context, reason, ended)
            return result

        return wrapper

    return decorator


def _refusal(user: User | None, allowed: Callable[[User], bool] | None, denied: str) -> str | None:
    """None when the user may go on, else what to tell them."""
    if user is not None and user.active and (allowed is None or allowed(user)):
        return None
    if user is not None:
        log.info("user %s (%s, %s) refused a step that needs another role or status", user.id, user.role, user.status)
    return denied if user is not None and user.active else refusal(user)


admins_only = requires(may_administer, denied=texts.ADMIN_ONLY)


async def _refuse(update: Update, context: CallbackContext, reason: str, ended: str | None) -> None:
    if ended is None:
        await say(update, context, reason)
        return
    query = update.callback_query
    if query is None:
        await say(update, context, f"{reason}\n\n{ended}")
        return
    await query.answer(_plain(reason)[:MAX_ALERT], show_alert=True)
    if query.message is not None:
        try:  # the panel says the dialogue is over, and its buttons go
            await query.edit_message_text(f"{reason}\n\n{ended}", parse_mode=ParseMode.HTML)
        except TelegramError as error:
            log.debug("could not close the panel of an ended dialogue: %s", error)


async def owned_answer(update: Update, context: BotContext, answer_id: str) -> StoredAnswer | None:
    """The stored answer behind an answer button, if the one pressing may use it (see
    knowledge.users.may_use_answer); otherwise an alert says why and None."""
    query, tg_user = update.callback_query, update.effective_user
    assert query is not None and tg_user is not None
    users = context.services.users
    stored = users.get_answer(answer_id)
    if stored is None:
        await query.answer(texts.ANSWER_EXPIRED, show_alert=True)
        return None
    pressed_in = query.message.chat.id if query.message is not None else None
    if not may_use_answer(users.get(tg_user.id), tg_user.id, stored, pressed_in):
        log.warning("user %s pressed a button of answer %s, which is not theirs: refused", tg_user.id, answer_id)
        await query.answer(texts.NOT_YOUR_BUTTON, show_alert=True)
        return None
    return stored


def private_only(func: Callback) -> Callback:
    @functools.wraps(func)
    async def wrapper(update: Update, context: BotContext, *args: Any, **kwargs: Any) -> Any:
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
