"""Seed story: the kitchen fire. A contact calls with bad news; from then on, every reminder about
them says so in human words, through the real service and the real reminder tick — during the
mute and on the first nudge after it — and never a plain "time to get back in touch" without it.

Also the class: the phrasings of bad news Rapport must hear, the figures of speech it must not,
the author's own news, and news about one person in a note about several.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.refs import Actor
from bot.domain.relationship import CHECK_IN
from bot.domain.sensitive import heads_up, words_for
from bot.store.db import SessionFactory
from tests.reminders.world import WS, World

# Monday 2 November 2026, 10:00 in London (GMT): Ana's working day.
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ANA = Actor(workspace_id=WS, user_id="ana", display_name="Ana", tz="Europe/London")
FIRE = (
    "Chris called: there was a fire in the kitchen of their house, smoke damage everywhere, "
    "family is fine, staying in temporary housing"
)
HEADS_UP = "heads-up: kitchen fire"
GENTLY = "check in, don't pitch"


@pytest.fixture
def world(sessions: SessionFactory) -> World:
    return World(sessions=sessions, now=NOW)


@dataclass(frozen=True)
class Line:
    day: int  # days after the fire
    text: str  # one reminder (or "also worth doing") line as the DM shows it


def lines_of(world: World, day: int, start: int) -> list[Line]:
    out = []
    for sent in world.notifier.sent[start:]:
        for block in sent.blocks:
            if block.get("type") == "section":
                out.append(Line(day, str(block["text"]["text"])))
    return out


def story(world: World) -> None:
    """What Ana knew of Chris before the call, and Dana, whom nothing happened to."""
    log = world.app.notes.log
    log(
        actor=ANA,
        text="coffee with Chris Young, talked about the Q1 renewal",
        at=NOW - timedelta(days=40),
    )
    log(
        actor=ANA,
        text="lunch with Dana Cole about the partner program",
        at=NOW - timedelta(days=40),
    )
    assert log(actor=ANA, text="Chris's birthday is 20 November").occasions
    assert log(actor=ANA, text="I owe Chris the renewal quote by Friday 13 November").loops_opened
    assert log(actor=ANA, text="waiting on Chris for the signed order form").loops_opened
    world.app.cadences.set_cadence(actor=ANA, target="Chris Young", every_days=14)
    world.app.cadences.set_cadence(actor=ANA, target="Dana Cole", every_days=14)


def test_after_the_kitchen_fire_no_reminder_about_chris_goes_without_the_heads_up(
    world: World,
) -> None:
    world.user("ana", tz="Europe/London")
    story(world)
    result = world.app.notes.log(actor=ANA, text=FIRE)
    assert [c.display_name for c in result.contacts] == ["Chris Young"]
    assert result.sensitive == ("kitchen fire",)
    # The call is not the quote Ana owes: her promise stays open.
    assert result.loops_closed == ()

    lines: list[Line] = []
    for day in range(0, 50):
        world.at(NOW.replace(hour=9, minute=30) + timedelta(days=day))
        start = len(world.notifier.sent)
        world.tick()
        lines += lines_of(world, day, start)

    chris = [line for line in lines if "Chris" in line.text]
    nudges = [line for line in chris if "Time to get back in touch" in line.text]
    assert nudges, "a stay-in-touch nudge for Chris comes back after the cool-down"
    first_after = nudges[0]
    assert first_after.day >= 30, "no stay-in-touch nudge about Chris during the mute"
    # Every line about Chris up to and including the first nudge after the mute carries it.
    for line in chris:
        if line.day <= first_after.day:
            assert HEADS_UP in line.text and GENTLY in line.text, line
    assert f"{HEADS_UP} 4 weeks ago" in first_after.text or f"{HEADS_UP} 5 weeks ago" in (
        first_after.text
    )
    # Her promise, the birthday, the heads-up itself: each said it, in the mute.
    said = [line.text for line in chris if line.day < 30]
    assert any("You owe *Chris Young* the renewal quote" in t for t in said)
    assert any("*Chris Young*'s birthday is in 7 days" in t for t in said)
    assert any("It's *Chris Young*'s birthday today" in t for t in said)
    # One heads-up for the fire, though both the cadence and the order form would have nudged.
    assert sum(t.startswith(":warning: About *Chris Young*") for t in said) == 1
    assert any(t.startswith(":hugging_face: Go gently with Chris Young") for t in said)
    # Dana had no fire: her nudges are plain, and nothing about her mentions one.
    dana = [line for line in lines if "Dana" in line.text]
    assert any("Time to get back in touch with *Dana Cole*" in line.text for line in dana)
    assert not any("heads-up" in line.text for line in dana)


def test_two_weeks_after_the_fire_every_surface_says_kitchen_fire(world: World) -> None:
    world.user("ana", tz="Europe/London")
    story(world)
    world.app.notes.log(actor=ANA, text=FIRE)
    world.later(days=14)
    expected = f"{HEADS_UP} 2 weeks ago — {GENTLY}"

    card = world.app.recall.card(actor=ANA, name="Chris")
    assert [words for words, _ in card.sensitive] == ["kitchen fire"]
    assert card.standing is not None and card.standing.action is not None
    assert card.standing.action.kind == CHECK_IN
    assert expected in card.standing.action.text
    assert "the renewal quote can wait" in card.standing.action.text

    first = world.app.standing.next_actions(actor=ANA)[0]
    assert (first.contact.display_name, first.action.kind) == ("Chris Young", CHECK_IN)
    assert expected in first.action.text
    draft = first.action.draft or ""
    assert "fire" in draft and "sorry" in draft and "renewal" not in draft

    standing = world.app.standing.contact(actor=ANA, name="Chris Young")
    assert standing.action is not None and expected in standing.action.text

    due = world.app.due.due(actor=ANA, now=world.now + timedelta(days=3))
    about_chris = [item.text for item in due.items if item.contact.display_name == "Chris Young"]
    assert about_chris and all(HEADS_UP in text for text in about_chris)


# --- the class --------------------------------------------------------------------------------

BAD_NEWS = [
    pytest.param(FIRE, "kitchen fire", id="the-seed-story"),
    pytest.param(
        "Chris Young had a kitchen fire over the weekend", "kitchen fire", id="kitchen-fire"
    ),
    pytest.param(
        "Chris Young: smoke damage throughout the house, they're ok", "a fire at home", id="smoke"
    ),
    pytest.param("Chris Young's garage burned down", "garage fire", id="burned-down"),
    pytest.param("Chris Young lost their home in the floods", "losing their home", id="lost-home"),
    pytest.param(
        "Chris Young is staying in temporary accommodation for now",
        "being out of their home",
        id="temporary-accommodation",
    ),
    pytest.param("Chris Young is in hospital with pneumonia", "a hospital stay", id="hospital"),
    pytest.param("Chris Young had knee surgery on Monday", "surgery", id="surgery"),
    pytest.param(
        "Chris Young's wife had surgery last week", "their wife's surgery", id="family-surgery"
    ),
    pytest.param("Chris Young was diagnosed with breast cancer", "a cancer diagnosis", id="cancer"),
    pytest.param(
        "Chris Young's mother passed away last week",
        "the death of their mother",
        id="bereavement",
    ),
    pytest.param(
        "condolences to Chris Young, a bereavement in the family",
        "a death in the family",
        id="bereaved",
    ),
    pytest.param("Chris Young had a miscarriage", "a miscarriage", id="miscarriage"),
    pytest.param("Chris Young and his wife are getting divorced", "a divorce", id="divorce"),
    pytest.param("Chris Young was laid off in the Globex layoffs", "a layoff", id="laid-off"),
    pytest.param("Chris Young lost her job last month", "losing their job", id="lost-job"),
    pytest.param(
        "Chris Young was in a car crash, recovering at home", "a car accident", id="car-crash"
    ),
]

NOT_BAD_NEWS = [
    pytest.param(
        "call with Chris Young: the proposal is dead in the water", id="dead-in-the-water"
    ),
    pytest.param("Chris Young is crushing it this quarter", id="crushing-it"),
    pytest.param("coffee w/ Chris Young: she's on fire this quarter", id="on-fire"),
    pytest.param("Chris Young says the old CRM died, they're migrating", id="the-crm-died"),
    pytest.param("Chris Young fired off the contract this morning", id="fired-off"),
    pytest.param("Chris Young: their launch was a killer demo", id="killer-demo"),
    pytest.param("call with Chris Young: I'm just back from the hospital", id="my-hospital"),
    pytest.param("coffee w/ Chris Young, told him my dad passed away", id="my-bereavement"),
    pytest.param("Chris Young: our old office burned through the budget", id="burned-budget"),
]


def chris_known(world: World) -> None:
    world.user("ana", tz="Europe/London")
    world.app.notes.log(
        actor=ANA,
        text="coffee with Chris Young, talked about the Q1 renewal",
        at=NOW - timedelta(days=40),
    )
    world.app.cadences.set_cadence(actor=ANA, target="Chris Young", every_days=14)


@pytest.mark.parametrize(("text", "words"), BAD_NEWS)
def test_bad_news_about_the_contact_is_heard_in_human_words(
    world: World, text: str, words: str
) -> None:
    chris_known(world)
    assert world.app.notes.log(actor=ANA, text=text).sensitive == (words,)
    card = world.app.recall.card(actor=ANA, name="Chris Young")
    assert [said for said, _ in card.sensitive] == [words]
    world.later(days=14)
    nxt = world.app.standing.next_actions(actor=ANA)
    assert [(n.contact.display_name, n.action.kind) for n in nxt][:1] == [("Chris Young", CHECK_IN)]
    assert f"heads-up: {words} 2 weeks ago — {GENTLY}" in nxt[0].action.text
    draft = nxt[0].action.draft or ""
    assert "bereavement" not in draft and "I heard about the " + words not in draft


@pytest.mark.parametrize("text", NOT_BAD_NEWS)
def test_figures_of_speech_and_the_authors_own_news_mute_nobody(world: World, text: str) -> None:
    chris_known(world)
    assert world.app.notes.log(actor=ANA, text=text).sensitive == ()
    assert world.app.recall.card(actor=ANA, name="Chris Young").sensitive == ()
    world.at(NOW.replace(hour=9, minute=30) + timedelta(days=15))
    world.tick()
    said = " ".join(s.text for s in world.notifier.sent)
    assert "Time to get back in touch with Chris Young" in said
    assert "heads-up" not in said


def test_condolences_say_sorry_for_your_loss_not_the_word_bereavement(world: World) -> None:
    chris_known(world)
    world.app.notes.log(actor=ANA, text="Chris Young's father died on Sunday, funeral is Friday")
    action = world.app.standing.contact(actor=ANA, name="Chris Young").action
    assert action is not None and action.kind == CHECK_IN
    assert "the death of their father" in action.text
    assert action.draft is not None and "sorry to hear of your loss" in action.draft
    assert "bereavement" not in action.draft and "funeral" not in action.draft


@pytest.mark.parametrize(
    ("text", "whose", "not_whose"),
    [
        pytest.param(
            "lunch w/ Sam Lee and Priya Nair; Priya's dad passed away last week",
            "Priya Nair",
            "Sam Lee",
            id="bereavement-of-the-second",
        ),
        pytest.param(
            "dinner with Chris Young and Dana Cole, Dana's house flooded",
            "Dana Cole",
            "Chris Young",
            id="flood-of-the-second",
        ),
        pytest.param(
            "call with Priya Nair and Sam Lee — Sam is in hospital after a car crash",
            "Sam Lee",
            "Priya Nair",
            id="hospital-of-the-second",
        ),
    ],
)
def test_news_about_one_person_in_a_note_about_several_lands_on_that_person(
    world: World, text: str, whose: str, not_whose: str
) -> None:
    world.user("ana", tz="Europe/London")
    for name in (whose, not_whose):
        world.app.notes.log(actor=ANA, text=f"coffee with {name}", at=NOW - timedelta(days=40))
        world.app.cadences.set_cadence(actor=ANA, target=name, every_days=14)
    result = world.app.notes.log(actor=ANA, text=text)
    assert sorted(c.display_name for c in result.contacts) == sorted([whose, not_whose])
    assert len(result.sensitive) == 1 and result.sensitive[0].endswith(f"({whose})")
    assert world.app.recall.card(actor=ANA, name=whose).sensitive != ()
    assert world.app.recall.card(actor=ANA, name=not_whose).sensitive == ()
    world.at(NOW.replace(hour=9, minute=30) + timedelta(days=15))
    world.tick()
    lines = [line.text for line in lines_of(world, 15, 0)]
    other = [t for t in lines if not_whose in t]
    assert any("Time to get back in touch" in t for t in other), lines
    assert not any("heads-up" in t for t in other)
    assert all("heads-up" in t for t in lines if whose in t)


@pytest.mark.parametrize(
    ("text", "ana_hears"),
    [
        pytest.param(FIRE.replace("Chris", "Chris Young", 1), True, id="a-teammates-team-note"),
        pytest.param("private: " + FIRE.replace("Chris", "Chris Young", 1), False, id="private"),
    ],
)
def test_a_teammates_news_reaches_me_only_when_i_may_see_their_note(
    world: World, text: str, ana_hears: bool
) -> None:
    chris_known(world)
    bob = Actor(workspace_id=WS, user_id="bob", display_name="Bob", tz="Europe/London")
    world.app.notes.log(actor=bob, text=text)
    card = world.app.recall.card(actor=ANA, name="Chris Young")
    assert (card.sensitive != ()) is ana_hears
    world.at(NOW.replace(hour=9, minute=30) + timedelta(days=3))
    world.tick()
    said = " ".join(s.text for s in world.notifier.sent if s.user == "ana")
    assert ("kitchen fire" in said) is ana_hears
    # Team news turns Ana's overdue nudge into a heads-up; Bob's private note changes nothing.
    assert ("Time to get back in touch with Chris Young" in said) is not ana_hears


@pytest.mark.parametrize(
    ("topic", "text", "words"),
    [
        ("house fire", "a fire in the kitchen of their house", "kitchen fire"),
        ("house fire", "their garage burned down", "garage fire"),
        ("house fire", "they lost everything in the wildfires", "the wildfire"),
        ("house fire", "smoke damage everywhere", "a fire at home"),
        ("bereavement", "Chris's mother visited; his dog died", "the death of their dog"),
        ("bereavement", "she lost her father in May", "the death of their father"),
        ("bereavement", "a death in the family, funeral Friday", "a death in the family"),
        ("hospital", "Chris is in hospital, his wife drove him", "a hospital stay"),
        ("hospital", "Chris's dad is in hospital", "their dad's hospital stay"),
        ("illness", "her husband had a stroke", "their husband's stroke"),
        ("laid off", "he was made redundant", "a layoff"),
        ("lost home", "their flat flooded, they're at her mum's", "a flood at home"),
    ],
)
def test_the_words_are_the_notes_own(topic: str, text: str, words: str) -> None:
    assert words_for(topic, text) == words


@pytest.mark.parametrize(
    ("hours", "said"),
    [
        (1, "heads-up: kitchen fire, just heard — check in, don't pitch"),
        (30, "heads-up: kitchen fire, heard yesterday — check in, don't pitch"),
        (24 * 5, "heads-up: kitchen fire 5 days ago — check in, don't pitch"),
        (24 * 14, "heads-up: kitchen fire 2 weeks ago — check in, don't pitch"),
    ],
)
def test_the_heads_up_counts_from_when_it_was_heard(hours: int, said: str) -> None:
    assert heads_up("kitchen fire", NOW - timedelta(hours=hours), NOW) == said
