"""A prompt the bot is waiting on (a comment after 👍/👎, a follow-up note, an extension date) and the next
message: it answers the prompt when it replies to it or is clearly not a question (the rule is
knowledge/dialogue.py); otherwise the caller drops the prompt with a one-line notice and the message is
answered as a question."""

from __future__ import annotations

import asyncio
import functools

from telegram import Update
from telegram.ext import ContextTypes

from bot.reminders import local_today
from bot.services import services
from knowledge.dialogue import finds_content, reads_as_question


async def asks_instead(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prompt_id: int | None, *, topical: bool
) -> bool:
    """True when the message leaves the prompt aside to ask something. `topical`: a message no other signal
    decides is a question when the documents hold content on it (right for comments on an answer; a
    follow-up note is about the documents' topics by nature, so there it is not asked)."""
    message = update.effective_message
    if message is None or not message.text:
        return False  # a file (e.g. the evidence for a finished follow-up) is never a question
    replied = message.reply_to_message
    if replied is not None and prompt_id is not None and replied.message_id == prompt_id:
        return False
    check = functools.partial(finds_content, services(context).assistant.retriever) if topical else None
    today = local_today(context.application)
    # The topical check searches the knowledge base: CPU work, off the event loop.
    return await asyncio.to_thread(reads_as_question, message.text, today=today, topical=check)
