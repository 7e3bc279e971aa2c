"""A commit whose answer is lost (the connection drops after the database kept the note): the
person is told the note was saved, once, and a retry files nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.app import Rapport
from bot.domain.errors import StorageUnavailableError
from bot.domain.refs import Actor
from bot.store.db import SessionFactory

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ANA = Actor(workspace_id="T1", user_id="U_ANA", display_name="Ana", tz="UTC")


def _lose_the_next_commits_answer(times: int) -> None:
    """Like a connection cut just after COMMIT reached the server: the data is kept, the
    caller hears an error."""
    left = [times]

    def after_commit(session: Session) -> None:
        if left[0] > 0:
            left[0] -= 1
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    event.listen(Session, "after_commit", after_commit)
    _listeners.append(after_commit)


_listeners: list[object] = []


@pytest.fixture(autouse=True)
def _forget_listeners() -> object:
    yield None
    while _listeners:
        event.remove(Session, "after_commit", _listeners.pop())


def notes(sessions: SessionFactory) -> int:
    with sessions() as session:
        return int(session.execute(text("SELECT count(*) FROM note")).scalar_one())


def test_a_note_kept_by_the_database_is_confirmed_though_the_commit_lost_its_answer(
    sessions: SessionFactory,
) -> None:
    rapport = Rapport(sessions=sessions, clock=lambda: NOW)
    _lose_the_next_commits_answer(1)
    result = rapport.notes.log(actor=ANA, text="coffee with Jane Doe", event_id="cmd:sig-1")
    assert result.note_id is not None and not result.duplicate
    assert [c.display_name for c in result.contacts] == ["Jane Doe"]
    assert notes(sessions) == 1
    # Slack (or the person) sends it again: nothing is filed twice
    again = rapport.notes.log(actor=ANA, text="coffee with Jane Doe", event_id="cmd:sig-1")
    assert again.duplicate and again.note_id == result.note_id
    assert notes(sessions) == 1


def test_without_an_event_to_look_for_the_outage_is_said(sessions: SessionFactory) -> None:
    rapport = Rapport(sessions=sessions, clock=lambda: NOW)
    _lose_the_next_commits_answer(1)
    with pytest.raises(StorageUnavailableError):
        rapport.notes.log(actor=ANA, text="coffee with Jane Doe")
