"""People met: external meeting attendees who are not contacts, per owner, for the weekly
review's "you met N new people this week" with Add buttons.

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-01

Adds a table; nothing existing changes. It fills on each owner's next calendar read.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "met_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=330), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("first_met_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_met_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "person_key", name="uq_met_person"),
    )
    op.create_index("ix_met_person_owner_last", "met_person", ["owner_id", "last_met_at"])


def downgrade() -> None:
    op.drop_index("ix_met_person_owner_last", table_name="met_person")
    op.drop_table("met_person")
