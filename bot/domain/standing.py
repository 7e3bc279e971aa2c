"""What the standing use cases return: plain frozen values for the console, Slack and the digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.calendars import NewPerson
from bot.domain.refs import ContactRef
from bot.domain.relationship import Action, Turn


@dataclass(frozen=True)
class CadenceStatus:
    every_days: int
    due_in_days: int  # negative: overdue by that many days

    @property
    def text(self) -> str:
        if self.due_in_days < 0:
            days = -self.due_in_days
            return f"overdue by {days} day{'s' if days != 1 else ''}"
        if self.due_in_days == 0:
            return "due today"
        return f"due in {self.due_in_days} day{'s' if self.due_in_days != 1 else ''}"


@dataclass(frozen=True)
class ContactStanding:
    """One relationship at a glance: the row of the fading and focus lists."""

    contact: ContactRef
    label: str  # new | warm | cooling | cold
    why: str
    last_at: datetime | None  # the latest interaction (yours; the team's with --team)
    last_kind: str | None  # coffee, call, … (None: a note without a kind)
    last_by: str | None  # who logged it (display name), for --team
    cadence: CadenceStatus | None  # your stay-in-touch cadence, where one is set
    focus: bool
    action: Action | None  # the next best action
    turn: Turn | None = None  # whose move it is in the conversation


@dataclass(frozen=True)
class FadingPage:
    rows: tuple[ContactStanding, ...]  # longest silence first
    page: int  # 1-based
    page_size: int
    has_more: bool
    tag: str | None = None
    team: bool = False


@dataclass(frozen=True)
class FocusChange:
    contact: ContactRef
    focused: bool  # the state now
    changed: bool  # False: it already was (or wasn't)
    count: int  # how many contacts are on the focus list now
    limit: int  # the soft limit
    warning: str | None = None  # past the limit: "less is more"
    cadence_days: int | None = None  # the cadence that now applies
    cadence_added: bool = False  # True: the default focus cadence was set for them


@dataclass(frozen=True)
class FocusList:
    rows: tuple[ContactStanding, ...]  # most in need of attention first
    limit: int


@dataclass(frozen=True)
class NextAction:
    """ "Your next five": one suggestion about one person."""

    contact: ContactRef
    label: str
    focus: bool
    action: Action


@dataclass(frozen=True)
class ReviewLoop:
    contact: ContactRef
    direction: str  # you_owe | they_owe
    what: str
    at: datetime  # opened or closed


@dataclass(frozen=True)
class Review:
    """The week in relationships."""

    since: datetime
    until: datetime
    interactions: int  # your notes in the week
    people: int  # how many different people they were with
    kinds: tuple[tuple[str, int], ...]  # ("coffee", 3), most first
    loops_opened: tuple[ReviewLoop, ...]
    loops_closed: tuple[ReviewLoop, ...]
    cooled: tuple[ContactStanding, ...]  # warm (or new) a week ago, cooling or cold now
    focus: tuple[ContactStanding, ...]
    next_actions: tuple[NextAction, ...]
    # Met in the week's meetings, not contacts (yet): offered with Add buttons, never added.
    people_met: tuple[NewPerson, ...] = ()


@dataclass(frozen=True)
class StandingSettingsView:
    weekly_review: bool
    focus_limit: int


@dataclass(frozen=True)
class ReviewDelivery:
    """What one `deliver_reviews` pass did."""

    sent: tuple[str, ...] = ()  # external user ids
    failed: tuple[str, ...] = ()
