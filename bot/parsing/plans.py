"""Plans said in the present tense: "she sends the partner brief thursday", "Michael sends the
final TS by 19/6", "his team sends feedback by the 25th", "we send the DPA wednesday", "offer goes
out to her thurs". A present-tense verb with a day still to come (or "once legal signs off") is a
promise as much as "will send" is; without one it is a habit ("she sends updates") and owes
nothing. Pure.
"""

from __future__ import annotations

import re

from bot.parsing.dates import DateHit, Lean
from bot.parsing.doc import Doc
from bot.parsing.lexicon import words
from bot.parsing.model import Direction
from bot.parsing.subjects import Names, obj_at

_VERB_RE = re.compile(
    r"\b(?P<verb>send|share|return|email|forward|deliver|submit|circulate|bring|provide)"
    r"(?P<s>s|es)?\b(?:\s+(?:over|across|back|out|through))?",
    re.IGNORECASE,
)
_EXPECT_RE = re.compile(
    r"(?:^|[:.!?\n,;—–-]|\bsays|\bsaid)\s*(?:so\s+)?expect\s+"
    r"(?=(?:his|her|their|the)\s)",
    re.IGNORECASE,
)
_GOES_OUT_RE = re.compile(r"\s(?:goes|go)\s+(?:out\s+)?(?:over\s+)?to\b", re.IGNORECASE)
# Who may lead the clause: a lead word, then the subject.
_LEAD_RE = re.compile(r"[\s\-–—•*+]*(?:(?:next|then|and|also|so|plan|but)\b[\s:,]*)*", re.I)
# Whose side sends for them: "his team sends", "Lachlan's counsel sends".
_SIDE = r"(?:team|side|lawyers?|legal|counsel|office|ops|assistant|ea|finance(?:\s+team)?)"
_THEIR_SIDE_RE = re.compile(rf"^(?:his|her|their)\s+(?:{_SIDE}|cfo|ceo|cto|boss)$", re.IGNORECASE)
_OWNED_SIDE_RE = re.compile(rf"^'s\s+{_SIDE}$", re.IGNORECASE)
_HABIT = words("every each weekly monthly daily always usually normally often never")
_CONDITION_RE = re.compile(r"\s(?:once|when|as\s+soon\s+as|after)\s", re.IGNORECASE)
_LEAD_DUE = ("by", "before", "on", "until", "till", "next", "this")
_NOT_A_THING = words("i we i'm we're he she they it's this that to for with")

Plan = tuple[Direction, str, str | None, int, int, int | None]


def present(doc: Doc, names: Names, hits: list[DateHit], claimed: set[int]) -> list[Plan]:
    """(direction, what, person, start, end, due hit index or None) for each plan said in the
    present tense; the due hits used go into `claimed`."""
    out: list[Plan] = []
    for m in _VERB_RE.finditer(doc.text):
        got = _plan(doc, names, hits, claimed, m)
        if got is not None:
            out.append(got)
    for m in _EXPECT_RE.finditer(doc.text):
        got = _expect(doc, hits, claimed, m)
        if got is not None:
            out.append(got)
    for m in _GOES_OUT_RE.finditer(doc.text):
        got = _goes_out(doc, names, hits, claimed, m)
        if got is not None:
            out.append(got)
    return out


def _subject(doc: Doc, names: Names, cs: int, pos: int) -> tuple[Direction, str | None] | None:
    """Whose plan it is, from exactly what leads the clause before the verb."""
    lead = _LEAD_RE.match(doc.text, cs)
    start = lead.end() if lead is not None else cs
    head = doc.text[start:pos].strip()
    low = head.lower()
    if low in ("i", "we"):
        return Direction.YOU_OWE, None
    if low in ("she", "he", "they") or _THEIR_SIDE_RE.match(head):
        return Direction.THEY_OWE, None
    span = names.by_start.get(start)
    if span is None:
        return None
    rest = doc.text[span.end : pos].strip()
    if not span.possessive and not rest:
        return Direction.THEY_OWE, doc.restore(span.name)
    if span.possessive and _OWNED_SIDE_RE.match(doc.text[span.end : pos].rstrip()):
        return Direction.THEY_OWE, doc.restore(span.name)  # "Lachlan's counsel sends"
    return None


def _due(
    doc: Doc, hits: list[DateHit], claimed: set[int], pos: int, ce: int
) -> tuple[int | None, int] | None:
    """The day still to come in the rest of the clause (its hit index and where the thing owed
    ends), or a condition ("once legal signs off") with no day; None when neither is there."""
    for k, h in enumerate(hits):
        if pos <= h.start < ce and k not in claimed and h.error is None:
            if h.lean is Lean.PAST:
                return None
            return k, h.start
    cond = _CONDITION_RE.search(doc.text, pos, ce)
    if cond is not None:
        return None, cond.start()
    return None


def _thing(doc: Doc, start: int, end: int) -> str | None:
    words_ = doc.text[start:end].split()
    while words_ and words_[-1].lower().strip(",") in _LEAD_DUE:
        words_.pop()
    what = " ".join(words_).strip(" ,:;-–—")
    low = what.lower().split()
    if not low or len(low) > 8 or low[0] in _NOT_A_THING:
        return None
    return doc.restore(what)


def _plan(
    doc: Doc, names: Names, hits: list[DateHit], claimed: set[int], m: re.Match[str]
) -> Plan | None:
    cs = doc.clause_start(m.start())
    ce = doc.clause_end(m.end())
    who = _subject(doc, names, cs, m.start())
    if who is None:
        return None
    direction, person = who
    third = bool(m.group("s"))
    head = doc.text[cs : m.start()].strip().lower()
    plural = head.endswith(("they", "we", "i"))
    if third == plural:
        return None  # "she send", "we sends": not this shape
    if not _HABIT.isdisjoint(w.lower() for w in doc.text[cs:ce].split()):
        return None  # "she sends updates every friday": a habit
    pos = m.end()
    o = obj_at(doc, names, pos)
    if o is not None:
        if direction is Direction.THEY_OWE and o.kind != "me":
            return None  # "Sam sends Ken the deck": between them
        if direction is Direction.YOU_OWE:
            if o.kind == "me":
                return None
            person = o.name
        pos = o.end
    due = _due(doc, hits, claimed, pos, ce)
    if due is None:
        return None
    k, what_end = due
    what = _thing(doc, pos, what_end)
    if what is None:
        return None
    if direction is Direction.YOU_OWE and k is None and not what.lower().startswith("our "):
        return None  # "we send invoices once signed" owes only what is ours and said so
    if k is not None:
        claimed.add(k)
    end = hits[k].end if k is not None else what_end
    return direction, what, person, cs, end, k


def _goes_out(
    doc: Doc, names: Names, hits: list[DateHit], claimed: set[int], m: re.Match[str]
) -> Plan | None:
    """ "offer goes out to her thurs": ours, to her, by then."""
    cs = doc.clause_start(m.start())
    ce = doc.clause_end(m.end())
    o = obj_at(doc, names, m.end())
    if o is None or o.kind == "me":
        return None
    due = _due(doc, hits, claimed, o.end, ce)
    if due is None or due[0] is None:
        return None
    k = due[0]
    lead = _LEAD_RE.match(doc.text, cs)
    start = lead.end() if lead is not None else cs
    # "she wants a summary for her CFO, goes out to her tomorrow": the thing asked for
    what = _thing(doc, start, m.start()) if doc.text[start : m.start()].strip() else "it"
    if what is None or any(cs <= s.start < m.start() for s in names.spans):
        return None
    claimed.add(k)
    return Direction.YOU_OWE, what, o.name, cs, hits[k].end, k


def _expect(doc: Doc, hits: list[DateHit], claimed: set[int], m: re.Match[str]) -> Plan | None:
    """ "Lachlan texted: expect their usage forecast monday", "Fatima says expect his feedback
    wed": theirs to send, by then (whoever told us is the note's person)."""
    ce = doc.clause_end(m.end())
    due = _due(doc, hits, claimed, m.end(), ce)
    if due is None or due[0] is None:
        return None
    k, what_end = due
    what = _thing(doc, m.end(), what_end)
    if what is None or k is None:
        return None
    claimed.add(k)
    return Direction.THEY_OWE, what, None, m.end(), hits[k].end, k
