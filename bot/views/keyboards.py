"""Inline keyboards and their callback_data. Data stays far below Telegram's 64 bytes: only short ids travel,
the context behind them is in the database (answers table, users table)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts

SOURCE, RELATED, FEEDBACK, REGISTRATION = "src", "rel", "fb", "reg"
SOURCE_PATTERN = rf"^{SOURCE}:[\w-]+:\d+$"
RELATED_PATTERN = rf"^{RELATED}:[\w-]+$"
FEEDBACK_PATTERN = rf"^{FEEDBACK}:[\w-]+:(up|down)$"
REGISTRATION_PATTERN = rf"^{REGISTRATION}:(ok|no):\d+$"
UP, DOWN = "up", "down"
APPROVE, REJECT = "ok", "no"
PER_ROW = 3


def answer_keyboard(answer_id: str, sources: int, related: bool) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(f"Teks lengkap [{n}]", callback_data=f"{SOURCE}:{answer_id}:{n}")
        for n in range(1, sources + 1)
    ]
    rows = [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    if related:
        rows.append([InlineKeyboardButton("Pasal terkait", callback_data=f"{RELATED}:{answer_id}")])
    rows.append(
        [
            InlineKeyboardButton("👍", callback_data=f"{FEEDBACK}:{answer_id}:{UP}"),
            InlineKeyboardButton("👎", callback_data=f"{FEEDBACK}:{answer_id}:{DOWN}"),
        ]
    )
    return InlineKeyboardMarkup(rows)


def registration_keyboard(user_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.REG_APPROVE_BUTTON, callback_data=f"{REGISTRATION}:{APPROVE}:{user_id}"),
                InlineKeyboardButton(texts.REG_REJECT_BUTTON, callback_data=f"{REGISTRATION}:{REJECT}:{user_id}"),
            ]
        ]
    )


def parts(data: str | None) -> list[str]:
    """'src:AbCd1234:2' -> ['src', 'AbCd1234', '2'] (patterns above guarantee the shape)."""
    return (data or "").split(":")
