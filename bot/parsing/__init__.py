"""Pure functions from text to meaning: `parse_note` and `parse_query`. No I/O here."""

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

__all__ = [
    "Direction",
    "Initiator",
    "LoopSpec",
    "OccasionSpec",
    "ParsedNote",
    "PersonRef",
    "Query",
    "Settlement",
]
