"""Migration 0020 (indexes for the tick's "tag cadences of these owners" and the digest's bad
news) on a database in use at 0019: the cadences stay, the indexes are there, a #tag cadence
still nudges through the next tick; and it downgrades again."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session

from bot.app import Rapport
from bot.domain.refs import Actor
from bot.reminders.notifier import MemoryNotifier
from bot.store.db import make_engine, session_factory
from bot.store.migrate import alembic_config, current_revision, head_revision, upgrade
from tests.store.helpers import NOW, add_contact, add_note, add_user, add_workspace

ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana", tz="UTC")
INDEX = "ix_reminder_cadence_owner_kind"
NEWS_INDEX = "ix_notecontact_news"


def _indexes(engine: object) -> set[str]:
    found = inspect(engine)  # type: ignore[call-overload]
    return {ix["name"] for t in ("reminder_cadence", "notecontact") for ix in found.get_indexes(t)}


def test_cadences_are_kept_indexed_and_a_tag_cadence_still_nudges(blank_db_url: str) -> None:
    engine = make_engine(blank_db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), "0019")
            connection.commit()
        with Session(engine) as session:
            add_workspace(session)
            ana = add_user(session, external_id=ANA.user_id)
            jane = add_contact(session, name="Jane Doe")
            sam = add_contact(session, name="Sam Vega")
            add_note(session, author_id=ana, text="coffee with Jane #vip", contact_ids=(jane,))
            add_note(session, author_id=ana, text="lunch with Sam", contact_ids=(sam,))
        old = NOW - timedelta(days=60)
        with engine.begin() as connection:
            values = {"u": ana, "jane": jane, "sam": sam, "at": old}
            # Jane's only note is 60 days old, and #vip wants a touch every 30 days.
            connection.execute(
                text(
                    "UPDATE note SET occurred_at = :at, tags = '[\"vip\"]' WHERE text LIKE '%Jane%'"
                ),
                values,
            )
            connection.execute(
                text(
                    "INSERT INTO contacttag (workspace_id, contact_id, tag)"
                    " VALUES ('T1', :jane, 'vip')"
                ),
                values,
            )
            connection.execute(
                text(
                    "INSERT INTO reminder_cadence (workspace_id, owner_id, kind, subject, tag,"
                    " every_days, created_at) VALUES ('T1', :u, 'tag', 'tag:vip', 'vip', 30, :at)"
                ),
                values,
            )
            connection.execute(
                text(
                    "INSERT INTO reminder_cadence (workspace_id, owner_id, kind, subject,"
                    " contact_id, every_days, created_at) VALUES ('T1', :u, 'contact',"
                    " 'contact:' || CAST(:sam AS VARCHAR), :sam, 90, :at)"
                ),
                values,
            )
        assert not {INDEX, NEWS_INDEX} & _indexes(engine)

        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert {INDEX, NEWS_INDEX} <= _indexes(engine)
        with engine.connect() as connection:
            kept = connection.execute(
                text("SELECT kind, subject, every_days FROM reminder_cadence ORDER BY kind")
            ).all()
        assert [tuple(row) for row in kept] == [
            ("contact", f"contact:{sam}", 90),
            ("tag", "tag:vip", 30),
        ]
        monday = NOW + timedelta(hours=21)  # NOW is Sunday noon: the nudge waits for 9:00 Monday
        app = Rapport(sessions=session_factory(engine), clock=lambda: monday)
        assert {view.target for view in app.cadences.cadences(actor=ANA)} == {"#vip", "Sam Vega"}
        notifier = MemoryNotifier()
        app.delivery.tick(notifier=notifier, now=monday, worker="test")
        sent = " ".join(str(message.text) for message in notifier.sent)
        assert "Jane Doe" in sent and "Sam Vega" not in sent

        with engine.connect() as connection:
            command.downgrade(alembic_config(connection), "0019")
            connection.commit()
        assert not {INDEX, NEWS_INDEX} & _indexes(engine)
        with engine.connect() as connection:
            count = connection.execute(text("SELECT COUNT(*) FROM reminder_cadence")).scalar_one()
        assert count == 2
    finally:
        engine.dispose()
