"""Migration 0012 on a database that already holds a team's notes: nothing is lost, the
calendar tables arrive, and a meeting can then be filed beside the old notes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.app import Rapport
from bot.domain.refs import Actor
from bot.store.db import make_engine, session_factory
from bot.store.migrate import alembic_config, current_revision, head_revision, upgrade
from tests.calendar.conftest import ME, Person, calendar, event

ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana Lima", tz="UTC")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_upgrading_from_the_revision_before_keeps_every_note_and_adds_calendars(
    blank_db_url: str,
) -> None:
    before = ScriptDirectory.from_config(alembic_config()).get_revision("0012").down_revision
    assert isinstance(before, str)
    engine = make_engine(blank_db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), before)
            connection.commit()
        assert current_revision(engine) == before
        assert "calendar" not in inspect(engine).get_table_names()
        app = Rapport(sessions=session_factory(engine), clock=lambda: NOW)
        # The notes use case works on the schema before 0012 (without the calendar tables).
        logged = app.notes.log(actor=ANA, text="coffee with Jane Doe, she wants a shelter dog")
        assert logged.note_id is not None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"calendar", "calendar_event"} <= tables
        assert [h.text for h in app.recall.recall(actor=ANA, query="shelter dog").hits] == [
            "coffee with Jane Doe, she wants a shelter dog"
        ]
        jane = Person(None, "Jane Doe")
        summary = app.meetings.import_file(
            actor=ANA,
            data=calendar(event("m1", NOW - timedelta(days=1), people=(ME, jane))),
        )
        assert summary.added == 1
        card = app.recall.card(actor=ANA, name="Jane Doe")
        assert [e.text for e in card.timeline] == [
            "coffee with Jane Doe, she wants a shelter dog",
            "Catch-up",
        ]
    finally:
        engine.dispose()
