"""One delivery process for the multi-process tests: ticks against a shared database and the
fake Slack until nothing is left to send, then prints its TickReport totals as JSON.

    python -m tests.reminders.proc_worker --db URL --api URL --epoch T0 --worker NAME

Its clock is NINE + (wall time - T0), the same mapping in every process, so leases written by one
process expire on the others' clocks as they would in production, while the planning instant
stays a fixed Thursday morning inside working hours.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.app import Rapport
from bot.config import Settings
from bot.reminders.notifier import Block, DeliveryResult
from bot.slack.client import delivery_client
from bot.slack.notifier import SlackNotifier
from bot.store.db import make_engine, session_factory
from bot.store.reminder_models import ReminderOutbox, ReminderTrack

NINE = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # a Thursday


class Paced:
    """A SlackNotifier that pauses around each send, so a SIGKILL lands mid-batch and often
    between Slack accepting a message and the ledger recording it (the duplicate window)."""

    def __init__(self, inner: SlackNotifier, pause: float) -> None:
        self.inner = inner
        self.pause = pause

    def send(
        self,
        user: str,
        workspace: str,
        text: str,
        blocks: Sequence[Block],
        *,
        key: str | None = None,
        maybe_sent: bool = False,
    ) -> DeliveryResult:
        result = self.inner.send(user, workspace, text, blocks, key=key, maybe_sent=maybe_sent)
        time.sleep(self.pause)
        return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--epoch", type=float, required=True)
    parser.add_argument("--worker", required=True)
    parser.add_argument("--lease", type=float, default=3.0)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--pause", type=float, default=0.0)
    parser.add_argument("--deadline", type=float, default=120.0)
    args = parser.parse_args(argv)

    def clock() -> datetime:
        return NINE + timedelta(seconds=time.time() - args.epoch)

    engine = make_engine(args.db, pool_size=2)
    sessions = session_factory(engine)
    rapport = Rapport(sessions=sessions, clock=clock)
    settings = Settings(  # type: ignore[call-arg]
        SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=args.api, RAPPORT_DATABASE_URL=args.db
    )
    slack = SlackNotifier(delivery_client(settings, timeout=5))
    notifier: Any = Paced(slack, args.pause) if args.pause else slack
    totals: dict[str, int] = {}
    stop_at = time.monotonic() + args.deadline
    print(json.dumps({"event": "started", "worker": args.worker}), flush=True)
    while time.monotonic() < stop_at:
        report = rapport.delivery.tick(
            notifier=notifier,
            worker=args.worker,
            batch=args.batch,
            lease=timedelta(seconds=args.lease),
        )
        for name, value in report.__dict__.items():
            if isinstance(value, int):
                totals[name] = totals.get(name, 0) + value
        if report.claimed == 0 and report.planned_messages == 0:
            with sessions() as session:
                left = session.execute(
                    select(func.count()).where(
                        ReminderOutbox.status.in_(("pending", "claimed"))  # type: ignore[attr-defined]
                    )
                ).scalar_one()
                unplanned = session.execute(
                    select(func.count()).where(
                        ReminderTrack.next_due_at <= NINE  # type: ignore[operator]
                    )
                ).scalar_one()
            if left == 0 and unplanned == 0:
                break
            time.sleep(0.2)  # rows leased by another (maybe dead) process: wait for the lease
    print(json.dumps({"event": "done", "worker": args.worker, **totals}), flush=True)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
