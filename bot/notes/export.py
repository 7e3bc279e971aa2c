"""Export everything the acting user may see, as JSON, Google-Contacts-style CSV, or vCard.

What "may see" means here is what it means everywhere (bot.store.repo.visible): notes of the
workspace that are team-visible or the user's own; the user's own loops; occasions from those
notes or imported; and the contacts those belong to (plus contacts with no notes at all, such as
an imported address book). A contact known only through someone else's private notes is left out.

CSV and vCard carry the notes in each contact's Notes/NOTE field, so an export opens in Google
Contacts or a phone; the JSON export is the one that imports back into Rapport whole (notes,
loops and occasions: bot.notes.restore).

A CSV is opened in spreadsheets, so every cell is made safe the way OWASP's "CSV Injection" page
says: terminal control characters in stored text are dropped, and a cell that starts with `=`,
`+`, `-`, `@`, a tab or a carriage return gets a leading `'` so that it is never run as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.store import repo
from bot.store.batches import chunks
from bot.store.models import Contact, ContactAlias, Loop, Note, NoteContact

FORMATS = ("json", "csv", "vcf")
CSV_HEADER = (
    "Name",
    "Given Name",
    "Family Name",
    "Nickname",
    "Birthday",
    "Event 1 - Label",
    "Event 1 - Value",
    "Notes",
    "Organization 1 - Name",
    "Organization 1 - Title",
    "E-mail 1 - Value",
    "Phone 1 - Value",
    "Group Membership",
)


@dataclass
class ExportContact:
    id: int
    name: str
    aliases: list[str] = field(default_factory=list)
    company: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    occasions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)


@dataclass
class ExportData:
    workspace: str
    user: str
    exported_at: datetime
    contacts: list[ExportContact]
    notes: list[dict[str, Any]]
    loops: list[dict[str, Any]]


def gather(session: Session, *, workspace_id: str, viewer_id: int, now: datetime) -> ExportData:
    viewer = repo.users_by_id(session, [viewer_id])[viewer_id]
    notes = session.exec(
        select(Note)
        .where(*repo.visible(workspace_id, viewer_id))
        .order_by(col(Note.occurred_at), col(Note.id))
    ).all()
    note_ids = [n.id for n in notes if n.id is not None]
    links: dict[int, list[int]] = defaultdict(list)  # note → contacts
    for chunk in chunks(note_ids):
        for note_id, contact_id in session.exec(
            select(NoteContact.note_id, NoteContact.contact_id).where(
                col(NoteContact.note_id).in_(chunk)
            )
        ).all():
            links[note_id].append(contact_id)
    loops = session.exec(
        select(Loop).where(Loop.owner_id == viewer_id).order_by(col(Loop.created_at))
    ).all()
    occasions = repo.visible_occasions(session, workspace_id=workspace_id, viewer_id=viewer_id)
    all_contacts = session.exec(
        select(Contact).where(Contact.workspace_id == workspace_id).order_by(col(Contact.id))
    ).all()
    linked_anywhere = set(
        session.exec(
            select(NoteContact.contact_id)
            .where(NoteContact.workspace_id == workspace_id)
            .distinct()
        ).all()
    )
    wanted = {c for ids in links.values() for c in ids}
    wanted |= {lp.contact_id for lp in loops} | {o.contact_id for o in occasions}
    wanted |= {c.id for c in all_contacts if c.id is not None and c.id not in linked_anywhere}
    contacts = {
        c.id: ExportContact(
            id=c.id,
            name=c.display_name,
            company=c.company,
            role=c.role,
            email=c.email,
            phone=c.phone,
            emails=_all(c.email, c.emails),
            phones=_all(c.phone, c.phones),
        )
        for c in all_contacts
        if c.id is not None and c.id in wanted
    }
    for alias in session.exec(
        select(ContactAlias).where(ContactAlias.workspace_id == workspace_id)
    ).all():
        if alias.contact_id in contacts:
            contacts[alias.contact_id].aliases.append(alias.alias)
    for occasion in occasions:
        if occasion.contact_id in contacts:
            contacts[occasion.contact_id].occasions.append(
                {
                    "kind": occasion.kind,
                    "month": occasion.month,
                    "day": occasion.day,
                    "year": occasion.year,
                }
            )
    authors = repo.users_by_id(session, {n.author_id for n in notes})
    note_rows = []
    for note in notes:
        assert note.id is not None
        about = [contacts[c].name for c in links.get(note.id, []) if c in contacts]
        for c in links.get(note.id, []):
            if c in contacts:
                contacts[c].notes.append(note.id)
                # A contact's tags are those of the notes exported with it: a #tag from a note
                # this user may not see (ContactTag keeps no source) must not leak through here.
                contacts[c].tags.extend(t for t in note.tags if t not in contacts[c].tags)
        author = authors.get(note.author_id)
        note_rows.append(
            {
                "id": note.id,
                "text": note.text,
                "occurred_at": note.occurred_at.isoformat(),
                "logged_at": note.logged_at.isoformat(),
                "author": author.display_name if author else "someone",
                "author_id": author.external_id if author else None,
                "kind": note.kind,
                "private": note.visibility == "private",
                "contacts": about,
                "needs": list(note.needs),
                "tags": list(note.tags),
            }
        )
    loop_rows = [
        {
            "direction": lp.direction,
            "what": lp.what,
            "contact": contacts[lp.contact_id].name if lp.contact_id in contacts else None,
            "contact_id": lp.contact_id,
            "note": lp.source_note_id,
            "due_at": lp.due_at.isoformat() if lp.due_at else None,
            "status": lp.status,
            "created_at": lp.created_at.isoformat(),
            "closed_at": lp.closed_at.isoformat() if lp.closed_at else None,
        }
        for lp in loops
    ]
    return ExportData(
        workspace=workspace_id,
        user=viewer.display_name,
        exported_at=now,
        contacts=sorted(contacts.values(), key=lambda c: (c.name.casefold(), c.id)),
        notes=note_rows,
        loops=loop_rows,
    )


def _all(first: str | None, rest: list[str]) -> list[str]:
    return list(dict.fromkeys(([first] if first else []) + list(rest)))


def render(data: ExportData, fmt: str) -> str:
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        return to_csv(data)
    if fmt == "vcf":
        return to_vcf(data)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def to_json(data: ExportData) -> str:
    payload = {
        "format": "rapport-export",
        "version": 1,
        "workspace": data.workspace,
        "user": data.user,
        "exported_at": data.exported_at.isoformat(),
        "contacts": [asdict(c) for c in data.contacts],
        "notes": data.notes,
        "loops": data.loops,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _notes_text(data: ExportData, contact: ExportContact) -> str:
    by_id = {n["id"]: n for n in data.notes}
    lines = []
    for note_id in contact.notes:
        note = by_id[note_id]
        lines.append(f"{note['occurred_at'][:10]} ({note['author']}): {note['text']}")
    return "\n".join(lines)


def _birthday(contact: ExportContact, kind: str = "birthday") -> str:
    for occasion in contact.occasions:
        if occasion["kind"] == kind:
            year = occasion["year"]
            prefix = f"{year:04d}" if year else "-"  # Google writes " --MM-DD" without a year
            return f"{prefix}-{occasion['month']:02d}-{occasion['day']:02d}"
    return ""


# C0 controls but tab and newline, DEL, and the C1 controls (0x80-0x9F; ESC's 8-bit twin CSI).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: no control characters, and never a formula."""
    text = _CONTROLS.sub("", value)
    guard = text.startswith(_FORMULA_STARTS)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a bare CR rewrites a terminal line
    return "'" + text if guard else text


def to_csv(data: ExportData) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_HEADER)
    for contact in data.contacts:
        given, _, family = contact.name.partition(" ")
        row = (
            contact.name,
            given,
            family,
            " ::: ".join(contact.aliases),
            _birthday(contact),
            "Anniversary" if _birthday(contact, "anniversary") else "",
            _birthday(contact, "anniversary"),
            _notes_text(data, contact),
            contact.company or "",
            contact.role or "",
            " ::: ".join(contact.emails),
            " ::: ".join(contact.phones),
            " ::: ".join(contact.tags),
        )
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def to_vcf(data: ExportData) -> str:
    import vobject

    cards = []
    for contact in data.contacts:
        card = vobject.vCard()
        card.add("fn").value = contact.name
        given, _, family = contact.name.partition(" ")
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        if contact.aliases:
            card.add("nickname").value = ",".join(contact.aliases)
        for email in contact.emails:
            card.add("email").value = email
        for phone in contact.phones:
            card.add("tel").value = phone
        if contact.company:
            card.add("org").value = [contact.company]
        if contact.role:
            card.add("title").value = contact.role
        birthday = _birthday(contact)
        if birthday:
            card.add("bday").value = birthday
        anniversary = _birthday(contact, "anniversary")
        if anniversary:
            card.add("x-anniversary").value = anniversary  # 3.0 has no ANNIVERSARY
        notes = _notes_text(data, contact)
        if notes:
            card.add("note").value = notes
        if contact.tags:
            card.add("categories").value = contact.tags
        cards.append(card.serialize())
    return "".join(cards)
