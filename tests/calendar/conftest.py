"""A world for the calendar stories: the composition root over a test database, contacts
imported from a real vCard path, and ICS files written the way calendar servers write them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.calendars import ImportSummary
from bot.domain.refs import Actor
from bot.store.db import SessionFactory
from tests.world import World as BaseWorld

# A Tuesday morning.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana Lima", tz="Europe/Lisbon")
BOB = Actor(workspace_id="T1", user_id="U_BOB", display_name="Bob Stone", tz="UTC")
OTHER = Actor(workspace_id="T2", user_id="U_ZED", display_name="Zed", tz="UTC")

CONTACTS = """BEGIN:VCARD
VERSION:3.0
FN:Jane Doe
N:Doe;Jane;;;
EMAIL:Jane.Doe@Globex.com
ORG:Globex
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Raj Patel
N:Patel;Raj;;;
EMAIL:raj@initech.io
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Priya Nair
N:Nair;Priya;;;
END:VCARD
"""


@dataclass(frozen=True)
class Person:
    email: str | None
    name: str | None = None
    partstat: str = "ACCEPTED"
    cutype: str = ""

    def line(self, prop: str = "ATTENDEE") -> str:
        params = f";PARTSTAT={self.partstat}" if prop == "ATTENDEE" else ""
        if self.cutype:
            params += f";CUTYPE={self.cutype}"
        if self.name:
            params += f';CN="{self.name}"'
        return f"{prop}{params}:mailto:{self.email or 'invalid'}"


ME = Person("ana@acme.com", "Ana Lima")
TEAMMATE = Person("carl@acme.com", "Carl Berg")
JANE = Person("jane.doe@globex.com", "Jane Doe")
RAJ = Person("RAJ@initech.io")  # no name, upper-case address
PRIYA = Person("priya@umbrella.org", "Priya Nair")  # a contact without an address: by name
STRANGER = Person("sam@hooli.com", "Sam Vega")


def event(
    uid: str,
    start: datetime,
    *,
    minutes: int = 30,
    title: str = "Catch-up",
    people: tuple[Person, ...] = (ME, JANE),
    organizer: Person | None = ME,
    extra: str = "",
    rrule: str = "",
    recurrence_id: datetime | None = None,
    status: str = "CONFIRMED",
) -> str:
    def fmt(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{fmt(NOW)}",
        f"DTSTART:{fmt(start)}",
        f"DTEND:{fmt(start + timedelta(minutes=minutes))}",
        f"SUMMARY:{title}",
        f"STATUS:{status}",
    ]
    if organizer is not None:
        lines.append(organizer.line("ORGANIZER"))
    lines += [p.line() for p in people]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    if recurrence_id is not None:
        lines.append(f"RECURRENCE-ID:{fmt(recurrence_id)}")
    if extra:
        lines.append(extra)
    lines.append("END:VEVENT")
    return "\r\n".join(lines) + "\r\n"


def calendar(*events: str, name: str = "ana@acme.com", method: str = "PUBLISH") -> bytes:
    head = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        f"METHOD:{method}\r\nX-WR-CALNAME:{name}\r\nX-WR-TIMEZONE:Europe/Lisbon\r\n"
    )
    return (head + "".join(events) + "END:VCALENDAR\r\n").encode()


class World(BaseWorld):
    def contacts(self, tmp: Path, text: str = CONTACTS, actor: Actor = ANA) -> None:
        path = tmp / "contacts.vcf"
        path.write_text(text, encoding="utf-8")
        self.app.transfer.import_contacts(actor=actor, path=path)

    def import_ics(self, data: bytes, actor: Actor = ANA, **kw: object) -> ImportSummary:
        return self.app.meetings.import_file(actor=actor, data=data, **kw)  # type: ignore[arg-type]


@pytest.fixture
def world(sessions: SessionFactory, tmp_path: Path) -> World:
    found = World(sessions=sessions, now=NOW)
    found.contacts(tmp_path)
    return found


def days_ago(days: float, hour: int = 10) -> datetime:
    day = NOW - timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)
