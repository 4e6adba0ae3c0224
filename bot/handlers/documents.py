"""Admins manage the knowledge base from Telegram: upload (/ingest), /dokumen, /hapus, /reindex.

The work itself (checks, storing, ingesting, reports) is in ingest/uploads.py and the store, the wording of
the reports in bot/views/upload_report.py; this module
downloads, asks for confirmation, runs one job at a time in a worker thread and shows its progress. Jobs run
as application tasks, so the admin's chat (whose updates are handled in order) is not held up meanwhile,
and everyone else keeps getting answers from the previous state until a job has switched it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import texts
from bot.context import BotContext
from bot.handlers import media
from bot.handlers.ask import command_arguments
from bot.handlers.prompts import forget, recall, remember
from bot.roles import admins_only, current_user, private_only, requires
from bot.services import Services
from bot.views.render import esc, format_time, local_zone, pack
from bot.views.upload_report import (
    beyond_telegram,
    human_size,
    render_removal,
    render_upload,
    size_problem,
    type_name,
)
from ingest.uploads import (
    NOTICE_DAYS,
    Progress,
    UploadReport,
    askers_of_changes,
    display_name,
    find_documents,
    ingest_upload,
    remove_document,
)
from knowledge.db import DocumentRow
from knowledge.index.store import ReindexResult
from knowledge.index.writer import WriterBusy
from knowledge.model import DICABUT
from knowledge.operations.users import may_ingest

log = logging.getLogger(__name__)

PREFIX = "doc"
UPLOAD, REMOVE, KEEP, REINDEX, NO_REINDEX = "up", "del", "keep", "reidx", "noreidx"
PATTERN = rf"^{PREFIX}:({UPLOAD}:[\w-]+|{REMOVE}:\d+|{KEEP}:\d+|{REINDEX}|{NO_REINDEX})$"
AWAIT_MINUTES = 5  # "/ingest, then the file": how long the bot waits for the file
AWAIT_FILE = "file"  # the state of the /ingest conversation: the next file is the document to ingest
DIALOGUE = "ingest"
OFFER_TTL = timedelta(minutes=30)
_INGEST_CAPTION = re.compile(r"^/ingest(?:@\w+)?(?:\s|$)", re.IGNORECASE)
_LOCK = "sinergi-documents-lock"
T = TypeVar("T")


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """Register before media's catch-all, which would otherwise answer the admin's files."""
    private = filters.ChatType.PRIVATE
    return [
        conversation(),
        CommandHandler("dokumen", on_documents),
        CommandHandler("hapus", on_remove),
        CommandHandler("reindex", on_reindex),
        CallbackQueryHandler(on_button, pattern=PATTERN),
        MessageHandler(private & filters.Document.ALL, on_document),
    ]


# --- uploading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    file_id: str
    name: str
    size: int | None
    chat_id: int
    message_id: int  # the admin's message with the file: the report replies to it


uploaders_only = requires(may_ingest, denied=texts.STAFF_ONLY)  # admins; the secretariat for meeting records


def conversation() -> ConversationHandler:
    """ "/ingest, then the file": the next file in that private chat, within AWAIT_MINUTES, is ingested without
    asking. Files before /ingest, or after the wait, are offered with a button (on_document)."""
    wait = timedelta(minutes=AWAIT_MINUTES)
    return ConversationHandler(
        entry_points=[CommandHandler("ingest", on_ingest)],
        states={
            AWAIT_FILE: [MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL, on_awaited_document)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, _timed_out)],
        },
        fallbacks=[],
        name=DIALOGUE,
        persistent=True,
        conversation_timeout=wait,
        allow_reentry=True,  # /ingest again starts the wait again
    )


@uploaders_only
@private_only
async def on_ingest(update: Update, context: BotContext) -> object:
    message = update.effective_message
    assert message is not None
    remember(context, DIALOGUE, update, {}, timedelta(minutes=AWAIT_MINUTES))
    await message.reply_text(texts.DOC_SEND_FILE.format(minutes=AWAIT_MINUTES))
    return AWAIT_FILE


async def on_awaited_document(update: Update, context: BotContext) -> object:
    """The file after /ingest, from whoever may still ingest (read again now); anyone else's file, or one after
    the wait, is handled as any file is (the wait then goes on, as it did before)."""
    if not may_ingest(current_user(update, context.services.users)):
        await media.on_unsupported(update, context)
        return None
    if recall(context, DIALOGUE, update) is None:
        await on_document(update, context)
        return ConversationHandler.END
    forget(context, DIALOGUE, update)
    await start_upload(update, context, _upload_of(update))
    return ConversationHandler.END


async def _timed_out(update: object, context: BotContext) -> None:
    if isinstance(update, Update):
        forget(context, DIALOGUE, update)


def _upload_of(update: Update) -> Upload:
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    return Upload(
        document.file_id, display_name(document.file_name), document.file_size, message.chat_id, message.message_id
    )


async def on_document(update: Update, context: BotContext) -> None:
    """Every file in a private chat outside the /ingest wait: an admin's (or the secretariat's) is ingested when
    its caption is /ingest, otherwise offered with a button; anyone else gets media's reply."""
    message = update.effective_message
    assert message is not None and message.document is not None
    users = context.services.users
    if not may_ingest(current_user(update, users)):
        await media.on_unsupported(update, context)
        return
    upload = _upload_of(update)
    if _INGEST_CAPTION.match(message.caption or ""):
        await start_upload(update, context, upload)
        return
    token = secrets.token_urlsafe(6)
    users.set_state("upload-offer", token, upload.__dict__, ttl=OFFER_TTL)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.DOC_OFFER_BUTTON, callback_data=f"{PREFIX}:{UPLOAD}:{token}")]]
    )
    await message.reply_text(texts.DOC_OFFER.format(name=esc(upload.name)), reply_markup=keyboard)


async def start_upload(update: Update, context: BotContext, upload: Upload) -> None:
    svc = context.services
    problem = size_problem(upload.size, upload.name, svc.settings)  # before downloading anything
    if problem:
        await context.bot.send_message(upload.chat_id, problem, reply_parameters=_reply_to(upload))
        return
    progress = Progress(texts.DOC_PROGRESS.format(name=esc(upload.name)))
    progress.now(texts.DOC_WAITING if _lock(context).locked() else texts.DOC_DOWNLOADING)
    shown = await context.bot.send_message(upload.chat_id, progress.text(), reply_parameters=_reply_to(upload))
    context.application.create_task(_upload(context, upload, ProgressMessage(shown, progress)), update=update)


async def _upload(context: BotContext, upload: Upload, status: ProgressMessage) -> None:
    svc = context.services
    report: UploadReport | None = None
    async with _lock(context):
        status.progress.now(texts.DOC_DOWNLOADING)
        await status.show()
        try:
            data = await _download(context, upload.file_id)
        except TelegramError as error:
            log.warning("could not download %s (%s): %s", upload.name, upload.file_id, error)
            await _finish(status, texts.DOC_PROGRESS_FAILED.format(name=esc(upload.name)))
            too_big = "too big" in str(error).lower()  # the size Telegram announced was missing or wrong
            failed = texts.DOC_DOWNLOAD_FAILED.format(name=esc(upload.name))
            await _reply(context, upload, beyond_telegram(upload.name, upload.size) if too_big else failed)
            return
        status.progress.done(f"diunduh ({human_size(len(data))})")
        try:
            refuse = _refusal(svc, upload.chat_id)
            work = asyncio.to_thread(
                ingest_upload, svc.assistant.store, svc.settings, data, upload.name, status.progress, refuse=refuse
            )
            report = await status.follow(work, svc.settings.upload_progress_seconds)
        except Exception:
            log.exception("upload of %s failed", upload.name)
    if report is None:
        await _finish(status, texts.DOC_PROGRESS_FAILED.format(name=esc(upload.name)))
        await _reply(context, upload, texts.DOC_INTERNAL_ERROR.format(name=esc(upload.name)))
        return
    done = texts.DOC_PROGRESS_DONE if report.ok else texts.DOC_PROGRESS_FAILED
    await _finish(status, done.format(name=esc(upload.name)))
    await _reply(context, upload, render_upload(report, local_zone(svc.settings.timezone)))
    if report.action == "updated":
        await _tell_askers(context, svc, report, upload)


def _refusal(svc: Services, user_id: int) -> Callable[[str, str], str | None]:
    """Why the uploader may not add the recognised document, read from the users table when it is known (the
    role may have changed since the file was sent); None when they may."""

    def refuse(doc_type: str, identity: str) -> str | None:
        user = svc.users.get(user_id)
        if may_ingest(user, doc_type):
            return None
        return texts.DOC_ADMIN_TYPES_ONLY.format(identity=identity) if may_ingest(user) else texts.DOC_UPLOAD_RIGHT_LOST

    return refuse


async def _download(context: BotContext, file_id: str) -> bytes:
    file = await context.bot.get_file(file_id)
    return bytes(await file.download_as_bytearray())


async def _reply(context: BotContext, upload: Upload, text: str) -> None:
    for part in pack([text]):
        await context.bot.send_message(upload.chat_id, part, reply_parameters=_reply_to(upload))


async def _tell_askers(context: BotContext, svc: Services, report: UploadReport, upload: Upload) -> None:
    """Officials who recently asked about an article this version changed get a short notice."""
    askers = await asyncio.to_thread(askers_of_changes, svc.users.sessions, report, exclude=upload.chat_id)
    told = 0
    for asker in askers:
        user = svc.users.get(asker.user_id)
        if user is None or not user.active:
            continue
        text = texts.DOC_CHANGED_NOTICE.format(
            doc=esc(report.doc or ""),
            days=NOTICE_DAYS,
            articles=esc(", ".join(asker.articles)),
            question=esc(_clip(asker.question, 200)),
        )
        try:
            await context.bot.send_message(asker.user_id, text)
            told += 1
        except TelegramError as error:  # never started the bot, or blocked it
            log.warning("could not tell user %s about the changed %s: %s", asker.user_id, report.doc, error)
    if told:
        log.info("told %d users that %s changed", told, report.doc)
        await context.bot.send_message(upload.chat_id, texts.DOC_NOTICES_SENT.format(count=told, days=NOTICE_DAYS))


# --- listing --------------------------------------------------------------------------------------------


@admins_only
@private_only
async def on_documents(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    svc = context.services
    rows = await asyncio.to_thread(svc.assistant.store.documents)
    if not rows:
        await update.effective_message.reply_text(texts.NO_DOCUMENTS + "\n\n" + texts.DOC_LIST_FOOTER)
        return
    folder = svc.settings.docs_dir.resolve()
    zone = local_zone(svc.settings.timezone)
    blocks = [texts.DOC_LIST_HEADER.format(count=len(rows))]
    for number, row in enumerate(rows, start=1):
        blocks.append(f"{number}. {_document_lines(row, folder, zone)}")
    blocks.append(texts.DOC_LIST_FOOTER)
    for message in pack(blocks):
        await update.effective_message.reply_text(message)


def _document_lines(row: DocumentRow, folder: Path, zone: ZoneInfo) -> str:
    title = f" — {esc(row.title)}" if row.title and row.title != row.doc else ""
    if row.status == DICABUT:
        status = "<b>dicabut</b>" + (f" oleh {esc(row.revoked_by)}" if row.revoked_by else "")
    else:
        status = esc(row.status)
    where = texts.DOC_LIST_UPLOADED if Path(row.source).parent == folder else texts.DOC_LIST_SERVER
    return (
        f"<b>{esc(row.doc)}</b>{title}\n"
        f"{esc(type_name(row.doc_type))} · {status} · {row.passage_count} bagian\n"
        f"versi {format_time(row.ingested_at, zone)} · berkas {esc(Path(row.source).name)} ({where})"
    )


# --- removing -------------------------------------------------------------------------------------------


@admins_only
@private_only
async def on_remove(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    name = command_arguments(message)
    if not name:
        await message.reply_text(texts.DOC_REMOVE_USAGE)
        return
    svc = context.services
    rows = await asyncio.to_thread(find_documents, svc.assistant.store, name)
    if not rows:
        await message.reply_text(texts.DOC_NOT_FOUND.format(name=esc(name)))
        return
    if len(rows) > 1:
        choices = "\n".join(f"• <b>{esc(r.doc)}</b> (berkas {esc(Path(r.source).name)})" for r in rows[:10])
        await message.reply_text(texts.DOC_AMBIGUOUS.format(name=esc(name), choices=choices))
        return
    row = rows[0]
    folder = svc.settings.docs_dir.resolve()
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.DOC_REMOVE_BUTTON, callback_data=f"{PREFIX}:{REMOVE}:{row.id}"),
                InlineKeyboardButton(texts.DOC_CANCEL_BUTTON, callback_data=f"{PREFIX}:{KEEP}:{row.id}"),
            ]
        ]
    )
    title = f" — {esc(row.title)}" if row.title and row.title != row.doc else ""
    details = _document_lines(row, folder, local_zone(svc.settings.timezone)).split("\n", 1)[1]
    await message.reply_text(
        texts.DOC_REMOVE_CONFIRM.format(doc=esc(row.doc), title=title, details=details), reply_markup=keyboard
    )


async def _remove(context: BotContext, chat_id: int, source: str) -> None:
    svc = context.services
    try:
        async with _lock(context):
            report = await asyncio.to_thread(remove_document, svc.assistant.store, svc.settings, source)
    except Exception:
        log.exception("removing %s failed", source)
        await context.bot.send_message(chat_id, texts.DOC_REMOVE_FAILED)
        return
    await context.bot.send_message(chat_id, render_removal(report) if report else texts.DOC_REMOVE_GONE)


# --- reindexing -----------------------------------------------------------------------------------------


@admins_only
@private_only
async def on_reindex(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    rows = await asyncio.to_thread(context.services.assistant.store.documents)
    if not rows:
        await update.effective_message.reply_text(texts.DOC_REINDEX_EMPTY)
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.DOC_REINDEX_BUTTON, callback_data=f"{PREFIX}:{REINDEX}"),
                InlineKeyboardButton(texts.DOC_CANCEL_BUTTON, callback_data=f"{PREFIX}:{NO_REINDEX}"),
            ]
        ]
    )
    await update.effective_message.reply_text(
        texts.DOC_REINDEX_CONFIRM.format(documents=len(rows), passages=sum(r.passage_count for r in rows)),
        reply_markup=keyboard,
    )


async def _reindex(context: BotContext, status: ProgressMessage) -> None:
    svc = context.services
    store = svc.assistant.store
    result: ReindexResult | None = None
    async with _lock(context):
        status.progress.now("embedding…")
        await status.show()

        def run() -> ReindexResult:
            return store.reindex(
                lambda n, total: status.progress.now(f"embedding {n}/{total}"),
                on_wait=lambda who: status.progress.now(f"menunggu {who} selesai…"),
            )

        try:
            result = await status.follow(asyncio.to_thread(run), svc.settings.upload_progress_seconds)
        except WriterBusy as busy:
            log.warning("reindex gave up waiting for the writer lock: %s", busy.holder)
        except Exception:
            log.exception("reindex failed")
    chat_id = status.message.chat_id
    if result is None:
        await _finish(status, texts.DOC_REINDEX_PROGRESS_FAILED)
        await context.bot.send_message(chat_id, texts.DOC_REINDEX_FAILED)
        return
    log.info("reindexed %d passages into %s in %.1f s", result.passages, result.collection, result.seconds)
    status.progress.done(f"embedding {result.vectors}/{result.vectors}")
    await _finish(status, texts.DOC_REINDEX_PROGRESS_DONE)
    await context.bot.send_message(
        chat_id,
        texts.DOC_REINDEX_DONE.format(
            passages=result.passages,
            documents=result.documents,
            vectors=result.vectors,
            seconds=f"{result.seconds:.1f}".replace(".", ","),
        ),
    )


# --- buttons --------------------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    # Adding a document is the secretariat's right too; removing and reindexing stay with the admins.
    upload = (query.data or "").split(":")[1:2] == [UPLOAD]
    await (_upload_button if upload else _admin_button)(update, context)


@uploaders_only
async def _upload_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    token = (query.data or "").split(":")[2]
    users = context.services.users
    offer = users.get_state("upload-offer", token)
    if not isinstance(offer, dict):
        await query.answer(texts.DOC_OFFER_EXPIRED, show_alert=True)
        return
    users.delete_state("upload-offer", token)
    await query.answer()
    upload = Upload(**offer)
    await query.message.edit_text(texts.DOC_OFFER_TAKEN.format(name=esc(upload.name)))
    await start_upload(update, context, upload)


@admins_only
async def _admin_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    _, action, *rest = (query.data or "").split(":")
    message = query.message
    svc = context.services
    if action in (REMOVE, KEEP):
        row = await asyncio.to_thread(_document_by_id, svc, int(rest[0]))
        await query.answer()
        if row is None:
            await message.edit_text(texts.DOC_REMOVE_GONE)
        elif action == KEEP:
            await message.edit_text(texts.DOC_REMOVE_CANCELLED)
        else:
            await message.edit_text(texts.DOC_REMOVING.format(doc=esc(row.doc)))
            context.application.create_task(_remove(context, message.chat_id, row.source), update=update)
    elif action == REINDEX:
        await query.answer()
        progress = Progress(texts.DOC_REINDEX_PROGRESS)
        progress.now(texts.DOC_WAITING if _lock(context).locked() else "embedding…")
        await message.edit_text(progress.text())
        status = ProgressMessage(message, progress, progress.text())
        context.application.create_task(_reindex(context, status), update=update)
    else:
        await query.answer()
        await message.edit_text(texts.DOC_REINDEX_CANCELLED)


def _document_by_id(svc: Services, row_id: int) -> DocumentRow | None:
    # The row id changes with every version: a confirmation given for an older version removes nothing.
    return next((r for r in svc.assistant.store.documents() if r.id == row_id), None)


# --- progress -------------------------------------------------------------------------------------------


class ProgressMessage:
    """A message showing a job's stages, edited at most every few seconds (Telegram limits edits too)."""

    def __init__(self, message: Message, progress: Progress, shown: str | None = None) -> None:
        self.message = message
        self.progress = progress
        self.shown = shown if shown is not None else progress.text()

    async def show(self) -> None:
        text = self.progress.text()
        if text == self.shown:
            return  # Telegram refuses an edit that changes nothing
        try:
            await self.message.edit_text(text)
            self.shown = text
        except BadRequest as error:
            log.debug("progress edit refused: %s", error)
        except TelegramError as error:  # progress is a courtesy: never fail the job over it
            log.warning("could not edit the progress message: %s", error)

    async def follow(self, work: Awaitable[T], every: float) -> T:
        """Await `work`, refreshing the message meanwhile."""
        task = asyncio.ensure_future(work)
        while True:
            done, _ = await asyncio.wait({task}, timeout=max(every, 0.05))
            if done:
                return task.result()
            await self.show()


async def _finish(status: ProgressMessage, title: str) -> None:
    status.progress.title = title
    status.progress.now("")
    await status.show()


# --- helpers --------------------------------------------------------------------------------------------


def _lock(context: BotContext) -> asyncio.Lock:
    """One knowledge-base job at a time (uploads, removals, reindex), in arrival order."""
    data = context.application.bot_data
    if _LOCK not in data:
        data[_LOCK] = asyncio.Lock()
    return data[_LOCK]


def _reply_to(upload: Upload) -> ReplyParameters:
    # The admin may have deleted the file's message meanwhile: the answer still goes out.
    return ReplyParameters(upload.message_id, allow_sending_without_reply=True)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
