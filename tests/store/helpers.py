"""Small builders for storage tests: rows made with the SQLModel classes, committed at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text
from sqlmodel import Session

from bot.store.models import Note, NoteContact, User, Workspace

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def add_workspace(session: Session, workspace_id: str = "T1") -> str:
    # Only the columns every revision has: migration tests call this on older schemas, where
    # today's model (with columns added since, e.g. 0017's enterprise ids) cannot insert.
    session.execute(
        insert(Workspace.__table__).values(  # type: ignore[arg-type]
            id=workspace_id,
            name=workspace_id,
            default_visibility="team",
            pressure_threshold=3,
            created_at=NOW,
        )
    )
    session.commit()
    return workspace_id


def add_user(session: Session, *, workspace_id: str = "T1", external_id: str = "U1") -> int:
    table = User.__table__
    found = session.execute(
        insert(table)  # type: ignore[arg-type]
        .values(
            workspace_id=workspace_id,
            external_id=external_id,
            display_name=external_id,
            created_at=NOW,
        )
        .returning(table.c.id)  # type: ignore[attr-defined]
    )
    user_id = int(found.scalar_one())
    session.commit()
    return user_id


def add_contact(session: Session, *, workspace_id: str = "T1", name: str = "Jane Doe") -> int:
    # Only the columns every revision since 0010 has (as add_workspace): later columns default.
    found = session.execute(
        text(
            "INSERT INTO contact (workspace_id, display_name, name_key, emails, phones, "
            "created_at) VALUES (:w, :name, :key, '[]', '[]', :at) RETURNING id"
        ),
        {"w": workspace_id, "name": name, "key": name.casefold(), "at": NOW},
    )
    contact_id = int(found.scalar_one())
    session.commit()
    return contact_id


def add_note(
    session: Session,
    *,
    author_id: int,
    text: str,
    workspace_id: str = "T1",
    visibility: str = "team",
    days_ago: float = 0,
    contact_ids: tuple[int, ...] = (),
) -> int:
    when = NOW - timedelta(days=days_ago)
    note = Note(
        workspace_id=workspace_id,
        author_id=author_id,
        text=text,
        visibility=visibility,
        occurred_at=when,
        logged_at=NOW,
    )
    session.add(note)
    session.commit()
    assert note.id is not None
    for contact_id in contact_ids:
        session.add(NoteContact(note_id=note.id, contact_id=contact_id, workspace_id=workspace_id))
    session.commit()
    return note.id
