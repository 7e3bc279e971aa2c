"""What kind of recall question this is: a need ("who's looking for a bookkeeper?"), an
occasion ("whose birthday is in October?") or a loop ("what am I waiting on from Yusuf?").
Anything else is a plain search. Pure: text in, an `Ask` out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing import Direction

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

_NAME = r"(?P<name>[^\W\d_][\w'’.\- ]{0,60}?)"
_END = r"\s*(?:\?|$|\bfor\b|\babout\b|\bre\b|\bon\b)"
_LOOPS: tuple[tuple[re.Pattern[str], Direction], ...] = (
    (
        re.compile(
            r"\bwhat(?:'s| is| am| are| do)?\s+(?:i|we)\s+(?:still\s+)?(?:waiting|waitin)\s+"
            r"(?:on|for)(?:\s+from)?\s+" + _NAME + _END,
            re.I,
        ),
        Direction.THEY_OWE,
    ),
    (
        re.compile(
            r"\bwhat\s+(?:does|do|did)\s+" + _NAME + r"\s+(?:still\s+)?owe\s+(?:me|us)", re.I
        ),
        Direction.THEY_OWE,
    ),
    (
        re.compile(
            r"\bwhat\s+(?:do|did|does)\s+(?:i|we)\s+(?:still\s+)?owe\s+" + _NAME + _END, re.I
        ),
        Direction.YOU_OWE,
    ),
    (
        re.compile(
            r"\bwhat(?:'s| is| does)?\s+" + _NAME + r"\s+(?:still\s+)?(?:waiting|waitin)\s+"
            r"(?:on|for)(?:\s+from)?\s+(?:me|us)\b",
            re.I,
        ),
        Direction.YOU_OWE,
    ),
)
_LOOPS_ALL: tuple[tuple[re.Pattern[str], Direction], ...] = (
    (
        re.compile(r"\bwhat\s+(?:am|are)\s+(?:i|we)\s+(?:still\s+)?waiting\s+(?:on|for)\b", re.I),
        Direction.THEY_OWE,
    ),
    (re.compile(r"\bwhat\s+(?:do|does)\s+(?:i|we)\s+(?:still\s+)?owe\b", re.I), Direction.YOU_OWE),
    (re.compile(r"\bwho\s+(?:do|does)\s+(?:i|we)\s+(?:still\s+)?owe\b", re.I), Direction.YOU_OWE),
    (re.compile(r"\bwho\s+owes\s+(?:me|us)\b", re.I), Direction.THEY_OWE),
)
_OCCASION = re.compile(r"\b(?P<kind>birthdays?|bdays?|b-days?|anniversar(?:y|ies))\b", re.I)
_MONTH = re.compile(r"\b(?:in|on|during|for)?\s*(?P<month>" + "|".join(MONTHS) + r")\b\.?", re.I)
_RELATIVE_MONTH = re.compile(r"\b(?P<which>this|next)\s+month\b", re.I)
_POSSESSIVE = re.compile(
    r"\b(?P<name>[^\W\d_][\w\-]{1,40}(?:\s+[^\W\d_][\w\-]{1,40}){0,2})['’]s?\s+"
    r"(?:birthday|bday|b-day|anniversary)\b",
    re.I,
)
_NEED = re.compile(
    r"^\s*(?:who(?:'s|s| is| was| are| were)?|anyone|anybody|does anyone|do we know anyone)\s+"
    r"(?:(?:still|else|also)\s+)?"
    r"(?:looking\s+for|searching\s+for|hunting\s+for|after|needs?|needed|wants?|wanted|"
    r"hiring|recruiting|know(?:s)?(?:\s+of)?|recommend(?:s|ed)?|asked\s+for|asking\s+for|"
    r"in\s+the\s+market\s+for|seeking|shopping\s+for|scouting\s+for|"
    # the ways notes say it (bot.parsing.facts): "could use an intro", "on the hunt for a CFO"
    r"(?:could|can|would)\s+(?:really\s+)?use|on\s+the\s+(?:hunt|lookout)\s+for|"
    r"in\s+need\s+of)\s+(?P<what>.+)$",
    re.I,
)
# Words of a need question that say how good, not what: "a good plumber", "a new accountant".
_NEED_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "some",
        "any",
        "good",
        "great",
        "new",
        "reliable",
        "decent",
        "cheap",
        "trusted",
        "nice",
        "local",
        "solid",
        "our",
        "their",
        "his",
        "her",
        "someone",
        "somebody",
    ]
)
_WHO_ENDS = re.compile(r"[?!.\s]+$")
_NOT_NAMES = frozenset(["i", "we", "me", "us", "you", "whose", "who", "my", "our", "the", "a"])


@dataclass(frozen=True)
class LoopAsk:
    direction: Direction
    person: str | None  # None: every open loop in that direction


@dataclass(frozen=True)
class OccasionAsk:
    kind: str | None  # "birthday" | "anniversary"; None for either
    month: int | None
    relative: str | None  # "this" | "next" (month), when no month is named
    person: str | None


@dataclass(frozen=True)
class NeedAsk:
    what: str  # the words after "looking for": "a bookkeeper"
    terms: tuple[str, ...]  # its content words: ("bookkeeper",)


Ask = LoopAsk | OccasionAsk | NeedAsk


def read(text: str) -> Ask | None:
    """The question's kind, or None for a plain search."""
    if not isinstance(text, str):
        return None
    q = " ".join(text.replace("’", "'").split())[:500]
    for pattern, direction in _LOOPS:
        m = pattern.search(q)
        if m:
            name = m.group("name").strip(" .'")
            if name.casefold() not in _NOT_NAMES:
                return LoopAsk(direction=direction, person=name)
    for pattern, direction in _LOOPS_ALL:
        if pattern.search(q):
            return LoopAsk(direction=direction, person=None)
    occasion = _OCCASION.search(q)
    if occasion:
        kind = occasion.group("kind").casefold()
        month = _MONTH.search(q)
        relative = _RELATIVE_MONTH.search(q)
        person = _POSSESSIVE.search(q)
        name = person.group("name") if person else None
        if name is not None:
            # "when is Grace's birthday": the name is the capitalised words before the 's
            parts = name.split()
            while parts and not parts[0][0].isupper():
                parts.pop(0)
            name = " ".join(parts) or None
        if name is not None and name.casefold().split()[-1] in _NOT_NAMES | {"whose"}:
            name = None
        if name is not None and name.casefold() in MONTHS:
            name = None
        return OccasionAsk(
            kind="anniversary" if kind.startswith("anniv") else "birthday",
            month=MONTHS[month.group("month").casefold()] if month else None,
            relative=relative.group("which").casefold() if relative and not month else None,
            person=name,
        )
    need = _NEED.search(_WHO_ENDS.sub("", q))
    if need:
        what = need.group("what").strip()
        terms = tuple(w for w in re.findall(r"[^\W_]+", what.casefold()) if w not in _NEED_FILLER)
        if terms:
            return NeedAsk(what=what, terms=terms)
    return None
