"""Your next five: the most useful suggestions across the people you know.

It never walks all contacts: its candidates are your open loops, focus list, cadences, this
month's bad news, this week's birthdays and the people you met often but not lately, each source
bounded; then their facts are gathered (bot/standing/facts.py) and the rules rank them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.domain import relationship
from bot.domain.standing import (
    NextAction,
)
from bot.domain.zones import pick_zone
from bot.standing.facts import gather, most_met, occasions_visible_to
from bot.store import repo
from bot.store.batches import chunks
from bot.store.focus_models import FocusContact
from bot.store.models import NEWS_LINK_IN_QUERY, Loop, Note, NoteContact, Occasion
from bot.store.reminder_models import ReminderCadence
from bot.usecases import contact_ref

NEXT_LIMIT: Final = 5
CANDIDATES_PER_SOURCE: Final = 50  # "your next five" looks at this many per source at most
COOLING_CANDIDATES: Final = 50


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
    gathered = gather(
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
                contact=contact_ref(gathered.contacts[contact_id]),
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
    since = now - timedelta(days=relationship.SENSITIVE_MEMORY_DAYS)
    found.update(_recent_news(session, workspace_id, viewer_id, since, now, limit))
    days = [today + timedelta(days=d) for d in range(relationship.OCCASION_SOON_DAYS + 1)]
    pairs = {(d.month, d.day) for d in days}
    if any(d.month == 2 and d.day == 28 for d in days):
        pairs.add((2, 29))  # shown on 28 Feb in other years
    found.update(
        session.exec(
            select(Occasion.contact_id)
            .outerjoin(Note, col(Note.id) == col(Occasion.source_note_id))
            .where(
                *occasions_visible_to(workspace_id, viewer_id),
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
    found.update(
        most_met(
            session,
            workspace_id=workspace_id,
            viewer_id=viewer_id,
            since=now - timedelta(days=relationship.LONG_DAYS),
            now=now,
            limit=COOLING_CANDIDATES,
            not_since=now - timedelta(days=relationship.MIN_RHYTHM),
        )
    )
    return found


def _recent_news(
    session: Session, workspace_id: str, viewer_id: int, since: datetime, now: datetime, limit: int
) -> list[int]:
    """The contacts of the latest `limit` news links on notes the viewer may see in the window.

    In two steps, so neither database can walk every note of the workspace in the window (each
    morning digest did, once per digest: seconds at 1M contacts). First the links that carry
    news, from the partial index ix_notecontact_news (its condition written out as the index has
    it; rare by nature, and PostgreSQL cannot estimate how rare); then those notes by primary
    key, with the one visibility rule (repo.visible)."""
    links = session.execute(
        sa_select(col(NoteContact.note_id), col(NoteContact.contact_id)).where(
            col(NoteContact.workspace_id) == workspace_id, text(NEWS_LINK_IN_QUERY)
        )
    ).all()
    contacts_of: dict[int, list[int]] = {}
    for note_id, contact_id in links:
        contacts_of.setdefault(int(note_id), []).append(int(contact_id))
    dated: list[tuple[datetime, int, int]] = []
    for batch in chunks(sorted(contacts_of)):
        for note_id, occurred in session.execute(
            sa_select(col(Note.id), col(Note.occurred_at))
            .where(
                col(Note.id).in_(batch),
                *repo.visible(workspace_id, viewer_id),
                col(Note.occurred_at) >= since,
                col(Note.occurred_at) <= now,
            )
            .order_by(col(Note.occurred_at).desc())
            .limit(limit)
        ).all():
            dated.extend((occurred, note_id, c) for c in contacts_of[int(note_id)])
    dated.sort(reverse=True)
    return [contact_id for _, _, contact_id in dated[:limit]]
