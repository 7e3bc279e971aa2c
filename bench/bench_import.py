"""Importing a large vCard file: time and peak memory, first import and re-import.

    python bench/bench_import.py [--contacts 10000] [--db URL]

Generates an address book of realistic cards (name, one or two emails, phone, company, title,
a birthday on most, a nickname on some, one broken card in every thousand), imports it through
`Transfer.import_contacts` into a fresh SQLite database (or --db), then imports it again (the
idempotent path: every card matches by email). Prints a table: wall time, cards per second, and
peak Python memory (tracemalloc) and the process's peak RSS (ru_maxrss).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import Rapport
from bot.domain.notes import ImportSummary
from bot.domain.refs import Actor
from bot.store.db import make_engine, session_factory
from bot.store.migrate import upgrade

FIRST = ["Jane", "Sam", "Priya", "Raj", "Ken", "Lena", "Omar", "Maria", "Chen", "Olga", "Tom"]
LAST = ["Doe", "Lee", "Nair", "Patel", "Adams", "Fischer", "Haddad", "Garcia", "Wei", "Petrova"]
COMPANIES = ["Globex", "Initech", "Acme", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell"]
TITLES = ["CTO", "Data Engineer", "Head of Sales", "Designer", "Founder", "Accountant"]


def make_vcf(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last} {i}"  # unique names, so every card is a contact
            lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", f"N:{last} {i};{first};;;"]
            lines.append(f"EMAIL;TYPE=INTERNET:{first.lower()}.{i}@example.com")
            if rng.random() < 0.3:
                lines.append(f"EMAIL;TYPE=HOME:{first.lower()}{i}@home.example")
            lines.append(f"TEL;TYPE=CELL:+1 555 {i:07d}")
            lines.append(f"ORG:{rng.choice(COMPANIES)}")
            lines.append(f"TITLE:{rng.choice(TITLES)}")
            if rng.random() < 0.7:
                lines.append(
                    f"BDAY:{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-"
                    f"{rng.randint(1, 28):02d}"
                )
            if rng.random() < 0.1:
                lines.append(f"NICKNAME:{first}{i}")
            if i % 1000 == 999:
                lines.append("BDAY:not a date")  # a bad card: reported, the rest imports
            lines.append("END:VCARD")
            out.write("\r\n".join(lines) + "\r\n")


def measure(
    service: Rapport, actor: Actor, path: Path, *, trace: bool
) -> tuple[ImportSummary, float, int]:
    # tracemalloc roughly doubles the run time, so time and Python memory are separate runs.
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    summary = service.transfer.import_contacts(actor=actor, path=path)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    return summary, elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: SQLite in a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vcf = Path(tmp) / "contacts.vcf"
        make_vcf(vcf, args.contacts)
        engine = make_engine(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        service = Rapport(sessions=session_factory(engine), clock=lambda: datetime.now(UTC))
        actor = Actor(workspace_id="bench", user_id="ana", display_name="Ana")
        size_mb = vcf.stat().st_size / 1e6
        print(f"{args.contacts:,} cards, {size_mb:.1f} MB, {engine.dialect.name}")
        print(
            f"{'run':<10} {'seconds':>8} {'cards/s':>9} {'created':>8} {'skipped':>8} "
            f"{'problems':>9} {'peak py MB':>11}"
        )
        runs = (
            ("first", "bench", False),
            ("again", "bench", False),
            ("traced", "bench-traced", True),  # a fresh workspace, for peak Python memory
        )
        for label, workspace, trace in runs:
            who = Actor(workspace_id=workspace, user_id=actor.user_id, display_name="Ana")
            summary, elapsed, peak = measure(service, who, vcf, trace=trace)
            print(
                f"{label:<10} {elapsed:>8.2f} {summary.total / elapsed:>9,.0f} "
                f"{summary.created:>8,} {summary.skipped:>8,} {len(summary.problems):>9} "
                f"{(f'{peak / 1e6:.1f}' if trace else '-'):>11}"
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(f"process peak RSS: {rss:.0f} MB")
        engine.dispose()


if __name__ == "__main__":
    main()
