"""Related words of work that WordNet doesn't link: "contract" finds the note about the MSA or
the SOW, "quote" the one about pricing, "introduction" the intro, "event" the expo.

WordNet (bot/notes/wordnet.py) knows English nouns and their kinds, not the shorthand of sales,
hiring and community work: an SOW is no kind of contract there, a quote is a passage, an expo a
collection. These groups are the few families a person means when they ask in those words; each
word of a group is one step from every other, as near as a WordNet synonym. Plurals are the
vocabulary's business (it looks up the word and the word + "s").
"""

from __future__ import annotations

from functools import cache

# One family a line: the words a person asking in one of them would also want found.
_GROUPS: tuple[str, ...] = (
    "contract contracts msa sow agreement nda dpa paperwork",
    "pricing price quote quotation estimate",
    "intro introduction introduce introduced intros introductions",
    "deck slides presentation",
    "invoice bill payment receipt",
    "hire hiring recruit recruiting candidate candidates req",
    "event expo meetup conference summit hackathon webinar offsite mixer gala festival ama",
    "demo walkthrough",
    "layoff layoffs redundant redundancy",
    "burnout stress",
)


@cache
def _index() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for line in _GROUPS:
        group = line.split()
        for word in group:
            out.setdefault(word, set()).update(w for w in group if w != word)
    return {w: frozenset(rest) for w, rest in out.items()}


def related(word: str) -> frozenset[str]:
    """The other words of `word`'s families (folded, lower case); empty when it has none."""
    key = word.casefold()
    found = _index().get(key)
    if found is None and key.endswith("s"):
        found = _index().get(key[:-1])
    return found or frozenset()
