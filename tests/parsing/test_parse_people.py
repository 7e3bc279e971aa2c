"""Who a note is about: names, mentions, relations; and words that only look like names."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Knowledge, KnownPerson, PersonRef, parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def names(text: str) -> tuple[str, ...]:
    return tuple(p.name for p in parse_note(text, now=NOW, tz="Europe/Berlin").people)


NAMES = [
    ("one", "met Jane Doe for coffee", ("Jane Doe",)),
    ("two-with-w-slash", "lunch w/ Sam Lee and Priya Nair", ("Sam Lee", "Priya Nair")),
    ("sentence-initial-verb-skipped", "Met Jane Doe for coffee", ("Jane Doe",)),
    ("sentence-initial-name", "Jane called me back", ("Jane",)),
    ("common-capitals-skipped", "Coffee with Raj. She Prefers tea. Would like a dog", ("Raj",)),
    ("pronoun-not-a-name", "She said Monday works", ()),
    ("month-as-person", "April said hi", ("April",)),
    ("month-after-with", "lunch with June on Friday", ("June",)),
    ("short-weekday-as-person", "We met Sun", ("Sun",)),
    ("months-and-weekdays-skipped", "Monday in March was busy", ()),
    ("accents", "lunch with José Álvarez and Zoë", ("José Álvarez", "Zoë")),
    ("polish", "Łukasz called last Tuesday", ("Łukasz",)),
    ("caseless-script-after-with", "coffee with 李雷", ("李雷",)),
    ("possessive", "Sam's birthday is March 3", ("Sam",)),
    ("possessive-mid-sentence", "saw Raj's deck", ("Raj",)),
    ("first-name-folds-into-full", "met Jane Doe. Jane wants a dog", ("Jane Doe",)),
    ("title-dropped", "met Dr. Sam Lee at the conference", ("Sam Lee",)),
    ("particle", "dinner with Ludwig van Beethoven", ("Ludwig van Beethoven",)),
    ("place-after-at", "lunch with Sam at Nopa", ("Sam",)),
    ("city-after-moving-to", "Raj is moving to Lisbon", ("Raj",)),
    ("acronyms-skipped", "met the CEO of ACME with Raj", ("Raj",)),
    ("verb-is-not-a-surname", "Priya Reached out about the role", ("Priya",)),
    ("i-is-not-a-name", "I think I owe Raj", ("Raj",)),
    ("lowercase-is-not-a-name", "met jane for coffee", ()),
    ("tags-are-not-names", "#Investors met Raj", ("Raj",)),
    ("waiting-on-name", "waiting on Raj for the numbers", ("Raj",)),
    ("got-back-to-name", "got back to Priya", ("Priya",)),
    ("preferences-are-not-people", "Met Jane Doe. Prefers Rottweilers, not poodles", ("Jane Doe",)),
    ("organisation-after-the", "call with Raj Patel about the Globex pilot", ("Raj Patel",)),
    ("thing-after-a", "Sam bought a Tesla", ("Sam",)),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in NAMES], ids=[r[0] for r in NAMES])
def test_names(text: str, expected: tuple[str, ...]) -> None:
    assert names(text) == expected


PEOPLE = [
    (
        "relation-with-her",
        "dinner with Jane Doe and her husband Mark",
        (PersonRef("Jane Doe"), PersonRef("Mark", relation="husband", related_to="Jane Doe")),
    ),
    (
        "relation-with-possessive",
        "Sam's wife Anna is a vet",
        (PersonRef("Sam"), PersonRef("Anna", relation="wife", related_to="Sam")),
    ),
    (
        "mention-with-label",
        "coffee with <@U123ABC|jane>",
        (PersonRef("jane", slack_user_id="U123ABC"),),
    ),
    (
        "mention-without-label",
        "call with <@U123ABC> and Raj",
        (PersonRef("<@U123ABC>", slack_user_id="U123ABC"), PersonRef("Raj")),
    ),
    ("mention-once", "<@U1> and <@U1> again", (PersonRef("<@U1>", slack_user_id="U1"),)),
    ("escaped-mention-is-text", "coffee with &lt;@U123ABC&gt;", ()),
    ("channel-is-not-a-person", "shared in <#C123|general> with Raj", (PersonRef("Raj"),)),
    ("link-label-is-not-a-person", "read <https://x.io|Big News> from Raj", (PersonRef("Raj"),)),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in PEOPLE], ids=[r[0] for r in PEOPLE])
def test_people(text: str, expected: tuple[PersonRef, ...]) -> None:
    assert parse_note(text, now=NOW, tz="Europe/Berlin").people == expected


# --- round 5: names written in lower case -------------------------------------------------------

_LOWER_KNOWN = Knowledge(
    people=(
        KnownPerson("Margriet de Vries", ("Margriet",)),
        KnownPerson("Kwame Mensah-Bonsu"),
        KnownPerson("Yusuf Demir"),
        KnownPerson("Zeynep Yıldız"),
        KnownPerson("Mark Otieno"),
    )
)


def _read(text: str) -> tuple[tuple[str, str | None], ...]:
    note = parse_note(text, now=NOW, tz="Europe/Berlin", known=_LOWER_KNOWN)
    return tuple((p.name, p.known_as) for p in note.people)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("coffee w/ yusuf al-khatib about hiring", (("Yusuf Al-Khatib", None),)),
        ("lunch with pieter van den heuvel, nice guy", (("Pieter van den Heuvel", None),)),
        ("call with ana de la fuente re the pilot", (("Ana de la Fuente", None),)),
        ("met aoife o'connell at the expo", (("Aoife O'Connell", None),)),
        ("zoom w/ siobhan mac giolla", (("Siobhan Mac Giolla", None),)),
        ("breakfast with joao pereira dos santos", (("Joao Pereira dos Santos", None),)),
        ("lunch with maria gonzalez and her team", (("Maria Gonzalez", None),)),
        ("call with lisa okafor-bello re renewal", (("Lisa Okafor-Bello", None),)),
        (
            "coffee w/ kwame and lindiwe dlamini-nkosi",
            (("kwame", "Kwame Mensah-Bonsu"), ("Lindiwe Dlamini-Nkosi", None)),
        ),
    ],
)
def test_a_new_lower_case_name_after_an_interaction_word_is_read_whole(
    text: str, expected: tuple[tuple[str, str | None], ...]
) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "coffee w/ yusuf tmrw",  # shorthand is no surname
        "demo for yusuf tommorrow",  # nor a common word mistyped
        "call w/ yusuf re renewal",
        "lunch with yusuf today at noon",
        "drinks with yusuf white wine bar",  # everyday words are no surname
    ],
)
def test_a_known_first_name_is_not_stretched_over_the_words_after_it(text: str) -> None:
    assert _read(text)[0] == ("yusuf", "Yusuf Demir")


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("margriet hasn't replied", "Margriet de Vries"),
        ("rescheduled kwame to next week", "Kwame Mensah-Bonsu"),
        ("good chat, but margriet in procurement decides", "Margriet de Vries"),
        ("he'll join the yusuf call", "Yusuf Demir"),
        ("zeynep withdrew", "Zeynep Yıldız"),
        ("ZEYNEP CHANGED HER MIND!!!", "Zeynep Yıldız"),
    ],
)
def test_a_known_name_that_is_no_english_word_is_the_person_anywhere(text: str, who: str) -> None:
    assert [k for _, k in _read(text)] == [who]


def test_a_known_name_that_is_a_common_word_still_needs_a_person_context() -> None:
    assert _read("left a mark on the deal") == ()
    assert _read("coffee with mark") == ()  # "mark" alone stays a word, as before


def test_a_capitalised_list_after_a_colon_keeps_each_full_name() -> None:
    assert names("two names for the role: Aoife O'Sullivan + Rui Carvalho") == (
        "Aoife O'Sullivan",
        "Rui Carvalho",
    )


def test_a_teammate_named_alone_is_filed_as_the_member_by_their_slack_name() -> None:
    known = Knowledge(
        people=(KnownPerson("Kwame Mensah-Bonsu"),), slack_users=(("U1", "Sanne Visser"),)
    )
    alone = parse_note("Sanne's on leave all week", now=NOW, tz="Europe/Berlin", known=known)
    assert [(p.name, p.known_as, p.slack_user_id) for p in alone.people] == [
        ("Sanne", "Sanne Visser", "U1")
    ]
    beside = parse_note("Sanne ran the demo with Kwame", now=NOW, tz="Europe/Berlin", known=known)
    assert [p.known_as for p in beside.people] == ["Kwame Mensah-Bonsu"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("coffee w/ Kwame about Swahili-language support", ("Kwame",)),
        ("dinner with Thijs on Primrose Hill", ("Thijs",)),
        ("coffee w/ Joost near Vondel Park", ("Joost",)),
        ("prep Qs for Kwame done", ("Kwame",)),
        ("Lagos Fintech Night at the Landmark. met Tunde Bello", ("Tunde Bello",)),
        ("lunch with Jane Hill", ("Jane Hill",)),  # a surname that is a place word, after a name
    ],
)
def test_places_languages_letters_and_events_are_nobody(
    text: str, expected: tuple[str, ...]
) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("profiles: Dương Thu Hà and Hendrik-Jan Smit", ("Dương Thu Hà", "Hendrik-Jan Smit")),
        ("shortlist: Trần Thu Trang and Lê Văn Minh", ("Trần Thu Trang", "Lê Văn Minh")),
        ("lunch with Jane Sat Oct 3", ("Jane",)),
        ("met Jane Thu at 3", ("Jane",)),
    ],
)
def test_a_short_weekday_inside_a_name_is_a_middle_name(
    text: str, expected: tuple[str, ...]
) -> None:
    assert names(text) == expected
