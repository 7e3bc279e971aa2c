"""`undo` after the commands that now run in a DM and the console: a contact someone set a
cadence or a focus on outlives the undone note; one that only the note named goes with it, even
after the reminder tick tracked its loop. Never a database error."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from bot.console.notifier import ConsoleNotifier
from bot.domain.errors import NotFoundError
from bot.domain.refs import Actor
from bot.store.db import SessionFactory
from tests.world import World

ANA = Actor(workspace_id="local", user_id="ana")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(sessions: SessionFactory) -> World:
    return World(sessions=sessions, now=NOW)


@pytest.mark.parametrize("set_it", ["cadence", "focus", "snooze"])
def test_a_contact_with_a_cadence_focus_or_snooze_outlives_the_undone_note(
    world: World, set_it: str
) -> None:
    app = world.app
    logged = app.notes.log(actor=ANA, text="met Jane Doe for coffee", source="console")
    assert logged.note_id is not None
    if set_it == "cadence":
        app.cadences.set_cadence_text(actor=ANA, text="Jane Doe monthly")
    elif set_it == "focus":
        app.standing.focus(actor=ANA, name="Jane Doe")
    else:
        app.cadences.snooze_text(actor=ANA, text="Jane Doe 1w")
    app.delivery.tick(notifier=ConsoleNotifier(io.StringIO()))
    app.notes.undo(actor=ANA, note_id=logged.note_id)
    card = app.recall.card(actor=ANA, name="Jane Doe")
    assert card.timeline == ()


def test_a_contact_only_the_note_named_goes_with_it_after_a_tick(world: World) -> None:
    app = world.app
    logged = app.notes.log(actor=ANA, text="I owe Raj Patel the deck by Friday", source="console")
    assert logged.note_id is not None and logged.loops_opened
    app.delivery.tick(notifier=ConsoleNotifier(io.StringIO()))  # tracks the loop
    app.notes.undo(actor=ANA, note_id=logged.note_id)
    with pytest.raises(NotFoundError):
        app.recall.card(actor=ANA, name="Raj Patel")
    assert app.recall.loops(actor=ANA).you_owe == ()
