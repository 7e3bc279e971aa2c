"""The install flow as a person goes through it: a real headless Chromium (Debian's package,
driven by Selenium through /usr/bin/chromedriver) against a real `rapport serve --http` process
and the fake Slack's authorize page (tests/slack/fakeauthorize.py).

The operator sets only the client id, client secret and signing secret (and, because this is not
slack.com, where the Web API and the authorize page are); the person opens /slack/install, clicks
"Add to Slack", clicks Allow on Slack's page and lands on Rapport's success page; then the
workspace is answered with the token it installed. Cancel and a forged or replayed state end on
Rapport's failure page and install nothing. Every page is screenshotted into
test-output/screenshots/<test>/ (ignored by git), and the paths are printed.

Without chromium and chromedriver these tests skip and say how to install them, except in CI
(CI=true), where a missing browser fails: .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import create_engine, select

from bot.store.slack_oauth_tables import slack_installations
from tests.slack.fakeauthorize import AUTHORIZE_PATH
from tests.slack.fakeslack import FakeSlack, OAuthGrant, running_fake_slack
from tests.slack.payloads import SECRET, SlackSender, dm
from tests.slack.test_oauth import CLIENT_ID, CLIENT_SECRET, _free_port, _up, bearer, wait_until

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
WAIT_SECONDS = 10.0  # an upper bound on each wait; a passing step takes milliseconds
INSTALL_HINT = (
    "apt-get install chromium chromium-driver (Debian's packages: /usr/bin/chromium and "
    "/usr/bin/chromedriver)"
)


def _browser_binaries() -> tuple[str, str]:
    """Chromium and its driver, or a skip (a failure in CI) saying how to get them."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    found = {"chromium": chromium, "chromedriver": driver}
    missing = " and ".join(name for name, path in found.items() if not path)
    reason = f"the browser install tests need {missing}: {INSTALL_HINT}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; in CI they must run (.ci/run installs them)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chrome() -> Iterator[WebDriver]:
    chromium, driver_path = _browser_binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",  # we run as root (CI containers too), where the sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1100,900",
        "--no-first-run",
        "--no-default-browser-check",
        "--no-proxy-server",  # every page here is on 127.0.0.1; nothing may go elsewhere
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield browser
    finally:
        browser.quit()


@dataclass
class Served:
    """`rapport serve --http` as an operator starts it, with its database file."""

    url: str
    database: Path
    log: Path
    process: subprocess.Popen[bytes]
    failed: str = ""
    up: bool = False

    def ready(self) -> None:
        """Wait until it answers /healthz (or fail at once, with its output, if it exited)."""
        if self.failed:
            pytest.fail(self.failed, pytrace=False)
        if self.up:
            return
        wait_until(lambda: self.process.poll() is not None or _up(self.url), timeout=30)
        if self.process.poll() is not None:
            self.failed = (
                f"rapport serve exited ({self.process.returncode}): {self.log.read_text()[-2000:]}"
            )
            pytest.fail(self.failed, pytrace=False)
        self.up = True

    def installed_teams(self) -> set[str]:
        engine = create_engine(f"sqlite:///{self.database}")
        try:
            with engine.connect() as connection:
                rows = connection.execute(select(slack_installations.c.team_id)).scalars()
                return {str(team) for team in rows}
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    with running_fake_slack() as fake_slack:
        yield fake_slack


@pytest.fixture(scope="module")
def server(fake: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    _browser_binaries()  # no browser: skip (or fail in CI) before starting anything
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    workdir = tmp_path_factory.mktemp("browser-install")
    database, log = workdir / "rapport.db", workdir / "serve.log"
    # What Slack knows about the app: its client id and its Redirect URL (the manifest's
    # oauth_config.redirect_urls); Rapport sends no redirect_uri, so Slack uses that one.
    fake.authorize_config.client_id = CLIENT_ID
    fake.authorize_config.redirect_urls = [url + "/slack/oauth_redirect"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RAPPORT_"))},
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SECRET,
        # Not slack.com: the fake Slack's Web API and its authorize page.
        "SLACK_API_URL": fake.api_url,
        "SLACK_AUTHORIZE_URL": fake.url + AUTHORIZE_PATH,
        "RAPPORT_DATABASE_URL": f"sqlite:///{database}",
    }
    # Its log goes to a file, not a pipe nobody reads while it serves (a full pipe would block it).
    command = [sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1"]
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    # Not waited for here: Chromium starts meanwhile (see `person`), and `ready` waits.
    served = Served(url, database, log, process)
    try:
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    err = log.read_text()
    if served.up:  # it serves until SIGTERM, then stops cleanly
        assert process.returncode == 0, err
    for secret in (CLIENT_SECRET, SECRET, "xoxb-"):  # no installed token either
        assert secret not in err, "a secret reached rapport serve's log"


@dataclass
class Person:
    """One person's browser session, taking a screenshot of every page it reaches."""

    browser: WebDriver
    server: Served
    shots: Path
    taken: list[Path] = field(default_factory=list)

    def wait(self) -> WebDriverWait[WebDriver]:
        # While a redirect replaces the page, Chrome may answer a look at the old one with
        # "Node with given id does not belong to the document" (a WebDriverException, not the
        # stale-element one): keep polling until the new page says what is awaited.
        return WebDriverWait(
            self.browser,
            WAIT_SECONDS,
            ignored_exceptions=(StaleElementReferenceException, WebDriverException),
        )

    def open(self, path: str) -> None:
        self.browser.get(self.server.url + path)

    def sees(self, heading: str, name: str) -> WebElement:
        """Wait for the page whose h1 says `heading`, screenshot it, return the h1."""
        try:
            self.wait().until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), heading))
        except TimeoutException:
            self.screenshot(f"{name}-unexpected")
            raise AssertionError(
                f"expected a page saying {heading!r} at {self.browser.current_url}; it says: "
                f"{self.browser.find_element(By.TAG_NAME, 'body').text[:500]!r}"
            ) from None
        self.screenshot(name)
        return self.browser.find_element(By.TAG_NAME, "h1")

    def click(self, element_id: str) -> None:
        self.wait().until(ec.element_to_be_clickable((By.ID, element_id))).click()

    def screenshot(self, name: str) -> None:
        path = self.shots / f"{len(self.taken) + 1:02d}-{name}.png"
        assert self.browser.save_screenshot(str(path)), f"no screenshot at {path}"
        self.taken.append(path)

    def text(self, element_id: str) -> str:
        return self.browser.find_element(By.ID, element_id).text

    def start_install(self) -> None:
        """/slack/install → "Add to Slack" → the fake Slack's authorize page."""
        self.open("/slack/install")
        self.sees("Add Rapport to Slack", "install")
        self.click("add-to-slack")
        self.wait().until(ec.url_contains(AUTHORIZE_PATH))
        self.sees("requesting permission", "slack-authorize")


@pytest.fixture
def person(
    server: Served,  # first: its process starts before Chromium does
    chrome: WebDriver,
    fake: FakeSlack,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Person]:
    # Each test is a new person: no cookies from the one before (Chromium's own command, which
    # clears every site's cookies, not only the current page's).
    chrome.execute_cdp_cmd("Network.clearBrowserCookies", {})
    server.ready()
    fake.clear()
    shots = SCREENSHOTS / request.node.name
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    person = Person(chrome, server, shots)
    yield person
    # Printed past pytest's capture, so every run says where its pictures are.
    with capsys.disabled():
        listing = ", ".join(p.name for p in person.taken)
        print(f"\nscreenshots in {shots.relative_to(ROOT)}/: {listing}")


def _offer(fake: FakeSlack, team: str, name: str) -> OAuthGrant:
    """The workspace the person will pick on Slack's page (and the token its install issues)."""
    grant = OAuthGrant(team_id=team, team_name=name, token=f"xoxb-{team.lower()}-browser")
    fake.authorize_config.workspace = grant
    return grant


# --- the install --------------------------------------------------------------------------------


def test_a_person_installs_rapport_and_the_workspace_is_answered_with_its_token(
    person: Person, fake: FakeSlack, server: Served
) -> None:
    grant = _offer(fake, "TBROWSER", "Browser <b>Team</b> & Co")
    person.start_install()
    # Slack's page was asked for Rapport's client id and bot scopes, with the state Rapport made.
    (shown,) = fake.calls("authorize")
    assert shown.params["client_id"] == CLIENT_ID
    assert "im:history" in shown.params["scope"] and shown.params["state"]
    assert "chat:write" in person.text("scopes")

    person.click("allow")
    heading = person.sees("Rapport is installed", "installed")
    assert urlsplit(person.browser.current_url).path == "/slack/oauth_redirect"
    # The team name is shown as written, not interpreted as markup.
    assert heading.text == "Rapport is installed in Browser <b>Team</b> & Co"
    assert heading.find_elements(By.TAG_NAME, "b") == []
    open_slack = person.browser.find_element(By.ID, "open-slack").get_attribute("href") or ""
    assert parse_qs(urlsplit(open_slack).query)["team"] == ["TBROWSER"]
    assert "TBROWSER" in server.installed_teams()

    # The workspace now uses Rapport: a signed event from it is answered with its own token.
    sender = SlackSender(server.url, response_url_base=fake.url)
    answer = sender.event(dm("met Jane Doe for coffee", user="UBROWSE"), team_id="TBROWSER")
    assert answer.status == 200
    (posted,) = fake.wait_for("chat.postMessage")
    assert bearer(posted.headers) == grant.token
    assert "Jane Doe" in posted.text_dump()

    # Back to the same redirect (a replayed state): the link was good only once.
    redirect = person.browser.current_url
    person.browser.get(redirect)
    person.sees("Rapport was not installed", "replayed")
    assert "expired or was already used" in person.text("why")
    assert len(fake.calls("oauth.v2.access")) == 1  # no second exchange


def test_cancel_on_slacks_page_ends_on_rapports_failure_page_and_can_start_again(
    person: Person, fake: FakeSlack, server: Served
) -> None:
    _offer(fake, "TCANCEL", "Cancelled Team")
    person.start_install()
    person.click("cancel")
    person.sees("Rapport was not installed", "cancelled")
    assert urlsplit(person.browser.current_url).path == "/slack/oauth_redirect"
    assert person.text("why") == (
        "You cancelled the install, so nothing was changed in your workspace."
    )
    assert "TCANCEL" not in server.installed_teams()
    assert fake.calls("oauth.v2.access") == []
    # "Start again" is the install page, with a working "Add to Slack".
    person.click("try-again")
    person.sees("Add Rapport to Slack", "start-again")
    person.click("add-to-slack")
    person.sees("requesting permission", "slack-authorize-again")


def test_a_forged_state_ends_on_the_failure_page_and_installs_nothing(
    person: Person, fake: FakeSlack, server: Served
) -> None:
    _offer(fake, "TFORGED", "Forged Team")
    person.start_install()
    # Someone swaps the install link's state for one this browser never got from Rapport.
    person.browser.execute_script(
        "document.querySelector('input[name=state]').value = arguments[0]", "f" * 36
    )
    person.click("allow")
    person.sees("Rapport was not installed", "forged")
    assert "different browser" in person.text("why")
    assert "TFORGED" not in server.installed_teams()
    assert fake.calls("oauth.v2.access") == []  # the code was never exchanged


def test_what_the_redirect_echoes_stays_text(person: Person) -> None:
    person.open("/slack/oauth_redirect?error=%3Cimg%20src%3Dx%20id%3Dinjected%3E")
    person.sees("Rapport was not installed", "echoed-error")
    assert person.browser.find_elements(By.ID, "injected") == []
    assert "<img src=x id=injected>" in person.browser.find_element(By.TAG_NAME, "footer").text


# --- without a browser ----------------------------------------------------------------------------


def test_without_chromium_these_tests_skip_saying_why_but_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium, no chromedriver
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium chromium-driver"):
        _browser_binaries()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="in CI they must run"):
        _browser_binaries()
