"""A deadline that names its day beside a shorthand for "the end of": "by EOD thurs" is the end
of Thursday, not of today, and "by fri next week" is next week's Friday, not this one's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import parse_note

TZ = "America/Toronto"
NOW = datetime(2026, 4, 14, 10, 0, tzinfo=ZoneInfo(TZ))  # Tuesday 14 April 2026


def dues(text: str) -> list[date | None]:
    note = parse_note(text, now=NOW, tz=TZ)
    return [x.due.astimezone(ZoneInfo(TZ)).date() if x.due else None for x in note.loops]


CASES = [
    ("eod-weekday", "he wants our written offer by EOD thurs", date(2026, 4, 16)),
    ("eod-full-weekday", "promised Khoa the written offer by EOD thursday", date(2026, 4, 16)),
    ("cob-on-weekday", "I owe Ana the pricing COB on Friday", date(2026, 4, 17)),
    ("end-of-day-weekday", "need to send Raj the deck by end of day wed", date(2026, 4, 15)),
    (
        "weekday-next-week",
        "she needs the invitation letter from us by fri next week",
        date(2026, 4, 24),
    ),
    ("weekday-next-wk", "I owe Tom the spec by wed next wk", date(2026, 4, 22)),
    # not the class: the day alone, today's end, tomorrow's end, and a weekday then a new clause
    ("eod-alone", "I owe Ana the pricing by EOD", date(2026, 4, 14)),
    ("eod-tomorrow", "I owe Ana the pricing by EOD tmrw", date(2026, 4, 15)),
    ("weekday-alone", "I owe Ana the pricing by Friday", date(2026, 4, 17)),
    (
        "eod-then-other-clause",
        "I owe Ana the pricing by EOD, call with Tom thurs",
        date(2026, 4, 14),
    ),
]


@pytest.mark.parametrize(("text", "due"), [pytest.param(t, d, id=i) for i, t, d in CASES])
def test_the_day_the_deadline_names(text: str, due: date) -> None:
    assert dues(text) == [due]


def test_next_week_after_a_weekday_with_a_comma_is_its_own_plan() -> None:
    note = parse_note("met Tom on monday, next week we talk again", now=NOW, tz=TZ)
    assert note.occurred_at is not None
    assert note.occurred_at.astimezone(ZoneInfo(TZ)).date() == date(2026, 4, 13)
