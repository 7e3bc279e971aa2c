"""Team memory: the workspace's contact-pressure threshold and the audit trail.

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-26

Types are spelled as the database sees them, like 0001 and 0002.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A server default fills existing workspaces; the model supplies it for new rows.
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(
            sa.Column("pressure_threshold", sa.Integer(), nullable=False, server_default="3")
        )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_event_ws_at", "audit_event", ["workspace_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_ws_at", table_name="audit_event")
    op.drop_table("audit_event")
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("pressure_threshold")
