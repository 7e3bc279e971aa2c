"""Whose a thing "due" on a day is: "our response is due back 20.11." and "my draft's due Friday"
are ours to send; "the invoice is due Friday" says nobody, and "due to" is no deadline."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, parse_note

TZ = "Australia/Melbourne"
NOW = datetime(2026, 10, 30, 10, 0, tzinfo=ZoneInfo(TZ))  # Friday 30 October 2026
YOU, THEY = Direction.YOU_OWE, Direction.THEY_OWE


def loops(text: str) -> list[tuple[Direction, str, date | None]]:
    note = parse_note(text, now=NOW, tz=TZ)
    return [
        (x.direction, x.what, x.due.astimezone(ZoneInfo(TZ)).date() if x.due else None)
        for x in note.loops
    ]


CASES = [
    (
        "our-thing-due-back",
        "Hafiz's RFP landed 📥 our response is due back 20.11.",
        [(YOU, "our response", date(2026, 11, 20))],
    ),
    ("our-thing-due", "our proposal is due Friday", [(YOU, "our proposal", date(2026, 11, 6))]),
    ("my-thing-s-due", "my draft's due Friday", [(YOU, "my draft", date(2026, 11, 6))]),
    # not ours: nobody's, theirs, or "due to"
    ("nobodys", "the invoice is due Friday", []),
    ("theirs", "their deck is due Friday", []),
    ("due-to", "our offsite is due to start Friday", []),
    (
        "coming-is-theirs",
        "revised SOW coming by Friday",
        [(THEY, "revised SOW", date(2026, 11, 6))],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in CASES])
def test_whose_due_thing(text: str, expected: list[tuple[Direction, str, date | None]]) -> None:
    assert loops(text) == expected
