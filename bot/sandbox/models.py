"""The sandbox's users, chats, files and call log, and their Bot API JSON shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass(eq=False)
class FakeUser:
    """A person talking to the bot. Its private chat with the bot has the same id.

    ``started`` False reproduces a user who never pressed Start (the bot cannot write first);
    ``blocked`` reproduces a user who blocked the bot.
    """

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "id"
    is_bot: bool = False
    started: bool = True
    blocked: bool = False

    def to_dict(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


# Chat member statuses, as the Bot API names them.
CREATOR, ADMINISTRATOR, MEMBER, LEFT, KICKED = "creator", "administrator", "member", "left", "kicked"
PRESENT = frozenset({CREATOR, ADMINISTRATOR, MEMBER})


@dataclass(eq=False)
class FakeChat:
    """A chat the sandbox knows: a user's private chat, a group, a supergroup or a channel."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    bot_status: str = MEMBER
    messages: dict[int, JSON] = field(default_factory=dict)  # message id -> current message
    next_message_id: int = 1
    # The reply keyboard / force-reply request the bot last attached here (not part of Message objects).
    reply_keyboard: JSON | None = None
    menu_button: JSON | None = None

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_dict(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        for name in ("title", "username", "first_name", "last_name"):
            value = getattr(self, name)
            if value:
                data[name] = value
        return data

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class StoredFile:
    """A file known to the server: uploaded by the bot or sent by a user; downloadable via getFile."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    def to_file(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class BotCall:
    """One Bot API request the bot made, and what the server answered."""

    seq: int
    time: float
    method: str
    params: JSON
    ok: bool
    result: Any = None
    error_code: int | None = None
    description: str | None = None
    chat_id: int | str | None = None

    def __str__(self) -> str:
        outcome = "ok" if self.ok else f"{self.error_code} {self.description}"
        return f"#{self.seq} {self.method}(chat_id={self.chat_id}) -> {outcome}"
