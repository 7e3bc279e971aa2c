"""A contact keeps every email address and phone number an address book gave it, not only the
first (`email`/`phone` stay the first of each, so nothing that reads them changes).

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.add_column(sa.Column("emails", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("phones", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("phones")
        batch.drop_column("emails")
