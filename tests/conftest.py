"""Shared fixtures: a clean, migrated database of each kind, and no network.

Fixtures for other suites (import the helpers, reuse the fixture names):
- `db_url`: a URL to a database this test owns, holding no rows. Parametrized over "sqlite" (a file
  in tmp_path) and "postgresql" (skipped unless RAPPORT_TEST_POSTGRES_URL is set). On PostgreSQL
  the schema may already be at head from an earlier test, with every table emptied.
- `blank_db_url`: the same, but with no schema at all (for migration tests).
- `engine`: `db_url` migrated to head (SQLite: a copy of one file migrated with
  bot.store.migrate.upgrade at the start of the session; PostgreSQL: upgraded unless at head).
- `sessions`: bot.store.db.session_factory(engine).

PostgreSQL isolation: one database per test session (CREATE DATABASE rapport_test_<hex>, dropped
WITH (FORCE) at the end). Between tests, TRUNCATE … RESTART IDENTITY CASCADE empties the tables
(~10 ms) instead of rebuilding the schema (~50 ms); a schema not at head is dropped instead.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, Verbosity
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

import bot.store.models  # noqa: F401  (registers the tables)
from bot.store.db import SessionFactory, make_engine, normalize_url, session_factory
from bot.store.migrate import head_revision, upgrade

# Hypothesis profiles, loaded here (before any test module builds its own `settings(...)`, which
# inherit from the loaded profile). Both print the `@reproduce_failure` blob of a failing
# example, so a red run can be replayed exactly. "ci" (chosen when CI=true, as CI services and
# .ci/run set it) is derandomized: every run tries the same examples, so a failure is the code's,
# not the seed's, and it keeps no example database between runs. HYPOTHESIS_PROFILE picks one.
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.register_profile(
    "ci",
    print_blob=True,
    derandomize=True,
    database=None,
    deadline=None,
    verbosity=Verbosity.normal,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
)

POSTGRES_ENV = "RAPPORT_TEST_POSTGRES_URL"
POSTGRES_SKIP_REASON = f"{POSTGRES_ENV} is not set: PostgreSQL tests skipped"
DIALECTS = ("sqlite", "postgresql")

_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@functools.cache
def head() -> str:
    """The migrations' head revision (read once: the scripts do not change during a run)."""
    return head_revision()


def pg_url() -> str | None:
    """The PostgreSQL server URL given for tests (psycopg 3 driver), or None when unset."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    return normalize_url(url) if url else None


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'rapport.db'}"


def reset_postgres(url: str, *, blank: bool = False) -> None:
    """Empty a test database: truncate Rapport's tables, or drop the schema if not at head."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
            if blank or revision != head():
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
                return
            quote = connection.dialect.identifier_preparer.quote
            tables = ", ".join(quote(t.name) for t in SQLModel.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _no_network() -> Iterator[None]:
    """No test may reach the network through a proxy; local servers stay reachable."""
    with pytest.MonkeyPatch.context() as mp:
        for name in _PROXY_VARS:
            mp.delenv(name, raising=False)
            mp.delenv(name.lower(), raising=False)
        mp.setenv("NO_PROXY", "127.0.0.1,localhost")
        mp.setenv("no_proxy", "127.0.0.1,localhost")
        yield


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database created for this test session and dropped at its end."""
    server = pg_url()
    if server is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    name = f"rapport_test_{secrets.token_hex(6)}"
    admin = create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            # The name is ours (hex), not user input; identifiers cannot be bound parameters.
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _database_url(request: pytest.FixtureRequest, tmp_path: Path, *, blank: bool) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    url: str = request.getfixturevalue("pg_database")
    reset_postgres(url, blank=blank)
    return url


_DB_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=_DB_PARAMS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return _database_url(request, tmp_path, blank=False)


@pytest.fixture(params=_DB_PARAMS)
def blank_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return _database_url(request, tmp_path, blank=True)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head, copied for each test that wants a migrated database:
    a copy takes under a millisecond, a migration from scratch 100-300 ms."""
    path = tmp_path_factory.mktemp("template") / "rapport.db"
    template = make_engine(f"sqlite:///{path}")
    upgrade(template)
    template.dispose()  # the last connection closes the WAL: the file alone is the database
    return path


def at_head(engine: Engine) -> bool:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head()


@pytest.fixture
def engine(db_url: str, migrated_sqlite: Path) -> Iterator[Engine]:
    if db_url.startswith("sqlite:///"):
        shutil.copyfile(migrated_sqlite, db_url.removeprefix("sqlite:///"))
    engine = make_engine(db_url)
    if not at_head(engine):
        upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> SessionFactory:
    return session_factory(engine)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A console user's environment: user "ana" in UTC, no Slack token, a fresh SQLite file
    passed with `--db`."""
    monkeypatch.setenv("RAPPORT_TZ", "UTC")
    monkeypatch.setenv("RAPPORT_USER", "ana")
    monkeypatch.delenv("RAPPORT_DATABASE_URL", raising=False)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    return f"sqlite:///{tmp_path / 'rapport.db'}"
