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
_FUZZY_MIN_LEN: Final = 5
_FUZZY_RATIO: Final = 85.0


class OpenLoop(Protocol):
    """What matching reads of a loop (bot.store.models.Loop has it)."""

    @property
    def what(self) -> str: ...


def words(text: str) -> frozenset[str]:
    """What a loop or a settlement is about: its content words, plurals folded, synonyms of
    one move ("call", "ring") as one."""
    out: set[str] = set()
    for raw in _WORD.findall(text.casefold()):
        if raw in _FILLER:
            continue
        word = raw[:-1] if len(raw) > 3 and raw.endswith("s") and not raw.endswith("ss") else raw
        out.add(_SAME.get(word, word))
    return frozenset(out)


def _overlap(said: frozenset[str], loop: frozenset[str]) -> int:
    expanded = set(said)
    for word in said:
        expanded |= _ANSWERS.get(word, frozenset())
    exact = expanded & loop
    count = len(exact)
    for a in expanded - exact:
        if len(a) < _FUZZY_MIN_LEN or a.startswith("§"):
            continue
        if any(len(b) >= _FUZZY_MIN_LEN and fuzz.ratio(a, b) >= _FUZZY_RATIO for b in loop):
            count += 1  # "contarct" is the contract
    return count


L = TypeVar("L", bound=OpenLoop)


def best(candidates: Sequence[L], what: str) -> L | None:
    """The loop `what` settles among `candidates` (oldest first on a tie), or None."""
    if not candidates:
        return None
    said = words(what)
    if not said:
        return candidates[0] if len(candidates) == 1 else None
    scored = [(_overlap(said, words(loop.what)), index) for index, loop in enumerate(candidates)]
    top, index = max(scored, key=lambda pair: (pair[0], -pair[1]))
    return candidates[index] if top > 0 else None
