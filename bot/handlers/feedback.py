"""👍 / 👎 under an answer, and the optional comment that may follow: a conversation (`conversation()`) per chat
and user that the button starts and the next message ends. It runs in a handler group of its own, before the
commands and the questions: the message after a 👍/👎 is the comment when it replies to the invitation or is
clearly not a question; a question is answered instead (by the handlers after it) and the invitation dropped.

The invitation itself (which answer's rating waits for a comment, until when) is the users' store's record
(`UserStore.await_comment`), so it lapses after COMMENT_TTL even across a restart."""

from __future__ import annotations

import logging
import warnings
from typing import Any

from telegram import ForceReply, Update
from telegram.constants import ChatType
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import texts
from bot.context import BotContext
from bot.handlers.prompts import Command, asks_instead
from bot.roles import current_user, in_group, members_only, owned_answer
from bot.views.keyboards import FEEDBACK_PATTERN, UP, parts
from knowledge.operations.users import COMMENT_TTL, can_ask

log = logging.getLogger(__name__)

COMMENT = "comment"  # the conversation's one state: a comment invitation waits
END = ConversationHandler.END


def conversation() -> ConversationHandler:
    with warnings.catch_warnings():
        # per_message=False is intended: one invitation per chat and user, whichever answer's button asked.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(on_feedback, pattern=FEEDBACK_PATTERN)],
            states={
                COMMENT: [
                    MessageHandler(filters.TEXT & ~Command(), on_comment),
                    MessageHandler(Command("lewati"), on_skip_comment),
                    MessageHandler(Command(), on_other_command),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[],
            name="komentar",
            persistent=True,
            conversation_timeout=COMMENT_TTL,
            allow_reentry=True,  # another 👍/👎 invites a comment on that answer instead
        )


@members_only
async def on_feedback(update: Update, context: BotContext) -> object:
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    _, answer_id, direction = parts(query.data)
    users = context.services.users
    stored = await owned_answer(update, context, answer_id)
    if stored is None:
        return None
    feedback = users.record_feedback(stored, user.id, chat.id, 1 if direction == UP else -1)
    await query.answer(texts.FEEDBACK_THANKS)
    log.info("feedback %+d on answer %s by user %s", feedback.rating, answer_id, user.id)
    invite = texts.FEEDBACK_COMMENT_INVITE
    if chat.type != ChatType.PRIVATE:
        invite = f"{user.mention_html()}, {invite[0].lower()}{invite[1:]}"  # selective ForceReply needs a mention
    prompt = await context.bot.send_message(
        chat.id,
        invite,
        reply_markup=ForceReply(selective=True, input_field_placeholder="Komentar (opsional)"),
    )
    users.await_comment(chat.id, user.id, feedback.id, prompt.message_id)
    return COMMENT


async def on_comment(update: Update, context: BotContext) -> object:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and message.text is not None and chat is not None and user is not None
    pending = _pending(update, context)
    if pending is None:
        return END  # lapsed, or no longer allowed: the message goes on (to its answer, or the usual refusal)
    if chat.type != ChatType.PRIVATE:
        replied = message.reply_to_message
        if replied is None or replied.message_id != pending.get("prompt"):
            return None  # in a group only a reply to the invitation is the comment; it keeps waiting
    elif await asks_instead(update, context, pending.get("prompt"), topical=True):
        # The official moved on to the next question: answer it (the handlers after this one do).
        context.services.users.clear_comment(chat.id, user.id)
        await message.reply_text(texts.PROMPT_COMMENT_DROPPED)
        return END
    context.services.users.store_comment(chat.id, user.id, message.text)
    await message.reply_text(texts.FEEDBACK_COMMENT_SAVED)
    raise ApplicationHandlerStop(END)


async def on_skip_comment(update: Update, context: BotContext) -> object:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    if _pending(update, context) is None:
        return END  # nothing waits: /lewati goes on to on_skip (or a registration's code step)
    context.services.users.clear_comment(chat.id, user.id)
    await message.reply_text(texts.FEEDBACK_COMMENT_SKIPPED)
    raise ApplicationHandlerStop(END)


async def on_other_command(update: Update, context: BotContext) -> object:
    """Any other command means the user moved on: the invitation goes, and the command runs as usual."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    context.services.users.clear_comment(chat.id, user.id)
    return END


async def timed_out(update: object, context: BotContext) -> None:
    if isinstance(update, Update) and update.effective_chat is not None and update.effective_user is not None:
        context.services.users.clear_comment(update.effective_chat.id, update.effective_user.id)


async def on_skip(update: Update, context: BotContext) -> None:
    """/lewati with no comment invitation waiting (the conversation takes it when one waits)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    skipped = context.services.users.clear_comment(chat.id, user.id)
    await message.reply_text(texts.FEEDBACK_COMMENT_SKIPPED if skipped else texts.NOTHING_TO_SKIP)


def _pending(update: Update, context: BotContext) -> dict[str, Any] | None:
    """The invitation waiting in this chat, if it has not lapsed and the user may still comment (read from
    the users table now: deactivated since the 👎, the invitation is dropped)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    users = context.services.users
    pending = users.awaited_comment(chat.id, user.id)
    if pending is None:
        return None
    in_allowed_group = in_group(update) and users.group_allowed(chat.id)
    if not can_ask(current_user(update, users), in_allowed_group=in_allowed_group):
        users.clear_comment(chat.id, user.id)
        return None
    return pending
