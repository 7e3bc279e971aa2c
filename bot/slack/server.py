"""`rapport serve`: the bolt App over Socket Mode, or over HTTP through a threaded WSGI server.

HTTP mode does not use `App.start` (bolt's development server, whose listen backlog of 5 drops
connections under load): bolt's WSGI adapter runs behind the standard library's WSGI server with
one thread per request and a listen backlog of 128. `/slack/events` takes every Slack request
(events, commands, interactivity, all signed); `/healthz` answers `ok` for load balancers.
"""

from __future__ import annotations

import gc
import io
import json
import logging
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackRequestError

from bot.app import Rapport
from bot.config import Settings
from bot.slack.app import build_app
from bot.slack.client import build_client, delivery_client
from bot.slack.notifier import SlackNotifier
from bot.slack.oauth import InstalledNotifier, build_oauth, choose_mode, workspace_client
from bot.slack.oauth import problems as oauth_problems
from bot.slack.socket_watch import SocketWatch

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from slack_bolt import App

log = logging.getLogger("rapport.serve")

EXIT_CONFIG: Final = 2
EXIT_UNREACHABLE: Final = 1
EVENTS_PATH: Final = "/slack/events"
HEALTH_PATH: Final = "/healthz"
LISTEN_BACKLOG: Final = 128
# Slack's own requests are a few kilobytes (a modal's state at most some tens): a bigger body is
# refused before it is read, so no one can make a replica buffer and HMAC megabytes per request.
MAX_BODY_BYTES: Final = 1024 * 1024
_SECRET: Final = re.compile(r"^[0-9A-Za-z]{16,128}$")
# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms). The
# work after each ack runs on the worker threads and is mostly Python (parse, resolve, blocks);
# a request thread that wants the GIL back after each socket read or write waited up to a
# whole interval each time, several times per request. 0.5 ms: the acks wait less, the
# background work switches a little more often.
SWITCH_INTERVAL: Final = 0.0005


def check_settings(settings: Settings, *, http: bool) -> list[str]:
    """One clear line per missing or malformed setting (never echoing a secret)."""
    problems = oauth_problems(settings, http=http)
    bot = (settings.slack_bot_token or "").strip()
    if choose_mode(settings, http=http).oauth:
        pass  # each workspace's token comes from its installation
    elif not bot:
        problems.append(
            "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your app's "
            "OAuth & Permissions page (see docs/slack.md)."
        )
    elif not bot.startswith("xoxb-"):
        problems.append(
            "SLACK_BOT_TOKEN does not start with xoxb-: use the Bot User OAuth Token, not a user "
            "(xoxp-) or app-level (xapp-) token."
        )
    if http:
        secret = (settings.slack_signing_secret or "").strip()
        if not secret:
            problems.append(
                "SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify that requests come "
                "from Slack (Basic Information → App Credentials → Signing Secret)."
            )
        elif not _SECRET.match(secret):
            problems.append(
                "SLACK_SIGNING_SECRET looks malformed: it should be the 32 hexadecimal characters "
                "shown under Basic Information → App Credentials."
            )
    else:
        app_token = (settings.slack_app_token or "").strip()
        if not app_token:
            problems.append(
                "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with "
                "the connections:write scope (Basic Information → App-Level Tokens); or serve over "
                "HTTP with --http and SLACK_SIGNING_SECRET."
            )
        elif not app_token.startswith("xapp-"):
            problems.append(
                "SLACK_APP_TOKEN does not start with xapp-: use an app-level token from Basic "
                "Information → App-Level Tokens."
            )
    return problems


# --- HTTP ---------------------------------------------------------------------------------------


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request, a real listen backlog, and threads that don't block shutdown."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


def wsgi_app(app: App) -> WSGIApplication:
    """`POST /slack/events` to bolt (signature checked there), `GET /healthz`, 404 otherwise."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            _discard(environ, length)
            start_response(
                "413 Content Too Large" if length > 0 else "400 Bad Request",
                [("Content-Type", "text/plain; charset=utf-8")],
            )
            return [b"request body too large\n" if length > 0 else b"bad Content-Length\n"]
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        if not _plausible_timestamp(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")):
            # Bolt's verifier does int() on it: a word is a 500, 5,000 digits a ValueError.
            # A request without a readable timestamp cannot be signed by Slack: 401, as bolt
            # answers any other unsigned request.
            start_response("401 Unauthorized", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"invalid request timestamp\n"]
        problem = malformed(body, str(environ.get("CONTENT_TYPE") or ""))
        if problem is not None:
            log.warning("refused a malformed request: %s", problem)
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [f"malformed request: {problem}\n".encode()]
        return slack(environ, start_response)

    return application


def _plausible_timestamp(value: object) -> bool:
    """Absent (bolt refuses that itself), or Unix seconds as Slack writes them: ASCII digits."""
    if value is None:
        return True
    return isinstance(value, str) and 0 < len(value) <= 12 and value.isascii() and value.isdigit()


def malformed(body: bytes, content_type: str) -> str | None:
    """Why a request is not shaped like anything Slack sends, or None when it is.

    Bolt assumes Slack's shapes (a JSON object, `event` an object, `actions` a list of objects, a
    user id on every command) and answers 500 or fails later when they are not. Checked here, a
    bad shape is a 400 and no listener runs. Only the fields Rapport reads are checked.
    """
    if not body:
        return None  # bolt answers an empty body with 401 (no valid signature over nothing)
    if "application/json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            return "body is not JSON"
        if not isinstance(data, dict):
            return "body is not a JSON object"
        return _envelope_problem(data)
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return "form is not UTF-8"
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][-1])
        except ValueError:
            return "payload is not JSON"
        if not isinstance(payload, dict):
            return "payload is not a JSON object"
        return _interaction_problem(payload)
    if "command" in form:
        for key in ("team_id", "user_id"):
            if not (form.get(key) or [""])[-1].strip():
                return f"command without {key}"
    return None


def _envelope_problem(data: dict[str, Any]) -> str | None:
    if data.get("type") == "url_verification":
        return None if isinstance(data.get("challenge"), str) else "challenge is not a string"
    if "event" in data and not isinstance(data["event"], dict):
        return "event is not an object"
    for key in ("team_id", "event_id", "api_app_id"):
        if key in data and not isinstance(data[key], str):
            return f"{key} is not a string"
    event = data.get("event") or {}
    for key in ("user", "channel", "text", "type", "channel_type", "subtype", "bot_id"):
        if key in event and not isinstance(event[key], str | None):
            return f"event.{key} is not a string"
    authorizations = data.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        return "authorizations is not a list of objects"
    return None


def _interaction_problem(payload: dict[str, Any]) -> str | None:
    if not isinstance(payload.get("type"), str):
        return "payload.type is not a string"
    user = payload.get("user")
    if not (isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"]):
        return "payload.user.id is missing"
    for key in ("team", "channel", "container", "view", "message"):
        if payload.get(key) is not None and not isinstance(payload[key], dict):
            return f"payload.{key} is not an object"
    actions = payload.get("actions")
    if actions is not None and not (
        isinstance(actions, list) and all(isinstance(a, dict) for a in actions)
    ):
        return "payload.actions is not a list of objects"
    # Bolt routes on actions[0] of a block action and on view.type of a view submission.
    if payload["type"] == "block_actions":
        if not actions:
            return "payload.actions is empty"
        if not isinstance(actions[0].get("action_id"), str):
            return "payload.actions[0].action_id is missing"  # bolt's matchers index it
    view = payload.get("view")
    if payload["type"] in ("view_submission", "view_closed") and not (
        isinstance(view, dict) and isinstance(view.get("type"), str)
    ):
        return "payload.view.type is missing"
    for key in ("response_url", "trigger_id", "callback_id"):
        if payload.get(key) is not None and not isinstance(payload[key], str):
            return f"payload.{key} is not a string"
    return None


def _discard(environ: WSGIEnvironment, length: int) -> None:
    """Read (and drop) a refused body, up to a bound, so the client sees the answer rather than
    a connection reset; past the bound the connection is simply closed."""
    left = min(length, 16 * MAX_BODY_BYTES)
    stream = environ["wsgi.input"]
    while left > 0:
        chunk = stream.read(min(left, 65536))
        if not chunk:
            return
        left -= len(chunk)


def make_http_server(app: App, *, host: str, port: int) -> ThreadingWSGIServer:
    """A bound server (port 0 picks a free one: see `server.server_port`); call serve_forever()."""
    server = make_server(
        host, port, wsgi_app(app), server_class=ThreadingWSGIServer, handler_class=_QuietHandler
    )
    assert isinstance(server, ThreadingWSGIServer)
    prepare_interpreter()
    return server


def prepare_interpreter() -> None:
    """Before serving: a shorter GIL switch interval (see SWITCH_INTERVAL) and the long-lived
    heap moved out of the collector's reach."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    # Everything built so far (modules, the app, the engine) lives as long as the process: move
    # it out of the collector's reach, so the gen-2 collections the request work triggers scan
    # only new objects instead of pausing every thread for the whole heap (ack p99 at 1M notes:
    # 2.0-6.2x the ack-only floor without this, 1.3-1.7x with it, in back-to-back runs).
    gc.collect()
    gc.freeze()


def serve_http(app: App, *, host: str, port: int) -> int:
    server = make_http_server(app, host=host, port=port)
    _on_sigterm(lambda: threading.Thread(target=server.shutdown, daemon=True).start())
    print(
        f"rapport: serving Slack over HTTP on http://{host}:{server.server_port}{EVENTS_PATH} "
        f"(health: {HEALTH_PATH})",
        file=sys.stderr,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


# --- Socket Mode --------------------------------------------------------------------------------


def serve_socket(app: App, *, app_token: str) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(app, app_token=app_token)
    prepare_interpreter()
    stop = threading.Event()
    _on_sigterm(stop.set)
    print("rapport: connecting to Slack over Socket Mode", file=sys.stderr)
    handler.client.connect()
    watch = SocketWatch(handler.client).start()  # a dropped connection: back within seconds
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        watch.stop()
        handler.client.close()
    return 0


def _on_sigterm(callback: Callable[[], None]) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda _signum, _frame: callback())


# --- entry point --------------------------------------------------------------------------------


def run(*, settings: Settings, http: bool, host: str, port: int) -> int:
    """Check the settings, build the use cases, client and app, and serve until stopped.

    Exit code 2 (with one message per problem) when a setting is missing or malformed, or when
    Slack refuses the bot token.
    """
    problems = check_settings(settings, http=http)
    if problems:
        for problem in problems:
            print(f"rapport serve: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )

    mode = choose_mode(settings, http=http)
    rapport = Rapport.from_settings(settings)  # a database problem is the one line, not after this
    print(f"rapport serve: {mode.reason}", file=sys.stderr)
    client = workspace_client(settings) if mode.oauth else build_client(settings)
    oauth = build_oauth(settings=settings, rapport=rapport, client=client) if mode.oauth else None
    try:
        app = build_app(rapport=rapport, settings=settings, client=client, oauth=oauth)
    except BoltError as exc:
        rapport.close()
        print(f"rapport serve: Slack refused SLACK_BOT_TOKEN ({exc}).", file=sys.stderr)
        return EXIT_CONFIG
    except (SlackRequestError, OSError) as exc:
        rapport.close()
        print(
            f"rapport serve: could not reach Slack at {settings.slack_api_url} ({exc}).",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    # Reminders go out as Slack DMs through a client that hands 429s back to the outbox, which
    # holds only that workspace until Retry-After (bot/reminders/pacing.py).
    notifier = (
        InstalledNotifier(
            settings=settings,
            installation_store=oauth.installation_store,
            enterprise_of=rapport.lifecycle.enterprise_of,
        )
        if oauth is not None
        else SlackNotifier(delivery_client(settings))
    )
    reminders = rapport.scheduler(notifier)
    reminders.start()
    try:
        if http:
            return serve_http(app, host=host, port=port)
        assert settings.slack_app_token is not None
        return serve_socket(app, app_token=settings.slack_app_token.strip())
    finally:
        reminders.shutdown()
        rapport.close()
