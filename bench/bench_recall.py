"""Recall time over a synthetic workspace, beside the raw full-text query for the same tokens.

    python bench/bench_recall.py [--notes 100000] [--db URL] [--queries 200]

Fills a fresh database (SQLite in a temp dir by default) with realistic notes through bulk
inserts (the FTS triggers index them as in production), then times `Recall.recall` — parse the
question, search, rank, load contacts and authors — and, beside it, the bare FTS query for the same
tokens straight to the database. Prints median and p95 for both and their ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from bot.app import Rapport
from bot.domain.names import name_key
from bot.domain.refs import Actor
from bot.parsing.query import parse_query
from bot.store.db import READING, make_engine, session_factory
from bot.store.migrate import upgrade
from bot.store.models import Contact, Note, NoteContact, User, Workspace

FIRST = [
    "Jane",
    "Sam",
    "Priya",
    "Raj",
    "Ken",
    "Maria",
    "Tom",
    "Lena",
    "Omar",
    "Chen",
    "Olga",
    "Ana",
    "Bob",
    "Zoë",
    "José",
    "Aiko",
    "Liam",
    "Noor",
]
LAST = [
    "Doe",
    "Lee",
    "Nair",
    "Patel",
    "Adams",
    "Garcia",
    "Baker",
    "Fischer",
    "Haddad",
    "Wei",
    "Petrova",
    "Silva",
    "Quist",
    "Ito",
    "Kim",
]
KINDS = ["coffee", "lunch", "dinner", "drinks", "a call", "a video call", "breakfast"]
TOPICS = [
    "talked about the Globex pilot and pricing",
    "she wants a shelter dog, prefers Rottweilers",
    "he is hiring a data engineer for the Berlin office",
    "they are moving to Lisbon next spring",
    "discussed the board deck and the Q3 numbers",
    "wants an intro to a good accountant",
    "her daughter starts university in the autumn",
    "he runs a dog rescue on weekends",
    "asked about our onboarding flow and churn",
    "looking for a cofounder with a sales background",
    "planning a marathon in October",
    "recommended a book on negotiation",
]
# What the parser files as a need for the topics above that voice one (bulk inserts skip the
# parser, so the generator says it): about four notes in ten carry a need, as in real use.
NEEDS = {
    TOPICS[1]: "a shelter dog",
    TOPICS[2]: "a data engineer",
    TOPICS[5]: "an intro to a good accountant",
    TOPICS[9]: "a cofounder with a sales background",
}
QUERIES = [
    "who wanted a shelter dog?",
    "rottweiler",
    "data engineer",
    "Lisbon",
    "accountant",
    "Globex pricing",
    "marathon",
    "who runs a dog rescue?",
    "board deck",
    "cofounder",
]


def populate(
    url: str, notes: int, seed: int = 7, *, users: int = 50, contacts: int | None = None
) -> None:
    """A workspace T1 with `users` people (U1…), `contacts` contacts (default notes/10) and
    `notes` notes, each linked to one contact; one in ten private."""
    rng = random.Random(seed)
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    contacts = contacts if contacts is not None else max(100, notes // 10)
    with engine.begin() as connection:
        connection.execute(insert(Workspace), [{"id": "T1", "name": "bench", "created_at": now}])
        connection.execute(
            insert(User),
            [
                {
                    "workspace_id": "T1",
                    "external_id": f"U{i}",
                    "display_name": f"user{i}",
                    "created_at": now,
                }
                for i in range(1, users + 1)
            ],
        )
        rows = []
        for i in range(contacts):
            display = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
            rows.append(
                {
                    "workspace_id": "T1",
                    "display_name": display,
                    "name_key": name_key(display),
                    "created_at": now,
                }
            )
        connection.execute(insert(Contact), rows)
        batch: list[dict[str, object]] = []
        links: list[dict[str, object]] = []
        for i in range(1, notes + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            when = now - timedelta(days=rng.randint(0, 1500), minutes=rng.randint(0, 1440))
            topics = (rng.choice(TOPICS), rng.choice(TOPICS))
            batch.append(
                {
                    "workspace_id": "T1",
                    "author_id": rng.randint(1, users),
                    "text": f"{rng.choice(KINDS).capitalize()} with {first} {last}, "
                    f"{topics[0]}. {topics[1]}",
                    "visibility": "private" if rng.random() < 0.1 else "team",
                    "occurred_at": when,
                    "logged_at": when,
                    "source": "console",
                    "needs": sorted({NEEDS[t] for t in topics if t in NEEDS}),
                    "tags": [],
                    "sensitive": [],
                    "not_understood": [],
                }
            )
            links.append(
                {"note_id": i, "contact_id": rng.randint(1, contacts), "workspace_id": "T1"}
            )
            if len(batch) == 5000:
                connection.execute(insert(Note), batch)
                connection.execute(insert(NoteContact), links)
                batch, links = [], []
        if batch:
            connection.execute(insert(Note), batch)
            connection.execute(insert(NoteContact), links)
    engine.dispose()


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def raw_query(url: str) -> Callable[[tuple[str, ...]], object]:
    """The floor: the full-text match for the same tokens, ranked by relevance only, top 10.

    A read, as recall's own session is (bot.store.db.reading): on SQLite it takes no write lock,
    so it neither pays for one nor fails while another process writes."""
    engine = make_engine(url).execution_options(**{READING: True})
    if engine.dialect.name == "sqlite":
        sql = text(
            "SELECT rowid FROM note_fts WHERE note_fts MATCH :q ORDER BY bm25(note_fts) LIMIT 10"
        )

        def run(terms: tuple[str, ...]) -> object:
            match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
            with engine.connect() as connection:
                return connection.execute(sql, {"q": match}).all()

        return run
    sql = text(
        "SELECT id FROM note WHERE search @@ plainto_tsquery('english', :q) "
        "ORDER BY ts_rank_cd(search, plainto_tsquery('english', :q)) DESC LIMIT 10"
    )

    def run_pg(terms: tuple[str, ...]) -> object:
        with engine.connect() as connection:
            return connection.execute(sql, {"q": " ".join(terms)}).all()

    return run_pg


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--repeat", type=int, default=20, help="timings per query")
    args = parser.parse_args()

    url = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='rapport-bench-')}/bench.db"
    start = time.perf_counter()
    populate(url, args.notes)
    took = time.perf_counter() - start
    print(f"populated {args.notes:,} notes in {took:.1f} s ({url.split(':')[0]})")

    service = Rapport(
        sessions=session_factory(make_engine(url)),
        clock=lambda: datetime.now(UTC),
        default_tz="UTC",
    )
    actor = Actor(workspace_id="T1", user_id="U1")
    floor = raw_query(url)
    ours: list[float] = []
    raw: list[float] = []
    for query in QUERIES:
        terms = parse_query(query).terms
        service.recall.recall(actor=actor, query=query)  # warm caches
        floor(terms)
        ours += timed(lambda q=query: service.recall.recall(actor=actor, query=q), args.repeat)
        raw += timed(lambda t=terms: floor(t), args.repeat)

    print(f"\n{'figure':<28}{'p50 ms':>10}{'p95 ms':>10}")
    print(f"{'recall (service)':<28}{statistics.median(ours):>10.2f}{p(ours, 0.95):>10.2f}")
    print(f"{'raw full-text query':<28}{statistics.median(raw):>10.2f}{p(raw, 0.95):>10.2f}")
    print(
        f"{'ratio':<28}{statistics.median(ours) / statistics.median(raw):>10.2f}"
        f"{p(ours, 0.95) / p(raw, 0.95):>10.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
