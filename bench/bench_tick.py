"""How long one tick takes to find what is due, as contacts grow and what is due does not.

    .venv/bin/python bench/bench_tick.py            # 100,000 and 1,000,000 contacts, SQLite
    .venv/bin/python bench/bench_tick.py --quick    # 20,000 and 200,000
    .venv/bin/python bench/bench_tick.py --db postgresql+psycopg://postgres@127.0.0.1/bench

Each world has 10,000 users; every contact has one note by its owner and a 30-day cadence (so a
reminder_track row); exactly DUE of them are overdue. "find" is what `rapport due` runs: ingest,
sweep and collect in one transaction, rolled back, so it can be repeated; "tick" then plans and
sends for real (in-memory notifier) once per world, and the world is put back as it was built.

Both worlds are open at once and measured in ROUNDS interleaved rounds (the order alternates),
so a burst of load on a shared host falls on both sizes alike; the figure is the median of each
and their ratio. A find that raised or found another number than DUE, and a tick that sent
another number of reminders, count as failures. Pass: ratio <= 1.2 and no failures.

Worlds are cached: SQLite files in --dir; on PostgreSQL, databases beside --db's own, named
`<db>_tick_<contacts>_<users>_<due>` (`--drop` removes them afterwards; --db itself is untouched).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine

from bot.app import Rapport
from bot.reminders.collect import collect, sweep
from bot.reminders.notifier import MemoryNotifier
from bot.reminders.tracks import ingest
from bot.store.db import make_engine, session_factory
from bot.store.migrate import upgrade
from bot.store.models import Contact, Note, NoteContact, User, Workspace
from bot.store.reminder_models import (
    ReminderCadence,
    ReminderDelivery,
    ReminderOutbox,
    ReminderTrack,
)

NOW = datetime(2026, 3, 5, 8, 30, tzinfo=UTC)  # Thursday 09:30 in Berlin
SLOT = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)  # that morning's digest slot, 09:00 Berlin
CHUNK = 20_000
ROUNDS = 7  # interleaved rounds; the figure is each size's median


def build(engine: Engine, *, contacts: int, users: int, due: int) -> None:
    """Bulk rows, written once per file (the file name carries the sizes)."""
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(ReminderTrack)).scalar_one()
    if have == contacts:
        return
    before = NOW - timedelta(days=200)
    recent = NOW - timedelta(days=5)
    overdue = NOW - timedelta(days=40)
    assert due <= users, "one due reminder per user at most, so the daily cap holds none back"
    with engine.begin() as conn:
        conn.execute(
            insert(Workspace),
            [{"id": "T1", "name": "", "default_visibility": "team", "created_at": before}],
        )
        conn.execute(
            insert(User),
            [
                {
                    "id": u,
                    "workspace_id": "T1",
                    "external_id": f"U{u:06d}",
                    "display_name": f"user {u}",
                    "tz": "Europe/Berlin",
                    "created_at": before,
                }
                for u in range(1, users + 1)
            ],
        )
    started = time.monotonic()
    for start in range(1, contacts + 1, CHUNK):
        ids = range(start, min(contacts, start + CHUNK - 1) + 1)
        rows_c, rows_n, rows_nc, rows_cad, rows_t = [], [], [], [], []
        for cid in ids:
            owner = (cid - 1) % users + 1
            is_due = cid <= due  # contacts 1..due belong to users 1..due: one each
            rows_c.append(
                {
                    "id": cid,
                    "workspace_id": "T1",
                    "display_name": f"Person {cid}",
                    "name_key": f"person {cid}",
                    "created_at": before,
                }
            )
            rows_n.append(
                {
                    "id": cid,
                    "workspace_id": "T1",
                    "author_id": owner,
                    "text": f"coffee with person {cid}",
                    "visibility": "team",
                    "occurred_at": overdue if is_due else recent,
                    "logged_at": overdue if is_due else recent,
                    "source": "console",
                    "needs": [],
                    "tags": [],
                    "sensitive": [],
                    "not_understood": [],
                }
            )
            rows_nc.append({"note_id": cid, "contact_id": cid, "workspace_id": "T1"})
            rows_cad.append(
                {
                    "workspace_id": "T1",
                    "owner_id": owner,
                    "kind": "contact",
                    "subject": f"contact:{cid}",
                    "contact_id": cid,
                    "every_days": 30,
                    "created_at": before,
                }
            )
            rows_t.append(
                {
                    "workspace_id": "T1",
                    "owner_id": owner,
                    "kind": "stay_in_touch",
                    "subject": f"contact:{cid}",
                    "contact_id": cid,
                    # What a previous tick stored: the slot each one is due at.
                    "next_due_at": SLOT if is_due else NOW + timedelta(days=25),
                    "verified_at": NOW - timedelta(hours=1),
                    "created_at": before,
                }
            )
        with engine.begin() as conn:
            for table, rows in (
                (Contact, rows_c),
                (Note, rows_n),
                (NoteContact, rows_nc),
                (ReminderCadence, rows_cad),
                (ReminderTrack, rows_t),
            ):
                conn.execute(insert(table), rows)
        done = min(contacts, start + CHUNK - 1)
        rate = done / (time.monotonic() - started)
        print(f"\r  built {done:,}/{contacts:,} contacts ({rate:,.0f}/s)", end="", flush=True)
    print()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("user", "contact", "note"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                    f'(SELECT max(id) FROM "{table}"))'
                )
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.execute(text("ANALYZE"))


def reset(engine: Engine, *, due: int) -> None:
    """Put a world back as `build` wrote it, after a real tick (or an older run's) moved it on:
    only the rows a tick touches, found through indexes (the due tracks by contact, the swept
    ones by verified_at), so this costs the number of due rows, not of contacts."""
    verified = NOW - timedelta(hours=1)
    track = ReminderTrack.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(ReminderDelivery.__table__.delete())  # type: ignore[attr-defined]
        conn.execute(ReminderOutbox.__table__.delete())  # type: ignore[attr-defined]
        conn.execute(
            track.update()
            .where(track.c.contact_id <= due)
            .values(next_due_at=SLOT, last_sent_at=None, last_item_key=None, hold_until=None)
        )
        conn.execute(
            track.update()
            .where(track.c.verified_at > verified, track.c.contact_id > due)
            .values(next_due_at=NOW + timedelta(days=25))
        )
        conn.execute(
            track.update().where(track.c.verified_at > verified).values(verified_at=verified)
        )


def find_once(engine: Engine) -> tuple[float, int]:
    sessions = session_factory(engine)
    started = time.perf_counter()
    with sessions() as session:
        ingest(session, now=NOW)
        sweep(session, now=NOW, default_tz="UTC")
        plans = collect(session, now=NOW, default_tz="UTC")
        session.rollback()
    elapsed = time.perf_counter() - started
    items = sum(len(m.items) for p in plans for m in p.messages) + sum(len(p.held) for p in plans)
    return elapsed, items


def tick_once(engine: Engine, *, due: int) -> tuple[float, int]:
    """The real tick, once: plan and send (in-memory); then the world is put back."""
    notifier = MemoryNotifier()
    rapport = Rapport(sessions=session_factory(engine), clock=lambda: NOW)
    started = time.perf_counter()
    try:
        report = rapport.delivery.tick(notifier=notifier, now=NOW, worker="bench")
        return time.perf_counter() - started, len(report.sent_items)
    finally:
        reset(engine, due=due)


def world_url(db: str | None, directory: str, *, contacts: int, users: int, due: int) -> str:
    """Where the world of this size lives: a SQLite file, or a database beside `db`'s."""
    name = f"tick_{contacts}_{users}_{due}"
    if not db:
        Path(directory).mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{directory}/tick-{contacts}-{users}-{due}.db"
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.pool import NullPool

    from bot.store.db import normalize_url

    server = make_url(normalize_url(db))
    target = f"{server.database}_{name}"
    # The server's maintenance database: --db itself need not exist, and is never touched.
    admin = create_engine(
        server.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            found = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target}
            ).first()
            if found is None:
                conn.execute(text(f'CREATE DATABASE "{target}"'))
    finally:
        admin.dispose()
    return server.set(database=target).render_as_string(hide_password=False)


def drop_world(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.pool import NullPool

    target = make_url(url)
    admin = create_engine(
        target.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


@dataclass
class Figures:
    """One size's runs: every find's time, and how many finds or ticks went wrong."""

    contacts: int
    runs: list[float] = field(default_factory=list)
    failures: int = 0
    errors: list[str] = field(default_factory=list)
    tick_ms: float | None = None
    sent: int | None = None

    @property
    def find_ms(self) -> float:
        return statistics.median(self.runs) * 1000 if self.runs else float("nan")


def compare(
    urls: dict[int, str], *, users: int, due: int, rounds: int, tick: bool = True
) -> list[Figures]:
    """Build (or reuse) each world, then time `rounds` interleaved finds of every size, the
    order alternating each round; a find that raised or found other than `due` is a failure."""
    engines: dict[int, Engine] = {}
    figures = {contacts: Figures(contacts) for contacts in urls}
    try:
        for contacts, url in urls.items():
            engine = make_engine(url)
            upgrade(engine)
            build(engine, contacts=contacts, users=users, due=due)
            reset(engine, due=due)
            engines[contacts] = engine
        order = list(urls)

        def one(contacts: int, *, counted: bool) -> None:
            fig = figures[contacts]
            try:
                elapsed, items = find_once(engines[contacts])
            except Exception as exc:
                fig.failures += 1
                fig.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                return
            if items != due:
                fig.failures += 1
                fig.errors.append(f"found {items:,} due, expected {due:,}")
            elif counted:
                fig.runs.append(elapsed)

        for contacts in order:  # warm each world's caches once; checked, not timed
            one(contacts, counted=False)
        for round_no in range(rounds):
            for contacts in order if round_no % 2 == 0 else reversed(order):
                one(contacts, counted=True)
            say_progress(round_no + 1, rounds, figures)
        if tick:
            for contacts in order:
                fig = figures[contacts]
                try:
                    elapsed, sent = tick_once(engines[contacts], due=due)
                except Exception as exc:
                    fig.failures += 1
                    fig.errors.append(f"tick: {type(exc).__name__}: {exc}"[:200])
                    continue
                fig.tick_ms, fig.sent = elapsed * 1000, sent
                if sent != due:
                    fig.failures += 1
                    fig.errors.append(f"tick sent {sent:,} reminders, expected {due:,}")
    finally:
        for engine in engines.values():
            engine.dispose()
    return [figures[c] for c in urls]


def say_progress(done: int, rounds: int, figures: dict[int, Figures]) -> None:
    last = ", ".join(
        f"{c:,}: {f.runs[-1] * 1000:.0f} ms" if f.runs else f"{c:,}: -" for c, f in figures.items()
    )
    print(f"  round {done}/{rounds}: {last}", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20k and 200k contacts")
    parser.add_argument("--db", help="a PostgreSQL URL: the worlds live in databases beside it")
    parser.add_argument("--dir", default="/tmp/rapport-bench", help="where SQLite files live")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--no-tick", action="store_true", help="skip the real tick")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL worlds after")
    args = parser.parse_args()
    sizes = (20_000, 200_000) if args.quick else (100_000, 1_000_000)
    urls = {
        c: world_url(args.db, args.dir, contacts=c, users=args.users, due=args.due) for c in sizes
    }
    print(
        f"{' and '.join(f'{c:,}' for c in sizes)} contacts, {args.users:,} users, {args.due:,} due"
    )
    try:
        small, large = compare(
            urls, users=args.users, due=args.due, rounds=args.rounds, tick=not args.no_tick
        )
    finally:
        if args.drop:
            for url in urls.values():
                drop_world(url)
    for fig in (small, large):
        line = (
            f"  {fig.contacts:,} contacts: find what is due, median of {len(fig.runs)}: "
            f"{fig.find_ms:.1f} ms; failures {fig.failures}"
        )
        if fig.tick_ms is not None:
            line += (
                f"; full tick (plan + send {fig.sent:,} reminders, in-memory): {fig.tick_ms:.0f} ms"
            )
        print(line)
        for error in fig.errors[:3]:
            print(f"    {error}")
    ratio = large.find_ms / small.find_ms
    failures = small.failures + large.failures
    ok = ratio <= 1.2 and failures == 0
    print(
        f"ratio {sizes[1]:,} / {sizes[0]:,} contacts: {ratio:.2f} (must be <= 1.2), "
        f"failures {failures} (must be 0): {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
