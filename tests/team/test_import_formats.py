"""Importing what people actually export: the real vCard and CSV files in tests/fixtures (see
SOURCES.md), as a person would see them afterwards, on the contact's card."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Rapport
from bot.blocks.card import card_blocks
from bot.domain.notes import ImportProblem
from bot.notes.fields import normalise_phone, parse_date
from bot.notes.records import Record
from bot.notes.vcard_records import records_from_vcards
from tests.team.conftest import ANA, BOB, NOW

FIXTURES = Path(__file__).parents[1] / "fixtures"
VCARD = FIXTURES / "vcard"
CSV = FIXTURES / "csv"


def _card_text(rapport: Rapport, name: str) -> str:
    card = rapport.recall.card(actor=ANA, name=name)
    return str(card_blocks(card, tz="UTC", now=NOW))


# file, name on the card, company, role, emails, phones, (kind, month, day, year) occasions
PEOPLE = [
    (
        "outlook-2003-2.1-qp-soft-breaks.vcf",
        "John Doe",
        "Company, The",
        "The Job Title",
        ("jdoe@hotmail.com",),
        (),
        (("birthday", 3, 21, 1980),),
    ),
    (
        "outlook-2007-2.1-qp-photo.vcf",
        "Michael Angstadt",
        "TheCompany",
        "TheJobTitle",
        ("mike.angstadt@gmail.com",),
        ("1115551111", "1115552222", "1115554444", "1115553333"),
        (("birthday", 3, 10, 1922), ("anniversary", 8, 1, 2012)),
    ),
    (
        "nokia-2.1-qp-soft-breaks-utf8.vcf",
        "Michael Brüning",
        None,
        None,
        ("ext-Michael.Bruning@nokia.com",),
        ("+491622433834", "017623384942", "+4973117546691"),
        (("birthday", 12, 29, 1978),),
    ),
    (
        "android-aosp-2.1-complicated-qp.vcf",
        "Forrest Gump",
        "Gump Shrimp Co.",
        "Shrimp Man",
        None,
        None,
        (("birthday", 1, 1, 1980),),
    ),
    (
        "android-aosp-2.1-shift-jis-qp.vcf",
        "ロイド1 安藤",
        None,
        None,
        (),
        (),
        (),
    ),
    (
        "evolution-2.1-qp-cjk.vcf",
        "十城目管理大型知座",
        "十城目管理大型知座",
        "十城目管理大型知座",
        ("weird@weird.com",),
        (),
        (),
    ),
    (
        "ios5-3.0-photo-crcrlf.vcf",
        "John Richter James Doe",
        "IBM",
        "Money Counter",
        ("john.doe@ibm.com",),
        ("9055551234", "9056661234"),
        (("birthday", 6, 6, 2012),),
    ),
    (
        "ios6-3.0-photo-crcrlf.vcf",
        "Bob Smith",
        "Smith Auto Repair",
        None,
        ("bob@smithauto.com",),
        ("6505551212",),
        (),
    ),
    (
        "lotus-notes-3.0-profile-vcard.vcf",
        "Doe John I Johny",
        "IBM",
        "Generic Accountant",
        None,
        None,
        (("birthday", 5, 21, 1980),),
    ),
    (
        "exchange-3.0-profile-vcard.vcf",
        "SOMENAME",
        None,
        None,
        ("xxxxxxxx@kolumbus.us",),
        (),
        (),
    ),
    (
        "sabre-issue153-3.0-mixed-line-endings-photo.vcf",
        "Test Benutzer",
        None,
        None,
        (),
        (),
        (),
    ),
    (
        "macos-addressbook-3.0-utf16le-bom-constructed.vcf",
        "Kristina Krull",
        "SAP",
        None,
        ("Kristina.Krull@sap.com",),
        (),
        (),
    ),
    (
        "outlook-2.1-cp1252-no-charset-constructed.vcf",
        "Zoë O’Brien",
        "Œuvre Crème SàRL",
        "Money Counter",
        ("john.doe@ibm.cm",),
        ("9055551234", "9056661234"),
        (("birthday", 3, 22, 1980), ("anniversary", 1, 13, 2011)),
    ),
    (
        "rfc6350-4.0-tel-uri-bday-no-year.vcf",
        "Simon Perreault",
        "Viagenie",
        None,
        ("simon.perreault@viagenie.ca",),
        ("+14186569254 ext. 102", "+14182626501"),
        (("birthday", 2, 3, None), ("anniversary", 8, 8, 2009)),
    ),
    (
        "davx5-3.0-allfields-bday-time-anniversary.vcf",
        "Firstname Lastname",
        "ABC, Inc.",
        "Director, Research and Development",
        ("private@example.com", "work@example.com"),
        ("+49123456788", "+1800MYFAX"),
        (("birthday", 4, 15, 1996), ("anniversary", 8, 12, 2014)),
    ),
    (
        "khard-3.0-tel-value-uri-not-uri.vcf",
        "bug 195",
        None,
        None,
        (),
        ("67545678",),
        (),
    ),
    (
        "obsidian-vcf-2.1-charset-windows-1251.vcf",
        "Иванов Иван Иванович",
        "Организация",
        "Работник",
        ("example@email.domain",),
        (),
        (),
    ),
    (
        "obsidian-vcf-3.0-two-bdays-text-anniversary.vcf",
        "Huntelaar Jan",
        None,
        None,
        (),
        (),
        (("birthday", 8, 17, 1980), ("anniversary", 9, 22, 2001)),
    ),
    (
        "obsidian-vcf-4.0-two-fn-version-last.vcf",
        "Zahra Ali",
        "Mirage Dream Builders",
        "Lead Vision Architect",
        ("zahra.moon@miragemail.ae", "zahra@dreambuild.ae"),
        ("+971501234567", "+971501234568", "+14165553333"),
        (("birthday", 8, 8, 1990),),
    ),
    # CSV exports
    (
        "google-contacts-outlook-csv-constructed.csv",
        "Jane Doe",
        "Acme Shelter Co",
        "Director",
        ("jane.doe@example.com", "jane@example.net"),
        ("+14155550142", "4155550199"),
        (("birthday", 4, 12, 1985), ("anniversary", 6, 19, 2010)),
    ),
    (
        "google-contacts-google-csv-constructed.csv",
        "Jane Doe",
        "Acme Shelter Co",
        "Director",
        ("jane.doe@example.com", "jane@example.net"),
        ("+14155550142", "+14155550199"),
        (("birthday", 4, 12, 1985), ("anniversary", 6, 19, 2010)),
    ),
    (
        "outlook-desktop-export-cp1252-constructed.csv",
        "René Lefèvre",
        "Café Crème SARL",
        "Gérant",
        ("rene.lefevre@example.fr",),
        ("+33123456789", "+33612345678"),
        (("birthday", 4, 12, 1985), ("anniversary", 6, 19, 2010)),
    ),
    (
        "outlook-com-web-export-constructed.csv",
        "Mia Wong",
        None,
        None,
        ("mia@example.com", "mia.wong@example.org"),
        (),
        (("anniversary", 9, 12, 2015),),
    ),
    (
        "linkedin-connections-constructed.csv",
        "Priya Raman",
        "Harbor & Finch, Inc.",
        "Head of Partnerships",
        (),
        (),
        (),
    ),
    (
        "linkedin-connections-constructed.csv",
        "Wei Chen",
        "Example Labs",
        "Research Lead, Applied ML",
        (),
        (),
        (),
    ),
    (
        "linkedin-connections-constructed.csv",
        "Sam O'Neill",
        "Stealth Startup",
        "Founder",
        ("sam@example.org",),
        (),
        (),
    ),
    (
        "plain-first-last-constructed.csv",
        "Tomás Ó Briain",
        None,
        None,
        (),
        (),
        (),
    ),
    (
        "plain-first-last-constructed.csv",
        "Priya Raman",
        None,
        None,
        ("priya@example.com",),
        ("+442079460958",),
        (),
    ),
    (
        "thunderbird-utf16le-bom.csv",
        "John Doe",
        None,
        None,
        ("johndoe@host.invalid",),
        (),
        (),
    ),
    (
        "thunderbird-semicolon.csv",
        "Jane Doe",
        None,
        None,
        ("jane@doe.invalid",),
        (),
        (),
    ),
]


@pytest.mark.parametrize(
    ("file", "name", "company", "role", "emails", "phones", "occasions"),
    PEOPLE,
    ids=[f"{p[0]}:{p[1]}" for p in PEOPLE],
)
def test_an_export_puts_the_person_on_their_card(
    rapport: Rapport,
    file: str,
    name: str,
    company: str | None,
    role: str | None,
    emails: tuple[str, ...] | None,
    phones: tuple[str, ...] | None,
    occasions: tuple[tuple[str, int, int, int | None], ...],
) -> None:
    folder = CSV if file.endswith(".csv") else VCARD
    summary = rapport.transfer.import_contacts(actor=ANA, path=folder / file)
    assert summary.created >= 1
    card = rapport.recall.card(actor=BOB, name=name)
    assert card.contact.display_name == name
    assert (card.company, card.role) == (company, role)
    if emails is not None:
        assert card.emails[: len(emails)] == emails
    if phones is not None:
        assert card.phones[: len(phones)] == phones
    assert sorted((o.kind, o.month, o.day, o.year) for o in card.occasions) == sorted(occasions)
    shown = _card_text(rapport, name)
    for value in (company, *(emails or ()), *(phones or ())):
        if value:
            assert value.replace("&", "&amp;") in shown


def test_every_fixture_imports_with_no_broken_characters(rapport: Rapport) -> None:
    """All the real exports at once: people from each, none named with U+FFFD or mojibake of
    UTF-8, and every record that is skipped says why."""
    people = 0
    for path in sorted([*VCARD.glob("*.vcf"), *CSV.glob("*.csv")]):
        summary = rapport.transfer.import_contacts(actor=ANA, path=path)
        people += summary.created + summary.merged + summary.skipped
        assert all(p.message for p in summary.problems), path.name
    assert people >= 150
    data = rapport.transfer.export(actor=ANA, format="json")
    assert "\ufffd" not in data
    assert "Ã" not in data  # UTF-8 read as Latin-1 would show "Ã¼" for "ü"
    for expected in ("Michael Brüning", "Zoë O’Brien", "René Lefèvre", "Jonas Müller", "安藤"):
        assert expected in data


NOT_PEOPLE = [
    (
        "rfc6350-4.0-kind-group-members.vcf",
        [
            (1, "The Doe family", "a group, not a person"),
            (18, "Funky distribution list", "a group, not a person"),
        ],
        2,
    ),
    (
        "apple-addressbook-3.0-x-addressbookserver-group.vcf",
        [(1, "Shared Group", "a group, not a person")],
        0,
    ),
    (
        "obsidian-vcf-4.0-kind-org-no-fn.vcf",
        [(1, "Tech Solutions Inc", "an organisation, not a person")],
        0,
    ),
    (
        "sogo-3.0-missing-n-and-fn.vcf",
        [(1, "", "no name, only test-misses-N-or-FN@example.com")],
        0,
    ),
    (
        "macos-addressbook-3.0-multi-8bit-byte.vcf",
        [(37, "Karlsruhe Travel", "an organisation, not a person")],
        29,
    ),
    (
        "google-contacts-outlook-csv-constructed.csv",
        [
            (5, "Example Plumbing LLC", "an organisation, not a person"),
            (7, "", "no name, only noname@example.com"),
        ],
        3,
    ),
    (
        "thunderbird-no-header-name-first-last-email.csv",
        [(1, "", "no header row with a name column (First Name, Last Name, Name or Full Name)")],
        0,
    ),
]


@pytest.mark.parametrize(("file", "skipped", "people"), NOT_PEOPLE, ids=[n[0] for n in NOT_PEOPLE])
def test_what_is_not_a_person_is_skipped_and_named_with_the_reason(
    rapport: Rapport, file: str, skipped: list[tuple[int, str, str]], people: int
) -> None:
    folder = CSV if file.endswith(".csv") else VCARD
    summary = rapport.transfer.import_contacts(actor=ANA, path=folder / file)
    assert [(p.line, p.name, p.message) for p in summary.problems if p.skipped] == skipped
    assert summary.created == people


def _record(text: bytes) -> Record:
    """The one person a vCard text gives."""
    (found,) = list(records_from_vcards(text))
    assert isinstance(found, Record), found
    return found


def _problem(text: bytes) -> ImportProblem:
    """Why the one card in a vCard text was skipped."""
    (found,) = list(records_from_vcards(text))
    assert isinstance(found, ImportProblem), found
    return found


def _card(*lines: str, version: str = "3.0", end: str = "\r\n") -> bytes:
    body = ["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]
    return (end.join(body) + end).encode("utf-8")


ANNIVERSARY_FORMS = [
    (_card("FN:A B", "ANNIVERSARY:2009-08-08", version="4.0"), (8, 8, 2009)),
    (_card("FN:A B", "ANNIVERSARY:20090808T1430-0500", version="4.0"), (8, 8, 2009)),
    (_card("FN:A B", "ANNIVERSARY;VALUE=DATE:20091010", version="2.1"), (10, 10, 2009)),
    (_card("FN:A B", "ANNIVERSARY:--0612", version="4.0"), (6, 12, None)),
    (_card("FN:A B", "X-ANNIVERSARY:1990-04-30"), (4, 30, 1990)),
    (_card("FN:A B", "X-MS-ANNIVERSARY:20110113", version="2.1"), (1, 13, 2011)),
    (_card("FN:A B", "X-EVOLUTION-ANNIVERSARY:1980-03-22"), (3, 22, 1980)),
    (
        _card("FN:A B", "item1.X-ABDATE:1975-03-01", "item1.X-ABLabel:_$!<Anniversary>!$_"),
        (3, 1, 1975),
    ),
    (
        _card("FN:A B", "item3.X-ABDATE;type=pref:1995-05-21", "item3.X-ABLabel:Anniversary"),
        (5, 21, 1995),
    ),
    (_card("FN:A B", "ITEM2.X-ABDATE:2001-01-02", "item2.x-ablabel:our anniversary"), (1, 2, 2001)),
    (_card("FN:A B", "item1.X-ABDATE:1975-03-01", "item1.X-ABLabel:Custom Date"), None),
    (_card("FN:A B", "item1.X-ABDATE:1975-03-01", "item2.X-ABLabel:_$!<Anniversary>!$_"), None),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    ANNIVERSARY_FORMS,
    ids=[
        "4.0",
        "4.0-with-time",
        "2.1-value-date",
        "no-year",
        "x-anniversary",
        "x-ms-anniversary",
        "evolution",
        "abdate-apple-label",
        "abdate-plain-label",
        "abdate-case",
        "abdate-other-label",
        "abdate-label-of-another-item",
    ],
)
def test_anniversaries_in_every_form(text: bytes, expected: tuple[int, int, int | None]) -> None:
    record = _record(text)
    assert record.anniversary == expected


NAMES = [
    (("N:Doe;Jane;;;", "FN:Jane Doe"), "Jane Doe", []),
    (
        ("N:Doe;John;Richter,James;Mr.;Sr.", "FN:Mr. John Richter James Doe Sr."),
        "John Richter James Doe",
        [],
    ),
    (("N:Baumus;Maximilian;;;", "FN;DERIVED=1:Baumus Maximilian"), "Maximilian Baumus", []),
    (("N:Gump;Forrest;;;", "FN:Joe Due"), "Forrest Gump", ["Joe Due"]),
    (("N:Gump;Forrest;;;",), "Forrest Gump", []),
    (("FN:Ana de la Cruz",), "Ana de la Cruz", []),
    (("N:;;;;", "FN:Only Formatted"), "Only Formatted", []),
    (("N:O\\;Brien;Sean;;;", "FN:Sean O;Brien"), "Sean O;Brien", []),
    (("N:Smith;Anna,Maria;;;", "FN:Anna Maria Smith"), "Anna Maria Smith", []),
    (("N:Doe;Jane;;Dr.;PhD", "FN:Dr. Jane Doe PhD"), "Jane Doe", []),
]


@pytest.mark.parametrize(
    ("lines", "name", "aliases"),
    NAMES,
    ids=[
        "agree",
        "honorifics",
        "derived-family-first",
        "disagree",
        "n-only",
        "fn-only",
        "empty-n",
        "escaped-semicolon",
        "two-given-names",
        "dr-phd",
    ],
)
def test_structured_n_and_fn(lines: tuple[str, ...], name: str, aliases: list[str]) -> None:
    record = _record(_card(*lines))
    assert (record.name, record.nicknames) == (name, aliases)


READER_CASES = [
    ("lf-only", _card("FN:Jane Doe", end="\n"), "Jane Doe"),
    ("cr-only", _card("FN:Jane Doe", end="\r"), "Jane Doe"),
    ("cr-cr-lf", _card("FN:Jane Doe", end="\r\r\n"), "Jane Doe"),
    ("folded-space", _card("FN:Jane", " Doe"), "JaneDoe"),
    ("folded-tab", _card("FN:Jane ", "\tDoe"), "Jane Doe"),
    (
        "qp-soft-breaks",
        _card(
            "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Micha=",
            "el Br=C3=BC=",
            "ning",
            version="2.1",
        ),
        "Michael Brüning",
    ),
    (
        "qp-bare-param",
        _card("FN;QUOTED-PRINTABLE;CHARSET=UTF-8:Ren=C3=A9 Dupont", version="2.1"),
        "René Dupont",
    ),
    (
        "qp-latin1-charset",
        _card("FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Ren=E9 Dupont", version="2.1"),
        "René Dupont",
    ),
    ("comment-line", _card("# exported by a phone", "FN:Jane Doe"), "Jane Doe"),
    ("profile-line", _card("PROFILE:VCard", "PROFILE:VCARD", "FN:Jane Doe"), "Jane Doe"),
    ("lowercase", b"begin:vcard\nversion:3.0\nfn:Jane Doe\nend:vcard\n", "Jane Doe"),
    ("utf8-bom", b"\xef\xbb\xbf" + _card("FN:Zoë Doe"), "Zoë Doe"),
    (
        "utf16-le-bom",
        "\ufeff".encode("utf-16-le") + _card("FN:Zoë Doe").decode().encode("utf-16-le"),
        "Zoë Doe",
    ),
    ("utf16-be-bom", b"\xfe\xff" + _card("FN:Zoë Doe").decode().encode("utf-16-be"), "Zoë Doe"),
    ("utf16-le-no-bom", _card("FN:Zoë Doe").decode().encode("utf-16-le"), "Zoë Doe"),
    (
        "cp1252-no-charset",
        _card("FN:Zoë O’Brien Œuvre").decode().encode("cp1252"),
        "Zoë O’Brien Œuvre",
    ),
    ("cp1252-undefined-byte", b"BEGIN:VCARD\r\nFN:Ab\x81c\r\nEND:VCARD\r\n", "Ab\x81c"),
    (
        "agent-card-inside",
        _card("FN:Jane Doe", "AGENT:", "BEGIN:VCARD", "FN:Her Agent", "END:VCARD"),
        "Jane Doe",
    ),
    (
        "photo-base64",
        _card("PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ", " SkZJRgABAQ==", "FN:Jane Doe"),
        "Jane Doe",
    ),
]


@pytest.mark.parametrize(
    ("text", "name"), [c[1:] for c in READER_CASES], ids=[c[0] for c in READER_CASES]
)
def test_the_reader_takes_what_writers_write(text: bytes, name: str) -> None:
    record = _record(text)
    assert record.name == name
    assert "\ufffd" not in record.name


def test_text_around_cards_and_a_card_without_end() -> None:
    text = b"junk before\r\n" + _card("FN:Jane Doe") + b"\r\nBEGIN:VCARD\r\nFN:Cut Off\r\n"
    found = list(records_from_vcards(text))
    assert [getattr(f, "name", None) for f in found] == ["Jane Doe", ""]
    assert isinstance(found[1], ImportProblem)
    assert (found[1].line, found[1].message) == (7, "the card has no END:VCARD")


@pytest.mark.parametrize(
    ("bday", "birthday", "warned"),
    [
        ("BDAY:1990-03-14", (3, 14, 1990), False),
        ("BDAY:circa 1800", None, True),
        ("BDAY;VALUE=text:circa 1800", None, True),
        ("BDAY:1990-02-30", None, True),
        ("BDAY:", None, False),
        ("BDAY:1604-03-14", (3, 14, None), False),
        ("BDAY:1996-04-15T201243+04:00", (4, 15, 1996), False),
    ],
    ids=["good", "words", "value-text", "feb-30", "empty", "apple-no-year", "datetime"],
)
def test_a_bad_birthday_does_not_drop_the_card(
    bday: str, birthday: tuple[int, int, int | None] | None, warned: bool
) -> None:
    record = _record(_card("FN:Jane Doe", "EMAIL:jane@example.com", bday))
    assert record.emails == ["jane@example.com"]
    assert record.birthday == birthday
    assert bool(record.warnings) is warned


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        (("KIND:group", "FN:The Doe family"), "a group, not a person"),
        (("KIND:GROUP", "FN:Team"), "a group, not a person"),
        (("X-ADDRESSBOOKSERVER-KIND:group", "FN:Shared"), "a group, not a person"),
        (("KIND:org", "FN:ABC, Inc."), "an organisation, not a person"),
        (
            ("X-ABShowAs:COMPANY", "FN:Karlsruhe Travel", "N:Tocken;Frida;;;"),
            "an organisation, not a person",
        ),
        (("FN:Acme Widgets", "ORG:Acme Widgets"), "an organisation, not a person"),
        (("EMAIL:x@example.com",), "no name, only x@example.com"),
        (("N:;;;;",), "no name"),
    ],
    ids=[
        "group",
        "group-upper",
        "apple-group",
        "org",
        "apple-company",
        "org-only",
        "email-only",
        "empty",
    ],
)
def test_cards_that_are_not_people(lines: tuple[str, ...], why: str) -> None:
    assert _problem(_card(*lines, version="4.0")).message == why


def test_a_person_is_still_a_person_when_kind_says_individual() -> None:
    assert _record(_card("KIND:individual", "FN:Jane Doe", version="4.0")).name == "Jane Doe"


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("+1 (418) 656-9254", "+14186569254"),
        ("tel:+1-418-656-9254;ext=102", "+14186569254 ext. 102"),
        ("TEL:+1-418-262-6501", "+14182626501"),
        ("(905) 555-1234", "9055551234"),
        ("+49 30 1234 x12", "+49301234 ext. 12"),
        ("555.987.6543", "5559876543"),
        ("+1-800-MYFAX", "+1800MYFAX"),
        ("+33\u00a01\u00a023\u00a045\u00a067\u00a089", "+33123456789"),
        ("M-'", None),
        ("12", None),
        ("", None),
        ("call me", None),
    ],
    ids=[
        "formatted",
        "tel-uri-ext",
        "tel-uri-upper",
        "us-local",
        "x-extension",
        "dots",
        "vanity",
        "nbsp",
        "junk",
        "too-short",
        "empty",
        "words",
    ],
)
def test_phones_are_normalised(raw: str, phone: str | None) -> None:
    assert normalise_phone(raw) == phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4/12/1985", (4, 12, 1985)),
        ("14/3/1990", (3, 14, 1990)),
        ("14.03.1990", (3, 14, 1990)),
        ("4/12/85", (4, 12, 1985)),
        ("2/29/2000", (2, 29, 2000)),
        ("4/31/1990", None),
        ("0/0/00", None),
    ],
    ids=["us", "day-first", "german", "two-digit-year", "leap-day", "april-31", "outlook-empty"],
)
def test_dates_as_outlook_and_others_write_them(
    text: str, expected: tuple[int, int, int | None] | None
) -> None:
    assert parse_date(text) == expected


def test_every_address_book_fixture_says_where_it_comes_from() -> None:
    sources = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    files = sorted([*VCARD.iterdir(), *CSV.iterdir()])
    assert len(files) >= 70
    assert [f.name for f in files if f"`{f.name}`" not in sources] == []
    constructed = [f.name for f in files if "constructed" in f.name]
    assert all(f"`{name}` |" in sources for name in constructed)
