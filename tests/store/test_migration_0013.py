"""Migration 0013 (OAuth installations, a workspace's lifecycle) upgrades a database in use
without loss, gives slack_sdk's stores working tables, and downgrades cleanly."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import inspect, text

from bot.store.db import make_engine
from bot.store.migrate import alembic_config, current_revision, head_revision, upgrade

NEW_TABLES = {
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
    "workspace_deletion",
    "workspace_lifecycle_event",
}


def test_upgrade_keeps_notes_and_the_stores_work_on_the_new_tables(blank_db_url: str) -> None:
    engine = make_engine(blank_db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), "0012")
            connection.commit()
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO workspace (id, name, default_visibility, pressure_threshold, "
                    "created_at) VALUES ('T1', 'T', 'team', 3, '2026-11-20 15:00:00')"
                )
            )
        assert NEW_TABLES.isdisjoint(inspect(engine).get_table_names())
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= NEW_TABLES
        with engine.connect() as connection:
            assert connection.execute(text("SELECT id FROM workspace")).scalars().all() == ["T1"]

        # slack_sdk's own stores read and write the migrated tables (no create_tables).
        store = SQLAlchemyInstallationStore(client_id="1.2", engine=engine)
        store.save(
            Installation(
                app_id="A1",
                team_id="T1",
                team_name="T",
                bot_token="xoxb-1",
                bot_id="B1",
                bot_user_id="U1",
                bot_scopes="chat:write",
                bot_refresh_token="xoxe-1",
                bot_token_expires_at=datetime(2027, 1, 1, tzinfo=UTC),
                user_id="U9",
                installed_at=datetime(2026, 12, 1, tzinfo=UTC).timestamp(),
            )
        )
        bot = store.find_bot(enterprise_id=None, team_id="T1")
        assert bot is not None and bot.bot_token == "xoxb-1" and bot.bot_refresh_token == "xoxe-1"
        found = store.find_installation(enterprise_id=None, team_id="T1")
        assert found is not None and found.user_id == "U9"
        states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=engine)
        state = states.issue()
        assert states.consume(state) and not states.consume(state)
        store.delete_all(enterprise_id=None, team_id="T1")
        assert store.find_bot(enterprise_id=None, team_id="T1") is None

        with engine.connect() as connection:
            command.downgrade(alembic_config(connection), "0012")
            connection.commit()
        assert NEW_TABLES.isdisjoint(inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert connection.execute(text("SELECT id FROM workspace")).scalars().all() == ["T1"]
    finally:
        engine.dispose()
