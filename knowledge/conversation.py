"""Conversation context: a short follow-up ("kalau untuk provinsi?") is read with the previous question."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

# How long a previous question stays context for the next one.
CONTEXT_SECONDS = 15 * 60
_FOLLOW_UP_START = re.compile(
    r"^(kalau|kalo|bagaimana dengan|gimana dengan|lalu|terus|trus|dan|bagaimana kalau|untuk|"
    r"sedangkan|apakah juga|juga|selain itu|berarti|jadi)\b",
    re.IGNORECASE,
)
_REFERS_BACK = re.compile(r"\b(itu|tersebut|tadi|tsb|nya|hal ini|yang sama)\b", re.IGNORECASE)


@dataclass
class Turn:
    question: str
    docs: list[str] = field(default_factory=list)
    at: float = field(default_factory=time.monotonic)


class Conversations:
    """The last question of each chat (in memory: context is short-lived by nature)."""

    def __init__(self) -> None:
        self._last: dict[str, Turn] = {}

    def remember(self, chat_id: str | int, question: str, docs: list[str]) -> None:
        self._last[str(chat_id)] = Turn(question, list(docs))

    def previous(self, chat_id: str | int) -> Turn | None:
        turn = self._last.get(str(chat_id))
        if turn is None or time.monotonic() - turn.at > CONTEXT_SECONDS:
            return None
        return turn

    def forget(self, chat_id: str | int) -> None:
        self._last.pop(str(chat_id), None)

    @staticmethod
    def is_follow_up(question: str) -> bool:
        words = re.findall(r"\w+", question)
        if re.search(r"\bpasal\s+\d", question, re.IGNORECASE) and len(words) > 4:
            return False
        return bool(_FOLLOW_UP_START.search(question.strip())) or (
            len(words) <= 4 and bool(_REFERS_BACK.search(question) or len(words) <= 3)
        )

    @staticmethod
    def merge(previous: Turn, question: str) -> str:
        """Rule-based condensing: the follow-up's own words first, then the previous question for context."""
        follow_up = _FOLLOW_UP_START.sub("", question.strip()).strip(" ?,.")
        return f"{follow_up} — {previous.question}".strip()
