"""People named in a note: Slack mentions, people the workspace knows (however they are written),
capitalised names, and "her husband Mark".

Known names are found first, in any case and by any alias ("w/ yusuf", "AL's bday", "Berg says");
then capitalised words that look like new people. What the workspace knows to be an organisation
or not a person, and capitalised runs that name places, events, products and companies ("at the
RetailX Expo", "raised a Series C", "migrating to Snowflake"), are never people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot.parsing.doc import Doc, SpanSet, Token
from bot.parsing.gazetteer import (
    COMMON_WORD,
    VERY_COMMON_WORD,
    gazetteer,
    is_place,
    not_a_name,
)
from bot.parsing.known import NOBODY, Index, Resolved, fold, resolve
from bot.parsing.lexicon import (
    CALENDAR_WORDS,
    COMMON_NAME_WORDS,
    FULL_WEEKDAYS,
    LOWER_NAME_TRIGGERS,
    NAME_PARTICLES,
    NAME_TRIGGERS,
    NOT_NAMES,
    PERSON_VERBS,
    PLACE_PREPOSITIONS,
    RELATIONS,
    THING_NOUNS,
    TITLES,
    TRAVEL_VERBS,
    words,
)
from bot.parsing.model import PersonRef


class PersonFacts(Protocol):
    company: str | None
    role: str | None
    aliases: list[str]


MAX_NAME_WORDS = 4
MAX_CASELESS_LEN = 12
# Triggers too weak to make a month or short weekday a person: "for April", "by May".
_WEAK_TRIGGERS = words("for by to and from")
_STRONG_TRIGGERS = words(
    """
    with w met meet called rang phoned emailed texted messaged pinged dm'd introduced intro'd told
    thanked congratulated
    """
)
_FROM_PLACE_VERBS = words(
    """
    leaving left leave headed heading bound returned returning flew flying home came coming
    arrived arriving travelling traveling
    """
)


@dataclass(slots=True)
class NameSpan:
    name: str  # as written (a placeholder for mentions)
    start: int
    end: int
    first: int  # token indexes
    last: int
    possessive: bool
    mention: bool
    known: Resolved = NOBODY
    title: str | None = None
    nickname: str | None = None  # "Itzik" in "Yitzhak 'Itzik' Levi"
    slack_user_id: str | None = None  # a workspace member named by name, filed as themselves


@dataclass(slots=True)
class KnownThings:
    """What the snapshot recognised in the note, by token index."""

    people: dict[int, tuple[int, Resolved]] = field(default_factory=dict)  # first -> (last, who)
    orgs: list[tuple[int, int, str]] = field(default_factory=list)  # (first, last, org name)
    blocked: set[int] = field(default_factory=set)  # tokens of orgs and "not a person"


def _joined(doc: Doc, a: Token, b: Token, *, slash: bool = False) -> bool:
    """True when only plain spaces (or "w/ ") separate two tokens on one line."""
    gap = doc.text[a.end + (2 if a.possessive else 0) : b.start]
    if slash:
        gap = gap.replace("/", "", 1)
    return len(gap) <= 3 and gap.strip(" ") == ""


def _bracketed_nickname(doc: Doc, i: int, j: int) -> bool:
    """ "Priya Kapoor (PK)": the brackets give the name just written a nickname; they don't
    mention the other contact who already goes by PK."""
    before = doc.text[: doc.tokens[i].start].rstrip()
    if not before.endswith("(") or not doc.text[doc.tokens[j].end :].lstrip().startswith(")"):
        return False
    if i == 0 or doc.tokens[i].sentence_start:
        return False
    p = doc.tokens[i - 1]
    return p.capitalised and not p.possessive and before[:-1].rstrip().endswith(p.text)


def _prev(doc: Doc, i: int) -> Token | None:
    """The token before i in the same sentence and joined to it by spaces."""
    t = doc.tokens[i]
    if i == 0 or t.sentence_start:
        return None
    p = doc.tokens[i - 1]
    if p.possessive:
        return p
    return p if _joined(doc, p, t, slash=p.lower == "w") else None


_RAN_INTO = frozenset(["ran", "run", "running", "bumped", "bump", "bumping"])


def _is_person_context(doc: Doc, i: int, *, strong: bool = False) -> bool:
    """A person is clearly meant: "with X", "met X", "X said", "X's"."""
    t = doc.tokens[i]
    p = _prev(doc, i)
    if (
        p is not None
        and p.lower in NAME_TRIGGERS
        and not p.possessive
        and not (strong and p.lower in _WEAK_TRIGGERS)
    ):
        return True
    if t.possessive:
        return True
    if i + 1 < len(doc.tokens):
        n = doc.tokens[i + 1]
        if _joined(doc, t, n) and n.lower in PERSON_VERBS:
            return True
    return False


# --- lower-case names -------------------------------------------------------------------------

# Where a lower-case run is a new person's whole name: "coffee w/ yusuf al-khatib", "lunch with
# pieter van den heuvel", "met aoife o'connell". Weaker words ("to", "for", "by") are left out:
# "moved to rio de janeiro" is a place.
_LOWER_NEW_TRIGGERS = _STRONG_TRIGGERS | words("saw visited invited cc cc'd intro")
# Known first names and aliases that are no English word (or a rare one) are the person in any
# lower-case context: "margriet hasn't replied", "rescheduled kwame", "the joost call". Names as
# common as "mark", "will" or "lan" still need a context that means a person.
_RARE_WORD = 3.0
# Beside these a capital or lower-case word is a person doing something: "lan intro'd me".
# Irish and Scottish particles, written with a capital in the saved name: "Mac Giolla", "Ní".
_GAELIC_PARTICLES = words("mac nic ni o ua")
_LOWER_PERSON_VERBS = words("intro'd withdrew declined accepted replied ghosted confirmed")


def _name_part(key: str) -> bool:
    """A surname-like word (folded): a known surname that is no common word, or a word that is
    no English word at all; hyphen and apostrophe parts judged one by one ("al-khatib",
    "o'connell", "dlamini-nkosi")."""
    g = gazetteer()
    if key in NOT_NAMES or key in CALENDAR_WORDS or key in COMMON_NAME_WORDS:
        return False
    parts = [x for x in key.replace("'", "-").split("-") if x]
    if not parts or not all(x.isalpha() for x in parts):
        return False
    for k, x in enumerate(parts):
        if len(parts) > 1 and (x in NAME_PARTICLES or (k == 0 and x in ("o", "d", "mc", "mac"))):
            continue
        z = g.word_zipf(x)
        if (x in g.surnames or x in g.given) and z < VERY_COMMON_WORD:
            continue  # "gonzalez", "berg", "brown"; not "white", "young"
        # no English word at all, and shaped like a name: not "tmrw", "wfh", "yday", nor a
        # common word mistyped ("tommorrow", "meting")
        if z > 0.0 or len(x) < 4 or sum(c in "aeiou" for c in x) < 2 or _typo_of_word(x):
            return False
    return True


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _typo_of_word(x: str) -> bool:
    """One edit (a letter dropped, doubled, swapped, added or changed) from a common word."""
    zipf = gazetteer().zipf

    def common(w: str) -> bool:
        return zipf.get(w, 0.0) >= COMMON_WORD

    for k in range(len(x)):
        if common(x[:k] + x[k + 1 :]):
            return True
        if k + 1 < len(x) and common(x[:k] + x[k + 1] + x[k] + x[k + 2 :]):
            return True
        for c in _LETTERS:
            if c != x[k] and common(x[:k] + c + x[k + 1 :]):
                return True
    return any(common(x[:k] + c + x[k:]) for k in range(len(x) + 1) for c in _LETTERS)


def _distinct(key: str) -> bool:
    """A surname no common word could be: listed and rarer than everyday words, or no word."""
    g = gazetteer()
    parts = [x for x in key.replace("'", "-").split("-") if x and x not in NAME_PARTICLES]
    return any(
        (x in g.surnames and g.word_zipf(x) < VERY_COMMON_WORD) or g.word_zipf(x) == 0.0
        for x in parts
    )


def lower_name_end(doc: Doc, i: int, date_spans: SpanSet | None = None) -> int | None:
    """The last token of a lower-case new name starting at token i, after a word that means a
    person ("w/ yusuf al-khatib", "with ana de la fuente", "and lindiwe dlamini-nkosi" after
    a name): a given name, then surnames and particles. None when it is not one."""
    tokens = doc.tokens
    t = tokens[i]
    if not t.text.islower() or t.possessive or i + 1 >= len(tokens):
        return None
    g = gazetteer()
    given = fold(t.text)
    if given in NOT_NAMES or given in COMMON_NAME_WORDS:
        return None
    # a given name the lists lack ("lindiwe") counts when it is no word and a surname follows
    unlisted = given not in g.given
    if unlisted and not (_name_part(given) and g.word_zipf(given) == 0.0):
        return None
    if given in CALENDAR_WORDS or g.word_zipf(given) >= VERY_COMMON_WORD:
        return None
    j = i
    k = i + 1
    while k < len(tokens) and k - i < MAX_NAME_WORDS + 1:
        n = tokens[k]
        if not n.text.islower() or not _joined(doc, tokens[k - 1], n):
            break
        if date_spans is not None and date_spans.covers(n.start):
            break
        key = fold(n.text)
        if key in NAME_PARTICLES or key in _GAELIC_PARTICLES:
            k += 1  # "van den", "de la", "dos", "mac": a surname must follow
            continue
        after_particle = tokens[k - 1].lower in NAME_PARTICLES and k - 1 > i
        if not (_name_part(key) or (after_particle and key in g.surnames)):
            break
        j = k
        if n.possessive:
            break
        k += 1
    if j == i:
        return None
    keys = [fold(tokens[x].text) for x in range(i, j + 1)]
    core = [x for x in keys[1:] if x not in NAME_PARTICLES]
    if not core or is_place(" ".join(keys)):
        return None
    if unlisted and not any(x in g.surnames for w in core for x in w.split("-")):
        return None
    # one part at least must be unmistakably a name, not two words that happen to be names
    if g.word_zipf(given) >= COMMON_WORD and not any(_distinct(x) for x in core):
        return None
    return j


def _lower_new_context(doc: Doc, i: int, spans: list[NameSpan]) -> bool:
    p = _prev(doc, i)
    if p is None or p.possessive:
        return False
    if p.lower in _LOWER_NEW_TRIGGERS:
        return True
    # "coffee w/ kwame and lindiwe dlamini-nkosi"
    return bool(spans) and p.lower in ("and", "&", "+") and spans[-1].last == i - 2


def written_name(words_: list[str]) -> str:
    """A lower-case name as a person would save it: "pieter van den heuvel" -> "Pieter van den
    Heuvel", "yusuf al-khatib" -> "Yusuf Al-Khatib", "aoife o'connell" -> "Aoife O'Connell"."""

    def cap(w: str) -> str:
        out = []
        for k, part in enumerate(re.split(r"([-'])", w)):
            out.append(part[:1].upper() + part[1:] if part not in ("-", "'") or k == 0 else part)
        return "".join(out)

    return " ".join(
        w if (k > 0 and w in NAME_PARTICLES and fold(w) not in _GAELIC_PARTICLES) else cap(w)
        for k, w in enumerate(words_)
    )


# --- what the workspace knows ------------------------------------------------------------------


def _list_gap(doc: Doc, a: Token, b: Token) -> bool:
    """ "Yusuf, Omar, Fatima & Khalid", "Pieter + Sanne": a list of people goes on."""
    gap = doc.text[a.end + (2 if a.possessive else 0) : b.start].strip()
    return gap in (",", "&", "+", "/", "and", ", and", "&amp;")


def _ampersand(doc: Doc, a: Token, b: Token) -> bool:
    """ "Kühne & Sohn", "Mwangi + Otieno": joined by an ampersand, as firms' names are."""
    gap = doc.text[a.end : b.start]
    return len(gap) <= 3 and gap.strip(" ") in ("&", "+")


_ARROWS = frozenset(("→", "->", "=>", "➡", "➡️", "⟶"))


def _lower_context(doc: Doc, i: int, j: int, previous_person: int) -> bool:
    """A lower-case known name counts where a person is clearly meant."""
    t, last = doc.tokens[i], doc.tokens[j]
    if i > 0 and not t.sentence_start:
        p = doc.tokens[i - 1]
        if p.lower in LOWER_NAME_TRIGGERS and _joined(doc, p, t, slash=p.lower == "w"):
            return True
        if p.lower == "and" and previous_person == i - 2:
            return True
        if previous_person == i - 1 and _list_gap(doc, p, t):
            return True
        if doc.text[p.end : t.start].strip() in _ARROWS:
            return True  # "term sheet → hana": handed to someone
    if last.possessive:
        return True
    if j + 1 < len(doc.tokens):
        n = doc.tokens[j + 1]
        if _joined(doc, last, n) and (n.lower in PERSON_VERBS or n.lower in _LOWER_PERSON_VERBS):
            return True
    after = doc.text[last.end : last.end + 3]
    return t.sentence_start and after.lstrip(" ")[:1] in (":", "-", "–", "—")


def known_things(doc: Doc, idx: Index) -> KnownThings:
    """Known people, organisations and corrections in the note, longest match first."""
    found = KnownThings()
    if idx.empty:
        return found
    tokens = doc.tokens
    n = len(tokens)
    previous_person = -9
    i = 0
    while i < n:
        t = tokens[i]
        head = fold(t.text)
        if head not in idx.heads or t.text in doc.mentions:
            i += 1
            continue
        best: tuple[int, str, str] | None = None  # (last token, key, what)
        key = head
        j = i
        while True:
            if key in idx.not_people:
                best = (j, key, "not")
            elif key in idx.orgs:
                best = (j, key, "org")
            elif (
                key in idx.full
                or key in idx.last
                or (j == i and key in idx.first)
                or (j > i and key in idx.suffix)
            ):
                best = (j, key, "person")
            if j + 1 >= n or j - i + 1 >= idx.max_words or tokens[j].possessive:
                break
            nxt = tokens[j + 1]
            if not _joined(doc, tokens[j], nxt) and not _ampersand(doc, tokens[j], nxt):
                break
            j += 1
            key = f"{key} {fold(nxt.text)}"
        if best is None:
            i += 1
            continue
        j, key, what = best
        if what == "person" and not _accept_person(doc, idx, i, j, key, previous_person):
            i += 1
            continue
        if what == "org" and i == j and not _accept_single(t):
            i += 1
            continue
        if what == "person":
            found.people[i] = (j, resolve(idx, key))
            previous_person = j
        else:
            if what == "org":
                found.orgs.append((i, j, idx.orgs[key]))
            found.blocked.update(range(i, j + 1))
        i = j + 1
    return found


def _shouted(doc: Doc, i: int) -> bool:
    """A known name in a line written in capitals: the next word is capitals too."""
    if i + 1 >= len(doc.tokens):
        return False
    n = doc.tokens[i + 1]
    return n.text.isupper() and len(n.text) > 1 and _joined(doc, doc.tokens[i], n)


def _accept_single(t: Token) -> bool:
    return (t.capitalised or t.text.isupper()) or (
        t.lower not in NOT_NAMES and t.lower not in COMMON_NAME_WORDS
    )


def _accept_person(doc: Doc, idx: Index, i: int, j: int, key: str, previous_person: int) -> bool:
    t = doc.tokens[i]
    if _bracketed_nickname(doc, i, j):
        return False
    if key not in idx.full and key not in idx.first:
        # A surname alone ("Berg", "bin Said") is not the tail of a longer name being written:
        # "Tariq bin Said" is someone new even when Omar bin Said is known.
        if t.lower in NAME_PARTICLES and not t.capitalised:
            p = doc.tokens[i - 1] if i > 0 else None
            if p is not None and p.capitalised and _joined(doc, p, t):
                return False
        p = _prev(doc, i)
        if (
            p is not None
            and p.capitalised
            and not p.possessive
            and (
                p.lower not in NOT_NAMES
                or (p.lower in COMMON_NAME_WORDS and _given_name_after_trigger(doc, i - 1))
            )
            and p.lower not in NAME_TRIGGERS
            and p.lower not in TITLES
        ):
            return False
    if j > i:  # a whole known name or a multi-word alias: "kai berg", "aoife b"
        return t.capitalised or t.lower not in NOT_NAMES or _lower_context(doc, i, j, -9)
    low = t.lower
    alias = idx.aliases.get(key)
    if t.text.islower() and lower_name_end(doc, i) is not None:
        return False  # "w/ yusuf al-khatib" is someone new, not the Yusuf we know
    if t.text.isupper() and len(t.text) > 2 and _shouted(doc, i):
        return True  # "KHOA ACCEPTED!!!", "ZEYNEP CHANGED HER MIND"
    if t.text.isupper() and len(t.text) <= 4:
        return alias is not None and alias == t.text  # "AL", "JP", "D": as the alias is written
    if j + 1 < len(doc.tokens) and not t.possessive:
        n = doc.tokens[j + 1]
        if _joined(doc, t, n) and (
            (n.capitalised and n.lower not in NOT_NAMES) or _is_initial(doc, n)
        ):
            return False  # "Tom Reilly" is someone new, not Tom Becker; "Tom H" is read whole
    common = low in NOT_NAMES or low in COMMON_NAME_WORDS or low in CALENDAR_WORDS
    if t.capitalised or t.caseless:
        if not common:
            return True
        return _is_person_context(doc, i, strong=True)
    if common or (key not in idx.first and key not in idx.full):
        return False  # a lower-case surname alone is a word: "park", "berg"
    if _lower_context(doc, i, j, previous_person):
        return True
    # "margriet hasn't replied", "rescheduled kwame", "the joost call": a known name that is no
    # common English word means the person wherever it stands
    return gazetteer().word_zipf(key) <= _RARE_WORD and not any(c.isdigit() for c in key)


# --- new names ---------------------------------------------------------------------------------


def _continues_name(doc: Doc, prev: Token, t: Token, date_spans: SpanSet) -> bool:
    if prev.possessive or not _joined(doc, prev, t):
        return False
    if len(t.text) == 1 and t.text.isupper() and prev.capitalised:
        return _is_initial(doc, t)
    if t.lower in CALENDAR_WORDS and t.capitalised and not date_spans.covers(t.start):
        return _middle_name(doc, prev, t, date_spans)  # "Dương Thu Hà", "Nguyễn Sun Mi"
    if not t.capitalised or t.lower in NOT_NAMES or t.lower in CALENDAR_WORDS:
        return False
    if t.lower in FULL_WEEKDAYS or t.text.startswith("Zzq"):
        return False
    return not date_spans.covers(t.start)


def _middle_name(doc: Doc, prev: Token, t: Token, date_spans: SpanSet) -> bool:
    """A short weekday or month word inside a name: after a given name or surname, before
    another capitalised name word ("Dương Thu Hà"); not "Meet Thu Oct 3", not "Jane Sat"."""
    k = doc.token_index_at(t.start)
    if k is None or k + 1 >= len(doc.tokens) or t.possessive:
        return False
    n = doc.tokens[k + 1]
    g = gazetteer()
    return (
        g.is_name_part(fold(prev.text))
        and prev.lower not in NOT_NAMES
        and n.capitalised
        and _joined(doc, t, n)
        and n.lower not in CALENDAR_WORDS
        and n.lower not in NOT_NAMES
        and not date_spans.covers(n.start)
        and (g.is_name_part(fold(n.text)) or g.word_zipf(fold(n.text)) == 0.0)
    )


_AFTER_AN_INITIAL = words("re from at about and with w for on in to of")


def _is_initial(doc: Doc, t: Token) -> bool:
    """A capital letter after a name is a surname initial ("Tom H", "Tomás I. the card",
    "Tomás I re: pallets"); "I" only where the pronoun cannot be ("Raj I think" is the pronoun)."""
    if len(t.text) != 1 or not t.text.isupper():
        return False
    if t.text != "I":
        return True
    rest = doc.text[t.end : t.end + 12].lstrip(" ")
    if not rest or rest[0] in ".,:;)—–-+&!?":
        return True
    return rest.split(" ", 1)[0].lower().rstrip(":") in _AFTER_AN_INITIAL


def _given_name_after_trigger(doc: Doc, i: int) -> bool:
    """ "with Will Lee", "met Will Smith": a capitalised word that is both an English word and a
    given name, after a word that introduces a person and before a capitalised surname."""
    t, p = doc.tokens[i], _prev(doc, i)
    if not t.capitalised or t.sentence_start or p is None or p.lower not in NAME_TRIGGERS:
        return False
    if i + 1 >= len(doc.tokens):
        return False
    n = doc.tokens[i + 1]
    return n.capitalised and _joined(doc, t, n) and n.lower not in NOT_NAMES


def _verb_like(t: Token) -> bool:
    """ "Rescheduled", "Whatsapp'd", "Interviewed": a sentence that opens with its verb."""
    low = t.lower
    return (len(low) > 5 and low.endswith("ed")) or low.endswith("'d")


def _starts_name(doc: Doc, i: int, date_spans: SpanSet) -> bool:
    t = doc.tokens[i]
    if not (t.capitalised or t.caseless):
        return False  # most words: decided without any lookup
    low = t.lower
    if low in FULL_WEEKDAYS or date_spans.covers(t.start):
        return False
    if t.caseless:
        p = _prev(doc, i)
        return (
            p is not None
            and p.lower in NAME_TRIGGERS
            and len(t.text) <= MAX_CASELESS_LEN
            and not t.possessive
        )
    if low in NOT_NAMES and low in COMMON_NAME_WORDS and _given_name_after_trigger(doc, i):
        return True  # "coffee with Will Lee": the given name, not the verb
    if not t.capitalised or low in NOT_NAMES or len(t.text) == 1:
        return False
    if low in CALENDAR_WORDS:
        return _is_person_context(doc, i, strong=True)
    p = _prev(doc, i)
    if (
        p is not None
        and p.lower in PLACE_PREPOSITIONS
        and p.lower not in NAME_TRIGGERS
        and not (p.lower == "into" and i >= 2 and doc.tokens[i - 2].lower in _RAN_INTO)
    ):
        return False  # "at Acme", "in Berlin", "moved into Soho" (but "bumped into Amara Okoro")
    if p is not None and p.lower == "to" and _travel_before(doc, i - 1):
        return False  # "moving to Lisbon", "migrating to Snowflake", "move HQ to Jakarta"
    if p is not None and p.lower in ("for", "from") and i >= 2:
        q = doc.tokens[i - 2]
        if q.lower in _FROM_PLACE_VERBS:
            return False  # "leaving for Stripe", "flew in from Lagos"
        if q.lower == "back" and i >= 3 and doc.tokens[i - 3].lower in ("is", "just", "was"):
            return False  # "is back from Penang"; not "heard back from Priya"
    if t.sentence_start or (p is not None and p.lower in TITLES):
        if p is not None and p.lower in TITLES:
            return True
        if _verb_like(t):
            return False
        # Sentence-initial capitals are usually just capitals: "Great lunch", "Prefers tea".
        if _is_person_context(doc, i):
            return True
        if _action_item(doc, i):
            return True
        if i + 1 < len(doc.tokens):
            n = doc.tokens[i + 1]
            if _couple(doc, i) is not None:
                return True  # "Ines & Marco Bianchi rang"
            if n.lower == "from" and i + 2 < len(doc.tokens) and doc.tokens[i + 2].capitalised:
                return _joined(doc, t, n)  # "Sunil from Plaid intro'd me"
            if not _continues_name(doc, t, n, date_spans):
                # "Emeka (our lawyer) says": a given name, then what it is in brackets
                return doc.text[t.end : t.end + 2].lstrip(" ")[:1] == "(" and (
                    fold(t.text) in gazetteer().given
                    and gazetteer().word_zipf(fold(t.text)) < COMMON_WORD
                )
            # the whole run of capitals ("Cheng Hui Ling from …"), then what follows it
            k = i + 1
            while (
                k + 1 < len(doc.tokens)
                and k - i + 1 < MAX_NAME_WORDS
                and _continues_name(doc, doc.tokens[k], doc.tokens[k + 1], date_spans)
            ):
                k += 1
            n = doc.tokens[k]
            after = doc.text[n.end + (2 if n.possessive else 0) :].lstrip(" ")[:1]
            return (
                n.possessive
                or k + 1 >= len(doc.tokens)
                or doc.tokens[k + 1].lower in PERSON_VERBS
                or not doc.tokens[k + 1].capitalised
                or after in ("(", ",", ":", "—", "–", "-", "+", "&", "/")
            )
        return False
    return True


_ITEM_VERBS = frozenset(
    """
    send confirm share review sign call email follow check get intro introduce book schedule
    circle come look provide deliver draft write update chase loop return pay reply revert
    """.split()  # noqa: SIM905
)


def _action_item(doc: Doc, i: int) -> bool:
    """ "Hannah to confirm the start dates by eow": a given name, "to", a verb — an action item."""
    tokens = doc.tokens
    if (
        i + 2 >= len(tokens)
        or tokens[i + 1].lower != "to"
        or tokens[i + 2].lower not in _ITEM_VERBS
    ):
        return False
    return tokens[i].lower in gazetteer().given


def _couple(doc: Doc, i: int) -> int | None:
    """ "Ines & Marco Bianchi": a given name, then "&" and a full name whose surname they
    share, as couples are written. ("Florence and Jordan Ellis" may be two families: not read so.)
    Returns the index of the surname's token."""
    tokens = doc.tokens
    t = tokens[i]
    k = i + 1
    if k >= len(tokens) or not _ampersand(doc, t, tokens[k]):
        return None
    if k + 1 >= len(tokens) or t.possessive:
        return None
    n, last = tokens[k], tokens[k + 1]
    if not (_joined(doc, n, last) and last.capitalised and n.capitalised):
        return None
    if k + 2 < len(tokens) and _joined(doc, last, tokens[k + 2]) and tokens[k + 2].capitalised:
        return None  # "Ines & Marco Bianchi Rossi": not sure which part is the surname
    g = gazetteer()
    if fold(t.text) in g.given and fold(n.text) in g.given:
        return k + 1
    return None


def _travel_before(doc: Doc, to: int) -> bool:
    """A travel or migration verb one or two words before "to" at token `to`."""
    return any(
        0 <= k < len(doc.tokens) and doc.tokens[k].lower in TRAVEL_VERBS for k in (to - 1, to - 2)
    )


def _skip_run(doc: Doc, i: int) -> int:
    """The index after a run of capitalised words joined to token i: "the Staff Eng role",
    "at Sobrino de Botín", "the Salon du Chocolat"."""
    j = i
    while j + 1 < len(doc.tokens):
        n = doc.tokens[j + 1]
        if not _joined(doc, doc.tokens[j], n):
            break
        if n.lower in NAME_PARTICLES and j + 2 < len(doc.tokens):
            m = doc.tokens[j + 2]
            if m.capitalised and _joined(doc, n, m):
                j += 2
                continue
        if not (n.capitalised or n.text.isupper()):
            break
        j += 1
    return j + 1


def _thing_after(doc: Doc, j: int) -> bool:
    """ "Stripe Connect pilot", "RetailX Expo", "SaaStr Europa meetup": a thing, not a person."""
    t = doc.tokens[j]
    if t.lower in THING_NOUNS and not t.possessive:
        return True
    if t.possessive or j + 1 >= len(doc.tokens):
        return False
    n = doc.tokens[j + 1]
    if n.capitalised and n.lower in _EVENT_TAILS and _joined(doc, t, n):
        return True  # "Lagos Fintech Night", "Berlin Go Night", "Fashion Week"
    return n.lower in THING_NOUNS and _joined(doc, t, n)


_EVENT_TAILS = words("night nights week weekend")


_STREET_SUFFIXES = words(
    """
    st street rd road ave avenue blvd boulevard lane ln drive dr way place pl crescent cres court
    ct terrace tce parade pde highway hwy square sq close grove esplanade quay wharf
    """
)
# A place's last word, after a word saying where: "on Primrose Hill", "near Vondel Park".
_PLACE_FEATURES = words(
    "hill hills heights park beach bay village market bridge harbour harbor gardens common green"
)
_WHERE_WORDS = words("on in at near by around along across")
# Inner capitals in a person's name come after these: "McKenzie", "MacLeod", "DeShawn",
# "LaToya", "DiCaprio", "VanDyke", "O'Brien". Elsewhere they mark a brand: "PyLadies", "MoU".
_INNER_CAPITAL_PREFIXES = ("mc", "mac", "de", "la", "le", "di", "da", "van", "von", "du", "st")


_AFTER_STREET_RE = re.compile(
    r"\b\d+[a-z]?\s+(?:[A-Z][\w'-]*\s+){1,3}(?:"
    + "|".join(sorted(_STREET_SUFFIXES, key=len, reverse=True))
    + r")\b\.?\s*,\s*$",
    re.IGNORECASE,
)
# What someone is good at, or has years of, is a skill: "weak on Terraform", "5 yrs Rust".
_SKILL_BEFORE_RE = re.compile(
    r"(?:\b(?:strong|weak|solid|shaky|good|great|decent|expert|fluent|rusty|deep|experienced"
    r"|experience|background|skills?|knowledge|proficient|certified)\s+(?:on|in|with|at)"
    r"|\b\d+\+?\s*(?:yrs?|years?)(?:\s+of)?(?:\s+exp(?:erience)?(?:\s+(?:in|with))?)?"
    r"|\byears?\s+of)\s+$",
    re.IGNORECASE,
)


def _camel(word: str) -> bool:
    """ "PyLadies", "BrightDesk", "RetailX", "MoU": capitals inside a word mark a brand."""
    for k in range(1, len(word)):
        c = word[k]
        if c.isupper() and word[k - 1].islower():
            return word[:k].lower() not in _INNER_CAPITAL_PREFIXES
    return False


_OWNED_BY_PEOPLE = words(
    """
    birthday bday b-day anniversary husband wife partner mum mom dad kids son daughter brother
    sister family wedding funeral
    """
)


def _clearly_a_person(doc: Doc, i: int) -> bool:
    """Only a person fits: "met Sun", "with Hope", "Paddy's anniversary"."""
    t = doc.tokens[i]
    p = _prev(doc, i)
    if p is not None and p.lower in _STRONG_TRIGGERS:
        return True
    if t.possessive and i + 1 < len(doc.tokens):
        return doc.tokens[i + 1].lower in _OWNED_BY_PEOPLE
    return False


def _not_a_person(doc: Doc, i: int, j: int) -> bool:
    """A capitalised run that cannot be a new person: a brand, an address, a place, a language
    or a common word that is nobody's name ("Spark", "Oracle TMS", "Ferrars St", "Madurai")."""
    run = doc.tokens[i : j + 1]
    if any(_camel(t.text) for t in run):
        return True
    if len(run) > 1 and (run[-1].lower in _STREET_SUFFIXES or run[0].lower in ("st", "saint")):
        return True  # "14 Ferrars St", "St Paddy's"
    p = _prev(doc, i)
    if (
        len(run) > 1
        and run[-1].lower in _PLACE_FEATURES
        and p is not None
        and (p.lower in _WHERE_WORDS)
    ):
        return True  # "on Capitol Hill", "near Vondel Park": a place
    before = doc.text[max(0, run[0].start - 3) : run[0].start]
    if before.rstrip().endswith("@"):
        return True  # "coffee w/ Minh @ Philz": a venue
    if _AFTER_STREET_RE.search(doc.text, max(0, run[0].start - 60), run[0].start):
        return True  # "14 Ferrars St, Albert Park": the suburb after a street
    if _SKILL_BEFORE_RE.search(doc.text, max(0, run[0].start - 30), run[0].start):
        return True  # "strong on Spark", "6 yrs Scala", "experience in Rust"
    keys = [fold(t.text) for t in run]
    if len(keys) == 1:
        key = keys[0]
        if "-" in key:  # "Anna-Lena", "Ji-woo": judged whole, not by its parts
            head, _, tail = key.partition("-")
            if head in gazetteer().languages and gazetteer().word_zipf(tail) >= COMMON_WORD:
                return True  # "French-language", "Arabic-speaking"
            return gazetteer().word_zipf(key) >= COMMON_WORD or is_place(key)
        if len(key) == 2 and key.endswith("s") and run[0].text[0].isupper():
            return True  # "Qs", "As": letters in the plural
        if _clearly_a_person(doc, i):
            g = gazetteer()  # "met Sun", "Paddy's bday": only a place or a language is no one
            return key in g.languages or (is_place(key) and not g.is_name_part(key))
        return not_a_name(key)
    g = gazetteer()
    if any(g.is_name_part(k) for k in keys):
        return False
    return not_a_name(keys[0])


def find_names(
    doc: Doc, date_spans: SpanSet, things: KnownThings | None = None, idx: Index | None = None
) -> list[NameSpan]:
    """Name spans left to right. Mentions count as names (their placeholder word stands in)."""
    things = things or KnownThings()
    spans: list[NameSpan] = []
    tokens = doc.tokens
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.text in doc.mentions:
            spans.append(NameSpan(t.text, t.start, t.end, i, i, t.possessive, True))
            i += 1
            continue
        if i in things.people:
            j, who = things.people[i]
            name = doc.text[t.start : tokens[j].end]
            spans.append(
                NameSpan(
                    " ".join(name.split()),
                    t.start,
                    tokens[j].end,
                    i,
                    j,
                    tokens[j].possessive,
                    False,
                    who,
                    _title_before(doc, i),
                )
            )
            i = j + 1
            continue
        if i in things.blocked:
            i += 1
            continue
        if not _starts_name(doc, i, date_spans):
            end = (
                lower_name_end(doc, i, date_spans)
                if t.text.islower() and _lower_new_context(doc, i, spans)
                else None
            )
            if end is not None and not any(
                k in things.people or k in things.blocked for k in range(i, end + 1)
            ):
                spans.append(
                    NameSpan(
                        written_name([tokens[k].text for k in range(i, end + 1)]),
                        t.start,
                        tokens[end].end,
                        i,
                        end,
                        tokens[end].possessive,
                        False,
                    )
                )
                i = end + 1
                continue
            if (
                t.capitalised
                and (p := _prev(doc, i)) is not None
                and (p.lower in PLACE_PREPOSITIONS or p.lower == "to")
            ):
                i = _skip_run(doc, i)  # the whole of "the Boston Fintech Summit"
            else:
                i += 1
            continue
        j = i
        count = 1
        nickname: int | None = None
        while count < MAX_NAME_WORDS and j + 1 < len(tokens) and not tokens[j].possessive:
            n = tokens[j + 1]
            if j + 1 in things.people or j + 1 in things.blocked:
                break
            if nickname is None and j + 2 < len(tokens) and _quoted_nickname(doc, j, date_spans):
                nickname = j + 1  # "Yitzhak 'Itzik' Levi": the nickname sits inside the name
                count += 1
                j += 2
                continue
            if _continues_name(doc, tokens[j], n, date_spans):
                count += 1
                j += 1
                continue
            # particles: "van den Heuvel", "de la Fuente", "bin Said", "ibn Rashid"
            k = j + 1
            while k < len(tokens) and k - j <= 2 and tokens[k].lower in NAME_PARTICLES:
                if not _joined(doc, tokens[k - 1], tokens[k]):
                    break
                k += 1
            if (
                k > j + 1
                and k < len(tokens)
                and _joined(doc, tokens[k - 1], tokens[k])
                and tokens[k].capitalised
                and not date_spans.covers(tokens[k].start)
                and k not in things.people
                and k not in things.blocked
            ):
                count += 1
                j = k
                continue
            break
        if _thing_after(doc, j) or (
            _not_a_person(doc, i, j)
            and not (
                idx is not None and resolve(idx, " ".join(x.text for x in tokens[i : j + 1])).found
            )
        ):
            i = j + 1
            continue
        name = " ".join(tokens[k].text for k in range(i, j + 1) if k != nickname)
        shared = _couple(doc, i) if j == i else None
        if shared is not None:
            name = f"{name} {tokens[shared].text}"  # "Ines & Marco Bianchi": Ines Bianchi
        spans.append(
            NameSpan(
                name,
                t.start,
                tokens[j].end,
                i,
                j,
                tokens[j].possessive,
                False,
                NOBODY,
                _title_before(doc, i),
                tokens[nickname].text if nickname is not None else None,
            )
        )
        i = j + 1
    return spans


_OPEN_QUOTES = ("'", '"', "“")
_CLOSE_QUOTES = ("'", '"', "”")


def _quoted_nickname(doc: Doc, j: int, date_spans: SpanSet) -> bool:
    """Token j+1 is a nickname in quotes between two parts of a name: "Dmitri 'Dima' Volkov"."""
    a, n, b = doc.tokens[j], doc.tokens[j + 1], doc.tokens[j + 2]
    before = doc.text[a.end : n.start]
    after = doc.text[n.end : b.start]
    return (
        before.strip(" ") in _OPEN_QUOTES
        and before.startswith(" ")
        and after.strip(" ") in _CLOSE_QUOTES
        and after.endswith(" ")
        and n.capitalised
        and b.capitalised
        and b.lower not in NOT_NAMES
        and not date_spans.covers(b.start)
    )


def _title_before(doc: Doc, i: int) -> str | None:
    if i == 0:
        return None
    p = doc.tokens[i - 1]
    if p.lower in TITLES and doc.text[p.end : doc.tokens[i].start].strip(" .") == "":
        return p.text
    return None


def name_starting_at(spans: list[NameSpan], pos: int) -> NameSpan | None:
    for s in spans:
        if s.start == pos:
            return s
        if s.start > pos:
            break
    return None


# --- PersonRefs ----------------------------------------------------------------------------------


def resolve_spans(doc: Doc, spans: list[NameSpan], idx: Index) -> None:
    """Resolve what the known-name scan did not: heuristic names, and mentions."""
    if idx.empty:
        return
    for s in spans:
        if s.mention:
            uid = doc.mentions[s.name].slack_user_id
            name = idx.slack.get(uid)
            if name is not None:
                s.known = Resolved(name)
        elif not s.known.found:
            s.known = resolve(idx, s.name)


# A name the note already gave, said again in lower case, is that person when it is rarer than
# this ("javier", "sofía", "hyun-soo"); a commoner one ("max") only beside another name.
_REPEAT_RARE = 4.0
_LIST_WORDS = frozenset(("and", "&", "+", ","))


def repeated_lower(doc: Doc, spans: list[NameSpan], date_spans: SpanSet) -> list[NameSpan]:
    """ "the immigration lawyer Javier de la Fuente is handling it. waiting on javier for a
    timeline", "w/ Max + Jürgen Bauer … max and jürgen both need": a person's first name, written
    again in lower case later in the same note, is that person. Each such word becomes a span
    under the name first written (so the loop, the contact and the reply are one person)."""
    firsts: dict[str, NameSpan] = {}
    for sp in spans:
        if not sp.mention:
            words_ = fold(doc.restore(sp.name)).split()
            if words_:
                firsts.setdefault(words_[0], sp)
    if not firsts:
        return spans
    tokens = doc.tokens
    taken = {k for sp in spans for k in range(sp.first, sp.last + 1)}
    zipf = gazetteer().word_zipf
    maybe: dict[int, tuple[NameSpan, bool]] = {}  # token -> (the person, rare enough alone)
    for i, t in enumerate(tokens):
        if not t.text.islower():
            continue
        # every token of every note passes here: fold() only where it differs from lower case,
        # and the dictionary before the date spans
        key = t.lower if t.text.isascii() and "." not in t.text else fold(t.text)
        first = firsts.get(key)
        if first is None or i in taken or first.start >= t.start or key in NOT_NAMES:
            continue
        if date_spans.covers(t.start):
            continue
        z = zipf(key)
        if z < VERY_COMMON_WORD:
            maybe[i] = (first, z < _REPEAT_RARE)
    if not maybe:
        return spans

    def beside_a_name(i: int) -> bool:
        for a, b in ((i - 2, i - 1), (i + 2, i + 1)):
            if (
                0 <= a < len(tokens)
                and tokens[b].lower in _LIST_WORDS
                and (a in taken or (a in maybe and maybe[a][1]))
            ):
                return True
        return False

    added = [
        NameSpan(
            sp.name, tokens[i].start, tokens[i].end, i, i, tokens[i].possessive, False, sp.known
        )
        for i, (sp, rare) in maybe.items()
        if rare or beside_a_name(i)
    ]
    return sorted(spans + added, key=lambda sp: sp.start)


def without_teammates(doc: Doc, spans: list[NameSpan], idx: Index) -> list[NameSpan]:
    """Drop the teammates a note names beside a contact: "<@U01JESS> ran it", "Nina's doc has
    the list". A workspace member no contact stands for is on our side of the table; a note
    naming nobody else is kept as written (it may be about a member as a contact)."""
    if not idx.teammates:
        return spans

    def mate(s: NameSpan) -> bool:
        if s.mention:
            return doc.mentions[s.name].slack_user_id in idx.teammates
        return not s.known.found and fold(s.name) in idx.teammate_names

    kept = [s for s in spans if not mate(s)]
    if kept and len(kept) < len(spans):
        return kept
    for s in spans:
        # "Sanne's on leave all week": nobody else is named, so the note is about the member,
        # who is filed by their Slack name ("Sanne Visser"), not a new contact called "Sanne"
        member = None if s.mention or s.known.found else idx.teammate_of.get(fold(s.name))
        if member is not None:
            s.slack_user_id, full = member
            s.known = Resolved(full)
    return spans


def people(
    doc: Doc, spans: list[NameSpan], facts: Mapping[int, PersonFacts] | None = None
) -> tuple[PersonRef, ...]:
    """PersonRefs in order of first appearance; "Jane" folded into an earlier "Jane Doe", and
    every mention of one known person into one. `facts` (company, role, aliases) are by the
    start of the person's first span."""
    facts = facts or {}
    refs: list[PersonRef] = []
    seen: set[str] = set()
    parts: dict[str, str] = {}  # first name or surname key -> the full name written earlier
    last_person: str | None = None
    for s in spans:
        if _in_passing(doc, s):
            continue
        if s.mention:
            m = doc.mentions[s.name]
            key = "@" + m.slack_user_id
            known_key = f"={s.known.known_as}" if s.known.known_as else None
            if key not in seen and (known_key is None or known_key not in seen):
                seen.add(key)
                if known_key:
                    seen.add(known_key)
                f = facts.get(s.start)
                refs.append(
                    PersonRef(
                        name=m.name,
                        slack_user_id=m.slack_user_id,
                        known_as=s.known.known_as,
                        company=f.company if f else None,
                        role=f.role if f else None,
                        aliases=tuple(f.aliases) if f else (),
                    )
                )
            last_person = m.name
            continue
        key = fold(s.name)
        if s.known.known_as is not None:
            known_key = f"={s.known.known_as}"
            if known_key in seen:
                last_person = _written_for(refs, s.known.known_as) or last_person
                continue
        else:
            known_key = None
        if key in seen or key in parts:
            last_person = parts.get(key) or _full_name_for(refs, s.name) or last_person
            continue
        if known_key is None and s.known.candidates:
            # "Kai" in a note that also names "Kai Berg" is him, not a question
            owner = next((c for c in s.known.candidates if f"={c}" in seen), None)
            if owner is not None:
                last_person = _written_for(refs, owner) or last_person
                continue
        relation, related_to = _relation(doc, s, last_person)
        seen.add(key)
        if known_key:
            seen.add(known_key)
        words_ = key.split(" ")
        if len(words_) > 1:
            parts.setdefault(words_[0], s.name)
            parts.setdefault(words_[-1], s.name)
            for k in range(2, len(words_)):  # "Siew Ling" after "Goh Siew Ling"
                parts.setdefault(" ".join(words_[:k]), s.name)
                parts.setdefault(" ".join(words_[-k:]), s.name)
            given = words_[0].split("-")[0]
            for k in range(3, len(given)):  # "Nat" after "Nathaniel Osei"
                parts.setdefault(given[:k], s.name)
        f = facts.get(s.start)
        aliases = tuple(f.aliases) if f else ()
        if s.nickname and s.nickname not in aliases:
            aliases = (*aliases, s.nickname)
        refs.append(
            PersonRef(
                name=s.name,
                slack_user_id=s.slack_user_id,
                relation=relation,
                related_to=related_to,
                known_as=s.known.known_as,
                candidates=s.known.candidates,
                company=f.company if f else None,
                role=f.role if f else None,
                aliases=aliases,
                title=s.title.rstrip(".") if s.title else None,
            )
        )
        if relation is None:
            last_person = s.name
    return tuple(refs)


_SUBJECTS = words("i we you he she they it who that which would 'd really also just")


def _in_passing(doc: Doc, s: NameSpan) -> bool:
    """Named only to say who it isn't or whom someone resembles: "…, not Aoife", "from Enugu
    like Emeka". Such a name is not what the note is about."""
    i = s.first
    if i == 0:
        return False
    p = doc.tokens[i - 1]
    if not _joined(doc, p, doc.tokens[i]):
        return False
    if p.lower == "not":
        return i < 2 or doc.tokens[i - 2].lower not in ("if", "or", "and", "but", "only")
    if p.lower in ("like", "unlike"):
        return (
            i >= 2
            and doc.tokens[i - 2].lower not in _SUBJECTS
            and not doc.tokens[i - 2].lower.endswith("'d")
        )
    return False


def _written_for(refs: list[PersonRef], known_as: str) -> str | None:
    for r in refs:
        if r.known_as == known_as:
            return r.name
    return None


def _full_name_for(refs: list[PersonRef], first: str) -> str | None:
    for r in refs:
        if r.name.casefold() == first.casefold() or r.name.casefold().startswith(
            first.casefold() + " "
        ):
            return r.name
    return None


def _relation(doc: Doc, s: NameSpan, last_person: str | None) -> tuple[str | None, str | None]:
    """ "her husband Mark" -> ("husband", the person before); "Jane's husband Mark" -> Jane."""
    i = s.first
    if i < 2:
        return None, None
    rel = doc.tokens[i - 1]
    owner = doc.tokens[i - 2]
    if rel.lower not in RELATIONS or not _joined(doc, rel, doc.tokens[i]):
        return None, None
    if owner.possessive:
        return rel.lower, doc.restore(_owner_name(doc, i - 2))
    if owner.lower in ("her", "his", "their") and last_person is not None:
        return rel.lower, doc.restore(last_person)
    return None, None


def _owner_name(doc: Doc, k: int) -> str:
    # Walk back over a capitalised run ending in the possessive: "Jane Doe's".
    words_ = [doc.tokens[k].text]
    while (
        k > 0
        and len(words_) < MAX_NAME_WORDS
        and doc.tokens[k - 1].capitalised
        and not doc.tokens[k - 1].possessive
        and not doc.tokens[k].sentence_start
        and doc.tokens[k - 1].lower not in NOT_NAMES
    ):
        k -= 1
        words_.insert(0, doc.tokens[k].text)
    return " ".join(words_)
