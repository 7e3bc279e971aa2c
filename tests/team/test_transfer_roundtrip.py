"""An export imports back whole (a JSON export restores notes, loops and occasions; a dry run
changes nothing), `rapport import` says what it skipped and fails when nothing was imported, and
a CSV export is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from bot.app import Rapport
from bot.domain.errors import UserInputError
from bot.notes.export import safe_cell
from tests.cli_kit import run
from tests.team.conftest import ANA, BOB, EVE

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _story(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Jane Doe, she wants a shelter dog #adoption")
    rapport.notes.log(actor=ANA, text="I owe Raj Patel the deck by Friday")
    rapport.notes.log(actor=ANA, text="asked Raj Patel for the contract, waiting on him")
    rapport.notes.log(actor=ANA, text="Jane Doe's birthday is March 3")
    rapport.notes.log(actor=ANA, text="private: Raj Patel is job hunting")
    rapport.notes.log(actor=BOB, text="lunch with Jane Doe about the Globex pilot")


def _view(rapport: Rapport, actor: object) -> dict[str, object]:
    data = json.loads(rapport.transfer.export(actor=actor, format="json"))  # type: ignore[arg-type]
    return {
        "contacts": sorted(
            (c["name"], c["company"], tuple(c["tags"]), tuple(map(str, c["occasions"])))
            for c in data["contacts"]
        ),
        "notes": sorted(
            (n["text"], n["occurred_at"], n["private"], tuple(n["contacts"]), tuple(n["tags"]))
            for n in data["notes"]
            if n["author"] != "Bob"
        ),
        "loops": sorted(
            (lp["direction"], lp["what"], lp["contact"], lp["due_at"], lp["status"])
            for lp in data["loops"]
        ),
    }


def test_a_json_export_restores_notes_loops_and_occasions(rapport: Rapport, tmp_path: Path) -> None:
    _story(rapport)
    before = _view(rapport, ANA)
    assert len(before["loops"]) == 2 and len(before["notes"]) == 5  # type: ignore[arg-type]
    path = tmp_path / "ana.json"
    path.write_text(rapport.transfer.export(actor=ANA, format="json"), encoding="utf-8")

    # Ana moves to another workspace (same Slack user id there) and restores her export.
    dry = rapport.transfer.import_contacts(actor=EVE, path=path, dry_run=True)
    assert dry.dry_run and (dry.created, dry.notes, dry.loops, dry.occasions) == (2, 5, 2, 1)
    assert json.loads(rapport.transfer.export(actor=EVE, format="json"))["notes"] == []

    restored = rapport.transfer.import_contacts(actor=EVE, path=path)
    assert (restored.created, restored.notes, restored.loops, restored.occasions) == (2, 5, 2, 1)
    # Bob's note was shared with Ana, not given to her: it is left out, and the summary says so.
    assert [(p.message, p.skipped) for p in restored.problems] == [
        ("1 note by Bob left out: only the author can restore their notes", True)
    ]
    after = _view(rapport, EVE)
    assert after == before
    card = rapport.recall.card(actor=EVE, name="Raj Patel")
    assert {lp.what for lp in card.open_loops} == {"the deck", "the contract"}
    assert any("job hunting" in e.text for e in card.timeline)  # her own private note, still hers
    assert rapport.recall.recall(actor=EVE, query="shelter dog").hits  # searchable again

    again = rapport.transfer.import_contacts(actor=EVE, path=path)
    assert (again.created, again.notes, again.loops, again.occasions) == (0, 0, 0, 0)
    assert _view(rapport, EVE) == before


def test_a_json_file_that_is_not_an_export_is_one_clear_line(
    rapport: Rapport, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"contacts": [', encoding="utf-8")
    with pytest.raises(UserInputError, match="isn't valid JSON"):
        rapport.transfer.import_contacts(actor=ANA, path=broken)
    other = tmp_path / "other.json"
    other.write_text('{"people": []}', encoding="utf-8")
    with pytest.raises(UserInputError, match="isn't a Rapport export"):
        rapport.transfer.import_contacts(actor=ANA, path=other)


def test_rapport_import_names_what_it_skipped_and_fails_when_nothing_was_imported(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    groups = FIXTURES / "vcard" / "apple-addressbook-3.0-x-addressbookserver-group.vcf"
    code, out, _ = run(capsys, "import", "--db", db, str(groups))
    assert code == 1
    # Only that: an "Imported 1 record: 0 new contacts, …" line above it read as a success.
    assert out.startswith("Nothing was imported.\n") and "Imported" not in out
    assert "line 1: skipped Shared Group: a group, not a person" in out

    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"")
    code, out, _ = run(capsys, "import", "--db", db, str(empty))
    assert code == 1 and "no contacts found in the file" in out
    words = tmp_path / "words.vcf"
    words.write_text("hello world\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", "--db", db, str(words))
    assert code == 1 and out.startswith("Nothing was imported.") and "no contacts found" in out
    code, out, _ = run(capsys, "import", "--db", db, "--dry-run", str(groups))
    assert code == 1 and out.startswith("Nothing would be imported.")

    mixed = FIXTURES / "vcard" / "rfc6350-4.0-kind-group-members.vcf"
    code, out, _ = run(capsys, "import", "--db", db, str(mixed))
    assert code == 0
    assert out.startswith("Imported 4 records: 2 new contacts")
    assert "line 1: skipped The Doe family: a group, not a person" in out
    assert "line 18: skipped Funky distribution list: a group, not a person" in out

    text = FIXTURES / "vcard" / "khard-4.0-bday-text.vcf"
    code, out, _ = run(capsys, "import", "--db", db, str(text))
    assert code == 0
    assert "line 1: text birthday: birthday 'circa 1800' is not a date Rapport can read" in out


def test_export_then_import_into_a_new_database_in_the_console(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "log", "--db", db, "coffee with Jane Doe, she wants a shelter dog")
    run(capsys, "log", "--db", db, "I owe Jane Doe the adoption forms by Friday")
    backup = tmp_path / "backup.json"
    assert run(capsys, "export", "--db", db, "--out", str(backup))[0] == 0
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"

    code, out, _ = run(capsys, "import", "--db", fresh, "--dry-run", str(backup))
    assert code == 0
    assert out.startswith("Would import 1 record: 1 new contact")
    assert "  new: Jane Doe" in out
    assert "2 notes and 1 loop restored" in out and "Dry run: nothing was changed." in out
    code, _, err = run(capsys, "who", "--db", fresh, "Jane Doe")
    assert code == 1 and "Jane Doe" in err

    code, out, _ = run(capsys, "import", "--db", fresh, str(backup))
    assert code == 0 and "2 notes and 1 loop restored" in out
    code, out, _ = run(capsys, "who", "--db", fresh, "Jane Doe")
    assert "shelter dog" in out and "the adoption forms" in out


HOSTILE = (
    "Name,Company,Title,E-mail 1 - Value,Phone 1 - Value\n"
    'Jane Doe,"=HYPERLINK(""http://evil.example"",""click"")",+SUM(1;2),jane@example.com,'
    "+1 415 555 0142\n"
    "Bob Evil,-2+3,@SUM(A1),bob@example.com,\n"
    'Tab Start,"\tcmd","\rcr",,\n'
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_a_csv_export_never_carries_a_formula_or_a_control_character(
    rapport: Rapport, tmp_path: Path
) -> None:
    source = tmp_path / "hostile.csv"
    source.write_text(HOSTILE, encoding="utf-8", newline="")
    rapport.transfer.import_contacts(actor=ANA, path=source)
    rapport.notes.log(actor=ANA, text="met Jane Doe \x1b[31mred\x1b[0m \x1b]0;pwned\x07 and \x9b2J")
    rapport.notes.log(actor=ANA, text="=cmd|' /C calc'!A0 said Bob Evil")

    exported = rapport.transfer.export(actor=ANA, format="csv")
    rows = list(csv.reader(io.StringIO(exported)))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert not [c for c in cells if _CONTROLS.search(c)]
    by_name = {r[0]: r for r in rows[1:]}
    header = rows[0]
    company = header.index("Organization 1 - Name")
    assert by_name["Jane Doe"][company] == '\'=HYPERLINK("http://evil.example","click")'
    assert by_name["Bob Evil"][company] == "'-2+3"
    assert "red" in by_name["Jane Doe"][header.index("Notes")]

    # The guard comes off again when Rapport reads its own export back.
    back = tmp_path / "back.csv"
    back.write_text(exported, encoding="utf-8")
    other = rapport.transfer.import_contacts(actor=EVE, path=back)
    assert other.created == 3
    card = rapport.recall.card(actor=EVE, name="Jane Doe")
    assert card.company == '=HYPERLINK("http://evil.example","click")'
    assert card.phones == ("+14155550142",)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+1 415", "'+1 415"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\nx"),
        ("a\x1b[31mb", "a[31mb"),
        ("\x1b=1", "'=1"),
        ("line\r\nnext", "line\nnext"),
        ("caf\u00e9 \u2014 ok", "caf\u00e9 \u2014 ok"),
        ("a=b", "a=b"),
        ("", ""),
    ],
    ids=[
        "equals",
        "plus",
        "minus",
        "at",
        "tab",
        "cr",
        "escape-sequence",
        "control-hiding-formula",
        "crlf",
        "unicode-kept",
        "equals-inside",
        "empty",
    ],
)
def test_safe_cell(value: str, cell: str) -> None:
    assert safe_cell(value) == cell
