"""Fixtures for the Slack suite: a fake Slack, the real use cases (tests/world.py) and app, served
over real HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from slack_bolt import App

from bot.config import Settings
from bot.slack.app import build_app
from bot.slack.server import ThreadingWSGIServer, make_http_server
from tests.slack.fakeslack import FakeSlack, running_fake_slack
from tests.slack.payloads import SECRET, SlackSender
from tests.slack.socket_server import SocketModeServer, running_socket_server
from tests.world import World

if TYPE_CHECKING:
    from bot.app import Rapport
    from bot.store.db import SessionFactory

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def make_settings(api_url: str, **overrides: str | None) -> Settings:
    values: dict[str, str | None] = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_APP_TOKEN": None,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "RAPPORT_DATABASE_URL": "sqlite://",
        "RAPPORT_TZ": "UTC",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with running_fake_slack() as fake:
        yield fake


@pytest.fixture
def socket_server(fake_slack: FakeSlack) -> Iterator[SocketModeServer]:
    with running_socket_server() as server:
        fake_slack.socket_url = server.url
        yield server


@pytest.fixture
def settings(fake_slack: FakeSlack) -> Settings:
    return make_settings(fake_slack.api_url)


@pytest.fixture
def world(sessions: SessionFactory) -> World:
    return World(sessions=sessions, now=NOW)


@pytest.fixture
def rapport(world: World) -> Rapport:
    return world.app


@pytest.fixture
def app(rapport: Rapport, settings: Settings) -> App:
    return build_app(rapport=rapport, settings=settings)


def serve_in_thread(app: App) -> tuple[ThreadingWSGIServer, threading.Thread]:
    server = make_http_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return server, thread


@pytest.fixture
def slack(app: App, fake_slack: FakeSlack) -> Iterator[SlackSender]:
    """Signed requests into bot/slack/server.py's real HTTP server, on a loopback port."""
    server, thread = serve_in_thread(app)
    try:
        yield SlackSender(
            f"http://127.0.0.1:{server.server_port}", response_url_base=fake_slack.url
        )
    finally:
        fake_slack.settle(0.2, timeout=5)  # let background work finish before the database goes
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
