"""How follow-ups look in Telegram: item blocks, reminders, the weekly digest, list screens, and their buttons.

Pure functions returning HTML (everything from documents or users goes through `esc`) and keyboards whose
callback_data carries only an item, request or pair id, a filter letter and a page number (far below Telegram's
64 bytes). A list is one message per screen, paged with ◀ ▶ (the message is edited in place); the weekly
digest is one message. Dates are written by Babel (knowledge/formats.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.views.render import MAX_MESSAGE, esc, format_time, pack, utf16_len
from knowledge.db import FollowUpHistoryRow, FollowUpRow
from knowledge.formats import format_long_date, format_short_date
from knowledge.model import FOLLOWUP_STATUSES
from knowledge.operations.duplicates import DuplicatePair
from knowledge.operations.followups import (
    BARU,
    BERJALAN,
    CLOSED,
    DIBATALKAN,
    NO_UNIT,
    OPEN,
    SELESAI,
    TERLAMBAT,
    counts_by_unit,
    days_late,
    describe_change,
    source_text,
)
from knowledge.operations.reminders import Attention, Reminder, effective_status
from knowledge.operations.units import normalize_unit

ITEM, EXTENSION = "tl", "tlx"
DONE, EXTEND, ISSUE = "s", "p", "k"
APPROVE, REJECT = "ok", "no"
ITEM_PATTERN = rf"^{ITEM}:[{DONE}{EXTEND}{ISSUE}]:\d+$"
EXTENSION_PATTERN = rf"^{EXTENSION}:({APPROVE}|{REJECT}):\d+$"
ITEM_MARK = re.compile(r"(?<![\w#])#(\d{1,9})\b")  # how messages name an item: "#12"

MAX_ITEMS_PER_MESSAGE = 15  # 45 buttons: a keyboard stays usable on a phone
MAX_TEXT = 300  # an item's words in a reminder or list; the full text is one /tindaklanjut lihat away


def long_date(day: date) -> str:
    """`Senin, 15 April 2024`."""
    return format_long_date(day)


def due_phrase(due: date | None, today: date, *, closed: bool = False) -> str:
    """ "Senin, 15 April 2024 (7 hari lagi)"; a finished or cancelled item gets the date alone: it is not
    late any more, whatever the calendar says."""
    if due is None:
        return texts.TL_NO_DUE
    if closed:
        return long_date(due)
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
    due = texts.TL_DUE_LINE.format(due=due_phrase(row.due, today, closed=row.status in CLOSED))
    if row.due is None and row.due_text:
        due += texts.TL_DUE_WORDS.format(words=_clip(row.due_text, 80))
    lines.append(esc(due))
    lines.append(esc(texts.TL_SOURCE_LINE.format(label=source_text(row))))
    if row.merged_into_id:
        lines.append(esc(texts.TL_MERGED_NOTE.format(id=row.merged_into_id)))
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


# ---- screens: one message each, paged, with filter buttons (issue 15) -------------------------------------

VIEW, UNITS, DUPLICATES = "tlv", "tlu", "tld"
# Status filters, as one letter in callback data. "u" (undated) and "x" (nobody reminded) are the
# secretariat's attention lists.
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "t": OPEN, "n": (BARU,), "j": (BERJALAN,), "l": (TERLAMBAT,), "s": (SELESAI,), "b": (DIBATALKAN,),
    "c": CLOSED, "a": FOLLOWUP_STATUSES, "u": OPEN, "x": OPEN,
}  # fmt: skip
VIEW_PATTERN = rf"^{VIEW}:[{''.join(STATUS_FILTERS)}]:\d+$"
UNITS_PATTERN = rf"^{UNITS}:(?:p:\d+|x:\d+|all)$"
DUPLICATES_PATTERN = rf"^{DUPLICATES}:(?:v:\d+|m:\d+|n:\d+)$"
NOOP = f"{VIEW}:noop"
PAGE_SIZE = 8  # compact lines: a phone screen
OWN_PAGE_SIZE = 5  # each with its row of three buttons
UNITS_PER_PAGE = 8
LINE_TEXT = 110  # an item's words in a list line; the full text is one /tindaklanjut lihat away
DIGEST_LATE = 10
DIGEST_UNITS = 12
MAX_IDS = 6


def status_code(statuses: Sequence[str]) -> str:
    """The filter letter for statuses chosen in words ("status terlambat" -> "l")."""
    wanted = tuple(statuses)
    for code, value in STATUS_FILTERS.items():
        if code not in ("u", "x") and set(value) == set(wanted):
            return code
    return "t"


@dataclass
class Screen:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass
class AttentionSummary:
    """What the secretariat should act on, as counts and ids: never the items again."""

    late: int = 0
    undated: list[int] = field(default_factory=list)
    unassigned: list[int] = field(default_factory=list)
    missing_units: list[str] = field(default_factory=list)
    duplicates: int = 0

    @classmethod
    def of(cls, found: Attention, duplicates: int) -> AttentionSummary:
        missing = dict.fromkeys(u for units in found.missing_units.values() for u in units)
        return cls(
            len(found.overdue), [r.id for r in found.undated], [r.id for r in found.unassigned], list(missing),
            duplicates,
        )  # fmt: skip

    def __bool__(self) -> bool:
        return bool(self.late or self.undated or self.unassigned or self.duplicates)


def _ids(ids: Sequence[int]) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:MAX_IDS])
    return texts.TL_MORE_IDS.format(ids=shown, more=len(ids) - MAX_IDS) if len(ids) > MAX_IDS else shown


def _names(names: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return texts.TL_MORE_UNITS.format(units=shown, more=len(names) - limit) if len(names) > limit else shown


def compact_line(row: FollowUpRow, today: date) -> str:
    """ "#12 · terlambat 7 hari · 15 Apr 2024" and, below it, the words and the units, clipped."""
    if row.due is not None:
        due = format_short_date(row.due)
    elif row.due_text:
        due = texts.TL_LINE_DUE_WORDS.format(words=_clip(row.due_text, 40))
    else:
        due = texts.TL_LINE_NO_DUE
    status = texts.TL_STATUS_NAMES.get(effective_status(row, today), row.status)
    late = days_late(row, today)
    if late:
        status = texts.TL_DUE_LATE.format(days=late)
    units = ", ".join(row.units or []) or NO_UNIT
    head = f"<b>#{row.id}</b> · {esc(status)} · {esc(due)}"
    return f"{head}\n{esc(_clip(row.text, LINE_TEXT))} — <i>{esc(_clip(units, 80))}</i>"


def _pages(count: int, size: int) -> int:
    return max(1, -(-count // size))


def _nav_row(code: str, page: int, pages: int) -> list[InlineKeyboardButton]:
    if pages <= 1:
        return []
    return [
        InlineKeyboardButton(texts.TL_BUTTON_PREV, callback_data=f"{VIEW}:{code}:{(page - 1) % pages}"),
        InlineKeyboardButton(texts.TL_BUTTON_PAGE.format(page=page + 1, pages=pages), callback_data=NOOP),
        InlineKeyboardButton(texts.TL_BUTTON_NEXT, callback_data=f"{VIEW}:{code}:{(page + 1) % pages}"),
    ]


def _filter_row(code: str) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            texts.TL_FILTER_CHOSEN.format(label=label) if key == code else label, callback_data=f"{VIEW}:{key}:0"
        )
        for key, label in texts.TL_FILTER_BUTTONS.items()
    ]


def list_screen(
    rows: Sequence[FollowUpRow],
    today: date,
    *,
    code: str = "t",
    page: int = 0,
    filters: str = "",
    unit: str | None = None,
    own: bool = False,
    summary: AttentionSummary | None = None,
) -> Screen:
    """One page of items as compact lines, with ◀ ▶, status filters and (secretariat) the unit chooser and
    the attention lists; an official's page carries the three buttons of each open item on it."""
    size = OWN_PAGE_SIZE if own else PAGE_SIZE
    pages = _pages(len(rows), size)
    page = min(max(page, 0), pages - 1)
    shown = rows[page * size : (page + 1) * size]
    title = texts.TL_VIEW_TITLES.get(code, texts.TL_VIEW_TITLES["t"])
    if own:
        head = texts.TL_LIST_OWN.format(count=len(rows)) if code == "t" else texts.TL_VIEW_OWN_TITLE.format(
            title=title.replace("Tindak lanjut ", ""), count=len(rows)
        )  # fmt: skip
    else:
        head = texts.TL_VIEW_TITLE.format(title=title, count=len(rows))
    if pages > 1:
        head += f"\n<i>{esc(texts.TL_VIEW_PAGE.format(page=page + 1, pages=pages))}</i>"
    if filters:
        head += f"\n{esc(texts.TL_VIEW_FILTERS.format(filters=filters))}"
    blocks = [head, *(compact_line(row, today) for row in shown)] if shown else [head, texts.TL_VIEW_EMPTY]
    if summary:
        blocks.append(attention_text(summary))
    if shown:
        blocks.append(f"<i>{esc(texts.TL_VIEW_HINT)}</i>")
    keyboard: list[Sequence[InlineKeyboardButton]] = []  # rows from item_keyboard are tuples
    if own:
        keyboard += item_keyboard([r.id for r in shown if r.status not in CLOSED]).inline_keyboard
    if nav := _nav_row(code, page, pages):
        keyboard.append(nav)
    keyboard.append(_filter_row(code))
    if not own:
        label = texts.TL_BUTTON_UNIT_CHOSEN.format(unit=_clip(unit, 30)) if unit else texts.TL_BUTTON_UNITS
        extra = [InlineKeyboardButton(label, callback_data=f"{UNITS}:p:0")]
        if summary and summary.duplicates:
            extra.append(_duplicates_button(summary.duplicates))
        keyboard.append(extra)
        if summary and (summary.undated or summary.unassigned):
            keyboard.append(_attention_buttons(summary))
    return Screen(_fit(blocks), InlineKeyboardMarkup(keyboard))


def _duplicates_button(count: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.TL_BUTTON_DUPLICATES.format(count=count), callback_data=f"{DUPLICATES}:v:0")


def _attention_buttons(summary: AttentionSummary) -> list[InlineKeyboardButton]:
    buttons = []
    if summary.undated:
        buttons.append(
            InlineKeyboardButton(
                texts.TL_BUTTON_UNDATED.format(count=len(summary.undated)), callback_data=f"{VIEW}:u:0"
            )
        )
    if summary.unassigned:
        buttons.append(
            InlineKeyboardButton(
                texts.TL_BUTTON_UNASSIGNED.format(count=len(summary.unassigned)), callback_data=f"{VIEW}:x:0"
            )
        )
    return buttons


def attention_text(summary: AttentionSummary) -> str:
    """ "Perlu perhatian sekretariat": counts and item numbers, one short block."""
    parts = []
    if summary.late:
        parts.append(texts.TL_ATTENTION_LATE.format(count=summary.late))
    if summary.undated:
        parts.append(texts.TL_ATTENTION_UNDATED.format(count=len(summary.undated), ids=_ids(summary.undated)))
    if summary.unassigned:
        parts.append(texts.TL_ATTENTION_UNASSIGNED.format(count=len(summary.unassigned), ids=_ids(summary.unassigned)))
    lines = [texts.TL_ATTENTION_TITLE, esc(" · ".join(parts))] if parts else [texts.TL_ATTENTION_TITLE]
    if summary.missing_units:
        lines.append(esc(texts.TL_ATTENTION_MISSING_UNITS.format(units=_names(summary.missing_units))))
    if summary.duplicates:
        lines.append(esc(texts.TL_ATTENTION_DUPLICATES.format(count=summary.duplicates)))
    return "\n".join(lines)


def _fit(blocks: list[str], limit: int = MAX_MESSAGE) -> str:
    """Blocks joined into one message; should they not fit, the middle ones give way (never the head)."""
    text = "\n\n".join(blocks)
    while utf16_len(text) > limit and len(blocks) > 2:
        blocks = [*blocks[:-2], blocks[-1]]
        text = "\n\n".join(blocks)
    return text


def units_screen(units: Sequence[tuple[str, int]], page: int, title: str) -> Screen:
    """The units of the listed items, as buttons (with their counts), paged."""
    pages = _pages(len(units), UNITS_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    start = page * UNITS_PER_PAGE
    rows = [
        [InlineKeyboardButton(f"{_clip(name, 48)} ({count})", callback_data=f"{UNITS}:x:{start + i}")]
        for i, (name, count) in enumerate(units[start : start + UNITS_PER_PAGE])
    ]
    if pages > 1:
        rows.append(
            [
                InlineKeyboardButton(texts.TL_BUTTON_PREV, callback_data=f"{UNITS}:p:{(page - 1) % pages}"),
                InlineKeyboardButton(texts.TL_BUTTON_PAGE.format(page=page + 1, pages=pages), callback_data=NOOP),
                InlineKeyboardButton(texts.TL_BUTTON_NEXT, callback_data=f"{UNITS}:p:{(page + 1) % pages}"),
            ]
        )
    rows.append([InlineKeyboardButton(texts.TL_UNITS_ALL, callback_data=f"{UNITS}:all")])
    text = texts.TL_UNITS_TITLE.format(title=esc(title), count=len(units))
    return Screen(text, InlineKeyboardMarkup(rows))


def duplicate_screen(pairs: Sequence[DuplicatePair], index: int, today: date) -> Screen:
    """One "mungkin duplikat" pair: both items, how alike they are and what differs, and the decision."""
    if not pairs:
        return Screen(texts.TL_DUP_NONE, InlineKeyboardMarkup([[_back_button()]]))
    index = min(max(index, 0), len(pairs) - 1)
    pair = pairs[index]
    item, other = pair.item, pair.other
    differs = []
    if {normalize_unit(u) for u in item.units or []} != {normalize_unit(u) for u in other.units or []}:
        differs.append(texts.TL_DUP_DIFF_UNITS)
    if item.due != other.due:
        differs.append(texts.TL_DUP_DIFF_DUE)
    lines = [
        texts.TL_DUP_TITLE.format(number=index + 1, count=len(pairs)),
        item_block(other, today),
        item_block(item, today),
        esc(texts.TL_DUP_SIMILARITY.format(percent=round(pair.score * 100))),
    ]
    if differs:
        lines.append(esc(texts.TL_DUP_DIFFERENCES.format(what=" dan ".join(differs))))
    lines.append(esc(texts.TL_DUP_QUESTION.format(item=item.id, other=other.id)))
    keyboard = [
        [
            InlineKeyboardButton(
                texts.TL_DUP_MERGE_BUTTON.format(item=item.id, other=other.id),
                callback_data=f"{DUPLICATES}:m:{pair.id}",
            ),
            InlineKeyboardButton(texts.TL_DUP_DISMISS_BUTTON, callback_data=f"{DUPLICATES}:n:{pair.id}"),
        ]
    ]
    if len(pairs) > 1:
        keyboard.append(
            [
                InlineKeyboardButton(texts.TL_BUTTON_PREV, callback_data=f"{DUPLICATES}:v:{(index - 1) % len(pairs)}"),
                InlineKeyboardButton(texts.TL_BUTTON_PAGE.format(page=index + 1, pages=len(pairs)), callback_data=NOOP),
                InlineKeyboardButton(texts.TL_BUTTON_NEXT, callback_data=f"{DUPLICATES}:v:{(index + 1) % len(pairs)}"),
            ]
        )
    keyboard.append([_back_button()])
    return Screen(_fit(lines), InlineKeyboardMarkup(keyboard))


def _back_button() -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.TL_BUTTON_BACK, callback_data=f"{VIEW}:t:0")


def weekly_digest(items: Sequence[FollowUpRow], attention_found: Attention, duplicates: int, today: date) -> Screen:
    """The secretariat's weekly digest, one message: totals, open and late items per unit, the late items as
    compact lines, what needs the secretariat, and buttons to the full list, the late list and the pairs that
    may be duplicates. (Issue 17 sends its chart as a photo above this message.)"""
    counts = counts_by_unit(items, today)
    open_items = [r for r in items if effective_status(r, today) in OPEN]
    late = [r for r in open_items if effective_status(r, today) == TERLAMBAT]
    late.sort(key=lambda r: (r.due or today, r.id))
    blocks = [
        texts.TL_DIGEST_HEADER.format(date=esc(long_date(today)))
        + "\n"
        + esc(texts.TL_DIGEST_TOTALS.format(open=len(open_items), late=len(late), undated=len(attention_found.undated)))
    ]
    if counts:
        lines = [texts.TL_DIGEST_UNITS]
        lines += [
            esc(texts.TL_DIGEST_UNIT_LINE.format(unit=_clip(c.unit, 60), open=c.open, late=c.late))
            for c in counts[:DIGEST_UNITS]
        ]
        if len(counts) > DIGEST_UNITS:
            lines.append(esc(texts.TL_DIGEST_MORE_UNITS.format(count=len(counts) - DIGEST_UNITS)))
        blocks.append("\n".join(lines))
    if late:
        lines = [texts.TL_DIGEST_LATE.format(count=len(late))]
        lines += [compact_line(row, today) for row in late[:DIGEST_LATE]]
        if len(late) > DIGEST_LATE:
            lines.append(esc(texts.TL_DIGEST_MORE.format(count=len(late) - DIGEST_LATE)))
        blocks.append("\n".join(lines))
    summary = AttentionSummary.of(attention_found, duplicates)
    summary.late = 0  # listed just above
    if summary:
        blocks.append(attention_text(summary))
    keyboard = [[InlineKeyboardButton(texts.TL_BUTTON_FULL_LIST, callback_data=f"{VIEW}:t:0")]]
    if late:
        keyboard[0].append(
            InlineKeyboardButton(texts.TL_BUTTON_LATE_LIST.format(count=len(late)), callback_data=f"{VIEW}:l:0")
        )
    if duplicates:
        keyboard.append([_duplicates_button(duplicates)])
    return Screen(_fit_digest(blocks), InlineKeyboardMarkup(keyboard))


def _fit_digest(blocks: list[str]) -> str:
    """The digest in one message: should it be too long, late lines go first, then unit lines."""
    text = "\n\n".join(blocks)
    while utf16_len(text) > MAX_MESSAGE:
        longest = max(range(len(blocks)), key=lambda i: len(blocks[i]))
        lines = blocks[longest].split("\n")
        if len(lines) <= 2:
            break
        blocks[longest] = "\n".join([*lines[:-2], "…"])
        text = "\n\n".join(blocks)
    return text


def detail_messages(row: FollowUpRow, today: date, zone: ZoneInfo) -> list[str]:
    """Everything about one item, with its history (who changed what, when)."""
    blocks = [item_block(row, today, full=True), texts.TL_HISTORY]
    blocks += [_history_line(entry, zone) for entry in row.history]
    return pack(blocks)


def _history_line(entry: FollowUpHistoryRow, zone: ZoneInfo) -> str:
    who = entry.actor.split(" ", 1)[1] if entry.actor.startswith("user:") and " " in entry.actor else entry.actor
    note = f" — {esc(_clip(entry.note, 200))}" if entry.note else ""
    return f"• {esc(format_time(entry.at, zone))} · {esc(who)}: {esc(describe_change(entry.change))}{note}"


def item_ids_in(text: str | None) -> list[int]:
    return list(dict.fromkeys(int(m) for m in ITEM_MARK.findall(text or "")))
