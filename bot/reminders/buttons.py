"""The buttons on a reminder DM: Done (logs a touch or closes the loop), Snooze, Stop.

A button's value is the reminder's key; it comes back from the client, so every method checks
that the clicking user owns the track it names (NotFoundError otherwise).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Unpack

from sqlmodel import Session, select

from bot.domain.errors import NotFoundError, UserInputError
from bot.domain.humanize import local_date
from bot.domain.refs import Actor
from bot.domain.reminders import (
    HEADS_UP,
    KINDS,
    OCCASION,
    STAY_IN_TOUCH,
    WAITING_ON,
    YOU_OWE,
    ActionResult,
)
from bot.reminders import planner
from bot.reminders.cadences import Cadences, snooze_subject
from bot.reminders.facts import schedule_for
from bot.reminders.tracks import subject_id, touch_track
from bot.store import repo
from bot.store.models import Loop, Note, NoteContact, User
from bot.store.reminder_models import (
    ReminderTrack,
)
from bot.usecases import Shared, UseCases

STOPPED = timedelta(days=365 * 100)  # "Stop" on a loop or occasion: a snooze for good


class ReminderButtons(UseCases):
    """Done, Snooze and Stop on a reminder, for the user who owns it."""

    def __init__(self, *, cadences: Cadences, **shared: Unpack[Shared]) -> None:
        super().__init__(**shared)
        self.cadences = cadences  # Stop on a stay-in-touch nudge stops the cadence

    def _own_track(self, session: Session, user: User, key: str) -> tuple[str, ReminderTrack]:
        kind, subject = parse_item_key(key)
        track = session.exec(
            select(ReminderTrack).where(
                ReminderTrack.owner_id == user.id, ReminderTrack.subject == subject
            )
        ).first()
        if track is None:
            raise NotFoundError("That reminder isn't yours, or it no longer exists.")
        return kind, track

    def done(self, *, actor: Actor, key: str) -> ActionResult:
        """Done: logs a touch (stay in touch), closes the loop (owe / waiting on), or just
        acknowledges (occasion, heads-up)."""
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            kind, track = self._own_track(session, user, key)
            contact = repo.get_contact(
                session, workspace_id=actor.workspace_id, contact_id=track.contact_id or 0
            )
            name = contact.display_name if contact else "them"
            if kind == STAY_IN_TOUCH and contact is not None and contact.id is not None:
                workspace = repo.get_or_create_workspace(
                    session, workspace_id=actor.workspace_id, now=now
                )
                note = Note(
                    workspace_id=actor.workspace_id,
                    author_id=user.id,
                    text=f"Got in touch with {name} (marked done on a reminder)",
                    visibility=workspace.default_visibility,
                    occurred_at=now,
                    logged_at=now,
                    source="reminder",
                )
                session.add(note)
                session.flush()
                assert note.id is not None
                session.add(
                    NoteContact(
                        note_id=note.id, contact_id=contact.id, workspace_id=actor.workspace_id
                    )
                )
                touch_track(session, user.id, track.subject, now)
                text = f"Logged that you got in touch with {name}."
            elif kind in (YOU_OWE, WAITING_ON):
                loop = session.get(Loop, subject_id(track.subject))
                if loop is None or loop.owner_id != user.id:
                    raise NotFoundError("That loop no longer exists.")
                if loop.status == "open":
                    loop.status = "closed"
                    loop.closed_at = now
                    session.add(loop)
                track.next_due_at = None
                session.add(track)
                text = f"Closed: {loop.what} ({name})."
            elif kind == OCCASION:
                text = f"Great — {name}'s day is taken care of."
            else:
                text = "Thanks, noted."
            session.commit()
            return ActionResult(text=text, key=key)

    def snooze_item(self, *, actor: Actor, key: str, days: int) -> ActionResult:
        """Snooze (1 day / 1 week / 1 month) from a reminder's menu."""
        if not 1 <= days <= 3650:
            raise UserInputError("Snooze for 1 day up to 10 years.")
        with self._session() as session:
            user = self._user(session, actor)
            _kind, track = self._own_track(session, user, key)
            schedule = schedule_for(session, user, actor, self.default_tz)
            until = snooze_subject(
                session,
                actor=actor,
                user=user,
                subject=track.subject,
                contact_id=track.contact_id,
                days=days,
                now=self._now(),
                schedule=schedule,
            )
            session.commit()
            back = planner.next_slot(until, schedule)
            return ActionResult(text=f"Snoozed until {local_date(back, schedule.tz)}.", key=key)

    def stop(self, *, actor: Actor, key: str) -> ActionResult:
        """Stop: ends the cadence (stay in touch) or silences this loop / occasion for good."""
        kind = parse_item_key(key)[0]
        with self._session() as session:
            user = self._user(session, actor)
            _kind, track = self._own_track(session, user, key)
            contact_id = track.contact_id
            if kind not in (STAY_IN_TOUCH, HEADS_UP):
                now = self._now()
                snooze_subject(
                    session,
                    actor=actor,
                    user=user,
                    subject=track.subject,
                    contact_id=contact_id,
                    days=1,
                    now=now,
                    schedule=schedule_for(session, user, actor, self.default_tz),
                    until=now + STOPPED,
                )
                track.next_due_at = None
                session.add(track)
                session.commit()
                return ActionResult(text="OK, no more reminders about that one.", key=key)
            session.commit()
        if contact_id is None:
            raise NotFoundError("That reminder no longer exists.")
        view = self.cadences.stop_cadence(actor=actor, target="", contact_id=contact_id)
        return ActionResult(
            text=f"Stopped stay-in-touch nudges for {view.target}. "
            f"`/rapport cadence {view.target} monthly` starts them again.",
            key=key,
        )


def parse_item_key(key: str) -> tuple[str, str]:
    """A reminder key → (kind, track subject). "you_owe:loop:5" → ("you_owe", "loop:5")."""
    parts = key.split(":")
    if len(parts) < 3 or parts[0] not in KINDS or not parts[2].isdigit():
        raise NotFoundError("That reminder isn't one I know.")
    return parts[0], f"{parts[1]}:{parts[2]}"
