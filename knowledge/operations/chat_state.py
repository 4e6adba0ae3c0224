"""Small per-chat state kept in the database (conversation context, dialogue steps, drafts), so a restart
of the bot forgets nothing a person is in the middle of."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import delete, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import ChatStateRow, utcnow


class ChatState:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def set(self, scope: str, key: str, value: Any, ttl: timedelta | None = None) -> None:
        with self.sessions.begin() as session:
            row = session.get(ChatStateRow, (scope, key)) or ChatStateRow(scope=scope, key=key)
            row.value = value
            row.expires_at = utcnow() + ttl if ttl else None
            row.updated_at = utcnow()
            session.add(row)

    def get(self, scope: str, key: str) -> Any:
        with self.sessions() as session:
            row = session.get(ChatStateRow, (scope, key))
            if row is None or (row.expires_at is not None and row.expires_at <= utcnow()):
                return None
            return row.value

    def all(self, scope: str) -> dict[str, Any]:
        now = utcnow()
        with self.sessions() as session:
            rows = session.scalars(select(ChatStateRow).where(ChatStateRow.scope == scope))
            return {r.key: r.value for r in rows if r.expires_at is None or r.expires_at > now}

    def delete(self, scope: str, key: str) -> bool:
        with self.sessions.begin() as session:
            statement = delete(ChatStateRow).where(ChatStateRow.scope == scope, ChatStateRow.key == key)
            result = cast(CursorResult[Any], session.execute(statement))  # a DELETE's result; the stubs say Result
            return bool(result.rowcount)
