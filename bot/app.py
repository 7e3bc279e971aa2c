"""The composition root: every use case, built once, over one session factory and one clock.

`Rapport.from_settings(settings)` is what `rapport` builds (the console, `rapport serve`); tests
build `Rapport(sessions=…, clock=…)`. The Slack handlers, the console commands and the scheduler
are handed this object and call the use cases on it; nothing else constructs a use case. Where
one feature needs another (the card shows where a relationship stands, focusing someone sets a
cadence), the link is made here, so the features themselves import only downwards.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypedDict

from bot.config import Settings
from bot.notes.contacts import Contacts
from bot.notes.log import Logbook
from bot.notes.recall import Recall
from bot.notes.team import Team
from bot.notes.transfer import Transfer
from bot.notes.users import Users
from bot.notes.workspace import Workspaces
from bot.reminders.service import Reminders
from bot.standing.facts import contact_standing
from bot.standing.lists import Standing
from bot.standing.review import Reviews
from bot.store.db import SessionFactory, make_engine, session_factory
from bot.store.migrate import upgrade
from bot.usecases import Clock


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Shared(TypedDict):
    sessions: SessionFactory
    clock: Clock
    default_tz: str


class Rapport:
    """Every use case of every feature, sharing one session factory, clock and default zone."""

    def __init__(
        self, *, sessions: SessionFactory, clock: Clock = utc_now, default_tz: str = "UTC"
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.default_tz = default_tz
        shared: _Shared = {"sessions": sessions, "clock": clock, "default_tz": default_tz}
        # notes
        self.notes = Logbook(**shared)
        self.recall = Recall(**shared, standing_of=contact_standing)
        self.contacts = Contacts(**shared)
        self.team = Team(**shared)
        self.workspace = Workspaces(**shared)
        self.users = Users(**shared)
        self.transfer = Transfer(**shared)
        # reminders
        reminders = Reminders(**shared)
        self.cadences = reminders
        self.schedules = reminders
        self.due = reminders
        self.reminder_buttons = reminders
        self.delivery = reminders
        # standing
        self.standing = Standing(**shared, set_cadence=reminders.set_cadence)
        self.reviews = Reviews(**shared)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, clock: Clock = utc_now, migrate: bool = True
    ) -> Rapport:
        """An engine from the URL, migrated to head (the app runs migrations on start)."""
        engine = make_engine(settings.database_url)
        if migrate:
            upgrade(engine)
        return cls(sessions=session_factory(engine), clock=clock, default_tz=settings.tz)
