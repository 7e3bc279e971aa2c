"""Migration 0021 (one nickname for several contacts) on a database in use at 0020: every alias
stays, with its id, contact and spelling; a second contact may then be given a nickname the first
has, and a note that says it asks which one; the same contact can't hold one alias twice; and it
downgrades again (then a nickname two contacts share stays with the one who had it first)."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.app import Rapport
from bot.domain.refs import Actor
from bot.store.db import make_engine, session_factory
from bot.store.migrate import alembic_config, current_revision, head_revision, upgrade
from tests.store.helpers import NOW, add_contact, add_note, add_user, add_workspace

ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana", tz="UTC")
INSERT_ALIAS = text(
    "INSERT INTO contactalias (workspace_id, contact_id, alias, alias_key)"
    " VALUES (:w, :c, :alias, :key)"
)
ALIASES = text(
    "SELECT id, workspace_id, contact_id, alias, alias_key FROM contactalias ORDER BY id"
)


def test_aliases_are_kept_and_a_nickname_may_then_be_shared(blank_db_url: str) -> None:
    engine = make_engine(blank_db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), "0020")
            connection.commit()
        with Session(engine) as session:
            add_workspace(session)
            add_workspace(session, "T2")
            ana = add_user(session, external_id=ANA.user_id)
            priyanka = add_contact(session, name="Priyanka Shah")
            rao = add_contact(session, name="Priyadarshini Rao")
            eve_priya = add_contact(session, workspace_id="T2", name="Priya Menon")
            add_note(session, author_id=ana, text="coffee with Priyanka", contact_ids=(priyanka,))
            add_note(session, author_id=ana, text="lunch with Priyadarshini", contact_ids=(rao,))
        with engine.begin() as connection:
            for workspace, contact, alias in (
                ("T1", priyanka, "Priya"),
                ("T1", priyanka, "PS"),
                ("T1", rao, "Darshini"),
                ("T2", eve_priya, "Priya"),
            ):
                connection.execute(
                    INSERT_ALIAS,
                    {"w": workspace, "c": contact, "alias": alias, "key": alias.casefold()},
                )
            before = [tuple(row) for row in connection.execute(ALIASES).all()]
            # At 0020 a nickname is one contact's per workspace.
            with pytest.raises(IntegrityError), connection.begin_nested():
                connection.execute(
                    INSERT_ALIAS, {"w": "T1", "c": rao, "alias": "Priya", "key": "priya"}
                )

        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            assert [tuple(row) for row in connection.execute(ALIASES).all()] == before
        found = inspect(engine)
        assert {"ix_alias_ws_key", "ix_alias_contact", "ix_alias_ws_id"} <= {
            ix["name"] for ix in found.get_indexes("contactalias")
        }
        uniques = [sorted(u["column_names"]) for u in found.get_unique_constraints("contactalias")]
        assert uniques == [["alias_key", "contact_id", "workspace_id"]]

        with engine.begin() as connection:  # the second Priya may go by Priya too ...
            connection.execute(
                INSERT_ALIAS, {"w": "T1", "c": rao, "alias": "Priya", "key": "priya"}
            )
            # ... but one contact holds one alias once
            with pytest.raises(IntegrityError), connection.begin_nested():
                connection.execute(
                    INSERT_ALIAS, {"w": "T1", "c": rao, "alias": "PRIYA", "key": "priya"}
                )
        app = Rapport(sessions=session_factory(engine), clock=lambda: NOW)
        asked = app.notes.log(actor=ANA, text="priya called about the offer")
        assert asked.note_id is None
        assert {c.display_name for c in asked.ambiguities[0].candidates} == {
            "Priyanka Shah",
            "Priyadarshini Rao",
        }
        filed = app.notes.log(actor=ANA, text="sent Darshini the deck")
        assert [c.display_name for c in filed.contacts] == ["Priyadarshini Rao"]

        with engine.connect() as connection:
            command.downgrade(alembic_config(connection), "0020")
            connection.commit()
        with engine.connect() as connection:
            rows = [tuple(row) for row in connection.execute(ALIASES).all()]
        assert rows == before  # the shared "Priya" stays with Priyanka Shah, who had it first
        assert "ix_alias_ws_key" not in {
            ix["name"] for ix in inspect(engine).get_indexes("contactalias")
        }
    finally:
        engine.dispose()
