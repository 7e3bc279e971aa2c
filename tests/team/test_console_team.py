"""The team commands as typed in a terminal: who-knows, workspace, alias/rename/merge/forget,
import and export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_kit import run
from tests.team.test_import_export import DATA


def test_who_knows_pressure_and_serendipity_in_the_console(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "log", "--db", db, "--as", "bob", "lunch with Raj Patel about the Globex pilot")
    run(
        capsys, "log", "--db", db, "--as", "sam", "met Jane Doe for coffee, she wants a shelter dog"
    )
    for who in ("bob", "sam", "bob"):
        run(capsys, "log", "--db", db, "--as", who, "called Raj Patel")
    code, out, _ = run(capsys, "who-knows", "--db", db, "Globex")
    assert code == 0 and out.splitlines()[0] == "bob knows:" and "Raj Patel" in out

    code, out, _ = run(capsys, "log", "--db", db, "coffee with Raj Patel, he runs a dog rescue")
    assert "Heads-up: Raj Patel heard from the team 4 times in the last 7 days (bob, sam)" in out
    assert "Idea: Raj Patel: “he runs a dog rescue” — Jane Doe wants a shelter dog" in out

    code, out, _ = run(capsys, "workspace", "--db", db, "--default-visibility", "private")
    assert code == 0 and "private by default" in out
    code, out, _ = run(capsys, "log", "--db", db, "--json", "coffee with Lena Fischer")
    assert json.loads(out)["private"] is True


def test_alias_rename_merge_forget(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "log", "--db", db, "coffee with Jennifer Park")
    run(capsys, "log", "--db", db, "lunch with Jenny Parker")
    assert run(capsys, "alias", "--db", db, "Jennifer Park", "Jen")[1].startswith("“Jen” now means")
    code, out, _ = run(capsys, "merge", "--db", db, "Jennifer Park", "Jenny Parker")
    assert code == 0 and "Merged Jenny Parker into Jennifer Park: 1 note," in out
    code, out, _ = run(capsys, "rename", "--db", db, "Jen", "Jennifer Park-Lee")
    assert "Renamed Jennifer Park to Jennifer Park-Lee" in out
    code, out, _ = run(capsys, "who", "--db", db, "Jenny Parker")
    assert out.startswith("Jennifer Park-Lee") and "lunch with Jenny Parker" in out

    # Without a terminal, forget refuses unless told --yes.
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, "forget", "--db", db, "Jennifer Park-Lee")
    assert code == 1 and "--yes" in err
    code, out, _ = run(capsys, "forget", "--db", db, "--yes", "Jennifer Park-Lee")
    assert code == 0 and "Forgot Jennifer Park-Lee: 2 notes" in out
    code, _, err = run(capsys, "who", "--db", db, "Jen")
    assert code == 1 and "don't know anyone" in err


def test_alias_a_second_contact_goes_by_keeps_both_and_a_note_asks_which(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "log", "--db", db, "coffee with Joanna Reyes")
    run(capsys, "log", "--db", db, "--as", "bob", "call with Josephine Park")
    code, out, _ = run(capsys, "alias", "--db", db, "Joanna Reyes", "Jo")
    assert code == 0 and out.startswith("“Jo” now means Joanna Reyes.")
    code, out, _ = run(capsys, "alias", "--db", db, "Josephine Park", "Jo")
    assert code == 0 and out.startswith(
        "“Jo” now means Josephine Park too, as well as Joanna Reyes: "
        "a note that says Jo will ask which one."
    )
    assert "Also known as: Jo" in run(capsys, "who", "--db", db, "Josephine Park")[1]
    # At a terminal, a note that says Jo asks which one, and files it under the answer.
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(prompt) or "2")
    code, out, _ = run(capsys, "log", "--db", db, "--as", "bob", "drinks with Jo")
    assert code == 0 and asked and asked[0].startswith('Which "Jo"?')
    assert "Joanna Reyes" in asked[0] and "Josephine Park" in asked[0]
    chosen = asked[0].splitlines()[2].split(") ", 1)[1].split(" (", 1)[0]  # "2) Name (hint)"
    assert "drinks with Jo" in run(capsys, "who", "--db", db, chosen)[1]


def test_forget_asks_on_a_terminal(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "log", "--db", db, "coffee with Chris Young")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers: Iterator[str] = iter(["n", "y"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert run(capsys, "forget", "--db", db, "Chris Young")[1].strip() == "Kept."
    assert "Forgot Chris Young" in run(capsys, "forget", "--db", db, "Chris Young")[1]


def test_import_then_export(db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "import", "--db", db, str(DATA / "contacts.vcf"))
    assert code == 0
    assert out.startswith("Imported 5 records: 4 new contacts, 0 existing ones updated")
    assert "line 18: Broken Birthday: birthday 'sometime in spring' is not a date" in out
    assert "line 23: skipped no name" in out
    code, out, _ = run(capsys, "import", "--db", db, str(DATA / "contacts.vcf"))
    assert "0 new contacts, 0 existing ones updated, 4 already known" in out

    target = tmp_path / "out.csv"
    code, _, err = run(capsys, "export", "--db", db, "--format", "csv", "--out", str(target))
    assert code == 0 and "Wrote" in err
    assert "Jane Doe" in target.read_text()
    code, out, _ = run(capsys, "export", "--db", db, "--format", "vcf")
    assert out.count("BEGIN:VCARD") == 4
    code, _, err = run(capsys, "import", "--db", db, str(tmp_path / "missing.vcf"))
    assert code == 1 and "no file" in err


def test_a_teammate_cannot_erase_or_see_a_private_contact_from_the_console(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's own commands: `rapport forget "Zed Quixote" --yes --as bob` and friends."""
    for text in (
        "private: coffee with Zed Quixote, he is thinking of leaving",
        "private: I owe Zed Quixote the intro by Friday",
        "private: Zed Quixote's birthday is March 3",
        "private: lunch with Olga Petrova",
    ):
        assert run(capsys, "log", "--db", db, "--as", "alice", text)[0] == 0
    run(capsys, "log", "--db", db, "--as", "bob", "coffee with Zack Quinn")

    code, out, err = run(capsys, "forget", "--db", db, "--as", "bob", "--yes", "Zed Quixote")
    assert (code, out) == (1, "") and "don't know anyone called 'Zed Quixote'" in err
    assert "notes" not in err and "loop" not in err
    for argv in (
        ("rename", "Zed Quixote", "Zed Q"),
        ("alias", "Zed Quixote", "ZQ"),
        ("merge", "Zack Quinn", "Zed Quixote"),
        ("who", "Olga"),
        ("who", "Zed"),
    ):
        code, out, err = run(capsys, argv[0], "--db", db, "--as", "bob", *argv[1:])
        assert code == 1 and "don't know anyone" in err, argv
        assert "Petrova" not in out + err and "Quixote'" not in out

    code, out, _ = run(capsys, "who", "--db", db, "--as", "alice", "Zed Quixote")
    assert code == 0 and out.startswith("Zed Quixote")
    assert "thinking of leaving" in out and "the intro" in out and "3 Mar" in out
    assert run(capsys, "who", "--db", db, "--as", "alice", "Olga")[1].startswith("Olga Petrova")
