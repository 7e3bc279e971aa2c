"""Where every relationship stands: the fading list, the focus list, the next best actions and
the weekly review. The rules are in bot/relationship.py; this module gathers their facts.

Like bot.service.Rapport and bot.reminders.service.Reminders: a keyword-only session factory,
clock and default zone; every method takes the acting `Actor`; no Slack types here.

Cost model (bench/bench_standing.py): the fading list is one aggregate over the user's own notes
(`note(author_id, occurred_at)` index, then `notecontact` by primary key) with ORDER BY and LIMIT
in SQL; everything else — names, last notes, loops, birthdays, cadences, focus — is loaded for
the page's contacts only, in a fixed number of set-based queries. "Your next five" never walks
all contacts: its candidates are your open loops, focus list, cadences, this month's bad news,
this week's birthdays and the people you met often but not lately.

Module-level functions taking a session (`contact_standing`, `next_actions_for`,
`focus_contact_ids`, `move_focus`) are for the card, App Home and the digest to call inside
their own transactions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, case, cast, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.domain import relationship
from bot.domain.errors import AmbiguousNameError, UserInputError
from bot.domain.occasions import next_occurrence
from bot.domain.refs import Actor, ContactRef
from bot.domain.relationship import Facts, Label, OpenLoop
from bot.domain.standing import (
    CadenceStatus,
    ContactStanding,
    FadingPage,
    FocusChange,
    FocusList,
    NextAction,
    Review,
    ReviewDelivery,
    ReviewLoop,
    StandingSettingsView,
)
from bot.domain.zones import pick_zone
from bot.notes.lookup import find_contact
from bot.store import repo
from bot.store.focus_models import DEFAULT_FOCUS_LIMIT, FocusContact, StandingSettings
from bot.store.models import Contact, Loop, Note, NoteContact, Occasion, User
from bot.store.reminder_models import ReminderCadence, ReminderSettings
from bot.usecases import UseCases

T = TypeVar("T")

FOCUS_CADENCE_DAYS: Final = 30  # a focus contact without a cadence gets this one
FADING_PAGE_SIZE: Final = 10
MAX_PAGE_SIZE: Final = 100
NEXT_LIMIT: Final = 5
CHUNK: Final = 500  # IN-list size, well under both databases' parameter limits
CANDIDATES_PER_SOURCE: Final = 50  # "your next five" looks at this many per source at most
COOLING_CANDIDATES: Final = 50
REVIEW_CANDIDATES: Final = 2000
REVIEW_DAYS: Final = 7
REVIEW_COOLED_SHOWN: Final = 10
REVIEW_HOUR_DEFAULT: Final = 9  # Monday, at the reminders' digest hour (9 unless set)


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _aware(value: Any) -> datetime | None:
    """Aggregates bypass the column type, so SQLite's naive text comes back as it is."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ref(contact: Contact) -> ContactRef:
    assert contact.id is not None
    return ContactRef(id=contact.id, display_name=contact.display_name)


def _tag(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.strip().lstrip("#").casefold()
    if not cleaned:
        return None
    return cleaned


# --- gathering facts ----------------------------------------------------------------------------


@dataclass
class _Gathered:
    """Facts per contact, and what the rows show beyond the rules."""

    facts: dict[int, Facts] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    last_by: dict[int, str] = field(default_factory=dict)
    cadence: dict[int, CadenceStatus] = field(default_factory=dict)


def _who(workspace_id: str, viewer_id: int, *, team: bool) -> tuple[Any, ...]:
    """Whose notes count: yours (the default), or everything you may see (--team)."""
    if team:
        return repo.visible(workspace_id, viewer_id)
    # A user belongs to one workspace, so the author alone selects the notes; leaving the
    # workspace out lets SQLite answer from the note(author_id, occurred_at) index alone.
    return (col(Note.author_id) == viewer_id,)


def _gather(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    contact_ids: Sequence[int],
    now: datetime,
    tz: str,
    team: bool = False,
) -> _Gathered:
    """Everything the rules need for these contacts, in a fixed number of queries per 500."""
    out = _Gathered()
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    recent = now - timedelta(days=relationship.RECENT_DAYS)
    long = now - timedelta(days=relationship.LONG_DAYS)
    sensitive_since = now - timedelta(days=relationship.SENSITIVE_DAYS)
    who = _who(workspace_id, viewer_id, team=team)
    in_window = col(Note.occurred_at) >= long
    for batch in chunks(sorted(set(contact_ids))):
        for contact in session.exec(
            select(Contact).where(
                col(Contact.id).in_(batch), col(Contact.workspace_id) == workspace_id
            )
        ).all():
            assert contact.id is not None
            out.contacts[contact.id] = contact
        ids = [i for i in batch if i in out.contacts]
        if not ids:
            continue
        aggregates: dict[int, tuple[Any, ...]] = {}
        for row in session.execute(
            sa_select(
                col(NoteContact.contact_id),
                func.max(Note.occurred_at),
                func.min(Note.occurred_at),
                func.sum(case((col(Note.occurred_at) >= recent, 1), else_=0)),
                func.sum(case((in_window, 1), else_=0)),
                func.sum(case((and_(in_window, col(Note.initiator) == "them"), 1), else_=0)),
                func.sum(case((and_(in_window, col(Note.initiator) == "me"), 1), else_=0)),
            )
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(col(NoteContact.contact_id).in_(ids), col(Note.occurred_at) <= now, *who)
            .group_by(col(NoteContact.contact_id))
        ).all():
            aggregates[int(row[0])] = tuple(row[1:])
        last_notes = _last_notes(session, ids, who=who, now=now)
        authors = repo.users_by_id(session, {n[2] for n in last_notes.values()})
        mine = (
            _my_last(session, workspace_id, viewer_id, ids, now)
            if team
            else {i: _aware(a[0]) for i, a in aggregates.items()}
        )
        loops: dict[int, list[OpenLoop]] = {}
        for loop, said_at in session.execute(
            sa_select(Loop, col(Note.occurred_at))
            .join(Note, col(Note.id) == col(Loop.source_note_id))
            .where(
                col(Loop.owner_id) == viewer_id,
                col(Loop.status) == "open",
                col(Loop.contact_id).in_(ids),
            )
        ).all():
            # A note logged late ("asked Priya for the contract" last week) opened its loop
            # when it happened, not when it was typed in.
            opened = min(loop.created_at, _aware(said_at) or loop.created_at)
            loops.setdefault(loop.contact_id, []).append(
                OpenLoop(loop.direction, loop.what, loop.due_at, opened)
            )
        sensitive: dict[int, tuple[datetime, str]] = {}
        for contact_id, occurred, topics in session.execute(
            sa_select(col(NoteContact.contact_id), col(Note.occurred_at), col(Note.sensitive))
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(
                col(NoteContact.contact_id).in_(ids),
                col(Note.occurred_at) >= sensitive_since,
                col(Note.occurred_at) <= now,
                *repo.visible(workspace_id, viewer_id),
            )
        ).all():
            when = _aware(occurred)
            if topics and when is not None:
                known = sensitive.get(contact_id)
                if known is None or when > known[0]:
                    sensitive[contact_id] = (when, ", ".join(str(t) for t in topics))
        occasions = _occasions(session, workspace_id, viewer_id, ids, today)
        focus = _focused(session, viewer_id, ids)
        cadences = _cadences(session, workspace_id, viewer_id, ids)
        for contact_id in ids:
            contact = out.contacts[contact_id]
            agg = aggregates.get(contact_id)
            last = last_notes.get(contact_id)
            occasion = occasions.get(contact_id)
            bad = sensitive.get(contact_id)
            every = cadences.get(contact_id)
            out.facts[contact_id] = Facts(
                name=contact.display_name,
                now=now,
                last_at=_aware(agg[0]) if agg else None,
                first_at=_aware(agg[1]) if agg else None,
                last_kind=last[0] if last else None,
                last_text=last[1] if last else None,
                in_recent=int(agg[2] or 0) if agg else 0,
                in_long=int(agg[3] or 0) if agg else 0,
                they_reached_out=int(agg[4] or 0) if agg else 0,
                you_reached_out=int(agg[5] or 0) if agg else 0,
                loops=tuple(loops.get(contact_id, ())),
                sensitive=bad[1] if bad else None,
                sensitive_at=bad[0] if bad else None,
                occasion=occasion[0] if occasion else None,
                occasion_in_days=occasion[1] if occasion else None,
                occasion_years=occasion[2] if occasion else None,
                focus=contact_id in focus,
                cadence_days=every,
                needs=tuple(last[3]) if last else (),
            )
            if last is not None:
                author = authors.get(last[2])
                out.last_by[contact_id] = author.display_name if author else "someone"
            if every is not None:
                out.cadence[contact_id] = _cadence_status(every, mine.get(contact_id), today, zone)
    return out


def _last_notes(
    session: Session, ids: Sequence[int], *, who: tuple[Any, ...], now: datetime
) -> dict[int, tuple[str | None, str, int, list[str]]]:
    """(kind, text, author_id, needs) of the latest counted note per contact: one window query."""
    rank = (
        func.row_number()
        .over(
            partition_by=col(NoteContact.contact_id),
            order_by=(col(Note.occurred_at).desc(), col(Note.id).desc()),
        )
        .label("rank")
    )
    inner = (
        sa_select(
            col(NoteContact.contact_id).label("contact_id"),
            col(Note.kind).label("kind"),
            col(Note.text).label("text"),
            col(Note.author_id).label("author_id"),
            col(Note.needs).label("needs"),
            rank,
        )
        .join(Note, col(Note.id) == col(NoteContact.note_id))
        .where(col(NoteContact.contact_id).in_(ids), col(Note.occurred_at) <= now, *who)
        .subquery()
    )
    rows = session.execute(
        sa_select(
            inner.c.contact_id, inner.c.kind, inner.c.text, inner.c.author_id, inner.c.needs
        ).where(inner.c.rank == 1)
    ).all()
    return {
        int(contact_id): (kind, text, int(author_id), list(needs or []))
        for contact_id, kind, text, author_id, needs in rows
    }


def _my_last(
    session: Session, workspace_id: str, viewer_id: int, ids: Sequence[int], now: datetime
) -> dict[int, datetime | None]:
    rows = session.execute(
        sa_select(col(NoteContact.contact_id), func.max(Note.occurred_at))
        .join(Note, col(Note.id) == col(NoteContact.note_id))
        .where(
            col(NoteContact.contact_id).in_(ids),
            col(Note.occurred_at) <= now,
            *_who(workspace_id, viewer_id, team=False),
        )
        .group_by(col(NoteContact.contact_id))
    ).all()
    return {int(contact_id): _aware(last) for contact_id, last in rows}


def _visible_occasions(workspace_id: str, viewer_id: int) -> tuple[Any, ...]:
    """Imported occasions, and those from notes the viewer may see (as the card shows them)."""
    return (
        col(Occasion.workspace_id) == workspace_id,
        or_(col(Occasion.source_note_id).is_(None), and_(*repo.visible(workspace_id, viewer_id))),
    )


def _occasions(
    session: Session, workspace_id: str, viewer_id: int, ids: Sequence[int], today: date
) -> dict[int, tuple[str, int, int | None]]:
    """(kind, days until, years) of each contact's next occasion."""
    found: dict[int, tuple[str, int, int | None]] = {}
    for occasion in session.exec(
        select(Occasion)
        .outerjoin(Note, col(Note.id) == col(Occasion.source_note_id))
        .where(col(Occasion.contact_id).in_(ids), *_visible_occasions(workspace_id, viewer_id))
    ).all():
        on = next_occurrence(occasion.month, occasion.day, today)
        days = (on - today).days
        years = on.year - occasion.year if occasion.year else None
        known = found.get(occasion.contact_id)
        if known is None or days < known[1]:
            found[occasion.contact_id] = (occasion.kind, days, years)
    return found


def _focused(session: Session, owner_id: int, ids: Sequence[int]) -> set[int]:
    return set(
        session.exec(
            select(FocusContact.contact_id).where(
                col(FocusContact.owner_id) == owner_id, col(FocusContact.contact_id).in_(ids)
            )
        ).all()
    )


def _cadences(
    session: Session, workspace_id: str, owner_id: int, ids: Sequence[int]
) -> dict[int, int]:
    """The cadence that applies, as the reminders read it: the contact's own (a stop wins),
    else the shortest of its tags' cadences."""
    own: dict[int, int] = {}
    stopped: set[int] = set()
    for cadence in session.exec(
        select(ReminderCadence).where(
            col(ReminderCadence.owner_id) == owner_id,
            col(ReminderCadence.kind) == "contact",
            col(ReminderCadence.contact_id).in_(ids),
        )
    ).all():
        assert cadence.contact_id is not None
        if cadence.stopped_at is not None or cadence.every_days <= 0:
            stopped.add(cadence.contact_id)
        else:
            own[cadence.contact_id] = cadence.every_days
    tag_days: dict[str, int] = {}
    for cadence in session.exec(
        select(ReminderCadence).where(
            col(ReminderCadence.owner_id) == owner_id,
            col(ReminderCadence.kind) == "tag",
            col(ReminderCadence.stopped_at).is_(None),
        )
    ).all():
        if cadence.tag and cadence.every_days > 0:
            tag_days[cadence.tag] = min(cadence.every_days, tag_days.get(cadence.tag, 10**6))
    result = dict(own)
    if tag_days:
        # Only tags the owner can see on the contact's notes (a teammate's private #tag must not
        # put someone under your tag cadence), as the reminders count them.
        for contact_id, tag in repo.contacts_tagged_for(
            session,
            workspace_id=workspace_id,
            viewer_id=owner_id,
            tags=tag_days,
            contact_ids=ids,
        ):
            if contact_id in own or contact_id in stopped:
                continue
            result[contact_id] = min(tag_days[tag], result.get(contact_id, 10**6))
    return result


def _cadence_status(
    every: int, my_last: datetime | None, today: date, zone: ZoneInfo
) -> CadenceStatus:
    """Counted in the user's calendar days from their last interaction, like the reminders;
    never in touch: due now."""
    if my_last is None:
        return CadenceStatus(every_days=every, due_in_days=0)
    due = my_last.astimezone(zone).date() + timedelta(days=every)
    return CadenceStatus(every_days=every, due_in_days=(due - today).days)


def _standing(gathered: _Gathered, contact_id: int, *, team: bool) -> ContactStanding:
    facts = gathered.facts[contact_id]
    state = relationship.assess(facts)
    return ContactStanding(
        contact=_ref(gathered.contacts[contact_id]),
        label=state.label.value,
        why=state.why,
        last_at=facts.last_at,
        last_kind=facts.last_kind,
        last_by=gathered.last_by.get(contact_id) if team else None,
        cadence=gathered.cadence.get(contact_id),
        focus=facts.focus,
        action=relationship.next_action(facts, state),
    )


# --- session-level entry points (for the card, App Home and the digest) --------------------------


def contact_standing(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    contact_id: int,
    now: datetime,
    tz: str,
) -> ContactStanding | None:
    """One contact's state and next best action for the card; None for an unknown contact."""
    gathered = _gather(
        session,
        workspace_id=workspace_id,
        viewer_id=viewer_id,
        contact_ids=[contact_id],
        now=now,
        tz=pick_zone(tz),
    )
    if contact_id not in gathered.facts:
        return None
    return _standing(gathered, contact_id, team=False)


def focus_contact_ids(session: Session, *, owner_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(owner_id, contact_id) of every focus row of these owners: one query per 500 owners.
    For the digest, to put focus contacts first."""
    found: set[tuple[int, int]] = set()
    for batch in chunks(sorted(set(owner_ids))):
        for owner_id, contact_id in session.execute(
            sa_select(col(FocusContact.owner_id), col(FocusContact.contact_id)).where(
                col(FocusContact.owner_id).in_(batch)
            )
        ).all():
            found.add((int(owner_id), int(contact_id)))
    return found


def next_actions_for(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    now: datetime,
    tz: str,
    limit: int = NEXT_LIMIT,
    exclude_contact_ids: Iterable[int] = (),
) -> tuple[NextAction, ...]:
    """ "Your next five": the most useful suggestions across the people you know.

    `exclude_contact_ids`: people already in the message (the digest's own reminders)."""
    tz = pick_zone(tz)
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    candidates = _candidates(session, workspace_id, viewer_id, now, today)
    candidates -= set(exclude_contact_ids)
    gathered = _gather(
        session,
        workspace_id=workspace_id,
        viewer_id=viewer_id,
        contact_ids=sorted(candidates),
        now=now,
        tz=tz,
    )
    found: list[NextAction] = []
    for contact_id, facts in gathered.facts.items():
        # Your relationships only: someone only a teammate has met is theirs to tend.
        if facts.last_at is None and not facts.focus:
            continue
        state = relationship.assess(facts)
        action = relationship.next_action(facts, state)
        if action is None:
            continue
        found.append(
            NextAction(
                contact=_ref(gathered.contacts[contact_id]),
                label=state.label.value,
                focus=facts.focus,
                action=action,
            )
        )
    found.sort(
        key=lambda n: (
            n.action.rank,
            not n.focus,
            -n.action.urgency,
            n.contact.display_name.casefold(),
            n.contact.id,
        )
    )
    return tuple(found[: max(0, limit)])


def _candidates(
    session: Session, workspace_id: str, viewer_id: int, now: datetime, today: date
) -> set[int]:
    """Who might need something from you: each source bounded, none walks every contact."""
    limit = CANDIDATES_PER_SOURCE
    found: set[int] = set()
    found.update(
        session.exec(
            select(Loop.contact_id)
            .where(col(Loop.owner_id) == viewer_id, col(Loop.status) == "open")
            .order_by(col(Loop.due_at), col(Loop.id))
            .limit(limit)
        ).all()
    )
    found.update(
        session.exec(
            select(FocusContact.contact_id).where(col(FocusContact.owner_id) == viewer_id)
        ).all()
    )
    found.update(
        c
        for c in session.exec(
            select(ReminderCadence.contact_id)
            .where(
                col(ReminderCadence.owner_id) == viewer_id,
                col(ReminderCadence.kind) == "contact",
                col(ReminderCadence.stopped_at).is_(None),
                col(ReminderCadence.every_days) > 0,
            )
            .limit(limit)
        ).all()
        if c is not None
    )
    since = now - timedelta(days=relationship.SENSITIVE_DAYS)
    found.update(
        session.exec(
            select(NoteContact.contact_id)
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(
                col(Note.occurred_at) >= since,
                col(Note.occurred_at) <= now,
                # JSON lists are stored as text on both databases; "[]" is the empty one.
                cast(col(Note.sensitive), String) != "[]",
                *repo.visible(workspace_id, viewer_id),
            )
            .order_by(col(Note.occurred_at).desc())
            .limit(limit)
        ).all()
    )
    days = [today + timedelta(days=d) for d in range(relationship.OCCASION_SOON_DAYS + 1)]
    pairs = {(d.month, d.day) for d in days}
    if any(d.month == 2 and d.day == 28 for d in days):
        pairs.add((2, 29))  # shown on 28 Feb in other years
    found.update(
        session.exec(
            select(Occasion.contact_id)
            .outerjoin(Note, col(Note.id) == col(Occasion.source_note_id))
            .where(
                *_visible_occasions(workspace_id, viewer_id),
                or_(
                    *(
                        and_(col(Occasion.month) == m, col(Occasion.day) == d)
                        for m, d in sorted(pairs)
                    )
                ),
            )
            .limit(limit)
        ).all()
    )
    # People you met often in the last half-year but not in the last three weeks.
    long = now - timedelta(days=relationship.LONG_DAYS)
    quiet = now - timedelta(days=relationship.MIN_RHYTHM)
    count = func.count().label("n")
    found.update(
        int(row[0])
        for row in session.execute(
            sa_select(col(NoteContact.contact_id), count)
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(
                *_who(workspace_id, viewer_id, team=False),
                col(Note.occurred_at) >= long,
                col(Note.occurred_at) <= now,
            )
            .group_by(col(NoteContact.contact_id))
            .having(and_(func.count() >= 2, func.max(Note.occurred_at) < quiet))
            .order_by(count.desc(), col(NoteContact.contact_id))
            .limit(COOLING_CANDIDATES)
        ).all()
    )
    return found


# --- the use cases --------------------------------------------------------------------------------


class Standing(UseCases):
    """Where each relationship stands: fading, focus, next best actions, weekly review."""

    def _contact(
        self, session: Session, actor: Actor, name: str | None, contact_id: int | None
    ) -> Contact:
        return find_contact(
            session,
            workspace_id=actor.workspace_id,
            name=name,
            contact_id=contact_id,
            example="focus Jane Doe",
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
                .where(*_who(actor.workspace_id, user.id, team=team), col(Note.occurred_at) <= now)
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
            gathered = _gather(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                contact_ids=ids,
                now=now,
                tz=self._tz(actor, user),
                team=team,
            )
            return FadingPage(
                rows=tuple(_standing(gathered, i, team=team) for i in ids if i in gathered.facts),
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
            applies = _cadences(session, actor.workspace_id, user.id, [contact.id]).get(contact.id)
        added = False
        if not has_own and applies is None:
            from bot.reminders.service import Reminders

            reminders = Reminders(
                sessions=self.sessions, clock=self.clock, default_tz=self.default_tz
            )
            reminders.set_cadence(
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
            contact=_ref(contact),
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
                contact=_ref(contact),
                focused=False,
                changed=existing is not None,
                count=self._focus_count(session, user.id),
                limit=self._limit(session, user),
                cadence_days=_cadences(session, actor.workspace_id, user.id, [contact.id]).get(
                    contact.id
                ),
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
            gathered = _gather(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                contact_ids=ids,
                now=now,
                tz=self._tz(actor, user),
            )
            rows = [_standing(gathered, i, team=False) for i in ids if i in gathered.facts]
            return FocusList(rows=tuple(_by_attention(rows)), limit=self._limit(session, user))

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
            return StandingSettingsView(
                weekly_review=row.weekly_review, focus_limit=row.focus_limit
            )

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
            return StandingSettingsView(
                weekly_review=row.weekly_review, focus_limit=row.focus_limit
            )

    # --- the weekly review ------------------------------------------------------------------

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
        mine = (*_who(ws, user.id, team=False), col(Note.occurred_at) > since)
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
                _ref(contact) if contact else ContactRef(id=loop.contact_id, display_name="someone")
            )
            return ReviewLoop(contact=ref, direction=loop.direction, what=loop.what, at=at)

        cooled = self._cooled(session, user, now, tz)
        focus_ids = list(
            session.exec(
                select(FocusContact.contact_id).where(col(FocusContact.owner_id) == user.id)
            ).all()
        )
        gathered = _gather(
            session, workspace_id=ws, viewer_id=user.id, contact_ids=focus_ids, now=now, tz=tz
        )
        focus = _by_attention(
            [_standing(gathered, i, team=False) for i in focus_ids if i in gathered.facts]
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
        count = func.count().label("n")
        ids = [
            int(row[0])
            for row in session.execute(
                sa_select(col(NoteContact.contact_id), count)
                .join(Note, col(Note.id) == col(NoteContact.note_id))
                .where(
                    *_who(ws, user.id, team=False),
                    col(Note.occurred_at) >= window,
                    col(Note.occurred_at) <= now,
                )
                .group_by(col(NoteContact.contact_id))
                .order_by(count.desc(), col(NoteContact.contact_id))
                .limit(REVIEW_CANDIDATES)
            ).all()
        ]
        before = _gather(
            session, workspace_id=ws, viewer_id=user.id, contact_ids=ids, now=then, tz=tz
        )
        after = _gather(
            session, workspace_id=ws, viewer_id=user.id, contact_ids=ids, now=now, tz=tz
        )
        was = {i: relationship.assess(f).label for i, f in before.facts.items()}
        fading = (Label.COOLING, Label.COLD)
        rows = [
            _standing(after, i, team=False)
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


def _by_attention(rows: Sequence[ContactStanding]) -> list[ContactStanding]:
    """Those with something to do first (by its rank), then the coldest, then the longest
    silence."""
    order = {Label.COLD.value: 0, Label.COOLING.value: 1, Label.NEW.value: 2, Label.WARM.value: 3}
    far = datetime.min.replace(tzinfo=UTC)
    return sorted(
        rows,
        key=lambda r: (
            r.action.rank if r.action else 99,
            order.get(r.label, 9),
            r.last_at or far,
            r.contact.display_name.casefold(),
        ),
    )


def _settings_view(row: StandingSettings) -> StandingSettingsView:
    return StandingSettingsView(weekly_review=row.weekly_review, focus_limit=row.focus_limit)


def _ambiguous(name: str, contacts: Sequence[Contact]) -> AmbiguousNameError:
    return AmbiguousNameError(name, [(c.id or 0, c.display_name) for c in contacts[:5]])
