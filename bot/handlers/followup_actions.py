"""What officials do with a follow-up from a reminder's buttons (Selesai, Minta perpanjangan, Ada kendala), the
secretariat's decision on an extension, and the guided /tindaklanjut tambah.

A button or /tindaklanjut tambah leaves an *awaited input* (chat state, 30 minutes) that the next message in
that private chat answers; bot/handlers/followups.py routes it here before any other handler sees it. A
message that asks a question instead (and does not reply to the prompt) is answered as one, and the input is
dropped with a one-line notice (bot/handlers/prompts.py).
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from typing import Any

from telegram import ForceReply, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.followup_views import APPROVE, DONE, EXTEND, extension_keyboard, item_block, long_date
from bot.handlers.ask import on_private_text
from bot.handlers.prompts import asks_instead
from bot.keyboards import parts
from bot.reminders import followup_sessions, local_today, secretariat
from bot.render import esc
from bot.roles import recheck
from bot.services import services
from knowledge.dates import parse_indonesian_date
from knowledge.db import FollowUpRow
from knowledge.followups import (
    CLOSED,
    SELESAI,
    FollowUpError,
    actor_ref,
    add_followup,
    decide_extension,
    get_followup,
    record_event,
    request_extension,
    set_request_messages,
    update_followup,
)
from knowledge.reminders import is_recipient
from knowledge.units import split_units
from knowledge.users import User, is_staff

log = logging.getLogger(__name__)

INPUT_SCOPE = "followup_input"
INPUT_TTL = timedelta(minutes=30)  # an abandoned prompt must not swallow tomorrow's question
NOTE_LIMIT = 1000
SKIP = {"-", "—", "tidak ada", "belum ada", "tidak"}

# Kinds of awaited input, and the steps of /tindaklanjut tambah.
DONE_NOTE, NEW_DATE, ISSUE_TEXT, ADD = "done", "extend", "issue", "add"
STEP_TEXT, STEP_UNITS, STEP_DUE, STEP_OFFICIALS = "text", "units", "due", "officials"


# ---- who may do what ------------------------------------------------------------------------------


def is_secretariat(user: User | None) -> bool:
    return is_staff(user)


def may_act_on(user: User, row: FollowUpRow) -> bool:
    """The people the item is for, and the secretariat."""
    return is_secretariat(user) or is_recipient(user, row)


async def active_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> User | None:
    """The approved user behind the update; anyone else is told why not (None)."""
    return await recheck(update, context)


def one_line(text: str | None, limit: int = NOTE_LIMIT) -> str:
    return " ".join((text or "").split())[:limit]


# ---- awaited input --------------------------------------------------------------------------------


def input_key(chat_id: int, user_id: int) -> str:
    return f"{chat_id}:{user_id}"


def awaited(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> dict[str, Any] | None:
    value = services(context).users.get_state(INPUT_SCOPE, input_key(chat_id, user_id))
    return value if isinstance(value, dict) else None


def await_input(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int, value: dict[str, Any]) -> None:
    services(context).users.set_state(INPUT_SCOPE, input_key(chat_id, user_id), value, ttl=INPUT_TTL)


def forget_input(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> bool:
    return services(context).users.delete_state(INPUT_SCOPE, input_key(chat_id, user_id))


async def handle_input(update: Update, context: ContextTypes.DEFAULT_TYPE, state: dict[str, Any]) -> None:
    message, chat, tg_user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and tg_user is not None
    command = _command(message.text)
    if command == "batal":
        forget_input(context, chat.id, tg_user.id)
        await message.reply_text(texts.TL_INPUT_CANCELLED)
        return
    kind = state.get("kind")
    # A note or a date is about the documents' topics by nature: only clear question signals count here.
    if command is None and await asks_instead(update, context, state.get("prompt"), topical=False):
        forget_input(context, chat.id, tg_user.id)
        dropped = texts.PROMPT_ADD_DROPPED if kind == ADD else texts.PROMPT_INPUT_DROPPED.format(id=state.get("item"))
        await message.reply_text(dropped)
        await on_private_text(update, context)
        return
    # Read the role again at every step: an admin may have demoted or deactivated the user since the prompt.
    if kind == ADD:
        ended = texts.TL_ADD_ENDED_NO_RIGHT
        user = await recheck(update, context, is_staff, denied=texts.STAFF_RIGHT_LOST, ended=ended)
    else:
        user = await recheck(update, context, ended=texts.TL_INPUT_ENDED)
    if user is None:
        forget_input(context, chat.id, tg_user.id)
        return
    if kind == ADD:
        await _add_step(update, context, user, state, skipped=command == "lewati")
        return
    if command == "lewati" or (message.text is None and (kind != DONE_NOTE or message.document is None)):
        await message.reply_text(texts.TL_INPUT_TEXT_ONLY)
        return
    row = get_followup(followup_sessions(context.application), int(state.get("item", 0)))
    if row is None or row.status in CLOSED:
        forget_input(context, chat.id, tg_user.id)
        await message.reply_text(_unavailable(row, int(state.get("item", 0))))
        return
    if not may_act_on(user, row):  # e.g. a secretariat member acting on another unit's item, demoted since
        forget_input(context, chat.id, tg_user.id)
        await message.reply_text(f"{texts.TL_NOT_YOURS.format(id=row.id)}\n\n{texts.TL_INPUT_ENDED}")
        return
    handler = {DONE_NOTE: _finish_done, NEW_DATE: _finish_extension, ISSUE_TEXT: _finish_issue}.get(str(kind))
    if handler is None:
        forget_input(context, chat.id, tg_user.id)
        return
    await handler(update, context, user, row)


def _command(text: str | None) -> str | None:
    if not text or not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0][1:].partition("@")[0].lower()


def _unavailable(row: FollowUpRow | None, item_id: int) -> str:
    if row is None:
        return texts.TL_NOT_FOUND.format(id=item_id)
    return texts.TL_ALREADY_CLOSED.format(id=row.id, status=texts.TL_STATUS_NAMES.get(row.status, row.status))


# ---- the three buttons ----------------------------------------------------------------------------


async def on_item_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    user = await active_user(update, context)
    if user is None:
        return
    _, kind, raw_id = parts(query.data)
    row = get_followup(followup_sessions(context.application), int(raw_id))
    if row is None or row.status in CLOSED:
        await query.answer(_unavailable(row, int(raw_id))[:200], show_alert=True)
        return
    if not may_act_on(user, row):
        await query.answer(texts.TL_NOT_YOURS.format(id=row.id)[:200], show_alert=True)
        return
    await query.answer()
    today = local_today(context.application)
    if kind == DONE:
        state, prompt = DONE_NOTE, texts.TL_ASK_DONE_NOTE.format(id=row.id)
    elif kind == EXTEND:
        due = esc(long_date(row.due)) if row.due else texts.TL_NO_DUE
        state, prompt = NEW_DATE, texts.TL_ASK_NEW_DATE.format(id=row.id, due=due)
    else:
        state, prompt = ISSUE_TEXT, texts.TL_ASK_ISSUE.format(id=row.id)
    sent = await context.bot.send_message(chat.id, prompt, reply_markup=ForceReply(selective=True))
    # The prompt's id: a reply to it is its answer, whatever it says.
    await_input(
        context, chat.id, user.id,
        {"kind": state, "item": row.id, "asked": today.isoformat(), "prompt": sent.message_id},
    )  # fmt: skip


async def _finish_done(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, row: FollowUpRow) -> None:
    message = update.effective_message
    assert message is not None
    document = message.document
    note = one_line(message.text or message.caption) or "-"
    history_note = note
    if document is not None:
        history_note += f" [bukti: {document.file_name or 'dokumen'}, file_id {document.file_id}]"
    update_followup(
        followup_sessions(context.application), row.id, actor_ref(user.id, user.name), note=history_note,
        status=SELESAI,
    )  # fmt: skip
    forget_input(context, message.chat_id, user.id)
    log.info("follow-up %s marked done by user %s%s", row.id, user.id, " with evidence" if document else "")
    await message.reply_text(texts.TL_DONE_THANKS.format(id=row.id))
    text = texts.TL_DONE_FOR_SECRETARIAT.format(
        id=row.id, name=esc(user.name), unit=esc(user.unit or "-"), text=esc(row.text), note=esc(note)
    )
    caption = texts.TL_EVIDENCE_CAPTION.format(id=row.id, name=esc(user.name))
    await notify_secretariat(context, text, exclude=user.id, document=document.file_id if document else None,
                             caption=caption)  # fmt: skip


async def _finish_extension(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, row: FollowUpRow) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    today = local_today(context.application)
    proposed = parse_indonesian_date(message.text, today)
    if proposed is None:
        await message.reply_text(texts.TL_BAD_DATE.format(text=esc(one_line(message.text, 80))))
        return
    floor = max(today, row.due) if row.due else today
    if proposed <= floor:
        await message.reply_text(texts.TL_DATE_NOT_LATER.format(date=esc(long_date(floor))))
        return
    note = one_line(message.text)
    sessions = followup_sessions(context.application)
    request = request_extension(sessions, row.id, user.id, user.name, proposed, note)
    forget_input(context, message.chat_id, user.id)
    log.info("user %s asks to extend follow-up %s to %s (request %s)", user.id, row.id, proposed, request.id)
    text = texts.TL_EXTENSION_FOR_SECRETARIAT.format(
        id=row.id, text=esc(row.text), name=esc(user.name), unit=esc(user.unit or "-"),
        current=esc(long_date(row.due)) if row.due else texts.TL_NO_DUE, proposed=esc(long_date(proposed)),
        note=esc(note),
    )  # fmt: skip
    copies = await notify_secretariat(context, text, exclude=None, keyboard=extension_keyboard(request.id))
    set_request_messages(sessions, request.id, [[m.chat_id, m.message_id] for m in copies])
    reply = texts.TL_EXTENSION_SENT.format(id=row.id, date=esc(long_date(proposed)))
    await message.reply_text(reply if copies else f"{reply}\n\n{texts.TL_NO_SECRETARIAT}")


async def _finish_issue(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, row: FollowUpRow) -> None:
    message = update.effective_message
    assert message is not None
    note = one_line(message.text)
    record_event(followup_sessions(context.application), row.id, actor_ref(user.id, user.name), "kendala dilaporkan",
                 note)  # fmt: skip
    forget_input(context, message.chat_id, user.id)
    log.info("user %s reported a problem with follow-up %s", user.id, row.id)
    text = texts.TL_ISSUE_FOR_SECRETARIAT.format(
        id=row.id, text=esc(row.text), name=esc(user.name), unit=esc(user.unit or "-"), note=esc(note)
    )
    copies = await notify_secretariat(context, text, exclude=user.id)
    reply = texts.TL_ISSUE_SENT.format(id=row.id)
    await message.reply_text(reply if copies else f"{reply}\n\n{texts.TL_NO_SECRETARIAT}")


async def notify_secretariat(
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    *,
    exclude: int | None,
    keyboard: Any = None,
    document: str | None = None,
    caption: str | None = None,
) -> list[Message]:
    """Send to every secretariat member (admins while there is none); one who blocked the bot does not stop
    the others. Returns the messages carrying `text`, e.g. to close their buttons later."""
    sent: list[Message] = []
    for person in secretariat(services(context).users):
        if person.id == exclude:
            continue
        try:
            sent.append(await context.bot.send_message(person.id, text, reply_markup=keyboard))
            if document:
                await context.bot.send_document(person.id, document, caption=caption)
        except TelegramError as error:
            log.warning("could not notify secretariat member %s: %s", person.id, error)
    return sent


# ---- the secretariat decides on an extension --------------------------------------------------------


async def on_extension_decision(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    user = await active_user(update, context)
    if user is None:
        return
    if not is_secretariat(user):
        await query.answer(texts.TL_SECRETARIAT_ONLY, show_alert=True)
        return
    _, verdict, raw_id = parts(query.data)
    try:
        decision = decide_extension(
            followup_sessions(context.application), int(raw_id), verdict == APPROVE, user.id, user.name
        )
    except FollowUpError:
        await query.answer(texts.TL_NOT_FOUND.format(id=raw_id), show_alert=True)
        return
    request = decision.request
    original = query.message.text_html if query.message is not None and hasattr(query.message, "text_html") else ""
    if not decision.changed:
        await query.answer(texts.TL_EXTENSION_ALREADY.format(status=request.status), show_alert=True)
        await _close_copies(context, request.messages, original, f"\n\nStatus: {esc(request.status)}.")
        return
    approved = verdict == APPROVE
    await query.answer("Disetujui." if approved else "Ditolak.")
    note = texts.TL_EXTENSION_DECIDED_NOTE.format(
        mark="✅" if approved else "❌", verdict="Disetujui" if approved else "Ditolak", name=esc(user.name)
    )
    await _close_copies(context, request.messages, original, note)
    log.info("extension request %s %s by user %s", request.id, "approved" if approved else "rejected", user.id)
    item = decision.item
    assert item is not None
    if approved:
        told = texts.TL_EXTENSION_APPROVED_USER.format(id=item.id, date=esc(long_date(request.proposed_due)))
    else:
        told = texts.TL_EXTENSION_REJECTED_USER.format(
            id=item.id, date=esc(long_date(item.due)) if item.due else texts.TL_NO_DUE
        )
    try:
        await context.bot.send_message(request.user_id, told)
    except TelegramError as error:
        log.warning("could not tell user %s about extension request %s: %s", request.user_id, request.id, error)


async def _close_copies(context: ContextTypes.DEFAULT_TYPE, copies: list[Any], original: str, note: str) -> None:
    """Every secretariat member's copy shows the outcome, and its buttons go away."""
    for chat_id, message_id in copies or []:
        try:
            await context.bot.edit_message_text(original + note, chat_id=chat_id, message_id=message_id)
        except TelegramError as error:  # deleted, or already showing this text
            log.debug("could not update extension request copy in chat %s: %s", chat_id, error)


# ---- /tindaklanjut tambah ---------------------------------------------------------------------------


async def start_add(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    sent = await message.reply_text(texts.TL_ADD_ASK_TEXT)
    await_input(context, chat.id, user.id, {"kind": ADD, "step": STEP_TEXT, "draft": {}, "prompt": sent.message_id})


async def _add_step(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, state: dict[str, Any], *, skipped: bool
) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    if message.text is None:
        await message.reply_text(texts.TL_INPUT_TEXT_ONLY)
        return
    value = "" if skipped else one_line(message.text)
    none = skipped or value.lower() in SKIP
    draft: dict[str, Any] = dict(state.get("draft") or {})
    step = state.get("step")
    if step == STEP_TEXT:
        if none or not value:
            await message.reply_text(texts.TL_EMPTY_TEXT)
            return
        draft["text"], step, prompt = value, STEP_UNITS, texts.TL_ADD_ASK_UNITS
    elif step == STEP_UNITS:
        draft["units"], step, prompt = ([] if none else split_units(value)), STEP_DUE, texts.TL_ADD_ASK_DUE
    elif step == STEP_DUE:
        if not none:
            due = parse_indonesian_date(value, local_today(context.application))
            if due is None:
                await message.reply_text(texts.TL_BAD_DATE.format(text=esc(value[:80])))
                return
            draft["due"], draft["due_text"] = due.isoformat(), value
        step, prompt = STEP_OFFICIALS, texts.TL_ADD_ASK_OFFICIALS
    else:
        draft["officials"] = [] if none else split_names(value)
        await _save_added(update, context, user, draft)
        return
    sent = await message.reply_text(prompt)
    await_input(context, chat.id, user.id, {"kind": ADD, "step": step, "draft": draft, "prompt": sent.message_id})


async def _save_added(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, draft: dict[str, Any]) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    row = add_followup(
        followup_sessions(context.application),
        text=draft["text"],
        units=draft.get("units") or [],
        due=date.fromisoformat(draft["due"]) if draft.get("due") else None,
        due_text=draft.get("due_text"),
        officials=draft.get("officials") or [],
        actor=actor_ref(user.id, user.name),
    )
    forget_input(context, chat.id, user.id)
    log.info("user %s recorded follow-up %s", user.id, row.id)
    today = local_today(context.application)
    await message.reply_text(texts.TL_ADD_SAVED.format(id=row.id, item=item_block(row, today)))


def split_names(text: str) -> list[str]:
    return [name.strip(" .") for name in re.split(r"\s*[,;]\s*|\s+dan\s+", text) if name.strip(" .")]
