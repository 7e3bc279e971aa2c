"""Organisations as records: `organisation`, `note_organisation`, `name_correction`,
`contact.organisation_id`, and `(workspace_id, id)` indexes on contact, alias and user.
Existing contacts' companies become organisations (one per spelling that folds alike, the
earliest contact's spelling kept) and the contacts point at them; nothing already stored
changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Types are spelled as the database sees them, like 0001-0005.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _key(name: str) -> str:
    # bot.domain.names.name_key as it is today, copied so this file keeps its meaning.
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name_key"),
    )
    op.create_table(
        "note_organisation",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["note_id"], ["note.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("note_id", "organisation_id"),
    )
    op.create_index("ix_note_organisation_org", "note_organisation", ["organisation_id", "note_id"])
    op.create_table(
        "name_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name_key"),
    )
    # A plain ADD COLUMN on both (no table copy on SQLite): the contact table keeps its rows and
    # the rows that point at it. SQLite takes the reference inline (its ALTER TABLE adds no
    # constraint later), PostgreSQL as a named constraint.
    if op.get_context().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE contact ADD COLUMN organisation_id INTEGER REFERENCES organisation (id)"
        )
    else:
        op.add_column("contact", sa.Column("organisation_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_contact_organisation_id", "contact", "organisation", ["organisation_id"], ["id"]
        )
    op.create_index("ix_contact_organisation_id", "contact", ["organisation_id"])
    # The newest contact, alias and user of a workspace in one index step: the knowledge
    # snapshot's stamp reads them before every note.
    op.create_index("ix_contact_ws_id", "contact", ["workspace_id", "id"])
    op.create_index("ix_alias_ws_id", "contactalias", ["workspace_id", "id"])
    op.create_index("ix_user_ws_id", "user", ["workspace_id", "id"])
    _backfill()


def _backfill() -> None:
    """Every company already on a contact becomes an organisation of its workspace."""
    bind = op.get_bind()
    contact = sa.table(
        "contact",
        sa.column("id", sa.Integer()),
        sa.column("workspace_id", sa.String()),
        sa.column("company", sa.String()),
        sa.column("created_by", sa.Integer()),
        sa.column("organisation_id", sa.Integer()),
    )
    organisation = sa.table(
        "organisation",
        sa.column("id", sa.Integer()),
        sa.column("workspace_id", sa.String()),
        sa.column("name", sa.String()),
        sa.column("name_key", sa.String()),
        sa.column("created_by", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = bind.execute(
        sa.select(contact.c.id, contact.c.workspace_id, contact.c.company, contact.c.created_by)
        .where(contact.c.company.is_not(None))
        .order_by(contact.c.id)
    ).all()
    now = datetime.now(UTC)
    made: dict[tuple[str, str], int] = {}
    for contact_id, workspace_id, company, created_by in rows:
        name = " ".join(str(company).split())[:200]
        key = _key(name)[:200]
        if not key:
            continue
        org_id = made.get((workspace_id, key))
        if org_id is None:
            inserted = bind.execute(
                organisation.insert()
                .values(
                    workspace_id=workspace_id,
                    name=name,
                    name_key=key,
                    created_by=created_by,
                    created_at=now,
                )
                .returning(organisation.c.id)
            )
            org_id = int(inserted.scalar_one())
            made[(workspace_id, key)] = org_id
        bind.execute(
            contact.update().where(contact.c.id == contact_id).values(organisation_id=org_id)
        )


def downgrade() -> None:
    op.drop_index("ix_user_ws_id", table_name="user")
    op.drop_index("ix_alias_ws_id", table_name="contactalias")
    op.drop_index("ix_contact_ws_id", table_name="contact")
    op.drop_index("ix_contact_organisation_id", table_name="contact")
    if op.get_context().dialect.name == "postgresql":
        op.drop_constraint("fk_contact_organisation_id", "contact", type_="foreignkey")
        op.drop_column("contact", "organisation_id")
    else:
        # SQLite 3.35+ drops a column in place; one with a REFERENCES clause, too.
        op.execute("ALTER TABLE contact DROP COLUMN organisation_id")
    op.drop_table("name_correction")
    op.drop_index("ix_note_organisation_org", table_name="note_organisation")
    op.drop_table("note_organisation")
    op.drop_table("organisation")
