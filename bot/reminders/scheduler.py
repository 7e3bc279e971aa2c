"""When to look: one APScheduler 3.x BackgroundScheduler job per process that runs, every
`interval` seconds, the jobs it is given (bot/app.py gives it the reminder tick and the weekly
reviews), like python-telegram-bot's JobQueue.

The database decides *what* is due; this only decides *when to look*. `max_instances=1` keeps
runs in a process from overlapping, `coalesce=True` folds runs missed while the process was busy
or asleep into one, and the job store is APScheduler's in-memory one: job stores must never be
shared between processes, and nothing is lost on restart because the reminders live in Rapport's
own tables. Several processes may each run a scheduler; the outbox's claims keep them from
sending the same DM.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("rapport.reminders.scheduler")

DEFAULT_INTERVAL_SECONDS = 60
JOB_ID = "rapport-reminders-tick"

Job = Callable[[], object]


class Scheduler:
    def __init__(self, jobs: Sequence[Job], *, interval: float = DEFAULT_INTERVAL_SECONDS) -> None:
        self.jobs = tuple(jobs)
        self.interval = interval
        self._scheduler: Any = None
        self._lock = threading.Lock()
        self.last_results: list[object] | None = None  # what each job returned last time

    def run_once(self) -> list[object]:
        """Every job once, in order, on this thread (what the scheduled job runs). A job that
        raises is logged and the others still run; the next run tries it again."""
        results: list[object] = []
        for job in self.jobs:
            try:
                results.append(job())
            except Exception as exc:
                log.exception("scheduled job %s failed", getattr(job, "__name__", job))
                results.append(exc)
        self.last_results = results
        return results

    def start(self) -> None:
        """Start the background job; the first run is right away (catching up after downtime)."""
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
                self.run_once,
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
        """Stop; with `wait`, let a run in progress finish (its outbox claims stay valid)."""
        with self._lock:
            scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=wait)
