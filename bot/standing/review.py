"""The week in relationships: interactions, loops opened and closed, who cooled, the focus list's
state and what to do next; and the opt-in Monday DM of it, sent once per ISO week.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.domain import relationship
from bot.domain.refs import Actor, ContactRef
from bot.domain.relationship import Label
from bot.domain.standing import (
    ContactStanding,
    Review,
    ReviewDelivery,
    ReviewLoop,
)
from bot.standing.facts import by_attention, gather, most_met, notes_counted, standing_row
from bot.standing.next import next_actions_for
from bot.store import met_people, repo
from bot.store.focus_models import FocusContact, StandingSettings
from bot.store.models import Loop, Note, NoteContact, User
from bot.store.reminder_models import ReminderSettings
from bot.usecases import UseCases, contact_ref

REVIEW_CANDIDATES: Final = 2000
REVIEW_DAYS: Final = 7
REVIEW_COOLED_SHOWN: Final = 10
REVIEW_HOUR_DEFAULT: Final = 9  # Monday, at the reminders' digest hour (9 unless set)


class Reviews(UseCases):
    """The weekly review, on demand and as the Monday DM."""

    def review(self, *, actor: Actor, now: datetime | None = None) -> Review:
        """The last seven days: interactions, loops opened and closed, who cooled, the focus
        list's state and what to do next."""
        now = (now or self._now()).astimezone(UTC)
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            return self._review(session, actor, user, now)

    def _review(self, session: Session, actor: Actor | None, user: User, now: datetime) -> Review:
        assert user.id is not None
        ws = user.workspace_id
        tz = self._tz(actor, user)
        since = now - timedelta(days=REVIEW_DAYS)
        mine = (*notes_counted(ws, user.id, team=False), col(Note.occurred_at) > since)
        mine += (col(Note.occurred_at) <= now,)
        interactions = int(
            session.execute(sa_select(func.count()).select_from(Note).where(*mine)).scalar_one()
        )
        people = int(
            session.execute(
                sa_select(func.count(func.distinct(NoteContact.contact_id)))
                .join(Note, col(Note.id) == col(NoteContact.note_id))
                .where(*mine)
            ).scalar_one()
        )
        kinds = [
            (str(kind), int(n))
            for kind, n in session.execute(
                sa_select(col(Note.kind), func.count())
                .where(*mine, col(Note.kind).is_not(None))
                .group_by(col(Note.kind))
            ).all()
        ]
        kinds.sort(key=lambda pair: (-pair[1], pair[0]))
        opened = session.exec(
            select(Loop).where(
                col(Loop.owner_id) == user.id,
                col(Loop.created_at) > since,
                col(Loop.created_at) <= now,
            )
        ).all()
        closed = session.exec(
            select(Loop).where(
                col(Loop.owner_id) == user.id,
                col(Loop.closed_at) > since,
                col(Loop.closed_at) <= now,
            )
        ).all()
        names = repo.contacts_by_id(session, {lp.contact_id for lp in [*opened, *closed]})

        def loop_view(loop: Loop, at: datetime) -> ReviewLoop:
            contact = names.get(loop.contact_id)
            ref = (
                contact_ref(contact)
                if contact
                else ContactRef(id=loop.contact_id, display_name="someone")
            )
            return ReviewLoop(contact=ref, direction=loop.direction, what=loop.what, at=at)

        cooled = self._cooled(session, user, now, tz)
        focus_ids = list(
            session.exec(
                select(FocusContact.contact_id).where(col(FocusContact.owner_id) == user.id)
            ).all()
        )
        gathered = gather(
            session, workspace_id=ws, viewer_id=user.id, contact_ids=focus_ids, now=now, tz=tz
        )
        focus = by_attention(
            [standing_row(gathered, i, team=False) for i in focus_ids if i in gathered.facts]
        )
        return Review(
            since=since,
            until=now,
            interactions=interactions,
            people=people,
            kinds=tuple(kinds),
            loops_opened=tuple(loop_view(lp, lp.created_at) for lp in opened),
            loops_closed=tuple(
                loop_view(lp, lp.closed_at) for lp in closed if lp.closed_at is not None
            ),
            cooled=tuple(cooled),
            focus=tuple(focus),
            next_actions=next_actions_for(
                session, workspace_id=ws, viewer_id=user.id, now=now, tz=tz
            ),
            people_met=met_people.still_new(
                session, owner_id=user.id, workspace_id=ws, since=since, until=now
            ),
        )

    def _cooled(
        self, session: Session, user: User, now: datetime, tz: str
    ) -> list[ContactStanding]:
        """Warm (or new) a week ago, cooling or cold now. Candidates: the people you met in the
        last half-year and a week, most met first (bounded)."""
        assert user.id is not None
        ws = user.workspace_id
        then = now - timedelta(days=REVIEW_DAYS)
        window = now - timedelta(days=relationship.COLD_DAYS + REVIEW_DAYS)
        ids = most_met(
            session,
            workspace_id=ws,
            viewer_id=user.id,
            since=window,
            now=now,
            limit=REVIEW_CANDIDATES,
        )
        before = gather(
            session, workspace_id=ws, viewer_id=user.id, contact_ids=ids, now=then, tz=tz
        )
        after = gather(session, workspace_id=ws, viewer_id=user.id, contact_ids=ids, now=now, tz=tz)
        was = {i: relationship.assess(f).label for i, f in before.facts.items()}
        fading = (Label.COOLING, Label.COLD)
        rows = [
            standing_row(after, i, team=False)
            for i, facts in after.facts.items()
            if was.get(i) in (Label.WARM, Label.NEW) and relationship.assess(facts).label in fading
        ]
        rows.sort(key=lambda r: (not r.focus, r.last_at or now, r.contact.display_name))
        return rows[:REVIEW_COOLED_SHOWN]

    def deliver_reviews(
        self, *, send: Callable[[str, str, Review, str], bool], now: datetime | None = None
    ) -> ReviewDelivery:
        """DM the weekly review to everyone who opted in, once per ISO week, on Monday at or
        after their digest hour (local). `send(user_external_id, workspace_id, review, key)`
        returns True when the DM went out; on False the week is released and retried next time.

        The week is claimed with a conditional UPDATE first, so two processes never both send."""
        now = (now or self._now()).astimezone(UTC)
        sent: list[str] = []
        failed: list[str] = []
        with self._session() as session:
            rows = session.exec(
                select(StandingSettings, User)
                .join(User, col(User.id) == col(StandingSettings.user_id))
                .where(col(StandingSettings.weekly_review).is_(True))
            ).all()
            hours = {
                s.user_id: s.digest_hour
                for s in session.exec(
                    select(ReminderSettings).where(
                        col(ReminderSettings.user_id).in_([u.id for _, u in rows])
                    )
                ).all()
            }
            session.commit()
        for settings, user in rows:
            assert user.id is not None
            local = now.astimezone(ZoneInfo(self._tz(None, user)))
            year, week, weekday = local.isocalendar()
            label = f"{year}-W{week:02d}"
            if weekday != 1 or local.hour < hours.get(user.id, REVIEW_HOUR_DEFAULT):
                continue
            if settings.review_week == label:
                continue
            with self._session() as session:
                claimed = session.execute(
                    update(StandingSettings)
                    .where(
                        col(StandingSettings.user_id) == user.id,
                        or_(
                            col(StandingSettings.review_week).is_(None),
                            col(StandingSettings.review_week) != label,
                        ),
                    )
                    .values(review_week=label)
                    .returning(col(StandingSettings.user_id))
                ).first()
                session.commit()
                if claimed is None:
                    continue
                review = self._review(session, None, user, now)
                session.commit()
            if send(user.external_id, user.workspace_id, review, f"review:{user.id}:{label}"):
                sent.append(user.external_id)
                continue
            failed.append(user.external_id)
            with self._session() as session:
                session.execute(
                    update(StandingSettings)
                    .where(
                        col(StandingSettings.user_id) == user.id,
                        col(StandingSettings.review_week) == label,
                    )
                    .values(review_week=settings.review_week)
                )
                session.commit()
        return ReviewDelivery(sent=tuple(sent), failed=tuple(failed))
