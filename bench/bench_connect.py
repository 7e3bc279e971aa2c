"""Slack Connect under load: external messages into `rapport serve --http` (a real subprocess).

    python bench/bench_connect.py [--rate 200] [--seconds 30] [--people 100] [--quick]

Tracks one shared channel in a fresh SQLite database, starts `rapport serve --http` on it (its
Web API calls go to a local fake Slack), and sends signed message events by `--people` people
from two other organisations at `--rate` a second for `--seconds` (open loop: each is sent at its
scheduled time, whatever the earlier ones took), with one in fifty sent again as Slack's retry.
Each HTTP round trip is the ack Slack waits for (3 s at most). The same schedule goes at the
same time to an ack-only bolt app served the same way in its own process: the floor. When the
server has kept every message, the database must hold exactly one interaction per person per day.

Prints one JSON line (bench/__main__.py reads it): p50/p99 of both, acks over 3 s or not 200
(failures), messages kept, interactions and the people-days expected. Exit code 1 when a target
is missed: every ack within 3 s, p99 ≤ 3× the floor's, interactions == people-days.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.app import Rapport  # noqa: E402
from bot.domain.refs import Actor  # noqa: E402
from bot.store.db import make_engine, session_factory  # noqa: E402
from bot.store.migrate import upgrade  # noqa: E402
from tests.slack.fakeslack import TEAM_ID, FakeSlack  # noqa: E402
from tests.slack.payloads import SECRET, SlackSender, event_envelope  # noqa: E402

CHANNEL = "C0BENCHSHARED"
TEAMS = ("T0ACME", "T0GLOBEX")
ACK_LIMIT_S = 3.0
TEXTS = (
    "Morning! The pallets arrived, thanks.",
    "Can you send the signed PO by Thursday?",
    "We are reviewing the draft on our side",
    "any update on the invoice",
    "Great, talk soon",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.pop("SLACK_APP_TOKEN", None)
    env["PYTHONPATH"] = str(ROOT)
    return env | extra


def wait_healthy(proc: subprocess.Popen[str], base: str, *, path: str = "/healthz") -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(base + path, timeout=1) as answer:
                if answer.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            err = proc.stderr.read() if proc.stderr else ""
            raise SystemExit(f"server did not start: {err[-800:]}")
        time.sleep(0.1)


def start(cmd: list[str], env: dict[str, str], port: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        cmd,
        cwd=tempfile.gettempdir(),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_healthy(proc, f"http://127.0.0.1:{port}")
    return proc


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stderr:
        proc.stderr.close()


def ack_only_server(port: int, api_url: str) -> None:
    """The floor: a bolt app whose only listener acks message events, served the same way
    (its one auth.test goes to the fake Slack, as Rapport's does)."""
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.slack.server import make_http_server

    app = App(client=WebClient(token="xoxb-bench", base_url=api_url), signing_secret=SECRET)

    @app.event("message")
    def only_ack() -> None:
        return None

    make_http_server(app, host="127.0.0.1", port=port).serve_forever()


def schedule(rate: int, seconds: float, people: int) -> list[dict[str, Any]]:
    """The events to send, in order: person i % people, one in fifty repeated (a retry)."""
    events: list[dict[str, Any]] = []
    base = int(time.time())
    for i in range(int(rate * seconds)):
        person = i % people
        team = TEAMS[person % len(TEAMS)]
        event = {
            "type": "message",
            "channel_type": "channel",
            "channel": CHANNEL,
            "user": f"U0EXT{person:04d}",
            "team": TEAM_ID,
            "user_team": team,
            "source_team": team,
            "user_profile": {"team": team},
            "text": TEXTS[i % len(TEXTS)],
            "ts": f"{base + i // rate}.{i:06d}",
        }
        event["event_ts"] = event["ts"]
        envelope = event_envelope(event, event_id=f"EvB{i:08d}")
        envelope["is_ext_shared_channel"] = True
        events.append({"body": json.dumps(envelope).encode(), "retry": False})
        if i % 50 == 49:
            events.append({"body": events[-1]["body"], "retry": True})
    return events


def warm_up(base_url: str, count: int = 50) -> None:
    """First requests pay for imports, the auth.test and connections: not what is measured.
    They are messages of an untracked channel, so Rapport drops them after one lookup."""
    sender = SlackSender(base_url, response_url_base="http://127.0.0.1:9")
    for i in range(count):
        event = {
            "type": "message",
            "channel_type": "channel",
            "channel": "C0WARMUP",
            "user": "UWARM",
            "team": TEAM_ID,
            "text": "warming up",
            "ts": f"1700000000.{i:06d}",
        }
        sender.post(json.dumps(event_envelope(event)).encode(), "application/json")


def blast(base_url: str, events: list[dict[str, Any]], rate: int) -> tuple[list[float], int]:
    """Send each event at its time from a pool of senders; (round trips in ms, failures)."""
    sender = SlackSender(base_url, response_url_base="http://127.0.0.1:9")
    samples: list[float] = []
    failures = 0
    lock = threading.Lock()
    began = time.perf_counter() + 0.5
    interval = 1.0 / rate

    def one(index: int) -> None:
        nonlocal failures
        delay = began + index * interval - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        item = events[index]
        headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        try:
            response = sender.post(
                item["body"], "application/json", headers=headers if item["retry"] else None
            )
            ok, elapsed = response.status == 200, response.elapsed
        except OSError:
            ok, elapsed = False, ACK_LIMIT_S
        with lock:
            samples.append(elapsed * 1000)
            if not ok or elapsed > ACK_LIMIT_S:
                failures += 1

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(one, range(len(events))))
    return samples, failures


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:

            def one(sql: str) -> int:
                return int(connection.execute(text(sql)).scalar_one())

            return {
                "kept": one("SELECT count(*) FROM connect_message"),
                "interactions": one("SELECT count(*) FROM connect_interaction"),
                "notes": one("SELECT count(*) FROM note WHERE source = 'slack_connect'"),
                "contacts": one("SELECT count(*) FROM contact"),
                "people_days": one(
                    "SELECT count(*) FROM (SELECT DISTINCT contact_id, day "
                    "FROM connect_interaction) AS d"
                ),
            }
    finally:
        engine.dispose()


def run(rate: int, seconds: float, people: int) -> dict[str, Any]:
    folder = tempfile.mkdtemp(prefix="rapport-bench-connect-")
    url = f"sqlite:///{folder}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    rapport = Rapport(sessions=session_factory(engine))
    tracker = Actor(workspace_id=TEAM_ID, user_id="UALICE", display_name="Alice")
    rapport.connect.track(actor=tracker, channel_id=CHANNEL, name="bench-shared")
    engine.dispose()

    fake = FakeSlack().start()
    for team in TEAMS:
        fake.teams[team] = {"id": team, "name": f"{team[2:].title()} Inc"}
    for person in range(people):
        fake.users[f"U0EXT{person:04d}"] = {
            "team_id": TEAMS[person % len(TEAMS)],
            "is_stranger": True,
            "real_name": f"Person {person:04d} Example",
        }
    result: dict[str, Any] = {"rate": rate, "seconds": seconds, "people": people}
    try:
        events = schedule(rate, seconds, people)
        result["sent"] = len(events)
        unique = sum(1 for e in events if not e["retry"])
        expected_days = {
            (json.loads(e["body"])["event"]["user"], _day(json.loads(e["body"])["event"]["ts"]))
            for e in events
        }
        # The floor: the same schedule into an ack-only bolt app in its own process, sent at
        # the same time as Rapport's, so both see the same load from the rest of the machine
        # (on a shared host, one after the other measured the neighbours as much as either).
        floor_port, port = free_port(), free_port()
        floor_proc = start(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--ack-only-server",
                str(floor_port),
                "--api-url",
                fake.api_url,
            ],
            _env({}),
            floor_port,
        )
        # Rapport: `rapport serve --http`, the real subprocess.
        rapport_bin = Path(sys.executable).parent / "rapport"
        cmd = [str(rapport_bin)] if rapport_bin.exists() else [sys.executable, "-m", "bot"]
        env = _env(
            {
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": fake.api_url,
                "RAPPORT_DATABASE_URL": url,
                "RAPPORT_TZ": "UTC",
            }
        )
        try:
            proc = start(
                [*cmd, "serve", "--http", "--host", "127.0.0.1", "--port", str(port)], env, port
            )
        except BaseException:
            stop(floor_proc)
            raise
        try:
            warm_up(f"http://127.0.0.1:{floor_port}")
            warm_up(f"http://127.0.0.1:{port}")
            floor_result: list[tuple[list[float], int]] = []
            floor_thread = threading.Thread(
                target=lambda: floor_result.append(
                    blast(f"http://127.0.0.1:{floor_port}", events, rate)
                )
            )
            began = time.perf_counter()
            floor_thread.start()
            ours, failures = blast(f"http://127.0.0.1:{port}", events, rate)
            floor_thread.join()
            floor, floor_failures = floor_result[0]
            sent_in = time.perf_counter() - began
            deadline = time.monotonic() + max(120.0, seconds * 10)
            while counts(url)["kept"] < unique and time.monotonic() < deadline:
                time.sleep(0.5)
            drained = time.perf_counter() - began
        finally:
            stop(proc)
            stop(floor_proc)
    finally:
        fake.stop()
    found = counts(url)
    result |= {
        "unique": unique,
        "floor_p50_ms": statistics.median(floor),
        "floor_p99_ms": pct(floor, 0.99),
        "floor_failures": floor_failures,
        "p50_ms": statistics.median(ours),
        "p99_ms": pct(ours, 0.99),
        "max_ms": max(ours),
        "failures": failures,
        "sent_s": sent_in,
        "drained_s": drained,
        "expected_people_days": len(expected_days),
        **found,
    }
    result["ratio_p99"] = result["p99_ms"] / result["floor_p99_ms"]
    result["ok"] = bool(
        failures == 0
        and result["ratio_p99"] <= 3.0
        and found["kept"] == unique
        and found["interactions"] == found["notes"] == len(expected_days)
        and found["contacts"] == people
    )
    return result


def _day(ts: str) -> str:
    return datetime.fromtimestamp(float(ts), UTC).date().isoformat()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=int, default=200, help="messages a second")
    parser.add_argument("--seconds", type=float, default=30, help="how long")
    parser.add_argument("--people", type=int, default=100, help="external people writing")
    parser.add_argument("--quick", action="store_true", help="50 a second for 4 s, 20 people")
    parser.add_argument("--ack-only-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ack_only_server:
        ack_only_server(args.ack_only_server, args.api_url)
        return 0
    if args.quick:
        args.rate, args.seconds, args.people = 50, 4, 20
    result = run(args.rate, args.seconds, args.people)
    print(
        f"{result['sent']} events ({result['unique']} messages) at {args.rate}/s: ack p50 "
        f"{result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms (floor p99 "
        f"{result['floor_p99_ms']:.1f} ms, x{result['ratio_p99']:.2f}); {result['failures']} "
        f"failed or over 3 s; kept {result['kept']}, {result['interactions']} interactions for "
        f"{result['expected_people_days']} people-days; drained in {result['drained_s']:.1f} s",
        file=sys.stderr,
    )
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
