"""Briefs: before a meeting with contacts, what is worth knowing about each of them (their card's
essentials: bot/domain/briefs.py), for the DM the tick sends, for `/rapport brief Jane`, App Home
and `rapport brief NAME`; and each person's brief setting (how many minutes before; off).

The people's cards come from bot/standing/briefing.py (handed in by the composition root), under
the card's rules: private notes only to their author.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, Unpack

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.domain.briefs import (
    DEFAULT_BRIEF_MINUTES,
    MAX_BRIEF_MINUTES,
    Brief,
    BriefSettings,
    MeetingView,
)
from bot.domain.errors import NotFoundError, UserInputError
from bot.domain.notes import ContactCard
from bot.domain.refs import Actor
from bot.notes.lookup import find_contact
from bot.store.calendar_models import UpcomingMeeting
from bot.store.models import Contact, User
from bot.store.reminder_models import ReminderSettings
from bot.usecases import Shared, UseCases


class PeopleOf(Protocol):
    """The brief's cards for several contacts, in one transaction (bot.standing.briefing)."""

    def __call__(
        self,
        session: Session,
        *,
        workspace_id: str,
        viewer_id: int,
        contact_ids: Sequence[int],
        now: datetime,
        tz: str,
    ) -> tuple[ContactCard, ...]: ...


HOME_MEETINGS = 3


class Briefs(UseCases):
    """A meeting's brief, a contact's brief on demand, and the brief setting."""

    def __init__(self, *, people: PeopleOf, **shared: Unpack[Shared]) -> None:
        super().__init__(**shared)
        self.people = people

    # --- what the DM and App Home show -----------------------------------------------------

    def for_meeting(self, *, user_id: int, meeting_id: int) -> Brief | None:
        """The brief for one upcoming meeting of its owner (None: gone, or no contact left)."""
        with self._reading() as session:
            meeting = session.get(UpcomingMeeting, meeting_id)
            owner = session.get(User, user_id)
            if meeting is None or owner is None or meeting.owner_id != user_id:
                return None
            people = self._cards(session, owner, list(meeting.contact_ids), _actor_of(owner))
            return Brief(meeting=_view(meeting), people=people) if people else None

    def followup(self, *, user_id: int, meeting_id: int) -> tuple[MeetingView, list[str]] | None:
        """The meeting and its contacts' names, for "how did it go?" (None: it is gone)."""
        with self._reading() as session:
            meeting = session.get(UpcomingMeeting, meeting_id)
            if meeting is None or meeting.owner_id != user_id:
                return None
            contacts = {
                c.id: c.display_name
                for c in session.exec(
                    select(Contact).where(col(Contact.id).in_(list(meeting.contact_ids)))
                ).all()
            }
            names = [contacts[i] for i in meeting.contact_ids if i in contacts]
            return _view(meeting), names

    def next_meetings(self, *, actor: Actor, limit: int = HOME_MEETINGS) -> tuple[Brief, ...]:
        """The actor's next meetings with contacts (not over yet), each with its brief."""
        now = self._now()
        with self._reading() as session:
            user = self._user(session, actor)
            session.commit()
            rows = session.exec(_not_over(user.id, now).limit(limit)).all()
            briefs = []
            for row in rows:
                people = self._cards(session, user, list(row.contact_ids), actor)
                if people:
                    briefs.append(Brief(meeting=_view(row), people=people))
            return tuple(briefs)

    def about(self, *, actor: Actor, name: str, contact_id: int | None = None) -> Brief:
        """`brief Jane`: Jane's brief, with the next meeting you have with her if there is one.
        NotFoundError, or AmbiguousNameError with the candidates (as `who` does)."""
        now = self._now()
        with self._reading() as session:
            user = self._user(session, actor)
            session.commit()
            assert user.id is not None
            contact = find_contact(
                session,
                workspace_id=actor.workspace_id,
                name=None if contact_id is not None else name,
                contact_id=contact_id,
                viewer_id=user.id,
            )
            assert contact.id is not None
            rows = session.exec(_not_over(user.id, now)).all()
            meeting = next((_view(r) for r in rows if contact.id in r.contact_ids), None)
            # The same cards as a meeting's brief, so the DM and this say the same.
            people = self._cards(session, user, [contact.id], actor)
        if not people:
            raise NotFoundError(f"I don't know {name!r}.")
        return Brief(meeting=meeting, people=people)

    def _cards(
        self, session: Session, user: User, contact_ids: list[int], actor: Actor
    ) -> tuple[ContactCard, ...]:
        """Contacts forgotten since the calendar was read are left out."""
        assert user.id is not None
        return self.people(
            session,
            workspace_id=user.workspace_id,
            viewer_id=user.id,
            contact_ids=contact_ids,
            now=self._now(),
            tz=self._tz(actor, user),
        )

    # --- the setting -----------------------------------------------------------------------

    def settings(self, *, actor: Actor) -> BriefSettings:
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            row = session.get(ReminderSettings, user.id)
            return BriefSettings(row.brief_minutes if row else DEFAULT_BRIEF_MINUTES)

    def set_minutes(self, *, actor: Actor, minutes: int) -> BriefSettings:
        """Briefs `minutes` before each meeting (1–120), or off with 0."""
        if not 0 <= minutes <= MAX_BRIEF_MINUTES:
            raise UserInputError(
                f"A brief comes 1 to {MAX_BRIEF_MINUTES} minutes before a meeting "
                "(`brief minutes 10`), or `brief off`."
            )
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            row = session.get(ReminderSettings, user.id) or ReminderSettings(
                user_id=user.id, workspace_id=actor.workspace_id, updated_at=now
            )
            row.brief_minutes = minutes
            row.updated_at = now
            session.add(row)
            session.commit()
            return BriefSettings(minutes)

    def setting_words(self, *, actor: Actor, words: str) -> BriefSettings | None:
        """`off`, `on`, `minutes 10` (or `10`): the setting changed; None when `words` is a
        name instead (`brief Jane`)."""
        parts = words.casefold().split()
        if parts in (["off"], ["stop"], ["never"]):
            return self.set_minutes(actor=actor, minutes=0)
        if parts == ["on"]:
            current = self.settings(actor=actor)
            return (
                current
                if current.on
                else self.set_minutes(actor=actor, minutes=DEFAULT_BRIEF_MINUTES)
            )
        if parts in (["settings"], ["status"]):
            return self.settings(actor=actor)
        if (parts and parts[0] in ("minutes", "min", "at")) or (
            len(parts) == 1 and parts[0].isdigit()
        ):
            value = parts[-1].removesuffix("m").removesuffix("min")
            if len(parts) > 2 or not value.isdigit():
                raise UserInputError("Say how many minutes before: `brief minutes 10`.")
            return self.set_minutes(actor=actor, minutes=int(value))
        return None


def _actor_of(user: User) -> Actor:
    return Actor(
        workspace_id=user.workspace_id,
        user_id=user.external_id,
        display_name=user.display_name or None,
        tz=user.tz,
    )


def _view(row: UpcomingMeeting) -> MeetingView:
    assert row.id is not None
    others = tuple(
        str(o.get("name") or o.get("email") or "")
        for o in row.others
        if o.get("name") or o.get("email")
    )
    return MeetingView(
        id=row.id, title=row.title, start=row.start_at, end=row.end_at, others=others
    )


def _not_over(owner_id: int | None, now: datetime) -> SelectOfScalar[UpcomingMeeting]:
    """The owner's meetings that are still on and not over yet, soonest first."""
    return (
        select(UpcomingMeeting)
        .where(
            UpcomingMeeting.owner_id == owner_id,
            UpcomingMeeting.state == "scheduled",
            col(UpcomingMeeting.end_at) > now,
        )
        .order_by(col(UpcomingMeeting.start_at))
    )
