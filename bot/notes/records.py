"""One person as an address book file describes them, before Rapport matches them to a contact."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.notes.fields import MonthDay


@dataclass
class Record:
    line: int  # where the card or row starts in the file
    name: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    company: str | None = None
    role: str | None = None
    nicknames: list[str] = field(default_factory=list)
    birthday: MonthDay | None = None
    anniversary: MonthDay | None = None
    # What the record said that Rapport could not read; the rest of it is imported.
    warnings: list[str] = field(default_factory=list)
