"""Migration 0009: each note-contact link keeps its contact's own bad news. An existing database
upgrades without loss: every link takes its note's topics, as every contact of the note was
muted before, and nothing else changes."""

from __future__ import annotations

import json

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import Session

import bot.store.models  # noqa: F401  (registers the tables)
from bot.store.db import make_engine
from bot.store.migrate import alembic_config, current_revision, head_revision, upgrade
from bot.store.models import Note
from tests.store.helpers import NOW, add_user, add_workspace


def before_0009() -> str:
    """The revision 0009 follows (the chain is re-linked when branches merge)."""
    down = ScriptDirectory.from_config(alembic_config()).get_revision("0009").down_revision
    assert isinstance(down, str)
    return down


def _contact(session: Session, name: str) -> int:
    """A contact row as the schema before 0009 has it (the model has columns added later)."""
    session.execute(
        text(
            "INSERT INTO contact (workspace_id, display_name, name_key, emails, phones, "
            "created_at) VALUES ('T1', :name, :key, '[]', '[]', '2025-06-01 12:00:00')"
        ),
        {"name": name, "key": name.casefold()},
    )
    session.commit()
    found = session.execute(text("SELECT id FROM contact WHERE display_name = :n"), {"n": name})
    return int(found.scalar_one())


def test_existing_links_keep_their_notes_news_after_the_upgrade(blank_db_url: str) -> None:
    engine = make_engine(blank_db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), before_0009())
            connection.commit()
        with Session(engine) as session:
            add_workspace(session)
            author = add_user(session)
            chris, dana = (_contact(session, "Chris Young"), _contact(session, "Dana"))
            fire = Note(
                workspace_id="T1",
                author_id=author,
                text="Chris had a house fire; lunch with Dana",
                occurred_at=NOW,
                logged_at=NOW,
                sensitive=["house fire", "lost home"],
            )
            calm = Note(
                workspace_id="T1", author_id=author, text="coffee", occurred_at=NOW, logged_at=NOW
            )
            session.add_all([fire, calm])
            session.commit()
            links = [(fire.id, chris), (fire.id, dana), (calm.id, chris)]
        with engine.begin() as connection:  # the table before 0009 has no `sensitive` column
            for note_id, contact_id in links:
                connection.execute(
                    text(
                        "INSERT INTO notecontact (note_id, contact_id, workspace_id) "
                        "VALUES (:n, :c, 'T1')"
                    ),
                    {"n": note_id, "c": contact_id},
                )
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT note_id, contact_id, sensitive FROM notecontact ORDER BY 1, 2")
            ).all()
            notes = connection.execute(text("SELECT COUNT(*) FROM note")).scalar_one()
        got = {(n, c): (s if isinstance(s, list) else json.loads(s)) for n, c, s in rows}
        assert got == {
            (fire.id, chris): ["house fire", "lost home"],
            (fire.id, dana): ["house fire", "lost home"],
            (calm.id, chris): [],
        }
        assert notes == 2
    finally:
        engine.dispose()
