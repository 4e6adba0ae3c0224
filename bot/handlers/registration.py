"""/daftar: name, unit and an optional invitation code; without a valid code every admin gets the request
with approve/reject buttons, and the user is told the outcome."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import texts
from bot.context import BotContext
from bot.roles import admins_only, current_user, refusal
from bot.views.keyboards import APPROVE, parts, registration_keyboard
from bot.views.render import esc
from knowledge.operations.users import PENDING, User, UserError

log = logging.getLogger(__name__)

NAME, UNIT, CODE = range(3)
TIMEOUT = timedelta(minutes=15)  # an abandoned form must not take tomorrow's question for a name
MAX_CODE_TRIES = 3  # then the request goes to the admins: guessing codes is pointless
DRAFT = "daftar"
MESSAGES_SCOPE = "registration_messages"  # where each admin's copy of a request is, to update them all


def conversation() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("daftar", start, filters.ChatType.PRIVATE)],
        states={
            NAME: [MessageHandler(text, got_name)],
            UNIT: [MessageHandler(text, got_unit)],
            CODE: [MessageHandler(text, got_code), CommandHandler("lewati", skip_code)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
        },
        fallbacks=[CommandHandler("batal", cancel)],
        name="daftar",
        persistent=True,
        conversation_timeout=TIMEOUT,
    )


async def start(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    user = current_user(update, context.services.users)
    if user is not None and user.active:
        role = texts.ROLE_NAMES.get(user.role, user.role)
        await message.reply_text(texts.REG_ALREADY.format(role=esc(role), unit=esc(user.unit or "-")))
        return ConversationHandler.END
    if user is not None and user.status != PENDING:
        await message.reply_text(refusal(user))
        return ConversationHandler.END
    if user is not None:
        await message.reply_text(texts.PENDING_APPROVAL)
        return ConversationHandler.END
    _draft(context).clear()
    await message.reply_text(texts.REG_ASK_NAME)
    return NAME


async def got_name(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    name = " ".join((message.text or "").split())
    if not 2 <= len(name) <= 100:
        await message.reply_text(texts.REG_BAD_NAME)
        return NAME
    _draft(context)["name"] = name
    await message.reply_text(texts.REG_ASK_UNIT)
    return UNIT


async def got_unit(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    unit = " ".join((message.text or "").split())
    if not 2 <= len(unit) <= 150:
        await message.reply_text(texts.REG_BAD_UNIT)
        return UNIT
    _draft(context)["unit"] = unit
    await message.reply_text(texts.REG_ASK_CODE)
    return CODE


async def got_code(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    code = (message.text or "").strip()
    if context.services.users.check_code(code):
        return await _finish(update, context, code)
    draft = _draft(context)
    draft["tries"] = int(draft.get("tries", 0)) + 1
    if draft["tries"] >= MAX_CODE_TRIES:
        await message.reply_text(texts.REG_CODE_GIVE_UP)
        return await _finish(update, context, None)
    await message.reply_text(texts.REG_BAD_CODE)
    return CODE


async def skip_code(update: Update, context: BotContext) -> int:
    return await _finish(update, context, None)


async def cancel(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None
    _forget_draft(context)
    await update.effective_message.reply_text(texts.REG_CANCELLED)
    return ConversationHandler.END


async def timed_out(update: Update, context: BotContext) -> None:
    _forget_draft(context)
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.REG_TIMEOUT)


async def in_group(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.REG_IN_GROUP)


async def _finish(update: Update, context: BotContext, code: str | None) -> int:
    message, tg_user = update.effective_message, update.effective_user
    assert message is not None and tg_user is not None
    draft = _forget_draft(context)
    users = context.services.users
    user = users.register(tg_user.id, draft.get("name", ""), draft.get("unit", ""), code, tg_user.username)
    name = esc(user.name)
    if user.active:
        log.info("user %s registered with an invitation code", user.id)
        await message.reply_text(texts.REG_APPROVED_BY_CODE.format(name=name))
        return ConversationHandler.END
    delivered = await notify_admins(context, user)
    log.info("registration request of user %s sent to %d admin(s)", user.id, delivered)
    await message.reply_text((texts.REG_WAITING if delivered else texts.REG_NO_ADMIN).format(name=name))
    return ConversationHandler.END


async def notify_admins(context: BotContext, user: User) -> int:
    """Send the request to every admin; one admin who blocked the bot must not stop the others."""
    users = context.services.users
    sent: list[list[int]] = []
    for admin in users.admins():
        try:
            message = await context.bot.send_message(
                admin.id, request_text(user), reply_markup=registration_keyboard(user.id)
            )
        except TelegramError as error:
            log.warning("could not send registration request %s to admin %s: %s", user.id, admin.id, error)
            continue
        sent.append([message.chat_id, message.message_id])
    users.set_state(MESSAGES_SCOPE, str(user.id), sent)
    return len(sent)


def request_text(user: User) -> str:
    username = f" (@{esc(user.username)})" if user.username else ""
    return texts.REG_REQUEST_FOR_ADMIN.format(
        name=esc(user.name), unit=esc(user.unit), user_id=user.id, username=username
    )


@admins_only
async def on_decision(update: Update, context: BotContext) -> None:
    query, admin = update.callback_query, update.effective_user
    assert query is not None and admin is not None
    _, verdict, raw_id = parts(query.data)
    users = context.services.users
    try:
        decision = users.approve(int(raw_id), admin.id) if verdict == APPROVE else users.reject(int(raw_id), admin.id)
    except UserError:
        await query.answer(texts.UNKNOWN_USER.format(user_id=raw_id), show_alert=True)
        return
    user = decision.user
    if not decision.changed:
        status = texts.STATUS_NAMES.get(user.status, user.status)
        await query.answer(texts.REG_ALREADY_DECIDED.format(status=status), show_alert=True)
        await _close_requests(context, user, None)
        try:
            await query.edit_message_reply_markup(None)
        except TelegramError as error:  # already closed by _close_requests
            log.debug("registration request keyboard already gone: %s", error)
        return
    approved = verdict == APPROVE
    await query.answer("Disetujui." if approved else "Ditolak.")
    note = texts.REG_DECIDED_NOTE.format(
        mark="✅" if approved else "❌", verdict="Disetujui" if approved else "Ditolak", admin=esc(admin.full_name)
    )
    await _close_requests(context, user, note)
    log.info("registration of user %s %s by admin %s", user.id, "approved" if approved else "rejected", admin.id)
    try:
        await context.bot.send_message(user.id, texts.REG_USER_APPROVED if approved else texts.REG_USER_REJECTED)
    except TelegramError as error:
        log.warning("could not tell user %s the registration outcome: %s", user.id, error)


async def _close_requests(context: BotContext, user: User, note: str | None) -> None:
    """Every admin's copy of the request shows the outcome, and its buttons go away."""
    users = context.services.users
    if note is None:
        status = texts.STATUS_NAMES.get(user.status, user.status)
        note = f"\n\nStatus: {esc(status)}."
    for chat_id, message_id in users.get_state(MESSAGES_SCOPE, str(user.id)) or []:
        try:
            await context.bot.edit_message_text(request_text(user) + note, chat_id=chat_id, message_id=message_id)
        except TelegramError as error:  # deleted by the admin, or unchanged: nothing to do
            log.debug("could not update registration request %s in chat %s: %s", user.id, chat_id, error)
    users.delete_state(MESSAGES_SCOPE, str(user.id))


def _draft(context: BotContext) -> dict:
    assert context.user_data is not None
    return context.user_data.setdefault(DRAFT, {})


def _forget_draft(context: BotContext) -> dict:
    assert context.user_data is not None
    return dict(context.user_data.pop(DRAFT, None) or {})
