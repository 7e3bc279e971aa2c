"""Organisations are records of their own: a person's company and role come from notes, the
card and who-knows show them, a note about an organisation only is filed under it, and no
organisation, place, event or product becomes a person contact."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Rapport
from bot.blocks.card import card_blocks
from bot.blocks.kit import mrkdwn_to_text
from bot.blocks.notes import log_confirmation, log_fallback_text
from bot.console.notes import card_lines, log_lines
from bot.console.output import Output
from bot.domain.errors import NotFoundError
from tests.understanding.conftest import ANA, BOB, EVE, NOW, contact_names, orgs, people


def _text(blocks: list[dict[str, object]]) -> str:
    return mrkdwn_to_text(str(blocks))


@pytest.mark.parametrize(
    ("note", "person", "company", "role"),
    [
        ("coffee with Mei Tanaka, COO at Initrode", "Mei Tanaka", "Initrode", "COO"),
        ("Initrode's COO Mei Tanaka asked for the roadmap", "Mei Tanaka", "Initrode", "COO"),
        ("call w/ Sunil from Plaid re the integration", "Sunil", "Plaid", None),
        ("coffee w/ Kai Berg (Vandelay)", "Kai Berg", "Vandelay", None),
    ],
    ids=["role-at", "possessive-role", "from", "brackets"],
)
def test_a_persons_company_and_role_come_from_the_note(
    rapport: Rapport, note: str, person: str, company: str, role: str | None
) -> None:
    result = rapport.notes.log(actor=ANA, text=note)
    assert people(result) == [person]
    assert orgs(result) == [company]
    assert contact_names(rapport) == {person}  # the organisation is no contact
    card = rapport.recall.card(actor=ANA, name=person)
    assert (card.company, card.role) == (company, role)
    # the confirmation says what it learned; the card shows it in Slack and the console
    said = _text(log_confirmation(result, tz="UTC", now=NOW))
    assert f"Noted: {person}: " in said and company in said
    shown = _text(card_blocks(card, tz="UTC", now=NOW))
    assert company in shown and (role is None or f"{role} at {company}" in shown)
    lines = "\n".join(card_lines(card, Output(json=False, tz="UTC", now=NOW)))
    assert company in lines and (role is None or role in lines)


def test_who_knows_an_organisation_by_the_people_at_it(rapport: Rapport) -> None:
    rapport.notes.log(actor=BOB, text="coffee with Mei Tanaka, COO at Initrode")
    rapport.notes.log(actor=ANA, text="call w/ Sunil from Plaid")
    found = rapport.team.who_knows(actor=ANA, query="who knows someone at Initrode?")
    assert [t.user for t in found.teammates] == ["Bob"]
    assert [(c.contact.display_name, c.company, c.role) for c in found.contacts] == [
        ("Mei Tanaka", "Initrode", "COO")
    ]
    assert rapport.team.who_knows(actor=ANA, query="Plaid").contacts[0].why == "works at Plaid"


def test_one_record_per_organisation_however_it_is_written(rapport: Rapport) -> None:
    first = rapport.notes.log(actor=ANA, text="coffee with Mei Tanaka, COO at Initrode")
    second = rapport.notes.log(actor=BOB, text="Initrode signed!")
    third = rapport.notes.log(actor=ANA, text="call with Raj Patel from initrode")
    assert first.organisations[0].id == second.organisations[0].id == third.organisations[0].id
    # another workspace has its own organisations
    elsewhere = rapport.notes.log(actor=EVE, text="coffee with Ola Nordmann from Initrode")
    assert orgs(elsewhere) == ["Initrode"]
    assert elsewhere.organisations[0].id != first.organisations[0].id
    assert orgs(rapport.notes.log(actor=EVE, text="Initrode signed!")) == ["Initrode"]
    assert contact_names(rapport, EVE) == {"Ola Nordmann"}


@pytest.mark.parametrize(
    "note",
    [
        "Initrode signed!",
        "Initrode renewed for two years",
        "Plaid is migrating to Snowflake next quarter",
    ],
)
def test_a_note_only_about_an_organisation_is_filed_under_it(rapport: Rapport, note: str) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Mei Tanaka, COO at Initrode")
    rapport.notes.log(actor=ANA, text="call w/ Sunil from Plaid")
    result = rapport.notes.log(actor=ANA, text=note)
    assert result.note_id is not None and result.contacts == ()
    assert orgs(result)[:1] == [note.split()[0]]
    said = _text(log_confirmation(result, tz="UTC", now=NOW))
    assert f"Saved a note about {note.split()[0]}" in said and "(organisation)" in said
    assert "couldn't tell who" not in said
    assert note.split()[0] in log_fallback_text(result)
    console = "\n".join(log_lines(result, Output(json=False, tz="UTC", now=NOW)))
    assert f"about {note.split()[0]}" in console and "(organisation)" in console
    assert contact_names(rapport) == {"Mei Tanaka", "Sunil"}


@pytest.mark.parametrize(
    ("note", "person", "not_contacts"),
    [
        ("Sunil from Plaid says hi", "Sunil", {"Plaid"}),
        ("met Priya Shah at the RetailX Expo", "Priya Shah", {"RetailX", "Expo", "RetailX Expo"}),
        ("lunch with Omar Haddad, they raised a Series C", "Omar Haddad", {"C", "Series C"}),
        ("call with Lena Fischer, they're migrating to Snowflake", "Lena Fischer", {"Snowflake"}),
        ("coffee with Tom Baker, hiring 4 SDRs this quarter", "Tom Baker", {"SDRs"}),
        ("drinks with Maria Garcia, relocating to Denver in May", "Maria Garcia", {"Denver"}),
    ],
    ids=["company", "event", "funding", "product", "roles", "place"],
)
def test_organisations_places_events_products_are_never_contacts(
    rapport: Rapport, note: str, person: str, not_contacts: set[str]
) -> None:
    result = rapport.notes.log(actor=ANA, text=note)
    assert people(result) == [person]
    assert contact_names(rapport) == {person}
    assert not (contact_names(rapport) & not_contacts)


def test_a_private_note_keeps_what_it_says_about_people_to_itself(rapport: Rapport) -> None:
    result = rapport.notes.log(actor=ANA, text="private: coffee with Mei Tanaka, COO at Initrode")
    assert result.private and result.learned == ()
    # Mei, known only through Ana's private note, is nobody to Bob (authority follows visibility)
    with pytest.raises(NotFoundError):
        rapport.recall.card(actor=BOB, name="Mei Tanaka")
    assert rapport.recall.card(actor=ANA, name="Mei Tanaka").company is None
    # a team note says it for everyone
    rapport.notes.log(actor=ANA, text="lunch with Mei Tanaka, COO at Initrode")
    assert rapport.recall.card(actor=BOB, name="Mei Tanaka").company == "Initrode"


def test_a_later_note_moves_someone_to_their_new_company(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Mei Tanaka, COO at Initrode")
    moved = rapport.notes.log(actor=ANA, text="lunch with Mei Tanaka, CEO at Globex")
    assert "Mei Tanaka: CEO at Globex" in moved.learned
    card = rapport.recall.card(actor=ANA, name="Mei")
    assert (card.company, card.role) == ("Globex", "CEO")
    # saying the same again teaches nothing new, so the confirmation stays quiet about it
    again = rapport.notes.log(actor=ANA, text="call with Mei Tanaka, CEO at Globex")
    assert again.learned == ()


def test_undo_and_edit_take_the_organisation_link_with_the_note(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="call with Raj Patel from Globex")
    rapport.notes.log(actor=ANA, text="coffee with Mei Tanaka, COO at Initrode")
    note = rapport.notes.log(actor=ANA, text="Initrode signed!")
    assert note.note_id is not None
    edited = rapport.notes.edit(actor=ANA, note_id=note.note_id, text="Globex signed!")
    assert orgs(edited) == ["Globex"]
    rapport.notes.undo(actor=ANA, note_id=note.note_id)
    assert rapport.recall.recall(actor=ANA, query="signed").total == 0


def test_an_organisation_in_the_about_field_files_the_note_under_it(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Mei Tanaka, COO at Initrode")
    result = rapport.notes.log(actor=ANA, text="they signed the renewal", about=["Initrode"])
    assert result.contacts == () and orgs(result) == ["Initrode"]
    both = rapport.notes.log(actor=ANA, text="renewal call", about=["Initrode", "Mei Tanaka"])
    assert people(both) == ["Mei Tanaka"] and orgs(both) == ["Initrode"]
    assert contact_names(rapport) == {"Mei Tanaka"}


def test_an_imported_company_is_an_organisation_to_the_parser(
    rapport: Rapport, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ola Nordmann\nORG:Initrode\nEND:VCARD\n", encoding="utf-8"
    )
    assert rapport.transfer.import_contacts(actor=ANA, path=path).created == 1
    result = rapport.notes.log(actor=ANA, text="Initrode signed!")
    assert result.contacts == () and orgs(result) == ["Initrode"]
    assert contact_names(rapport) == {"Ola Nordmann"}
