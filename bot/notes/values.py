"""Store rows as the values the notes use cases return: loops, occasions, timeline entries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.domain.notes import LoopView, OccasionView, TimelineEntry
from bot.domain.occasions import next_occurrence
from bot.domain.refs import ContactRef
from bot.store import repo
from bot.store.models import Contact, Loop, Note, Occasion
from bot.usecases import contact_ref


def _ref_or_someone(contacts: Mapping[int, Contact], contact_id: int) -> ContactRef:
    contact = contacts.get(contact_id)
    return contact_ref(contact) if contact else ContactRef(id=contact_id, display_name="someone")


def loop_view(loop: Loop, contacts: Mapping[int, Contact], now: datetime) -> LoopView:
    return LoopView(
        id=loop.id or 0,
        direction=loop.direction,
        what=loop.what,
        contact=_ref_or_someone(contacts, loop.contact_id),
        due_at=loop.due_at,
        created_at=loop.created_at,
        overdue=loop.status == "open" and loop.due_at is not None and loop.due_at < now,
        source_note_id=loop.source_note_id,
    )


def sorted_loops(views: Sequence[LoopView]) -> list[LoopView]:
    """Overdue first, then by due date (undated last), then oldest."""
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(
        views,
        key=lambda v: (not v.overdue, v.due_at is None, v.due_at or far, v.created_at, v.id),
    )


def occasion_view(
    occasion: Occasion, contacts: Mapping[int, Contact], now: datetime, tz: str
) -> OccasionView:
    today = now.astimezone(ZoneInfo(tz)).date()
    return OccasionView(
        kind=occasion.kind,
        month=occasion.month,
        day=occasion.day,
        year=occasion.year,
        contact=_ref_or_someone(contacts, occasion.contact_id),
        next_date=next_occurrence(occasion.month, occasion.day, today).isoformat(),
    )


def timeline(session: Session, notes: Sequence[Note]) -> list[TimelineEntry]:
    """Notes as timeline entries, with their authors' names (one query)."""
    authors = repo.users_by_id(session, [n.author_id for n in notes])
    entries = []
    for note in notes:
        assert note.id is not None
        author = authors.get(note.author_id)
        entries.append(
            TimelineEntry(
                note_id=note.id,
                text=note.text,
                occurred_at=note.occurred_at,
                author=author.display_name if author else "someone",
                author_id=author.external_id if author else "",
                kind=note.kind,
                private=note.visibility == "private",
            )
        )
    return entries
