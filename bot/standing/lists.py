"""Your lists of people: the fading list (longest silence first), your focus list (the few you
keep close) and where you stand with one person.

The fading list is one aggregate over the user's own notes (`note(author_id, occurred_at)`
index, then `notecontact` by primary key) with ORDER BY and LIMIT in SQL; the page's rows are
then filled in by bot/standing/facts.py. Putting someone in focus gives them a monthly cadence
unless one applies: the composition root hands in the reminders' `set_cadence` for that.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final, Protocol, Unpack

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.domain.errors import UserInputError
from bot.domain.refs import Actor
from bot.domain.standing import (
    ContactStanding,
    FadingPage,
    FocusChange,
    FocusList,
    NextAction,
    StandingSettingsView,
)
from bot.notes.lookup import find_contact
from bot.standing import turn
from bot.standing.facts import (
    by_attention,
    cadences_applying,
    contact_standing,
    gather,
    notes_counted,
    standing_row,
)
from bot.standing.next import NEXT_LIMIT, next_actions_for
from bot.store import repo
from bot.store.focus_models import DEFAULT_FOCUS_LIMIT, FocusContact, StandingSettings
from bot.store.models import Contact, Note, NoteContact, User
from bot.store.reminder_models import ReminderCadence
from bot.usecases import Shared, UseCases, contact_ref

FOCUS_CADENCE_DAYS: Final = 30  # a focus contact without a cadence gets this one
FADING_PAGE_SIZE: Final = 10
MAX_PAGE_SIZE: Final = 100


class SetCadence(Protocol):
    """The reminders' cadence use case, as focusing someone needs it."""

    def __call__(
        self, *, actor: Actor, target: str, every_days: int, contact_id: int | None = None
    ) -> object: ...


class Standing(UseCases):
    """Where each relationship stands: fading, focus, one contact, your next five."""

    def __init__(self, *, set_cadence: SetCadence, **shared: Unpack[Shared]) -> None:
        super().__init__(**shared)
        self.set_cadence = set_cadence

    def _contact(
        self, session: Session, actor: Actor, name: str | None, contact_id: int | None
    ) -> Contact:
        # Only a contact the actor knows: someone only in another's private note is nobody here.
        viewer = repo.get_user(session, workspace_id=actor.workspace_id, external_id=actor.user_id)
        return find_contact(
            session,
            workspace_id=actor.workspace_id,
            name=name,
            contact_id=contact_id,
            example="focus Jane Doe",
            viewer_id=viewer.id if viewer else None,
        )

    def _settings_row(self, session: Session, user: User) -> StandingSettings | None:
        assert user.id is not None
        return session.get(StandingSettings, user.id)

    # --- the fading list --------------------------------------------------------------------

    def fading(
        self,
        *,
        actor: Actor,
        tag: str | None = None,
        team: bool = False,
        page: int = 1,
        page_size: int = FADING_PAGE_SIZE,
    ) -> FadingPage:
        """Your contacts, longest silence first (with `team`: anyone's interaction you may see).

        One aggregate with ORDER BY and LIMIT in SQL picks the page; the page's rows are then
        filled in with a fixed number of queries."""
        page = max(1, page)
        page_size = max(1, min(page_size, MAX_PAGE_SIZE))
        wanted = _tag(tag)
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            assert user.id is not None
            last = func.max(Note.occurred_at).label("last_at")
            query = (
                sa_select(col(NoteContact.contact_id), last)
                .join(Note, col(Note.id) == col(NoteContact.note_id))
                .where(
                    *notes_counted(actor.workspace_id, user.id, team=team),
                    col(Note.occurred_at) <= now,
                )
            )
            if wanted is not None:
                # Tagged in a note this user may see: a private #tag never shows to others.
                tagged = (
                    select(NoteContact.contact_id)
                    .join(Note, col(Note.id) == col(NoteContact.note_id))
                    .where(*repo.visible(actor.workspace_id, user.id), repo.note_has_tag(wanted))
                )
                query = query.where(col(NoteContact.contact_id).in_(tagged))
            rows = session.execute(
                query.group_by(col(NoteContact.contact_id))
                .order_by(last.asc(), col(NoteContact.contact_id))
                .limit(page_size + 1)
                .offset((page - 1) * page_size)
            ).all()
            ids = [int(row[0]) for row in rows[:page_size]]
            gathered = gather(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                contact_ids=ids,
                now=now,
                tz=self._tz(actor, user),
                team=team,
            )
            return FadingPage(
                rows=tuple(
                    standing_row(gathered, i, team=team) for i in ids if i in gathered.facts
                ),
                page=page,
                page_size=page_size,
                has_more=len(rows) > page_size,
                tag=wanted,
                team=team,
            )

    # --- one contact, next actions ----------------------------------------------------------

    def contact(
        self, *, actor: Actor, name: str | None = None, contact_id: int | None = None
    ) -> ContactStanding:
        """Where you stand with one person, and what to do next (for the card)."""
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            contact = self._contact(session, actor, name, contact_id)
            assert user.id is not None and contact.id is not None
            found = contact_standing(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                contact_id=contact.id,
                now=self._now(),
                tz=self._tz(actor, user),
            )
            assert found is not None
            return found

    def whose_turn_subject(self, text: str) -> str | None:
        """ "whose turn is it with Yusuf?" → "Yusuf"; None for other text."""
        return turn.subject(text)

    def next_actions(self, *, actor: Actor, limit: int = NEXT_LIMIT) -> tuple[NextAction, ...]:
        """ "Your next five" for App Home and the console."""
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            assert user.id is not None
            return next_actions_for(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                now=self._now(),
                tz=self._tz(actor, user),
                limit=limit,
            )

    def also_worth_doing(
        self,
        *,
        user_id: int,
        workspace_id: str,
        now: datetime,
        tz: str,
        exclude_contact_ids: Iterable[int],
        limit: int = 3,
    ) -> tuple[NextAction, ...]:
        """For the morning digest, at send time: next best actions about people its reminders
        don't already name (the digest is for a user id, not an acting Slack user)."""
        with self._session() as session:
            return next_actions_for(
                session,
                workspace_id=workspace_id,
                viewer_id=user_id,
                now=now,
                tz=tz,
                limit=limit,
                exclude_contact_ids=exclude_contact_ids,
            )

    # --- focus ------------------------------------------------------------------------------

    def focus(
        self, *, actor: Actor, name: str | None = None, contact_id: int | None = None
    ) -> FocusChange:
        """Put a contact on your focus list; without a cadence they get a monthly one."""
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            contact = self._contact(session, actor, name, contact_id)
            assert contact.id is not None
            existing = session.get(FocusContact, (user.id, contact.id))
            if existing is None:
                session.add(
                    FocusContact(
                        owner_id=user.id,
                        contact_id=contact.id,
                        workspace_id=actor.workspace_id,
                        created_at=now,
                    )
                )
            session.commit()
            count = self._focus_count(session, user.id)
            limit = self._limit(session, user)
            # A stop on this contact is a choice too: "unless one is set" includes it.
            has_own = (
                session.exec(
                    select(ReminderCadence).where(
                        col(ReminderCadence.owner_id) == user.id,
                        col(ReminderCadence.kind) == "contact",
                        col(ReminderCadence.contact_id) == contact.id,
                    )
                ).first()
                is not None
            )
            applies = cadences_applying(session, actor.workspace_id, user.id, [contact.id]).get(
                contact.id
            )
        added = False
        if not has_own and applies is None:
            self.set_cadence(
                actor=actor,
                target=contact.display_name,
                every_days=FOCUS_CADENCE_DAYS,
                contact_id=contact.id,
            )
            applies, added = FOCUS_CADENCE_DAYS, True
        warning = None
        if count > limit:
            warning = (
                f"That's {count} people in focus, past your {limit}. Less is more: a short list "
                "is one you actually keep up with — `unfocus` someone who can wait?"
            )
        return FocusChange(
            contact=contact_ref(contact),
            focused=True,
            changed=existing is None,
            count=count,
            limit=limit,
            warning=warning,
            cadence_days=applies,
            cadence_added=added,
        )

    def unfocus(
        self, *, actor: Actor, name: str | None = None, contact_id: int | None = None
    ) -> FocusChange:
        """Take a contact off the focus list. Their cadence stays (stop it with `cadence`)."""
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            contact = self._contact(session, actor, name, contact_id)
            assert contact.id is not None
            existing = session.get(FocusContact, (user.id, contact.id))
            if existing is not None:
                session.delete(existing)
            session.commit()
            return FocusChange(
                contact=contact_ref(contact),
                focused=False,
                changed=existing is not None,
                count=self._focus_count(session, user.id),
                limit=self._limit(session, user),
                cadence_days=cadences_applying(
                    session, actor.workspace_id, user.id, [contact.id]
                ).get(contact.id),
            )

    def focus_list(self, *, actor: Actor) -> FocusList:
        """Your focus list, the ones needing attention first."""
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            assert user.id is not None
            ids = list(
                session.exec(
                    select(FocusContact.contact_id).where(col(FocusContact.owner_id) == user.id)
                ).all()
            )
            gathered = gather(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                contact_ids=ids,
                now=now,
                tz=self._tz(actor, user),
            )
            rows = [standing_row(gathered, i, team=False) for i in ids if i in gathered.facts]
            return FocusList(rows=tuple(by_attention(rows)), limit=self._limit(session, user))

    def _focus_count(self, session: Session, owner_id: int) -> int:
        return int(
            session.execute(
                sa_select(func.count()).where(col(FocusContact.owner_id) == owner_id)
            ).scalar_one()
        )

    def _limit(self, session: Session, user: User) -> int:
        row = self._settings_row(session, user)
        return row.focus_limit if row is not None else DEFAULT_FOCUS_LIMIT

    # --- settings ---------------------------------------------------------------------------

    def settings(self, *, actor: Actor) -> StandingSettingsView:
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            row = self._settings_row(session, user)
            if row is None:
                return StandingSettingsView(weekly_review=False, focus_limit=DEFAULT_FOCUS_LIMIT)
            return _settings_view(row)

    def update_settings(
        self, *, actor: Actor, weekly_review: bool | None = None, focus_limit: int | None = None
    ) -> StandingSettingsView:
        if focus_limit is not None and not 1 <= focus_limit <= 500:
            raise UserInputError("The focus limit is a number from 1 to 500 (25 is a good start).")
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            row = self._settings_row(session, user)
            if row is None:
                row = StandingSettings(
                    user_id=user.id, workspace_id=actor.workspace_id, updated_at=self._now()
                )
            if weekly_review is not None:
                row.weekly_review = weekly_review
            if focus_limit is not None:
                row.focus_limit = focus_limit
            row.updated_at = self._now()
            session.add(row)
            session.commit()
            return _settings_view(row)


def _settings_view(row: StandingSettings) -> StandingSettingsView:
    return StandingSettingsView(weekly_review=row.weekly_review, focus_limit=row.focus_limit)


def _tag(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.strip().lstrip("#").casefold()
    if not cleaned:
        return None
    return cleaned
