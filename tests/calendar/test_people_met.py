"""People met and not contacts are offered in the weekly review: "You met 1 new person this
week" with an Add button, in the use case, the Monday DM (through slack_sdk's WebClient to the
fake Slack) and the console; a click through the real bolt app over a signed request makes the
contact and the next review stops offering them. Scheduled reads offer them too; a teammate never
sees anyone's people but their own; the calendar's "add new people" setting adds, not offers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.app import Rapport
from bot.blocks.standing import review_blocks
from bot.domain.refs import Actor
from bot.slack.app import build_app
from bot.slack.client import build_client
from bot.slack.notifier import SlackNotifier
from bot.store.db import SessionFactory
from tests.calendar.conftest import Person, calendar, event
from tests.calendar.icsserver import Feed, serving
from tests.cli_kit import run
from tests.kit import buttons
from tests.slack.conftest import make_settings, serve_in_thread
from tests.slack.fakeslack import FakeSlack, running_fake_slack
from tests.slack.payloads import SlackSender, block_action

ALICE = Actor(workspace_id="T0TEAM", user_id="UALICE", display_name="Alice", tz="UTC")
BOB = Actor(workspace_id="T0TEAM", user_id="UBOB", display_name="Bob", tz="UTC")
ME = Person("alice@acme.com", "Alice")
CHRIS = Person("chris@young.io", "Chris Young")
SAM = Person("sam@hooli.com", "Sam Vega")
DANA = Person("dana@initech.io", "Dana Park")
MONDAY = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
KEY = Fernet.generate_key().decode()


def last_week() -> bytes:
    """Chris (a contact) and Sam (not one) three days ago; Dana (not one) three weeks ago."""
    return calendar(
        event("m0", MONDAY - timedelta(days=3), title="Intro", people=(ME, CHRIS, SAM)),
        event("m1", MONDAY - timedelta(days=5), title="Follow-up", people=(ME, SAM)),
        event("m2", MONDAY - timedelta(days=21), title="Old", people=(ME, DANA)),
        name="Work",
    )


@pytest.fixture
def rapport(sessions: SessionFactory) -> Rapport:
    app = Rapport(sessions=sessions, clock=lambda: MONDAY)
    app.notes.log(actor=ALICE, text="coffee with Chris Young", at=MONDAY - timedelta(days=40))
    return app


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with running_fake_slack() as fake:
        yield fake


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


def offered(rapport: Rapport, actor: Actor = ALICE) -> list[str]:
    return [p.label for p in rapport.reviews.review(actor=actor, now=MONDAY).people_met]


def test_the_weekly_review_offers_whom_you_met_and_add_ends_the_offer(
    rapport: Rapport, slack: SlackSender, fake_slack: FakeSlack
) -> None:
    rapport.meetings.import_file(actor=ALICE, data=last_week(), me="alice@acme.com")
    review = rapport.reviews.review(actor=ALICE, now=MONDAY)
    assert [(p.label, p.email, p.meetings) for p in review.people_met] == [
        ("Sam Vega", "sam@hooli.com", 2)
    ]
    blocks = review_blocks(review, tz="UTC")
    assert "You met 1 new person this week:* Sam Vega (sam@hooli.com, 2 meetings)" in str(blocks)
    assert "Chris Young (" not in str(blocks) and "Dana" not in str(blocks)
    # The Monday DM carries the same offer with its button.
    rapport.standing.update_settings(actor=ALICE, weekly_review=True)
    notifier = SlackNotifier(build_client(make_settings(fake_slack.api_url)))
    assert rapport.send_weekly_reviews(notifier, now=MONDAY).sent == ("UALICE",)
    (dm,) = fake_slack.wait_for("chat.postMessage")
    assert "You met 1 new person this week" in dm.text_dump()
    add = buttons(dm)["Add Sam Vega"]
    assert set(buttons(dm)) >= {"Add Sam Vega"} and "Add Chris Young" not in buttons(dm)
    slack.interact(
        block_action(add["action_id"], add["value"], response_url=fake_slack.response_url("a1"))
    )
    (answer,) = fake_slack.wait_for("response_url")
    assert "Added *Sam Vega* to your contacts" in answer.text_dump()
    assert rapport.recall.card(actor=ALICE, name="Sam Vega").emails == ("sam@hooli.com",)
    assert offered(rapport) == []
    # The next read files their meetings, and still offers nobody.
    rapport.meetings.import_file(actor=ALICE, data=last_week())
    timeline = rapport.recall.card(actor=ALICE, name="Sam Vega").timeline
    assert sorted(e.text for e in timeline) == ["Follow-up", "Intro"]
    assert offered(rapport) == []
    assert "new person" not in str(review_blocks(rapport.reviews.review(actor=ALICE), tz="UTC"))


def test_a_teammate_never_sees_the_people_you_met(rapport: Rapport) -> None:
    rapport.meetings.import_file(actor=ALICE, data=last_week(), me="alice@acme.com")
    assert offered(rapport) == ["Sam Vega"]
    assert offered(rapport, BOB) == []
    bob = Person("bob@acme.com", "Bob")
    rapport.meetings.import_file(
        actor=BOB,
        data=calendar(event("b0", MONDAY - timedelta(days=1), people=(bob, DANA))),
        me="bob@acme.com",
    )
    assert offered(rapport, BOB) == ["Dana Park"]
    assert offered(rapport) == ["Sam Vega"]


def test_a_contact_by_that_name_or_the_add_setting_ends_or_skips_the_offer(
    rapport: Rapport,
) -> None:
    rapport.meetings.import_file(actor=ALICE, data=last_week(), me="alice@acme.com")
    rapport.notes.log(actor=BOB, text="lunch with Sam Vega", at=MONDAY - timedelta(hours=2))
    assert offered(rapport) == []  # a teammate made the contact: it is the team's
    rapport.meetings.import_file(
        actor=BOB,
        data=calendar(event("b0", MONDAY - timedelta(days=1), people=(ME, DANA))),
        calendar="bob's",
        add_new=True,
    )
    assert offered(rapport, BOB) == []  # added, not offered
    assert rapport.recall.card(actor=BOB, name="Dana Park").emails == ("dana@initech.io",)


def test_a_scheduled_read_offers_them_too(sessions: SessionFactory) -> None:
    path = "/ical/alice/private-1/basic.ics"
    with serving() as feeds:
        feeds.feeds[path] = Feed(body=last_week(), etag='"1"')
        app = Rapport(
            sessions=sessions,
            clock=lambda: MONDAY,
            calendar_key=KEY,
            calendar_allow_private=True,
        )
        app.calendars.connect(actor=ALICE, url=feeds.base + path, me="alice@acme.com")
        (synced,) = app.calendars.sync_due().synced
        assert synced.summary is not None
    assert offered(app) == ["Sam Vega", "Chris Young"]  # no contacts in this database yet


def test_console_review_lists_them_with_how_to_add(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    ana = Person("ana@acme.com", "Ana")
    ics = tmp_path / "work.ics"
    ics.write_bytes(calendar(event("c0", now - timedelta(days=2), people=(ana, SAM))))
    assert run(capsys, "calendar", "import", "--db", db, "--me", "ana@acme.com", str(ics))[0] == 0
    code, out, err = run(capsys, "review", "--db", db)
    assert (code, err) == (0, "")
    assert "You met 1 new person this week: Sam Vega (sam@hooli.com, 1 meeting)" in out
    assert "log a note about them (met Sam Vega …)" in out
    assert "rapport calendar import FILE.ics --add-new-people" in out
