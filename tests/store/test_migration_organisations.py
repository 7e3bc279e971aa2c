"""Migration 0006: a database at 0005 with contacts, companies and notes upgrades through
`rapport db upgrade` without losing or re-filing anything, and its companies become
organisation records (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.store.db import make_engine
from bot.store.migrate import alembic_config, current_revision, head_revision
from tests.cli_kit import run

WHEN = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

CONTACTS = [
    # (id, workspace, name, company, role)
    (1, "T1", "Mei Tanaka", "Initrode", "COO"),
    (2, "T1", "Sunil Rao", "initrode ", None),  # folds to the same organisation
    (3, "T1", "Kai Berg", "Vandelay Industries", "buyer"),
    (4, "T1", "Jane Doe", None, None),
    (5, "T2", "Ola Nordmann", "Initrode", None),  # another workspace: its own Initrode
    (6, "T1", "Zoë Martin", "Café Müller", None),
]


def _at_0005(engine: Engine) -> None:
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0005")
        connection.commit()
    with engine.begin() as c:
        for ws in ("T1", "T2"):
            c.execute(
                text(
                    "INSERT INTO workspace (id, name, default_visibility, pressure_threshold,"
                    " created_at) VALUES (:id, '', 'team', 3, :at)"
                ),
                {"id": ws, "at": WHEN},
            )
        c.execute(
            text(
                'INSERT INTO "user" (id, workspace_id, external_id, display_name, created_at)'
                " VALUES (1, 'T1', 'U1', 'Ana', :at), (2, 'T2', 'U1', 'Ana', :at)"
            ),
            {"at": WHEN},
        )
        for cid, ws, name, company, role in CONTACTS:
            c.execute(
                text(
                    "INSERT INTO contact (id, workspace_id, display_name, name_key, company, role,"
                    " created_by, created_at) VALUES (:id, :ws, :n, :k, :co, :r, :u, :at)"
                ),
                {
                    "id": cid,
                    "ws": ws,
                    "n": name,
                    "k": name.lower(),
                    "co": company,
                    "r": role,
                    "u": 1 if ws == "T1" else 2,
                    "at": WHEN,
                },
            )
        c.execute(
            text(
                "INSERT INTO note (id, workspace_id, author_id, text, kind, visibility,"
                " occurred_at, logged_at, source, needs, tags, sensitive, not_understood)"
                " VALUES (1, 'T1', 1, 'coffee with Mei Tanaka', 'coffee', 'team', :at, :at,"
                " 'console', '[]', '[]', '[]', '[]')"
            ),
            {"at": WHEN},
        )
        c.execute(
            text("INSERT INTO notecontact (note_id, contact_id, workspace_id) VALUES (1, 1, 'T1')")
        )
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:  # explicit ids above: move the sequences past them
            for table in ("contact", "note", "user"):
                c.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'),"
                        f' (SELECT max(id) FROM "{table}"))'
                    )
                )


def test_a_0005_database_with_companies_upgrades_without_loss(
    blank_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(blank_db_url)
    try:
        _at_0005(engine)
        with engine.connect() as c:
            before = c.execute(
                text(
                    "SELECT id, workspace_id, display_name, company, role FROM contact ORDER BY id"
                )
            ).all()
        code, out, err = run(capsys, "db", "upgrade", "--db", blank_db_url)
        assert code == 0, err
        assert f"Database is at revision {head_revision()}" in out
        assert current_revision(engine) == head_revision()
        with engine.connect() as c:
            after = c.execute(
                text(
                    "SELECT id, workspace_id, display_name, company, role FROM contact ORDER BY id"
                )
            ).all()
            assert after == before  # nothing stored changed
            orgs = c.execute(
                text("SELECT workspace_id, name, name_key FROM organisation ORDER BY id")
            ).all()
            linked = dict(
                c.execute(
                    text(
                        "SELECT c.id, o.name FROM contact c LEFT JOIN organisation o"
                        " ON o.id = c.organisation_id ORDER BY c.id"
                    )
                ).all()
            )
            notes = c.execute(text("SELECT note_id, contact_id FROM notecontact")).all()
        assert [tuple(o) for o in orgs] == [
            ("T1", "Initrode", "initrode"),
            ("T1", "Vandelay Industries", "vandelay industries"),
            ("T2", "Initrode", "initrode"),
            ("T1", "Café Müller", "cafe muller"),
        ]
        assert linked == {
            1: "Initrode",
            2: "Initrode",
            3: "Vandelay Industries",
            4: None,
            5: "Initrode",
            6: "Café Müller",
        }
        assert [tuple(n) for n in notes] == [(1, 1)]
        # A second upgrade is a no-op; the migrated database takes new rows.
        assert run(capsys, "db", "upgrade", "--db", blank_db_url)[0] == 0
        with engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO organisation (workspace_id, name, name_key, created_at)"
                    " VALUES ('T1', 'Plaid', 'plaid', :at)"
                ),
                {"at": WHEN},
            )
    finally:
        engine.dispose()
