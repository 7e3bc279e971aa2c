"""What teammates did lately, on each chosen reminder: "Bob logged dinner with them on Tue 3 Mar"
and the team's recent contact (pressure). Only team-visible notes by other users of the owner's
workspace count — a private note never shows up, not even as a date or a number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from bot.domain.humanize import local_date as human_date
from bot.domain.reminders import (
    HEADS_UP,
    STAY_IN_TOUCH,
    WAITING_ON,
    YOU_OWE,
    Item,
)
from bot.notes import team
from bot.reminders.facts import Facts, load_team_touches, teammates_per_author
from bot.reminders.planner import Schedule
from bot.store.batches import chunks
from bot.store.models import Note, NoteContact, User
from bot.store.types import aware

CONTEXT_KINDS = (STAY_IN_TOUCH, HEADS_UP, WAITING_ON)  # items that show teammates' notes


PRESSURE_KINDS = (STAY_IN_TOUCH, HEADS_UP, WAITING_ON, YOU_OWE)  # items that mention pressure


CONTEXT_LINES = 2


def add_context(
    session: Session, chosen: dict[int, list[Item]], facts: Facts, now: datetime
) -> dict[int, list[Item]]:
    """What teammates logged with each person lately ("Bob logged dinner with them on Tue 3
    Mar"), and the team's recent contact (contact pressure), for every chosen item of every
    owner: two queries in all. Only team-visible notes by other users of the owner's workspace
    count — a private note never shows up, not even as a date or a number."""
    wanted = {
        item.contact_id
        for items in chosen.values()
        for item in items
        if item.kind in CONTEXT_KINDS or item.kind in PRESSURE_KINDS
    }
    if not wanted:
        return chosen
    latest = _latest_team_notes(session, wanted)
    load_team_touches(session, facts, wanted, now)
    names = _user_names(
        session,
        {a for rows in latest.values() for a, *_ in rows}
        | {a for c in wanted for a, _ in facts.team_touches.get(c, [])},
    )
    thresholds: dict[str, int] = {}
    out: dict[int, list[Item]] = {}
    for owner, items in chosen.items():
        user = facts.users[owner]
        tz = facts.schedules[owner].tz
        if user.workspace_id not in thresholds:
            thresholds[user.workspace_id] = team.threshold_of(session, user.workspace_id)
        threshold = thresholds[user.workspace_id]
        annotated = []
        for item in items:
            if item.kind in CONTEXT_KINDS:
                lines = tuple(
                    f"{names.get(author, 'someone')} logged {kind or 'a note'} with them on "
                    f"{human_date(occurred, tz)}"
                    for author, ws, occurred, kind in latest.get(item.contact_id, [])
                    if author != owner and ws == user.workspace_id
                )[:CONTEXT_LINES]
                if lines:
                    item = replace(item, context=lines)
            if item.kind in PRESSURE_KINDS:
                per_author = teammates_per_author(facts, item.contact_id, owner, user.workspace_id)
                total = sum(count for _, count in per_author)
                # The nudge says so when teammates reached the person often enough to hold
                # stay-in-touch nudges, and a stay-in-touch nudge (one whose hold just ended,
                # say) always says who was in touch this week.
                if total and (total >= threshold or item.kind == STAY_IN_TOUCH or item.held_until):
                    ordered = sorted(per_author, key=lambda ac: (-ac[1], names.get(ac[0], "")))
                    item = replace(
                        item,
                        team_recent=total,
                        team_recent_by=tuple(names.get(a, "someone") for a, _ in ordered),
                    )
            annotated.append(item)
        out[owner] = annotated
    return out


def _latest_team_notes(
    session: Session, contact_ids: set[int]
) -> dict[int, list[tuple[int, str, datetime, str | None]]]:
    """contact -> [(author, workspace, occurred_at, kind)] of each author's latest team-visible
    note about them, newest first."""
    out: dict[int, list[tuple[int, str, datetime, str | None]]] = defaultdict(list)
    for batch in chunks(sorted(contact_ids)):
        ranked = (
            sa_select(
                col(NoteContact.contact_id).label("contact_id"),
                col(Note.author_id).label("author_id"),
                col(Note.workspace_id).label("workspace_id"),
                col(Note.occurred_at).label("occurred_at"),
                col(Note.kind).label("kind"),
                func.row_number()
                .over(
                    partition_by=(col(NoteContact.contact_id), col(Note.author_id)),
                    order_by=(col(Note.occurred_at).desc(), col(Note.id).desc()),
                )
                .label("rank"),
            )
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(col(NoteContact.contact_id).in_(batch), col(Note.visibility) == "team")
            .subquery()
        )
        rows = session.execute(
            sa_select(
                ranked.c.contact_id,
                ranked.c.author_id,
                ranked.c.workspace_id,
                ranked.c.occurred_at,
                ranked.c.kind,
            ).where(ranked.c.rank == 1)
        ).all()
        for contact_id, author_id, workspace_id, occurred, kind in rows:
            out[contact_id].append((author_id, workspace_id, aware(occurred), kind))
    for found in out.values():
        found.sort(key=lambda row: row[2], reverse=True)
    return out


def _user_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for batch in chunks(sorted(user_ids)):
        for uid, display, external in session.execute(
            sa_select(col(User.id), col(User.display_name), col(User.external_id)).where(
                col(User.id).in_(batch)
            )
        ).all():
            names[uid] = display or external
    return names


def with_context(
    session: Session, items: Sequence[Item], *, owner: User, schedule: Schedule, now: datetime
) -> list[Item]:
    """The same context and pressure mention for one user's items outside a tick (App Home)."""
    assert owner.id is not None
    facts = Facts(users={owner.id: owner}, schedules={owner.id: schedule})
    return add_context(session, {owner.id: list(items)}, facts, now).get(owner.id, [])
