"""A person the note already named, named again in short or in lower case, is the same person.

Notes name someone in full once ("the immigration lawyer Javier de la Fuente") and then by first
name, often typed in lower case ("waiting on javier for a timeline"). The loop is theirs, not the
note's main person's, and it is filed under the name first written. A common English word that
happens to be someone's first name ("will", "grace", "max 3 seats") stays a word unless it
stands beside another name.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
YOU, THEY = Direction.YOU_OWE, Direction.THEY_OWE

SAME_PERSON = [
    (
        "lower-case-first-name-later",
        "Farida accepted!! the immigration lawyer Javier de la Fuente is handling the visa. "
        "waiting on javier for a timeline by Friday",
        THEY,
        ["Javier de la Fuente"],
    ),
    (
        "lower-case-possessive-is-she-is",
        "met Sofía de la Vega and Hans Wendt at our booth. sofía's sending the line specs Friday",
        THEY,
        ["Sofía de la Vega"],
    ),
    (
        "hyphenated-given-name",
        "video call w/ Ji-woo + Hyun-soo Choi. hyun-soo owes us their portfolio CFO list",
        THEY,
        ["Hyun-soo Choi"],
    ),
    (
        "a-common-first-name-beside-another-name",
        "mtg w/ Max + plant manager Jürgen Bauer. pilot on 2 lines 👍 max and jürgen both need "
        "the sensor spec sheet from us by fri",
        YOU,
        ["Jürgen Bauer", "Max"],
    ),
    (
        "the-last-word-of-a-family-name-first-name",
        "video call w/ Chau + her head of growth Đỗ Quang Huy.\n• Huy owes us the research deck",
        THEY,
        ["Đỗ Quang Huy"],
    ),
]


@pytest.mark.parametrize(
    ("text", "direction", "people"), [pytest.param(*c[1:], id=c[0]) for c in SAME_PERSON]
)
def test_named_again_is_the_same_person(text: str, direction: Direction, people: list[str]) -> None:
    parsed = parse_note(text, now=NOW, tz="Europe/Berlin")
    loops = [x for x in parsed.loops if x.direction is direction]
    assert sorted(x.person or "" for x in loops) == people, parsed.loops
    written = [p.name for p in parsed.people]
    assert len(written) == len(set(written)), written  # one contact each, not a second "javier"


WORDS_STAY_WORDS = [
    ("will", "lunch w/ Will Turner. will send the deck Friday", ["Will Turner"]),
    ("max-alone", "call w/ Max Weber, max 3 seats at the dinner", ["Max Weber"]),
    ("grace", "met Grace Lee. grace period on the invoice is 30 days", ["Grace Lee"]),
    ("not-named-before", "javier owes us the timeline", []),
]


@pytest.mark.parametrize(
    ("text", "people"), [pytest.param(*c[1:], id=c[0]) for c in WORDS_STAY_WORDS]
)
def test_a_word_is_not_a_second_mention(text: str, people: list[str]) -> None:
    parsed = parse_note(text, now=NOW, tz="Europe/Berlin")
    assert [p.name for p in parsed.people] == people
    assert all(x.person in (None, *people) for x in parsed.loops), parsed.loops


def test_will_is_still_a_promise() -> None:
    parsed = parse_note(
        "lunch w/ Will Turner. will send the deck Friday", now=NOW, tz="Europe/Berlin"
    )
    assert [(x.direction, x.what) for x in parsed.loops] == [(YOU, "the deck")]
