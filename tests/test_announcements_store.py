"""The announcement queue without Telegram: audience selection, the delivery state machine, crash recovery,
reports, subscriptions and send times."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from knowledge.db import utcnow
from knowledge.migrate import init_db
from knowledge.operations.announcements import (
    AUTHOR_INACTIVE,
    AUTHOR_NOT_ADMIN,
    AUTHOR_ROLE,
    BLOCKED,
    CANCELLED,
    CLAIMED,
    DONE,
    DROPPED,
    EVERYONE,
    FAILED,
    GROUPS,
    MAX_ATTEMPTS,
    PENDING,
    RETRY,
    ROLE,
    SENDING,
    SENT,
    STOPPED,
    UNITS,
    UNKNOWN,
    AnnouncementStore,
    Audience,
    Content,
    Outcome,
    ScheduleError,
    author_refusal,
    parse_schedule,
)
from knowledge.operations.users import ADMIN, APPROVED, PEJABAT, SEKRETARIAT, UserStore

JAKARTA = ZoneInfo("Asia/Jakarta")
TEXT = Content("text", text_html="📢 <b>Pengumuman</b>\n\nRapat koordinasi.", summary="Rapat koordinasi.")


@pytest.fixture
def stores(db_url: str) -> tuple[UserStore, AnnouncementStore]:
    sessions = init_db(db_url)
    users = UserStore(sessions, invite_codes=["KODE"])
    users.register(1, "Budi", "Bappeda Prov. Jabar", "KODE")
    users.register(2, "Siti", "BAPPEDA PROVINSI JAWA BARAT", "KODE")
    users.register(3, "Rina", "Ditjen Bina Adwil", "KODE")
    users.register(4, "Tono", "Ditjen Bina Adwil", "KODE")
    users.register(5, "Menunggu", "Ditjen Bina Adwil")  # pending: never a recipient
    users.set_role(4, SEKRETARIAT, by=1)
    users.set_group_allowed(-100, "Rakor Jabar", True, by=1)
    users.set_group_allowed(-200, "Grup Lama", False, by=1)
    return users, AnnouncementStore(sessions)


def create(store: AnnouncementStore, audience: Audience, **kwargs: object) -> int:
    values: dict = {
        "created_by": 4,
        "created_by_name": "Tono",
        "content": TEXT,
        "audience": audience,
        "audience_label": "uji",
        "mandatory": False,
    }
    values.update(kwargs)
    return store.create(**values).id


def test_audiences_select_approved_users_units_roles_and_allowed_groups(stores) -> None:
    users, store = stores
    units = store.units()
    assert [(u.label, u.users) for u in units] == [("Bappeda Provinsi Jawa Barat", 2), ("Ditjen Bina Adwil", 2)]
    chats = lambda audience: sorted(r.chat_id for r in store.select(audience, mandatory=False).recipients)  # noqa: E731
    assert chats(Audience(EVERYONE)) == [1, 2, 3, 4]
    assert chats(Audience(UNITS, (units[0].key,))) == [1, 2]  # two spellings, one unit
    assert chats(Audience(ROLE, role=SEKRETARIAT)) == [4]
    assert chats(Audience(GROUPS)) == [-100]

    store.opt_out(2)
    ordinary = store.select(Audience(UNITS, (units[0].key,)), mandatory=False)
    assert [r.chat_id for r in ordinary.recipients] == [1] and ordinary.opted_out == 1
    assert len(store.select(Audience(UNITS, (units[0].key,)), mandatory=True).recipients) == 2


def test_a_row_moves_pending_sending_sent_and_is_claimed_only_once(stores) -> None:
    _, store = stores
    announcement_id = create(store, Audience(EVERYONE))
    assert sorted(store.deliveries(announcement_id)) == [(c, PENDING) for c in (1, 2, 3, 4)]
    first = store.claim(2)
    second = store.claim(10)
    assert len(first) == 2 and len(second) == 2
    assert not {d.id for d in first} & {d.id for d in second}
    assert store.claim(10) == []  # everything is in flight
    assert all(status == CLAIMED for _, status in store.deliveries(announcement_id))

    store.finish([Outcome(d.id, SENT, message_id=7) for d in first + second])
    assert all(status == SENT for _, status in store.deliveries(announcement_id))
    store.finish([Outcome(first[0].id, FAILED, "late duplicate outcome")])  # a row already final stays so
    assert store.report(announcement_id).counts[SENT] == 4  # type: ignore[union-attr]
    assert store.unreported() == [announcement_id]
    assert store.close(announcement_id) and not store.close(announcement_id)  # the report goes out once
    assert store.get(announcement_id).status == DONE  # type: ignore[union-attr]


def test_flood_control_and_transient_errors_retry_blocked_users_opt_out(stores) -> None:
    _, store = stores
    announcement_id = create(store, Audience(EVERYONE))
    rows = {d.chat_id: d for d in store.claim(10)}
    store.finish(
        [
            Outcome(rows[1].id, RETRY, "Too Many Requests: retry after 3", retry_after=3),
            Outcome(rows[2].id, RETRY, "Bad Gateway"),
            Outcome(rows[3].id, BLOCKED, "Forbidden: bot was blocked by the user", user_id=3),
            Outcome(rows[4].id, FAILED, "Bad Request: chat not found"),
        ]
    )
    assert store.claim(10) == []  # both retries wait (3 s and the 1 s back-off)
    later = store.claim(10, now=utcnow() + timedelta(seconds=5))
    assert sorted(d.chat_id for d in later) == [1, 2]
    assert {d.chat_id: d.attempts for d in later} == {1: 0, 2: 1}  # flood control is not the recipient's fault
    assert store.opt_out_reason(3) == "blocked"
    assert [r.chat_id for r in store.select(Audience(EVERYONE), mandatory=False).recipients] == [1, 2, 4]

    # A transient error that never goes away fails the row after MAX_ATTEMPTS.
    row = next(d for d in later if d.chat_id == 2)
    store.finish([Outcome(next(d for d in later if d.chat_id == 1).id, SENT)])
    for attempt in range(2, MAX_ATTEMPTS + 1):
        store.finish([Outcome(row.id, RETRY, "Internal Server Error")])
        if attempt < MAX_ATTEMPTS:
            [row] = store.claim(1, now=utcnow() + timedelta(minutes=5))
    report = store.report(announcement_id)
    assert report is not None
    assert (report.counts[SENT], report.counts[BLOCKED], report.counts[FAILED]) == (1, 1, 2)
    assert report.failures == {"Bad Request: chat not found": 1, "Internal Server Error": 1}
    assert report.blocked == ["Rina (Ditjen Bina Adwil)"]


def test_rows_in_flight_at_a_crash_become_unknown_and_are_resent_only_on_request(stores) -> None:
    _, store = stores
    announcement_id = create(store, Audience(EVERYONE))
    claimed = store.claim(3)
    store.finish([Outcome(claimed[0].id, SENT)])
    # The process dies here with two requests in flight. The next start:
    assert store.recover_interrupted() == 2
    assert sorted(status for _, status in store.deliveries(announcement_id)) == [PENDING, SENT, UNKNOWN, UNKNOWN]
    [last] = store.claim(10)
    assert last.chat_id == 4  # never the unknown ones
    store.finish([Outcome(last.id, SENT)])
    report = store.report(announcement_id)
    assert report is not None and report.counts[UNKNOWN] == 2 and len(report.unknown) == 2
    assert store.close(announcement_id)

    assert store.resend_unknown(announcement_id) == 2
    assert store.get(announcement_id).status == SENDING  # type: ignore[union-attr]
    assert len(store.claim(10)) == 2


def test_cancel_drops_what_is_not_in_flight(stores) -> None:
    _, store = stores
    announcement_id = create(store, Audience(EVERYONE))
    in_flight, flooded = store.claim(2)
    assert store.cancel(announcement_id, by=4) and not store.cancel(announcement_id, by=4)
    assert store.claim(10) == []
    assert store.unreported() == []  # the requests in flight still have to finish
    store.finish([Outcome(in_flight.id, SENT), Outcome(flooded.id, RETRY, "Too Many Requests", retry_after=1)])
    assert store.unreported() == [announcement_id]  # no retry after a cancellation
    report = store.report(announcement_id)
    assert report is not None and (report.counts[SENT], report.counts[DROPPED]) == (1, 3)
    assert store.close(announcement_id) and store.get(announcement_id).status == CANCELLED  # type: ignore[union-attr]


def test_scheduled_announcements_resolve_their_audience_when_they_start(stores) -> None:
    users, store = stores
    announcement_id = create(store, Audience(EVERYONE), send_at=utcnow() + timedelta(hours=1))
    assert store.deliveries(announcement_id) == [] and store.claim(10) == []
    users.register(6, "Baru", "Ditjen Bina Adwil", "KODE")  # joins before the time
    assert store.start_due() == []
    assert store.start_due(utcnow() + timedelta(hours=2)) == [announcement_id]
    assert sorted(c for c, _ in store.deliveries(announcement_id)) == [1, 2, 3, 4, 6]
    assert store.start_due(utcnow() + timedelta(hours=2)) == []  # started once

    other = create(store, Audience(EVERYONE), send_at=utcnow() + timedelta(hours=1))
    assert store.cancel(other, by=4)
    assert store.start_due(utcnow() + timedelta(hours=2)) == [] and store.unreported() == []


def test_subscriptions(stores) -> None:
    _, store = stores
    assert store.opt_out(1) and not store.opt_out(1)
    assert store.opt_out_reason(1) == STOPPED
    store.blocked(1)
    store.unblocked(1)
    assert store.opt_out_reason(1) == STOPPED  # unblocking does not undo a /berhenti
    assert store.opt_in(1) and not store.opt_in(1)
    store.blocked(2)
    store.unblocked(2)
    assert store.opt_out_reason(2) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("besok 08:00", datetime(2024, 3, 11, 8, 0)),
        ("12 Maret 2024 09:00", datetime(2024, 3, 12, 9, 0)),
        ("12 Maret 2024 pukul 09.00 WIB", datetime(2024, 3, 12, 9, 0)),
        ("12/03/2024 07:15", datetime(2024, 3, 12, 7, 15)),
        ("hari ini 15.30", datetime(2024, 3, 10, 15, 30)),
        ("15:30", datetime(2024, 3, 10, 15, 30)),
        ("08:00", datetime(2024, 3, 11, 8, 0)),  # already past today: the next one
        ("lusa jam 13.00", datetime(2024, 3, 12, 13, 0)),
    ],
)
def test_send_times_in_jakarta(text: str, expected: datetime) -> None:
    now = datetime(2024, 3, 10, 10, 0, tzinfo=JAKARTA)
    assert parse_schedule(text, now) == expected.replace(tzinfo=JAKARTA)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("besok", "no_time"), ("9 Maret 2024 10:00", "past"), ("hari ini 09:00", "past"), ("kapan-kapan", "unreadable")],
)
def test_unusable_send_times(text: str, reason: str) -> None:
    with pytest.raises(ScheduleError) as raised:
        parse_schedule(text, datetime(2024, 3, 10, 10, 0, tzinfo=JAKARTA))
    assert raised.value.reason == reason


def test_a_scheduled_announcement_is_withdrawn_when_its_author_may_no_longer_send_it(stores) -> None:
    users, store = stores
    users.set_role(3, ADMIN, by=1)
    later = utcnow() + timedelta(hours=1)
    by_secretariat = create(store, Audience(EVERYONE), send_at=later)  # Tono, still the secretariat's
    mandatory = create(store, Audience(EVERYONE), send_at=later, created_by=3, created_by_name="Rina", mandatory=True)
    demoted = create(store, Audience(EVERYONE), send_at=later, created_by=3, created_by_name="Rina")
    users.set_role(3, SEKRETARIAT, by=1)  # no longer an admin: may announce, but not mandatorily
    other = create(store, Audience(EVERYONE), send_at=later)
    users.deactivate(4, by=1)  # Tono leaves

    assert store.start_due(utcnow() + timedelta(hours=2)) == [demoted]
    assert store.withdrawn_reasons([by_secretariat, mandatory, demoted, other]) == {
        by_secretariat: AUTHOR_INACTIVE, mandatory: AUTHOR_NOT_ADMIN, other: AUTHOR_INACTIVE,
    }  # fmt: skip
    for withdrawn in (by_secretariat, mandatory, other):
        assert store.get(withdrawn).status == CANCELLED  # type: ignore[union-attr]
        assert store.deliveries(withdrawn) == []  # nobody was queued
    assert sorted(store.unreported()) == sorted([by_secretariat, mandatory, other])  # the authors are still told
    assert store.start_due(utcnow() + timedelta(hours=3)) == []  # withdrawn once, never started later
    assert author_refusal(PEJABAT, APPROVED, mandatory=False) == AUTHOR_ROLE
    assert author_refusal(SEKRETARIAT, APPROVED, mandatory=False) is None
