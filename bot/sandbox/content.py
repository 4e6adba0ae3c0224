"""Checks on what the bot sends: formatted text and captions, and reply markups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox import entities as fmt
from bot.sandbox.errors import bad_request
from bot.sandbox.models import JSON

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def format_text(
    text: str | None,
    parse_mode: str | None,
    entities: Any,
    *,
    caption: bool = False,
    strict_html: bool = True,
    user_lookup: fmt.UserLookup | None = None,
) -> fmt.FormattedText:
    """Apply parse_mode (or explicit entities) and Telegram's length rules to a message text or caption."""
    source = text or ""
    if entities is not None:
        formatted = fmt.FormattedText(source, _checked_entities(entities))
    else:
        try:
            formatted = fmt.parse(
                source, parse_mode, strict_html=strict_html, user_lookup=user_lookup or fmt.unknown_user
            )
        except fmt.ParseError as error:
            raise bad_request(f"can't parse entities: {error}") from error
        except ValueError as error:
            raise bad_request("unsupported parse_mode") from error
    formatted = fmt.strip_formatted(formatted)
    if not formatted.text and not caption:
        raise bad_request("message text is empty")
    if fmt.utf16_len(formatted.text) > (MAX_CAPTION if caption else MAX_TEXT):
        raise bad_request("message caption is too long" if caption else "message is too long")
    formatted.entities = fmt.merge_detected(formatted.text, formatted.entities)
    return formatted


def _checked_entities(entities: Any) -> list[JSON]:
    if not isinstance(entities, list) or not all(
        isinstance(e, dict)
        and isinstance(e.get("type"), str)
        and isinstance(e.get("offset"), int)
        and isinstance(e.get("length"), int)
        for e in entities
    ):
        raise bad_request("can't parse entities JSON object")
    return [dict(e) for e in entities]


@dataclass
class ReplyMarkup:
    """A validated reply_markup: the inline keyboard shown in the message, or a change of the chat keyboard."""

    inline: JSON | None = None
    chat_keyboard: JSON | None = None  # a reply keyboard or force_reply request now shown in the chat
    changes_chat_keyboard: bool = False


def parse_reply_markup(markup: Any) -> ReplyMarkup:
    if markup is None:
        return ReplyMarkup()
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = _inline_rows(markup["inline_keyboard"])
        return ReplyMarkup(inline={"inline_keyboard": rows} if rows else None)
    if "keyboard" in markup:
        _check_reply_keyboard(markup["keyboard"])
        return ReplyMarkup(chat_keyboard=dict(markup), changes_chat_keyboard=True)
    if markup.get("remove_keyboard"):
        return ReplyMarkup(changes_chat_keyboard=True)
    if markup.get("force_reply"):
        return ReplyMarkup(chat_keyboard=dict(markup), changes_chat_keyboard=True)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _inline_rows(rows: Any) -> list[list[JSON]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            _check_inline_button(button)
    return [list(row) for row in rows if row]


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = [name for name in _INLINE_ACTIONS if name in button]
    if not actions:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and fmt.check_link(str(button["url"])) is None:
        raise bad_request("BUTTON_URL_INVALID")


def _check_reply_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('Field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str):
                raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')


def inline_buttons(message: JSON) -> list[list[JSON]]:
    markup = message.get("reply_markup") or {}
    return markup.get("inline_keyboard", [])
