"""Dates in chat shorthand and in the languages people mix in ("nxt wk", "b4", "tdy", "this am",
"1st wk of July", a misspelt weekday, "hier", "mañana", "até sexta"), and dates that belong to
something else: a future thing named with a past verb, someone else's news, an aside."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import parse_note

TZ = "America/Mexico_City"
NOW = datetime(2026, 10, 14, 16, 0, tzinfo=ZoneInfo(TZ))  # Wednesday 14 October 2026


def occurred(text: str) -> date | None:
    note = parse_note(text, now=NOW, tz=TZ)
    return note.occurred_at.astimezone(ZoneInfo(TZ)).date() if note.occurred_at else None


def dues(text: str) -> list[date | None]:
    note = parse_note(text, now=NOW, tz=TZ)
    return [x.due.astimezone(ZoneInfo(TZ)).date() if x.due else None for x in note.loops]


HAPPENED = [
    ("this-am", "call w/ Valeria this am, went fine", date(2026, 10, 14)),
    ("tdy", "met Ricardo tdy at the plant", date(2026, 10, 14)),
    ("spanish-yesterday", "comida con Valeria ayer, all good", date(2026, 10, 13)),
    ("french-yesterday", "appel avec Ricardo hier", date(2026, 10, 13)),
    ("german-yesterday", "Mittagessen mit Jonas gestern", date(2026, 10, 13)),
    ("portuguese-yesterday", "falei com a Bia ontem", date(2026, 10, 13)),
    ("weekday-typo", "coffee w/ Ricardo on wendesday", date(2026, 10, 7)),
    ("weekday-typo-thursday", "lunch with Valeria last thrusday", date(2026, 10, 8)),
]

NOT_WHEN_IT_HAPPENED = [
    ("future-thing-with-past-verb", "booked the venue for 3/11, confirmed with Ricardo"),
    ("rebooked", "Ricardo no-showed, rebooked for 21/10"),
    ("accepted-for-a-day", "Valeria accepted the invite for jueves 22/10"),
    ("someone-elses-news", "Ricardo told me his dad had a fall last month"),
    ("relative-subject", "Valeria called: her son was born on Monday"),
    ("aside-in-brackets", "Valeria is out for a bit (surgery last wk)"),
    ("also-their-news", "call w/ Ricardo. Also their warehouse flooded last wk"),
]

DUE = [
    ("nxt-wk", "Valeria will send the floor plans nxt wk", [date(2026, 10, 21)]),
    ("b4", "owe Ricardo the quote b4 Friday", [date(2026, 10, 16)]),
    ("first-week-of", "need to ping Ricardo 1st wk of November", [date(2026, 11, 7)]),
    ("this-wk", "I will send Valeria both drafts this wk", [date(2026, 10, 16)]),
    ("weekday-typo-due", "Valeria wants the deck by thrusday", [date(2026, 10, 15)]),
    ("spanish-weekday-due", "Ricardo needs our W-9 antes del viernes", [date(2026, 10, 16)]),
    ("portuguese-weekday-due", "Bia will send the slides até sexta-feira", [date(2026, 10, 16)]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in HAPPENED], ids=[r[0] for r in HAPPENED]
)
def test_shorthand_and_mixed_language_days(text: str, expected: date) -> None:
    assert occurred(text) == expected


@pytest.mark.parametrize(
    "text", [r[1] for r in NOT_WHEN_IT_HAPPENED], ids=[r[0] for r in NOT_WHEN_IT_HAPPENED]
)
def test_dates_that_belong_to_something_else(text: str) -> None:
    assert occurred(text) is None


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in DUE], ids=[r[0] for r in DUE])
def test_shorthand_due_dates(text: str, expected: list[date | None]) -> None:
    assert dues(text) == expected
