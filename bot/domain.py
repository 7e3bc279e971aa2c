"""What the service returns: plain frozen values that the console and the Slack handlers render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Actor:
    """Who is acting, taken from the Slack payload or the console's --as, never from note text."""

    workspace_id: str
    user_id: str  # Slack user id or console name
    display_name: str | None = None
    tz: str | None = None  # IANA name; None: the user's cached zone, else the default


@dataclass(frozen=True)
class ContactRef:
    id: int
    display_name: str


@dataclass(frozen=True)
class Candidate:
    """One contact a name might mean."""

    contact_id: int
    display_name: str
    hint: str = ""  # "last note 3 days ago", company, …


@dataclass(frozen=True)
class Ambiguity:
    """A name in the note that matches several contacts closely: ask "which one?"."""

    name: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class LoopView:
    id: int
    direction: str  # "you_owe" | "they_owe"
    what: str
    contact: ContactRef
    due_at: datetime | None
    created_at: datetime
    overdue: bool
    source_note_id: int


@dataclass(frozen=True)
class OccasionView:
    kind: str
    month: int
    day: int
    year: int | None
    contact: ContactRef
    next_date: str  # ISO date of the next occurrence, in the actor's zone


@dataclass(frozen=True)
class LogResult:
    """What was understood and filed. `note_id` is None while ambiguities wait for a choice."""

    note_id: int | None
    text: str
    contacts: tuple[ContactRef, ...]
    created_contacts: tuple[ContactRef, ...]
    kind: str | None
    occurred_at: datetime
    private: bool
    loops_opened: tuple[LoopView, ...] = ()
    loops_closed: tuple[LoopView, ...] = ()
    occasions: tuple[OccasionView, ...] = ()
    needs: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    not_understood: tuple[str, ...] = ()
    ambiguities: tuple[Ambiguity, ...] = ()
    duplicate: bool = False  # the same Slack event was already filed
    pending_id: int | None = None  # set while ambiguities wait for the author's choice


@dataclass(frozen=True)
class RecallHit:
    note_id: int
    text: str
    contacts: tuple[ContactRef, ...]
    occurred_at: datetime
    author: str  # display name of who logged it
    author_id: str  # external id of who logged it
    private: bool
    kind: str | None
    score: float


@dataclass(frozen=True)
class RecallResult:
    query: str
    terms: tuple[str, ...]
    hits: tuple[RecallHit, ...]
    total: int  # how many matched (bounded), for pagination
    offset: int = 0


@dataclass(frozen=True)
class TimelineEntry:
    note_id: int
    text: str
    occurred_at: datetime
    author: str
    author_id: str
    kind: str | None
    private: bool


@dataclass(frozen=True)
class ContactCard:
    contact: ContactRef
    aliases: tuple[str, ...]
    company: str | None
    role: str | None
    timeline: tuple[TimelineEntry, ...]  # newest first, visible to the actor only
    last_interaction: TimelineEntry | None  # anyone's
    last_by_you: TimelineEntry | None
    open_loops: tuple[LoopView, ...]
    occasions: tuple[OccasionView, ...]
    sensitive: tuple[tuple[str, datetime], ...]  # (topic, when) within the cool-down
    needs: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class LoopList:
    you_owe: tuple[LoopView, ...]  # overdue first, then by due date, then oldest
    waiting_on: tuple[LoopView, ...]


@dataclass(frozen=True)
class Home:
    """The App Home dashboard and the console's summary."""

    loops: LoopList
    recent: tuple[TimelineEntry, ...]
    birthdays: tuple[OccasionView, ...] = field(default=())
