"""Pure functions from text to meaning: `parse_note` and `parse_query`. No I/O here."""

from bot.parsing.dates import warm_up
from bot.parsing.model import (
    Direction,
    Initiator,
    LoopSpec,
    OccasionSpec,
    ParsedNote,
    PersonRef,
    Query,
    Settlement,
)
from bot.parsing.note import parse_note
from bot.parsing.query import is_question, parse_query

__all__ = [
    "Direction",
    "Initiator",
    "LoopSpec",
    "OccasionSpec",
    "ParsedNote",
    "PersonRef",
    "Query",
    "Settlement",
    "is_question",
    "parse_note",
    "parse_query",
    "warm_up",
]
