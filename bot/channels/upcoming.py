"""Meetings not over yet, kept from each calendar read: what the brief before a meeting and the
"how did it go?" after it are planned from (bot/reminders/meetings.py).

A meeting is kept when it has at least one contact among its attendees outside the team (the
same rules as filing: bot/channels/people.py). A moved occurrence moves its row, and a brief
already planned for the old time is called off; a cancelled or declined one, one that no longer
has a contact on it, and one gone from a feed are marked cancelled, their planned DMs with them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select, update

from bot.channels.people import Colleagues, Matcher
from bot.domain.briefs import after_key, brief_key
from bot.domain.calendars import Meeting, Reading, uid_key
from bot.store.calendar_models import Calendar, UpcomingMeeting
from bot.store.reminder_models import ReminderOutbox

MAX_TITLE = 500
KEEP_AFTER_END = timedelta(days=2)  # then the "how did it go?" is long past


def keep_upcoming(
    session: Session,
    *,
    calendar: Calendar,
    reading: Reading,
    team: Colleagues,
    matcher: Matcher,
    now: datetime,
) -> int:
    """Store the reading's meetings that have not ended; returns how many are kept."""
    assert calendar.id is not None
    stored = {
        (row.uid_key, row.recurrence_id): row
        for row in session.exec(
            select(UpcomingMeeting).where(
                UpcomingMeeting.owner_id == calendar.owner_id,
                col(UpcomingMeeting.end_at) > now - KEEP_AFTER_END,
            )
        ).all()
    }
    seen: set[tuple[str, str]] = set()
    kept = 0
    for meeting in reading.meetings:
        if meeting.end <= now or meeting.all_day:
            continue
        key = ((uid_key(meeting.uid)), meeting.recurrence_id)
        if key in seen:
            continue
        seen.add(key)
        row = stored.get(key)
        contacts, others = _attendees(meeting, team, matcher)
        if meeting.cancelled or contacts is None or not contacts:
            if row is not None and row.calendar_id == calendar.id:
                _cancel(session, row, now)
            continue
        if row is None:
            row = UpcomingMeeting(
                workspace_id=calendar.workspace_id,
                owner_id=calendar.owner_id,
                calendar_id=calendar.id,
                uid_key=key[0],
                recurrence_id=key[1],
                start_at=meeting.start,
                end_at=meeting.end,
                updated_at=now,
            )
        elif row.start_at != meeting.start or row.state != "scheduled":
            _call_off(session, row)
        row.calendar_id = calendar.id
        row.title = (meeting.title or "Meeting")[:MAX_TITLE]
        row.start_at, row.end_at = meeting.start, meeting.end
        row.contact_ids = contacts
        row.others = others
        row.state = "scheduled"
        row.updated_at = now
        session.add(row)
        kept += 1
    # Not in this read: a feed lists every meeting to come, so one gone from it is off; a file
    # may be a partial export, so only an occurrence gone from a series it still has is.
    present = {(uid_key(uid)) for uid in reading.uids} | {
        (uid_key(uid)) for uid in reading.cancelled_series
    }
    for key, row in stored.items():
        if key in seen or row.calendar_id != calendar.id or row.state != "scheduled":
            continue
        if row.end_at <= now:
            continue  # over: its "how did it go?" still stands
        if calendar.kind != "file" or row.uid_key in present:
            _cancel(session, row, now)
    session.execute(
        delete(UpcomingMeeting).where(
            col(UpcomingMeeting.owner_id) == calendar.owner_id,
            col(UpcomingMeeting.end_at) < now - KEEP_AFTER_END,
        )
    )
    return kept


def _attendees(
    meeting: Meeting, team: Colleagues, matcher: Matcher
) -> tuple[list[int] | None, list[dict[str, str | None]]]:
    """The contacts on the meeting (None: the owner declined it) and the other outsiders."""
    people = [p for p in meeting.people() if p.is_person]
    if any(team.is_owner(p) and p.declined for p in people):
        return None, []
    contacts: list[int] = []
    others: list[dict[str, str | None]] = []
    for person in people:
        if person.declined or team.is_teammate(person):
            continue
        contact = matcher.contact(person)
        if contact is not None and contact.id is not None:
            if contact.id not in contacts:
                contacts.append(contact.id)
        else:
            others.append({"name": person.name, "email": person.email})
    return contacts, others


def _cancel(session: Session, row: UpcomingMeeting, now: datetime) -> None:
    if row.state == "cancelled":
        return
    _call_off(session, row)
    row.state = "cancelled"
    row.updated_at = now
    session.add(row)


def _call_off(session: Session, row: UpcomingMeeting) -> None:
    """The DMs planned for this occurrence at its old time, not sent yet, are not sent."""
    if row.id is None:
        return
    keys = [
        brief_key(row.owner_id, row.id, row.start_at),
        after_key(row.owner_id, row.id, row.start_at),
    ]
    session.execute(
        update(ReminderOutbox)
        .where(col(ReminderOutbox.dedupe_key).in_(keys), col(ReminderOutbox.status) == "pending")
        .values(status="skipped", last_error="the meeting moved or was cancelled")
        .execution_options(synchronize_session=False)
    )
