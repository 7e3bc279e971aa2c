"""Organisations named in a note, and what it says about people's companies, roles and
nicknames."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Knowledge, KnownPerson, parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
KNOWN = Knowledge(
    people=(
        KnownPerson("Niamh O'Brien", aliases=("Nee",)),
        KnownPerson("Antoine Moreau", ("Tony",)),
    ),
    organisations=("Vandelay", "Stripe"),
)


def facts(text: str) -> tuple[tuple[str, str | None, str | None, tuple[str, ...]], ...]:
    note = parse_note(text, now=NOW, tz="Europe/Berlin", known=KNOWN)
    return tuple(
        (p.known_as or p.name, p.company, p.role, p.aliases)
        for p in note.people
        if p.company or p.role or p.aliases
    )


def orgs(text: str) -> tuple[str, ...]:
    return tuple(
        o.name for o in parse_note(text, now=NOW, tz="Europe/Berlin", known=KNOWN).organisations
    )


FACTS = [
    ("from", "Sunil from Plaid intro'd me", (("Sunil", "Plaid", None, ()),)),
    ("from-full-name", "coffee with Oliver Grant from Acme", (("Oliver Grant", "Acme", None, ()),)),
    ("parens", "coffee w/ Kai Berg (Vandelay)", (("Kai Berg", "Vandelay", None, ()),)),
    (
        "parens-company-role",
        "Lunch with Abdullah ibn Rashid (Stark Industries CFO)",
        (("Abdullah ibn Rashid", "Stark Industries", "CFO", ()),),
    ),
    (
        "possessive-role",
        "Initrode's COO Mei Tanaka reached out",
        (("Mei Tanaka", "Initrode", "COO", ()),),
    ),
    (
        "possessive-role-commas",
        "Hooli's CTO, Dev Patel, joined the call",
        (("Dev Patel", "Hooli", "CTO", ()),),
    ),
    (
        "comma-role-at",
        "Mei Tanaka, COO at Initrode, pitched us",
        (("Mei Tanaka", "Initrode", "COO", ()),),
    ),
    ("their-role", "their CTO Elena Vidal is leaving", (("Elena Vidal", None, "CTO", ()),)),
    (
        "head-of-appositive",
        "their new head of data, Grace Liu",
        (("Grace Liu", None, "head of data", ()),),
    ),
    (
        "moved-to-as",
        "Emily Zhang moved to Acme as VP Eng",
        (("Emily Zhang", "Acme", "VP Eng", ()),),
    ),
    (
        "pronoun-moving-to-as",
        "coffee w/ Niamh O'Brien, she's moving to Intercom as Head of Partnerships",
        (("Niamh O'Brien", "Intercom", "Head of Partnerships", ()),),
    ),
    ("works-at", "Lars joined the slack, works at Hooli", (("Lars", "Hooli", None, ()),)),
    (
        "at-known-company",
        "intro her to Charlotte Dubois at Vandelay",
        (("Charlotte Dubois", "Vandelay", None, ()),),
    ),
    (
        "initials-alias",
        "Kickoff with Anna-Lena Vogt (AL)",
        (("Anna-Lena Vogt", None, None, ("AL",)),),
    ),
    (
        "initials-alias-then-from",
        "Jean-Pierre Roux (JP) from Carrefour",
        (("Jean-Pierre Roux", "Carrefour", None, ("JP",)),),
    ),
    (
        "goes-by",
        "Interviewed Trần Thị Mai (goes by Mai)",
        (("Trần Thị Mai", None, None, ("Mai",)),),
    ),
    ("quoted-nickname", "met Robert Smith ('Bobby')", (("Robert Smith", None, None, ("Bobby",)),)),
    ("known-alias-is-not-news", "coffee w/ Niamh O'Brien (Nee)", ()),
    ("known-alias-quoted", "Antoine Moreau ('Tony') is moving", ()),
    (
        "role-in-brackets",
        "Board mtg: Olumide Adeyemi (treasurer) flagged cash",
        (("Olumide Adeyemi", None, "treasurer", ()),),
    ),
    (
        "department-is-not-a-role",
        "Video call with Sanne van der Berg (PortLink procurement)",
        (("Sanne van der Berg", "PortLink", None, ()),),
    ),
    (
        "company-comma-role",
        "video call w/ Yuki Nakamura (Sakura Retail SG, HRBP)",
        (("Yuki Nakamura", "Sakura Retail SG", "HRBP", ()),),
    ),
    (
        "company-then-role-in-brackets",
        "prep call w/ Yael Mizrahi (Tessellate AI head of product)",
        (("Yael Mizrahi", "Tessellate AI", "head of product", ()),),
    ),
    (
        "noun-and-role-head",
        "Zoom w/ Aisha Bello + her programme lead Hauwa Abdullahi",
        (("Hauwa Abdullahi", None, "programme lead", ()),),
    ),
    (
        "role-then-title",
        "Sarah Goldberg's CEO, Dr. Rania Haddad, joined",
        (("Rania Haddad", None, "CEO", ()),),
    ),
    (
        "from-the",
        "Tunde Bakare-Williams from the Chevron Nigeria Foundation reached out",
        (("Tunde Bakare-Williams", "Chevron Nigeria Foundation", None, ()),),
    ),
    (
        "role-comma-company",
        "Breakfast w/ Arjun Nair-Menon (CTO, Zepto)",
        (("Arjun Nair-Menon", "Zepto", "CTO", ()),),
    ),
    (
        "role-at-company",
        "met Ngozi Eze-Park (PM @ Toss) at the hackathon",
        (("Ngozi Eze-Park", "Toss", "PM", ()),),
    ),
    ("relation-is-not-a-role", "Ben's cofounder Lior has cancer", ()),
    ("partner-is-family", "Ahmed and his partner Youssef", ()),
    ("place-is-not-a-company", "Met Mei at Initrode HQ", ()),
    ("moving-to-a-city", "Joost is moving to Rotterdam", ()),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in FACTS], ids=[r[0] for r in FACTS])
def test_company_role_and_alias_facts(
    text: str, expected: tuple[tuple[str, str | None, str | None, tuple[str, ...]], ...]
) -> None:
    assert facts(text) == expected


ORGS = [
    ("from", "Sunil from Plaid intro'd me", ("Plaid",)),
    ("known-lowercase", "jen from stripe called", ("Stripe",)),
    ("possessive", "Initrode's COO Mei Tanaka", ("Initrode",)),
    ("organisation-only", "Vandelay signed!", ("Vandelay",)),
    ("investor", "raised a Series C led by Sequoia", ("Sequoia",)),
    ("leaving-for", "she is leaving for Stripe", ("Stripe",)),
    ("university", "Prof. Liam Walsh from MIT", ("MIT",)),
    ("two-words", "Khalid Mansour from Globex Gulf", ("Globex Gulf",)),
    ("none", "lunch with Sam at Nopa", ()),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in ORGS], ids=[r[0] for r in ORGS])
def test_organisations(text: str, expected: tuple[str, ...]) -> None:
    assert orgs(text) == expected


# --- round 5 ------------------------------------------------------------------------------------

ROUND5_FACTS = [
    (
        "role-at-company-in-brackets",
        "met Ifeoma Chukwu (head of risk at Access Bank) at the mixer",
        (("Ifeoma Chukwu", "Access Bank", "head of risk", ()),),
    ),
    (
        "role-at-company-then-city",
        "lunch w/ Ngozi Eze (product lead at Kuda in Yaba)",
        (("Ngozi Eze", "Kuda", "product lead", ()),),
    ),
    (
        "role-at-sign-company",
        "coffee with Tobi Adebayo (GP @ Ventures Platform)",
        (("Tobi Adebayo", "Ventures Platform", "GP", ()),),
    ),
    (
        "head-of-comma-company",
        "Call with Dr. Bashir Lawal (head of payments, CBN)",
        (("Bashir Lawal", "CBN", "head of payments", ()),),
    ),
    (
        "our-role-in-brackets",
        "Emeka (our lawyer) says the DPA is fine",
        (("Emeka", None, "lawyer", ()),),
    ),
    (
        "our-role-before-name",
        "looped in our accountant Funke Balogun",
        (("Funke Balogun", None, "accountant", ()),),
    ),
    (
        "introduced-to-someone-at-a-company",
        "Halima intro'd me to Kofi Mensah at Hubtel",
        (("Kofi Mensah", "Hubtel", None, ()),),
    ),
    ("a-venue-is-no-company", "lunch with Kofi Mensah at Nobu", ()),
    ("a-place-is-no-company", "sent the deck to Kofi Mensah at Accra", ()),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in ROUND5_FACTS], ids=[r[0] for r in ROUND5_FACTS]
)
def test_roles_and_companies_as_notes_give_them(
    text: str, expected: tuple[tuple[str, str | None, str | None, tuple[str, ...]], ...]
) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sent Chidi two case studies (Kuda, Flutterwave)", ("Kuda", "Flutterwave")),
        ("proposal with 3 refs (Moniepoint, Opay, Carbon)", ("Moniepoint", "Opay", "Carbon")),
        ("they may switch to a competitor (Interswitch?)", ("Interswitch",)),
        ("2 case studies (Aer Lingus, DHL)", ("Aer Lingus", "DHL")),
    ],
)
def test_companies_listed_in_brackets_are_organisations_not_people(
    text: str, expected: tuple[str, ...]
) -> None:
    note = parse_note(text, now=NOW, tz="Europe/Berlin", known=KNOWN)
    assert tuple(o.name for o in note.organisations) == expected
    assert not {p.name for p in note.people} & set(expected)


@pytest.mark.parametrize(
    "text",
    [
        "shortlist (Priya, Marco) for the role",  # given names: people
        "strong on two languages (Go, Rust)",  # common words: skills
        "numbers for (Q3, Q4)",
    ],
)
def test_brackets_of_people_or_words_are_no_companies(text: str) -> None:
    note = parse_note(text, now=NOW, tz="Europe/Berlin", known=KNOWN)
    assert note.organisations == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "coffee with Amaka Obi — she's the new head of sales at Moniepoint",
            (("Amaka Obi", "Moniepoint", "head of sales", ()),),
        ),
        (
            "screen: *Emre Kaya*, senior data engineer at Getir",
            (("Emre Kaya", "Getir", "senior data engineer", ()),),
        ),
        ("met Ama Owusu, she's in Accra this week", ()),
    ],
)
def test_a_role_said_of_a_pronoun_or_after_a_comma(
    text: str, expected: tuple[tuple[str, str | None, str | None, tuple[str, ...]], ...]
) -> None:
    assert facts(text) == expected


def test_where_someone_used_to_work_is_an_organisation() -> None:
    note = parse_note("met Tunde Bello, ex-Opay", now=NOW, tz="Europe/Berlin", known=KNOWN)
    assert [o.name for o in note.organisations] == ["Opay"]
    assert [p.name for p in note.people] == ["Tunde Bello"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("heads-up: the new CFO is Ada Eze", (("Ada Eze", None, "CFO", ()),)),
        (
            "Niamh's EA (Bisi Adeyemi) emailed the agenda",
            (("Bisi Adeyemi", None, "EA", ()),),
        ),
        (
            "met Chioma Nwankwo from Paystack Lagos at the demo day",
            (("Chioma Nwankwo", "Paystack", None, ()),),
        ),
        (
            "zoom with Yaw Boateng (regional sales director at Wave Mobile Money in Accra, ex-MTN)",
            (("Yaw Boateng", "Wave Mobile Money", "regional sales director", ()),),
        ),
    ],
)
def test_roles_said_before_a_name_and_offices_after_a_company(
    text: str, expected: tuple[tuple[str, str | None, str | None, tuple[str, ...]], ...]
) -> None:
    assert facts(text) == expected


def test_a_full_name_in_brackets_after_a_role_is_a_person_not_a_company() -> None:
    note = parse_note("Niamh's EA (Bisi Adeyemi) emailed", now=NOW, tz="Europe/Berlin", known=KNOWN)
    assert note.organisations == ()
    assert "Bisi Adeyemi" in [p.name for p in note.people]
