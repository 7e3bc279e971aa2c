"""Stay in touch: cadences (per contact, or for everyone under a #tag), stops and snoozes.

A cadence counts from the last interaction, not from when it was set; a stop on a contact
overrides any #tag cadence covering them. Each change makes the affected tracks re-checked on
the next tick (bot/reminders/tracks.py).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.domain.errors import NotFoundError, UserInputError
from bot.domain.refs import Actor
from bot.domain.reminders import (
    CadenceView,
    SnoozeView,
)
from bot.notes.lookup import find_contact
from bot.reminders import planner
from bot.reminders.evaluate import evaluate
from bot.reminders.facts import load_facts, load_holds, schedule_for
from bot.reminders.planner import TRACK_CADENCE, Schedule
from bot.reminders.tracks import ensure_track, expand_tags, touch_track
from bot.store import repo
from bot.store.models import Contact, ContactTag, User
from bot.store.reminder_models import (
    ReminderCadence,
    ReminderSnooze,
    ReminderTrack,
)
from bot.usecases import UseCases, contact_ref

_TAG = re.compile(r"^#?([\w-]+)$", re.UNICODE)


class Cadences(UseCases):
    """Stay-in-touch cadences per contact or #tag, and snoozes."""

    def set_cadence(
        self, *, actor: Actor, target: str, every_days: int, contact_id: int | None = None
    ) -> CadenceView:
        """ "Stay in touch with `target` (a name, or #tag) every N days". Counts from the last
        interaction, not from now. `contact_id` settles a "which Jane?" the caller asked."""
        if not 1 <= every_days <= 3650:
            raise UserInputError("A cadence is between 1 day and 10 years, e.g. `every 30 days`.")
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            tag = _tag(target) if contact_id is None else None
            if tag is not None:
                cadence = self._upsert_cadence(
                    session, actor, user.id, subject=f"tag:{tag}", tag=tag, days=every_days
                )
                session.flush()
                assert cadence.id is not None
                expand_tags(session, now=now, cadence_id=cadence.id)
                members = select(ContactTag.contact_id).where(
                    ContactTag.workspace_id == actor.workspace_id, ContactTag.tag == tag
                )
                session.execute(
                    update(ReminderTrack)
                    .where(
                        col(ReminderTrack.owner_id) == user.id,
                        col(ReminderTrack.contact_id).in_(members),
                        col(ReminderTrack.kind) == TRACK_CADENCE,
                    )
                    .values(next_due_at=now)
                    .execution_options(synchronize_session=False)
                )
                session.commit()
                return CadenceView(target=f"#{tag}", every_days=every_days, tag=tag)
            contact = find_contact(
                session,
                workspace_id=actor.workspace_id,
                name=target,
                contact_id=contact_id,
                viewer_id=user.id,
            )
            assert contact.id is not None
            self._upsert_cadence(
                session,
                actor,
                user.id,
                subject=f"contact:{contact.id}",
                contact_id=contact.id,
                days=every_days,
            )
            ensure_track(
                session,
                workspace_id=actor.workspace_id,
                owner_id=user.id,
                kind=TRACK_CADENCE,
                subject=f"contact:{contact.id}",
                now=now,
            )
            touch_track(session, user.id, f"contact:{contact.id}", now)
            session.commit()
            return self._cadence_view(session, actor, user, contact)

    def _upsert_cadence(
        self,
        session: Session,
        actor: Actor,
        owner_id: int,
        *,
        subject: str,
        days: int,
        tag: str | None = None,
        contact_id: int | None = None,
    ) -> ReminderCadence:
        now = self._now()
        cadence = session.exec(
            select(ReminderCadence).where(
                ReminderCadence.owner_id == owner_id, ReminderCadence.subject == subject
            )
        ).first()
        if cadence is None:
            cadence = ReminderCadence(
                workspace_id=actor.workspace_id,
                owner_id=owner_id,
                kind="tag" if tag else "contact",
                subject=subject,
                contact_id=contact_id,
                tag=tag,
                every_days=days,
                created_at=now,
            )
        cadence.every_days = days
        cadence.stopped_at = None if days > 0 else now
        session.add(cadence)
        return cadence

    def stop_cadence(
        self, *, actor: Actor, target: str, contact_id: int | None = None
    ) -> CadenceView:
        """No more stay-in-touch nudges for a contact (even one a #tag cadence covers) or a tag."""
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            tag = _tag(target) if contact_id is None else None
            if tag is not None:
                cadence = session.exec(
                    select(ReminderCadence).where(
                        ReminderCadence.owner_id == user.id,
                        ReminderCadence.subject == f"tag:{tag}",
                    )
                ).first()
                if cadence is None:
                    raise NotFoundError(f"You have no cadence for #{tag}.")
                cadence.stopped_at = now
                session.add(cadence)
                session.commit()
                return CadenceView(
                    target=f"#{tag}", every_days=cadence.every_days, tag=tag, stopped=True
                )
            contact = find_contact(
                session,
                workspace_id=actor.workspace_id,
                name=target,
                contact_id=contact_id,
                viewer_id=user.id,
            )
            assert contact.id is not None
            # A stop row, even without a cadence of its own: it overrides any #tag cadence.
            self._upsert_cadence(
                session,
                actor,
                user.id,
                subject=f"contact:{contact.id}",
                contact_id=contact.id,
                days=0,
            )
            session.commit()
            return CadenceView(
                target=contact.display_name,
                every_days=0,
                contact=contact_ref(contact),
                stopped=True,
            )

    def set_cadence_text(self, *, actor: Actor, text: str) -> CadenceView:
        """`/rapport cadence Jane Doe every 30 days`, `#investors quarterly`, `Jane Doe stop`."""
        target, days = parse_cadence_args(text)
        if days == 0:
            return self.stop_cadence(actor=actor, target=target)
        return self.set_cadence(actor=actor, target=target, every_days=days)

    def cadences(self, *, actor: Actor) -> tuple[CadenceView, ...]:
        """The actor's cadences, contacts first by name, then tags."""
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            rows = session.exec(
                select(ReminderCadence).where(ReminderCadence.owner_id == user.id)
            ).all()
            contacts = repo.contacts_by_id(session, [r.contact_id for r in rows if r.contact_id])
            views = []
            for row in rows:
                if row.tag is not None:
                    views.append(
                        CadenceView(
                            target=f"#{row.tag}",
                            every_days=row.every_days,
                            tag=row.tag,
                            stopped=row.stopped_at is not None,
                        )
                    )
                elif row.contact_id in contacts:
                    views.append(self._cadence_view(session, actor, user, contacts[row.contact_id]))
            return tuple(sorted(views, key=lambda v: (v.tag is not None, v.target.casefold())))

    def _cadence_view(
        self, session: Session, actor: Actor, user: User, contact: Contact
    ) -> CadenceView:
        assert user.id is not None and contact.id is not None
        track = session.exec(
            select(ReminderTrack).where(
                ReminderTrack.owner_id == user.id,
                ReminderTrack.subject == f"contact:{contact.id}",
            )
        ).first()
        cadence = session.exec(
            select(ReminderCadence).where(
                ReminderCadence.owner_id == user.id,
                ReminderCadence.subject == f"contact:{contact.id}",
            )
        ).first()
        now = self._now()
        evaluation = None
        if track is not None:
            facts = load_facts(session, [track], now=now, default_tz=self.default_tz)
            load_holds(session, facts, [track], now=now)
            if actor.tz:
                facts.schedules[user.id] = schedule_for(session, user, actor, self.default_tz)
            evaluation = evaluate(track, facts, now)
        every = cadence.every_days if cadence else 0
        stopped = cadence is None or cadence.stopped_at is not None or every <= 0
        item = evaluation.item if evaluation else None
        return CadenceView(
            target=contact.display_name,
            every_days=every,
            contact=contact_ref(contact),
            stopped=stopped,
            next_due=evaluation.next_due_at if evaluation else None,
            last_touch=item.last_touch if item else None,
        )

    def snooze(
        self, *, actor: Actor, target: str, days: int, contact_id: int | None = None
    ) -> SnoozeView:
        """No stay-in-touch nudge about a contact for `days` local days."""
        if not 1 <= days <= 3650:
            raise UserInputError("Snooze for 1 day up to 10 years, e.g. `1d`, `1w`, `1m`.")
        with self._session() as session:
            user = self._user(session, actor)
            contact = find_contact(
                session,
                workspace_id=actor.workspace_id,
                name=target,
                contact_id=contact_id,
                viewer_id=user.id,
            )
            assert user.id is not None and contact.id is not None
            until = snooze_subject(
                session,
                actor=actor,
                user=user,
                subject=f"contact:{contact.id}",
                contact_id=contact.id,
                days=days,
                now=self._now(),
                schedule=schedule_for(session, user, actor, self.default_tz),
            )
            session.commit()
            return SnoozeView(target=contact.display_name, until=until)

    def snooze_text(self, *, actor: Actor, text: str) -> SnoozeView:
        """`/rapport snooze Jane Doe 1w` (also `2 weeks`, `1 month`, `tomorrow`)."""
        words = text.split()
        for size in (2, 1):
            if len(words) > size:
                days = planner.parse_duration_days(" ".join(words[-size:]))
                if days is not None:
                    return self.snooze(actor=actor, target=" ".join(words[:-size]), days=days)
        raise UserInputError("Snooze whom, for how long? Try `snooze Jane Doe 1w`.")


def _tag(target: str) -> str | None:
    cleaned = target.strip()
    if not cleaned.startswith("#"):
        return None
    match = _TAG.match(cleaned)
    if match is None:
        raise UserInputError(f"{cleaned!r} is not a tag; tags look like `#investors`.")
    return match.group(1).casefold()


def parse_cadence_args(text: str) -> tuple[str, int]:
    """ "Jane Doe every 30 days" → ("Jane Doe", 30); "#investors quarterly" → ("#investors",
    91); "Jane Doe stop" → ("Jane Doe", 0)."""
    words = text.split()
    if len(words) >= 2 and words[-1].casefold() in ("stop", "off", "never", "none"):
        return " ".join(words[:-1]), 0
    for size in (3, 2, 1):
        if len(words) > size:
            days = planner.parse_every(" ".join(words[-size:]))
            if days is not None:
                return " ".join(words[:-size]), days
    raise UserInputError(
        "Try `cadence Jane Doe every 30 days`, `cadence #investors quarterly` "
        "(also weekly, monthly, every 2 weeks), or `cadence Jane Doe stop`."
    )


def snooze_subject(
    session: Session,
    *,
    actor: Actor,
    user: User,
    subject: str,
    contact_id: int | None,
    days: int,
    now: datetime,
    schedule: Schedule,
    until: datetime | None = None,
) -> datetime:
    """No reminder about `subject` (a track's) before the first slot after `days` local days,
    or after `until`; the next tick re-checks the track, since a shorter snooze moves it earlier."""
    assert user.id is not None
    until = until or planner.snooze_until(now, days, schedule)
    row = session.get(ReminderSnooze, (user.id, subject))
    if row is None:
        row = ReminderSnooze(
            owner_id=user.id,
            subject=subject,
            workspace_id=actor.workspace_id,
            contact_id=contact_id,
            until=until,
            created_at=now,
        )
    row.until = until
    session.add(row)
    touch_track(session, user.id, subject, now)
    return until
