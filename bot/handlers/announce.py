"""/umumkan (compose, choose the audience, preview, confirm or schedule), /pengumuman (past announcements and
their reports, cancel, re-send), and /berhenti and /langganan for recipients.

The draft lives in the chat_state table (it survives a restart); the queue and the reports are in
knowledge/operations/announcements.py, and bot/jobs/sender.py does the sending.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import re
import warnings
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import texts
from bot.context import BotContext
from bot.handlers.media import media_kind
from bot.jobs.sender import (
    CANCEL,
    CANCEL_PATTERN,
    RESEND_PATTERN,
    cancel_keyboard,
    format_moment,
    number,
    progress_text,
    report_keyboard,
    report_text,
    scheduled_text,
)
from bot.roles import current_user, members_only, private_only, requires
from bot.views.render import esc, utf16_len
from knowledge.db import utcnow
from knowledge.operations.announcements import (
    ACTIVE,
    EVERYONE,
    GROUPS,
    PENDING,
    ROLE,
    SCHEDULED,
    SENT,
    UNITS,
    AnnouncementStore,
    Audience,
    Content,
    ScheduleError,
    parse_schedule,
)
from knowledge.operations.users import ROLES, may_announce, may_announce_mandatory

log = logging.getLogger(__name__)

CONTENT, SETUP = range(2)
TIMEOUT = timedelta(minutes=30)  # an abandoned draft must not take tomorrow's question for a send time
DRAFT = "announce_draft"
PREFIX = "ann"
PATTERN = rf"^{PREFIX}:"
UNITS_PER_PAGE = 8
LIST_SIZE = 10
MAX_TEXT, MAX_CAPTION = 4096, 1024  # Telegram's limits, in UTF-16 code units of the plain text
_COMMAND = re.compile(r"^/umumkan(?:@\w+)?\s*", re.IGNORECASE)
CONTENT_FILTER = (
    (filters.TEXT & ~filters.COMMAND)
    | filters.PHOTO
    | filters.Document.ALL
    | filters.VIDEO
    | filters.AUDIO
    | filters.VOICE
    | filters.ANIMATION
)


def conversation() -> ConversationHandler:
    with warnings.catch_warnings():
        # per_message=False is intended: one draft per user, and its buttons belong to that draft.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("umumkan", start)],
            states={
                CONTENT: [
                    MessageHandler(filters.ChatType.PRIVATE & CONTENT_FILTER, got_content),
                    MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, unsupported_content),
                ],
                SETUP: [
                    CallbackQueryHandler(on_button, pattern=PATTERN),
                    MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, got_text),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[CommandHandler("batal", abort)],
            name="umumkan",
            persistent=True,
            conversation_timeout=TIMEOUT,
            allow_reentry=True,
        )


def store(context: BotContext) -> AnnouncementStore:
    return context.sender.store


async def _drop_draft(update: Update, context: BotContext) -> None:
    """The author lost the right mid-draft: the draft goes, and so do the buttons of its panel."""
    draft = _draft(context, update)
    _forget(context, update)
    chat = update.effective_chat
    if draft is None or not draft.get("panel") or chat is None or update.callback_query is not None:
        return  # a pressed panel is closed by the refusal itself
    try:
        await context.bot.edit_message_reply_markup(chat.id, draft["panel"], reply_markup=None)
    except TelegramError as error:
        log.debug("announcement panel %s already gone: %s", draft["panel"], error)


# The command itself, /pengumuman and its buttons.
staff_only = requires(may_announce, denied=texts.ANN_STAFF_ONLY, result=ConversationHandler.END)
# Every later step of /umumkan: the role is read again at each message and button, since an admin may have
# demoted or deactivated the author since the draft began; then the draft ends and nothing is sent.
staff_step = requires(
    may_announce,
    denied=texts.STAFF_RIGHT_LOST,
    ended=texts.ANN_ENDED_NO_RIGHT,
    cleanup=_drop_draft,
    result=ConversationHandler.END,
)


# ---- composing ---------------------------------------------------------------------------------------------


@staff_only
@private_only
async def start(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    _forget(context, update)
    if message.reply_to_message is not None:  # "/umumkan" as a reply: announce the replied-to message
        return await _take_content(update, context, message.reply_to_message)
    if _COMMAND.sub("", message.text or "").strip():
        return await _take_content(update, context, message, strip_command=True)
    await message.reply_text(texts.ANN_ASK_CONTENT)
    return CONTENT


@staff_step
async def got_content(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None
    return await _take_content(update, context, update.effective_message)


@staff_step
async def unsupported_content(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.ANN_UNSUPPORTED_CONTENT)
    return CONTENT


async def _take_content(update: Update, context: BotContext, source: Message, *, strip_command: bool = False) -> int:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    content = _content_of(source, strip_command)
    if content is None:
        await message.reply_text(texts.ANN_UNSUPPORTED_CONTENT)
        return CONTENT
    too_long = _too_long(content)
    if too_long is not None:
        await message.reply_text(texts.ANN_TOO_LONG.format(length=too_long[0], limit=too_long[1]))
        return CONTENT
    await _send_preview(context, chat.id, content)
    draft: dict[str, Any] = {"content": content, "mandatory": False, "send_at": None, "view": "audience"}
    await _new_panel(update, context, draft)
    return SETUP


def _content_of(message: Message, strip_command: bool) -> dict[str, Any] | None:
    """What the draft keeps of a message: its HTML text, or where to copy its media from."""
    if message.text:
        body = message.text_html
        plain = message.text
        if strip_command:
            body, plain = _COMMAND.sub("", body), _COMMAND.sub("", plain)
        return {"kind": "text", "body": body, "length": utf16_len(plain), "summary": _summary(plain)}
    if not any(getattr(message, kind, None) for kind in ("photo", "document", "video", "audio", "voice", "animation")):
        return None
    kind = media_kind(message)
    name = message.document.file_name if message.document and message.document.file_name else ""
    caption = message.caption or ""
    label = texts.UNSUPPORTED_MEDIA.get(kind, kind)
    return {
        "kind": "copy",
        "chat_id": message.chat_id,
        "message_id": message.message_id,
        "caption": message.caption_html if message.caption else None,
        "length": utf16_len(caption),
        "summary": _summary(f"[{label}{' ' + name if name else ''}] {caption}"),
    }


def _summary(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _too_long(content: dict[str, Any]) -> tuple[int, int] | None:
    """(length, limit) when the text does not fit one message with our header and footer."""
    if content["kind"] != "text":
        return None
    room = MAX_TEXT - (_plain_len(_wrapped("x", mandatory=False)) - 1)
    return (content["length"], room) if content["length"] > room else None


def _wrapped(body: str, *, mandatory: bool) -> str:
    """The HTML recipients get: a header saying what it is, the body, and how to stop (unless mandatory)."""
    parts = [texts.ANN_HEADER_MANDATORY if mandatory else texts.ANN_HEADER]
    if body:
        parts.append(body)
    if not mandatory:
        parts.append(texts.ANN_FOOTER)
    return "\n\n".join(parts)


def _plain_len(html_text: str) -> int:
    return utf16_len(html.unescape(re.sub(r"<[^>]+>", "", html_text)))


def to_content(draft_content: dict[str, Any], mandatory: bool) -> Content:
    if draft_content["kind"] == "text":
        return Content(
            "text", text_html=_wrapped(draft_content["body"], mandatory=mandatory), summary=draft_content["summary"]
        )
    caption: str | None = _wrapped(draft_content.get("caption") or "", mandatory=mandatory)
    if _plain_len(caption or "") > MAX_CAPTION:
        caption = None  # too long with our header: the original caption goes as it is
    return Content(
        "copy",
        source_chat_id=draft_content["chat_id"],
        source_message_id=draft_content["message_id"],
        caption_html=caption,
        summary=draft_content["summary"],
    )


async def _send_preview(context: BotContext, chat_id: int, draft_content: dict[str, Any]) -> None:
    """Show exactly what an ordinary announcement will look like."""
    content = to_content(draft_content, mandatory=False)
    if content.kind == "text":
        await context.bot.send_message(chat_id, content.text_html or "")
    else:
        assert content.source_chat_id is not None and content.source_message_id is not None
        await context.bot.copy_message(
            chat_id, content.source_chat_id, content.source_message_id, caption=content.caption_html
        )
    await context.bot.send_message(chat_id, texts.ANN_PREVIEW_NOTE)


# ---- the panel: audience, options, confirmation -----------------------------------------------------------


@staff_step
async def on_button(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    draft = _draft(context, update)
    if draft is None:
        await query.answer(texts.ANN_STALE, show_alert=True)
        return ConversationHandler.END
    action, _, arg = (query.data or "").removeprefix(f"{PREFIX}:").partition(":")
    handler = _ACTIONS.get(action)
    if handler is None:
        await query.answer()
        return SETUP
    return await handler(update, context, draft, arg)


async def _choose_everyone(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    draft["audience"] = Audience(EVERYONE).to_json()
    draft["audience_label"] = texts.ANN_AUDIENCE_EVERYONE
    return await _show(update, context, draft, "confirm")


async def _choose_groups(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    if not await asyncio.to_thread(store(context).groups):
        return await _alert(update, texts.ANN_NO_GROUPS)
    draft["audience"] = Audience(GROUPS).to_json()
    draft["audience_label"] = texts.ANN_AUDIENCE_GROUPS
    return await _show(update, context, draft, "confirm")


async def _open_units(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    choices = await asyncio.to_thread(store(context).units)
    if not choices:
        return await _alert(update, texts.ANN_NO_UNITS)
    draft["units"] = [[c.key, c.label, c.users] for c in choices]  # a snapshot: buttons carry indexes into it
    draft["selected"], draft["page"] = [], 0
    return await _show(update, context, draft, "units")


async def _toggle_unit(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    index = int(arg) if arg.isdigit() else -1
    if 0 <= index < len(draft.get("units", [])):
        selected = set(draft.get("selected", []))
        selected ^= {index}
        draft["selected"] = sorted(selected)
    return await _show(update, context, draft, "units")


async def _units_page(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    draft["page"] = int(arg) if arg.isdigit() else 0
    return await _show(update, context, draft, "units")


async def _units_done(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    chosen = [draft["units"][i] for i in draft.get("selected", []) if i < len(draft.get("units", []))]
    if not chosen:
        return await _alert(update, texts.ANN_NO_UNIT_CHOSEN)
    draft["audience"] = Audience(UNITS, tuple(key for key, _, _ in chosen)).to_json()
    draft["audience_label"] = _join_labels([label for _, label, _ in chosen])
    return await _show(update, context, draft, "confirm")


async def _open_roles(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    return await _show(update, context, draft, "roles")


async def _choose_role(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    if arg not in ROLES:
        return await _show(update, context, draft, "roles")
    draft["audience"] = Audience(ROLE, role=arg).to_json()
    draft["audience_label"] = texts.ANN_AUDIENCE_ROLE.format(role=texts.ROLE_NAMES.get(arg, arg))
    return await _show(update, context, draft, "confirm")


async def _back_to_audience(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    return await _show(update, context, draft, "audience")


async def _toggle_mandatory(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    user = current_user(update, context.services.users)
    if not may_announce_mandatory(user):
        return await _alert(update, texts.ANN_ADMIN_ONLY_MANDATORY)
    draft["mandatory"] = not draft.get("mandatory")
    return await _show(update, context, draft, "confirm")


async def _ask_time(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    draft["awaiting_time"] = True
    _save(context, update, draft)
    await query.answer()
    await context.bot.send_message(chat.id, texts.ANN_ASK_TIME)
    return SETUP


async def _send_now(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    draft["send_at"] = None
    return await _show(update, context, draft, "confirm")


async def _abort_button(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    query = update.callback_query
    assert query is not None
    _forget(context, update)
    await query.answer()
    await query.edit_message_text(texts.ANN_ABORTED)
    return ConversationHandler.END


async def _confirm(update: Update, context: BotContext, draft: dict, arg: str) -> int:
    query, chat, tg_user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and tg_user is not None and query.message is not None
    user = current_user(update, context.services.users)
    if draft.get("audience") is None:
        return await _show(update, context, draft, "audience")
    if draft.get("mandatory") and not may_announce_mandatory(user):
        # Demoted from admin after making it mandatory: never send it as something other than what was shown.
        draft["mandatory"] = False
        return await _show(update, context, draft, "confirm", alert=texts.ANN_MANDATORY_LOST)
    mandatory = bool(draft.get("mandatory"))
    send_at = _send_at(draft)
    if send_at is not None and send_at <= utcnow():  # the panel waited past the chosen time
        draft["send_at"] = None
        return await _show(update, context, draft, "confirm", alert=texts.ANN_TIME_ERRORS["past"])
    announcements = store(context)
    audience = Audience.from_json(draft["audience"])
    if send_at is None:
        selection = await asyncio.to_thread(announcements.select, audience, mandatory=mandatory)
        if not selection.recipients:
            return await _alert(update, texts.ANN_NO_RECIPIENTS)
    announcement = await asyncio.to_thread(
        functools.partial(
            announcements.create,
            created_by=tg_user.id,
            created_by_name=(user.name if user and user.name else tg_user.full_name),
            content=to_content(draft["content"], mandatory),
            audience=audience,
            audience_label=draft.get("audience_label", ""),
            mandatory=mandatory,
            send_at=send_at,
            progress=(chat.id, query.message.message_id),
        )
    )
    _forget(context, update)
    await query.answer()
    zone = context.sender.zone
    if announcement.status == SCHEDULED:
        text = scheduled_text(announcement, zone)
    else:
        counts = (await asyncio.to_thread(announcements.counts, [announcement.id]))[announcement.id]
        text = progress_text(announcement, Counter({PENDING: sum(counts.values())}), zone)
    log.info(
        "user %s queued announcement %s (%s, mandatory=%s)", tg_user.id, announcement.id, announcement.status, mandatory
    )
    await query.edit_message_text(text, reply_markup=cancel_keyboard(announcement.id))
    context.sender.wake()
    return ConversationHandler.END


_ACTIONS = {
    "all": _choose_everyone,
    "grp": _choose_groups,
    "units": _open_units,
    "u": _toggle_unit,
    "pg": _units_page,
    "ud": _units_done,
    "roles": _open_roles,
    "r": _choose_role,
    "aud": _back_to_audience,
    "mand": _toggle_mandatory,
    "time": _ask_time,
    "now": _send_now,
    "x": _abort_button,
    "send": _confirm,
}


@staff_step
async def got_text(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    draft = _draft(context, update)
    if draft is None:
        await message.reply_text(texts.ANN_STALE)
        return ConversationHandler.END
    if not draft.get("awaiting_time"):
        await message.reply_text(texts.ANN_USE_BUTTONS)
        return SETUP
    zone = context.sender.zone
    try:
        moment = parse_schedule(message.text or "", datetime.now(zone))
    except ScheduleError as error:
        await message.reply_text(texts.ANN_TIME_ERRORS[error.reason])
        return SETUP
    draft["send_at"] = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    draft["awaiting_time"] = False
    draft["view"] = "confirm"
    await _new_panel(update, context, draft)
    return SETUP


async def abort(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None
    _forget(context, update)
    await update.effective_message.reply_text(texts.ANN_ABORTED)
    return ConversationHandler.END


async def timed_out(update: Update, context: BotContext) -> None:
    _forget(context, update)
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.ANN_TIMEOUT)


async def on_stale_button(update: Update, context: BotContext) -> None:
    """A draft button pressed after the draft ended (sent, cancelled, timed out, or the bot restarted)."""
    assert update.callback_query is not None
    await update.callback_query.answer(texts.ANN_STALE, show_alert=True)


async def _show(update: Update, context: BotContext, draft: dict, view: str, *, alert: str | None = None) -> int:
    """Switch the panel (the message with the buttons) to another view."""
    query = update.callback_query
    assert query is not None
    draft["view"] = view
    _save(context, update, draft)
    text, markup = await _panel(context, update, draft)
    if alert:
        await _alert(update, alert)
    else:
        await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except TelegramError as error:  # pressed twice: the message is already what it should be
        log.debug("announcement panel unchanged: %s", error)
    return SETUP


async def _new_panel(update: Update, context: BotContext, draft: dict) -> None:
    chat = update.effective_chat
    assert chat is not None
    old = draft.get("panel")
    text, markup = await _panel(context, update, draft)
    panel = await context.bot.send_message(chat.id, text, reply_markup=markup)
    draft["panel"] = panel.message_id
    _save(context, update, draft)
    if old:
        try:  # one live panel: the older one's buttons go away
            await context.bot.edit_message_reply_markup(chat.id, old, reply_markup=None)
        except TelegramError as error:
            log.debug("old announcement panel %s already gone: %s", old, error)


async def _alert(update: Update, text: str) -> int:
    assert update.callback_query is not None
    await update.callback_query.answer(re.sub(r"<[^>]+>", "", text)[:200], show_alert=True)
    return SETUP


async def _panel(context: BotContext, update: Update, draft: dict) -> tuple[str, InlineKeyboardMarkup]:
    view = draft.get("view", "audience")
    if view == "units":
        return texts.ANN_CHOOSE_UNITS, _units_keyboard(draft)
    if view == "roles":
        return texts.ANN_CHOOSE_ROLE, _roles_keyboard(await asyncio.to_thread(_role_counts, store(context)))
    if view == "confirm" and draft.get("audience") is not None:
        return await _confirm_panel(context, update, draft)
    everyone, groups = await asyncio.to_thread(_audience_sizes, store(context))
    return texts.ANN_CHOOSE_AUDIENCE, _audience_keyboard(everyone, groups)


def _audience_sizes(announcements: AnnouncementStore) -> tuple[int, int]:
    selection = announcements.select(Audience(EVERYONE), mandatory=True)
    return len(selection.recipients), len(announcements.groups())


def _role_counts(announcements: AnnouncementStore) -> dict[str, int]:
    counts = {role: 0 for role in ROLES}
    for role in ROLES:
        counts[role] = len(announcements.select(Audience(ROLE, role=role), mandatory=True).recipients)
    return counts


async def _confirm_panel(context: BotContext, update: Update, draft: dict) -> tuple[str, InlineKeyboardMarkup]:
    mandatory = bool(draft.get("mandatory"))
    audience = Audience.from_json(draft["audience"])
    selection = await asyncio.to_thread(store(context).select, audience, mandatory=mandatory)
    send_at = _send_at(draft)
    zone = context.sender.zone
    text = texts.ANN_CONFIRM.format(
        audience=esc(draft.get("audience_label", "")),
        count=number(len(selection.recipients)),
        opted_out=texts.ANN_OPTED_OUT.format(count=number(selection.opted_out)) if selection.opted_out else "",
        when=format_moment(send_at, zone) if send_at else texts.ANN_NOW,
        kind=texts.ANN_KIND_MANDATORY if mandatory else texts.ANN_KIND_NORMAL,
    )
    user = current_user(update, context.services.users)
    rows = [[_button(texts.ANN_SEND_BUTTON, "send")]]
    rows.append([_button(texts.ANN_SEND_NOW_BUTTON, "now") if send_at else _button(texts.ANN_SCHEDULE_BUTTON, "time")])
    if may_announce_mandatory(user):
        rows.append([_button(texts.ANN_NORMAL_BUTTON if mandatory else texts.ANN_MANDATORY_BUTTON, "mand")])
    rows.append([_button(texts.ANN_CHANGE_AUDIENCE_BUTTON, "aud"), _button(texts.ANN_ABORT_BUTTON, "x")])
    return text, InlineKeyboardMarkup(rows)


def _button(text: str, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"{PREFIX}:{action}")


def _audience_keyboard(everyone: int, groups: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(texts.ANN_EVERYONE_BUTTON.format(count=number(everyone)), "all")],
            [_button(texts.ANN_UNITS_BUTTON, "units"), _button(texts.ANN_ROLE_BUTTON, "roles")],
            [_button(texts.ANN_GROUPS_BUTTON.format(count=number(groups)), "grp")],
            [_button(texts.ANN_ABORT_BUTTON, "x")],
        ]
    )


def _units_keyboard(draft: dict) -> InlineKeyboardMarkup:
    units, selected = draft.get("units", []), set(draft.get("selected", []))
    pages = max(1, -(-len(units) // UNITS_PER_PAGE))
    page = min(max(0, int(draft.get("page", 0))), pages - 1)
    first = page * UNITS_PER_PAGE
    rows = [
        [_button(f"{'✅ ' if i in selected else ''}{label} ({number(count)})", f"u:{i}")]
        for i, (_, label, count) in enumerate(units[first : first + UNITS_PER_PAGE], start=first)
    ]
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(_button(f"« {page}/{pages}", f"pg:{page - 1}"))
        if page < pages - 1:
            nav.append(_button(f"{page + 2}/{pages} »", f"pg:{page + 1}"))
        rows.append(nav)
    rows.append([_button(texts.ANN_NEXT_BUTTON, "ud"), _button(texts.ANN_BACK_BUTTON, "aud")])
    return InlineKeyboardMarkup(rows)


def _roles_keyboard(counts: dict[str, int]) -> InlineKeyboardMarkup:
    rows = [[_button(f"{texts.ROLE_NAMES.get(role, role)} ({number(counts[role])})", f"r:{role}")] for role in ROLES]
    rows.append([_button(texts.ANN_BACK_BUTTON, "aud")])
    return InlineKeyboardMarkup(rows)


def _join_labels(labels: list[str], limit: int = 5) -> str:
    if len(labels) <= limit:
        return ", ".join(labels)
    return ", ".join(labels[:limit]) + f" dan {len(labels) - limit} unit lainnya"


def _send_at(draft: dict) -> datetime | None:
    value = draft.get("send_at")
    return datetime.fromisoformat(value) if value else None


# ---- the draft ---------------------------------------------------------------------------------------------


def _key(update: Update) -> str:
    assert update.effective_user is not None
    return str(update.effective_user.id)


def _draft(context: BotContext, update: Update) -> dict | None:
    value = context.services.users.get_state(DRAFT, _key(update))
    return value if isinstance(value, dict) else None


def _save(context: BotContext, update: Update, draft: dict) -> None:
    context.services.users.set_state(DRAFT, _key(update), draft, ttl=TIMEOUT)


def _forget(context: BotContext, update: Update) -> None:
    context.services.users.delete_state(DRAFT, _key(update))


# ---- /pengumuman, cancelling, re-sending ------------------------------------------------------------------


@staff_only
async def on_list(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    announcements = store(context)
    zone = context.sender.zone
    args = context.args or []
    if args and args[0].lstrip("#").isdigit():
        announcement_id = int(args[0].lstrip("#"))
        announcement = await asyncio.to_thread(announcements.get, announcement_id)
        report = await asyncio.to_thread(announcements.report, announcement_id)
        if announcement is None or report is None:
            await message.reply_text(texts.ANN_NOT_FOUND.format(id=announcement_id))
            return
        active = announcement.status in ACTIVE
        markup = cancel_keyboard(announcement_id) if active else report_keyboard(announcement_id, report)
        await message.reply_text(report_text(announcement, report, zone), reply_markup=markup)
        return
    recent = await asyncio.to_thread(announcements.recent, LIST_SIZE)
    if not recent:
        await message.reply_text(texts.ANN_LIST_EMPTY)
        return
    counts = await asyncio.to_thread(announcements.counts, [a.id for a in recent])
    withdrawn = await asyncio.to_thread(announcements.withdrawn_reasons, [a.id for a in recent])
    lines = [texts.ANN_LIST_TITLE]
    buttons = []
    for announcement in recent:
        status = texts.ANN_STATUS.get(announcement.status, announcement.status)
        if announcement.status == SCHEDULED and announcement.scheduled_at:
            status += f" {format_moment(announcement.scheduled_at, zone)}"
        if announcement.id in withdrawn:
            reason = texts.ANN_WITHDRAWN_REASONS.get(withdrawn[announcement.id], texts.ANN_WITHDRAWN_REASONS["role"])
            status += texts.ANN_WITHDRAWN_MARK.format(reason=reason)
        total = sum(counts[announcement.id].values())
        tally = texts.ANN_LIST_COUNTS.format(sent=number(counts[announcement.id][SENT]), total=number(total))
        mark = " · wajib" if announcement.mandatory else ""
        lines.append(
            f"\n<b>#{announcement.id}</b> · {format_moment(announcement.created_at, zone)} · {esc(status)}{mark}\n"
            f"{esc(announcement.audience_label)} · {tally} · oleh {esc(announcement.created_by_name or '-')}\n"
            f"<i>{esc(announcement.content.summary)}</i>"
        )
        if announcement.status in ACTIVE:
            label = texts.ANN_CANCEL_ITEM_BUTTON.format(id=announcement.id)
            buttons.append([InlineKeyboardButton(label, callback_data=f"{CANCEL}:{announcement.id}")])
    lines.append("\n" + texts.ANN_LIST_HINT)
    await message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons) if buttons else None)


@staff_only
async def on_cancel_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    announcement_id = int((query.data or "").rpartition(":")[2])
    announcements = store(context)
    before = await asyncio.to_thread(announcements.get, announcement_id)
    cancelled = await asyncio.to_thread(announcements.cancel, announcement_id, user.id)
    if not cancelled or before is None:
        await query.answer(texts.ANN_CANCEL_TOO_LATE.format(id=announcement_id), show_alert=True)
        return
    log.info("user %s cancelled announcement %s", user.id, announcement_id)
    await query.answer(texts.ANN_CANCEL_DONE.format(id=announcement_id))
    if before.status == SCHEDULED and before.progress_chat_id and before.progress_message_id:
        try:  # nothing was sent, so there is no report: the panel says it
            await context.bot.edit_message_text(
                texts.ANN_SCHEDULE_CANCELLED.format(id=announcement_id),
                chat_id=before.progress_chat_id,
                message_id=before.progress_message_id,
            )
        except TelegramError as error:
            log.debug("could not update the panel of announcement %s: %s", announcement_id, error)
    context.sender.wake()  # the sender closes it and sends the report


@staff_only
async def on_resend_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    announcement_id = int((query.data or "").rpartition(":")[2])
    count = await asyncio.to_thread(store(context).resend_unknown, announcement_id)
    if not count:
        await query.answer(texts.ANN_NOTHING_TO_RESEND, show_alert=True)
        return
    log.warning("user %s re-queued %d unknown deliveries of announcement %s", user.id, count, announcement_id)
    await query.answer(texts.ANN_RESENT.format(count=count), show_alert=True)
    try:
        await query.edit_message_reply_markup(None)
    except TelegramError as error:
        log.debug("could not remove the re-send button: %s", error)
    context.sender.wake()


# ---- recipients ------------------------------------------------------------------------------------------


@members_only
@private_only
async def on_stop(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None and update.effective_user is not None
    changed = await asyncio.to_thread(store(context).opt_out, update.effective_user.id)
    await update.effective_message.reply_text(texts.ANN_STOPPED if changed else texts.ANN_ALREADY_STOPPED)


@members_only
@private_only
async def on_subscribe(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None and update.effective_user is not None
    changed = await asyncio.to_thread(store(context).opt_in, update.effective_user.id)
    await update.effective_message.reply_text(texts.ANN_SUBSCRIBED if changed else texts.ANN_ALREADY_SUBSCRIBED)


async def on_private_status(update: Update, context: BotContext) -> None:
    """A user blocked or unblocked the bot (Telegram tells us with my_chat_member in the private chat)."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    status = change.new_chat_member.status
    if status == ChatMemberStatus.BANNED:
        await asyncio.to_thread(store(context).blocked, change.chat.id)
    elif status == ChatMemberStatus.MEMBER:
        await asyncio.to_thread(store(context).unblocked, change.chat.id)


def handlers() -> list[Any]:
    """Everything outside the conversation, for bot/app.py (the group-0 handlers, in order)."""
    return [
        CommandHandler("pengumuman", on_list),
        CommandHandler("berhenti", on_stop),
        CommandHandler("langganan", on_subscribe),
        CallbackQueryHandler(on_cancel_button, pattern=CANCEL_PATTERN),
        CallbackQueryHandler(on_resend_button, pattern=RESEND_PATTERN),
        CallbackQueryHandler(on_stale_button, pattern=PATTERN),
    ]
