"""Follow-up items (tindak lanjut): keeping them in step with their source documents, listing them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import FollowUpHistoryRow, FollowUpRow
from knowledge.model import FollowUp

INGEST_ACTOR = "ingest"


def item_key(doc: str, text: str) -> str:
    """Stable identity of an item across re-ingestion: its meeting and its words, not its position."""
    normalised = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    return hashlib.sha1(f"{doc.lower()}|{normalised}".encode()).hexdigest()


@dataclass
class SyncResult:
    added: int = 0
    changed: int = 0
    removed: int = 0


def _record(row: FollowUpRow, change: str, actor: str = INGEST_ACTOR, note: str | None = None) -> None:
    row.history.append(FollowUpHistoryRow(actor=actor, change=change, note=note))


def _has_human_history(row: FollowUpRow) -> bool:
    return any(entry.actor != INGEST_ACTOR for entry in row.history)


def sync_document_followups(
    session: Session,
    *,
    source: str,
    doc: str,
    items: list[FollowUp],
    passage_ids: dict[str, str],
    meeting_date: date | None,
) -> SyncResult:
    """Make the store's items for `source` match `items`, keeping the status and history officials recorded.

    An item that disappeared from the document is deleted when nobody has touched it; otherwise it is
    cancelled with a history entry, so no one's record is lost.
    """
    result = SyncResult()
    existing = {
        row.key: row
        for row in session.scalars(select(FollowUpRow).where(FollowUpRow.document_source == source))
    }
    seen: set[str] = set()
    for item in items:
        key = item_key(doc, item.text)
        if key in seen:
            continue
        seen.add(key)
        passage_id = passage_ids.get(item.passage_label or "")
        row = existing.get(key)
        if row is None:
            row = FollowUpRow(
                key=key,
                document_source=source,
                doc=doc,
                passage_id=passage_id,
                passage_label=item.passage_label,
                meeting_date=meeting_date,
                text=item.text,
                units=list(item.units),
                officials=list(item.officials),
                due=item.due,
                due_text=item.due_text,
                status=item.status,
            )
            _record(row, "dibuat dari dokumen")
            session.add(row)
            result.added += 1
            continue
        changes = _apply_document_fields(row, item, passage_id, doc, meeting_date)
        if changes:
            _record(row, "; ".join(changes))
            result.changed += 1
    for key, row in existing.items():
        if key in seen:
            continue
        if _has_human_history(row):
            if row.status != "dibatalkan":
                _record(row, f"status: {row.status} -> dibatalkan", note="butir dihapus dari dokumen sumber")
                row.status = "dibatalkan"
        else:
            session.delete(row)
        result.removed += 1
    return result


def _apply_document_fields(
    row: FollowUpRow, item: FollowUp, passage_id: str | None, doc: str, meeting_date: date | None
) -> list[str]:
    """Update what the document owns (units, due date, citation); status stays the officials' own."""
    changes: list[str] = []
    updates: dict[str, Any] = {
        "units": list(item.units),
        "officials": list(item.officials),
        "due": item.due,
        "due_text": item.due_text,
    }
    for field, value in updates.items():
        if getattr(row, field) != value:
            changes.append(f"{field}: {getattr(row, field)} -> {value}")
            setattr(row, field, value)
    # Citation details follow the new version silently: they are not news to anyone.
    row.passage_id = passage_id
    row.passage_label = item.passage_label
    row.doc = doc
    row.meeting_date = meeting_date
    # A status written in the document (e.g. "selesai") is news only when nobody has set one in chat.
    if item.status != row.status and not _has_human_history(row):
        changes.append(f"status: {row.status} -> {item.status}")
        row.status = item.status
    return changes


def followup_dict(row: FollowUpRow) -> dict[str, Any]:
    """The JSON shape of `python -m knowledge followups --json`."""
    return {
        "id": row.id,
        "text": row.text,
        "units": list(row.units or []),
        "due": row.due.isoformat() if row.due else None,
        "status": row.status,
        "source": {"doc": row.doc, "label": row.passage_label},
    }


def count_followups(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count(FollowUpRow.id))) or 0


def list_followups(
    sessions: sessionmaker[Session],
    statuses: list[str] | None = None,
    unit: str | None = None,
) -> list[FollowUpRow]:
    from knowledge.units import same_unit

    with sessions() as session:
        query = select(FollowUpRow).order_by(FollowUpRow.due.is_(None), FollowUpRow.due, FollowUpRow.id)
        if statuses:
            query = query.where(FollowUpRow.status.in_(statuses))
        rows = list(session.scalars(query))
    if unit:
        rows = [r for r in rows if any(same_unit(unit, u) for u in r.units or [])]
    return rows
