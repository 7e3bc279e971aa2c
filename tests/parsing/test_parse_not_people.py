"""Capitalised words that are not people, judged by broad knowledge rather than a hand list:
technologies and common words (wordfreq), places of any size (GeoNames), languages, brands
written in CamelCase, street addresses and venues after "@". Real people beside them stay."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Knowledge, KnownPerson, parse_note

NOW = datetime(2026, 9, 16, 10, 0, tzinfo=ZoneInfo("Africa/Nairobi"))  # a Wednesday

KNOWN = Knowledge(
    people=(
        KnownPerson("Wanjiru Kamau"),
        KnownPerson("Hoang Thi Lan", aliases=("Lan",)),
        KnownPerson("Bongani Dlamini"),
    ),
    organisations=("Mwangi & Otieno",),
)


def filed(text: str, known: Knowledge = KNOWN) -> tuple[str, ...]:
    note = parse_note(text, now=NOW, tz="Africa/Nairobi", known=known)
    return tuple(p.known_as or p.name for p in note.people if not p.candidates)


NOT_PEOPLE = [
    # technologies and common words, in the places people put them
    (
        "skills-after-on",
        "screen w/ Wanjiru: solid on Kafka, shaky on Terraform",
        ("Wanjiru Kamau",),
    ),
    ("years-of-a-language", "Interviewed Tendai Moyo, 5 yrs Rust, 2 yrs Elixir", ("Tendai Moyo",)),
    ("job-title-as-subject", "Landlord wants the keys back by Friday", ()),
    ("trade-word-at-start", "Plumber says the boiler needs another week", ()),
    ("product-as-subject", "Salesforce keeps timing out for Bongani's team", ("Bongani Dlamini",)),
    ("sentence-initial-word", "Pipeline review w/ Bongani, 3 deals slipping", ("Bongani Dlamini",)),
    ("word-before-verb", "Finance wants the PO number on every invoice", ()),
    # places of every size, however they are introduced
    ("city-after-from", "Amara is from Kisumu originally", ("Amara",)),
    ("cities-listed", "Wanjiru covers Mombasa, Nakuru and Eldoret now", ("Wanjiru Kamau",)),
    ("country-as-subject", "Rwanda rollout slipped again, told Bongani", ("Bongani Dlamini",)),
    ("suburb-at-start", "Westlands office viewing done, Lan liked it", ("Hoang Thi Lan",)),
    ("foreign-city", "Lan flew to Da Nang for the weekend", ("Hoang Thi Lan",)),
    ("us-state", "Bongani says Oregon is the pilot state", ("Bongani Dlamini",)),
    # languages and nationalities
    ("languages", "Wanjiru speaks Swahili, Kikuyu and Amharic", ("Wanjiru Kamau",)),
    ("language-version", "Amharic version of the deck goes to Bongani", ("Bongani Dlamini",)),
    # brands written in CamelCase, and addresses
    ("camel-case-brands", "Lan moved the team from HubSpot to PipeDrive", ("Hoang Thi Lan",)),
    ("street-address", "viewing at 22 Ngong Rd with Wanjiru", ("Wanjiru Kamau",)),
    ("street-name-alone", "Wanjiru prefers the Moi Avenue flat", ("Wanjiru Kamau",)),
    (
        "suburb-after-street",
        "open home at 9 Riara Rd, Kilimani Heights — Lan came",
        ("Hoang Thi Lan",),
    ),
    ("role-at-start", "Treasurer is Mrs. Achieng Odhiambo, very sharp", ("Achieng Odhiambo",)),
    ("known-firm-with-ampersand", "Bongani says Mwangi &amp; Otieno signed", ("Bongani Dlamini",)),
    ("venue-after-at-sign", "coffee w/ Lan @ Java House", ("Hoang Thi Lan",)),
    ("venue-after-at-sign-single", "drinks w/ Bongani @ Alchemist", ("Bongani Dlamini",)),
]

STILL_PEOPLE = [
    ("names-that-are-places", "lunch with Florence and Jordan Ellis", ("Florence", "Jordan Ellis")),
    ("name-that-is-a-word", "met Hope for coffee", ("Hope",)),
    ("surname-that-is-a-word", "call w/ Thandiwe Stone re renewal", ("Thandiwe Stone",)),
    ("name-after-met", "We met Sun at the stand", ("Sun",)),
    ("possessive-occasion", "Paddy's anniversary is 21 Dec", ("Paddy",)),
    ("uncommon-name", "Oluwaseun called about the lease", ("Oluwaseun",)),
    ("korean-given-name", "lunch w/ Seo-yeon Kang", ("Seo-yeon Kang",)),
    ("vietnamese-name", "coffee with Phạm Minh Châu", ("Phạm Minh Châu",)),
    ("known-name-that-is-a-word", "Lan sent the slides", ("Hoang Thi Lan",)),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in NOT_PEOPLE], ids=[r[0] for r in NOT_PEOPLE]
)
def test_things_places_and_words_are_not_people(text: str, expected: tuple[str, ...]) -> None:
    assert filed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in STILL_PEOPLE], ids=[r[0] for r in STILL_PEOPLE]
)
def test_people_whose_names_are_words_or_places_stay(text: str, expected: tuple[str, ...]) -> None:
    assert filed(text) == expected
