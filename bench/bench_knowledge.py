"""The workspace snapshot the parser reads (bot/notes/knowledge.py), by workspace size.

    python bench/bench_knowledge.py [--sizes 1000,10000,50000]

For each size, fills a fresh SQLite database with that many contacts (one in ten with an
alias), then times the stamp (the one query before every note) and a full build (rows to
`Knowledge` to the parser's lookup tables, as `KnowledgeCache.get` does it on a change).
Prints the medians; docs/understanding.md quotes them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from bot.domain.names import name_key
from bot.notes.knowledge import KnowledgeCache, stamp
from bot.store.db import make_engine, session_factory
from bot.store.migrate import upgrade
from bot.store.models import Contact, ContactAlias, Workspace

GIVEN = [
    "Anna",
    "Kai",
    "Mei",
    "Yusuf",
    "Priya",
    "Tom",
    "Lena",
    "Omar",
    "Sam",
    "Raj",
    "Zoë",
    "Aoife",
    "Chen",
    "Olga",
    "Ines",
    "Tariq",
]
FAMILY = [
    "Berg",
    "Tanaka",
    "Rahimi",
    "Nair",
    "Baker",
    "Fischer",
    "Haddad",
    "Lee",
    "Patel",
    "Martin",
    "Walsh",
    "Wei",
    "Costa",
]
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def measure(size: int, folder: Path) -> tuple[float, float]:
    """(median stamp seconds, median build seconds) for a workspace of `size` contacts."""
    engine = make_engine(f"sqlite:///{folder / f'knowledge-{size}.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    rng = random.Random(size)
    try:
        with sessions() as session:
            session.add(Workspace(id="T", created_at=NOW))
            session.flush()
            names = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}{i}" for i in range(size)]
            session.execute(
                insert(Contact),
                [
                    {
                        "workspace_id": "T",
                        "display_name": n,
                        "name_key": name_key(n),
                        "created_at": NOW,
                    }
                    for n in names
                ],
            )
            session.execute(
                insert(ContactAlias),
                [
                    {
                        "workspace_id": "T",
                        "contact_id": i + 1,
                        "alias": f"Nick{i}",
                        "alias_key": f"nick{i}",
                    }
                    for i in range(0, size, 10)
                ],
            )
            session.commit()
            stamps = []
            for _ in range(50):
                started = time.perf_counter()
                stamp(session, workspace_id="T")
                stamps.append(time.perf_counter() - started)
            builds = []
            for _ in range(3):
                started = time.perf_counter()
                KnowledgeCache().get(session, workspace_id="T")
                builds.append(time.perf_counter() - started)
        return statistics.median(stamps), statistics.median(builds)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="contacts per workspace")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rapport-knowledge-") as tmp:
        print("| contacts | stamp (median) | build (median) |")
        print("|---|---|---|")
        for size in (int(x) for x in args.sizes.split(",")):
            s, b = measure(size, Path(tmp))
            print(f"| {size:,} | {s * 1e3:.2f} ms | {b * 1e3:.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
