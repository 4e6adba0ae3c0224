"""The relational store (SQLite under DATA_DIR by default, any SQLAlchemy URL such as PostgreSQL otherwise).

It is the source of truth for which document versions are live: the vector and BM25 indexes are derived
from it, and a passage they return counts only while its row is here.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

Lock = Callable[[], AbstractContextManager[object]]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), unique=True)  # resolved path of the file
    doc: Mapped[str] = mapped_column(String(255), index=True)  # canonical short name
    title: Mapped[str] = mapped_column(Text, default="")
    doc_type: Mapped[str] = mapped_column(String(64), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    passage_count: Mapped[int] = mapped_column(Integer, default=0)
    revokes: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="berlaku")
    revoked_by: Mapped[str | None] = mapped_column(String(255))
    info: Mapped[dict[str, Any]] = mapped_column(default=dict)  # jenis, nomor, tahun, meeting, warnings
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    passages: Mapped[list[PassageRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class PassageRow(Base):
    __tablename__ = "passages"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    doc: Mapped[str] = mapped_column(String(255), index=True)
    pasal: Mapped[str | None] = mapped_column(String(16), index=True)
    ayat: Mapped[str | None] = mapped_column(String(16))
    part: Mapped[str | None] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    parent_text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    info: Mapped[dict[str, Any]] = mapped_column(default=dict)  # bab, bagian, paragraf, page, section, item

    document: Mapped[DocumentRow] = relationship(back_populates="passages")


class FollowUpRow(Base):
    __tablename__ = "followups"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)  # stable match across re-ingestion
    document_source: Mapped[str | None] = mapped_column(String(1024), index=True)
    doc: Mapped[str | None] = mapped_column(String(255))
    passage_id: Mapped[str | None] = mapped_column(String(40))
    passage_label: Mapped[str | None] = mapped_column(Text)
    meeting_date: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    units: Mapped[list[str]] = mapped_column(default=list)
    officials: Mapped[list[str]] = mapped_column(default=list)
    due: Mapped[date | None] = mapped_column(Date)
    due_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="baru")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Issue 15 (knowledge/operations/duplicates.py): the province the meeting was held in, so that a generic unit
    # ("Bappeda Provinsi") reaches that province's Bappeda; and the item this one was merged into (the same
    # follow-up written in the minutes and in the recommendation list): a merged item is kept, but not listed.
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("followups.id", ondelete="SET NULL", name="fk_followups_merged_into_id"), nullable=True, index=True
    )

    history: Mapped[list[FollowUpHistoryRow]] = relationship(
        back_populates="followup",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="FollowUpHistoryRow.id",
    )


class FollowUpHistoryRow(Base):
    __tablename__ = "followup_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    followup_id: Mapped[int] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(255))  # "ingest" or a user reference
    change: Mapped[str] = mapped_column(Text)  # e.g. "status: baru -> selesai"
    note: Mapped[str | None] = mapped_column(Text)

    followup: Mapped[FollowUpRow] = relationship(back_populates="history")


class FollowUpDuplicateRow(Base):
    """Two items of the same meeting that may say the same thing but differ in unit or due date (or are only
    fairly similar): offered to the secretariat as "mungkin duplikat" instead of being merged silently."""

    __tablename__ = "followup_duplicates"
    __table_args__ = (UniqueConstraint("item_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)  # the newer
    other_id: Mapped[int] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(default=0.0)  # text similarity, 0..1
    status: Mapped[str] = mapped_column(String(16), default="terbuka")  # terbuka | digabung | ditolak
    decided_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StatusEdgeRow(Base):
    """One regulation's statement about another (revoked, amended, ...), read from `origin`: an indexed
    document's file or a status-only source. Replaced whenever that file is read again."""

    __tablename__ = "status_edges"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(1024), index=True)
    source_doc: Mapped[str] = mapped_column(String(255), index=True)
    source_article: Mapped[str | None] = mapped_column(String(255))
    target_doc: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    pasal: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    clause: Mapped[str] = mapped_column(Text, default="")


class StatusSourceRow(Base):
    """A regulation read for its status clauses only (`python -m ingest --status-only`)."""

    __tablename__ = "status_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), unique=True)
    doc: Mapped[str] = mapped_column(String(255), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    edge_count: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MetaRow(Base):
    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # WAL lets the bot read while an ingest writes; foreign keys make cascades real.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    return engine


# ==========================================================================================================
# Telegram bot: users, groups, answer contexts, feedback and chat state (business rules in
# knowledge/operations/users.py).
# Telegram ids exceed 32 bits, hence BigInteger (PostgreSQL's INTEGER would overflow).
# ==========================================================================================================


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Telegram user id
    name: Mapped[str] = mapped_column(String(255), default="")
    unit: Mapped[str] = mapped_column(String(255), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="pejabat")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    invite_code: Mapped[str | None] = mapped_column(String(64))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ChatGroupRow(Base):
    __tablename__ = "chat_groups"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Telegram chat id
    title: Mapped[str] = mapped_column(String(255), default="")
    allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by: Mapped[int | None] = mapped_column(BigInteger)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)  # when told "not enabled here"


class AnswerRow(Base):
    """What an answer's inline buttons need later; callback_data carries only this row's short id."""

    __tablename__ = "answers"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16), default="")
    abstained: Mapped[bool] = mapped_column(Boolean, default=False)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    notices: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class FeedbackRow(Base):
    """A 👍/👎 with copies of the question, answer and citations, so it outlives the answer context."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("answer_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    rating: Mapped[int] = mapped_column(Integer)  # +1 or -1
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[str]] = mapped_column(default=list)  # citation labels
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ChatStateRow(Base):
    """Small per-chat/per-user state: conversation steps, registration drafts, an awaited comment."""

    __tablename__ = "chat_state"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


# --- announcements (issue 6) ------------------------------------------------------------------------------
# Rules in knowledge/operations/announcements.py. One delivery row per recipient chat is written before
# anything is sent; the unique (announcement, chat) pair is what makes a second copy impossible to even queue.


class AnnouncementRow(Base):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_by_name: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(8))  # "text" (sendMessage) or "copy" (copyMessage of media)
    text_html: Mapped[str | None] = mapped_column(Text)  # the full message recipients get, for "text"
    source_chat_id: Mapped[int | None] = mapped_column(BigInteger)  # for "copy": where the original is
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    caption_html: Mapped[str | None] = mapped_column(Text)  # for "copy": None keeps the original caption
    summary: Mapped[str] = mapped_column(Text, default="")  # a short plain preview for listings
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"type": ..., "units"/"role": ...}
    audience_label: Mapped[str] = mapped_column(Text, default="")
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), index=True)  # scheduled | sending | done | cancelled
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime)  # UTC
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_by: Mapped[int | None] = mapped_column(BigInteger)
    # Set when the system withdrew a scheduled announcement (its author lost the right to send it): AUTHOR_*.
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    report_sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class AnnouncementDeliveryRow(Base):
    __tablename__ = "announcement_deliveries"
    __table_args__ = (UniqueConstraint("announcement_id", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger)  # None for a group
    label: Mapped[str] = mapped_column(String(512), default="")  # name and unit, or group title
    # pending | sending | sent | failed | blocked | unknown | cancelled
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class AnnouncementOptOutRow(Base):
    """Users who get no ordinary announcements: they sent /berhenti, or they blocked the bot."""

    __tablename__ = "announcement_optouts"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reason: Mapped[str] = mapped_column(String(16))  # "stopped" or "blocked"
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- follow-up reminders (issue 5) ------------------------------------------------------------------------
# Rules in knowledge/operations/reminders.py and knowledge/operations/followups.py; the job is
# bot/jobs/reminders.py. A reminder row is committed *before* its message is sent, and the unique (item, user,
# due date, slot) makes a second copy impossible to even claim, across restarts and processes alike.


class FollowUpReminderRow(Base):
    __tablename__ = "followup_reminders"
    __table_args__ = (UniqueConstraint("followup_id", "user_id", "due", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    followup_id: Mapped[int] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    due: Mapped[date] = mapped_column(Date)  # the due date the slot belongs to: an extension starts afresh
    slot: Mapped[str] = mapped_column(String(16))  # "H-7", "H-1", "H", "H+7" ...
    status: Mapped[str] = mapped_column(String(16), index=True)  # sending | sent | failed | unknown
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class FollowUpDigestRow(Base):
    """The secretariat's weekly digest, once per user and ISO week (same claim-before-send rule)."""

    __tablename__ = "followup_digests"
    __table_args__ = (UniqueConstraint("user_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(String(16))  # "2024-W16"
    status: Mapped[str] = mapped_column(String(16))  # sending | sent | failed | unknown | empty
    error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class FollowUpRequestRow(Base):
    """An official's request for a later due date, waiting for the secretariat's decision."""

    __tablename__ = "followup_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    followup_id: Mapped[int] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    user_name: Mapped[str] = mapped_column(String(255), default="")
    proposed_due: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="menunggu")  # menunggu | disetujui | ditolak
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    messages: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[chat_id, message_id]] of each copy
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
