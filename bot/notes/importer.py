"""Import an address book: vCard (.vcf, parsed by the maintained `vobject` library) or a Google
Contacts CSV export. Names, emails, phones, company, title, nicknames; birthdays become occasions.

Idempotent: a record matches an existing contact by email first, then by exact name (name key),
and only fills in what that contact lacks, so importing the same file twice adds nothing.
A bad record is reported with the line it starts on and the rest still imports.

The file is split into cards by their BEGIN/END lines (so one broken card cannot stop the rest,
and its line number is known); each card is then parsed by vobject.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from bot.domain.names import name_key
from bot.domain.notes import ImportProblem, ImportSummary
from bot.store.models import Contact, ContactAlias, Occasion, User

Progress = Callable[[int, int], None]
FLUSH_EVERY = 1000
MAX_FIELD = 200


@dataclass
class Record:
    line: int
    name: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    company: str | None = None
    role: str | None = None
    nicknames: list[str] = field(default_factory=list)
    birthday: tuple[int, int, int | None] | None = None  # month, day, year


_BDAY = (
    re.compile(r"^(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})(?:T.*)?$"),  # 1990-03-14, 19900314
    re.compile(r"^-{1,2}(?P<m>\d{2})-?(?P<d>\d{2})$"),  # --03-14, --0314 (no year)
    re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})$"),  # 03/14/1990
)


def parse_birthday(text: str) -> tuple[int, int, int | None] | None:
    """vCard and Google birthday spellings → (month, day, year or None); None if unreadable."""
    value = text.strip()
    for pattern in _BDAY:
        match = pattern.match(value)
        if match is None:
            continue
        parts = match.groupdict()
        month, day = int(parts["m"]), int(parts["d"])
        year = int(parts["y"]) if parts.get("y") else None
        if year is not None and year < 1800:  # Apple writes 1604 for "no year"
            year = None
        if 1 <= month <= 12 and 1 <= day <= 31:
            return month, day, year
    return None


def count_records(path: Path) -> int:
    """A quick first pass, so the progress line can say "n of total"."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        if path.suffix.lower() == ".csv":
            return max(0, sum(1 for _ in csv.reader(handle)) - 1)
        return sum(1 for line in handle if line.strip().upper() == "BEGIN:VCARD")


def read_records(path: Path) -> Iterator[Record | ImportProblem]:
    suffix = path.suffix.lower()
    if suffix in (".vcf", ".vcard"):
        yield from read_vcards(path)
    elif suffix == ".csv":
        yield from read_google_csv(path)
    else:
        yield ImportProblem(line=0, message=f"{path.name}: import takes .vcf or .csv files")


def read_vcards(path: Path) -> Iterator[Record | ImportProblem]:
    import vobject

    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        start, chunk = 0, list[str]()
        for number, line in enumerate(handle, start=1):
            upper = line.strip().upper()
            if upper == "BEGIN:VCARD":
                if chunk:
                    yield ImportProblem(line=start, message="a card without END:VCARD")
                start, chunk = number, [line]
                continue
            if not chunk:
                if line.strip():
                    yield ImportProblem(line=number, message="text outside a card")
                continue
            chunk.append(line)
            if upper == "END:VCARD":
                try:
                    card = vobject.readOne("".join(chunk))
                    yield _from_vcard(card, start)
                except Exception as exc:  # vobject raises many kinds; the rest must import
                    yield ImportProblem(line=start, message=f"unreadable card: {exc}"[:300])
                chunk = []
        if chunk:
            yield ImportProblem(line=start, message="a card without END:VCARD")


def _values(card: object, name: str) -> list[str]:
    contents = getattr(card, "contents", {})
    out = []
    for prop in contents.get(name, []):
        value = prop.value
        if isinstance(value, list):
            value = " ".join(str(v) for v in value if v)
        text = str(value).strip()
        if text:
            out.append(text)
    return out


def _from_vcard(card: object, line: int) -> Record | ImportProblem:
    names = _values(card, "fn")
    name = names[0] if names else ""
    if not name:
        for prop in getattr(card, "contents", {}).get("n", []):
            n = prop.value
            name = " ".join(x for x in (str(n.given), str(n.family)) if x).strip()
    if not name_key(name):
        return ImportProblem(line=line, message="a card with no name")
    orgs = _values(card, "org")
    titles = _values(card, "title")
    nicknames = [n.strip() for v in _values(card, "nickname") for n in v.split(",") if n.strip()]
    birthday = None
    for raw in _values(card, "bday"):
        birthday = parse_birthday(raw)
        if birthday is None:
            return ImportProblem(line=line, message=f"{name}: unreadable birthday {raw!r}")
    return Record(
        line=line,
        name=name,
        emails=_values(card, "email"),
        phones=_values(card, "tel"),
        company=orgs[0] if orgs else None,
        role=titles[0] if titles else None,
        nicknames=nicknames,
        birthday=birthday,
    )


def _split(value: str | None) -> list[str]:
    # Google joins several values of one field with " ::: ".
    return [v.strip() for v in (value or "").split(":::") if v.strip()]


def _first(row: dict[str, str], *keys: str) -> str:
    for key in keys:
        value = (row.get(key) or "").strip()
        if value:
            return value
    return ""


def read_google_csv(path: Path) -> Iterator[Record | ImportProblem]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        headers = reader.fieldnames or []
        if not any(h in headers for h in ("Name", "First Name", "Given Name")):
            yield ImportProblem(line=1, message="not a Google Contacts CSV (no Name column)")
            return
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield ImportProblem(line=line, message=f"unreadable row: {exc}")
                continue
            if None in row:  # more cells than headers
                yield ImportProblem(line=line, message="more cells than the header has columns")
                continue
            yield _from_row(row, line)


def _from_row(row: dict[str, str], line: int) -> Record | ImportProblem:
    name = _first(row, "Name")
    if not name:
        parts = [
            _first(row, "First Name", "Given Name"),
            _first(row, "Middle Name", "Additional Name"),
            _first(row, "Last Name", "Family Name"),
        ]
        name = " ".join(p for p in parts if p)
    if not name_key(name):
        return ImportProblem(line=line, message="a row with no name")
    emails = [
        e
        for k, v in row.items()
        if k and k.startswith("E-mail") and "Value" in k
        for e in _split(v)
    ]
    phones = [
        p for k, v in row.items() if k and k.startswith("Phone") and "Value" in k for p in _split(v)
    ]
    birthday = None
    raw = _first(row, "Birthday")
    if raw:
        birthday = parse_birthday(raw)
        if birthday is None:
            return ImportProblem(line=line, message=f"{name}: unreadable birthday {raw!r}")
    return Record(
        line=line,
        name=name,
        emails=emails,
        phones=phones,
        company=_first(row, "Organization 1 - Name", "Organization Name") or None,
        role=_first(row, "Organization 1 - Title", "Organization Title") or None,
        nicknames=_split(_first(row, "Nickname")),
        birthday=birthday,
    )


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
        if contact.email:
            by_email.setdefault(contact.email.casefold(), contact)
        by_key.setdefault(contact.name_key, contact)
    has_birthday = set(
        session.exec(
            select(Occasion.contact_id).where(
                Occasion.workspace_id == workspace_id, Occasion.kind == "birthday"
            )
        ).all()
    )
    alias_keys = set(
        session.exec(
            select(ContactAlias.alias_key).where(ContactAlias.workspace_id == workspace_id)
        ).all()
    )
    counts = {"created": 0, "merged": 0, "skipped": 0}
    occasions = seen = 0
    problems: list[ImportProblem] = []
    birthdays: list[tuple[Contact, tuple[int, int, int | None]]] = []
    aliases: list[tuple[Contact, str]] = []
    queued_ids: set[int] = set()  # contacts (by object) with a birthday waiting for the flush
    for record in records:
        seen += 1
        if progress is not None and (seen % 250 == 0 or seen == total):
            progress(seen, total)
        if isinstance(record, ImportProblem):
            problems.append(record)
            continue
        emails = [e.casefold() for e in record.emails]
        key = name_key(record.name)
        found = next((by_email[e] for e in emails if e in by_email), None) or by_key.get(key)
        if found is not None:
            contact = found
            outcome = "skipped"
            for attr, value, limit in (
                ("email", record.emails[0] if record.emails else None, 320),
                ("phone", record.phones[0] if record.phones else None, 64),
                ("company", record.company, MAX_FIELD),
                ("role", record.role, MAX_FIELD),
            ):
                if value and not getattr(contact, attr):
                    setattr(contact, attr, value[:limit])
                    outcome = "merged"
            session.add(contact)
        else:
            contact = Contact(
                workspace_id=workspace_id,
                display_name=_clip(record.name) or record.name,
                name_key=key[:MAX_FIELD],
                company=_clip(record.company),
                role=_clip(record.role),
                email=_clip(record.emails[0], 320) if record.emails else None,
                phone=_clip(record.phones[0], 64) if record.phones else None,
                created_by=user.id,
                created_at=now,
            )
            session.add(contact)
            outcome = "created"
        for email in emails:
            by_email.setdefault(email, contact)
        by_key.setdefault(key, contact)
        queued = id(contact) in queued_ids
        if record.birthday is not None and contact.id not in has_birthday and not queued:
            birthdays.append((contact, record.birthday))
            queued_ids.add(id(contact))
            occasions += 1
            outcome = "merged" if outcome == "skipped" else outcome
        for nickname in record.nicknames:
            nick_key = name_key(nickname)
            if nick_key and nick_key not in alias_keys and nick_key not in by_key:
                alias_keys.add(nick_key)
                aliases.append((contact, nickname))
        counts[outcome] += 1
        if seen % FLUSH_EVERY == 0:
            _flush(session, workspace_id, birthdays, aliases, has_birthday)
            queued_ids.clear()
    _flush(session, workspace_id, birthdays, aliases, has_birthday)
    return ImportSummary(
        total=seen,
        created=counts["created"],
        merged=counts["merged"],
        skipped=counts["skipped"],
        problems=tuple(problems),
        occasions=occasions,
    )


def _flush(
    session: Session,
    workspace_id: str,
    birthdays: list[tuple[Contact, tuple[int, int, int | None]]],
    aliases: list[tuple[Contact, str]],
    has_birthday: set[int],
) -> None:
    session.flush()  # new contacts get their ids
    for contact, (month, day, year) in birthdays:
        assert contact.id is not None
        if contact.id in has_birthday:
            continue
        has_birthday.add(contact.id)
        session.add(
            Occasion(
                workspace_id=workspace_id,
                contact_id=contact.id,
                kind="birthday",
                month=month,
                day=day,
                year=year,
            )
        )
    for contact, alias in aliases:
        assert contact.id is not None
        session.add(
            ContactAlias(
                workspace_id=workspace_id,
                contact_id=contact.id,
                alias=alias[:MAX_FIELD],
                alias_key=name_key(alias)[:MAX_FIELD],
            )
        )
    birthdays.clear()
    aliases.clear()
    session.flush()
