"""Socket Mode end to end: slack_sdk's built-in client against a local WebSocket server.

Every envelope is acked with its envelope_id; a {"type": "disconnect"} makes the client fetch a
new URL from apps.connections.open and reconnect; a retried event (retry_attempt 1) is filed once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.slack.socket_watch import SocketWatch
from tests.slack.fakeslack import FakeSlack
from tests.slack.payloads import block_action, command_payload, dm, event_envelope
from tests.slack.socket_server import SocketModeServer

# slack_sdk's client takes seconds to connect, reconnect and close: the quick loop skips these.
pytestmark = pytest.mark.slow


@pytest.fixture
def socket_handler(app: App, socket_server: SocketModeServer) -> Iterator[SocketModeHandler]:
    handler = SocketModeHandler(app, app_token="xapp-1-test")
    handler.client.connect()
    try:
        socket_server.wait_for_connections(1)
        yield handler
    finally:
        handler.client.close()


def test_envelopes_are_acked_and_answered(
    socket_handler: SocketModeHandler, socket_server: SocketModeServer, fake_slack: FakeSlack
) -> None:
    (opened,) = fake_slack.calls("apps.connections.open")
    assert opened.headers["authorization"] == "Bearer xapp-1-test"

    command = command_payload("help", response_url=fake_slack.response_url("cmd"))
    ack = socket_server.wait_for_ack(socket_server.push("slash_commands", command))
    assert set(ack) >= {"envelope_id"}
    (answer,) = fake_slack.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert "/rapport recall" in answer.text_dump()

    envelope = socket_server.push_event(event_envelope(dm("help")))
    socket_server.wait_for_ack(envelope)
    (posted,) = fake_slack.wait_for("chat.postMessage")
    assert posted.params["channel"] == "DUALICE"


def test_a_note_by_dm_and_its_retry_are_filed_once(
    socket_handler: SocketModeHandler, socket_server: SocketModeServer, fake_slack: FakeSlack
) -> None:
    body = event_envelope(
        dm("met Jane Doe for coffee, she wants a shelter dog"), event_id="EvSOCKET1"
    )
    first = socket_server.push_event(body, retry_attempt=0)
    retry = socket_server.push_event(body, retry_attempt=1)
    socket_server.wait_for_ack(first)
    socket_server.wait_for_ack(retry)
    (confirmation,) = fake_slack.wait_for("chat.postMessage")
    fake_slack.settle(0.5)
    assert len(fake_slack.calls("chat.postMessage")) == 1
    assert "Jane Doe" in confirmation.text_dump()


def test_disconnect_makes_the_client_reconnect_to_a_fresh_url(
    socket_handler: SocketModeHandler, socket_server: SocketModeServer, fake_slack: FakeSlack
) -> None:
    socket_server.send_disconnect()
    socket_server.wait_for_connections(2)
    assert len(fake_slack.calls("apps.connections.open")) == 2
    # The new connection works: a button click is acked and answered.
    payload = block_action(
        "recall_page:next", '{"q":"dog","o":0}', response_url=fake_slack.response_url("p")
    )
    socket_server.wait_for_ack(socket_server.push("interactive", payload))
    fake_slack.wait_for("response_url")


@pytest.mark.parametrize("how", ["close frame", "dropped"])
def test_a_dropped_connection_is_back_within_seconds(
    socket_handler: SocketModeHandler,
    socket_server: SocketModeServer,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    how: str,
) -> None:
    watch = SocketWatch(socket_handler.client).start()
    try:
        caplog.set_level(logging.INFO)
        dropped_at = time.monotonic()
        socket_server.drop(clean=how == "close frame")
        socket_server.wait_for_connections(2, timeout=10)
        assert time.monotonic() - dropped_at < 4.0
        # The new connection carries a DM, and nothing was logged as an ERROR on the way.
        envelope = socket_server.push_event(event_envelope(dm("help")))
        socket_server.wait_for_ack(envelope)
        fake_slack.wait_for("chat.postMessage")
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    finally:
        watch.stop()


def test_slack_unreachable_is_retried_quietly(
    socket_handler: SocketModeHandler,
    socket_server: SocketModeServer,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="rapport.serve")
    fake_slack.error_next("apps.connections.open", "internal_error", times=2)
    watch = SocketWatch(socket_handler.client).start()
    try:
        dropped_at = time.monotonic()
        socket_server.drop(clean=False)
        socket_server.wait_for_connections(2, timeout=30)
        assert time.monotonic() - dropped_at < 12.0  # 1 s to notice, then 2 s and 4 s apart
    finally:
        watch.stop()
    warnings = [r for r in caplog.records if r.name == "rapport.serve" and r.levelno >= 30]
    assert len(warnings) == 1 and "retrying" in warnings[0].getMessage()
