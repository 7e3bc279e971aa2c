"""The relationship rules by table: each row is a small story with a fixed "now"."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.relationship import (
    BOTH,
    CHECK_IN,
    GREET,
    NOBODY,
    NUDGE,
    REACH_OUT,
    REPLY,
    THEIRS,
    YOURS,
    Facts,
    Label,
    OpenLoop,
    assess,
    next_action,
    rhythm_days,
    whose_turn,
)
from bot.standing import turn

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def later(days: float) -> datetime:
    return NOW + timedelta(days=days)


def facts(name: str = "Jane Doe", **values: object) -> Facts:
    return replace(Facts(name=name, now=NOW), **values)  # type: ignore[arg-type]


JANE_WARM = facts(
    last_at=ago(10),
    first_at=ago(300),
    last_kind="coffee",
    last_text="Met Jane Doe for coffee. She's looking for a shelter dog",
    in_recent=3,
    in_long=5,
    they_reached_out=2,
    you_reached_out=1,
)
DECK = OpenLoop("you_owe", "the pricing deck", ago(2), ago(9))
CONTRACT = OpenLoop("they_owe", "the signed contract", ago(1), ago(12))


@pytest.mark.parametrize(
    ("story", "label", "why"),
    [
        pytest.param(
            facts(), Label.NEW, "you haven't been in touch yet", id="a-name-with-no-notes-is-new"
        ),
        pytest.param(
            facts(last_at=ago(3), first_at=ago(12), in_recent=2, in_long=2),
            Label.NEW,
            "first met 12 days ago; 2 interactions in 90 days, last 3 days ago",
            id="met-twice-this-month-is-new",
        ),
        pytest.param(
            JANE_WARM,
            Label.WARM,
            "3 interactions in 90 days, last 10 days ago, they reached out twice, you once",
            id="jane-coffee-ten-days-ago-is-warm",
        ),
        pytest.param(
            facts(last_at=ago(40), first_at=ago(400), in_recent=3, in_long=6, they_reached_out=2),
            Label.WARM,
            "3 interactions in 90 days, last 40 days ago, they reached out twice",
            id="three-in-ninety-last-forty-days-ago-is-warm-at-a-45-day-rhythm",
        ),
        pytest.param(
            facts(last_at=ago(40), first_at=ago(400), in_recent=3, in_long=6, cadence_days=30),
            Label.COOLING,
            "3 interactions in 90 days, last 40 days ago, past your 30-day cadence",
            id="forty-days-on-a-monthly-cadence-is-cooling",
        ),
        pytest.param(
            facts(last_at=ago(50), first_at=ago(400), in_recent=1, in_long=12),
            Label.COLD,
            "1 interaction in 90 days, last 50 days ago",
            id="a-weekly-collaborator-silent-for-seven-weeks-is-cold",
        ),
        pytest.param(
            facts(last_at=ago(200), first_at=ago(900), in_recent=0, in_long=0),
            Label.COLD,
            "none in 180 days, last 200 days ago",
            id="half-a-year-of-silence-is-cold",
        ),
        pytest.param(
            facts(last_at=ago(20), first_at=ago(900), in_recent=1, in_long=7),
            Label.COOLING,
            "1 interaction in 90 days, last 20 days ago, down from 6 in the 90 days before",
            id="fewer-meetings-than-the-quarter-before-is-cooling",
        ),
        pytest.param(
            facts(last_at=ago(5), first_at=ago(300), in_recent=4, in_long=4, you_reached_out=4),
            Label.COOLING,
            "4 interactions in 90 days, last 5 days ago, you reached out 4 times, they didn't",
            id="always-you-who-calls-is-cooling",
        ),
        pytest.param(
            replace(JANE_WARM, loops=(DECK,), name="Raj Patel"),
            Label.COOLING,
            "3 interactions in 90 days, last 10 days ago, they reached out twice, you once, "
            "you owe them the pricing deck (overdue)",
            id="an-overdue-deck-cools-a-warm-relationship",
        ),
    ],
)
def test_state(story: Facts, label: Label, why: str) -> None:
    state = assess(story)
    assert (state.label, state.why) == (label, why)


@pytest.mark.parametrize(
    ("in_long", "cadence", "rhythm"),
    [
        pytest.param(0, None, 60, id="no-history-60-days"),
        pytest.param(2, None, 90, id="twice-a-half-year-at-most-90"),
        pytest.param(6, None, 45, id="monthly-meetings-45-days"),
        pytest.param(40, None, 21, id="every-few-days-at-least-21"),
        pytest.param(40, 7, 7, id="a-cadence-wins"),
    ],
)
def test_rhythm(in_long: int, cadence: int | None, rhythm: int) -> None:
    assert rhythm_days(facts(in_long=in_long, cadence_days=cadence)) == rhythm


COLD_FOCUS = facts(
    name="Chris Park",
    last_at=ago(100),
    first_at=ago(800),
    last_kind="lunch",
    last_text="Lunch with Chris Park, pitched the enterprise plan",
    in_long=1,
    focus=True,
    cadence_days=30,
)


FIRE: dict[str, object] = {"sensitive": "kitchen fire", "sensitive_kind": "house fire"}


@pytest.mark.parametrize(
    ("story", "kind", "text", "draft"),
    [
        pytest.param(
            replace(COLD_FOCUS, loops=(DECK,), **FIRE, sensitive_at=ago(3)),
            CHECK_IN,
            "Go gently with Chris Park — heads-up: kitchen fire 3 days ago — check in, don't "
            "pitch (the pricing deck can wait).",
            "Hi Chris, I heard about the fire — I'm so sorry. I hope you're all holding up; "
            "if there's anything I can do, just say.",
            id="the-house-fire-suppresses-the-pitch",
        ),
        pytest.param(
            replace(COLD_FOCUS, **FIRE, sensitive_at=ago(45)),
            REACH_OUT,
            "Reach out to Chris Park: cold, last in touch 100 days ago — heads-up: kitchen fire "
            "6 weeks ago — check in, don't pitch.",
            "Last time (lunch, 100 days ago): “Lunch with Chris Park, pitched the enterprise plan”",
            id="after-the-cool-down-the-focus-nudge-comes-back-still-saying-why",
        ),
        pytest.param(
            replace(COLD_FOCUS, **FIRE, sensitive_at=ago(75)),
            REACH_OUT,
            "Reach out to Chris Park: cold, last in touch 100 days ago.",
            "Last time (lunch, 100 days ago): “Lunch with Chris Park, pitched the enterprise plan”",
            id="long-after-the-news-the-nudge-is-plain",
        ),
        pytest.param(
            replace(
                COLD_FOCUS,
                sensitive="the death of their father",
                sensitive_kind="bereavement",
                sensitive_at=ago(8),
            ),
            CHECK_IN,
            "Go gently with Chris Park — heads-up: the death of their father 8 days ago — check "
            "in, don't pitch.",
            "Hi Chris, I was so sorry to hear of your loss. Thinking of you — no need to reply.",
            id="a-bereavement-gets-condolences-not-the-word-bereavement",
        ),
        pytest.param(
            replace(COLD_FOCUS, name="Raj Patel", loops=(DECK,)),
            REPLY,
            "You owe Raj Patel the pricing deck, overdue by 2 days.",
            None,
            id="an-owed-deck-beats-a-cadence-nudge",
        ),
        pytest.param(
            replace(JANE_WARM, loops=(OpenLoop("you_owe", "a reply", None, ago(1)),)),
            REPLY,
            "You owe Jane Doe a reply.",
            None,
            id="a-reply-you-owe",
        ),
        pytest.param(
            replace(
                JANE_WARM, name="Sam Lee", occasion="birthday", occasion_in_days=0, loops=(DECK,)
            ),
            GREET,
            "Sam Lee's birthday is today.",
            "Happy birthday, Sam! Hope you have a wonderful day and a great year ahead.",
            id="a-birthday-today-beats-the-overdue-deck",
        ),
        pytest.param(
            replace(
                JANE_WARM, name="Sam Lee", occasion="birthday", occasion_in_days=5, loops=(DECK,)
            ),
            REPLY,
            "You owe Sam Lee the pricing deck, overdue by 2 days.",
            None,
            id="a-birthday-next-week-waits-behind-the-deck",
        ),
        pytest.param(
            replace(
                JANE_WARM,
                name="Sam Lee",
                occasion="birthday",
                occasion_in_days=3,
                occasion_years=36,
                loops=(CONTRACT,),
            ),
            GREET,
            "Sam Lee's birthday is in 3 days (turns 36).",
            "Happy birthday, Sam! Hope you have a wonderful day and a great year ahead.",
            id="no-asking-for-the-contract-in-birthday-week",
        ),
        pytest.param(
            replace(JANE_WARM, occasion="birthday", occasion_in_days=8),
            None,
            None,
            None,
            id="a-birthday-eight-days-out-is-not-yet",
        ),
        pytest.param(
            replace(JANE_WARM, name="Priya Nair", loops=(CONTRACT,)),
            NUDGE,
            "Nudge Priya Nair politely about the signed contract (was due yesterday).",
            "Hi Priya, just checking in on the signed contract — no rush if you need a few more "
            "days.",
            id="waiting-on-priya-past-the-date-a-polite-nudge",
        ),
        pytest.param(
            replace(
                JANE_WARM,
                name="Priya Nair",
                loops=(OpenLoop("they_owe", "the brief", None, ago(2)),),
            ),
            None,
            None,
            None,
            id="asked-two-days-ago-too-soon-to-nudge",
        ),
        pytest.param(
            replace(JANE_WARM, last_at=ago(70), in_recent=1, focus=True, needs=("wants a dog",)),
            REACH_OUT,
            "Reach out to Jane Doe: cooling, last in touch 70 days ago.",
            "Ask how it's going: wants a dog.",
            id="focus-and-cooling-reach-out-with-what-she-needed",
        ),
        pytest.param(
            replace(COLD_FOCUS, last_at=None, first_at=None, in_long=0, last_text=None),
            REACH_OUT,
            "Reach out to Chris Park: you haven't been in touch yet.",
            None,
            id="a-new-focus-contact-reach-out",
        ),
        pytest.param(JANE_WARM, None, None, None, id="warm-and-square-nothing-to-do"),
    ],
)
def test_next_action(story: Facts, kind: str | None, text: str | None, draft: str | None) -> None:
    action = next_action(story)
    if kind is None:
        assert action is None
        return
    assert action is not None
    assert (action.kind, action.text, action.draft) == (kind, text, draft)


def test_the_check_in_never_carries_the_pitch() -> None:
    action = next_action(replace(COLD_FOCUS, sensitive="funeral", sensitive_at=ago(1)))
    assert action is not None and action.kind == CHECK_IN
    assert "enterprise" not in f"{action.text} {action.draft}"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            replace(COLD_FOCUS, sensitive="house fire", sensitive_at=ago(3)),
            replace(JANE_WARM, loops=(DECK,)),
            id="a-check-in-before-a-deck",
        ),
        pytest.param(
            replace(JANE_WARM, loops=(DECK,)),
            replace(JANE_WARM, occasion="birthday", occasion_in_days=4),
            id="an-overdue-deck-before-a-birthday-next-week",
        ),
        pytest.param(
            replace(JANE_WARM, loops=(CONTRACT,)),
            COLD_FOCUS,
            id="a-nudge-before-a-focus-reach-out",
        ),
        pytest.param(
            COLD_FOCUS,
            replace(COLD_FOCUS, focus=False, cadence_days=None),
            id="a-focus-contact-before-any-other-cold-one",
        ),
    ],
)
def test_ranking_for_your_next_five(first: Facts, second: Facts) -> None:
    a, b = next_action(first), next_action(second)
    assert a is not None and b is not None
    assert (a.rank, -a.urgency) < (b.rank, -b.urgency)


# --- whose turn -----------------------------------------------------------------------------

W9 = OpenLoop("you_owe", "our W-9", NOW + timedelta(days=3, hours=1), ago(1))


@pytest.mark.parametrize(
    ("story", "whose", "text"),
    [
        pytest.param(
            replace(JANE_WARM, loops=(W9,)),
            YOURS,
            "Your turn: you owe Jane Doe our W-9 (due in 3 days).",
            id="we-owe",
        ),
        pytest.param(
            replace(JANE_WARM, loops=(CONTRACT,)),
            THEIRS,
            "Jane's turn: you're waiting on Jane for the signed contract (overdue by 1 day).",
            id="they-owe",
        ),
        pytest.param(
            replace(JANE_WARM, loops=(DECK, W9, CONTRACT)),
            BOTH,
            "Both of you have a move: you owe Jane Doe the pricing deck (overdue by 2 days) and "
            "1 more, and you're waiting on Jane for the signed contract (overdue by 1 day).",
            id="both-overdue-first",
        ),
        pytest.param(
            replace(JANE_WARM, last_initiator="them", last_kind="call", last_at=ago(2)),
            YOURS,
            "Your turn: Jane reached out last (call, 2 days ago); nothing is open.",
            id="they-called-last",
        ),
        pytest.param(
            replace(JANE_WARM, last_initiator="me", last_kind="email", last_at=ago(0)),
            THEIRS,
            "Jane's turn: you reached out last (email, today); nothing is open.",
            id="we-wrote-last",
        ),
        pytest.param(
            replace(JANE_WARM, last_initiator=None, last_kind=None, last_at=ago(1)),
            NOBODY,
            "Nobody owes a move: nothing is open with Jane (last: yesterday).",
            id="nothing-open-nobody-started-it",
        ),
        pytest.param(
            replace(JANE_WARM, last_at=None, first_at=None, in_recent=0, in_long=0),
            NOBODY,
            "You haven't logged anything with Jane yet.",
            id="never",
        ),
    ],
)
def test_whose_turn(story: Facts, whose: str, text: str) -> None:
    turn = whose_turn(story)
    assert (turn.whose, turn.text) == (whose, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("whose turn is it with Yusuf?", "Yusuf"),
        ("Whose move is it with Yusuf Rahimi", "Yusuf Rahimi"),
        ("is it my turn with yusuf?", "yusuf"),
        ("who owes whom with Anna-Lena Vogt?", "Anna-Lena Vogt"),
        ("whose turn w/ Trần Thị Mai", "Trần Thị Mai"),
        ("whose turn is it", None),
        ("whose birthday is in October?", None),
        ("who wanted a shelter dog?", None),
        ("turn the deck around for Yusuf", None),
    ],
)
def test_the_whose_turn_question_names_the_person(text: str, name: str | None) -> None:
    assert turn.subject(text) == name
