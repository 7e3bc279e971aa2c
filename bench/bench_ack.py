"""Ack latency of `/rapport` over HTTP, beside a bolt app whose handler only acks.

    python bench/bench_ack.py [--notes 100000] [--requests 1000] [--quick] [--db URL]

Fills a fresh SQLite database with `--notes` notes (bulk inserts, as bench_recall does), serves
Rapport's real app through bot/slack/server.py's threaded WSGI server on loopback, and sends signed
`/rapport log …` and `/rapport recall …` commands one after another, timing each HTTP round trip
(the ack Slack waits for, 3 s at most). The work after the ack (parse, store, search, answer on the
response_url) goes on in the background, as in production, against a local fake Slack. The same
requests then go to a bolt app that only acks, served the same way. Prints median and p99 and the
ratios, and how long the background work took to finish.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_recall import populate  # noqa: E402
from slack_bolt import Ack, App  # noqa: E402

from bot.app import Rapport  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.handlers.common import SOMETHING_WENT_WRONG, STORAGE_UNAVAILABLE  # noqa: E402
from bot.slack.app import build_app  # noqa: E402
from bot.slack.client import build_client  # noqa: E402
from bot.slack.server import make_http_server  # noqa: E402
from bot.store.failures import BUSY, DISK_FULL, READ_ONLY  # noqa: E402
from tests.slack.fakeslack import FakeSlack  # noqa: E402
from tests.slack.payloads import SECRET, SlackSender, command_payload  # noqa: E402

LOGS = [
    "log met Jane Doe for coffee, she wants a shelter dog",
    "log lunch with Raj Patel, I owe him the deck by Friday",
    "log call with Priya Nair, asked her for the contract, waiting on her",
]
RECALLS = ["recall shelter dog", "recall who is hiring a data engineer?", "recall Lisbon"]


def ack_only_app(settings: Settings) -> App:
    app = App(client=build_client(settings), signing_secret=SECRET)

    @app.command("/rapport")
    def only_ack(ack: Ack) -> None:
        ack()

    return app


def serve(app: App) -> tuple[Callable[[], None], str]:
    server = make_http_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop, f"http://127.0.0.1:{server.server_port}"


# What a person hears when their command failed (the database, or anything unexpected).
FAILURE_ANSWERS = (STORAGE_UNAVAILABLE, SOMETHING_WENT_WRONG, BUSY, READ_ONLY, DISK_FULL)


def failed_answers(
    fake: FakeSlack, expected: int, *, key_prefix: str = "b", timeout: float = 600
) -> tuple[int, int, int]:
    """(commands whose answer told the person they failed, commands never answered, commands
    answered more than once), over the commands sent with `key_prefix` (the warm-up's late
    answers are not counted as the measured commands')."""
    deadline = time.monotonic() + timeout
    while True:
        calls = [
            c
            for c in fake.calls("response_url")
            if c.path.rsplit("/", 1)[-1].startswith(key_prefix)
        ]
        keys = {c.path.rsplit("/", 1)[-1] for c in calls}
        if len(keys) >= expected or time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    failed_keys = {
        c.path.rsplit("/", 1)[-1] for c in calls if any(f in c.text_dump() for f in FAILURE_ANSWERS)
    }
    doubled = len(calls) - len(keys)
    return len(failed_keys), max(0, expected - len(keys)), doubled


def run_requests(
    base_url: str, fake: FakeSlack, count: int, *, key_prefix: str = "b"
) -> dict[str, list[float]]:
    """Round-trip times per kind, in ms; "refused" holds the index of each command not acked
    with a 200 (a failed command, counted with the failed answers). Each command's answer goes
    to its own response_url, `key_prefix` and its index."""
    sender = SlackSender(base_url, response_url_base=fake.url)
    samples: dict[str, list[float]] = {"log": [], "recall": [], "refused": []}
    for i in range(count):
        kind = "log" if i % 2 == 0 else "recall"
        text = (LOGS if kind == "log" else RECALLS)[(i // 2) % 3]
        fields = command_payload(
            text,
            user=f"U{1 + i % 50}",
            team="T1",
            response_url=fake.response_url(f"{key_prefix}{i}"),
        )
        response = sender.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")
        if response.status != 200:
            print(
                f"request {i} answered {response.status}: {response.body[:200]!r}", file=sys.stderr
            )
            samples["refused"].append(float(i))
            continue
        samples[kind].append(response.elapsed * 1000)
    return samples


def warm_up_commands(base_url: str, fake: FakeSlack, *, answered: bool, count: int = 20) -> None:
    """Imports, caches, users.info for the first users and the workspace's snapshot (at 100,000
    contacts some seconds of building): the measured commands start once the warm-up's own
    work has finished, so they measure the steady state, not the process's first minute."""
    run_requests(base_url, fake, count, key_prefix="w")
    if answered:
        failed_answers(fake, count, key_prefix="w", timeout=600)
    fake.settle(0.5, timeout=120)
    fake.clear()


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000, help="notes in the database")
    parser.add_argument("--requests", type=int, default=1000, help="signed commands per server")
    parser.add_argument("--quick", action="store_true", help="2,000 notes and 200 requests")
    parser.add_argument(
        "--db", help="a database that already holds a workspace (python -m bench's), not filled"
    )
    args = parser.parse_args()
    if args.quick:
        args.notes, args.requests = 2_000, 200

    if args.db:
        url = str(args.db)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='rapport-bench-ack-')}/bench.db"
        start = time.perf_counter()
        populate(url, args.notes)
        print(f"populated {args.notes:,} notes in {time.perf_counter() - start:.1f} s (sqlite)")

    fake = FakeSlack().start()
    try:
        settings = Settings(  # type: ignore[call-arg]
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            RAPPORT_DATABASE_URL=url,
        )
        rapport = Rapport.from_settings(settings, clock=lambda: datetime.now(UTC))
        results: dict[str, dict[str, list[float]]] = {}
        drained: dict[str, float] = {}
        for name, app in (("ack-only", ack_only_app(settings)), ("rapport", None)):
            if app is None:
                app = build_app(rapport=rapport, settings=settings)
            stop, base = serve(app)
            try:
                warm_up_commands(base, fake, answered=name == "rapport")
                began = time.perf_counter()
                results[name] = run_requests(base, fake, args.requests)
                acked = time.perf_counter()
                expected = args.requests if name == "rapport" else 0
                if expected:
                    told, unanswered, doubled = failed_answers(fake, expected)
                    failed = told + unanswered + doubled + len(results[name]["refused"])
                drained[name] = time.perf_counter() - began
                if name == "rapport":
                    print(
                        f"rapport: {args.requests} acks in {acked - began:.1f} s; "
                        f"answers delivered after {drained[name]:.1f} s; "
                        f"{failed} failed commands (target 0)"
                    )
            finally:
                stop()
    finally:
        fake.stop()

    base_all = results["ack-only"]["log"] + results["ack-only"]["recall"]
    rows = [
        ("ack-only bolt app", base_all),
        ("rapport: /rapport log", results["rapport"]["log"]),
        ("rapport: /rapport recall", results["rapport"]["recall"]),
        ("rapport: all", results["rapport"]["log"] + results["rapport"]["recall"]),
    ]
    b50, b99 = statistics.median(base_all), pct(base_all, 0.99)
    print(f"\nack latency, {args.requests} signed requests each, {args.notes:,} notes, loopback")
    print(f"{'server':<28}{'p50 ms':>9}{'p99 ms':>9}{'x p50':>8}{'x p99':>8}")
    for label, samples in rows:
        m50, m99 = statistics.median(samples), pct(samples, 0.99)
        print(f"{label:<28}{m50:>9.2f}{m99:>9.2f}{m50 / b50:>8.2f}{m99 / b99:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
