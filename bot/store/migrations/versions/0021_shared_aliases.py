"""One nickname for several contacts: an alias is unique per (workspace, alias, contact), no
longer per (workspace, alias), with an index on (workspace_id, alias_key) for "who goes by this".

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01

Two people may both go by "Priya", "Jo" or "AJ". With one alias per workspace, the second
person's nickname was dropped and a later "lunch with Priya" was filed under the first without
asking; now both keep it and the note asks "which Priya?". Every alias row stays as it is.
A replica of the release before reads the new schema as it read the old one (it takes one of
the contacts that go by a nickname), so a rolling deploy may run both for a while; only its
merge of two contacts that both go by one nickname fails there (a unique violation, nothing
written) until the roll completes.

Downgrading keeps, of each nickname several contacts share, only the row written first (the
one 0020 would have kept): the others' nicknames are lost, nothing else is.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "contactalias"
OLD = ["workspace_id", "alias_key"]
NEW = ["workspace_id", "alias_key", "contact_id"]
UNIQUE = "uq_alias_ws_key_contact"
INDEX = "ix_alias_ws_key"
# 0001 left the old constraint unnamed. PostgreSQL named it itself (this name); SQLite keeps no
# name, so the batch copy names what it reflects by this convention to drop it.
PG_OLD = "contactalias_workspace_id_alias_key_key"
SQLITE_CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}
SQLITE_OLD = "uq_contactalias_workspace_id_alias_key"


def _old_name(bind: sa.Connection) -> str:
    """The old constraint's name as PostgreSQL holds it (its default, unless renamed since)."""
    for unique in sa.inspect(bind).get_unique_constraints(TABLE):
        if unique["column_names"] == OLD and unique["name"]:
            return unique["name"]
    return PG_OLD


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite can't drop a constraint in place: batch mode copies the table (nothing else
        # references contactalias, and its two indexes are created again on the copy).
        with op.batch_alter_table(TABLE, naming_convention=SQLITE_CONVENTION) as batch:
            batch.drop_constraint(SQLITE_OLD, type_="unique")
            batch.create_unique_constraint(UNIQUE, NEW)
    else:
        op.drop_constraint(_old_name(bind), TABLE, type_="unique")
        op.create_unique_constraint(UNIQUE, TABLE, NEW)
    op.create_index(INDEX, TABLE, OLD)


def downgrade() -> None:
    # Of each nickname several contacts share, the first written stays (0020 allows one).
    op.execute(
        "DELETE FROM contactalias WHERE id NOT IN "
        "(SELECT MIN(id) FROM contactalias GROUP BY workspace_id, alias_key)"
    )
    op.drop_index(INDEX, table_name=TABLE)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(TABLE) as batch:
            batch.drop_constraint(UNIQUE, type_="unique")
            # named as the upgrade's convention names it: upgrading again finds it either way
            batch.create_unique_constraint(SQLITE_OLD, OLD)
    else:
        op.drop_constraint(UNIQUE, TABLE, type_="unique")
        op.create_unique_constraint(PG_OLD, TABLE, OLD)
