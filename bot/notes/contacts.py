"""Keeping contacts clean: aliases, rename, merge and forget, each leaving an audit row.

`Contacts` finds the contact (asking "which Jane?" when a name is ambiguous) in the actor's
workspace and commits; the functions below do the change inside that one transaction. Merge moves
everything (note links, loops, occasions, tags, aliases, reminder rows) so nothing is lost, and the
old name becomes an alias. Forget erases the notes that were only about that person, every link,
loop, occasion, alias, tag and reminder about them, and records who did it and when — never what
the notes said, nor the name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, SQLModel, col, select

from bot.domain.errors import UserInputError
from bot.domain.names import name_key
from bot.domain.notes import ContactChange
from bot.domain.refs import Actor, ContactRef
from bot.notes.lookup import find_contact
from bot.store import repo
from bot.store.models import (
    Contact,
    ContactAlias,
    ContactTag,
    Loop,
    NoteContact,
    Occasion,
    PendingNote,
    User,
)
from bot.store.reminder_models import (
    ReminderCadence,
    ReminderOutbox,
    ReminderSnooze,
    ReminderTrack,
)
from bot.store.team_models import AuditEvent
from bot.usecases import UseCases, contact_ref

MAX_NAME = 200


class Contacts(UseCases):
    """Alias, rename, merge and forget contacts in the actor's workspace."""

    @contextmanager
    def _changing(self, actor: Actor) -> Iterator[tuple[Session, User]]:
        """One transaction for one change, committed when the change returns."""
        with self._session() as session:
            yield session, self._user(session, actor)
            session.commit()

    def _find(
        self, session: Session, actor: Actor, name: str | None, contact_id: int | None
    ) -> Contact:
        return find_contact(
            session, workspace_id=actor.workspace_id, name=name, contact_id=contact_id
        )

    def add_alias(
        self, *, actor: Actor, name: str, alias: str, contact_id: int | None = None
    ) -> ContactChange:
        """ "Jen" = "Jennifer Park": notes that say Jen are filed under Jennifer Park."""
        with self._changing(actor) as (session, user):
            contact = self._find(session, actor, name, contact_id)
            return _add_alias(
                session,
                workspace_id=actor.workspace_id,
                user=user,
                contact=contact,
                alias=alias,
                now=self._now(),
            )

    def rename(
        self, *, actor: Actor, name: str, new_name: str, contact_id: int | None = None
    ) -> ContactChange:
        with self._changing(actor) as (session, user):
            contact = self._find(session, actor, name, contact_id)
            return _rename(
                session,
                workspace_id=actor.workspace_id,
                user=user,
                contact=contact,
                new_name=new_name,
                now=self._now(),
            )

    def merge(
        self,
        *,
        actor: Actor,
        keep: str | None = None,
        other: str | None = None,
        keep_id: int | None = None,
        other_id: int | None = None,
    ) -> ContactChange:
        """Fold `other` into `keep`; nothing is lost and `other`'s name becomes an alias."""
        with self._changing(actor) as (session, user):
            kept = self._find(session, actor, keep, keep_id)
            folded = self._find(session, actor, other, other_id)
            return _merge(
                session,
                workspace_id=actor.workspace_id,
                user=user,
                keep=kept,
                other=folded,
                now=self._now(),
            )

    def forget_preview(
        self, *, actor: Actor, name: str | None = None, contact_id: int | None = None
    ) -> ContactRef:
        """The contact `forget` would erase (for a confirmation step); raises like `card`."""
        with self._changing(actor) as (session, _user):
            return contact_ref(self._find(session, actor, name, contact_id))

    def forget(
        self, *, actor: Actor, name: str | None = None, contact_id: int | None = None
    ) -> ContactChange:
        """Erase a contact, the notes only about them, their loops and occasions; audit who."""
        with self._changing(actor) as (session, user):
            contact = self._find(session, actor, name, contact_id)
            return _forget(
                session,
                workspace_id=actor.workspace_id,
                user=user,
                contact=contact,
                now=self._now(),
            )


def audit(
    session: Session,
    *,
    workspace_id: str,
    user: User,
    action: str,
    subject: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    assert user.id is not None
    session.add(
        AuditEvent(
            workspace_id=workspace_id,
            actor_id=user.id,
            action=action,
            subject=subject,
            at=now,
            detail=detail or {},
        )
    )


def _clean_name(name: str, what: str) -> tuple[str, str]:
    display = " ".join(name.split())
    key = name_key(display)
    if not key:
        raise UserInputError(f"That {what} has no letters in it.")
    if len(display) > MAX_NAME:
        raise UserInputError(f"That {what} is longer than {MAX_NAME} characters.")
    return display, key


def _name_taken(session: Session, workspace_id: str, key: str, contact: Contact) -> None:
    """Refuse a name or alias that already means someone else (it would never reach this one)."""
    for other in repo.contacts_with_key(session, workspace_id=workspace_id, key=key):
        if other.id != contact.id:
            raise UserInputError(
                f"There is already a contact called {other.display_name}. "
                f"If they are the same person, merge them instead."
            )
    owner = repo.contact_by_alias(session, workspace_id=workspace_id, key=key)
    if owner is not None and owner.id != contact.id:
        raise UserInputError(f"“{key}” already means {owner.display_name}.")


def _add_alias(
    session: Session,
    *,
    workspace_id: str,
    user: User,
    contact: Contact,
    alias: str,
    now: datetime,
) -> ContactChange:
    assert contact.id is not None
    display, key = _clean_name(alias, "alias")
    if key == contact.name_key:
        raise UserInputError(f"{display} is already {contact.display_name}'s name.")
    _name_taken(session, workspace_id, key, contact)
    existing = repo.contact_by_alias(session, workspace_id=workspace_id, key=key)
    if existing is None:
        session.add(
            ContactAlias(
                workspace_id=workspace_id, contact_id=contact.id, alias=display, alias_key=key
            )
        )
        audit(
            session,
            workspace_id=workspace_id,
            user=user,
            action="alias",
            subject=f"contact:{contact.id}",
            now=now,
        )
    return ContactChange(
        action="alias",
        contact=contact_ref(contact),
        summary=f"“{display}” now means {contact.display_name}.",
    )


def _keep_alias(session: Session, workspace_id: str, contact: Contact, old: str) -> bool:
    """Add `old` as an alias of `contact` when it is free; True if it was added."""
    assert contact.id is not None
    key = name_key(old)
    if not key or key == contact.name_key:
        return False
    if repo.contacts_with_key(session, workspace_id=workspace_id, key=key):
        return False  # another contact (or this one) still answers to it
    if repo.contact_by_alias(session, workspace_id=workspace_id, key=key) is not None:
        return False
    session.add(
        ContactAlias(workspace_id=workspace_id, contact_id=contact.id, alias=old, alias_key=key)
    )
    return True


def _rename(
    session: Session,
    *,
    workspace_id: str,
    user: User,
    contact: Contact,
    new_name: str,
    now: datetime,
) -> ContactChange:
    assert contact.id is not None
    display, key = _clean_name(new_name, "name")
    old = contact.display_name
    if display == old:
        return ContactChange(
            action="rename", contact=contact_ref(contact), summary="Nothing to change."
        )
    if key != contact.name_key:
        _name_taken(session, workspace_id, key, contact)
    # The new name may have been an alias of this very contact: it is now the name instead.
    session.execute(
        delete(ContactAlias).where(
            col(ContactAlias.contact_id) == contact.id, col(ContactAlias.alias_key) == key
        )
    )
    contact.display_name, contact.name_key = display, key
    session.add(contact)
    session.flush()
    kept = _keep_alias(session, workspace_id, contact, old)
    audit(
        session,
        workspace_id=workspace_id,
        user=user,
        action="rename",
        subject=f"contact:{contact.id}",
        now=now,
    )
    also = f" “{old}” still finds them." if kept else ""
    return ContactChange(
        action="rename", contact=contact_ref(contact), summary=f"Renamed {old} to {display}.{also}"
    )


def _merge(
    session: Session,
    *,
    workspace_id: str,
    user: User,
    keep: Contact,
    other: Contact,
    now: datetime,
) -> ContactChange:
    """Fold `other` into `keep`: every note, loop, occasion, tag, alias and reminder moves."""
    assert keep.id is not None and other.id is not None
    if keep.id == other.id:
        raise UserInputError("Those are the same contact.")
    k, o = keep.id, other.id
    already = select(NoteContact.note_id).where(NoteContact.contact_id == k)
    both = session.execute(
        delete(NoteContact).where(
            col(NoteContact.contact_id) == o, col(NoteContact.note_id).in_(already)
        )
    )
    moved_notes = session.execute(
        update(NoteContact).where(col(NoteContact.contact_id) == o).values(contact_id=k)
    )
    loops = session.execute(update(Loop).where(col(Loop.contact_id) == o).values(contact_id=k))

    # Occasions: one per kind. Keep's wins; a missing year is taken from the other.
    kept_occasions = {oc.kind: oc for oc in repo.occasions_of(session, contact_id=k)}
    occasions_moved, conflicts = 0, []
    for occasion in list(repo.occasions_of(session, contact_id=o)):
        mine = kept_occasions.get(occasion.kind)
        if mine is None:
            occasion.contact_id = k
            session.add(occasion)
            occasions_moved += 1
            continue
        if (mine.month, mine.day) != (occasion.month, occasion.day):
            conflicts.append(occasion.kind)
        elif mine.year is None and occasion.year is not None:
            mine.year = occasion.year
            session.add(mine)
        session.delete(occasion)
    session.flush()

    repo.add_tags(
        session, workspace_id=workspace_id, contact_id=k, tags=repo.tags_of(session, contact_id=o)
    )
    session.execute(delete(ContactTag).where(col(ContactTag.contact_id) == o))
    session.execute(
        update(ContactAlias).where(col(ContactAlias.contact_id) == o).values(contact_id=k)
    )
    for field_name in ("company", "role", "email", "phone", "slack_user_id"):
        if not getattr(keep, field_name) and getattr(other, field_name):
            setattr(keep, field_name, getattr(other, field_name))
    session.add(keep)
    _move_reminders(session, keep_id=k, other_id=o)
    old_name = other.display_name
    session.flush()
    repo.move_focus(session, keep_id=k, other_id=o)
    repo.delete_contact(session, contact_id=o)
    session.flush()
    _keep_alias(session, workspace_id, keep, old_name)
    audit(
        session,
        workspace_id=workspace_id,
        user=user,
        action="merge",
        subject=f"contact:{k}",
        now=now,
        detail={"merged": f"contact:{o}"},
    )
    notes = _rowcount(moved_notes) + _rowcount(both)
    counts = (("notes", notes), ("loops", _rowcount(loops)), ("occasions", occasions_moved))
    extra = ""
    if conflicts:
        extra = f" Kept {keep.display_name}'s {', '.join(conflicts)} where the two differed."
    return ContactChange(
        action="merge",
        contact=contact_ref(keep),
        summary=(
            f"Merged {old_name} into {keep.display_name}: {notes} notes, "
            f"{_rowcount(loops)} loops and {occasions_moved} occasions moved; "
            f"“{old_name}” still finds them.{extra}"
        ),
        counts=counts,
    )


def _rowcount(result: Any) -> int:
    count = getattr(result, "rowcount", 0)
    return count if isinstance(count, int) and count > 0 else 0


def _move_reminders(session: Session, *, keep_id: int, other_id: int) -> None:
    """Re-point the reminders' rows: a subject "contact:OTHER" becomes "contact:KEEP" unless the
    owner already has one for KEEP (then the older row goes: KEEP's settings win)."""
    old_subject, new_subject = f"contact:{other_id}", f"contact:{keep_id}"
    for model, subject, owner, contact in _reminder_columns():
        owners_with_keep = select(owner).where(subject == new_subject)
        session.execute(delete(model).where(subject == old_subject, owner.in_(owners_with_keep)))
        session.execute(update(model).where(subject == old_subject).values(subject=new_subject))
        session.execute(update(model).where(contact == other_id).values(contact_id=keep_id))


def _reminder_columns() -> list[tuple[type[SQLModel], Any, Any, Any]]:
    """(table, subject, owner_id, contact_id) of the reminder tables that point at contacts."""
    return [
        (m, col(m.subject), col(m.owner_id), col(m.contact_id))
        for m in (ReminderCadence, ReminderSnooze, ReminderTrack)
    ]


def _forget(
    session: Session,
    *,
    workspace_id: str,
    user: User,
    contact: Contact,
    now: datetime,
) -> ContactChange:
    """Erase a contact and what is only about them; an audit row keeps who and when."""
    assert contact.id is not None
    c = contact.id
    note_ids = list(session.exec(select(NoteContact.note_id).where(NoteContact.contact_id == c)))
    shared_ids: set[int] = set()
    if note_ids:
        shared_ids = set(
            session.exec(
                select(NoteContact.note_id)
                .where(col(NoteContact.note_id).in_(note_ids), NoteContact.contact_id != c)
                .distinct()
            ).all()
        )
    only_theirs = [n for n in note_ids if n not in shared_ids]
    loops = session.exec(select(func.count()).select_from(Loop).where(Loop.contact_id == c)).one()
    occasions = session.exec(
        select(func.count()).select_from(Occasion).where(Occasion.contact_id == c)
    ).one()
    session.execute(delete(Loop).where(col(Loop.contact_id) == c))
    session.execute(delete(Occasion).where(col(Occasion.contact_id) == c))
    session.execute(delete(NoteContact).where(col(NoteContact.contact_id) == c))
    for note in repo.notes_by_id(session, only_theirs).values():
        repo.delete_note(session, note=note)
    session.execute(delete(ContactAlias).where(col(ContactAlias.contact_id) == c))
    _forget_reminders(session, workspace_id=workspace_id, contact_id=c)
    _forget_pending(session, workspace_id=workspace_id, contact=contact)
    session.flush()
    repo.delete_contact(session, contact_id=c)
    counts = (
        ("notes_erased", len(only_theirs)),
        ("links_removed", len(shared_ids)),
        ("loops", int(loops)),
        ("occasions", int(occasions)),
    )
    audit(
        session,
        workspace_id=workspace_id,
        user=user,
        action="forget",
        subject=f"contact:{c}",
        now=now,
        detail=dict(counts),
    )
    shared_text = (
        f"; {len(shared_ids)} notes about others too keep their text but no longer link to them"
        if shared_ids
        else ""
    )
    return ContactChange(
        action="forget",
        contact=None,
        summary=(
            f"Forgot {contact.display_name}: {len(only_theirs)} notes, {int(loops)} loops and "
            f"{int(occasions)} occasions erased{shared_text}. The audit log records that you "
            "did this, and when, but not what was erased."
        ),
        counts=counts,
    )


def _forget_reminders(session: Session, *, workspace_id: str, contact_id: int) -> None:
    for model, _subject, _owner, contact in _reminder_columns():
        session.execute(delete(model).where(contact == contact_id))
    # DMs not yet sent may name the contact: drop their items (and the DM when nothing is left).
    pending = session.exec(
        select(ReminderOutbox).where(
            ReminderOutbox.workspace_id == workspace_id, ReminderOutbox.status == "pending"
        )
    ).all()
    for row in pending:
        items = row.payload.get("items", [])
        keep = [i for i in items if i.get("contact_id") != contact_id]
        if len(keep) == len(items):
            continue
        if not keep:
            session.delete(row)
            continue
        row.payload = {**row.payload, "items": keep}
        row.item_count = len(keep)
        session.add(row)


def _forget_pending(session: Session, *, workspace_id: str, contact: Contact) -> None:
    """Notes still waiting for "which Jane?" that chose or name this contact."""
    rows: Sequence[PendingNote] = session.exec(
        select(PendingNote).where(PendingNote.workspace_id == workspace_id)
    ).all()
    name = contact.display_name.casefold()
    for row in rows:
        if contact.id in row.choices.values() or name in row.text.casefold():
            session.delete(row)
