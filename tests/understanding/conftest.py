"""Notes as the workspace understands them: two teammates in one workspace, a stranger in
another, a fixed clock the tests move."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.app import Rapport
from bot.domain.notes import LogResult
from bot.domain.refs import Actor
from bot.store.db import SessionFactory
from tests.world import World

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana", tz="Europe/Berlin")
BOB = Actor(workspace_id="T1", user_id="U_BOB", display_name="Bob", tz="America/New_York")
EVE = Actor(workspace_id="T2", user_id="U_EVE", display_name="Eve elsewhere")


@pytest.fixture
def world(sessions: SessionFactory) -> World:
    return World(sessions=sessions, now=NOW)


@pytest.fixture
def rapport(world: World) -> Rapport:
    return world.app


def people(result: LogResult) -> list[str]:
    return [c.display_name for c in result.contacts]


def orgs(result: LogResult) -> list[str]:
    return [o.name for o in result.organisations]


def contact_names(rapport: Rapport, actor: Actor = ANA) -> set[str]:
    """Every contact of the actor's workspace, as its export lists them."""
    return {c["name"] for c in json.loads(rapport.transfer.export(actor=actor))["contacts"]}
