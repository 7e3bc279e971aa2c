"""What someone asks the author for is owed by the author when it is a thing we give: an
intro, a referral, a recommendation, feedback. "She asked for an intro to a pediatric dentist"
was read as nothing at all (only documents counted: "asked for the deck" was a loop). A want is
still a need ("she wants an intro"), and what someone asks of others is not ours."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, parse_note

NOW = datetime(2026, 10, 5, 10, 0, tzinfo=ZoneInfo("Europe/London"))
YOU = Direction.YOU_OWE


def loops(text: str) -> list[tuple[Direction, str]]:
    note = parse_note(text, now=NOW, tz="Europe/London")
    return [(x.direction, x.what) for x in note.loops]


CASES = [
    (
        "intro-pronoun",
        "Dinner with Nkechi Eze, she asked for an intro to a pediatric dentist",
        [(YOU, "an intro to a pediatric dentist")],
    ),
    (
        "intros-plural",
        "call with Raj Patel, he asked for intros to two VCs",
        [(YOU, "intros to two VCs")],
    ),
    ("intro-bare", "coffee w/ Omar Haddad. he asked for an intro", [(YOU, "an intro")]),
    (
        "referral",
        "Lena Fischer asked for a referral to a good immigration lawyer",
        [(YOU, "a referral to a good immigration lawyer")],
    ),
    (
        "recommendation",
        "lunch with Sam Lee, he asked for a recommendation for a bookkeeper",
        [(YOU, "a recommendation for a bookkeeper")],
    ),
    ("feedback", "Mia Chen is asking for feedback on her pitch", [(YOU, "feedback on her pitch")]),
    (
        "requested-introduction",
        "Priya Nair requested an introduction to our CTO",
        [(YOU, "an introduction to our CTO")],
    ),
    # not the class
    ("asked-for-a-raise", "Tom Baker asked for a raise and got it", []),
    ("i-asked", "I asked for an intro to their CFO", []),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in CASES])
def test_what_we_are_asked_for_is_ours_to_give(
    text: str, expected: list[tuple[Direction, str]]
) -> None:
    assert loops(text) == expected
