"""Which open loop a settlement closes: only one it matches.

"sent Yusuf the contract draft" closes "the contract draft", never "the roadmap deck" — not even
when the deck is the only loop open with him. A call answers a call or a reply owed ("need to
get back to her"); a reply answers a reply. A settlement that names nothing ("sent it over")
closes the one loop open in that direction, and nothing when there are several. Pure: loops in,
a loop out.

It counts what the parser's own rule counts (bot.parsing.settling, which the corpus score
uses), so every word the parser learns to match the service matches too; it goes further in
three ways, each in tests/test_seed_commitments.py: one move's synonyms ("the slides" are the
deck, a call answers a reply owed), misspellings, and two kinds of one thing being two things
("the intro deck" is not "the roadmap deck").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, Protocol, TypeVar

from rapidfuzz import fuzz

from bot.parsing import settling

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that say nothing about *what* a loop is about, so they can't tell two loops apart.
_FILLER: Final = frozenset(
    {"a", "an", "the", "to", "of", "for", "on", "in", "and", "or", "me", "my", "him", "her"}
    | {"his", "them", "their", "it", "its", "you", "your", "get", "got", "send", "sent"}
    | {"give", "gave", "some", "with", "from", "about", "our", "us", "we", "this", "that"}
    | {"these", "those", "one", "thing", "stuff", "everything", "over", "up", "all", "quick"}
    | {"revised", "updated", "new", "final", "latest", "signed", "full", "short", "little"}
    # when, not which: "the Friday update" is the status update owed on Friday
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today"}
    | {"weekly", "daily", "monthly", "quarterly", "tomorrow", "yesterday", "tonight"}
    # how many, not which: "sent Pablo both references" settles "2 references"
    | {"both", "two", "three", "four", "five", "couple", "few", "several", "each", "any"}
)
# Ways of saying the same move: a call answers a call owed, and a reply owed.
_CALL: Final = "§call"
_REPLY: Final = "§reply"
_SAME: Final = {
    **dict.fromkeys(("call", "ring", "phone", "callback", "chat", "catch"), _CALL),
    **dict.fromkeys(("reply", "response", "answer", "back", "hear", "word"), _REPLY),
    # Same thing, other word: "sent the slides" is the deck, "made the introduction" the intro.
    **dict.fromkeys(("deck", "slide", "slides", "presentation"), "§deck"),
    **dict.fromkeys(("intro", "introduction", "introduced"), "§intro"),
    **dict.fromkeys(("contract", "agreement"), "§contract"),
    **dict.fromkeys(("quote", "quotation"), "§quote"),
}
_ANSWERS: Final = {_CALL: frozenset({_CALL, _REPLY})}
# Plural, a reply word names written work ("answers back to her by the 19th" after her
# questionnaire): a call does not deliver it.
_WRITTEN_RE: Final = re.compile(r"\b(?:answers|responses|replies)\b", re.IGNORECASE)
_FUZZY_MIN_LEN: Final = 5
_SHORT_MIN_LEN: Final = 4  # a shortened word: its first letters, at least this many
_FUZZY_RATIO: Final = 85.0


class OpenLoop(Protocol):
    """What matching reads of a loop (bot.store.models.Loop has it)."""

    @property
    def what(self) -> str: ...


L = TypeVar("L", bound=OpenLoop)


def words(text: str) -> tuple[str, ...]:
    """What a loop or a settlement is about: its content words in order, plurals folded,
    synonyms of one move ("call", "ring") as one."""
    out: list[str] = []
    for raw in _WORD.findall(text.casefold()):
        if raw in _FILLER or raw.isdigit():
            continue
        word = raw
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        word = _SAME.get(word) or _fuzzy_same(word) or word
        if word not in out:
            out.append(word)
    return tuple(out)


def _fuzzy_same(word: str) -> str | None:
    """A misspelt synonym ("contarct", "presentaton") is that synonym."""
    if len(word) < _FUZZY_MIN_LEN:
        return None
    for known, same in _SAME.items():
        if len(known) >= _FUZZY_MIN_LEN and fuzz.ratio(word, known) >= _FUZZY_RATIO:
            return same
    return None


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.startswith("§") or b.startswith("§"):
        return False
    short, long = sorted((a, b), key=len)
    if len(short) >= _SHORT_MIN_LEN and long.startswith(short):
        return True  # "creds" (cred) is credentials, "info" information
    if len(short) < _FUZZY_MIN_LEN:
        return False
    return fuzz.ratio(a, b) >= _FUZZY_RATIO  # "contarct" is the contract


def score(what: str, loop_what: str) -> int:
    """How many words `what` and the loop share (0: it is not that loop): the parser's count
    (bot.parsing.settling, with its paperwork abbreviations) or this module's, whichever sees
    more.

    Two kinds of the same thing are two things: "sent the intro deck" does not settle "the
    roadmap deck", though both are decks; "sent the deck" does."""
    said, loop = words(what), words(loop_what)
    if settling.unrelated(what, loop_what):
        return 0
    if said and loop and _two_kinds(said, loop):
        return 0
    if _CALL in said and _WRITTEN_RE.search(loop_what):
        said = tuple(w for w in said if w != _CALL)  # a call does not deliver written answers
    return max(settling.overlap(what, loop_what), _overlap(said, loop))


def _two_kinds(said: tuple[str, ...], loop: tuple[str, ...]) -> bool:
    if len(said) < 2 or len(loop) < 2 or not _same(said[-1], loop[-1]):
        return False
    return not any(_same(a, b) for a in said[:-1] for b in loop[:-1])


def _overlap(said: tuple[str, ...], loop: tuple[str, ...]) -> int:
    answers = set(said)
    for word in said:
        answers |= _ANSWERS.get(word, frozenset())
    return sum(1 for b in loop if any(_same(a, b) for a in answers))


def best(candidates: Sequence[L], what: str) -> L | None:
    """The loop `what` settles among `candidates` (oldest first on a tie), or None."""
    if not candidates:
        return None
    if not words(what):
        return candidates[0] if len(candidates) == 1 else None
    scored = [(score(what, loop.what), -index) for index, loop in enumerate(candidates)]
    common, index = max(scored)
    return candidates[-index] if common > 0 else None
