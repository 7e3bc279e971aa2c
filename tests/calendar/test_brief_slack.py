"""The brief in Slack, through the real bolt app over signed HTTP and slack_sdk's WebClient
against the local fake Slack: the DM before tomorrow's meeting (with the kitchen fire's
heads-up), `/rapport brief Chris` and `/rapport brief off`, App Home's next meetings, the "How
did it go?" button opening the log form with the attendees filled in (and the note it files),
and the Add button under "You met 1 new person" making a contact with the invitation's address."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.app import Rapport
from bot.blocks.calendars import sync_blocks
from bot.blocks.ids import BLOCK_ABOUT, BLOCK_TEXT, VIEW_SAVE_NOTE
from bot.domain.refs import Actor
from bot.slack.app import build_app
from bot.slack.client import build_client
from bot.slack.notifier import SlackNotifier
from bot.store.db import SessionFactory
from tests.calendar.conftest import Person, calendar, event
from tests.calendar.icsserver import Feed, Server, serving
from tests.kit import buttons
from tests.slack.conftest import make_settings, serve_in_thread
from tests.slack.fakeslack import FakeSlack, running_fake_slack
from tests.slack.payloads import SlackSender, block_action, home_opened, view_submission

ALICE = Actor(workspace_id="T0TEAM", user_id="UALICE", display_name="Alice", tz="UTC")
ME = Person("alice@acme.com", "Alice")
CHRIS = Person("chris@young.io", "Chris Young")
SAM = Person("sam@hooli.com", "Sam Vega")
PATH = "/ical/alice%40acme.com/private-77aa/basic.ics"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
MEETING = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
KEY = Fernet.generate_key().decode()


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def feeds() -> Iterator[Server]:
    with serving() as running:
        yield running


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with running_fake_slack() as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def rapport(sessions: SessionFactory, clock: Clock, feeds: Server, tmp_path: Path) -> Rapport:
    app = Rapport(sessions=sessions, clock=clock, calendar_key=KEY, calendar_allow_private=True)
    log = app.notes.log
    log(
        actor=ALICE,
        text="coffee with Chris Young, talked about the renewal",
        at=NOW - timedelta(days=40),
    )
    log(
        actor=ALICE,
        text="Chris Young called: there was a fire in the kitchen of their house, family is fine",
        at=NOW - timedelta(days=14),
    )
    past = event("m0", NOW - timedelta(days=2), title="Intro", people=(ME, CHRIS, SAM))
    soon = event("m1", MEETING, title="Renewal with Chris", people=(ME, CHRIS, SAM))
    feeds.feeds[PATH] = Feed(body=calendar(past, soon, name="Work"), etag='"1"')
    app.calendars.connect(actor=ALICE, url=feeds.base + PATH, me="alice@acme.com")
    return app


@pytest.fixture
def slack(rapport: Rapport, fake_slack: FakeSlack) -> Iterator[SlackSender]:
    app = build_app(rapport=rapport, settings=make_settings(fake_slack.api_url))
    server, thread = serve_in_thread(app)
    try:
        yield SlackSender(
            f"http://127.0.0.1:{server.server_port}", response_url_base=fake_slack.url
        )
    finally:
        fake_slack.settle(0.2, timeout=5)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def notifier(fake_slack: FakeSlack) -> SlackNotifier:
    return SlackNotifier(build_client(make_settings(fake_slack.api_url)))


def tick(rapport: Rapport, clock: Clock, fake_slack: FakeSlack, at: datetime) -> None:
    clock.now = at
    rapport.delivery.tick(notifier=notifier(fake_slack), now=at)


def test_the_dm_before_tomorrows_meeting_carries_the_heads_up_and_comes_once(
    rapport: Rapport, clock: Clock, fake_slack: FakeSlack
) -> None:
    rapport.sync_calendars(notifier(fake_slack))
    tick(rapport, clock, fake_slack, MEETING - timedelta(minutes=20))
    assert fake_slack.calls("chat.postMessage") == []
    tick(rapport, clock, fake_slack, MEETING - timedelta(minutes=15))
    tick(rapport, clock, fake_slack, MEETING - timedelta(minutes=14))
    (dm,) = fake_slack.calls("chat.postMessage")
    dump = dm.text_dump()
    assert dm.params["channel"] == "DUALICE"
    assert "Renewal with Chris" in dump
    assert "Heads-up:* kitchen fire 2 weeks ago — check in, don't pitch" in dump
    assert "Also there (not contacts): Sam Vega" in dump


def test_slash_brief_by_name_and_the_setting(
    rapport: Rapport, slack: SlackSender, fake_slack: FakeSlack
) -> None:
    rapport.sync_calendars(notifier(fake_slack))
    slack.command("brief Chris", response_key="b1")
    (answer,) = fake_slack.wait_for("response_url")
    dump = answer.text_dump()
    assert answer.params["response_type"] == "ephemeral"
    assert "Renewal with Chris" in dump and "kitchen fire" in dump
    fake_slack.clear()
    slack.command("brief off", response_key="b2")
    (off,) = fake_slack.wait_for("response_url")
    assert "Briefs before meetings are off" in off.text_dump()
    assert rapport.briefs.settings(actor=ALICE).minutes == 0
    fake_slack.clear()
    slack.command("brief minutes 10", response_key="b3")
    (ten,) = fake_slack.wait_for("response_url")
    assert "A brief 10 minutes before each meeting" in ten.text_dump()
    fake_slack.clear()
    slack.command("brief minutes 500", response_key="b4")
    (bad,) = fake_slack.wait_for("response_url")
    assert "1 to 120 minutes" in bad.text_dump()


def test_app_home_shows_the_next_meeting_with_its_brief(
    rapport: Rapport, slack: SlackSender, fake_slack: FakeSlack
) -> None:
    rapport.sync_calendars(notifier(fake_slack))
    slack.event(home_opened())
    (published,) = fake_slack.wait_for("views.publish")
    dump = published.text_dump()
    assert "Next meetings" in dump and "Renewal with Chris" in dump and "kitchen fire" in dump


def test_how_did_it_go_opens_the_log_form_with_the_attendees_and_files_the_note(
    rapport: Rapport, clock: Clock, slack: SlackSender, fake_slack: FakeSlack
) -> None:
    rapport.sync_calendars(notifier(fake_slack))
    tick(rapport, clock, fake_slack, MEETING - timedelta(minutes=15))
    tick(rapport, clock, fake_slack, MEETING + timedelta(minutes=35))
    tick(rapport, clock, fake_slack, MEETING + timedelta(minutes=50))
    _brief, after = fake_slack.calls("chat.postMessage")
    assert "How did it go with *Chris Young*?" in after.text_dump()
    log = buttons(after)["Log how it went"]
    fake_slack.clear()
    assert slack.interact(block_action(log["action_id"], log["value"])).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == VIEW_SAVE_NOTE
    about = next(b for b in view["blocks"] if b.get("block_id") == BLOCK_ABOUT)
    assert about["element"]["initial_value"] == "Chris Young"
    fake_slack.clear()
    submitted = view_submission(
        VIEW_SAVE_NOTE,
        {BLOCK_ABOUT: "Chris Young", BLOCK_TEXT: "they will sign the renewal in January"},
        private_metadata=view["private_metadata"],
    )
    assert slack.interact(submitted).status == 200
    fake_slack.wait_for("chat.postMessage")
    card = rapport.recall.card(actor=ALICE, name="Chris Young")
    assert card.timeline[0].text == "they will sign the renewal in January"


def test_add_under_you_met_a_new_person_makes_the_contact_with_their_address(
    rapport: Rapport, slack: SlackSender, fake_slack: FakeSlack
) -> None:
    (synced,) = rapport.calendars.sync_due().synced
    assert synced.summary is not None and [p.label for p in synced.summary.new_people] == [
        "Sam Vega"
    ]
    add = buttons(sync_blocks(synced, now=NOW))["Add Sam Vega"]
    assert json.loads(add["value"]) == {"n": "Sam Vega", "e": "sam@hooli.com"}
    slack.interact(
        block_action(add["action_id"], add["value"], response_url=fake_slack.response_url("a1"))
    )
    (answer,) = fake_slack.wait_for("response_url")
    assert "Added *Sam Vega* to your contacts" in answer.text_dump()
    card = rapport.recall.card(actor=ALICE, name="Sam Vega")
    assert card.emails == ("sam@hooli.com",)
    # The next read files the meeting already had with them.
    rapport.calendars.sync_due()
    assert [e.text for e in rapport.recall.card(actor=ALICE, name="Sam Vega").timeline] == ["Intro"]
    fake_slack.clear()
    slack.interact(
        block_action(add["action_id"], add["value"], response_url=fake_slack.response_url("a2"))
    )
    (again,) = fake_slack.wait_for("response_url")
    assert "already one of your contacts" in again.text_dump()
