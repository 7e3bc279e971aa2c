"""Calendar use cases: import an .ics file now (and, with a connected address, on a schedule);
each read files the meetings that happened as interactions (bot/channels/filing.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.channels.calendars import read_calendar
from bot.channels.filing import apply_reading
from bot.channels.people import Matcher
from bot.domain.calendars import Attendee, ImportSummary, check_email, is_email
from bot.domain.errors import UserInputError
from bot.domain.refs import Actor, ContactRef
from bot.store import repo
from bot.store.calendar_models import Calendar
from bot.store.models import User
from bot.usecases import UseCases, contact_ref

# How far back a read files meetings: older ones are history the owner can log by hand.
LOOKBACK = timedelta(days=365)
# How far ahead a read looks: upcoming meetings are counted (and filed once they have happened).
LOOKAHEAD = timedelta(days=14)
MAX_FILE_BYTES = 20 * 1024 * 1024
IMPORTED = "imported"


class Meetings(UseCases):
    """Meetings from calendars → interactions for the calendar's owner."""

    def import_file(
        self,
        *,
        actor: Actor,
        data: bytes,
        calendar: str | None = None,
        me: str | None = None,
        private: bool | None = None,
        since: datetime | None = None,
        add_new: bool | None = None,
    ) -> ImportSummary:
        """Read an .ics file into the owner's calendar `calendar` (default "imported").

        `me` is the owner's address (kept on the calendar: it tells teammates by domain and
        which attendee is the owner); `private=False` lets the team see the meetings' titles;
        `add_new=True` makes external attendees with a name contacts instead of offering them.
        Raises UnreadableCalendarError (a UserInputError) when the file is not a calendar.
        """
        if len(data) > MAX_FILE_BYTES:
            raise UserInputError(
                f"That file is {len(data) / 1e6:.0f} MB; the limit is "
                f"{MAX_FILE_BYTES / 1e6:.0f} MB. Export a shorter range of dates."
            )
        owner_email = check_email(me) if me else None
        now = self._now()
        since = since or now - LOOKBACK
        with self._session() as session:
            user = self._user(session, actor)
            reading = read_calendar(
                data, start=since, end=now + LOOKAHEAD, tz=self._tz(actor, user)
            )
            row = calendar_of(
                session, actor=actor, user=user, name=calendar or IMPORTED, kind="file", now=now
            )
            settle_owner(
                row, owner_email=owner_email, private=private, guess=reading.name, add_new=add_new
            )
            row.last_synced_at = now
            row.last_status = "imported"
            session.add(row)
            summary = apply_reading(session, calendar=row, reading=reading, since=since, now=now)
            session.commit()
            return summary

    def add_person(self, *, actor: Actor, name: str, email: str | None) -> tuple[ContactRef, bool]:
        """Someone met in a meeting becomes a contact (the "Add" button by "you met 3 new
        people"): (the contact, True when new). Their meetings are filed on the next read of
        each of the actor's connected calendars, which is brought forward to now."""
        person = Attendee(email=check_email(email) if email else None, name=name.strip() or None)
        if person.name is None:
            raise UserInputError("That person has no name to file notes under.")
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            emails = [person.email] if person.email else []
            matcher = Matcher(session, workspace_id=actor.workspace_id, emails=emails)
            found = matcher.contact(person)
            contact = found or matcher.add(person, author_id=user.id, now=now)
            if contact is None:
                raise UserInputError("That person has no name to file notes under.")
            for row in session.exec(
                select(Calendar).where(Calendar.owner_id == user.id, Calendar.kind == "url")
            ).all():
                row.etag = row.last_modified = None  # read it whole again, not "not modified"
                row.next_sync_at = now
                session.add(row)
            session.commit()
            return contact_ref(contact), found is None


def calendar_of(
    session: Session, *, actor: Actor, user: User, name: str, kind: str, now: datetime
) -> Calendar:
    """The owner's calendar called `name`, created on first use."""
    assert user.id is not None
    name = " ".join(name.split())[:200] or IMPORTED
    found = session.exec(
        select(Calendar).where(Calendar.owner_id == user.id, Calendar.name == name)
    ).first()
    if found is not None:
        return found
    repo.get_or_create_workspace(session, workspace_id=actor.workspace_id, now=now)
    row = Calendar(
        workspace_id=actor.workspace_id, owner_id=user.id, name=name, kind=kind, created_at=now
    )
    session.add(row)
    session.flush()
    return row


def settle_owner(
    row: Calendar,
    *,
    owner_email: str | None,
    private: bool | None,
    guess: str | None,
    add_new: bool | None = None,
) -> None:
    """What the owner said wins; else the calendar's own name when it is an address (Google
    names a primary calendar after its owner's address)."""
    if owner_email:
        row.owner_email = owner_email
    elif row.owner_email is None and guess and is_email(guess):
        row.owner_email = guess.strip().lower()
    if private is not None:
        row.private = private
    if add_new is not None:
        row.add_new_people = add_new
