"""`rapport console` in a real pseudo-terminal, typed as a person types: line editing and history,
Ctrl-C and Ctrl-D, commands that are not notes, colour on a terminal and none in a pipe, and
stored text that cannot drive the terminal."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

# Each case starts `rapport` in a pseudo-terminal (a second or more): the quick loop skips them.
pytestmark = pytest.mark.slow

PROMPT = "rapport> "
UP = "\x1b[A"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = {
        k: v for k, v in os.environ.items() if not k.startswith(("RAPPORT_", "SLACK_", "NO_COLOR"))
    }
    values.update(
        RAPPORT_DATABASE_URL=f"sqlite:///{tmp_path / 'r.db'}",
        RAPPORT_TZ="Europe/Berlin",
        RAPPORT_USER="ana",
        XDG_DATA_HOME=str(tmp_path / "data"),
        HOME=str(tmp_path),
        TERM="xterm-256color",
        COLUMNS="120",
        LINES="40",
    )
    return values


@pytest.fixture
def console(env: dict[str, str]) -> Iterator[pexpect.spawn[str]]:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "console"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    child.expect_exact(PROMPT)
    yield child
    if child.isalive():
        child.terminate(force=True)


def rapport(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv], env=env, capture_output=True, text=True, timeout=60
    )


def typed(child: pexpect.spawn[str], line: str) -> str:
    """Type a line and Enter; what the console printed before its next prompt."""
    child.send(line + "\r")
    child.expect_exact(PROMPT)
    return str(child.before)


def test_commands_are_commands_and_notes_are_notes(console: pexpect.spawn[str]) -> None:
    assert "Saved note #1" in typed(console, "met Jane Doe for coffee, she wants a shelter dog")
    for line in ("next", "loops", "fading", "cadence Jane Doe monthly", "due", "review"):
        assert "Saved note" not in typed(console, line), line
    assert "30 days" in typed(console, "cadence")
    assert "Jane Doe" in typed(console, "fading --team")
    assert "Saved note #2" in typed(console, "next week I owe Jane Doe the deck")
    assert "Removed note #2" in typed(console, "undo")
    assert "No open loops" in typed(console, "loops")
    assert "1 or more" in typed(console, "next --limit 0")  # refused, and the console goes on
    assert "starts" in typed(console, "loops --as bob")  # the user is chosen at start
    assert "runs from your shell" in typed(console, "serve")
    console.sendeof()
    console.expect(pexpect.EOF)
    console.wait()
    assert console.exitstatus == 0


def test_ctrl_c_clears_the_line_and_ctrl_d_leaves(
    console: pexpect.spawn[str], env: dict[str, str]
) -> None:
    console.send("met Raj Patel about a half-typed thing")
    console.expect_exact("half-typed thing")  # echoed: readline has it
    console.sendintr()
    console.expect_exact(PROMPT)
    assert "No notes match" in typed(console, "recall half-typed")
    console.sendcontrol("d")
    console.expect(pexpect.EOF)
    console.wait()
    assert console.exitstatus == 0


def test_history_survives_a_restart_and_is_private(
    console: pexpect.spawn[str], env: dict[str, str], tmp_path: Path
) -> None:
    typed(console, "met Jane Doe for coffee")
    assert "Jane Doe" in typed(console, "who Jane Doe")
    console.sendeof()  # Ctrl-D: leaves, and is no line of history
    console.expect(pexpect.EOF)
    console.wait()
    history = tmp_path / "data" / "rapport" / "console_history"
    assert "who Jane Doe" in history.read_text()
    assert stat.S_IMODE(history.stat().st_mode) == 0o600

    again = pexpect.spawn(
        sys.executable, ["-m", "bot", "console"], env=env, encoding="utf-8", timeout=30
    )
    again.expect_exact(PROMPT)
    again.send(UP + "\r")  # the last line of the last session: `who Jane Doe`
    again.expect_exact(PROMPT)
    assert "Timeline" in str(again.before)
    again.send(UP + UP + "\r")  # and the one before it
    again.expect_exact(PROMPT)
    assert "Saved note #2" in str(again.before)
    again.sendline("quit")
    again.expect(pexpect.EOF)


def test_line_editing_moves_within_the_line(console: pexpect.spawn[str]) -> None:
    # Typed "recall dog", then Ctrl-A to the start, Ctrl-K to cut it, "loops" instead.
    console.send("recall dog\x01\x0bloops\r")
    console.expect_exact(PROMPT)
    assert "No open loops" in str(console.before)


HOSTILE = "Jane Doe's note \x1b]0;pwned\x07 \x1b[2J\x1b[31mred \x9b1m end"


def test_stored_text_never_drives_the_terminal(
    env: dict[str, str], console: pexpect.spawn[str]
) -> None:
    assert rapport(env, "log", f"met Jane Doe: {HOSTILE}").returncode == 0
    shown = typed(console, "who Jane Doe")
    assert "pwned" in shown and "red" in shown  # the words are kept…
    for control in ("\x1b]", "\x07", "\x1b[2J", "\x9b"):  # …the controls are not
        assert control not in shown, repr(control)
    piped = rapport(env, "who", "Jane Doe").stdout
    assert "pwned" in piped and "\x1b" not in piped and "\x07" not in piped


def test_colour_on_a_terminal_plain_in_a_pipe(
    env: dict[str, str], console: pexpect.spawn[str]
) -> None:
    rapport(env, "log", "I owe Jane Doe the pricing deck by 2020-01-01")
    shown = typed(console, "loops")
    assert "\x1b[" in shown  # colour
    assert re.search(r"who.*what.*due", shown) and "Jane Doe" in shown  # a table
    piped = rapport(env, "loops")
    assert piped.returncode == 0 and "You owe:" in piped.stdout and "\x1b[" not in piped.stdout
    no_colour = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "loops"],
        env={**env, "NO_COLOR": "1"},
        encoding="utf-8",
        timeout=30,
    )
    no_colour.expect(pexpect.EOF)
    assert "You owe:" in str(no_colour.before) and "\x1b[" not in str(no_colour.before)


def test_terminal_text_has_no_shortcodes_or_backticks(env: dict[str, str]) -> None:
    rapport(env, "log", "Chris had a house fire, lunch with Chris Wong")
    card = rapport(env, "who", "Chris Wong").stdout
    review = rapport(env, "review").stdout
    help_text = rapport(env, "recall", "the").stdout
    for text in (card, review, help_text):
        assert ":warning:" not in text and "`" not in text, text


def test_json_keeps_stored_text_exactly_and_safely(env: dict[str, str]) -> None:
    assert rapport(env, "log", f"met Jane Doe: {HOSTILE}").returncode == 0
    shown = rapport(env, "recall", "pwned", "--json").stdout
    for control in ("\x1b", "\x07", "\x9b"):
        assert control not in shown, repr(control)  # escaped in the document…
    (hit,) = json.loads(shown)["hits"]
    assert HOSTILE in hit["text"]  # …and the same data once read


def piped(env: dict[str, str], typed: str) -> subprocess.CompletedProcess[str]:
    """`rapport console` with lines piped in, as a script or `cat notes.txt |` would."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        env=env,
        input=typed,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_input_that_ends_at_a_which_question_leaves_the_note_waiting(env: dict[str, str]) -> None:
    """Lines piped into the console that end while it asks "which PK?" got a traceback (an
    EOFError from the question); now the note waits for an answer, as when the answer is no
    number, and the console leaves cleanly."""
    done = piped(
        env,
        "met Priya Nair (goes by PK) for coffee\n"
        "lunch w/ Priya Kapoor (PK)\n"
        "call with PK about the renewal\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert 'Which "PK"?' in done.stdout and "Not saved yet" in done.stdout


@pytest.mark.parametrize("then", ["", "quit\n"], ids=["input-ends", "next-line-is-quit"])
def test_input_that_ends_at_forgets_question_keeps_the_contact(
    env: dict[str, str], then: str
) -> None:
    """`forget NAME` piped into the console as its last line met a traceback (an EOFError from
    "Forget …? [y/N]"); input that ends there is a no: the contact and their notes are kept."""
    done = piped(env, "coffee with Jane Smith from Initrode\nforget Jane Smith\n" + then)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Forget Jane Smith" in done.stdout and "Kept." in done.stdout
    card = rapport(env, "who", "Jane Smith")
    assert card.returncode == 0 and "coffee with Jane Smith" in card.stdout


def test_ctrl_d_at_forgets_question_keeps_the_contact(console: pexpect.spawn[str]) -> None:
    console.sendline("coffee with Jane Smith")
    console.expect_exact(PROMPT)
    console.sendline("forget Jane Smith")
    console.expect_exact("[y/N] ")
    console.sendcontrol("d")
    console.expect_exact("Kept.")
    console.expect_exact(PROMPT)
    console.sendline("who Jane Smith")
    console.expect_exact("coffee with Jane Smith")
