"""What officials do with a follow-up from a reminder's buttons (Selesai, Minta perpanjangan, Ada kendala), the
secretariat's decision on an extension, and the guided /tindaklanjut tambah.

A button or /tindaklanjut tambah starts a dialogue (`conversation()`, persistent, 30 minutes) whose prompt the
next message in that private chat answers; it runs in a handler group of its own, before the comment capture
and the questions. A message that asks a question instead (and does not reply to the prompt) is answered as
one, and the dialogue is dropped with a one-line notice (bot/handlers/prompts.py). Any other /tindaklanjut
ends it: the user moved on.
"""

from __future__ import annotations

import logging
import re
import warnings
from datetime import date, timedelta
from typing import Any, NoReturn

from telegram import ForceReply, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
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
from bot.handlers.ask import command_arguments, on_private_text
from bot.handlers.prompts import Command, asks_instead, command_of, forget, recall, remember
from bot.jobs.reminders import followup_sessions, local_today, secretariat
from bot.roles import current_user, recheck
from bot.views.followups import APPROVE, DONE, EXTEND, ITEM_PATTERN, extension_keyboard, item_block, long_date
from bot.views.keyboards import parts
from bot.views.render import esc
from knowledge.db import FollowUpRow
from knowledge.operations.dates import parse_indonesian_date
from knowledge.operations.followups import (
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
from knowledge.operations.reminders import is_recipient
from knowledge.operations.units import split_units
from knowledge.operations.users import User, may_manage_followups

log = logging.getLogger(__name__)

DIALOGUE = "tindaklanjut"  # the conversation's name, and its key in user_data
INPUT_TTL = timedelta(minutes=30)  # an abandoned prompt must not swallow tomorrow's question
NOTE_LIMIT = 1000
SKIP = {"-", "—", "tidak ada", "belum ada", "tidak"}

# The conversation's states: what a button asked for, and the steps of /tindaklanjut tambah.
DONE_NOTE, NEW_DATE, ISSUE_TEXT = "done", "extend", "issue"
STEP_TEXT, STEP_UNITS, STEP_DUE, STEP_OFFICIALS = "add:text", "add:units", "add:due", "add:officials"
ADD_STEPS = (STEP_TEXT, STEP_UNITS, STEP_DUE, STEP_OFFICIALS)
END = ConversationHandler.END


# ---- who may do what ------------------------------------------------------------------------------


def may_act_on(user: User, row: FollowUpRow) -> bool:
    """The people the item is for, and the secretariat."""
    return may_manage_followups(user) or is_recipient(user, row)


async def active_user(update: Update, context: BotContext) -> User | None:
    """The approved user behind the update; anyone else is told why not (None)."""
    return await recheck(update, context)


def one_line(text: str | None, limit: int = NOTE_LIMIT) -> str:
    return " ".join((text or "").split())[:limit]


# ---- the dialogue ---------------------------------------------------------------------------------


def conversation() -> ConversationHandler:
    """The prompts of the three buttons and the steps of the guided add, one conversation per private chat."""
    private = filters.ChatType.PRIVATE
    # An answer: text or a file (the evidence for Selesai); of the commands only /lewati, and /batal below.
    answer = private & (((filters.TEXT | filters.Document.ALL) & ~Command()) | Command("lewati"))
    states: dict[object, list[Any]] = {state: [MessageHandler(answer, _answer_in(state))] for state in
                                       (DONE_NOTE, NEW_DATE, ISSUE_TEXT, *ADD_STEPS)}  # fmt: skip
    states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, timed_out)]
    with warnings.catch_warnings():
        # per_message=False is intended: one prompt per chat, whichever reminder's button started it.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CallbackQueryHandler(on_item_button, pattern=ITEM_PATTERN),
                CommandHandler("tindaklanjut", on_command, private),
            ],
            states=states,
            fallbacks=[MessageHandler(private & Command("batal"), cancel)],
            name=DIALOGUE,
            persistent=True,
            conversation_timeout=INPUT_TTL,
            allow_reentry=True,  # a new button or /tindaklanjut replaces the waiting prompt
        )


async def on_command(update: Update, context: BotContext) -> object:
    """/tindaklanjut tambah starts the guided add; any other /tindaklanjut means the user moved on. Either
    way the command goes on to bot/handlers/followups.py, which answers it (and refuses whom it must)."""
    message = update.effective_message
    assert message is not None
    user = current_user(update, context.services.users)
    if user is None or not user.active:
        return None  # refused there; the prompt stays, and its next step says it is over
    if command_arguments(message).partition(" ")[0].lower() != "tambah" or not may_manage_followups(user):
        forget(context, DIALOGUE, update)
        return END
    sent = await message.reply_text(texts.TL_ADD_ASK_TEXT)
    remember(context, DIALOGUE, update, {"draft": {}, "prompt": sent.message_id}, INPUT_TTL)
    return STEP_TEXT


async def cancel(update: Update, context: BotContext) -> object:
    message = update.effective_message
    assert message is not None
    if recall(context, DIALOGUE, update) is None:
        return END  # the prompt lapsed: /batal goes on to the other handlers
    forget(context, DIALOGUE, update)
    await message.reply_text(texts.TL_INPUT_CANCELLED)
    _taken(END)


async def timed_out(update: object, context: BotContext) -> None:
    if isinstance(update, Update):
        forget(context, DIALOGUE, update)


def _answer_in(state: str) -> Any:
    async def on_answer(update: Update, context: BotContext) -> object:
        return await _answer(update, context, state)

    return on_answer


def _taken(state: object) -> NoReturn:
    """The message was the prompt's answer, not a question: no handler after this one sees it."""
    raise ApplicationHandlerStop(state)


async def _answer(update: Update, context: BotContext, state: str) -> object:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    data = recall(context, DIALOGUE, update)
    if data is None:
        return END  # the prompt lapsed: the message goes on, e.g. as a question
    command = command_of(message.text)
    adding = state in ADD_STEPS
    # A note or a date is about the documents' topics by nature: only clear question signals count here.
    if command is None and await asks_instead(update, context, data.get("prompt"), topical=False):
        forget(context, DIALOGUE, update)
        dropped = texts.PROMPT_ADD_DROPPED if adding else texts.PROMPT_INPUT_DROPPED.format(id=data.get("item"))
        await message.reply_text(dropped)
        await on_private_text(update, context)
        _taken(END)
    # Read the role again at every step: an admin may have demoted or deactivated the user since the prompt.
    if adding:
        ended = texts.TL_ADD_ENDED_NO_RIGHT
        user = await recheck(update, context, may_manage_followups, denied=texts.STAFF_RIGHT_LOST, ended=ended)
    else:
        user = await recheck(update, context, ended=texts.TL_INPUT_ENDED)
    if user is None:
        forget(context, DIALOGUE, update)
        _taken(END)
    if adding:
        _taken(await _add_step(update, context, user, state, data, skipped=command == "lewati"))
    if command == "lewati" or (message.text is None and (state != DONE_NOTE or message.document is None)):
        await message.reply_text(texts.TL_INPUT_TEXT_ONLY)
        _taken(state)
    item_id = int(data.get("item", 0))
    row = get_followup(followup_sessions(context.application), item_id)
    if row is None or row.status in CLOSED:
        forget(context, DIALOGUE, update)
        await message.reply_text(_unavailable(row, item_id))
        _taken(END)
    if not may_act_on(user, row):  # e.g. a secretariat member acting on another unit's item, demoted since
        forget(context, DIALOGUE, update)
        await message.reply_text(f"{texts.TL_NOT_YOURS.format(id=row.id)}\n\n{texts.TL_INPUT_ENDED}")
        _taken(END)
    finish = {DONE_NOTE: _finish_done, NEW_DATE: _finish_extension, ISSUE_TEXT: _finish_issue}[state]
    _taken(await finish(update, context, user, row))


def _unavailable(row: FollowUpRow | None, item_id: int) -> str:
    if row is None:
        return texts.TL_NOT_FOUND.format(id=item_id)
    return texts.TL_ALREADY_CLOSED.format(id=row.id, status=texts.TL_STATUS_NAMES.get(row.status, row.status))


# ---- the three buttons ----------------------------------------------------------------------------


async def on_item_button(update: Update, context: BotContext) -> object:
    """A reminder's button: the prompt for its note, date or problem (the conversation's entry point); a
    refusal leaves any waiting prompt as it was."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    user = await active_user(update, context)
    if user is None:
        return None
    _, kind, raw_id = parts(query.data)
    row = get_followup(followup_sessions(context.application), int(raw_id))
    if row is None or row.status in CLOSED:
        await query.answer(_unavailable(row, int(raw_id))[:200], show_alert=True)
        return None
    if not may_act_on(user, row):
        await query.answer(texts.TL_NOT_YOURS.format(id=row.id)[:200], show_alert=True)
        return None
    await query.answer()
    if kind == DONE:
        state, prompt = DONE_NOTE, texts.TL_ASK_DONE_NOTE.format(id=row.id)
    elif kind == EXTEND:
        due = esc(long_date(row.due)) if row.due else texts.TL_NO_DUE
        state, prompt = NEW_DATE, texts.TL_ASK_NEW_DATE.format(id=row.id, due=due)
    else:
        state, prompt = ISSUE_TEXT, texts.TL_ASK_ISSUE.format(id=row.id)
    sent = await context.bot.send_message(chat.id, prompt, reply_markup=ForceReply(selective=True))
    # The prompt's id: a reply to it is its answer, whatever it says.
    remember(context, DIALOGUE, update, {"item": row.id, "prompt": sent.message_id}, INPUT_TTL)
    return state


async def _finish_done(update: Update, context: BotContext, user: User, row: FollowUpRow) -> object:
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
    forget(context, DIALOGUE, update)
    log.info("follow-up %s marked done by user %s%s", row.id, user.id, " with evidence" if document else "")
    await message.reply_text(texts.TL_DONE_THANKS.format(id=row.id))
    text = texts.TL_DONE_FOR_SECRETARIAT.format(
        id=row.id, name=esc(user.name), unit=esc(user.unit or "-"), text=esc(row.text), note=esc(note)
    )
    caption = texts.TL_EVIDENCE_CAPTION.format(id=row.id, name=esc(user.name))
    await notify_secretariat(context, text, exclude=user.id, document=document.file_id if document else None,
                             caption=caption)  # fmt: skip
    return END


async def _finish_extension(update: Update, context: BotContext, user: User, row: FollowUpRow) -> object:
    message = update.effective_message
    assert message is not None and message.text is not None
    today = local_today(context.application)
    proposed = parse_indonesian_date(message.text, today)
    if proposed is None:
        await message.reply_text(texts.TL_BAD_DATE.format(text=esc(one_line(message.text, 80))))
        return NEW_DATE
    floor = max(today, row.due) if row.due else today
    if proposed <= floor:
        await message.reply_text(texts.TL_DATE_NOT_LATER.format(date=esc(long_date(floor))))
        return NEW_DATE
    note = one_line(message.text)
    sessions = followup_sessions(context.application)
    request = request_extension(sessions, row.id, user.id, user.name, proposed, note)
    forget(context, DIALOGUE, update)
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
    return END


async def _finish_issue(update: Update, context: BotContext, user: User, row: FollowUpRow) -> object:
    message = update.effective_message
    assert message is not None
    note = one_line(message.text)
    record_event(followup_sessions(context.application), row.id, actor_ref(user.id, user.name), "kendala dilaporkan",
                 note)  # fmt: skip
    forget(context, DIALOGUE, update)
    log.info("user %s reported a problem with follow-up %s", user.id, row.id)
    text = texts.TL_ISSUE_FOR_SECRETARIAT.format(
        id=row.id, text=esc(row.text), name=esc(user.name), unit=esc(user.unit or "-"), note=esc(note)
    )
    copies = await notify_secretariat(context, text, exclude=user.id)
    reply = texts.TL_ISSUE_SENT.format(id=row.id)
    await message.reply_text(reply if copies else f"{reply}\n\n{texts.TL_NO_SECRETARIAT}")
    return END


async def notify_secretariat(
    context: BotContext,
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
    for person in secretariat(context.services.users):
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


async def on_extension_decision(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    user = await active_user(update, context)
    if user is None:
        return
    if not may_manage_followups(user):
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


async def _close_copies(context: BotContext, copies: list[Any], original: str, note: str) -> None:
    """Every secretariat member's copy shows the outcome, and its buttons go away."""
    for chat_id, message_id in copies or []:
        try:
            await context.bot.edit_message_text(original + note, chat_id=chat_id, message_id=message_id)
        except TelegramError as error:  # deleted, or already showing this text
            log.debug("could not update extension request copy in chat %s: %s", chat_id, error)


# ---- /tindaklanjut tambah ---------------------------------------------------------------------------


async def _add_step(
    update: Update, context: BotContext, user: User, step: str, data: dict[str, Any], *, skipped: bool
) -> object:
    """One answer of the guided add; returns the next step (the same one when the answer is refused)."""
    message = update.effective_message
    assert message is not None
    if message.text is None:
        await message.reply_text(texts.TL_INPUT_TEXT_ONLY)
        return step
    value = "" if skipped else one_line(message.text)
    none = skipped or value.lower() in SKIP
    draft: dict[str, Any] = dict(data.get("draft") or {})
    if step == STEP_TEXT:
        if none or not value:
            await message.reply_text(texts.TL_EMPTY_TEXT)
            return step
        draft["text"], step, prompt = value, STEP_UNITS, texts.TL_ADD_ASK_UNITS
    elif step == STEP_UNITS:
        draft["units"], step, prompt = ([] if none else split_units(value)), STEP_DUE, texts.TL_ADD_ASK_DUE
    elif step == STEP_DUE:
        if not none:
            due = parse_indonesian_date(value, local_today(context.application))
            if due is None:
                await message.reply_text(texts.TL_BAD_DATE.format(text=esc(value[:80])))
                return step
            draft["due"], draft["due_text"] = due.isoformat(), value
        step, prompt = STEP_OFFICIALS, texts.TL_ADD_ASK_OFFICIALS
    else:
        draft["officials"] = [] if none else split_names(value)
        await _save_added(update, context, user, draft)
        return END
    sent = await message.reply_text(prompt)
    remember(context, DIALOGUE, update, {"draft": draft, "prompt": sent.message_id}, INPUT_TTL)
    return step


async def _save_added(update: Update, context: BotContext, user: User, draft: dict[str, Any]) -> None:
    message = update.effective_message
    assert message is not None
    row = add_followup(
        followup_sessions(context.application),
        text=draft["text"],
        units=draft.get("units") or [],
        due=date.fromisoformat(draft["due"]) if draft.get("due") else None,
        due_text=draft.get("due_text"),
        officials=draft.get("officials") or [],
        actor=actor_ref(user.id, user.name),
    )
    forget(context, DIALOGUE, update)
    log.info("user %s recorded follow-up %s", user.id, row.id)
    today = local_today(context.application)
    await message.reply_text(texts.TL_ADD_SAVED.format(id=row.id, item=item_block(row, today)))


def split_names(text: str) -> list[str]:
    return [name.strip(" .") for name in re.split(r"\s*[,;]\s*|\s+dan\s+", text) if name.strip(" .")]
