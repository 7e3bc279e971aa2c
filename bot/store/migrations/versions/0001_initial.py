"""Initial schema: every table in bot.store.models, plus full-text search per dialect.

Revision ID: 0001
Revises:
Create Date: 2025-11-25

Column types are spelled as the database sees them (String, DateTime(timezone=True)) rather than
through the application's types, so that this file keeps meaning the same thing as the models move.

Search is written by hand because neither object can be expressed in the SQLModel metadata:
- SQLite: an external-content FTS5 table over note.text, kept in step by triggers.
- PostgreSQL: a generated tsvector column on note and a GIN index on it.
bot.store.migrate.include_object hides both from autogenerate.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _ws() -> sa.Column[object]:
    return sa.Column("workspace_id", sa.String(length=64), nullable=False)


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("default_visibility", sa.String(length=16), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "processedevent",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=True),
        _when("received_at"),
        sa.PrimaryKeyConstraint("workspace_id", "event_id"),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=True),
        _when("tz_checked_at", nullable=True),
        _when("created_at"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "external_id"),
    )
    op.create_index("ix_user_workspace_id", "user", ["workspace_id"])

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("slack_user_id", sa.String(length=64), nullable=True),
        sa.Column("company", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _when("created_at"),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contact_ws_name", "contact", ["workspace_id", "name_key"])

    op.create_table(
        "contactalias",
        sa.Column("id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("alias_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "alias_key"),
    )
    op.create_index("ix_alias_contact", "contactalias", ["contact_id"])

    op.create_table(
        "contacttag",
        _ws(),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("contact_id", "tag"),
    )
    op.create_index("ix_contacttag_workspace_id", "contacttag", ["workspace_id"])

    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("initiator", sa.String(length=8), nullable=True),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        _when("occurred_at"),
        _when("logged_at"),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("permalink", sa.String(length=500), nullable=True),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("sensitive", sa.JSON(), nullable=False),
        sa.Column("not_understood", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_note_author", "note", ["author_id", "occurred_at"])
    op.create_index("ix_note_ws_occurred", "note", ["workspace_id", "occurred_at"])

    op.create_table(
        "notecontact",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        _ws(),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["note_id"], ["note.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("note_id", "contact_id"),
    )
    op.create_index("ix_notecontact_contact", "notecontact", ["contact_id", "note_id"])

    op.create_table(
        "loop",
        sa.Column("id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("what", sa.String(length=500), nullable=False),
        _when("due_at", nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_note_id", sa.Integer(), nullable=False),
        sa.Column("closed_by_note_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _when("closed_at", nullable=True),
        sa.ForeignKeyConstraint(["closed_by_note_id"], ["note.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["source_note_id"], ["note.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_loop_contact_id", "loop", ["contact_id"])
    op.create_index("ix_loop_owner_status", "loop", ["owner_id", "status", "due_at"])

    op.create_table(
        "occasion",
        sa.Column("id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("source_note_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["source_note_id"], ["note.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "kind"),
    )
    op.create_index("ix_occasion_workspace_id", "occasion", ["workspace_id"])

    op.create_table(
        "pendingnote",
        sa.Column("id", sa.Integer(), nullable=False),
        _ws(),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _when("occurred_at", nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("permalink", sa.String(length=500), nullable=True),
        sa.Column("event_id", sa.String(length=128), nullable=True),
        sa.Column("choices", sa.JSON(), nullable=False),
        _when("created_at"),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
    )

    _create_search()


def _create_search() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # External content: the text lives once, in note; FTS5 keeps only the index. The porter
        # stemmer makes "dogs" find "dog"; remove_diacritics 2 makes "jose" find "José".
        op.execute(
            "CREATE VIRTUAL TABLE note_fts USING fts5("
            "text, content='note', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        # An external-content index must be told the old text to remove it: the 'delete'
        # command takes the values as they were indexed.
        op.execute(
            "CREATE TRIGGER note_fts_ai AFTER INSERT ON note BEGIN "
            "INSERT INTO note_fts(rowid, text) VALUES (new.id, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER note_fts_ad AFTER DELETE ON note BEGIN "
            "INSERT INTO note_fts(note_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
        )
        op.execute(
            "CREATE TRIGGER note_fts_au AFTER UPDATE OF text ON note BEGIN "
            "INSERT INTO note_fts(note_fts, rowid, text) VALUES ('delete', old.id, old.text); "
            "INSERT INTO note_fts(rowid, text) VALUES (new.id, new.text); END"
        )
    elif dialect == "postgresql":
        # Generated and stored: always in step with text, with no trigger and no ORM field.
        op.execute(
            "ALTER TABLE note ADD COLUMN search tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"
        )
        op.execute("CREATE INDEX ix_note_search ON note USING gin (search)")
    # Other databases get no full-text index; bot.store.search supports these two only.


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("note_fts_au", "note_fts_ad", "note_fts_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS note_fts")
    # On PostgreSQL the search column and its index go with the note table.
    op.drop_table("pendingnote")
    op.drop_index("ix_occasion_workspace_id", table_name="occasion")
    op.drop_table("occasion")
    op.drop_index("ix_loop_owner_status", table_name="loop")
    op.drop_index("ix_loop_contact_id", table_name="loop")
    op.drop_table("loop")
    op.drop_index("ix_notecontact_contact", table_name="notecontact")
    op.drop_table("notecontact")
    op.drop_index("ix_note_ws_occurred", table_name="note")
    op.drop_index("ix_note_author", table_name="note")
    op.drop_table("note")
    op.drop_index("ix_contacttag_workspace_id", table_name="contacttag")
    op.drop_table("contacttag")
    op.drop_index("ix_alias_contact", table_name="contactalias")
    op.drop_table("contactalias")
    op.drop_index("ix_contact_ws_name", table_name="contact")
    op.drop_table("contact")
    op.drop_index("ix_user_workspace_id", table_name="user")
    op.drop_table("user")
    op.drop_table("processedevent")
    op.drop_table("workspace")
