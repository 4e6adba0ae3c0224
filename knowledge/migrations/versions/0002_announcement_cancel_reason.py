"""Why a scheduled announcement was withdrawn gets its own column (it was kept in chat_state before).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Written out rather than imported: a migration must keep meaning what it meant when it was written.
WITHDRAWN_SCOPE = "announcement_withdrawn"
DEFAULT_REASON = "role"

chat_state = sa.table(
    "chat_state",
    sa.column("scope", sa.String),
    sa.column("key", sa.String),
    sa.column("value", sa.JSON),
    sa.column("expires_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)
announcements = sa.table("announcements", sa.column("id", sa.Integer), sa.column("cancel_reason", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("announcements") as batch_op:
        batch_op.add_column(sa.Column("cancel_reason", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    kept = connection.execute(
        sa.select(chat_state.c.key, chat_state.c.value).where(chat_state.c.scope == WITHDRAWN_SCOPE)
    ).all()
    for key, value in kept:
        if not str(key).isdigit():
            continue
        reason = (value or {}).get("reason") or DEFAULT_REASON
        connection.execute(
            announcements.update().where(announcements.c.id == int(key)).values(cancel_reason=str(reason))
        )
    connection.execute(chat_state.delete().where(chat_state.c.scope == WITHDRAWN_SCOPE))


def downgrade() -> None:
    connection = op.get_bind()
    withdrawn = connection.execute(
        sa.select(announcements.c.id, announcements.c.cancel_reason).where(announcements.c.cancel_reason.is_not(None))
    ).all()
    now = datetime.now(UTC).replace(tzinfo=None)
    for announcement_id, reason in withdrawn:
        connection.execute(
            chat_state.insert().values(
                scope=WITHDRAWN_SCOPE, key=str(announcement_id), value={"reason": reason}, updated_at=now
            )
        )
    with op.batch_alter_table("announcements") as batch_op:
        batch_op.drop_column("cancel_reason")
