"""`rapport`'s arguments as people type them: options before or after the command, numbers that
make sense, settings named in `serve --help`, configuration errors in Rapport's words."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from tests.cli_kit import run


def test_db_and_as_go_before_or_after_the_command(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    run(capsys, "--db", db, "--as", "bob", "log", "I owe Raj Patel the deck")
    for argv in (
        ("--db", db, "--as", "bob", "loops"),
        ("loops", "--db", db, "--as", "bob"),
        ("--db", db, "loops", "--as", "bob"),
        ("--as", "bob", "loops", "--db", db),
    ):
        code, out, err = run(capsys, *argv)
        assert code == 0 and "Raj Patel" in out, (argv, out, err)
    code, out, _ = run(capsys, "--db", db, "loops")  # ana owes nothing: bob's loop is bob's
    assert code == 0 and "Raj Patel" not in out
    code, out, _ = run(capsys, "--json", "--db", db, "--as", "bob", "loops")
    assert code == 0 and '"you_owe"' in out


@pytest.mark.parametrize(
    "argv",
    [
        ("recall", "dog", "--limit", "0"),
        ("next", "--limit", "0"),
        ("fading", "--limit", "0"),
        ("fading", "--page", "0"),
        ("focus", "--limit", "-3"),
        ("next", "--limit", "many"),
    ],
)
def test_a_limit_below_one_is_refused(
    db: str, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, *argv, "--db", db)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "--" in err and "Traceback" not in err


def test_serve_help_names_its_settings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--help"], capture_output=True, text=True, check=True
    )
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_API_URL",
        "RAPPORT_DATABASE_URL",
        "RAPPORT_TZ",
    ):
        assert name in result.stdout, name


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("RAPPORT_TZ", "Mars/Olympus", "RAPPORT_TZ='Mars/Olympus' is not a time zone name"),
        ("RAPPORT_TZ", "", "is not a time zone name"),
    ],
)
def test_configuration_errors_are_in_rapports_words(
    db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.setenv(variable, value)
    code, _, err = run(capsys, "loops", "--db", db)
    assert code == 2 and expected in err
    assert "Value error" not in err and "pydantic" not in err and "errors.pydantic.dev" not in err


def test_an_empty_user_is_bad_input(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "loops", "--db", db, "--as", " ")
    assert code == 1 and "--as needs a user name" in err


def test_the_shell_and_the_registry_know_the_same_commands() -> None:
    from bot.console.args import build_parser
    from bot.domain.commands import CLI, CONSOLE, words_for

    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(sub.choices) == words_for(CLI) - {"find", "search"}
    # Everything the shell runs (but the shell's own: console, db, serve, and the operators'
    # workspaces) runs in the console.
    assert set(sub.choices) - {"console", "db", "serve", "workspaces"} <= words_for(CONSOLE)


def test_the_consoles_help_names_every_command_it_takes() -> None:
    from bot.console.repl import HELP
    from bot.domain.commands import COMMANDS, CONSOLE

    for command in COMMANDS:
        if CONSOLE in command.where:
            assert re.search(rf"\b{re.escape(command.name)}\b", HELP), command.name
