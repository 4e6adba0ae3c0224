"""Conversation context: a short follow-up ("kalau untuk provinsi?") is read with the previous question.

The previous question of each chat is kept in the database, so a restart of the bot in the middle of a
conversation loses nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from knowledge.operations.chat_state import ChatState
from knowledge.search.informal import Normalized

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
    def merge(previous: Turn, question: str, normalized: Normalized | None = None) -> str:
        """Rule-based condensing.

        "kalau yang provinsi?" after "Dari mana pendanaan tugas pembantuan pusat?" asks the same question
        about the province: the term of the same kind is swapped. Otherwise the follow-up's own words come
        first, then the previous question for context.
        """
        follow_up = _FOLLOW_UP_START.sub("", (normalized.text if normalized else question).strip()).strip(" ?,.")
        swapped = _swap(previous.question, follow_up)
        if swapped is not None:
            return swapped
        return f"{follow_up} — {previous.question}".strip()


# Terms a follow-up swaps for one of the same kind ("kalau yang provinsi?", "kalo dari tugas pembantuan?").
_SAME_KIND = (
    ("pusat", "provinsi", "kabupaten/kota", "kabupaten", "kota", "desa"),
    ("dekonsentrasi", "tugas pembantuan"),
    ("gubernur", "bupati/wali kota", "bupati/walikota", "bupati", "wali kota", "walikota", "menteri"),
    ("apbn", "apbd", "anggaran pendapatan dan belanja negara", "anggaran pendapatan dan belanja daerah"),
    ("barang milik negara", "barang milik daerah"),
)
_FILLER = re.compile(r"\b(?:yang|yg|untuk|buat|dari|di|ke|kepada|pada|soal|bagaimana|gimana|apa|nya)\b", re.I)


def _swap(previous: str, follow_up: str) -> str | None:
    """The previous question with its term replaced by the follow-up's term of the same kind, or None."""
    result = previous
    rest = follow_up
    swapped = False
    for kind in _SAME_KIND:
        new = next((t for t in sorted(kind, key=len, reverse=True) if _has(rest, t)), None)
        if new is None:
            continue
        old = next((t for t in sorted(kind, key=len, reverse=True) if t != new and _has(result, t)), None)
        if old is None:
            continue
        result = re.sub(rf"\b{re.escape(old)}\b", new, result, count=1, flags=re.IGNORECASE)
        rest = re.sub(rf"\b{re.escape(new)}\b", " ", rest, flags=re.IGNORECASE)
        swapped = True
    if not swapped:
        return None
    rest = " ".join(_FILLER.sub(" ", rest).split())
    return f"{result.rstrip(' ?')} {rest}?" if rest else result


def _has(text: str, term: str) -> bool:
    return bool(re.search(rf"\b{re.escape(term)}\b", text, re.IGNORECASE))
