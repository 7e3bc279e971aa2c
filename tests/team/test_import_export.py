"""Your data in and out: vCard and Google CSV import (idempotent, bad rows by line), export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bot.app import Rapport
from bot.notes.importer import parse_birthday
from tests.team.conftest import ANA, BOB, EVE

DATA = Path(__file__).parent / "data"


def test_a_vcard_file_imports_once_and_reports_bad_cards_by_line(rapport: Rapport) -> None:
    first = rapport.transfer.import_contacts(actor=ANA, path=DATA / "contacts.vcf")
    assert (first.total, first.created, first.merged, first.skipped) == (5, 4, 0, 0)
    # A birthday that is no date costs the birthday, not the card; a card with no name is skipped.
    assert [(p.line, p.name, p.skipped) for p in first.problems] == [
        (18, "Broken Birthday", False),
        (23, "", True),
    ]
    assert "sometime in spring" in first.problems[0].message
    assert first.problems[1].message == "no name"
    jane = rapport.recall.card(actor=BOB, name="JD")  # nicknames become aliases
    assert (jane.contact.display_name, jane.company, jane.role) == (
        "Jane Doe",
        "Globex",
        "Head of Data",
    )
    assert [(o.kind, o.month, o.day, o.year) for o in jane.occasions] == [("birthday", 3, 14, 1990)]

    again = rapport.transfer.import_contacts(actor=ANA, path=DATA / "contacts.vcf")
    assert (again.created, again.merged, again.skipped) == (0, 0, 4)
    # Another workspace gets nothing of it.
    assert rapport.team.who_knows(actor=EVE, query="Globex").contacts == ()


def test_google_csv_matches_by_email_first_and_fills_what_is_missing(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Jane Doe")
    summary = rapport.transfer.import_contacts(actor=ANA, path=DATA / "google.csv")
    assert (summary.created, summary.merged, summary.skipped) == (2, 1, 0)
    # The empty row is nothing; Priya's impossible birthday is left out, Priya is not.
    assert [(p.line, p.name, p.skipped) for p in summary.problems] == [(5, "Priya Nair", False)]
    lena = rapport.recall.card(actor=ANA, name="Lena Fischer")
    assert (lena.company, lena.role) == ("Acme", "CTO")
    assert [(o.month, o.day, o.year) for o in lena.occasions] == [(11, 2, None)]
    # The contact from a note gained an email; a second import changes nothing.
    again = rapport.transfer.import_contacts(actor=ANA, path=DATA / "google.csv")
    assert (again.created, again.merged, again.skipped) == (0, 0, 3)
    # Imported contacts answer who-knows through the importer.
    answer = rapport.team.who_knows(actor=BOB, query="Acme")
    assert [p.user for p in answer.teammates] == ["Ana"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-03-14", (3, 14, 1990)),
        ("19900314", (3, 14, 1990)),
        ("--03-14", (3, 14, None)),
        ("--0314", (3, 14, None)),
        ("1604-03-14", (3, 14, None)),
        ("03/14/1990", (3, 14, 1990)),
        ("1990-03-14T00:00:00Z", (3, 14, 1990)),
        ("spring", None),
        ("1990-13-01", None),
    ],
    ids=[
        "iso",
        "basic",
        "no-year",
        "no-year-basic",
        "apple-no-year",
        "us",
        "datetime",
        "words",
        "month-13",
    ],
)
def test_birthdays_as_address_books_write_them(
    text: str, expected: tuple[int, int, int | None] | None
) -> None:
    assert parse_birthday(text) == expected


def test_export_has_what_you_may_see_and_round_trips(rapport: Rapport, tmp_path: Path) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Jane Doe, she wants a shelter dog")
    rapport.notes.log(actor=BOB, text="private: Jane Doe's birthday is March 3, she is job hunting")
    rapport.notes.log(actor=ANA, text="I owe Raj Patel the deck by Friday")

    data = json.loads(rapport.transfer.export(actor=ANA, format="json"))
    assert {c["name"] for c in data["contacts"]} == {"Jane Doe", "Raj Patel"}
    assert all("job hunting" not in n["text"] for n in data["notes"])
    assert [loop["what"] for loop in data["loops"]] == ["the deck"]
    jane = next(c for c in data["contacts"] if c["name"] == "Jane Doe")
    assert jane["occasions"] == []  # Bob's private birthday stays his

    rows = list(csv.DictReader(io.StringIO(rapport.transfer.export(actor=ANA, format="csv"))))
    assert {r["Name"] for r in rows} == {"Jane Doe", "Raj Patel"}
    assert "shelter dog" in next(r for r in rows if r["Name"] == "Jane Doe")["Notes"]

    vcf = rapport.transfer.export(actor=BOB, format="vcf")
    assert vcf.count("BEGIN:VCARD") == 2 and "BDAY" in vcf and "job hunting" in vcf
    path = tmp_path / "bob.vcf"
    path.write_text(vcf)
    back = rapport.transfer.import_contacts(actor=BOB, path=path)
    assert (back.created, back.problems) == (0, ())  # it reads back, and adds nothing new
    assert "BDAY:--03-03" in vcf
