"""Whether a date that could point either way names something that happened or a plan.

"met Jane on March 3" happened; "kicking off their pilot Thursday", "meeting set for 4 June",
"funeral is on Saturday" and "flying back tonight" are plans. A clause with no tense to go by is
read the way a person would: the nearer of the two readings, so "Meeting Thursday" written on a
Tuesday is ahead and "lunch with Sam Monday" written on a Wednesday is behind.
"""

from __future__ import annotations

import re

from bot.parsing.dates import (
    Clock,
    DateHit,
    DayOfMonth,
    Lean,
    MonthDay,
    NumericDate,
    WeekdayRef,
    resolve_day,
)
from bot.parsing.doc import Doc, Token
from bot.parsing.lexicon import words

_FUTURE = words(
    """
    will shall gonna planning planned plan plans scheduled schedule booked book set upcoming next
    starts start starting kicks kicking hosting host flying relocating moving coming due
    expected expecting tentatively moved pushed rescheduled postponed delayed bumped shifted
    pencilled penciled
    """
)
_PAST = words(
    """
    met had was were did went saw spoke called rang phoned emailed texted messaged pinged dm'd
    caught chatted talked ran bumped hopped grabbed got sent said told asked passed died
    happened came joined hosted visited interviewed re-logging relogging logging logged recap
    first ago last
    """
)
# -ing words that are nouns or adjectives, not a plan in the making
_ING_NOUNS = words(
    """
    meeting meetings morning evening thing something nothing anything everything wedding building
    pricing during offering briefing training ceiling landing funding king ring bring string
    spring interesting amazing boring logging re-logging relogging onboarding
    """
)
_BE = words("is are am be 's 're 'm")
_PRONOUNS_WITH_IS = words("she he it that there who what everything nothing")
_COPULA_BEFORE = ("is", "are", "'s", "is on", "are on", "'s on", "was set for", "is set for")


def _is_be(t: Token) -> bool:
    return t.lower in _BE or (t.possessive and t.lower in _PRONOUNS_WITH_IS)


_PUNCT_RE = re.compile(r"[,.;:!?\n()\"•]")
WINDOW = 240


def _punct_clause(text: str, pos: int) -> tuple[int, int]:
    """The stretch between punctuation around `pos`: a tense reaches across an emoji or an
    "and", not across a comma ("mom passed away, funeral Saturday")."""
    start = max(0, pos - WINDOW)
    cs = start
    for m in _PUNCT_RE.finditer(text, start, pos):
        if not _in_number(text, m.start()):
            cs = m.end()
    m2 = None
    for m in _PUNCT_RE.finditer(text, pos, min(len(text), pos + WINDOW)):
        if not _in_number(text, m.start()):
            m2 = m
            break
    return cs, (m2.start() if m2 is not None else min(len(text), pos + WINDOW))


def _in_number(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def clause_tense(doc: Doc, pos: int) -> tuple[bool, bool]:
    """(past, future): which tenses the clause holding `pos` shows."""
    cs, ce = _punct_clause(doc.text, pos)
    k = doc.token_index_at(cs)
    past = future = False
    if k is None:
        return past, future
    first = k
    while k < len(doc.tokens) and doc.tokens[k].start < ce:
        t = doc.tokens[k]
        low = t.lower
        if low in _FUTURE or "'ll" in low or (low == "going" and _next_is(doc, k, "to")):
            future = True
        elif low in _PAST or (low.endswith("ed") and len(low) > 4):
            past = True
        elif low.endswith("ing") and len(low) > 4:
            prev = doc.tokens[k - 1] if k > first else None
            after_be = prev is not None and (_is_be(prev) or prev.lower.endswith(("'re", "’re")))
            if low not in _ING_NOUNS and (prev is None or after_be):
                future = True  # "kicking off their pilot", "she's flying home"
            elif after_be and low == "meeting":
                future = True  # "they're meeting Thursday": "meeting" as a verb, a plan
        if t.possessive and low in _PRONOUNS_WITH_IS:
            nxt = doc.tokens[k + 1] if k + 1 < len(doc.tokens) else None
            if nxt is not None and nxt.lower.endswith("ing") and nxt.lower not in _ING_NOUNS:
                future = True
        k += 1
    return past, future


def _next_is(doc: Doc, k: int, word: str) -> bool:
    return k + 1 < len(doc.tokens) and doc.tokens[k + 1].lower == word


def happened(doc: Doc, hit: DateHit, clock: Clock) -> bool:
    """True when an either-way date says when the note's interaction happened."""
    before = doc.text[max(0, hit.start - 16) : hit.start].lower().rstrip()
    if before.endswith(_COPULA_BEFORE):
        return False  # "funeral is on Saturday", "party's Friday"
    past, future = clause_tense(doc, hit.start)
    low = hit.text.lower()
    if any(w in low for w in ("tonight", "tonite", "2nite")):
        return clock.local_now.hour >= 17  # "drinks with Felix tonight" written late is today
    if past and not future:
        return True
    if future and not past:
        return False
    spec = hit.spec
    if isinstance(spec, WeekdayRef) and spec.mode == "bare" and low.startswith("on "):
        return True  # "met Jane on Tuesday" without a tense: the last one
    if (
        isinstance(spec, WeekdayRef)
        and spec.mode in ("bare", "plain")
        and spec.weekday == clock.today.weekday()
        and not doc.text[hit.end : hit.end + 2].strip(" ").rstrip(".!?,;\n")
        and not before.endswith((" on", "on"))
    ):
        return False  # "dinner w/ him Monday" written on a Monday: today would be "tonight"
    behind = resolve_day(hit, clock, Lean.PAST)
    ahead = resolve_day(hit, clock, Lean.FUTURE)
    if behind is None or ahead is None or ahead <= clock.today:
        return True
    return (clock.today - behind) <= (ahead - clock.today)


# Someone else's life event: a date beside it is when it happened to them, not when we spoke.
_LIFE_EVENT_RE = re.compile(
    r"\b(?:had|has\s+had|welcomed)\s+(?:a|their|her|his)\s+(?:(?:new\s+)?baby|little|son|daughter"
    r"|twins)\b|\bbaby\s+(?:boy|girl)?\s*(?:arrived|was\s+born|came)\b|\bgave\s+birth\b"
    r"|\bwas\s+born\b|\bgot\s+(?:married|engaged|hitched)\b|\b(?:moved|bought)\s+(?:house|a\s+house"
    r"|a\s+flat|an\s+apartment)\b",
    re.IGNORECASE,
)


def news_dated(
    doc: Doc, hit: DateHit, news: list[tuple[int, int]], interaction: frozenset[str]
) -> bool:
    """True when a date tells when someone's news happened: "Ava called — flooding forced them
    out of their house last week", "mentioned Rui's house burned down last weekend", "just had
    a baby girl last week". The news stands in the date's clause, after the last interaction
    word before the date ("Jane called yesterday about her dad's surgery" is the call's day)."""
    text = doc.text
    cs = max(max(text.rfind(c, 0, hit.start) for c in ".!?\n;") + 1, hit.start - WINDOW)
    ce = doc.clause_end(hit.end)
    found = [s for s in news if cs <= s[0] < ce]
    found += [m.span() for m in _LIFE_EVENT_RE.finditer(doc.text, cs, ce)]
    if not found:
        return False
    k = doc.token_index_at(cs)
    last_interaction = -1
    while k is not None and k < len(doc.tokens) and doc.tokens[k].start < hit.start:
        if doc.tokens[k].lower in interaction:
            last_interaction = doc.tokens[k].start
        k += 1
    if last_interaction < 0:
        return True
    return any(last_interaction < s < hit.start for s, _ in found)


def far_behind(hit: DateHit, clock: Clock) -> bool:
    """A date without a year whose past reading is months back while the coming one is nearer:
    "the auditório for 22/08", "signed copy by Fri 10/4", "rebooked for 23/04" are ahead, never
    last year's interaction. "met Priya on August 3" in July says when it happened: last year."""
    if not isinstance(hit.spec, (MonthDay, NumericDate, DayOfMonth)):
        return False
    if hit.text.lower().startswith("on "):
        return False
    if getattr(hit.spec, "year", None) is not None:
        return False
    behind = resolve_day(hit, clock, Lean.PAST)
    ahead = resolve_day(hit, clock, Lean.FUTURE)
    if behind is None or ahead is None:
        return False
    back = (clock.today - behind).days
    return back > 60 and (ahead - clock.today).days < back


def is_plan(doc: Doc, hit: DateHit, clock: Clock) -> bool:
    """A date that points ahead in its clause: "Meeting Thursday", "mtg w maria tmrw 2pm"."""
    if hit.error is not None:
        return False
    if hit.lean is Lean.FUTURE:
        return True
    return hit.lean is Lean.EITHER and (not happened(doc, hit, clock) or far_behind(hit, clock))
