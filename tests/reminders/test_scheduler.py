"""The APScheduler wrapper: one job per process, no overlap, missed runs folded into one, running
the jobs the composition root gives it. Reminder behaviour is tested through the tick directly;
this only checks the wiring."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bot.reminders.notifier import MemoryNotifier
from bot.reminders.scheduler import JOB_ID
from bot.reminders.tick import TickReport
from tests.reminders.world import World


def test_start_runs_a_tick_at_once_and_shutdown_stops(world: World) -> None:
    world.cadence("ana", "Jane Doe", 30)
    world.at(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))  # Thursday
    notifier = MemoryNotifier()
    scheduler = world.app.scheduler(notifier, interval=3600)
    scheduler.start()
    try:
        job = scheduler._scheduler.get_job(JOB_ID)
        assert (job.max_instances, job.coalesce) == (1, True)
        assert len(scheduler._scheduler.get_jobs()) == 1
        deadline = time.monotonic() + 10
        while scheduler.last_results is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert scheduler.last_results is not None
        tick_report = scheduler.last_results[0]
        assert isinstance(tick_report, TickReport) and tick_report.sent == 1
        scheduler.start()  # idempotent: still one job
        assert len(scheduler._scheduler.get_jobs()) == 1
    finally:
        scheduler.shutdown()
    assert not scheduler.running
    assert len(notifier.sent) == 1


def test_each_tick_also_sends_the_opt_in_weekly_review_once(world: World) -> None:
    monday = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)
    world.at(monday).note("ana", "coffee with Jane", about=("Jane Doe",), days_ago=2)
    world.app.standing.update_settings(actor=world.actor("ana"), weekly_review=True)
    notifier = MemoryNotifier()
    scheduler = world.app.scheduler(notifier)
    scheduler.run_once()
    scheduler.run_once()  # the week is claimed: no second review
    reviews = [sent for sent in notifier.sent if "week" in sent.text.lower()]
    assert len(reviews) == 1 and reviews[0].user == "ana"
