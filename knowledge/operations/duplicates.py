"""The same follow-up written twice: the minutes of a meeting and its recommendation list both say "Bappeda
Provinsi agar menyampaikan laporan Triwulan I ...". Left alone, officials get two reminders for one task and
the secretariat's counts are inflated.

Rules (items of the same meeting: same meeting date, and same province when both are known, from different
documents):
- text similarity >= MERGE_SIMILARITY, the same units and the same due date: merged on ingest. The newer item
  is kept (with its history and citation) but points at the older one (`merged_into_id`) and is no longer
  listed or reminded; both histories say so.
- otherwise, similarity >= OFFER_SIMILARITY (or equal texts whose units or dates differ): nothing is merged,
  the pair is offered to the secretariat as "mungkin duplikat", who merges it with a button or dismisses it.
Nothing is ever merged silently when units or due dates differ.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import FollowUpDuplicateRow, FollowUpHistoryRow, FollowUpRow, utcnow
from knowledge.operations.units import normalize_unit

MERGE_SIMILARITY = 0.85
OFFER_SIMILARITY = 0.6


class PairStatus(StrEnum):
    """Values of FollowUpDuplicateRow.status: offered to the secretariat, then merged or dismissed."""

    OPEN = "terbuka"
    MERGED = "digabung"
    DISMISSED = "ditolak"


# The names callers used before the enum: the members, typed `str` as the plain strings they meet.
OPEN: str = PairStatus.OPEN
MERGED: str = PairStatus.MERGED
DISMISSED: str = PairStatus.DISMISSED
INGEST_ACTOR = "ingest"


class DuplicateError(ValueError):
    """A pair that is unknown or already decided; the message is for logs."""


def similarity(a: str, b: str) -> float:
    """Word-level similarity of two item texts, 0..1 (case, punctuation and spacing ignored)."""
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return 0.0
    return SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", (text or "").lower())


def _unit_keys(row: FollowUpRow) -> frozenset[str]:
    return frozenset(key for unit in row.units or [] if (key := normalize_unit(unit)))


def same_meeting(a: FollowUpRow, b: FollowUpRow) -> bool:
    if a.meeting_date is None or a.meeting_date != b.meeting_date or a.document_source == b.document_source:
        return False
    return not (a.region and b.region and a.region != b.region)


@dataclass
class DedupResult:
    merged: int = 0
    offered: int = 0


def deduplicate_new(session: Session, new_rows: Sequence[FollowUpRow]) -> DedupResult:
    """Compare items just added by an ingest with the other documents' items of the same meeting (called by
    sync_document_followups inside its transaction, after a flush)."""
    result = DedupResult()
    dated = [row for row in new_rows if row.meeting_date is not None]
    if not dated:
        return result
    dates = {row.meeting_date for row in dated}
    candidates = list(
        session.scalars(
            select(FollowUpRow)
            .where(FollowUpRow.meeting_date.in_(dates), FollowUpRow.merged_into_id.is_(None))
            .order_by(FollowUpRow.id)
            .execution_options(populate_existing=True)  # a canonical deleted in this flush freed its merged ones
        )
    )
    for row in dated:
        best: tuple[float, FollowUpRow] | None = None
        for other in candidates:
            if other.id == row.id or other.merged_into_id is not None or not same_meeting(row, other):
                continue
            score = similarity(row.text, other.text)
            if score >= OFFER_SIMILARITY and (best is None or score > best[0]):
                best = (score, other)
        if best is None:
            continue
        score, other = best
        if score >= MERGE_SIMILARITY and _unit_keys(row) == _unit_keys(other) and row.due == other.due:
            _merge(row, other, INGEST_ACTOR, note=f"isi sama ({round(score * 100)}%), unit dan tenggat sama")
            result.merged += 1
        elif not _pair_exists(session, row.id, other.id):
            session.add(FollowUpDuplicateRow(item_id=row.id, other_id=other.id, score=round(score, 3)))
            result.offered += 1
    return result


def _pair_exists(session: Session, a: int, b: int) -> bool:
    return (
        session.scalar(
            select(FollowUpDuplicateRow.id).where(
                or_(
                    (FollowUpDuplicateRow.item_id == a) & (FollowUpDuplicateRow.other_id == b),
                    (FollowUpDuplicateRow.item_id == b) & (FollowUpDuplicateRow.other_id == a),
                )
            )
        )
        is not None
    )


def _merge(row: FollowUpRow, into: FollowUpRow, actor: str, note: str | None = None) -> list[str]:
    """Point `row` at `into`; units and officials only `row` names join `into`, so nobody loses a reminder."""
    row.merged_into_id = into.id
    row.history.append(FollowUpHistoryRow(actor=actor, change=f"digabung ke #{into.id}", note=note))
    changes = [f"#{row.id} digabung ke sini"]
    known = {normalize_unit(u) for u in into.units or []}
    extra_units = [u for u in row.units or [] if normalize_unit(u) not in known]
    if extra_units:
        changes.append(f"units: {', '.join(into.units or []) or '-'} -> {', '.join([*into.units, *extra_units])}")
        into.units = [*into.units, *extra_units]
    extra_officials = [o for o in row.officials or [] if o not in (into.officials or [])]
    if extra_officials:
        into.officials = [*(into.officials or []), *extra_officials]
    into.history.append(FollowUpHistoryRow(actor=actor, change="; ".join(changes), note=note))
    return changes


# ---- the secretariat's decisions ----------------------------------------------------------------------


@dataclass
class DuplicatePair:
    id: int
    item: FollowUpRow  # the newer item, merged away when the pair is accepted
    other: FollowUpRow
    score: float


def open_pairs(sessions: sessionmaker[Session]) -> list[DuplicatePair]:
    """Pairs still waiting for the secretariat, both items still listed."""
    with sessions() as session:
        rows = session.scalars(
            select(FollowUpDuplicateRow).where(FollowUpDuplicateRow.status == OPEN).order_by(FollowUpDuplicateRow.id)
        ).all()
        pairs = []
        for pair in rows:
            item, other = session.get(FollowUpRow, pair.item_id), session.get(FollowUpRow, pair.other_id)
            if item is None or other is None or item.merged_into_id or other.merged_into_id:
                continue
            pairs.append(DuplicatePair(pair.id, item, other, pair.score))
        return pairs


def get_pair(sessions: sessionmaker[Session], pair_id: int) -> DuplicatePair | None:
    return next((p for p in open_pairs(sessions) if p.id == pair_id), None)


def decide_pair(sessions: sessionmaker[Session], pair_id: int, merge: bool, actor: str) -> FollowUpRow:
    """Merge the pair's newer item into the older one, or record that they differ; returns the kept item.
    DuplicateError when the pair is unknown or was decided meanwhile (e.g. by another secretariat member)."""
    with sessions.begin() as session:
        pair = session.get(FollowUpDuplicateRow, pair_id)
        if pair is None or pair.status != OPEN:
            raise DuplicateError(f"duplicate pair {pair_id} is unknown or already decided")
        item, other = session.get(FollowUpRow, pair.item_id), session.get(FollowUpRow, pair.other_id)
        if item is None or other is None or item.merged_into_id or other.merged_into_id:
            raise DuplicateError(f"duplicate pair {pair_id} no longer has two listed items")
        pair.status, pair.decided_by, pair.decided_at = (MERGED if merge else DISMISSED), actor[:255], utcnow()
        if merge:
            _merge(item, other, actor, note="digabung sebagai duplikat oleh sekretariat")
        session.flush()
        session.refresh(other, ["history"])
        return other
