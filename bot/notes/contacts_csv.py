"""Read the contact CSVs people export: Google ("Google CSV", old and new column names, and its
"Outlook CSV"), Outlook for Windows and Outlook.com, LinkedIn's Connections.csv (a "Notes:"
preamble above the header; company and position), Thunderbird, and any sheet with a name column
(First/Last, Name, Full Name, Display Name).

Columns are found by what their header says, not by position, so a new column or a reordered
export still reads. The header may sit below a preamble; the delimiter is `,`, `;` or a tab; the
encoding is a BOM's, else UTF-8, else Windows-1252 (bot.notes.encodings).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from bot.domain.names import name_key
from bot.domain.notes import ImportProblem
from bot.notes.encodings import decode_text
from bot.notes.fields import (
    EMPTY_DATES,
    MonthDay,
    normalise_email,
    normalise_phone,
    parse_date,
    unique,
)
from bot.notes.records import Record

_FULL = ("name", "fullname", "displayname", "contactname")
_FIRST = ("firstname", "givenname", "first", "given", "forename")
_MIDDLE = ("middlename", "additionalname")
_LAST = ("lastname", "familyname", "surname", "last", "family")
_NAME_COLUMNS = frozenset(_FULL + _FIRST + _LAST)
_COMPANY = (
    "company",
    "organization",
    "organisation",
    "organizationname",
    "organization1name",
    "companyname",
    "business",
    "employer",
)
_ROLE = ("jobtitle", "position", "organizationtitle", "organization1title", "role")
_NICKNAME = ("nickname", "nick")
_PREFIX = ("nameprefix", "prefix")
_SUFFIX = ("namesuffix", "suffix")
_BIRTHDAY = ("birthday", "bday", "dateofbirth", "birthdate")
_ANNIVERSARY = ("anniversary", "weddinganniversary")
_PHONE_WORDS = ("phone", "mobile", "cell", "fax", "pager")
_NOT_A_VALUE = ("label", "type", "assistant", "yomi", "displayname", "kind")
_HEADER_SEARCH = 20  # rows a preamble may take before the header (LinkedIn's takes three)
_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")  # the quote our CSV export puts before these


def key(header: str) -> str:
    """A header as a key: "E-mail 1 - Value" → "email1value", "Job Title" → "jobtitle"."""
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def records_from_csv(data: bytes) -> Iterator[Record | ImportProblem]:
    text = decode_text(data)
    found = _find_header(text)
    if found is None:
        yield ImportProblem(
            line=1,
            message="no header row with a name column (First Name, Last Name, Name or Full Name)",
        )
        return
    delimiter, header_line = found
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    previous_end = 0
    while True:
        start = previous_end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ImportProblem(line=start, message=f"unreadable row: {exc}")
            previous_end = reader.line_num
            continue
        previous_end = reader.line_num
        if headers is None:
            if start >= header_line:
                headers = [key(h) for h in row]
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(headers) and any(c.strip() for c in row[len(headers) :]):
            yield ImportProblem(line=start, message="more cells than the header has columns")
            continue
        cells = [_FORMULA_GUARD.sub("", c).strip() for c in row]
        yield _record(dict(zip(headers, cells, strict=False)), headers, start)


def _find_header(text: str) -> tuple[str, int] | None:
    """(delimiter, line of the header row): the first of the top rows that names a name column."""
    best: tuple[int, str, int] | None = None
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        previous_end = 0
        try:
            for index, row in enumerate(reader):
                start = previous_end + 1
                previous_end = reader.line_num
                if index >= _HEADER_SEARCH:
                    break
                keys = {key(c) for c in row}
                if keys & _NAME_COLUMNS and (best is None or len(row) > best[0]):
                    best = (len(row), delimiter, start)
                    break
        except csv.Error:
            continue
    return (best[1], best[2]) if best else None


def _get(row: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        value = row.get(name, "")
        if value:
            return value
    return ""


def _record(row: dict[str, str], headers: list[str], line: int) -> Record | ImportProblem:
    full = _get(row, _FULL)
    first, middle, last = _get(row, _FIRST), _get(row, _MIDDLE), _get(row, _LAST)
    # LinkedIn people write credentials into the surname ("Chen, PhD"); no surname has a comma.
    last = last.split(",")[0].strip()
    name = _without(full, _get(row, _PREFIX), _get(row, _SUFFIX)) if first or last else full
    name = name or " ".join(x for x in (first, middle, last) if x)
    emails = unique(
        [
            e
            for h in headers
            if "email" in h and not any(w in h for w in _NOT_A_VALUE)
            for v in _split(row.get(h, ""))
            if (e := normalise_email(v))
        ]
    )
    company = _get(row, _COMPANY) or None
    if not (first or last) and company and name_key(name) == name_key(company):
        return ImportProblem(line=line, message="an organisation, not a person", name=company)
    if not name_key(name):
        if company:
            return ImportProblem(line=line, message="an organisation, not a person", name=company)
        why = f"no name, only {emails[0]}" if emails else "no name"
        return ImportProblem(line=line, message=why)
    phones = unique(
        [
            p
            for h in headers
            if any(w in h for w in _PHONE_WORDS) and not any(w in h for w in _NOT_A_VALUE)
            for v in _split(row.get(h, ""))
            if (p := normalise_phone(v))
        ]
    )
    role = _get(row, _ROLE)
    # Outlook's "Title" is Mr./Dr.; elsewhere (a CRM sheet) a sheet's "Title" is the job.
    if not role and "title" in headers and "suffix" not in headers:
        role = row.get("title", "")
    record = Record(
        line=line,
        name=name,
        emails=emails,
        phones=phones,
        company=company,
        role=role or None,
        nicknames=_split(_get(row, _NICKNAME)),
    )
    record.birthday = _date(record, "birthday", _birthday_text(row, headers))
    record.anniversary = _date(record, "anniversary", _anniversary_text(row, headers))
    return record


def _without(full: str, prefix: str, suffix: str) -> str:
    """ "Dr. Robert Smith Jr." without the prefix and suffix its own columns hold."""
    words = full.split()
    if prefix and words[: len(prefix.split())] == prefix.split():
        words = words[len(prefix.split()) :]
    if suffix and words[-len(suffix.split()) :] == suffix.split():
        words = words[: -len(suffix.split())]
    return " ".join(words)


def _split(value: str) -> list[str]:
    # Google joins several values of one field with " ::: ".
    return [v.strip() for v in value.split(":::") if v.strip()]


def _birthday_text(row: dict[str, str], headers: list[str]) -> str:
    if "birthmonth" in headers:  # Thunderbird: Birth Year, Birth Month, Birth Day
        year, month, day = (
            row.get("birthyear", ""),
            row.get("birthmonth", ""),
            row.get("birthday", ""),
        )
        if month.isdigit() and day.isdigit():
            return f"{year if year.isdigit() else '-'}-{int(month):02d}-{int(day):02d}"
        return ""
    return _get(row, _BIRTHDAY)


def _anniversary_text(row: dict[str, str], headers: list[str]) -> str:
    text = _get(row, _ANNIVERSARY)
    if text:
        return text
    for h in headers:  # Google: "Event 1 - Label" Anniversary, "Event 1 - Value" 2010-06-12
        if h.startswith("event") and h.endswith("label") and "anniversary" in key(row.get(h, "")):
            return row.get(h[: -len("label")] + "value", "")
    return ""


def _date(record: Record, what: str, text: str) -> MonthDay | None:
    if text.strip() in EMPTY_DATES:
        return None
    parsed = parse_date(text)
    if parsed is None:
        record.warnings.append(f"{what} {text[:40]!r} is not a date Rapport can read; left out")
    return parsed
