"""Two indexes for the tick: reminder_cadence (owner_id, kind), for "tag cadences of these owners",
and a partial one on the note-contact links that carry news, for the digest's "bad news".

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01

Every tick reads the #tag cadences of the owners with something due. Without this index the
only one on owner_id is the unique (owner_id, subject), so the read walked every cadence of
those owners — one per contact they keep in touch with — and a tick cost more as contacts grew,
though what was due did not. Each morning digest also looks for this month's bad news among
the notes its owner may see: without an index on the links that carry news, that walked every
note of the workspace in the month, once per digest. Adds two indexes; no rows change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NEWS_LINK = "CAST(sensitive AS VARCHAR) != '[]'"  # as bot/store/models.py writes it


def upgrade() -> None:
    op.create_index("ix_reminder_cadence_owner_kind", "reminder_cadence", ["owner_id", "kind"])
    op.create_index(
        "ix_notecontact_news",
        "notecontact",
        ["workspace_id", "note_id"],
        sqlite_where=sa.text(NEWS_LINK),
        postgresql_where=sa.text(NEWS_LINK),
    )


def downgrade() -> None:
    op.drop_index("ix_notecontact_news", table_name="notecontact")
    op.drop_index("ix_reminder_cadence_owner_kind", table_name="reminder_cadence")
