"""Enterprise Grid: which organisation a workspace belongs to (so an org-wide install's token
serves it, and an org's uninstall reaches it), and each user's enterprise user id (one person
across the org's workspaces: their own settings follow them; notes stay per workspace).

Both columns are nullable: a workspace outside any org, and every row written before, keep
NULL and behave exactly as they did.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both databases (SQLite 3.35+ drops a column in place): a batch "move and
# copy" would drop `workspace`, which every table references, under PRAGMA foreign_keys=ON.


def upgrade() -> None:
    op.add_column("workspace", sa.Column("enterprise_id", sa.String(length=64), nullable=True))
    op.create_index("ix_workspace_enterprise_id", "workspace", ["enterprise_id"])
    op.add_column("user", sa.Column("enterprise_user_id", sa.String(length=64), nullable=True))
    op.create_index("ix_user_enterprise_user_id", "user", ["enterprise_user_id"])


def downgrade() -> None:
    op.drop_index("ix_user_enterprise_user_id", table_name="user")
    op.drop_column("user", "enterprise_user_id")
    op.drop_index("ix_workspace_enterprise_id", table_name="workspace")
    op.drop_column("workspace", "enterprise_id")
