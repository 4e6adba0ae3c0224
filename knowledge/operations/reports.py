"""Reports for the secretariat's leadership (issue 17): what the follow-up workbook and the progress chart show,
read from the store once, with the filters `/laporan` and `python -m knowledge report` accept.

The computed status and the days overdue come from the same rules the bot and the CLI use
(`knowledge.reminders.effective_status`, `knowledge.followups.days_late`), so a late item is late in the
workbook exactly when it is late in a reminder; history lines are worded by `followups.describe_change`, and
a unit filter matches as `/tindaklanjut unit` does (`units.unit_reaches`). Rendering lives elsewhere:
`knowledge/operations/workbook.py` writes the .xlsx, `knowledge/operations/charts.py` draws the PNG; both take
the `ReportData` built here. No Telegram.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import AnnouncementRow, DocumentRow, FeedbackRow, FollowUpHistoryRow, FollowUpRow, UserRow
from knowledge.operations.announcements import AnnouncementStore
from knowledge.operations.dates import MONTHS, format_indonesian_date
from knowledge.operations.followups import (
    DIBATALKAN,
    INGEST_ACTOR,
    MANUAL_SOURCE,
    NO_UNIT,
    SELESAI,
    TERLAMBAT,
    days_late,
    describe_change,
    list_followups,
    source_text,
)
from knowledge.operations.reminders import effective_status
from knowledge.operations.units import display_unit, normalize_unit, unit_reaches


# How the chart and the per-unit sheet group items. A cancelled item is counted apart and never drawn: it is
# neither progress nor a problem.
class Category(StrEnum):
    """Shown as they are: in the chart's legend and the sheets' headers."""

    DONE = "selesai"
    IN_PROGRESS = "dalam proses"
    LATE = "terlambat"
    UNDATED = "tanpa tenggat"
    CANCELLED = "dibatalkan"


# The names callers used before the enum: the members, typed `str` as the plain strings they meet.
DONE: str = Category.DONE
IN_PROGRESS: str = Category.IN_PROGRESS
LATE: str = Category.LATE
UNDATED: str = Category.UNDATED
CANCELLED: str = Category.CANCELLED
PROGRESS: tuple[str, ...] = (DONE, IN_PROGRESS, LATE, UNDATED)
CATEGORIES: tuple[str, ...] = tuple(Category)
MANUAL_MEETING = f"({MANUAL_SOURCE})"  # the meeting column of an item the secretariat typed in chat
FILTER_WORDS = ("rapat", "unit", "sejak")
_FILTER_SPLIT = re.compile(rf"(?:^|\s)({'|'.join(FILTER_WORDS)})(?=\s|$)", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_WORDS_DATE = re.compile(rf"^(?:(\d{{1,2}})\s+)?({'|'.join(MONTHS)})\.?\s+(\d{{4}})$", re.IGNORECASE)
# The bot writes "[bukti: berita-acara.pdf, file_id AgAD...]" into the history note; the id means nothing on paper.
_FILE_ID = re.compile(r",\s*file_id\s+\S+?(?=\])")


class FilterProblem(StrEnum):
    UNKNOWN = "unknown"  # not a filter word
    EMPTY = "empty"  # no value
    DATE = "date"  # a date that cannot be read


class FilterError(ValueError):
    """A filter that cannot be read, and why."""

    def __init__(self, kind: FilterProblem, value: str) -> None:
        super().__init__(f"{kind}: {value!r}")
        self.kind = kind
        self.value = value


@dataclass(frozen=True)
class ReportFilters:
    meeting: str | None = None  # every word must name the item's meeting (document, title, place, date)
    unit: str | None = None  # any spelling of the unit ("Bappeda Jabar")
    since: date | None = None  # meetings held (items recorded, for those without one) on or after this day

    @property
    def any(self) -> bool:
        return bool(self.meeting or self.unit or self.since)

    def labels(self) -> list[str]:
        """How the report names its filters: `rapat Bandung`, `unit Bappeda Jabar`, `sejak 1 Januari 2024`."""
        labels = [f"rapat {self.meeting}"] if self.meeting else []
        labels += [f"unit {self.unit}"] if self.unit else []
        labels += [f"sejak {format_indonesian_date(self.since)}"] if self.since else []
        return labels


def parse_filters(text: str) -> ReportFilters:
    """`rapat Bandung unit Bappeda Jabar sejak 2024-01-01` -> filters (any order, each at most once: the
    last one counts). Raises FilterError for words that are not filters, a filter without a value, or a date
    that cannot be read."""
    text = " ".join((text or "").split())
    if not text:
        return ReportFilters()
    pieces = _FILTER_SPLIT.split(text)
    if pieces[0].strip():
        raise FilterError(FilterProblem.UNKNOWN, pieces[0].strip())
    values: dict[str, str] = {}
    for word, value in zip(pieces[1::2], pieces[2::2], strict=True):
        word, value = word.lower(), value.strip()
        if not value:
            raise FilterError(FilterProblem.EMPTY, word)
        values[word] = value
    since = parse_since(values["sejak"]) if "sejak" in values else None
    return ReportFilters(meeting=values.get("rapat"), unit=values.get("unit"), since=since)


def parse_since(text: str) -> date:
    """`2024-01-01`, `1/1/2024`, `1 Januari 2024` or `Januari 2024` (its first day); FilterError otherwise."""
    text = " ".join((text or "").split())
    found: tuple[int, int, int] | None = None
    if match := _ISO.match(text):
        found = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _DMY.match(text):
        found = (int(match[3]), int(match[2]), int(match[1]))
    elif match := _WORDS_DATE.match(text):
        found = (int(match[3]), MONTHS[match[2].lower()], int(match[1] or 1))
    try:
        if found is not None:
            return date(*found)
    except ValueError:
        pass  # 2024-02-30: written like a date, but none
    raise FilterError(FilterProblem.DATE, text)


# ---- what the report holds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemLine:
    """One follow-up item as the workbook lists it."""

    id: int
    meeting: str
    meeting_date: date | None
    text: str
    units: list[str]
    officials: list[str]
    due: date | None
    due_text: str | None
    recorded: str  # the status people wrote
    computed: str  # what it is today (an open item past its due date is terlambat)
    days_overdue: int | None
    category: str  # a Category
    last_change_at: datetime | None  # local wall time, naive (spreadsheets know no time zones)
    last_change: str
    evidence: str  # the note given when the item was reported done
    source: str
    region: str | None = None  # the meeting's province: a generic "Bappeda Provinsi" is that province's


@dataclass
class UnitCount:
    unit: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts[c] for c in CATEGORIES)

    @property
    def drawn(self) -> int:
        return sum(self.counts[c] for c in PROGRESS)


@dataclass(frozen=True)
class AnnouncementLine:
    id: int
    created_at: datetime  # local, naive
    author: str
    summary: str
    audience: str
    mandatory: bool
    status: str
    scheduled_at: datetime | None
    finished_at: datetime | None
    deliveries: Counter[str]


@dataclass(frozen=True)
class FeedbackLine:
    id: int
    at: datetime  # local, naive: when the 👎 was last given or commented on
    user: str
    question: str
    citations: list[str]
    comment: str | None
    answer: str


@dataclass
class ReportData:
    today: date
    generated_at: datetime  # local, naive
    filters: ReportFilters
    items: list[ItemLine]
    units: list[UnitCount]
    announcements: list[AnnouncementLine]
    feedback: list[FeedbackLine]

    @property
    def category_totals(self) -> Counter[str]:
        return Counter(item.category for item in self.items)


def category(computed_status: str, due: date | None) -> str:
    """The chart's four groups (plus cancelled) from the computed status: an open item without a due date is
    "tanpa tenggat", one with a date not yet passed is "dalam proses"."""
    if computed_status == SELESAI:
        return DONE
    if computed_status == DIBATALKAN:
        return CANCELLED
    if computed_status == TERLAMBAT:
        return LATE
    return UNDATED if due is None else IN_PROGRESS


def collect_report(
    sessions: sessionmaker[Session],
    filters: ReportFilters | None = None,
    *,
    today: date,
    zone: ZoneInfo,
    now: datetime | None = None,
) -> ReportData:
    """Everything the workbook and the chart show, read in one go."""
    filters = filters or ReportFilters()
    rows = list_followups(sessions, unit=filters.unit, meeting=filters.meeting, today=today)
    if filters.since is not None:
        first_day = filters.since
        rows = [r for r in rows if (r.meeting_date or _local(r.created_at, zone).date()) >= first_day]
    from_moment = _utc_start(filters.since, zone) if filters.since else None
    with sessions() as session:
        meetings = _meeting_names(session, rows)
        history = _history(session, [r.id for r in rows])
        announcements = _announcements(session, sessions, from_moment, zone)
        feedback = _feedback_lines(session, _negative(from_moment).order_by(*_NEWEST_FIRST), zone)
    items = [_item_line(r, today, meetings.get(r.id, MANUAL_MEETING), history.get(r.id, []), zone) for r in rows]
    moment = (now or datetime.now(UTC)).astimezone(zone).replace(tzinfo=None, microsecond=0)
    return ReportData(today, moment, filters, items, unit_counts(items, filters.unit), announcements, feedback)


def report_filenames(today: date) -> tuple[str, str]:
    """(workbook, chart) file names, dated so a week's report does not overwrite the last one in a folder."""
    return f"laporan-tindak-lanjut-{today.isoformat()}.xlsx", f"grafik-tindak-lanjut-{today.isoformat()}.png"


def unit_counts(items: Sequence[ItemLine], unit: str | None = None) -> list[UnitCount]:
    """Items per unit and category; an item of several units counts for each. Spellings of one unit are one
    row (named in full: "Bappeda Provinsi Jawa Barat"). With `unit`, only that unit's row. Units with late
    items first (most late on top), then by size."""
    rows: dict[str, UnitCount] = {}
    for item in items:
        names = item.units or [NO_UNIT]
        keys_seen: set[str] = set()
        for name in names:
            if unit and (name == NO_UNIT or not unit_reaches(name, unit, item.region)):
                continue
            key = normalize_unit(name) if name != NO_UNIT else NO_UNIT
            if not key or key in keys_seen:
                continue
            keys_seen.add(key)
            row = rows.setdefault(key, UnitCount(NO_UNIT if name == NO_UNIT else display_unit(name)))
            row.counts[item.category] += 1
    return sorted(rows.values(), key=lambda r: (-r.counts[LATE], -r.total, r.unit.lower()))


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored UTC time (naive) as local wall time, naive."""
    return moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None, microsecond=0)


def _utc_start(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight of `day` as the store keeps times (UTC, naive): "sejak 1 April" starts at 00.00 WIB."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _meeting_names(session: Session, rows: Sequence[FollowUpRow]) -> dict[int, str]:
    """Item id -> its meeting as a reader names it: the meeting's title (or the document's), with its date."""
    sources = {r.document_source for r in rows if r.document_source}
    documents: dict[str, DocumentRow] = {}
    for chunk in _chunks(sorted(sources)):
        query = select(DocumentRow).where(DocumentRow.source.in_(chunk))
        documents.update({d.source: d for d in session.scalars(query)})
    names: dict[int, str] = {}
    for row in rows:
        if not row.document_source:
            names[row.id] = MANUAL_MEETING
            continue
        document = documents.get(row.document_source)
        meeting = ((document.info or {}).get("meeting") or {}) if document else {}
        name = meeting.get("title") or (document.title if document else "") or row.doc or ""
        held = format_indonesian_date(row.meeting_date) if row.meeting_date else ""
        if held and held not in name:  # titles often carry the date already
            name = f"{name}, {held}" if name else held
        names[row.id] = " ".join(name.split()) or MANUAL_MEETING
    return names


def _history(session: Session, item_ids: Sequence[int]) -> dict[int, list[FollowUpHistoryRow]]:
    found: dict[int, list[FollowUpHistoryRow]] = {}
    for chunk in _chunks(list(item_ids)):
        query = select(FollowUpHistoryRow).where(FollowUpHistoryRow.followup_id.in_(chunk))
        for entry in session.scalars(query.order_by(FollowUpHistoryRow.id)):
            found.setdefault(entry.followup_id, []).append(entry)
    return found


def _chunks(values: Sequence, size: int = 500) -> Iterable[Sequence]:
    # Bounded IN lists: SQLite and PostgreSQL both cope, and no driver limit on bound parameters is met.
    for start in range(0, len(values), size):
        yield values[start : start + size]


def actor_name(actor: str) -> str:
    """History's "user:123 Budi Santoso" -> "Budi Santoso"; ingestion -> "dokumen sumber"."""
    if actor == INGEST_ACTOR:
        return "dokumen sumber"
    if actor.startswith("user:"):
        return actor.split(" ", 1)[1] if " " in actor else actor
    return actor


def _item_line(
    row: FollowUpRow, today: date, meeting: str, history: Sequence[FollowUpHistoryRow], zone: ZoneInfo
) -> ItemLine:
    computed = effective_status(row, today)
    last = history[-1] if history else None
    change = f"{describe_change(last.change)} ({actor_name(last.actor)})" if last else ""
    return ItemLine(
        id=row.id,
        meeting=meeting,
        meeting_date=row.meeting_date,
        text=row.text,
        units=list(row.units or []),
        officials=list(row.officials or []),
        due=row.due,
        due_text=row.due_text,
        recorded=row.status,
        computed=computed,
        days_overdue=days_late(row, today) or None,  # an empty cell, not 0, for items that are not late
        category=category(computed, row.due),
        last_change_at=_local(last.at, zone) if last else (_local(row.updated_at, zone) if row.updated_at else None),
        last_change=change,
        evidence=evidence_note(row, history),
        source=source_text(row),
        region=row.region,
    )


def evidence_note(row: FollowUpRow, history: Sequence[FollowUpHistoryRow]) -> str:
    """The note given when a done item was reported done (its latest such entry); "" for open items."""
    if row.status != SELESAI:
        return ""
    for entry in reversed(history):
        if f"-> {SELESAI}" in entry.change:
            note = (entry.note or "").strip()
            return "" if note == "-" else _FILE_ID.sub("", note)
    return ""


def _announcements(
    session: Session, sessions: sessionmaker[Session], since: datetime | None, zone: ZoneInfo
) -> list[AnnouncementLine]:
    """Announcements created at `since` (stored UTC, naive) or later, newest first, with delivery counts."""
    query = select(AnnouncementRow).order_by(AnnouncementRow.id.desc())
    if since is not None:
        query = query.where(AnnouncementRow.created_at >= since)
    rows = list(session.scalars(query))
    counts = AnnouncementStore(sessions).counts([r.id for r in rows])
    return [
        AnnouncementLine(
            id=r.id,
            created_at=_local(r.created_at, zone),
            author=r.created_by_name or str(r.created_by),
            summary=r.summary or "",
            audience=r.audience_label or "",
            mandatory=bool(r.mandatory),
            status=r.status,
            scheduled_at=_local(r.scheduled_at, zone) if r.scheduled_at else None,
            finished_at=_local(r.finished_at, zone) if r.finished_at else None,
            deliveries=counts.get(r.id, Counter()),
        )
        for r in rows
    ]


# ---- 👎 feedback -------------------------------------------------------------------------------------------

# "Latest": a 👍 turned into 👎, or a comment added, brings an answer back to the top.
_NEWEST_FIRST = (FeedbackRow.updated_at.desc(), FeedbackRow.id.desc())


def _negative(since: datetime | None = None) -> Select[FeedbackRow]:
    """👎 rows, given or commented on at `since` (stored UTC, naive) or later."""
    query = select(FeedbackRow).where(FeedbackRow.rating < 0)
    if since is not None:
        query = query.where(FeedbackRow.updated_at >= since)
    return query


def _feedback_lines(session: Session, query: Select[FeedbackRow], zone: ZoneInfo) -> list[FeedbackLine]:
    rows = list(session.scalars(query))
    names = _user_names(session, {r.user_id for r in rows})
    return [
        FeedbackLine(
            id=r.id,
            at=_local(r.updated_at or r.created_at, zone),
            user=names.get(r.user_id, str(r.user_id)),
            question=r.question or "",
            citations=[c for c in (r.citations or []) if c],
            comment=r.comment,
            answer=r.answer or "",
        )
        for r in rows
    ]


def _user_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in _chunks(sorted(user_ids)):
        for row in session.execute(select(UserRow.id, UserRow.name, UserRow.unit).where(UserRow.id.in_(chunk))):
            names[row.id] = f"{row.name} ({row.unit})" if row.name and row.unit else (row.name or str(row.id))
    return names


@dataclass(frozen=True)
class FeedbackPage:
    lines: list[FeedbackLine]
    page: int  # 0-based, clamped to the pages there are
    pages: int
    total: int


def negative_feedback_page(sessions: sessionmaker[Session], page: int, per_page: int, zone: ZoneInfo) -> FeedbackPage:
    """The 👎 answers, newest first, one page of them (a page past the end shows the last one)."""
    with sessions() as session:
        total = session.scalar(select(func.count()).select_from(_negative().subquery())) or 0
        pages = max(1, -(-total // per_page))
        page = min(max(0, page), pages - 1)
        query = _negative().order_by(*_NEWEST_FIRST).offset(page * per_page).limit(per_page)
        return FeedbackPage(_feedback_lines(session, query, zone), page, pages, total)
