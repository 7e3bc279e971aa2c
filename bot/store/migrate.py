"""Schema migrations: Alembic, configured in code so that no alembic.ini is needed at runtime.

`upgrade(engine)` is safe to call on every start. On PostgreSQL the upgrade runs in one
transaction under an advisory lock, so processes starting at once take turns and all but the
first find the schema already at head. On SQLite the upgrade runs in one `BEGIN IMMEDIATE`
transaction, which gives the same effect through SQLite's write lock (and its busy timeout).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from bot.store.db import READING
from bot.store.failures import storage_error

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# How long a starting process waits for another's migration on SQLite (seconds).
MIGRATION_WAIT = 120.0
# Any constant works as long as nothing else in the database uses it: "rapport" in ASCII.
_PG_LOCK_KEY = 0x72_61_70_70_6F_72_74

# Objects the initial migration creates by hand, outside the SQLModel metadata. Autogenerate
# must not see them, or a future `alembic revision --autogenerate` would offer to drop them.
SEARCH_TABLE_PREFIX = "note_fts"  # SQLite FTS5 table and its shadow tables (note_fts_data, ...)
PG_SEARCH_COLUMN = "search"  # PostgreSQL generated tsvector column on note
PG_SEARCH_INDEX = "ix_note_search"  # its GIN index


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic `include_object` hook: hide the hand-written search objects from autogenerate."""
    if type_ == "table" and name is not None and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    table = getattr(getattr(obj, "table", None), "name", None)
    if type_ == "column" and name == PG_SEARCH_COLUMN and table == "note":
        return False
    return not (type_ == "index" and name == PG_SEARCH_INDEX)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic `Config` pointing at the packaged migrations, with no file on disk."""
    config = Config()
    # configparser interpolation: a '%' in the install path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # only if the versions folder were empty: a packaging error
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database Rapport never touched.

    A read (on SQLite it takes no write lock), so a start-up finds the schema current even while
    another process writes, or when the file is read-only."""
    try:
        with engine.connect().execution_options(**{READING: True}) as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as exc:
        raise storage_error(exc) from exc


def upgrade(engine: Engine) -> None:
    """Bring the schema to head. A no-op (one cheap read) when it already is.

    A database that cannot be reached (or is locked, read-only, full) raises one of the
    `StorageUnavailableError`s with a sentence for the person, never a driver traceback."""
    if current_revision(engine) == head_revision():
        return
    try:
        _upgrade(engine)
    except DBAPIError as exc:
        raise storage_error(exc) from exc


def _upgrade(engine: Engine) -> None:
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Transaction-scoped: released by the commit below, or by the rollback on error.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            _migrate(connection)
            return
        # SQLite engines from make_engine begin every transaction IMMEDIATE (bot.store.db): the
        # first statement takes the write lock, so the DDL is atomic and a second starter
        # waits instead of racing. It waits as long as a migration may take (as the advisory
        # lock does on PostgreSQL), not the busy timeout meant for a person's command.
        raw = connection.connection.driver_connection
        assert raw is not None
        usual = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute(f"PRAGMA busy_timeout = {int(MIGRATION_WAIT * 1000)}")
        try:
            connection.execute(text("SELECT 1"))
            _migrate(connection)
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(usual)}")


def _migrate(connection: Connection) -> None:
    # The connection is inside a transaction, so env.py runs the migrations in it (Alembic
    # leaves an external transaction to its owner) and we commit once.
    command.upgrade(alembic_config(connection), "head")
    connection.commit()
