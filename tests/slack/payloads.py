"""Requests as Slack sends them: signed (v0 HMAC-SHA256 of `v0:{ts}:{raw body}`), events as JSON
envelopes, slash commands form-encoded, interactivity as a form field `payload=<json>`."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.slack.fakeslack import BOT_USER_ID, TEAM_ID

SECRET = "0123456789abcdef0123456789abcdef"
_ids = itertools.count(1)
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    elapsed: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackSender:
    """Posts signed requests to a running `/slack/events` endpoint."""

    def __init__(self, base_url: str, *, secret: str = SECRET, response_url_base: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.response_url_base = response_url_base.rstrip("/")

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        path: str = "/slack/events",
        timestamp: int | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        ts = int(time.time()) if timestamp is None else timestamp
        request = urllib.request.Request(self.base_url + path, data=body, method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("X-Slack-Request-Timestamp", str(ts))
        request.add_header("X-Slack-Signature", sign(secret or self.secret, ts, body))
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        start = time.perf_counter()
        try:
            with _opener.open(request, timeout=10) as resp:
                data = resp.read()
                status = resp.status
        except urllib.error.HTTPError as exc:
            data = exc.read()
            status = exc.code
            exc.close()
        return Response(status, data, time.perf_counter() - start)

    def get(self, path: str) -> Response:
        start = time.perf_counter()
        try:
            with _opener.open(self.base_url + path, timeout=10) as resp:
                return Response(resp.status, resp.read(), time.perf_counter() - start)
        except urllib.error.HTTPError as exc:
            data = exc.read()
            exc.close()
            return Response(exc.code, data, time.perf_counter() - start)

    # --- the three kinds of request ---------------------------------------------------------------

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        team_id: str = TEAM_ID,
        **kwargs: Any,
    ) -> Response:
        body = json.dumps(event_envelope(event, event_id=event_id, team_id=team_id)).encode()
        headers = dict(kwargs.pop("headers", {}) or {})
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return self.post(body, "application/json", headers=headers, **kwargs)

    def command(
        self,
        text: str,
        *,
        user: str = "UALICE",
        team: str = TEAM_ID,
        channel: str = "C0GENERAL",
        response_key: str | None = None,
        **kwargs: Any,
    ) -> Response:
        fields = command_payload(
            text,
            user=user,
            team=team,
            channel=channel,
            response_url=f"{self.response_url_base}/response/{response_key or next(_ids)}",
        )
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded", **kwargs)

    def interact(self, payload: dict[str, Any], **kwargs: Any) -> Response:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)


# --- payload builders ---------------------------------------------------------------------------


def event_envelope(
    event: dict[str, Any], *, event_id: str | None = None, team_id: str = TEAM_ID
) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A0TEST",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def dm(
    text: str, *, user: str = "UALICE", channel: str | None = None, **extra: Any
) -> dict[str, Any]:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": channel or "D" + user,
        "user": user,
        "text": text,
        "ts": f"1700000100.{next(_ids):06d}",
        "event_ts": "1700000100.000001",
    }
    event.update(extra)
    return event


def mention(text: str, *, user: str = "UALICE", channel: str = "C0GENERAL") -> dict[str, Any]:
    return {
        "type": "app_mention",
        "channel": channel,
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": f"1700000200.{next(_ids):06d}",
        "event_ts": "1700000200.000001",
    }


def home_opened(*, user: str = "UALICE", tab: str = "home") -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D" + user,
        "tab": tab,
        "event_ts": "1700000300.000001",
    }


def command_payload(
    text: str,
    *,
    user: str = "UALICE",
    team: str = TEAM_ID,
    channel: str = "C0GENERAL",
    response_url: str = "",
) -> dict[str, str]:
    return {
        "token": "legacy-verification-token",
        "team_id": team,
        "team_domain": "rapport-test",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/rapport",
        "text": text,
        "api_app_id": "A0TEST",
        "response_url": response_url,
        "trigger_id": f"trigger-{next(_ids)}",
    }


def _user(user: str, team: str) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team}


def block_action(
    action_id: str,
    value: str,
    *,
    user: str = "UALICE",
    team: str = TEAM_ID,
    response_url: str = "",
    channel: str = "DUALICE",
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": _user(user, team),
        "api_app_id": "A0TEST",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": "1700000100.000001",
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": f"trigger-{next(_ids)}",
        "team": {"id": team, "domain": "rapport-test"},
        "channel": {"id": channel, "name": "directmessage"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "type": "button",
                "value": value,
                "action_ts": "1700000400.000001",
            }
        ],
    }


def message_shortcut(
    text: str,
    *,
    author: str = "UPRIYA",
    user: str = "UALICE",
    team: str = TEAM_ID,
    channel: str = "C0GENERAL",
    response_url: str = "",
) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": "save_as_note",
        "trigger_id": f"trigger-{next(_ids)}",
        "action_ts": "1700000500.000001",
        "team": {"id": team, "domain": "rapport-test"},
        "user": _user(user, team),
        "channel": {"id": channel, "name": "general"},
        "message": {"type": "message", "user": author, "text": text, "ts": "1700000050.000100"},
        "response_url": response_url,
        "token": "legacy-verification-token",
    }


def view_submission(
    callback_id: str,
    values: dict[str, str],
    *,
    private_metadata: str = "",
    user: str = "UALICE",
    team: str = TEAM_ID,
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "rapport-test"},
        "user": _user(user, team),
        "api_app_id": "A0TEST",
        "token": "legacy-verification-token",
        "trigger_id": f"trigger-{next(_ids)}",
        "view": {
            "id": f"V{next(_ids)}",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {
                "values": {
                    block: {"value": {"type": "plain_text_input", "value": value}}
                    for block, value in values.items()
                }
            },
        },
    }
