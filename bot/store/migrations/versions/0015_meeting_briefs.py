"""Briefs before meetings: the upcoming meetings a calendar read saw, and each user's brief lead
time (reminder_settings.brief_minutes, 15 by default; 0 turns briefs off).

Revision ID: 0015
Revises: 0018
Create Date: 2026-12-01

Adds a table and a column with a server default: existing rows keep everything and get 15.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upcoming_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("uid_key", sa.String(length=200), nullable=False),
        sa.Column("recurrence_id", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contact_ids", sa.JSON(), nullable=False),
        sa.Column("others", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["calendar_id"], ["calendar.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "uid_key", "recurrence_id", name="uq_upcoming_meeting"),
    )
    op.create_index("ix_upcoming_meeting_start", "upcoming_meeting", ["state", "start_at"])
    op.create_index("ix_upcoming_meeting_end", "upcoming_meeting", ["state", "end_at"])
    op.create_index("ix_upcoming_meeting_owner", "upcoming_meeting", ["owner_id", "start_at"])
    with op.batch_alter_table("reminder_settings") as batch:
        batch.add_column(
            sa.Column("brief_minutes", sa.Integer(), nullable=False, server_default="15")
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_settings") as batch:
        batch.drop_column("brief_minutes")
    op.drop_index("ix_upcoming_meeting_owner", table_name="upcoming_meeting")
    op.drop_index("ix_upcoming_meeting_end", table_name="upcoming_meeting")
    op.drop_index("ix_upcoming_meeting_start", table_name="upcoming_meeting")
    op.drop_table("upcoming_meeting")
