"""`rapport serve`: clear messages and exit code 2 for bad settings; the HTTP server's routes and
signature checks, through the real threaded WSGI server on an ephemeral port."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.slack.server import EXIT_CONFIG, check_settings, run
from tests.slack.conftest import make_settings
from tests.slack.fakeslack import FakeSlack
from tests.slack.payloads import SlackSender, command_payload, dm, event_envelope

API = "http://127.0.0.1:9/api/"  # never contacted: the checks fail before any call


@pytest.mark.parametrize(
    ("http", "overrides", "expected"),
    [
        pytest.param(
            False,
            {"SLACK_BOT_TOKEN": None, "SLACK_APP_TOKEN": None},
            ["SLACK_BOT_TOKEN is not set", "SLACK_APP_TOKEN is not set"],
            id="socket-nothing-set",
        ),
        pytest.param(
            False,
            {"SLACK_APP_TOKEN": "xoxb-wrong-kind"},
            ["SLACK_APP_TOKEN does not start with xapp-"],
            id="socket-bot-token-as-app-token",
        ),
        pytest.param(
            False,
            {"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_APP_TOKEN": "xapp-1"},
            ["SLACK_BOT_TOKEN does not start with xoxb-"],
            id="user-token",
        ),
        pytest.param(
            True,
            {"SLACK_SIGNING_SECRET": None},
            ["SLACK_SIGNING_SECRET is not set"],
            id="http-no-secret",
        ),
        pytest.param(
            True,
            {"SLACK_SIGNING_SECRET": "not a secret!"},
            ["SLACK_SIGNING_SECRET looks malformed"],
            id="http-malformed-secret",
        ),
        pytest.param(
            True,
            {"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": ""},
            ["SLACK_BOT_TOKEN is not set", "SLACK_SIGNING_SECRET is not set"],
            id="http-empty",
        ),
    ],
)
def test_each_bad_setting_gets_its_own_message_and_exit_code_2(
    http: bool,
    overrides: dict[str, str | None],
    expected: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = make_settings(API, **overrides)
    problems = check_settings(settings, http=http)
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start)
    assert run(settings=settings, http=http, host="127.0.0.1", port=0) == EXIT_CONFIG
    err = capsys.readouterr().err.splitlines()
    assert len(err) == len(expected) and all(line.startswith("rapport serve: ") for line in err)


def test_good_settings_have_no_problems() -> None:
    assert check_settings(make_settings(API, SLACK_APP_TOKEN="xapp-1-A-2-abc"), http=False) == []
    assert check_settings(make_settings(API), http=True) == []


def test_secrets_are_never_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    run(
        settings=make_settings(
            API, SLACK_BOT_TOKEN="xoxp-supersecret", SLACK_SIGNING_SECRET="s3cr3t value"
        ),
        http=True,
        host="127.0.0.1",
        port=0,
    )
    err = capsys.readouterr().err
    assert "supersecret" not in err and "s3cr3t" not in err


def test_healthz_and_unknown_paths(slack: SlackSender) -> None:
    assert slack.get("/healthz").status == 200
    assert slack.get("/healthz").body == b"ok\n"
    assert slack.get("/nope").status == 404


def test_url_verification_challenge_is_answered(slack: SlackSender) -> None:
    body = b'{"token":"x","challenge":"c-123","type":"url_verification"}'
    response = slack.post(body, "application/json")
    assert response.status == 200 and b"c-123" in response.body


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param({"secret": "0" * 32}, id="wrong-secret"),
        pytest.param({"timestamp": int(time.time()) - 6 * 60}, id="older-than-5-minutes"),
    ],
)
def test_badly_signed_requests_get_401_and_store_nothing(
    slack: SlackSender, fake_slack: FakeSlack, tamper: dict[str, object]
) -> None:
    event = event_envelope(dm("met Jane Doe for coffee, she wants a shelter dog"))
    assert slack.post(json.dumps(event).encode(), "application/json", **tamper).status == 401  # type: ignore[arg-type]
    form = urlencode(
        command_payload("log met Raj Patel", response_url=fake_slack.response_url())
    ).encode()
    assert slack.post(form, "application/x-www-form-urlencoded", **tamper).status == 401  # type: ignore[arg-type]
    fake_slack.settle(0.3)
    assert fake_slack.calls("chat.postMessage") == [] and fake_slack.calls("response_url") == []
    # Nothing was stored: a properly signed recall finds nothing.
    assert slack.command("recall Jane", response_key="check").status == 200
    (answer,) = fake_slack.wait_for("response_url")
    assert "I found nothing" in answer.text_dump()


def test_a_refused_bot_token_exits_2(
    fake_slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_slack.error_next("auth.test", "invalid_auth")
    settings = make_settings(fake_slack.api_url, RAPPORT_DATABASE_URL=f"sqlite:///{tmp_path}/r.db")
    assert run(settings=settings, http=True, host="127.0.0.1", port=0) == EXIT_CONFIG
    assert "Slack refused SLACK_BOT_TOKEN" in capsys.readouterr().err


def test_serving_shortens_the_gil_switch_interval() -> None:
    """The work after each ack is Python on the worker threads: with the default 5 ms a request
    thread waited up to that long for the GIL after every socket read and write."""
    import sys

    from slack_bolt import App

    from bot.slack.server import SWITCH_INTERVAL, make_http_server

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        app = App(token="xoxb-test", signing_secret="0" * 32, token_verification_enabled=False)
        server = make_http_server(app, host="127.0.0.1", port=0)
        server.server_close()
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
        assert SWITCH_INTERVAL < 0.005
    finally:
        sys.setswitchinterval(before)
