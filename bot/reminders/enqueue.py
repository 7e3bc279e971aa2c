"""Planned DMs into the outbox: each user's plan in its own transaction, track updates guarded by
the `next_due_at` they were read with, then outbox rows with their unique dedupe keys.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col

from bot.reminders.collect import UserPlan
from bot.store.db import SessionFactory
from bot.store.reminder_models import (
    ReminderOutbox,
    ReminderTrack,
)

log = logging.getLogger("rapport.reminders")


@dataclass
class EnqueueReport:
    messages: int = 0
    items: int = 0
    held: int = 0
    conflicts: int = 0  # another process planned the same user at the same moment


def enqueue(sessions: SessionFactory, plans: Sequence[UserPlan], *, now: datetime) -> EnqueueReport:
    """Write each user's plan in its own transaction: track updates first, guarded by the
    next_due_at they were read with, then the outbox rows with their unique dedupe keys. A
    process that lost a race to another (same user, same moment) rolls back and moves on."""
    report = EnqueueReport()
    for plan in plans:
        try:
            with sessions() as session:
                if not _apply_updates(session, plan):
                    session.rollback()
                    report.conflicts += 1
                    continue
                for message in plan.messages:
                    session.add(
                        ReminderOutbox(
                            workspace_id=message.workspace_id,
                            user_id=message.user_id,
                            kind=message.kind,
                            subject=message.subject,
                            local_date=message.local_date,
                            item_count=len(message.items),
                            due_at=message.due_at,
                            available_at=message.due_at,
                            payload=message.payload(),
                            dedupe_key=message.dedupe_key,
                            created_at=now,
                        )
                    )
                session.commit()
        except IntegrityError:
            report.conflicts += 1
            continue
        except OperationalError as exc:  # SQLite: another writer held the lock too long
            log.warning("reminders: planning for user %s deferred: %s", plan.user_id, exc)
            report.conflicts += 1
            continue
        report.messages += len(plan.messages)
        report.items += sum(len(m.items) for m in plan.messages)
        report.held += len(plan.held)
    return report


def _apply_updates(session: Session, plan: UserPlan) -> bool:
    for track_id, (seen, values) in plan.updates.items():
        guard = (
            col(ReminderTrack.next_due_at).is_(None)
            if seen is None
            else col(ReminderTrack.next_due_at) == seen
        )
        result = session.execute(
            update(ReminderTrack)
            .where(and_(col(ReminderTrack.id) == track_id, guard))
            .values(**values)
        )
        if getattr(result, "rowcount", 1) != 1:
            return False
    return True
