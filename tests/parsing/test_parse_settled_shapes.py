"""Settlements said without the usual verb-object shape: a thing that "is in" with only a dash,
an aside or any emoji after it, a thing that "went to" someone, and someone's own thing sent
("sent Lan's gift"), which reached its owner when nobody else is named."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, Knowledge, KnownPerson, Settlement, parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
YOU, THEY = Direction.YOU_OWE, Direction.THEY_OWE


# "went to Christos" reads as travel unless Christos is someone the workspace knows
KNOWN = Knowledge(
    people=tuple(
        KnownPerson(n)
        for n in (
            "Christos Antoniou",
            "Bao Tran",
            "Wale Ogun",
            "Kazuhiro Tanaka",
            "Mehdi Rostami",
            "Javier Soto",
        )
    )
)


def settles(text: str) -> tuple[Settlement, ...]:
    return parse_note(text, now=NOW, tz="Europe/Berlin", known=KNOWN).settles


SETTLED = [
    (
        "in-then-emoji",
        "coffee w/ Jarrah — his abstract is in 👌 finally",
        THEY,
        "his abstract",
        None,
    ),
    ("in-then-other-emoji", "Ana's deck is in 🫡", THEY, "deck", "Ana"),
    (
        "in-then-dash",
        "Mtg w/ Griet. Redlines are in — mostly the liability cap",
        THEY,
        "Redlines",
        None,
    ),
    (
        "in-then-aside",
        "coffee w/ FZ — abstract is in (LLM evals for French models)",
        THEY,
        "abstract",
        None,
    ),
    ("went-to-name", "care pack went to Christos last fri btw", YOU, "care pack", "Christos"),
    ("went-to-possessive", "flowers went to Bao's family 🕊️", YOU, "flowers", "Bao"),
    ("gone-to", "the signed MoU has gone to Wale", YOU, "the signed MoU", "Wale"),
    ("sent-owners-thing", "sent Kazuhiro's card + flowers mon", YOU, "Kazuhiro's card", "Kazuhiro"),
]


SETTLED += [
    (
        "called-then-date-then-with",
        "called mehdi last fri w/ the feedback",
        YOU,
        "the feedback",
        "mehdi",
    ),
    (
        "called-on-day-with",
        "called Mehdi on monday with the interview feedback",
        YOU,
        "the interview feedback",
        "Mehdi",
    ),
    (
        "got-back-colon",
        "javier got back: LMIA timeline is 8 wks",
        THEY,
        "a reply on LMIA timeline is 8 wks",
        "javier",
    ),
    ("got-back-bare", "Javier got back, all good", THEY, "a reply", "Javier"),
]


@pytest.mark.parametrize(
    ("text", "direction", "what", "person"), [pytest.param(*c[1:], id=c[0]) for c in SETTLED]
)
def test_settled(text: str, direction: Direction, what: str, person: str | None) -> None:
    assert Settlement(direction, what, person) in settles(text), settles(text)


NOT_SETTLED = [
    ("in-person", "Ana's team is in person this week"),
    ("in-a-month", "her deck is in March"),
    ("person-went-to-a-place", "Christos went to Berlin for the week"),
    ("went-to-no-one", "the deal went to tender"),
    ("not-yet-in", "the abstract is not in yet"),
]


@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in NOT_SETTLED])
def test_not_settled(text: str) -> None:
    assert settles(text) == (), settles(text)


def test_a_call_with_someone_is_no_thing_delivered() -> None:
    assert [x.what for x in settles("called Mehdi yesterday w/ Ana")] == ["a call"]


def test_someone_elses_thing_passed_on_goes_to_whom_it_was_sent() -> None:
    assert Settlement(YOU, "Aga's profile", "Mehmet") in settles("sent Aga's profile to Mehmet")
    # forwarding or sharing someone's thing passes it on: not to its owner
    assert all(s.person != "Tom" for s in settles("forwarded Tom's email ✅"))
