"""`rapport brief` as a person types it: a contact's brief with the next meeting, the next
meeting's brief alone, the setting, and bad input as one line and an exit code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.calendar.conftest import CONTACTS, JANE, ME, STRANGER, calendar, event
from tests.cli_kit import run


@pytest.fixture
def world(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    vcf = tmp_path / "contacts.vcf"
    vcf.write_text(CONTACTS)
    assert run(capsys, "import", "--db", db, str(vcf))[0] == 0
    fire = "Jane Doe called: there was a fire in the kitchen of their house, family is fine"
    assert run(capsys, "log", "--db", db, fire)[0] == 0
    assert run(capsys, "log", "--db", db, "Jane Doe wants an intro to a good accountant")[0] == 0
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    ics = tmp_path / "work.ics"
    ics.write_bytes(
        calendar(event("m1", tomorrow, title="Pricing review", people=(ME, JANE, STRANGER)))
    )
    assert run(capsys, "calendar", "import", "--db", db, str(ics))[0] == 0
    return db


def test_brief_by_name_shows_the_next_meeting_and_the_heads_up(
    world: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "brief", "--db", world, "Jane")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Before Pricing review — ")
    assert lines[1] == "Jane Doe"
    assert "  Globex" in lines
    assert "  Heads-up: kitchen fire just now — check in, don't pitch" in lines
    assert any(line.startswith("  Jane ") and "accountant" in line for line in lines)
    assert not any("Needs:" in line for line in lines)  # the need reads as a sentence
    code, alone, _ = run(capsys, "brief", "--db", world)
    assert code == 0 and alone.splitlines()[0] == lines[0]
    assert "Also there (not contacts): Sam Vega" in alone


def test_the_setting_and_bad_input(world: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "brief", "--db", world, "off")
    assert code == 0 and "Briefs before meetings are off" in out
    code, out, _ = run(capsys, "brief", "--db", world, "minutes", "10")
    assert code == 0 and "A brief 10 minutes before each meeting" in out
    code, out, err = run(capsys, "brief", "--db", world, "minutes", "999")
    assert code != 0 and "1 to 120 minutes" in err and "Traceback" not in err
    code, out, err = run(capsys, "brief", "--db", world, "Nobody Known")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
