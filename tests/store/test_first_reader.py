"""A person's first command may be a question. Their user row is written then; on SQLite a write
inside a read transaction fails at once ("database is locked") when anyone else committed since
the read began, however short the wait, so the first recall of a new teammate failed whenever a
note was being saved beside it (seen as a flaky Slack Connect test)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.app import Rapport, utc_now
from bot.domain.refs import Actor
from bot.store.db import READING, make_engine, session_factory
from bot.store.migrate import upgrade


def test_a_first_question_answers_while_someone_else_writes(tmp_path: Path) -> None:
    path = tmp_path / "rapport.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    rapport = Rapport(sessions=session_factory(engine), clock=utc_now, default_tz="UTC")
    alice = Actor(workspace_id="T1", user_id="UALICE", display_name="Alice", tz="UTC")
    rapport.notes.log(actor=alice, text="coffee with Jane Doe, she wants a shelter dog")
    fired: list[str] = []

    def someone_else_commits(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # Right after the reader's first read (its snapshot has begun; a deferred BEGIN starts
        # none), another connection commits a write, as a note saved beside it would.
        if fired or not conn.get_execution_options().get(READING):
            return
        if not statement.lstrip().upper().startswith("SELECT"):
            return
        fired.append("once")
        other = sqlite3.connect(path, timeout=5)
        other.execute("UPDATE workspace SET name = 'Acme' WHERE id = 'T1'")
        other.commit()
        other.close()

    event.listen(engine, "after_cursor_execute", someone_else_commits)
    bob = Actor(workspace_id="T1", user_id="UBOB", display_name="Bob", tz="UTC")
    result = rapport.recall.recall(actor=bob, query="shelter dog")
    assert fired, "the other writer never ran: the test did not test anything"
    assert [h.text for h in result.hits] == ["coffee with Jane Doe, she wants a shelter dog"]
    # and the new teammate exists from then on, named once they write
    assert rapport.recall.recall(actor=bob, query="shelter dog").hits
