"""The people a note names, as contacts: found, created, or asked about ("which Jane?").

Contacts are created only once no name is ambiguous, so a note parked as pending leaves nothing
behind; two notes first naming the same new person at once make one contact (a per-name lock,
then a second look).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.domain.humanize import ago
from bot.domain.names import name_key
from bot.domain.notes import Ambiguity, Candidate
from bot.notes.known import known_ids
from bot.notes.lookup import match_contact
from bot.parsing import ParsedNote, PersonRef
from bot.store import repo
from bot.store.models import Contact


@dataclass
class Resolution:
    contacts: list[Contact] = field(default_factory=list)  # in the note's order, main first
    created: list[Contact] = field(default_factory=list)
    by_name: dict[str, Contact] = field(default_factory=dict)
    ambiguities: list[Ambiguity] = field(default_factory=list)


def people_to_resolve(parsed: ParsedNote, about: Sequence[str] = ()) -> list[PersonRef]:
    # Whom the author said the note is about comes first (the main person), then whom it names.
    given = {name_key(name) for name in about}
    people = [PersonRef(name=name) for name in about]
    people += [p for p in parsed.people if name_key(p.name) not in given or p.slack_user_id]
    named = {p.name for p in people}
    extra = [loop.person for loop in parsed.loops] + [s.person for s in parsed.settles]
    extra += [o.person for o in parsed.occasions]
    firsts = {name_key(p.name).split(" ")[0] for p in people if " " in name_key(p.name)}
    for name in extra:
        # "Sam" in "lunch with Sam Lee, Sam's birthday is March 3" is Sam Lee (see `pick`).
        if name and name not in named and name_key(name) not in firsts:
            people.append(PersonRef(name=name))
            named.add(name)
    return people


def resolve(
    session: Session,
    *,
    workspace_id: str,
    author_id: int,
    people: Sequence[PersonRef],
    choices: Mapping[str, int],
    now: datetime,
    never: Callable[[str], bool] = lambda _name: False,
    prefer: frozenset[int] = frozenset(),
) -> Resolution:
    """`never(name)` is true for a name the workspace says is no person (an organisation, a
    correction): it is never made a contact, whatever the note or the "About" field says.
    `prefer` holds the contacts a note being filed again was under: "which Kai?" is not asked
    again when one of the candidates is the Kai it was filed under."""
    out = Resolution()
    # Slots keep the note's order (the first person named is the main one).
    slots: list[tuple[PersonRef, Contact | None]] = []
    for person in people:
        if any(p.name == person.name for p, _ in slots):
            continue
        chosen = choices.get(person.name)
        contact: Contact | None = None
        if chosen is not None:
            contact = repo.get_contact(session, workspace_id=workspace_id, contact_id=chosen)
        if contact is None and person.slack_user_id:
            contact = repo.contact_by_slack_id(
                session, workspace_id=workspace_id, slack_user_id=person.slack_user_id
            )
        if contact is None and chosen is None and not person.slack_user_id:
            if never(person.name):
                continue
            found = _known(session, workspace_id, author_id, person)
            if found is None:
                found = match_contact(
                    session,
                    workspace_id=workspace_id,
                    name=person.name,
                    viewer_id=author_id,
                    exact_any=True,
                )
            if isinstance(found, list):
                before = [c for c in found if c.id in prefer]
                if len(before) != 1:
                    out.ambiguities.append(_ambiguity(session, person.name, found, now))
                    continue
                found = before[0]
            contact = found
        slots.append((person, contact))
    if out.ambiguities:
        return out
    for person, existing in slots:
        contact = existing
        if contact is None:
            # A mention of a Slack user the workspace knows is named as Slack names them.
            written = person.known_as if person.slack_user_id else person.name
            display = (written or person.name).strip() or person.slack_user_id or "someone"
            # Two notes first naming the same new person at once must make one contact:
            # hold a per-name lock until commit, then look again (the other note may have
            # created it meanwhile). SQLite's IMMEDIATE transactions already serialise this.
            repo.lock_contact_name(session, workspace_id=workspace_id, key=name_key(display))
            contact = _created_meanwhile(session, workspace_id, person)
        if contact is None:
            contact = Contact(
                workspace_id=workspace_id,
                display_name=display,
                name_key=name_key(display),
                slack_user_id=person.slack_user_id,
                created_by=author_id,
                created_at=now,
            )
            session.add(contact)
            session.flush()
            out.created.append(contact)
        out.by_name[person.name] = contact
        out.contacts.append(contact)
    return out


def _known(
    session: Session, workspace_id: str, author_id: int, person: PersonRef
) -> Contact | list[Contact] | None:
    """Whom the parser, reading the workspace's snapshot, said the name is: the known contact
    ("yusuf" is Yusuf Rahimi, "Berg" is Kai Berg, "AL" is Anna-Lena Vogt), or the known people
    it could be ("kai" with Kai Berg and Kai Tan: ask). None when it said nothing, or when the
    snapshot was older than the database (then the name is looked up as written)."""
    names = [person.known_as] if person.known_as else list(person.candidates)
    keys = [name_key(name) for name in names]
    by_key = repo.contacts_with_keys(session, workspace_id=workspace_id, keys=keys)
    # By id, not `in found`: comparing SQLModel rows field by field made this quadratic, 1.4 s
    # of a note naming one of the ~370 Jane Does a 100,000-contact workspace knows.
    found: list[Contact] = []
    ids: set[int | None] = set()
    for key in keys:
        for contact in by_key.get(key, ()):
            if contact.id not in ids:
                ids.add(contact.id)
                found.append(contact)
    # The snapshot is the whole workspace's: keep only whom the author may know (or whom they
    # wrote out in full), so "yusuf" never files under, or names, someone else's private contact.
    seen = known_ids(
        session,
        workspace_id=workspace_id,
        viewer_id=author_id,
        contact_ids=[c.id for c in found if c.id is not None],
    )
    written = name_key(person.name)
    found = [c for c in found if c.id in seen or c.name_key == written]
    if not found:
        return None
    return found[0] if len(found) == 1 else found


def _created_meanwhile(session: Session, workspace_id: str, person: PersonRef) -> Contact | None:
    if person.slack_user_id:
        return repo.contact_by_slack_id(
            session, workspace_id=workspace_id, slack_user_id=person.slack_user_id
        )
    found = repo.contacts_with_key(session, workspace_id=workspace_id, key=name_key(person.name))
    return found[0] if len(found) == 1 else None


def _ambiguity(
    session: Session, name: str, contacts: Sequence[Contact], now: datetime
) -> Ambiguity:
    candidates = []
    for contact in contacts[:5]:
        assert contact.id is not None
        last = repo.last_note_at(session, contact_id=contact.id)
        hint = contact.company or (f"last note {ago(last, now)}" if last else "")
        candidates.append(Candidate(contact.id, contact.display_name, hint))
    return Ambiguity(name=name, candidates=tuple(candidates))


def pick(resolution: Resolution, name: str | None, main: Contact | None) -> Contact | None:
    """The contact a loop, settlement or occasion in the note is about (the main one if unsaid)."""
    if name is None:
        return main
    found = resolution.by_name.get(name)
    if found is not None:
        return found
    key = name_key(name)
    for contact in resolution.contacts:
        if contact.name_key == key or contact.name_key.split(" ")[0] == key:
            return contact
    return main


def unique(contacts: Sequence[Contact]) -> list[Contact]:
    seen: set[int | None] = set()
    out = []
    for contact in contacts:
        if contact.id not in seen:
            seen.add(contact.id)
            out.append(contact)
    return out
