"""An index on reminder_cadence (owner_id, kind), for the tick's "tag cadences of these owners".

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01

Every tick reads the #tag cadences of the owners with something due. Without this index the
only one on owner_id is the unique (owner_id, subject), so the read walked every cadence of
those owners — one per contact they keep in touch with — and a tick cost more as contacts grew,
though what was due did not. Adds an index; no rows change.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_reminder_cadence_owner_kind", "reminder_cadence", ["owner_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_reminder_cadence_owner_kind", table_name="reminder_cadence")
