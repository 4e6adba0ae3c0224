"""Questions: private text, /tanya, /pasal, and mentions or replies in allowed groups."""

from __future__ import annotations

import asyncio
import logging
import math
import re
from dataclasses import dataclass

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.ext import CallbackContext

from bot import texts
from bot.context import BotContext
from bot.handlers.info import lookup_examples
from bot.roles import members_only
from bot.services import Services
from bot.views.keyboards import answer_keyboard
from bot.views.render import Source, answer_messages
from knowledge.model import DICABUT
from knowledge.operations.users import MAX_QUESTION_CHARS
from knowledge.search.answer import Answer
from knowledge.search.passages import citation_dict, related_articles

log = logging.getLogger(__name__)

TYPING_EVERY = 4.5  # Telegram shows "typing…" for about 5 seconds per sendChatAction
_PASAL_ARGS = re.compile(
    r"^\s*(?:pasal\s*)?(?P<pasal>\d{1,3}[A-Za-z]?)\b\s*"
    r"(?:\(\s*(?P<ayat1>\d{1,3})\s*\)|ayat\s*\(?\s*(?P<ayat2>\d{1,3})\s*\)?)?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass
class Reply:
    answer: Answer
    related: bool


def pasal_question(arguments: str) -> str | None:
    """`7 ayat 5 PP 19/2022`, `7(5)`, `24` -> the question the Assistant reads as a look-up."""
    match = _PASAL_ARGS.match(arguments)
    if match is None:
        return None
    question = f"Pasal {match.group('pasal').upper()}"
    ayat = match.group("ayat1") or match.group("ayat2")
    if ayat:
        question += f" ayat ({ayat})"
    rest = " ".join(match.group("rest").split())
    return f"{question} {rest}".strip()


def command_arguments(message: Message) -> str:
    """The text after the command, with its line breaks (context.args would flatten them)."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


@members_only
async def on_private_text(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await ask(update, context, update.effective_message.text or "")


async def on_group_text(update: Update, context: BotContext) -> None:
    """In a group only a mention of the bot or a reply to it is a question; the rest is people talking."""
    message = update.effective_message
    if message is None or not message.text:
        return
    replied = message.reply_to_message
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id
    question, mentioned = _strip_mention(message, context.bot.username or "")
    if to_bot or mentioned:
        await members_only(ask)(update, context, question)


@members_only
async def on_tanya(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    question = command_arguments(update.effective_message)
    if not question:
        await update.effective_message.reply_text(texts.ASK_USAGE)
        return
    await ask(update, context, question)


@members_only
async def on_pasal(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    question = pasal_question(command_arguments(update.effective_message))
    if question is None:
        examples = await lookup_examples(context.services)
        await update.effective_message.reply_text(texts.PASAL_USAGE.format(**examples))
        return
    # An explicit look-up stands alone: it must not be read as a follow-up of the previous question, and it does
    # not count toward the questions-per-minute limit.
    await ask(update, context, question, keep_context=False, lookup=True)


async def ask(
    update: Update,
    context: BotContext,
    question: str,
    *,
    keep_context: bool = True,
    lookup: bool = False,
) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    svc = context.services
    question = question.strip()
    if not question:
        await message.reply_text(texts.ASK_USAGE)
        return
    if len(question) > MAX_QUESTION_CHARS:
        limit = _number(MAX_QUESTION_CHARS)
        await message.reply_text(texts.TOO_LONG.format(length=_number(len(question)), limit=limit))
        return
    wait = svc.users.allow_question(user.id, lookup=lookup)
    if wait:
        per_minute = svc.users.rate.limit
        await message.reply_text(texts.RATE_LIMITED.format(limit=per_minute, seconds=max(1, math.ceil(wait))))
        return

    await chat.send_action(ChatAction.TYPING)
    typing = None
    if context.job_queue is not None:
        typing = context.job_queue.run_repeating(
            _keep_typing, interval=TYPING_EVERY, first=TYPING_EVERY, chat_id=chat.id, name=f"typing:{chat.id}"
        )
    conversation = f"{chat.id}:{user.id}" if keep_context else None
    try:
        reply = await asyncio.to_thread(_answer, svc, question, conversation)
    finally:
        if typing is not None:
            typing.schedule_removal()
    await send_answer(update, svc, reply)


def _answer(svc: Services, question: str, conversation: str | None) -> Reply:
    """Runs in a worker thread: retrieval and composition are synchronous and CPU-bound."""
    answer = svc.assistant.ask(question, chat_id=conversation)
    related = bool(answer.citations) and bool(related_articles(svc.assistant.retriever.corpus, answer.citations))
    return Reply(answer, related)


async def send_answer(update: Update, svc: Services, reply: Reply) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    answer = reply.answer
    citations = [citation_dict(r) for r in answer.citations]
    answer_id = svc.users.save_answer(
        chat_id=chat.id,
        user_id=user.id,
        question=answer.question,
        answer=answer.answer,
        mode=answer.mode,
        abstained=answer.abstained,
        citations=citations,
        notices=answer.notices,
    )
    sources = [Source(r.cited_label, r.status == DICABUT) for r in answer.citations]
    parts = answer_messages(answer.answer, sources, answer.notices)
    # An invitation to ask ("🙂", "makasih") is not an answer to rate.
    keyboard = None if answer.mode == "chat" else answer_keyboard(answer_id, len(sources), reply.related)
    quote = chat.type != ChatType.PRIVATE
    for number, part in enumerate(parts, start=1):
        last = number == len(parts)
        await message.reply_text(part, reply_markup=keyboard if last else None, do_quote=quote and number == 1)
    log.info(
        "answered %s in chat %s: mode=%s abstained=%s citations=%d parts=%d %.0f ms",
        answer_id,
        chat.id,
        answer.mode,
        answer.abstained,
        len(citations),
        len(parts),
        answer.timings_ms.get("total", 0.0),
    )


async def _keep_typing(context: CallbackContext) -> None:
    # Typed as the base class: PTB's JobQueue is typed for it, and this job needs nothing of BotContext.
    assert context.job is not None and context.job.chat_id is not None
    await context.bot.send_chat_action(context.job.chat_id, ChatAction.TYPING)


def _strip_mention(message: Message, username: str) -> tuple[str, bool]:
    text = message.text or ""
    handle = f"@{username}".lower()
    mentioned = False
    # Cut from the end so earlier offsets stay valid.
    for entity, value in sorted(
        message.parse_entities([MessageEntity.MENTION]).items(), key=lambda item: item[0].offset, reverse=True
    ):
        if value.lower() == handle:
            mentioned = True
            text = _cut_utf16(text, entity.offset, entity.length)
    return " ".join(text.split()) if mentioned else text, mentioned


def _cut_utf16(text: str, offset: int, length: int) -> str:
    raw = text.encode("utf-16-le")
    return (raw[: offset * 2] + " ".encode("utf-16-le") + raw[(offset + length) * 2 :]).decode("utf-16-le")


def _number(value: int) -> str:
    """1234 -> "1.234", as Indonesian writes thousands."""
    return f"{value:,}".replace(",", ".")
