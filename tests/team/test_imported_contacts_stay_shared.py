"""An address book imported for the team stays the team's after someone writes privately about
one of its people: the private note stays its author's, the contact stays everyone's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_kit import run

CARD = """BEGIN:VCARD
VERSION:3.0
FN:Zed Quixote
N:Quixote;Zed;;;
EMAIL:zed@example.com
ORG:Initrode
END:VCARD
"""


def test_a_private_note_does_not_hide_an_imported_contact_from_the_team(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "team.vcf"
    book.write_text(CARD, encoding="utf-8")
    assert run(capsys, "import", "--db", db, "--as", "alice", str(book))[0] == 0
    code, _, _ = run(
        capsys, "log", "--db", db, "--as", "bob", "private: lunch with Zed Quixote, his divorce"
    )
    assert code == 0

    code, out, _ = run(capsys, "who", "--db", db, "--as", "carol", "Zed")
    assert code == 0 and out.startswith("Zed Quixote") and "zed@example.com" in out
    assert "divorce" not in out and "lunch" not in out.lower()  # bob's note stays bob's

    # carol logs about him too: the imported contact, not a second Zed Quixote
    code, out, _ = run(capsys, "log", "--db", db, "--as", "carol", "call with Zed Quixote")
    assert code == 0 and "New contact" not in out


def test_forgetting_an_imported_contact_leaves_it_to_the_private_notes_alone(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "team.vcf"
    book.write_text(CARD, encoding="utf-8")
    run(capsys, "import", "--db", db, "--as", "alice", str(book))
    run(capsys, "log", "--db", db, "--as", "bob", "private: lunch with Zed Quixote")
    assert run(capsys, "forget", "--db", db, "--as", "alice", "--yes", "Zed Quixote")[0] == 0

    code, _, err = run(capsys, "who", "--db", db, "--as", "carol", "Zed")
    assert code != 0 and "Zed" in err  # gone for the team
    code, out, _ = run(capsys, "who", "--db", db, "--as", "bob", "Zed")
    assert code == 0 and "lunch" in out.lower()  # still there for the note's author
