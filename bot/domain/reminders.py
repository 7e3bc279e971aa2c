"""What the reminders use cases return, and the reminder item itself: plain frozen values for
the console and Slack. An `Item` is also what the outbox stores (as JSON) and renders at send."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Final

from bot.domain.refs import ContactRef

# Reminder kinds, as stored in the outbox and shown to scripts.
STAY_IN_TOUCH: Final = "stay_in_touch"
YOU_OWE: Final = "you_owe"
WAITING_ON: Final = "waiting_on"
OCCASION: Final = "occasion"
HEADS_UP: Final = "heads_up"
KINDS: Final = (STAY_IN_TOUCH, YOU_OWE, WAITING_ON, OCCASION, HEADS_UP)


@dataclass(frozen=True)
class CadenceView:
    target: str  # "Jane Doe" or "#investors"
    every_days: int  # 0 when stopped
    contact: ContactRef | None = None
    tag: str | None = None
    stopped: bool = False
    next_due: datetime | None = None  # the next slot a nudge may go out (contact cadences)
    last_touch: datetime | None = None  # your last interaction with the contact


@dataclass(frozen=True)
class SnoozeView:
    target: str
    until: datetime  # reminders about it come back at the first slot after this


@dataclass(frozen=True)
class SettingsView:
    tz: str
    digest_hour: int
    work_days: str  # "mon,tue,wed,thu,fri"
    work_start: int
    work_end: int
    daily_cap: int
    mode: str  # "digest" | "individual"


@dataclass(frozen=True)
class DueItem:
    key: str  # the value the Done/Snooze/Stop buttons carry
    kind: str  # stay_in_touch | you_owe | waiting_on | occasion | heads_up
    contact: ContactRef
    text: str  # one plain sentence
    due: datetime  # when it became due
    slot: datetime  # the delivery slot it is planned for
    what: str | None = None
    greeting: str | None = None
    context: tuple[str, ...] = ()  # what teammates logged with them lately, as the DM shows it


@dataclass(frozen=True)
class DueMessage:
    """One DM the next tick sends: already in the outbox ("queued") or about to be ("planned")."""

    user: str  # external id
    kind: str  # "digest" or an item kind
    dedupe_key: str
    due_at: datetime
    status: str  # "queued" | "planned"
    items: tuple[DueItem, ...]


@dataclass(frozen=True)
class DueReport:
    now: datetime
    messages: tuple[DueMessage, ...]
    held: tuple[DueItem, ...] = ()  # due, but over today's cap: they come in the next days

    @property
    def items(self) -> tuple[DueItem, ...]:
        return tuple(item for message in self.messages for item in message.items)


@dataclass(frozen=True)
class Upcoming:
    """App Home: what is due today and in the coming week (excluding today)."""

    today: tuple[DueItem, ...]
    this_week: tuple[DueItem, ...]


@dataclass(frozen=True)
class ActionResult:
    """The answer to a Done / Snooze / Stop click, to show the clicker."""

    text: str
    key: str


@dataclass(frozen=True)
class Item:
    """One reminder as planned: plain data, stored as JSON in the outbox and rendered at send."""

    key: str  # unique per occurrence: "stay_in_touch:contact:12", "occasion:3:ahead:2026-04-10"
    kind: str  # one of KINDS
    subject: str  # the track it came from: "contact:12" | "loop:5" | "occasion:3"
    contact_id: int
    contact: str  # display name
    due: datetime  # when it became due (raw), for "overdue by"
    slot: datetime  # the delivery slot it was planned for
    closeness: int = 0  # how many notes the owner logged with this person
    what: str | None = None  # the loop's object ("the pricing deck")
    loop_id: int | None = None
    every_days: int | None = None
    last_touch: datetime | None = None  # the owner's last interaction
    occasion: str | None = None  # "birthday" | "anniversary"
    occasion_on: date | None = None
    phase: str | None = None  # "ahead" | "day"
    greeting: str | None = None
    topic: str | None = None  # the sensitive topic, for heads-ups
    topic_at: datetime | None = None
    context: tuple[str, ...] = field(default=())  # what teammates logged, already phrased
    # Contact pressure: teammates' interactions with this person in the last 7 days (team notes
    # only), who they were (most first), and until when stay-in-touch nudges about them wait.
    team_recent: int = 0
    team_recent_by: tuple[str, ...] = field(default=())
    held_until: datetime | None = None

    def priority(self, now: datetime) -> tuple[int, float, int, str]:
        """Sort key: time-bound things first, then most overdue, then closest, then stable."""
        rank = {HEADS_UP: 1, YOU_OWE: 2, WAITING_ON: 3, STAY_IN_TOUCH: 3}.get(self.kind, 3)
        if self.kind == OCCASION:
            rank = 0 if self.phase == "day" else 2
        overdue = (now - self.due).total_seconds()
        return (rank, -overdue, -self.closeness, self.key)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime | date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        values = dict(data)
        for name in ("due", "slot", "last_touch", "topic_at", "held_until"):
            if values.get(name):
                values[name] = datetime.fromisoformat(values[name])
        if values.get("occasion_on"):
            values["occasion_on"] = date.fromisoformat(values["occasion_on"])
        values["context"] = tuple(values.get("context") or ())
        values["team_recent_by"] = tuple(values.get("team_recent_by") or ())
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def with_slot(self, slot: datetime) -> Item:
        return replace(self, slot=slot)
