"""Corrections to what a name is, said in words ("Expo is not a person", "Plaid is a company",
"Kai is a person") or from a confirmation's button: read, kept for the whole workspace, and the
test for whether the wrong contact may go.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Table
from sqlmodel import Session, SQLModel, col, select

from bot.domain.names import name_key
from bot.store.models import Contact, Note, NoteContact
from bot.store.organisation_models import NameCorrection

NOT_PERSON = "not_person"
ORGANISATION = "organisation"
PERSON = "person"  # taking a correction back
KINDS = (NOT_PERSON, ORGANISATION)

_NAME = r"[\"“”'‘’*_`]?(?P<name>[^\s\"“”*_`][^\"“”*_`\n]{0,80}?)[\"“”'‘’*_`]?"
_ORG_WORDS = (
    r"(?:company|organi[sz]ation|org|business|firm|startup|start-up|vendor|customer|client"
    r"|agency|brand|university|fund|bank|charity|nonprofit|non-profit)"
)
_THING_WORDS = (
    r"(?:place|city|country|town|venue|event|conference|expo|product|tool|app|platform"
    r"|technology|project|team|department|word|thing)"
)
_CORRECTIONS = [
    (
        re.compile(
            rf"^\s*{_NAME}\s+(?:is\s+not|isn['’]?t|is\s+no|['’]s\s+not)\s+a\s+(?:real\s+)?"
            rf"(?:person|human|contact|people|name)\s*[.!]*\s*$",
            re.I,
        ),
        NOT_PERSON,
    ),
    (
        re.compile(
            rf"^\s*{_NAME}\s+(?:is|['’]s)\s+(?:an?\s+|the\s+)?{_ORG_WORDS}\s*[.!]*\s*$", re.I
        ),
        ORGANISATION,
    ),
    (
        re.compile(
            rf"^\s*{_NAME}\s+(?:is|['’]s)\s+(?:an?\s+|the\s+)?{_THING_WORDS}\s*[.!]*\s*$", re.I
        ),
        NOT_PERSON,
    ),
    (
        re.compile(
            rf"^\s*{_NAME}\s+(?:is|['’]s)\s+(?:a\s+(?:real\s+)?person|someone|a\s+contact)"
            rf"\s*[.!]*\s*$",
            re.I,
        ),
        PERSON,
    ),
]
_SENTENCE_BREAK = re.compile(r"[.!?,;:]\s")  # "coffee with Jane. Plaid is a company": a note
MAX_WORDS = 6  # "Kühne & Sohn Logistics GmbH": longer than this is a note, not a name


def read(text: str) -> tuple[str, str] | None:
    """(name, kind) when the whole text is a correction; None for an ordinary note."""
    flat = " ".join(text.split())
    for pattern, kind in _CORRECTIONS:
        m = pattern.match(flat)
        if m is None:
            continue
        name = m.group("name").strip(" ,:;-")
        # a sentence about someone ("she is a customer", "Raj's team is a customer") is a note
        if (
            not name
            or len(name.split()) > MAX_WORDS
            or name.casefold() in _PRONOUNS
            or not any(ch.isalnum() for ch in name)
            or _SENTENCE_BREAK.search(name) is not None
            or name.split()[0].casefold() in _DETERMINERS
        ):
            return None
        return name, kind
    return None


_PRONOUNS = frozenset(
    {"he", "she", "they", "it", "this", "that", "i", "we", "you", "who", "what", "there"}
    | {"he's", "she's", "it's", "which", "one", "someone", "everyone"}
)
_DETERMINERS = frozenset({"my", "our", "his", "her", "their", "your", "the", "a", "an", "its"})


def remember(
    session: Session, *, workspace_id: str, name: str, kind: str, user_id: int, now: datetime
) -> None:
    """Keep (or take back, for PERSON) what `name` is, for the whole workspace."""
    key = name_key(name)[:200]
    found = session.exec(
        select(NameCorrection).where(
            NameCorrection.workspace_id == workspace_id, NameCorrection.name_key == key
        )
    ).first()
    if kind == PERSON:
        if found is not None:
            session.delete(found)
        return
    if found is None:
        found = NameCorrection(
            workspace_id=workspace_id, name_key=key, name="", kind=kind, created_at=now
        )
    found.name, found.kind = " ".join(name.split())[:200], kind
    found.created_by, found.created_at = user_id, now
    session.add(found)
    session.flush()


def notes_on_contact(
    session: Session, *, contact_id: int, author_id: int, limit: int = 50
) -> list[Note]:
    """The author's own notes filed under a contact, newest first."""
    return list(
        session.exec(
            select(Note)
            .join(NoteContact, col(NoteContact.note_id) == col(Note.id))
            .where(NoteContact.contact_id == contact_id, Note.author_id == author_id)
            .order_by(col(Note.occurred_at).desc(), col(Note.id).desc())
            .limit(limit)
        ).all()
    )


def references(session: Session, *, contact_id: int) -> int:
    """Rows anywhere in the schema that point at the contact (notes, loops, occasions, aliases,
    cadences, focus, reminders, …): a contact is deleted only when this is 0. Read from the
    metadata, so a table added later is counted without a change here."""
    total = 0
    contact_table = Contact.__table__  # type: ignore[attr-defined]
    for table in SQLModel.metadata.sorted_tables:
        # its #tags are copied from its notes, and go with it (repo.delete_contact)
        if table is contact_table or table.name == "contacttag":
            continue
        for fk in table.foreign_keys:
            if fk.column.table is contact_table and isinstance(table, Table):
                row = session.execute(
                    select(fk.parent).where(fk.parent == contact_id).limit(1)
                ).first()
                total += row is not None
    return total
