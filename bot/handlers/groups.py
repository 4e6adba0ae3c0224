"""The gate in front of every handler: edits and channel posts go no further, and in a group no admin has
allowed, Sinergi says once that it is not enabled there and otherwise stays silent."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.context import BotContext
from bot.roles import in_group

log = logging.getLogger(__name__)

ENABLING_COMMANDS = ("izinkan_grup",)  # must pass the gate, or no group could ever be enabled
_PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def group_gate(update: Update, context: BotContext) -> None:
    if update.edited_message or update.channel_post or update.edited_channel_post:
        # An edited question would be answered twice (and an edited name re-read as the next /daftar step);
        # channels are not a place Sinergi serves.
        raise ApplicationHandlerStop
    if not in_group(update):
        return
    chat = update.effective_chat
    assert chat is not None
    users = context.services.users
    if users.group_allowed(chat.id):
        return
    if _is_enabling_command(update, context.bot.username or ""):
        return
    if update.my_chat_member is not None and update.my_chat_member.new_chat_member.status not in _PRESENT:
        raise ApplicationHandlerStop  # removed from the group: nobody to tell
    if update.callback_query is not None:
        await update.callback_query.answer(texts.GROUP_NOT_ENABLED[:200], show_alert=True)
    elif users.first_notice(chat.id, chat.title or ""):
        log.info("told group %s (%s) that Sinergi is not enabled there", chat.id, chat.title)
        await context.bot.send_message(chat.id, texts.GROUP_NOT_ENABLED)
    raise ApplicationHandlerStop


def _is_enabling_command(update: Update, username: str) -> bool:
    message = update.effective_message
    if message is None or not message.text or not message.text.startswith("/"):
        return False
    command, _, target = message.text.split(maxsplit=1)[0][1:].partition("@")
    return command.lower() in ENABLING_COMMANDS and (not target or target.lower() == username.lower())
