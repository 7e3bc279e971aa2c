"""Dates as people write them: day/month order by the author's locale (asked about when it can't
be told), day-first forms, abbreviations and typos, plans that are not when anything happened."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Knowledge, parse_note
from bot.parsing.dates import zone_date_order

# Monday 20 April 2026, mid-morning
AT = {
    "Europe/Berlin": datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")),
    "America/New_York": datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("America/New_York")),
    "UTC": datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("UTC")),
    "Australia/Sydney": datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("Australia/Sydney")),
    "America/Sao_Paulo": datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("America/Sao_Paulo")),
    "Asia/Tokyo": datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
}


def occurred(text: str, tz: str = "Europe/Berlin") -> date | None:
    note = parse_note(text, now=AT[tz], tz=tz)
    return note.occurred_at.astimezone(ZoneInfo(tz)).date() if note.occurred_at else None


def due(text: str, tz: str = "Europe/Berlin") -> date | None:
    note = parse_note(text, now=AT[tz], tz=tz)
    assert len(note.loops) == 1, note.loops
    d = note.loops[0].due
    return d.astimezone(ZoneInfo(tz)).date() if d else None


OCCURRED = [
    ("berlin-day-first", "met Jane on 3/4", "Europe/Berlin", date(2026, 4, 3)),
    ("new-york-month-first", "met Jane on 3/4", "America/New_York", date(2026, 3, 4)),
    ("sydney-day-first", "catch-up with Chloe on 10/4", "Australia/Sydney", date(2026, 4, 10)),
    ("sao-paulo-day-first", "met Jane on 3/4", "America/Sao_Paulo", date(2026, 4, 3)),
    ("tokyo-month-first", "met Jane on 3/4", "Asia/Tokyo", date(2026, 3, 4)),
    (
        "berlin-only-one-reading",
        "on 3/14 we had our first call",
        "Europe/Berlin",
        date(2026, 3, 14),
    ),
    ("new-york-only-one-reading", "met Jane on 14/3", "America/New_York", date(2026, 3, 14)),
    ("utc-only-one-reading", "met Jane on 3/14", "UTC", date(2026, 3, 14)),
    ("utc-same-both-ways", "met Jane on 4/4", "UTC", date(2026, 4, 4)),
    ("with-two-digit-year", "met Jane on 3/4/25", "Europe/Berlin", date(2025, 4, 3)),
    ("with-year", "met Jane on 12/15/2025", "America/New_York", date(2025, 12, 15)),
    ("dotted-day-first", "meeting with Zoë on 14.03.", "America/New_York", date(2026, 3, 14)),
    ("dotted-with-year", "met Jane 03.04.2026", "America/New_York", date(2026, 4, 3)),
    ("day-dot-month-word", "first met Bruno on 13. April", "Europe/Berlin", date(2026, 4, 13)),
    ("bare-pair-after-a-word", "call w/ raj 2/2", "America/New_York", date(2026, 2, 2)),
    ("one-d-ago", "coffee w tyler 1d ago", "Europe/Berlin", date(2026, 4, 19)),
    ("three-d-ago", "email from maria 3d ago", "Europe/Berlin", date(2026, 4, 17)),
    ("two-wks-ago", "lunch with Sam 2wks ago", "Europe/Berlin", date(2026, 4, 6)),
    ("three-mos-ago", "raj - 3mos ago he said no", "Europe/Berlin", date(2026, 1, 20)),
    ("a-yr-ago", "met Jane 1yr ago", "Europe/Berlin", date(2025, 4, 20)),
    ("yday", "lunch w/ derek yday", "Europe/Berlin", date(2026, 4, 19)),
    ("yest", "called Raj yest", "Europe/Berlin", date(2026, 4, 19)),
    ("nearest-bare-weekday-behind", "lunch with Sam Friday", "Europe/Berlin", date(2026, 4, 17)),
    ("friday-retro-on-the-day", "Monday standup w/ Hugo", "Europe/Berlin", date(2026, 4, 20)),
    ("past-tense-month-day-ahead", "met Priya on April 25", "Europe/Berlin", date(2025, 4, 25)),
    ("re-logging", "re-logging: meeting with Zoë on 14.03.", "Europe/Berlin", date(2026, 3, 14)),
]


@pytest.mark.parametrize(
    ("text", "tz", "expected"), [r[1:] for r in OCCURRED], ids=[r[0] for r in OCCURRED]
)
def test_when_it_happened(text: str, tz: str, expected: date) -> None:
    assert occurred(text, tz) == expected


PLANS = [
    ("meeting-bare-weekday-ahead", "Meeting Thursday"),
    ("kicking-off", "mtg w/ Katrin, kicking off their pilot Thursday"),
    ("set-for", "office called — meeting set for 4 June"),
    ("start-date", "she accepted, start date 1 July"),
    ("hosting", "Sanne is hosting the next meetup on the 19th"),
    ("relocating", "Priya is relocating to Denver in June"),
    ("bare-date-ahead", "for the May 4 hackathon"),
    ("funeral-is-on", "funeral is on Saturday"),
    ("her-surgery", "her dad's having heart surgery on Friday"),
    ("their-news", "her dad passed away on Friday"),
    ("tonight-in-the-morning", "sending her the contract tonight"),
    ("flying-tonight", "flying back tonight"),
    ("moved-to", "Riyadh launch moved to 10/6"),
    ("rescheduled", "Rescheduled Jonas to 19.05. at 10:00"),
    ("typo-tomorrow", "demo for raj and tyler tommorrow"),
    ("typo-tmrw", "mtg w maria tmrw 2pm"),
    ("offsite-ahead", "both at the offsite Wednesday"),
]


@pytest.mark.parametrize("text", [r[1] for r in PLANS], ids=[r[0] for r in PLANS])
def test_plans_are_not_when_anything_happened(text: str) -> None:
    assert occurred(text) is None


def test_tonight_written_late_is_today() -> None:
    late = datetime(2026, 4, 20, 23, 10, tzinfo=ZoneInfo("UTC"))
    note = parse_note("drinks with Felix tonight", now=late, tz="UTC")
    assert note.occurred_at is not None
    assert note.occurred_at.date() == date(2026, 4, 20)


UNCLEAR = [
    ("utc-either-way", "follow up w/ Raj on 3/4", "UTC", '"3/4": 3 April or March 4?'),
    ("unknown-zone", "meeting with Kenji on 06/08", "UTC", '"06/08": 6 August or June 8?'),
    ("no-such-day", "Hugo called on 31/4", "Europe/Berlin", 'no such date "31/4"'),
    ("no-such-dotted", "met Jane on 30.02.", "Europe/Berlin", 'no such date "30.02."'),
    ("no-32nd", "dinner w Camille on the 32nd", "Europe/Berlin", 'no such date "on the 32nd"'),
]


@pytest.mark.parametrize(
    ("text", "tz", "expected"), [r[1:] for r in UNCLEAR], ids=[r[0] for r in UNCLEAR]
)
def test_a_date_that_cannot_be_read_is_said_not_guessed(text: str, tz: str, expected: str) -> None:
    note = parse_note(text, now=AT[tz], tz=tz)
    assert note.occurred_at is None
    assert any(expected in line for line in note.not_understood), note.not_understood


def test_an_ambiguous_due_date_is_no_due_date() -> None:
    note = parse_note("she'll reply by 8/10", now=AT["UTC"], tz="UTC")
    assert [loop.due for loop in note.loops] == [None]
    assert any("8/10" in line for line in note.not_understood)


def test_the_snapshots_date_order_settles_it() -> None:
    note = parse_note(
        "need to follow up w/ Raj on 3/5",
        now=AT["UTC"],
        tz="UTC",
        known=Knowledge(date_order="DMY"),
    )
    assert note.loops[0].due is not None
    assert note.loops[0].due.date() == date(2026, 5, 3)
    assert note.not_understood == ()


DUE = [
    ("mdy-by", "owe Raj the deck by 12/15", "America/New_York", date(2026, 12, 15)),
    ("dmy-by", "owe Raj the deck by 15/12", "Europe/Berlin", date(2026, 12, 15)),
    ("dotted-by", "signed contract expected by 20.05.", "Europe/Berlin", date(2026, 5, 20)),
    ("next-wed", "she'll send the checklist by next Wed", "Europe/Berlin", date(2026, 4, 22)),
    ("tomorrow-typo", "she'll send the vendor form tommorrow", "Europe/Berlin", date(2026, 4, 21)),
    ("the-25th", "he needs our W-9 by the 25th", "Europe/Berlin", date(2026, 4, 25)),
    ("the-day-itself", "he needs our W-9 by the 20th", "Europe/Berlin", date(2026, 4, 20)),
    ("eow", "Arjun wants our term sheet by EOW", "Europe/Berlin", date(2026, 4, 24)),
    ("in-2wks", "need to follow up with Sam in 2wks", "Europe/Berlin", date(2026, 5, 4)),
]


@pytest.mark.parametrize(("text", "tz", "expected"), [r[1:] for r in DUE], ids=[r[0] for r in DUE])
def test_due_dates(text: str, tz: str, expected: date) -> None:
    assert due(text, tz) == expected


ZONE_ORDERS = [
    ("Europe/Berlin", "DMY"),
    ("America/New_York", "MDY"),
    ("America/Los_Angeles", "MDY"),
    ("America/Toronto", "MDY"),
    ("America/Sao_Paulo", "DMY"),
    ("America/Mexico_City", "DMY"),
    ("Asia/Tokyo", "MDY"),
    ("Asia/Kolkata", "DMY"),
    ("Australia/Sydney", "DMY"),
    ("UTC", None),
    ("Etc/GMT+2", None),
    ("", None),
]


@pytest.mark.parametrize(("zone", "order"), ZONE_ORDERS, ids=[z or "empty" for z, _ in ZONE_ORDERS])
def test_zone_date_order(zone: str, order: str | None) -> None:
    assert zone_date_order(zone) == order
