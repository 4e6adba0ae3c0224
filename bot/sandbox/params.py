"""Decoding of Bot API request parameters.

PTB sends every call as form data (urlencoded, or multipart when uploading) in which strings travel raw and
every other value is JSON-encoded: ``chat_id=5``, ``disable_notification=true``, ``reply_markup={"inline_...``.
Other clients post a JSON body with native values. Typed fields are normalised here once, by name, so handlers
never guess whether ``"123"`` was meant as text or as a number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import bad_request

_INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "max_connections",
        "message_thread_id",
        "reply_to_message_id",
        "until_date",
        "duration",
        "width",
        "height",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "remove_caption",
        "only_if_banned",
        "revoke_messages",
    }
)
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "commands",
        "scope",
        "allowed_updates",
        "menu_button",
        "media",
        "message_ids",
        "rights",
        "reaction",
    }
)
# Telegram's own wording where it has one; other fields get "can't parse <field> JSON object".
_JSON_ERRORS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
}


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart request."""

    data: bytes
    filename: str | None
    content_type: str | None


def _to_int(value: Any) -> Any:
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.lstrip("-").isdigit():
            return int(stripped)
    return value  # "@channelname" chat ids stay strings; type errors surface in Params.integer()


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def _to_json(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise bad_request(_JSON_ERRORS.get(name, f"can't parse {name} JSON object")) from error


def normalise(raw: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name in _INT_FIELDS:
            values[name] = _to_int(value)
        elif name in _BOOL_FIELDS:
            values[name] = _to_bool(value)
        elif name in _JSON_FIELDS:
            values[name] = _to_json(name, value)
        else:
            values[name] = value
    return values


class Params:
    """The typed parameters of one call, plus any uploaded files."""

    def __init__(self, raw: Mapping[str, Any], uploads: Mapping[str, Upload] | None = None) -> None:
        self.values = normalise(raw)
        self.uploads = dict(uploads or {})

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def string(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        return default if value is None else str(value)

    def required_str(self, name: str) -> str:
        value = self.string(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f'field "{name}" must be of type Integer')
        return value

    def required_int(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def flag(self, name: str) -> bool:
        return bool(self.values.get(name, False))

    def chat_id(self, name: str = "chat_id") -> int | str:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        return value

    def file(self, name: str) -> Upload | str | None:
        """An uploaded file (directly or via ``attach://``), or a file_id/URL string, or None."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.uploads.get(value[len("attach://") :])
        return value if isinstance(value, str) and value else None

    def for_log(self) -> dict[str, Any]:
        """The parameters as recorded in the event log: uploads summarised instead of their bytes."""
        logged = dict(self.values)
        for name, upload in self.uploads.items():
            logged[name] = {"upload": upload.filename, "size": len(upload.data)}
        return logged
