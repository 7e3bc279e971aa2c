"""Migration 0015 (upcoming meetings, the brief setting) on a database in use at the revision
before it (0018): the notes, the calendars, their filed meetings and everyone's reminder
settings stay; the settings get the default brief lead of 15 minutes; the next calendar read
keeps the meetings to come; and it downgrades to it again."""

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
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
JANE = Person("jane@globex.com", "Jane Doe")


def test_upgrade_from_the_revision_before_keeps_everything_and_briefs_work(
    blank_db_url: str,
) -> None:
    engine = make_engine(blank_db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), "0018")
            connection.commit()
        app = Rapport(sessions=session_factory(engine), clock=lambda: NOW)
        # Written as that revision's tables hold it (today's models have columns added since).
        with Session(engine) as session:
            add_workspace(session)
            ana = add_user(session, external_id=ANA.user_id)
            jane = add_contact(session, name="Jane Doe")
            note_id = add_note(
                session, author_id=ana, text="coffee with Jane Doe", contact_ids=(jane,)
            )
        with engine.begin() as connection:
            (user_id,) = connection.execute(text('SELECT id FROM "user"')).scalars().all()
            values = {"u": user_id, "at": NOW, "n": note_id}
            connection.execute(
                text(
                    "INSERT INTO reminder_settings (user_id, workspace_id, digest_hour, work_days,"
                    " work_start, work_end, daily_cap, mode, updated_at) VALUES"
                    " (:u, 'T1', 9, 31, 9, 18, 3, 'digest', :at)"
                ),
                values,
            )
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
        past = event("m0", NOW - timedelta(days=1), people=(ME, JANE))
        with engine.connect() as connection:
            before = {
                table: connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
                for table in ("note", "contact", "calendar", "calendar_event", "reminder_settings")
            }
        assert "upcoming_meeting" not in inspect(engine).get_table_names()

        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            after = {
                table: connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
                for table in before
            }
            settings = connection.execute(
                text("SELECT daily_cap, brief_minutes FROM reminder_settings")
            ).all()
        assert after == before
        assert [tuple(row) for row in settings] == [(3, 15)]
        assert app.briefs.settings(actor=ANA).minutes == 15
        soon = event("m1", NOW + timedelta(hours=2), people=(ME, JANE), title="Dog talk")
        app.meetings.import_file(actor=ANA, data=calendar(past, soon))
        (brief,) = app.briefs.next_meetings(actor=ANA)
        assert brief.meeting is not None and brief.meeting.title == "Dog talk"
        assert [c.contact.display_name for c in brief.people] == ["Jane Doe"]

        with engine.connect() as connection:
            command.downgrade(alembic_config(connection), "0018")
            connection.commit()
        assert "upcoming_meeting" not in inspect(engine).get_table_names()
        columns = {c["name"] for c in inspect(engine).get_columns("reminder_settings")}
        assert "brief_minutes" not in columns and "daily_cap" in columns
    finally:
        engine.dispose()
