"""Photos of documents sent by those who may add documents (admins; the secretariat for meeting records).

A photo, an image sent as a file, or an album (photos sharing a media_group_id, which Telegram delivers as
separate messages) is read by OCR as one document; the recognised text is shown back with what it would
become, and only the admin's confirmation ingests it, stored as an image-only PDF like a scanned document.
The work is in ingest/readers/photos.py and ingest/uploads.py; this module collects albums, shows progress, asks.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import texts
from bot.context import BotContext
from bot.handlers import documents, media
from bot.roles import current_user
from bot.views.render import esc, local_zone, pack
from bot.views.upload_report import render_upload
from ingest.readers.photos import PhotoPreview, photos_pdf, preview_photos
from ingest.uploads import Progress, display_name, ingest_upload
from knowledge.operations.users import may_ingest

log = logging.getLogger(__name__)

PREFIX = "foto"
CONFIRM, CANCEL = "ok", "no"
PATTERN = rf"^{PREFIX}:({CONFIRM}|{CANCEL}):[\w-]+$"
ALBUM_WAIT = 1.5  # seconds without a further part before an album is taken as complete
OFFER_TTL = timedelta(hours=2)
PREVIEW_CHARS = 3000  # of recognised text shown; the rest is ingested all the same
_ALBUMS = "sinergi-photo-albums"


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """Register before documents.handlers(), whose catch-all would take image files as ordinary uploads."""
    images = filters.PHOTO | filters.Document.IMAGE
    return [
        MessageHandler(filters.ChatType.PRIVATE & images, on_photo),
        CallbackQueryHandler(on_button, pattern=PATTERN),
    ]


@dataclass
class _Album:
    chat_id: int
    message_id: int  # the first photo's message: replies go to it
    name: str
    parts: list[tuple[int, str]] = field(default_factory=list)  # (message id, file id)


async def on_photo(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    if not may_ingest(current_user(update, context.services.users)):
        await media.on_unsupported(update, context)
        return
    if message.photo:
        file_id, name = message.photo[-1].file_id, f"foto-{message.date:%Y%m%d-%H%M%S}.pdf"
    else:
        assert message.document is not None
        stem = display_name(message.document.file_name).rsplit(".", 1)[0]
        file_id, name = message.document.file_id, f"{stem}.pdf"
    if message.media_group_id is None:
        album = _Album(message.chat_id, message.message_id, name, [(message.message_id, file_id)])
        context.application.create_task(_read(context, album), update=update)
        return
    albums: dict[str, _Album] = context.application.bot_data.setdefault(_ALBUMS, {})
    album = albums.setdefault(message.media_group_id, _Album(message.chat_id, message.message_id, name))
    album.parts.append((message.message_id, file_id))
    context.application.create_task(_when_complete(context, message.media_group_id, len(album.parts)), update=update)


async def _when_complete(context: BotContext, group: str, parts: int) -> None:
    """Read the album once no part has followed this one for ALBUM_WAIT seconds (a later part's wait decides)."""
    await asyncio.sleep(ALBUM_WAIT)
    albums: dict[str, _Album] = context.application.bot_data.get(_ALBUMS, {})
    album = albums.get(group)
    if album is None or len(album.parts) != parts:
        return
    del albums[group]
    await _read(context, album)


async def _read(context: BotContext, album: _Album) -> None:
    """Download the photos, read them by OCR with a progress message, and show the text with the buttons."""
    svc = context.services
    file_ids = [file_id for _, file_id in sorted(album.parts)]
    progress = Progress(texts.PHOTO_PROGRESS.format(pages=len(file_ids)))
    progress.now(texts.DOC_DOWNLOADING)
    shown = await context.bot.send_message(album.chat_id, progress.text(), reply_parameters=_reply_to(album))
    status = documents.ProgressMessage(shown, progress)
    preview: PhotoPreview | None = None
    try:
        photos = await _download(context, file_ids)
        progress.done("diunduh")
        work = asyncio.to_thread(preview_photos, svc.settings, photos, album.name, progress)
        preview = await status.follow(work, svc.settings.upload_progress_seconds)
    except TelegramError as error:
        log.warning("could not download the photos of %s: %s", album.name, error)
    except Exception:
        log.exception("reading the photos of %s failed", album.name)
    pages = len(file_ids)
    if preview is None or not preview.ok:
        progress.title = texts.PHOTO_PROGRESS_FAILED.format(pages=pages)
        progress.now("")
        await status.show()
        reason = preview.pesan if preview is not None else None
        text = texts.PHOTO_FAILED.format(reason=esc(reason)) if reason else texts.PHOTO_INTERNAL_ERROR
        await context.bot.send_message(album.chat_id, text, reply_parameters=_reply_to(album))
        return
    progress.title = texts.PHOTO_PROGRESS_DONE.format(pages=pages)
    progress.now("")
    await status.show()
    token = secrets.token_urlsafe(6)
    offer = {"photos": file_ids, "name": album.name, "chat_id": album.chat_id, "message_id": album.message_id}
    svc.users.set_state("photo-offer", token, offer, ttl=OFFER_TTL)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.PHOTO_CONFIRM_BUTTON, callback_data=f"{PREFIX}:{CONFIRM}:{token}"),
                InlineKeyboardButton(texts.PHOTO_CANCEL_BUTTON, callback_data=f"{PREFIX}:{CANCEL}:{token}"),
            ]
        ]
    )
    parts = pack(_preview_blocks(preview))
    for number, part in enumerate(parts, start=1):
        last = number == len(parts)
        await context.bot.send_message(
            album.chat_id, part, reply_parameters=_reply_to(album), reply_markup=keyboard if last else None
        )


def _preview_blocks(preview: PhotoPreview) -> list[str]:
    confidence = round((preview.confidence or 0) * 100)
    head = [texts.PHOTO_PREVIEW.format(pages=len(preview.pages), confidence=confidence)]
    if preview.identity and preview.kind:
        followups = texts.PHOTO_FOLLOWUPS.format(count=preview.followups) if preview.followups else ""
        head.append(
            texts.PHOTO_RECOGNISED.format(kind=esc(preview.kind), identity=esc(preview.identity), followups=followups)
        )
    else:
        head.append(texts.PHOTO_UNRECOGNISED)
    blocks = ["\n".join(head)]
    left = PREVIEW_CHARS
    for number, text in enumerate(preview.pages, start=1):
        if left <= 0:
            break
        shown = text if len(text) <= left else text[:left].rsplit(" ", 1)[0] + "\n" + texts.PHOTO_CLIPPED
        left -= len(text)
        blocks.append(f"{texts.PHOTO_PAGE.format(number=number)}\n{esc(shown)}")
    return blocks


@documents.uploaders_only
async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    _, action, token = (query.data or "").split(":")
    users = context.services.users
    offer = users.get_state("photo-offer", token)
    if not isinstance(offer, dict):
        await query.answer(texts.PHOTO_EXPIRED, show_alert=True)
        return
    users.delete_state("photo-offer", token)
    await query.answer()
    if action == CANCEL:
        await query.message.edit_reply_markup(None)
        await context.bot.send_message(query.message.chat_id, texts.PHOTO_CANCELLED)
        return
    await query.message.edit_reply_markup(None)
    await context.bot.send_message(query.message.chat_id, texts.PHOTO_TAKEN.format(name=esc(offer["name"])))
    context.application.create_task(_ingest(context, offer), update=update)


async def _ingest(context: BotContext, offer: dict[str, Any]) -> None:
    """The confirmed photos, as the same PDF the preview read, through the ordinary upload (report included)."""
    svc = context.services
    name, chat_id = str(offer["name"]), int(offer["chat_id"])
    upload = documents.Upload("", name, None, chat_id, int(offer["message_id"]))
    progress = Progress(texts.DOC_PROGRESS.format(name=esc(name)))
    progress.now(texts.DOC_DOWNLOADING)
    shown = await context.bot.send_message(chat_id, progress.text(), reply_parameters=_reply_to(upload))
    status = documents.ProgressMessage(shown, progress)
    report = None
    try:
        photos = await _download(context, list(offer["photos"]))
        pdf = await asyncio.to_thread(photos_pdf, photos)
        progress.done("diunduh")
        async with documents._lock(context):  # one knowledge-base job at a time, with the uploads
            work = asyncio.to_thread(
                ingest_upload,
                svc.assistant.store,
                svc.settings,
                pdf,
                name,
                progress,
                refuse=documents._refusal(svc, chat_id),
            )
            report = await status.follow(work, svc.settings.upload_progress_seconds)
    except Exception:
        log.exception("ingesting the photos %s failed", name)
    done = texts.DOC_PROGRESS_DONE if report is not None and report.ok else texts.DOC_PROGRESS_FAILED
    progress.title = done.format(name=esc(name))
    progress.now("")
    await status.show()
    text = render_upload(report, local_zone(svc.settings.timezone)) if report else texts.PHOTO_INTERNAL_ERROR
    for part in pack([text]):
        await context.bot.send_message(chat_id, part, reply_parameters=_reply_to(upload))


async def _download(context: BotContext, file_ids: list[str]) -> list[bytes]:
    photos = []
    for file_id in file_ids:
        file = await context.bot.get_file(file_id)
        photos.append(bytes(await file.download_as_bytearray()))
    return photos


def _reply_to(target: _Album | documents.Upload) -> ReplyParameters:
    return ReplyParameters(target.message_id, allow_sending_without_reply=True)
