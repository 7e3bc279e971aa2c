"""Import an address book: vCard (.vcf, bot.notes.vcard_records), a contacts CSV from Google,
Outlook, LinkedIn, Thunderbird or any sheet with a name column (bot.notes.contacts_csv), or a
Rapport JSON export (bot.notes.restore). Names, every email and phone, company, title,
nicknames; birthdays and anniversaries become occasions.

Idempotent: a record matches an existing contact by any of its emails first, then by exact name
(name key), and only fills in what that contact lacks, so importing the same file twice adds
nothing. A record that is not a person, or has no name, is reported with its line and why; a
field that cannot be read is reported and the rest of the record still imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from bot.domain.names import name_key
from bot.domain.notes import ImportProblem, ImportSummary
from bot.notes.contacts_csv import records_from_csv
from bot.notes.fields import MonthDay, parse_date, unique
from bot.notes.records import Record
from bot.notes.vcard_records import records_from_vcards
from bot.store.models import Contact, ContactAlias, Occasion, User

Progress = Callable[[int, int], None]
FLUSH_EVERY = 1000
MAX_FIELD = 200
SUFFIXES = (".vcf", ".vcard", ".csv", ".json")


def parse_birthday(text: str) -> MonthDay | None:
    """vCard and Google birthday spellings → (month, day, year or None); None if unreadable."""
    return parse_date(text)


def count_records(path: Path) -> int:
    """A quick first pass, so the progress line can say "n of total"."""
    data = path.read_bytes()
    if path.suffix.lower() == ".csv":
        return max(0, data.count(b"\n") - 1)
    return data.upper().count(b"BEGIN:VCARD") or data.upper().count(b"B\x00E\x00G\x00I\x00N\x00")


def read_records(path: Path) -> Iterator[Record | ImportProblem]:
    suffix = path.suffix.lower()
    if suffix in (".vcf", ".vcard"):
        yield from records_from_vcards(path.read_bytes())
    elif suffix == ".csv":
        yield from records_from_csv(path.read_bytes())
    else:
        yield ImportProblem(line=0, message=f"{path.name}: import takes .vcf, .csv or .json files")


def _clip(value: str | None, limit: int = MAX_FIELD) -> str | None:
    return value[:limit] if value else None


def apply(
    session: Session,
    records: Iterator[Record | ImportProblem],
    *,
    workspace_id: str,
    user: User,
    now: datetime,
    total: int = 0,
    progress: Progress | None = None,
) -> ImportSummary:
    """Match or create a contact per record; the caller commits once at the end."""
    assert user.id is not None
    by_email: dict[str, Contact] = {}
    by_key: dict[str, Contact] = {}
    for contact in session.exec(select(Contact).where(Contact.workspace_id == workspace_id)):
        for email in [contact.email or "", *contact.emails]:
            if email:
                by_email.setdefault(email.casefold(), contact)
        by_key.setdefault(contact.name_key, contact)
    has_occasion: set[tuple[int, str]] = set(
        session.exec(
            select(Occasion.contact_id, Occasion.kind).where(Occasion.workspace_id == workspace_id)
        ).all()
    )
    # (contact, alias key) already held: two people may go by one nickname, one holds it once
    has_alias: set[tuple[int, str]] = set(
        session.exec(
            select(ContactAlias.contact_id, ContactAlias.alias_key).where(
                ContactAlias.workspace_id == workspace_id
            )
        ).all()
    )
    counts = {"created": 0, "merged": 0, "skipped": 0}
    names: dict[str, list[str]] = {"created": [], "merged": []}
    occasions = seen = 0
    problems: list[ImportProblem] = []
    pending = _Pending()
    for record in records:
        seen += 1
        if progress is not None and (seen % 250 == 0 or seen == total):
            progress(seen, total)
        if isinstance(record, ImportProblem):
            problems.append(record)
            continue
        problems += [
            ImportProblem(line=record.line, message=w, name=record.name, skipped=False)
            for w in record.warnings
        ]
        emails = [e.casefold() for e in record.emails]
        key = name_key(record.name)
        found = next((by_email[e] for e in emails if e in by_email), None) or by_key.get(key)
        if found is not None:
            contact = found
            outcome = "merged" if _fill_in(contact, record) else "skipped"
            contact.shared = True  # now in an address book the team was given
        else:
            contact = Contact(
                workspace_id=workspace_id,
                display_name=_clip(record.name) or record.name,
                name_key=key[:MAX_FIELD],
                company=_clip(record.company),
                role=_clip(record.role),
                email=_clip(record.emails[0], 320) if record.emails else None,
                phone=_clip(record.phones[0], 64) if record.phones else None,
                emails=[e[:320] for e in record.emails],
                phones=[p[:64] for p in record.phones],
                created_by=user.id,
                shared=True,
                created_at=now,
            )
            outcome = "created"
        session.add(contact)
        for email in emails:
            by_email.setdefault(email, contact)
        by_key.setdefault(key, contact)
        for kind, date in (("birthday", record.birthday), ("anniversary", record.anniversary)):
            if date is not None and pending.occasion(contact, kind, date, has_occasion):
                occasions += 1
                outcome = "merged" if outcome == "skipped" else outcome
        for nickname in record.nicknames:
            nick_key = name_key(nickname)
            if nick_key and nick_key not in by_key:  # a name is found first: never this one
                pending.aliases.append((contact, nickname))  # flush skips what is held
        counts[outcome] += 1
        if outcome in names and contact.display_name not in names[outcome]:
            names[outcome].append(contact.display_name)
        if seen % FLUSH_EVERY == 0:
            pending.flush(session, workspace_id, has_occasion, has_alias)
    pending.flush(session, workspace_id, has_occasion, has_alias)
    return ImportSummary(
        total=seen,
        created=counts["created"],
        merged=counts["merged"],
        skipped=counts["skipped"],
        problems=tuple(problems),
        occasions=occasions,
        new_contacts=tuple(names["created"]),
        updated_contacts=tuple(n for n in names["merged"] if n not in names["created"]),
    )


def _fill_in(contact: Contact, record: Record) -> bool:
    """Give a known contact what the record has and it lacks; True when anything changed."""
    changed = False
    for attr, value, limit in (
        ("email", record.emails[0] if record.emails else None, 320),
        ("phone", record.phones[0] if record.phones else None, 64),
        ("company", record.company, MAX_FIELD),
        ("role", record.role, MAX_FIELD),
    ):
        if value and not getattr(contact, attr):
            setattr(contact, attr, value[:limit])
            changed = True
    for attr, values, limit in (("emails", record.emails, 320), ("phones", record.phones, 64)):
        known = list(getattr(contact, attr))
        first = getattr(contact, attr[:-1])
        merged = unique(([first] if first and first not in known else []) + known + values)
        merged = [v[:limit] for v in merged]
        if merged != known:
            setattr(contact, attr, merged)  # a new list, so SQLAlchemy sees the JSON change
            changed = True
    return changed


class _Pending:
    """Occasions and aliases wait until a flush has given new contacts their ids."""

    def __init__(self) -> None:
        self.occasions: list[tuple[Contact, str, MonthDay]] = []
        self.aliases: list[tuple[Contact, str]] = []
        self._queued: set[tuple[int, str]] = set()  # (id of the object, kind)

    def occasion(
        self, contact: Contact, kind: str, date: MonthDay, known: set[tuple[int, str]]
    ) -> bool:
        if contact.id is not None and (contact.id, kind) in known:
            return False
        if (id(contact), kind) in self._queued:
            return False
        self._queued.add((id(contact), kind))
        self.occasions.append((contact, kind, date))
        return True

    def flush(
        self,
        session: Session,
        workspace_id: str,
        known: set[tuple[int, str]],
        held: set[tuple[int, str]],
    ) -> None:
        session.flush()  # new contacts get their ids
        for contact, kind, (month, day, year) in self.occasions:
            assert contact.id is not None
            if (contact.id, kind) in known:
                continue
            known.add((contact.id, kind))
            session.add(
                Occasion(
                    workspace_id=workspace_id,
                    contact_id=contact.id,
                    kind=kind,
                    month=month,
                    day=day,
                    year=year,
                )
            )
        for contact, alias in self.aliases:
            assert contact.id is not None
            key = name_key(alias)[:MAX_FIELD]
            if (contact.id, key) in held:
                continue
            held.add((contact.id, key))
            session.add(
                ContactAlias(
                    workspace_id=workspace_id,
                    contact_id=contact.id,
                    alias=alias[:MAX_FIELD],
                    alias_key=key,
                )
            )
        self.occasions.clear()
        self.aliases.clear()
        self._queued.clear()
        session.flush()
