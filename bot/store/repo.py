"""Repository functions: small queries with the session passed in, scoped to one workspace."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, String, and_, cast, delete, func, or_, text, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from bot.store.focus_models import FocusContact
from bot.store.models import (
    Contact,
    ContactAlias,
    ContactTag,
    Loop,
    Note,
    NoteContact,
    Occasion,
    ProcessedEvent,
    User,
    Workspace,
)
from bot.store.organisation_models import NoteOrganisation


def _insert_ignoring_conflict(
    session: Session, model: type[SQLModel], values: dict[str, Any]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True if the row was inserted.

    Two replicas meeting a new workspace, user or Slack event at once then both go on, and the
    database says which one wrote the row.
    """
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql_insert if dialect == "postgresql" else sqlite_insert
    # RETURNING, because psycopg reports no rowcount (-1) for ON CONFLICT DO NOTHING here.
    statement = insert_fn(model).values(**values).on_conflict_do_nothing()
    table = sa_inspect(model).local_table
    returned = session.execute(statement.returning(*table.primary_key.columns))
    return returned.first() is not None


insert_ignoring_conflict = _insert_ignoring_conflict  # for the feature packages' own tables


def get_or_create_workspace(session: Session, *, workspace_id: str, now: datetime) -> Workspace:
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        _insert_ignoring_conflict(
            session,
            Workspace,
            {"id": workspace_id, "name": "", "default_visibility": "team", "created_at": now},
        )
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
    return workspace


def get_user(session: Session, *, workspace_id: str, external_id: str) -> User | None:
    return session.exec(
        select(User).where(User.workspace_id == workspace_id, User.external_id == external_id)
    ).first()


def get_or_create_user(
    session: Session,
    *,
    workspace_id: str,
    external_id: str,
    display_name: str | None,
    now: datetime,
) -> User:
    user = get_user(session, workspace_id=workspace_id, external_id=external_id)
    if user is None:
        _insert_ignoring_conflict(
            session,
            User,
            {
                "workspace_id": workspace_id,
                "external_id": external_id,
                "display_name": display_name or external_id,
                "created_at": now,
            },
        )
        user = get_user(session, workspace_id=workspace_id, external_id=external_id)
        assert user is not None
    elif display_name and user.display_name != display_name:
        user.display_name = display_name
        session.add(user)
    return user


def users_by_id(session: Session, ids: Iterable[int]) -> dict[int, User]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {u.id: u for u in rows if u.id is not None}


def event_seen(session: Session, *, workspace_id: str, event_id: str) -> ProcessedEvent | None:
    return session.get(ProcessedEvent, (workspace_id, event_id))


def claim_event(session: Session, *, workspace_id: str, event_id: str, now: datetime) -> bool:
    """Record a Slack event id as being handled; False if a delivery of it already was.

    The insert comes first in the transaction, so a concurrent delivery of the same event waits
    on the primary key until this transaction ends, then finds it claimed (or free, on rollback).
    """
    return _insert_ignoring_conflict(
        session,
        ProcessedEvent,
        {"workspace_id": workspace_id, "event_id": event_id, "received_at": now},
    )


def record_event_note(session: Session, *, workspace_id: str, event_id: str, note_id: int) -> None:
    session.execute(
        update(ProcessedEvent)
        .where(
            col(ProcessedEvent.workspace_id) == workspace_id,
            col(ProcessedEvent.event_id) == event_id,
        )
        .values(note_id=note_id)
    )


# --- contacts -----------------------------------------------------------------------------------


def contacts_with_key(session: Session, *, workspace_id: str, key: str) -> Sequence[Contact]:
    return session.exec(
        select(Contact).where(Contact.workspace_id == workspace_id, Contact.name_key == key)
    ).all()


def contacts_with_keys(
    session: Session, *, workspace_id: str, keys: Sequence[str]
) -> dict[str, list[Contact]]:
    """`contacts_with_key` for many keys at once, in id order per key: a name the snapshot
    knows hundreds of people by ("Jane Doe" among 100,000 contacts) is one query per 500 keys,
    not one per key (each a round trip to PostgreSQL)."""
    out: dict[str, list[Contact]] = {}
    wanted = list(dict.fromkeys(keys))
    for start in range(0, len(wanted), 500):
        for contact in session.exec(
            select(Contact)
            .where(
                Contact.workspace_id == workspace_id,
                col(Contact.name_key).in_(wanted[start : start + 500]),
            )
            .order_by(col(Contact.id))
        ).all():
            out.setdefault(contact.name_key, []).append(contact)
    return out


def contacts_by_alias(session: Session, *, workspace_id: str, key: str) -> Sequence[Contact]:
    """Every contact that goes by the alias `key`, in id order: two people may share a nickname
    (one index step on (workspace_id, alias_key))."""
    return session.exec(
        select(Contact)
        .join(ContactAlias, col(ContactAlias.contact_id) == col(Contact.id))
        .where(ContactAlias.workspace_id == workspace_id, ContactAlias.alias_key == key)
        .order_by(col(Contact.id))
    ).all()


def has_alias(session: Session, *, contact_id: int, key: str) -> bool:
    return (
        session.exec(
            select(ContactAlias.id).where(
                ContactAlias.contact_id == contact_id, ContactAlias.alias_key == key
            )
        ).first()
        is not None
    )


def contact_by_slack_id(
    session: Session, *, workspace_id: str, slack_user_id: str
) -> Contact | None:
    return session.exec(
        select(Contact).where(
            Contact.workspace_id == workspace_id, Contact.slack_user_id == slack_user_id
        )
    ).first()


def contacts_with_key_prefix(
    session: Session, *, workspace_id: str, prefix: str, limit: int
) -> Sequence[Contact]:
    """Contacts whose name key starts with `prefix`: a range scan on (workspace_id, name_key)."""
    upper = prefix + "\uffff"
    return session.exec(
        select(Contact)
        .where(
            Contact.workspace_id == workspace_id,
            Contact.name_key >= prefix,
            Contact.name_key < upper,
        )
        .limit(limit)
    ).all()


def contacts_with_keys_or_prefixes(
    session: Session, *, workspace_id: str, keys: Iterable[str], prefixes: Iterable[str], limit: int
) -> Sequence[Contact]:
    """Contacts whose name key is one of `keys` or starts with one of `prefixes` (range scans)."""
    wanted = list(keys)
    ranges = [
        and_(col(Contact.name_key) >= p, col(Contact.name_key) < p + "\uffff") for p in prefixes
    ]
    if not wanted and not ranges:
        return []
    return session.exec(
        select(Contact)
        .where(
            Contact.workspace_id == workspace_id,
            or_(col(Contact.name_key).in_(wanted), *ranges),
        )
        .order_by(col(Contact.id))
        .limit(limit)
    ).all()


def lock_contact_name(session: Session, *, workspace_id: str, key: str) -> None:
    """PostgreSQL: hold a transaction-scoped advisory lock on (workspace, name key).

    Creating a contact is check-then-insert, and two contacts may legitimately share a name, so
    no unique constraint can guard it. SQLite needs nothing: its transactions begin IMMEDIATE.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"),
        {"name": f"rapport-contact:{workspace_id}:{key}"},
    )


def get_contact(session: Session, *, workspace_id: str, contact_id: int) -> Contact | None:
    contact = session.get(Contact, contact_id)
    if contact is None or contact.workspace_id != workspace_id:
        return None
    return contact


def contacts_by_id(session: Session, ids: Iterable[int]) -> dict[int, Contact]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.exec(select(Contact).where(col(Contact.id).in_(wanted))).all()
    return {c.id: c for c in rows if c.id is not None}


def aliases_of(session: Session, *, contact_id: int) -> list[str]:
    return list(
        session.exec(select(ContactAlias.alias).where(ContactAlias.contact_id == contact_id)).all()
    )


def tags_of(session: Session, *, contact_id: int) -> list[str]:
    return sorted(
        session.exec(select(ContactTag.tag).where(ContactTag.contact_id == contact_id)).all()
    )


def add_tags(session: Session, *, workspace_id: str, contact_id: int, tags: Iterable[str]) -> None:
    existing = set(tags_of(session, contact_id=contact_id))
    for tag in tags:
        if tag not in existing:
            session.add(ContactTag(workspace_id=workspace_id, contact_id=contact_id, tag=tag))
            existing.add(tag)


def last_note_at(session: Session, *, contact_id: int) -> datetime | None:
    return session.exec(
        select(func.max(Note.occurred_at))
        .join(NoteContact, col(NoteContact.note_id) == col(Note.id))
        .where(NoteContact.contact_id == contact_id)
    ).first()


# What goes with a contact when it goes: its tags, and the reminder tracks the tick derives from
# its loops and cadences (rebuilt from those rows, so they keep nothing of their own), and what
# Slack Connect kept of their messages (bot/store/connect_models.py).
_GOES_WITH_CONTACT: Final = (
    "contacttag",
    "reminder_track",
    "connect_message",
    "connect_interaction",
)


def contact_is_orphan(session: Session, *, contact_id: int) -> bool:
    """Nothing refers to the contact but what goes with it: no note, loop, occasion or alias —
    and no cadence, snooze or focus someone set on them."""
    for table in SQLModel.metadata.sorted_tables:
        if table.name in _GOES_WITH_CONTACT:
            continue
        for key in table.foreign_keys:
            if key.column.table.name != Contact.__tablename__:
                continue
            found = session.execute(select(key.parent).where(key.parent == contact_id).limit(1))
            if found.first() is not None:
                return False
    return True


def delete_contact(session: Session, *, contact_id: int) -> None:
    for name in _GOES_WITH_CONTACT:
        table = SQLModel.metadata.tables.get(name)
        if table is not None:
            session.execute(delete(table).where(table.c.contact_id == contact_id))
    session.execute(delete(Contact).where(col(Contact.id) == contact_id))


# --- notes --------------------------------------------------------------------------------------


def visible(workspace_id: str, viewer_id: int) -> tuple[ColumnElement[bool], ...]:
    """The one visibility rule: same workspace, and team-visible or written by the viewer."""
    return (
        col(Note.workspace_id) == workspace_id,
        or_(col(Note.visibility) == "team", col(Note.author_id) == viewer_id),
    )


def visible_by_link(workspace_id: str, viewer_id: int) -> tuple[ColumnElement[bool], ...]:
    """`visible` for a query that reaches notes through their contact links: the workspace is
    taken from the link (each link carries its note's), so SQLite starts from the contact's
    links (ix_notecontact_contact) instead of walking every note of the workspace by date —
    16 s against 3 ms for one contact at a million notes."""
    return (
        col(NoteContact.workspace_id) == workspace_id,
        or_(col(Note.visibility) == "team", col(Note.author_id) == viewer_id),
    )


def note_has_tag(tag: str) -> ColumnElement[bool]:
    """The note's #tags (a JSON list of \\w/- words, as the parser gives them) include `tag`.

    ContactTag rows keep no source note, so anything shown to a viewer by tag goes through the
    notes that viewer may see; JSON is compared as text, which both databases can do.
    """
    stored = json.dumps(tag)  # as SQLAlchemy's JSON type wrote it: quoted, non-ASCII escaped
    literal = stored.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return cast(col(Note.tags), String).like(f"%{literal}%", escape="\\")


def contacts_tagged_for(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    tags: Iterable[str],
    contact_ids: Iterable[int] | None = None,
) -> set[tuple[int, str]]:
    """(contact_id, tag) where a note the viewer may see about that contact carries the tag."""
    found: set[tuple[int, str]] = set()
    for tag in set(tags):
        query = (
            select(NoteContact.contact_id)
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(*visible(workspace_id, viewer_id), note_has_tag(tag))
            .distinct()
        )
        if contact_ids is not None:
            query = query.where(col(NoteContact.contact_id).in_(set(contact_ids)))
        found.update((contact_id, tag) for contact_id in session.exec(query).all())
    return found


def notes_by_id(session: Session, ids: Iterable[int]) -> dict[int, Note]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.exec(select(Note).where(col(Note.id).in_(wanted))).all()
    return {n.id: n for n in rows if n.id is not None}


def contacts_of_notes(session: Session, note_ids: Iterable[int]) -> dict[int, list[Contact]]:
    wanted = set(note_ids)
    result: dict[int, list[Contact]] = {n: [] for n in wanted}
    if not wanted:
        return result
    rows = session.exec(
        select(NoteContact.note_id, Contact)
        .join(Contact, col(Contact.id) == col(NoteContact.contact_id))
        .where(col(NoteContact.note_id).in_(wanted))
        .order_by(col(NoteContact.note_id), col(Contact.id))
    ).all()
    for note_id, contact in rows:
        result[note_id].append(contact)
    return result


def visible_notes_of_contact(
    session: Session, *, workspace_id: str, viewer_id: int, contact_id: int, limit: int
) -> Sequence[Note]:
    return session.exec(
        select(Note)
        .join(NoteContact, col(NoteContact.note_id) == col(Note.id))
        .where(NoteContact.contact_id == contact_id, *visible(workspace_id, viewer_id))
        .order_by(col(Note.occurred_at).desc(), col(Note.id).desc())
        .limit(limit)
    ).all()


def last_visible_note_of_contact(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    contact_id: int,
    author_id: int | None = None,
) -> Note | None:
    query = (
        select(Note)
        .join(NoteContact, col(NoteContact.note_id) == col(Note.id))
        .where(NoteContact.contact_id == contact_id, *visible(workspace_id, viewer_id))
    )
    if author_id is not None:
        query = query.where(Note.author_id == author_id)
    return session.exec(
        query.order_by(col(Note.occurred_at).desc(), col(Note.id).desc()).limit(1)
    ).first()


def recent_visible_notes(
    session: Session, *, workspace_id: str, viewer_id: int, limit: int
) -> Sequence[Note]:
    return session.exec(
        select(Note)
        .where(*visible(workspace_id, viewer_id))
        .order_by(col(Note.occurred_at).desc(), col(Note.id).desc())
        .limit(limit)
    ).all()


def delete_note(session: Session, *, note: Note) -> list[int]:
    """Remove a note and what it created; reopen loops it had closed. Returns its contact ids."""
    assert note.id is not None
    contact_ids = list(
        session.exec(select(NoteContact.contact_id).where(NoteContact.note_id == note.id)).all()
    )
    session.execute(
        update(Loop)
        .where(col(Loop.closed_by_note_id) == note.id)
        .values(status="open", closed_by_note_id=None, closed_at=None)
    )
    session.execute(delete(Loop).where(col(Loop.source_note_id) == note.id))
    session.execute(delete(Occasion).where(col(Occasion.source_note_id) == note.id))
    session.execute(delete(NoteContact).where(col(NoteContact.note_id) == note.id))
    session.execute(delete(NoteOrganisation).where(col(NoteOrganisation.note_id) == note.id))
    session.execute(
        update(ProcessedEvent).where(col(ProcessedEvent.note_id) == note.id).values(note_id=None)
    )
    session.delete(note)
    session.flush()
    return contact_ids


# --- loops and occasions ------------------------------------------------------------------------


def open_loops(
    session: Session, *, owner_id: int, contact_ids: Iterable[int] | None = None
) -> Sequence[Loop]:
    query = select(Loop).where(Loop.owner_id == owner_id, Loop.status == "open")
    if contact_ids is not None:
        query = query.where(col(Loop.contact_id).in_(set(contact_ids)))
    return session.exec(query.order_by(col(Loop.created_at), col(Loop.id))).all()


def occasions_of(session: Session, *, contact_id: int) -> Sequence[Occasion]:
    return session.exec(select(Occasion).where(Occasion.contact_id == contact_id)).all()


def visible_occasions(
    session: Session, *, workspace_id: str, viewer_id: int, contact_id: int | None = None
) -> Sequence[Occasion]:
    """Occasions the viewer may see: imported ones (no source note) and those from notes the
    viewer may see — a birthday from someone's private note is part of that note."""
    query = (
        select(Occasion)
        .outerjoin(Note, col(Note.id) == col(Occasion.source_note_id))
        .where(
            col(Occasion.workspace_id) == workspace_id,
            or_(
                col(Occasion.source_note_id).is_(None),
                and_(*visible(workspace_id, viewer_id)),
            ),
        )
    )
    if contact_id is not None:
        query = query.where(col(Occasion.contact_id) == contact_id)
    return session.exec(query.order_by(col(Occasion.id))).all()


def workspace_occasions(session: Session, *, workspace_id: str) -> Sequence[Occasion]:
    return session.exec(select(Occasion).where(Occasion.workspace_id == workspace_id)).all()


def upsert_occasion(
    session: Session,
    *,
    workspace_id: str,
    contact_id: int,
    kind: str,
    month: int,
    day: int,
    year: int | None,
    source_note_id: int,
) -> Occasion:
    occasion = session.exec(
        select(Occasion).where(Occasion.contact_id == contact_id, Occasion.kind == kind)
    ).first()
    if occasion is None:
        occasion = Occasion(
            workspace_id=workspace_id, contact_id=contact_id, kind=kind, month=0, day=0
        )
    occasion.month, occasion.day = month, day
    occasion.year = year if year is not None else occasion.year
    occasion.source_note_id = source_note_id
    session.add(occasion)
    session.flush()
    return occasion


def move_focus(session: Session, *, keep_id: int, other_id: int) -> None:
    """On a merge: focus on the merged-away contact becomes focus on the one kept."""
    already = select(FocusContact.owner_id).where(col(FocusContact.contact_id) == keep_id)
    session.execute(
        FocusContact.__table__.delete().where(  # type: ignore[attr-defined]
            col(FocusContact.contact_id) == other_id, col(FocusContact.owner_id).in_(already)
        )
    )
    session.execute(
        update(FocusContact)
        .where(col(FocusContact.contact_id) == other_id)
        .values(contact_id=keep_id)
        .execution_options(synchronize_session=False)
    )
