"""Migration 0012 on a database that already holds a team's notes: nothing is lost, the
calendar tables arrive, and a meeting can then be filed beside the old notes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Boolean, DateTime, Integer, MetaData, insert, inspect, select
from sqlalchemy.engine import Engine

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
        # A team's note, written as the schema before 0012 holds it (today's models have
        # columns later migrations add, so they cannot write there).
        _old_note(engine, "coffee with Jane Doe, she wants a shelter dog", about="Jane Doe")
        upgrade(engine)
        app = Rapport(sessions=session_factory(engine), clock=lambda: NOW)
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


def _old_note(engine: Engine, text: str, *, about: str) -> None:
    """Ana's note about one contact, through the tables as they are (reflected), giving each
    column a value only if that revision has it."""
    tables = MetaData()
    tables.reflect(engine)
    at = NOW  # when Ana logged it

    def row(table: str, **values: object) -> int | None:
        columns = tables.tables[table].c
        kept = {k: v for k, v in values.items() if k in columns}
        for column in columns:  # a required column this test does not know: an empty value
            if column.name in kept or column.nullable or column.primary_key:
                continue
            if column.server_default is not None or column.computed is not None:
                continue
            kept[column.name] = _empty(column.type, at)
        with engine.begin() as connection:
            connection.execute(insert(tables.tables[table]).values(**kept))
            if "id" not in columns or "id" in kept:
                return None
            return int(
                connection.execute(select(columns.id).order_by(columns.id.desc())).scalar_one()
            )

    row(
        "workspace",
        id="T1",
        name="",
        default_visibility="team",
        pressure_threshold=3,
        created_at=at,
    )
    user = row(
        "user", workspace_id="T1", external_id=ANA.user_id, display_name="Ana Lima", created_at=at
    )
    contact = row(
        "contact",
        workspace_id="T1",
        display_name=about,
        name_key=about.casefold(),
        emails=[],
        phones=[],
        created_by=user,
        created_at=at,
    )
    note = row(
        "note",
        workspace_id="T1",
        author_id=user,
        text=text,
        visibility="team",
        occurred_at=at,
        logged_at=at,
        source="dm",
    )
    row("notecontact", note_id=note, contact_id=contact, workspace_id="T1")


def _empty(kind: object, at: datetime) -> object:
    if isinstance(kind, JSON):
        return []
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, DateTime):
        return at
    return ""
