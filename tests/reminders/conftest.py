from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.store.db import SessionFactory
from tests.reminders.world import World

# A Wednesday, 10:00 UTC: inside working hours in UTC and Europe/Berlin.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(sessions: SessionFactory) -> World:
    return World(sessions=sessions, now=NOW)
