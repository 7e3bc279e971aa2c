"""Whom "he", "him", "she" and "her" mean in a loop, when a note names more than one person.

A given name that is only a man's or only a woman's (Faker's locales agree: bot/parsing/data/
given_genders.txt) can't be the other pronoun, so the one person the pronoun can mean is the
counterpart, wherever they were named. Among several who fit, the one whose name says so is
meant. When the names don't decide (two men, two women), the older, cautious rule stands: the
note's main person (None).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
YOU, THEY = Direction.YOU_OWE, Direction.THEY_OWE

# (case id, note, direction of its one loop, whom it is with: None is the note's main person)
DECIDED_BY_THE_NAME = [
    (
        "him-after-a-woman-named-last",
        "Christos rang, he's taking a few weeks off. Matilda Kaur is covering the account. "
        "sending him a care pack tmrw",
        YOU,
        None,  # Christos, the note's main person (not Matilda, who leads the clause before)
    ),
    (
        "she-after-a-man-named-last",
        "sync w/ Matilda Kaur re the shoot, Christos still out. she needs the shot list by Friday",
        YOU,
        None,  # Matilda Kaur, the note's main person (not Christos, who leads the clause before)
    ),
    (
        "he-is-the-colleague-not-the-woman",
        "Aylin signed the NDA. next up security review w/ her IT guy Reza Karimi — he's sending "
        "their vendor questionnaire next week",
        THEY,
        "Reza Karimi",
    ),
    (
        "she-is-still-the-woman-who-hands-over",
        "email from Aylin: she's out from August and handing the account to Mostafa El-Sayed, "
        "who runs plant IT. she'll intro us next week",
        THEY,
        None,  # Aylin, the note's main person
    ),
    (
        "him-after-his-own-possessive",
        "Aiko texted: the campaign tested well. Kazuhiro's dinner got cut short, his mum passed. "
        "sending a card to him today",
        YOU,
        "Kazuhiro",
    ),
    (
        "what-we-owe-goes-to-him-not-to-the-asker",
        "voice note from Yui — their CISO Omid Farahani wants our pen test report. she asked us to "
        "send it to him before Friday",
        YOU,
        "Omid Farahani",
    ),
    (
        "the-one-name-that-says-she-over-one-that-says-nothing",
        "lunch w/ Priya Shah, her colleague Kavitha joined. she wants our case studies by Friday",
        YOU,
        None,  # Priya Shah, the note's main person
    ),
    (
        "her-is-the-woman-among-men",
        "call w/ Tomasz and Anna Novak, Marek joined late. I owe her the pricing sheet by Friday",
        YOU,
        "Anna Novak",
    ),
]

DECIDED_BY_THE_NAME += [
    (
        "a-second-verb-carries-the-he",
        "call w/ Aylin Demir, she did the intro to Mostafa Saleh ✅ he wants a site visit, and "
        "needs our ISO 27001 cert by fri",
        YOU,
        "Mostafa Saleh",
    ),
]

NOT_DECIDED = [
    (
        "two-men-the-name-cannot-choose",
        "Sam Adebayo texted: round closed, thanks for the intro to Omar. owe him a congrats gift",
        YOU,
        None,
    ),
    (
        "a-man-named-in-passing-by-his-possessive",
        "still nothing from Hendrik re Pieter's email. nudged him again, waiting on him",
        THEY,
        None,
    ),
    (
        "no-he-in-the-sentence-before",
        "Aylin did the intro to Mostafa Saleh. and needs our ISO cert by fri",
        YOU,
        None,
    ),
    (
        "one-person-only",
        "coffee w/ Christos, sending him the deck Friday",
        YOU,
        None,
    ),
    (
        "two-women-the-name-cannot-choose",
        "lunch w/ Priya Shah and her colleague Maria Costa. she wants our case studies by Friday",
        YOU,
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "direction", "person"),
    [pytest.param(t, d, p, id=i) for i, t, d, p in DECIDED_BY_THE_NAME + NOT_DECIDED],
)
def test_whom_the_pronoun_means(text: str, direction: Direction, person: str | None) -> None:
    parsed = parse_note(text, now=NOW, tz="Europe/Berlin")
    loops = [x for x in parsed.loops if x.direction is direction]
    assert loops, parsed.loops
    assert [x.person for x in loops] == [person] * len(loops), parsed.loops


def test_a_name_that_is_a_surname_says_no_gender() -> None:
    """ "Park" is a man's given name in some lists and the family name of "Park Ji-woo": a word
    that is also a surname tells nothing about who she is."""
    from bot.parsing.gazetteer import gender_of, is_surname

    assert gender_of("christos") == "m"
    assert gender_of("matilda") == "f"
    assert gender_of("andrea") != "m"
    assert is_surname("park")
