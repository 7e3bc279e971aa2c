"""Bad news belongs to the person it is about: each note-contact link keeps the sensitive topics
that are that contact's ("lunch w/ Sam and Priya; Priya's dad passed away" mutes Priya, not Sam).

Existing links take their note's topics, as every contact of the note was muted before.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notecontact") as batch:
        batch.add_column(sa.Column("sensitive", sa.JSON(), nullable=False, server_default="[]"))
    op.execute(
        "UPDATE notecontact SET sensitive = "
        "(SELECT note.sensitive FROM note WHERE note.id = notecontact.note_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("notecontact") as batch:
        batch.drop_column("sensitive")
