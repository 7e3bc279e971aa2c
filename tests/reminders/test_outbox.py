"""The outbox: one-statement claims, leases, fencing, backoff, permanent failures, the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.reminders import outbox
from bot.reminders.notifier import DeliveryResult, MemoryNotifier
from bot.store.db import SessionFactory
from bot.store.reminder_models import ReminderDelivery, ReminderOutbox
from tests.reminders.world import WS, World

NINE = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # a Thursday


def queue(world: World, count: int, *, user: str = "ana") -> list[str]:
    """`count` DMs in the outbox for `user`, due at NINE (written directly: outbox-only tests)."""
    uid = world.user(user)
    keys = []
    with world.sessions() as session:
        for index in range(count):
            key = f"test:{user}:{index}"
            session.add(
                ReminderOutbox(
                    workspace_id=WS,
                    user_id=uid,
                    kind="stay_in_touch",
                    subject=f"contact:{index}",
                    local_date="2026-03-05",
                    due_at=NINE,
                    available_at=NINE,
                    payload={"tz": "UTC", "items": []},
                    dedupe_key=key,
                    created_at=NINE,
                )
            )
            keys.append(key)
        session.commit()
    return keys


def rows(sessions: SessionFactory) -> dict[str, ReminderOutbox]:
    with sessions() as session:
        return {r.dedupe_key: r for r in session.exec(select(ReminderOutbox)).all()}


def ledger(sessions: SessionFactory) -> list[str]:
    with sessions() as session:
        return sorted(r.dedupe_key for r in session.exec(select(ReminderDelivery)).all())


def test_claims_are_disjoint_and_leased(world: World) -> None:
    keys = queue(world, 10)
    lease = timedelta(minutes=2)
    first = outbox.claim(world.sessions, now=NINE, worker="a", lease=lease, limit=4)
    second = outbox.claim(world.sessions, now=NINE, worker="b", lease=lease * 10, limit=100)
    assert len(first) == 4 and len(second) == 6
    assert {c.dedupe_key for c in first} | {c.dedupe_key for c in second} == set(keys)
    assert outbox.claim(world.sessions, now=NINE, worker="c", lease=lease, limit=100) == []
    # When a's lease runs out (its process died), its rows can be claimed again.
    later = NINE + lease + timedelta(seconds=1)
    again = outbox.claim(world.sessions, now=later, worker="c", lease=lease, limit=100)
    assert {c.dedupe_key for c in again} == {c.dedupe_key for c in first}
    assert all(c.attempts == 2 for c in again)


def test_a_worker_that_lost_its_lease_does_not_send(world: World) -> None:
    queue(world, 1)
    lease = timedelta(seconds=30)
    (mine,) = outbox.claim(world.sessions, now=NINE, worker="slow", lease=lease, limit=1)
    later = NINE + timedelta(minutes=1)
    (theirs,) = outbox.claim(world.sessions, now=later, worker="fast", lease=lease, limit=1)
    assert not outbox.renew(world.sessions, mine, worker="slow", until=later + lease)
    assert outbox.renew(world.sessions, theirs, worker="fast", until=later + lease)


def test_the_ledger_refuses_a_second_delivery_and_counts_it(world: World) -> None:
    queue(world, 1)
    lease = timedelta(seconds=30)
    (mine,) = outbox.claim(world.sessions, now=NINE, worker="a", lease=lease, limit=1)
    later = NINE + timedelta(minutes=1)
    (theirs,) = outbox.claim(world.sessions, now=later, worker="b", lease=lease, limit=1)
    assert outbox.record_sent(world.sessions, theirs, worker="b", now=later, channel="D", ts="1")
    # "a" stalled past its lease after Slack took the message: the ledger says so.
    assert not outbox.record_sent(world.sessions, mine, worker="a", now=later, channel="D", ts="2")
    assert ledger(world.sessions) == ["test:ana:0"]
    assert rows(world.sessions)["test:ana:0"].status == "sent"


def test_transient_failures_back_off_then_deliver_exactly_once(world: World) -> None:
    keys = queue(world, 3)
    failures = {keys[0]: 2, keys[1]: 1}

    def flaky(user: str, key: str | None) -> DeliveryResult | None:
        assert key is not None
        if failures.get(key, 0) > 0:
            failures[key] -= 1
            return DeliveryResult(ok=False, error="ratelimited (HTTP 429)", retry_after=120)
        return None

    notifier = MemoryNotifier(script=flaky)
    now = NINE
    report = world.app.delivery.tick(notifier=notifier, now=now, plan_first=False)
    assert (report.sent, report.retried) == (1, 2)
    # Retry-After 120 s beats the 30 s first backoff: nothing is tried a minute later.
    report = world.app.delivery.tick(
        notifier=notifier, now=now + timedelta(minutes=1), plan_first=False
    )
    assert report.claimed == 0
    for minutes in (3, 10, 30):
        world.app.delivery.tick(
            notifier=notifier,
            now=now + timedelta(minutes=minutes),
            plan_first=False,
        )
    assert sorted(s.key or "" for s in notifier.sent) == sorted(keys)
    assert ledger(world.sessions) == sorted(keys)
    assert rows(world.sessions)[keys[0]].attempts == 3
    assert notifier.attempts == 6


def test_permanent_errors_are_recorded_not_retried(world: World) -> None:
    (key,) = queue(world, 1)
    gone = MemoryNotifier(
        script=lambda user, k: DeliveryResult(ok=False, error="user_not_found", permanent=True)
    )
    report = world.app.delivery.tick(notifier=gone, now=NINE, plan_first=False)
    assert report.failed == 1
    for hours in (1, 24, 24 * 7):
        world.app.delivery.tick(
            notifier=gone,
            now=NINE + timedelta(hours=hours),
            plan_first=False,
        )
    assert gone.attempts == 1
    row = rows(world.sessions)[key]
    assert (row.status, row.last_error) == ("failed", "user_not_found")
    assert ledger(world.sessions) == []


def test_a_failure_that_never_ends_is_given_up_after_max_attempts(world: World) -> None:
    (key,) = queue(world, 1)
    down = MemoryNotifier(script=lambda user, k: DeliveryResult(ok=False, error="fatal_error"))
    now = NINE
    for _ in range(outbox.MAX_ATTEMPTS + 5):  # daily, on work days (nights are quiet hours)
        world.app.delivery.tick(notifier=down, now=now, plan_first=False)
        now += timedelta(days=1 if now.weekday() < 4 else 3)
    assert down.attempts == outbox.MAX_ATTEMPTS
    row = rows(world.sessions)[key]
    assert row.status == "failed" and (row.last_error or "").startswith("gave up")


def test_a_notifier_that_raises_does_not_stop_the_others(world: World) -> None:
    keys = queue(world, 3)

    def broken(user: str, key: str | None) -> DeliveryResult | None:
        if key == keys[1]:
            raise RuntimeError("adapter bug")
        return None

    notifier = MemoryNotifier(script=broken)
    report = world.app.delivery.tick(notifier=notifier, now=NINE, plan_first=False)
    assert (report.sent, report.retried) == (2, 1)
    assert "RuntimeError: adapter bug" in (rows(world.sessions)[keys[1]].last_error or "")
