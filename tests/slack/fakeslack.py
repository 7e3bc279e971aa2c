"""A local Slack Web API: a real HTTP server on 127.0.0.1 that answers and records every call.

slack_sdk's real WebClient talks to it through `base_url`; response_url webhooks post to
`/response/<id>`. Tests read what was sent (`calls`, `wait_for`) and can make the next calls of a
method fail with 429 + Retry-After, a 5xx, or an `ok: false` error, or make one workspace (its
bot token) answer 429 to every call for a while (`rate_limit_token`).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.slack.fakeauthorize import AUTHORIZE_PATH, AuthorizeConfig, authorize

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0TEAM"

_JSON_FIELDS = ("blocks", "view", "attachments", "metadata")


@dataclass(frozen=True)
class Call:
    method: str  # Web API method, or "response_url" for /response/<id>
    params: dict[str, Any]
    headers: dict[str, str]
    path: str
    at: float = field(default_factory=time.monotonic)

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.params.get("blocks") or []
        return blocks if isinstance(blocks, list) else []

    def text_dump(self) -> str:
        """Everything visible in the call (text and blocks) as one string, for assertions."""
        return json.dumps(
            {
                "text": self.params.get("text"),
                "blocks": self.params.get("blocks"),
                "view": self.params.get("view"),
            },
            ensure_ascii=False,
        )


@dataclass
class OAuthGrant:
    """What oauth.v2.access answers for one code: a workspace's bot token (and, for a rotating
    app, a refresh token and its lifetime)."""

    team_id: str
    team_name: str
    token: str
    refresh_token: str | None = None
    expires_in: int | None = None
    enterprise_id: str | None = None
    installer: str = "UINSTALLER"
    # Enterprise Grid: an org-wide install answers with the org and no team (team_id unused).
    org_wide: bool = False
    enterprise_name: str | None = None


@dataclass
class _TokenLimit:
    retry_after: int
    until: float | None  # time.monotonic() when it lifts; None: until lift_rate_limit
    remaining: int | None  # calls still answered 429; None: no count


@dataclass
class _Failure:
    remaining: int
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


class FakeSlack:
    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._delays: dict[str, list[float]] = {}
        self._token_limits: dict[str, _TokenLimit] = {}
        self._limited_answers: dict[str, int] = {}  # token -> 429s answered
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self.users: dict[str, dict[str, Any]] = {}
        # users.info per installation: token -> user id -> fields (over `users`): the same user
        # id is a different person in another workspace.
        self.users_by_token: dict[str, dict[str, dict[str, Any]]] = {}
        self._request = threading.local()  # the token of the call being answered
        # Slack Connect: team.info by team id (other organisations too), each channel's
        # conversations.history, and the channels the bot has not been invited to.
        self.teams: dict[str, dict[str, Any]] = {}
        self.histories: dict[str, list[dict[str, Any]]] = {}
        self.not_in_channel: set[str] = set()
        self.socket_url: str | None = None
        self.default_tz: str | None = "Europe/Berlin"
        # oauth.v2.access: codes a test handed out (each good once), refresh tokens issued.
        self.oauth_codes: dict[str, OAuthGrant] = {}
        self.refresh_tokens: dict[str, OAuthGrant] = {}
        self._refreshes = itertools.count(1)
        # The authorize page a browser is sent to by "Add to Slack" (tests/slack/fakeauthorize.py).
        self.authorize_config = AuthorizeConfig()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown waits one poll: keep teardowns short
            name="fake-slack",
            daemon=True,
        )

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"{self.url}/response/{key}"

    # --- scripting failures --------------------------------------------------------------------

    def rate_limit_next(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        self._add_failure(
            method,
            _Failure(
                times, 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
            ),
        )

    def server_error_next(self, method: str, *, times: int = 1, status: int = 500) -> None:
        self._add_failure(
            method, _Failure(times, status, {"ok": False, "error": "fatal_error"}, {})
        )

    def error_next(self, method: str, error: str, *, times: int = 1) -> None:
        self._add_failure(method, _Failure(times, 200, {"ok": False, "error": error}, {}))

    def rate_limit_token(
        self,
        token: str,
        *,
        retry_after: int = 1,
        seconds: float | None = None,
        times: int | None = None,
    ) -> None:
        """Every Web API call made with `token` (one workspace's bot token) answers 429 with
        `Retry-After: retry_after`: for `seconds` from now, or the next `times` calls, or until
        `lift_rate_limit`. Other tokens are answered as usual."""
        until = time.monotonic() + seconds if seconds is not None else None
        with self._cond:
            self._token_limits[token] = _TokenLimit(retry_after, until, times)

    def lift_rate_limit(self, token: str) -> None:
        with self._cond:
            self._token_limits.pop(token, None)

    def rate_limited_answers(self, token: str) -> int:
        """How many 429s `token`'s calls were answered with so far."""
        with self._cond:
            return self._limited_answers.get(token, 0)

    @staticmethod
    def token_of(call: Call) -> str | None:
        """The bot token a call carried (slack_sdk sends it as a Bearer header)."""
        header = call.headers.get("authorization", "")
        return header.removeprefix("Bearer ").strip() or None

    def _token_limited(self, headers: dict[str, str]) -> int | None:
        token = headers.get("authorization", "").removeprefix("Bearer ").strip()
        with self._cond:
            limit = self._token_limits.get(token)
            if limit is None:
                return None
            expired = limit.until is not None and time.monotonic() >= limit.until
            if expired or limit.remaining == 0:
                del self._token_limits[token]
                return None
            if limit.remaining is not None:
                limit.remaining -= 1
            self._limited_answers[token] = self._limited_answers.get(token, 0) + 1
            return limit.retry_after

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` calls of `method` only after `seconds` (a slow Slack)."""
        with self._cond:
            self._delays.setdefault(method, []).extend([seconds] * times)

    def _take_delay(self, method: str) -> float:
        with self._cond:
            queue = self._delays.get(method) or []
            return queue.pop(0) if queue else 0.0

    def _add_failure(self, method: str, failure: _Failure) -> None:
        with self._cond:
            self._failures.setdefault(method, []).append(failure)

    def _take_failure(self, method: str) -> _Failure | None:
        with self._cond:
            queue = self._failures.get(method) or []
            while queue and queue[0].remaining <= 0:
                queue.pop(0)
            if not queue:
                return None
            queue[0].remaining -= 1
            return queue[0]

    # --- reading what was sent -----------------------------------------------------------------

    def record(self, call: Call) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, *, timeout: float = 10.0) -> list[Call]:
        """Wait until at least `count` calls of `method` arrived; fail the test otherwise."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self._calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self._calls]
                    raise AssertionError(
                        f"expected {count} {method} call(s), got {len(found)}; calls: {seen}"
                    )
                self._cond.wait(left)

    def wait_for_path(self, suffix: str, *, timeout: float = 10.0) -> Call:
        """Wait for the call to a path ending in `suffix` (e.g. one response_url's key)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self._calls:
                    if call.path.endswith(suffix):
                        return call
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no call to …{suffix} within {timeout} s")
                self._cond.wait(left)

    def settle(self, quiet: float = 0.3, *, timeout: float = 10.0) -> None:
        """Wait until no call has arrived for `quiet` seconds (background work has finished)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                last = self._calls[-1].at if self._calls else 0.0
            if time.monotonic() - last >= quiet:
                return
            time.sleep(quiet / 3)

    def clear(self) -> None:
        with self._cond:
            self._calls.clear()

    # --- answers ---------------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ts = f"1700000000.{next(self._ts):06d}"
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://rapport-test.slack.com/",
                "team": "Rapport Test",
                "user": "rapport",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method == "oauth.v2.access":
            return self._oauth_access(params)
        if method == "chat.postMessage":
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": ts,
                "message": {"text": params.get("text"), "ts": ts},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "chat.update":
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": params.get("ts"),
                "text": params.get("text"),
            }
        if method == "conversations.open":
            users = str(params.get("users") or "")
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0]}}
        if method == "users.info":
            user_id = str(params.get("user"))
            user = {
                "id": user_id,
                "team_id": TEAM_ID,
                "name": user_id.lower(),
                "real_name": f"User {user_id}",
                "tz": self.default_tz,
                "profile": {"real_name": f"User {user_id}", "display_name": user_id.lower()},
            }
            token = getattr(self._request, "token", "")
            override = {
                **self.users.get(user_id, {}),
                **self.users_by_token.get(token, {}).get(user_id, {}),
            }
            user.update(override)
            if "real_name" in override:
                user["profile"] = {**user["profile"], "real_name": override["real_name"]}
            return {"ok": True, "user": user}
        if method in ("views.open", "views.update", "views.publish", "views.push"):
            view = params.get("view") if isinstance(params.get("view"), dict) else {}
            return {"ok": True, "view": {"id": f"V{next(self._ts)}", **(view or {})}}
        if method == "chat.getPermalink":
            channel, message_ts = params.get("channel"), str(params.get("message_ts") or "")
            return {
                "ok": True,
                "channel": channel,
                "permalink": "https://rapport-test.slack.com/archives/"
                f"{channel}/p{message_ts.replace('.', '')}",
            }
        if method == "team.info":
            team_id = str(params.get("team") or TEAM_ID)
            team = self.teams.get(team_id)
            if team is None and team_id != TEAM_ID:
                return {"ok": False, "error": "team_not_found"}
            return {"ok": True, "team": team or {"id": TEAM_ID, "name": "Rapport Test"}}
        if method == "conversations.history":
            channel = str(params.get("channel"))
            if channel in self.not_in_channel:
                return {"ok": False, "error": "not_in_channel"}
            limit = int(params.get("limit") or 100)
            return {
                "ok": True,
                "messages": self.histories.get(channel, [])[:limit],
                "has_more": False,
            }
        if method == "apps.connections.open":
            if self.socket_url is None:
                return {"ok": False, "error": "no_socket_server"}
            return {"ok": True, "url": self.socket_url}
        return {"ok": False, "error": "unknown_method"}

    def grant(self, code: str, grant: OAuthGrant) -> None:
        """Make `code` exchangeable once for `grant` (what Slack's authorize page would issue)."""
        with self._cond:
            self.oauth_codes[code] = grant

    def _oauth_access(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            if params.get("grant_type") == "refresh_token":
                old = self.refresh_tokens.pop(str(params.get("refresh_token")), None)
                if old is None:
                    return {"ok": False, "error": "invalid_refresh_token"}
                n = next(self._refreshes)
                grant = OAuthGrant(
                    old.team_id,
                    old.team_name,
                    token=f"{old.token}-r{n}",
                    refresh_token=f"{old.refresh_token}-r{n}",
                    expires_in=43200,
                    enterprise_id=old.enterprise_id,
                    installer=old.installer,
                    org_wide=old.org_wide,
                    enterprise_name=old.enterprise_name,
                )
            else:
                found = self.oauth_codes.pop(str(params.get("code")), None)
                if found is None:
                    return {"ok": False, "error": "invalid_code"}
                grant = found
            if grant.refresh_token is not None:
                self.refresh_tokens[grant.refresh_token] = grant
        answer: dict[str, Any] = {
            "ok": True,
            "app_id": "A0TEST",
            "authed_user": {"id": grant.installer},
            "scope": "app_mentions:read,chat:write,commands,im:history,im:write,users:read",
            "token_type": "bot",
            "access_token": grant.token,
            "bot_user_id": BOT_USER_ID,
            "team": None if grant.org_wide else {"id": grant.team_id, "name": grant.team_name},
            "enterprise": (
                {"id": grant.enterprise_id, "name": grant.enterprise_name}
                if grant.enterprise_id
                else None
            ),
            "is_enterprise_install": grant.org_wide,
        }
        if grant.refresh_token is not None:
            answer["refresh_token"] = grant.refresh_token
            answer["expires_in"] = grant.expires_in
        return answer

    def handle(
        self, http_method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(path)
        params = _parse_params(parts.query, headers.get("content-type", ""), raw)
        if parts.path.startswith("/response/"):
            self.record(Call("response_url", params, headers, parts.path))
            failure = self._take_failure("response_url")
            if failure is not None:
                return failure.status, failure.headers, b"failed"
            return 200, {"Content-Type": "text/plain"}, b"ok"
        if parts.path == AUTHORIZE_PATH:
            self.record(Call("authorize", params, headers, parts.path))
            return authorize(self, http_method, params)
        if not parts.path.startswith("/api/"):
            return 404, {}, b"not found"
        method = parts.path[len("/api/") :]
        self.record(Call(method, params, headers, parts.path))
        self._request.token = headers.get("authorization", "").removeprefix("Bearer ")
        retry_after = self._token_limited(headers)
        if retry_after is not None:
            body = {"ok": False, "error": "ratelimited"}
            return 429, {"Retry-After": str(retry_after)}, json.dumps(body).encode()
        delay = self._take_delay(method)
        if delay:
            time.sleep(delay)
        failure = self._take_failure(method)
        if failure is not None:
            return failure.status, failure.headers, json.dumps(failure.body).encode()
        return (
            200,
            {"Content-Type": "application/json; charset=utf-8"},
            json.dumps(self.answer(method, params)).encode(),
        )


def _parse_params(query: str, content_type: str, raw: bytes) -> dict[str, Any]:
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    if raw:
        if "application/json" in content_type:
            body = json.loads(raw)
            if isinstance(body, dict):
                params.update(body)
        else:
            params.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
    for key in _JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in "[{":
            params[key] = json.loads(value)
    return params


def _make_handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, body = fake.handle(self.command, self.path, headers, raw)
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()
