"""Announcements from the secretariat: who receives one, the delivery queue, and what the report says.

Plain Python over SQLAlchemy, no Telegram (bot/jobs/sender.py drives the queue, bot/handlers/announce.py the
composing). Every recipient chat gets exactly one delivery row, written in the same transaction that makes
the announcement sendable, and a row moves through

    pending -> sending -> sent | failed | blocked | unknown        (or pending -> cancelled)

"sending" is committed *before* the Bot API call and the outcome after it, so a crash can never make a row
look unsent once a request for it may have left. On restart, rows still "sending" are where the process died
with a request in flight: Telegram may or may not have delivered them and the Bot API offers no way to ask
(nor an idempotency key). They become "unknown" and are NOT re-sent automatically: that makes a duplicate
impossible, bounds the doubt to the requests that were in flight (at most ANNOUNCE_CONCURRENCY), and the
report names them so the secretariat can choose to send to exactly those again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import (
    AnnouncementDeliveryRow,
    AnnouncementOptOutRow,
    AnnouncementRow,
    ChatGroupRow,
    UserRow,
    utcnow,
)
from knowledge.operations.dates import parse_indonesian_date
from knowledge.operations.units import normalize_unit, title_case
from knowledge.operations.users import ADMIN, APPROVED, ROLES, STAFF


class AnnouncementStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class DeliveryStatus(StrEnum):
    """Values of AnnouncementDeliveryRow.status, and of Outcome.status (which adds RETRY, never stored)."""

    PENDING = "pending"
    CLAIMED = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"
    DROPPED = "cancelled"
    RETRY = "retry"  # the message certainly did not go out: the row waits again (FAILED after MAX_ATTEMPTS)


class AudienceType(StrEnum):
    EVERYONE = "all"
    UNITS = "units"
    ROLE = "role"
    GROUPS = "groups"


class OptOutReason(StrEnum):
    STOPPED = "stopped"  # /berhenti
    BLOCKED_BOT = "blocked"


class Withdrawal(StrEnum):
    """Why a scheduled announcement was withdrawn when its time came: its author's account is no longer active,
    their role is no longer the secretariat's or an admin's, or (mandatory announcements) they are no longer
    an admin."""

    AUTHOR_INACTIVE = "inactive"
    AUTHOR_ROLE = "role"
    AUTHOR_NOT_ADMIN = "mandatory"


class ScheduleProblem(StrEnum):
    """Why a send time cannot be used (ScheduleError.reason)."""

    UNREADABLE = "unreadable"
    NO_TIME = "no_time"
    PAST = "past"


# The names callers used before the enums: the members, typed `str` as the plain strings they meet.
SCHEDULED: str = AnnouncementStatus.SCHEDULED
SENDING: str = AnnouncementStatus.SENDING
DONE: str = AnnouncementStatus.DONE
CANCELLED: str = AnnouncementStatus.CANCELLED
ACTIVE = (SCHEDULED, SENDING)
PENDING: str = DeliveryStatus.PENDING
CLAIMED: str = DeliveryStatus.CLAIMED
SENT: str = DeliveryStatus.SENT
FAILED: str = DeliveryStatus.FAILED
BLOCKED: str = DeliveryStatus.BLOCKED
UNKNOWN: str = DeliveryStatus.UNKNOWN
DROPPED: str = DeliveryStatus.DROPPED
RETRY: str = DeliveryStatus.RETRY
OPEN = (PENDING, CLAIMED)
EVERYONE: str = AudienceType.EVERYONE
UNITS: str = AudienceType.UNITS
ROLE: str = AudienceType.ROLE
GROUPS: str = AudienceType.GROUPS
STOPPED: str = OptOutReason.STOPPED
BLOCKED_BOT: str = OptOutReason.BLOCKED_BOT
AUTHOR_INACTIVE: str = Withdrawal.AUTHOR_INACTIVE
AUTHOR_ROLE: str = Withdrawal.AUTHOR_ROLE
AUTHOR_NOT_ADMIN: str = Withdrawal.AUTHOR_NOT_ADMIN

MAX_ATTEMPTS = 5  # transient failures (5xx, connection refused) per recipient before giving up
MAX_BACKOFF = 60.0
INTERRUPTED = "interrupted: the sender stopped while this request was in flight"


class ScheduleError(ValueError):
    """A send time that cannot be used, and why."""

    def __init__(self, reason: ScheduleProblem) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    user_id: int | None
    label: str


@dataclass(frozen=True)
class Audience:
    """Whom an announcement is for. `units` holds normalized unit keys (see knowledge.operations.units)."""

    type: str
    units: tuple[str, ...] = ()
    role: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "units": list(self.units), "role": self.role}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        return cls(str(data.get("type", EVERYONE)), tuple(data.get("units") or ()), data.get("role"))


@dataclass(frozen=True)
class Candidate:
    """A user as audience selection needs them (a snapshot of the users table)."""

    id: int
    name: str
    unit: str
    role: str


@dataclass(frozen=True)
class Selection:
    recipients: list[Recipient]
    opted_out: int  # people the audience covers who will not get it (/berhenti or blocked the bot)


@dataclass(frozen=True)
class UnitChoice:
    key: str
    label: str
    users: int


@dataclass(frozen=True)
class Content:
    """What recipients get: a text (HTML) sent as a message, or a message (media) copied from a chat."""

    kind: str  # "text" or "copy"
    text_html: str | None = None
    source_chat_id: int | None = None
    source_message_id: int | None = None
    caption_html: str | None = None
    summary: str = ""


@dataclass(frozen=True)
class Announcement:
    id: int
    created_by: int
    created_by_name: str
    content: Content
    audience: Audience
    audience_label: str
    mandatory: bool
    status: str
    scheduled_at: datetime | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress_chat_id: int | None
    progress_message_id: int | None


@dataclass(frozen=True)
class Delivery:
    id: int
    announcement_id: int
    chat_id: int
    user_id: int | None
    attempts: int


@dataclass(frozen=True)
class Outcome:
    """What one Bot API call did for a delivery. `status`: sent, failed, blocked, unknown, or retry.

    retry: the message certainly did not go out (429, a 5xx answer, no connection). `retry_after` set means
    flood control, which is not the recipient's fault and does not count as an attempt.
    """

    delivery_id: int
    status: str
    error: str | None = None
    message_id: int | None = None
    retry_after: float | None = None
    user_id: int | None = None


@dataclass
class Report:
    announcement_id: int
    status: str
    total: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # error -> recipients
    blocked: list[str] = field(default_factory=list)  # labels (first few)
    unknown: list[str] = field(default_factory=list)  # labels (first few)

    @property
    def sent(self) -> int:
        return self.counts[SENT]


# ---- audience selection (pure) ---------------------------------------------------------------------------


def unit_choices(candidates: Iterable[Candidate]) -> list[UnitChoice]:
    """Distinct units of the users, by name; each spelled as most of its members write it (the fuller
    spelling on a tie), with capitals tidied."""
    spellings: dict[str, Counter[str]] = {}
    for person in candidates:
        key = normalize_unit(person.unit)
        if key:
            spellings.setdefault(key, Counter())[title_case(" ".join(person.unit.split()))] += 1
    choices = [
        UnitChoice(key, max(names.items(), key=lambda item: (item[1], len(item[0])))[0], sum(names.values()))
        for key, names in spellings.items()
    ]
    return sorted(choices, key=lambda c: c.label.lower())


def select_recipients(
    audience: Audience,
    candidates: Sequence[Candidate],
    groups: Sequence[tuple[int, str]],
    opted_out: Iterable[int],
    *,
    mandatory: bool,
) -> Selection:
    """The chats an announcement goes to. A mandatory one ignores /berhenti (and tries blocked users: they may
    have unblocked since)."""
    if audience.type == GROUPS:
        return Selection([Recipient(chat_id, None, title or str(chat_id)) for chat_id, title in groups], 0)
    if audience.type == UNITS:
        keys = set(audience.units)
        people = [c for c in candidates if normalize_unit(c.unit) in keys]
    elif audience.type == ROLE:
        people = [c for c in candidates if c.role == audience.role]
    else:
        people = list(candidates)
    skipped = set() if mandatory else set(opted_out)
    chosen = [p for p in people if p.id not in skipped]
    recipients = [Recipient(p.id, p.id, _person_label(p)) for p in chosen]
    return Selection(recipients, len(people) - len(chosen))


def _person_label(person: Candidate) -> str:
    name = person.name or f"ID {person.id}"
    return f"{name} ({person.unit})" if person.unit else name


# ---- scheduling (pure) -----------------------------------------------------------------------------------

_TIME = re.compile(
    r"(?:\b(?:pukul|pkl\.?|jam)\s*)?(?<![\d./-])(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?![\d./-])(?:\s*wib\b)?",
    re.IGNORECASE,
)
_TODAY = re.compile(r"^(?:hari\s+ini|nanti|ini)$", re.IGNORECASE)


def parse_schedule(text: str, now: datetime) -> datetime:
    """`besok 08:00`, `12 Maret 2024 pukul 09.00`, `15:30` (the next 15:30) -> a moment in now's time zone.

    `now` must be timezone-aware (Asia/Jakarta for Sinergi). A date without a time is refused rather than
    guessed: "besok" alone could mean midnight or office hours.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    found = _TIME.search(text or "")
    rest = (text or "") if found is None else (text[: found.start()] + " " + text[found.end() :])
    rest = " ".join(rest.replace(",", " ").split()).strip(" .")
    if found is None:
        raise ScheduleError(
            ScheduleProblem.NO_TIME if rest and parse_indonesian_date(rest, now.date()) else ScheduleProblem.UNREADABLE
        )
    at = time(int(found["h"]), int(found["m"]))
    day: date | None
    if not rest or _TODAY.match(rest):
        day = now.date()
        if not rest and datetime.combine(day, at, now.tzinfo) <= now:
            day += timedelta(days=1)  # a bare time means its next occurrence
    else:
        day = parse_indonesian_date(rest, now.date())
        if day is None:
            raise ScheduleError(ScheduleProblem.UNREADABLE)
    moment = datetime.combine(day, at, now.tzinfo)
    if moment <= now:
        raise ScheduleError(ScheduleProblem.PAST)
    return moment


def author_refusal(role: str | None, status: str | None, *, mandatory: bool) -> str | None:
    """Why the author may no longer send their announcement (AUTHOR_*), or None when they still may: the same
    rights /umumkan asks for, read again when a scheduled announcement is due."""
    if status != APPROVED:
        return AUTHOR_INACTIVE
    if role not in STAFF:
        return AUTHOR_ROLE
    if mandatory and role != ADMIN:
        return AUTHOR_NOT_ADMIN
    return None


def backoff(attempts: int) -> float:
    """Seconds before retrying after the `attempts`-th transient failure: 1, 2, 4, ... capped."""
    return min(MAX_BACKOFF, 2.0 ** max(0, attempts - 1))


# ---- the store -------------------------------------------------------------------------------------------


class AnnouncementStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # --- audience --------------------------------------------------------------------------------------

    def units(self) -> list[UnitChoice]:
        with self.sessions() as session:
            return unit_choices(_candidates(session))

    def groups(self) -> list[tuple[int, str]]:
        with self.sessions() as session:
            return _groups(session)

    def select(self, audience: Audience, *, mandatory: bool, session: Session | None = None) -> Selection:
        if session is None:
            with self.sessions() as own:
                return self.select(audience, mandatory=mandatory, session=own)
        opted_out = session.scalars(select(AnnouncementOptOutRow.user_id)).all()
        return select_recipients(audience, _candidates(session), _groups(session), opted_out, mandatory=mandatory)

    # --- creating and starting -------------------------------------------------------------------------

    def create(
        self,
        *,
        created_by: int,
        created_by_name: str,
        content: Content,
        audience: Audience,
        audience_label: str,
        mandatory: bool,
        send_at: datetime | None = None,
        progress: tuple[int, int] | None = None,
    ) -> Announcement:
        """Store an announcement. Without `send_at` (UTC, naive) its deliveries are written in the same
        transaction, so it is never sendable with part of its audience missing."""
        if audience.type == ROLE and audience.role not in ROLES:
            raise ValueError(f"unknown role {audience.role!r}")
        with self.sessions.begin() as session:
            row = AnnouncementRow(
                created_by=created_by,
                created_by_name=created_by_name[:255],
                kind=content.kind,
                text_html=content.text_html,
                source_chat_id=content.source_chat_id,
                source_message_id=content.source_message_id,
                caption_html=content.caption_html,
                summary=content.summary,
                audience=audience.to_json(),
                audience_label=audience_label,
                mandatory=mandatory,
                status=SCHEDULED,
                scheduled_at=send_at,
                progress_chat_id=progress[0] if progress else None,
                progress_message_id=progress[1] if progress else None,
            )
            session.add(row)
            session.flush()
            if send_at is None:
                self._start(session, row)
            return _announcement(row)

    def start_due(self, now: datetime | None = None) -> list[int]:
        """Scheduled announcements whose time has come start now (audience resolved at this moment).

        One whose author has meanwhile been deactivated or demoted is withdrawn instead: cancelled, nothing
        queued, the reason kept (see `withdrawn_reasons`). Its report stays due, so the sender's usual report
        step (`unreported`, `close`) tells the author and the admins exactly once, even across a restart."""
        now = now or utcnow()
        started: list[int] = []
        with self.sessions() as session:
            due = session.scalars(
                select(AnnouncementRow.id).where(
                    AnnouncementRow.status == SCHEDULED, AnnouncementRow.scheduled_at <= now
                )
            ).all()
        for announcement_id in due:
            with self.sessions.begin() as session:
                row = session.get(AnnouncementRow, announcement_id)
                if row is None or row.status != SCHEDULED:  # cancelled in the meantime
                    continue
                author = session.get(UserRow, row.created_by)
                reason = author_refusal(
                    author.role if author else None, author.status if author else None, mandatory=row.mandatory
                )
                if reason is not None:
                    self._withdraw(session, row, reason, now)
                    continue
                self._start(session, row)
                started.append(announcement_id)
        return started

    def _withdraw(self, session: Session, row: AnnouncementRow, reason: str, now: datetime) -> None:
        row.status, row.cancelled_by, row.cancel_reason, row.finished_at = CANCELLED, None, reason, now

    def withdrawn_reasons(self, announcement_ids: Sequence[int]) -> dict[int, str]:
        """announcement id -> AUTHOR_* for those withdrawn because their author lost the right to send them."""
        if not announcement_ids:
            return {}
        with self.sessions() as session:
            rows = session.execute(
                select(AnnouncementRow.id, AnnouncementRow.cancel_reason).where(
                    AnnouncementRow.id.in_(announcement_ids), AnnouncementRow.cancel_reason.is_not(None)
                )
            )
            return {announcement_id: str(reason) for announcement_id, reason in rows}

    def _start(self, session: Session, row: AnnouncementRow) -> None:
        selection = self.select(Audience.from_json(row.audience), mandatory=row.mandatory, session=session)
        now = utcnow()
        session.add_all(
            AnnouncementDeliveryRow(
                announcement_id=row.id,
                chat_id=r.chat_id,
                user_id=r.user_id,
                label=r.label[:512],
                status=PENDING,
                next_attempt_at=now,
            )
            for r in selection.recipients
        )
        row.status, row.started_at = SENDING, now

    def set_progress_message(self, announcement_id: int, chat_id: int, message_id: int) -> None:
        with self.sessions.begin() as session:
            row = session.get(AnnouncementRow, announcement_id)
            if row is not None:
                row.progress_chat_id, row.progress_message_id = chat_id, message_id

    # --- the queue -------------------------------------------------------------------------------------

    def claim(self, limit: int, *, exclude_chats: Iterable[int] = (), now: datetime | None = None) -> list[Delivery]:
        """Mark up to `limit` due rows "sending" and return them. Committed before any of them is sent.

        The conditional update (status still pending) means two senders can never claim the same row.
        """
        if limit <= 0:
            return []
        now = now or utcnow()
        # Ordered by id alone, so that the status index yields due rows in order and LIMIT stops early (no
        # sort of every pending row per claim). Mandatory announcements go first, in a query of their own.
        # Plain columns, not ORM objects: this runs for every message sent.
        query = (
            select(
                AnnouncementDeliveryRow.id,
                AnnouncementDeliveryRow.announcement_id,
                AnnouncementDeliveryRow.chat_id,
                AnnouncementDeliveryRow.user_id,
                AnnouncementDeliveryRow.attempts,
            )
            .join(AnnouncementRow, AnnouncementRow.id == AnnouncementDeliveryRow.announcement_id)
            .where(
                AnnouncementDeliveryRow.status == PENDING,
                AnnouncementRow.status == SENDING,
                AnnouncementDeliveryRow.next_attempt_at <= now,
            )
            .order_by(AnnouncementDeliveryRow.id)
        )
        excluded = list(exclude_chats)
        if excluded:
            query = query.where(AnnouncementDeliveryRow.chat_id.not_in(excluded))
        claimed: list[Delivery] = []
        with self.sessions.begin() as session:
            rows: list[Any] = []
            urgent = select(AnnouncementRow.id).where(AnnouncementRow.status == SENDING, AnnouncementRow.mandatory)
            if session.scalar(urgent.limit(1)) is not None:
                rows += session.execute(query.where(AnnouncementRow.mandatory).limit(limit)).all()
            if len(rows) < limit:
                ordinary = query.where(AnnouncementRow.mandatory.is_(False)).limit(limit - len(rows))
                rows += session.execute(ordinary).all()
            table = cast(Table, AnnouncementDeliveryRow.__table__)  # declared as a FromClause; a Table here
            for row in rows:
                result = cast(
                    CursorResult[Any],  # what executing an UPDATE returns; the stubs say Result
                    session.execute(
                        update(table)
                        .where(table.c.id == row.id, table.c.status == PENDING)
                        .values(status=CLAIMED, claimed_at=now)
                    ),
                )
                if result.rowcount == 1:
                    claimed.append(Delivery(row.id, row.announcement_id, row.chat_id, row.user_id, row.attempts))
        return claimed

    def finish(self, outcomes: Sequence[Outcome], now: datetime | None = None) -> None:
        """Record what the calls did, in one transaction. Only rows still "sending" change."""
        if not outcomes:
            return
        now = now or utcnow()
        table = cast(Table, AnnouncementDeliveryRow.__table__)  # declared as a FromClause; a Table here
        # The common case (delivered) in one statement for the whole batch; the rest need a look at the row.
        delivered = [o for o in outcomes if o.status == SENT]
        with self.sessions.begin() as session:
            if delivered:
                session.execute(
                    update(table)
                    .where(table.c.id == bindparam("delivery"), table.c.status == CLAIMED)
                    .values(
                        status=SENT, message_id=bindparam("message"), finished_at=now, attempts=table.c.attempts + 1
                    ),
                    [{"delivery": o.delivery_id, "message": o.message_id} for o in delivered],
                )
            for outcome in outcomes:
                if outcome.status == SENT:
                    continue
                row = session.get(AnnouncementDeliveryRow, outcome.delivery_id)
                if row is None or row.status != CLAIMED:
                    continue
                if outcome.status == RETRY:
                    announcement = session.get(AnnouncementRow, row.announcement_id)
                    if announcement is not None and announcement.status == CANCELLED:
                        row.status, row.error, row.finished_at = DROPPED, outcome.error, now  # no retry after a cancel
                    else:
                        self._retry(row, outcome, now)
                    continue
                row.status, row.error, row.finished_at = outcome.status, outcome.error, now
                row.message_id = outcome.message_id
                row.attempts += 1
                if outcome.status == BLOCKED and row.user_id is not None:
                    self._mark_blocked(session, row.user_id, now)

    def _retry(self, row: AnnouncementDeliveryRow, outcome: Outcome, now: datetime) -> None:
        row.error = outcome.error
        if outcome.retry_after is not None:  # flood control: wait as told, no attempt used up
            row.status, row.next_attempt_at = PENDING, now + timedelta(seconds=outcome.retry_after)
            return
        row.attempts += 1
        if row.attempts >= MAX_ATTEMPTS:
            row.status, row.finished_at = FAILED, now
        else:
            row.status, row.next_attempt_at = PENDING, now + timedelta(seconds=backoff(row.attempts))

    def _mark_blocked(self, session: Session, user_id: int, now: datetime) -> None:
        if session.get(AnnouncementOptOutRow, user_id) is None:  # a /berhenti stays a /berhenti
            session.add(AnnouncementOptOutRow(user_id=user_id, reason=BLOCKED_BOT, at=now))

    def fail_remaining(self, announcement_id: int, error: str) -> int:
        """The content itself cannot be sent (e.g. the original message was deleted): fail what is left."""
        with self.sessions.begin() as session:
            result = cast(
                CursorResult[Any],  # what executing an UPDATE returns; the stubs say Result
                session.execute(
                    update(AnnouncementDeliveryRow)
                    .where(
                        AnnouncementDeliveryRow.announcement_id == announcement_id,
                        AnnouncementDeliveryRow.status == PENDING,
                    )
                    .values(status=FAILED, error=error, finished_at=utcnow())
                ),
            )
            return int(result.rowcount or 0)

    def recover_interrupted(self) -> int:
        """At start-up: rows left "sending" by a process that died mid-request become "unknown" (see the
        module docstring for why they are not re-sent). One sender per database is assumed: Telegram lets
        only one process poll a bot anyway."""
        with self.sessions.begin() as session:
            result = cast(
                CursorResult[Any],  # what executing an UPDATE returns; the stubs say Result
                session.execute(
                    update(AnnouncementDeliveryRow)
                    .where(AnnouncementDeliveryRow.status == CLAIMED)
                    .values(status=UNKNOWN, error=INTERRUPTED, finished_at=utcnow())
                ),
            )
            return int(result.rowcount or 0)

    def next_due(self) -> datetime | None:
        """When the queue next has something to do (a pending row or a scheduled announcement), if ever."""
        with self.sessions() as session:
            row_due = session.scalar(
                select(func.min(AnnouncementDeliveryRow.next_attempt_at))
                .join(AnnouncementRow, AnnouncementRow.id == AnnouncementDeliveryRow.announcement_id)
                .where(AnnouncementDeliveryRow.status == PENDING, AnnouncementRow.status == SENDING)
            )
            scheduled = session.scalar(
                select(func.min(AnnouncementRow.scheduled_at)).where(AnnouncementRow.status == SCHEDULED)
            )
        return min((d for d in (row_due, scheduled) if d is not None), default=None)

    def has_work(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        due = self.next_due()
        return (due is not None and due <= now) or bool(self.unreported())

    def unreported(self) -> list[int]:
        """Announcements whose sending has ended but whose report has not been sent."""
        with self.sessions() as session:
            open_rows = (
                select(AnnouncementDeliveryRow.id)
                .where(
                    AnnouncementDeliveryRow.announcement_id == AnnouncementRow.id,
                    AnnouncementDeliveryRow.status.in_(OPEN),
                )
                .exists()
            )
            return list(
                session.scalars(
                    select(AnnouncementRow.id).where(
                        AnnouncementRow.status.in_((SENDING, CANCELLED)),
                        AnnouncementRow.report_sent_at.is_(None),
                        ~open_rows,
                    )
                )
            )

    def close(self, announcement_id: int) -> bool:
        """Mark a finished announcement done and its report taken; True exactly once (then send the report).

        The report is at most once: a crash right here loses the message, not the report (/pengumuman)."""
        with self.sessions.begin() as session:
            row = session.get(AnnouncementRow, announcement_id)
            if row is None or row.report_sent_at is not None:
                return False
            still_open = session.scalar(
                select(func.count())
                .select_from(AnnouncementDeliveryRow)
                .where(
                    AnnouncementDeliveryRow.announcement_id == announcement_id,
                    AnnouncementDeliveryRow.status.in_(OPEN),
                )
            )
            if still_open:
                return False
            now = utcnow()
            if row.status == SENDING:
                row.status = DONE
            row.finished_at = row.finished_at or now
            row.report_sent_at = now
            return True

    # --- cancelling and re-sending ---------------------------------------------------------------------

    def cancel(self, announcement_id: int, by: int) -> bool:
        """Stop an announcement: nothing more is sent (requests already in flight finish). False if it had
        already ended."""
        now = utcnow()
        with self.sessions.begin() as session:
            row = session.get(AnnouncementRow, announcement_id)
            if row is None or row.status not in ACTIVE:
                return False
            was_scheduled = row.status == SCHEDULED
            row.status, row.cancelled_by = CANCELLED, by
            session.execute(
                update(AnnouncementDeliveryRow)
                .where(
                    AnnouncementDeliveryRow.announcement_id == announcement_id,
                    AnnouncementDeliveryRow.status == PENDING,
                )
                .values(status=DROPPED, finished_at=now)
            )
            if was_scheduled:  # nothing was sent: the cancellation message is the whole story
                row.finished_at = row.report_sent_at = now
            return True

    def resend_unknown(self, announcement_id: int) -> int:
        """Queue again the recipients whose delivery is unknown: the secretariat's explicit choice, since
        some of them may then get a second copy. Returns how many."""
        now = utcnow()
        with self.sessions.begin() as session:
            row = session.get(AnnouncementRow, announcement_id)
            if row is None or row.status == CANCELLED:
                return 0
            result = cast(
                CursorResult[Any],  # what executing an UPDATE returns; the stubs say Result
                session.execute(
                    update(AnnouncementDeliveryRow)
                    .where(
                        AnnouncementDeliveryRow.announcement_id == announcement_id,
                        AnnouncementDeliveryRow.status == UNKNOWN,
                    )
                    .values(status=PENDING, next_attempt_at=now, error=None, finished_at=None)
                ),
            )
            count = int(result.rowcount or 0)
            if count:
                row.status, row.finished_at, row.report_sent_at = SENDING, None, None
            return count

    # --- reading ---------------------------------------------------------------------------------------

    def get(self, announcement_id: int) -> Announcement | None:
        with self.sessions() as session:
            row = session.get(AnnouncementRow, announcement_id)
            return _announcement(row) if row else None

    def recent(self, limit: int = 10) -> list[Announcement]:
        with self.sessions() as session:
            rows = session.scalars(select(AnnouncementRow).order_by(AnnouncementRow.id.desc()).limit(limit))
            return [_announcement(r) for r in rows]

    def counts(self, announcement_ids: Sequence[int]) -> dict[int, Counter[str]]:
        result: dict[int, Counter[str]] = {i: Counter() for i in announcement_ids}
        if not announcement_ids:
            return result
        with self.sessions() as session:
            rows = session.execute(
                select(AnnouncementDeliveryRow.announcement_id, AnnouncementDeliveryRow.status, func.count())
                .where(AnnouncementDeliveryRow.announcement_id.in_(list(announcement_ids)))
                .group_by(AnnouncementDeliveryRow.announcement_id, AnnouncementDeliveryRow.status)
            )
            for announcement_id, status, count in rows:
                result[announcement_id][status] = count
        return result

    def report(self, announcement_id: int, names: int = 30) -> Report | None:
        announcement = self.get(announcement_id)
        if announcement is None:
            return None
        counts = self.counts([announcement_id])[announcement_id]
        report = Report(announcement_id, announcement.status, sum(counts.values()), counts)
        with self.sessions() as session:
            base = select(AnnouncementDeliveryRow).where(AnnouncementDeliveryRow.announcement_id == announcement_id)
            failures = session.execute(
                select(AnnouncementDeliveryRow.error, func.count())
                .where(
                    AnnouncementDeliveryRow.announcement_id == announcement_id, AnnouncementDeliveryRow.status == FAILED
                )
                .group_by(AnnouncementDeliveryRow.error)
            )
            report.failures = Counter({error or "": count for error, count in failures})
            for status, target in ((BLOCKED, report.blocked), (UNKNOWN, report.unknown)):
                rows = session.scalars(
                    base.where(AnnouncementDeliveryRow.status == status)
                    .order_by(AnnouncementDeliveryRow.id)
                    .limit(names)
                )
                target.extend(r.label for r in rows)
        return report

    def deliveries(self, announcement_id: int) -> list[tuple[int, str]]:
        """(chat id, status) of every recipient: for tests and diagnostics."""
        with self.sessions() as session:
            rows = session.execute(
                select(AnnouncementDeliveryRow.chat_id, AnnouncementDeliveryRow.status)
                .where(AnnouncementDeliveryRow.announcement_id == announcement_id)
                .order_by(AnnouncementDeliveryRow.id)
            )
            return [(r.chat_id, r.status) for r in rows]

    # --- subscriptions ---------------------------------------------------------------------------------

    def opt_out(self, user_id: int) -> bool:
        """/berhenti. False if the user had already stopped."""
        with self.sessions.begin() as session:
            row = session.get(AnnouncementOptOutRow, user_id)
            if row is not None and row.reason == STOPPED:
                return False
            row = row or AnnouncementOptOutRow(user_id=user_id)
            row.reason, row.at = STOPPED, utcnow()
            session.add(row)
            return True

    def opt_in(self, user_id: int) -> bool:
        """/langganan (also after having blocked the bot). False if the user was already subscribed."""
        with self.sessions.begin() as session:
            statement = delete(AnnouncementOptOutRow).where(AnnouncementOptOutRow.user_id == user_id)
            result = cast(CursorResult[Any], session.execute(statement))  # a DELETE's result; the stubs say Result
            return bool(result.rowcount)

    def unblocked(self, user_id: int) -> None:
        """The user unblocked the bot: ordinary announcements reach them again, unless they had said /berhenti."""
        with self.sessions.begin() as session:
            session.execute(
                delete(AnnouncementOptOutRow).where(
                    AnnouncementOptOutRow.user_id == user_id, AnnouncementOptOutRow.reason == BLOCKED_BOT
                )
            )

    def blocked(self, user_id: int) -> None:
        with self.sessions.begin() as session:
            self._mark_blocked(session, user_id, utcnow())

    def opt_out_reason(self, user_id: int) -> str | None:
        with self.sessions() as session:
            row = session.get(AnnouncementOptOutRow, user_id)
            return row.reason if row else None


def _candidates(session: Session) -> list[Candidate]:
    rows = session.execute(
        select(UserRow.id, UserRow.name, UserRow.unit, UserRow.role)
        .where(UserRow.status == APPROVED)
        .order_by(UserRow.id)
    )
    return [Candidate(r.id, r.name, r.unit, r.role) for r in rows]


def _groups(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(
        select(ChatGroupRow.id, ChatGroupRow.title).where(ChatGroupRow.allowed.is_(True)).order_by(ChatGroupRow.id)
    )
    return [(r.id, r.title) for r in rows]


def _announcement(row: AnnouncementRow) -> Announcement:
    content = Content(row.kind, row.text_html, row.source_chat_id, row.source_message_id, row.caption_html, row.summary)
    return Announcement(
        id=row.id,
        created_by=row.created_by,
        created_by_name=row.created_by_name,
        content=content,
        audience=Audience.from_json(row.audience or {}),
        audience_label=row.audience_label,
        mandatory=row.mandatory,
        status=row.status,
        scheduled_at=row.scheduled_at,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        progress_chat_id=row.progress_chat_id,
        progress_message_id=row.progress_message_id,
    )
