"""/start, /bantuan and /sumber."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.roles import current_user, in_group, members_only
from bot.services import Services
from bot.views.render import esc, format_time, local_zone, pack
from knowledge.model import DICABUT
from knowledge.operations.users import (
    PENDING,
    User,
    may_administer,
    may_announce,
    may_manage_followups,
    may_read_reports,
)

log = logging.getLogger(__name__)


def help_text(
    user: User | None,
    *,
    welcome: bool,
    allowed_group: bool = False,
    examples: dict[str, str] | None = None,
    sandbox: bool = False,
) -> str:
    """Commands by role; in an allowed group its members may ask even when not registered themselves. In the
    terminal sandbox its own commands come last, whoever is playing."""
    parts = [texts.WELCOME] if welcome else []
    member_help = texts.HELP_MEMBER.format(**(examples or texts.NO_EXAMPLE))
    if allowed_group and not (user is not None and user.active):
        parts.append(member_help)
    elif user is not None and user.active:
        parts.append(member_help)
        if any(may(user) for may in (may_announce, may_manage_followups, may_read_reports)):
            parts.append(texts.HELP_SECRETARIAT)
        if may_administer(user):
            parts.append(texts.HELP_ADMIN)
        role = texts.ROLE_NAMES.get(user.role, user.role)
        unit = f" — {esc(user.unit)}" if user.unit else ""
        parts.append(f"Anda terdaftar sebagai <b>{esc(role)}</b>{unit}.")
    elif user is not None and user.status == PENDING:
        parts.append(texts.PENDING_APPROVAL)
    elif user is not None:
        parts.append(texts.ACCESS_BY_STATUS.get(user.status, texts.NOT_REGISTERED))
    else:
        parts.append(texts.HOW_TO_REGISTER)
    if sandbox:
        parts.append(texts.HELP_SANDBOX)
    return "\n\n".join(parts)


async def lookup_examples(svc: Services) -> dict[str, str]:
    """How /pasal is written, shown with an article of a document that is loaded."""
    try:
        example = await asyncio.to_thread(svc.assistant.example_article)
    except Exception:  # an index that cannot be read must not take the help text down with it
        log.exception("no look-up example for the help text")
        example = None
    if example is None:
        return dict(texts.NO_EXAMPLE)
    return texts.lookup_examples(example.doc, example.pasal, example.ayat, example.other)


async def on_start(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    svc = context.services
    user = current_user(update, svc.users)
    examples = await lookup_examples(svc)
    await update.effective_message.reply_text(
        help_text(user, welcome=True, allowed_group=in_group(update), examples=examples)
    )


async def on_help(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    svc = context.services
    user = current_user(update, svc.users)
    group = in_group(update)  # the gate has let only allowed groups through
    welcome = not group and (user is None or not user.active)
    examples = await lookup_examples(svc)
    await update.effective_message.reply_text(
        help_text(user, welcome=welcome, allowed_group=group, examples=examples, sandbox=svc.sandbox)
    )


@members_only
async def on_sources(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    svc = context.services
    documents = await asyncio.to_thread(svc.assistant.store.documents)
    if not documents:
        await update.effective_message.reply_text(texts.NO_DOCUMENTS)
        return
    zone = local_zone(svc.settings.timezone)
    blocks = [f"<b>Dokumen dalam basis pengetahuan ({len(documents)})</b>"]
    for number, row in enumerate(documents, start=1):
        title = f" — {esc(row.title)}" if row.title and row.title != row.doc else ""
        if row.status == DICABUT:
            status = "<b>dicabut</b>" + (f" oleh {esc(row.revoked_by)}" if row.revoked_by else "")
        else:
            status = esc(row.status)
        details = f"{status} · {row.passage_count} bagian · dimasukkan {format_time(row.ingested_at, zone)}"
        blocks.append(f"{number}. <b>{esc(row.doc)}</b>{title}\n{details}")
    for message in pack(blocks):
        await update.effective_message.reply_text(message)


@members_only
async def on_status(update: Update, context: BotContext) -> None:
    """/status UU 33/2004: what revoked or amended it, article by article."""
    message = update.effective_message
    assert message is not None
    name = " ".join(context.args or [])
    if not name:
        await message.reply_text(texts.STATUS_USAGE)
        return
    report = await asyncio.to_thread(context.services.assistant.regulation_status, name)
    if report is None:
        await message.reply_text(texts.STATUS_NOT_RECOGNISED)
        return
    blocks = [f"<b>{esc(report.summary())}</b>", *(f"• {esc(line)}" for line in report.lines())]
    tail = None if report.indexed else esc(texts.STATUS_NOT_INDEXED.format(doc=report.doc))
    for part in pack(blocks, tail):
        await message.reply_text(part)


async def on_cancel(update: Update, context: BotContext) -> None:
    """/batal outside a registration: nothing is running."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.NOTHING_TO_CANCEL)
