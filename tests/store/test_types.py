"""UTCDateTime: aware UTC in, aware UTC out, on SQLite and PostgreSQL; naive values refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from sqlmodel import select

from bot.store.db import SessionFactory
from bot.store.models import Workspace

BERLIN_SUMMER = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    "given",
    [
        datetime(2025, 3, 30, 0, 59, 59, 123456, tzinfo=UTC),
        datetime(2025, 3, 30, 3, 30, tzinfo=BERLIN_SUMMER),
        datetime(1999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-8))),
    ],
    ids=["utc-with-microseconds", "plus-two-hours", "minus-eight-hours"],
)
def test_round_trip_is_aware_utc(sessions: SessionFactory, given: datetime) -> None:
    with sessions() as session:
        session.add(Workspace(id="T1", created_at=given))
        session.commit()
    with sessions() as session:  # a fresh session: the value comes from the database
        stored = session.exec(select(Workspace.created_at)).one()
    assert stored == given
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)


def test_comparisons_use_the_instant(sessions: SessionFactory) -> None:
    early = datetime(2025, 1, 1, 10, 0, tzinfo=UTC)
    late_but_written_in_utc_minus_5 = datetime(
        2025, 1, 1, 6, 0, tzinfo=timezone(timedelta(hours=-5))
    )
    with sessions() as session:
        session.add(Workspace(id="early", created_at=early))
        session.add(Workspace(id="late", created_at=late_but_written_in_utc_minus_5))
        session.commit()
        after = datetime(2025, 1, 1, 10, 30, tzinfo=UTC)
        found = session.exec(select(Workspace.id).where(Workspace.created_at > after)).all()
    assert found == ["late"]


def test_naive_datetimes_are_refused(sessions: SessionFactory) -> None:
    with sessions() as session:
        session.add(Workspace(id="T1", created_at=datetime(2025, 1, 1)))  # noqa: DTZ001
        with pytest.raises(StatementError, match="naive datetime"):
            session.commit()
