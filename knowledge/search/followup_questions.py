"""Questions about follow-up items in natural language ("tindak lanjut Bappeda Jabar yang terlambat?"): whether
a question asks for the list, which items it asks for, and the Assistant's answer citing the minutes they came from.

The search side of follow-ups: it reads the live corpus snapshot (`Corpus`) for meeting details and citations,
while `knowledge/operations/followups.py` keeps the items themselves and knows nothing of the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import FollowUpRow
from knowledge.index.corpus import Corpus
from knowledge.operations.dates import format_indonesian_date
from knowledge.operations.followups import (
    BERJALAN,
    DIBATALKAN,
    OPEN,
    SELESAI,
    TERLAMBAT,
    list_followups,
    meeting_texts,
    word_set,
)
from knowledge.operations.reminders import effective_status
from knowledge.operations.units import normalize_unit

_ABOUT_FOLLOWUPS = re.compile(r"\btindak\s*-?\s*lanjut(?:nya)?\b|\btindaklanjut\w*", re.IGNORECASE)
# "Rekomendasi" asks for the list only with a list or status cue; "apa rekomendasi rakor tentang pelatihan
# operator?" asks what one recommendation says, which the minutes passage answers better.
_ABOUT_RECOMMENDATIONS = re.compile(
    r"\brekomendasi\b.*\b(?:belum|sudah|telah|selesai|terlambat|tenggat|batas\s+waktu|saja|daftar|status)\b"
    r"|\b(?:apa\s+saja|mana\s+saja|daftar)\b.*\brekomendasi\b"
    r"|\bberapa\s+(?:banyak\s+|jumlah\s+)?rekomendasi\b",  # "berapa nomor surat rekomendasi" asks for a number
    re.IGNORECASE,
)
# A question that names a regulation asks what the law says, not what a meeting decided.
_ABOUT_LAW = re.compile(
    r"\b(?:pasal|ayat|peraturan|undang|permendagri|pmk|perpres|uu|pp)\b|\byang\s+dimaksud\b|\bmenurut\b",
    re.IGNORECASE,
)
_STATUS_WORDS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"\b(?:belum|masih\s+(?:terbuka|berjalan)|outstanding|tertunda|yang\s+masih)\b", re.I), OPEN),
    (re.compile(r"\b(?:terlambat|lewat|melewati|overdue)\b", re.I), (TERLAMBAT,)),
    (re.compile(r"\b(?:dibatalkan|batal)\b", re.I), (DIBATALKAN,)),
    (re.compile(r"\b(?:sudah|telah|yang)\s+(?:selesai|tuntas|rampung|dikerjakan|dilaksanakan)\b|\bselesai\b", re.I),
     (SELESAI,)),
    (re.compile(r"\b(?:sedang|berjalan|dalam\s+proses)\b", re.I), (BERJALAN,)),
]  # fmt: skip
_QUESTION_WORDS = frozenset(
    "apa saja apakah yang mana siapa kapan bagaimana berapa daftar tolong mohon sebutkan tampilkan dari hasil "
    "untuk dan atau di ke pada dalam ada adakah masih sudah belum telah tindak lanjut tindaklanjut rekomendasi "
    "status semua seluruh item butir selesai terlambat batal dibatalkan berjalan sedang harus perlu".split()
)
MAX_ANSWER_ITEMS = 8  # a phone screen; the rest is one command away


def is_followup_question(question: str) -> bool:
    if _ABOUT_LAW.search(question):
        return False
    return bool(_ABOUT_FOLLOWUPS.search(question) or _ABOUT_RECOMMENDATIONS.search(question))


def answer_followup_question(
    question: str, sessions: sessionmaker[Session], corpus: Corpus | None = None, today: date | None = None
) -> list[FollowUpRow] | None:
    """The items a question about follow-ups asks for, or None when it is not about follow-ups.

    Filters read from the question: a status ("belum selesai" = every open item, "terlambat", "selesai"...),
    a unit named in it ("Bappeda Jabar"), and a meeting (the remaining words that name a meeting's document,
    title, place or date, e.g. "rakor Bandung"). Without a status word, cancelled items are left out.
    """
    if not is_followup_question(question):
        return None
    today = today or date.today()
    statuses: tuple[str, ...] = ()
    for pattern, wanted in _STATUS_WORDS:
        if pattern.search(question):
            statuses = wanted
            break
    rows = list_followups(sessions, today=today)
    rows = (
        [r for r in rows if effective_status(r, today) in statuses]
        if statuses
        else [r for r in rows if r.status != DIBATALKAN]
    )
    unit_key = normalize_unit(question)
    named_units = {u for r in rows for u in r.units or [] if normalize_unit(u) and _contains(unit_key, u)}
    if named_units:
        rows = [r for r in rows if any(u in named_units for u in r.units or [])]
    words = word_set(question) - _QUESTION_WORDS - word_set(" ".join(named_units)) - _unit_words(named_units)
    if words and rows:
        with sessions() as session:
            meetings = {k: word_set(v) for k, v in meeting_texts(session, rows).items()}
        if corpus is not None:  # the snapshot's meeting details count too (same source of truth)
            for row in rows:
                info = corpus.docs.get(row.doc or "")
                if info is not None:
                    meeting = info.info.get("meeting") or {}
                    meetings[row.id] = meetings.get(row.id, set()) | word_set(
                        f"{info.title} {meeting.get('place') or ''} {meeting.get('title') or ''}"
                    )
        scores = {r.id: len(words & meetings.get(r.id, set())) for r in rows}
        best = max(scores.values(), default=0)
        if best:
            rows = [r for r in rows if scores[r.id] == best]
    return rows


def _contains(question_key: str, unit: str) -> bool:
    key = normalize_unit(unit)
    return bool(key) and f" {key} " in f" {question_key} "


def _unit_words(units: Iterable[str]) -> set[str]:
    return word_set(" ".join(normalize_unit(u) for u in units))


@dataclass
class FollowUpAnswer:
    """What the Assistant shows: the text, and the cited passages in the order the text numbers them."""

    text: str
    passage_ids: list[str] = field(default_factory=list)
    items: list[FollowUpRow] = field(default_factory=list)


def followup_answer(
    question: str, sessions: sessionmaker[Session], corpus: Corpus | None = None, today: date | None = None
) -> FollowUpAnswer | None:
    """`answer_followup_question` written out: one line per item, "[n]" pointing at the minutes passage it
    came from (numbered like the Assistant's source list). Passages no longer live are not cited."""
    rows = answer_followup_question(question, sessions, corpus, today)
    if rows is None:
        return None
    today = today or date.today()
    if not rows:
        return FollowUpAnswer("Tidak ada tindak lanjut yang cocok dengan pertanyaan ini.")
    cited: list[str] = []
    lines = [f"Ditemukan {len(rows)} tindak lanjut:"]
    for number, row in enumerate(rows[:MAX_ANSWER_ITEMS], start=1):
        units = ", ".join(row.units or []) or "unit belum ditentukan"
        due = f"tenggat {format_indonesian_date(row.due)}" if row.due else "tanpa tenggat"
        marker = ""
        live = row.passage_id and (corpus is None or row.passage_id in corpus.by_id)
        if live:
            assert row.passage_id is not None
            if row.passage_id not in cited:
                cited.append(row.passage_id)
            marker = f" [{cited.index(row.passage_id) + 1}]"
        lines.append(f"{number}. {row.text} — {units}; {due}; status: {effective_status(row, today)}{marker}")
    if len(rows) > MAX_ANSWER_ITEMS:
        lines.append(f"... dan {len(rows) - MAX_ANSWER_ITEMS} lainnya. Daftar lengkap: /tindaklanjut")
    return FollowUpAnswer("\n".join(lines), cited, rows)
