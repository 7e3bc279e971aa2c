"""`/rapport calendar` in Slack, through the real bolt app over signed HTTP and slack_sdk's client
against the local fake Slack: the secret address is typed into a private form only, refused in a
command, never echoed; the first read's summary comes back by DM."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.app import Rapport
from bot.blocks.ids import (
    ACTION_CALENDAR_CONNECT,
    BLOCK_CALENDAR_EMAIL,
    BLOCK_CALENDAR_PASSWORD,
    BLOCK_CALENDAR_URL,
    BLOCK_CALENDAR_USERNAME,
    VIEW_CALENDAR_CONNECT,
)
from bot.domain.refs import Actor
from bot.slack.app import build_app
from bot.store.db import SessionFactory
from tests.calendar.conftest import CONTACTS, JANE, Person, calendar, event
from tests.calendar.icsserver import Feed, Server, serving
from tests.calendar.radicale import running_radicale
from tests.kit import buttons
from tests.slack.conftest import make_settings, serve_in_thread
from tests.slack.fakeslack import FakeSlack, running_fake_slack
from tests.slack.payloads import SlackSender, block_action, view_submission

TOKEN = "private-9a8b7c6d5e4f3a2b1c0d"
ALICE = Actor(workspace_id="T0TEAM", user_id="UALICE", display_name="Alice", tz="UTC")
ME = Person("alice@acme.com", "Alice")


@pytest.fixture
def feeds() -> Iterator[Server]:
    with serving() as running:
        yield running


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with running_fake_slack() as fake:
        yield fake


def _app(sessions: SessionFactory, fake_slack: FakeSlack, key: str | None) -> Rapport:
    return Rapport(
        sessions=sessions,
        clock=lambda: datetime.now(UTC),
        calendar_key=key,
        calendar_allow_private=True,
    )


@pytest.fixture
def rapport(sessions: SessionFactory, fake_slack: FakeSlack, tmp_path: Path) -> Rapport:
    app = _app(sessions, fake_slack, Fernet.generate_key().decode())
    vcf = tmp_path / "contacts.vcf"
    vcf.write_text(CONTACTS)
    app.transfer.import_contacts(actor=ALICE, path=vcf)
    return app


def sender(rapport: Rapport, fake_slack: FakeSlack) -> Iterator[SlackSender]:
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


@pytest.fixture
def slack(rapport: Rapport, fake_slack: FakeSlack) -> Iterator[SlackSender]:
    yield from sender(rapport, fake_slack)


def open_form(slack: SlackSender, fake_slack: FakeSlack) -> dict[str, object]:
    assert slack.command("calendar", response_key="cal").status == 200
    (answer,) = fake_slack.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    connect = buttons(answer)["Connect a calendar"]
    assert connect["action_id"] == ACTION_CALENDAR_CONNECT
    assert slack.interact(block_action(connect["action_id"], connect["value"])).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == VIEW_CALENDAR_CONNECT
    return view


def test_connect_through_the_private_form_and_get_the_summary_by_dm(
    slack: SlackSender, fake_slack: FakeSlack, feeds: Server, rapport: Rapport
) -> None:
    path = f"/ical/alice%40acme.com/{TOKEN}/basic.ics"
    started = datetime.now(UTC) - timedelta(days=2)
    feeds.feeds[path] = Feed(
        body=calendar(event("m1", started, title="Kickoff", people=(ME, JANE)), name="Work"),
        etag='"1"',
    )
    view = open_form(slack, fake_slack)
    assert {b.get("block_id") for b in view["blocks"]} >= {BLOCK_CALENDAR_URL, BLOCK_CALENDAR_EMAIL}
    fake_slack.clear()
    submit = view_submission(
        VIEW_CALENDAR_CONNECT,
        {BLOCK_CALENDAR_URL: feeds.base + path, BLOCK_CALENDAR_EMAIL: "alice@acme.com"},
    )
    response = slack.interact(submit)
    assert response.status == 200 and not response.body  # the form closes
    (dm,) = fake_slack.wait_for("chat.postMessage")
    assert dm.params["channel"] == "UALICE"
    dump = dm.text_dump()
    assert "Filed 1 new interaction" in dump and "Jane Doe" in dump
    assert TOKEN not in dump
    card = rapport.recall.card(actor=ALICE, name="Jane Doe")
    assert [e.text for e in card.timeline] == ["Kickoff"]
    # status shows the address masked, never whole
    fake_slack.clear()
    slack.command("calendar status", response_key="st")
    (status,) = fake_slack.wait_for("response_url")
    assert "http://127.0.0.1/…/basic.ics" in status.text_dump()
    assert all(TOKEN not in c.text_dump() for c in fake_slack.calls())


@pytest.mark.parametrize(
    ("values", "block", "message"),
    [
        ({BLOCK_CALENDAR_URL: "not an address"}, BLOCK_CALENDAR_URL, "should start with https://"),
        (
            {
                BLOCK_CALENDAR_URL: "https://calendar.google.com/x/basic.ics",
                BLOCK_CALENDAR_EMAIL: "me",
            },
            BLOCK_CALENDAR_EMAIL,
            "not an email address",
        ),
    ],
    ids=["bad-address", "bad-email"],
)
def test_a_bad_form_stays_open_with_the_error_by_its_field(
    slack: SlackSender, values: dict[str, str], block: str, message: str
) -> None:
    response = slack.interact(view_submission(VIEW_CALENDAR_CONNECT, values))
    body = response.json()
    assert body["response_action"] == "errors" and message in body["errors"][block]


def test_without_a_key_the_form_says_so_and_nothing_is_stored(
    sessions: SessionFactory, fake_slack: FakeSlack
) -> None:
    keyless = _app(sessions, fake_slack, None)
    for slack in sender(keyless, fake_slack):
        response = slack.interact(
            view_submission(
                VIEW_CALENDAR_CONNECT, {BLOCK_CALENDAR_URL: f"https://example.com/{TOKEN}.ics"}
            )
        )
        errors = response.json()["errors"]
        assert "RAPPORT_CALENDAR_KEY is not set" in errors[BLOCK_CALENDAR_URL]
        assert TOKEN not in errors[BLOCK_CALENDAR_URL]
    assert keyless.calendars.status(actor=ALICE) == ()


def test_an_address_typed_into_the_command_is_not_kept(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    slack.command(f"calendar connect https://calendar.google.com/{TOKEN}/basic.ics")
    (answer,) = fake_slack.wait_for("response_url")
    dump = answer.text_dump()
    assert "use the form instead" in dump and TOKEN not in dump
    assert "Connect a calendar" in buttons(answer)
    assert rapport.calendars.status(actor=ALICE) == ()


def test_disconnect_and_an_unknown_word(
    slack: SlackSender, fake_slack: FakeSlack, feeds: Server, rapport: Rapport
) -> None:
    rapport.calendars.connect(actor=ALICE, url=feeds.base + "/a.ics", name="Work")
    slack.command("calendar disconnect", response_key="d")
    (done,) = fake_slack.wait_for("response_url")
    assert "Disconnected *Work*" in done.text_dump()
    fake_slack.clear()
    slack.command("calendar frobnicate", response_key="u")
    (unknown,) = fake_slack.wait_for("response_url")
    assert "`/rapport calendar` shows your calendars" in unknown.text_dump()


def test_connect_a_caldav_account_through_the_form(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport, tmp_path: Path
) -> None:
    password = "app-pw-slack-R4d1c4l3"
    with running_radicale(tmp_path) as server:
        server.add_user("alice", password)
        path = server.make_calendar("alice", password, "work", "Work")
        started = datetime.now(UTC) - timedelta(days=2)
        server.put(
            "alice",
            password,
            path + "kickoff.ics",
            calendar(event("m1", started, title="Kickoff", people=(ME, JANE))),
        )
        view = open_form(slack, fake_slack)
        blocks = {b.get("block_id") for b in view["blocks"]}
        assert {BLOCK_CALENDAR_USERNAME, BLOCK_CALENDAR_PASSWORD} <= blocks
        fake_slack.clear()
        # A password without a user name stays in the form, by the user name's field.
        half = slack.interact(
            view_submission(
                VIEW_CALENDAR_CONNECT,
                {BLOCK_CALENDAR_URL: server.base + "/", BLOCK_CALENDAR_PASSWORD: password},
            )
        )
        assert "user name" in half.json()["errors"][BLOCK_CALENDAR_USERNAME]
        submit = view_submission(
            VIEW_CALENDAR_CONNECT,
            {
                BLOCK_CALENDAR_URL: server.base + "/",
                BLOCK_CALENDAR_USERNAME: "alice",
                BLOCK_CALENDAR_PASSWORD: password,
                BLOCK_CALENDAR_EMAIL: "alice@acme.com",
            },
        )
        response = slack.interact(submit)
        assert response.status == 200 and not response.body
        (dm,) = fake_slack.wait_for("chat.postMessage")
        assert dm.params["channel"] == "UALICE"
        assert "Filed 1 new interaction" in dm.text_dump() and "Jane Doe" in dm.text_dump()
        card = rapport.recall.card(actor=ALICE, name="Jane Doe")
        assert [e.text for e in card.timeline] == ["Kickoff"]
        fake_slack.clear()
        slack.command("calendar status", response_key="st")
        (status,) = fake_slack.wait_for("response_url")
        assert "(CalDAV)" in status.text_dump()
    assert all(password not in c.text_dump() for c in fake_slack.calls())
