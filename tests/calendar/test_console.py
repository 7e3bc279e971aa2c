"""`rapport calendar import` as a person types it: what it says, exit codes, and --json."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.calendar.conftest import CONTACTS, JANE, ME, STRANGER, TEAMMATE, calendar, event
from tests.calendar.icsserver import Feed, Server, serving
from tests.cli_kit import run


def write_ics(tmp_path: Path, data: bytes, name: str = "work.ics") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def recent(days: float) -> datetime:
    return (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def contacts(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    vcf = tmp_path / "contacts.vcf"
    vcf.write_text(CONTACTS)
    assert run(capsys, "import", "--db", db, str(vcf))[0] == 0
    return db


def test_import_says_what_it_filed_and_whom_it_met(
    contacts: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ics = write_ics(
        tmp_path,
        calendar(
            event("m1", recent(2), title="Pricing review", people=(ME, JANE, STRANGER)),
            event("m2", recent(3), people=(ME, TEAMMATE)),
            event("m3", recent(-1), people=(ME, JANE)),
        ),
    )
    code, out, err = run(capsys, "calendar", "import", "--db", contacts, ics)
    assert (code, err) == (0, "")
    assert "Read 3 meetings from imported." in out
    assert "Filed 1 new interaction." in out and "With Jane Doe." in out
    assert "Not filed: 1 with teammates only; 1 not over yet (filed once they are)." in out
    assert "You met 1 new person: Sam Vega (sam@hooli.com, 1 meeting, last 2 days ago)" in out
    assert "Meeting titles are private to you" in out
    code, out, _ = run(capsys, "who", "--db", contacts, "Jane Doe")
    assert code == 0 and "Pricing review" in out
    # again: nothing new
    code, out, _ = run(capsys, "calendar", "import", "--db", contacts, ics)
    assert "Nothing changed (1 meeting already filed)." in out


def test_import_as_json_for_scripts(
    contacts: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ics = write_ics(tmp_path, calendar(event("m1", recent(1))))
    code, out, _ = run(capsys, "calendar", "import", "--db", contacts, "--json", "--share", ics)
    payload = json.loads(out)
    assert code == 0 and payload["added"] == 1 and payload["private"] is False
    assert payload["contacts"][0]["display_name"] == "Jane Doe"


def test_without_an_address_it_asks_for_one(
    contacts: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ics = write_ics(tmp_path, calendar(event("m1", recent(1)), name="Work"))
    out = run(capsys, "calendar", "import", "--db", contacts, ics)[1]
    assert (
        "Tip: tell me your address (--me you@yourcompany.com)" in out
    )  # no backticks on a terminal
    out = run(capsys, "calendar", "import", "--db", contacts, "--me", "ana@acme.com", ics)[1]
    assert "Tip:" not in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "There is no file at"),
        (b"<html>Sign in</html>", "isn't an iCalendar (.ics) file"),
        (b"", "isn't an iCalendar (.ics) file"),
    ],
    ids=["missing", "html", "empty"],
)
def test_bad_files_get_one_clear_line_and_exit_1(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = str(tmp_path / "nope.ics") if content is None else write_ics(tmp_path, content)
    code, out, err = run(capsys, "calendar", "import", "--db", db, path)
    assert code == 1 and out == ""
    assert err.startswith("rapport: ") and message in err and err.count("\n") == 1


def test_a_bad_address_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ics = write_ics(tmp_path, calendar())
    code, _, err = run(capsys, "calendar", "import", "--db", db, "--me", "ana", ics)
    assert code == 1 and "not an email address" in err


def test_a_real_export_with_a_broken_event_reports_it(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "ics"
    path = str(fixture / "google-contacts-birthdays-calendar.ics")
    code, out, _ = run(capsys, "calendar", "import", "--db", db, "--since", "2010-01-01", path)
    assert code == 0
    assert "Not filed: 3 all-day." in out
    assert "1 event could not be read and was skipped: 2014_BIRTHDAY_" in out


def test_calendar_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "calendar")
    assert exit_.value.code == 2


# --- connect, status, sync, disconnect ---------------------------------------------------------

TOKEN = "private-0c1d2e3f4a5b6c7d8e9f"


@pytest.fixture
def feed_server() -> Iterator[Server]:
    with serving() as running:
        yield running


def test_connect_status_sync_disconnect(
    contacts: str,
    feed_server: Server,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAPPORT_CALENDAR_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("RAPPORT_CALENDAR_ALLOW_PRIVATE", "1")
    path = f"/ical/ana%40acme.com/{TOKEN}/basic.ics"
    address = feed_server.base + path
    feed_server.feeds[path] = Feed(
        body=calendar(event("m1", recent(2), title="QBR", people=(ME, JANE))), etag='"1"'
    )
    code, out, err = run(capsys, "calendar", "connect", "--db", contacts, address, "--name", "Work")
    assert (code, err) == (0, "")
    assert "Work: http://127.0.0.1/…/basic.ics" in out
    assert "Read 1 meeting from Work." in out and "Filed 1 new interaction." in out
    code, out, _ = run(capsys, "calendar", "status", "--db", contacts)
    assert code == 0 and "Work: http://127.0.0.1/…/basic.ics" in out
    assert "every 60 minutes; last read just now (ok); 1 meeting filed; titles private." in out
    code, out, _ = run(capsys, "calendar", "sync", "--db", contacts)
    assert (code, out) == (0, "Work: unchanged since the last read.\n")
    code, out, _ = run(capsys, "calendar", "status", "--db", contacts, "--json")
    [view] = json.loads(out)
    assert view["address"] == "http://127.0.0.1/…/basic.ics" and view["connected"] is True
    code, out, _ = run(capsys, "calendar", "disconnect", "--db", contacts)
    assert code == 0 and out.startswith("Disconnected Work: its address is forgotten.")
    assert "The 1 meeting it filed stay" in out
    code, out, _ = run(capsys, "calendar", "status", "--db", contacts)
    assert "Work: disconnected, as ana@acme.com; no longer read; 1 meeting filed" in out
    everything = "".join(capsys.readouterr()) + out
    assert TOKEN not in everything
    code, _, err = run(capsys, "calendar", "sync", "--db", contacts)
    assert code == 1 and "no connected calendar" in err


def test_connect_reads_the_address_from_standard_input(
    contacts: str,
    feed_server: Server,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAPPORT_CALENDAR_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("RAPPORT_CALENDAR_ALLOW_PRIVATE", "1")
    feed_server.feeds["/cal.ics"] = Feed(body=calendar(), etag='"1"')
    monkeypatch.setattr("sys.stdin", io.StringIO(feed_server.base + "/cal.ics\n"))
    code, out, _ = run(capsys, "calendar", "connect", "--db", contacts, "-")
    assert code == 0 and "127.0.0.1: http://127.0.0.1/…/cal.ics" in out


def test_connect_without_a_key_is_one_line_and_exit_1(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RAPPORT_CALENDAR_KEY", raising=False)
    code, out, err = run(
        capsys, "calendar", "connect", "--db", db, f"https://calendar.google.com/{TOKEN}/basic.ics"
    )
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "RAPPORT_CALENDAR_KEY is not set" in err and TOKEN not in err
    assert run(capsys, "calendar", "status", "--db", db)[1].startswith("No calendar connected.")


def test_a_bad_key_is_a_configuration_error(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAPPORT_CALENDAR_KEY", "hunter2")
    code, _, err = run(capsys, "calendar", "status", "--db", db)
    assert code == 2 and "RAPPORT_CALENDAR_KEY is not a Fernet key" in err and "hunter2" not in err


def test_a_failing_address_exits_1_with_what_went_wrong(
    contacts: str,
    feed_server: Server,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAPPORT_CALENDAR_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("RAPPORT_CALENDAR_ALLOW_PRIVATE", "1")
    code, out, _ = run(
        capsys, "calendar", "connect", "--db", contacts, feed_server.base + f"/{TOKEN}.ics"
    )
    assert code == 1 and "Couldn't read 127.0.0.1: HTTP 404." in out and TOKEN not in out


def test_sync_due_reads_everyones_due_calendars_for_cron(
    contacts: str,
    feed_server: Server,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAPPORT_CALENDAR_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("RAPPORT_CALENDAR_ALLOW_PRIVATE", "1")
    feed_server.feeds["/ana.ics"] = Feed(body=calendar(event("m1", recent(2))), etag='"a"')
    run(capsys, "calendar", "connect", "--db", contacts, "--no-sync", feed_server.base + "/ana.ics")
    run(
        capsys,
        "calendar",
        "connect",
        "--db",
        contacts,
        "--as",
        "bob",
        "--no-sync",
        feed_server.base + "/gone.ics",
    )
    code, out, _ = run(capsys, "calendar", "sync", "--db", contacts, "--due")
    assert code == 0
    assert "ana: Read 127.0.0.1: 1 new interaction." in out
    assert "bob: Couldn't read 127.0.0.1: HTTP 404." in out
    # bob is told once, as a DM (printed here without a Slack token)
    assert out.count("I couldn't read your calendar 127.0.0.1") == 1
    assert run(capsys, "calendar", "sync", "--db", contacts, "--due")[1] == "No calendar is due.\n"


def test_import_can_add_the_people_met(
    contacts: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ics = write_ics(tmp_path, calendar(event("m1", recent(2), people=(ME, STRANGER))))
    code, out, _ = run(capsys, "calendar", "import", "--db", contacts, "--add-new-people", ics)
    assert code == 0 and "Added 1 new contact you met: Sam Vega." in out
    assert "Filed 1 new interaction." in out
    code, out, _ = run(capsys, "who", "--db", contacts, "Sam Vega")
    assert code == 0 and "Catch-up" in out
