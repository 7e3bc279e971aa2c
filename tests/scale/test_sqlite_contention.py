"""One process, one SQLite file, everything at once: no command fails with "database is locked".

What a single `rapport serve` does under load, without Slack in the way: threads logging notes
(and caching users' zones, as the first command of the day does), threads recalling, opening
cards, loops and App Home, and the scheduler's tick planning and delivering reminders, all on
one SQLite file. Every operation that raised `StorageUnavailableError` is counted; the target is
0, and every note logged must be stored once.

The busy timeout is cut to 0.4 s (production: 2.5 s) so that a writer starved by SQLite's
polling busy handler shows up within a short run: before the process had one writer path
(bot.store.db.WriterGate) and reads took no write lock, this run lost commands every time.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.app import Rapport, utc_now
from bot.domain.errors import StorageUnavailableError
from bot.domain.refs import Actor
from bot.reminders.notifier import MemoryNotifier
from bot.store.db import make_engine, session_factory
from bot.store.migrate import upgrade
from tests.scale.conftest import count

WRITERS = 4
READERS = 4
ROUNDS = 40
TICKS = 15
NOTES = [
    "coffee with Jane Doe, she wants a shelter dog",
    "I owe Raj Patel the pricing deck by Friday",
    "asked Priya Nair for the signed contract, waiting on her reply",
    "lunch with Sam Lee and Jane Doe, Sam is hiring a data engineer",
    "call with Omar Haddad about the Lisbon offsite",
]
QUESTIONS = ["shelter dog", "who is hiring a data engineer?", "Lisbon", "deck", "contract"]


@dataclass
class Tally:
    done: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, kind: str, work: Callable[[], object]) -> None:
        try:
            work()
        except StorageUnavailableError as exc:
            with self.lock:
                self.failed[kind] += 1
                self.errors.append(f"{kind}: {exc}")
        else:
            with self.lock:
                self.done[kind] += 1


@pytest.fixture
def rapport(tmp_path: Path) -> Rapport:
    url = f"sqlite:///{tmp_path / 'rapport.db'}?timeout=0.4"
    engine = make_engine(url)
    upgrade(engine)
    return Rapport(sessions=session_factory(engine), clock=utc_now, default_tz="UTC")


def actor(i: int) -> Actor:
    return Actor(workspace_id="T1", user_id=f"U{i}", display_name=f"user {i}", tz="UTC")


@pytest.mark.slow  # ~300 operations on 9 threads
def test_readers_writers_and_the_tick_at_once_lose_no_command(
    rapport: Rapport, tmp_path: Path
) -> None:
    tally = Tally()
    start = threading.Barrier(WRITERS + READERS + 1)
    for i in range(WRITERS + READERS):  # every user exists, as after their first command
        rapport.notes.log(actor=actor(i), text=NOTES[i % len(NOTES)])

    def writer(i: int) -> None:
        start.wait()
        for r in range(ROUNDS):
            if r % 10 == 0:
                tally.run(
                    "set_tz", lambda: rapport.users.set_tz(actor=actor(i), tz="Europe/Lisbon")
                )
            text = f"{NOTES[(i + r) % len(NOTES)]} (round {r} by {i})"
            tally.run("log", lambda text=text: rapport.notes.log(actor=actor(i), text=text))

    def reader(i: int) -> None:
        start.wait()
        me = actor(WRITERS + i)
        for r in range(ROUNDS):
            question = QUESTIONS[(i + r) % len(QUESTIONS)]
            tally.run("recall", lambda q=question: rapport.recall.recall(actor=me, query=q))
            tally.run("card", lambda: rapport.recall.card(actor=me, name="Jane Doe"))
            tally.run("loops", lambda: rapport.recall.loops(actor=me))
            tally.run("home", lambda: rapport.recall.home(actor=me))

    tick_problems: list[str] = []

    def ticker() -> None:
        start.wait()
        notifier = MemoryNotifier()
        for _ in range(TICKS):
            try:
                report = rapport.delivery.tick(notifier=notifier)
            except Exception as exc:  # the scheduler would log it and lose the tick
                tick_problems.append(repr(exc))
            else:
                if report.plan_conflicts:
                    tick_problems.append(f"plan conflicts: {report.plan_conflicts}")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    threads += [threading.Thread(target=reader, args=(i,)) for i in range(READERS - 1)]
    threads.append(threading.Thread(target=ticker))
    threads.append(threading.Thread(target=reader, args=(READERS - 1,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
        assert not thread.is_alive()

    failed = sum(tally.failed.values())
    assert failed == 0, (dict(tally.failed), tally.errors[:5])
    assert not tick_problems, tick_problems[:5]
    assert tally.done["log"] == WRITERS * ROUNDS
    assert tally.done["recall"] == READERS * ROUNDS
    url = f"sqlite:///{tmp_path / 'rapport.db'}"
    assert count(url, "SELECT count(*) FROM note") == WRITERS + READERS + WRITERS * ROUNDS
