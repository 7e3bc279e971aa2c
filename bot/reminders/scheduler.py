"""When to look: one APScheduler 3.x BackgroundScheduler job per process that runs a tick.

The database decides *what* is due (bot.reminders.plan and outbox); this only calls `tick` every
`interval` seconds. `max_instances=1` keeps ticks in a process from overlapping, `coalesce=True`
folds ticks missed while the process was busy or asleep into one, and the job store is
APScheduler's in-memory one: job stores must never be shared between processes, and nothing is
lost on restart because the reminders live in Rapport's own tables. Several processes may each
run a scheduler; the outbox's claims keep them from sending the same DM.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.reminders.notifier import Notifier
from bot.reminders.outbox import DEFAULT_LEASE
from bot.reminders.tick import Clock, TickReport, default_worker, tick
from bot.store.db import SessionFactory

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.app import Rapport
    from bot.standing.review import Reviews

log = logging.getLogger("rapport.reminders.scheduler")

DEFAULT_INTERVAL_SECONDS = 60
JOB_ID = "rapport-reminders-tick"

__all__ = ["ReminderScheduler", "start_for_serve", "tick"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ReminderScheduler:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        notifier: Notifier,
        clock: Clock = _utc_now,
        default_tz: str = "UTC",
        interval: float = DEFAULT_INTERVAL_SECONDS,
        worker: str | None = None,
        lease: timedelta = DEFAULT_LEASE,
        reviews: Reviews | None = None,
    ) -> None:
        self.reviews = reviews
        self.sessions = sessions
        self.notifier = notifier
        self.clock = clock
        self.default_tz = default_tz
        self.interval = interval
        self.worker = worker or default_worker()
        self.lease = lease
        self._scheduler: Any = None
        self._lock = threading.Lock()
        self.last_report: TickReport | None = None

    def run_once(self) -> TickReport:
        """One tick now, on this thread (what the job runs)."""
        report = tick(
            sessions=self.sessions,
            notifier=self.notifier,
            now=self.clock(),
            clock=self.clock,
            worker=self.worker,
            default_tz=self.default_tz,
            lease=self.lease,
        )
        self.last_report = report
        if report.planned_messages or report.claimed:
            log.info("reminders: %s", report.summary())
        self._weekly_reviews()
        return report

    def _weekly_reviews(self) -> None:
        """The opt-in weekly review DMs (Monday, at the digest hour); each week is claimed in the
        database first, so several processes ticking still send each review once."""
        from bot.standing_blocks import review_sender

        if self.reviews is None:
            return
        delivery = self.reviews.deliver_reviews(
            send=review_sender(self.notifier, tz=self.default_tz), now=self.clock()
        )
        if delivery.sent or delivery.failed:
            log.info("weekly reviews: %d sent, %d failed", len(delivery.sent), len(delivery.failed))

    def _job(self) -> None:
        try:
            self.run_once()
        except Exception:  # a bad tick must not kill the scheduler thread; the next one retries
            log.exception("reminders: tick failed")

    def start(self) -> None:
        """Start the background job; the first tick runs right away (catching up after downtime)."""
        from apscheduler.schedulers.background import BackgroundScheduler

        with self._lock:
            if self._scheduler is not None:
                return
            scheduler = BackgroundScheduler(
                timezone=UTC,
                job_defaults={
                    "coalesce": True,
                    "max_instances": 1,
                    "misfire_grace_time": max(1, int(self.interval)),
                },
            )
            scheduler.add_job(
                self._job,
                "interval",
                seconds=self.interval,
                id=JOB_ID,
                next_run_time=datetime.now(UTC),
                replace_existing=True,
            )
            scheduler.start()
            self._scheduler = scheduler

    @property
    def running(self) -> bool:
        return self._scheduler is not None and bool(self._scheduler.running)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop ticking; with `wait`, let a tick in progress finish (its claims stay valid)."""
        with self._lock:
            scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=wait)


def start_for_serve(
    *,
    rapport: Rapport,
    client: WebClient,
    interval: float = DEFAULT_INTERVAL_SECONDS,
) -> ReminderScheduler:
    """What `rapport serve` calls after building the service and the WebClient: reminders go out
    as Slack DMs through that client (and its retry handlers). Call `.shutdown()` on exit."""
    from bot.reminders.slack_notifier import SlackNotifier

    scheduler = ReminderScheduler(
        sessions=rapport.sessions,
        notifier=SlackNotifier(client),
        clock=rapport.clock,
        default_tz=rapport.default_tz,
        interval=interval,
        reviews=rapport.reviews,
    )
    scheduler.start()
    return scheduler
