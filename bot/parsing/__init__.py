"""Pure functions from text to meaning: `parse_note` and `parse_query`. No I/O here."""

from bot.parsing.model import (
    NOTHING_KNOWN,
    Direction,
    Initiator,
    Knowledge,
    KnownPerson,
    LoopSpec,
    OccasionSpec,
    OrgRef,
    ParsedNote,
    PersonRef,
    Query,
    SensitiveNews,
    Settlement,
)
from bot.parsing.note import parse_note, warm_up
from bot.parsing.query import is_question, parse_query
from bot.parsing.settling import settles_loop

__all__ = [
    "NOTHING_KNOWN",
    "Direction",
    "Initiator",
    "Knowledge",
    "KnownPerson",
    "LoopSpec",
    "OccasionSpec",
    "OrgRef",
    "ParsedNote",
    "PersonRef",
    "Query",
    "SensitiveNews",
    "Settlement",
    "is_question",
    "parse_note",
    "parse_query",
    "settles_loop",
    "warm_up",
]
