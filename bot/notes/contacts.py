"""Keeping contacts clean: aliases, rename, merge and forget, each leaving an audit row.

`Contacts` finds the contact (asking "which Jane?" when a name is ambiguous) among those the actor
knows (bot.notes.known) and commits; the functions below do the change inside that one
transaction. Authority follows visibility: a change acts only on what the actor may see — notes
that are the team's or their own, loops from those notes or their own, occasions they may see —
and counts only that. Someone else's private notes, loops and occasions are kept where they are,
and a contact that still carries them is kept too (it then no longer exists for the actor).

Merge moves what the actor may see (note links, loops, occasions, tags, their own reminder rows)
so nothing is lost, and the old name becomes an alias. Forget erases the notes the actor may see
that were only about that person, every such link, loop and occasion, and (when nothing else is
left) the contact, its aliases, tags and reminders; an audit row records who did it and when —
never what the notes said, nor the name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import Session, SQLModel, col, select

from bot.domain.errors import UserInputError
from bot.domain.humanize import join_names, plural
from bot.domain.names import name_key
from bot.domain.notes import ContactChange
from bot.domain.refs import Actor, ContactRef
from bot.notes.known import has_anything, known_ids
from bot.notes.lookup import find_contact
from bot.notes.resolve import people_to_resolve
from bot.parsing import parse_note
from bot.store import repo
from bot.store.focus_models import FocusContact
from bot.store.models import (
    Contact,
    ContactAlias,
    ContactTag,
    Loop,
    Note,
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
        self, session: Session, user: User, name: str | None, contact_id: int | None
    ) -> Contact:
        """A contact the user knows: someone only in another's private note is nobody here."""
        return find_contact(
            session,
            workspace_id=user.workspace_id,
            name=name,
            contact_id=contact_id,
            viewer_id=user.id,
        )

    def add_alias(
        self, *, actor: Actor, name: str, alias: str, contact_id: int | None = None
    ) -> ContactChange:
        """ "Jen" = "Jennifer Park": notes that say Jen are filed under Jennifer Park."""
        with self._changing(actor) as (session, user):
            contact = self._find(session, user, name, contact_id)
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
            contact = self._find(session, user, name, contact_id)
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
            kept = self._find(session, user, keep, keep_id)
            folded = self._find(session, user, other, other_id)
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
        with self._changing(actor) as (session, user):
            return contact_ref(self._find(session, user, name, contact_id))

    def forget(
        self, *, actor: Actor, name: str | None = None, contact_id: int | None = None
    ) -> ContactChange:
        """Erase a contact, the notes only about them, their loops and occasions; audit who."""
        with self._changing(actor) as (session, user):
            contact = self._find(session, user, name, contact_id)
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


def _known_with_key(session: Session, user: User, key: str) -> list[Contact]:
    """Contacts called `key` that the user knows (others of that name don't exist for them)."""
    same = repo.contacts_with_key(session, workspace_id=user.workspace_id, key=key)
    return _known_to(session, user, list(same))


def _known_by_alias(session: Session, user: User, key: str) -> list[Contact]:
    """Contacts that go by the alias `key` and that the user knows (in id order)."""
    owners = repo.contacts_by_alias(session, workspace_id=user.workspace_id, key=key)
    return _known_to(session, user, list(owners))


def _known_to(session: Session, user: User, contacts: list[Contact]) -> list[Contact]:
    assert user.id is not None
    seen = known_ids(
        session,
        workspace_id=user.workspace_id,
        viewer_id=user.id,
        contact_ids=[c.id for c in contacts if c.id is not None],
    )
    return [c for c in contacts if c.id in seen]


def _name_taken(
    session: Session, user: User, key: str, contact: Contact, *, as_alias: bool
) -> None:
    """Refuse a name or alias that would never reach this contact, because it is the name of
    someone else the user knows (a name is found before an alias); and a new name that someone
    else the user knows goes by (the name would take the nickname from them without a word).

    Only contacts the user knows count. Two contacts may share a name, and several may share a
    nickname (a note that says it asks which one), so what only someone else's private contact
    is called or goes by is free, and nothing says it was taken.
    """
    for other in _known_with_key(session, user, key):
        if other.id != contact.id:
            raise UserInputError(
                f"There is already a contact called {other.display_name}. "
                f"If they are the same person, merge them instead."
            )
    if as_alias:
        return
    for owner in _known_by_alias(session, user, key):
        if owner.id != contact.id:
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
    """Another name for the contact, kept even when someone else goes by it too: then the
    summary says whom else it means, and a note that says only it asks which one."""
    assert contact.id is not None
    display, key = _clean_name(alias, "alias")
    if key == contact.name_key:
        raise UserInputError(f"{display} is already {contact.display_name}'s name.")
    _name_taken(session, user, key, contact, as_alias=True)
    ref = contact_ref(contact)
    if repo.has_alias(session, contact_id=contact.id, key=key):
        already = f"“{display}” already means {contact.display_name}."
        return ContactChange(action="alias", contact=ref, summary=already)
    others = [c for c in _known_by_alias(session, user, key) if c.id != contact.id]
    session.add(
        ContactAlias(workspace_id=workspace_id, contact_id=contact.id, alias=display, alias_key=key)
    )
    audit(
        session,
        workspace_id=workspace_id,
        user=user,
        action="alias",
        subject=f"contact:{contact.id}",
        now=now,
    )
    summary = f"“{display}” now means {contact.display_name}."
    if others:
        also = join_names([c.display_name for c in others])
        summary = (
            f"“{display}” now means {contact.display_name} too, as well as {also}: "
            f"a note that says {display} will ask which one."
        )
    return ContactChange(action="alias", contact=ref, summary=summary)


def _keep_alias(session: Session, user: User, contact: Contact, old: str) -> bool:
    """Add `old` as an alias of `contact` unless a name finds someone first; True if added.

    A contact of that name the user doesn't know doesn't stop it (its author still finds it
    first by its name; the user finds this one by the alias). Someone else going by it doesn't
    either: both then go by it, and a note that says it asks which one.
    """
    assert contact.id is not None
    key = name_key(old)
    if not key or key == contact.name_key:
        return False
    if _known_with_key(session, user, key):
        return False  # another contact (or this one) still answers to it
    if repo.has_alias(session, contact_id=contact.id, key=key):
        return True  # it already finds them
    session.add(
        ContactAlias(
            workspace_id=user.workspace_id, contact_id=contact.id, alias=old, alias_key=key
        )
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
        _name_taken(session, user, key, contact, as_alias=False)
    # The new name may have been an alias of this very contact: it is now the name instead.
    session.execute(
        delete(ContactAlias).where(
            col(ContactAlias.contact_id) == contact.id, col(ContactAlias.alias_key) == key
        )
    )
    contact.display_name, contact.name_key = display, key
    session.add(contact)
    session.flush()
    kept = _keep_alias(session, user, contact, old)
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


def _seen_notes(session: Session, user: User, contact_id: int) -> list[int]:
    """Ids of the notes about the contact that the user may see."""
    assert user.id is not None
    return list(
        session.exec(
            select(NoteContact.note_id)
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(NoteContact.contact_id == contact_id, *repo.visible(user.workspace_id, user.id))
        ).all()
    )


def _seen_loops(session: Session, user: User, contact_id: int) -> list[Loop]:
    """Loops about the contact that are the user's own or come from a note the user may see."""
    assert user.id is not None
    return list(
        session.exec(
            select(Loop)
            .join(Note, col(Note.id) == col(Loop.source_note_id))
            .where(
                Loop.contact_id == contact_id,
                or_(col(Loop.owner_id) == user.id, *repo.visible(user.workspace_id, user.id)[1:]),
                col(Note.workspace_id) == user.workspace_id,
            )
        ).all()
    )


def _seen_occasions(session: Session, user: User, contact_id: int) -> list[Occasion]:
    assert user.id is not None
    return list(
        repo.visible_occasions(
            session, workspace_id=user.workspace_id, viewer_id=user.id, contact_id=contact_id
        )
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
    """Fold `other` into `keep`: every note, loop, occasion, tag, alias and reminder the user may
    see moves. What someone else keeps private stays on `other`, which then stays too."""
    assert keep.id is not None and other.id is not None and user.id is not None
    if keep.id == other.id:
        raise UserInputError("Those are the same contact.")
    k, o = keep.id, other.id
    seen = _seen_notes(session, user, o)
    on_both = set(
        session.exec(
            select(NoteContact.note_id).where(
                NoteContact.contact_id == k, col(NoteContact.note_id).in_(seen)
            )
        ).all()
    )
    session.execute(
        delete(NoteContact).where(
            col(NoteContact.contact_id) == o, col(NoteContact.note_id).in_(on_both)
        )
    )
    session.execute(
        update(NoteContact)
        .where(col(NoteContact.contact_id) == o, col(NoteContact.note_id).in_(seen))
        .values(contact_id=k)
    )
    moved_subjects: list[str] = []
    loops = _seen_loops(session, user, o)
    for loop in loops:
        loop.contact_id = k
        session.add(loop)
        moved_subjects.append(f"loop:{loop.id}")

    # Occasions: one per kind. Keep's wins; a missing year is taken from the other. One keep has
    # that the user may not see is not theirs to compare with: the other's stays where it is.
    kept_occasions = {oc.kind: oc for oc in repo.occasions_of(session, contact_id=k)}
    kept_seen = {oc.id for oc in _seen_occasions(session, user, k)}
    occasions_moved, conflicts = 0, []
    for occasion in _seen_occasions(session, user, o):
        mine = kept_occasions.get(occasion.kind)
        if mine is None:
            occasion.contact_id = k
            session.add(occasion)
            occasions_moved += 1
            moved_subjects.append(f"occasion:{occasion.id}")
            continue
        if mine.id not in kept_seen:
            continue
        if (mine.month, mine.day) != (occasion.month, occasion.day):
            conflicts.append(occasion.kind)
        elif mine.year is None and occasion.year is not None:
            mine.year = occasion.year
            session.add(mine)
        session.delete(occasion)
    session.flush()
    left = has_anything(session, contact_id=o)

    if left:
        moved_tags = session.exec(select(Note.tags).where(col(Note.id).in_(seen))).all()
        tags = sorted({str(t) for row in moved_tags for t in (row or [])})
    else:
        tags = repo.tags_of(session, contact_id=o)
        session.execute(delete(ContactTag).where(col(ContactTag.contact_id) == o))
        # A nickname both went by is kept's already: moving the other's copy would hold it twice.
        kept_keys = select(ContactAlias.alias_key).where(col(ContactAlias.contact_id) == k)
        session.execute(
            delete(ContactAlias).where(
                col(ContactAlias.contact_id) == o, col(ContactAlias.alias_key).in_(kept_keys)
            )
        )
        session.execute(
            update(ContactAlias).where(col(ContactAlias.contact_id) == o).values(contact_id=k)
        )
    repo.add_tags(session, workspace_id=workspace_id, contact_id=k, tags=tags)
    for field_name in ("company", "role", "email", "phone", "slack_user_id"):
        if not getattr(keep, field_name) and getattr(other, field_name):
            setattr(keep, field_name, getattr(other, field_name))
    session.add(keep)
    old_name = other.display_name
    session.flush()
    keep.shared = keep.shared or other.shared  # the address book's details moved to `keep`
    if left:
        other.created_by = None  # what is left is someone else's: no longer anyone's "own"
        other.shared = False
        session.add(other)
        _move_reminders(session, keep_id=k, other_id=o, owner_id=user.id, subjects=moved_subjects)
        _move_focus_of(session, owner_id=user.id, keep_id=k, other_id=o)
    else:
        _move_reminders(session, keep_id=k, other_id=o)
        repo.move_focus(session, keep_id=k, other_id=o)
        repo.delete_contact(session, contact_id=o)
    session.flush()
    _keep_alias(session, user, keep, old_name)
    audit(
        session,
        workspace_id=workspace_id,
        user=user,
        action="merge",
        subject=f"contact:{k}",
        now=now,
        detail={"merged": f"contact:{o}"},
    )
    counts = (("notes", len(seen)), ("loops", len(loops)), ("occasions", occasions_moved))
    extra = ""
    if conflicts:
        extra = f" Kept {keep.display_name}'s {', '.join(conflicts)} where the two differed."
    return ContactChange(
        action="merge",
        contact=contact_ref(keep),
        summary=(
            f"Merged {old_name} into {keep.display_name}: {plural(len(seen), 'note')}, "
            f"{plural(len(loops), 'loop')} and {plural(occasions_moved, 'occasion')} moved; "
            f"“{old_name}” still finds them.{extra}"
        ),
        counts=counts,
    )


def _move_focus_of(session: Session, *, owner_id: int, keep_id: int, other_id: int) -> None:
    """One user's focus on the merged-away contact becomes focus on the one kept."""
    mine = (col(FocusContact.owner_id) == owner_id, col(FocusContact.contact_id) == other_id)
    has_keep = session.exec(
        select(FocusContact.owner_id).where(
            col(FocusContact.owner_id) == owner_id, col(FocusContact.contact_id) == keep_id
        )
    ).first()
    if has_keep is not None:
        session.execute(delete(FocusContact).where(*mine))
    else:
        session.execute(update(FocusContact).where(*mine).values(contact_id=keep_id))


def _move_reminders(
    session: Session,
    *,
    keep_id: int,
    other_id: int,
    owner_id: int | None = None,
    subjects: Sequence[str] = (),
) -> None:
    """Re-point the reminders' rows: a subject "contact:OTHER" becomes "contact:KEEP" unless the
    owner already has one for KEEP (then the older row goes: KEEP's settings win).

    With `owner_id` (the merged-away contact stays, for someone else's private notes), only that
    owner's rows about the contact move, and the rows of the loops and occasions that moved
    (`subjects`) point at KEEP.
    """
    old_subject, new_subject = f"contact:{other_id}", f"contact:{keep_id}"
    for model, subject, owner, contact in _reminder_columns():
        scope = [] if owner_id is None else [owner == owner_id]
        owners_with_keep = select(owner).where(subject == new_subject)
        session.execute(
            delete(model).where(subject == old_subject, owner.in_(owners_with_keep), *scope)
        )
        session.execute(
            update(model).where(subject == old_subject, *scope).values(subject=new_subject)
        )
        if owner_id is None:
            session.execute(update(model).where(contact == other_id).values(contact_id=keep_id))
            continue
        session.execute(
            update(model)
            .where(contact == other_id, or_(owner == owner_id, subject.in_(list(subjects))))
            .values(contact_id=keep_id)
        )


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
    """Erase what the user may see about a contact, and the contact when nothing else is left;
    an audit row keeps who and when. Someone else's private notes, loops and occasions stay."""
    assert contact.id is not None and user.id is not None
    c = contact.id
    note_ids = _seen_notes(session, user, c)
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
    loops = _seen_loops(session, user, c)
    occasions = _seen_occasions(session, user, c)
    gone_subjects = [f"loop:{lp.id}" for lp in loops] + [f"occasion:{o.id}" for o in occasions]
    for row in [*loops, *occasions]:
        session.delete(row)
    session.execute(
        delete(NoteContact).where(
            col(NoteContact.contact_id) == c, col(NoteContact.note_id).in_(note_ids)
        )
    )
    session.flush()
    for note in repo.notes_by_id(session, only_theirs).values():
        repo.delete_note(session, note=note)
    left = has_anything(session, contact_id=c)
    _forget_reminders(
        session,
        workspace_id=workspace_id,
        contact_id=c,
        owner_id=user.id if left else None,
        subjects=gone_subjects,
    )
    _forget_pending(session, user=user, contact=contact, gone=not left)
    if left:
        # Someone else still keeps private notes about them: the contact stays (for them), no
        # longer anyone's "own", and the user's own focus on it goes with what they forgot.
        contact.created_by = None
        contact.shared = False  # the team's copy is what they forgot
        session.add(contact)
        session.execute(
            delete(FocusContact).where(
                col(FocusContact.owner_id) == user.id, col(FocusContact.contact_id) == c
            )
        )
    else:
        session.execute(delete(ContactAlias).where(col(ContactAlias.contact_id) == c))
        session.flush()
        repo.delete_contact(session, contact_id=c)
    counts = (
        ("notes_erased", len(only_theirs)),
        ("links_removed", len(shared_ids)),
        ("loops", len(loops)),
        ("occasions", len(occasions)),
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
        f"; {plural(len(shared_ids), 'note')} about others too keep their text but no longer "
        "link to them"
        if shared_ids
        else ""
    )
    return ContactChange(
        action="forget",
        contact=None,
        summary=(
            f"Forgot {contact.display_name}: {plural(len(only_theirs), 'note')}, "
            f"{plural(len(loops), 'loop')} and {plural(len(occasions), 'occasion')} "
            f"erased{shared_text}. The audit log records that you did this, and when, but not "
            "what was erased."
        ),
        counts=counts,
    )


def _forget_reminders(
    session: Session,
    *,
    workspace_id: str,
    contact_id: int,
    owner_id: int | None,
    subjects: Sequence[str],
) -> None:
    """The reminders about the contact (only `owner_id`'s, when the contact stays for someone
    else), and anyone's about the loops and occasions that were erased (`subjects`)."""
    for model, subject, owner, contact in _reminder_columns():
        mine = [] if owner_id is None else [owner == owner_id]
        session.execute(delete(model).where(contact == contact_id, *mine))
        if subjects:
            session.execute(delete(model).where(subject.in_(list(subjects))))
    # DMs not yet sent may name the contact: drop their items (and the DM when nothing is left).
    query = select(ReminderOutbox).where(
        ReminderOutbox.workspace_id == workspace_id, ReminderOutbox.status == "pending"
    )
    gone = set(subjects)
    for row in session.exec(query).all():
        items = row.payload.get("items", [])
        ours = owner_id is None or row.user_id == owner_id
        keep = [
            i
            for i in items
            if not (ours and i.get("contact_id") == contact_id) and i.get("subject") not in gone
        ]
        if len(keep) == len(items):
            continue
        if not keep:
            session.delete(row)
            continue
        row.payload = {**row.payload, "items": keep}
        row.item_count = len(keep)
        session.add(row)


def pending_names(row: PendingNote, *, now: datetime) -> set[str]:
    """The name keys a pending note names: parsed as it will be filed, plus its "about" names."""
    parsed = parse_note(row.text, now=row.occurred_at or now, tz="UTC")
    return {name_key(p.name) for p in people_to_resolve(parsed, row.about)} - {""}


def _forget_pending(session: Session, *, user: User, contact: Contact, gone: bool) -> None:
    """Notes still waiting for "which Jane?": the user's own that name this contact (by the
    names the note is parsed into, never by a substring of its text) or chose it go; someone
    else's stay (they are theirs), without a choice of a contact that no longer exists."""
    assert contact.id is not None
    rows: Sequence[PendingNote] = session.exec(
        select(PendingNote).where(PendingNote.workspace_id == user.workspace_id)
    ).all()
    # A nickname someone else goes by too may mean them (as a shared first name may): a note
    # waiting for "which Priya?" stays, and is asked about the ones left.
    aliases = {name_key(a) for a in repo.aliases_of(session, contact_id=contact.id)}
    keys = {contact.name_key} | {
        key
        for key in aliases
        if len(repo.contacts_by_alias(session, workspace_id=user.workspace_id, key=key)) == 1
    }
    for row in rows:
        chose = contact.id in row.choices.values()
        if row.author_id == user.id:
            if chose or pending_names(row, now=row.created_at) & keys:
                session.delete(row)
        elif gone and chose:
            row.choices = {k: v for k, v in row.choices.items() if v != contact.id}
            session.add(row)
