"""Meeting DMs into the outbox: the brief N minutes before a meeting with contacts, and one "how
did it go?" once it has ended.

Planned from the upcoming meetings each calendar read keeps (bot/channels/upcoming.py), by the
same tick as the reminders, each with its unique dedupe key (owner, occurrence, start), so a
meeting is briefed once however many processes tick. A brief counts for nothing against the
daily cap and ignores working hours (a meeting at 8:00 wants its brief at 7:45), but it is never
sent once the meeting has begun: the delivery checks that too (bot/reminders/tick.py). The "how
did it go?" counts as one reminder against the daily cap and waits for working hours.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.domain.briefs import (
    DEFAULT_BRIEF_MINUTES,
    KIND_AFTER,
    KIND_BRIEF,
    MAX_BRIEF_MINUTES,
    after_key,
    brief_key,
)
from bot.reminders import planner
from bot.reminders.facts import load_schedules
from bot.store.calendar_models import UpcomingMeeting
from bot.store.db import SessionFactory
from bot.store.reminder_models import ReminderOutbox, ReminderSettings

log = logging.getLogger("rapport.reminders.meetings")

ASK_WITHIN = timedelta(hours=12)  # a meeting that ended longer ago than this is not asked about
MEETING_KINDS = frozenset({KIND_BRIEF, KIND_AFTER})


def plan_meetings(sessions: SessionFactory, *, now: datetime, default_tz: str) -> int:
    """Enqueue the briefs and follow-ups due at `now`; returns how many were added."""
    with sessions() as session:
        soon = session.exec(
            select(UpcomingMeeting).where(
                UpcomingMeeting.state == "scheduled",
                col(UpcomingMeeting.start_at) > now,
                col(UpcomingMeeting.start_at) <= now + timedelta(minutes=MAX_BRIEF_MINUTES),
            )
        ).all()
        ended = session.exec(
            select(UpcomingMeeting).where(
                UpcomingMeeting.state == "scheduled",
                col(UpcomingMeeting.end_at) <= now,
                col(UpcomingMeeting.end_at) > now - ASK_WITHIN,
            )
        ).all()
        if not soon and not ended:
            return 0
        owners = {m.owner_id for m in (*soon, *ended)}
        minutes = _brief_minutes(session, owners)
        users, schedules = load_schedules(session, owners, default_tz=default_tz)
        added = 0
        for meeting in soon:
            lead = minutes.get(meeting.owner_id, DEFAULT_BRIEF_MINUTES)
            if lead <= 0 or meeting.owner_id not in users:
                continue
            due = meeting.start_at - timedelta(minutes=lead)
            if due > now:
                continue
            schedule = schedules[meeting.owner_id]
            row = _row(meeting, KIND_BRIEF, due_at=due, available_at=now, schedule=schedule)
            row.item_count = 0  # a brief is not a reminder: it takes nothing from the daily cap
            added += _add(session, row)
        for meeting in ended:
            if meeting.owner_id not in users:
                continue
            schedule = schedules[meeting.owner_id]
            available = _within_cap(session, meeting.owner_id, now, schedule)
            due = meeting.end_at
            row = _row(meeting, KIND_AFTER, due_at=due, available_at=available, schedule=schedule)
            added += _add(session, row)
        return added


def _row(
    meeting: UpcomingMeeting,
    kind: str,
    *,
    due_at: datetime,
    available_at: datetime,
    schedule: planner.Schedule,
) -> ReminderOutbox:
    assert meeting.id is not None
    key = (brief_key if kind == KIND_BRIEF else after_key)(
        meeting.owner_id, meeting.id, meeting.start_at
    )
    payload: dict[str, Any] = {
        "meeting_id": meeting.id,
        "starts_at": meeting.start_at.isoformat(),
        "ends_at": meeting.end_at.isoformat(),
        "items": [],
    }
    return ReminderOutbox(
        workspace_id=meeting.workspace_id,
        user_id=meeting.owner_id,
        kind=kind,
        subject=f"meeting:{meeting.id}",
        local_date=planner.local_date(available_at, schedule.zoneinfo).isoformat(),
        item_count=1,
        due_at=due_at,
        available_at=available_at,
        payload=payload,
        dedupe_key=key,
        created_at=available_at,
    )


def _add(session: Session, row: ReminderOutbox) -> int:
    """Insert unless the key is there already (planned before, or by another process)."""
    if session.exec(
        select(ReminderOutbox.id).where(ReminderOutbox.dedupe_key == row.dedupe_key)
    ).first():
        return 0
    try:
        session.add(row)
        session.commit()
    except IntegrityError:
        session.rollback()
        return 0
    return 1


def _brief_minutes(session: Session, owners: set[int]) -> dict[int, int]:
    rows = session.exec(
        select(ReminderSettings.user_id, ReminderSettings.brief_minutes).where(
            col(ReminderSettings.user_id).in_(owners)
        )
    ).all()
    return {user_id: minutes for user_id, minutes in rows}


def _within_cap(
    session: Session, owner_id: int, now: datetime, schedule: planner.Schedule
) -> datetime:
    """Now, or the next day's opening when today's reminders already reached the cap."""
    today = planner.local_date(now, schedule.zoneinfo)
    used = session.exec(
        select(func.coalesce(func.sum(ReminderOutbox.item_count), 0)).where(
            ReminderOutbox.user_id == owner_id, ReminderOutbox.local_date == today.isoformat()
        )
    ).one()
    if int(used or 0) < schedule.daily_cap:
        return now
    tomorrow = planner.local_midnight(today + timedelta(days=1), schedule.zoneinfo)
    return planner.quiet_until(tomorrow, schedule) or tomorrow
