"""A small world for the standing stories: the composition root (tests/world.py) to log with,
set cadences and ask where relationships stand, all on one clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.refs import Actor
from bot.store.db import SessionFactory
from tests.world import World as BaseWorld

# A Friday afternoon.
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana", tz="UTC")
BOB = Actor(workspace_id="T1", user_id="U_BOB", display_name="Bob", tz="UTC")


class World(BaseWorld):
    def log(self, text: str, *, days_ago: float = 0, actor: Actor = ANA) -> int:
        result = self.app.notes.log(actor=actor, text=text, at=self.now - timedelta(days=days_ago))
        assert result.note_id is not None, result
        return result.note_id


@pytest.fixture
def world(sessions: SessionFactory) -> World:
    return World(sessions=sessions, now=NOW)
