"""Round 9: what a person means by a count, a channel and a result. "sent Ingrid all three
references" settles the references; "asked for the pricing FAQ on the call" owes the FAQ, not
"the FAQ on the call", and says the call happened; "Olav's results came back clean" is what Olav
owed, arrived; "answered Kari's vendor questionnaire" is a reply on that questionnaire; "I'll pick
them by friday" after an ask is the ask's due day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, parse_note

TZ = "Europe/Oslo"
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo(TZ))  # Wednesday 4 March 2026
YOU, THEY = Direction.YOU_OWE, Direction.THEY_OWE


def loops(text: str) -> list[tuple[Direction, str, date | None]]:
    note = parse_note(text, now=NOW, tz=TZ)
    return [
        (x.direction, x.what, x.due.astimezone(ZoneInfo(TZ)).date() if x.due else None)
        for x in note.loops
    ]


def settles(text: str) -> list[tuple[Direction, str]]:
    return [(s.direction, s.what) for s in parse_note(text, now=NOW, tz=TZ).settles]


# Where or how the ask was made is not part of the thing.
WHERE = [
    (
        "on-the-call",
        "Wei Ling Tan asked for the pricing FAQ on the call, said i'd send it friday",
        [(YOU, "the pricing FAQ", date(2026, 3, 6))],
    ),
    (
        "over-email",
        "Marta Kowalczyk asked for our cold-chain certs over email, promised them by the 12th",
        [(YOU, "our cold-chain certs", date(2026, 3, 12))],
    ),
    (
        "during-the-call",
        "Olav Nilsen asked for two reference sites during the call, I'll find them by friday",
        [(YOU, "two reference sites", date(2026, 3, 6))],
    ),
    (
        "at-lunch",
        "lunch w/ Amara Obi, she asked for the monitoring plan at lunch, sending it monday",
        [(YOU, "the monitoring plan", date(2026, 3, 9))],
    ),
    (
        "asked-on-slack-for",
        "Ingrid Berg asked on slack for a reference in oncology, told her I'd find one by the 20th",
        [(YOU, "a reference in oncology", date(2026, 3, 20))],
    ),
    (
        "asked-over-email-for",
        "Tom Hale asked me over email for the deck",
        [(YOU, "the deck", None)],
    ),
    (
        "notes-on-the-call-are-a-thing",
        "owe Raj Patel my notes on the call by friday",
        [(YOU, "my notes on the call", date(2026, 3, 6))],
    ),
    (
        "deck-by-email",
        "I'll send Ana Costa the contract over email tomorrow",
        [(YOU, "the contract", date(2026, 3, 5))],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in WHERE], ids=[c[0] for c in WHERE])
def test_where_it_was_asked_is_not_the_thing(
    text: str, expected: list[tuple[Direction, str, date | None]]
) -> None:
    assert loops(text) == expected


# A verb whose object is the thing asked for: the promise is the ask's due day.
POINTS_BACK = [
    ("pick-them", "Olav Nilsen asked for two reference sites, I'll pick them by friday"),
    ("find-one", "Priya Nair wants a dentist rec, I'll find one by friday"),
    ("write-one-up", "Priya Nair wants a case study, I'll write one up by friday"),
]


@pytest.mark.parametrize("text", [c[1] for c in POINTS_BACK], ids=[c[0] for c in POINTS_BACK])
def test_a_promise_about_it_is_the_asks_due_day(text: str) -> None:
    [(direction, _, due)] = loops(text)
    assert (direction, due) == (YOU, date(2026, 3, 6))


def test_picking_up_is_an_errand() -> None:
    assert loops("I'll pick up the kids at 5") == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Marta Kowalczyk asked for our cold-chain certificates over email", "email"),
        ("Ingrid Berg asked on slack for a reference in oncology", "text"),
        ("Sanjay Rao asked her on whatsapp for the synopsis", "text"),
        ("Marta Kowalczyk asked for Tom's email", None),  # an address, not how she asked
        ("Sanjay Rao is on slack now", None),  # where he is, not a message
        ("I'll send the deck over email tomorrow", None),  # a plan
    ],
)
def test_how_an_ask_came_is_the_kind(text: str, kind: str | None) -> None:
    assert parse_note(text, now=NOW, tz=TZ).kind == kind


CAME_BACK = [
    ("clean", "Olav Nilsen's stability results came back clean 👍", [(THEY, "stability results")]),
    ("fine", "the audit came back fine", [(THEY, "the audit")]),
    (
        "with-findings",
        "Yuki Sato's audit report came back with two minor findings",
        [(THEY, "audit report")],
    ),
    ("from-someone", "contract came back from Rosa Díaz, signed", [(THEY, "contract")]),
    ("a-person-back-from-leave", "Rosa Díaz came back from leave today", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in CAME_BACK], ids=[c[0] for c in CAME_BACK]
)
def test_what_came_back_is_what_they_owed(text: str, expected: list[tuple[Direction, str]]) -> None:
    assert settles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "answered Kari Haugen's vendor questionnaire",
            [(YOU, "a reply on the vendor questionnaire")],
        ),
        ("answered Kari Haugen's email", [(YOU, "a reply")]),
        ("answered Kari Haugen", [(YOU, "a reply")]),
    ],
)
def test_answering_their_thing_is_a_reply_on_it(
    text: str, expected: list[tuple[Direction, str]]
) -> None:
    assert settles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Yuki Sato's audit report is due friday, she'll send it",
            [(THEY, "audit report", date(2026, 3, 6))],
        ),
        ("Tom Hale's deck is ready, I'll send it monday", [(YOU, "deck", date(2026, 3, 9))]),
    ],
)
def test_it_is_someones_thing_named_before(
    text: str, expected: list[tuple[Direction, str, date | None]]
) -> None:
    assert loops(text) == expected
