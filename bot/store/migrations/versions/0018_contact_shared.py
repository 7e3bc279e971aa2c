"""A contact from an imported address book stays the team's to see: before this, the first
private note anyone wrote about an imported contact hid it from every teammate but the importer
and that note's author (a contact was "known" only through something written about it).

Contacts imported before this revision cannot be told from those first named in a note, so they
start unshared; importing the same address book again marks them (an import fills in the
contacts it matches).

Revision ID: 0018
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode: on SQLite a batch would copy `contact`, which other tables
# reference, and rewrite its foreign keys.
def upgrade() -> None:
    op.add_column(
        "contact",
        sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )


def downgrade() -> None:
    op.drop_column("contact", "shared")
