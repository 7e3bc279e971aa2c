"""A promise reported after "told him"/"told her": "I'd" and "we'd" carry their own subject, so
whatever stands before them (a pronoun, a name, nothing) the promise is the author's."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, parse_note

NOW = datetime(2026, 10, 5, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
YOU, THEY = Direction.YOU_OWE, Direction.THEY_OWE


def loops(text: str) -> list[tuple[Direction, str]]:
    note = parse_note(text, now=NOW, tz="America/Los_Angeles")
    return [(x.direction, x.what) for x in note.loops]


CASES = [
    ("told-him-id", "Told him I'd send a clean cap table by Friday.", [(YOU, "a clean cap table")]),
    ("told-her-wed", "told her we'd send the deck", [(YOU, "the deck")]),
    ("told-them-id", "told them i'd ask around", [(YOU, "ask around")]),
    ("told-name-id", "told Raj I'd send the deck", [(YOU, "the deck")]),
    ("id-alone", "I'd send the deck by Friday", [(YOU, "the deck")]),
    # not the class: someone else's promise, and "I'd" that promises nothing
    ("he-said-hed", "told him to send it, he said he'd send the deck Friday", [(THEY, "the deck")]),
    ("id-like", "told him I'd like a break", []),
    ("id-be", "told her I'd be in Berlin", []),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in CASES])
def test_told_then_i_would(text: str, expected: list[tuple[Direction, str]]) -> None:
    assert loops(text) == expected
