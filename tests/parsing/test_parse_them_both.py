"""One promise to "them both" is one loop for each person the note named before it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
YOU = Direction.YOU_OWE


def owed(text: str) -> list[tuple[str | None, str]]:
    note = parse_note(text, now=NOW, tz="Europe/Berlin")
    return sorted((x.person, x.what) for x in note.loops if x.direction is YOU)


EACH = [
    (
        "owe-them-both",
        "call w/ Amira + Hossam, integration scoped. I owe them both the integration spec by Fri",
        [("Amira", "the integration spec"), ("Hossam", "the integration spec")],
    ),
    (
        "them-both-after-two-clauses",
        "lunch w/ Joana and Rafa. Joana's MC, Rafa does the stream. I owe them both a run-of-show",
        [("Joana", "a run-of-show"), ("Rafa", "a run-of-show")],
    ),
    (
        "each-of-them",
        "met Lena Vogt and Tom Berg at the expo. need to send each of them our deck",
        [("Lena Vogt", "our deck"), ("Tom Berg", "our deck")],
    ),
    (
        "them-all",
        "dinner w/ Ana, Raj and Kofi. I'll send them all the photos tomorrow",
        [("Ana", "the photos"), ("Kofi", "the photos"), ("Raj", "the photos")],
    ),
]

NOT_EACH = [
    # "them" alone may mean their company: the note's main person, as before
    (
        "them-alone",
        "Mtg w/ Griet + her colleague Pádraig. I owe them revised pricing by Friday",
        [(None, "revised pricing")],
    ),
    ("one-person", "call w/ Amira. I owe them both the spec", [(None, "both the spec")]),
    (
        "a-named-recipient",
        "call w/ Amira + Hossam. both of them want the spec, I owe Amira the deck",
        [("Amira", "the deck")],
    ),
]


@pytest.mark.parametrize(
    ("text", "loops"), [pytest.param(t, x, id=i) for i, t, x in EACH + NOT_EACH]
)
def test_them_both(text: str, loops: list[tuple[str | None, str]]) -> None:
    assert owed(text) == loops


THEM_THE_THINGS = [
    (
        "get-them-to-her",
        "Ji-woo wants 3 customer refs, i said i'd get them to her by end of next week",
        [(None, "3 customer refs")],
    ),
    (
        "send-them-to-him",
        "Omar asked for the case studies, will send them to him Friday",
        [("Omar", "the case studies")],
    ),
    # not the class: "them" the people, and "them" sent to me (theirs to send)
    ("send-them-the-deck", "call w/ Ana. I'll send them the deck", [(None, "the deck")]),
]


@pytest.mark.parametrize(
    ("text", "loops"), [pytest.param(t, x, id=i) for i, t, x in THEM_THE_THINGS]
)
def test_them_before_to_someone_is_the_things(
    text: str, loops: list[tuple[str | None, str]]
) -> None:
    assert owed(text) == loops
