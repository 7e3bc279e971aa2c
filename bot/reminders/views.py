"""What bot.reminders.service.Reminders returns: plain frozen values for the console and Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import ContactRef


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
