"""What a loop leaves for a later clause or sentence: its deadline ("Omar wants a costed plan.
Due 20/10.", "owe Tamsin the seating plan. she needs it by the 20th"), whom a pronoun means
("Greta intro'd us to Paulo Serra. we owe him the vendor pack"), and things owed to us said
without a verb ("revised SOW coming end of week", "case exercise sent to dafydd, due back
friday"). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol, TypeVar

from bot.parsing.dates import DateHit, Lean
from bot.parsing.doc import Doc
from bot.parsing.gazetteer import gender_of, is_given, is_surname
from bot.parsing.known import fold
from bot.parsing.model import Direction
from bot.parsing.people import NameSpan
from bot.parsing.subjects import Names, obj_at


class Found(Protocol):
    direction: Direction
    what: str
    person: str | None
    start: int
    end: int


F = TypeVar("F", bound=Found)

# A clause that is only a deadline: "Due 20/10.", "deadline is thursday", "she needs it by the
# 20th", "pay by end of next week", and a promise that names no thing ("he asked for the pricing,
# will send by thu", "sending it over tomorrow").
_DEADLINE_HEAD_RE = re.compile(
    r"^\s*(?:(?:the\s+)?deadline(?:'s|\s+is|:)?|due:?"
    r"|(?:she|he|they|[^\W\d_][\w'-]*)\s+(?:needs|wants|needed|wanted|expects)\s+"
    r"(?:it|them|that|those|this|these)"
    r"|(?:(?:I|we)?\s*(?:'ll|will|can|shall)\s+|(?:I'm|we're|I\s+am|we\s+are)\s+)?"
    r"(?:pay|send|sending|answer|reply|deliver|finish|submit|share|sharing|get|getting)"
    r"(?:\s+(?:it|them|her|him|that|this|over|across|out|back))*)?"
    r"\s*(?:by|before|on)?\s*$",
    re.IGNORECASE,
)
_SUBJECT_RE = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
_OBJECT_RE = re.compile(r"\b(?:him|her)\b", re.IGNORECASE)
_CARRIED_HEAD_RE = re.compile(r"^[\s,]*(?:and|&|\+|but|then|also)?[\s,]*$", re.IGNORECASE)
_COORDINATED_RE = re.compile(r"^\s*(?:and|\+|&|,)\s*$")


def deadlines(
    doc: Doc,
    hits: list[DateHit],
    claimed: set[int],
    found: list[tuple[F, int | None]],
    covered: list[tuple[int, int]],
) -> list[tuple[F, int | None]]:
    """Give a loop with no due date the deadline said alone in a later clause (whose span goes
    to `covered`: "she needs it by the 20th" is no need of hers)."""
    if not any(d is None for _, d in found):
        return found
    out = list(found)
    for k, h in enumerate(hits):
        if k in claimed or h.error is not None or h.lean is Lean.PAST:
            continue
        cs = doc.clause_start(h.start)
        ce = doc.clause_end(h.end)
        if doc.text[h.end : ce].strip(" .!") or not _DEADLINE_HEAD_RE.match(doc.text[cs : h.start]):
            continue
        before = [i for i, (f, _) in enumerate(out) if f.end <= cs]
        if not before:
            continue
        i = max(before, key=lambda j: out[j][0].start)
        f, due = out[i]
        if due is not None or _sentences_between(doc, f.end, cs) > 1:
            continue
        claimed.add(k)
        covered.append((cs, ce))
        out[i] = (f, k)
    return out


def _sentences_between(doc: Doc, a: int, b: int) -> int:
    return sum(doc.text.count(c, a, b) for c in ".!?\n")


def antecedents(
    doc: Doc,
    names: Names,
    found: list[tuple[F, int | None]],
    with_person: Callable[[F, str], F],
) -> list[tuple[F, int | None]]:
    """ "Greta intro'd us to Paulo Serra (finance). we owe him the vendor pack": him and her
    mean the person named last before them when that person leads a clause ("Omar's colleague
    Sunita Rao joined the call. she needs…") or was just introduced to us, not someone named in
    passing ("she's leaving, her replacement is Pedro. she'll intro us": still her)."""
    out = []
    for f, due in found:
        if f.person is None and len(names.spans) > 1:
            cs = doc.clause_start(f.start)
            # what we owe goes to him or her; what they owe comes from he or she
            first, then = (
                (_OBJECT_RE, _SUBJECT_RE)
                if f.direction is Direction.YOU_OWE
                else (_SUBJECT_RE, _OBJECT_RE)
            )
            pronoun = first.search(doc.text, cs, f.end) or then.search(doc.text, cs, f.end)
            if pronoun is None and _CARRIED_HEAD_RE.match(doc.text[cs : f.start]):
                # "he wants a site visit, and needs our ISO cert by fri": the same "he"
                pronoun = _carried_pronoun(doc, cs)
            person = _last_named(doc, names, pronoun) if pronoun is not None else None
            if person is not None:
                f = with_person(f, person)
        out.append((f, due))
    return out


_SUBJECT_HEAD_RE = re.compile(
    r"^[\s\-–—•*]*(?:[^\W\d_][\w'-]*'s\s+[a-z][\w-]*(?:\s+[a-z][\w-]*)?[\s,]*)?$"
)


_INTRODUCED_RE = re.compile(
    r"\b(?:intro'?d|introduced|intro-ed|connected)\s+(?:us|me)\s+(?:to|with)\s+$", re.IGNORECASE
)


def _last_named(doc: Doc, names: Names, pronoun: re.Match[str]) -> str | None:
    """Whom he/him or she/her means. A person whose given name is only a man's or only a woman's
    can't be the other pronoun: "Christos rang … Matilda Kaur is covering. sending him a care
    pack" is Christos, "Aylin: she's out … handing over to Mostafa. she'll intro us" is Aylin.
    Among the people left, the one name that says it is that gender is meant; when that doesn't
    decide (two men, or names that say nothing), only a name that leads its clause ("Omar's
    colleague Sunita Rao joined …", "Lan's birthday …") or someone just introduced to us
    ("intro'd us to Binta Sow") is safe to take: "came back w/ his partner Aisling … sending
    him" is not her."""
    pos = pronoun.start()
    # a name that could be several people ("AJ": which one?) stands for none of them here
    before = [s for s in names.spans if s.end <= pos and not s.mention and not s.known.candidates]
    if len(before) < 2:
        return None  # one person before: the note's main person already
    other = "f" if pronoun.group(0).lower() in ("he", "him") else "m"
    fits = [s for s in before if _gender(doc, s) != other]
    if not fits:
        return None
    if len({s.name for s in fits}) == 1 and len({s.name for s in before}) > 1:
        return _unless_main(doc, before, fits[-1])  # everyone else named is the other gender
    said = [s for s in fits if _gender(doc, s) is not None]
    if len({s.name for s in said}) == 1:
        return _unless_main(doc, before, said[-1])  # the one whose name says, over the rest
    before = fits
    if len(before) < 2:
        return None
    last = before[-1]
    if _COORDINATED_RE.match(doc.text[before[-2].end : last.start]):
        return None  # "Priya and Raj. she wants …": which one is not said
    if last.possessive and (
        pronoun.group(0).lower() in ("he", "she")
        or not any(s.name == last.name and not s.possessive for s in before)
    ):
        return None  # "nothing from hendrik-jan re Pieter's email. nudged him": not Pieter
    head = doc.text[doc.clause_start(last.start) : last.start]
    if not _SUBJECT_HEAD_RE.match(head) and not _INTRODUCED_RE.search(head):
        return None
    return doc.restore(last.name)


def _carried_pronoun(doc: Doc, cs: int) -> re.Match[str] | None:
    """The he/she of the clauses before `cs` in its sentence (a few, nearest first)."""
    end = cs
    for _ in range(3):  # ", and" is a clause of its own; the bound keeps it linear
        start = doc.clause_start(max(0, end - 2))
        if start >= end or any(c in doc.text[start:end] for c in ".!?\n"):
            return None
        found = list(_SUBJECT_RE.finditer(doc.text, start, end))
        if found:
            return found[-1]
        end = start
    return None


def _unless_main(doc: Doc, before: list[NameSpan], span: NameSpan) -> str | None:
    """The person's name, or None when they are the note's first-named, main person already."""
    return None if span.name == before[0].name else doc.restore(span.name)


def _gender(doc: Doc, span: NameSpan) -> str | None:
    """ "m" or "f" when the person's given name says: the first word of the name as written,
    else of the name they are known by ("Kathi" is Katharina). A known name whose first word
    comes later in what was written is family name first ("Ji-woo" is Park Ji-woo: Park says
    nothing about her)."""
    written = _parts(doc.restore(span.name))
    g = _first_gender(written)
    if g is not None or not written:
        return g
    known = _parts(span.known.known_as or "")
    if known and written[0] not in known[1:]:
        return _first_gender(known)
    return None


def _parts(name: str) -> list[str]:
    return fold(name).replace("-", " ").split()


def _first_gender(parts: list[str]) -> str | None:
    """The gender of a name's first word, unless that word is also a surname followed by a given
    name ("Park Min-jun" may be written family name first)."""
    if not parts:
        return None
    g = gender_of(parts[0])
    if g is not None and is_surname(parts[0]) and any(is_given(p) for p in parts[1:]):
        return None
    return g


_COMING_RE = re.compile(
    r"\s(?:is\s+|are\s+)?(?:coming(?:\s+through)?|on\s+(?:its|their)\s+way|due(?:\s+back)?(?!\s+to\b))\b",
    re.IGNORECASE,
)
_OURS_HEAD_RE = re.compile(r"^(?P<what>(?:our|my)\s+[^\W\d_][\w\s'-]{0,40}?)(?:'s)?$", re.I)
_NOT_OURS = frozenset("i we our my i'm we're it this that he she they".split())  # noqa: SIM905
_HANDED_RE = re.compile(
    r"^\s*(?P<what>[^\W\d_][^,.;:!?\n]{0,50}?)\s+(?:sent|out|went\s+out|over)\s+to\s+$",
    re.IGNORECASE,
)


def coming(
    doc: Doc, names: Names, hits: list[DateHit], claimed: set[int]
) -> list[tuple[Direction, str, str | None, int, int, int]]:
    """ "revised SOW coming end of week": they owe the thing, by that day. "case exercise sent
    to dafydd, due back friday": Dafydd owes it back. (direction, what, person, start, end,
    hit index)"""
    out: list[tuple[Direction, str, str | None, int, int, int]] = []
    if "coming" not in doc.words and "due" not in doc.words and "way" not in doc.words:
        return out
    for m in _COMING_RE.finditer(doc.text):
        ce = doc.clause_end(m.end())
        k = next(
            (
                i
                for i, h in enumerate(hits)
                # "due Friday" is one date, its lead word "due" inside it
                if m.start() <= h.start < ce
                and h.end > m.end()
                and i not in claimed
                and h.error is None
                and h.lean is not Lean.PAST
            ),
            None,
        )
        if k is None:
            continue
        cs = doc.clause_start(m.start())
        head = doc.text[cs : m.start()].strip()
        person: str | None = None
        direction = Direction.THEY_OWE
        ours = _OURS_HEAD_RE.match(head)
        if "due" in m.group(0).lower() and ours is not None:
            # "our response is due back 20.11.", "my draft's due Friday": ours to send
            what, direction = ours.group("what"), Direction.YOU_OWE
        elif "due" in m.group(0).lower():
            if head or "back" not in m.group(0).lower():
                continue
            prev = doc.clause_start(max(0, cs - 2))
            got = _handed(doc, names, prev, cs)
            if got is None:
                continue
            what, person = got
        else:
            what = head
            inside = [s for s in names.spans if cs <= s.start < m.start()]
            if any(not s.possessive for s in inside):
                continue
            if inside:
                person = doc.restore(inside[0].name)
                what = doc.text[inside[0].end + 2 : m.start()].strip()
        words = what.lower().split()
        if not words or len(words) > 6 or (words[0] in _NOT_OURS and ours is None):
            continue
        claimed.add(k)
        out.append((direction, doc.restore(what), person, cs, ce, k))
    return out


def _handed(doc: Doc, names: Names, start: int, end: int) -> tuple[str, str] | None:
    """The thing and the person in "case exercise sent to dafydd,"."""
    for span in names.spans:
        if start <= span.start < end and not doc.text[span.end : end].strip(" ,"):
            m = _HANDED_RE.match(doc.text[start : span.start])
            if m is not None:
                return m.group("what").strip(), doc.restore(span.name)
            o = obj_at(doc, names, span.start)
            if o is not None:
                return None
    return None
