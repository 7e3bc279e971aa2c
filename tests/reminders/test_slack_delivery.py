"""Reminder DMs through the real WebClient (slack_sdk retry handlers on) to the local fake Slack:
429 storms, 5xx, timeouts and gone users. Every reminder arrives exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from bot.config import Settings
from bot.slack.client import delivery_client
from bot.slack.notifier import SlackNotifier
from tests.reminders.fakes import ReminderSlack
from tests.reminders.world import World

THURSDAY_NINE = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[ReminderSlack]:
    server = ReminderSlack().start()
    try:
        yield server
    finally:
        server.stop()


def client_for(fake: ReminderSlack, *, timeout: int = 10) -> WebClient:
    settings = Settings(  # type: ignore[call-arg]
        SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=fake.api_url, RAPPORT_DATABASE_URL="sqlite://"
    )
    return delivery_client(settings, timeout=timeout)


def story(world: World, users: int = 3) -> list[str]:
    """Each user has two contacts overdue for a nudge: one digest DM each at 09:00 Thursday."""
    names = []
    for index in range(users):
        user = f"U{index:03d}"
        for other in ("Jane Doe", "Raj Patel"):
            world.cadence(user, other, 30)
        names.append(user)
    world.at(THURSDAY_NINE)
    return names


def deliver_until_done(world: World, notifier: SlackNotifier, *, rounds: int = 12) -> list[int]:
    sent_per_round = []
    for _ in range(rounds):
        report = world.app.delivery.tick(notifier=notifier, now=world.now, worker="w1")
        sent_per_round.append(report.sent)
        world.later(minutes=61)  # past any backoff
    return sent_per_round


def test_a_reminder_dm_opens_the_dm_and_posts_block_kit_with_buttons(
    world: World, fake: ReminderSlack
) -> None:
    story(world, users=1)
    notifier = SlackNotifier(client_for(fake))
    report = world.app.delivery.tick(notifier=notifier, now=world.now)
    assert report.sent == 1
    (opened,) = fake.calls("conversations.open")
    assert opened.params["users"] == "U000"
    (post,) = fake.calls("chat.postMessage")
    assert post.params["channel"] == "DU000"
    actions = [b for b in post.blocks if b["type"] == "actions"]
    assert len(actions) == 2
    ids = [e["action_id"] for e in actions[0]["elements"]]
    assert ids == ["reminder_done", "reminder_snooze", "reminder_stop"]
    snooze = actions[0]["elements"][1]["options"]
    assert [o["value"].split("|")[0] for o in snooze] == ["1", "7", "30"]
    assert post.params["metadata"]["event_type"] == "rapport_reminder"
    assert post.params.get("link_names") in (None, False)


def test_a_429_storm_costs_one_call_per_retry_after_and_delivers_each_reminder_once(
    world: World, fake: ReminderSlack
) -> None:
    users = story(world)
    # 6 answers of 429 in a row: each one holds the workspace until its Retry-After (never
    # slept on in the sending thread), so each tick asks Slack once, not once per DM.
    fake.rate_limit_next("chat.postMessage", times=6, retry_after=0)
    rounds = deliver_until_done(world, SlackNotifier(client_for(fake)), rounds=8)
    assert rounds[:7] == [0, 0, 0, 0, 0, 0, len(users)]
    assert len(fake.calls("chat.postMessage")) == 6 + len(users)
    keys = fake.reminder_keys()
    assert len(keys) == len(users) and set(keys.values()) == {1}


@pytest.mark.slow
def test_5xx_answers_are_retried_and_delivered_once(world: World, fake: ReminderSlack) -> None:
    users = story(world)
    # Three 503s exhaust the client's two retries for one message: the outbox takes over.
    fake.server_error_next("chat.postMessage", times=3, status=503)
    fake.server_error_next("conversations.open", times=1, status=500)
    deliver_until_done(world, SlackNotifier(client_for(fake)), rounds=3)
    keys = fake.reminder_keys()
    assert len(keys) == len(users) and set(keys.values()) == {1}


@pytest.mark.slow
def test_a_timeout_after_slack_took_the_message_is_not_sent_twice(
    world: World, fake: ReminderSlack
) -> None:
    users = story(world)
    # Slack accepts the first post but answers after the client gave up (1 s timeout).
    fake.stall_next("chat.postMessage", seconds=1.5)
    notifier = SlackNotifier(client_for(fake, timeout=1))
    first = world.app.delivery.tick(notifier=notifier, now=world.now, worker="w1")
    assert first.retried == 1 and first.sent == len(users) - 1
    world.later(minutes=5)
    second = world.app.delivery.tick(notifier=notifier, now=world.now, worker="w1")
    assert second.sent == 1
    assert len(fake.calls("conversations.history")) == 1  # the retry looked before posting
    keys = fake.reminder_keys()
    assert len(keys) == len(users) and set(keys.values()) == {1}


def test_gone_users_are_recorded_as_failed_and_not_retried(
    world: World, fake: ReminderSlack
) -> None:
    users = story(world)
    fake.gone.add(users[0])
    fake.error_next("chat.postMessage", "account_inactive")
    notifier = SlackNotifier(client_for(fake))
    rounds = deliver_until_done(world, notifier, rounds=3)
    assert sum(rounds) == len(users) - 2
    opens = [c for c in fake.calls("conversations.open") if c.params["users"] == users[0]]
    assert len(opens) == 1
    from sqlmodel import select

    from bot.store.reminder_models import ReminderOutbox

    with world.sessions() as session:
        failed = {
            r.last_error for r in session.exec(select(ReminderOutbox)).all() if r.status == "failed"
        }
    assert failed == {"user_not_found (HTTP 200)", "account_inactive (HTTP 200)"}


def test_a_reminder_sent_late_says_so(world: World, fake: ReminderSlack) -> None:
    story(world, users=1)
    world.later(days=4, hours=1)  # Monday 10:00: Rapport was down since Thursday
    world.app.delivery.tick(notifier=SlackNotifier(client_for(fake)), now=world.now)
    (post,) = fake.calls("chat.postMessage")
    assert "Sent late: this was due Thu 5 Mar 2026 09:00 (4 days ago)" in post.text_dump()
