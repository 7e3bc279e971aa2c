"""Broad knowledge of words, read from the lists in bot/parsing/data on first use.

A capitalised word is a person's name only if it could be one. "Spark", "Vendor", "Close",
"Oracle" are common English words and nobody's given name; "Madurai", "Riyadh", "Brunswick" are
places; "Arabic" and "Igbo" are languages. The lists are broad (every Faker locale's given names
and surnames, GeoNames' countries and places of 5,000+ people, wordfreq's English words) so that a
note from a zone or trade nobody wrote a case for is read the same way. They are loaded once, on
the first note, so `import bot.parsing` stays light.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

# A word at least this common in English (Zipf scale: 3 is once per million words) that is no
# given name or surname anywhere is a word: "Spark", "Vendor", "Oracle", "Eng".
COMMON_WORD = 3.0
# So common that even a surname is first a word when it stands alone: "Close lost".
VERY_COMMON_WORD = 5.0


def read_list(name: str) -> list[str]:
    """The entries of one list in bot/parsing/data (its first line names the source)."""
    return _lines(name)


def _lines(name: str) -> list[str]:
    with open(os.path.join(_DATA, name), encoding="utf-8") as f:
        text = f.read()
    return [line for line in text.split("\n")[1:] if line]  # the first line names the source


@dataclass(frozen=True)
class Gazetteer:
    given: frozenset[str]
    surnames: frozenset[str]
    places: frozenset[str]
    languages: frozenset[str]
    roles: frozenset[str]
    zipf: dict[str, float]
    genders: dict[str, str]  # folded given name -> "m" or "f", where Faker's locales agree

    def is_name_part(self, key: str) -> bool:
        return key in self.given or key in self.surnames

    def word_zipf(self, key: str) -> float:
        return self.zipf.get(key, 0.0)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    zipf: dict[str, float] = {}
    band = 0.0
    for line in _lines("english.txt"):
        if line[0] == "@":  # "@4.5": the words after it are that common
            band = float(line[1:])
        else:
            zipf[line] = band
    return Gazetteer(
        given=frozenset(_lines("given_names.txt")),
        surnames=frozenset(_lines("surnames.txt")),
        places=frozenset(_lines("places.txt")),
        languages=frozenset(_lines("languages.txt")),
        roles=frozenset(_lines("roles.txt")),
        zipf=zipf,
        genders={k: g for k, _, g in (x.rpartition(" ") for x in _lines("given_genders.txt"))},
    )


def not_a_name(key: str) -> bool:
    """True when a single word (folded) is a thing rather than anyone's name: a language, a
    place that is nobody's given name, or a common English word that is no name at all."""
    g = gazetteer()
    if key in g.languages:
        return True
    if key in g.given:
        return False
    if is_role(key):
        return True  # "Headteacher is Mrs. Nwosu", "Treasurer says"
    if key in g.places:
        return True
    z = g.word_zipf(key)
    if key in g.surnames:
        return z >= VERY_COMMON_WORD
    return z >= COMMON_WORD


def is_role(key: str) -> bool:
    """What someone does, as one word: "treasurer", "recruiter", "headteacher" (a teacher)."""
    roles = gazetteer().roles
    if key in roles:
        return True
    return any(key[k:] in roles for k in range(3, len(key) - 4))


def gender_of(key: str) -> str | None:
    """ "m" or "f" for a folded given name the lists agree on ("christos", "matilda"), else
    None: most names in a note are someone's, but only some say whether "he" or "she" is meant."""
    return gazetteer().genders.get(key)


def is_given(key: str) -> bool:
    return key in gazetteer().given


def is_surname(key: str) -> bool:
    return key in gazetteer().surnames


def is_place(key: str) -> bool:
    return key in gazetteer().places
