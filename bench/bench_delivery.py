"""Delivery throughput against the local fake Slack, with duplicates counted at "Slack".

    .venv/bin/python bench/bench_delivery.py                      # 2,000 DMs, 1 process, SQLite
    .venv/bin/python bench/bench_delivery.py --count 5000 --rate-limit 20
    .venv/bin/python bench/bench_delivery.py --db postgresql+psycopg://postgres@127.0.0.1/bench \
        --processes 3

The outbox is filled with COUNT ready DMs (one per user); then one process (or PROCESSES
`tests.reminders.proc_worker` processes, PostgreSQL only) claims and sends them through the real
WebClient (slack_sdk retry handlers on) to tests/slack/fakeslack.py. `--rate-limit N` makes every
Nth chat.postMessage answer 429 with Retry-After: 0 first. Prints DMs/s and the number of keys
Slack accepted more than once (must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.app import Rapport  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.slack.client import build_client  # noqa: E402
from bot.slack.notifier import SlackNotifier  # noqa: E402
from bot.store.db import make_engine, session_factory  # noqa: E402
from bot.store.migrate import upgrade  # noqa: E402
from bot.store.models import User, Workspace  # noqa: E402
from bot.store.reminder_models import ReminderOutbox, ReminderSettings  # noqa: E402
from tests.reminders.fakes import ReminderSlack  # noqa: E402
from tests.reminders.proc_worker import NINE  # noqa: E402


class Storm(ReminderSlack):
    """Every `every`-th chat.postMessage is first answered 429 (Retry-After: 0)."""

    def __init__(self, every: int) -> None:
        super().__init__()
        self.every = every
        self.seen = 0

    def handle(
        self, http_method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        if self.every and path.startswith("/api/chat.postMessage"):
            self.seen += 1
            if self.seen % self.every == 0:
                self.rate_limit_next("chat.postMessage", times=1, retry_after=0)
        return super().handle(http_method, path, headers, raw)


def seed(url: str, count: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    before = NINE - timedelta(days=1)
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
                    "display_name": "",
                    "created_at": before,
                }
                for u in range(1, count + 1)
            ],
        )
        conn.execute(
            insert(ReminderSettings),
            [
                {
                    "user_id": u,
                    "workspace_id": "T1",
                    "digest_hour": 9,
                    "work_days": 0b1111111,
                    "work_start": 0,
                    "work_end": 24,
                    "daily_cap": 5,
                    "mode": "digest",
                    "updated_at": before,
                }
                for u in range(1, count + 1)
            ],
        )
        item: dict[str, Any] = {
            "kind": "stay_in_touch",
            "subject": "contact:1",
            "contact_id": 1,
            "contact": "Jane Doe",
            "due": NINE.isoformat(),
            "slot": NINE.isoformat(),
            "every_days": 30,
        }
        conn.execute(
            insert(ReminderOutbox),
            [
                {
                    "workspace_id": "T1",
                    "user_id": u,
                    "kind": "digest",
                    "subject": f"user:{u}",
                    "local_date": "2026-03-05",
                    "item_count": 1,
                    "due_at": NINE,
                    "available_at": NINE,
                    "payload": {"tz": "UTC", "items": [{**item, "key": f"stay_in_touch:u{u}"}]},
                    "status": "pending",
                    "attempts": 0,
                    "dedupe_key": f"digest:{u}:2026-03-05:1",
                    "created_at": before,
                }
                for u in range(1, count + 1)
            ],
        )
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--db", help="PostgreSQL URL (emptied first); default a SQLite file")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--rate-limit", type=int, default=0, metavar="N")
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    if args.db:
        from tests.conftest import reset_postgres

        reset_postgres(args.db, blank=True)
        url = args.db
    else:
        if args.processes > 1:
            parser.error("--processes > 1 needs --db (PostgreSQL)")
        url = f"sqlite:///{tempfile.mkdtemp()}/delivery.db"
    seed(url, args.count)
    fake = Storm(args.rate_limit).start()
    try:
        started = time.monotonic()
        if args.processes == 1:
            settings = Settings(  # type: ignore[call-arg]
                SLACK_BOT_TOKEN="xoxb-bench", SLACK_API_URL=fake.api_url, RAPPORT_DATABASE_URL=url
            )
            engine = make_engine(url)
            clock_base = time.time()

            def clock() -> Any:
                return NINE + timedelta(seconds=time.time() - clock_base)

            rapport = Rapport(sessions=session_factory(engine), clock=clock)
            report = rapport.delivery.tick(
                notifier=SlackNotifier(build_client(settings)),
                worker="bench",
                batch=args.batch,
                plan_first=False,
            )
            engine.dispose()
            retried = report.retried
        else:
            env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
            env["PYTHONPATH"] = str(ROOT)
            epoch = time.time()
            procs = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "tests.reminders.proc_worker",
                        "--db",
                        url,
                        "--api",
                        fake.api_url,
                        "--epoch",
                        str(epoch),
                        "--worker",
                        f"w{i}",
                        "--batch",
                        str(args.batch),
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for i in range(args.processes)
            ]
            retried = 0
            for proc in procs:
                out, _ = proc.communicate(timeout=600)
                retried += json.loads(out.strip().splitlines()[-1]).get("retried", 0)
        elapsed = time.monotonic() - started
    finally:
        fake.stop()
    keys = fake.reminder_keys()
    duplicates = sum(n - 1 for n in keys.values())
    print(
        f"{len(keys):,}/{args.count:,} DMs delivered by {args.processes} process(es) in "
        f"{elapsed:.1f} s: {len(keys) / elapsed:,.0f} DMs/s; 429s answered: "
        f"{args.count // args.rate_limit if args.rate_limit else 0}; left for a later tick: "
        f"{retried}; duplicates: {duplicates}"
    )
    return 0 if duplicates == 0 and (len(keys) == args.count or retried) else 1


if __name__ == "__main__":
    raise SystemExit(main())
