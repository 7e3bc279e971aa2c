"""Migration 0018 (imported contacts stay shared) upgrades a database in use without loss."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlmodel import Session, select

from bot.store.db import make_engine
from bot.store.migrate import alembic_config, current_revision, head_revision, upgrade
from bot.store.models import Contact


def test_contacts_are_kept_and_start_unshared(blank_db_url: str) -> None:
    engine = make_engine(blank_db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), "0013")
            connection.commit()
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO workspace (id, name, default_visibility, pressure_threshold, "
                    "created_at) VALUES ('T1', 'T', 'team', 3, '2026-11-20 15:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO contact (workspace_id, display_name, name_key, email, emails, "
                    "phones, created_at) VALUES ('T1', 'Jane Doe', 'jane doe', "
                    "'jane@example.com', '[\"jane@example.com\"]', '[]', '2026-11-20 15:00:00')"
                )
            )
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with Session(engine) as session:
            jane = session.exec(select(Contact)).one()
            assert (jane.display_name, jane.emails, jane.shared) == (
                "Jane Doe",
                ["jane@example.com"],
                False,
            )
    finally:
        engine.dispose()
