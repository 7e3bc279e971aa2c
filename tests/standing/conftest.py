"""A small world for the standing stories: the core service to log with, reminders for
cadences, and the standing service under test, all on one clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.refs import Actor
from bot.reminders.service import Reminders
from bot.service import Rapport
from bot.standing import Standing
from bot.store.db import SessionFactory

# A Friday afternoon.
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana", tz="UTC")
BOB = Actor(workspace_id="T1", user_id="U_BOB", display_name="Bob", tz="UTC")


class World:
    def __init__(self, sessions: SessionFactory) -> None:
        self.now = NOW
        clock: Callable[[], datetime] = lambda: self.now  # noqa: E731
        self.rapport = Rapport(sessions=sessions, clock=clock, default_tz="UTC")
        self.reminders = Reminders(sessions=sessions, clock=clock, default_tz="UTC")
        self.standing = Standing(sessions=sessions, clock=clock, default_tz="UTC")

    def log(self, text: str, *, days_ago: float = 0, actor: Actor = ANA) -> int:
        result = self.rapport.log(actor=actor, text=text, at=self.now - timedelta(days=days_ago))
        assert result.note_id is not None, result
        return result.note_id


@pytest.fixture
def world(sessions: SessionFactory) -> World:
    return World(sessions)
