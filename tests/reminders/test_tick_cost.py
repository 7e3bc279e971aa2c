"""What one tick costs: it finds exactly what is due, every query it runs reads through an index,
and its round trips do not grow with the number of owners who have something due — so a tick
costs the number of due reminders, not the number of contacts (bench/bench_tick.py measures it).

Rows are bulk-inserted, as bench/bench_tick.py writes them: every owner keeps in touch with
several contacts (one per-contact cadence and track each), has one #tag cadence, and two of its
contacts are overdue; some owners snoozed one of those two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot.reminders.collect import UserPlan, collect, sweep
from bot.reminders.tracks import ingest
from bot.standing.next import next_actions_for
from bot.store.db import session_factory
from bot.store.models import Contact, Note, NoteContact, User, Workspace
from bot.store.reminder_models import ReminderCadence, ReminderSnooze, ReminderTrack

NOW = datetime(2026, 3, 5, 8, 30, tzinfo=UTC)  # Thursday 09:30 in Berlin
SLOT = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)  # that morning's digest slot
PER_OWNER = 6  # contacts each owner keeps in touch with
DUE_PER_OWNER = 2  # of which this many are overdue
TABLES = frozenset(SQLModel.metadata.tables)


def _contact(owner: int, k: int) -> int:
    return (owner - 1) * PER_OWNER + k + 1


def build(engine: Engine, *, owners: int, snoozed: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    """`owners` users with PER_OWNER contacts each, DUE_PER_OWNER of them overdue; an owner in
    `snoozed` snoozed the first of their overdue contacts for a week."""
    before, recent, overdue = (
        NOW - timedelta(days=200),
        NOW - timedelta(days=5),
        NOW - timedelta(days=40),
    )
    rows: dict[Any, list[dict[str, Any]]] = {
        t: [] for t in (Contact, Note, NoteContact, ReminderCadence, ReminderTrack, ReminderSnooze)
    }
    users = [
        {
            "id": u,
            "workspace_id": "T1",
            "external_id": f"U{u}",
            "display_name": f"user {u}",
            "tz": "Europe/Berlin",
            "created_at": before,
        }
        for u in range(1, owners + 1)
    ]
    for owner in range(1, owners + 1):
        rows[ReminderCadence].append(
            {
                "workspace_id": "T1",
                "owner_id": owner,
                "kind": "tag",
                "subject": "tag:vip",
                "contact_id": None,
                "tag": "vip",
                "every_days": 60,
                "created_at": before,
                "expanded_at": NOW,
            }
        )
        for k in range(PER_OWNER):
            cid = _contact(owner, k)
            due = k < DUE_PER_OWNER
            rows[Contact].append(
                {
                    "id": cid,
                    "workspace_id": "T1",
                    "display_name": f"Person {cid}",
                    "name_key": f"person {cid}",
                    "created_at": before,
                }
            )
            rows[Note].append(
                {
                    "id": cid,
                    "workspace_id": "T1",
                    "author_id": owner,
                    "text": f"coffee with {cid}",
                    "visibility": "team",
                    "occurred_at": overdue if due else recent,
                    "logged_at": overdue if due else recent,
                    "source": "console",
                    "needs": [],
                    "tags": [],
                    "sensitive": [],
                    "not_understood": [],
                }
            )
            rows[NoteContact].append({"note_id": cid, "contact_id": cid, "workspace_id": "T1"})
            rows[ReminderCadence].append(
                {
                    "workspace_id": "T1",
                    "owner_id": owner,
                    "kind": "contact",
                    "subject": f"contact:{cid}",
                    "contact_id": cid,
                    "tag": None,
                    "every_days": 30,
                    "created_at": before,
                    "expanded_at": None,
                }
            )
            rows[ReminderTrack].append(
                {
                    "workspace_id": "T1",
                    "owner_id": owner,
                    "kind": "stay_in_touch",
                    "subject": f"contact:{cid}",
                    "contact_id": cid,
                    "next_due_at": SLOT if due else NOW + timedelta(days=25),
                    "verified_at": NOW - timedelta(hours=1),
                    "created_at": before,
                }
            )
        if owner in snoozed:
            cid = _contact(owner, 0)
            rows[ReminderSnooze].append(
                {
                    "owner_id": owner,
                    "subject": f"contact:{cid}",
                    "workspace_id": "T1",
                    "contact_id": cid,
                    "until": NOW + timedelta(days=7),
                    "created_at": before,
                }
            )
    with engine.begin() as conn:
        conn.execute(
            insert(Workspace),
            [{"id": "T1", "name": "", "default_visibility": "team", "created_at": before}],
        )
        conn.execute(insert(User), users)
        for table, values in rows.items():
            if values:
                conn.execute(insert(table), values)


def find(session: Session) -> list[UserPlan]:
    """What `rapport due` runs: ingest, sweep and collect in one transaction."""
    ingest(session, now=NOW)
    sweep(session, now=NOW, default_tz="UTC")
    return collect(session, now=NOW, default_tz="UTC")


def subjects(plans: list[UserPlan]) -> set[tuple[int, str]]:
    return {(p.user_id, item.subject) for p in plans for m in p.messages for item in m.items}


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_tick_finds_every_due_reminder_and_no_snoozed_one_across_many_owners(
    engine: Engine,
) -> None:
    # More owners than one snooze query takes (bot.reminders.facts.SNOOZE_OWNERS), so the
    # snoozes are read in several batches; every other owner snoozed one of their two.
    owners = 530
    snoozed = set(range(1, owners + 1, 2))
    build(engine, owners=owners, snoozed=snoozed)
    with session_factory(engine)() as session:
        found = subjects(find(session))
        session.rollback()
    expected = {
        (owner, f"contact:{_contact(owner, k)}")
        for owner in range(1, owners + 1)
        for k in range(DUE_PER_OWNER)
        if not (k == 0 and owner in snoozed)
    }
    assert found == expected


def test_round_trips_do_not_grow_with_the_owners_who_have_something_due(engine: Engine) -> None:
    # Owners 1..10 have their reminders due at the first find; owners 11..120 at the second
    # (theirs wait at LATER until then). The same number of queries finds 10 owners' reminders
    # and 110 owners'.
    build(engine, owners=120)
    table = ReminderTrack.__table__  # type: ignore[attr-defined]
    later = NOW + timedelta(days=3)
    sessions = session_factory(engine)

    def move(owners: Any, was: datetime, now_at: datetime) -> None:
        with sessions() as session:
            session.execute(
                table.update().where(owners, table.c.next_due_at == was).values(next_due_at=now_at)
            )
            session.commit()

    move(table.c.owner_id > 10, SLOT, later)
    counts = []
    global DUMP
    DUMP = []
    for due_owners in (10, 110):
        with sessions() as session, statements(engine) as seen:
            plans = find(session)
            session.rollback()
        assert len({p.user_id for p in plans if p.messages}) == due_owners
        counts.append(len(seen))
        import collections

        DUMP.append(collections.Counter(st[:90] for st, _ in seen))
        move(table.c.owner_id <= 10, SLOT, later + timedelta(days=30))
        move(table.c.owner_id > 10, later, SLOT)
    assert counts[0] == counts[1], (DUMP[1] - DUMP[0], DUMP[0] - DUMP[1])


def _plan(engine: Engine, statement: str, params: Any) -> list[str]:
    with engine.connect() as conn:
        return [
            str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
        ]


def test_every_query_of_a_tick_reads_through_an_index(engine: Engine) -> None:
    """SQLite's plan for each SELECT a tick runs: no table is scanned whole (a walk of an index
    in its order, under a LIMIT, is how the sweep takes its oldest rows), and the owners' #tag
    cadences come from (owner_id, kind), not from every per-contact cadence of those owners."""
    if engine.dialect.name != "sqlite":
        return  # the plans below are SQLite's; the PostgreSQL figure is bench/bench_tick.py's
    build(engine, owners=40, snoozed={1, 2, 3})
    with session_factory(engine)() as session, statements(engine) as seen:
        find(session)
        session.rollback()
    plans = {
        statement: _plan(engine, statement, params)
        for statement, params in seen
        if statement.lstrip().upper().startswith("SELECT")
    }
    assert plans
    # (A subquery's rows, "SCAN anon_1", are no table.)
    scans = {
        statement: lines
        for statement, lines in plans.items()
        if any(re.fullmatch(r"SCAN (\w+)", line) and line[5:] in TABLES for line in lines)
    }
    assert scans == {}
    tag_reads = [
        lines
        for statement, lines in plans.items()
        if "FROM reminder_cadence" in statement
        and "reminder_cadence.kind = ?" in statement
        and "reminder_cadence.owner_id IN" in statement
    ]
    assert tag_reads
    for lines in tag_reads:
        assert any(
            "ix_reminder_cadence_owner_kind (owner_id=? AND kind=?)" in line for line in lines
        ), lines


def test_the_digests_bad_news_comes_from_the_links_that_carry_news(engine: Engine) -> None:
    """Each morning digest adds "also worth doing" (bot/standing/next.py), whose candidates
    include this month's bad news: read through ix_notecontact_news (the few links that carry
    news), not by walking every note of the workspace this month — and the news is still found."""
    build(engine, owners=40)
    with engine.begin() as conn:  # owner 1's last note about their contact 3 carries news
        conn.execute(
            NoteContact.__table__.update()  # type: ignore[attr-defined]
            .where(NoteContact.__table__.c.note_id == _contact(1, 2))  # type: ignore[attr-defined]
            .values(sensitive=["house fire"])
        )
    with session_factory(engine)() as session, statements(engine) as seen:
        actions = next_actions_for(
            session, workspace_id="T1", viewer_id=1, now=NOW, tz="Europe/Berlin", limit=20
        )
    assert _contact(1, 2) in {a.contact.id for a in actions}
    if engine.dialect.name != "sqlite":
        return
    links = [
        (statement, params)
        for statement, params in seen
        if "CAST(notecontact.sensitive AS VARCHAR) != '[]'" in statement and "JOIN" not in statement
    ]
    assert len(links) == 1
    lines = _plan(engine, *links[0])
    assert any("USING INDEX ix_notecontact_news (workspace_id=?)" in line for line in lines), lines
    notes = [
        (statement, params)
        for statement, params in seen
        if statement.lstrip().startswith("SELECT note.id, note.occurred_at")
    ]
    assert len(notes) == 1
    lines = _plan(engine, *notes[0])
    assert any("USING INTEGER PRIMARY KEY" in line for line in lines), lines
