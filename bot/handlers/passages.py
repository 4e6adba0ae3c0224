"""The "Teks lengkap [n]" and "Pasal terkait" buttons under an answer (only for whoever may use that answer:
see bot.roles.owned_answer)."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.roles import members_only, owned_answer
from bot.services import Services
from bot.views.keyboards import parts
from bot.views.render import esc, pack, passage_messages, section_blocks
from knowledge.model import Passage
from knowledge.operations.users import StoredAnswer
from knowledge.search.passages import FullPassage, full_passage, related_articles, resolve


@members_only
async def on_source(update: Update, context: BotContext) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    _, answer_id, number = parts(query.data)
    svc = context.services
    stored = await owned_answer(update, context, answer_id)
    if stored is None:
        return
    passage = await asyncio.to_thread(_full_passage, svc, stored, int(number))
    if passage is None:
        await query.answer(texts.SOURCE_GONE, show_alert=True)
        return
    await query.answer()
    messages = passage_messages(passage.heading, passage.subtitle, passage.body, passage.notices, passage.notes)
    for message in messages:
        await context.bot.send_message(chat.id, message)


@members_only
async def on_related(update: Update, context: BotContext) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    _, answer_id = parts(query.data)
    svc = context.services
    stored = await owned_answer(update, context, answer_id)
    if stored is None:
        return
    items = await asyncio.to_thread(_related, svc, stored)
    if not items:
        await query.answer(texts.NO_RELATED, show_alert=True)
        return
    await query.answer()
    blocks = [f"<b>Pasal terkait</b> <i>(dirujuk oleh sumber jawaban: {esc(_cited_labels(stored))})</i>"]
    for label, text in items:
        blocks += section_blocks(label, text)
    for message in pack(blocks):
        await context.bot.send_message(chat.id, message)


def _full_passage(svc: Services, stored: StoredAnswer, number: int) -> FullPassage | None:
    if not 1 <= number <= len(stored.citations):
        return None
    corpus = svc.assistant.retriever.corpus
    record = resolve(corpus, stored.citations[number - 1])
    return None if record is None else full_passage(corpus, record)


def _related(svc: Services, stored: StoredAnswer) -> list[tuple[str, str]]:
    corpus = svc.assistant.retriever.corpus
    records: list[Passage] = [r for r in (resolve(corpus, c) for c in stored.citations) if r is not None]
    return related_articles(corpus, records)


def _cited_labels(stored: StoredAnswer) -> str:
    labels = list(dict.fromkeys(str(c.get("label", "")) for c in stored.citations))
    return "; ".join(labels[:3]) + (" …" if len(labels) > 3 else "")
