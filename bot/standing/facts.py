"""Where each relationship stands, from the notes: the facts bot/domain/relationship.py's rules
read, gathered in bulk for a set of contacts, and the standing row each becomes.

Cost model (bench/bench_standing.py): everything — names, last notes, loops, birthdays, cadences,
focus — is loaded for the asked contacts only, in a fixed number of set-based queries per 500.
`contact_standing` and `focus_contact_ids` take an open session, for the card and the digest to
call inside their own transactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.domain import relationship
from bot.domain.occasions import next_occurrence
from bot.domain.relationship import Facts, Label, OpenLoop
from bot.domain.standing import (
    CadenceStatus,
    ContactStanding,
)
from bot.domain.zones import pick_zone
from bot.notes import news
from bot.store import repo
from bot.store.batches import chunks
from bot.store.focus_models import FocusContact
from bot.store.models import Contact, Loop, Note, NoteContact, Occasion
from bot.store.reminder_models import ReminderCadence
from bot.store.types import aware
from bot.usecases import contact_ref

# --- gathering facts ----------------------------------------------------------------------------


@dataclass
class Gathered:
    """Facts per contact, and what the rows show beyond the rules."""

    facts: dict[int, Facts] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    last_by: dict[int, str] = field(default_factory=dict)
    cadence: dict[int, CadenceStatus] = field(default_factory=dict)


def notes_counted(workspace_id: str, viewer_id: int, *, team: bool) -> tuple[Any, ...]:
    """Whose notes count: yours (the default), or everything you may see (--team)."""
    if team:
        return repo.visible(workspace_id, viewer_id)
    # A user belongs to one workspace, so the author alone selects the notes; leaving the
    # workspace out lets SQLite answer from the note(author_id, occurred_at) index alone.
    return (col(Note.author_id) == viewer_id,)


def gather(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    contact_ids: Sequence[int],
    now: datetime,
    tz: str,
    team: bool = False,
) -> Gathered:
    """Everything the rules need for these contacts, in a fixed number of queries per 500."""
    out = Gathered()
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    recent = now - timedelta(days=relationship.RECENT_DAYS)
    long = now - timedelta(days=relationship.LONG_DAYS)
    sensitive_since = now - timedelta(days=relationship.SENSITIVE_MEMORY_DAYS)
    who = notes_counted(workspace_id, viewer_id, team=team)
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
            else {i: aware(a[0]) for i, a in aggregates.items()}
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
            opened = min(loop.created_at, aware(said_at) or loop.created_at)
            loops.setdefault(loop.contact_id, []).append(
                OpenLoop(loop.direction, loop.what, loop.due_at, opened)
            )
        sensitive = news.about(
            session,
            contact_ids=ids,
            since=sensitive_since,
            now=now,
            workspace_id=workspace_id,
            viewer_id=viewer_id,
        )
        occasions = _occasions(session, workspace_id, viewer_id, ids, today)
        focus = _focused(session, viewer_id, ids)
        cadences = cadences_applying(session, workspace_id, viewer_id, ids)
        for contact_id in ids:
            contact = out.contacts[contact_id]
            agg = aggregates.get(contact_id)
            last = last_notes.get(contact_id)
            occasion = occasions.get(contact_id)
            said = sensitive.get(contact_id)
            bad = said[0].news if said else None
            every = cadences.get(contact_id)
            out.facts[contact_id] = Facts(
                name=contact.display_name,
                now=now,
                last_at=aware(agg[0]) if agg else None,
                first_at=aware(agg[1]) if agg else None,
                last_kind=last[0] if last else None,
                last_text=last[1] if last else None,
                last_initiator=last[4] if last else None,
                in_recent=int(agg[2] or 0) if agg else 0,
                in_long=int(agg[3] or 0) if agg else 0,
                they_reached_out=int(agg[4] or 0) if agg else 0,
                you_reached_out=int(agg[5] or 0) if agg else 0,
                loops=tuple(loops.get(contact_id, ())),
                sensitive=bad.words if bad else None,
                sensitive_at=bad.at if bad else None,
                sensitive_kind=bad.topic if bad else None,
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
) -> dict[int, tuple[str | None, str, int, list[str], str | None]]:
    """(kind, text, author_id, needs, initiator) of the latest counted note per contact: one
    window query."""
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
            col(Note.initiator).label("initiator"),
            rank,
        )
        .join(Note, col(Note.id) == col(NoteContact.note_id))
        .where(col(NoteContact.contact_id).in_(ids), col(Note.occurred_at) <= now, *who)
        .subquery()
    )
    rows = session.execute(
        sa_select(
            inner.c.contact_id,
            inner.c.kind,
            inner.c.text,
            inner.c.author_id,
            inner.c.needs,
            inner.c.initiator,
        ).where(inner.c.rank == 1)
    ).all()
    return {
        int(contact_id): (kind, text, int(author_id), list(needs or []), initiator)
        for contact_id, kind, text, author_id, needs, initiator in rows
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
            *notes_counted(workspace_id, viewer_id, team=False),
        )
        .group_by(col(NoteContact.contact_id))
    ).all()
    return {int(contact_id): aware(last) for contact_id, last in rows}


def occasions_visible_to(workspace_id: str, viewer_id: int) -> tuple[Any, ...]:
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
        .where(col(Occasion.contact_id).in_(ids), *occasions_visible_to(workspace_id, viewer_id))
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


def cadences_applying(
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


def standing_row(gathered: Gathered, contact_id: int, *, team: bool) -> ContactStanding:
    facts = gathered.facts[contact_id]
    state = relationship.assess(facts)
    return ContactStanding(
        contact=contact_ref(gathered.contacts[contact_id]),
        label=state.label.value,
        why=state.why,
        last_at=facts.last_at,
        last_kind=facts.last_kind,
        last_by=gathered.last_by.get(contact_id) if team else None,
        cadence=gathered.cadence.get(contact_id),
        focus=facts.focus,
        action=relationship.next_action(facts, state),
        turn=relationship.whose_turn(facts),
    )


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
    gathered = gather(
        session,
        workspace_id=workspace_id,
        viewer_id=viewer_id,
        contact_ids=[contact_id],
        now=now,
        tz=pick_zone(tz),
    )
    if contact_id not in gathered.facts:
        return None
    return standing_row(gathered, contact_id, team=False)


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


def most_met(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    since: datetime,
    now: datetime,
    limit: int,
    not_since: datetime | None = None,
) -> list[int]:
    """The contacts of the viewer's own notes between `since` and `now`, most notes first
    (bounded); with `not_since`, only those met at least twice but not since then."""
    count = func.count().label("n")
    query = (
        sa_select(col(NoteContact.contact_id), count)
        .join(Note, col(Note.id) == col(NoteContact.note_id))
        .where(
            *notes_counted(workspace_id, viewer_id, team=False),
            col(Note.occurred_at) >= since,
            col(Note.occurred_at) <= now,
        )
        .group_by(col(NoteContact.contact_id))
    )
    if not_since is not None:
        query = query.having(and_(func.count() >= 2, func.max(Note.occurred_at) < not_since))
    rows = session.execute(
        query.order_by(count.desc(), col(NoteContact.contact_id)).limit(limit)
    ).all()
    return [int(row[0]) for row in rows]


def by_attention(rows: Sequence[ContactStanding]) -> list[ContactStanding]:
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
