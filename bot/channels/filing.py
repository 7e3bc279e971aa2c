"""A calendar's meetings → interactions: one `Note` (source "calendar") per meeting that has
happened with someone outside the team, linked to each of them who is a contact.

Each occurrence is remembered as a `CalendarEvent` (owner, UID, recurrence id), so a read is
idempotent: the same meeting again changes nothing, a moved one moves its note, and a cancelled
one, one the owner declined, or an occurrence gone from its series removes it. A note the owner
deleted stays deleted. One transaction; the caller commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, delete, select

from bot.channels.people import Colleagues, Matcher, team_of
from bot.channels.upcoming import keep_upcoming
from bot.domain.calendars import (
    Attendee,
    ImportSummary,
    Meeting,
    NewPerson,
    Reading,
    uid_key,
)
from bot.store import met_people, repo
from bot.store.calendar_models import Calendar, CalendarEvent
from bot.store.models import Contact, Note, NoteContact
from bot.usecases import contact_ref

MAX_TITLE = 500
SOURCE = "calendar"


def kind_of(meeting: Meeting) -> str:
    return "video call" if meeting.video is not None else "meeting"


@dataclass
class _Tally:
    added: int = 0
    moved: int = 0
    unchanged: int = 0
    removed: int = 0
    internal: int = 0
    no_contact: int = 0
    future: int = 0
    all_day: int = 0
    kept_deleted: int = 0
    contacts: dict[int, Contact] = field(default_factory=dict)
    created: dict[int, Contact] = field(default_factory=dict)
    new: dict[str, list[tuple[Attendee, datetime]]] = field(default_factory=dict)


def apply_reading(
    session: Session,
    *,
    calendar: Calendar,
    reading: Reading,
    since: datetime,
    now: datetime,
) -> ImportSummary:
    """File what `reading` says happened in [since, now] for the calendar's owner."""
    assert calendar.id is not None
    team = team_of(session, workspace_id=calendar.workspace_id, owner_email=calendar.owner_email)
    emails = {p.email for m in reading.meetings for p in m.people() if p.email}
    matcher = Matcher(session, workspace_id=calendar.workspace_id, emails=emails)
    stored = {
        (row.uid_key, row.recurrence_id): row
        for row in _rows(session, calendar, {uid_key(m.uid) for m in reading.meetings})
    }
    tally = _Tally()
    seen: set[tuple[str, str]] = set()
    for meeting in reading.meetings:
        key = (uid_key(meeting.uid), meeting.recurrence_id)
        if key in seen:
            continue  # the same occurrence listed twice in one file: the first one counts
        seen.add(key)
        row = stored.get(key)
        contacts = _who(
            meeting,
            team,
            matcher,
            tally,
            now,
            add_new=calendar.owner_id if calendar.add_new_people else None,
        )
        if contacts is None:
            if row is not None and row.state == "filed" and _remove(session, row, now):
                tally.removed += 1
            continue
        _file(session, calendar, meeting, key, row, contacts, tally, now)
    # Occurrences gone from a series that is still there (an EXDATE, a shortened RRULE, a
    # single event moved out of the window), and series cancelled whole.
    present = {uid_key(uid) for uid in reading.uids}
    cancelled = {uid_key(uid) for uid in reading.cancelled_series}
    for row in _rows(session, calendar, present | cancelled):
        if (
            (row.uid_key, row.recurrence_id) in seen
            or row.state != "filed"
            or row.calendar_id != calendar.id  # another calendar's copy answers for itself
        ):
            continue
        gone = row.uid_key in cancelled or since <= row.start_at <= now
        if gone and _remove(session, row, now):
            tally.removed += 1
    keep_upcoming(session, calendar=calendar, reading=reading, team=team, matcher=matcher, now=now)
    new_people = _new_people(tally.new)
    if not calendar.add_new_people:
        # Offered in the weekly review until they are a contact; with the setting on, the
        # named ones were added above and the rest have no name to be added under.
        met_people.remember(
            session,
            workspace_id=calendar.workspace_id,
            owner_id=calendar.owner_id,
            people=new_people,
            now=now,
        )
    session.flush()
    return ImportSummary(
        calendar=calendar.name,
        meetings_read=len(reading.meetings),
        added=tally.added,
        moved=tally.moved,
        unchanged=tally.unchanged,
        removed=tally.removed,
        skipped_internal=tally.internal,
        skipped_no_contact=tally.no_contact,
        skipped_future=tally.future,
        skipped_all_day=tally.all_day,
        kept_deleted=tally.kept_deleted,
        contacts=tuple(
            contact_ref(c) for c in sorted(tally.contacts.values(), key=lambda c: c.display_name)
        ),
        new_people=new_people,
        created_contacts=tuple(
            contact_ref(c) for c in sorted(tally.created.values(), key=lambda c: c.display_name)
        ),
        problems=reading.problems,
        owner_email=calendar.owner_email,
        private=calendar.private,
    )


def _who(
    meeting: Meeting,
    team: Colleagues,
    matcher: Matcher,
    tally: _Tally,
    now: datetime,
    add_new: int | None = None,
) -> list[Contact] | None:
    """The contacts this meeting is an interaction with, or None when it is not one."""
    if meeting.cancelled:
        return None
    if meeting.all_day:
        tally.all_day += 1
        return None
    if meeting.end > now:
        tally.future += 1
        return None
    people = [p for p in meeting.people() if p.is_person]
    if any(team.is_owner(p) and p.declined for p in people):
        return None
    outside = [p for p in people if not p.declined and not team.is_teammate(p)]
    if not outside:
        tally.internal += 1
        return None
    contacts: dict[int, Contact] = {}
    for person in outside:
        contact = matcher.contact(person)
        if contact is None and add_new is not None:
            contact = matcher.add(person, author_id=add_new, now=now)
            if contact is not None and contact.id is not None:
                tally.created[contact.id] = contact
        if contact is not None and contact.id is not None:
            contacts.setdefault(contact.id, contact)
        elif contact is None:
            label = person.email or f"name:{person.name}"
            tally.new.setdefault(label, []).append((person, meeting.start))
    if not contacts:
        tally.no_contact += 1
        return None
    return sorted(contacts.values(), key=lambda c: c.id or 0)


def _file(
    session: Session,
    calendar: Calendar,
    meeting: Meeting,
    key: tuple[str, str],
    row: CalendarEvent | None,
    contacts: list[Contact],
    tally: _Tally,
    now: datetime,
) -> None:
    title = meeting.title[:MAX_TITLE] or ("Video call" if meeting.video else "Meeting")
    kind = kind_of(meeting)
    visibility = "private" if calendar.private else "team"
    ids = [c.id for c in contacts if c.id is not None]
    fingerprint = hashlib.sha256(
        f"{meeting.start.isoformat()}|{ids}|{title}|{kind}|{visibility}".encode()
    ).hexdigest()
    note: Note | None = None
    if row is not None and row.state in ("filed", "deleted"):
        note = _note_of(session, row)
        if note is None:
            # The owner deleted this meeting's note: it was theirs to delete; don't bring it back.
            row.state = "deleted"
            session.add(row)
            tally.kept_deleted += 1
            return
        if row.fingerprint == fingerprint:
            tally.unchanged += 1
            return
    if note is None:
        # The list fields given, not defaulted: pydantic inspects a default_factory's signature
        # on every construction, a third of an import's time.
        note = Note(
            workspace_id=calendar.workspace_id,
            author_id=calendar.owner_id,
            text=title,
            logged_at=now,
            source=SOURCE,
            needs=[],
            tags=[],
            sensitive=[],
            not_understood=[],
        )
        tally.added += 1
    else:
        tally.moved += 1
        session.execute(delete(NoteContact).where(col(NoteContact.note_id) == note.id))
    note.text = title
    note.kind = kind
    note.visibility = visibility
    note.occurred_at = meeting.start
    note.permalink = meeting.video.url[:500] if meeting.video and meeting.video.url else None
    session.add(note)
    session.flush()
    assert note.id is not None
    for contact_id in ids:
        session.add(
            NoteContact(note_id=note.id, contact_id=contact_id, workspace_id=calendar.workspace_id)
        )
    for contact in contacts:
        assert contact.id is not None
        tally.contacts[contact.id] = contact
    assert calendar.id is not None
    if row is None:
        row = CalendarEvent(
            workspace_id=calendar.workspace_id,
            owner_id=calendar.owner_id,
            calendar_id=calendar.id,
            uid_key=key[0],
            recurrence_id=key[1],
        )
    row.calendar_id = calendar.id
    row.note_id = note.id
    row.start_at = meeting.start
    row.fingerprint = fingerprint
    row.state = "filed"
    row.updated_at = now
    session.add(row)


def _remove(session: Session, row: CalendarEvent, now: datetime) -> bool:
    """Delete the note a meeting filed; False when the owner had already deleted it."""
    note = _note_of(session, row)
    row.state = "removed" if note is not None else "deleted"
    row.fingerprint = ""
    row.updated_at = now
    session.add(row)
    if note is None:
        return False
    repo.delete_note(session, note=note)
    row.note_id = None
    return True


def _note_of(session: Session, row: CalendarEvent) -> Note | None:
    """The note this meeting filed, if it still exists. SQLite may give a deleted note's id to a
    later note, so the note must also be a calendar note of this owner logged no later than the
    row was last written."""
    if row.note_id is None:
        return None
    note = session.get(Note, row.note_id)
    if (
        note is None
        or note.source != SOURCE
        or note.author_id != row.owner_id
        or note.logged_at > row.updated_at
    ):
        return None
    return note


def _rows(session: Session, calendar: Calendar, uid_keys: Iterable[str]) -> list[CalendarEvent]:
    keys = sorted(set(uid_keys))
    found: list[CalendarEvent] = []
    for start in range(0, len(keys), 500):
        found.extend(
            session.exec(
                select(CalendarEvent).where(
                    CalendarEvent.owner_id == calendar.owner_id,
                    col(CalendarEvent.uid_key).in_(keys[start : start + 500]),
                )
            ).all()
        )
    return found


def _new_people(new: dict[str, list[tuple[Attendee, datetime]]]) -> tuple[NewPerson, ...]:
    people = []
    for seen in new.values():
        named = next((p.name for p, _ in seen if p.name), None)
        person = seen[0][0]
        people.append(
            NewPerson(
                label=named or person.label,
                email=person.email,
                meetings=len(seen),
                last_met=max(at for _, at in seen),
                first_met=min(at for _, at in seen),
            )
        )
    return tuple(sorted(people, key=lambda p: (-p.meetings, p.label.casefold())))
