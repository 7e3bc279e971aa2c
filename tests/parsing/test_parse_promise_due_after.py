"""A promise that names no thing gives its day to the loop just before it: "he asked for the
updated pricing, will send by thu" is the pricing, due Thursday (the day was lost: the promise
had no object, so it was neither a loop of its own nor a deadline)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, parse_note

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Wednesday
YOU = Direction.YOU_OWE
THU, FRI, MON = date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 7)


def loops(text: str) -> list[tuple[Direction, str, date | None]]:
    note = parse_note(text, now=NOW, tz="Europe/Berlin")
    tz = ZoneInfo("Europe/Berlin")
    return [
        (x.direction, x.what, x.due.astimezone(tz).date() if x.due else None) for x in note.loops
    ]


CASES = [
    (
        "will-send-by",
        "call with Marco Rossi (Fincorp) - he asked for the updated pricing, will send by thu",
        [(YOU, "the updated pricing", THU)],
    ),
    (
        "will-send-day",
        "call with Marco Rossi - he asked for the updated pricing, will send Thursday",
        [(YOU, "the updated pricing", THU)],
    ),
    ("sending-day", "Marco Rossi wants the SOW, sending tomorrow", [(YOU, "the SOW", THU)]),
    (
        "sending-it-over",
        "lunch w/ Ana Silva; she needs our W-9, sending it over Monday",
        [(YOU, "our W-9", MON)],
    ),
    (
        "ill-get-it-over",
        "Marco Rossi wants the SOW, I'll get it over to him by Friday",
        [(YOU, "the SOW", FRI)],
    ),
    # not the class: a day that belongs to something else
    ("no-loop-before", "met Ana Silva, she is moving to Lisbon, will send on Friday", []),
    (
        "his-own-plan",
        "Marco Rossi wants the SOW, he'll be in Berlin Thursday",
        [(YOU, "the SOW", None)],
    ),
    (
        "past-day",
        "Marco Rossi wants the SOW, sent a draft on Monday",
        [(YOU, "the SOW", None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in CASES])
def test_a_promise_without_a_thing_gives_its_day_to_the_loop_before(
    text: str, expected: list[tuple[Direction, str, date | None]]
) -> None:
    assert loops(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "coffee w/ Alex Kim and Maria Lopez, she asked for the deck and he wants a demo next week",
        "coffee w/ Alex Kim and Maria Lopez. she asked for the deck, he wants a demo next week",
    ],
)
def test_his_request_after_hers_is_a_loop_of_its_own(text: str) -> None:
    """Read as her deck due next week, his demo lost: a short "what" after a loop was taken
    for our promise naming only the kind of thing ("…, I'll send a list Thu")."""
    assert set(loops(text)) == {(YOU, "the deck", None), (YOU, "a demo", date(2026, 12, 9))}
