"""Follow-up items remember their meeting's region and the item they were merged into; possible duplicates
wait for the secretariat in their own table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_duplicates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=255), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["followups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_id"], ["followups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "other_id"),
    )
    with op.batch_alter_table("followup_duplicates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_duplicates_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_followup_duplicates_other_id"), ["other_id"], unique=False)

    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_followups_merged_into_id"), ["merged_into_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_followups_merged_into_id", "followups", ["merged_into_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.drop_constraint("fk_followups_merged_into_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_followups_merged_into_id"))
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("region")

    with op.batch_alter_table("followup_duplicates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_duplicates_other_id"))
        batch_op.drop_index(batch_op.f("ix_followup_duplicates_item_id"))

    op.drop_table("followup_duplicates")
