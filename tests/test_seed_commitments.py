"""Commitments through the service: what a note promises becomes loops on the right people, and a
later note closes only the loop it settles — "sent Yusuf the contract draft" never closes "the
roadmap deck", not even when the deck is the only loop open with him."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import Rapport
from bot.domain.notes import LoopView
from bot.domain.refs import Actor
from bot.notes import settle
from bot.parsing import settles_loop
from bot.store.db import SessionFactory
from tests.world import World

# Monday 2 November 2026, in London.
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ME = Actor(workspace_id="T1", user_id="U_ME", display_name="Ana", tz="Europe/London")
BOB = Actor(workspace_id="T1", user_id="U_BOB", display_name="Bob", tz="Europe/London")


@pytest.fixture
def rapport(sessions: SessionFactory) -> Rapport:
    return World(sessions=sessions, now=NOW).app


def said(loops: tuple[LoopView, ...]) -> list[tuple[str, str, str]]:
    return sorted((lp.contact.display_name, lp.direction, lp.what) for lp in loops)


def open_loops(rapport: Rapport, actor: Actor = ME) -> list[tuple[str, str, str]]:
    listed = rapport.recall.loops(actor=actor)
    return said(tuple(listed.you_owe) + tuple(listed.waiting_on))


def log(rapport: Rapport, text: str, actor: Actor = ME) -> tuple[list[tuple[str, str, str]], ...]:
    result = rapport.notes.log(actor=actor, text=text)
    return said(result.loops_opened), said(result.loops_closed)


YUSUF = "Yusuf Rahimi"


@pytest.mark.parametrize(
    ("promises", "settlement", "closed", "still_open"),
    [
        pytest.param(
            ["I owe Yusuf Rahimi the roadmap deck by Friday"],
            "sent Yusuf the contract draft",
            [],
            ["the roadmap deck"],
            id="the-only-loop-is-not-closed-by-another-thing",
        ),
        pytest.param(
            [
                "I owe Yusuf Rahimi the roadmap deck by Friday",
                "promised Yusuf the contract draft by Wednesday",
            ],
            "sent Yusuf the contract draft",
            ["the contract draft"],
            ["the roadmap deck"],
            id="the-matching-one-of-two",
        ),
        pytest.param(
            [
                "promised Yusuf Rahimi the contract draft by Wednesday",
                "I owe Yusuf the roadmap deck by Friday",
            ],
            "sent Yusuf the contarct draft",
            ["the contract draft"],
            ["the roadmap deck"],
            id="a-typo-still-matches",
        ),
        pytest.param(
            ["I owe Yusuf Rahimi the intro deck", "I owe Yusuf the roadmap deck by Friday"],
            "emailed Yusuf the roadmap deck",
            ["the roadmap deck"],
            ["the intro deck"],
            id="two-decks-the-named-one",
        ),
        pytest.param(
            ["I owe Yusuf Rahimi the roadmap deck by Friday"],
            "emailed Yusuf the intro deck",
            [],
            ["the roadmap deck"],
            id="another-deck-is-not-this-deck",
        ),
        pytest.param(
            ["I owe Yusuf Rahimi the roadmap deck by Friday"],
            "sent Yusuf the slides",
            ["the roadmap deck"],
            [],
            id="the-slides-are-the-deck",
        ),
        pytest.param(
            ["I owe Yusuf Rahimi the roadmap deck by Friday"],
            "sent it over to Yusuf",
            ["the roadmap deck"],
            [],
            id="it-with-one-loop-open",
        ),
        pytest.param(
            ["I owe Yusuf Rahimi the roadmap deck by Friday", "promised Yusuf the W-9"],
            "sent it over to Yusuf",
            [],
            ["the W-9", "the roadmap deck"],
            id="it-with-two-open-closes-neither",
        ),
        pytest.param(
            ["I owe Yusuf Rahimi the roadmap deck by Friday", "owe Yusuf a call"],
            "Yusuf called me about the renewal",
            ["a call"],
            ["the roadmap deck"],
            id="a-call-answers-the-call-not-the-deck",
        ),
        pytest.param(
            ["I owe Yusuf Rahimi the roadmap deck by Friday", "need to get back to Yusuf"],
            "call with Yusuf",
            ["a reply"],
            ["the roadmap deck"],
            id="a-call-answers-a-reply-owed",
        ),
        pytest.param(
            ["I owe Yusuf Rahimi answers to the security questionnaire by Friday"],
            "call with Yusuf",
            [],
            ["answers to the security questionnaire"],
            id="a-call-does-not-deliver-written-answers",
        ),
        pytest.param(
            ["Yusuf Rahimi wants 2 references by Friday, owe him those"],
            "Sent Yusuf both references 👍",
            ["2 references"],
            [],
            id="both-of-two-references",
        ),
        pytest.param(
            ["Yuki Sato's audit report is due friday, she'll send it"],
            "Yuki's audit report came back with two minor findings",
            ["audit report"],
            [],
            id="what-came-back-is-what-was-due",
        ),
        pytest.param(
            ["coffee with Yusuf Rahimi, he asked for the site list, owe him that by tuesday"],
            "answered Yusuf's questions on the site list",
            [],
            ["the site list"],
            id="answering-questions-on-it-is-not-sending-it",
        ),
        pytest.param(
            ["asked Yusuf Rahimi for the signed contract", "I owe Yusuf the roadmap deck"],
            "got the signed contract from Yusuf",
            ["the signed contract"],
            ["the roadmap deck"],
            id="what-they-owe-closes-on-their-side",
        ),
        pytest.param(
            ["asked Yusuf Rahimi for the signed contract"],
            "Yusuf sent the invoice",
            [],
            ["the signed contract"],
            id="an-invoice-is-not-the-contract",
        ),
    ],
)
def test_a_settlement_closes_only_a_loop_it_matches(
    rapport: Rapport,
    promises: list[str],
    settlement: str,
    closed: list[str],
    still_open: list[str],
) -> None:
    for text in promises:
        opened, _ = log(rapport, text)
        assert opened, text
    _, closed_now = log(rapport, settlement)
    assert [what for _, _, what in closed_now] == closed
    assert sorted(what for _, _, what in open_loops(rapport)) == sorted(still_open)


def test_a_settlement_with_one_person_never_closes_anothers_loop(rapport: Rapport) -> None:
    log(rapport, "I owe Priya Nair the pricing deck by Friday")
    log(rapport, "I owe Yusuf Rahimi the roadmap deck by Friday")
    _, closed = log(rapport, "sent Yusuf the deck")
    assert closed == [(YUSUF, "you_owe", "the roadmap deck")]
    assert open_loops(rapport) == [("Priya Nair", "you_owe", "the pricing deck")]


def test_loops_are_personal_a_teammates_note_closes_none_of_mine(rapport: Rapport) -> None:
    log(rapport, "I owe Yusuf Rahimi the roadmap deck by Friday")
    _, closed = log(rapport, "sent Yusuf the roadmap deck", actor=BOB)
    assert closed == []
    assert open_loops(rapport) == [(YUSUF, "you_owe", "the roadmap deck")]


@pytest.mark.parametrize(
    ("text", "loops"),
    [
        pytest.param(
            "I owe Ines Duarte the case study by Wednesday and Bruno Alves a demo link next week",
            [
                ("Bruno Alves", "you_owe", "a demo link"),
                ("Ines Duarte", "you_owe", "the case study"),
            ],
            id="one-verb-two-people",
        ),
        pytest.param(
            "call w/ Omar Haddad, he needs our W-9 by the 20th",
            [("Omar Haddad", "you_owe", "our W-9")],
            id="he-needs-ours",
        ),
        pytest.param(
            "call with Omar Haddad, they're expecting a revised SOW from us Monday",
            [("Omar Haddad", "you_owe", "a revised SOW")],
            id="they-are-expecting-from-us",
        ),
        pytest.param(
            "Omar Haddad: they're waiting on us for the security review",
            [("Omar Haddad", "you_owe", "the security review")],
            id="waiting-on-us",
        ),
        pytest.param(
            "met Lena Fischer, he asked for our SOC 2 report, I owe him that by Monday",
            [("Lena Fischer", "you_owe", "our SOC 2 report")],
            id="the-pronoun-refers-back-one-loop",
        ),
        pytest.param(
            "asked Priya Nair for the signed contract, and I owe her the pricing deck",
            [
                ("Priya Nair", "they_owe", "the signed contract"),
                ("Priya Nair", "you_owe", "the pricing deck"),
            ],
            id="both-directions-one-person",
        ),
    ],
)
def test_what_a_note_promises_becomes_loops_on_the_right_people(
    rapport: Rapport, text: str, loops: list[tuple[str, str, str]]
) -> None:
    opened, _ = log(rapport, text)
    assert opened == sorted(loops)
    assert open_loops(rapport) == sorted(loops)


def test_dues_land_on_the_loop_they_belong_to(rapport: Rapport) -> None:
    result = rapport.notes.log(
        actor=ME,
        text="I owe Ines Duarte the case study by Wednesday and Bruno Alves a demo link next week",
    )
    due = {lp.what: lp.due_at for lp in result.loops_opened}
    assert due["the case study"] is not None and due["the case study"].date().isoformat() == (
        "2026-11-04"
    )
    assert due["a demo link"] is not None and due["a demo link"] > due["the case study"]
    w9 = rapport.notes.log(actor=ME, text="call w/ Omar Haddad, he needs our W-9 by the 20th")
    assert [lp.due_at.date().isoformat() for lp in w9.loops_opened if lp.due_at] == ["2026-11-20"]


# The service's rule, as a table: the parser's own (bot.parsing.settles_loop) where it decides,
# and what the service adds — one move's synonyms, misspellings, and two kinds of one thing
# being two things.
RULE = [
    ("the contract draft", "the contract draft", True, True),
    ("the contract draft", "the roadmap deck", False, False),
    ("the case studies", "case study", True, True),
    ("our SOC 2 report", "the SOC 2 report", True, True),
    ("a reply", "an answer", True, True),
    ("it", "the deck", False, False),
    ("a call", "a follow-up call", True, True),
    ("the deck", "the pricing deck", True, True),
    ("the signed SOW", "a revised SOW", True, True),
    ("the intro deck", "the roadmap deck", True, False),  # both decks, not the same one
    ("the Q3 deck", "the board deck", True, False),
    ("the slides", "the pricing deck", True, True),  # the same thing in other words (round 7)
    ("the agreement", "the contract", True, True),
    ("the contarct draft", "the contract", False, True),  # a typo
    ("a call", "a reply", False, True),  # calling back answers a reply owed
    ("a reply", "a call", False, False),  # an email does not make the call owed
    # how many is not which (round 9): "both" of two references are those references
    ("both references", "2 references", True, True),
    ("all three references", "three customer references", True, True),
    ("the two intro decks", "the roadmap deck", True, False),  # still two kinds of deck
    # written answers are a document: a call does not deliver them, answering the thing does
    ("a call", "answers to the vendor questionnaire", False, False),
    ("a reply on the vendor questionnaire", "answers to the vendor questionnaire", True, True),
    # answering questions about a thing does not deliver the thing
    ("a reply on the questions on the site list", "the site list", False, False),
]


@pytest.mark.parametrize(
    ("settlement", "loop", "parser", "service"),
    RULE,
    ids=[f"{a}|{b}" for a, b, _, _ in RULE],
)
def test_the_settle_rule_agrees_with_the_parser_and_says_where_it_goes_further(
    settlement: str, loop: str, parser: bool, service: bool
) -> None:
    assert settles_loop(settlement, loop) is parser
    assert (settle.score(settlement, loop) > 0) is service
