"""When follow-up reminders go out and to whom (pure functions of the items, the users and the clock), and
the sent log that keeps each reminder to one copy.

No Telegram here (bot/jobs/reminders.py sends), and no clock of its own: callers pass `today`, so tests drive every
rule with plain values.

The schedule (all dates and times in TIMEZONE, Asia/Jakarta by default):
- An item due on day D has reminder *slots* D-7, D-3, D-1 and D ("H-7" ... "H", REMINDER_DAYS), then one every
  OVERDUE_EVERY_DAYS days while it stays open ("H+7", "H+14", ...).
- "H-N" counts working days (knowledge/operations/workdays.py: Monday to Friday less Indonesian public holidays and the
  configured cuti bersama): H-3 is three working days before the due date, so the official really has three
  days to act, and a due date on a holiday is reminded ("H") the working day before. Once the item is overdue
  the repeat ("H+7", calendar days) moves to the next working day, since nothing is gained by nagging early.
  With REMINDER_WEEKENDS every day counts, holidays included.
- Messages go out only between REMINDER_TIME and REMINDER_UNTIL on working days: never at night.
- On a given day only the *latest* slot that has come matters. A bot that was down for a week sends one
  reminder about the item, not the three it missed; a new item due in two days gets its "H-3" at once.
- Each (item, user, due date, slot) is sent at most once (the caller passes what was already claimed). The
  due date is part of the key, so after an extension the schedule starts again for the new date.
- Done and cancelled items get nothing; items without a due date or without anyone to remind are not
  reminded but listed for the secretariat (`attention`).

Exactly once, across restarts: a reminder's row in `followup_reminders` (unique per item, user, due date and
slot) is committed with status "sending" *before* the message is sent, then set to "sent". A row in any status
means "never again". If the process dies between the two, the row stays "sending" and becomes "unknown" at the
next start (`recover_interrupted`): Telegram may or may not have delivered it and the Bot API cannot tell, so
it is not sent again. That trades a possible lost reminder (the next slot comes anyway) for never a duplicate.
Only a failure that proves nothing left (connection refused) releases the claim for the next run to retry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol, cast

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import FollowUpDigestRow, FollowUpReminderRow, utcnow
from knowledge.model import FollowUpStatus
from knowledge.operations.units import unit_reaches
from knowledge.operations.workdays import WorkCalendar

CLOSED_STATUSES = (FollowUpStatus.SELESAI, FollowUpStatus.DIBATALKAN)
OPEN_STATUSES = (FollowUpStatus.BARU, FollowUpStatus.BERJALAN, FollowUpStatus.TERLAMBAT)

# Words that are not part of a person's name when matching "Sdr. Budi Santoso, S.T." to "Budi Santoso".
_HONORIFICS = frozenset(
    {"sdr", "sdri", "saudara", "saudari", "bapak", "bpk", "pak", "ibu", "bu", "dr", "drs", "dra", "ir", "h", "hj",
     "prof", "st", "se", "sh", "mm", "msi", "mt", "mh", "mpa", "ssi", "skom", "ak", "mba", "mpp", "phd"}
)  # fmt: skip


class Person(Protocol):
    """What the rules need of a user (knowledge.users.User fits)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def role(self) -> str: ...


class Item(Protocol):
    """What the rules need of a follow-up (knowledge.db.FollowUpRow fits)."""

    id: int
    units: list[str]
    officials: list[str]
    due: date | None
    status: str


@dataclass(frozen=True)
class Schedule:
    days_before: tuple[int, ...] = (7, 3, 1, 0)
    start: time = time(8, 0)
    end: time = time(17, 0)
    weekends: bool = False
    overdue_every: int = 7
    digest_weekday: int = 1  # ISO: 1 = Senin
    calendar: WorkCalendar = field(default_factory=WorkCalendar)

    @classmethod
    def from_settings(cls, settings: Any) -> Schedule:
        return cls(
            days_before=tuple(sorted({int(d) for d in settings.reminder_days if int(d) >= 0}, reverse=True)),
            start=parse_clock(settings.reminder_time, time(8, 0)),
            end=parse_clock(settings.reminder_until, time(17, 0)),
            weekends=bool(settings.reminder_weekends),
            overdue_every=max(0, int(settings.overdue_every_days)),
            digest_weekday=int(settings.digest_weekday),
            calendar=WorkCalendar.from_settings(settings),
        )

    def working_day(self, day: date) -> bool:
        return self.weekends or self.calendar.is_working_day(day)

    def slot_day(self, due: date, days: int) -> date:
        """The day of slot "H-`days`": working days before the due date (calendar days with weekends on)."""
        if self.weekends:
            return due - timedelta(days=days)
        return self.calendar.working_days_before(due, days)

    def sending_time(self, local: datetime) -> bool:
        """Reminders and digests go out on working days, within the daytime window."""
        return self.working_day(local.date()) and self.start <= local.time().replace(tzinfo=None) < self.end


def parse_clock(text: str, default: time) -> time:
    """ "08:00" / "8.00" / "8" -> time; anything else -> `default` (a bad setting must not stop reminders)."""
    parts = str(text or "").strip().replace(".", ":").split(":")
    try:
        hour, minute = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
        return time(hour, minute)
    except (ValueError, IndexError):
        return default


@dataclass(frozen=True, order=True)
class Slot:
    day: date  # when the reminder goes out (after moving off a weekend)
    name: str  # "H-7", "H", "H+7"
    due: date


def _next_working_day(day: date, schedule: Schedule) -> date:
    while not schedule.working_day(day):
        day += timedelta(days=1)
    return day


def slot_name(offset: int) -> str:
    """Days relative to the due date, as Indonesian offices write them: H-7, H, H+7."""
    return "H" if offset == 0 else f"H{offset:+d}"


def current_slot(due: date, today: date, schedule: Schedule) -> Slot | None:
    """The latest reminder slot of an item due on `due` that has come by `today` (None before the first)."""
    candidates = [Slot(schedule.slot_day(due, days), slot_name(-days), due) for days in schedule.days_before]
    if schedule.overdue_every > 0 and today > due:
        # The last two repeats around today: the later one may have been moved past today by a weekend.
        count = (today - due).days // schedule.overdue_every
        for n in (count - 1, count):
            if n >= 1:
                offset = n * schedule.overdue_every
                day = _next_working_day(due + timedelta(days=offset), schedule)
                candidates.append(Slot(day, slot_name(offset), due))
    come = [slot for slot in candidates if slot.day <= today]
    # Two slots on the same day (a due date on a holiday shares its eve with H-1): the nearer one speaks for both.
    return max(come, key=lambda s: (s.day, _offset(s.name))) if come else None


def _offset(name: str) -> int:
    return 0 if name == "H" else int(name[1:])


# ---- who is reminded ------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def name_tokens(name: str) -> tuple[str, ...]:
    """ "Sdr. Budi Santoso, S.T." -> ("budi", "santoso")."""
    words = "".join(c.lower() if c.isalnum() else " " for c in (name or "").split(",")[0]).split()
    return tuple(w for w in words if w not in _HONORIFICS)


def same_person(official: str, user_name: str) -> bool:
    """A named official is a user when every word of the shorter name is in the longer one, and the shorter
    has at least two words (one first name alone, like "Budi", is too common to trust)."""
    a, b = name_tokens(official), name_tokens(user_name)
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return short == long or (len(short) >= 2 and set(short) <= set(long))


def is_recipient(person: Person, item: Item) -> bool:
    """The person's unit is one of the item's (a generic "Bappeda Provinsi" reaching the Bappeda of the
    meeting's province), or the person is named as its official."""
    region = getattr(item, "region", None)
    unit_match = bool(person.unit) and any(unit_reaches(unit, person.unit, region) for unit in item.units or [])
    return unit_match or any(same_person(official, person.name) for official in item.officials or [])


def recipients(item: Item, people: Iterable[Person]) -> list[Person]:
    return [person for person in people if is_recipient(person, item)]


def is_open(item: Item) -> bool:
    return item.status not in CLOSED_STATUSES


# ---- planning a run -------------------------------------------------------------------------------

SentKey = tuple[int, int, date, str]  # (item id, user id, due date, slot name)


@dataclass
class Reminder:
    item: Any  # an Item
    slot: Slot

    def key(self, user_id: int) -> SentKey:
        return (self.item.id, user_id, self.slot.due, self.slot.name)


@dataclass
class Batch:
    """Everything one user is reminded of in one run: one message."""

    person: Any  # a Person
    reminders: list[Reminder] = field(default_factory=list)

    def keys(self) -> list[SentKey]:
        return [r.key(self.person.id) for r in self.reminders]


def plan_reminders(
    items: Sequence[Item], people: Sequence[Person], already: set[SentKey], today: date, schedule: Schedule
) -> list[Batch]:
    """Who gets which reminders today, grouped per user; slots in `already` are never planned again."""
    batches: dict[int, Batch] = {}
    for item in items:
        if not is_open(item) or item.due is None:
            continue
        slot = current_slot(item.due, today, schedule)
        if slot is None:
            continue
        for person in recipients(item, people):
            reminder = Reminder(item, slot)
            if reminder.key(person.id) in already:
                continue
            batches.setdefault(person.id, Batch(person)).reminders.append(reminder)
    for batch in batches.values():
        batch.reminders.sort(key=lambda r: (r.item.due, r.item.id))
    return sorted(batches.values(), key=lambda b: b.person.id)


# ---- the secretariat's view ---------------------------------------------------------------------


def effective_status(item: Item, today: date) -> str:
    """An open item past its due date is late, whatever was last recorded."""
    if item.status in (FollowUpStatus.BARU, FollowUpStatus.BERJALAN) and item.due is not None and item.due < today:
        return FollowUpStatus.TERLAMBAT
    return item.status


@dataclass
class Attention:
    overdue: list[Any] = field(default_factory=list)
    unassigned: list[Any] = field(default_factory=list)  # no unit, or a unit with nobody registered
    undated: list[Any] = field(default_factory=list)
    missing_units: dict[int, list[str]] = field(default_factory=dict)  # item id -> its units nobody holds

    def __bool__(self) -> bool:
        return bool(self.overdue or self.unassigned or self.undated)


def unregistered_units(item: Item, people: Sequence[Person]) -> list[str]:
    region = getattr(item, "region", None)
    return [unit for unit in item.units or [] if not any(p.unit and unit_reaches(unit, p.unit, region) for p in people)]


def attention(items: Sequence[Item], people: Sequence[Person], today: date) -> Attention:
    """Open items the secretariat should act on: late ones, ones nobody (or not every unit) will be reminded
    of, and undated ones. A named official who is a user does not excuse a unit with nobody registered."""
    result = Attention()
    for item in items:
        if not is_open(item):
            continue
        if effective_status(item, today) == FollowUpStatus.TERLAMBAT:
            result.overdue.append(item)
        missing = unregistered_units(item, people)
        if missing or not recipients(item, people):
            result.unassigned.append(item)
            result.missing_units[item.id] = missing
        if item.due is None:
            result.undated.append(item)
    return result


def digest_period(today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def digest_due(today: date, schedule: Schedule) -> bool:
    """The weekly digest goes out on its weekday or, when that run was missed, on a later day of the same week.
    A weekday that is not a working day (Saturday without REMINDER_WEEKENDS) means the Friday before it:
    otherwise the digest could never go out."""
    weekday = schedule.digest_weekday if schedule.weekends else min(schedule.digest_weekday, 5)
    return today.isoweekday() >= weekday


# ---- the sent log ----------------------------------------------------------------------------------


class SendStatus(StrEnum):
    """Values of FollowUpReminderRow.status and FollowUpDigestRow.status (see "Exactly once" above)."""

    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    EMPTY = "empty"  # a digest with nothing in it: claimed so that the week is not tried again


SENDING: str = SendStatus.SENDING
SENT: str = SendStatus.SENT
FAILED: str = SendStatus.FAILED
UNKNOWN: str = SendStatus.UNKNOWN
EMPTY: str = SendStatus.EMPTY


def sent_keys(sessions: sessionmaker[Session], item_ids: Iterable[int]) -> set[SentKey]:
    """Every reminder of these items claimed so far, whatever became of it."""
    ids = list(item_ids)
    if not ids:
        return set()
    with sessions() as session:
        rows = session.execute(
            select(
                FollowUpReminderRow.followup_id,
                FollowUpReminderRow.user_id,
                FollowUpReminderRow.due,
                FollowUpReminderRow.slot,
            ).where(FollowUpReminderRow.followup_id.in_(ids))
        )
        return {(item, user, due, slot) for item, user, due, slot in rows}


def claim(sessions: sessionmaker[Session], keys: Sequence[SentKey]) -> bool:
    """Write the rows of one message as "sending", all or none; False when any was claimed already (by an
    earlier run or another process), in which case the caller plans again rather than send a partial copy."""
    try:
        with sessions.begin() as session:
            for item, user, due, slot in keys:
                session.add(FollowUpReminderRow(followup_id=item, user_id=user, due=due, slot=slot, status=SENDING))
    except IntegrityError:
        return False
    return True


def finish(
    sessions: sessionmaker[Session],
    keys: Sequence[SentKey],
    status: str,
    message_id: int | None = None,
    error: str | None = None,
) -> None:
    with sessions.begin() as session:
        for row in _rows(session, keys):
            row.status, row.message_id, row.error, row.finished_at = status, message_id, error, utcnow()


def release(sessions: sessionmaker[Session], keys: Sequence[SentKey]) -> None:
    """Forget claims whose message certainly never left, so the next run tries again."""
    with sessions.begin() as session:
        for row in _rows(session, keys):
            session.delete(row)


def _rows(session: Session, keys: Sequence[SentKey]) -> list[FollowUpReminderRow]:
    found: list[FollowUpReminderRow] = []
    for item, user, due, slot in keys:
        row = session.scalar(
            select(FollowUpReminderRow).where(
                FollowUpReminderRow.followup_id == item,
                FollowUpReminderRow.user_id == user,
                FollowUpReminderRow.due == due,
                FollowUpReminderRow.slot == slot,
            )
        )
        if row is not None:
            found.append(row)
    return found


def recover_interrupted(sessions: sessionmaker[Session]) -> int:
    """At start-up: claims left "sending" by a process that died mid-send become "unknown" (never re-sent)."""
    with sessions.begin() as session:
        # UPDATEs return a CursorResult, which has a rowcount; the stubs say Result.
        reminders = cast(
            CursorResult[Any],
            session.execute(
                update(FollowUpReminderRow)
                .where(FollowUpReminderRow.status == SENDING)
                .values(status=UNKNOWN, error="interrupted while sending", finished_at=utcnow())
            ),
        ).rowcount
        digests = cast(
            CursorResult[Any],
            session.execute(
                update(FollowUpDigestRow)
                .where(FollowUpDigestRow.status == SENDING)
                .values(status=UNKNOWN, error="interrupted while sending", finished_at=utcnow())
            ),
        ).rowcount
    return int(reminders or 0) + int(digests or 0)


def claim_digest(sessions: sessionmaker[Session], user_id: int, period: str, status: str = SENDING) -> bool:
    try:
        with sessions.begin() as session:
            session.add(FollowUpDigestRow(user_id=user_id, period=period, status=status))
    except IntegrityError:
        return False
    return True


def digest_claimed(sessions: sessionmaker[Session], user_id: int, period: str) -> bool:
    with sessions() as session:
        return (
            session.scalar(
                select(FollowUpDigestRow.id).where(
                    FollowUpDigestRow.user_id == user_id, FollowUpDigestRow.period == period
                )
            )
            is not None
        )


def finish_digest(
    sessions: sessionmaker[Session], user_id: int, period: str, status: str, error: str | None = None
) -> None:
    with sessions.begin() as session:
        row = session.scalar(
            select(FollowUpDigestRow).where(FollowUpDigestRow.user_id == user_id, FollowUpDigestRow.period == period)
        )
        if row is not None:
            row.status, row.error, row.finished_at = status, error, utcnow()


def release_digest(sessions: sessionmaker[Session], user_id: int, period: str) -> None:
    with sessions.begin() as session:
        session.execute(
            delete(FollowUpDigestRow).where(FollowUpDigestRow.user_id == user_id, FollowUpDigestRow.period == period)
        )
