"""Known people written short, and names in the shapes people write them: a surname initial
("Tomás H"), initials of a double surname ("Ngozi O-I"), a nickname or alias with the surname
("Bene Schäfer", "Alex Petrova"), the given names of a surname-first name ("Jia Hui" for Lim Jia
Hui), a nickname alone ("Rafa"), a fuller name of someone known by one name, a quoted nickname
inside a name, long Irish and Spanish names, and a company that says which of two people."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Knowledge, KnownPerson, PersonRef, parse_note

NOW = datetime(2026, 10, 7, 9, 0, tzinfo=ZoneInfo("Asia/Kuala_Lumpur"))  # a Wednesday

KNOWN = Knowledge(
    people=(
        KnownPerson("Tomás Herrera", company="Andes Freight"),
        KnownPerson("Tomás Iglesias", company="Bodega Sur"),
        KnownPerson("Ngozi Okonjo-Iweala"),
        KnownPerson("Benedikt Schäfer", aliases=("Bene",)),
        KnownPerson("Alexandra Petrova"),
        KnownPerson("Lim Jia Hui"),
        KnownPerson("Rafaela Costa"),
        KnownPerson("Joaquín"),
        KnownPerson("Aditi Rao", company="Monsoon Labs"),
        KnownPerson("Aditi Kulkarni", company="Tidewater"),
        KnownPerson("Grace Otieno"),
    ),
    organisations=("Andes Freight", "Bodega Sur", "Monsoon Labs", "Tidewater"),
)


def refs(text: str) -> tuple[PersonRef, ...]:
    return parse_note(text, now=NOW, tz="Asia/Kuala_Lumpur", known=KNOWN).people


def filed(text: str) -> tuple[str, ...]:
    return tuple(p.known_as or p.name for p in refs(text) if not p.candidates)


SHORT_FORMS = [
    ("surname-initial", "Tomás H pinged about the lanes", ("Tomás Herrera",)),
    ("surname-initial-other", "call w/ Tomás I re: pallets", ("Tomás Iglesias",)),
    ("surname-initial-dot", "sent Tomás I. the rate card", ("Tomás Iglesias",)),
    ("double-surname-initials", "Ngozi O-I confirmed the venue", ("Ngozi Okonjo-Iweala",)),
    ("alias-and-surname", "Bene Schäfer called, wants the specs", ("Benedikt Schäfer",)),
    ("nickname-and-surname", "lunch w/ Alex Petrova yesterday", ("Alexandra Petrova",)),
    ("given-names-of-surname-first", "Jia Hui sent the PO", ("Lim Jia Hui",)),
    ("given-names-lower", "call w/ jia hui re renewal", ("Lim Jia Hui",)),
    ("nickname-alone", "Rafa's deck is ready", ("Rafaela Costa",)),
    ("fuller-name-of-one-name", "Joaquín Ibarra called about the quote", ("Joaquín",)),
    ("company-says-which", "coffee w/ Aditi from Tidewater", ("Aditi Kulkarni",)),
    ("company-in-brackets-says-which", "Aditi (Monsoon Labs) wants a demo", ("Aditi Rao",)),
    (
        "full-name-still-wins",
        "Tomás Herrera and Tomás Iglesias both in",
        ("Tomás Herrera", "Tomás Iglesias"),
    ),
]

NEW_NAMES = [
    ("quoted-nickname", "intro call w/ Dmitri 'Dima' Volkov", ("Dmitri Volkov",), ("Dima",)),
    ("double-quoted-nickname", 'met Oluwafemi "Femi" Adeyinka', ("Oluwafemi Adeyinka",), ("Femi",)),
    ("irish-mac-giolla", "drinks w/ Seán Mac Giolla Bhríde", ("Seán Mac Giolla Bhríde",), ()),
    (
        "four-part-spanish",
        "met María José Sánchez Ortega today",
        ("María José Sánchez Ortega",),
        (),
    ),
    ("surname-first-then-given", "met Goh Siew Ling; Siew Ling runs ops", ("Goh Siew Ling",), ()),
    ("new-surname-with-known-first", "breakfast with Grace Wambui", ("Grace Wambui",), ()),
    (
        "nickname-of-a-name-in-the-note",
        "dinner w/ Dr. Nathaniel Osei. Nat's 50th is in May",
        ("Nathaniel Osei",),
        (),
    ),
    (
        "couple-sharing-a-surname",
        "Ines & Marco Bianchi rang re: the flat",
        ("Ines Bianchi", "Marco Bianchi"),
        (),
    ),
    (
        "sentence-start-three-part-name",
        "Cheng Mei Lin from finance emailed",
        ("Cheng Mei Lin",),
        (),
    ),
    ("initial-after-sent", "Sent Jan the release notes", ("Jan",), ()),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in SHORT_FORMS], ids=[r[0] for r in SHORT_FORMS]
)
def test_known_people_written_short(text: str, expected: tuple[str, ...]) -> None:
    assert filed(text) == expected


@pytest.mark.parametrize(
    ("text", "names", "aliases"), [r[1:] for r in NEW_NAMES], ids=[r[0] for r in NEW_NAMES]
)
def test_new_names_in_their_shapes(
    text: str, names: tuple[str, ...], aliases: tuple[str, ...]
) -> None:
    found = refs(text)
    assert tuple(p.name for p in found) == names
    assert tuple(a for p in found for a in p.aliases) == aliases


IN_PASSING = [
    ("who-it-isnt", "Tomás H is running the rollout, not Bene", ("Tomás Herrera",)),
    ("resemblance", "Grace is from Kisumu like Rafa", ("Grace Otieno",)),
    ("liking-is-no-resemblance", "I like Bene a lot, he called", ("Benedikt Schäfer",)),
    ("named-again-properly", "not Bene this time; Bene called later", ("Benedikt Schäfer",)),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in IN_PASSING], ids=[r[0] for r in IN_PASSING]
)
def test_names_in_passing_are_not_filed(text: str, expected: tuple[str, ...]) -> None:
    assert filed(text) == expected


def test_two_with_the_first_name_is_still_a_question() -> None:
    (ref,) = refs("Tomás wants the contract")
    assert ref.candidates == ("Tomás Herrera", "Tomás Iglesias")


def test_an_initial_that_fits_nobody_is_someone_new() -> None:
    (ref,) = refs("Aditi M called")
    assert ref.known_as is None
    assert ref.name == "Aditi M"
