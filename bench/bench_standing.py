"""How long the fading list and "your next five" take for one user with many contacts.

    .venv/bin/python bench/bench_standing.py            # 100,000 contacts, SQLite
    .venv/bin/python bench/bench_standing.py --quick    # 20,000 contacts
    .venv/bin/python bench/bench_standing.py --db postgresql+psycopg://postgres@127.0.0.1/bench

One user knows every contact: two notes each by that user (spread over two years, so the
fading aggregate reads 2 × CONTACTS notes), a teammate's note on every tenth contact, 200 open
loops, 25 focus contacts, 500 cadences, birthdays on every 50th contact and bad news on a few.
Each figure is the median of --repeat calls through the standing use cases, as the console and
Slack call it (a session opened, the user looked up, the page filled in). Target: well under
100 ms for the first fading page and for the next five.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine

from bot.app import Rapport
from bot.domain.refs import Actor
from bot.store.db import make_engine, session_factory
from bot.store.focus_models import FocusContact
from bot.store.migrate import upgrade
from bot.store.models import Contact, Loop, Note, NoteContact, Occasion, User, Workspace
from bot.store.reminder_models import ReminderCadence

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana", tz="UTC")
CHUNK = 10_000
TARGET_MS = 100.0


def _note(
    note_id: int, author: int, when: datetime, text_: str, **extra: object
) -> dict[str, object]:
    row: dict[str, object] = {
        "id": note_id,
        "workspace_id": "T1",
        "author_id": author,
        "text": text_,
        "kind": "coffee",
        "initiator": None,
        "visibility": "team",
        "occurred_at": when,
        "logged_at": when,
        "source": "console",
        "needs": [],
        "tags": [],
        "sensitive": [],
        "not_understood": [],
    }
    row.update(extra)
    return row


def build(engine: Engine, *, contacts: int) -> None:
    """Bulk rows through the production schema (and its search triggers), once per file."""
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(Contact)).scalar_one()
    if have == contacts:
        return
    start_at = NOW - timedelta(days=730)
    with engine.begin() as conn:
        conn.execute(
            insert(Workspace),
            [{"id": "T1", "name": "", "default_visibility": "team", "created_at": start_at}],
        )
        conn.execute(
            insert(User),
            [
                {
                    "id": 1,
                    "workspace_id": "T1",
                    "external_id": "U_ANA",
                    "display_name": "Ana",
                    "tz": "UTC",
                    "created_at": start_at,
                },
                {
                    "id": 2,
                    "workspace_id": "T1",
                    "external_id": "U_BOB",
                    "display_name": "Bob",
                    "tz": "UTC",
                    "created_at": start_at,
                },
            ],
        )
    started = time.monotonic()
    note_id = 0
    for first in range(1, contacts + 1, CHUNK):
        ids = range(first, min(contacts, first + CHUNK - 1) + 1)
        rows: dict[type, list[dict[str, object]]] = {
            t: []
            for t in (Contact, Note, NoteContact, Loop, Occasion, ReminderCadence, FocusContact)
        }
        for cid in ids:
            rows[Contact].append(
                {
                    "id": cid,
                    "workspace_id": "T1",
                    "display_name": f"Person {cid}",
                    "name_key": f"person {cid}",
                    "created_at": start_at,
                }
            )
            # Two notes by Ana, spread so that every day of two years has someone last seen.
            last = NOW - timedelta(minutes=(cid * 7919) % (730 * 24 * 60))
            for when, author in ((last - timedelta(days=90), 1), (last, 1)):
                note_id += 1
                extra: dict[str, object] = {}
                if cid % 997 == 0 and author == 1 and when == last:
                    extra = {"sensitive": ["house fire"], "occurred_at": NOW - timedelta(days=2)}
                rows[Note].append(
                    _note(note_id, author, when, f"coffee with person {cid}", **extra)
                )
                rows[NoteContact].append(
                    {
                        "note_id": note_id,
                        "contact_id": cid,
                        "workspace_id": "T1",
                        "sensitive": extra.get("sensitive", []),
                    }
                )
            if cid % 10 == 0:
                note_id += 1
                rows[Note].append(_note(note_id, 2, NOW - timedelta(days=cid % 60), "lunch"))
                rows[NoteContact].append(
                    {"note_id": note_id, "contact_id": cid, "workspace_id": "T1", "sensitive": []}
                )
            if cid % (contacts // 200 or 1) == 0:
                rows[Loop].append(
                    {
                        "workspace_id": "T1",
                        "owner_id": 1,
                        "contact_id": cid,
                        "direction": "you_owe",
                        "what": "the deck",
                        "due_at": NOW - timedelta(days=cid % 9),
                        "status": "open",
                        "source_note_id": note_id,
                        "created_at": NOW - timedelta(days=10),
                    }
                )
            if cid % 50 == 0:
                day = NOW + timedelta(days=cid % 365)
                rows[Occasion].append(
                    {
                        "workspace_id": "T1",
                        "contact_id": cid,
                        "kind": "birthday",
                        "month": day.month,
                        "day": day.day,
                        "year": None,
                        "source_note_id": None,
                    }
                )
            if cid % (contacts // 500 or 1) == 0:
                rows[ReminderCadence].append(
                    {
                        "workspace_id": "T1",
                        "owner_id": 1,
                        "kind": "contact",
                        "subject": f"contact:{cid}",
                        "contact_id": cid,
                        "every_days": 30,
                        "created_at": start_at,
                    }
                )
            if cid % (contacts // 25 or 1) == 0:
                rows[FocusContact].append(
                    {"owner_id": 1, "contact_id": cid, "workspace_id": "T1", "created_at": start_at}
                )
        with engine.begin() as conn:
            for table, values in rows.items():
                if values:
                    conn.execute(insert(table), values)
        done = min(contacts, first + CHUNK - 1)
        rate = done / (time.monotonic() - started)
        print(f"\r  built {done:,}/{contacts:,} contacts ({rate:,.0f}/s)", end="", flush=True)
    print()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("user", "contact", "note", "loop", "occasion", "reminder_cadence"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                    f'(SELECT max(id) FROM "{table}"))'
                )
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.execute(text("ANALYZE"))


def timed(call: Callable[[], object], repeat: int) -> tuple[float, object]:
    call()  # warm caches
    runs = []
    result: object = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 contacts")
    parser.add_argument("--contacts", type=int, help="how many contacts (default 100,000)")
    parser.add_argument("--db", help="a PostgreSQL URL (the database is emptied first)")
    parser.add_argument("--dir", default="/tmp/rapport-bench", help="where SQLite files live")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    contacts = args.contacts or (20_000 if args.quick else 100_000)
    if args.db:
        from tests.conftest import reset_postgres

        reset_postgres(args.db, blank=True)
        url = args.db
    else:
        Path(args.dir).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{args.dir}/standing-{contacts}.db"
    engine = make_engine(url)
    upgrade(engine)
    print(f"{contacts:,} contacts, {2 * contacts + contacts // 10:,} notes ({url.split(':')[0]})")
    build(engine, contacts=contacts)
    standing = Rapport(
        sessions=session_factory(engine), clock=lambda: NOW, default_tz="UTC"
    ).standing
    figures = [
        ("fading, page 1", lambda: standing.fading(actor=ANA), True),
        ("fading, page 100", lambda: standing.fading(actor=ANA, page=100), False),
        ("fading --team, page 1", lambda: standing.fading(actor=ANA, team=True), False),
        ("your next five", lambda: standing.next_actions(actor=ANA), True),
        ("focus list (25)", lambda: standing.focus_list(actor=ANA), False),
    ]
    failed = False
    for name, call, targeted in figures:
        ms, result = timed(call, args.repeat)
        rows = getattr(result, "rows", result)
        count = len(rows) if isinstance(rows, tuple) else 0
        verdict = ""
        if targeted:
            verdict = f"  (target < {TARGET_MS:.0f} ms: {'PASS' if ms < TARGET_MS else 'FAIL'})"
            failed = failed or ms >= TARGET_MS
        print(f"  {name:<24} {ms:8.1f} ms  {count:>3} rows{verdict}")
    engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
