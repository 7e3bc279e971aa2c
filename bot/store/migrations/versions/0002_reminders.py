"""Reminders: cadences, snoozes, settings, the due index, the outbox and the delivery ledger.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-25

Types are spelled as the database sees them, like 0001, so this file keeps its meaning as the
models in bot/store/reminder_models.py move on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _ws() -> sa.Column[object]:
    return sa.Column("workspace_id", sa.String(length=64), nullable=False)


def upgrade() -> None:
    op.create_table(
        "reminder_cadence",
        sa.Column("id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("tag", sa.String(length=100), nullable=True),
        sa.Column("every_days", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("stopped_at", nullable=True),
        _when("expanded_at", nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "subject", name="uq_reminder_cadence_owner_subject"),
    )
    op.create_index(
        "ix_reminder_cadence_kind_expanded", "reminder_cadence", ["kind", "expanded_at"]
    )
    op.create_index("ix_reminder_cadence_contact", "reminder_cadence", ["contact_id"])

    op.create_table(
        "reminder_snooze",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        _ws(),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        _when("until"),
        _when("created_at"),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("owner_id", "subject"),
    )

    op.create_table(
        "reminder_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("digest_hour", sa.Integer(), nullable=False),
        sa.Column("work_days", sa.Integer(), nullable=False),
        sa.Column("work_start", sa.Integer(), nullable=False),
        sa.Column("work_end", sa.Integer(), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        _when("updated_at"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )

    op.create_table(
        "reminder_track",
        sa.Column("id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        _when("next_due_at", nullable=True),
        _when("last_sent_at", nullable=True),
        sa.Column("last_item_key", sa.String(length=200), nullable=True),
        _when("hold_until", nullable=True),
        _when("verified_at"),
        _when("created_at"),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "subject", name="uq_reminder_track_owner_subject"),
    )
    op.create_index("ix_reminder_track_next_due", "reminder_track", ["next_due_at"])
    op.create_index("ix_reminder_track_owner_due", "reminder_track", ["owner_id", "next_due_at"])
    op.create_index("ix_reminder_track_verified", "reminder_track", ["verified_at"])
    op.create_index("ix_reminder_track_contact", "reminder_track", ["contact_id"])

    op.create_table(
        "reminder_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        _when("due_at"),
        _when("available_at"),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("lease_until", nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        _when("created_at"),
        _when("sent_at", nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_reminder_outbox_ready", "reminder_outbox", ["status", "available_at"])
    op.create_index("ix_reminder_outbox_lease", "reminder_outbox", ["status", "lease_until"])
    op.create_index("ix_reminder_outbox_user_day", "reminder_outbox", ["user_id", "local_date"])

    op.create_table(
        "reminder_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("ts", sa.String(length=64), nullable=True),
        sa.Column("worker", sa.String(length=100), nullable=False),
        _when("delivered_at"),
        sa.ForeignKeyConstraint(["outbox_id"], ["reminder_outbox.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )

    op.create_table(
        "reminder_cursor",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("reminder_cursor")
    op.drop_table("reminder_delivery")
    for index in ("ix_reminder_outbox_user_day", "ix_reminder_outbox_lease"):
        op.drop_index(index, table_name="reminder_outbox")
    op.drop_index("ix_reminder_outbox_ready", table_name="reminder_outbox")
    op.drop_table("reminder_outbox")
    for index in (
        "ix_reminder_track_contact",
        "ix_reminder_track_verified",
        "ix_reminder_track_owner_due",
        "ix_reminder_track_next_due",
    ):
        op.drop_index(index, table_name="reminder_track")
    op.drop_table("reminder_track")
    op.drop_table("reminder_settings")
    op.drop_table("reminder_snooze")
    op.drop_index("ix_reminder_cadence_contact", table_name="reminder_cadence")
    op.drop_index("ix_reminder_cadence_kind_expanded", table_name="reminder_cadence")
    op.drop_table("reminder_cadence")
