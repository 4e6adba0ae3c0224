"""/tindaklanjut: officials see their own open items (with the reminder buttons), the secretariat sees and
filters all of them and records, edits and closes items, also by replying to a bot message that names "#ID".

A list is one message per screen: ◀ ▶ and the filter buttons edit it in place (bot/views/followups.py). The
status filter and page travel in the button; the unit and meeting filters typed after the command (and the
unit chooser's list) are kept per chat and user in the chat state, so a button press shows the same list.
The secretariat also decides "mungkin duplikat" pairs here (knowledge/operations/duplicates.py).

Every change goes through knowledge/operations/followups.py, which writes who and when into the item's history.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import texts
from bot.context import BotContext
from bot.handlers import followup_actions as actions
from bot.handlers.ask import command_arguments
from bot.jobs.reminders import followup_sessions, local_today, zone
from bot.roles import say
from bot.services import services_of
from bot.views.followups import (
    DUPLICATES_PATTERN,
    EXTENSION_PATTERN,
    NOOP,
    STATUS_FILTERS,
    UNITS_PATTERN,
    VIEW_PATTERN,
    AttentionSummary,
    Screen,
    detail_messages,
    duplicate_screen,
    item_block,
    item_ids_in,
    list_screen,
    status_code,
    units_screen,
)
from bot.views.render import esc
from knowledge.db import FollowUpRow
from knowledge.model import FOLLOWUP_STATUSES
from knowledge.operations.dates import parse_indonesian_date
from knowledge.operations.duplicates import DuplicateError, decide_pair, open_pairs
from knowledge.operations.followups import (
    CLOSED,
    DIBATALKAN,
    OPEN,
    SELESAI,
    FollowUpError,
    actor_ref,
    counts_by_unit,
    get_followup,
    list_followups,
    update_followup,
)
from knowledge.operations.reminders import attention, is_recipient
from knowledge.operations.units import display_unit, split_units
from knowledge.operations.users import APPROVED, User, may_manage_followups

log = logging.getLogger(__name__)

COMMAND = "tindaklanjut"
FILTER_WORDS = ("unit", "status", "rapat")
# Field words of "/tindaklanjut ubah ID FIELD VALUE" and of replies -> the item's attribute.
FIELDS = {
    "tenggat": "due", "batas": "due", "unit": "units", "pic": "units", "teks": "text", "uraian": "text",
    "pejabat": "officials", "status": "status",
}  # fmt: skip
FIELD_NAMES = {"due": "tenggat", "units": "unit", "text": "uraian", "officials": "pejabat", "status": "status"}
REPLY_VERBS = frozenset({*FIELDS, "selesai", "batal", "berjalan"})
_FILTER_SPLIT = re.compile(rf"(?:^|\s)({'|'.join(FILTER_WORDS)})\s+", re.IGNORECASE)
_STATUS_ALIASES = {"terbuka": OPEN, "belum": OPEN, "aktif": OPEN, "tutup": CLOSED}


def register(app: Application, capture_group: int) -> None:
    """The "#ID" replies run in `capture_group` (before the comment capture and the questions); commands and
    buttons in the main group. The reminder buttons' prompts and the guided add are a conversation of their
    own (followup_actions.conversation, registered by bot/app.py before the capture group)."""
    app.add_handler(MessageHandler(AwaitedInput(app), on_captured), capture_group)
    app.add_handler(CommandHandler(COMMAND, on_command))
    app.add_handler(CallbackQueryHandler(actions.on_extension_decision, pattern=EXTENSION_PATTERN))
    app.add_handler(CallbackQueryHandler(on_view_button, pattern=VIEW_PATTERN))
    app.add_handler(CallbackQueryHandler(on_noop, pattern=rf"^{NOOP}$"))
    app.add_handler(CallbackQueryHandler(on_units_button, pattern=UNITS_PATTERN))
    app.add_handler(CallbackQueryHandler(on_duplicates_button, pattern=DUPLICATES_PATTERN))


class AwaitedInput(filters.MessageFilter):
    """Private replies to a bot message naming "#ID" that read as a change ("selesai ...", "tenggat ...").
    Anything else goes on to the other handlers untouched."""

    def __init__(self, application: Application) -> None:
        super().__init__(name="followup_input")
        self.application = application

    def filter(self, message: Message) -> bool:
        if message.chat.type != ChatType.PRIVATE or message.from_user is None:
            return False
        if message.text is None:
            return False
        users = services_of(self.application).users
        change = reply_change(message, self.application.bot.id)
        if change is None:
            return False
        # Officials may only report their item done this way; any other reply of theirs is a question.
        return change.verb == "selesai" or may_manage_followups(users.get(message.from_user.id))


@dataclass
class ReplyChange:
    item_ids: list[int]
    words: str  # "selesai sudah dikirim", "tenggat 30 April 2024"
    verb: str  # "selesai", "tenggat"


def reply_change(message: Message, bot_id: int) -> ReplyChange | None:
    replied = message.reply_to_message
    text = (message.text or "").strip()
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id or not text:
        return None
    named = item_ids_in(text.split(maxsplit=1)[0]) if text.startswith("#") else []
    words = text.split(maxsplit=1)[1] if named and " " in text else ("" if named else text)
    verb = words.split(maxsplit=1)[0].lower().rstrip(":") if words else ""
    ids = named or item_ids_in(replied.text or replied.caption)
    if verb not in REPLY_VERBS or not ids:
        return None
    return ReplyChange(ids, words, verb)


async def on_captured(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    change = reply_change(message, context.bot.id)
    if change is None:
        return
    await _on_reply(update, context, change)
    raise ApplicationHandlerStop  # the message was the change, not a question


# ---- /tindaklanjut --------------------------------------------------------------------------------


async def on_command(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    if chat.type != ChatType.PRIVATE:
        await say(update, context, texts.PRIVATE_ONLY)  # items and who is late are not for a whole group
        return
    user = await actions.active_user(update, context)
    if user is None:
        return
    # A new command means the user moved on: followup_actions.conversation, which runs first, dropped any prompt.
    arguments = command_arguments(message)
    verb, _, rest = arguments.partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if not arguments:
        await _show_list(update, context, user, Filters())
    elif verb in FILTER_WORDS:
        filters_ = parse_filters(arguments)
        if filters_.error:
            await message.reply_text(filters_.error)
            return
        await _show_list(update, context, user, filters_)
    elif verb == "lihat" or verb.lstrip("#").isdigit():
        await _detail(update, context, user, rest if verb == "lihat" else verb)
    elif verb == "selesai":
        await _close(update, context, user, rest, SELESAI)
    elif verb in ("batal", "batalkan"):
        await _close(update, context, user, rest, DIBATALKAN)
    elif verb == "ubah":
        await _edit(update, context, user, rest)
    elif verb == "tambah":
        # The guided add itself is followup_actions.conversation, which runs first and asked its first question.
        await _secretariat_only(update, context, user)
    else:
        await message.reply_text(usage(user))


def usage(user: User) -> str:
    return texts.TL_USAGE_MEMBER + (texts.TL_USAGE_SECRETARIAT if may_manage_followups(user) else "")


async def _secretariat_only(update: Update, context: BotContext, user: User) -> bool:
    if may_manage_followups(user):
        return True
    await say(update, context, texts.TL_SECRETARIAT_ONLY)
    return False


@dataclass
class Filters:
    unit: str | None = None
    statuses: tuple[str, ...] = ()
    meeting: str | None = None
    labels: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.unit or self.statuses or self.meeting)


def parse_filters(arguments: str) -> Filters:
    """ "unit Bappeda Jabar status terlambat" -> filters (words may come in any order and combine)."""
    result = Filters()
    pieces = _FILTER_SPLIT.split(" " + arguments)
    for word, value in zip(pieces[1::2], pieces[2::2], strict=False):
        word, value = word.lower(), " ".join(value.split())
        if not value:
            continue
        if word == "unit":
            result.unit = value
        elif word == "rapat":
            result.meeting = value
        else:
            status = value.lower()
            if status not in FOLLOWUP_STATUSES and status not in _STATUS_ALIASES:
                result.error = texts.TL_BAD_STATUS.format(status=esc(value))
                return result
            result.statuses = _STATUS_ALIASES.get(status, (status,))
        result.labels.append(f"{word} {value}")
    return result


# ---- list screens ---------------------------------------------------------------------------------

VIEW_SCOPE = "tl_view"
VIEW_TTL = timedelta(days=7)


def _view_key(chat_id: int, user_id: int) -> str:
    return f"{chat_id}:{user_id}"


def _view_state(context: BotContext, chat_id: int, user_id: int) -> dict[str, Any]:
    value = context.services.users.get_state(VIEW_SCOPE, _view_key(chat_id, user_id))
    return value if isinstance(value, dict) else {}


def _save_view(context: BotContext, chat_id: int, user_id: int, state: dict[str, Any]) -> None:
    users = context.services.users
    users.set_state(VIEW_SCOPE, _view_key(chat_id, user_id), state, ttl=VIEW_TTL)


async def _show_list(update: Update, context: BotContext, user: User, wanted: Filters) -> None:
    """The command's answer: the first screen, a new message; its buttons edit it from then on."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    state = {"unit": wanted.unit, "meeting": wanted.meeting}
    _save_view(context, chat.id, user.id, state)
    code = status_code(wanted.statuses) if wanted.statuses else "t"
    screen = _list_screen(context, user, state, code, 0)
    if screen is None:
        none = texts.TL_LIST_NONE_OWN.format(unit=esc(user.unit or "-")) if not may_manage_followups(user) and (
            not wanted.any
        ) else texts.TL_LIST_NONE  # fmt: skip
        await message.reply_text(none)
        return
    await message.reply_text(screen.text, reply_markup=screen.keyboard)


def _rows(context: BotContext, user: User, state: dict[str, Any], code: str) -> list[FollowUpRow]:
    """The items a screen lists: the status filter, the unit and meeting kept for this chat, and for an
    official only their own; "u"/"x" are the secretariat's undated and not-yet-reminded open items."""
    today = local_today(context.application)
    rows = list_followups(
        followup_sessions(context.application), statuses=list(STATUS_FILTERS[code]), unit=state.get("unit"),
        meeting=state.get("meeting"), today=today,
    )  # fmt: skip
    if not may_manage_followups(user):
        return [r for r in rows if is_recipient(user, r)]
    if code == "u":
        return [r for r in rows if r.due is None]
    if code == "x":
        people = context.services.users.list_users(APPROVED)
        return list(attention(rows, people, today).unassigned)
    return rows


def _list_screen(context: BotContext, user: User, state: dict[str, Any], code: str, page: int) -> Screen | None:
    """The screen for a filter and page; None when an unfiltered first look finds nothing at all."""
    today = local_today(context.application)
    secretariat = may_manage_followups(user)
    rows = _rows(context, user, state, code)
    labels = [f"{word} {state[key]}" for word, key in (("unit", "unit"), ("rapat", "meeting")) if state.get(key)]
    summary = None
    if secretariat and code == "t" and not labels:  # the whole picture comes with what needs the secretariat
        people = context.services.users.list_users(APPROVED)
        pairs = open_pairs(followup_sessions(context.application))
        summary = AttentionSummary.of(attention(rows, people, today), len(pairs))
    if not rows and not summary and code == "t":
        return None
    return list_screen(
        rows, today, code=code, page=page, filters=", ".join(labels), unit=state.get("unit"), own=not secretariat,
        summary=summary,
    )  # fmt: skip


async def _show_screen(update: Update, screen: Screen) -> None:
    """Show `screen` in the message whose button was pressed (nothing to do when it is unchanged)."""
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(screen.text, reply_markup=screen.keyboard)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def on_noop(update: Update, context: BotContext) -> None:
    """The page number between ◀ and ▶ is a label."""
    assert update.callback_query is not None
    await update.callback_query.answer()


async def on_view_button(update: Update, context: BotContext) -> None:
    """◀ ▶ and the status filters: the same list, another page or filter, in the same message."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    user = await actions.active_user(update, context)
    if user is None:
        return
    _, code, raw_page = (query.data or "").split(":")
    if code in ("u", "x") and not may_manage_followups(user):
        await query.answer(texts.TL_STAFF_ONLY_ALERT, show_alert=True)
        return
    await query.answer()
    state = _view_state(context, chat.id, user.id)
    screen = _list_screen(context, user, state, code, int(raw_page))
    if screen is None:
        screen = Screen(texts.TL_LIST_NONE if may_manage_followups(user) else texts.TL_LIST_NONE_OWN.format(
            unit=esc(user.unit or "-")))  # fmt: skip
    await _show_screen(update, screen)


async def on_units_button(update: Update, context: BotContext) -> None:
    """The unit chooser (secretariat): the units of the open items, then the list of the one chosen."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    user = await actions.active_user(update, context)
    if user is None:
        return
    if not may_manage_followups(user):
        await query.answer(texts.TL_STAFF_ONLY_ALERT, show_alert=True)
        return
    parts_ = (query.data or "").split(":")
    state = _view_state(context, chat.id, user.id)
    if parts_[1] == "all":
        state["unit"] = None
    elif parts_[1] == "x":
        units = state.get("units") or []
        index = int(parts_[2])
        if index >= len(units):
            await query.answer(texts.TL_UNITS_EXPIRED, show_alert=True)
            return
        state["unit"] = units[index]
    else:  # "p": a page of the chooser
        everything = {**state, "unit": None}
        counts = counts_by_unit(_rows(context, user, everything, "t"), local_today(context.application))
        state["units"] = [c.unit for c in counts]
        _save_view(context, chat.id, user.id, state)
        await query.answer()
        title = texts.TL_VIEW_TITLES["t"]
        await _show_screen(update, units_screen([(c.unit, c.open) for c in counts], int(parts_[2]), title))
        return
    _save_view(context, chat.id, user.id, state)
    await query.answer()
    screen = _list_screen(context, user, state, "t", 0) or Screen(texts.TL_LIST_NONE)
    await _show_screen(update, screen)


async def on_duplicates_button(update: Update, context: BotContext) -> None:
    """ "Mungkin duplikat": look through the pairs, merge one ("Gabungkan") or say they differ."""
    query = update.callback_query
    assert query is not None
    user = await actions.active_user(update, context)
    if user is None:
        return
    if not may_manage_followups(user):
        await query.answer(texts.TL_STAFF_ONLY_ALERT, show_alert=True)
        return
    _, action, raw = (query.data or "").split(":")
    sessions = followup_sessions(context.application)
    today = local_today(context.application)
    if action == "v":
        await query.answer()
        await _show_screen(update, duplicate_screen(open_pairs(sessions), int(raw), today))
        return
    pairs = {p.id: p for p in open_pairs(sessions)}
    pair = pairs.get(int(raw))
    try:
        decide_pair(sessions, int(raw), action == "m", actor_ref(user.id, user.name))
    except DuplicateError as error:
        log.info("duplicate decision refused: %s", error)
        await query.answer(texts.TL_DUP_GONE, show_alert=True)
    else:
        assert pair is not None
        done = texts.TL_DUP_MERGED if action == "m" else texts.TL_DUP_DISMISSED
        log.info("user %s %s duplicate pair %s", user.id, "merged" if action == "m" else "dismissed", raw)
        await query.answer(done.format(item=pair.item.id, other=pair.other.id))
    await _show_screen(update, duplicate_screen(open_pairs(sessions), 0, today))


async def _item(update: Update, context: BotContext, user: User, raw: str) -> FollowUpRow | None:
    """The item named by "12" or "#12", if it exists and this user may see it (else they are told)."""
    message = update.effective_message
    assert message is not None
    digits = raw.strip().lstrip("#")
    if not digits.isdigit():
        await message.reply_text(usage(user))
        return None
    row = get_followup(followup_sessions(context.application), int(digits))
    if row is None:
        await message.reply_text(texts.TL_NOT_FOUND.format(id=digits))
        return None
    if not actions.may_act_on(user, row):
        await message.reply_text(texts.TL_NOT_YOURS.format(id=row.id))
        return None
    return row


async def _detail(update: Update, context: BotContext, user: User, raw: str) -> None:
    message = update.effective_message
    assert message is not None
    row = await _item(update, context, user, raw.split(maxsplit=1)[0] if raw else "")
    if row is None:
        return
    settings = context.services.settings
    for text in detail_messages(row, local_today(context.application), zone(settings.timezone)):
        await message.reply_text(text)


async def _close(update: Update, context: BotContext, user: User, rest: str, status: str) -> None:
    """`selesai ID catatan` (the item's officials or the secretariat) / `batal ID catatan` (secretariat)."""
    message = update.effective_message
    assert message is not None
    raw, _, note = rest.partition(" ")
    if status == DIBATALKAN and not await _secretariat_only(update, context, user):
        return
    row = await _item(update, context, user, raw)
    if row is None:
        return
    await _apply(update, context, user, row, {"status": status}, actions.one_line(note) or None)


async def _edit(update: Update, context: BotContext, user: User, rest: str) -> None:
    """`ubah ID FIELD VALUE`, secretariat only."""
    if not await _secretariat_only(update, context, user):
        return
    raw, _, change = rest.partition(" ")
    row = await _item(update, context, user, raw)
    if row is None:
        return
    await _change_words(update, context, user, row, change)


async def _change_words(update: Update, context: BotContext, user: User, row: FollowUpRow, words: str) -> None:
    """ "tenggat 30 April 2024", "unit A, B", "status berjalan", "selesai catatan", "batal catatan"."""
    message = update.effective_message
    assert message is not None
    verb, _, value = words.strip().partition(" ")
    verb, value = verb.lower().rstrip(":"), value.strip()
    if verb in ("selesai", "batal", "berjalan"):
        status = {"selesai": SELESAI, "batal": DIBATALKAN, "berjalan": "berjalan"}[verb]
        await _apply(update, context, user, row, {"status": status}, actions.one_line(value) or None)
        return
    name = FIELDS.get(verb)
    if name is None:
        await message.reply_text(texts.TL_BAD_FIELD.format(field=esc(verb or "-")))
        return
    changes = _parse_value(name, value, context)
    if isinstance(changes, str):
        await message.reply_text(changes)
        return
    await _apply(update, context, user, row, changes, None)


def _parse_value(name: str, value: str, context: BotContext) -> dict[str, Any] | str:
    """The changes a field word and its value mean, or the message explaining why they cannot be read."""
    empty = value.strip().lower() in actions.SKIP or not value.strip()
    if name == "due":
        if empty:
            return {"due": None, "due_text": None}
        due = parse_indonesian_date(value, local_today(context.application))
        return {"due": due, "due_text": value} if due else texts.TL_BAD_DATE.format(text=esc(value[:80]))
    if name == "units":
        return {"units": [] if empty else split_units(value)}
    if name == "officials":
        return {"officials": [] if empty else actions.split_names(value)}
    if name == "status":
        status = value.strip().lower()
        return {"status": status} if status in FOLLOWUP_STATUSES else texts.TL_BAD_STATUS.format(status=esc(value))
    return {"text": value} if not empty else texts.TL_EMPTY_TEXT


async def _apply(
    update: Update,
    context: BotContext,
    user: User,
    row: FollowUpRow,
    changes: dict[str, Any],
    note: str | None,
) -> None:
    message = update.effective_message
    assert message is not None
    secretariat = may_manage_followups(user)
    if not secretariat and (set(changes) != {"status"} or changes["status"] != SELESAI):
        await message.reply_text(texts.TL_SECRETARIAT_ONLY)  # officials may only report their item done
        return
    if "units" in changes:
        changes["units"] = [display_unit(u) for u in changes["units"]]
    try:
        updated, made = update_followup(
            followup_sessions(context.application), row.id, actor_ref(user.id, user.name), note=note, **changes
        )
    except FollowUpError as error:
        log.warning("follow-up %s change refused: %s", row.id, error)
        await message.reply_text(texts.TL_NOT_FOUND.format(id=row.id))
        return
    log.info("user %s changed follow-up %s: %s", user.id, row.id, "; ".join(made) or "nothing")
    today = local_today(context.application)
    if not made:
        await message.reply_text(texts.TL_UNCHANGED.format(id=row.id))
        return
    fields = ", ".join(dict.fromkeys(FIELD_NAMES.get(change.split(":")[0], change) for change in made))
    await message.reply_text(
        f"{texts.TL_CHANGED.format(id=row.id, changes=esc(fields))}\n\n{item_block(updated, today)}"
    )
    if not secretariat and updated.status == SELESAI:
        text = texts.TL_DONE_FOR_SECRETARIAT.format(
            id=row.id, name=esc(user.name), unit=esc(user.unit or "-"), text=esc(row.text), note=esc(note or "-")
        )
        await actions.notify_secretariat(context, text, exclude=user.id)


async def _on_reply(update: Update, context: BotContext, change: ReplyChange) -> None:
    message = update.effective_message
    assert message is not None
    user = await actions.active_user(update, context)
    if user is None:
        return
    if len(change.item_ids) > 1:
        await message.reply_text(texts.TL_REPLY_WHICH.format(id=change.item_ids[0]))
        return
    row = await _item(update, context, user, str(change.item_ids[0]))
    if row is not None:
        await _change_words(update, context, user, row, change.words)
