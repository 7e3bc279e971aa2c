"""Migration 0017 (Enterprise Grid: a workspace's org, a user's enterprise user id) upgrades a
database in use from the revision before it (0015) without loss, and downgrades cleanly."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from bot.store.db import make_engine
from bot.store.migrate import alembic_config, current_revision, head_revision, upgrade


def _columns(engine: object, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}  # type: ignore[arg-type]


def test_upgrade_from_the_revision_before_keeps_every_row_and_adds_the_org_columns(
    blank_db_url: str,
) -> None:
    engine = make_engine(blank_db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), "0015")
            connection.commit()
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO workspace (id, name, default_visibility, pressure_threshold, "
                    "created_at) VALUES ('T1', 'Sales', 'private', 5, '2026-11-20 15:00:00')"
                )
            )
            connection.execute(
                text(
                    'INSERT INTO "user" (workspace_id, external_id, display_name, tz, created_at)'
                    " VALUES ('T1', 'W1', 'Ana', 'Europe/Lisbon', '2026-11-20 15:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO workspace_lifecycle_event (workspace_id, action, at, detail) "
                    "VALUES ('T1', 'installed', '2026-11-20 15:00:00', '{}')"
                )
            )
        assert "enterprise_id" not in _columns(engine, "workspace")
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            workspace = connection.execute(
                text(
                    "SELECT id, name, default_visibility, pressure_threshold, enterprise_id "
                    "FROM workspace"
                )
            ).all()
            user = connection.execute(
                text('SELECT external_id, display_name, tz, enterprise_user_id FROM "user"')
            ).all()
            events = connection.execute(text("SELECT action FROM workspace_lifecycle_event"))
            assert [tuple(r) for r in workspace] == [("T1", "Sales", "private", 5, None)]
            assert [tuple(r) for r in user] == [("W1", "Ana", "Europe/Lisbon", None)]
            assert events.scalars().all() == ["installed"]
        with engine.begin() as connection:
            connection.execute(text("UPDATE workspace SET enterprise_id = 'E1'"))
            connection.execute(text("UPDATE \"user\" SET enterprise_user_id = 'W1'"))

        with engine.connect() as connection:
            command.downgrade(alembic_config(connection), "0015")
            connection.commit()
        assert "enterprise_id" not in _columns(engine, "workspace")
        assert "enterprise_user_id" not in _columns(engine, "user")
        with engine.connect() as connection:
            names = connection.execute(text('SELECT display_name FROM "user"')).scalars().all()
            assert names == ["Ana"]
    finally:
        engine.dispose()
