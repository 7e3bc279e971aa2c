"""People as blind4 wrote them: nicknames 'everyone calls' someone, roles and companies after
a nickname's brackets, Malay and German particles, and initials two contacts share."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Knowledge, KnownPerson, ParsedNote, parse_note

NOW = datetime(2026, 7, 6, 10, 0, tzinfo=ZoneInfo("Africa/Nairobi"))


def parse(text: str, known: Knowledge | None = None) -> ParsedNote:
    return parse_note(text, now=NOW, tz="Africa/Nairobi", known=known or Knowledge())


@pytest.mark.parametrize(
    ("text", "name", "alias"),
    [
        (
            "coffee w/ Amara Okafor (everyone calls her Mara) about the pilot",
            "Amara Okafor",
            "Mara",
        ),
        ("lunch with Dmitri Volkov, everyone calls him Dima, at the port", "Dmitri Volkov", "Dima"),
        ("met Chiara Benedetti (people call her Kiki) at the summit", "Chiara Benedetti", "Kiki"),
    ],
)
def test_what_everyone_calls_someone_is_their_nickname(text: str, name: str, alias: str) -> None:
    people = {p.name: p for p in parse(text).people}
    assert alias in people[name].aliases


@pytest.mark.parametrize(
    ("text", "name", "company", "role"),
    [
        (
            "coffee w/ Nurul Aisyah binti Hassan (everyone calls her Aisyah), ops lead at Kargo",
            "Nurul Aisyah binti Hassan",
            "Kargo",
            "ops lead",
        ),
        (
            "met Kamande Githinji, associate at Novastar Ventures",
            "Kamande Githinji",
            "Novastar Ventures",
            "associate",
        ),
        (
            "lunch with Farah Qureshi, professor at Strathmore",
            "Farah Qureshi",
            "Strathmore",
            "professor",
        ),
    ],
)
def test_a_role_at_a_company_after_the_name(text: str, name: str, company: str, role: str) -> None:
    people = {p.name: p for p in parse(text).people}
    assert (people[name].company, people[name].role) == (company, role)


def test_where_a_company_name_ends_is_unsure_before_by() -> None:
    (person,) = parse("msg from Parisa Rahimi (Pari), head of BD at Etisalat by e& today").people
    assert (person.role, person.company) == ("head of BD", None)


@pytest.mark.parametrize(
    "name", ["Friederike zu Solms", "Siti Nurhaliza binte Rahman", "Ahmad Faiz bin Osman"]
)
def test_particles_stay_inside_the_name(name: str) -> None:
    assert [p.name for p in parse(f"video call w/ {name} about the contract").people] == [name]


def test_initials_one_contact_goes_by_and_another_has_are_asked_about() -> None:
    # The workspace can hold "AJ" as only one contact's nickname; Anjali Joshi is AJ too.
    known = Knowledge(
        people=(KnownPerson("Ahmed Jaber", ("AJ",)), KnownPerson("Anjali Joshi", ("Anjali",)))
    )
    (person,) = parse("AJ dm'd about the workshop", known).people
    assert person.known_as is None
    assert set(person.candidates) == {"Ahmed Jaber", "Anjali Joshi"}


def test_a_shared_first_name_next_to_a_nickname_is_not_asked_about() -> None:
    known = Knowledge(
        people=(KnownPerson("Tomasz Wisniewski", ("Tom",)), KnownPerson("Tom Hargreaves"))
    )
    (person,) = parse("Tom came back on the offer", known).people
    assert person.known_as == "Tomasz Wisniewski"


@pytest.mark.parametrize(
    ("text", "name", "company", "role"),
    [
        ("bumped into Ines Okoro (UCT fintech lab) at the expo", "Ines Okoro", "UCT", None),
        ("lunch w/ Dr. Hana Sato (RMIT design school). she", "Hana Sato", "RMIT", None),
        ("video call w/ Omar Haddad, SRE at Kijiji. sharp", "Omar Haddad", "Kijiji", "SRE"),
        (
            "call with Lena Brandt, co-op manager at Siemens.",
            "Lena Brandt",
            "Siemens",
            "co-op manager",
        ),
    ],
)
def test_companies_and_roles_in_other_shapes(
    text: str, name: str, company: str, role: str | None
) -> None:
    people = {p.name: p for p in parse(text).people}
    assert (people[name].company, people[name].role) == (company, role)


def test_an_acronym_with_a_role_after_it_is_not_only_a_company() -> None:
    (person,) = parse("coffee w/ Tariq Aziz (CTO at Zepto) on pricing").people
    assert (person.company, person.role) == ("Zepto", "CTO")


@pytest.mark.parametrize("verb", ["bumped into", "ran into", "Bumped into"])
def test_someone_you_run_into_is_a_person(verb: str) -> None:
    assert [p.name for p in parse(f"{verb} Amara Okoro at the airport").people] == ["Amara Okoro"]


def test_moving_into_a_place_is_not_a_person() -> None:
    assert parse("they moved into Soho last week").people == ()


def test_what_someone_is_called_is_no_phone_call() -> None:
    assert parse("met Yusuf Abdi (everyone calls him Yus) from M-Kopa at the expo").kind == "event"
