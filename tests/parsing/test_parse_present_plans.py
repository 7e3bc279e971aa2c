"""Plans said in the present tense and things owed said without a verb: "she sends the brief
thursday" is a promise as much as "she'll send" is; "redlines to me by wed" and "the quote from
his team by friday" come our way; a habit, a thing between two others, or a chase about
something already late owes nothing new."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, parse_note

TZ = "Australia/Melbourne"
NOW = datetime(2026, 10, 30, 10, 0, tzinfo=ZoneInfo(TZ))  # Friday 30 October 2026
YOU, THEY = Direction.YOU_OWE, Direction.THEY_OWE


def loops(text: str) -> list[tuple[Direction, str, str | None, date | None]]:
    note = parse_note(text, now=NOW, tz=TZ)
    return [
        (x.direction, x.what, x.person, x.due.astimezone(ZoneInfo(TZ)).date() if x.due else None)
        for x in note.loops
    ]


CASES = [
    (
        "she-sends-thursday",
        "call w/ Farah Haddad — she sends the partner brief thursday",
        [(THEY, "the partner brief", None, date(2026, 11, 5))],
    ),
    (
        "name-sends-by",
        "Michael Goldberg sends the final term sheet by 19/11",
        [(THEY, "the final term sheet", "Michael Goldberg", date(2026, 11, 19))],
    ),
    (
        "his-team-sends",
        "bumped into Kwame Asante. his team sends feedback by the 25th",
        [(THEY, "feedback", None, date(2026, 11, 25))],
    ),
    (
        "we-send",
        "call w/ Siobhán Walsh — we send the DPA wednesday",
        [(YOU, "the DPA", None, date(2026, 11, 4))],
    ),
    (
        "goes-out-to-her",
        "Ananya Krishnan panel done. offer goes out to her on thursday",
        [(YOU, "offer", None, date(2026, 11, 5))],
    ),
    (
        "to-me-by",
        "Lachlan Reid: term sheet redlines to me by wed",
        [(THEY, "term sheet redlines", "Lachlan Reid", date(2026, 11, 4))],
    ),
    (
        "from-his-team-by",
        "coffee with Mehmet Yilmaz. the revised quote from his finance team by friday",
        [(THEY, "the revised quote", None, date(2026, 11, 6))],
    ),
    (
        "back-from-her",
        "contract to Wei Ling Tan by monday, countersigned copy back from her by the 27th",
        [
            (YOU, "contract", "Wei Ling Tan", date(2026, 11, 2)),
            (THEY, "countersigned copy", None, date(2026, 11, 27)),
        ],
    ),
    (
        "expect-their",
        "Lachlan Reid texted: expect their usage forecast monday",
        [(THEY, "their usage forecast", None, date(2026, 11, 2))],
    ),
    (
        "pronoun-held-thing",
        "video call w/ Kwame — the draft SOW is w/ our legal, promised it to him by the 12th",
        [(YOU, "the draft SOW", None, date(2026, 11, 12))],
    ),
    (
        "ask-then-promise",
        "Aroha Ngata asked us for three launch dates, I'll send options thursday",
        [(YOU, "three launch dates", "Aroha Ngata", date(2026, 11, 5))],
    ),
    (
        "asker-from-their-team",
        "Dmitri Volkov from their data team asked us for the API sandbox keys",
        [(YOU, "the API sandbox keys", "Dmitri Volkov", None)],
    ),
    # nothing owed
    ("habit", "Farah Haddad sends updates every friday", []),
    ("no-day", "Farah Haddad sends her regards", []),
    ("between-them", "Sam Okafor sends Ken Ito the deck monday", []),
    ("a-place", "samples from the warehouse by friday", []),
    ("not-a-thing", "Yuki Nakamura says their GM is leaving, so expect some chaos in May", []),
    (
        "chase-of-the-late",
        "Siobhán Walsh's questionnaire still hasn't arrived, nudged her on linkedin",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in CASES])
def test_what_is_owed(
    text: str, expected: list[tuple[Direction, str, str | None, date | None]]
) -> None:
    assert loops(text) == expected


def test_a_chase_by_its_channel_is_a_message() -> None:
    note = parse_note("nudged Siobhán Walsh again on whatsapp", now=NOW, tz=TZ)
    assert note.kind == "text"


TICKED = [
    ("topic-sent", "quick sync w/ Tomás Quiroga — references: sent him two ✅", YOU, "references"),
    ("topic-he-got-it", "revised timeline: he got it ✅", YOU, "revised timeline"),
    (
        "topic-booked",
        "Farah Haddad's intro to our CEO: booked for the 24th ✅",
        YOU,
        "intro to our CEO",
    ),
    ("attached", "Aroha Ngata: brand guidelines attached ✅", THEY, "brand guidelines"),
]


@pytest.mark.parametrize(
    ("text", "direction", "what"), [pytest.param(t, d, w, id=i) for i, t, d, w in TICKED]
)
def test_a_thing_ticked_off_by_topic_is_settled(text: str, direction: Direction, what: str) -> None:
    note = parse_note(text, now=NOW, tz=TZ)
    assert (direction, what) in [(s.direction, s.what) for s in note.settles]


def test_a_tick_on_a_plan_settles_nothing() -> None:
    note = parse_note("pilot scope: will send next week ✅", now=NOW, tz=TZ)
    assert [s.what for s in note.settles if s.what == "pilot scope"] == []
