"""A team of three in one workspace, a stranger in another, and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Rapport
from bot.domain.refs import Actor
from bot.store.db import SessionFactory
from tests.world import World

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana", tz="Europe/Berlin")
BOB = Actor(workspace_id="T1", user_id="U_BOB", display_name="Bob")
SAM = Actor(workspace_id="T1", user_id="U_SAM", display_name="Sam")
EVE = Actor(workspace_id="T2", user_id="U_ANA", display_name="Eve elsewhere")


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


@pytest.fixture
def rapport(sessions: SessionFactory) -> Rapport:
    return World(sessions=sessions, now=NOW).app
