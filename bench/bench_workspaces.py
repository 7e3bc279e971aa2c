"""Many workspaces on one deployment: ack latency with per-workspace authorize, and delivery
while one workspace's Slack answers 429.

    python bench/bench_workspaces.py [--quick]       # SQLite; `python -m bench --db` for PG

- **ack**: WORKSPACES installations saved through slack_sdk's SQLAlchemy installation store in
  Rapport's database (as an OAuth install does, bot/slack/oauth.py); Rapport's app in OAuth mode
  (bolt's InstallationStoreAuthorize resolving each request's token, behind
  bot/slack/authorize_cache.py) and the same app with one bot token, both served by
  bot/slack/server.py on loopback. Signed `/rapport log|recall` commands go to the two servers
  alternately (so noise hits both alike): first one from every workspace (the cache's misses:
  a store query and an auth.test each), then REQUESTS more cycling through the workspaces again
  (steady state); p50/p99 of each and the ratios.
- **delivery**: COUNT ready DMs across WORKSPACES workspaces (one token each, sent through
  bot.slack.oauth.InstalledNotifier and the real WebClient to the fake Slack), delivered twice at
  once on two databases, in turns of a few batches: once without workspace X, once with X, whose
  Slack answers every call 429 (Retry-After: 1) until 3 s after the others are done. The figure
  is the time the others took with X there (time in that side's ticks) over the time without it;
  every DM lost or delivered twice (X's included) is a failure. (X's held DMs come back with
  `available_at` at the end of each hold, so with a backlog they are retried once the older DMs
  have gone: X is asked once at the start, then once per Retry-After after the others are done,
  until its Slack answers.)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from slack_bolt import App  # noqa: E402

from bot.app import Rapport  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.slack.app import build_app  # noqa: E402
from bot.slack.oauth import InstalledNotifier, build_oauth, workspace_client  # noqa: E402
from bot.slack.server import make_http_server  # noqa: E402
from bot.store.db import make_engine, session_factory  # noqa: E402
from bot.store.migrate import upgrade  # noqa: E402
from tests.reminders.fakes import ReminderSlack  # noqa: E402
from tests.reminders.many_workspaces import CLIENT_ID, install, seed_ready, token  # noqa: E402
from tests.slack.fakeslack import FakeSlack  # noqa: E402
from tests.slack.payloads import SECRET, SlackSender, command_payload  # noqa: E402

COMMANDS = [
    "log met Jane Doe for coffee, she wants a shelter dog",
    "recall shelter dog",
    "log lunch with Raj Patel, I owe him the deck by Friday",
    "recall who is hiring a data engineer?",
]
NINE = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
WARM_UP = "TWARMUP"  # the team the servers are warmed up with, never measured


def workspace_ids(n: int) -> list[str]:
    return [f"TW{i:04d}" for i in range(n)]


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextmanager
def serving(app: App) -> Iterator[str]:
    server = make_http_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


# --- ack with per-workspace authorize -----------------------------------------------------------


@dataclass(frozen=True)
class AckResult:
    single: list[float]  # ms, one bot token, steady state
    oauth: list[float]  # ms, per-workspace authorize, every workspace seen before (cached)
    single_first: list[float]  # ms, one bot token, each workspace's first request
    oauth_first: list[float]  # ms, per-workspace authorize, first request (store + auth.test)
    refused: int  # requests not acked with a 200 (either server)
    unanswered: int  # commands whose answer never reached the response_url


def measure_ack(url: str, *, workspaces: int, requests: int) -> AckResult:
    """First one command from every workspace to each server (the authorize cache's misses),
    then `requests` more to each, cycling through the workspaces again; always alternating
    between the two servers so noise hits both alike."""
    engine = make_engine(url)
    upgrade(engine)
    teams = workspace_ids(workspaces)
    install(engine, [*teams, WARM_UP])
    engine.dispose()
    fake = FakeSlack().start()
    try:
        base = {
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "RAPPORT_DATABASE_URL": url,
        }
        single_settings = Settings(SLACK_BOT_TOKEN="xoxb-bench", **base)  # type: ignore[call-arg]
        oauth_settings = Settings(  # type: ignore[call-arg]
            SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET="bench-secret", **base
        )
        rapport = Rapport.from_settings(single_settings, clock=lambda: datetime.now(UTC))
        single = build_app(rapport=rapport, settings=single_settings)
        client = workspace_client(oauth_settings)
        oauth = build_oauth(settings=oauth_settings, rapport=rapport, client=client)
        multi = build_app(rapport=rapport, settings=oauth_settings, client=client, oauth=oauth)
        with serving(single) as single_url, serving(multi) as multi_url:
            senders = {
                "single": SlackSender(single_url, response_url_base=fake.url),
                "oauth": SlackSender(multi_url, response_url_base=fake.url),
            }
            samples: dict[str, list[float]] = {
                "single": [],
                "oauth": [],
                "single_first": [],
                "oauth_first": [],
            }
            refused = 0

            def send(name: str, i: int, team: str, phase: str | None) -> None:
                nonlocal refused
                fields = command_payload(
                    COMMANDS[i % len(COMMANDS)],
                    user=f"U{1 + i % 50}",
                    team=team,
                    response_url=fake.response_url(f"{phase}{name}{i}"),
                )
                answer = senders[name].post(
                    urlencode(fields).encode(), "application/x-www-form-urlencoded"
                )
                if answer.status != 200:
                    refused += 1
                elif phase is not None:
                    samples[name + phase].append(answer.elapsed * 1000)

            for i in range(20):  # warm up both servers (imports, users.info) on another team
                send("single", i, WARM_UP, None)
                send("oauth", i, WARM_UP, None)
            fake.settle(0.5, timeout=120)
            fake.clear()
            for i in range(workspaces + requests):
                phase = "_first" if i < workspaces else ""
                pair = ("single", "oauth") if i % 2 else ("oauth", "single")
                for name in pair:
                    send(name, i, teams[i % workspaces], phase)
            try:
                expected = 2 * (workspaces + requests)
                answers = fake.wait_for("response_url", expected, timeout=600)
            except AssertionError:
                answers = fake.calls("response_url")
        return AckResult(
            samples["single"],
            samples["oauth"],
            samples["single_first"],
            samples["oauth_first"],
            refused,
            max(0, expected - len(answers)),
        )
    finally:
        fake.stop()


# --- delivery while one workspace is rate limited -----------------------------------------------


@dataclass(frozen=True)
class DeliveryRun:
    others_took: float  # s of ticks until the last DM of a workspace other than X went
    took: float  # s of ticks until every DM was delivered (or the time limit)
    expected: int
    lost: int
    duplicates: int
    limited: int  # 429s X's Slack answered


@dataclass(frozen=True)
class DeliveryResult:
    alone: DeliveryRun  # without X
    with_x: DeliveryRun  # with X answering 429

    @property
    def ratio(self) -> float:
        return self.with_x.others_took / self.alone.took

    @property
    def failures(self) -> int:
        return sum(r.lost + r.duplicates for r in (self.alone, self.with_x))


class _Side:
    """One of the two deliveries timed in turns: its database, fake Slack and clocked ticks."""

    def __init__(self, url: str, *, workspaces: list[str], each: int, x: str | None) -> None:
        self.engine = make_engine(url)
        upgrade(self.engine)
        self.keys = seed_ready(self.engine, workspaces, users_each=each, at=NINE)
        store = install(self.engine, workspaces)
        self.fake = ReminderSlack().start()
        self.x = x
        if x is not None:
            self.fake.rate_limit_token(x)  # until the others are done (see `turn`)
        settings = Settings(  # type: ignore[call-arg]
            SLACK_API_URL=self.fake.api_url, RAPPORT_DATABASE_URL=url
        )
        self.notifier = InstalledNotifier(settings=settings, installation_store=store)
        real = time.time()
        self.rapport = Rapport(
            sessions=session_factory(self.engine),
            clock=lambda: NINE + timedelta(seconds=time.time() - real),
        )
        self.others = sum(1 for w in self.keys.values() if x is None or token(w) != x)
        self.delivered = 0
        self.others_delivered = 0
        self.busy = 0.0  # s spent in this side's ticks
        self.others_took: float | None = None
        self.lift_at: float | None = None

    @property
    def done(self) -> bool:
        return self.delivered >= len(self.keys)

    def turn(self, batches: int) -> None:
        if self.lift_at is not None and time.monotonic() >= self.lift_at:
            assert self.x is not None
            self.fake.lift_rate_limit(self.x)
            self.lift_at = None
        started = time.perf_counter()
        report = self.rapport.delivery.tick(
            notifier=self.notifier, worker="bench", plan_first=False, max_batches=batches
        )
        self.busy += time.perf_counter() - started
        self.delivered += report.sent + report.duplicates
        self.others_delivered += sum(
            1 for k in report.sent_keys if self.x is None or token(self.keys[k]) != self.x
        )
        if self.others_took is None and self.others_delivered >= self.others:
            self.others_took = self.busy
            if self.x is not None:
                # X's Slack answers 429 a little longer, so its DMs also meet a few 429s after
                # their holds before they go through.
                self.lift_at = time.monotonic() + 3
        if report.claimed == 0:
            time.sleep(0.05)  # X is held: the next tick looks again, as the scheduler would

    def result(self) -> DeliveryRun:
        """What this side delivered, in `busy` seconds; its fake Slack and database closed."""
        try:
            counts = self.fake.reminder_keys()
            limited = self.fake.rate_limited_answers(self.x) if self.x else 0
        finally:
            self.fake.stop()
            self.engine.dispose()
        return DeliveryRun(
            others_took=self.others_took if self.others_took is not None else self.busy,
            took=self.busy,
            expected=len(self.keys),
            lost=sum(1 for k in self.keys if counts.get(k, 0) == 0),
            duplicates=sum(n - 1 for n in counts.values() if n > 1),
            limited=limited,
        )


def measure_delivery(
    new_url: Callable[[], Any],
    *,
    count: int,
    workspaces: int,
    batches: int = 4,
    timeout: float = 900,
) -> DeliveryResult:
    """Both deliveries at once, in turns: `batches` batches of one (200 DMs, about two
    seconds), then of the other, the order swapped every round, each on a fresh database from
    `new_url()` (a context manager yielding a URL). Each side's time is the time spent in its
    own ticks, so a slow minute on a shared host lands on both (two ~100 s runs one after the
    other differed by up to 30% alone)."""
    teams = workspace_ids(workspaces)
    each = count // workspaces
    with new_url() as alone_url, new_url() as x_url:
        alone = _Side(alone_url, workspaces=teams[1:], each=each, x=None)
        with_x = _Side(x_url, workspaces=teams, each=each, x=token(teams[0]))
        started = time.monotonic()
        rounds = 0
        while not (alone.done and with_x.done) and time.monotonic() - started < timeout:
            order = (alone, with_x) if rounds % 2 == 0 else (with_x, alone)
            for side in order:
                if not side.done:
                    side.turn(batches)
            rounds += 1
        return DeliveryResult(alone.result(), with_x.result())


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="rapport-bench-ws-") as directory:
        yield f"sqlite:///{directory}/bench.db"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 workspaces, 400 DMs")
    args = parser.parse_args()
    workspaces, requests, count, dm_workspaces = (
        (50, 50, 400, 10) if args.quick else (1_000, 500, 10_000, 100)
    )

    new_url = sqlite_url
    with new_url() as url:
        ack = measure_ack(url, workspaces=workspaces, requests=requests)
    s99, o99 = pct(ack.single, 0.99), pct(ack.oauth, 0.99)
    print(
        f"ack, {workspaces:,} workspaces: single token p50 {statistics.median(ack.single):.2f} "
        f"p99 {s99:.2f} ms; per-workspace authorize p50 {statistics.median(ack.oauth):.2f} "
        f"p99 {o99:.2f} ms; ratio p99 {o99 / s99:.2f}; refused {ack.refused}, "
        f"unanswered {ack.unanswered}"
    )
    f99, g99 = pct(ack.single_first, 0.99), pct(ack.oauth_first, 0.99)
    print(f"first request of each workspace: p99 {g99:.2f} ms vs {f99:.2f} ms one token")
    result = measure_delivery(new_url, count=count, workspaces=dm_workspaces)
    print(result.alone)
    print(result.with_x)
    print(f"others' finish ratio {result.ratio:.2f}; failures {result.failures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
