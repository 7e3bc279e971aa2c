"""Migration 0014 (Slack Connect) on a database in use: every note, contact and loop stays, the
new tables arrive and work beside the old rows, and a downgrade takes only them away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import inspect, text

from bot.app import Rapport
from bot.domain.connect import ChannelMessage, Person
from bot.domain.refs import Actor
from bot.store.db import make_engine, session_factory
from bot.store.migrate import alembic_config, current_revision, head_revision, upgrade

NEW_TABLES = {"connect_channel", "connect_message", "connect_interaction"}
ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana Lima", tz="UTC")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _counts(engine: object) -> dict[str, int]:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        return {
            table: int(connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
            for table in ("note", "contact", "loop", "notecontact", "user")
        }


def test_upgrading_from_0013_keeps_everything_and_tracks_a_shared_channel(
    blank_db_url: str,
) -> None:
    engine = make_engine(blank_db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), "0017")
            connection.commit()
        assert NEW_TABLES.isdisjoint(inspect(engine).get_table_names())
        app = Rapport(sessions=session_factory(engine), clock=lambda: NOW)
        app.notes.log(actor=ANA, text="coffee with Jane Doe, I owe her the deck by Friday")
        app.notes.log(actor=ANA, text="call with Raj Patel from Globex, he wants a demo")
        before = _counts(engine)
        assert before["note"] == 2 and before["loop"] >= 1

        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= NEW_TABLES
        assert _counts(engine) == before
        card = app.recall.card(actor=ANA, name="Jane Doe")
        assert [e.text for e in card.timeline] == [
            "coffee with Jane Doe, I owe her the deck by Friday"
        ]
        assert any("deck" in lp.what for lp in card.open_loops)

        # Raj writes in a tracked shared channel: he is linked by name, not duplicated.
        app.connect.track(actor=ANA, channel_id="C1", name="globex-shared")
        raj = Person("U_RAJ", "Raj Patel", None, "T_GLOBEX", "Globex")
        message = ChannelMessage(
            workspace_id="T1",
            channel_id="C1",
            ts="1795510000.000100",
            thread_ts=None,
            slack_user_id="U_RAJ",
            text="Could we move the demo to Tuesday?",
            at=NOW - timedelta(hours=1),
            external=raj,
        )
        recorded = app.connect.record(message)
        assert recorded.new_interaction and recorded.question
        assert app.connect.record(message).duplicate
        assert _counts(engine)["contact"] == before["contact"]
        assert app.recall.card(actor=ANA, name="Raj Patel").company == "Globex"

        with engine.connect() as connection:
            command.downgrade(alembic_config(connection), "0017")
            connection.commit()
        assert NEW_TABLES.isdisjoint(inspect(engine).get_table_names())
        assert _counts(engine)["note"] == before["note"] + 1  # the interaction is a note
    finally:
        engine.dispose()
