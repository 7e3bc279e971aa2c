"""Migration 0019 (people met, offered in the weekly review) on a database in use at the
revision before it (0014): the notes, contacts, calendars and their filed meetings stay; the
next read remembers whom it met and the review offers them; and it downgrades again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session

from bot.app import Rapport
from bot.domain.refs import Actor
from bot.store.db import make_engine, session_factory
from bot.store.migrate import alembic_config, current_revision, head_revision, upgrade
from tests.calendar.conftest import ME, Person, calendar, event
from tests.store.helpers import add_contact, add_note, add_user, add_workspace

ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana Lima", tz="UTC")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
JANE = Person("jane@globex.com", "Jane Doe")
SAM = Person("sam@hooli.com", "Sam Vega")
TABLES = ("note", "notecontact", "contact", "calendar", "calendar_event", "user")


def test_upgrade_from_the_revision_before_keeps_everything_and_offers_people_met(
    blank_db_url: str,
) -> None:
    engine = make_engine(blank_db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), "0014")
            connection.commit()
        # Written as that revision's tables hold it (today's models may have columns added since).
        with Session(engine) as session:
            add_workspace(session)
            ana = add_user(session, external_id=ANA.user_id)
            jane = add_contact(session, name="Jane Doe")
            note_id = add_note(
                session, author_id=ana, text="coffee with Jane Doe", contact_ids=(jane,)
            )
        with engine.begin() as connection:
            values = {"u": ana, "at": NOW, "n": note_id}
            connection.execute(
                text(
                    "INSERT INTO calendar (id, workspace_id, owner_id, name, kind, address_hint,"
                    " owner_email, private, add_new_people, interval_minutes, last_status,"
                    " failures, created_at) VALUES (1, 'T1', :u, 'imported', 'file', '',"
                    " 'ana@acme.com', true, false, 60, 'imported', 0, :at)"
                ),
                values,
            )
            connection.execute(
                text(
                    "INSERT INTO calendar_event (workspace_id, owner_id, calendar_id, uid_key,"
                    " recurrence_id, note_id, start_at, fingerprint, state, updated_at) VALUES"
                    " ('T1', :u, 1, 'm-old', '', :n, :at, 'f', 'filed', :at)"
                ),
                values,
            )
            before = {
                table: connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
                for table in TABLES
            }
        assert "met_person" not in inspect(engine).get_table_names()

        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            after = {
                table: connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
                for table in TABLES
            }
        assert after == before
        app = Rapport(sessions=session_factory(engine), clock=lambda: NOW)
        assert app.reviews.review(actor=ANA, now=NOW).people_met == ()
        met = event("m0", NOW - timedelta(days=2), people=(ME, JANE, SAM))
        app.meetings.import_file(actor=ANA, data=calendar(met))
        review = app.reviews.review(actor=ANA, now=NOW)
        assert [(p.label, p.email) for p in review.people_met] == [("Sam Vega", "sam@hooli.com")]
        assert [e.text for e in app.recall.card(actor=ANA, name="Jane Doe").timeline] == [
            "Catch-up",
            "coffee with Jane Doe",
        ]

        with engine.connect() as connection:
            command.downgrade(alembic_config(connection), "0014")
            connection.commit()
        assert "met_person" not in inspect(engine).get_table_names()
        assert "calendar_event" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
