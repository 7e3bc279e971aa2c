"""Occasions, needs, tags, sensitive news, private notes, and notes with nothing in them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import OccasionSpec, ParsedNote, parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def parse(text: str) -> ParsedNote:
    return parse_note(text, now=NOW, tz="Europe/Berlin")


OCCASIONS = [
    ("second-is-no-age", "Raj's 2nd is on Friday", ()),
    ("named-birthday", "Sam's birthday is March 3", (OccasionSpec("birthday", 3, 3, None, "Sam"),)),
    ("bday", "bday 14 July", (OccasionSpec("birthday", 7, 14),)),
    ("leap-day", "her birthday is on 29 Feb", (OccasionSpec("birthday", 2, 29),)),
    ("born-iso-keeps-year", "born 1990-05-12", (OccasionSpec("birthday", 5, 12, 1990),)),
    ("born-with-year", "Raj was born May 12, 1985", (OccasionSpec("birthday", 5, 12, 1985),)),
    ("anniversary", "anniversary June 2", (OccasionSpec("anniversary", 6, 2),)),
    (
        "wedding-anniversary",
        "their wedding anniversary is Oct 9",
        (OccasionSpec("anniversary", 10, 9),),
    ),
    ("date-first", "March 3 is Sam's birthday", (OccasionSpec("birthday", 3, 3, None, "Sam"),)),
    ("relative", "her birthday is tomorrow", (OccasionSpec("birthday", 7, 16),)),
    (
        "full-name-owner",
        "Jane Doe's birthday: 1 Dec",
        (OccasionSpec("birthday", 12, 1, None, "Jane Doe"),),
    ),
    ("my-birthday-is-not-theirs", "my birthday is March 3", ()),
    ("no-date", "bought Sam a birthday gift", ()),
    ("no-such-date", "her birthday is Feb 30", ()),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in OCCASIONS], ids=[r[0] for r in OCCASIONS]
)
def test_occasions(text: str, expected: tuple[OccasionSpec, ...]) -> None:
    note = parse(text)
    assert note.occasions == expected
    if expected:
        assert note.occurred_at is None  # the birthday is not when we met


NOT_UNDERSTOOD = [
    ("feb-30-birthday", "her birthday is Feb 30", ('no such date "Feb 30"',)),
    ("feb-30-meeting", "met Jane on Feb 30", ('no such date "Feb 30"',)),
    ("iso-month-13", "met Jane 2026-13-01", ('no such date "2026-13-01"',)),
    ("feb-29-without-a-leap-year", "met Jane Feb 29 2025", ('no such date "Feb 29 2025"',)),
    ("fine", "met Jane Feb 28", ()),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in NOT_UNDERSTOOD], ids=[r[0] for r in NOT_UNDERSTOOD]
)
def test_not_understood(text: str, expected: tuple[str, ...]) -> None:
    note = parse(text)
    assert note.not_understood == expected
    assert note.occasions == ()


NEEDS = [
    ("wants", "met Jane Doe for coffee, she wants a shelter dog", ("wants a shelter dog",)),
    ("looking-for", "Jane is looking for a dog", ("is looking for a dog",)),
    ("would-like", "would like it to be a shelter dog", ("would like it to be a shelter dog",)),
    ("hiring", "Raj is hiring a data engineer", ("is hiring a data engineer",)),
    ("needs", "Priya needs a lawyer", ("needs a lawyer",)),
    ("bare", "looking for a cofounder", ("looking for a cofounder",)),
    (
        "sentence-initial",
        "Met Jane. Would like an intro to a vet.",
        ("would like an intro to a vet",),
    ),
    ("stops-at-date", "Sam wants a new job by March", ("wants a new job",)),
    ("contraction", "She's looking for a dog", ("is looking for a dog",)),
    ("adjective-is-not-a-need", "talked about their hiring plans", ()),
    ("my-needs-are-not-theirs", "I need a lawyer", ()),
    ("we-are-hiring", "we're hiring a designer", ()),
    ("need-to-is-a-loop", "need to get back to her", ()),
    ("wants-me-to-is-a-loop", "Raj wants me to send the deck", ()),
    ("nothing", "lunch with Sam", ()),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in NEEDS], ids=[r[0] for r in NEEDS])
def test_needs(text: str, expected: tuple[str, ...]) -> None:
    assert parse(text).needs == expected


TAGS = [
    ("one", "met Raj #investors", ("investors",)),
    ("lower-cased-and-deduped", "#Investors #investors #seed-round", ("investors", "seed-round")),
    ("channel-is-not-a-tag", "posted in <#C123|general> #intro", ("intro",)),
    ("entity-is-not-a-tag", "it&#39;s fine", ()),
    ("number-is-not-a-tag", "ticket #123", ()),
    ("unicode", "#café", ("café",)),
    ("none", "met Raj", ()),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in TAGS], ids=[r[0] for r in TAGS])
def test_tags(text: str, expected: tuple[str, ...]) -> None:
    assert parse(text).tags == expected


SENSITIVE = [
    ("house-fire", "Jane had a house fire last week", ("house fire",)),
    ("fire-at-their-home", "there was a fire at their home", ("house fire",)),
    ("fire-at-home", "Chris had a fire at home", ("house fire",)),
    ("ill", "Raj is ill", ("illness",)),
    ("sick", "Sam's been sick for weeks", ("illness",)),
    ("cancer", "her mum has cancer", ("illness",)),
    ("hospital", "Priya is in hospital", ("hospital",)),
    ("hospitalised", "he was hospitalised", ("hospital",)),
    ("surgery", "Ken had surgery on Monday", ("surgery",)),
    ("funeral", "saw Jane at the funeral", ("funeral",)),
    ("passed-away", "her father passed away", ("bereavement",)),
    ("died", "his dog died", ("bereavement",)),
    ("laid-off", "Raj was laid off", ("laid off",)),
    ("lost-job", "she lost her job", ("laid off",)),
    ("divorce", "going through a divorce", ("divorce",)),
    ("separated", "they separated", ("divorce",)),
    ("miscarriage", "they had a miscarriage", ("miscarriage",)),
    ("accident", "Sam was in a car accident", ("accident",)),
    ("several", "in hospital after an accident", ("hospital", "accident")),
    ("ill-is-not-ill", "I'll call her", ()),
    ("on-fire-is-praise", "she's on fire this quarter", ()),
    ("none", "great lunch", ()),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in SENSITIVE], ids=[r[0] for r in SENSITIVE]
)
def test_sensitive(text: str, expected: tuple[str, ...]) -> None:
    assert parse(text).sensitive == expected


PRIVATE = [
    ("prefix", "private: met Jane", True, "met Jane"),
    ("any-case-no-space", "PRIVATE:met Jane", True, "met Jane"),
    ("spaces", "  Private :  met Jane  ", True, "met Jane"),
    (
        "not-a-prefix",
        "met Jane in private: she is leaving",
        False,
        "met Jane in private: she is leaving",
    ),
    ("stripped", "  met Jane \n", False, "met Jane"),
]


@pytest.mark.parametrize(
    ("text", "private", "stored"), [r[1:] for r in PRIVATE], ids=[r[0] for r in PRIVATE]
)
def test_private(text: str, private: bool, stored: str) -> None:
    note = parse(text)
    assert (note.private, note.text) == (private, stored)


NOTHING = [
    ("ok", "ok"),
    ("empty", ""),
    ("blank", "   "),
    ("punctuation", "!!!"),
    ("musing", "thinking about stuff"),
    ("may-the-best-team-win", "May the best team win"),
    ("emoji", "🎉🎉"),
    ("numbers", "42 17 3.5"),
]


@pytest.mark.parametrize("text", [r[1] for r in NOTHING], ids=[r[0] for r in NOTHING])
def test_nothing_to_extract(text: str) -> None:
    assert parse(text) == ParsedNote(text=text.strip())


# Round 5: occasions told sideways or greeted on the day (NOW is Wednesday 15 July 2026).
OCCASIONS_ROUND5 = [
    (
        "coming-up-on",
        "her bday's coming up on the 19th",
        (OccasionSpec("birthday", 7, 19),),
    ),
    (
        "greeting-on-the-day",
        "happy bday Niamh! 🎂",
        (OccasionSpec("birthday", 7, 15, None, "Niamh"),),
    ),
    (
        "round-greeting",
        "Happy 50th to Seán 🎉",
        (OccasionSpec("birthday", 7, 15, 1976, "Seán"),),
    ),
    (
        "belated-with-its-day",
        "happy belated birthday sent to Rory, his was on Sunday",
        (OccasionSpec("birthday", 7, 12, None, "Rory"),),
    ),
    ("belated-without-a-day", "happy belated birthday to Rory", ()),
    ("greeting-in-a-plan", "remind me to say happy bday to Kai", ()),
    (
        "turns-after-two-names",
        "drinks w Cian + Orla. Orla turns 30 on 2 Dec",
        (OccasionSpec("birthday", 12, 2, 1996, "Orla"),),
    ),
    ("the-nth", "Sam's birthday's the 9th", (OccasionSpec("birthday", 8, 9, None, "Sam"),)),
    (
        "years-married-on-a-day",
        "celebrating 10 years married on Aug 5",
        (OccasionSpec("anniversary", 8, 5, 2016),),
    ),
    ("her-round-birthday", "her 30th is on the 22nd", (OccasionSpec("birthday", 7, 22, 1996),)),
    (
        "turned-yesterday",
        "Sam turned 40 yesterday",
        (OccasionSpec("birthday", 7, 14, 1986, "Sam"),),
    ),
    (
        "was-on-saturday",
        "Priya's birthday was on Saturday",
        (OccasionSpec("birthday", 7, 11, None, "Priya"),),
    ),
    (
        "years-beside-an-anniversary",
        "her wedding anniversary is 14 Dec, 10 yrs this year",
        (OccasionSpec("anniversary", 12, 14, 2016),),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in OCCASIONS_ROUND5], ids=[r[0] for r in OCCASIONS_ROUND5]
)
def test_occasions_told_sideways(text: str, expected: tuple[OccasionSpec, ...]) -> None:
    assert parse(text).occasions == expected


NEEDS_ROUND5 = [
    ("could-use", "they could use a good fractional CFO", ("could use a good fractional CFO",)),
    (
        "on-the-hunt",
        "Gráinne is on the hunt for a new office",
        ("is on the hunt for a new office",),
    ),
    ("on-the-lookout", "she's on the lookout for a venue", ("is on the lookout for a venue",)),
    (
        "asked-if-we-know",
        "Ronan asked if we know a good employment lawyer",
        ("asked if we know a good employment lawyer",),
    ),
    ("in-the-market", "Eoin's in the market for a van", ("is in the market for a van",)),
    ("could-really-use", "Sam could really use a bookkeeper", ("could really use a bookkeeper",)),
    ("shopping-for", "Priya is shopping for a new CRM", ("is shopping for a new CRM",)),
    ("hunting-for", "Rory's hunting for a flat", ("is hunting for a flat",)),
    ("in-need-of", "Omar is in need of a new accountant", ("is in need of a new accountant",)),
    (
        "looking-to-hire",
        "Priya is looking to hire a head of sales",
        ("is looking to hire a head of sales",),
    ),
    (
        "asked-for-a-recommendation",
        "Lena asked for a recommendation for a plumber",
        ("asked for a recommendation for a plumber",),
    ),
    ("my-could-use", "I could really use a coffee", ()),
    ("want-us-on", "they want us on the launch stream", ()),
    ("bare-need-after-a-subject", "they need an ML contractor", ("need an ML contractor",)),
    ("bare-need-without-one", "need a backup champion", ()),
    ("may-need-time-off", "Dara may need two weeks off", ()),
    ("a-must", "he uses a wheelchair — step-free access is a must", ("step-free access",)),
    ("discount", "he wants 10% off if they add seats", ()),
    ("heads-up", "just needs a heads-up a day before", ()),
    ("nothing", "wants nothing big", ()),
    (
        "anyone-points-back",
        "they're hiring 2 paralegals, asked if we know anyone",
        ("are hiring 2 paralegals",),
    ),
    ("change-to-ours", "wants the cap table cleaned up", ()),
    ("hiring-freeze-is-a-noun", "Cormac's hiring freeze is hurting their roadmap", ()),
    ("invoice-needs", "the invoice needs their new PO number", ()),
    (
        "adverb-before-looking",
        "he's now officially looking for brand work",
        ("looking for brand work",),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in NEEDS_ROUND5], ids=[r[0] for r in NEEDS_ROUND5]
)
def test_needs_in_more_phrasings(text: str, expected: tuple[str, ...]) -> None:
    assert parse(text).needs == expected
