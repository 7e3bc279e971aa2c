"""A Rapport JSON export imported back whole: its contacts (with aliases, emails, phones, company,
birthdays and anniversaries), the importer's own notes with the contacts they are about and
their tags, and the importer's loops (open or closed).

Only the importer's own notes and loops are restored: a teammate's note in the file was shared
with the importer, not given to them, and restoring it under either name would put words in
someone's mouth; the summary says how many were left out. Idempotent: a note with the same author,
time and text, or a loop with the same contact, direction and words, is not added twice.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from bot.domain.errors import UserInputError
from bot.domain.names import name_key
from bot.domain.notes import ImportProblem
from bot.notes.fields import MonthDay
from bot.notes.records import Record
from bot.store import repo
from bot.store.models import Contact, Loop, Note, NoteContact, User

MAX_NOTE = 20_000  # no note Rapport stores is longer; a longer one is not from an export


def payload_of(text: str) -> dict[str, Any]:
    """The export's JSON, or one friendly line saying why it is not one."""
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserInputError(
            f"That .json file isn't valid JSON ({exc.msg}, line {exc.lineno})."
        ) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("contacts"), list):
        raise UserInputError("That .json file isn't a Rapport export (it has no contacts list).")
    return payload


def records(payload: dict[str, Any]) -> Iterator[Record | ImportProblem]:
    for index, raw in enumerate(payload.get("contacts", []), start=1):
        if not isinstance(raw, dict) or not name_key(str(raw.get("name") or "")):
            yield ImportProblem(line=index, message="a contact with no name")
            continue
        emails = [str(e) for e in raw.get("emails") or [raw.get("email")] if e]
        phones = [str(p) for p in raw.get("phones") or [raw.get("phone")] if p]
        record = Record(
            line=index,
            name=str(raw["name"]),
            emails=emails,
            phones=phones,
            company=raw.get("company") or None,
            role=raw.get("role") or None,
            nicknames=[str(a) for a in raw.get("aliases") or []],
        )
        for occasion in raw.get("occasions") or []:
            date = _month_day(occasion)
            if date is None:
                record.warnings.append(f"occasion {occasion!r} is not a date; left out")
            elif occasion.get("kind") == "birthday":
                record.birthday = date
            elif occasion.get("kind") == "anniversary":
                record.anniversary = date
        yield record


def _month_day(occasion: Any) -> MonthDay | None:
    try:
        month, day = int(occasion["month"]), int(occasion["day"])
        year = int(occasion["year"]) if occasion.get("year") else None
    except (KeyError, TypeError, ValueError):
        return None
    return (month, day, year) if 1 <= month <= 12 and 1 <= day <= 31 else None


def _when(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def restore_notes_and_loops(
    session: Session,
    payload: dict[str, Any],
    *,
    workspace_id: str,
    user: User,
    now: datetime,
) -> tuple[int, int, list[ImportProblem]]:
    """(notes added, loops added, what was left out). Contacts must already be imported."""
    assert user.id is not None
    contacts = _contacts_by_export_id(session, payload, workspace_id=workspace_id)
    about: dict[int, list[int]] = defaultdict(list)  # exported note id → contact ids here
    for raw in payload.get("contacts", []):
        if isinstance(raw, dict) and raw.get("id") in contacts:
            for note_id in raw.get("notes") or []:
                about[note_id].append(contacts[raw["id"]].id or 0)
    mine = {
        (n.text, n.occurred_at)
        for n in session.exec(select(Note).where(Note.author_id == user.id)).all()
    }
    problems: list[ImportProblem] = []
    note_ids: dict[int, int] = {}  # exported note id → note id here
    added_notes = 0
    theirs: dict[str, int] = defaultdict(int)
    for index, raw in enumerate(payload.get("notes") or [], start=1):
        if not isinstance(raw, dict):
            continue
        if not _is_mine(raw, payload, user):
            theirs[str(raw.get("author") or "someone")] += 1
            continue
        text, occurred = str(raw.get("text") or ""), _when(raw.get("occurred_at"))
        if not text.strip() or occurred is None or len(text) > MAX_NOTE:
            problems.append(ImportProblem(line=index, message="a note without text or date"))
            continue
        existing = (text, occurred) in mine
        if existing:
            found = session.exec(
                select(Note.id).where(
                    Note.author_id == user.id, Note.text == text, Note.occurred_at == occurred
                )
            ).first()
            if found is not None:
                note_ids[raw.get("id", -index)] = found
            continue
        note = Note(
            workspace_id=workspace_id,
            author_id=user.id,
            text=text,
            kind=raw.get("kind"),
            visibility="private" if raw.get("private") else "team",
            occurred_at=occurred,
            logged_at=_when(raw.get("logged_at")) or occurred,
            source="import",
            needs=[str(n) for n in raw.get("needs") or []],
            tags=[str(t) for t in raw.get("tags") or []],
        )
        session.add(note)
        session.flush()
        assert note.id is not None
        mine.add((text, occurred))
        note_ids[raw.get("id", -index)] = note.id
        added_notes += 1
        for contact_id in dict.fromkeys(about.get(raw.get("id", -index), [])):
            session.add(
                NoteContact(note_id=note.id, contact_id=contact_id, workspace_id=workspace_id)
            )
            repo.add_tags(session, workspace_id=workspace_id, contact_id=contact_id, tags=note.tags)
    for author, count in sorted(theirs.items()):
        problems.append(
            ImportProblem(
                line=0,
                message=f"{count} note{'s' if count != 1 else ''} by {author} left out: "
                "only the author can restore their notes",
            )
        )
    added_loops = _restore_loops(
        session,
        payload,
        workspace_id=workspace_id,
        user=user,
        now=now,
        contacts=contacts,
        notes=note_ids,
        problems=problems,
    )
    return added_notes, added_loops, problems


def _is_mine(raw: dict[str, Any], payload: dict[str, Any], user: User) -> bool:
    if "author_id" in raw:
        return bool(raw["author_id"] == user.external_id)
    # Exports from before author_id: the exporting user's own notes carry their name.
    return bool(raw.get("author") == payload.get("user") == user.display_name)


def _contacts_by_export_id(
    session: Session, payload: dict[str, Any], *, workspace_id: str
) -> dict[Any, Contact]:
    """Each exported contact id → the contact here it was imported as (email first, then name,
    as the import matched it)."""
    here = session.exec(select(Contact).where(Contact.workspace_id == workspace_id)).all()
    by_email = {e.casefold(): c for c in here for e in [c.email or "", *c.emails] if e}
    by_key: dict[str, Contact] = {}
    for contact in here:
        by_key.setdefault(contact.name_key, contact)
    found: dict[Any, Contact] = {}
    for raw in payload.get("contacts", []):
        if not isinstance(raw, dict) or "id" not in raw:
            continue
        emails = [str(e).casefold() for e in raw.get("emails") or [raw.get("email")] if e]
        match = next((by_email[e] for e in emails if e in by_email), None)
        match = match or by_key.get(name_key(str(raw.get("name") or "")))
        if match is not None:
            found[raw["id"]] = match
    return found


def _restore_loops(
    session: Session,
    payload: dict[str, Any],
    *,
    workspace_id: str,
    user: User,
    now: datetime,
    contacts: dict[Any, Contact],
    notes: dict[Any, int],
    problems: list[ImportProblem],
) -> int:
    assert user.id is not None
    by_name = {name_key(c.display_name): c for c in contacts.values()}
    known = {
        (lp.contact_id, lp.direction, lp.what)
        for lp in session.exec(select(Loop).where(Loop.owner_id == user.id)).all()
    }
    added = 0
    for index, raw in enumerate(payload.get("loops") or [], start=1):
        if not isinstance(raw, dict) or raw.get("direction") not in ("you_owe", "they_owe"):
            continue
        contact = contacts.get(raw.get("contact_id")) or by_name.get(
            name_key(str(raw.get("contact") or ""))
        )
        source = notes.get(raw.get("note"))
        what = str(raw.get("what") or "")[:500]
        if contact is None or contact.id is None or source is None or not what:
            why = "its contact" if contact is None else "the note it came from"
            problems.append(
                ImportProblem(
                    line=index, message=f"loop {what!r} left out: {why} isn't in the file"
                )
            )
            continue
        if (contact.id, raw["direction"], what) in known:
            continue
        closed = raw.get("status") == "closed"
        session.add(
            Loop(
                workspace_id=workspace_id,
                owner_id=user.id,
                contact_id=contact.id,
                direction=raw["direction"],
                what=what,
                due_at=_when(raw.get("due_at")),
                status="closed" if closed else "open",
                source_note_id=source,
                created_at=_when(raw.get("created_at")) or now,
                closed_at=(_when(raw.get("closed_at")) or _when(raw.get("created_at")))
                if closed
                else None,
            )
        )
        known.add((contact.id, raw["direction"], what))
        added += 1
    session.flush()
    return added
