"""SQLite's one writer path inside a process (bot.store.db.WriterGate): writers take turns, reads
never wait for it, and a transaction that ends badly (an invalidated or abandoned connection)
still lets the next writer in at once instead of leaving every later write to time out."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.store.db import make_engine, reading, session_factory


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}?timeout=0.3")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    return engine


def write_in_thread(engine: Engine, value: int) -> float:
    """Seconds another thread takes to write one row."""
    took: list[float] = []

    def write() -> None:
        start = time.monotonic()
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (:x)"), {"x": value})
        took.append(time.monotonic() - start)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(timeout=30)
    assert took, "the write never finished"
    return took[0]


def rows(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return [r[0] for r in connection.execute(text("SELECT x FROM t ORDER BY x"))]


def test_a_writer_waits_for_the_one_in_progress_then_goes_at_once(engine: Engine) -> None:
    holder = engine.connect()
    holder.execute(text("INSERT INTO t VALUES (1)"))
    failed: list[BaseException] = []

    def release() -> None:
        time.sleep(0.6)  # longer than the busy timeout: only the gate's queue makes this work
        try:
            holder.commit()
        except BaseException as exc:  # reported by the test, not lost in a thread
            failed.append(exc)

    releaser = threading.Thread(target=release)
    releaser.start()
    try:
        took = write_in_thread(engine, 2)
    finally:
        releaser.join(timeout=30)
        holder.close()
    assert not failed, failed
    assert took >= 0.5  # it waited for the holder's commit (a lower bound, never a deadline)
    assert rows(engine) == [1, 2]


def test_the_queue_outlasts_a_slow_writer_on_a_starved_cpu(engine: Engine) -> None:
    """A writer of this process that holds its transaction for seconds (a loaded host) makes the
    next one wait, not fail: the queue is our own work, and it will finish. With a 0.3 s busy
    timeout the queue used to give up after 1.2 s and the note was refused as "database busy"."""
    holder = engine.connect()
    holder.execute(text("INSERT INTO t VALUES (1)"))
    failed: list[BaseException] = []

    def release() -> None:
        time.sleep(2.0)
        try:
            holder.commit()
        except BaseException as exc:
            failed.append(exc)

    releaser = threading.Thread(target=release)
    releaser.start()
    try:
        write_in_thread(engine, 2)
    finally:
        releaser.join(timeout=30)
        holder.close()
    assert not failed, failed
    assert rows(engine) == [1, 2]


def test_a_read_does_not_wait_for_a_writer(engine: Engine) -> None:
    holder = engine.connect()
    holder.execute(text("INSERT INTO t VALUES (1)"))
    try:
        start = time.monotonic()
        with reading(session_factory(engine)()) as session:
            assert session.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
        assert time.monotonic() - start < 5  # a read queued behind this writer would never end
    finally:
        holder.rollback()
        holder.close()


def test_an_invalidated_write_lets_the_next_writer_in(engine: Engine) -> None:
    broken = engine.connect()
    broken.execute(text("INSERT INTO t VALUES (1)"))
    broken.invalidate()
    broken.close()
    assert write_in_thread(engine, 2) < 5  # far below the queue's 10 s: it was let in
    assert rows(engine) == [2]


def test_an_abandoned_write_lets_the_next_writer_in(engine: Engine) -> None:
    abandoned = engine.connect()
    abandoned.execute(text("INSERT INTO t VALUES (1)"))
    del abandoned
    gc.collect()
    assert write_in_thread(engine, 2) < 5  # far below the queue's 10 s: it was let in
    assert rows(engine) == [2]


def test_a_failed_write_lets_the_next_writer_in(engine: Engine) -> None:
    with pytest.raises(Exception, match="no such table"), engine.begin() as connection:
        connection.execute(text("INSERT INTO missing VALUES (1)"))
    assert write_in_thread(engine, 2) < 5  # far below the queue's 10 s: it was let in
    assert rows(engine) == [2]
