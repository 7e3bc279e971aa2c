"""What a calendar says (meetings, as the reader in bot/channels/calendars reads them) and what
the calendar use cases return (an import's summary, a connected calendar's status)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from bot.domain.errors import UserInputError
from bot.domain.refs import ContactRef

DECLINED = "DECLINED"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UnreadableCalendarError(UserInputError):
    """The bytes are not an iCalendar file at all (HTML, JSON, an empty body, noise)."""


class BadAddressError(UserInputError):
    """A calendar address that is not an http(s) address; the message never repeats it."""


class BadEmailError(UserInputError):
    """The owner's address is not an email address."""


def normalize_address(url: str) -> str:
    """`webcal://…` as https; refuses what is not an http(s) address, without echoing it."""
    address = url.strip()
    if address.lower().startswith("webcal://"):
        address = "https://" + address[len("webcal://") :]
    try:
        parts = urlsplit(address)
        host = parts.hostname
    except ValueError as exc:
        raise BadAddressError("That is not a web address (it should start with https://).") from exc
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise BadAddressError(
            "That is not a calendar address: it should start with https:// (or webcal://)."
        )
    return address


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value.strip()))


def check_email(value: str) -> str:
    """The owner's address, lower case, without `mailto:`; BadEmailError if it is not one."""
    email = value.strip().lower()
    if email.startswith("mailto:"):
        email = email[len("mailto:") :]
    if not _EMAIL.match(email):
        raise BadEmailError(f"{value!r} is not an email address (e.g. ana@example.com).")
    return email


@dataclass(frozen=True)
class Attendee:
    """One person on a meeting: an address (lower case, without `mailto:`) and/or a name."""

    email: str | None
    name: str | None  # the CN, unless it only repeats the address
    status: str = ""  # PARTSTAT: ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION, DELEGATED, or ""
    cutype: str = ""  # CUTYPE: INDIVIDUAL (or ""), GROUP, RESOURCE, ROOM, UNKNOWN

    @property
    def declined(self) -> bool:
        return self.status == DECLINED

    @property
    def is_person(self) -> bool:
        """Not a room, a projector or a mailing list. Google books rooms as attendees at
        `…@resource.calendar.google.com`, and writes shared calendars as `…@group.calendar…`."""
        if self.cutype in ("GROUP", "RESOURCE", "ROOM"):
            return False
        domain = (self.email or "").rpartition("@")[2]
        return not domain.endswith("calendar.google.com")

    @property
    def label(self) -> str:
        return self.name or self.email or "someone"


@dataclass(frozen=True)
class VideoLink:
    provider: str  # "zoom" | "meet" | "teams" | "webex" | "jitsi"
    url: str


@dataclass(frozen=True)
class Meeting:
    """One occurrence of a calendar event, its times in UTC.

    `(uid, recurrence_id)` names it across reads: a single event has recurrence id "", an
    occurrence of a series its original start (UTC, `YYYYMMDDTHHMMSSZ`, or `YYYYMMDD` all day),
    so a moved occurrence keeps its name and a moved single event too.
    """

    uid: str
    recurrence_id: str
    title: str
    start: datetime
    end: datetime
    all_day: bool = False
    cancelled: bool = False
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = ()
    video: VideoLink | None = None
    location: str = ""
    floating: bool = False  # no usable zone: read in the zone the reader was given

    def people(self) -> tuple[Attendee, ...]:
        """Organizer and attendees, each address once (the organizer is often listed again as an
        attendee: that entry's answer counts, and the first name given)."""
        merged: dict[str, Attendee] = {}
        for person in (self.organizer, *self.attendees):
            if person is None:
                continue
            key = person.email or f"name:{person.name}"
            seen = merged.get(key)
            if seen is None:
                merged[key] = person
                continue
            merged[key] = Attendee(
                email=seen.email,
                name=seen.name or person.name,
                status=person.status or seen.status,
                cutype=seen.cutype or person.cutype,
            )
        return tuple(merged.values())


@dataclass(frozen=True)
class Problem:
    """An event the reader could not use, and why; the rest of the calendar was still read."""

    uid: str
    reason: str


@dataclass(frozen=True)
class Reading:
    meetings: tuple[Meeting, ...]
    problems: tuple[Problem, ...] = ()
    cancelled_series: frozenset[str] = frozenset()  # UIDs cancelled whole (METHOD:CANCEL)
    uids: frozenset[str] = frozenset()  # every series read without a problem, in the window or not
    name: str | None = None  # X-WR-CALNAME (Google writes the owner's address there)
    events: int = 0  # VEVENT components read, good or bad


@dataclass(frozen=True)
class NewPerson:
    """Someone outside the team met in a meeting who is not a contact yet: offered, not added."""

    label: str
    email: str | None
    meetings: int
    last_met: datetime
    first_met: datetime | None = None


@dataclass(frozen=True)
class ImportSummary:
    """What one read of a calendar changed."""

    calendar: str
    meetings_read: int
    added: int = 0  # interactions filed for the first time
    moved: int = 0  # interactions whose date or people changed
    unchanged: int = 0
    removed: int = 0  # cancelled, declined, or gone from a series
    skipped_internal: int = 0  # teammates only
    skipped_no_contact: int = 0  # external people, none of them a contact
    skipped_future: int = 0
    skipped_all_day: int = 0
    kept_deleted: int = 0  # the owner deleted the interaction; it is not filed again
    contacts: tuple[ContactRef, ...] = ()  # contacts with a meeting filed or moved
    new_people: tuple[NewPerson, ...] = ()
    created_contacts: tuple[ContactRef, ...] = ()  # added as contacts (the calendar's setting)
    problems: tuple[Problem, ...] = ()
    owner_email: str | None = None
    private: bool = True


@dataclass(frozen=True)
class CalendarView:
    """A connected calendar as its owner sees it: the address masked, never whole."""

    id: int
    name: str
    kind: str  # "url" | "caldav" | "file"
    address: str  # masked
    owner_email: str | None
    private: bool
    interval_minutes: int
    last_synced_at: datetime | None
    last_status: str
    meetings: int
    connected: bool = False  # an address is stored (kind "url" or "caldav", not disconnected)
    next_sync_at: datetime | None = None
    add_new_people: bool = False


@dataclass(frozen=True)
class CalendarSync:
    """One calendar's scheduled read: how it went, what it filed, and what to tell its owner."""

    calendar_id: int
    owner: str  # the owner's external id (Slack user id or console name)
    workspace_id: str
    name: str
    status: str  # "ok" | "not modified" | "error: …"
    summary: ImportSummary | None = None
    alert: str | None = None  # a sentence for the owner, once per new failure that needs them


@dataclass(frozen=True)
class SyncReport:
    synced: tuple[CalendarSync, ...] = ()
    due_left: int = 0  # due calendars left for the next tick (budget spent)

    @property
    def alerts(self) -> tuple[CalendarSync, ...]:
        return tuple(s for s in self.synced if s.alert)


MAX_UID = 200


def uid_key(uid: str) -> str:
    """The UID as stored: itself, or a digest of one too long for the column (Outlook's are)."""
    if len(uid) <= MAX_UID:
        return uid
    return "sha256:" + hashlib.sha256(uid.encode()).hexdigest()
