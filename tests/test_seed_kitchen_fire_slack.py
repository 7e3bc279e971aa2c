"""Seed story, the whole way through Slack: the kitchen fire told to the bot by DM (signed requests
into the real bolt App over HTTP), and weeks of reminder DMs through slack_sdk's real WebClient to
the local fake Slack. Every DM about Chris says why to go gently, until the first nudge after
the cool-down; the card asked for by slash command says it too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.slack.app import build_app
from bot.slack.client import build_client
from bot.slack.notifier import SlackNotifier
from bot.store.db import SessionFactory
from tests.slack.conftest import make_settings, serve_in_thread
from tests.slack.fakeslack import FakeSlack, running_fake_slack
from tests.slack.payloads import SlackSender, dm
from tests.world import World

# Monday 2 November 2026, 10:00 in London.
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
FIRE = (
    "Chris called: there was a fire in the kitchen of their house, smoke damage everywhere, "
    "family is fine, staying in temporary housing"
)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with running_fake_slack() as server:
        server.users["UALICE"] = {"tz": "Europe/London", "real_name": "Alice Smith"}
        yield server


@pytest.fixture
def world(sessions: SessionFactory) -> World:
    return World(sessions=sessions, now=NOW)


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


def say(slack: SlackSender, fake: FakeSlack, text: str) -> str:
    """DM the bot; its answer, as everything visible in it."""
    before = len(fake.calls("chat.postMessage"))
    assert slack.event(dm(text)).status == 200
    return fake.wait_for("chat.postMessage", before + 1)[-1].text_dump()


def sections(blocks: list[dict[str, object]]) -> list[str]:
    out = []
    for block in blocks:
        text = block.get("text")
        if block.get("type") == "section" and isinstance(text, dict):
            out.append(str(text["text"]))
    return out


def test_the_kitchen_fire_through_slack_every_dm_about_chris_carries_the_heads_up(
    world: World, fake: FakeSlack, slack: SlackSender
) -> None:
    world.at(NOW - timedelta(days=40))
    say(slack, fake, "coffee with Chris Young, talked about the Q1 renewal")
    world.at(NOW)
    assert slack.command("cadence Chris Young every 14 days").status == 200
    say(slack, fake, "I owe Chris the renewal quote by Friday 13 November")
    heard = say(slack, fake, FIRE)
    assert "Chris Young" in heard and "kitchen fire" in heard
    assert "house fire" not in heard  # the parser's class name is not what a person reads

    notifier = SlackNotifier(build_client(make_settings(fake.api_url)))
    start = len(fake.calls("chat.postMessage"))
    dms: list[tuple[int, str]] = []
    for day in range(0, 45):
        world.at(NOW.replace(hour=9, minute=30) + timedelta(days=day))
        world.app.delivery.tick(notifier=notifier, now=world.now, worker="slack-test")
        for call in fake.calls("chat.postMessage")[start:]:
            assert call.params["channel"] == "DUALICE"
            assert call.params.get("link_names") in (None, False)
            blocks = call.params.get("blocks") or []
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            dms += [(day, line) for line in sections(blocks)]
        start = len(fake.calls("chat.postMessage"))

    about_chris = [(day, line) for day, line in dms if "Chris" in line]
    nudges = [(day, line) for day, line in about_chris if "Time to get back in touch" in line]
    assert about_chris and nudges
    first_nudge_day = nudges[0][0]
    assert first_nudge_day >= 30
    for day, line in about_chris:
        if day <= first_nudge_day:
            assert "heads-up: kitchen fire" in line and "check in, don't pitch" in line, line
    assert any("You owe *Chris Young* the renewal quote" in line for _, line in about_chris)

    # The card, asked for in Slack two weeks after the call, says it in the same words.
    world.at(NOW + timedelta(days=14))
    before = len(fake.calls("response_url"))
    assert slack.command("who Chris Young", response_key="card").status == 200
    card = fake.wait_for("response_url", before + 1)[-1].text_dump()
    assert "kitchen fire 2 weeks ago" in card and "check in, don't pitch" in card
    assert "Go gently with Chris Young" in card
