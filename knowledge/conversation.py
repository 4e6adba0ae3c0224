"""Conversation context: a short follow-up ("kalau untuk provinsi?") is read with the previous question.

The previous question of each chat is kept in the database, so a restart of the bot in the middle of a
conversation loses nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from knowledge.chat_state import ChatState
from knowledge.informal import Normalized

# How long a previous question stays context for the next one.
CONTEXT_SECONDS = 15 * 60
_FOLLOW_UP_START = re.compile(
    r"^(kalau|kalo|bagaimana dengan|gimana dengan|lalu|terus|trus|dan|bagaimana kalau|untuk|"
    r"sedangkan|apakah juga|juga|selain itu|berarti|jadi)\b",
    re.IGNORECASE,
)
# "sanksinya", "pendanaannya": the enclitic points back at what was asked before.
_REFERS_BACK = re.compile(r"\b(itu|tersebut|tadi|tsb|hal ini|yang sama)\b|\w{3,}nya\b", re.IGNORECASE)


@dataclass
class Turn:
    question: str


class Conversations:
    """The last question of each chat, for CONTEXT_SECONDS."""

    SCOPE = "conversation"

    def __init__(self, state: ChatState) -> None:
        self._state = state

    def remember(self, chat_id: str | int, question: str) -> None:
        self._state.set(self.SCOPE, str(chat_id), {"question": question}, timedelta(seconds=CONTEXT_SECONDS))

    def previous(self, chat_id: str | int) -> Turn | None:
        value = self._state.get(self.SCOPE, str(chat_id))
        return Turn(value["question"]) if value else None

    @staticmethod
    def is_follow_up(question: str, normalized: Normalized, defines: bool = False) -> bool:
        """A short message that leans on the previous question: "kalau untuk provinsi?", "apa sanksinya?".

        A question that names its own subject stands alone however short it is: "Apa itu GWPP?" (`defines`:
        it asks for the definition of a term) or "Pasal 7 PP 19/2022".
        """
        if defines:
            return False
        words = re.findall(r"\w+", question)
        if re.search(r"\bpasal\s+\d", question, re.IGNORECASE) and len(words) > 4:
            return False
        content = len(normalized.content_words)
        if _FOLLOW_UP_START.search(question.strip()):
            return content <= 3
        return content <= 2 and (bool(_REFERS_BACK.search(question)) or len(words) <= 3)

    @staticmethod
    def merge(previous: Turn, question: str) -> str:
        """Rule-based condensing: the follow-up's own words first, then the previous question for context."""
        follow_up = _FOLLOW_UP_START.sub("", question.strip()).strip(" ?,.")
        return f"{follow_up} — {previous.question}".strip()
