"""Open loops in both directions, and the phrases that settle them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, LoopSpec, Settlement, parse_note

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 7, 15, 10, 0, tzinfo=BERLIN)
FRIDAY_5PM = datetime(2026, 7, 17, 17, 0, tzinfo=BERLIN)
TOMORROW_5PM = datetime(2026, 7, 16, 17, 0, tzinfo=BERLIN)
YOU, THEY = Direction.YOU_OWE, Direction.THEY_OWE

LOOPS = [
    (
        "owe-pronoun-by-friday",
        "I owe him the pricing deck by Friday",
        (LoopSpec(YOU, "the pricing deck", None, FRIDAY_5PM),),
    ),
    ("promised-intro", "promised to intro him to Ken", (LoopSpec(YOU, "intro to Ken"),)),
    (
        "promised-intro-named",
        "promised to intro Sam to Ken",
        (LoopSpec(YOU, "intro to Ken", "Sam"),),
    ),
    ("get-back-to-her", "need to get back to her", (LoopSpec(YOU, "a reply"),)),
    ("owe-a-reply", "owe Raj a reply", (LoopSpec(YOU, "a reply", "Raj"),)),
    (
        "will-send-tomorrow",
        "will send her the slides tomorrow",
        (LoopSpec(YOU, "the slides", None, TOMORROW_5PM),),
    ),
    (
        "ill-email-named",
        "I'll email Ken the notes tomorrow",
        (LoopSpec(YOU, "the notes", "Ken", TOMORROW_5PM),),
    ),
    ("send-to-named", "need to send the deck to Raj", (LoopSpec(YOU, "the deck", "Raj"),)),
    (
        "they-want-me-to",
        "Raj wants me to intro him to a lawyer",
        (LoopSpec(YOU, "intro to a lawyer", "Raj"),),
    ),
    ("they-asked-for", "Priya asked for the deck", (LoopSpec(YOU, "the deck", "Priya"),)),
    (
        "asked-then-waiting-is-one-loop",
        "asked Priya for the signed contract, waiting on her reply",
        (LoopSpec(THEY, "the signed contract", "Priya"),),
    ),
    ("she-will-send", "she'll send me the brief", (LoopSpec(THEY, "the brief"),)),
    (
        "waiting-on-named-for",
        "waiting on Raj for the numbers",
        (LoopSpec(THEY, "the numbers", "Raj"),),
    ),
    ("he-promised", "he promised to send the intro", (LoopSpec(THEY, "the intro"),)),
    ("named-will", "Raj will send the numbers", (LoopSpec(THEY, "the numbers", "Raj"),)),
    ("owes-me", "Raj owes me the numbers", (LoopSpec(THEY, "the numbers", "Raj"),)),
    (
        "asked-to-by-friday",
        "asked Raj to send the numbers by Friday",
        (LoopSpec(THEY, "the numbers", "Raj", FRIDAY_5PM),),
    ),
    (
        "waiting-for-from",
        "waiting for the contract from Priya",
        (LoopSpec(THEY, "the contract", "Priya"),),
    ),
    (
        "waiting-to-hear-back",
        "still waiting to hear back from Raj",
        (LoopSpec(THEY, "a reply", "Raj"),),
    ),
    ("waiting-on-her", "waiting on her", (LoopSpec(THEY, "a reply"),)),
    (
        "both-directions",
        "owe Raj the deck; he'll send me the numbers",
        (LoopSpec(YOU, "the deck", "Raj"), LoopSpec(THEY, "the numbers")),
    ),
    (
        "follow-up-in-2-weeks",
        "need to follow up with Sam on the offer",
        (LoopSpec(YOU, "follow up on the offer", "Sam"),),
    ),
    ("plans-are-not-loops", "she will be in Berlin next week", ()),
    ("advice-is-not-a-loop", "she should meet Ken", ()),
    ("it-will", "it will be fun", ()),
    ("past-is-not-a-loop", "sent Raj the deck", ()),
    ("nothing", "met Jane Doe for coffee", ()),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in LOOPS], ids=[r[0] for r in LOOPS])
def test_loops(text: str, expected: tuple[LoopSpec, ...]) -> None:
    assert parse_note(text, now=NOW, tz="Europe/Berlin").loops == expected


SETTLES = [
    ("sent-named", "sent Raj the deck", (Settlement(YOU, "the deck", "Raj"),)),
    ("sent-to-named", "sent the deck to Raj yesterday", (Settlement(YOU, "the deck", "Raj"),)),
    ("got-back-to", "got back to Priya", (Settlement(YOU, "a reply", "Priya"),)),
    ("intro-d", "intro'd him to Ken", (Settlement(YOU, "intro to Ken"),)),
    ("introduced", "introduced Sam to Ken", (Settlement(YOU, "intro to Ken", "Sam"),)),
    ("followed-up", "followed up with Raj", (Settlement(YOU, "follow up", "Raj"),)),
    ("they-sent", "Priya sent the contract", (Settlement(THEY, "the contract", "Priya"),)),
    ("she-sent-me", "she sent me the brief", (Settlement(THEY, "the brief"),)),
    ("got-from", "got the contract from Priya", (Settlement(THEY, "the contract", "Priya"),)),
    ("received-from-her", "received the brief from her", (Settlement(THEY, "the brief"),)),
    ("heard-back", "heard back from Priya", (Settlement(THEY, "a reply", "Priya"),)),
    ("they-got-back", "Raj got back to me", (Settlement(THEY, "a reply", "Raj"),)),
    ("emailing-is-not-delivering", "emailed Priya", ()),
    ("a-text-is-not-a-delivery", "Texted Sam Lee happy birthday", ()),
    ("negated", "haven't sent Raj the deck yet", ()),
    ("future", "will send Raj the deck", ()),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in SETTLES], ids=[r[0] for r in SETTLES]
)
def test_settles(text: str, expected: tuple[Settlement, ...]) -> None:
    assert parse_note(text, now=NOW, tz="Europe/Berlin").settles == expected
