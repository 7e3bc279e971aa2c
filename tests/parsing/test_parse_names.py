"""Names as people write them, from many cultures; and capitalised words that are places,
events, products, companies or greetings, never people."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def names(text: str) -> tuple[str, ...]:
    return tuple(p.name for p in parse_note(text, now=NOW, tz="Europe/Berlin").people)


CULTURES = [
    ("dutch-particles", "dinner with Pieter van den Heuvel", ("Pieter van den Heuvel",)),
    ("dutch-de", "coffee w/ Joost de Jong", ("Joost de Jong",)),
    ("spanish-de-la", "Lunch with Ana de la Fuente at Sobrino de Botín", ("Ana de la Fuente",)),
    ("spanish-two-first-names", "call with José María García", ("José María García",)),
    ("spanish-hyphen", "met Carmen López-Ibáñez", ("Carmen López-Ibáñez",)),
    ("vietnamese", "call w/ Lê Thị Hoa re distribution", ("Lê Thị Hoa",)),
    ("vietnamese-three", "Interviewed Trần Thị Mai for the role", ("Trần Thị Mai",)),
    ("arabic-al-hyphen", "Coffee with Yusuf Al-Khatib at DIFC", ("Yusuf Al-Khatib",)),
    ("arabic-bin", "Dinner w/ Omar bin Said at Zuma", ("Omar bin Said",)),
    ("arabic-ibn", "Lunch with Abdullah ibn Rashid", ("Abdullah ibn Rashid",)),
    ("arabic-al-space", "call with Hamdan Al Maktoum", ("Hamdan Al Maktoum",)),
    ("irish-apostrophe", "Phone screen with Aoife O'Connell", ("Aoife O'Connell",)),
    ("irish-fada-o", "lunch with Cian Ó Súilleabháin", ("Cian Ó Súilleabháin",)),
    ("irish-ni", "coffee with Siobhán Ní Bhriain", ("Siobhán Ní Bhriain",)),
    ("irish-mac", "drinks with Seán MacCarthy", ("Seán MacCarthy",)),
    ("german-hyphen", "call with Anna-Lena Vogt", ("Anna-Lena Vogt",)),
    ("french-hyphen", "met Jean-Pierre Roux", ("Jean-Pierre Roux",)),
    ("nigerian", "met Nkechi Eze and Olu Adeyemi", ("Nkechi Eze", "Olu Adeyemi")),
    ("japanese", "zoom with Hiroshi Sato", ("Hiroshi Sato",)),
    ("malay", "call with Siti Nurhaliza", ("Siti Nurhaliza",)),
    ("title-dr", "met Dr. Nkechi Eze", ("Nkechi Eze",)),
    ("title-prof", "Prof. Liam Walsh from MIT", ("Liam Walsh",)),
    ("title-mr-at-start", "Mr. Hamdan Al Maktoum's office called", ("Hamdan Al Maktoum",)),
    ("title-mr", "Mr. John Richter from Initrode reached out", ("John Richter",)),
    ("titles-of-two", "Mr. Hugo Bernard and Dr. Léa Dubois signed", ("Hugo Bernard", "Léa Dubois")),
    ("zero-width-space", "lunch with Felix\u200b Wagner", ("Felix Wagner",)),
    ("zero-width-joiner-inside", "lunch with Fe\u200dlix Wagner", ("Felix Wagner",)),
    ("soft-hyphen", "call with Ma\u00adria Santos", ("Maria Santos",)),
    ("curly-apostrophe", "coffee with Aoife O\u2019Connell", ("Aoife O'Connell",)),
    ("mrkdwn-italic", "_lunch_ with *Felix Wagner*", ("Felix Wagner",)),
    ("emoji-after-name", "coffee w/ Priya 🎉", ("Priya",)),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in CULTURES], ids=[r[0] for r in CULTURES]
)
def test_names_from_many_cultures(text: str, expected: tuple[str, ...]) -> None:
    assert names(text) == expected


def test_title_is_kept_apart() -> None:
    (ref,) = parse_note("met Dr. Nkechi Eze", now=NOW, tz="Europe/Berlin").people
    assert (ref.name, ref.title) == ("Nkechi Eze", "Dr")


NOT_PEOPLE = [
    ("company-after-from", "Sunil from Plaid intro'd me to Grace", ("Sunil", "Grace")),
    ("company-possessive-role", "Initrode's COO Mei Tanaka reached out", ("Mei Tanaka",)),
    ("company-in-parens", "coffee w/ Kai Berg (Vandelay)", ("Kai Berg",)),
    ("event-after-the", "drinks after the RetailX Expo", ()),
    ("event-named", "great chat with Pieter about the RetailX Expo", ("Pieter",)),
    ("summit", "Hiroshi Sato at the Boston Fintech Summit", ("Hiroshi Sato",)),
    ("funding-round", "Ben Shapiro raised a Series C", ("Ben Shapiro",)),
    ("investor", "a Series C led by Sequoia", ()),
    ("product-migration", "they're migrating to Snowflake next quarter", ()),
    ("product-switch", "switching to Salesforce in May", ()),
    ("tool-after-verb-object", "moving everything to Discourse", ()),
    ("acronym-plural", "they are hiring 4 SDRs", ()),
    ("city-relocating", "Priya is relocating to Denver", ("Priya",)),
    ("city-move-hq", "they might move HQ to Jakarta", ()),
    ("place-back-from", "Wei Ling is back from Penang", ("Wei Ling",)),
    ("place-at", "met Ciarán at Temple Bar", ("Ciarán",)),
    ("restaurant-with-particle", "dinner at Sobrino de Botín", ()),
    ("event-with-particle", "met Camille at the Salon du Chocolat", ("Camille",)),
    ("greeting", "Hello World! testing the bot", ()),
    ("holiday-greeting", "Eid Mubarak msgs sent to Omar", ("Omar",)),
    ("holiday", "Jack's bday is on Anzac Day", ("Jack",)),
    ("thing-after-name", "Zoom w/ Ciarán re Stripe Connect pilot", ("Ciarán",)),
    ("role-words", "moved to Acme as VP Eng", ()),
    ("verb-first-sentence", "Rescheduled Jonas to Friday", ("Jonas",)),
    ("verb-d-first-sentence", "Whatsapp'd Layla to send our love", ("Layla",)),
    ("there-is", "There is smoke damage throughout", ()),
    ("course-name", "for the Staff Eng role", ()),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in NOT_PEOPLE], ids=[r[0] for r in NOT_PEOPLE]
)
def test_places_events_products_and_companies_are_not_people(
    text: str, expected: tuple[str, ...]
) -> None:
    assert names(text) == expected
