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
    """A person named in a note, as written. The service resolves it to a contact.

    With a `Knowledge` snapshot the parser resolves what it can itself: `known_as` is the known
    contact's name ("yusuf" -> "Yusuf Rahimi", "AL" -> "Anna-Lena Vogt"), and `candidates` lists
    the known people a name could be when it cannot tell ("kai" with Kai Berg and Kai Tan known):
    ask, don't guess. Neither is set for a new person.
    """

    name: str  # as written, title dropped ("Dr. Nkechi Eze" -> "Nkechi Eze")
    slack_user_id: str | None = None  # for `<@U123>` mentions; name is then the raw mention
    relation: str | None = None  # "husband" in "Jane Doe and her husband Mark"
    related_to: str | None = None  # "Jane Doe" in the same phrase
    known_as: str | None = None  # the known contact this is, by its name in the snapshot
    candidates: tuple[str, ...] = ()  # known contacts it could be, when more than one
    company: str | None = None  # "Initrode" in "Mei Tanaka, COO at Initrode", "Sunil from Plaid"
    role: str | None = None  # "COO"
    aliases: tuple[str, ...] = ()  # nicknames the note gives: "Anna-Lena Vogt (AL)", "goes by Mai"
    title: str | None = None  # "Dr", "Prof", "Mr": dropped from the name, kept here


@dataclass(frozen=True)
class OrgRef:
    """An organisation named in a note: a company, a university. Never a contact."""

    name: str  # as the workspace knows it when it does, else as written
    known: bool = False  # the snapshot has a record of it


@dataclass(frozen=True)
class SensitiveNews:
    """Bad news in a note, and whose it is.

    `mine` is the author's own news ("my dad is in hospital"): it mutes nobody. Otherwise
    `person` is whom it is about, as written (None: the note's main person), e.g. "Lior" in
    "Ben's cofounder Lior has cancer".
    """

    topic: str  # "house fire", "lost home", "illness", "hospital", "surgery", "bereavement", ...
    person: str | None = None
    mine: bool = False


@dataclass(frozen=True)
class KnownPerson:
    """A contact the workspace knows, as the parser needs it."""

    name: str
    aliases: tuple[str, ...] = ()
    slack_user_id: str | None = None
    company: str | None = None


@dataclass(frozen=True)
class Knowledge:
    """What the workspace knows, handed to the parser so it stays pure.

    `not_people` and `organisations` carry people's corrections ("Expo is not a person",
    "Plaid is a company"). `date_order` ("DMY", "MDY" or "YMD") is the author's setting; None
    lets the author's zone decide, and a zone that says nothing makes "3/4" a question.
    """

    people: tuple[KnownPerson, ...] = ()
    organisations: tuple[str, ...] = ()
    not_people: tuple[str, ...] = ()
    slack_users: tuple[tuple[str, str], ...] = ()  # (Slack user id, display name)
    date_order: str | None = None
    # Lookup tables bot.parsing.known builds from this snapshot on first use, so a service that
    # keeps one snapshot per workspace pays for them once, not per note.
    cache: dict[str, object] = field(default_factory=dict, compare=False, hash=False, repr=False)


NOTHING_KNOWN = Knowledge()


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
    sensitive: tuple[str, ...] = ()  # topics of news about the note's people, not the author's
    private: bool = False
    not_understood: tuple[str, ...] = field(default=())  # e.g. 'no such date "Feb 30"'
    organisations: tuple[OrgRef, ...] = ()
    sensitivity: tuple[SensitiveNews, ...] = ()  # each piece of bad news, and whose it is


@dataclass(frozen=True)
class Query:
    """A recall question reduced to what to search for."""

    text: str  # the original question
    terms: tuple[str, ...]  # content words, lower-case, question and stop words dropped
    person: str | None = None  # "what did Jane want?" -> "Jane"
