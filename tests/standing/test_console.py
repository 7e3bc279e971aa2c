"""The standing commands as a console user types them. `rapport log --at` backdates notes
relative to today, since the console runs on the real clock."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from tests.cli_kit import run


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).date().isoformat()


def log(capsys: pytest.CaptureFixture[str], db: str, text: str, days: int) -> None:
    code, _, err = run(capsys, "log", text, "--at", days_ago(days), "--db", db)
    assert code == 0, err


def test_help_lists_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("fading", "focus", "unfocus", "next", "review"):
        assert command in result.stdout


def test_fading_focus_next_and_review(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    log(capsys, db, "lunch with Sam Lee", 200)
    log(capsys, db, "coffee with Jane Doe, she wants a shelter dog", 100)
    log(capsys, db, "Raj Patel called me about the pilot", 3)
    log(capsys, db, "I owe Raj Patel the pricing deck", 2)

    code, out, _ = run(capsys, "fading", "--db", db)
    assert code == 0
    lines = [line for line in out.splitlines() if not line.startswith(" ")]
    assert [line.split(" — ")[0] for line in lines] == ["Sam Lee", "Jane Doe", "Raj Patel"]
    assert "cold" in lines[0] and "lunch" in lines[0]
    assert "next: You owe Raj Patel the pricing deck." in out

    code, out, _ = run(capsys, "fading", "--json", "--limit", "2", "--db", db)
    page = json.loads(out)
    assert [r["contact"]["display_name"] for r in page["rows"]] == ["Sam Lee", "Jane Doe"]
    assert page["has_more"] is True and page["rows"][1]["label"] == "cooling"

    code, out, _ = run(capsys, "focus", "Jane", "--db", db)
    assert code == 0
    assert out.startswith("Jane Doe is on your focus list (1 of 25). I'll nudge you every 30")
    code, out, _ = run(capsys, "cadence", "--db", db)
    assert "Jane Doe: every 30 days" in out

    code, out, _ = run(capsys, "focus", "--db", db)
    assert out.splitlines()[0] == "Your focus list (1 of 25):"
    assert "Jane Doe * — cold" in out  # a 30-day cadence, 100 days of silence

    code, out, _ = run(capsys, "next", "--db", db)
    assert out.splitlines()[0] == "1. You owe Raj Patel the pricing deck."
    assert "Reach out to Jane Doe" in out and "Ask how it's going: wants a shelter dog." in out

    code, out, _ = run(capsys, "review", "--json", "--db", db)
    review = json.loads(out)
    assert review["interactions"] == 2 and review["people"] == 1
    assert [x["what"] for x in review["loops_opened"]] == ["the pricing deck"]

    code, out, _ = run(capsys, "review", "--db", db)
    assert "Your week in relationships" in out and "you owe Raj Patel the pricing deck" in out

    code, out, _ = run(capsys, "unfocus", "Jane Doe", "--db", db)
    assert out.startswith("Took Jane Doe off your focus list (0 left).")

    code, _, err = run(capsys, "focus", "Nobody Known", "--db", db)
    assert code == 1 and "Nobody Known" in err


def test_weekly_review_is_opt_in_and_sent_once(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    log(capsys, db, "coffee with Jane Doe", 1)
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())
    at = f"{monday.isoformat()}T10:00"
    code, out, err = run(capsys, "review", "--send", "--now", at, "--db", db)
    assert code == 0 and "0 reviews sent" in err

    code, out, _ = run(capsys, "review", "--weekly", "on", "--db", db)
    assert out.strip() == "Weekly review DM on: every Monday morning."
    code, out, err = run(capsys, "review", "--send", "--now", at, "--db", db)
    assert "→ DM to ana:" in out and "Your weekly review" in out and "1 review sent" in err
    code, out, err = run(capsys, "review", "--send", "--now", at, "--db", db)
    assert "DM to" not in out and "0 reviews sent" in err
