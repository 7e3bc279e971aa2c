"""Migrations: idempotent upgrades, and models and migrations that stay in step."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import bot.store.models  # noqa: F401  (registers the tables)
from bot.store.db import make_engine
from bot.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    include_object,
    upgrade,
)

EXPECTED_TABLES = {
    "workspace",
    "user",
    "contact",
    "contactalias",
    "contacttag",
    "note",
    "notecontact",
    "loop",
    "occasion",
    "processedevent",
    "pendingnote",
}


def test_revisions_form_one_line_from_the_initial_one() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [head_revision()]
    assert scripts.get_bases() == ["0001"]


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    """Every revision can be undone, and the search objects go with the first one."""
    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), "base")
        connection.commit()
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_blank_database_has_no_revision(blank_db_url: str) -> None:
    engine = make_engine(blank_db_url)
    try:
        assert current_revision(engine) is None
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_and_twice_is_a_no_op(blank_db_url: str) -> None:
    engine = make_engine(blank_db_url)
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_models_and_migrations_agree(engine: Engine) -> None:
    """What a future `alembic revision --autogenerate` would write: nothing."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_search_objects_exist_and_are_hidden_from_autogenerate(engine: Engine) -> None:
    with engine.connect() as connection:
        unfiltered = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    # Without the filter, autogenerate would drop the hand-written search objects.
    assert unfiltered, "expected the search objects to exist"
    if engine.dialect.name == "sqlite":
        assert "note_fts" in inspect(engine).get_table_names()
    else:
        columns = {c["name"] for c in inspect(engine).get_columns("note")}
        assert "search" in columns
        indexes = {i["name"] for i in inspect(engine).get_indexes("note")}
        assert "ix_note_search" in indexes


def test_concurrent_upgrades_do_not_break(blank_db_url: str) -> None:
    """Several processes starting at once: the lock makes them take turns."""
    engines = [make_engine(blank_db_url) for _ in range(4)]
    errors: list[BaseException] = []

    def run(engine: Engine) -> None:
        try:
            upgrade(engine)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert current_revision(engines[0]) == head_revision()
        with engines[0].connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM alembic_version")).scalar()
        assert count == 1
    finally:
        for engine in engines:
            engine.dispose()


@pytest.mark.parametrize("name", ["note_fts", "note_fts_data", "note_fts_idx", "note_fts_config"])
def test_include_object_hides_fts_tables(name: str) -> None:
    assert include_object(None, name, "table", True, None) is False


def test_include_object_keeps_ordinary_objects() -> None:
    assert include_object(None, "note", "table", True, None) is True
    assert include_object(None, "ix_note_author", "index", True, None) is True
