"""Replicas share installations: two Rapport servers (each its own engine, use cases, bolt App
and HTTP server, as two processes behind a load balancer would be) over one database, SQLite
file or PostgreSQL. An install made through one answers through the other at once, an install
started on one finishes on the other, and an uninstall through one is seen by the other."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

from bot.app import Rapport
from bot.store.slack_oauth_tables import slack_installations
from tests.slack.fakeslack import FakeSlack, OAuthGrant
from tests.slack.payloads import SECRET, SlackSender, dm
from tests.slack.test_oauth import (
    CLIENT_ID,
    CLIENT_SECRET,
    Browser,
    Served,
    _free_port,
    _up,
    bearer,
    grant,
    oauth_settings,
    serve,
    wait_until,
)

replica = contextmanager(serve)


@pytest.fixture
def replicas(db_url: str, fake_slack: FakeSlack) -> Iterator[tuple[Served, Served]]:
    settings = oauth_settings(fake_slack, RAPPORT_DATABASE_URL=db_url)
    with ExitStack() as stack:
        apps = [stack.enter_context(Rapport.from_settings(settings)) for _ in range(2)]
        first, second = (stack.enter_context(replica(app, settings, fake_slack)) for app in apps)
        yield first, second


def _answered_with(served: Served, team: str, user: str) -> str:
    """The token the replica answered a DM from `team` with."""
    served.fake.clear()
    assert served.sender.event(dm("met Jane Doe for coffee", user=user), team_id=team).status == 200
    (posted,) = served.fake.wait_for("chat.postMessage")
    return bearer(posted.headers)


def _not_answered(served: Served, team: str, user: str) -> bool:
    served.fake.clear()
    assert served.sender.event(dm("met Jane Doe for coffee", user=user), team_id=team).status == 200
    served.fake.settle(0.5)
    return served.fake.calls("chat.postMessage") == []


def test_an_install_through_one_replica_is_answered_by_the_other_without_a_restart(
    replicas: tuple[Served, Served],
) -> None:
    one, two = replicas
    assert _not_answered(two, "TALPHA", "UA")  # not installed yet, on either
    assert one.install("code-a", grant("TALPHA", "Alpha")).status == 200
    assert _answered_with(two, "TALPHA", "UA") == "xoxb-talpha"
    assert _answered_with(one, "TALPHA", "UA") == "xoxb-talpha"
    # Both replicas filed into the one database.
    assert one.rapport.lifecycle.workspaces()[0].notes == 2


def test_an_install_started_on_one_replica_finishes_on_the_other(
    replicas: tuple[Served, Served],
) -> None:
    one, two = replicas
    browser = Browser(one.url)
    state = browser.start_install()
    # The same browser (its state cookie is the host's, whatever the port) lands on the other.
    browser.base_url = two.url
    two.fake.grant("code-b", grant("TBETA", "Beta"))
    page = browser.finish_install("code-b", state)
    assert page.status == 200 and "Rapport is installed in Beta" in page.body
    assert _answered_with(one, "TBETA", "UB") == "xoxb-tbeta"


def test_an_uninstall_through_one_replica_is_seen_by_the_other(
    replicas: tuple[Served, Served],
) -> None:
    one, two = replicas
    one.install("code-a", grant("TALPHA", "Alpha"))
    one.install("code-b", grant("TBETA", "Beta"))
    assert _answered_with(one, "TALPHA", "UA") == "xoxb-talpha"  # each has authorized it once
    assert _answered_with(two, "TALPHA", "UA") == "xoxb-talpha"
    event = {"type": "app_uninstalled", "event_ts": "1700000100.000001"}
    assert two.sender.event(event, team_id="TALPHA").status == 200
    wait_until(lambda: two.rows(slack_installations, "TALPHA") == [])
    assert _not_answered(one, "TALPHA", "UA")
    assert _answered_with(one, "TBETA", "UB") == "xoxb-tbeta"
    assert one.rapport.lifecycle.scheduled("TALPHA") is not None
    # Reinstalled through the other replica, with a new token: the first one uses it at once.
    two.install("code-a2", OAuthGrant("TALPHA", "Alpha", token="xoxb-talpha-2"))
    assert _answered_with(one, "TALPHA", "UA") == "xoxb-talpha-2"
    assert one.rapport.lifecycle.scheduled("TALPHA") is None


# --- two `rapport serve --http` processes ---------------------------------------------------------


@contextmanager
def _rapport_serve(env: dict[str, str], port: int) -> Iterator[str]:
    command = [sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port)], env=env, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _up(base) or process.poll() is not None, timeout=60)
        assert process.poll() is None, "rapport serve exited"
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert CLIENT_SECRET not in err and "xoxb-" not in err


@pytest.mark.slow
def test_two_rapport_serve_processes_share_installs_and_uninstalls(
    db_url: str, fake_slack: FakeSlack
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RAPPORT_"))},
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "SLACK_AUTHORIZE_URL": fake_slack.url + "/oauth/v2/authorize",
        "RAPPORT_DATABASE_URL": db_url,
    }
    # One after the other: each migrates the database on start.
    with _rapport_serve(env, _free_port()) as one, _rapport_serve(env, _free_port()) as two:
        browser = Browser(one)
        fake_slack.grant("code-p", grant("TPROC", "Processes"))
        assert browser.finish_install("code-p", browser.start_install()).status == 200
        sender = SlackSender(two, response_url_base=fake_slack.url)
        fake_slack.clear()
        assert sender.event(dm("met Jane Doe", user="UP"), team_id="TPROC").status == 200
        (posted,) = fake_slack.wait_for("chat.postMessage")
        assert bearer(posted.headers) == "xoxb-tproc"

        event = {"type": "app_uninstalled", "event_ts": "1700000100.000001"}
        assert sender.event(event, team_id="TPROC").status == 200
        first = SlackSender(one, response_url_base=fake_slack.url)

        def refused_by_the_first() -> bool:
            fake_slack.clear()
            first.event(dm("met Raj Patel", user="UP"), team_id="TPROC")
            fake_slack.settle(0.5)
            return fake_slack.calls("chat.postMessage") == []

        wait_until(refused_by_the_first, timeout=20)
