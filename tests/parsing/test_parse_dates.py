"""Dates in notes: when it happened (past-leaning) and when a loop is due (future-leaning)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import parse_note

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 7, 15, 10, 0, tzinfo=BERLIN)  # a Wednesday


def berlin(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


OCCURRED = [
    ("yesterday", "lunch with Sam yesterday", berlin(7, 14)),
    ("today-is-now", "coffee with Sam today", NOW),
    ("this-morning", "call with Raj this morning", berlin(7, 15, 9)),
    ("last-night", "drinks with Raj last night", berlin(7, 14, 20)),
    ("day-before-yesterday", "met Jane the day before yesterday", berlin(7, 13)),
    ("last-tuesday", "met Jane last Tuesday", berlin(7, 14)),
    ("on-tuesday", "met Jane on Tuesday", berlin(7, 14)),
    ("bare-weekday", "lunch with Sam Monday", berlin(7, 13)),
    ("same-weekday-is-last-week", "coffee with Sam on Wednesday", berlin(7, 8)),
    ("on-sat-short", "met Jane on Sat", berlin(7, 11)),
    ("n-days-ago", "3 days ago met Raj", berlin(7, 12)),
    ("a-week-ago", "called Raj a week ago", berlin(7, 8)),
    ("a-couple-of-weeks-ago", "lunch with Sam a couple of weeks ago", berlin(7, 1)),
    ("two-months-ago", "met Jane two months ago", berlin(5, 15)),
    ("last-week", "met Jane last week", berlin(7, 8)),
    ("last-weekend", "drinks with Raj last weekend", berlin(7, 11)),
    ("iso", "dinner on 2026-07-01 with Jane", berlin(7, 1)),
    ("they-reached-out-yesterday", "Raj called me yesterday", berlin(7, 14)),
    ("month-day-past", "met Priya on March 3", berlin(3, 3)),
    ("month-day-ahead-is-last-year", "met Priya on August 3", berlin(8, 3, year=2025)),
    ("day-month", "met Priya 14 July", berlin(7, 14)),
    ("month-day-ordinal", "met Priya July 14th", berlin(7, 14)),
    ("ordinal-of-month", "met Priya on the 3rd of March", berlin(3, 3)),
    ("with-year", "met Priya on March 3, 2024", berlin(3, 3, year=2024)),
    ("on-the-nth", "met Priya on the 3rd", berlin(7, 3)),
    ("with-time-after", "lunch yesterday at 1pm with Sam", berlin(7, 14, 13)),
    ("with-time-before", "call at 9:30am yesterday with Raj", berlin(7, 14, 9, 30)),
    ("part-of-day", "call with Raj yesterday afternoon", berlin(7, 14, 15)),
    ("numeric-dmy-in-europe", "met Jane on 3/7", berlin(7, 3)),
    ("month-only", "met Jane in March", berlin(3, 1)),
    ("month-year", "met Jane early March 2025", berlin(3, 5, year=2025)),
    ("month-only-this-month", "met Jane in July", berlin(7, 1)),
    ("last-month-name-is-a-year-ago-in-that-month", "met Jane last July", berlin(7, 1, year=2025)),
    ("last-month-name-before-this-month", "met Jane last March", berlin(3, 1)),
    ("month-ahead-of-today-is-last-years", "met Jane in September", berlin(9, 1, year=2025)),
    (
        "loop-date-is-not-when",
        "lunch with Sam yesterday, owe him the deck by Friday",
        berlin(7, 14),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in OCCURRED], ids=[r[0] for r in OCCURRED]
)
def test_occurred_at_leans_to_the_past(text: str, expected: datetime) -> None:
    got = parse_note(text, now=NOW, tz="Europe/Berlin").occurred_at
    assert got == expected
    assert got is not None and got.tzinfo is UTC


NO_DATE = [
    ("plain", "met Jane Doe for coffee"),
    ("may-as-verb", "May the best team win"),
    ("lower-may", "she may join us"),
    ("month-as-person", "April said hi"),
    ("short-weekday-as-person", "We met Sun"),
    ("sat-as-verb", "we sat down with Raj"),
    ("jan-times", "met jan 3 times"),
    ("future-only", "coffee with Raj next Monday"),
    ("fraction", "1/2 the team came"),
    ("decimal", "raised 3.5 million"),
    ("this-week-is-no-day", "busy this week"),
    ("no-such-date", "met Jane on Feb 30"),
    ("their-news-not-our-meeting", "Breakfast with Olga, she adopted a dog last year"),
    ("their-plans", "Great lunch with Sam, he is moving to Lisbon in March"),
]


@pytest.mark.parametrize("text", [r[1] for r in NO_DATE], ids=[r[0] for r in NO_DATE])
def test_no_date_for_the_interaction(text: str) -> None:
    assert parse_note(text, now=NOW, tz="Europe/Berlin").occurred_at is None


DUE = [
    ("by-friday", "I owe him the pricing deck by Friday", berlin(7, 17, 17)),
    ("by-wednesday-is-next-week", "owe Raj the deck by Wednesday", berlin(7, 22, 17)),
    ("this-friday", "need to send Raj the deck this Friday", berlin(7, 17, 17)),
    ("next-monday", "need to send her the proposal by next Monday", berlin(7, 20, 17)),
    ("tomorrow", "will send her the slides tomorrow", berlin(7, 16, 17)),
    ("tomorrow-morning", "will call Raj tomorrow morning", berlin(7, 16, 9)),
    ("in-2-weeks", "need to follow up with Sam in 2 weeks", berlin(7, 29, 17)),
    ("in-a-month", "need to check in with Sam in a month", berlin(8, 15, 17)),
    ("by-march-3-is-next-year", "owe Priya the contract by March 3", berlin(3, 3, 17, year=2027)),
    ("by-july-20", "owe Priya the contract by July 20", berlin(7, 20, 17)),
    ("iso", "owe Priya the contract by 2026-08-01", berlin(8, 1, 17)),
    ("eod", "need to email Raj the notes by EOD", berlin(7, 15, 17)),
    ("end-of-next-week", "owe Raj the deck by end of next week", berlin(7, 24, 17)),
    ("end-of-month", "owe Raj the deck by the end of the month", berlin(7, 31, 17)),
    ("with-time", "need to call Raj tomorrow at 3pm", berlin(7, 16, 15)),
    ("date-before-verb", "tomorrow I will send Raj the deck", berlin(7, 16, 17)),
    ("they-owe", "Raj will send the numbers by Monday", berlin(7, 20, 17)),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in DUE], ids=[r[0] for r in DUE])
def test_due_dates_lean_to_the_future(text: str, expected: datetime) -> None:
    note = parse_note(text, now=NOW, tz="Europe/Berlin")
    assert len(note.loops) == 1, note.loops
    assert note.loops[0].due == expected
    assert note.occurred_at is None


# 02:00 UTC on Wednesday is Wednesday in Berlin but still Tuesday evening in New York.
LATE = datetime(2026, 7, 15, 2, 0, tzinfo=UTC)

ZONES = [
    ("berlin-yesterday", "Europe/Berlin", "lunch yesterday", berlin(7, 14)),
    (
        "ny-yesterday",
        "America/New_York",
        "lunch yesterday",
        datetime(2026, 7, 13, 12, tzinfo=NEW_YORK),
    ),
    (
        "ny-last-monday",
        "America/New_York",
        "call last Monday",
        datetime(2026, 7, 13, 12, tzinfo=NEW_YORK),
    ),
    (
        "ny-numeric-mdy",
        "America/New_York",
        "met Jane on 3/7",
        datetime(2026, 3, 7, 12, tzinfo=NEW_YORK),
    ),
    ("zoneinfo-object", NEW_YORK, "dinner 2 days ago", datetime(2026, 7, 12, 12, tzinfo=NEW_YORK)),
    (
        "unknown-zone-is-utc",
        "Mars/Olympus",
        "lunch yesterday",
        datetime(2026, 7, 14, 12, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(
    ("tz", "text", "expected"), [r[1:] for r in ZONES], ids=[r[0] for r in ZONES]
)
def test_dates_are_read_in_the_authors_zone(
    tz: str | ZoneInfo, text: str, expected: datetime
) -> None:
    assert parse_note(text, now=LATE, tz=tz).occurred_at == expected


def test_due_in_new_york_is_five_pm_there() -> None:
    note = parse_note("owe Raj the deck by Friday", now=LATE, tz="America/New_York")
    assert note.loops[0].due == datetime(2026, 7, 17, 17, tzinfo=NEW_YORK)


def test_dst_gap_does_not_raise() -> None:
    # 2026-03-29 02:30 does not exist in Berlin; zoneinfo folds it, the parser must not care.
    now = datetime(2026, 3, 30, 8, tzinfo=BERLIN)
    note = parse_note("call yesterday at 2:30am", now=now, tz="Europe/Berlin")
    assert note.occurred_at is not None


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August"]
MONTHS += ["September", "October", "November", "December"]


@pytest.mark.parametrize(
    "today",
    [datetime(2026, m, d, 8, tzinfo=BERLIN) for m in (1, 3, 7, 12) for d in (1, 15, 28)],
    ids=str,
)
def test_a_month_alone_reads_as_dateparser_read_it(today: datetime) -> None:
    """Month-only spans went to dateparser until the parser read them itself: every month, told
    as the past ("in March") and as a deadline ("by March"), still lands on the day it gave."""
    import dateparser

    for month in MONTHS:
        for lean, text in (
            ("past", f"met Jane in {month}"),
            ("future", f"I owe Jane the deck by {month}"),
        ):
            settings = {
                "RELATIVE_BASE": today.replace(tzinfo=None),
                "PREFER_DATES_FROM": lean,
                "PREFER_DAY_OF_MONTH": "first",
            }
            expected = dateparser.parse(month, languages=["en"], settings=settings)  # type: ignore[arg-type]
            assert expected is not None
            note = parse_note(text, now=today, tz="Europe/Berlin")
            got = note.occurred_at if lean == "past" else note.loops[0].due
            assert got is not None, text
            assert got.astimezone(BERLIN).date() == expected.date(), (today, text)


def test_importing_the_parser_does_not_import_dateparser() -> None:
    code = "import sys, bot.parsing; sys.exit('dateparser' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# Round 5: a date beside someone's news is the news's day, not the interaction's.
NEWS_DAYS = [
    ("flood-last-week", "Ava called — flooding forced them out of their house last week"),
    ("house-burned-down", "Ava mentioned Jonah's garage burned down on Sunday"),
    ("baby-last-week", "Lovely guy, just had a baby girl last week"),
    ("accident-over-the-weekend", "JB's out — car accident on the 401 over the weekend"),
    ("layoffs-last-month", "call w/ Dmitri — Brightline had layoffs last month but he survived"),
]


@pytest.mark.parametrize("text", [r[1] for r in NEWS_DAYS], ids=[r[0] for r in NEWS_DAYS])
def test_a_date_beside_news_is_the_news(text: str) -> None:
    assert parse_note(text, now=NOW, tz="Europe/Berlin").occurred_at is None


def test_the_interaction_day_stays_when_the_news_comes_after_it() -> None:
    note = parse_note(
        "Lunch with Tomas yesterday. his wife had a baby girl last week",
        now=NOW,
        tz="Europe/Berlin",
    )
    assert note.occurred_at is not None
    assert note.occurred_at.astimezone(ZoneInfo("Europe/Berlin")).date() == (
        NOW.date().fromordinal(NOW.date().toordinal() - 1)
    )
