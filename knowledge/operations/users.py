"""Who may use the bot and how: users and roles, registration and invitation codes, allowed groups,
answer contexts and feedback, small chat state, and the per-user question rate limit.

Plain Python over SQLAlchemy, no Telegram: the bot calls these rules, tests can drive them directly.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import delete, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import AnswerRow, ChatGroupRow, ChatStateRow, FeedbackRow, UserRow, utcnow
from knowledge.model import NOTULEN, REKOMENDASI
from knowledge.operations.chat_state import ChatState


class Role(StrEnum):
    """Values of UserRow.role, stored and shown as they are."""

    ADMIN = "admin"
    SEKRETARIAT = "sekretariat"
    PEJABAT = "pejabat"


class UserStatus(StrEnum):
    """A registration waits for an admin, who approves or rejects it; an approved user can be deactivated."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    INACTIVE = "inactive"


# The names callers used before the enums: the members, typed `str` as the plain strings they meet.
ADMIN: str = Role.ADMIN
SEKRETARIAT: str = Role.SEKRETARIAT
PEJABAT: str = Role.PEJABAT
ROLES: tuple[str, ...] = tuple(Role)
STAFF = (ADMIN, SEKRETARIAT)  # announcements, all follow-ups, everyone's answers
MEETING_RECORDS = (NOTULEN, REKOMENDASI)  # what the secretariat may add to the knowledge base

PENDING: str = UserStatus.PENDING
APPROVED: str = UserStatus.APPROVED
REJECTED: str = UserStatus.REJECTED
INACTIVE: str = UserStatus.INACTIVE
STATUSES: tuple[str, ...] = tuple(UserStatus)

MAX_QUESTION_CHARS = 1000
COMMENT_TTL = timedelta(minutes=15)  # an unanswered comment invitation must not swallow tomorrow's question
ANSWER_RETENTION = timedelta(days=90)  # buttons under older answers say the answer has expired


class UserError(ValueError):
    """A request the rules refuse (unknown user, unknown role, ...); the message is for logs."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    unit: str
    role: str
    status: str
    username: str | None = None
    invite_code: str | None = None
    decided_by: int | None = None
    created_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status == APPROVED

    @property
    def is_admin(self) -> bool:
        return may_administer(self)


@dataclass(frozen=True)
class Decision:
    """The outcome of an approve/reject: `changed` is False when another admin decided first."""

    user: User
    changed: bool


@dataclass(frozen=True)
class StoredAnswer:
    id: str
    chat_id: int
    user_id: int | None
    question: str
    answer: str
    mode: str
    abstained: bool
    citations: list[dict[str, Any]]
    notices: list[str]
    created_at: datetime


@dataclass(frozen=True)
class Feedback:
    id: int
    answer_id: str
    user_id: int
    chat_id: int
    rating: int
    question: str
    answer: str
    citations: list[str]
    comment: str | None


# ---- Rights: who may do what --------------------------------------------------------------------------------
# The one place a role becomes a right. The bot asks these (bot/roles.py applies them to updates) and never
# compares roles itself; each right is checked on the users table as it is now, so a demotion takes effect at once.


def can_ask(user: User | None, *, in_allowed_group: bool = False) -> bool:
    """Approved users may ask anywhere. In a group an admin allowed, its members may ask too (the admin
    vouched for the group), except people whose registration was rejected or who were deactivated."""
    if user is not None and user.active:
        return True
    return in_allowed_group and (user is None or user.status == PENDING)


def may_administer(user: User | None) -> bool:
    """Admins: users and roles, allowed groups, every document and the index, the feedback review, and
    mandatory announcements."""
    return user is not None and user.active and user.role == ADMIN


def _holds_secretariat_rights(user: User | None) -> bool:
    """The secretariat's rights, which admins hold too; only while the account is active."""
    return user is not None and user.active and user.role in STAFF


def may_announce(user: User | None) -> bool:
    """/umumkan and /pengumuman: compose, send, cancel and resend announcements (mandatory ones: admins)."""
    return _holds_secretariat_rights(user)


def may_announce_mandatory(user: User | None) -> bool:
    """A mandatory announcement reaches even those who opted out of announcements: an admin's decision."""
    return may_administer(user)


def may_manage_followups(user: User | None) -> bool:
    """Every unit's follow-ups: list, add, edit, close, merge duplicates, decide extensions, hear officials'
    reports (an official sees and reports on their own unit's items only)."""
    return _holds_secretariat_rights(user)


def may_read_reports(user: User | None) -> bool:
    """/laporan: the follow-up workbook and chart of every unit."""
    return _holds_secretariat_rights(user)


def may_open_any_answer(user: User | None) -> bool:
    """The buttons under anyone's stored answer (see may_use_answer)."""
    return _holds_secretariat_rights(user)


def may_ingest(user: User | None, doc_type: str | None = None) -> bool:
    """Who adds documents: admins any; the secretariat, which records the meetings, their minutes and
    recommendation lists (a regulation changes what every answer quotes, which stays an admin's decision).
    Without `doc_type`: whether the user may send documents at all."""
    if may_administer(user):
        return True
    return _holds_secretariat_rights(user) and (doc_type is None or doc_type in MEETING_RECORDS)


def may_use_answer(user: User | None, user_id: int, answer: StoredAnswer, chat_id: int | None) -> bool:
    """Whether the buttons under a stored answer (full text, related articles, feedback) work for this person.

    They belong to whoever asked, and to the chat the answer was given in: in a group every member saw the
    answer, so opening its sources reveals nothing new (`chat_id` is the chat of the pressed message, which
    Telegram only lets the people in that chat press). The staff may open any answer. Anyone else, e.g. with
    an answer id copied into forged callback data, gets nothing."""
    if answer.user_id is not None and answer.user_id == user_id:
        return True
    if chat_id is not None and chat_id == answer.chat_id:
        return True
    return may_open_any_answer(user)


def report_recipients(people: Iterable[User]) -> list[User]:
    """Who hears about the officials' follow-up reports and gets the weekly digest: the secretariat, or the
    admins while there is none."""
    active = [u for u in people if u.active]
    return [u for u in active if u.role == SEKRETARIAT] or [u for u in active if may_administer(u)]


class RateLimiter:
    """Sliding window per key: at most `limit` events in any `window` seconds (in memory, per process)."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: int) -> float:
        """Record an event and return 0, or return the seconds to wait (nothing recorded) when over the limit."""
        if self.limit <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return max(0.0, self.window - (now - events[0]))
            events.append(now)
            return 0.0

    def forget_idle(self) -> None:
        now = self.clock()
        with self._lock:
            for key in [k for k, ev in self._events.items() if not ev or now - ev[-1] >= self.window]:
                del self._events[key]


class UserStore:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        invite_codes: Iterable[str] = (),
        rate_limit_per_minute: int = 10,
        clock: Callable[[], float] = time.monotonic,
        unlimited_roles: Iterable[str] = (),
    ) -> None:
        """`unlimited_roles`: active users with these roles are never rate-limited (the sandbox's staff, who
        demonstrate the bot)."""
        self.sessions = sessions
        self.chat_state = ChatState(sessions)
        self.invite_codes = {_norm_code(c) for c in invite_codes if c.strip()}
        self.rate = RateLimiter(rate_limit_per_minute, 60.0, clock)
        self.unlimited_roles = frozenset(unlimited_roles)
        self.bootstrap_ids: frozenset[int] = frozenset()

    # --- users --------------------------------------------------------------------------------------

    def bootstrap_admins(self, ids: Iterable[int]) -> None:
        """ADMIN_IDS are admins whatever the database says, so a misstep can always be undone."""
        self.bootstrap_ids = frozenset(ids)
        with self.sessions.begin() as session:
            for user_id in self.bootstrap_ids:
                row = session.get(UserRow, user_id) or UserRow(id=user_id, name="", unit="")
                row.role, row.status = ADMIN, APPROVED
                session.add(row)

    def get(self, user_id: int) -> User | None:
        with self.sessions() as session:
            row = session.get(UserRow, user_id)
            return _user(row) if row else None

    def list_users(self, status: str | None = None) -> list[User]:
        with self.sessions() as session:
            query = select(UserRow).order_by(UserRow.status, UserRow.name, UserRow.id)
            if status:
                query = query.where(UserRow.status == status)
            return [_user(r) for r in session.scalars(query)]

    def admins(self) -> list[User]:
        return [u for u in self.list_users(APPROVED) if may_administer(u)]

    def seen(self, user_id: int, name: str, username: str | None) -> None:
        """Fill in the Telegram name of a user known only by id (bootstrapped admins)."""
        with self.sessions.begin() as session:
            row = session.get(UserRow, user_id)
            if row is not None and (not row.name or row.username != username):
                row.name = row.name or name[:255]
                row.username = username

    def check_code(self, code: str | None) -> bool:
        return bool(code) and _norm_code(code or "") in self.invite_codes

    def register(
        self, user_id: int, name: str, unit: str, code: str | None = None, username: str | None = None
    ) -> User:
        """A valid invitation code approves at once; otherwise the request waits for an admin.

        Re-registering while pending updates the request; approved, rejected and inactive users are
        not changed here (an admin changes them with set_role).
        """
        name, unit = _clean(name, 255), _clean(unit, 255)
        if not name or not unit:
            raise UserError("name and unit are required")
        approved = self.check_code(code)
        with self.sessions.begin() as session:
            row = session.get(UserRow, user_id)
            if row is not None and row.status != PENDING:
                return _user(row)
            row = row or UserRow(id=user_id)
            row.name, row.unit, row.username, row.role = name, unit, username, PEJABAT
            row.status = APPROVED if approved else PENDING
            row.invite_code = _norm_code(code) if approved and code else None
            row.decided_at = utcnow() if approved else None
            session.add(row)
            session.flush()
            return _user(row)

    def approve(self, user_id: int, by: int) -> Decision:
        return self._decide(user_id, by, APPROVED)

    def reject(self, user_id: int, by: int) -> Decision:
        return self._decide(user_id, by, REJECTED)

    def _decide(self, user_id: int, by: int, status: str) -> Decision:
        with self.sessions.begin() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise UserError(f"unknown user {user_id}")
            if row.status != PENDING:
                return Decision(_user(row), False)
            row.status, row.decided_by, row.decided_at = status, by, utcnow()
            session.flush()
            return Decision(_user(row), True)

    def set_role(self, user_id: int, role: str, by: int) -> User:
        """Give a role; this also (re)activates the user, which is how an admin undoes a rejection."""
        role = role.strip().lower()
        if role not in ROLES:
            raise UserError(f"unknown role {role!r}")
        if user_id in self.bootstrap_ids and role != ADMIN:
            raise UserError("ADMIN_IDS users stay admins")
        with self.sessions.begin() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise UserError(f"unknown user {user_id}")
            row.role, row.status, row.decided_by, row.decided_at = role, APPROVED, by, utcnow()
            session.flush()
            return _user(row)

    def deactivate(self, user_id: int, by: int) -> User:
        if user_id == by:
            raise UserError("admins cannot deactivate themselves")
        if user_id in self.bootstrap_ids:
            raise UserError("ADMIN_IDS users cannot be deactivated")
        with self.sessions.begin() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise UserError(f"unknown user {user_id}")
            row.status, row.decided_by, row.decided_at = INACTIVE, by, utcnow()
            session.flush()
            return _user(row)

    def may_ask(self, user_id: int, *, in_allowed_group: bool = False) -> bool:
        return can_ask(self.get(user_id), in_allowed_group=in_allowed_group)

    def allow_question(self, user_id: int, *, lookup: bool = False) -> float:
        """0 when the question may go ahead (and counts), else the seconds until it may.

        An article look-up (/pasal) does not count: it shows an article the official named, and reading a
        regulation article by article is not the flood of questions the limit is for."""
        if lookup:
            return 0.0
        if self.unlimited_roles:
            user = self.get(user_id)
            if user is not None and user.active and user.role in self.unlimited_roles:
                return 0.0
        return self.rate.hit(user_id)

    # --- groups -------------------------------------------------------------------------------------

    def set_group_allowed(self, chat_id: int, title: str, allowed: bool, by: int) -> None:
        with self.sessions.begin() as session:
            row = session.get(ChatGroupRow, chat_id) or ChatGroupRow(id=chat_id)
            row.title, row.allowed, row.changed_by, row.changed_at = title[:255], allowed, by, utcnow()
            if not allowed:
                row.notified_at = None  # say "not enabled" once more if someone talks to it there
            session.add(row)

    def group_allowed(self, chat_id: int) -> bool:
        with self.sessions() as session:
            row = session.get(ChatGroupRow, chat_id)
            return bool(row and row.allowed)

    def groups(self) -> list[tuple[int, str, bool]]:
        with self.sessions() as session:
            return [(r.id, r.title, r.allowed) for r in session.scalars(select(ChatGroupRow).order_by(ChatGroupRow.id))]

    def first_notice(self, chat_id: int, title: str) -> bool:
        """True exactly once per not-allowed group: the moment to say that the bot is not enabled there."""
        with self.sessions.begin() as session:
            row = session.get(ChatGroupRow, chat_id) or ChatGroupRow(id=chat_id, title=title[:255], allowed=False)
            if row.allowed or row.notified_at is not None:
                return False
            row.notified_at = utcnow()
            session.add(row)
            return True

    # --- answers and feedback -----------------------------------------------------------------------

    def save_answer(
        self,
        *,
        chat_id: int,
        user_id: int | None,
        question: str,
        answer: str,
        mode: str,
        abstained: bool,
        citations: Sequence[dict[str, Any]],
        notices: Sequence[str],
    ) -> str:
        answer_id = secrets.token_urlsafe(6)  # 8 characters: callback_data stays far below 64 bytes
        with self.sessions.begin() as session:
            session.add(
                AnswerRow(
                    id=answer_id,
                    chat_id=chat_id,
                    user_id=user_id,
                    question=question,
                    answer=answer,
                    mode=mode,
                    abstained=abstained,
                    citations=[dict(c) for c in citations],
                    notices=list(notices),
                )
            )
        return answer_id

    def get_answer(self, answer_id: str) -> StoredAnswer | None:
        with self.sessions() as session:
            row = session.get(AnswerRow, answer_id)
            if row is None:
                return None
            return StoredAnswer(
                row.id,
                row.chat_id,
                row.user_id,
                row.question,
                row.answer,
                row.mode,
                row.abstained,
                list(row.citations or []),
                list(row.notices or []),
                row.created_at,
            )

    def record_feedback(self, answer: StoredAnswer, user_id: int, chat_id: int, rating: int) -> Feedback:
        """One rating per user and answer: pressing the other thumb changes it (and keeps the comment)."""
        rating = 1 if rating > 0 else -1
        with self.sessions.begin() as session:
            row = session.scalar(
                select(FeedbackRow).where(FeedbackRow.answer_id == answer.id, FeedbackRow.user_id == user_id)
            )
            if row is None:
                row = FeedbackRow(
                    answer_id=answer.id,
                    user_id=user_id,
                    chat_id=chat_id,
                    question=answer.question,
                    answer=answer.answer,
                    citations=[str(c.get("label", "")) for c in answer.citations],
                )
                session.add(row)
            row.rating = rating
            session.flush()
            return _feedback(row)

    def feedback(self, answer_id: str | None = None) -> list[Feedback]:
        with self.sessions() as session:
            query = select(FeedbackRow).order_by(FeedbackRow.id)
            if answer_id:
                query = query.where(FeedbackRow.answer_id == answer_id)
            return [_feedback(r) for r in session.scalars(query)]

    def await_comment(self, chat_id: int, user_id: int, feedback_id: int, prompt_message_id: int | None) -> None:
        value = {"feedback_id": feedback_id, "prompt": prompt_message_id}
        self.set_state("comment", f"{chat_id}:{user_id}", value, ttl=COMMENT_TTL)

    def awaited_comment(self, chat_id: int, user_id: int) -> dict[str, Any] | None:
        """The comment invitation this user has open in this chat, if any (expired ones are gone)."""
        value = self.get_state("comment", f"{chat_id}:{user_id}")
        return value if isinstance(value, dict) else None

    def store_comment(self, chat_id: int, user_id: int, text: str) -> Feedback | None:
        pending = self.awaited_comment(chat_id, user_id)
        self.clear_comment(chat_id, user_id)
        if pending is None:
            return None
        with self.sessions.begin() as session:
            row = session.get(FeedbackRow, pending["feedback_id"])
            if row is None:
                return None
            row.comment = _clean(text, 4000)
            session.flush()
            return _feedback(row)

    def clear_comment(self, chat_id: int, user_id: int) -> bool:
        return self.delete_state("comment", f"{chat_id}:{user_id}")

    # --- small key/value state (conversation steps, drafts) ------------------------------------------

    def set_state(self, scope: str, key: str, value: Any, ttl: timedelta | None = None) -> None:
        self.chat_state.set(scope, key, value, ttl)

    def get_state(self, scope: str, key: str) -> Any:
        return self.chat_state.get(scope, key)

    def states(self, scope: str) -> dict[str, Any]:
        return self.chat_state.all(scope)

    def delete_state(self, scope: str, key: str) -> bool:
        return self.chat_state.delete(scope, key)

    # --- housekeeping -------------------------------------------------------------------------------

    def purge(self, now: datetime | None = None) -> int:
        """Forget expired state and old answer contexts (feedback keeps its own copy). Returns rows removed."""
        now = now or utcnow()
        with self.sessions.begin() as session:
            # DELETEs return a CursorResult, which has a rowcount; the stubs say Result.
            expired = delete(ChatStateRow).where(ChatStateRow.expires_at.is_not(None), ChatStateRow.expires_at <= now)
            states = cast(CursorResult[Any], session.execute(expired)).rowcount
            old = delete(AnswerRow).where(AnswerRow.created_at < now - ANSWER_RETENTION)
            answers = cast(CursorResult[Any], session.execute(old)).rowcount
        self.rate.forget_idle()
        return int(states or 0) + int(answers or 0)


def _norm_code(code: str) -> str:
    return code.strip().upper()


def _clean(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        name=row.name,
        unit=row.unit,
        role=row.role,
        status=row.status,
        username=row.username,
        invite_code=row.invite_code,
        decided_by=row.decided_by,
        created_at=row.created_at,
    )


def _feedback(row: FeedbackRow) -> Feedback:
    return Feedback(
        row.id,
        row.answer_id,
        row.user_id,
        row.chat_id,
        row.rating,
        row.question,
        row.answer,
        list(row.citations or []),
        row.comment,
    )
