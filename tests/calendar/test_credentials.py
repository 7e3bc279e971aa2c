"""The two calendar credentials, a secret iCal address and a CalDAV app password, through every
path a person runs from the console, with every log at DEBUG: connect, status (text and JSON),
sync, a failing sync, the scheduler's run that DMs the owner (through slack_sdk to the fake
Slack), export, and the error lines. Neither secret may appear anywhere a person or an operator
could read it: logs, standard output and error, Slack messages, export files, or the database
file itself (it holds only Fernet tokens)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from tests.calendar.conftest import CONTACTS, JANE, ME, calendar, event
from tests.calendar.icsserver import Feed, Server, serving
from tests.calendar.radicale import running_radicale
from tests.cli_kit import run
from tests.slack.fakeslack import FakeSlack, running_fake_slack

TOKEN = "private-c0ffee5eed1234abcd9876"
FEED_PATH = f"/calendar/ical/ana%40acme.com/{TOKEN}/basic.ics"
PASSWORD = "app-pw-Gr3p-M3-N0t-4ny-Wh3r3"
USER = "ana-dav"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with running_fake_slack() as fake:
        yield fake


@pytest.fixture
def feeds() -> Iterator[Server]:
    with serving() as running:
        yield running


def test_neither_credential_appears_in_logs_output_messages_exports_or_errors(
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    feeds: Server,
    fake_slack: FakeSlack,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("RAPPORT_CALENDAR_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("RAPPORT_CALENDAR_ALLOW_PRIVATE", "1")
    said: list[str] = []

    def rapport(*argv: str, stdin: str | None = None) -> int:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code, out, err = run(capsys, *argv, "--db", db)
        said.extend((out, err))
        return code

    vcf = tmp_path / "contacts.vcf"
    vcf.write_text(CONTACTS)
    assert run(capsys, "import", "--db", db, str(vcf))[0] == 0
    met = datetime.now(UTC) - timedelta(days=2)
    feeds.feeds[FEED_PATH] = Feed(
        body=calendar(event("feed-1", met, title="Renewal", people=(ME, JANE))), etag='"1"'
    )
    with running_radicale(tmp_path / "dav") as dav:
        dav.add_user(USER, PASSWORD)
        collection = dav.make_calendar(USER, PASSWORD, "work", "Work")
        dav.put(
            USER,
            PASSWORD,
            collection + "kickoff.ics",
            calendar(event("dav-1", met - timedelta(days=1), title="Kickoff", people=(ME, JANE))),
        )
        # connect (the address on standard input; the password on standard input), then read
        assert (
            rapport(
                "calendar", "connect", "-", "--name", "Feed", stdin=feeds.base + FEED_PATH + "\n"
            )
            == 0
        )
        assert (
            rapport(
                "calendar",
                "connect",
                dav.base + "/",
                "--caldav",
                "--username",
                USER,
                "--name",
                "Work",
                "--me",
                "ana@acme.com",
                stdin=PASSWORD + "\n",
            )
            == 0
        )
        assert rapport("calendar", "status") == 0
        assert rapport("calendar", "status", "--json") == 0
        assert rapport("calendar", "sync", "Feed") == 0
        assert rapport("calendar", "sync", "Work") == 0
        assert sum("Filed 1 new interaction" in s for s in said) == 2  # one meeting from each
        # both stop working: the feed is gone, the app password revoked
        feeds.feeds[FEED_PATH] = Feed(status=404)
        dav.users.write_text(f"{USER}:a-new-password\n", encoding="utf-8")
        # the scheduler's run (as from cron) DMs each owner once, through Slack
        engine = create_engine(db)
        with engine.begin() as connection:
            connection.execute(text("UPDATE calendar SET next_sync_at = '2000-01-01 00:00:00'"))
        engine.dispose()
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-credentials-test")
        monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
        assert rapport("calendar", "sync", "--due") == 0, said[-2:]
        dms = fake_slack.wait_for("chat.postMessage", count=2)
        monkeypatch.delenv("SLACK_BOT_TOKEN")
        assert sorted("refused the user name" in d.text_dump() for d in dms) == [False, True]
        assert rapport("calendar", "sync", "Feed") == 1
        assert rapport("calendar", "sync", "Work") == 1
        assert any("HTTP 401" in s for s in said) and any("HTTP 404" in s for s in said)
        # export, in every format
        for fmt in ("json", "csv", "vcf"):
            assert rapport("export", "--format", fmt, "--out", str(tmp_path / f"all.{fmt}")) == 0
        # error lines: an address that is not one, CalDAV without a user name, a bad key
        assert rapport("calendar", "connect", f"ftp://example.com/{TOKEN}") == 1
        assert rapport("calendar", "connect", dav.base, "--caldav", stdin=PASSWORD + "\n") == 1
        assert rapport("calendar", "disconnect", "Feed") == 0
        assert rapport("calendar", "disconnect", "Work") == 0
        server_log = dav.log.read_text()
    assert "GET" in server_log or "PROPFIND" in server_log  # the server really was asked

    logs = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records
    )
    assert caplog.records, "nothing was logged: the check would prove nothing"
    exports = [(tmp_path / f"all.{fmt}").read_bytes() for fmt in ("json", "csv", "vcf")]
    database = Path(db.removeprefix("sqlite:///")).read_bytes()
    slack = [c.text_dump() + repr(c.params) for c in fake_slack.calls()]
    for secret in (TOKEN, PASSWORD):
        assert secret not in logs
        assert all(secret not in s for s in said)
        assert all(secret not in s for s in slack)
        assert all(secret.encode() not in e for e in exports)
        assert secret.encode() not in database
