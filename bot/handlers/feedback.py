"""👍 / 👎 under an answer, and the optional comment that may follow."""

from __future__ import annotations

import logging

from telegram import ForceReply, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from bot.handlers.prompts import asks_instead
from bot.keyboards import UP, parts
from bot.roles import current_user, in_group, members_only, owned_answer
from bot.services import services
from knowledge.users import can_ask

log = logging.getLogger(__name__)


@members_only
async def on_feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    _, answer_id, direction = parts(query.data)
    users = services(context).users
    stored = await owned_answer(update, context, answer_id)
    if stored is None:
        return
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


async def capture_comment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before the other handlers: the message after a 👍/👎 is the comment when it replies to the invitation
    or is clearly not a question; a question is answered instead and the invitation dropped."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or not message.text or chat is None or user is None:
        return
    users = services(context).users
    pending = users.awaited_comment(chat.id, user.id)
    if pending is None:
        return
    in_allowed_group = in_group(update) and users.group_allowed(chat.id)
    if not can_ask(current_user(update, users), in_allowed_group=in_allowed_group):
        # Deactivated since the 👎: no comment is stored, and the message meets the usual refusal further on.
        users.clear_comment(chat.id, user.id)
        return
    if message.text.startswith("/"):
        if _command(message.text) != "lewati":
            users.clear_comment(chat.id, user.id)  # any other command means the user moved on
        return
    if chat.type != ChatType.PRIVATE:
        replied = message.reply_to_message
        if replied is None or replied.message_id != pending.get("prompt"):
            return  # in a group only a reply to the invitation is the comment
    elif await asks_instead(update, context, pending.get("prompt"), topical=True):
        # The official moved on to the next question: answer it (the handlers after this one do).
        users.clear_comment(chat.id, user.id)
        await message.reply_text(texts.PROMPT_COMMENT_DROPPED)
        return
    users.store_comment(chat.id, user.id, message.text)
    await message.reply_text(texts.FEEDBACK_COMMENT_SAVED)
    raise ApplicationHandlerStop


async def on_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    skipped = services(context).users.clear_comment(chat.id, user.id)
    await message.reply_text(texts.FEEDBACK_COMMENT_SKIPPED if skipped else texts.NOTHING_TO_SKIP)


def _command(text: str) -> str:
    return text.split(maxsplit=1)[0][1:].partition("@")[0].lower()
