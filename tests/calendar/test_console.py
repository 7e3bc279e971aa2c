"""`rapport calendar import` as a person types it: what it says, exit codes, and --json."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.calendar.conftest import CONTACTS, JANE, ME, STRANGER, TEAMMATE, calendar, event
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
    assert "Tip: tell me your address (`--me you@yourcompany.com`)" in out
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
