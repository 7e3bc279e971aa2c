"""Names resolved against what the workspace knows: any case, any alias, a first name or a surname;
two candidates are a question, never a guess; corrections and Slack users are used."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Knowledge, KnownPerson, ParsedNote, PersonRef, parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Wednesday

KNOWN = Knowledge(
    people=(
        KnownPerson("Yusuf Rahimi", aliases=("Yus",), company="Plaid"),
        KnownPerson("Anna-Lena Vogt", aliases=("AL",)),
        KnownPerson("Kai Berg", company="Vandelay"),
        KnownPerson("Kai Tan", company="Globex"),
        KnownPerson("Trần Thị Mai", aliases=("Mai",)),
        KnownPerson("Pieter van den Heuvel"),
        KnownPerson("Zoë Martin"),
        KnownPerson("Wei Ling Tan"),
        KnownPerson("Jen Park"),
        KnownPerson("Grace Liu"),
        KnownPerson("Nguyễn Văn An", aliases=("An",)),
        KnownPerson("Pádraig Kelly", aliases=("Paddy",)),
        KnownPerson("Derek Chu", aliases=("D",)),
        KnownPerson("Tom Becker"),
        KnownPerson("Hannah Schmidt", slack_user_id="U0AAA1"),
    ),
    organisations=("Plaid", "Initrode", "Vandelay", "Globex"),
    not_people=("Expo", "Summit"),
    slack_users=(("U0BBB2", "Diego Alvarez"),),
)


def parse(text: str, known: Knowledge = KNOWN) -> ParsedNote:
    return parse_note(text, now=NOW, tz="Europe/Berlin", known=known)


def resolved(text: str, known: Knowledge = KNOWN) -> tuple[str, ...]:
    """Whom the note is filed under: known people by their name, new people as written."""
    return tuple(p.known_as or p.name for p in parse(text, known).people if not p.candidates)


RESOLVED = [
    ("lower-after-w", "call w/ yusuf re renewal", ("Yusuf Rahimi",)),
    ("lower-after-sent", "sent anna-lena the notes", ("Anna-Lena Vogt",)),
    ("lower-after-pinged", "pinged mai re availability", ("Trần Thị Mai",)),
    ("lower-full-name", "pinged kai berg re the pilot", ("Kai Berg",)),
    ("lower-before-verb", "yusuf called, renewal is fine", ("Yusuf Rahimi",)),
    ("lower-possessive", "jen's team is hiring", ("Jen Park",)),
    ("lower-list", "demo for yusuf and jen tommorrow", ("Yusuf Rahimi", "Jen Park")),
    ("lower-heading", "yusuf: wants 3yr pricing", ("Yusuf Rahimi",)),
    ("alias-caps", "AL's bday is 2 May", ("Anna-Lena Vogt",)),
    ("alias-single-letter", "D says hi from the offsite", ("Derek Chu",)),
    ("alias-nickname", "paddy called about the booth", ("Pádraig Kelly",)),
    ("alias-common-word-in-context", "told An the news", ("Nguyễn Văn An",)),
    ("alias-common-word-at-start", "An introduced me to Khoa", ("Nguyễn Văn An", "Khoa")),
    ("first-name", "Grace wants a demo", ("Grace Liu",)),
    ("surname", "Berg says the pilot is go", ("Kai Berg",)),
    ("particle-surname", "lunch with Van den Heuvel", ("Pieter van den Heuvel",)),
    ("no-accent", "Zoe's birthday is 12 August", ("Zoë Martin",)),
    ("no-diacritics", "coffee with Tran Thi Mai", ("Trần Thị Mai",)),
    ("two-word-first-name", "Wei Ling is back from Penang", ("Wei Ling Tan",)),
    ("mention-known-by-id", "coffee with <@U0AAA1>", ("Hannah Schmidt",)),
    ("mention-slack-user", "call w/ <@U0BBB2|diego>", ("Diego Alvarez",)),
    ("mention-and-name-once", "<@U0AAA1> and Hannah Schmidt", ("Hannah Schmidt",)),
    ("first-name-folds-into-full", "pinged Kai Berg, Kai is keen", ("Kai Berg",)),
    ("someone-new-with-a-known-first-name", "breakfast with Tom Reilly", ("Tom Reilly",)),
    ("known-and-new", "lunch w/ Yusuf and Mei Tanaka", ("Yusuf Rahimi", "Mei Tanaka")),
    ("lowercase-unknown-is-not-a-name", "call w/ fred re renewal", ()),
    ("common-word-is-not-a-person", "an update on the pilot", ()),
    ("lowercase-surname-is-a-word", "parked at the park", ()),
    ("grace-the-word", "with grace and patience", ()),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in RESOLVED], ids=[r[0] for r in RESOLVED]
)
def test_known_names_resolve(text: str, expected: tuple[str, ...]) -> None:
    assert resolved(text) == expected


AMBIGUOUS = [
    ("lower-first-name", "pinged kai", "kai", ("Kai Berg", "Kai Tan")),
    ("capital-first-name", "coffee with Kai", "Kai", ("Kai Berg", "Kai Tan")),
    ("surname-shared", "Tan says hi", "Tan", ("Kai Tan", "Wei Ling Tan")),
]


@pytest.mark.parametrize(
    ("text", "written", "candidates"),
    [r[1:] for r in AMBIGUOUS],
    ids=[r[0] for r in AMBIGUOUS],
)
def test_two_known_people_is_a_question(
    text: str, written: str, candidates: tuple[str, ...]
) -> None:
    (ref,) = parse(text).people
    assert ref == PersonRef(written, candidates=candidates)


def test_a_full_name_in_the_same_note_answers_the_question() -> None:
    assert resolved("Kai Tan called; Kai wants the deck") == ("Kai Tan",)


CORRECTIONS = [
    ("not-a-person", "drinks with Priya after the Expo", ("Priya",)),
    ("organisation-is-not-a-person", "Initrode signed!", ()),
    ("lowercase-organisation", "jen park from initrode called", ("Jen Park",)),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in CORRECTIONS], ids=[r[0] for r in CORRECTIONS]
)
def test_corrections_are_used(text: str, expected: tuple[str, ...]) -> None:
    assert resolved(text) == expected


def test_an_organisation_only_note_names_the_organisation() -> None:
    note = parse("Initrode signed the renewal!! 🥳")
    assert note.people == ()
    assert [(o.name, o.known) for o in note.organisations] == [("Initrode", True)]


def test_nothing_known_is_the_default() -> None:
    note = parse_note("call w/ yusuf re renewal", now=NOW, tz="Europe/Berlin")
    assert note.people == ()
    assert parse("call w/ yusuf", Knowledge()).people == ()


def test_a_snapshot_builds_its_tables_once() -> None:
    known = Knowledge(people=(KnownPerson("Yusuf Rahimi"),))
    parse("call w/ yusuf", known)
    tables = known.cache["index"]
    parse("lunch w/ yusuf", known)
    assert known.cache["index"] is tables
    assert known == Knowledge(people=(KnownPerson("Yusuf Rahimi"),))  # the cache is no part of it


def test_known_date_order_overrides_the_zone() -> None:
    mdy = Knowledge(date_order="MDY")
    note = parse_note("met Jane on 3/7", now=NOW, tz="Europe/Berlin", known=mdy)
    assert note.occurred_at == datetime(2026, 3, 7, 12, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    "text",
    [
        "lunch w/ Priya Kapoor (PK), I owe her the deck by friday",
        "coffee with Priya Kapoor (PK) — she wants the deck by friday, I owe her that",
        "met Priya Kapoor (Priya) at the expo, owe her the deck by friday",
    ],
)
def test_a_nickname_in_brackets_after_a_name_is_that_persons_not_a_mention(text: str) -> None:
    """Priya Nair already goes by PK; "Priya Kapoor (PK)" gives Priya Kapoor the nickname. It
    filed the note under both Priyas, and "I owe her the deck" went to Priya Nair (found trying
    shared nicknames in the console)."""
    known = Knowledge(people=(KnownPerson("Priya Nair", aliases=("PK", "Priya")),))
    note = parse(text, known)
    assert [p.name for p in note.people] == ["Priya Kapoor"]
    assert [(loop.person or "Priya Kapoor") for loop in note.loops] == ["Priya Kapoor"]
