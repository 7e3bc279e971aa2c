"""Seed story: "whose turn is it?" over a long back-and-forth with one contact. After each note —
we wrote, they replied, we owe, they owe, both, a settlement of the wrong thing, a call — the
standing row, the card and the open loops say whose move it is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Rapport
from bot.domain.refs import Actor
from bot.domain.relationship import BOTH, NOBODY, THEIRS, YOURS
from bot.slack.app import build_app
from bot.store.db import SessionFactory
from tests.slack.conftest import make_settings, serve_in_thread
from tests.slack.fakeslack import FakeSlack, running_fake_slack
from tests.slack.payloads import SlackSender, dm
from tests.world import World

# Monday 2 November 2026, in London.
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ME = Actor(workspace_id="T1", user_id="U_ME", display_name="Ana", tz="Europe/London")
YUSUF = "Yusuf Rahimi"

# (day, note, whose turn, words the sentence must say, (you owe, waiting on) open after it)
STORY: list[tuple[int, str, str, tuple[str, ...], tuple[list[str], list[str]]]] = [
    (0, "Emailed Yusuf Rahimi the intro deck", THEIRS, ("you reached out last",), ([], [])),
    (
        1,
        "Yusuf replied, he wants a pricing proposal by Friday",
        YOURS,
        ("you owe Yusuf Rahimi a pricing proposal (due in 3 days)",),
        (["a pricing proposal"], []),
    ),
    (
        3,
        "sent Yusuf the pricing proposal, asked him for the signed NDA",
        THEIRS,
        ("Yusuf's turn", "waiting on Yusuf for the signed NDA"),
        ([], ["the signed NDA"]),
    ),
    (
        5,
        "Yusuf sent the signed NDA, he needs our W-9 by the 20th",
        YOURS,
        ("you owe Yusuf Rahimi our W-9",),
        (["our W-9"], []),
    ),
    (
        7,
        "call with Yusuf: I owe him the roadmap deck by Friday and he will send the security "
        "questionnaire",
        BOTH,
        ("you owe Yusuf Rahimi the roadmap deck", "and 1 more", "the security questionnaire"),
        (["our W-9", "the roadmap deck"], ["the security questionnaire"]),
    ),
    (
        8,
        "sent Yusuf the W-9",
        BOTH,
        ("you owe Yusuf Rahimi the roadmap deck (due in 3 days)", "the security questionnaire"),
        (["the roadmap deck"], ["the security questionnaire"]),
    ),
    (
        9,
        "sent Yusuf the contract draft",  # not the deck: it stays open
        BOTH,
        ("the roadmap deck",),
        (["the roadmap deck"], ["the security questionnaire"]),
    ),
    (
        10,
        "sent Yusuf the roadmap deck",
        THEIRS,
        ("waiting on Yusuf for the security questionnaire",),
        ([], ["the security questionnaire"]),
    ),
    (
        14,
        "got the security questionnaire from Yusuf",
        NOBODY,
        ("nothing is open",),
        ([], []),
    ),
    (
        20,
        "Yusuf called me about renewal timing",
        YOURS,
        ("Yusuf reached out last (call, today)",),
        ([], []),
    ),
    (
        22,
        "pinged Yusuf about the renewal timing",
        THEIRS,
        ("you reached out last",),
        ([], []),
    ),
]


@pytest.fixture
def world(sessions: SessionFactory) -> World:
    return World(sessions=sessions, now=NOW)


def loops_now(rapport: Rapport) -> tuple[list[str], list[str]]:
    listed = rapport.recall.loops(actor=ME)
    return (
        sorted(lp.what for lp in listed.you_owe if lp.contact.display_name == YUSUF),
        sorted(lp.what for lp in listed.waiting_on if lp.contact.display_name == YUSUF),
    )


def test_whose_turn_is_right_at_every_step_of_a_long_back_and_forth(world: World) -> None:
    for day, text, whose, words, loops in STORY:
        world.at(NOW + timedelta(days=day))
        world.app.notes.log(actor=ME, text=text)
        step = f"day {day}: {text!r}"
        standing = world.app.standing.contact(actor=ME, name=YUSUF)
        assert standing.turn is not None, step
        assert standing.turn.whose == whose, f"{step}: {standing.turn.text}"
        for said in words:
            assert said in standing.turn.text, f"{step}: {standing.turn.text}"
        card = world.app.recall.card(actor=ME, name="Yusuf")
        assert card.standing is not None and card.standing.turn == standing.turn, step
        assert loops_now(world.app) == (sorted(loops[0]), sorted(loops[1])), step


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with running_fake_slack() as server:
        server.users["UALICE"] = {"tz": "Europe/London", "real_name": "Alice Smith"}
        yield server


@pytest.fixture
def slack(world: World, fake: FakeSlack) -> Iterator[SlackSender]:
    app = build_app(rapport=world.app, settings=make_settings(fake.api_url))
    server, thread = serve_in_thread(app)
    try:
        yield SlackSender(f"http://127.0.0.1:{server.server_port}", response_url_base=fake.url)
    finally:
        fake.settle(0.2, timeout=5)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def ask(slack: SlackSender, fake: FakeSlack, text: str) -> str:
    before = len(fake.calls("chat.postMessage"))
    assert slack.event(dm(text)).status == 200
    return fake.wait_for("chat.postMessage", before + 1)[-1].text_dump()


def test_asking_whose_turn_in_a_dm_answers_at_every_step(
    world: World, fake: FakeSlack, slack: SlackSender
) -> None:
    for day, text, whose, words, _ in STORY[:8]:
        world.at(NOW + timedelta(days=day))
        ask(slack, fake, text)
        for question in ("whose turn is it with Yusuf?", "is it my turn with yusuf"):
            answer = ask(slack, fake, question)
            step = f"day {day}: {text!r} / {question!r}"
            for said in words:
                assert said in answer, f"{step}: {answer}"
            assert {"yours": "Your turn", "theirs": "Yusuf's turn", "both": "Both of you"}[
                whose
            ] in answer, step
    # A question that is not about turns still recalls notes.
    assert "pricing proposal" in ask(slack, fake, "who wanted a pricing proposal?")
