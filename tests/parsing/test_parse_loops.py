"""Open loops in both directions, and the phrases that settle them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.notes import settle
from bot.parsing import (
    Direction,
    Knowledge,
    KnownPerson,
    LoopSpec,
    Settlement,
    parse_note,
    settles_loop,
)

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


# --- round 5: loops and closures by class (tests/corpus/s31_loops_cardiff.toml) -------------

KNOWN = Knowledge(
    people=tuple(
        [KnownPerson("João Santos", aliases=("JP",))]
        + [
            KnownPerson(n)
            for n in (
                "Tamsin Hale",
                "Omar Farouk",
                "Lucía Barrios",
                "Henrik Lund",
                "Rosa Mendel",
                "Bilal Chaudhry",
                "Greta Lindqvist",
                "Dafydd Rhys",
                "Liam Byrne",
                "Djamila Fortes",
            )
        ]
    )
)
MONDAY_20TH = datetime(2026, 7, 20, 17, 0, tzinfo=BERLIN)


def _read(text: str) -> tuple[tuple[LoopSpec, ...], tuple[Settlement, ...]]:
    parsed = parse_note(text, now=NOW, tz="Europe/Berlin", known=KNOWN)
    return parsed.loops, parsed.settles


def _loop(text: str) -> tuple[Direction, str, str | None, object]:
    loops, _ = _read(text)
    assert len(loops) == 1, loops
    x = loops[0]
    return x.direction, x.what, x.person, x.due.date() if x.due else None


ROUND5_LOOPS = [
    (
        "they-decide-on",
        "call w/ Rosa — she'll decide on the pilot by Friday",
        (THEY, "a decision on the pilot", None, FRIDAY_5PM.date()),
    ),
    (
        "their-board-decides-we-hear-from-them",
        "Bilal says his board will make a call on the partnership by Friday",
        (THEY, "a decision on the partnership", "Bilal", FRIDAY_5PM.date()),
    ),
    (
        "a-thing-coming",
        "quick sync with Greta. revised SOW coming by Friday",
        (THEY, "revised SOW", None, FRIDAY_5PM.date()),
    ),
    (
        "sent-then-due-back",
        "case exercise sent to dafydd, due back friday",
        (THEY, "case exercise", "dafydd", FRIDAY_5PM.date()),
    ),
    (
        "deadline-in-its-own-sentence",
        "Omar wants a costed plan for phase 2. Due 20/7.",
        (YOU, "a costed plan for phase 2", "Omar", MONDAY_20TH.date()),
    ),
    (
        "deadline-said-next-about-it",
        "owe Tamsin the seating plan. she needs it by the 20th",
        (YOU, "the seating plan", "Tamsin", MONDAY_20TH.date()),
    ),
    (
        "before-the-ordinal-is-a-deadline",
        "Henrik's CFO Anders Berg wants the audited accounts before the 20th",
        (YOU, "the audited accounts", "Anders Berg", MONDAY_20TH.date()),
    ),
    (
        "wants-to-know",
        "Henrik wants to know the rollout dates by Friday",
        (YOU, "the rollout dates", "Henrik", FRIDAY_5PM.date()),
    ),
    (
        "asked-us-to-carries-the-subject",
        "lunch w/ Rosa, she's expanding into Lyon, asked us to send the partner list",
        (YOU, "the partner list", None, None),
    ),
    (
        "will-send-me-is-theirs",
        "Bilal has two candidates for the ops role, will send me their CVs tomorrow",
        (THEY, "their CVs", "Bilal", TOMORROW_5PM.date()),
    ),
    (
        "him-is-the-person-just-introduced",
        "Greta intro'd us to Paulo Serra (finance). we owe him the vendor pack by Friday",
        (YOU, "the vendor pack", "Paulo Serra", FRIDAY_5PM.date()),
    ),
    (
        "she-is-not-someone-named-in-passing",
        "coffee w/ Djamila — she's leaving, her replacement is Pedro Alves. she'll intro us Friday",
        (THEY, "an intro", None, FRIDAY_5PM.date()),
    ),
    (
        "name-colon-speaks",
        "Henrik: will revert on the pricing by Friday",
        (THEY, "revert on the pricing", "Henrik", FRIDAY_5PM.date()),
    ),
    (
        "recipient-after-a-description",
        "contract came back from Rosa. need to get it to our accountant Femi Okoro by Friday",
        (YOU, "contract", "Femi Okoro", FRIDAY_5PM.date()),
    ),
    (
        "one-thing-said-twice-is-one-loop",
        "he asked for our cap table, I owe him the cap table by Friday",
        (YOU, "the cap table", None, FRIDAY_5PM.date()),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in ROUND5_LOOPS], ids=[c[0] for c in ROUND5_LOOPS]
)
def test_round5_loops(text: str, expected: tuple[Direction, str, str | None, object]) -> None:
    assert _loop(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Sent Sam the headcount est: 75. he'll book catering.",
        "Bao's mum had a fall, he'll reach out when ready",
        "sent Greta the numbers ✅ she'll share w/ the partnership on monday",
        "Rui's house burned down last weekend. should I reach out?",
    ],
)
def test_what_they_do_for_themselves_or_a_question_is_no_loop(text: str) -> None:
    loops, _ = _read(text)
    assert loops == ()


def test_a_deadline_clause_is_no_need() -> None:
    parsed = parse_note(
        "owe Tamsin the seating plan. she needs it by the 20th",
        now=NOW,
        tz="Europe/Berlin",
        known=KNOWN,
    )
    assert parsed.needs == ()


ROUND5_SETTLES = [
    ("told-named-ticked", "venue's booked. told Tamsin ✅", Settlement(YOU, "a reply", "Tamsin")),
    ("let-know", "let Omar know we can do 10%", Settlement(YOU, "a reply", "Omar")),
    ("told-pronoun", "budget ok'd. told her 👍", Settlement(YOU, "a reply", None)),
    ("paid-them", "paid Lucía back for the Porto trip", Settlement(YOU, "payment", "Lucía")),
    (
        "came-back-from",
        "contract came back from Rosa, signed",
        Settlement(THEY, "contract", "Rosa"),
    ),
    ("they-came-back", "Rosa came back: they'll take it", Settlement(THEY, "a reply", "Rosa")),
    (
        "rang-back-with",
        "rang Liam back w/ the 1.52 counter",
        Settlement(YOU, "the 1.52 counter", "Liam"),
    ),
    (
        "second-person-of-one-verb",
        "sent Rosa the workshop agenda and Greta the pricing sheet",
        Settlement(YOU, "the pricing sheet", "Greta"),
    ),
    (
        "thing-before-a-parenthetical",
        "proposal + 3 refs (Wise, Revolut, N26) sent to JP 📤",
        Settlement(YOU, "3 refs", "JP"),
    ),
    (
        "several-recipients",
        "sent both quotes to Rosa + Greta",
        Settlement(YOU, "both quotes", "Greta"),
    ),
    (
        "back-to-title",
        "answers back to Dr. Tamsin Hale.",
        Settlement(YOU, "answers", "Tamsin Hale"),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in ROUND5_SETTLES], ids=[c[0] for c in ROUND5_SETTLES]
)
def test_round5_settles(text: str, expected: Settlement) -> None:
    _, settles = _read(text)
    assert expected in settles, settles


def test_news_told_settles_nothing() -> None:
    _, settles = _read("told Omar about the offsite plans")
    assert settles == ()


def test_a_reply_settles_only_an_answer_and_two_topics_are_two_things() -> None:
    assert settles_loop("a reply", "an answer on the discount")
    assert settles_loop("a reply", "confirmation on the venue")
    assert settles_loop("a reply", "next steps")
    assert not settles_loop("a reply", "the budget sheet")
    assert not settles_loop("a reply on the offsite", "an answer on the discount")
    assert settles_loop("payment", "her travel reimbursement")


def test_the_service_closes_the_answer_not_the_deliverable() -> None:
    @dataclass
    class Open:
        what: str

    sheet, answer = Open("the budget sheet"), Open("an answer on the discount")
    assert settle.best([sheet, answer], "a reply") is answer
    assert settle.best([sheet, answer], "a reply on the offsite") is None


def test_the_service_reads_a_day_as_when_and_a_short_word_as_the_long_one() -> None:
    @dataclass
    class Open:
        what: str

    status, deck = Open("a status update"), Open("a credentials deck")
    assert settle.best([status], "Friday update") is status
    assert settle.best([deck], "creds deck") is deck
    assert settle.best([Open("the roadmap deck")], "the intro deck") is None


def test_a_thing_out_to_someone_is_handed_over_even_when_it_reads_like_a_verb() -> None:
    _, settles = _read("revised pricing out to Rosa by email: 3yr @ 8% off. she'll revert by wed")
    assert Settlement(YOU, "revised pricing", "Rosa") in settles


def test_forwarded_it_is_the_thing_handed_over_before() -> None:
    _, settles = _read("pilot report to Rosa, done. also fwd'd it to Greta since she's waiting too")
    assert Settlement(YOU, "pilot report", "Greta") in settles
    assert Settlement(YOU, "pilot report", "Rosa") in settles


@pytest.mark.parametrize(
    "text",
    ["Omar's sending the usage export", "omar's also forwarding the board minutes"],
)
def test_a_name_s_before_a_verb_is_the_name_doing_it(text: str) -> None:
    loops, _ = _read(text)
    assert [(x.direction, (x.person or "").casefold()) for x in loops] == [(THEY, "omar")], loops


def test_a_name_s_noun_doing_it_is_not_the_name() -> None:
    loops, _ = _read("Omar's team is sending the data dictionary")
    assert [x for x in loops if x.person == "Omar"] == []


def test_two_hand_overs_under_one_verb_with_a_tick_between() -> None:
    _, settles = _read("sent Omar the pricing sheet ✅ and Tamsin the roadmap deck ✅")
    assert Settlement(YOU, "the roadmap deck", "Tamsin") in settles
    assert Settlement(YOU, "the pricing sheet", "Omar") in settles


@pytest.mark.parametrize(
    "text",
    ["corrected invoice off to Omar this morning", "RFP response off to Omar a day early 💪"],
)
def test_a_thing_off_to_someone_is_handed_over(text: str) -> None:
    _, settles = _read(text)
    assert [(s.direction, s.person) for s in settles] == [(YOU, "Omar")], settles


@pytest.mark.parametrize("text", ["I'm off to Berlin to see Omar", "Omar's off to Berlin tomorrow"])
def test_going_off_somewhere_settles_nothing(text: str) -> None:
    assert _read(text)[1] == ()


def test_got_someone_s_thing_out_is_it_handed_to_them() -> None:
    assert _read("got Omar's revised quote out this arvo")[1] == (
        Settlement(YOU, "revised quote", "Omar"),
    )
    assert _read("got the deck out to Tamsin before lunch")[1] == (
        Settlement(YOU, "the deck", "Tamsin"),
    )


@pytest.mark.parametrize("text", ["got Omar out early", "got out of the meeting with Omar"])
def test_getting_a_person_out_is_not_a_hand_over(text: str) -> None:
    assert _read(text)[1] == ()


def test_a_thing_that_should_land_is_not_ours_to_do() -> None:
    loops, _ = _read("Omar's drafting the renewal terms, should land this week")
    assert [x.direction for x in loops] == [THEY], loops
    assert _loop("need to land the deal with Omar by friday")[0] is YOU
