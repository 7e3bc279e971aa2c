"""bot/slack/client.py against the fake Slack: base_url honoured, slack_sdk's retry handlers on."""

from __future__ import annotations

import time

import pytest
from slack_sdk.errors import SlackApiError

from bot.slack.client import build_client
from tests.slack.conftest import make_settings
from tests.slack.fakeslack import FakeSlack


def test_calls_go_to_the_configured_base_url_with_the_bot_token(fake_slack: FakeSlack) -> None:
    client = build_client(make_settings(fake_slack.api_url))
    assert client.auth_test()["user_id"] == "UBOT"
    (call,) = fake_slack.calls("auth.test")
    assert call.headers["authorization"] == "Bearer xoxb-test-token"


@pytest.mark.slow
def test_a_429_with_retry_after_is_retried_and_delivered_once(fake_slack: FakeSlack) -> None:
    client = build_client(make_settings(fake_slack.api_url))
    fake_slack.rate_limit_next("chat.postMessage", retry_after=1)
    start = time.monotonic()
    response = client.chat_postMessage(channel="DUALICE", text="hello")
    assert response["ok"] is True
    assert time.monotonic() - start >= 1.0  # waited for Retry-After
    calls = fake_slack.calls("chat.postMessage")
    assert len(calls) == 2  # the refused one and the delivered one
    assert [c.params["text"] for c in calls] == ["hello", "hello"]


@pytest.mark.slow
def test_server_errors_are_retried(fake_slack: FakeSlack) -> None:
    client = build_client(make_settings(fake_slack.api_url))
    fake_slack.server_error_next("chat.postEphemeral", times=2, status=503)
    assert client.chat_postEphemeral(channel="C1", user="U1", text="hi")["ok"] is True
    assert len(fake_slack.calls("chat.postEphemeral")) == 3


def test_ok_false_raises_slack_api_error_without_retrying(fake_slack: FakeSlack) -> None:
    client = build_client(make_settings(fake_slack.api_url))
    fake_slack.error_next("users.info", "user_not_found")
    with pytest.raises(SlackApiError) as caught:
        client.users_info(user="UNOBODY")
    assert caught.value.response["error"] == "user_not_found"
    assert len(fake_slack.calls("users.info")) == 1
