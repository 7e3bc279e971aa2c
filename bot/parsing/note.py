"""`parse_note`: one note in, everything understood of it out. Pure, and never raises."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo

from bot.parsing import facts, kinds, loops, organisations, sensitivity, tense
from bot.parsing.dates import (
    Clock,
    DateHit,
    Lean,
    find_dates,
    make_clock,
    next_yearly,
    occurred_at,
)
from bot.parsing.doc import Doc, SpanSet, make_doc
from bot.parsing.kinds import INTERACTION_WORDS
from bot.parsing.known import index
from bot.parsing.lexicon import RELATIONS, words
from bot.parsing.model import (
    NOTHING_KNOWN,
    Direction,
    Knowledge,
    LoopSpec,
    OccasionSpec,
    ParsedNote,
    PersonRef,
    Settlement,
)
from bot.parsing.people import (
    find_names,
    known_things,
    people,
    repeated_lower,
    resolve_spans,
    without_teammates,
)
from bot.parsing.reply_topic import with_topic
from bot.parsing.subjects import Names

_PRIVATE_RE = re.compile(r"^\s*private\s*:\s*", re.IGNORECASE)


def parse_note(
    text: str, *, now: datetime, tz: str | tzinfo, known: Knowledge = NOTHING_KNOWN
) -> ParsedNote:
    """Read a note written at `now` by someone in time zone `tz`.

    Dates are read in `tz` and returned as aware UTC datetimes. `occurred_at` leans to the past
    ("on Tuesday" is the last Tuesday; a bare date is noon local), loop due dates to the future
    ("by Friday" is the next Friday; a bare date is 17:00 local, the end of a working day).
    `occurred_at` is None when the note names no date for the interaction.

    `known` is what the workspace knows (contacts, aliases, organisations, Slack users,
    corrections, the author's date order): names resolve against it (`PersonRef.known_as`,
    `candidates`), and nothing it calls an organisation or "not a person" becomes a person.

    Never raises: on input it cannot read it returns the text with nothing extracted.
    """
    raw = text if isinstance(text, str) else ""
    stripped = raw.strip()
    private = False
    m = _PRIVATE_RE.match(stripped)
    if m is not None:
        private = True
        stripped = stripped[m.end() :].strip()
    try:
        return parse_body(stripped, private=private, now=now, tz=tz, known=known)
    except Exception:  # a note is always saved; an unreadable part must not lose it
        return ParsedNote(text=stripped, private=private)


def parse_body(
    text: str,
    *,
    private: bool,
    now: datetime,
    tz: str | tzinfo,
    known: Knowledge = NOTHING_KNOWN,
) -> ParsedNote:
    """The extraction itself, without the safety net (tests call this to see real errors)."""
    clock = make_clock(now, tz, known.date_order)
    idx = index(known)
    doc = make_doc(text)
    hits = find_dates(doc.text, doc.words, order=clock.date_order)
    date_spans = [(h.start, h.end) for h in hits]
    things = known_things(doc, idx)
    spans = find_names(doc, SpanSet(date_spans), things, idx)
    resolve_spans(doc, spans, idx)
    found = organisations.find(doc, spans, things, idx)
    spans = without_teammates(doc, found.spans, idx)
    spans = repeated_lower(doc, spans, SpanSet(date_spans))
    names = Names(spans, date_spans)

    occasions, used, problems = facts.occasions(doc, names, hits, clock)
    claimed = set(used)
    loop_specs, loop_list = loops.find_loops(doc, names, hits, claimed, clock)
    loop_spans = SpanSet(loop_list)
    settles = loops.find_settles(doc, names, hits)
    loop_specs = with_topic(doc, loop_specs, settles)
    plans = [
        (doc.clause_start(h.start), doc.clause_end(h.end))
        for i, h in enumerate(hits)
        if i not in claimed and tense.is_plan(doc, h, clock)
    ]
    # an organisation's name is not how anyone met: "Kopi Kita" is a company, not a coffee
    org_spans = [(doc.tokens[a].start, doc.tokens[b].end) for a, b, _ in things.orgs]
    kind = kinds.kind(doc, SpanSet(loop_list + plans + org_spans))
    if kind in ("call", "video call") and not any(x.what == "a call" for x in loop_specs):
        # the call itself settles "a follow-up call" owed to the person called
        settles.append(Settlement(Direction.YOU_OWE, "a call", None))
    not_understood = list(problems)
    not_understood.extend(
        h.error for i, h in enumerate(hits) if h.error is not None and i not in used
    )
    refs = people(doc, spans, found.facts)
    news = sensitivity.find(
        doc, names, sensitivity.family_of([(r.name, r.relation, r.related_to) for r in refs])
    )
    loop_specs = _due_on_the_day(loop_specs, occasions, clock)
    loop_specs = _it_is_what_came(loop_specs, settles)
    same = _SamePerson(refs)
    occasions = [replace(o, person=same(o.person)) for o in occasions]
    loop_specs = [replace(x, person=same(x.person)) for x in loop_specs]
    settles = [replace(x, person=same(x.person)) for x in settles]
    news = [replace(n, person=same(n.person)) for n in news]
    return ParsedNote(
        text=text,
        people=refs,
        kind=kind,
        occurred_at=_occurred(doc, names, hits, claimed, clock),
        initiator=kinds.initiator(doc, names, loop_spans),
        loops=tuple(loop_specs),
        settles=tuple(settles),
        occasions=tuple(occasions),
        needs=facts.needs(doc, hits, loop_spans, names),
        tags=facts.tags(text),
        sensitive=tuple(dict.fromkeys(n.topic for n in news if not n.mine)),
        private=private,
        not_understood=tuple(dict.fromkeys(not_understood)),
        organisations=tuple(found.orgs),
        sensitivity=tuple(news),
    )


_FOR_THE_DAY_RE = re.compile(
    r"\b(?:card|cards|gift|gifts|present|something|flowers|cake|hamper|bottle|wishes|note)\b",
    re.IGNORECASE,
)


def _due_on_the_day(
    specs: list[LoopSpec], occasions: list[OccasionSpec], clock: Clock
) -> list[LoopSpec]:
    """ "Mehmet's 50th is on 3 May!! send something": the card or gift is due on the day."""
    if len(occasions) != 1:
        return specs
    o = occasions[0]
    day = next_yearly(clock.today, o.month, o.day)
    if day is None:
        return specs
    out = []
    for x in specs:
        if x.due is None and x.direction is Direction.YOU_OWE and _FOR_THE_DAY_RE.search(x.what):
            x = replace(x, due=clock.moment(day, (9, 0)))
        out.append(x)
    return out


_PRONOUNS = frozenset({"it", "that", "them", "those", "this", "these"})


def _it_is_what_came(specs: list[LoopSpec], settles: list[Settlement]) -> list[LoopSpec]:
    """ "DDQ from Hauwa landed … owe it back to her by 29/5": "it" is the thing that came in."""
    came = [x.what for x in settles if x.direction is Direction.THEY_OWE and x.what != "a reply"]
    if len(came) != 1:
        return specs
    return [replace(x, what=came[0]) if x.what.lower() in _PRONOUNS else x for x in specs]


class _SamePerson:
    """ "Dr. Samuel Adebayo-Klein … Sam's 40th is 8/2": a short form of someone the note names
    is that person, so the birthday, loop or news is filed under the name they were given."""

    def __init__(self, refs: Sequence[PersonRef]) -> None:
        self._names = {r.name for r in refs}
        self._refs = refs

    def __call__(self, name: str | None) -> str | None:
        if name is None or name in self._names or len(name) < 3:
            return name
        low = name.casefold()
        matches = [
            r.name
            for r in self._refs
            if low in (a.casefold() for a in r.aliases)
            or any(part.casefold().startswith(low) for part in _given_names(r))
            # any whole word of the name, as people() folds it: "Huy" after "Đỗ Quang Huy"
            or (" " in r.name and low in r.name.casefold().split())
        ]
        return matches[0] if len(set(matches)) == 1 else name


def _given_names(ref: PersonRef) -> list[str]:
    parts = ref.name.split()
    return parts[:-1] if len(parts) > 1 else parts


def _occurred(
    doc: Doc, names: Names, hits: list[DateHit], claimed: set[int], clock: Clock
) -> datetime | None:
    """The first date not used by a loop or an occasion, not pointing ahead, and about us.

    A date in a clause about someone else's life ("she adopted a dog last year", "he is moving
    in March") is not when we met, unless the clause names an interaction ("Raj called me
    yesterday"). A date that can lean either way is read by its clause: a plan ("kicking off
    their pilot Thursday", "meeting set for 4 June", "flying back tonight") is not when anything
    happened; without a tense to go by, the nearer of the two readings wins ("for the May 4
    hackathon", written on April 20, is ahead).
    """
    news = sensitivity.spans(doc)
    for i, h in enumerate(hits):
        if i in claimed or h.error is not None or h.lean is Lean.FUTURE:
            continue
        if _about_someone_else(doc, names, h.start) or _aside(doc, h.start):
            continue
        if tense.news_dated(doc, h, news, INTERACTION_WORDS):
            continue
        if h.lean is Lean.EITHER and (
            not tense.happened(doc, h, clock) or tense.far_behind(h, clock)
        ):
            continue
        return occurred_at(h, clock)
    return None


def _aside(doc: Doc, pos: int) -> bool:
    """A date in brackets without an interaction word is about the thing before it:
    "out on medical leave (surgery last wk)"."""
    open_ = doc.text.rfind("(", max(0, pos - 60), pos)
    if open_ < 0 or ")" in doc.text[open_:pos]:
        return False
    close = doc.text.find(")", pos)
    inner = doc.text[open_ + 1 : close if close > 0 else pos]
    return not any(w in INTERACTION_WORDS for w in inner.lower().split())


_LEADING_ADVERBS = words("also and but so plus then apparently btw fyi oh")
_THIRD_SUBJECTS = words("he she they he's she's they've")
_POSSESSIVE_DETERMINERS = words("his her their")


def _subclause_of_someone_else(doc: Doc, k: int, pos: int) -> bool:
    """ "Dimi told me his wife had a miscarriage last month": after the interaction, a new
    subject ("his wife", "she", "their baby") with a verb of its own owns the date."""
    tokens = doc.tokens
    while k < len(tokens) and tokens[k].start < pos:
        t = tokens[k]
        if t.lower in _THIRD_SUBJECTS or t.lower in _POSSESSIVE_DETERMINERS:
            j = k + 1
            if t.lower in _POSSESSIVE_DETERMINERS:
                if j >= len(tokens) or tokens[j].lower not in RELATIONS:
                    k += 1
                    continue
                j += 1
            if j < len(tokens) and tokens[j].start < pos and _past_verb(tokens[j].lower):
                return True
        k += 1
    return False


def _past_verb(word: str) -> bool:
    return word in _PAST_VERBS or (word.endswith("ed") and len(word) > 4)


_PAST_VERBS = words("had was were got passed died lost went gave fell broke left became")


_ARTICLES = words("a an the some another")
_GOT_TOGETHER = words("a an coffee lunch dinner drinks breakfast together back on")


def _got_something(doc: Doc, k: int) -> bool:
    """ "her team got made redundant" is news; "got coffee with Sam", "got a call" is ours."""
    if doc.tokens[k].lower != "got":
        return False
    nxt = doc.tokens[k + 1].lower if k + 1 < len(doc.tokens) else ""
    return nxt not in _GOT_TOGETHER


def _about_someone_else(doc: Doc, names: Names, pos: int) -> bool:
    for _ in range(6):  # a list of names is short; the bound keeps long notes linear
        cs, ce = doc.clause_start(pos), doc.clause_end(pos)
        k = doc.token_index_at(cs)
        if k is None:
            return False
        while k < len(doc.tokens) - 1 and doc.tokens[k].lower in _LEADING_ADVERBS:
            k += 1  # "also their warehouse flooded last wk"
        first = doc.tokens[k]
        named = names.by_start.get(first.start) is not None
        third = (
            first.lower.split("'", 1)[0] in ("she", "he", "they", "her", "his", "their", "my")
            or first.lower in RELATIONS
            or named
        )
        before = doc.text[max(0, cs - 5) : cs].rstrip().lower()
        if not third and before.endswith("and") and first.lower in _ARTICLES:
            # "Maeve's dad had a fall and a bad car accident last week": no subject of its own,
            # so the clause before "and" owns the date
            pos = max(0, cs - len(before) - 1)
            continue
        if not third:
            return _subclause_of_someone_else(doc, k, pos)
        while k < len(doc.tokens) and doc.tokens[k].start < ce:
            if doc.tokens[k].lower in INTERACTION_WORDS and not _got_something(doc, k):
                return _subclause_of_someone_else(doc, k + 1, pos)
            k += 1
        # "lunch w/ Sam Lee and Priya Nair yesterday": a name after "and" or a comma continues a
        # list of people, so the clause before it decides.
        before = doc.text[max(0, cs - 5) : cs].rstrip().lower()
        if not named or cs == 0 or not (before.endswith(("and", ",", "&"))):
            return True
        pos = max(0, cs - len(before) - 1)
    return True


def warm_up() -> None:
    """Compile every lazily built pattern once, off the first user's clock, by parsing one note
    that touches them all."""
    parse_note(
        "Jane's house fire: lost their home, in hospital after surgery; her dad passed away, "
        "funeral Friday; he was laid off; divorce; a miscarriage; a car accident; cancer",
        now=datetime.now(UTC),
        tz="UTC",
    )
