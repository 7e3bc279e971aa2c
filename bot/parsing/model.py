"""What the parser understood of a note or a question. Plain, frozen values: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Direction(StrEnum):
    """Who owes the next move in an open loop."""

    YOU_OWE = "you_owe"  # "I owe Raj the deck", "need to get back to her"
    THEY_OWE = "they_owe"  # "waiting on Priya for the contract", "she'll send me the brief"


class Initiator(StrEnum):
    """Who reached out, when the note says so ("Raj called me" vs "I called Raj")."""

    ME = "me"
    THEM = "them"


@dataclass(frozen=True)
class PersonRef:
    """A person named in a note, as written. The service resolves it to a contact."""

    name: str
    slack_user_id: str | None = None  # for `<@U123>` mentions; name is then the raw mention
    relation: str | None = None  # "husband" in "Jane Doe and her husband Mark"
    related_to: str | None = None  # "Jane Doe" in the same phrase


@dataclass(frozen=True)
class LoopSpec:
    """An open loop: something owed, in one direction, maybe by a date."""

    direction: Direction
    what: str  # "the pricing deck", "intro to Ken", "a reply"
    person: str | None = None  # the counterpart's name as written; None: the note's main person
    due: datetime | None = None  # aware, UTC


@dataclass(frozen=True)
class Settlement:
    """A phrase that settles an earlier loop: "sent Raj the deck", "got the contract from Priya"."""

    direction: Direction  # the direction of the loop it closes
    what: str
    person: str | None = None


@dataclass(frozen=True)
class OccasionSpec:
    """A yearly date worth remembering."""

    kind: str  # "birthday" | "anniversary"
    month: int
    day: int
    year: int | None = None
    person: str | None = None  # None: the note's main person


@dataclass(frozen=True)
class ParsedNote:
    """Everything understood of one note. `text` is what gets stored and searched."""

    text: str
    people: tuple[PersonRef, ...] = ()
    kind: str | None = None  # coffee, lunch, dinner, drinks, meeting, call, video call, email, ...
    occurred_at: datetime | None = None  # aware, UTC; None: no date in the note (caller uses now)
    initiator: Initiator | None = None
    loops: tuple[LoopSpec, ...] = ()
    settles: tuple[Settlement, ...] = ()
    occasions: tuple[OccasionSpec, ...] = ()
    needs: tuple[str, ...] = ()  # "wants a shelter dog", "is hiring a data engineer"
    tags: tuple[str, ...] = ()  # lower-case, without '#'
    sensitive: tuple[str, ...] = ()  # "house fire", "funeral", ...
    private: bool = False
    not_understood: tuple[str, ...] = field(default=())  # e.g. 'no such date "Feb 30"'


@dataclass(frozen=True)
class Query:
    """A recall question reduced to what to search for."""

    text: str  # the original question
    terms: tuple[str, ...]  # content words, lower-case, question and stop words dropped
    person: str | None = None  # "what did Jane want?" -> "Jane"
