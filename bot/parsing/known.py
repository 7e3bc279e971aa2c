"""Looking names up in what the workspace knows: contacts and their aliases, organisations,
corrections, Slack users.

Keys are folded: case, accents, dots and apostrophe styles don't matter ("zoe" finds "Zoë
Martin", "Aoife B." finds the alias "Aoife B"). A name resolves to one known person, to several
(then the parser lists them as candidates and the service asks), or to nobody (a new person).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from bot.parsing.lexicon import NAME_PARTICLES, TITLES
from bot.parsing.model import NOTHING_KNOWN, Knowledge

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """A lookup key: lower case, no accents, no dots, one space between words."""
    if text.isascii():
        return " ".join(text.replace(".", " ").lower().split())
    s = text.translate(_ZERO_WIDTH).replace("\u2019", "'").replace(".", " ")
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = s.replace("đ", "d").replace("Đ", "d").replace("ø", "o").replace("ł", "l")
    return " ".join(s.casefold().replace("ı", "i").split())


def _words(key: str) -> list[str]:
    return [w for w in key.split(" ") if w not in TITLES]


@dataclass
class Index:
    full: dict[str, set[str]] = field(default_factory=dict)  # whole names and aliases
    first: dict[str, set[str]] = field(default_factory=dict)  # first words of names
    last: dict[str, set[str]] = field(default_factory=dict)  # surnames, with their particles
    prefix: dict[str, set[str]] = field(default_factory=dict)  # "wei ling" of "Wei Ling Tan"
    suffix: dict[str, set[str]] = field(default_factory=dict)  # "wei ming" of "Tan Wei Ming"
    nick: dict[str, set[str]] = field(default_factory=dict)  # "rafa" of Rafaela, "sam" of Samuel
    parts: dict[str, tuple[str, str]] = field(default_factory=dict)  # person -> (given, surname)
    one_word: dict[str, set[str]] = field(default_factory=dict)  # "joaquin" for a one-name contact
    aliases: dict[str, str] = field(default_factory=dict)  # alias key -> alias as written
    orgs: dict[str, str] = field(default_factory=dict)  # organisation key -> its name
    not_people: set[str] = field(default_factory=set)
    slack: dict[str, str] = field(default_factory=dict)
    # Workspace members no contact stands for: teammates ("<@U01JESS> ran it"), by Slack id and
    # by their name and first name as a note may write it ("Nina's doc")
    teammates: set[str] = field(default_factory=set)
    teammate_names: set[str] = field(default_factory=set)
    # name key -> (Slack id, full name) of the one member it names; None when several share it
    teammate_of: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    company: dict[str, str] = field(default_factory=dict)  # person -> company
    known_aliases: dict[str, set[str]] = field(default_factory=dict)  # person -> alias keys
    initials: dict[str, set[str]] = field(default_factory=dict)  # "aj" of Ahmed Jaber
    max_words: int = 1  # the longest key, in words: bounds the scan
    heads: set[str] = field(default_factory=set)  # first word of every key: a cheap pre-check

    @property
    def empty(self) -> bool:
        return not (self.full or self.orgs or self.not_people or self.slack)


def _add(table: dict[str, set[str]], key: str, name: str) -> None:
    if key:
        table.setdefault(key, set()).add(name)


def _surname(words: list[str]) -> str | None:
    """ "pieter van den heuvel" -> "van den heuvel"; "kai berg" -> "berg"."""
    if len(words) < 2:
        return None
    i = len(words) - 1
    while i > 1 and words[i - 1] in NAME_PARTICLES:
        i -= 1
    return " ".join(words[i:])


def build(known: Knowledge) -> Index:
    idx = Index()
    for p in known.people:
        if not p.name.strip():
            continue
        key = " ".join(_words(fold(p.name)))
        words = key.split(" ")
        _add(idx.full, key, p.name)
        _add(idx.first, words[0], p.name)
        for k in range(2, len(words)):  # "wei ling" of "Wei Ling Tan", "josé maría" of ...
            if words[k - 1] not in NAME_PARTICLES:
                _add(idx.prefix, " ".join(words[:k]), p.name)
            if words[len(words) - k] not in NAME_PARTICLES:  # "wei ming" of "Tan Wei Ming"
                _add(idx.suffix, " ".join(words[len(words) - k :]), p.name)
        given = words[0].split("-")[0]
        for k in range(3, len(given)):  # a nickname is how a given name starts: Rafa, Sam, Alex
            _add(idx.nick, given[:k], p.name)
        if 2 <= len(words) <= 3:
            _add(idx.initials, "".join(w[:1] for w in words), p.name)
        surname = _surname(words)
        if surname is not None:
            _add(idx.last, surname, p.name)
            if surname != words[-1]:
                _add(idx.last, words[-1], p.name)
            idx.parts[p.name] = (words[0], surname)
        else:
            _add(idx.one_word, key, p.name)
        for alias in p.aliases:
            akey = fold(alias)
            if akey:
                _add(idx.full, akey, p.name)
                idx.aliases[akey] = alias
                idx.known_aliases.setdefault(p.name, set()).add(akey)
        if p.slack_user_id:
            idx.slack[p.slack_user_id] = p.name
        if p.company:
            idx.company[p.name] = p.company
    contact_ids = set(idx.slack)
    for uid, name in known.slack_users:
        idx.slack.setdefault(uid, name)
        key = " ".join(_words(fold(name)))
        if uid in contact_ids or not key or key in idx.full:
            continue  # a contact who is also in the workspace's Slack (Slack Connect)
        idx.teammates.add(uid)
        idx.teammate_names.add(key)
        _member(idx, key, uid, name)
        first = key.split(" ")[0]
        if first not in idx.first and first not in idx.one_word and first not in idx.nick:
            idx.teammate_names.add(first)
            _member(idx, first, uid, name)
    for org in known.organisations:
        if org.strip():
            # "Kühne & Sohn" is matched word by word; the "&" is no word of the note
            idx.orgs[" ".join(w for w in fold(org).split(" ") if w not in ("&", "+"))] = org
    idx.not_people = {fold(x) for x in known.not_people if x.strip()}
    keys = [*idx.full, *idx.orgs, *idx.not_people, *idx.last, *idx.prefix, *idx.suffix]
    idx.max_words = max((k.count(" ") + 1 for k in keys), default=1)
    idx.heads = {k.split(" ", 1)[0] for k in keys}
    return idx


def _member(idx: Index, key: str, uid: str, name: str) -> None:
    idx.teammate_of[key] = None if key in idx.teammate_of else (uid, name)


_EMPTY = Index()


def index(known: Knowledge | None) -> Index:
    """The tables for `known`, built on first use and kept in the snapshot."""
    if known is None or known is NOTHING_KNOWN:
        return _EMPTY
    found = known.cache.get("index")
    if isinstance(found, Index):
        return found
    built = build(known)
    known.cache["index"] = built
    return built


@dataclass(frozen=True)
class Resolved:
    known_as: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.known_as is not None or bool(self.candidates)


NOBODY = Resolved()


def _one(names: set[str]) -> Resolved:
    if len(names) == 1:
        return Resolved(next(iter(names)))
    return Resolved(None, tuple(sorted(names)))


def resolve(idx: Index, name: str) -> Resolved:
    """Whom `name` (as written) is: a whole name or alias first, then a first name or surname."""
    key = " ".join(_words(fold(name)))
    if not key:
        return NOBODY
    hits = idx.full.get(key)
    if hits:
        if len(key) <= 3 and idx.aliases.get(key, "").isupper():
            # initials one person goes by are another's too: "AJ" is Ahmed Jaber's nickname
            # and Anjali Joshi's initials, so ask. (A shared first name is not: "Tom", one
            # Tomasz's nickname, next to Tom Hargreaves is settled by context, not asked.)
            hits = hits | idx.initials.get(key, set())
        return _one(hits)
    if " " not in key or key in idx.last:
        found = idx.first.get(key, set()) | idx.last.get(key, set())
        if found:
            return _one(found)
    hits = idx.prefix.get(key) or idx.suffix.get(key)
    if hits:
        return _one(hits)
    words = key.split(" ")
    if len(words) > 1:
        found = _short_form(idx, words[0], " ".join(words[1:]))
        if not found:
            found = idx.one_word.get(words[0], set())  # "Joaquín Ibarra" for a known Joaquín
        return _one(found) if found else NOBODY
    hits = idx.nick.get(key)
    return _one(hits) if hits else NOBODY


def _initials(surname: str) -> tuple[str, str]:
    """ "okonjo-iweala" -> ("oi", "o"); "van den heuvel" -> ("vdh", "h")."""
    parts = [w for w in surname.replace("-", " ").split(" ") if w]
    core = [w for w in parts if w not in NAME_PARTICLES] or parts
    return "".join(w[0] for w in parts), core[0][0]


def _short_form(idx: Index, first: str, rest: str) -> set[str]:
    """Known people written as a given name, alias or nickname with their surname or its
    initials: "Tom H", "Camille L-D", "Elo Martin", "Sam Adebayo-Klein"."""
    letters = rest.replace("-", "").replace(" ", "")
    initial = len(letters) <= 3 and len(rest) <= 5
    out = set()
    for person, (given, surname) in idx.parts.items():
        aliases = idx.known_aliases.get(person, set())
        base = given.split("-")[0]
        if (
            first != given
            and first not in aliases
            and not (len(first) >= 3 and base.startswith(first) and len(base) > len(first))
        ):
            continue
        if rest in (surname, surname.split(" ")[-1]) or (initial and letters in _initials(surname)):
            out.add(person)
    return out


def is_known_alias(idx: Index, person: str, alias: str) -> bool:
    return fold(alias) in idx.known_aliases.get(person, set()) or fold(alias) == fold(person)
