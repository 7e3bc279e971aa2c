"""One workspace's Slack answering 429 never slows another's reminder DMs.

Three workspaces installed through slack_sdk's SQLAlchemy store, each with its own bot token;
DMs go out through bot.slack.oauth.InstalledNotifier and the real WebClient to the fake Slack,
which answers every call with workspace X's token with 429 + Retry-After for a while."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.app import Rapport
from bot.config import Settings
from bot.reminders.scheduler import Scheduler
from bot.slack.oauth import InstalledNotifier
from bot.store.db import SessionFactory
from bot.store.reminder_models import ReminderOutbox
from tests.reminders.fakes import ReminderSlack
from tests.reminders.many_workspaces import install, seed_ready, token

NINE = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
X, Y, Z = "TX", "TY", "TZ"
USERS_EACH = 4


@pytest.fixture
def fake() -> Iterator[ReminderSlack]:
    server = ReminderSlack().start()
    try:
        yield server
    finally:
        server.stop()


def notifier_for(fake: ReminderSlack, engine: Engine) -> InstalledNotifier:
    settings = Settings(  # type: ignore[call-arg]
        SLACK_API_URL=fake.api_url, RAPPORT_DATABASE_URL="sqlite://"
    )
    return InstalledNotifier(settings=settings, installation_store=install(engine, [X, Y, Z]))


def delivered(fake: ReminderSlack, keys: dict[str, str]) -> Counter[str]:
    """Accepted DMs per workspace (each key once, checked by the caller)."""
    return Counter(keys[k] for k, n in fake.reminder_keys().items() for _ in range(n))


def calls_with(fake: ReminderSlack, workspace: str) -> int:
    return sum(1 for c in fake.calls() if fake.token_of(c) == token(workspace))


def test_a_rate_limited_workspace_waits_out_retry_after_while_the_others_are_delivered(
    engine: Engine, sessions: SessionFactory, fake: ReminderSlack
) -> None:
    keys = seed_ready(engine, [X, Y, Z], users_each=USERS_EACH, at=NINE)
    notifier = notifier_for(fake, engine)
    rapport = Rapport(sessions=sessions, clock=lambda: NINE)
    fake.rate_limit_token(token(X), retry_after=5)

    started = time.monotonic()
    first = rapport.delivery.tick(notifier=notifier, now=NINE, plan_first=False)
    took = time.monotonic() - started
    # Y and Z are all delivered in this tick, which never waited on X's Retry-After.
    assert delivered(fake, keys) == {Y: USERS_EACH, Z: USERS_EACH}
    assert took < 5
    assert first.sent == 2 * USERS_EACH and first.rate_limited == USERS_EACH
    assert first.failed == first.retried == 0
    # X's Slack was asked once; its DMs wait in the outbox (not failed, no attempt used up).
    assert calls_with(fake, X) == 1
    with sessions() as session:
        rows = session.exec(select(ReminderOutbox).where(ReminderOutbox.workspace_id == X)).all()
    assert {(r.status, r.attempts) for r in rows} == {("pending", 0)}
    assert all(r.available_at >= NINE + timedelta(seconds=5) for r in rows)

    # Before Retry-After has passed, X is not called again.
    fake.lift_rate_limit(token(X))
    early = rapport.delivery.tick(
        notifier=notifier, now=NINE + timedelta(seconds=4), plan_first=False
    )
    assert early.claimed == 0 and calls_with(fake, X) == 1

    after = rapport.delivery.tick(
        notifier=notifier, now=NINE + timedelta(seconds=6), plan_first=False
    )
    assert after.sent == USERS_EACH
    assert delivered(fake, keys) == {X: USERS_EACH, Y: USERS_EACH, Z: USERS_EACH}
    assert set(fake.reminder_keys().values()) == {1}  # exactly once each


def test_another_process_also_leaves_the_held_workspace_alone(
    engine: Engine, sessions: SessionFactory, fake: ReminderSlack
) -> None:
    """The hold is in the outbox: a second process (its own pacing state) does not ask X's
    Slack again before Retry-After either."""
    seed_ready(engine, [X, Y], users_each=2, at=NINE)
    notifier = notifier_for(fake, engine)
    fake.rate_limit_token(token(X), retry_after=30)
    one = Rapport(sessions=sessions, clock=lambda: NINE)
    one.delivery.tick(notifier=notifier, now=NINE, plan_first=False, batch=1)
    other = Rapport(sessions=sessions, clock=lambda: NINE)
    report = other.delivery.tick(
        notifier=notifier, now=NINE + timedelta(seconds=10), plan_first=False
    )
    assert calls_with(fake, X) == 1 and report.claimed == 0


def test_with_a_real_clock_x_is_delivered_once_after_its_retry_after(
    engine: Engine, sessions: SessionFactory, fake: ReminderSlack
) -> None:
    now = datetime.now(UTC)
    keys = seed_ready(engine, [X, Y, Z], users_each=USERS_EACH, at=now - timedelta(minutes=1))
    notifier = notifier_for(fake, engine)
    fake.rate_limit_token(token(X), retry_after=2, times=2)  # X's first two calls: 429
    rapport = Rapport(sessions=sessions, clock=lambda: datetime.now(UTC))
    scheduler = Scheduler([lambda: rapport.delivery.tick(notifier=notifier)], interval=0.2)
    scheduler.start()
    try:
        posts = fake.wait_for("chat.postMessage", 3 * USERS_EACH, timeout=30)
    finally:
        scheduler.shutdown()
    x_calls = [c.at for c in fake.calls() if fake.token_of(c) == token(X)]
    others = [c.at for c in posts if fake.token_of(c) != token(X)]
    assert max(others) < x_calls[0] + 2  # Y and Z did not wait for X
    # Each Retry-After was waited out before X's Slack was asked again.
    assert x_calls[1] - x_calls[0] >= 2 and x_calls[2] - x_calls[1] >= 2
    assert fake.rate_limited_answers(token(X)) == 2
    assert delivered(fake, keys) == {X: USERS_EACH, Y: USERS_EACH, Z: USERS_EACH}
    assert set(fake.reminder_keys().values()) == {1}


def test_dms_to_one_person_are_spaced_a_second_apart_after_a_short_burst(
    engine: Engine, sessions: SessionFactory, fake: ReminderSlack
) -> None:
    """chat.postMessage allows about one message per second per channel: a person with five
    DMs due gets three at once and the rest a second apart, after everyone else's."""
    seed_ready(engine, [X, Y], users_each=2, at=NINE)
    with sessions() as session:
        first = session.exec(select(ReminderOutbox).where(ReminderOutbox.user_id == 1)).one()
        for n in range(4):
            extra = ReminderOutbox.model_validate(first.model_dump(exclude={"id"}))
            extra.dedupe_key = f"{first.dedupe_key}:extra{n}"
            session.add(extra)
        session.commit()
    rapport = Rapport(sessions=sessions, clock=lambda: NINE)
    report = rapport.delivery.tick(notifier=notifier_for(fake, engine), now=NINE, plan_first=False)
    assert report.sent == 8
    posts = fake.calls("chat.postMessage")
    busy = [
        c.at for c in posts if c.params["channel"] == "DU00000" and fake.token_of(c) == token(X)
    ]
    rest = [c.at for c in posts if c.at not in busy]
    assert len(busy) == 5 and len(rest) == 3
    assert busy[3] - busy[0] >= 0.95 and busy[4] - busy[3] >= 0.95
    assert max(rest) < busy[3]  # the others did not wait behind that person
