"""Slack Connect: the shared channels a member tracks, the messages kept from them, and the one
interaction per person per day they become (bot/store/connect_models.py).

Revision ID: 0014
Revises: 0017
Create Date: 2026-12-01

New tables and one index on `contact`: no existing row changes, so an upgrade keeps every row.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every message by someone from outside looks them up by Slack user id.
    op.create_index("ix_contact_ws_slack", "contact", ["workspace_id", "slack_user_id"])
    op.create_table(
        "connect_channel",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tracked_by", sa.Integer(), nullable=False),
        sa.Column("tracked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.ForeignKeyConstraint(["tracked_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("workspace_id", "channel_id"),
    )
    op.create_table(
        "connect_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("external", sa.Boolean(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Boolean(), nullable=False),
        sa.Column("excerpt", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("loop_ids", sa.JSON(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "channel_id", "ts", name="uq_connect_message_ts"),
    )
    op.create_index(
        "ix_connect_message_thread", "connect_message", ["workspace_id", "channel_id", "thread_ts"]
    )
    op.create_index("ix_connect_message_due", "connect_message", ["status", "due_at"])
    op.create_index(
        "ix_connect_message_open", "connect_message", ["workspace_id", "channel_id", "status"]
    )
    op.create_table(
        "connect_interaction",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("contact_id", "day"),
    )
    op.create_index("ix_connect_interaction_note", "connect_interaction", ["note_id"])


def downgrade() -> None:
    op.drop_index("ix_connect_interaction_note", table_name="connect_interaction")
    op.drop_table("connect_interaction")
    op.drop_index("ix_connect_message_open", table_name="connect_message")
    op.drop_index("ix_connect_message_due", table_name="connect_message")
    op.drop_index("ix_connect_message_thread", table_name="connect_message")
    op.drop_table("connect_message")
    op.drop_table("connect_channel")
    op.drop_index("ix_contact_ws_slack", table_name="contact")
