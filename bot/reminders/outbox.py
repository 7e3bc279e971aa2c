"""The outbox: claim due DMs in one statement, send each through the Notifier, record it once.

Claiming: one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`. On PostgreSQL the inner
SELECT carries `FOR UPDATE SKIP LOCKED`, so processes claiming at once take disjoint rows without
waiting; on SQLite (where SQLAlchemy drops FOR UPDATE) the single statement runs under SQLite's
write lock, which gives the same result. A claim is a lease: `claimed_by` and `lease_until`.
A row whose lease ran out (its process died) is claimable again.

Exactly once, as far as it can be had: before each send the lease is renewed *only if this
worker still holds it* (a fencing check), and after the send one transaction writes the ledger
row (unique dedupe key) and marks the row sent. A duplicate DM needs a process to die (or stall
past its lease) after Slack accepted the message and before that commit: at most one message per
dead worker. The ledger refuses a second record, so any such duplicate is counted, not hidden.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.store.db import SessionFactory
from bot.store.reminder_models import ReminderDelivery, ReminderOutbox

log = logging.getLogger("rapport.reminders.outbox")

DEFAULT_LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
BASE_BACKOFF = 30.0  # seconds, doubled per attempt
MAX_BACKOFF = 3600.0
_ERROR_CHARS = 500


@dataclass(frozen=True)
class Claimed:
    id: int
    workspace_id: str
    user_id: int
    kind: str
    dedupe_key: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int


_COLUMNS = (
    col(ReminderOutbox.id),
    col(ReminderOutbox.workspace_id),
    col(ReminderOutbox.user_id),
    col(ReminderOutbox.kind),
    col(ReminderOutbox.dedupe_key),
    col(ReminderOutbox.due_at),
    col(ReminderOutbox.payload),
    col(ReminderOutbox.attempts),
)


def ready_clause(now: datetime) -> Any:
    """Pending and not backing off, or claimed by a worker whose lease has run out."""
    return or_(
        and_(col(ReminderOutbox.status) == "pending", col(ReminderOutbox.available_at) <= now),
        and_(col(ReminderOutbox.status) == "claimed", col(ReminderOutbox.lease_until) < now),
    )


def claim(
    sessions: SessionFactory,
    *,
    now: datetime,
    worker: str,
    lease: timedelta,
    limit: int,
    skip_workspaces: Collection[str] = (),
) -> list[Claimed]:
    """Claim up to `limit` ready rows for `worker` in one statement; oldest first. Rows of
    `skip_workspaces` (held by Slack's rate limit, bot/reminders/pacing.py) are left alone."""
    ready = ready_clause(now)
    if skip_workspaces:
        ready = and_(ready, col(ReminderOutbox.workspace_id).not_in(sorted(skip_workspaces)))
    inner = (
        sa_select(col(ReminderOutbox.id))
        .where(ready)
        .order_by(col(ReminderOutbox.available_at), col(ReminderOutbox.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(ReminderOutbox)
        .where(col(ReminderOutbox.id).in_(inner))
        .values(
            status="claimed",
            claimed_by=worker,
            lease_until=now + lease,
            attempts=col(ReminderOutbox.attempts) + 1,
        )
        .returning(*_COLUMNS)
        .execution_options(synchronize_session=False)
    )
    with sessions() as session:
        rows = session.execute(statement).all()
        session.commit()
    claimed = [Claimed(*row) for row in rows]
    claimed.sort(key=lambda c: (c.due_at, c.id))
    return claimed


def renew(sessions: SessionFactory, row: Claimed, *, worker: str, until: datetime) -> bool:
    """Extend this worker's lease; False when the row is no longer ours (sent, or re-claimed)."""
    with sessions() as session:
        result = session.execute(
            update(ReminderOutbox)
            .where(
                col(ReminderOutbox.id) == row.id,
                col(ReminderOutbox.status) == "claimed",
                col(ReminderOutbox.claimed_by) == worker,
            )
            .values(lease_until=until)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return bool(getattr(result, "rowcount", 0) == 1)


def record_sent(
    sessions: SessionFactory,
    row: Claimed,
    *,
    worker: str,
    now: datetime,
    channel: str | None,
    ts: str | None,
) -> bool:
    """Ledger row + status 'sent' in one transaction. False: the ledger already had this key,
    so the message just sent was a duplicate (counted by the caller)."""
    duplicate = False
    try:
        with sessions() as session:
            session.add(
                ReminderDelivery(
                    dedupe_key=row.dedupe_key,
                    outbox_id=row.id,
                    workspace_id=row.workspace_id,
                    user_id=row.user_id,
                    channel=channel,
                    ts=ts,
                    worker=worker,
                    delivered_at=now,
                )
            )
            _mark_sent(session, row.id, now)
            session.commit()
    except IntegrityError:
        duplicate = True
        with sessions() as session:
            _mark_sent(session, row.id, now)
            session.commit()
    return not duplicate


def _mark_sent(session: Any, row_id: int, now: datetime) -> None:
    # Unconditional on claimed_by: whoever holds the row now must see it is sent and not send
    # it again (their renew() fails on status).
    session.execute(
        update(ReminderOutbox)
        .where(col(ReminderOutbox.id) == row_id)
        .values(status="sent", sent_at=now, lease_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )


def release(
    sessions: SessionFactory,
    row: Claimed,
    *,
    worker: str,
    now: datetime,
    error: str,
    retry_after: float | None = None,
    count_attempt: bool = True,
) -> str:
    """Give a row back after a transient failure (with backoff), or fail it for good once it
    has been tried MAX_ATTEMPTS times. Returns the new status."""
    attempts = row.attempts if count_attempt else max(0, row.attempts - 1)
    if count_attempt and attempts >= MAX_ATTEMPTS:
        return fail(sessions, row, worker=worker, now=now, error=f"gave up: {error}")
    delay = min(MAX_BACKOFF, BASE_BACKOFF * (2 ** max(0, attempts - 1)))
    if retry_after is not None:
        delay = max(delay, retry_after)
    return _set(
        sessions,
        row,
        worker=worker,
        status="pending",
        values={
            "available_at": now + timedelta(seconds=delay),
            "last_error": error[:_ERROR_CHARS],
            "attempts": attempts,
        },
    )


def postpone(
    sessions: SessionFactory,
    row: Claimed,
    *,
    worker: str,
    until: datetime,
    reason: str | None = None,
) -> str:
    """Quiet hours, or the workspace's rate limit: back to pending until `until`; not a failed
    attempt (so a long rate limit never uses up MAX_ATTEMPTS)."""
    values: dict[str, Any] = {"available_at": until, "attempts": max(0, row.attempts - 1)}
    if reason is not None:
        values["last_error"] = reason[:_ERROR_CHARS]
    return _set(sessions, row, worker=worker, status="pending", values=values)


def hold_workspace(sessions: SessionFactory, workspace_id: str, *, until: datetime) -> int:
    """Slack rate-limited this workspace: none of its pending rows is ready before `until`, for
    every process claiming from this outbox (a row already due later keeps its time)."""
    with sessions() as session:
        result = session.execute(
            update(ReminderOutbox)
            .where(
                col(ReminderOutbox.workspace_id) == workspace_id,
                col(ReminderOutbox.status) == "pending",
                col(ReminderOutbox.available_at) < until,
            )
            .values(available_at=until)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return int(getattr(result, "rowcount", 0) or 0)


def fail(sessions: SessionFactory, row: Claimed, *, worker: str, now: datetime, error: str) -> str:
    log.warning("reminder %s failed for good: %s", row.dedupe_key, error)
    return _set(
        sessions,
        row,
        worker=worker,
        status="failed",
        values={"last_error": error[:_ERROR_CHARS], "sent_at": None},
    )


def skip(sessions: SessionFactory, row: Claimed, *, worker: str, error: str) -> str:
    """Not to be sent, ever, and not a failure: a brief whose meeting began or was called off."""
    return _set(
        sessions, row, worker=worker, status="skipped", values={"last_error": error[:_ERROR_CHARS]}
    )


def _set(
    sessions: SessionFactory, row: Claimed, *, worker: str, status: str, values: dict[str, Any]
) -> str:
    with sessions() as session:
        session.execute(
            update(ReminderOutbox)
            .where(
                col(ReminderOutbox.id) == row.id,
                col(ReminderOutbox.status) == "claimed",
                col(ReminderOutbox.claimed_by) == worker,
            )
            .values(status=status, claimed_by=None, lease_until=None, **values)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return status


Clock = Callable[[], datetime]
