"""Who does what in a clause: the subject before a verb, and a person object after it.

Notes are terse: a clause that starts with its verb ("called Raj", "need to send the deck") has
the author as its subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from bot.parsing.doc import Doc, SpanSet
from bot.parsing.lexicon import words
from bot.parsing.people import NameSpan

_ADVERBS = words(
    """
    also still then really definitely probably totally just now finally actually already really
    quickly kindly apparently even never ever def prob again is are am was were been be
    """
)

# "Max and Jürgen both need": a word that counts the subject sits between it and the verb.
_QUANTIFIERS = words("both each all")


class Who(Enum):
    ME = "me"  # "I", "we", or no subject at all
    THEM = "them"  # a named person or she/he/they
    OTHER = "other"  # "it will", "the team should": not about a person


@dataclass(slots=True)
class Subject:
    who: Who
    name: str | None = None  # the named person when who is THEM and a name was written


@dataclass(slots=True)
class Obj:
    kind: str  # "name" | "pronoun" | "me"
    name: str | None  # restored display name for "name"
    end: int


class Names:
    """Name spans indexed by where they start and end, for O(1) lookups while scanning."""

    def __init__(self, spans: list[NameSpan], dates: Sequence[tuple[int, int]] = ()) -> None:
        self.spans = spans
        self.dates = SpanSet(list(dates))
        self.by_start = {s.start: s for s in spans}
        self.by_last_token = {s.last: s for s in spans}


def _base(word: str) -> str:
    return word.split("'", 1)[0]


def subject_before(doc: Doc, names: Names, pos: int) -> Subject:
    cs = doc.clause_start(pos)
    k = doc.token_index_at(pos)
    k = (len(doc.tokens) if k is None else k) - 1
    # A token straddling pos is "she'll" for a trigger at "'ll": its first half is the subject.
    while k >= 0 and doc.tokens[k].start >= cs:
        t = doc.tokens[k]
        if t.start >= pos:
            k -= 1
            continue
        base = _base(t.lower)
        if t.end <= pos and (
            base in _ADVERBS or base in _QUANTIFIERS or names.dates.covers(t.start)
        ):
            k -= 1
            continue
        if base in ("i", "we"):
            return Subject(Who.ME)
        if base in ("she", "he", "they"):
            return Subject(Who.THEM)
        span = names.by_last_token.get(k)
        if span is not None and (not span.possessive or _is_contracted(doc, span, pos)):
            return Subject(Who.THEM, doc.restore(span.name))
        return _apposed(doc, names, cs, pos) or Subject(Who.OTHER)
    return Subject(Who.ME)


# "Dmitri Volkov from their data team asked", "Sarah at Plaid wants", "Ken (their CTO) needs":
# where a person is from, said between the name and the verb, leaves the name the subject.
_APPOSITION_RE = re.compile(
    r"\s*(?:\([^()\n]{1,40}\)|(?:from|at|@|of)\s+[^\W\d_][^,;:.!?()\n]{0,35}?)\s*$", re.IGNORECASE
)


def _apposed(doc: Doc, names: Names, cs: int, pos: int) -> Subject | None:
    for span in reversed(names.spans):
        if span.end > pos or span.start < cs:
            continue
        if span.possessive or pos - span.end > 45:
            return None
        if _APPOSITION_RE.fullmatch(doc.text, span.end, pos) is None:
            return None
        head = doc.text[cs : span.start].strip(" -–—•*:").lower()
        if head and head not in ("and", "then", "also", "so", "but", "+"):
            return None  # "met Sarah from Plaid, …" has its subject elsewhere
        return Subject(Who.THEM, doc.restore(span.name))
    return None


def _is_contracted(doc: Doc, span: NameSpan, pos: int) -> bool:
    """ "Noor's sending the contract": a name's 's straight before a verb in -ing is "is", so the
    name is the subject; "Noor's team is sending" owns a noun, and the team is the subject."""
    between = doc.text[span.end + 2 : pos].split()
    m = _ING_RE.match(doc.text, pos)
    return m is not None and all(w.casefold() in _ADVERBS for w in between)


_ING_RE = re.compile(r"[^\W\d_]{2,}ing\b")


def obj_at(doc: Doc, names: Names, pos: int) -> Obj | None:
    """A person right at `pos` (after spaces): a name, him/her/them, or me/us."""
    n = len(doc.text)
    while pos < n and doc.text[pos] == " ":
        pos += 1
    span = names.by_start.get(pos)
    if span is not None:
        end = span.end + (2 if span.possessive else 0)
        return Obj("name", doc.restore(span.name), end)
    k = doc.token_index_at(pos)
    if k is None or doc.tokens[k].start != pos:
        return None
    t = doc.tokens[k]
    if t.lower in ("him", "her", "them", "she", "he", "they"):
        return Obj("pronoun", None, t.end)
    if t.lower in ("me", "us"):
        return Obj("me", None, t.end)
    return None
