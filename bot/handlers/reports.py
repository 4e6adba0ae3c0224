"""/laporan (secretariat and admins): the follow-up workbook and the progress chart, sent as files; /umpanbalik
(admins): the latest 👎 answers with their question, cited passages and comment, paged with ◀ ▶.

What the report holds and how it is drawn is decided in knowledge/operations/reports.py,
knowledge/operations/workbook.py and knowledge/operations/charts.py; this module reads the filters, sends the
files and renders the feedback pages.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import texts
from bot.context import BotContext
from bot.handlers.ask import command_arguments
from bot.jobs.reminders import followup_sessions, local_today
from bot.roles import admins_only, private_only, requires
from bot.views.keyboards import parts
from bot.views.render import MAX_MESSAGE, esc, local_zone, utf16_len
from knowledge.operations.dates import format_indonesian_date
from knowledge.operations.report_files import ReportFiles, build_report
from knowledge.operations.reports import (
    DONE,
    IN_PROGRESS,
    LATE,
    UNDATED,
    FeedbackLine,
    FeedbackPage,
    FilterError,
    negative_feedback_page,
    parse_filters,
    report_filenames,
)
from knowledge.operations.users import may_read_reports

log = logging.getLogger(__name__)

FEEDBACK_PAGE = "ub"
FEEDBACK_PAGE_PATTERN = rf"^{FEEDBACK_PAGE}:\d{{1,6}}$"
PER_PAGE = 4
# Clips for one feedback entry (characters); halved until a page fits in one message.
CLIPS = {"question": 400, "citations": 300, "comment": 500, "user": 80}
FILTER_ERRORS = {
    "unknown": texts.REPORT_UNKNOWN_FILTER,
    "empty": texts.REPORT_EMPTY_FILTER,
    "date": texts.REPORT_BAD_DATE,
}

staff_only = requires(may_read_reports, denied=texts.REPORT_STAFF_ONLY)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("laporan", on_report))
    app.add_handler(CommandHandler("umpanbalik", on_feedback_review))
    app.add_handler(CallbackQueryHandler(on_feedback_page, pattern=FEEDBACK_PAGE_PATTERN))


# ---- /laporan ---------------------------------------------------------------------------------------------


@private_only  # who is late, unit by unit, is not for a whole group
@staff_only
async def on_report(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    try:
        filters = parse_filters(command_arguments(message))
    except FilterError as error:
        await message.reply_text(FILTER_ERRORS[error.kind].format(text=esc(error.value[:80])))
        return
    application = context.application
    today = local_today(application)
    zone = local_zone(context.services.settings.timezone)
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
    # Reading every item and drawing the chart is CPU work: off the event loop that answers questions.
    files = await asyncio.to_thread(build_report, followup_sessions(application), filters, today=today, zone=zone)
    if filters.any and not files.data.items:
        await message.reply_text(texts.REPORT_NO_ITEMS.format(filters=esc(", ".join(filters.labels()))))
        return
    workbook_name, chart_name = report_filenames(today)
    chart_caption, workbook_caption = captions(files)
    await message.reply_photo(InputFile(files.chart, filename=chart_name), caption=chart_caption)
    await message.reply_document(InputFile(files.workbook, filename=workbook_name), caption=workbook_caption)
    log.info(
        "report for user %s (%s): %d items, %d announcements, %d feedback",
        update.effective_user.id if update.effective_user else None, ", ".join(filters.labels()) or "no filters",
        len(files.data.items), len(files.data.announcements), len(files.data.feedback),
    )  # fmt: skip


def captions(files: ReportFiles) -> tuple[str, str]:
    data = files.data
    labels = data.filters.labels()
    filters = texts.REPORT_FILTERS.format(filters=esc(", ".join(labels))) if labels else ""
    day = format_indonesian_date(data.today)
    totals = data.category_totals
    chart = texts.REPORT_CHART_CAPTION.format(
        date=day, filters=filters, total=sum(totals[c] for c in (DONE, IN_PROGRESS, LATE, UNDATED)),
        done=totals[DONE], progress=totals[IN_PROGRESS], late=totals[LATE], undated=totals[UNDATED],
    )  # fmt: skip
    workbook = texts.REPORT_WORKBOOK_CAPTION.format(
        date=day, filters=filters, items=len(data.items), announcements=len(data.announcements),
        feedback=len(data.feedback),
    )  # fmt: skip
    return chart, workbook


# ---- /umpanbalik ------------------------------------------------------------------------------------------


@private_only  # officials' questions and comments are for the admins' eyes
@admins_only
async def on_feedback_review(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    page = await asyncio.to_thread(_page, context, 0)
    if not page.total:
        await message.reply_text(texts.FEEDBACK_REVIEW_NONE)
        return
    await message.reply_text(feedback_text(page), reply_markup=feedback_keyboard(page))


@admins_only  # read again at every press: an admin demoted since the list was sent gets nothing more
async def on_feedback_page(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    wanted = int(parts(query.data)[1])
    page = await asyncio.to_thread(_page, context, wanted)
    await query.answer()
    if not page.total:
        await query.edit_message_text(texts.FEEDBACK_REVIEW_NONE)
        return
    try:
        await query.edit_message_text(feedback_text(page), reply_markup=feedback_keyboard(page))
    except BadRequest as error:
        if "not modified" not in str(error).lower():  # an old list's button pressed twice: nothing changed
            raise


def _page(context: BotContext, number: int) -> FeedbackPage:
    zone = local_zone(context.services.settings.timezone)
    return negative_feedback_page(followup_sessions(context.application), number, PER_PAGE, zone)


def _moment(local: datetime) -> str:
    """ "8 April 2024 10.15" (the feedback line's time is already local)."""
    return f"{format_indonesian_date(local.date())} {local:%H.%M}"


def feedback_text(page: FeedbackPage) -> str:
    """One page as one message: the clips shrink until it fits Telegram's limit."""
    clips = dict(CLIPS)
    while True:
        header = texts.FEEDBACK_REVIEW_HEADER.format(total=page.total, page=page.page + 1, pages=page.pages)
        text = "\n\n".join([header, *(_entry(line, clips) for line in page.lines)])
        if utf16_len(text) <= MAX_MESSAGE or clips["question"] < 20:
            return text
        clips = {name: limit // 2 for name, limit in clips.items()}


def _entry(line: FeedbackLine, clips: dict[str, int]) -> str:
    citations = "; ".join(line.citations)
    return texts.FEEDBACK_REVIEW_ITEM.format(
        id=line.id,
        at=esc(_moment(line.at)),
        user=esc(_clip(line.user, clips["user"])),
        question=esc(_clip(line.question, clips["question"])),
        citations=esc(_clip(citations, clips["citations"])) if citations else texts.FEEDBACK_REVIEW_NO_CITATIONS,
        comment=esc(_clip(line.comment, clips["comment"])) if line.comment else texts.FEEDBACK_REVIEW_NO_COMMENT,
    )


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def feedback_keyboard(page: FeedbackPage) -> InlineKeyboardMarkup | None:
    buttons = []
    if page.page > 0:
        buttons.append(
            InlineKeyboardButton(texts.FEEDBACK_REVIEW_PREVIOUS, callback_data=f"{FEEDBACK_PAGE}:{page.page - 1}")
        )
    if page.page + 1 < page.pages:
        buttons.append(
            InlineKeyboardButton(texts.FEEDBACK_REVIEW_NEXT, callback_data=f"{FEEDBACK_PAGE}:{page.page + 1}")
        )
    return InlineKeyboardMarkup([buttons]) if buttons else None
