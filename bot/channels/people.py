"""Who is who on a meeting: the calendar's owner, teammates, and the contacts the others are.

A teammate is someone at the owner's own domain (unless that is a public mail service, where
only the owner's address is theirs) or a user of the workspace by name. Everyone else is
external. An external attendee is a contact when a contact has their address (the first and
only sure match), else exactly one contact has their name or an alias of it; rapidfuzz's
near-matches are not used here, because a wrong contact would get a meeting they never had.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.domain.calendars import Attendee
from bot.domain.names import name_key
from bot.store import repo
from bot.store.batches import chunks
from bot.store.models import Contact, User

# Addresses here say nothing about an employer: people at gmail.com are not teammates.
PUBLIC_MAIL_DOMAINS = frozenset(
    {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com"}
    | {"yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me"}
    | {"protonmail.com", "pm.me", "gmx.de", "gmx.net", "web.de", "fastmail.com", "hey.com"}
    | {"yandex.ru", "mail.ru", "qq.com", "163.com", "zoho.com", "mail.com"}
)


def domain_of(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].lower()


@dataclass(frozen=True)
class Colleagues:
    """What tells a teammate from an outsider for one calendar's owner."""

    owner_email: str | None
    user_names: frozenset[str]  # name keys of the workspace's users

    @property
    def domain(self) -> str | None:
        found = domain_of(self.owner_email)
        return None if found is None or found in PUBLIC_MAIL_DOMAINS else found

    def is_owner(self, person: Attendee) -> bool:
        return person.email is not None and person.email == self.owner_email

    def is_teammate(self, person: Attendee) -> bool:
        if self.is_owner(person):
            return True
        if person.email is not None and self.domain is not None:
            return domain_of(person.email) == self.domain
        # No domain to go by (or no address): a workspace user's name is a teammate's.
        return person.name is not None and name_key(person.name) in self.user_names


def team_of(session: Session, *, workspace_id: str, owner_email: str | None) -> Colleagues:
    names = session.exec(select(User.display_name).where(User.workspace_id == workspace_id)).all()
    return Colleagues(
        owner_email=owner_email.lower() if owner_email else None,
        user_names=frozenset(k for k in (name_key(n) for n in names if n) if k),
    )


class Matcher:
    """Contacts for attendees, by address then by exact name or alias; looked up once each."""

    def __init__(self, session: Session, *, workspace_id: str, emails: Iterable[str]) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.by_email: dict[str, Contact] = {}
        for batch in chunks(sorted({e.lower() for e in emails})):
            for contact in session.exec(
                select(Contact).where(
                    Contact.workspace_id == workspace_id,
                    func.lower(col(Contact.email)).in_(batch),
                )
            ).all():
                assert contact.email is not None
                self.by_email.setdefault(contact.email.lower(), contact)
        self.by_name: dict[str, Contact | None] = {}

    def add(self, person: Attendee, *, author_id: int, now: datetime) -> Contact | None:
        """A new contact for someone met (the calendar's "add new people" setting): only with a
        name from the calendar, since an address alone is no name to file notes under."""
        if not person.name or not name_key(person.name):
            return None
        key = name_key(person.name)
        repo.lock_contact_name(self.session, workspace_id=self.workspace_id, key=key)
        existing = self._by_name(key, person.email)
        if existing is not None:
            return existing
        contact = Contact(
            workspace_id=self.workspace_id,
            display_name=" ".join(person.name.split())[:200],
            name_key=key[:200],
            email=person.email,
            created_by=author_id,
            created_at=now,
        )
        self.session.add(contact)
        self.session.flush()
        if person.email:
            self.by_email[person.email] = contact
        self.by_name[key] = contact
        return contact

    def contact(self, person: Attendee) -> Contact | None:
        if person.email is not None and person.email in self.by_email:
            return self.by_email[person.email]
        if not person.name:
            return None
        key = name_key(person.name)
        if not key:
            return None
        if key not in self.by_name:
            self.by_name[key] = self._by_name(key, person.email)
        return self.by_name[key]

    def _by_name(self, key: str, email: str | None) -> Contact | None:
        exact = list(repo.contacts_with_key(self.session, workspace_id=self.workspace_id, key=key))
        if not exact:
            exact = list(
                repo.contacts_by_alias(self.session, workspace_id=self.workspace_id, key=key)
            )
        if len(exact) != 1:
            return None
        found = exact[0]
        # A contact whose address is known and different is someone else with the same name.
        if email is not None and found.email and found.email.lower() != email:
            return None
        return found
