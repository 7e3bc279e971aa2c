"""Two real `rapport serve --http` replicas on loopback share one PostgreSQL database.

- Both start at once on an empty database: migrations run once, under the advisory lock.
- Slack sends an event to replica A and its retry (X-Slack-Retry-Num: 1, same event_id) to
  replica B, as a load balancer may: one note is stored and one confirmation sent.
- Reminders due before the replicas start are sent by whichever scheduler claims them first:
  each exactly once, although both replicas tick.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import reset_postgres
from tests.reminders.fakes import ReminderSlack
from tests.scale.conftest import ROOT, Replica, count, wait_until
from tests.slack.payloads import SlackSender, dm

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
DUE = 60


def _bench_seed() -> Callable[[str, int], None]:
    """bench/bench_delivery.py's seed: DUE users, each with one digest DM ready in the outbox."""
    spec = importlib.util.spec_from_file_location(
        "bench_delivery", ROOT / "bench" / "bench_delivery.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seed: Callable[[str, int], None] = module.seed
    return seed


@pytest.fixture
def replicas(pg_database: str, tmp_path: Path) -> Iterator[tuple[list[Replica], ReminderSlack]]:
    reset_postgres(pg_database, blank=True)
    fake = ReminderSlack().start()
    started: list[Replica] = []
    try:
        # Both start together on an empty schema: the advisory lock lets one migrate.
        boot = [Replica(pg_database, fake, log=tmp_path / f"replica-{n}.log") for n in "ab"]
        started += boot
        waiters = [threading.Thread(target=r.wait_ready) for r in boot]
        for waiter in waiters:
            waiter.start()
        for waiter in waiters:
            waiter.join(timeout=90)
        for replica in boot:
            replica.wait_ready(timeout=1)
        yield started, fake
    finally:
        for replica in started:
            replica.stop()
        fake.stop()


def test_a_retried_event_sent_to_the_other_replica_is_filed_once(
    replicas: tuple[list[Replica], ReminderSlack], pg_database: str
) -> None:
    (a, b), fake = replicas
    event = dm("met Jane Doe for coffee, she wants a shelter dog")
    first = SlackSender(a.base_url, response_url_base=fake.url).event(event, event_id="EvReplica1")
    retry = SlackSender(b.base_url, response_url_base=fake.url).event(
        event, event_id="EvReplica1", retry_num=1
    )
    assert (first.status, retry.status) == (200, 200)
    fake.wait_for("chat.postMessage", 1, timeout=20)
    fake.settle(1.0, timeout=20)

    assert count(pg_database, "SELECT count(*) FROM note") == 1
    confirmations = [
        c for c in fake.calls("chat.postMessage") if c.params.get("channel") == "DUALICE"
    ]
    assert len(confirmations) == 1, [c.params.get("text") for c in confirmations]


def test_due_reminders_are_sent_once_with_both_replicas_ticking(
    pg_database: str, tmp_path: Path
) -> None:
    reset_postgres(pg_database, blank=True)
    _bench_seed()(pg_database, DUE)  # DUE digests, due in the past: the first tick sends them
    fake = ReminderSlack().start()
    started = [Replica(pg_database, fake, log=tmp_path / f"replica-{n}.log") for n in "ab"]
    try:
        for replica in started:
            replica.wait_ready()
        wait_until(lambda: len(fake.reminder_keys()) >= DUE, timeout=60, what="every reminder")
        fake.settle(1.5, timeout=20)
    finally:
        for replica in started:
            replica.stop()
        fake.stop()
    keys = fake.reminder_keys()
    assert len(keys) == DUE
    assert set(keys.values()) == {1}, keys.most_common(3)
    assert count(pg_database, "SELECT count(*) FROM reminder_outbox WHERE status = 'sent'") == DUE
