"""Bad news and whose it is, in the store: which of a note's contacts each piece is about when the
note is filed, and the news about some contacts when reminders, the card or the standing rules
ask. One definition, so the card, `next`, the digest and every reminder say the same thing.

The author's own news ("I'm just back from the hospital") is nobody's; news about one person in
a note about several ("lunch w/ Sam and Priya; Priya's dad passed away") is that person's only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, String, cast
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from bot.domain.names import name_key
from bot.domain.sensitive import News, news
from bot.notes.resolve import Resolution
from bot.parsing import ParsedNote
from bot.store import repo
from bot.store.batches import chunks
from bot.store.models import Contact, Note, NoteContact
from bot.store.types import aware


@dataclass(frozen=True)
class Said:
    """A piece of news about a contact, and who may see the note it came from."""

    news: News
    author_id: int
    visibility: str  # "team" | "private"

    def seen_by(self, user_id: int) -> bool:
        return self.visibility == "team" or self.author_id == user_id


def topics_by_contact(
    parsed: ParsedNote, resolution: Resolution, contacts: Sequence[Contact]
) -> dict[int, list[str]]:
    """contact id → the topics of the note's news that are that contact's own."""
    out: dict[int, list[str]] = {}
    if not contacts:
        return out
    main = contacts[0]
    if not parsed.sensitivity:
        # A parse that names topics without owners (an older caller): the note's people.
        return {c.id: list(parsed.sensitive) for c in contacts if c.id and parsed.sensitive}
    for item in parsed.sensitivity:
        if item.mine:
            continue
        target = main if item.person is None else _person(item.person, resolution, contacts)
        if target is None or target.id is None:
            continue
        topics = out.setdefault(target.id, [])
        if item.topic not in topics:
            topics.append(item.topic)
    return out


def _person(name: str, resolution: Resolution, contacts: Sequence[Contact]) -> Contact | None:
    """The note's contact `name` is; with one contact in the note, that one. Never a guess
    between several: news on the wrong person mutes the wrong person."""
    found = resolution.by_name.get(name)
    if found is not None:
        return found
    key = name_key(name)
    matches = [c for c in contacts if c.name_key == key or c.name_key.split(" ")[0] == key]
    if len(matches) == 1:
        return matches[0]
    return contacts[0] if len(contacts) == 1 else None


def about(
    session: Session,
    *,
    contact_ids: Sequence[int],
    since: datetime,
    now: datetime,
    workspace_id: str | None = None,
    viewer_id: int | None = None,
) -> dict[int, list[Said]]:
    """contact id → its news between `since` and `now`, newest first; only what `viewer_id`
    may see when given (else each item says who may, for a caller serving many owners)."""
    out: dict[int, list[Said]] = {}
    where: list[ColumnElement[bool]] = []
    if workspace_id is not None and viewer_id is not None:
        # Through the links: one contact's, not every note of the workspace in the window.
        where = list(repo.visible_by_link(workspace_id, viewer_id))
    for batch in chunks(sorted(set(contact_ids))):
        rows = session.execute(
            sa_select(
                col(NoteContact.contact_id),
                col(NoteContact.sensitive),
                col(Note.id),
                col(Note.text),
                col(Note.occurred_at),
                col(Note.author_id),
                col(Note.visibility),
                col(Note.workspace_id),
            )
            .select_from(NoteContact)
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(
                col(NoteContact.contact_id).in_(batch),
                carries_news(),
                col(Note.occurred_at) >= since,
                col(Note.occurred_at) <= now,
                *where,
            )
        ).all()
        for contact_id, topics, note_id, text, occurred, author_id, visibility, note_ws in rows:
            if workspace_id is not None and note_ws != workspace_id:
                continue  # never so (a link carries its note's workspace): a guard
            when = aware(occurred)
            item = news([str(t) for t in topics or ()], text, when, note_id) if when else None
            if item is not None:
                out.setdefault(contact_id, []).append(Said(item, author_id, visibility))
    for said in out.values():
        said.sort(key=lambda s: (s.news.at, s.news.note_id), reverse=True)
    return out


def carries_news() -> ColumnElement[bool]:
    """The condition "this note-contact link carries news about its contact"."""
    # JSON lists are stored as text on both databases; "[]" is the empty one.
    return cast(col(NoteContact.sensitive), String) != "[]"


def heard(
    whose: dict[int, list[str]], contacts: Sequence[Contact], text: str, at: datetime
) -> tuple[str, ...]:
    """What the confirmation says it heard, in human words, and about whom when the note names
    several people: ("kitchen fire",), ("the death of their dad (Priya Nair)",)."""
    out: list[str] = []
    for contact in contacts:
        item = news(whose.get(contact.id or 0, ()), text, at)
        if item is None:
            continue
        said = item.words if len(contacts) == 1 else f"{item.words} ({contact.display_name})"
        if said not in out:
            out.append(said)
    return tuple(out)
