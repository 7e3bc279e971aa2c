"""The one world every suite builds on: Rapport's composition root (bot/app.py) over a test
database, on a clock the test moves. Suites add their own helpers by subclassing `World`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.app import Rapport
from bot.store.db import SessionFactory


@dataclass
class World:
    sessions: SessionFactory
    now: datetime
    default_tz: str = "UTC"
    app: Rapport = field(init=False)

    def __post_init__(self) -> None:
        self.app = Rapport(
            sessions=self.sessions, clock=lambda: self.now, default_tz=self.default_tz
        )

    def at(self, when: datetime) -> World:
        self.now = when.astimezone(UTC)
        return self

    def later(self, **delta: float) -> World:
        self.now = self.now + timedelta(**delta)
        return self
