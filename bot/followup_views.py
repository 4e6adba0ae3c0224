"""How follow-ups look in Telegram: item blocks, reminders, the weekly digest, listings, and their buttons.

Pure functions returning HTML (everything from documents or users goes through `esc`) and keyboards whose
callback_data carries only an item or request id (a few bytes, far below Telegram's 64).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.render import MAX_MESSAGE, esc, format_time, pack, utf16_len
from knowledge.dates import format_indonesian_date
from knowledge.db import FollowUpHistoryRow, FollowUpRow
from knowledge.reminders import Attention, Reminder, effective_status

ITEM, EXTENSION = "tl", "tlx"
DONE, EXTEND, ISSUE = "s", "p", "k"
APPROVE, REJECT = "ok", "no"
ITEM_PATTERN = rf"^{ITEM}:[{DONE}{EXTEND}{ISSUE}]:\d+$"
EXTENSION_PATTERN = rf"^{EXTENSION}:({APPROVE}|{REJECT}):\d+$"
ITEM_MARK = re.compile(r"(?<![\w#])#(\d{1,9})\b")  # how messages name an item: "#12"

MAX_ITEMS_PER_MESSAGE = 15  # 45 buttons: a keyboard stays usable on a phone
MAX_TEXT = 300  # an item's words in a reminder or list; the full text is one /tindaklanjut lihat away
MAX_LISTED = 60
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def long_date(day: date) -> str:
    """`Senin, 15 April 2024`."""
    return f"{WEEKDAYS[day.weekday()]}, {format_indonesian_date(day)}"


def due_phrase(due: date | None, today: date) -> str:
    if due is None:
        return texts.TL_NO_DUE
    days = (due - today).days
    if days == 0:
        relative = texts.TL_DUE_TODAY
    elif days == 1:
        relative = texts.TL_DUE_TOMORROW
    elif days > 0:
        relative = texts.TL_DUE_IN.format(days=days)
    else:
        relative = texts.TL_DUE_LATE.format(days=-days)
    return f"{long_date(due)} ({relative})"


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def item_block(
    row: FollowUpRow, today: date, *, missing_units: Sequence[str] = (), full: bool = False, status: bool = True
) -> str:
    """An item as a few lines: "#12 · terlambat", its words, unit(s), officials, due date, source."""
    head = f"<b>#{row.id}</b>"
    if status:
        head += f" · <i>{esc(texts.TL_STATUS_NAMES.get(effective_status(row, today), row.status))}</i>"
    lines = [head, esc(row.text if full else _clip(row.text))]
    lines.append(esc(texts.TL_UNIT_LINE.format(units=", ".join(row.units or []) or texts.TL_NO_UNIT)))
    if row.officials:
        lines.append(esc(texts.TL_OFFICIALS_LINE.format(names=", ".join(row.officials))))
    due = texts.TL_DUE_LINE.format(due=due_phrase(row.due, today))
    if row.due is None and row.due_text:
        due += texts.TL_DUE_WORDS.format(words=_clip(row.due_text, 80))
    lines.append(esc(due))
    lines.append(esc(texts.TL_SOURCE_LINE.format(label=row.passage_label or texts.TL_MANUAL_SOURCE)))
    if missing_units:
        lines.append(f"⚠️ {esc(texts.TL_MISSING_UNITS.format(units=', '.join(missing_units)))}")
    return "\n".join(lines)


def item_keyboard(item_ids: Sequence[int]) -> InlineKeyboardMarkup:
    """One row per item: Selesai, Minta perpanjangan, Ada kendala (the id in the label tells rows apart)."""
    rows = [
        [
            InlineKeyboardButton(texts.TL_DONE_BUTTON.format(id=item_id), callback_data=f"{ITEM}:{DONE}:{item_id}"),
            InlineKeyboardButton(texts.TL_EXTEND_BUTTON.format(id=item_id), callback_data=f"{ITEM}:{EXTEND}:{item_id}"),
            InlineKeyboardButton(texts.TL_ISSUE_BUTTON.format(id=item_id), callback_data=f"{ITEM}:{ISSUE}:{item_id}"),
        ]
        for item_id in item_ids
    ]
    return InlineKeyboardMarkup(rows)


def extension_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.TL_APPROVE_BUTTON, callback_data=f"{EXTENSION}:{APPROVE}:{request_id}"),
                InlineKeyboardButton(texts.TL_REJECT_BUTTON, callback_data=f"{EXTENSION}:{REJECT}:{request_id}"),
            ]
        ]
    )


@dataclass
class ButtonMessage:
    text: str
    keyboard: InlineKeyboardMarkup
    item_ids: list[int]


def with_buttons(header: str, rows: Sequence[FollowUpRow], today: date, footer: str = "") -> list[ButtonMessage]:
    """Item blocks under a header, each message carrying the buttons of its own items. Usually one message;
    more only when the items do not fit in one (length or keyboard size)."""
    messages: list[tuple[list[str], list[int]]] = []
    parts: list[str] = [header]
    ids: list[int] = []
    for row in rows:
        block = item_block(row, today)
        candidate = "\n\n".join([*parts, block, footer]).strip()
        if ids and (utf16_len(candidate) > MAX_MESSAGE or len(ids) >= MAX_ITEMS_PER_MESSAGE):
            messages.append((parts, ids))
            parts, ids = [], []
        parts.append(block)
        ids.append(row.id)
    if footer:
        parts.append(footer)
    messages.append((parts, ids))
    return [ButtonMessage("\n\n".join(p), item_keyboard(i), i) for p, i in messages if i]


def reminder_messages(name: str, reminders: Sequence[Reminder], today: date) -> list[ButtonMessage]:
    header = texts.TL_REMINDER_HEADER.format(name=esc(name or "Bapak/Ibu"))
    return with_buttons(header, [r.item for r in reminders], today, esc(texts.TL_REMINDER_FOOTER))


def listing_messages(
    title: str, rows: Sequence[FollowUpRow], today: date, attention: Attention | None = None
) -> list[str]:
    """A list for reading (no buttons): the items, then what needs the secretariat's attention."""
    blocks = [b for b in (title, *(item_block(r, today) for r in rows[:MAX_LISTED])) if b]
    if len(rows) > MAX_LISTED:
        blocks.append(esc(texts.TL_LIST_MORE.format(count=len(rows) - MAX_LISTED)))
    if attention is not None and (attention.unassigned or attention.undated):
        blocks.append(texts.TL_ATTENTION)
        blocks += _attention_blocks(attention, today, overdue=False)
    return pack(blocks)


def digest_messages(attention: Attention, today: date) -> list[str]:
    blocks = [texts.TL_DIGEST_HEADER.format(date=esc(long_date(today)))]
    blocks += _attention_blocks(attention, today, overdue=True)
    blocks.append(esc(texts.TL_DIGEST_FOOTER))
    return pack(blocks)


def _attention_blocks(attention: Attention, today: date, *, overdue: bool) -> list[str]:
    blocks: list[str] = []
    sections = [
        (texts.TL_DIGEST_OVERDUE, attention.overdue if overdue else []),
        (texts.TL_DIGEST_UNASSIGNED, attention.unassigned),
        (texts.TL_DIGEST_UNDATED, attention.undated),
    ]
    for heading, rows in sections:
        if not rows:
            continue
        blocks.append(heading.format(count=len(rows)))
        for row in rows[:MAX_LISTED]:
            blocks.append(item_block(row, today, missing_units=attention.missing_units.get(row.id, ())))
        if len(rows) > MAX_LISTED:
            blocks.append(esc(texts.TL_LIST_MORE.format(count=len(rows) - MAX_LISTED)))
    return blocks


def detail_messages(row: FollowUpRow, today: date, zone: ZoneInfo) -> list[str]:
    """Everything about one item, with its history (who changed what, when)."""
    blocks = [item_block(row, today, full=True), texts.TL_HISTORY]
    blocks += [_history_line(entry, zone) for entry in row.history]
    return pack(blocks)


def _history_line(entry: FollowUpHistoryRow, zone: ZoneInfo) -> str:
    who = entry.actor.split(" ", 1)[1] if entry.actor.startswith("user:") and " " in entry.actor else entry.actor
    note = f" — {esc(_clip(entry.note, 200))}" if entry.note else ""
    return f"• {esc(format_time(entry.at, zone))} · {esc(who)}: {esc(entry.change)}{note}"


def item_ids_in(text: str | None) -> list[int]:
    return list(dict.fromkeys(int(m) for m in ITEM_MARK.findall(text or "")))
