"""python-telegram-bot persistence in our SQL database (instead of PicklePersistence): conversation steps
(e.g. where a user is in /daftar) and user_data (the registration draft) survive a restart.

Only JSON-serialisable values are kept; bot_data and chat_data are not persisted (bot_data holds live
service objects)."""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from knowledge.operations.users import UserStore

ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]

USER_DATA = "ptb:user_data"
CONVERSATION = "ptb:conversation:"


class SqlPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, users: UserStore, update_interval: float = 5) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self.users = users

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {int(key): dict(value) for key, value in self.users.states(USER_DATA).items() if value}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        if data:
            self.users.set_state(USER_DATA, str(user_id), data)
        else:
            self.users.delete_state(USER_DATA, str(user_id))  # most users never have any: keep no empty rows

    async def drop_user_data(self, user_id: int) -> None:
        self.users.delete_state(USER_DATA, str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """The database is only written by this process, so memory is already current."""

    async def get_conversations(self, name: str) -> ConversationDict:
        return {tuple(json.loads(key)): state for key, state in self.users.states(CONVERSATION + name).items()}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        if new_state is None:
            self.users.delete_state(CONVERSATION + name, json.dumps(list(key)))
        else:
            self.users.set_state(CONVERSATION + name, json.dumps(list(key)), new_state)

    # Not persisted (see the module docstring).
    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        pass

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        pass

    async def update_callback_data(self, data: Any) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        pass

    async def flush(self) -> None:
        pass  # every update is written through at once
