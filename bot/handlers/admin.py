"""Admin commands: /pengguna, /peran, /nonaktifkan, /izinkan_grup, /cabut_grup."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.context import BotContext
from bot.roles import admins_only, in_group
from bot.views.render import esc, pack
from knowledge.operations.users import APPROVED, INACTIVE, PENDING, REJECTED, ROLES, User, UserError

log = logging.getLogger(__name__)

_STATUS_ORDER = (PENDING, APPROVED, INACTIVE, REJECTED)


@admins_only
async def on_users(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    users = context.services.users
    everyone = users.list_users()
    if not everyone:
        await update.effective_message.reply_text(texts.USERS_EMPTY)
        return
    blocks: list[str] = []
    for status in _STATUS_ORDER:
        group = [u for u in everyone if u.status == status]
        if group:
            heading = f"<b>{esc(texts.STATUS_NAMES[status].capitalize())} ({len(group)})</b>"
            blocks.append("\n".join([heading, *(_user_line(u) for u in group)]))
    groups = users.groups()
    if groups:
        lines = [f"• {esc(title or str(cid))} — {'aktif' if on else 'tidak aktif'}" for cid, title, on in groups]
        blocks.append("\n".join(["<b>Grup</b>", *lines]))
    blocks.append("Ubah peran dengan /peran USER_ID PERAN; nonaktifkan dengan /nonaktifkan USER_ID.")
    for message in pack(blocks):
        await update.effective_message.reply_text(message)


@admins_only
async def on_role(update: Update, context: BotContext) -> None:
    message, admin = update.effective_message, update.effective_user
    assert message is not None and admin is not None
    args = context.args or []
    if len(args) != 2 or not args[0].lstrip("-").isdigit():
        await message.reply_text(texts.ROLE_USAGE)
        return
    user_id, role = int(args[0]), args[1].lower()
    users = context.services.users
    if role not in ROLES:
        await message.reply_text(texts.UNKNOWN_ROLE.format(role=esc(args[1])))
        return
    if users.get(user_id) is None:
        await message.reply_text(texts.UNKNOWN_USER.format(user_id=user_id))
        return
    try:
        user = users.set_role(user_id, role, admin.id)
    except UserError:
        await message.reply_text(texts.BOOTSTRAP_ADMIN_FIXED)
        return
    log.info("admin %s set the role of user %s to %s", admin.id, user_id, role)
    await message.reply_text(texts.ROLE_CHANGED.format(name=esc(user.name or "-"), user_id=user_id, role=role))
    await _tell(context, user_id, texts.ROLE_CHANGED_USER.format(role=role))


@admins_only
async def on_deactivate(update: Update, context: BotContext) -> None:
    message, admin = update.effective_message, update.effective_user
    assert message is not None and admin is not None
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("-").isdigit():
        await message.reply_text(texts.DEACTIVATE_USAGE)
        return
    user_id = int(args[0])
    users = context.services.users
    if users.get(user_id) is None:
        await message.reply_text(texts.UNKNOWN_USER.format(user_id=user_id))
        return
    if user_id == admin.id:
        await message.reply_text(texts.CANNOT_DEACTIVATE_SELF)
        return
    try:
        user = users.deactivate(user_id, admin.id)
    except UserError:
        await message.reply_text(texts.BOOTSTRAP_ADMIN_FIXED)
        return
    log.info("admin %s deactivated user %s", admin.id, user_id)
    await message.reply_text(texts.DEACTIVATED.format(name=esc(user.name or "-"), user_id=user_id))
    await _tell(context, user_id, texts.DEACTIVATED_USER)


@admins_only
async def on_allow_group(update: Update, context: BotContext) -> None:
    await _set_group(update, context, allowed=True)


@admins_only
async def on_disallow_group(update: Update, context: BotContext) -> None:
    await _set_group(update, context, allowed=False)


async def _set_group(update: Update, context: BotContext, *, allowed: bool) -> None:
    message, chat, admin = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and admin is not None
    if not in_group(update):
        await message.reply_text(texts.GROUP_ONLY)
        return
    context.services.users.set_group_allowed(chat.id, chat.title or "", allowed, admin.id)
    log.info("admin %s %s group %s", admin.id, "allowed" if allowed else "disallowed", chat.id)
    await message.reply_text(texts.GROUP_ENABLED if allowed else texts.GROUP_DISABLED)


def _user_line(user: User) -> str:
    handle = f" · @{esc(user.username)}" if user.username else ""
    unit = esc(user.unit) if user.unit else "unit belum diisi"
    role = texts.ROLE_NAMES.get(user.role, user.role)
    return f"• <b>{esc(user.name or 'Tanpa nama')}</b> — {unit}\n  ID <code>{user.id}</code> · {esc(role)}{handle}"


async def _tell(context: BotContext, user_id: int, text: str) -> None:
    try:
        await context.bot.send_message(user_id, text)
    except TelegramError as error:  # the user may never have started the bot, or blocked it
        log.warning("could not notify user %s: %s", user_id, error)
