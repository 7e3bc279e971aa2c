"""Engines and sessions: one database URL in, a session factory out. Nothing at import time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

SessionFactory = Callable[[], Session]
# Seconds a writer waits for another's lock. Short enough that a person whose note cannot be
# saved hears "try again" within Slack's 3 s; long enough for every write Rapport makes, which
# are short transactions (the reminder tick commits per user).
SQLITE_BUSY_TIMEOUT = 2.5


def normalize_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # How long a writer waits for another's lock before giving up ("couldn't save, try
        # again"): SQLITE_BUSY_TIMEOUT unless the URL says otherwise (sqlite:///r.db?timeout=5).
        given = make_url(url).query.get("timeout")
        timeout = float(given if isinstance(given, str) else SQLITE_BUSY_TIMEOUT)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": timeout}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_begin_immediate(connection: Any) -> None:
    # A deferred transaction that reads and then writes fails at once with "database is locked"
    # when another writer committed in between (its snapshot is stale; the busy timeout cannot
    # help). Taking the write lock at BEGIN makes concurrent writers queue on the busy timeout
    # instead, e.g. two deliveries of one Slack event: the second then sees the first's event id.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN (pysqlite's own would be deferred, and late).
    dbapi_connection.isolation_level = None
    # WAL lets readers work while the tick writes; the busy timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # The busy timeout itself is sqlite3's `timeout` (make_engine): a PRAGMA here would undo it.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> SessionFactory:
    def make() -> Session:
        return Session(engine, expire_on_commit=False)

    return make
