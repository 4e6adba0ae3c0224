"""The schema as it stood when migrations were introduced: databases made before then are stamped with it.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Databases made before migrations are brought here too (knowledge/migrate.py): a table an older release
    # never made is created, one that exists is left as it is.
    existing = set(sa.inspect(op.get_bind()).get_table_names())

    if "announcement_optouts" not in existing:
        op.create_table(
            "announcement_optouts",
            sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("reason", sa.String(length=16), nullable=False),
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("user_id"),
        )

    if "announcements" not in existing:
        op.create_table(
            "announcements",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("created_by", sa.BigInteger(), nullable=False),
            sa.Column("created_by_name", sa.String(length=255), nullable=False),
            sa.Column("kind", sa.String(length=8), nullable=False),
            sa.Column("text_html", sa.Text(), nullable=True),
            sa.Column("source_chat_id", sa.BigInteger(), nullable=True),
            sa.Column("source_message_id", sa.BigInteger(), nullable=True),
            sa.Column("caption_html", sa.Text(), nullable=True),
            sa.Column("summary", sa.Text(), nullable=False),
            sa.Column("audience", sa.JSON(), nullable=False),
            sa.Column("audience_label", sa.Text(), nullable=False),
            sa.Column("mandatory", sa.Boolean(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("scheduled_at", sa.DateTime(), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("started_at", sa.DateTime(), nullable=True),
            sa.Column("finished_at", sa.DateTime(), nullable=True),
            sa.Column("cancelled_by", sa.BigInteger(), nullable=True),
            sa.Column("progress_chat_id", sa.BigInteger(), nullable=True),
            sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
            sa.Column("report_sent_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )

    if "announcements" not in existing:
        with op.batch_alter_table("announcements", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_announcements_status"), ["status"], unique=False)

    if "answers" not in existing:
        op.create_table(
            "answers",
            sa.Column("id", sa.String(length=16), nullable=False),
            sa.Column("chat_id", sa.BigInteger(), nullable=False),
            sa.Column("user_id", sa.BigInteger(), nullable=True),
            sa.Column("question", sa.Text(), nullable=False),
            sa.Column("answer", sa.Text(), nullable=False),
            sa.Column("mode", sa.String(length=16), nullable=False),
            sa.Column("abstained", sa.Boolean(), nullable=False),
            sa.Column("citations", sa.JSON(), nullable=False),
            sa.Column("notices", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )

    if "answers" not in existing:
        with op.batch_alter_table("answers", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_answers_created_at"), ["created_at"], unique=False)

    if "chat_groups" not in existing:
        op.create_table(
            "chat_groups",
            sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("title", sa.String(length=255), nullable=False),
            sa.Column("allowed", sa.Boolean(), nullable=False),
            sa.Column("changed_by", sa.BigInteger(), nullable=True),
            sa.Column("changed_at", sa.DateTime(), nullable=True),
            sa.Column("notified_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )

    if "chat_state" not in existing:
        op.create_table(
            "chat_state",
            sa.Column("scope", sa.String(length=64), nullable=False),
            sa.Column("key", sa.String(length=128), nullable=False),
            sa.Column("value", sa.JSON(), nullable=False),
            sa.Column("expires_at", sa.DateTime(), nullable=True),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("scope", "key"),
        )

    if "documents" not in existing:
        op.create_table(
            "documents",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("source", sa.String(length=1024), nullable=False),
            sa.Column("doc", sa.String(length=255), nullable=False),
            sa.Column("title", sa.Text(), nullable=False),
            sa.Column("doc_type", sa.String(length=64), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("passage_count", sa.Integer(), nullable=False),
            sa.Column("revokes", sa.JSON(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("revoked_by", sa.String(length=255), nullable=True),
            sa.Column("info", sa.JSON(), nullable=False),
            sa.Column("ingested_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("source"),
        )

    if "documents" not in existing:
        with op.batch_alter_table("documents", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_documents_doc"), ["doc"], unique=False)

    if "feedback" not in existing:
        op.create_table(
            "feedback",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("answer_id", sa.String(length=16), nullable=False),
            sa.Column("user_id", sa.BigInteger(), nullable=False),
            sa.Column("chat_id", sa.BigInteger(), nullable=False),
            sa.Column("rating", sa.Integer(), nullable=False),
            sa.Column("question", sa.Text(), nullable=False),
            sa.Column("answer", sa.Text(), nullable=False),
            sa.Column("citations", sa.JSON(), nullable=False),
            sa.Column("comment", sa.Text(), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("answer_id", "user_id"),
        )

    if "feedback" not in existing:
        with op.batch_alter_table("feedback", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_feedback_answer_id"), ["answer_id"], unique=False)

    if "followup_digests" not in existing:
        op.create_table(
            "followup_digests",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.BigInteger(), nullable=False),
            sa.Column("period", sa.String(length=16), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("claimed_at", sa.DateTime(), nullable=False),
            sa.Column("finished_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("user_id", "period"),
        )

    if "followups" not in existing:
        op.create_table(
            "followups",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("key", sa.String(length=64), nullable=False),
            sa.Column("document_source", sa.String(length=1024), nullable=True),
            sa.Column("doc", sa.String(length=255), nullable=True),
            sa.Column("passage_id", sa.String(length=40), nullable=True),
            sa.Column("passage_label", sa.Text(), nullable=True),
            sa.Column("meeting_date", sa.Date(), nullable=True),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("units", sa.JSON(), nullable=False),
            sa.Column("officials", sa.JSON(), nullable=False),
            sa.Column("due", sa.Date(), nullable=True),
            sa.Column("due_text", sa.Text(), nullable=True),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )

    if "followups" not in existing:
        with op.batch_alter_table("followups", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_followups_document_source"), ["document_source"], unique=False)
            batch_op.create_index(batch_op.f("ix_followups_key"), ["key"], unique=False)

    if "meta" not in existing:
        op.create_table(
            "meta",
            sa.Column("key", sa.String(length=64), nullable=False),
            sa.Column("value", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )

    if "status_edges" not in existing:
        op.create_table(
            "status_edges",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("origin", sa.String(length=1024), nullable=False),
            sa.Column("source_doc", sa.String(length=255), nullable=False),
            sa.Column("source_article", sa.String(length=255), nullable=True),
            sa.Column("target_doc", sa.String(length=255), nullable=False),
            sa.Column("kind", sa.String(length=32), nullable=False),
            sa.Column("pasal", sa.String(length=16), nullable=True),
            sa.Column("detail", sa.Text(), nullable=True),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("clause", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )

    if "status_edges" not in existing:
        with op.batch_alter_table("status_edges", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_status_edges_origin"), ["origin"], unique=False)
            batch_op.create_index(batch_op.f("ix_status_edges_source_doc"), ["source_doc"], unique=False)
            batch_op.create_index(batch_op.f("ix_status_edges_target_doc"), ["target_doc"], unique=False)

    if "status_sources" not in existing:
        op.create_table(
            "status_sources",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("source", sa.String(length=1024), nullable=False),
            sa.Column("doc", sa.String(length=255), nullable=False),
            sa.Column("title", sa.Text(), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("edge_count", sa.Integer(), nullable=False),
            sa.Column("ingested_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("source"),
        )

    if "status_sources" not in existing:
        with op.batch_alter_table("status_sources", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_status_sources_doc"), ["doc"], unique=False)

    if "users" not in existing:
        op.create_table(
            "users",
            sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("name", sa.String(length=255), nullable=False),
            sa.Column("unit", sa.String(length=255), nullable=False),
            sa.Column("username", sa.String(length=64), nullable=True),
            sa.Column("role", sa.String(length=16), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("invite_code", sa.String(length=64), nullable=True),
            sa.Column("decided_by", sa.BigInteger(), nullable=True),
            sa.Column("decided_at", sa.DateTime(), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )

    if "users" not in existing:
        with op.batch_alter_table("users", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_users_status"), ["status"], unique=False)

    if "announcement_deliveries" not in existing:
        op.create_table(
            "announcement_deliveries",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("announcement_id", sa.Integer(), nullable=False),
            sa.Column("chat_id", sa.BigInteger(), nullable=False),
            sa.Column("user_id", sa.BigInteger(), nullable=True),
            sa.Column("label", sa.String(length=512), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("message_id", sa.BigInteger(), nullable=True),
            sa.Column("claimed_at", sa.DateTime(), nullable=True),
            sa.Column("finished_at", sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("announcement_id", "chat_id"),
        )

    if "announcement_deliveries" not in existing:
        with op.batch_alter_table("announcement_deliveries", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_announcement_deliveries_announcement_id"), ["announcement_id"], unique=False
            )
            batch_op.create_index(batch_op.f("ix_announcement_deliveries_status"), ["status"], unique=False)

    if "followup_history" not in existing:
        op.create_table(
            "followup_history",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("followup_id", sa.Integer(), nullable=False),
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.Column("actor", sa.String(length=255), nullable=False),
            sa.Column("change", sa.Text(), nullable=False),
            sa.Column("note", sa.Text(), nullable=True),
            sa.ForeignKeyConstraint(["followup_id"], ["followups.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )

    if "followup_history" not in existing:
        with op.batch_alter_table("followup_history", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_followup_history_followup_id"), ["followup_id"], unique=False)

    if "followup_reminders" not in existing:
        op.create_table(
            "followup_reminders",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("followup_id", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.BigInteger(), nullable=False),
            sa.Column("due", sa.Date(), nullable=False),
            sa.Column("slot", sa.String(length=16), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("message_id", sa.BigInteger(), nullable=True),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("claimed_at", sa.DateTime(), nullable=False),
            sa.Column("finished_at", sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(["followup_id"], ["followups.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("followup_id", "user_id", "due", "slot"),
        )

    if "followup_reminders" not in existing:
        with op.batch_alter_table("followup_reminders", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_followup_reminders_followup_id"), ["followup_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_followup_reminders_status"), ["status"], unique=False)
            batch_op.create_index(batch_op.f("ix_followup_reminders_user_id"), ["user_id"], unique=False)

    if "followup_requests" not in existing:
        op.create_table(
            "followup_requests",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("followup_id", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.BigInteger(), nullable=False),
            sa.Column("user_name", sa.String(length=255), nullable=False),
            sa.Column("proposed_due", sa.Date(), nullable=False),
            sa.Column("note", sa.Text(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("decided_by", sa.BigInteger(), nullable=True),
            sa.Column("decided_at", sa.DateTime(), nullable=True),
            sa.Column("messages", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(["followup_id"], ["followups.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )

    if "followup_requests" not in existing:
        with op.batch_alter_table("followup_requests", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_followup_requests_followup_id"), ["followup_id"], unique=False)

    if "passages" not in existing:
        op.create_table(
            "passages",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("document_id", sa.Integer(), nullable=False),
            sa.Column("doc", sa.String(length=255), nullable=False),
            sa.Column("pasal", sa.String(length=16), nullable=True),
            sa.Column("ayat", sa.String(length=16), nullable=True),
            sa.Column("part", sa.String(length=32), nullable=True),
            sa.Column("label", sa.Text(), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("parent_text", sa.Text(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("info", sa.JSON(), nullable=False),
            sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )

    if "passages" not in existing:
        with op.batch_alter_table("passages", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_passages_doc"), ["doc"], unique=False)
            batch_op.create_index(batch_op.f("ix_passages_document_id"), ["document_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_passages_pasal"), ["pasal"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("passages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passages_pasal"))
        batch_op.drop_index(batch_op.f("ix_passages_document_id"))
        batch_op.drop_index(batch_op.f("ix_passages_doc"))

    op.drop_table("passages")
    with op.batch_alter_table("followup_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_requests_followup_id"))

    op.drop_table("followup_requests")
    with op.batch_alter_table("followup_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_reminders_user_id"))
        batch_op.drop_index(batch_op.f("ix_followup_reminders_status"))
        batch_op.drop_index(batch_op.f("ix_followup_reminders_followup_id"))

    op.drop_table("followup_reminders")
    with op.batch_alter_table("followup_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_history_followup_id"))

    op.drop_table("followup_history")
    with op.batch_alter_table("announcement_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcement_deliveries_status"))
        batch_op.drop_index(batch_op.f("ix_announcement_deliveries_announcement_id"))

    op.drop_table("announcement_deliveries")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_status"))

    op.drop_table("users")
    with op.batch_alter_table("status_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_sources_doc"))

    op.drop_table("status_sources")
    with op.batch_alter_table("status_edges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_edges_target_doc"))
        batch_op.drop_index(batch_op.f("ix_status_edges_source_doc"))
        batch_op.drop_index(batch_op.f("ix_status_edges_origin"))

    op.drop_table("status_edges")
    op.drop_table("meta")
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followups_key"))
        batch_op.drop_index(batch_op.f("ix_followups_document_source"))

    op.drop_table("followups")
    op.drop_table("followup_digests")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_answer_id"))

    op.drop_table("feedback")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_doc"))

    op.drop_table("documents")
    op.drop_table("chat_state")
    op.drop_table("chat_groups")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answers_created_at"))

    op.drop_table("answers")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcements_status"))

    op.drop_table("announcements")
    op.drop_table("announcement_optouts")
