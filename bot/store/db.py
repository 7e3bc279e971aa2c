"""Engines and sessions: one database URL in, a session factory out. Nothing at import time.

A URL that cannot work (no scheme, a database Rapport doesn't support, a driver that isn't
installed, a SQLite file in a folder that doesn't exist) is refused here with one sentence saying
what to change (`DatabaseConfigError`); nothing creates folders a mistyped path names.

On SQLite there is one writer path: a session that may write begins `BEGIN IMMEDIATE` (it queues
on the busy timeout for the write lock), and a session marked `reading(session)` begins a plain
deferred `BEGIN`, so it never waits behind or holds up a writer (WAL lets it read meanwhile) and
it still answers when the file is read-only.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from sqlalchemy import event, make_url
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlmodel import Session, create_engine

from bot.domain.errors import DatabaseConfigError, UserInputError

SessionFactory = Callable[[], Session]
# Seconds a writer waits for another's lock. Short enough that a person whose note cannot be
# saved hears "try again" within Slack's 3 s; long enough for every write Rapport makes, which
# are short transactions (the reminder tick commits per user).
SQLITE_BUSY_TIMEOUT = 2.5
SUPPORTED: Final = ("sqlite", "postgresql")
EXAMPLES: Final = "sqlite:////absolute/path/rapport.db or postgresql://user@host/dbname"
POSTGRES_EXTRA: Final = "pip install 'rapport-bot[postgres]'"
# The execution option that marks a connection whose transaction only reads (see `reading`).
READING: Final = "rapport_reading"
# Neither database stores these: PostgreSQL refuses NUL in text, and a lone surrogate has no
# UTF-8 form. They are bad input (one clear line), not an outage.
_UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")


def normalize_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def parse_url(url: str) -> URL:
    """The URL, or a `DatabaseConfigError` that says what a working one looks like."""
    raw = url.strip()
    try:
        parsed = make_url(normalize_url(raw))
    except ArgumentError:
        hint = f" (for that file: sqlite:///{raw})" if raw and "://" not in raw else ""
        raise DatabaseConfigError(f"{raw!r} is not a database URL{hint}; use {EXAMPLES}.") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise DatabaseConfigError(f"Rapport doesn't support {backend!r} databases; use {EXAMPLES}.")
    if backend == "sqlite":
        _check_sqlite_folder(parsed)
    return parsed


def _check_sqlite_folder(url: URL) -> None:
    database = url.database or ""
    if (
        not database
        or database == ":memory:"
        or url.query.get("uri")
        or database.startswith("file:")
    ):
        return
    folder = Path(database).parent
    if not folder.is_dir():
        raise DatabaseConfigError(
            f"the folder {str(folder)!r} for the database file doesn't exist; create it first, "
            "or check the path (an absolute path needs four slashes: sqlite:////path/r.db)."
        )


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = parse_url(url)
    try:
        engine = _engine(parsed, **kwargs)
    except (ModuleNotFoundError, ImportError) as exc:  # the dialect's driver is missing
        name = (getattr(exc, "name", None) or parsed.get_driver_name()).split(".")[0]
        if parsed.get_backend_name() == "sqlite":
            fix = "Python was built without sqlite3; install a Python that has it."
        elif name == "psycopg":
            fix = f"{POSTGRES_EXTRA}."
        else:
            fix = f"Rapport's driver is psycopg: write postgresql://… and {POSTGRES_EXTRA}."
        raise DatabaseConfigError(f"the database driver {name!r} isn't installed; {fix}") from None
    except NoSuchModuleError:
        raise DatabaseConfigError(
            f"{parsed.drivername!r} is not a database driver Rapport knows; use {EXAMPLES}."
        ) from None
    event.listen(engine, "before_cursor_execute", _refuse_unstorable_text)
    return engine


def _engine(url: URL, **kwargs: Any) -> Engine:
    if url.get_backend_name() == "sqlite":
        # How long a writer waits for another's lock before giving up ("couldn't save, try
        # again"): SQLITE_BUSY_TIMEOUT unless the URL says otherwise (sqlite:///r.db?timeout=5).
        given = url.query.get("timeout")
        timeout = float(given if isinstance(given, str) else SQLITE_BUSY_TIMEOUT)
        connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": timeout}
        read_only = _read_only_file(url.database or "")
        if read_only is not None:
            # Opened as it is: SQLite then answers reads, and refuses writes as "read-only"
            # (not "unable to open", which is what a WAL file on read-only media gives).
            kwargs["creator"] = functools.partial(
                sqlite3.connect, read_only, uri=True, **connect_args
            )
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        gate = WriterGate(timeout=max(WRITER_QUEUE_MIN, WRITER_QUEUE_FACTOR * timeout))
        event.listen(engine, "begin", functools.partial(_sqlite_begin, gate))
        for name in ("commit", "rollback"):
            event.listen(engine, name, gate.leave_connection)
        # A connection checked in or invalidated without its transaction ending still lets go
        # (before the pool clears the record's info on reconnecting).
        event.listen(engine, "checkin", lambda _dbapi, record: gate.leave(record.info))
        for name in ("invalidate", "soft_invalidate"):
            event.listen(engine, name, lambda _dbapi, record, _exc: gate.leave(record.info))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _read_only_file(database: str) -> str | None:
    """A read-only URI filename for an existing database file this process cannot write to
    (its permissions, or a read-only mount), else None.

    A WAL database needs its -shm file: when the folder is read-only too and there is none,
    the file is opened `immutable` (nothing can change it while the mount is read-only)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).absolute()
    if not path.is_file() or os.access(path, os.W_OK):
        return None
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    shm = path.with_name(path.name + "-shm")
    if not os.access(path.parent, os.W_OK) and not shm.exists():
        uri += "&immutable=1"
    return uri


def reading(session: Session) -> Session:
    """Mark a fresh session as one that only reads (before its first statement).

    On SQLite its transaction begins deferred: it takes no write lock, so a recall never queues
    behind a note being saved (or holds one up), and reads still answer when the file is
    read-only. A write inside it would still work, but may fail with "busy" if another writer
    committed since it began; use it only where nothing, or nothing but a first contact's user
    row, is written. On PostgreSQL it changes nothing.
    """
    # On the bind, not one connection: the mark outlives a commit inside the use case.
    session.bind = session.get_bind().execution_options(**{READING: True})
    return session


def is_reading(session: Session) -> bool:
    return bool(session.get_bind().get_execution_options().get(READING))


class WriterGate:
    """The one writer path of a process: its SQLite write transactions take turns here.

    SQLite's busy handler is not a queue: a waiting writer sleeps and polls (up to 100 ms
    apart), and under a steady stream of short writes from other threads it can miss every
    free moment until its busy timeout runs out ("database is locked" although each write was
    quick). Inside one process writers therefore wait on this lock instead, which hands over
    at once; the busy timeout is left for other processes. Reentrant for the thread holding it
    (a use case that opens a second session), and let go by whoever ends the transaction.
    """

    def __init__(self, *, timeout: float) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self.timeout = timeout

    def enter(self, info: dict[Any, Any]) -> None:
        me = threading.get_ident()
        if self._owner != me:
            if not self._lock.acquire(timeout=self.timeout):
                busy = sqlite3.OperationalError("database is locked")
                busy.sqlite_errorname = "SQLITE_BUSY"
                raise OperationalError("BEGIN IMMEDIATE", None, busy)
            self._owner = me
        self._depth += 1
        info[_GATE_HELD] = True

    def leave_connection(self, connection: Any) -> None:
        try:
            info = connection.info
        except SQLAlchemyError:  # invalidated: the pool's "invalidate" event let go already
            return
        self.leave(info)

    def leave(self, info: dict[Any, Any]) -> None:
        if not info.pop(_GATE_HELD, False):
            return
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
            self._lock.release()


_GATE_HELD: Final = "rapport_writer_gate"
# How long a writer queues behind this process's own writers before giving up: longer than the
# busy timeout, because they hand over promptly and the work after an ack can afford to wait.
# Never under WRITER_QUEUE_MIN: the queue is this process's own work, which will finish; on a
# starved CPU a few writers ahead can take seconds, and that is slowness, not a locked database
# (a 0.4 s busy timeout once made a 1.6 s queue that refused notes under load).
WRITER_QUEUE_FACTOR: Final = 4
WRITER_QUEUE_MIN: Final = 10.0


def _sqlite_begin(gate: WriterGate, connection: Any) -> None:
    if connection.get_execution_options().get(READING):
        connection.exec_driver_sql("BEGIN")
        return
    # A deferred transaction that reads and then writes fails at once with "database is locked"
    # when another writer committed in between (its snapshot is stale; the busy timeout cannot
    # help). Taking the write lock at BEGIN makes concurrent writers queue for it instead, e.g.
    # two deliveries of one Slack event: the second then sees the first's event id.
    gate.enter(connection.info)
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        gate.leave(connection.info)
        raise


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN (pysqlite's own would be deferred, and late).
    dbapi_connection.isolation_level = None
    # WAL lets readers work while the tick writes; the busy timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    # A read-only file keeps the journal it has; reads work either way.
    with contextlib.suppress(sqlite3.OperationalError):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # The busy timeout itself is sqlite3's `timeout` (make_engine): a PRAGMA here would undo it.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _refuse_unstorable_text(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, executemany: bool
) -> None:
    rows = parameters if executemany else (parameters,)
    for row in rows or ():
        if isinstance(row, Mapping):
            values: Iterable[Any] = row.values()
        elif isinstance(row, Sequence) and not isinstance(row, str):
            values = row
        else:
            continue
        for value in values:
            if isinstance(value, str) and (found := _UNSTORABLE.search(value)) is not None:
                raise UserInputError(_unstorable_message(found.group()))


def _unstorable_message(char: str) -> str:
    what = "a NUL character (U+0000)" if char == "\x00" else f"a lone surrogate (U+{ord(char):04X})"
    return (
        f"That text contains {what}, which can't be stored; nothing was saved. "
        "Remove it and send it again."
    )


def session_factory(engine: Engine) -> SessionFactory:
    def make() -> Session:
        return Session(engine, expire_on_commit=False)

    return make
