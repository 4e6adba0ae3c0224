"""Follow-up items (tindak lanjut): keeping them in step with their source documents, listing them, changes
made in chat (always with who and when in the history) and extension requests. Questions about them in natural
language are answered in `knowledge/search/followup_questions.py`.

Statuses: baru, berjalan, selesai, terlambat, dibatalkan. "terlambat" is also *derived*: an open item past its
due date shows as terlambat (`effective_status`) without anyone writing it, so a late item can never look on
time because nobody updated it. Plain Python over SQLAlchemy, no Telegram.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from knowledge.db import DocumentRow, FollowUpHistoryRow, FollowUpRequestRow, FollowUpRow, utcnow
from knowledge.formats import iso_dates_to_text
from knowledge.model import FOLLOWUP_STATUSES, FollowUp, FollowUpStatus
from knowledge.operations.dates import format_indonesian_date
from knowledge.operations.duplicates import deduplicate_new
from knowledge.operations.reminders import effective_status
from knowledge.operations.units import display_unit, normalize_unit, region_of, unit_reaches

INGEST_ACTOR = "ingest"
# The names callers used before the enums: the members, typed `str` as the plain strings they meet.
BARU: str = FollowUpStatus.BARU
BERJALAN: str = FollowUpStatus.BERJALAN
SELESAI: str = FollowUpStatus.SELESAI
TERLAMBAT: str = FollowUpStatus.TERLAMBAT
DIBATALKAN: str = FollowUpStatus.DIBATALKAN
CLOSED = (SELESAI, DIBATALKAN)
OPEN = (BARU, BERJALAN, TERLAMBAT)


class RequestStatus(StrEnum):
    """Values of FollowUpRequestRow.status: an extension request waits, then is granted or refused."""

    MENUNGGU = "menunggu"
    DISETUJUI = "disetujui"
    DITOLAK = "ditolak"


MENUNGGU: str = RequestStatus.MENUNGGU
DISETUJUI: str = RequestStatus.DISETUJUI
DITOLAK: str = RequestStatus.DITOLAK
EDITABLE = ("text", "units", "officials", "due", "due_text", "status")
NO_UNIT = "unit belum ditentukan"
MANUAL_SOURCE = "dicatat oleh sekretariat"  # the source of an item added in chat, where a citation would be


class FollowUpError(ValueError):
    """A change the rules refuse (unknown item, bad status, empty text); the message is for logs."""


def item_key(doc: str, text: str) -> str:
    """Stable identity of an item across re-ingestion: its meeting and its words, not its position."""
    normalised = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    return hashlib.sha1(f"{doc.lower()}|{normalised}".encode()).hexdigest()


@dataclass
class SyncResult:
    added: int = 0
    changed: int = 0
    removed: int = 0
    # added items that repeat another document's item of the same meeting (knowledge/operations/duplicates.py)
    merged: int = 0
    offered: int = 0  # pairs offered to the secretariat as "mungkin duplikat"


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
        row.key: row for row in session.scalars(select(FollowUpRow).where(FollowUpRow.document_source == source))
    }
    region = _meeting_region(session, source) if items else None
    added: list[FollowUpRow] = []
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
                region=region,
            )
            _record(row, "dibuat dari dokumen")
            session.add(row)
            added.append(row)
            result.added += 1
            continue
        row.region = region  # where the meeting was held is not news to anyone
        changes = _apply_document_fields(row, item, passage_id, doc, meeting_date)
        if changes:
            _record(row, "; ".join(changes))
            result.changed += 1
    for key, row in existing.items():
        if key in seen:
            continue
        if _has_human_history(row):
            if row.status != DIBATALKAN:
                _record(row, f"status: {row.status} -> {DIBATALKAN}", note="butir dihapus dari dokumen sumber")
                row.status = DIBATALKAN
        else:
            session.delete(row)
        result.removed += 1
    if added:
        session.flush()  # ids for the new items, and removed ones gone before looking for duplicates
        found = deduplicate_new(session, added)
        result.merged, result.offered = found.merged, found.offered
    return result


def _meeting_region(session: Session, source: str) -> str | None:
    """The province of the meeting a document records: from its place ("Hotel Asmira, Bandung"), else its
    title ("Rakor ... Provinsi Jawa Barat")."""
    document = session.scalar(select(DocumentRow).where(DocumentRow.source == source))
    if document is None:
        return None
    meeting = (document.info or {}).get("meeting") or {}
    return region_of(meeting.get("place") or "") or region_of(meeting.get("title") or document.title or "")


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
    for name, value in updates.items():
        if getattr(row, name) != value:
            changes.append(f"{name}: {_describe(getattr(row, name))} -> {_describe(value)}")
            setattr(row, name, value)
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


# ---- reading -------------------------------------------------------------------------------------


def followup_dict(row: FollowUpRow, today: date | None = None) -> dict[str, Any]:
    """The JSON shape of `python -m knowledge followups --json`. "status" is what was recorded; with `today`,
    "computed_status" is what the bot shows (an open item past its due date is terlambat) and "days_late"
    how late it is (null when it is not)."""
    data: dict[str, Any] = {
        "id": row.id,
        "text": row.text,
        "units": list(row.units or []),
        "due": row.due.isoformat() if row.due else None,
        "status": row.status,
    }
    if today is not None:
        data["computed_status"] = effective_status(row, today)
        data["days_late"] = days_late(row, today) or None
    data["source"] = {"doc": row.doc, "label": row.passage_label}
    return data


def days_late(row: FollowUpRow, today: date) -> int:
    """Days past the due date of an item that is still open (0 for a finished, undated or timely one)."""
    if effective_status(row, today) != TERLAMBAT or row.due is None:
        return 0
    return max(0, (today - row.due).days)


def status_text(row: FollowUpRow, today: date) -> str:
    """ "terlambat 3 hari", "berjalan", "selesai": the computed status as a person reads it."""
    late = days_late(row, today)
    return f"{TERLAMBAT} {late} hari" if late else effective_status(row, today)


def source_text(row: FollowUpRow) -> str:
    """Where an item comes from: its passage label, or "dicatat oleh sekretariat" for one added in chat."""
    return row.passage_label or MANUAL_SOURCE


@dataclass
class UnitCount:
    unit: str
    open: int = 0
    late: int = 0


def counts_by_unit(rows: Iterable[FollowUpRow], today: date) -> list[UnitCount]:
    """Open and late items per unit (every spelling of a unit counted once), most late first; an item of
    several units counts for each, an item without a unit under "belum ditentukan"."""
    counts: dict[str, UnitCount] = {}
    for row in rows:
        status = effective_status(row, today)
        if status not in OPEN:
            continue
        for unit in dict.fromkeys(row.units or [NO_UNIT]):
            key = normalize_unit(unit) or unit
            count = counts.setdefault(key, UnitCount(display_unit(unit) if unit != NO_UNIT else NO_UNIT))
            count.open += 1
            count.late += status == TERLAMBAT
    return sorted(counts.values(), key=lambda c: (-c.late, -c.open, c.unit.lower()))


def count_followups(sessions: sessionmaker[Session]) -> int:
    """Items listed (merged duplicates not counted)."""
    with sessions() as session:
        return session.scalar(select(func.count(FollowUpRow.id)).where(FollowUpRow.merged_into_id.is_(None))) or 0


def list_followups(
    sessions: sessionmaker[Session],
    statuses: list[str] | None = None,
    unit: str | None = None,
    *,
    today: date | None = None,
    meeting: str | None = None,
    ids: Iterable[int] | None = None,
    include_merged: bool = False,
) -> list[FollowUpRow]:
    """Items by due date (undated last). With `today`, `statuses` match the effective status (a late
    "berjalan" item is found under terlambat); `meeting` keeps items whose meeting names every given word;
    `unit` also finds items of a generic unit that reaches it ("Bappeda Provinsi" of a meeting in Jawa Barat
    for "Bappeda Jabar"). Items merged into another (duplicates) are left out unless `include_merged`."""
    with sessions() as session:
        query = select(FollowUpRow).order_by(FollowUpRow.due.is_(None), FollowUpRow.due, FollowUpRow.id)
        if not include_merged:
            query = query.where(FollowUpRow.merged_into_id.is_(None))
        if statuses and today is None:
            query = query.where(FollowUpRow.status.in_(statuses))
        if ids is not None:
            query = query.where(FollowUpRow.id.in_(list(ids)))
        rows = list(session.scalars(query))
        meetings = meeting_texts(session, rows) if meeting else {}
    if statuses and today is not None:
        rows = [r for r in rows if effective_status(r, today) in statuses]
    if unit:
        rows = [r for r in rows if any(unit_reaches(u, unit, r.region) for u in r.units or [])]
    if meeting:
        words = word_set(meeting)
        rows = [r for r in rows if words and words <= word_set(meetings.get(r.id, ""))]
    return rows


def get_followup(sessions: sessionmaker[Session], item_id: int) -> FollowUpRow | None:
    """One item with its history loaded (usable after the session is closed)."""
    with sessions() as session:
        return session.scalar(
            select(FollowUpRow).where(FollowUpRow.id == item_id).options(selectinload(FollowUpRow.history))
        )


def meeting_texts(session: Session, rows: Sequence[FollowUpRow]) -> dict[int, str]:
    """Item id -> the words that name its meeting: document name and title, place and date."""
    sources = {r.document_source for r in rows if r.document_source}
    documents = (
        {d.source: d for d in session.scalars(select(DocumentRow).where(DocumentRow.source.in_(sources)))}
        if sources
        else {}
    )
    texts: dict[int, str] = {}
    for row in rows:
        document = documents.get(row.document_source or "")
        meeting = (document.info or {}).get("meeting") or {} if document else {}
        parts = [
            row.doc or "",
            document.title if document else "",
            meeting.get("title") or "",
            meeting.get("place") or "",
        ]
        if row.meeting_date:
            parts.append(format_indonesian_date(row.meeting_date))
        texts[row.id] = " ".join(parts)
    return texts


def word_set(text: str) -> set[str]:
    """The lower-case words and numbers of `text`, for matching a meeting by the words that name it."""
    return set(re.findall(r"[a-z0-9]+", (text or "").lower()))


# ---- changes made in chat --------------------------------------------------------------------------


def actor_ref(user_id: int, name: str = "") -> str:
    """How the history names a person: "user:123 Budi Santoso" (id for certainty, name for reading)."""
    return f"user:{user_id} {' '.join((name or '').split())}".strip()[:255]


# Field names of the stored history ("due: 2024-03-31 -> 2024-04-30") as a person reads them.
_FIELD_WORDS = {"due": "tenggat", "units": "unit", "text": "uraian", "officials": "pejabat", "status": "status"}
_CHANGE_PART = re.compile(r"^(?P<field>[a-z_]+): (?P<old>.*?) -> (?P<new>.*)$", re.DOTALL)


def describe_change(change: str) -> str:
    """A stored history change in Indonesian: "due: 2024-03-31 -> 2026-12-30; status: baru -> selesai" ->
    "tenggat: 31 Maret 2024 → 30 Desember 2026; status: baru → selesai". The stored form stays as it is
    (older rows too), so scripts can still read it; only what a person sees is written out."""
    parts = []
    for part in change.split("; "):
        match = _CHANGE_PART.match(part)
        if match and match["field"] in _FIELD_WORDS:
            part = f"{_FIELD_WORDS[match['field']]}: {_list_text(match['old'])} → {_list_text(match['new'])}"
        parts.append(iso_dates_to_text(part))
    return "; ".join(parts)


def _list_text(value: str) -> str:
    """ "['A', 'B']" (how an old ingest wrote lists) -> "A, B"; "None" -> "-"."""
    if value == "None":
        return "-"
    if value.startswith("[") and value.endswith("]"):
        return ", ".join(re.findall(r"'([^']*)'", value)) or "-"
    return value


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "-"
    if isinstance(value, date):
        return value.isoformat()
    return "-" if value in (None, "") else str(value)


def add_followup(
    sessions: sessionmaker[Session],
    *,
    text: str,
    units: Sequence[str] = (),
    due: date | None = None,
    due_text: str | None = None,
    officials: Sequence[str] = (),
    actor: str,
) -> FollowUpRow:
    """An item the secretariat records in chat: it has no source document, so re-ingestion never touches it."""
    text = " ".join(text.split())
    if not text:
        raise FollowUpError("a follow-up needs a text")
    row = FollowUpRow(
        key=item_key("manual", f"{text}|{uuid.uuid4().hex}"),
        text=text,
        units=[display_unit(u) for u in units if u.strip()],
        officials=[" ".join(o.split()) for o in officials if o.strip()],
        due=due,
        due_text=due_text,
        status=BARU,
    )
    _record(row, "dicatat oleh sekretariat", actor=actor)
    with sessions.begin() as session:
        session.add(row)
        session.flush()
        session.refresh(row, ["history"])
    return row


def update_followup(
    sessions: sessionmaker[Session], item_id: int, actor: str, *, note: str | None = None, **changes: Any
) -> tuple[FollowUpRow, list[str]]:
    """Apply `changes` (fields in EDITABLE) and write one history entry naming each change; returns the item
    and the changes made (none when every value was already so, and then no history entry either)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise FollowUpError(f"not editable: {sorted(unknown)}")
    if "status" in changes and changes["status"] not in FOLLOWUP_STATUSES:
        raise FollowUpError(f"unknown status {changes['status']!r}")
    if "text" in changes and not " ".join(str(changes["text"]).split()):
        raise FollowUpError("a follow-up needs a text")
    with sessions.begin() as session:
        row = session.get(FollowUpRow, item_id)
        if row is None:
            raise FollowUpError(f"unknown follow-up {item_id}")
        made: list[str] = []
        for name, value in changes.items():
            if name == "due_text":
                row.due_text = value  # the words travel with the date; not news of their own
                continue
            if getattr(row, name) != value:
                made.append(f"{name}: {_describe(getattr(row, name))} -> {_describe(value)}")
                setattr(row, name, value)
        if made or note:
            _record(row, "; ".join(made) or "catatan", actor=actor, note=note)
        row.updated_at = utcnow()
        session.flush()
        session.refresh(row, ["history"])
        return row, made


def record_event(
    sessions: sessionmaker[Session], item_id: int, actor: str, change: str, note: str | None = None
) -> None:
    """History without a field change, e.g. "kendala dilaporkan" with the official's words."""
    with sessions.begin() as session:
        row = session.get(FollowUpRow, item_id)
        if row is None:
            raise FollowUpError(f"unknown follow-up {item_id}")
        _record(row, change, actor=actor, note=note)


# ---- extension requests ----------------------------------------------------------------------------


def request_extension(
    sessions: sessionmaker[Session], item_id: int, user_id: int, user_name: str, proposed: date, note: str = ""
) -> FollowUpRequestRow:
    with sessions.begin() as session:
        row = session.get(FollowUpRow, item_id)
        if row is None:
            raise FollowUpError(f"unknown follow-up {item_id}")
        request = FollowUpRequestRow(
            followup_id=item_id, user_id=user_id, user_name=user_name[:255], proposed_due=proposed, note=note
        )
        session.add(request)
        _record(row, f"perpanjangan diminta sampai {proposed.isoformat()}", actor_ref(user_id, user_name), note)
        session.flush()
        return request


def get_request(sessions: sessionmaker[Session], request_id: int) -> FollowUpRequestRow | None:
    with sessions() as session:
        return session.get(FollowUpRequestRow, request_id)


def set_request_messages(sessions: sessionmaker[Session], request_id: int, messages: list[list[int]]) -> None:
    with sessions.begin() as session:
        request = session.get(FollowUpRequestRow, request_id)
        if request is not None:
            request.messages = messages


@dataclass
class Decision:
    request: FollowUpRequestRow
    item: FollowUpRow | None
    changed: bool  # False when someone decided first


def decide_extension(
    sessions: sessionmaker[Session], request_id: int, approve: bool, by_id: int, by_name: str
) -> Decision:
    """Approval moves the due date (a late item is running again); either way the decision is recorded."""
    with sessions.begin() as session:
        request = session.get(FollowUpRequestRow, request_id)
        if request is None:
            raise FollowUpError(f"unknown request {request_id}")
        item = session.get(FollowUpRow, request.followup_id)
        if request.status != MENUNGGU or item is None:
            return Decision(request, item, False)
        request.status = DISETUJUI if approve else DITOLAK
        request.decided_by, request.decided_at = by_id, utcnow()
        actor = actor_ref(by_id, by_name)
        asker = f"permintaan {request.user_name or request.user_id}"
        if approve:
            change = f"due: {_describe(item.due)} -> {request.proposed_due.isoformat()}"
            item.due, item.due_text = request.proposed_due, format_indonesian_date(request.proposed_due)
            if item.status == TERLAMBAT:
                change += f"; status: {TERLAMBAT} -> {BERJALAN}"
                item.status = BERJALAN
            _record(item, change, actor, note=f"perpanjangan disetujui atas {asker}")
        else:
            _record(item, "perpanjangan ditolak", actor, note=f"{asker} sampai {request.proposed_due.isoformat()}")
        session.flush()
        session.refresh(item, ["history"])
        return Decision(request, item, True)
