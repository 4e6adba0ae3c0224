"""What the bot's dialogues share while a prompt waits (a comment after 👍/👎, a follow-up note, an extension
date, a step of /tindaklanjut tambah, the file after /ingest).

Each dialogue is a python-telegram-bot `ConversationHandler` (persistent, one name each); what it has gathered
is kept in `context.user_data` under the dialogue's name and the chat, with the moment the prompt lapses. The
conversation's own timeout ends it while the bot runs; the stored moment also holds across a restart, which
does not bring timeouts back.

The next message answers the prompt when it replies to it or is clearly not a question (the rule is
knowledge/search/dialogue.py); otherwise the caller drops the prompt with a one-line notice and the message is
answered as a question."""

from __future__ import annotations

import asyncio
import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Message, Update
from telegram.ext import filters

from bot.context import BotContext
from bot.jobs.reminders import local_today
from knowledge.search.dialogue import finds_content, reads_as_question

_UNTIL = "until"


async def asks_instead(update: Update, context: BotContext, prompt_id: int | None, *, topical: bool) -> bool:
    """True when the message leaves the prompt aside to ask something. `topical`: a message no other signal
    decides is a question when the documents hold content on it (right for comments on an answer; a
    follow-up note is about the documents' topics by nature, so there it is not asked)."""
    message = update.effective_message
    if message is None or not message.text:
        return False  # a file (e.g. the evidence for a finished follow-up) is never a question
    replied = message.reply_to_message
    if replied is not None and prompt_id is not None and replied.message_id == prompt_id:
        return False
    check = functools.partial(finds_content, context.services.assistant.retriever) if topical else None
    today = local_today(context.application)
    # The topical check searches the knowledge base: CPU work, off the event loop.
    return await asyncio.to_thread(reads_as_question, message.text, today=today, topical=check)


# ---- what a dialogue has gathered -------------------------------------------------------------------


def remember(context: BotContext, dialogue: str, update: Update, data: dict[str, Any], ttl: timedelta) -> None:
    """Keep `data` (JSON values: user_data is persisted) for this chat's `dialogue` until `ttl` from now."""
    until = datetime.now(UTC) + ttl
    _user_data(context)[_key(dialogue, update)] = {**data, _UNTIL: until.isoformat()}


def recall(context: BotContext, dialogue: str, update: Update) -> dict[str, Any] | None:
    """What this chat's `dialogue` has gathered, unless the prompt has lapsed (then None)."""
    data = _user_data(context).get(_key(dialogue, update))
    if not isinstance(data, dict):
        return None
    until = data.get(_UNTIL)
    if not isinstance(until, str) or datetime.fromisoformat(until) <= datetime.now(UTC):
        return None
    return data


def forget(context: BotContext, dialogue: str, update: Update) -> None:
    _user_data(context).pop(_key(dialogue, update), None)


def _user_data(context: BotContext) -> dict[Any, Any]:
    return context.user_data if context.user_data is not None else {}


def _key(dialogue: str, update: Update) -> str:
    # A string: user_data goes through JSON, where integer keys would come back as strings.
    chat = update.effective_chat
    return f"{dialogue}:{chat.id if chat is not None else ''}"


# ---- commands as typed ------------------------------------------------------------------------------


def command_of(text: str | None) -> str | None:
    """ "/Lewati@SinergiBot" -> "lewati"; None for a message that is not a command."""
    if not text or not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0][1:].partition("@")[0].lower()


class Command(filters.MessageFilter):
    """A message typed as a command: any (no names), or one of `names`. Unlike CommandHandler it needs no
    command entity and reads "/batal" whatever follows it, as the prompts always have."""

    def __init__(self, *names: str) -> None:
        super().__init__(name=f"Command({', '.join(names)})")
        self.names = frozenset(names)

    def filter(self, message: Message) -> bool:
        command = command_of(message.text)
        return command is not None and (not self.names or command in self.names)
