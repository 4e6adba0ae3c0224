"""The reminder rules as plain functions: which slot is due on which day, quiet hours and weekends, who is
reminded, grouping per user, the weekly digest's contents, and the sent log's once-only claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from knowledge.config import Settings
from knowledge.db import FollowUpRow
from knowledge.migrate import init_db
from knowledge.operations.reminders import (
    SENDING,
    SENT,
    UNKNOWN,
    Schedule,
    attention,
    claim,
    current_slot,
    digest_due,
    digest_period,
    effective_status,
    finish,
    parse_clock,
    plan_reminders,
    recipients,
    recover_interrupted,
    release,
    same_person,
    sent_keys,
)
from knowledge.operations.workdays import WorkCalendar

WIB = ZoneInfo("Asia/Jakarta")
DUE = date(2024, 4, 15)  # a Monday


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    unit: str
    role: str = "pejabat"


@dataclass
class Item:
    id: int
    units: list[str] = field(default_factory=list)
    officials: list[str] = field(default_factory=list)
    due: date | None = DUE
    status: str = "baru"


DEFAULT = Schedule()


def slot_on(day: int, schedule: Schedule = DEFAULT, due: date = DUE) -> str | None:
    slot = current_slot(due, date(2024, 4, day), schedule)
    return slot.name if slot else None


WEEKDAYS_ONLY = Schedule(calendar=WorkCalendar(public_holidays=False))


def test_slots_count_working_days_before_the_due_date_then_repeat_weekly() -> None:
    schedule = WEEKDAYS_ONLY  # the weekend rule alone; holidays below
    assert [slot_on(d, schedule) for d in (1, 3)] == [None, None]
    # H-7 is seven working days before Monday 15 April: Thursday 4 April. The latest slot stays current.
    assert [slot_on(d, schedule) for d in (4, 5, 9)] == ["H-7"] * 3
    assert slot_on(10, schedule) == "H-3"  # Wednesday: Wednesday, Thursday and Friday are left
    assert [slot_on(d, schedule) for d in (12, 13, 14)] == ["H-1"] * 3  # the last working day before
    assert slot_on(15, schedule) == "H"
    assert slot_on(22, schedule) == "H+7" and slot_on(29, schedule) == "H+14"


def test_public_holidays_and_cuti_bersama_are_not_working_days() -> None:
    # Idul Fitri 2024 fell on Wednesday 10 and Thursday 11 April (the holidays package's Indonesia calendar).
    assert slot_on(8) == "H-3"  # three working days before Monday 15 April: Monday 8, Tuesday 9, Friday 12
    assert [slot_on(d) for d in (9, 10, 11)] == ["H-3"] * 3
    assert slot_on(12) == "H-1"
    assert not DEFAULT.sending_time(datetime(2024, 4, 10, 9, 0, tzinfo=WIB))  # nothing goes out on Lebaran
    assert DEFAULT.sending_time(datetime(2024, 4, 12, 9, 0, tzinfo=WIB))

    # Cuti bersama come from the settings (CUTI_BERSAMA); a reminder due on one goes out the working day before.
    settings = Settings(_env_file=None, cuti_bersama="2024-12-26, 2024-12-24")
    schedule = Schedule.from_settings(settings)
    christmas = date(2024, 12, 25)  # Natal, Wednesday; 24 and 26 December are cuti bersama here
    due_day = current_slot(christmas, date(2024, 12, 23), schedule)
    assert due_day is not None and (due_day.name, due_day.day) == ("H", date(2024, 12, 23))
    h3 = current_slot(christmas, date(2024, 12, 18), schedule)  # Monday 23 is "H": H-3 is Wednesday 18
    assert h3 is not None and (h3.name, h3.day) == ("H-3", date(2024, 12, 18))
    assert not schedule.sending_time(datetime(2024, 12, 24, 9, 0, tzinfo=WIB))
    assert Schedule().sending_time(datetime(2024, 12, 24, 9, 0, tzinfo=WIB))  # without that setting: a work day
    late = current_slot(christmas, date(2025, 1, 2), schedule)  # H+7 = 1 January (a holiday) -> Thursday 2
    assert late is not None and (late.name, late.day) == ("H+7", date(2025, 1, 2))


def test_weekend_slots_move_to_friday_before_the_deadline_and_to_monday_after_it() -> None:
    saturday_due = date(2024, 4, 20)
    slot = current_slot(saturday_due, date(2024, 4, 19), Schedule())
    assert slot is not None and (slot.name, slot.day) == ("H", date(2024, 4, 19))  # Friday: still in time
    overdue = current_slot(saturday_due, date(2024, 4, 29), Schedule())
    assert overdue is not None and (overdue.name, overdue.day) == ("H+7", date(2024, 4, 29))  # Sat 27 -> Mon 29
    assert current_slot(saturday_due, date(2024, 4, 28), Schedule()).name == "H"  # type: ignore[union-attr]
    with_weekends = Schedule(weekends=True)
    assert current_slot(saturday_due, saturday_due, with_weekends).day == saturday_due  # type: ignore[union-attr]


def test_sending_window_and_settings() -> None:
    schedule = Schedule.from_settings(
        Settings(_env_file=None, reminder_days="0,1", reminder_time="7.30", reminder_until="16:00",
                 overdue_every_days=0)
    )  # fmt: skip
    assert (schedule.days_before, schedule.start, schedule.end, schedule.overdue_every) == (
        (1, 0), time(7, 30), time(16, 0), 0,
    )  # fmt: skip
    assert schedule.sending_time(datetime(2024, 4, 8, 7, 30, tzinfo=WIB))
    assert not schedule.sending_time(datetime(2024, 4, 8, 7, 29, tzinfo=WIB))
    assert not schedule.sending_time(datetime(2024, 4, 8, 16, 0, tzinfo=WIB))  # evening: never at night
    assert not schedule.sending_time(datetime(2024, 4, 13, 9, 0, tzinfo=WIB))  # Saturday
    assert slot_on(22, schedule) == "H"  # no weekly repeat when OVERDUE_EVERY_DAYS=0
    assert parse_clock("nonsense", time(8, 0)) == time(8, 0)


def test_recipients_by_unit_spelling_and_by_named_official() -> None:
    people = [
        Person(1, "Budi Santoso", "Bappeda Provinsi Jawa Barat"),
        Person(2, "Siti Aminah", "Bappeda Jateng"),
        Person(3, "Dra. Rina Wulandari, M.Si.", "Inspektorat"),
    ]
    item = Item(1, units=["BAPPEDA PROV. JABAR"], officials=["Sdri. Rina Wulandari"])
    assert [p.id for p in recipients(item, people)] == [1, 3]
    assert same_person("Budi Santoso", "Budi Santoso, S.T.") and not same_person("Budi", "Budi Santoso")


def test_plan_groups_items_per_user_and_skips_done_undated_and_already_sent() -> None:
    people = [Person(1, "Budi Santoso", "Bappeda Jabar"), Person(2, "Siti Aminah", "Bappeda Jateng")]
    items = [
        Item(10, units=["Bappeda Prov. Jabar"]),
        Item(11, units=["Bappeda Jabar", "Bappeda Jateng"], due=date(2024, 4, 12)),
        Item(12, units=["Bappeda Jabar"], status="selesai"),
        Item(13, units=["Bappeda Jabar"], due=None),
        Item(14, units=["Bappeda Jabar"], due=date(2024, 5, 31)),  # not yet
    ]
    today = date(2024, 4, 8)
    batches = plan_reminders(items, people, set(), today, Schedule())
    assert [(b.person.id, [r.item.id for r in b.reminders]) for b in batches] == [(1, [11, 10]), (2, [11])]
    already = set(batches[0].keys())
    again = plan_reminders(items, people, already, today, Schedule())
    assert [(b.person.id, [r.item.id for r in b.reminders]) for b in again] == [(2, [11])]


def test_attention_lists_late_unassigned_and_undated_items() -> None:
    people = [Person(1, "Budi Santoso", "Bappeda Jabar"), Person(2, "Rina Wulandari", "Inspektorat")]
    late = Item(1, units=["Bappeda Jabar"], due=date(2024, 4, 1), status="berjalan")
    nobody = Item(2, units=["Biro Pemerintahan Setda Jabar", "Bappeda Jabar"])
    official_only = Item(3, units=["Kemenkeu"], officials=["Rina Wulandari"])
    no_unit = Item(4, units=[])
    undated = Item(5, units=["Bappeda Jabar"], due=None)
    done = Item(6, units=[], due=None, status="selesai")
    found = attention([late, nobody, official_only, no_unit, undated, done], people, date(2024, 4, 8))
    assert [i.id for i in found.overdue] == [1] and effective_status(late, date(2024, 4, 8)) == "terlambat"
    assert [i.id for i in found.unassigned] == [2, 3, 4]
    assert found.missing_units[2] == ["Biro Pemerintahan Setda Jabar"] and found.missing_units[3] == ["Kemenkeu"]
    assert [i.id for i in found.undated] == [5]


def test_digest_once_a_week_from_its_weekday() -> None:
    assert digest_period(date(2024, 4, 8)) == digest_period(date(2024, 4, 12)) == "2024-W15"
    assert digest_due(date(2024, 4, 8), Schedule()) and digest_due(date(2024, 4, 9), Schedule())
    assert not digest_due(date(2024, 4, 8), Schedule(digest_weekday=5))
    saturday = Schedule(digest_weekday=6)  # not a working day: the Friday before, or it would never go out
    assert digest_due(date(2024, 4, 12), saturday) and not digest_due(date(2024, 4, 11), saturday)


@pytest.fixture
def sessions(db_url: str):
    factory = init_db(db_url)
    with factory.begin() as session:
        session.add_all([FollowUpRow(id=1, key="a", text="A"), FollowUpRow(id=2, key="b", text="B")])
    return factory


def test_sent_log_claims_each_slot_once_and_releases_only_on_request(sessions) -> None:
    keys = [(1, 100, DUE, "H-7"), (2, 100, DUE, "H-7")]
    assert claim(sessions, keys)
    assert not claim(sessions, keys[:1])  # a second claim of the same slot is impossible
    assert sent_keys(sessions, [1, 2]) == set(keys)
    finish(sessions, keys, SENT, message_id=7)
    release(sessions, [(1, 100, DUE, "H-3")])  # nothing to release: no error
    assert claim(sessions, [(1, 100, DUE, "H-3")])
    release(sessions, [(1, 100, DUE, "H-3")])
    assert (1, 100, DUE, "H-3") not in sent_keys(sessions, [1])
    assert claim(sessions, [(1, 100, date(2024, 4, 30), "H-7")])  # after an extension: a new schedule


def test_claims_left_sending_by_a_crash_become_unknown_and_stay_claimed(sessions) -> None:
    from knowledge.db import FollowUpReminderRow

    assert claim(sessions, [(1, 100, DUE, "H")])
    assert recover_interrupted(sessions) == 1
    with sessions() as session:
        row = session.query(FollowUpReminderRow).one()
        assert row.status == UNKNOWN and row.status != SENDING
    assert not claim(sessions, [(1, 100, DUE, "H")])
