"""How long one meeting's brief takes to put together, on the benchmark workspace.

    python bench/bench_brief.py --db sqlite:////tmp/rapport-bench/workspace-….db [--repeat 50]
    python -m bench --only brief             # on the 1,000,000-note workspace (--quick: small)

A meeting of user U1 with the three contacts who have the most notes (the slowest brief there
is in that workspace: their timelines, loops, news and standing are the largest) is stored as an
upcoming meeting, as a calendar read stores it; then `Briefs.for_meeting` (three cards: notes
visible to U1, loops, occasions, bad news, standing) and its Block Kit rendering, what the DM
sends, is timed. The floor, in the same run: the one indexed query for those contacts' latest
50 visible notes. Target: p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, select, text

from bot.app import Rapport
from bot.blocks.brief import brief_blocks
from bot.store.calendar_models import Calendar, UpcomingMeeting
from bot.store.db import make_engine, session_factory
from bot.store.migrate import upgrade
from bot.store.models import NoteContact, User

TARGET_MS = 50.0
CALENDAR = "bench-brief"


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def prepare(url: str) -> tuple[int, int, list[int]]:
    """(U1's user id, the meeting's id, its contacts): a meeting in an hour with the three
    contacts who have the most notes. Replaces the one a previous run left."""
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    sessions = session_factory(engine)
    with sessions() as session:
        user = session.exec(  # type: ignore[call-overload]
            select(User).where(User.workspace_id == "T1", User.external_id == "U1")
        ).scalar_one()
        busiest = list(
            session.exec(  # type: ignore[call-overload]
                select(NoteContact.contact_id)
                .where(NoteContact.workspace_id == "T1")
                .group_by(NoteContact.contact_id)
                .order_by(func.count().desc())
                .limit(3)
            ).scalars()
        )
        calendar = session.exec(  # type: ignore[call-overload]
            select(Calendar).where(Calendar.owner_id == user.id, Calendar.name == CALENDAR)
        ).scalar_one_or_none()
        if calendar is None:
            calendar = Calendar(
                workspace_id="T1", owner_id=user.id, name=CALENDAR, kind="file", created_at=now
            )
            session.add(calendar)
            session.flush()
        session.execute(delete(UpcomingMeeting).where(UpcomingMeeting.calendar_id == calendar.id))
        meeting = UpcomingMeeting(
            workspace_id="T1",
            owner_id=user.id,
            calendar_id=calendar.id,
            uid_key="bench-brief",
            title="Quarterly review",
            start_at=now + timedelta(hours=1),
            end_at=now + timedelta(hours=2),
            contact_ids=busiest,
            others=[{"name": "Sam Vega", "email": "sam@hooli.com"}],
            updated_at=now,
        )
        session.add(meeting)
        session.commit()
        assert user.id is not None and meeting.id is not None
        found = (user.id, meeting.id, busiest)
    engine.dispose()
    return found


def measure(url: str, *, repeat: int) -> tuple[list[float], list[float], int]:
    """(brief samples ms, floor samples ms, notes in the workspace)."""
    user_id, meeting_id, contacts = prepare(url)
    engine = make_engine(url)
    app = Rapport(sessions=session_factory(engine), clock=lambda: datetime.now(UTC))
    floor_sql = text(
        "SELECT n.id FROM note n JOIN notecontact nc ON nc.note_id = n.id "
        "WHERE nc.contact_id IN (:a, :b, :c) AND (n.visibility = 'team' OR n.author_id = :u) "
        "ORDER BY n.occurred_at DESC LIMIT 50"
    )
    padded = (contacts + contacts[:1] * 3)[:3]
    params = {"a": padded[0], "b": padded[1], "c": padded[2], "u": user_id}

    def brief() -> object:
        found = app.briefs.for_meeting(user_id=user_id, meeting_id=meeting_id)
        assert found is not None and len(found.people) == len(contacts)
        return brief_blocks(found, now=datetime.now(UTC), tz="UTC")

    def floor() -> object:
        with engine.connect() as connection:
            return connection.execute(floor_sql, params).all()

    brief()  # warm caches: the first brief of a process reads its vocabulary
    floor()
    ours: list[float] = []
    raw: list[float] = []
    for _ in range(repeat):  # interleaved, so noise hits both alike
        ours += timed(brief, 1)
        raw += timed(floor, 1)
    with engine.connect() as connection:
        notes = int(connection.execute(text("SELECT COUNT(*) FROM note")).scalar_one())
    engine.dispose()
    return ours, raw, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", required=True, help="a benchmark workspace (python -m bench)")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    ours, raw, notes = measure(args.db, repeat=args.repeat)
    p50, p95 = statistics.median(ours), pct(ours, 0.95)
    print(f"{notes:,} notes: brief p50 {p50:.1f} ms, p95 {p95:.1f} ms (target ≤ {TARGET_MS:.0f})")
    print(f"floor (latest 50 notes of the contacts): p95 {pct(raw, 0.95):.2f} ms")
    return 0 if p95 <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
