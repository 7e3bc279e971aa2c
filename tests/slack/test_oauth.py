"""OAuth distribution through real HTTP: bot.slack.server's threaded WSGI server with bolt's
OAuthFlow and slack_sdk's SQLAlchemy stores over the test database, the local fake Slack
answering oauth.v2.access, and a browser-like cookie jar carrying the state cookie."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select, text, update

from bot.app import Rapport
from bot.config import Settings
from bot.domain.refs import Actor
from bot.slack.app import build_app
from bot.slack.notifier import SlackNotifier
from bot.slack.oauth import InstalledNotifier, build_oauth, workspace_client
from bot.slack.server import ThreadingWSGIServer
from bot.store.slack_oauth_tables import slack_bots, slack_installations, slack_oauth_states
from tests.slack.conftest import make_settings, serve_in_thread
from tests.slack.fakeslack import FakeSlack, OAuthGrant
from tests.slack.payloads import SECRET, SlackSender, dm
from tests.world import World

CLIENT_ID = "1234567890.9876543210"
CLIENT_SECRET = "c0ffee" * 6


def oauth_settings(fake: FakeSlack, **overrides: str | None) -> Settings:
    values: dict[str, str | None] = {
        "SLACK_BOT_TOKEN": None,
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_AUTHORIZE_URL": fake.url + "/oauth/v2/authorize",
    }
    values.update(overrides)
    return make_settings(fake.api_url, **values)


@dataclass
class Page:
    status: int
    body: str
    headers: dict[str, str]

    def link(self, element_id: str) -> str:
        found = re.search(rf'id="{element_id}" href="([^"]*)"', self.body)
        assert found, f"no #{element_id} link in {self.body[:300]}"
        return unescape(found.group(1))


class _LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Browsers treat http://127.0.0.1 as a secure context, so bolt's `Secure` state cookie is
    sent back there; the standard library's policy would not."""

    def return_ok_secure(
        self, cookie: http.cookiejar.Cookie, request: urllib.request.Request
    ) -> bool:
        return urlsplit(request.full_url).hostname == "127.0.0.1" or super().return_ok_secure(
            cookie, request
        )


class Browser:
    """A person's browser: keeps cookies, follows no redirects."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar(policy=_LoopbackIsSecure())
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path: str) -> Page:
        try:
            with self._opener.open(self.base_url + path, timeout=10) as resp:
                return Page(resp.status, resp.read().decode(), _lower(resp.headers.items()))
        except urllib.error.HTTPError as exc:
            page = Page(exc.code, exc.read().decode(), _lower(exc.headers.items()))
            exc.close()
            return page

    def start_install(self) -> str:
        """Open /slack/install and follow its link to Slack's authorize page: the state."""
        page = self.get("/slack/install")
        assert page.status == 200
        url = page.link("add-to-slack")
        query = parse_qs(urlsplit(url).query)
        assert query["client_id"] == [CLIENT_ID]
        (state,) = query["state"]
        return state

    def finish_install(self, code: str, state: str) -> Page:
        """What Slack's authorize page does once the person clicks Allow."""
        return self.get("/slack/oauth_redirect?" + urlencode({"code": code, "state": state}))


def _lower(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {k.lower(): v for k, v in items}


@dataclass
class Served:
    url: str
    rapport: Rapport
    sender: SlackSender
    fake: FakeSlack

    def browser(self) -> Browser:
        return Browser(self.url)

    def install(self, code: str, grant: OAuthGrant) -> Page:
        self.fake.grant(code, grant)
        browser = self.browser()
        return browser.finish_install(code, browser.start_install())

    def rows(self, table: object, team_id: str | None = None) -> list[dict[str, object]]:
        query = select(table)  # type: ignore[call-overload]
        if team_id is not None:
            query = query.where(table.c.team_id == team_id)  # type: ignore[attr-defined]
        with self.rapport.lifecycle.engine().connect() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]


def serve(rapport: Rapport, settings: Settings, fake: FakeSlack) -> Iterator[Served]:
    client = workspace_client(settings)
    oauth = build_oauth(settings=settings, rapport=rapport, client=client)
    app = build_app(rapport=rapport, settings=settings, client=client, oauth=oauth)
    server, thread = serve_in_thread(app)
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield Served(url, rapport, SlackSender(url, response_url_base=fake.url), fake)
    finally:
        fake.settle(0.2, timeout=5)
        _stop(server, thread)


def _stop(server: ThreadingWSGIServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def served(rapport: Rapport, fake_slack: FakeSlack) -> Iterator[Served]:
    yield from serve(rapport, oauth_settings(fake_slack), fake_slack)


def grant(team: str, name: str, **kwargs: object) -> OAuthGrant:
    return OAuthGrant(team_id=team, team_name=name, token=f"xoxb-{team.lower()}", **kwargs)  # type: ignore[arg-type]


def bearer(call_headers: dict[str, str]) -> str:
    return call_headers.get("authorization", "").removeprefix("Bearer ")


def wait_until(check: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


# --- the install page ---------------------------------------------------------------------------


def test_install_page_speaks_rapport_and_links_to_slack_with_a_fresh_state(
    served: Served,
) -> None:
    browser = served.browser()
    page = browser.get("/slack/install")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "Add Rapport to Slack" in page.body and "memory for relationships" in page.body
    url = page.link("add-to-slack")
    parts = urlsplit(url)
    assert url.startswith(served.fake.url + "/oauth/v2/authorize?")
    query = parse_qs(parts.query)
    assert query["scope"] == [
        "app_mentions:read,channels:history,chat:write,commands,groups:history,im:history,im:write,team:read,users:read"
    ]
    (state,) = query["state"]
    # The browser holds the same state in a cookie, and the state is in Rapport's database.
    assert [c.value for c in browser.jar if c.name == "slack-app-oauth-state"] == [state]
    assert [r["state"] for r in served.rows(slack_oauth_states)] == [state]
    # A second visit is a second, different state.
    assert served.browser().start_install() != state


# --- the redirect -------------------------------------------------------------------------------


def test_install_stores_the_workspace_and_says_so(served: Served) -> None:
    page = served.install("code-alpha", grant("TALPHA", "Alpha & <Co>"))
    assert page.status == 200
    assert "Rapport is installed in Alpha &amp; &lt;Co&gt;" in page.body
    assert "team=TALPHA" in page.link("open-slack")
    (access,) = served.fake.calls("oauth.v2.access")
    assert access.params["code"] == "code-alpha"
    (row,) = served.rows(slack_installations, "TALPHA")
    assert row["bot_token"] == "xoxb-talpha" and row["client_id"] == CLIENT_ID
    assert row["team_name"] == "Alpha & <Co>" and row["user_id"] == "UINSTALLER"
    assert len(served.rows(slack_bots, "TALPHA")) == 1
    assert served.rows(slack_oauth_states) == []  # the state was used up
    assert [s.action for s in served.rapport.lifecycle.history("TALPHA")] == ["installed"]


@pytest.mark.parametrize(
    ("how", "reason", "words"),
    [
        pytest.param("unknown-state", "invalid_state", "expired or was already used", id="forged"),
        pytest.param("reused-state", "invalid_state", "expired or was already used", id="reused"),
        pytest.param("expired-state", "invalid_state", "expired", id="expired"),
        pytest.param("other-browser", "invalid_browser", "different browser", id="no-cookie"),
        pytest.param("bad-code", "invalid_code", "did not accept", id="bad-code"),
        pytest.param("cancelled", "access_denied", "You cancelled", id="cancelled"),
    ],
)
def test_a_bad_install_gets_the_failure_page_and_stores_nothing(
    served: Served, how: str, reason: str, words: str
) -> None:
    served.fake.grant("code-ok", grant("TBETA", "Beta"))
    browser = served.browser()
    state = browser.start_install()
    if how == "unknown-state":
        state_cookie = next(c for c in browser.jar if c.name == "slack-app-oauth-state")
        state_cookie.value = state = "f" * 36
        page = browser.finish_install("code-ok", state)
    elif how == "reused-state":
        assert browser.finish_install("code-ok", state).status == 200
        served.fake.grant("code-again", grant("TGAMMA", "Gamma"))
        page = browser.finish_install("code-again", state)
    elif how == "expired-state":
        with served.rapport.lifecycle.engine().begin() as connection:
            connection.execute(update(slack_oauth_states).values(expire_at=_past()))
        page = browser.finish_install("code-ok", state)
    elif how == "other-browser":
        page = served.browser().finish_install("code-ok", state)
    elif how == "bad-code":
        page = browser.finish_install("code-nobody-issued", state)
    else:
        page = browser.get("/slack/oauth_redirect?" + urlencode({"error": "access_denied"}))
    assert page.status >= 200
    assert "Rapport was not installed" in page.body and words in page.body
    assert f"<code>{reason}</code>" in page.body
    assert page.link("try-again") == "/slack/install"
    installed = {r["team_id"] for r in served.rows(slack_installations)}
    assert installed == ({"TBETA"} if how == "reused-state" else set())
    assert "TGAMMA" not in installed


def _past() -> datetime:
    # slack_sdk stores naive UTC (slack_sdk.oauth.sqlalchemy_utils.normalize_datetime_for_db).
    return datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)


# --- authorize per workspace --------------------------------------------------------------------


def test_each_installed_workspace_is_answered_with_its_own_token(served: Served) -> None:
    assert served.install("code-a", grant("TALPHA", "Alpha")).status == 200
    assert served.install("code-b", grant("TBETA", "Beta")).status == 200
    for team in ("TALPHA", "TBETA", "TALPHA"):
        served.fake.clear()
        assert (
            served.sender.event(dm("met Jane Doe for coffee", user="U" + team), team_id=team).status
            == 200
        )
        (posted,) = served.fake.wait_for("chat.postMessage")
        assert bearer(posted.headers) == f"xoxb-{team.lower()}"
        assert "Jane Doe" in posted.text_dump()


def test_an_event_from_a_workspace_that_never_installed_gets_no_answer(served: Served) -> None:
    served.install("code-a", grant("TALPHA", "Alpha"))
    served.fake.clear()
    served.sender.event(dm("met Jane Doe for coffee"), team_id="TNOBODY")
    served.fake.settle(0.5)
    assert served.fake.calls("chat.postMessage") == []


def test_a_rotating_token_is_refreshed_before_use(served: Served) -> None:
    rotating = grant("TROT", "Rotating", refresh_token="xoxe-1-rot", expires_in=60)
    assert served.install("code-r", rotating).status == 200
    served.fake.clear()
    served.sender.event(dm("met Raj Patel at the conference", user="UROT"), team_id="TROT")
    (posted,) = served.fake.wait_for("chat.postMessage")
    refresh = [c for c in served.fake.calls("oauth.v2.access") if c.params.get("grant_type")]
    assert [c.params["refresh_token"] for c in refresh] == ["xoxe-1-rot"]
    assert bearer(posted.headers) == "xoxb-trot-r1"
    (bot,) = served.rows(slack_bots, "TROT")
    assert bot["bot_token"] == "xoxb-trot-r1" and bot["bot_refresh_token"] == "xoxe-1-rot-r1"


# --- uninstall ----------------------------------------------------------------------------------


def _lifecycle_event(kind: str, team: str, **event: object) -> dict[str, object]:
    return {"type": kind, "event_ts": "1700000100.000001", **event}


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("app_uninstalled", id="uninstalled"),
        pytest.param("tokens_revoked", id="bot-token-revoked"),
    ],
)
def test_uninstall_removes_the_tokens_at_once_and_schedules_deletion(
    served: Served, kind: str
) -> None:
    served.install("code-a", grant("TALPHA", "Alpha"))
    served.install("code-b", grant("TBETA", "Beta"))
    extra = {"tokens": {"bot": ["UBOT"]}} if kind == "tokens_revoked" else {}
    assert (
        served.sender.event(_lifecycle_event(kind, "TALPHA", **extra), team_id="TALPHA").status
        == 200
    )
    wait_until(lambda: served.rows(slack_installations, "TALPHA") == [])
    assert served.rows(slack_bots, "TALPHA") == []
    # The other workspace keeps its token and is still answered.
    assert len(served.rows(slack_installations, "TBETA")) == 1
    wait_until(lambda: served.rapport.lifecycle.scheduled("TALPHA") is not None)
    scheduled = served.rapport.lifecycle.scheduled("TALPHA")
    assert scheduled is not None and scheduled.reason == kind
    assert (scheduled.delete_after - scheduled.requested_at).days == 30
    assert served.rapport.lifecycle.scheduled("TBETA") is None
    assert [s.action for s in served.rapport.lifecycle.history("TALPHA")] == ["installed", kind]
    # No longer authorized: an event from it gets no answer; the other workspace still does.
    served.fake.clear()
    served.sender.event(dm("met Jane Doe", user="UA"), team_id="TALPHA")
    served.sender.event(dm("met Raj Patel", user="UB"), team_id="TBETA")
    served.fake.wait_for("chat.postMessage")
    served.fake.settle(0.4)
    assert [bearer(c.headers) for c in served.fake.calls("chat.postMessage")] == ["xoxb-tbeta"]


def test_a_revoked_user_token_alone_keeps_the_workspace(served: Served) -> None:
    served.install("code-a", grant("TALPHA", "Alpha"))
    event = _lifecycle_event("tokens_revoked", "TALPHA", tokens={"oauth": ["USOMEONE"]})
    served.sender.event(event, team_id="TALPHA")
    served.fake.settle(0.4)
    assert len(served.rows(slack_installations, "TALPHA")) == 1
    assert served.rapport.lifecycle.scheduled("TALPHA") is None


def test_reinstalling_within_retention_clears_the_schedule(served: Served) -> None:
    served.install("code-a", grant("TALPHA", "Alpha"))
    served.sender.event(_lifecycle_event("app_uninstalled", "TALPHA"), team_id="TALPHA")
    wait_until(lambda: served.rapport.lifecycle.scheduled("TALPHA") is not None)
    page = served.install("code-a2", OAuthGrant("TALPHA", "Alpha", token="xoxb-talpha-2"))
    assert page.status == 200
    assert served.rapport.lifecycle.scheduled("TALPHA") is None
    history = served.rapport.lifecycle.history("TALPHA")
    assert [s.action for s in history] == ["installed", "app_uninstalled", "reinstalled"]
    assert "cancelled_deletion_after" in history[-1].detail
    served.fake.clear()
    served.sender.event(dm("met Jane Doe", user="UA"), team_id="TALPHA")
    (posted,) = served.fake.wait_for("chat.postMessage")
    assert bearer(posted.headers) == "xoxb-talpha-2"


# --- reminders in OAuth mode --------------------------------------------------------------------


def test_reminder_dms_go_out_with_each_workspaces_own_token(served: Served) -> None:
    served.install("code-a", grant("TALPHA", "Alpha"))
    served.install("code-b", grant("TBETA", "Beta"))
    settings = oauth_settings(served.fake)
    store = build_oauth(
        settings=settings, rapport=served.rapport, client=workspace_client(settings)
    ).installation_store
    notifier = InstalledNotifier(settings=settings, installation_store=store)
    served.fake.clear()
    assert notifier.send("UA", "TALPHA", "ping", []).ok
    assert notifier.send("UB", "TBETA", "ping", []).ok
    missing = notifier.send("UC", "TNOBODY", "ping", [])
    assert not missing.ok and missing.permanent
    posted = served.fake.calls("chat.postMessage")
    assert [bearer(c.headers) for c in posted] == ["xoxb-talpha", "xoxb-tbeta"]


# --- data after the retention period ------------------------------------------------------------


def _count(served: Served, table: str, workspace: str) -> int:
    with served.rapport.lifecycle.engine().connect() as connection:
        return int(
            connection.execute(
                text(f'SELECT COUNT(*) FROM "{table}" WHERE workspace_id = :w'), {"w": workspace}
            ).scalar_one()
        )


def _log_notes(served: Served, workspace: str) -> None:
    for user, note in (
        ("UA", "met Jane Doe for coffee, she wants a shelter dog"),
        ("UB", "lunch with Raj Patel, owe him the deck by friday"),
    ):
        served.rapport.notes.log(actor=Actor(workspace_id=workspace, user_id=user), text=note)


def test_data_is_purged_only_after_the_retention_period(served: Served, world: World) -> None:
    for code, team in (("code-a", "TALPHA"), ("code-b", "TBETA")):
        served.install(code, grant(team, team.title()))
        _log_notes(served, team)
    assert _count(served, "note", "TALPHA") == 2 and _count(served, "contact", "TALPHA") == 2
    served.sender.event(_lifecycle_event("app_uninstalled", "TALPHA"), team_id="TALPHA")
    wait_until(lambda: served.rapport.lifecycle.scheduled("TALPHA") is not None)
    # The scheduler's last job (bot/app.py), as `rapport serve` runs it every interval.
    purge = served.rapport.jobs(SlackNotifier(workspace_client(oauth_settings(served.fake))))[-1]

    world.later(days=29, hours=23)
    assert purge() == 0
    assert _count(served, "note", "TALPHA") == 2  # still there: a reinstall would restore it

    world.later(hours=1)
    assert purge() == 1
    for table in ("note", "contact", "user", "notecontact", "loop"):
        assert _count(served, table, "TALPHA") == 0, table
    assert _count(served, "note", "TBETA") == 2 and _count(served, "loop", "TBETA") >= 1
    assert served.rapport.lifecycle.scheduled("TALPHA") is None
    steps = served.rapport.lifecycle.history("TALPHA")
    assert [s.action for s in steps] == ["installed", "app_uninstalled", "purged"]
    assert steps[-1].detail["rows"]["note"] == 2 and "token" not in json.dumps(steps[-1].detail)
    assert purge() == 0  # nothing left to do
    assert served.rows(slack_installations, "TBETA") != []


def test_reinstalling_within_retention_keeps_every_note(served: Served, world: World) -> None:
    served.install("code-a", grant("TALPHA", "Alpha"))
    _log_notes(served, "TALPHA")
    served.sender.event(_lifecycle_event("app_uninstalled", "TALPHA"), team_id="TALPHA")
    wait_until(lambda: served.rapport.lifecycle.scheduled("TALPHA") is not None)
    world.later(days=20)
    served.install("code-a2", OAuthGrant("TALPHA", "Alpha", token="xoxb-talpha-2"))
    world.later(days=20)
    assert served.rapport.lifecycle.purge_due() == []
    assert _count(served, "note", "TALPHA") == 2


# --- the operator's way: `rapport serve --http` as a process ------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_rapport_serve_http_installs_a_workspace_from_a_fresh_database(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """From a fresh database: client id, secret and signing secret set, `rapport serve --http`,
    /slack/install in a browser, Rapport installed and answering with the installed token."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RAPPORT_"))},
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "SLACK_AUTHORIZE_URL": fake_slack.url + "/oauth/v2/authorize",
        "RAPPORT_DATABASE_URL": f"sqlite:///{tmp_path / 'rapport.db'}",
    }
    command = [sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        browser = Browser(base)
        wait_until(lambda: _up(base), timeout=30)
        fake_slack.grant("code-fresh", grant("TFRESH", "Fresh Team"))
        page = browser.finish_install("code-fresh", browser.start_install())
        assert page.status == 200 and "Rapport is installed in Fresh Team" in page.body
        sender = SlackSender(base, response_url_base=fake_slack.url)
        assert (
            sender.event(dm("met Jane Doe for coffee", user="UF"), team_id="TFRESH").status == 200
        )
        (posted,) = fake_slack.wait_for("chat.postMessage")
        assert bearer(posted.headers) == "xoxb-tfresh"
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=15)
    mode_lines = [line for line in err.splitlines() if "mode:" in line]
    assert len(mode_lines) == 1 and "OAuth distribution" in mode_lines[0]
    assert CLIENT_SECRET not in err and SECRET not in err and "xoxb-tfresh" not in err
    assert process.returncode == 0


def _up(base: str) -> bool:
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            base + "/healthz", timeout=1
        ) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False
