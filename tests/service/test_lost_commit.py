"""A commit whose answer is lost (the connection drops after the database kept the note): the
person is told the note was saved, once, and a retry files nothing twice; when the database stays
away too long to ask, they are told it may have been kept and where to look, never "nothing was
saved, try again" (which files it twice)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.app import Rapport
from bot.domain.errors import StorageInDoubtError, StorageUnavailableError
from bot.domain.refs import Actor
from bot.store.db import SessionFactory
from tests.lost_commits import Network, faults

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana", tz="UTC")


@pytest.fixture
def network() -> Iterator[Network]:
    with faults() as network:
        yield network


def notes(sessions: SessionFactory) -> int:
    with sessions() as session:
        return int(session.execute(text("SELECT count(*) FROM note")).scalar_one())


def test_a_note_kept_by_the_database_is_confirmed_though_the_commit_lost_its_answer(
    sessions: SessionFactory, network: Network
) -> None:
    rapport = Rapport(sessions=sessions, clock=lambda: NOW)
    network.lose_the_next_commits_answer(1)
    result = rapport.notes.log(actor=ANA, text="coffee with Jane Doe", event_id="cmd:sig-1")
    assert result.note_id is not None and not result.duplicate
    assert [c.display_name for c in result.contacts] == ["Jane Doe"]
    assert notes(sessions) == 1
    # Slack (or the person) sends it again: nothing is filed twice
    again = rapport.notes.log(actor=ANA, text="coffee with Jane Doe", event_id="cmd:sig-1")
    assert again.duplicate and again.note_id == result.note_id
    assert notes(sessions) == 1


def test_a_kept_note_the_database_cannot_confirm_is_said_to_be_in_doubt(
    sessions: SessionFactory, network: Network
) -> None:
    rapport = Rapport(sessions=sessions, clock=lambda: NOW)
    network.lose_the_next_commits_answer(1, then_stay_away=True)
    with pytest.raises(StorageInDoubtError) as raised:
        rapport.notes.log(actor=ANA, text="coffee with Jane Doe", event_id="cmd:sig-2")
    said = str(raised.value)
    assert "can't tell whether it was kept" in said and "`who Jane Doe`" in said
    assert "nothing was saved" not in said
    network.come_back()
    assert notes(sessions) == 1  # it was kept: "try again" would have filed it twice


def test_a_commit_that_never_reached_the_database_says_nothing_was_saved(
    sessions: SessionFactory, network: Network
) -> None:
    rapport = Rapport(sessions=sessions, clock=lambda: NOW)
    network.fail_the_next_commit()
    with pytest.raises(StorageUnavailableError) as raised:
        rapport.notes.log(actor=ANA, text="coffee with Jane Doe", event_id="cmd:sig-3")
    assert not isinstance(raised.value, StorageInDoubtError)
    assert "nothing was saved" in str(raised.value)
    assert notes(sessions) == 0
    again = rapport.notes.log(actor=ANA, text="coffee with Jane Doe", event_id="cmd:sig-3")
    assert again.note_id is not None and not again.duplicate
    assert notes(sessions) == 1


def test_without_an_event_a_lost_commit_answer_is_in_doubt(
    sessions: SessionFactory, network: Network
) -> None:
    rapport = Rapport(sessions=sessions, clock=lambda: NOW)
    network.lose_the_next_commits_answer(1)
    with pytest.raises(StorageInDoubtError, match="`who Jane Doe`"):
        rapport.notes.log(actor=ANA, text="coffee with Jane Doe")
    assert notes(sessions) == 1
