"""The reminder commands as a console user types them. `rapport log` runs on the real clock, so
the story is told relative to today, and `--now` picks the next work-day morning."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.cli_kit import run


def next_work_morning(after: date) -> str:
    day = after + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return f"{day.isoformat()}T10:00"


def test_help_lists_the_reminder_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("deliver", "due", "cadence", "snooze", "settings"):
        assert command in result.stdout


def test_due_lists_the_same_items_deliver_sends(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    today = datetime.now(UTC).date()
    long_ago = (today - timedelta(days=45)).isoformat()
    assert run(capsys, "log", "--db", db, "--at", long_ago, "coffee with Jane Doe")[0] == 0
    assert run(capsys, "log", "--db", db, "--at", long_ago, "lunch with Tom Baker")[0] == 0
    code, out, _ = run(capsys, "cadence", "--db", db, "Jane", "Doe", "every", "30", "days")
    assert code == 0 and out.startswith("Jane Doe: every 30 days; next nudge")
    assert run(capsys, "cadence", "--db", db, "Tom Baker", "monthly")[0] == 0
    code, out, _ = run(capsys, "log", "--db", db, "asked Priya Nair for the signed contract")
    when = next_work_morning(today + timedelta(days=7))

    code, out, _ = run(capsys, "due", "--db", db, "--now", when, "--json")
    assert code == 0
    due = json.loads(out)
    due_items = sorted(item["key"] for m in due["messages"] for item in m["items"])
    assert len(due["messages"]) == 1 and due["messages"][0]["kind"] == "digest"
    assert [k.split(":")[0] for k in due_items] == ["stay_in_touch", "stay_in_touch", "waiting_on"]

    code, out, _ = run(capsys, "due", "--db", db, "--now", when)
    assert "Time to get back in touch with Jane Doe" in out

    code, out, err = run(capsys, "deliver", "--once", "--db", db, "--now", when, "--json")
    assert code == 0
    report = json.loads(out)
    assert sorted(report["sent_items"]) == due_items
    assert "→ DM to ana:" in err and "nudge Priya?" in err

    code, out, _ = run(capsys, "due", "--db", db, "--now", when)
    assert out.strip() == "Nothing due."
    code, out, err = run(capsys, "deliver", "--once", "--db", db, "--now", when)
    assert "sent 0" in err


def test_settings_snooze_and_cadences(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "log", "--db", db, "coffee with Jane Doe")
    code, out, _ = run(
        capsys, "settings", "--db", db, "--digest-hour", "8", "--days", "sun-thu", "--cap", "3"
    )
    assert code == 0
    assert out.strip() == (
        "Digest at 8:00 UTC, on mon,tue,wed,thu,sun, working hours 8-18, at most 3 nudges a day, "
        "one DM a morning."
    )
    code, out, _ = run(capsys, "settings", "--db", db, "--individual", "--json")
    assert json.loads(out)["mode"] == "individual"
    assert run(capsys, "cadence", "--db", db, "#investors", "quarterly")[1].strip() == (
        "#investors: every 91 days."
    )
    code, out, _ = run(capsys, "snooze", "--db", db, "Jane", "Doe", "1w")
    assert code == 0 and out.startswith("Snoozed Jane Doe until ")
    run(capsys, "cadence", "--db", db, "Jane Doe", "weekly")
    code, out, _ = run(capsys, "cadence", "--db", db)
    assert out.splitlines()[0].startswith("Jane Doe: every 7 days; next nudge")
    assert out.splitlines()[1] == "#investors: every 91 days."
    code, out, _ = run(capsys, "cadence", "--db", db, "Jane Doe", "stop")
    assert out.strip() == "Jane Doe: no stay-in-touch nudges."


def test_friendly_errors(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "log", "--db", db, "coffee with Jane Doe and Jane Smith")
    code, _, err = run(capsys, "cadence", "--db", db, "Jane", "monthly")
    assert code == 1 and "Which one did you mean?" in err
    code, _, err = run(capsys, "cadence", "--db", db, "Jane Doe", "sometimes")
    assert code == 1 and "every 30 days" in err
    code, _, err = run(capsys, "snooze", "--db", db, "Nobody", "1w")
    assert code == 1 and "I don't know anyone called" in err
    code, _, err = run(capsys, "settings", "--db", db, "--cap", "99")
    assert code == 1 and "daily cap" in err
