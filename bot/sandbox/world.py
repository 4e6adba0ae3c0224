"""Everything the fake Telegram knows: the bot, users, chats with their messages, files and pending updates."""

from __future__ import annotations

import copy
import itertools
import time
from typing import Any

from bot.sandbox.errors import CHAT_NOT_FOUND, bad_request
from bot.sandbox.media import file_path_for
from bot.sandbox.models import JSON, MEMBER, FakeChat, FakeUser, StoredFile
from bot.sandbox.updates import Signal, UpdateQueue


def bot_id_from_token(token: str) -> int:
    prefix = token.split(":", 1)[0]
    if ":" not in token or not prefix.isdigit():
        raise ValueError(f"Bot token must look like '<digits>:<secret>', got {token!r}")
    return int(prefix)


class World:
    def __init__(self, token: str, bot_username: str, bot_name: str) -> None:
        self.bot = FakeUser(
            id=bot_id_from_token(token), first_name=bot_name, username=bot_username, language_code=None, is_bot=True
        )
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.files: dict[str, StoredFile] = {}
        self.queue = UpdateQueue()
        self.signal = Signal()
        self._user_ids = itertools.count(700_000_001)
        self._group_ids = itertools.count(4_000_000_001)
        self._supergroup_ids = itertools.count(1_000_000_001)
        self._file_numbers = itertools.count(1)
        self._query_ids = itertools.count(1)

    # ---------------------------------------------------------------- users and chats

    def add_user(self, first_name: str, **fields: Any) -> FakeUser:
        user = FakeUser(id=fields.pop("id", None) or next(self._user_ids), first_name=first_name, **fields)
        self.users[user.id] = user
        self.chats[user.id] = FakeChat(
            id=user.id,
            type="private",
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
            members={user.id: MEMBER, self.bot.id: MEMBER},
        )
        return user

    def add_group(
        self, title: str, members: list[FakeUser], *, kind: str, username: str | None, bot_status: str
    ) -> FakeChat:
        if kind not in ("group", "supergroup", "channel"):
            raise ValueError(f"Unknown chat type {kind!r}")
        if kind == "group":
            chat_id = -next(self._group_ids)
        else:
            # Supergroups and channels have "-100…" ids in the Bot API.
            chat_id = -(1_000_000_000_000 + next(self._supergroup_ids))
        chat = FakeChat(id=chat_id, type=kind, title=title, username=username, bot_status=bot_status)
        chat.members = {user.id: MEMBER for user in members}
        self.chats[chat.id] = chat
        return chat

    def chat(self, chat_id: int | str) -> FakeChat:
        """The chat a Bot API chat_id names (a number or "@username"), or Telegram's "chat not found"."""
        if isinstance(chat_id, str):
            if chat_id.startswith("@"):
                for chat in self.chats.values():
                    if chat.username and not chat.is_private and chat.username.lower() == chat_id[1:].lower():
                        return chat
            raise bad_request(CHAT_NOT_FOUND)
        found = self.chats.get(chat_id)
        if found is None:
            raise bad_request(CHAT_NOT_FOUND)
        return found

    def user_json(self, user_id: int) -> JSON:
        if user_id == self.bot.id:
            return self.bot.to_dict()
        user = self.users.get(user_id)
        return user.to_dict() if user else {"id": user_id, "is_bot": False, "first_name": str(user_id)}

    # ---------------------------------------------------------------- messages

    def new_message(self, chat: FakeChat, sender: FakeUser, content: JSON) -> JSON:
        """Store a new message in chat and return a copy of it as a Message object."""
        message: JSON = {
            "message_id": chat.take_message_id(),
            "date": int(time.time()),
            "chat": chat.to_dict(),
            "from": sender.to_dict(),
            **content,
        }
        chat.messages[message["message_id"]] = message
        return copy.deepcopy(message)

    def find_message(self, chat: FakeChat, message_id: int | None) -> JSON | None:
        return chat.messages.get(message_id) if message_id is not None else None

    def reply_snapshot(self, chat: FakeChat, message_id: int) -> JSON | None:
        """The replied-to message as Telegram embeds it: without its own reply_to_message."""
        original = self.find_message(chat, message_id)
        if original is None:
            return None
        snapshot = copy.deepcopy(original)
        snapshot.pop("reply_to_message", None)
        return snapshot

    # ---------------------------------------------------------------- files

    def store_file(
        self, data: bytes, kind: str, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        number = next(self._file_numbers)
        stored = StoredFile(
            file_id=f"sandbox-{kind}-{number:06d}",
            file_unique_id=f"u{number:06d}",
            data=bytes(data),
            file_path=file_path_for(kind, number, file_name),
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)

    # ---------------------------------------------------------------- updates

    def push_update(self, kind: str, payload: JSON) -> JSON | None:
        update = self.queue.push(kind, copy.deepcopy(payload))
        self.signal.notify()
        return update

    def new_query_id(self) -> str:
        return f"{self.bot.id}{next(self._query_ids):08d}"
