"""One tick: plan what is due into the outbox, then deliver what the outbox holds.

`tick` is a plain function with every dependency passed in, including how a DM is rendered:
the composition root hands in Block Kit (and the digest's "also worth doing today"), so the
reminders core imports no adapter. `Delivery` is the use case around it that the scheduler's
job, `rapport deliver` and the tests call with a fixed or a real clock; the scheduler only
decides when.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Unpack

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import col, select

from bot.domain.briefs import KIND_BRIEF
from bot.domain.reminders import Item
from bot.reminders import outbox
from bot.reminders.collect import collect, sweep
from bot.reminders.enqueue import enqueue
from bot.reminders.facts import load_schedules
from bot.reminders.meetings import MEETING_KINDS, plan_meetings
from bot.reminders.notifier import Block, DeliveryResult, Notifier
from bot.reminders.pacing import Pacing
from bot.reminders.planner import Schedule, quiet_until
from bot.reminders.tracks import ingest
from bot.store.calendar_models import UpcomingMeeting
from bot.store.db import SessionFactory, reading
from bot.store.models import User
from bot.store.reminder_models import ReminderOutbox
from bot.usecases import Shared, UseCases

log = logging.getLogger("rapport.reminders")

Clock = Callable[[], datetime]
DEFAULT_BATCH = 50
MAX_PLAN_ROUNDS = 10
MAX_DELIVERY_BATCHES = 200
RATE_LIMITED = "rate limited by Slack (HTTP 429): waiting for Retry-After"


@dataclass(frozen=True)
class Outgoing:
    """One DM about to leave: whose, which kind (a digest or one item's kind), what it holds."""

    user_id: int
    workspace_id: str
    kind: str
    items: tuple[Item, ...]
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)  # a meeting DM's meeting

    @property
    def digest(self) -> bool:
        return self.kind == "digest"


# (message, now, the recipient's zone) -> (notification text, blocks), rendered at send time so
# "3 days late" is true when read.
Render = Callable[[Outgoing, datetime, str], tuple[str, list[Block]]]


def default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class TickReport:
    planned_messages: int = 0
    planned_items: int = 0
    held: int = 0
    plan_conflicts: int = 0
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    postponed: int = 0
    skipped: int = 0  # meeting DMs not sent: the meeting began, moved or was called off
    rate_limited: int = 0  # put back until Slack's Retry-After for their workspace has passed
    lost: int = 0  # a lease this worker held went to another worker before sending
    duplicates: int = 0  # sent, but the ledger already had it (another worker sent it too)
    sent_keys: list[str] = field(default_factory=list)  # outbox dedupe keys delivered
    sent_items: list[str] = field(default_factory=list)  # the reminder keys inside them

    def summary(self) -> str:
        return (
            f"planned {self.planned_messages} DM(s) with {self.planned_items} reminder(s) "
            f"({self.held} held for later); sent {self.sent}, retrying {self.retried}, "
            f"failed {self.failed}, waiting for working hours {self.postponed}"
            + (f", waiting for Slack's rate limit {self.rate_limited}" if self.rate_limited else "")
            + (f", duplicates {self.duplicates}" if self.duplicates else "")
        )


def plan_due(
    sessions: SessionFactory, *, now: datetime, default_tz: str, report: TickReport | None = None
) -> TickReport:
    """Ingest new loops/occasions, sweep, then collect and enqueue until nothing more is due."""
    report = report or TickReport()
    try:
        with sessions() as session:
            ingest(session, now=now)
            sweep(session, now=now, default_tz=default_tz)
            session.commit()
    except (IntegrityError, OperationalError, DBAPIError) as exc:
        # Another process ingested or swept the same rows at the same moment; it did the work.
        log.info("reminders: ingest/sweep skipped this tick: %s", exc.__class__.__name__)
    try:
        report.planned_messages += plan_meetings(sessions, now=now, default_tz=default_tz)
    except (OperationalError, DBAPIError) as exc:
        log.warning("reminders: meeting DMs deferred to the next tick: %s", exc.__class__.__name__)
    for _ in range(MAX_PLAN_ROUNDS):
        with reading(sessions()) as session:  # a read: it holds no writer up
            plans = collect(session, now=now, default_tz=default_tz)
        if not plans:
            break
        result = enqueue(sessions, plans, now=now)
        report.planned_messages += result.messages
        report.planned_items += result.items
        report.held += result.held
        report.plan_conflicts += result.conflicts
        if result.conflicts == len(plans):
            break  # everything raced with another process: it will finish the job
    return report


def tick(
    *,
    sessions: SessionFactory,
    notifier: Notifier,
    render: Render,
    now: datetime,
    clock: Clock | None = None,
    worker: str | None = None,
    default_tz: str = "UTC",
    batch: int = DEFAULT_BATCH,
    lease: timedelta = outbox.DEFAULT_LEASE,
    plan_first: bool = True,
    max_batches: int = MAX_DELIVERY_BATCHES,
    pacing: Pacing | None = None,
) -> TickReport:
    """Plan (unless `plan_first=False`) and deliver. `now` is the planning instant; `clock`
    (default: always `now`) times leases while sending, so real deployments pass a real clock.
    `pacing` keeps Slack's rate limits across ticks (a fresh one when not given)."""
    clock = clock or (lambda: now)
    worker = worker or default_worker()
    pacing = pacing if pacing is not None else Pacing()
    report = TickReport()
    if plan_first:
        plan_due(sessions, now=now, default_tz=default_tz, report=report)
    for _ in range(max_batches):
        at = clock()
        claimed = outbox.claim(
            sessions,
            now=at,
            worker=worker,
            lease=lease,
            limit=batch,
            skip_workspaces=pacing.held(at),
        )
        if not claimed:
            break
        report.claimed += len(claimed)
        deliver(
            sessions,
            claimed,
            notifier=notifier,
            render=render,
            clock=clock,
            worker=worker,
            lease=lease,
            default_tz=default_tz,
            report=report,
            pacing=pacing,
        )
    return report


def deliver(
    sessions: SessionFactory,
    claimed: Sequence[outbox.Claimed],
    *,
    notifier: Notifier,
    render: Render,
    clock: Clock,
    worker: str,
    lease: timedelta,
    default_tz: str,
    report: TickReport,
    pacing: Pacing | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Send each claimed row once. A row whose recipient just had DMs (Slack's one per second
    per channel) waits until the rest of the batch has gone; a row of a workspace Slack is
    rate-limiting goes back to the outbox until the hold ends, and the batch carries on."""
    pacing = pacing if pacing is not None else Pacing()
    recipients = _recipients(sessions, {row.user_id for row in claimed}, default_tz=default_tz)
    send = partial(
        _deliver_one,
        sessions,
        notifier=notifier,
        render=render,
        clock=clock,
        worker=worker,
        lease=lease,
        report=report,
        pacing=pacing,
    )
    waiting: list[outbox.Claimed] = []
    for row in claimed:
        recipient = recipients.get(row.user_id)
        if recipient is not None and pacing.recipient_wait(row.workspace_id, recipient[0]) > 0:
            waiting.append(row)
            continue
        send(row, recipient)
    for row in waiting:
        recipient = recipients[row.user_id]
        wait = pacing.recipient_wait(row.workspace_id, recipient[0])
        if wait > 0 and pacing.held_until(row.workspace_id, clock()) is None:
            sleep(wait)  # at most one interval; everything else in the batch has gone
        send(row, recipient)


def _deliver_one(
    sessions: SessionFactory,
    row: outbox.Claimed,
    recipient: tuple[str, Schedule] | None,
    /,
    *,
    notifier: Notifier,
    render: Render,
    clock: Clock,
    worker: str,
    lease: timedelta,
    report: TickReport,
    pacing: Pacing,
) -> None:
    now = clock()
    if recipient is None:
        outbox.fail(sessions, row, worker=worker, now=now, error="user no longer exists")
        report.failed += 1
        return
    held = pacing.held_until(row.workspace_id, now)
    if held is not None:
        outbox.postpone(sessions, row, worker=worker, until=held, reason=RATE_LIMITED)
        report.rate_limited += 1
        return
    user, schedule = recipient
    if row.kind in MEETING_KINDS:
        off = _meeting_off(sessions, row, now)
        if off is not None:
            outbox.skip(sessions, row, worker=worker, error=off)
            report.skipped += 1
            return
    # A brief is for a meeting the person is about to be in: working hours don't hold it.
    opens = None if row.kind == KIND_BRIEF else quiet_until(now, schedule)
    if opens is not None:
        outbox.postpone(sessions, row, worker=worker, until=opens)
        report.postponed += 1
        return
    # Fencing: only send while this worker still holds the row, and for long enough.
    if not outbox.renew(sessions, row, worker=worker, until=now + lease):
        report.lost += 1
        return
    items = tuple(Item.from_json(i) for i in row.payload.get("items", []))
    message = Outgoing(
        row.user_id, row.workspace_id, row.kind, items, row.due_at, dict(row.payload)
    )
    text, blocks = render(message, now, schedule.tz)
    pacing.posted(row.workspace_id, user)
    try:
        result = notifier.send(
            user,
            row.workspace_id,
            text,
            blocks,
            key=row.dedupe_key,
            maybe_sent=row.attempts > 1,
        )
    except Exception as exc:  # an adapter bug must not stop the other reminders
        log.exception("reminders: notifier raised for %s", row.dedupe_key)
        result = DeliveryResult(ok=False, error=f"{exc.__class__.__name__}: {exc}")
    done = clock()
    if result.ok:
        if outbox.record_sent(
            sessions, row, worker=worker, now=done, channel=result.channel, ts=result.ts
        ):
            report.sent += 1
            report.sent_keys.append(row.dedupe_key)
            report.sent_items.extend(item.key for item in items)
        else:
            report.duplicates += 1
            log.error("reminders: %s was delivered twice", row.dedupe_key)
    elif result.rate_limited:
        # Slack did not take it: the workspace waits out Retry-After, in every process, and
        # this row with it; no attempt is used up.
        until = pacing.hold(row.workspace_id, now=done, retry_after=result.retry_after)
        outbox.hold_workspace(sessions, row.workspace_id, until=until)
        outbox.postpone(sessions, row, worker=worker, until=until, reason=RATE_LIMITED)
        report.rate_limited += 1
        log.info(
            "reminders: workspace %s is rate limited by Slack until %s",
            row.workspace_id,
            until.isoformat(),
        )
    elif result.permanent:
        outbox.fail(sessions, row, worker=worker, now=done, error=result.error or "failed")
        report.failed += 1
    else:
        status = outbox.release(
            sessions,
            row,
            worker=worker,
            now=done,
            error=result.error or "failed",
            retry_after=result.retry_after,
        )
        if status == "failed":
            report.failed += 1
        else:
            report.retried += 1


def _meeting_off(sessions: SessionFactory, row: outbox.Claimed, now: datetime) -> str | None:
    """Why a meeting DM must not go now (None: it may): a brief once its meeting has begun
    (late is skipped, not sent), either kind once the meeting moved or was cancelled."""
    try:
        starts = datetime.fromisoformat(str(row.payload["starts_at"]))
        meeting_id = int(row.payload["meeting_id"])
    except (KeyError, TypeError, ValueError):
        return "no meeting in the payload"
    if row.kind == KIND_BRIEF and now >= starts:
        return "late: the meeting had begun"
    with reading(sessions()) as session:
        meeting = session.get(UpcomingMeeting, meeting_id)
        if meeting is None or meeting.state != "scheduled":
            return "the meeting was cancelled"
        if meeting.start_at != starts:
            return "the meeting moved"
    return None


def _recipients(
    sessions: SessionFactory, user_ids: set[int], *, default_tz: str
) -> dict[int, tuple[str, Schedule]]:
    with reading(sessions()) as session:
        users, schedules = load_schedules(session, user_ids, default_tz=default_tz)
    return {uid: (users[uid].external_id, schedules[uid]) for uid in users}


def pending(
    sessions: SessionFactory, *, now: datetime, user_ids: set[int] | None = None
) -> list[dict[str, Any]]:
    """Outbox rows the next tick would send (ready now), for `rapport due`."""
    with sessions() as session:
        query = select(ReminderOutbox).where(outbox.ready_clause(now))
        if user_ids is not None:
            query = query.where(col(ReminderOutbox.user_id).in_(user_ids))
        rows = session.exec(query.order_by(col(ReminderOutbox.available_at))).all()
        users = {
            u.id: u
            for u in session.exec(
                select(User).where(col(User.id).in_({r.user_id for r in rows}))
            ).all()
        }
    return [
        {
            "user_id": row.user_id,
            "user": users[row.user_id].external_id if row.user_id in users else "",
            "kind": row.kind,
            "dedupe_key": row.dedupe_key,
            "due_at": row.due_at,
            "local_date": row.local_date,
            "attempts": row.attempts,
            "payload": row.payload,
        }
        for row in rows
    ]


class Delivery(UseCases):
    """One planning and delivery pass, rendered by what the composition root hands in."""

    def __init__(self, *, render: Render, **shared: Unpack[Shared]) -> None:
        super().__init__(**shared)
        self.render = render
        self.pacing = Pacing()  # Slack's rate limits, per workspace, across this process's ticks

    def tick(
        self,
        *,
        notifier: Notifier,
        now: datetime | None = None,
        worker: str | None = None,
        batch: int = DEFAULT_BATCH,
        lease: timedelta = outbox.DEFAULT_LEASE,
        plan_first: bool = True,
        max_batches: int = MAX_DELIVERY_BATCHES,
    ) -> TickReport:
        """Plan and deliver as of `now` (a fixed instant: leases are timed by it too), or as of
        the clock (leases timed by the clock while sending)."""
        return tick(
            sessions=self.sessions,
            notifier=notifier,
            render=self.render,
            now=now or self._now(),
            clock=None if now else self.clock,
            worker=worker,
            default_tz=self.default_tz,
            batch=batch,
            lease=lease,
            plan_first=plan_first,
            max_batches=max_batches,
            pacing=self.pacing,
        )
