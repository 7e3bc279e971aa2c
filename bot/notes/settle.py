"""Which open loop a settlement closes: only one it matches.

"sent Yusuf the contract draft" closes "the contract draft", never "the roadmap deck" — not even
when the deck is the only loop open with him. A call answers a call or a reply owed ("need to
get back to her"); a reply answers a reply. A settlement that names nothing ("sent it over")
closes the one loop open in that direction, and nothing when there are several. Pure: loops in,
a loop out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, Protocol, TypeVar

from rapidfuzz import fuzz

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that say nothing about *what* a loop is about, so they can't tell two loops apart.
_FILLER: Final = frozenset(
    {"a", "an", "the", "to", "of", "for", "on", "in", "and", "or", "me", "my", "him", "her"}
    | {"his", "them", "their", "it", "its", "you", "your", "get", "got", "send", "sent"}
    | {"give", "gave", "some", "with", "from", "about", "our", "us", "we", "this", "that"}
    | {"these", "those", "one", "thing", "stuff", "everything", "over", "up", "all", "quick"}
    | {"revised", "updated", "new", "final", "latest", "signed", "full", "short", "little"}
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
    **dict.fromkeys(("quote", "pricing", "price"), "§pricing"),
}
_ANSWERS: Final = {_CALL: frozenset({_CALL, _REPLY})}
_ANSWER_WORDS: Final = frozenset({_CALL, _REPLY})
_FUZZY_MIN_LEN: Final = 5
_FUZZY_RATIO: Final = 85.0


class OpenLoop(Protocol):
    """What matching reads of a loop (bot.store.models.Loop has it)."""

    @property
    def what(self) -> str: ...


L = TypeVar("L", bound=OpenLoop)


def words(text: str) -> frozenset[str]:
    """What a loop or a settlement is about: its content words, plurals folded, synonyms of
    one move ("call", "ring") as one."""
    out: set[str] = set()
    for raw in _WORD.findall(text.casefold()):
        if raw in _FILLER:
            continue
        word = raw[:-1] if len(raw) > 3 and raw.endswith("s") and not raw.endswith("ss") else raw
        out.add(_SAME.get(word) or _fuzzy_same(word) or word)
    return frozenset(out)


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
    if a.startswith("§") or b.startswith("§") or min(len(a), len(b)) < _FUZZY_MIN_LEN:
        return False
    return fuzz.ratio(a, b) >= _FUZZY_RATIO  # "contarct" is the contract


def score(what: str, loop_what: str) -> tuple[int, int]:
    """(words in common, words of the loop's left over); (0, _) when it is not that loop.

    Both saying something the other doesn't is two different things: "sent the intro deck"
    does not settle "the roadmap deck", though both are decks; "sent the deck" does."""
    said, loop = words(what), words(loop_what)
    if not said:
        return (0, len(loop))
    answers = set(said)
    for word in said:
        answers |= _ANSWERS.get(word, frozenset())
    matched_loop = {b for b in loop if any(_same(a, b) for a in answers)}
    if not matched_loop:
        return (0, len(loop))
    unsaid = {a for a in said if not any(_same(a, b) for b in loop)}
    if not unsaid <= _ANSWER_WORDS and loop - matched_loop:
        return (0, len(loop))
    return (len(matched_loop), len(loop - matched_loop))


def best(candidates: Sequence[L], what: str) -> L | None:
    """The loop `what` settles among `candidates` (oldest first on a tie), or None."""
    if not candidates:
        return None
    if not words(what):
        return candidates[0] if len(candidates) == 1 else None
    scored = [(score(what, loop.what), index) for index, loop in enumerate(candidates)]
    (common, _left), index = max(scored, key=lambda pair: (pair[0][0], -pair[0][1], -pair[1]))
    return candidates[index] if common > 0 else None
