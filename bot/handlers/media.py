"""Messages Sinergi cannot read (stickers, photos, voice, files, ...) and unknown commands: a short, clear
reply instead of silence or an error."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import filters

from bot import texts
from bot.context import BotContext
from bot.roles import current_user, refusal

UNSUPPORTED = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.CONTACT
)


def media_kind(message: Message) -> str:
    # animation before document: Telegram sends a GIF as both
    for kind in (
        "sticker",
        "photo",
        "voice",
        "audio",
        "video",
        "video_note",
        "animation",
        "document",
        "location",
        "contact",
    ):
        if getattr(message, kind, None):
            return kind
    return "document"


async def on_unsupported(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    user = current_user(update, context.services.users)
    if user is None or not user.active:
        await message.reply_text(refusal(user))
        return
    kind = media_kind(message)  # admins' documents never get here: bot/handlers/documents.py takes them
    await message.reply_text(texts.MEDIA_REPLY.format(kind=texts.UNSUPPORTED_MEDIA[kind]))


async def on_unknown_command(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)
