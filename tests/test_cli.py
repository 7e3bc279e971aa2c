"""The console as a new user types it: `rapport log`, `recall`, `who`, `loops`, `console`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.cli_kit import run


@pytest.fixture
def db(db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("RAPPORT_TZ", "Europe/Berlin")  # these stories are told in Berlin
    return db


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("log", "recall", "who", "loops", "console", "db", "serve"):
        assert command in result.stdout


def test_seed_conversation(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "log",
        "--db",
        db,
        "--at",
        "2026-07-01",
        "Met Jane Doe for coffee. She's looking for a dog. Prefers Rottweilers, not poodles. "
        "Would like it to be a shelter dog rather than from a breeder",
    )
    assert code == 0 and "Jane Doe" in out and "Coffee" in out
    run(capsys, "log", "--db", db, "--at", "2026-07-03", "Drinks with Tom Baker, he breeds poodles")
    run(capsys, "log", "--db", db, "I owe Tom Baker the pricing deck by Friday")
    run(capsys, "log", "--db", db, "asked Priya Nair for the signed contract, waiting on her reply")

    code, out, _ = run(capsys, "recall", "--db", db, "rottweiler")
    assert code == 0 and out.splitlines()[0].startswith("1. Jane Doe")
    assert "noted by ana" in out

    code, out, _ = run(capsys, "recall", "--db", db, "--json", "who wanted a shelter dog?")
    hits = json.loads(out)["hits"]
    assert hits[0]["contacts"][0]["display_name"] == "Jane Doe"
    assert hits[0]["occurred_at"].startswith("2026-07-01")
    assert hits[0]["author"] == "ana" and "shelter dog" in hits[0]["text"]

    code, out, _ = run(capsys, "loops", "--db", db)
    assert "You owe:" in out and "Tom Baker: the pricing deck" in out
    assert "Waiting on:" in out and "Priya Nair" in out

    code, out, _ = run(capsys, "who", "--db", db, "Jane")
    assert out.startswith("Jane Doe") and "Rottweilers" in out and "noted by ana" in out


def test_errors_are_friendly(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "log", "--db", db, "!!!")
    assert code == 1 and "rapport:" in err and "Traceback" not in err
    code, _, err = run(capsys, "who", "--db", db, "Nobody Known")
    assert code == 1 and "don't know anyone" in err
    code, _, err = run(capsys, "log", "--db", db, "--at", "Feb 30", "coffee with Jane")
    assert code == 1 and "--at" in err


def test_bad_time_zone_is_a_configuration_error(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAPPORT_TZ", "Mars/Olympus")
    code, _, err = run(capsys, "loops", "--db", db)
    assert code == 2 and "RAPPORT_TZ" in err


def test_console_is_a_dm_in_a_terminal(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines: Iterator[str] = iter(
        [
            "help",
            "met Jane Doe for coffee, she wants a shelter dog",
            "lunch with Jane Smith",
            "call with Jane about the offsite",
            "2",
            "who wanted a shelter dog?",
            "who Jane Smith",
            "undo",
            "recall offsite",
            "quit",
        ]
    )

    def typed(prompt: str = "") -> str:
        print(prompt, end="")  # as input() shows its prompt
        return next(lines)

    monkeypatch.setattr("builtins.input", typed)
    code, out, _ = run(capsys, "console", "--db", db)
    assert code == 0
    assert "Tell me what happened" in out  # help
    assert 'Which "Jane"?' in out and "Saved note #3" in out  # asked, then filed
    assert "1. Jane Doe" in out  # the question recalled instead of logging
    assert "· ana: call with Jane about the offsite" in out  # Jane Smith's card
    assert "Removed note #3." in out
    assert out.endswith("No notes match offsite.\nrapport> ")  # undone, then quit


def test_a_need_reads_as_a_sentence_about_its_person(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The need keeps its own verb, so it was shown as "Wants: wants a shelter dog"."""
    code, out, _ = run(
        capsys, "log", "--db", db, "met Jane Doe for coffee, she wants a shelter dog"
    )
    assert code == 0 and "Jane wants a shelter dog" in out
    run(capsys, "log", "--db", db, "lunch with Sam Lee, he is looking for a CTO")
    run(capsys, "log", "--db", db, "call with Raj Patel and Mia Chen, hiring 4 SDRs")

    _, out, _ = run(capsys, "who", "--db", db, "Jane")
    assert "Jane wants a shelter dog" in out and "wants: wants" not in out.lower()
    _, out, _ = run(capsys, "who", "--db", db, "Sam Lee")
    assert "Sam is looking for a CTO" in out
    _, out, _ = run(capsys, "log", "--db", db, "coffee w/ Raj Patel and Mia Chen, hiring 4 SDRs")
    assert "Mentioned: hiring 4 SDRs" in out  # two people: whose need is not said


def console_says(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *typed: str
) -> str:
    lines = iter([*typed, "quit"])

    def answer(prompt: str = "") -> str:
        print(prompt, end="")
        return next(lines)

    monkeypatch.setattr("builtins.input", answer)
    code, out, _ = run(capsys, "console", "--db", db)
    assert code == 0
    return out


@pytest.mark.parametrize(
    "hello", ["hello", "Hi there!", "hey rapport", "good morning :wave:", "Hey there :)"]
)
def test_a_hello_in_the_console_is_answered_with_help_not_filed(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, hello: str
) -> None:
    out = console_says(db, capsys, monkeypatch, hello)
    assert "Tell me what happened" in out and "Saved note" not in out


@pytest.mark.parametrize("thanks", ["thanks", "Thank you so much!", "thx", "cheers :)", "ok"])
def test_a_thank_you_in_the_console_is_answered_not_filed(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, thanks: str
) -> None:
    out = console_says(db, capsys, monkeypatch, thanks)
    assert "You're welcome" in out and "Saved note" not in out


@pytest.mark.parametrize(
    "note",
    [
        "hi from Jane Doe at the expo, she wants a demo",
        "thanks to Raj Patel for the intro to Mia Chen",
        "ok call with Sam Lee about the renewal",
    ],
)
def test_a_note_that_starts_like_a_hello_or_thanks_is_still_filed(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, note: str
) -> None:
    assert "Saved note #1" in console_says(db, capsys, monkeypatch, note)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("cadence Jane Doe", "cadence Jane Doe every 30 days"),
        ("snooze Jane Doe", "Snooze whom, for how long?"),
    ],
)
def test_a_command_missing_its_last_part_says_what_it_needs(
    db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    line: str,
    says: str,
) -> None:
    """'cadence Jane Doe' was filed as a note about Jane Doe (and made her a contact)."""
    out = console_says(db, capsys, monkeypatch, line)
    assert says in out and "Saved note" not in out and "New contact" not in out


@pytest.mark.parametrize(
    ("need", "sentence"),
    [
        ("open to intros", "Ravi is open to intros"),
        ("keen to find a co-founder", "Ravi is keen to find a co-founder"),
        ("on the hunt for an accountant", "Ravi is on the hunt for an accountant"),
        ("shopping for a new CRM", "Ravi is shopping for a new CRM"),
        ("in need of a lawyer", "Ravi is in need of a lawyer"),
        ("wants a shelter dog", "Ravi wants a shelter dog"),
        ("a shelter dog", "Ravi wants a shelter dog"),
    ],
)
def test_a_need_reads_as_a_sentence_whatever_its_opening(need: str, sentence: str) -> None:
    """ "Ravi got let go in the reorg, open to intros" was shown as "Ravi wants open to intros"."""
    from bot.domain.humanize import need_sentence

    assert need_sentence("Ravi", need) == sentence
