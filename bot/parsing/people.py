"""People named in a note: Slack mentions, capitalised names, and "her husband Mark"."""

from __future__ import annotations

from dataclasses import dataclass

from bot.parsing.doc import Doc, SpanSet, Token
from bot.parsing.lexicon import (
    CALENDAR_WORDS,
    FULL_WEEKDAYS,
    NAME_PARTICLES,
    NAME_TRIGGERS,
    NOT_NAMES,
    PERSON_VERBS,
    PLACE_PREPOSITIONS,
    RELATIONS,
    TITLES,
    TRAVEL_VERBS,
)
from bot.parsing.model import PersonRef

MAX_NAME_WORDS = 3
MAX_CASELESS_LEN = 12


@dataclass(slots=True)
class NameSpan:
    name: str  # as written (a placeholder for mentions)
    start: int
    end: int
    first: int  # token indexes
    last: int
    possessive: bool
    mention: bool


def _joined(doc: Doc, a: Token, b: Token, *, slash: bool = False) -> bool:
    """True when only plain spaces (or "w/ ") separate two tokens on one line."""
    gap = doc.text[a.end + (2 if a.possessive else 0) : b.start]
    if slash:
        gap = gap.replace("/", "", 1)
    return len(gap) <= 3 and gap.strip(" ") == ""


def _prev(doc: Doc, i: int) -> Token | None:
    """The token before i in the same sentence and joined to it by spaces."""
    t = doc.tokens[i]
    if i == 0 or t.sentence_start:
        return None
    p = doc.tokens[i - 1]
    if p.possessive:
        return p
    return p if _joined(doc, p, t, slash=p.lower == "w") else None


def _is_person_context(doc: Doc, i: int) -> bool:
    """A person is clearly meant: "with X", "met X", "X said", "X's"."""
    t = doc.tokens[i]
    p = _prev(doc, i)
    if p is not None and p.lower in NAME_TRIGGERS and not p.possessive:
        return True
    if t.possessive:
        return True
    if i + 1 < len(doc.tokens):
        n = doc.tokens[i + 1]
        if _joined(doc, t, n) and n.lower in PERSON_VERBS:
            return True
    return False


def _continues_name(doc: Doc, prev: Token, t: Token, date_spans: SpanSet) -> bool:
    if prev.possessive or not _joined(doc, prev, t):
        return False
    if not t.capitalised or t.lower in NOT_NAMES or t.lower in CALENDAR_WORDS:
        return False
    if t.lower in FULL_WEEKDAYS or t.text.startswith("Zzq"):
        return False
    return not date_spans.covers(t.start)


def _starts_name(doc: Doc, i: int, date_spans: SpanSet) -> bool:
    t = doc.tokens[i]
    if not (t.capitalised or t.caseless):
        return False  # most words: decided without any lookup
    low = t.lower
    if low in FULL_WEEKDAYS or date_spans.covers(t.start):
        return False
    if t.caseless:
        p = _prev(doc, i)
        return (
            p is not None
            and p.lower in NAME_TRIGGERS
            and len(t.text) <= MAX_CASELESS_LEN
            and not t.possessive
        )
    if not t.capitalised or low in NOT_NAMES:
        return False
    if low in CALENDAR_WORDS:
        return _is_person_context(doc, i)
    p = _prev(doc, i)
    if p is not None and p.lower in PLACE_PREPOSITIONS and p.lower not in NAME_TRIGGERS:
        return False  # "at Acme", "in Berlin"
    if p is not None and p.lower == "to" and i >= 2 and doc.tokens[i - 2].lower in TRAVEL_VERBS:
        return False  # "moving to Lisbon"
    if t.sentence_start or (p is not None and p.lower in TITLES):
        if p is not None and p.lower in TITLES:
            return True
        # Sentence-initial capitals are usually just capitals: "Great lunch", "Prefers tea".
        if _is_person_context(doc, i):
            return True
        if i + 1 < len(doc.tokens):
            n = doc.tokens[i + 1]
            return _continues_name(doc, t, n, date_spans) and (
                n.possessive
                or i + 2 >= len(doc.tokens)
                or doc.tokens[i + 2].lower in PERSON_VERBS
                or not doc.tokens[i + 2].capitalised
            )
        return False
    return True


def find_names(doc: Doc, date_spans: SpanSet) -> list[NameSpan]:
    """Name spans left to right. Mentions count as names (their placeholder word stands in)."""
    spans: list[NameSpan] = []
    tokens = doc.tokens
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.text in doc.mentions:
            spans.append(NameSpan(t.text, t.start, t.end, i, i, t.possessive, True))
            i += 1
            continue
        if not _starts_name(doc, i, date_spans):
            i += 1
            continue
        j = i
        words = [t.text]
        while len(words) < MAX_NAME_WORDS and j + 1 < len(tokens) and not tokens[j].possessive:
            n = tokens[j + 1]
            if _continues_name(doc, tokens[j], n, date_spans):
                words.append(n.text)
                j += 1
            elif (
                n.lower in NAME_PARTICLES
                and j + 2 < len(tokens)
                and _joined(doc, tokens[j], n)
                and _continues_name(doc, n, tokens[j + 2], date_spans)
                and len(words) + 2 <= MAX_NAME_WORDS + 1
            ):
                words.extend((n.text, tokens[j + 2].text))
                j += 2
            else:
                break
        spans.append(
            NameSpan(" ".join(words), t.start, tokens[j].end, i, j, tokens[j].possessive, False)
        )
        i = j + 1
    return spans


def name_starting_at(spans: list[NameSpan], pos: int) -> NameSpan | None:
    for s in spans:
        if s.start == pos:
            return s
        if s.start > pos:
            break
    return None


def people(doc: Doc, spans: list[NameSpan]) -> tuple[PersonRef, ...]:
    """PersonRefs in order of first appearance, "Jane" folded into an earlier "Jane Doe"."""
    refs: list[PersonRef] = []
    seen: set[str] = set()
    full_first_words: set[str] = set()
    last_person: str | None = None
    for s in spans:
        if s.mention:
            m = doc.mentions[s.name]
            key = "@" + m.slack_user_id
            if key not in seen:
                seen.add(key)
                refs.append(PersonRef(name=m.name, slack_user_id=m.slack_user_id))
            last_person = m.name
            continue
        key = s.name.casefold()
        if key in seen or (" " not in s.name and key in full_first_words):
            last_person = _full_name_for(refs, s.name) or last_person
            continue
        relation, related_to = _relation(doc, s, last_person)
        seen.add(key)
        if " " in s.name:
            full_first_words.add(s.name.split(" ", 1)[0].casefold())
        refs.append(PersonRef(name=s.name, relation=relation, related_to=related_to))
        if relation is None:
            last_person = s.name
    return tuple(refs)


def _full_name_for(refs: list[PersonRef], first: str) -> str | None:
    for r in refs:
        if r.name.casefold() == first.casefold() or r.name.casefold().startswith(
            first.casefold() + " "
        ):
            return r.name
    return None


def _relation(doc: Doc, s: NameSpan, last_person: str | None) -> tuple[str | None, str | None]:
    """ "her husband Mark" -> ("husband", the person before); "Jane's husband Mark" -> Jane."""
    i = s.first
    if i < 2:
        return None, None
    rel = doc.tokens[i - 1]
    owner = doc.tokens[i - 2]
    if rel.lower not in RELATIONS or not _joined(doc, rel, doc.tokens[i]):
        return None, None
    if owner.possessive:
        return rel.lower, doc.restore(_owner_name(doc, i - 2))
    if owner.lower in ("her", "his", "their") and last_person is not None:
        return rel.lower, doc.restore(last_person)
    return None, None


def _owner_name(doc: Doc, k: int) -> str:
    # Walk back over a capitalised run ending in the possessive: "Jane Doe's".
    words = [doc.tokens[k].text]
    while (
        k > 0
        and len(words) < MAX_NAME_WORDS
        and doc.tokens[k - 1].capitalised
        and not doc.tokens[k - 1].possessive
        and not doc.tokens[k].sentence_start
        and doc.tokens[k - 1].lower not in NOT_NAMES
    ):
        k -= 1
        words.insert(0, doc.tokens[k].text)
    return " ".join(words)
