"""What a vCard says about a person, as Rapport keeps it: the name (structured N or FN), every
email and phone, company and title, nicknames, birthday and anniversary in all the spellings
address books use. A card that is not a person (a group, an organisation) or has no name is
reported with the reason; a field that cannot be read is reported and the card still imported."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.domain.names import name_key
from bot.domain.notes import ImportProblem
from bot.notes.fields import MonthDay, normalise_email, normalise_phone, parse_date, unique
from bot.notes.records import Record
from bot.notes.vcard import Broken, Card, components, read_cards, unescape

# Every property some address book writes an anniversary in. X-ABDATE is Apple's and Google's
# "other date": an anniversary only when its item label says so.
ANNIVERSARIES = (
    "ANNIVERSARY",
    "X-ANNIVERSARY",
    "X-MS-ANNIVERSARY",
    "X-EVOLUTION-ANNIVERSARY",
    "X-KADDRESSBOOK-X-ANNIVERSARY",
)
_NOT_PEOPLE = {"group": "a group, not a person", "org": "an organisation, not a person"}
_NOT_PEOPLE["organization"] = _NOT_PEOPLE["org"]
_NOT_PEOPLE["location"] = "a place, not a person"


def records_from_vcards(data: bytes) -> Iterator[Record | ImportProblem]:
    for card in read_cards(data):
        if isinstance(card, Broken):
            yield ImportProblem(line=card.line, message=card.message)
        else:
            yield record_from_card(card)


def _text(card: Card, name: str) -> str:
    return unescape(card.first(name), card.version).strip()


def record_from_card(card: Card) -> Record | ImportProblem:
    version = card.version
    fn = _text(card, "FN")
    orgs = [components(p.value, version) for p in card.all("ORG") if p.value.strip()]
    company = next((o[0] for o in orgs if o and o[0]), None)
    kind = (card.first("KIND") or card.first("X-ADDRESSBOOKSERVER-KIND")).strip().lower()
    if kind in _NOT_PEOPLE:
        return ImportProblem(line=card.line, message=_NOT_PEOPLE[kind], name=fn or company or "")
    name, alias = _name(card)
    if card.first("X-ABSHOWAS").upper() == "COMPANY" or (
        company and not _n_name(card) and name_key(name) == name_key(company)
    ):
        return ImportProblem(line=card.line, message=_NOT_PEOPLE["org"], name=fn or name)
    emails = unique([e for p in card.all("EMAIL") if (e := normalise_email(p.value))])
    if not name_key(name):
        why = f"no name, only {emails[0]}" if emails else "no name"
        return ImportProblem(line=card.line, message=why)
    phones = unique(
        [t for p in card.all("TEL") if (t := normalise_phone(unescape(p.value, version)))]
    )
    nicknames = [
        n.strip()
        for p in card.all("NICKNAME")
        for n in re.split(r"(?<!\\),", p.value)
        if unescape(n, version).strip()
    ]
    nicknames = [unescape(n, version) for n in nicknames] + ([alias] if alias else [])
    record = Record(
        line=card.line,
        name=name,
        emails=emails,
        phones=phones,
        company=company,
        role=_text(card, "TITLE") or _text(card, "ROLE") or None,
        nicknames=nicknames,
    )
    record.birthday = _date(card, record, [p.value for p in card.all("BDAY")], "birthday")
    labels = {p.group: p.value for p in card.all("X-ABLABEL") if p.group}
    dated = [
        p.value
        for p in card.properties
        if p.name in ANNIVERSARIES
        or (p.name == "X-ABDATE" and "anniversary" in labels.get(p.group, "").lower())
    ]
    record.anniversary = _date(card, record, dated, "anniversary")
    return record


def _date(card: Card, record: Record, values: list[str], what: str) -> MonthDay | None:
    for raw in values:
        text = unescape(raw, card.version).strip()
        if not text:
            continue
        parsed = parse_date(text)
        if parsed is not None:
            return parsed
        record.warnings.append(f"{what} {text[:40]!r} is not a date Rapport can read; left out")
    return None


def _n_parts(card: Card) -> list[str]:
    raw = card.first("N")
    parts = components(raw, card.version) if raw else []
    return [p.replace(",", " ").strip() for p in parts] + [""] * (5 - len(parts))


def _n_name(card: Card) -> str:
    family, given = _n_parts(card)[:2]
    return " ".join(x for x in (given, family) if x)


def _name(card: Card) -> tuple[str, str | None]:
    """(the name to file the contact under, another name the card gives them, if any).

    FN is what the person typed when it agrees with N (it has the given and family names): keep
    it, without N's honorifics ("Mr. John Doe Sr." → "John Doe"). When FN is derived from N
    (`DERIVED`, "Family Given" order) or disagrees with it, N is the structured truth and FN is
    kept as an alias if it looks like a name."""
    fn = _text(card, "FN")
    n_name = _n_name(card)
    if not n_name:
        return fn, None
    if not fn:
        return n_name, None
    derived = any(p.params.get("DERIVED") for p in card.all("FN"))
    words = name_key(fn).split()
    if not derived and all(w in words for w in name_key(n_name).split()):
        return _without_honorifics(fn, _n_parts(card)), None
    alias = fn if len(words) >= 2 and not derived and name_key(fn) != name_key(n_name) else None
    return n_name, alias


def _without_honorifics(fn: str, parts: list[str]) -> str:
    prefixes = {name_key(w) for w in parts[3].split()}
    suffixes = {name_key(w) for w in parts[4].split()}
    words = fn.split()
    while len(words) > 1 and name_key(words[0]) in prefixes:
        words.pop(0)
    while len(words) > 1 and name_key(words[-1]) in suffixes:
        words.pop()
    return " ".join(words).strip(" ,")
