"""The access rules in knowledge/operations/users.py, without Telegram: registration, roles, groups, feedback, state,
and the per-user rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from knowledge.db import utcnow
from knowledge.migrate import init_db
from knowledge.operations.users import (
    ADMIN,
    APPROVED,
    INACTIVE,
    PENDING,
    REJECTED,
    SEKRETARIAT,
    RateLimiter,
    User,
    UserError,
    UserStore,
    can_ask,
)

ADMIN_ID = 5_000_000_001  # above 32 bits, like many Telegram ids


@pytest.fixture
def users(db_url: str) -> UserStore:
    store = UserStore(init_db(db_url), invite_codes=["RAKOR2024", " adwil "])
    store.bootstrap_admins([ADMIN_ID])
    return store


def test_invitation_code_approves_at_once_and_no_code_waits(users: UserStore) -> None:
    with_code = users.register(1, "  Rina   Wulandari ", "Bappeda Jabar", code="adwil")
    assert (with_code.status, with_code.name, with_code.invite_code) == (APPROVED, "Rina Wulandari", "ADWIL")
    without = users.register(2, "Budi", "Ditjen Bina Adwil", code="SALAH")
    assert without.status == PENDING and without.invite_code is None
    with pytest.raises(UserError):
        users.register(3, "", "Unit")


def test_a_request_is_decided_once(users: UserStore) -> None:
    users.register(2, "Budi", "Ditjen Bina Adwil")
    first = users.approve(2, by=ADMIN_ID)
    second = users.reject(2, by=ADMIN_ID)
    assert first.changed and first.user.status == APPROVED
    assert not second.changed and second.user.status == APPROVED
    assert users.register(2, "Nama Lain", "Unit Lain").name == "Budi"  # a decided user is not re-registered
    with pytest.raises(UserError):
        users.approve(99, by=ADMIN_ID)


def test_roles_reactivation_and_protected_admins(users: UserStore) -> None:
    users.register(2, "Budi", "Unit")
    users.reject(2, by=ADMIN_ID)
    assert users.set_role(2, "Sekretariat", by=ADMIN_ID).status == APPROVED  # how an admin undoes a rejection
    assert users.get(2).role == SEKRETARIAT  # type: ignore[union-attr]
    with pytest.raises(UserError):
        users.set_role(2, "menteri", by=ADMIN_ID)
    with pytest.raises(UserError):
        users.deactivate(ADMIN_ID, by=2)  # ADMIN_IDS stay admins
    with pytest.raises(UserError):
        users.set_role(ADMIN_ID, "pejabat", by=2)
    with pytest.raises(UserError):
        users.deactivate(2, by=2)
    assert users.deactivate(2, by=ADMIN_ID).status == INACTIVE
    assert [u.id for u in users.admins()] == [ADMIN_ID]
    users.bootstrap_admins([ADMIN_ID])  # a restart keeps the database's other changes
    assert users.get(2).status == INACTIVE  # type: ignore[union-attr]


def test_who_may_ask() -> None:
    def user(status: str) -> User:
        return User(1, "X", "U", "pejabat", status)

    assert can_ask(user(APPROVED)) and can_ask(user(APPROVED), in_allowed_group=True)
    assert not can_ask(None) and not can_ask(user(PENDING))
    assert can_ask(None, in_allowed_group=True) and can_ask(user(PENDING), in_allowed_group=True)
    assert not can_ask(user(REJECTED), in_allowed_group=True) and not can_ask(user(INACTIVE), in_allowed_group=True)
    assert User(1, "X", "U", ADMIN, APPROVED).is_admin and not User(1, "X", "U", ADMIN, INACTIVE).is_admin


def test_groups_are_told_once_until_allowed_and_again_after_disallowing(users: UserStore) -> None:
    group = -1_000_000_000_123
    assert users.first_notice(group, "Rakor") and not users.first_notice(group, "Rakor")
    users.set_group_allowed(group, "Rakor", True, by=ADMIN_ID)
    assert users.group_allowed(group) and not users.first_notice(group, "Rakor")
    users.set_group_allowed(group, "Rakor", False, by=ADMIN_ID)
    assert not users.group_allowed(group) and users.first_notice(group, "Rakor")


def test_feedback_keeps_question_answer_and_citations_and_one_comment(users: UserStore) -> None:
    answer_id = users.save_answer(
        chat_id=7,
        user_id=7,
        question="Apa itu dekonsentrasi?",
        answer="Dekonsentrasi adalah ... [1]",
        mode="extractive",
        abstained=False,
        citations=[{"id": "p1", "label": "PP 19/2022 Pasal 1"}],
        notices=[],
    )
    assert len(answer_id.encode()) <= 16
    stored = users.get_answer(answer_id)
    assert stored is not None and stored.citations[0]["label"] == "PP 19/2022 Pasal 1"
    feedback = users.record_feedback(stored, user_id=7, chat_id=7, rating=-1)
    users.await_comment(7, 7, feedback.id, prompt_message_id=12)
    assert users.awaited_comment(7, 7) == {"feedback_id": feedback.id, "prompt": 12}
    users.store_comment(7, 7, "Kurang lengkap")
    assert users.awaited_comment(7, 7) is None
    users.record_feedback(stored, user_id=7, chat_id=7, rating=1)  # changing the rating keeps the comment
    [row] = users.feedback(answer_id)
    assert (row.rating, row.comment, row.question, row.citations) == (
        1,
        "Kurang lengkap",
        "Apa itu dekonsentrasi?",
        ["PP 19/2022 Pasal 1"],
    )


def test_state_expires_and_purge_forgets_old_answers(users: UserStore) -> None:
    users.set_state("comment", "1:1", {"x": 1}, ttl=timedelta(minutes=15))
    users.set_state("ptb:user_data", "1", {"daftar": {"name": "Rina"}})
    assert users.states("ptb:user_data") == {"1": {"daftar": {"name": "Rina"}}}
    answer_id = users.save_answer(
        chat_id=1, user_id=1, question="q", answer="a", mode="lookup", abstained=False, citations=[], notices=[]
    )
    assert users.purge(now=utcnow() + timedelta(days=365)) == 2
    assert users.get_state("comment", "1:1") is None and users.get_answer(answer_id) is None
    assert users.get_state("ptb:user_data", "1") == {"daftar": {"name": "Rina"}}  # no expiry: kept


def test_rate_limiter_is_a_sliding_window_per_user() -> None:
    now = [0.0]
    limiter = RateLimiter(10, 60.0, clock=lambda: now[0])
    for second in range(10):
        now[0] = float(second)
        assert limiter.hit(1) == 0
    now[0] = 30.0
    assert limiter.hit(1) == pytest.approx(30.0)  # the first question leaves the window at t=60
    assert limiter.hit(2) == 0  # other users are not affected
    now[0] = 60.0
    assert limiter.hit(1) == 0  # one slot free again, not all ten
    assert limiter.hit(1) > 0
