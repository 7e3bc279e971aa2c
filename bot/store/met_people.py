"""People met and not yet contacts, per owner: remembered on every calendar read, offered by the
weekly review ("you met 3 new people this week", with Add buttons) until a contact has their
address or their name. Only the owner's own rows are ever read: one person's meetings say
nothing to a teammate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.domain.calendars import NewPerson
from bot.domain.names import name_key
from bot.store.batches import chunks
from bot.store.calendar_models import MetPerson
from bot.store.models import Contact, ContactAlias

MAX_OFFERED = 50


def person_key(person: NewPerson) -> str:
    if person.email:
        return person.email.casefold()[:320]
    return f"name:{name_key(person.label)}"[:330]


def remember(
    session: Session,
    *,
    workspace_id: str,
    owner_id: int,
    people: Sequence[NewPerson],
    now: datetime,
) -> None:
    """Upsert the people one read met. A read sees a window of the calendar, so the count kept
    is the most any read saw, not a sum (reads overlap)."""
    wanted = {person_key(p): p for p in people if person_key(p) != "name:"}
    if not wanted:
        return
    found: dict[str, MetPerson] = {}
    for batch in chunks(sorted(wanted)):
        for row in session.exec(
            select(MetPerson).where(
                MetPerson.owner_id == owner_id, col(MetPerson.person_key).in_(batch)
            )
        ).all():
            found[row.person_key] = row
    for key, person in wanted.items():
        first = person.first_met or person.last_met
        row = found.get(key) or MetPerson(
            workspace_id=workspace_id,
            owner_id=owner_id,
            person_key=key,
            email=person.email.casefold() if person.email else None,
            meetings=0,
            first_met_at=first,
            last_met_at=person.last_met,
        )
        named = "@" not in person.label
        if named or not row.name:
            row.name = person.label[:200] if named else ""
        row.meetings = max(row.meetings, person.meetings)
        row.first_met_at = min(row.first_met_at, first)
        row.last_met_at = max(row.last_met_at, person.last_met)
        row.updated_at = now
        session.add(row)


def still_new(
    session: Session, *, owner_id: int, workspace_id: str, since: datetime, until: datetime
) -> tuple[NewPerson, ...]:
    """Whom the owner met in (since, until] who still has no contact: none with their address,
    and none with their exact name (or an alias of it). Most met first."""
    rows = session.exec(
        select(MetPerson)
        .where(
            MetPerson.owner_id == owner_id,
            MetPerson.workspace_id == workspace_id,
            col(MetPerson.last_met_at) > since,
            col(MetPerson.last_met_at) <= until,
        )
        .order_by(col(MetPerson.meetings).desc(), col(MetPerson.last_met_at).desc())
        .limit(MAX_OFFERED * 4)
    ).all()
    emails = _known_emails(session, workspace_id, {r.email for r in rows if r.email})
    names = _known_names(session, workspace_id, {name_key(r.name) for r in rows if r.name})
    offered = [
        NewPerson(
            label=row.name or row.email or "",
            email=row.email,
            meetings=row.meetings,
            last_met=row.last_met_at,
            first_met=row.first_met_at,
        )
        for row in rows
        if (row.email is None or row.email not in emails)
        and (not row.name or name_key(row.name) not in names)
    ]
    return tuple(offered[:MAX_OFFERED])


def _known_emails(session: Session, workspace_id: str, emails: Iterable[str]) -> set[str]:
    known: set[str] = set()
    for batch in chunks(sorted(emails)):
        known.update(
            str(e).casefold()
            for e in session.exec(
                select(Contact.email).where(
                    Contact.workspace_id == workspace_id,
                    func.lower(col(Contact.email)).in_(batch),
                )
            ).all()
            if e
        )
    return known


def _known_names(session: Session, workspace_id: str, keys: Iterable[str]) -> set[str]:
    known: set[str] = set()
    for batch in chunks(sorted(k for k in keys if k)):
        known.update(
            session.exec(
                select(Contact.name_key).where(
                    Contact.workspace_id == workspace_id, col(Contact.name_key).in_(batch)
                )
            ).all()
        )
        known.update(
            session.exec(
                select(ContactAlias.alias_key).where(
                    ContactAlias.workspace_id == workspace_id,
                    col(ContactAlias.alias_key).in_(batch),
                )
            ).all()
        )
    return known
