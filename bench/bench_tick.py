"""How long one tick takes to find what is due, as contacts grow and what is due does not.

    .venv/bin/python bench/bench_tick.py            # 100,000 and 1,000,000 contacts, SQLite
    .venv/bin/python bench/bench_tick.py --quick    # 20,000 and 200,000
    .venv/bin/python bench/bench_tick.py --db postgresql+psycopg://postgres@127.0.0.1/bench

Each world has 10,000 users; every contact has one note by its owner and a 30-day cadence (so a
reminder_track row); exactly DUE of them are overdue. "find" is what `rapport due` runs: ingest,
sweep and collect in one transaction, rolled back, so it can be repeated; "tick" then plans and
sends for real (in-memory notifier) once. Pass: find(large) / find(small) <= 1.2.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
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
from bot.store.reminder_models import ReminderCadence, ReminderTrack

NOW = datetime(2026, 3, 5, 8, 30, tzinfo=UTC)  # Thursday 09:30 in Berlin
SLOT = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)  # that morning's digest slot, 09:00 Berlin
CHUNK = 20_000


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


def measure(url: str, *, contacts: int, users: int, due: int, repeat: int) -> dict[str, float]:
    engine = make_engine(url)
    upgrade(engine)
    build(engine, contacts=contacts, users=users, due=due)
    find_once(engine)  # warm caches
    runs = []
    items = 0
    for _ in range(repeat):
        elapsed, items = find_once(engine)
        runs.append(elapsed)
    result = {"contacts": contacts, "find_ms": statistics.median(runs) * 1000, "due": items}
    if "--no-tick" not in sys.argv:
        notifier = MemoryNotifier()
        started = time.perf_counter()
        rapport = Rapport(sessions=session_factory(engine), clock=lambda: NOW)
        report = rapport.delivery.tick(notifier=notifier, now=NOW, worker="bench")
        result["tick_ms"] = (time.perf_counter() - started) * 1000
        result["sent"] = report.sent
        result["items_sent"] = len(report.sent_items)
    engine.dispose()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20k and 200k contacts")
    parser.add_argument("--db", help="a PostgreSQL URL (the database is emptied first)")
    parser.add_argument("--dir", default="/tmp/rapport-bench", help="where SQLite files live")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-tick", action="store_true", help="skip the real tick")
    args = parser.parse_args()
    sizes = (20_000, 200_000) if args.quick else (100_000, 1_000_000)
    results = []
    for contacts in sizes:
        if args.db:
            from tests.conftest import reset_postgres

            reset_postgres(args.db, blank=True)
            url = args.db
        else:
            Path(args.dir).mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{args.dir}/tick-{contacts}-{args.users}-{args.due}.db"
        print(
            f"{contacts:,} contacts, {args.users:,} users, {args.due:,} due ({url.split(':')[0]})"
        )
        result = measure(url, contacts=contacts, users=args.users, due=args.due, repeat=args.repeat)
        results.append(result)
        line = f"  find what is due: {result['find_ms']:.1f} ms ({result['due']:.0f} reminders)"
        if "tick_ms" in result:
            line += (
                f"; full tick (plan + send {result['sent']:.0f} DMs, in-memory): "
                f"{result['tick_ms']:.0f} ms"
            )
        print(line)
    ratio = results[1]["find_ms"] / results[0]["find_ms"]
    verdict = "PASS" if ratio <= 1.2 else "FAIL"
    print(f"ratio {sizes[1]:,} / {sizes[0]:,} contacts: {ratio:.2f} (must be <= 1.2): {verdict}")
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
