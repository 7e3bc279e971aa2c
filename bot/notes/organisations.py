"""Organisations as records: found or made from what notes name, linked to the notes that name
them, and to the people who belong to them (a person's company and role, from "Mei Tanaka, COO
at Initrode" or "Sunil from Plaid"). Organisations are never contacts.

What a note teaches about its people (company, role, nicknames) is written only from notes the
team can see: a private note keeps its facts to itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from bot.domain.names import name_key
from bot.domain.refs import OrganisationRef
from bot.parsing import OrgRef, PersonRef
from bot.store import repo
from bot.store.models import Contact, ContactAlias
from bot.store.organisation_models import NameCorrection, NoteOrganisation, Organisation

MAX_NAME = 200


def organisation_with_key(session: Session, *, workspace_id: str, key: str) -> Organisation | None:
    return session.exec(
        select(Organisation).where(
            Organisation.workspace_id == workspace_id, Organisation.name_key == key
        )
    ).first()


def what_it_is(session: Session, *, workspace_id: str, name: str) -> Organisation | str | None:
    """What the workspace says `name` is when it says it is no person: its organisation record,
    or "not_person" for a correction; None when nothing says so. Read from the database, not
    the snapshot, so a record made a moment ago counts."""
    key = name_key(name)[:MAX_NAME]
    if not key:
        return None
    said = session.exec(
        select(NameCorrection.kind).where(
            NameCorrection.workspace_id == workspace_id, NameCorrection.name_key == key
        )
    ).first()
    org = organisation_with_key(session, workspace_id=workspace_id, key=key)
    if org is not None:
        return org
    return "not_person" if said == "not_person" else None


def find_or_make(
    session: Session, *, workspace_id: str, name: str, user_id: int | None, now: datetime
) -> Organisation | None:
    """The workspace's record of `name` (folded alike: "initrode" is Initrode), made if new."""
    written = " ".join(name.split())[:MAX_NAME]
    key = name_key(written)[:MAX_NAME]
    if not key:
        return None
    found = organisation_with_key(session, workspace_id=workspace_id, key=key)
    if found is not None:
        return found
    # Two notes naming a new organisation at once: the unique key decides, both go on.
    repo.insert_ignoring_conflict(
        session,
        Organisation,
        {
            "workspace_id": workspace_id,
            "name": written,
            "name_key": key,
            "created_by": user_id,
            "created_at": now,
        },
    )
    return organisation_with_key(session, workspace_id=workspace_id, key=key)


def file_under(
    session: Session,
    *,
    workspace_id: str,
    note_id: int,
    orgs: Sequence[OrgRef],
    user_id: int,
    now: datetime,
) -> list[Organisation]:
    """Link the note to every organisation it names, in the note's order."""
    filed: list[Organisation] = []
    for ref in orgs:
        org = find_or_make(
            session, workspace_id=workspace_id, name=ref.name, user_id=user_id, now=now
        )
        if org is None or org.id is None or any(o.id == org.id for o in filed):
            continue
        session.add(
            NoteOrganisation(note_id=note_id, organisation_id=org.id, workspace_id=workspace_id)
        )
        filed.append(org)
    return filed


def organisations_of_note(session: Session, *, note_id: int) -> list[Organisation]:
    return list(
        session.exec(
            select(Organisation)
            .join(NoteOrganisation, col(NoteOrganisation.organisation_id) == col(Organisation.id))
            .where(NoteOrganisation.note_id == note_id)
            .order_by(col(Organisation.id))
        ).all()
    )


def unlink_note(session: Session, *, note_id: int) -> None:
    for link in session.exec(
        select(NoteOrganisation).where(NoteOrganisation.note_id == note_id)
    ).all():
        session.delete(link)


def learn(
    session: Session,
    *,
    workspace_id: str,
    people: Iterable[PersonRef],
    contacts: Mapping[str, Contact],
    user_id: int,
    now: datetime,
) -> list[str]:
    """Write what the note says about its people (company, role, nicknames given in it) onto
    their contacts; one sentence per thing learned, for the confirmation."""
    learned: list[str] = []
    for person in people:
        contact = contacts.get(person.name)
        if contact is None or contact.id is None:
            continue
        if person.company:
            org = find_or_make(
                session, workspace_id=workspace_id, name=person.company, user_id=user_id, now=now
            )
            if org is not None and org.id is not None:
                changed = contact.organisation_id != org.id or (
                    person.role is not None and contact.role != person.role
                )
                contact.organisation_id, contact.company = org.id, org.name
                if person.role:
                    contact.role = person.role[:MAX_NAME]
                if changed:
                    where = f"{contact.role} at {org.name}" if person.role else f"at {org.name}"
                    learned.append(f"{contact.display_name}: {where}")
        elif person.role and contact.role != person.role:
            contact.role = person.role[:MAX_NAME]
            learned.append(f"{contact.display_name}: {contact.role}")
        session.add(contact)
        for alias in person.aliases:
            if add_alias(session, workspace_id=workspace_id, contact=contact, alias=alias):
                learned.append(f"{alias} is {contact.display_name}")
    return learned


def add_alias(session: Session, *, workspace_id: str, contact: Contact, alias: str) -> bool:
    """Remember a nickname the note gave ("Anna-Lena Vogt (AL)"), unless the contact has it
    or it is another contact's name (a name is found first: the alias would never reach this
    one). Another contact going by it too keeps it as well: a later note that says only the
    nickname asks which of them it means."""
    written = " ".join(alias.split())[:MAX_NAME]
    key = name_key(written)[:MAX_NAME]
    if not key or key == contact.name_key or contact.id is None:
        return False
    if repo.has_alias(session, contact_id=contact.id, key=key):
        return False
    if repo.contacts_with_key(session, workspace_id=workspace_id, key=key):
        return False
    session.add(
        ContactAlias(workspace_id=workspace_id, contact_id=contact.id, alias=written, alias_key=key)
    )
    session.flush()
    return True


def ref(org: Organisation) -> OrganisationRef:
    assert org.id is not None
    return OrganisationRef(id=org.id, name=org.name)
