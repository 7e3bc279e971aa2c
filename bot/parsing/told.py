"""Settlements said as telling, paying or things coming back: "told tamsin ✅", "let Omar know
we can do 10%", "rang Liam back", "paid Lucía back", "contract came back from Rosa, signed",
"Margriet came back: they'll take the 3-yr".

Telling someone the outcome is the answer owed to them, so it settles a reply, a confirmation or
next steps owed, never a deliverable. "told Omar about the offsite" is news, and settles
nothing. Pure.
"""

from __future__ import annotations

import re

from bot.parsing.doc import Doc
from bot.parsing.model import Direction, Settlement
from bot.parsing.subjects import Names, Who, obj_at, subject_before

_TOLD_RE = re.compile(
    r"\b(?P<verb>told|tell|informed|updated|let|rang|called|phoned|confirmed\s+to|paid|emailed"
    r"|texted|messaged|pinged"
    r"|came\s+back)\b",
    re.IGNORECASE,
)
_TOLD_WORDS = frozenset(
    {"told", "tell", "informed", "updated", "let", "rang", "called", "phoned", "confirmed"}
    | {"paid", "came", "emailed", "texted", "messaged", "pinged"}
)
_ABOUT_RE = re.compile(r"\s*(?:about|of|re:?|regarding)\s+(?P<what>[^,.;:!?\n]{2,60})", re.I)
_TO_DO_RE = re.compile(r"\s*(?:to\s+\w|me\b|us\b|off\b)", re.IGNORECASE)
_NOT_YET_RE = re.compile(
    r"(?:\bnot|n't|\bnever|\bwill|'ll|\bto|\bgonna|\bshould|\bmust|\bneed\s+to|\bplease|\bpls"
    r"|\bcan|\bcould|\bmust)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_WITH_VERBS = frozenset({"rang", "called", "phoned", "emailed", "texted", "messaged", "pinged"})
_WITH_THING_RE = re.compile(
    r"\s*(?:back\s+)?(?:w/|with)\s+(?P<what>[^,;:!?\n]{2,60}?)\s*"
    r"(?=$|[,;:!?\n]|\.(?!\d)|\s[-–—]|\s+(?:and|but|so)\s)",
    re.IGNORECASE,
)
_NOT_THINGS = frozenset("me us him her them his their my our".split())  # noqa: SIM905
_FROM_RE = re.compile(r"\s*from\s+", re.IGNORECASE)
_THING_RE = re.compile(
    r"(?:^|[.!?\n]\s*|,\s*)(?:the\s+|our\s+|their\s+|her\s+|his\s+)?(?P<what>[^\W\d_][\w\s'-]{0,40}?)\s*$"
)


def find(doc: Doc, names: Names) -> list[Settlement]:
    if doc.words.isdisjoint(_TOLD_WORDS):
        return []
    out: list[Settlement] = []
    text = doc.text
    for m in _TOLD_RE.finditer(text):
        if _NOT_YET_RE.search(text, max(0, m.start() - 30), m.start()):
            continue  # "need to tell Omar", "will let her know"
        verb = m.group("verb").lower().split()[0]
        if verb == "came":
            out.extend(_came_back(doc, names, m))
            continue
        subj = subject_before(doc, names, m.start())
        if subj.who is not Who.ME or _subject_word(doc, m.start()) not in ("", "i", "we"):
            continue
        o = obj_at(doc, names, m.end())
        if o is None or o.kind == "me" or (o.kind == "pronoun" and verb not in ("told", "let")):
            continue  # "told her 👍" is the main person told
        rest_at = _past_dates(doc, names, o.end)  # "called mehdi last fri w/ the feedback"
        if verb in _WITH_VERBS:
            with_ = _WITH_THING_RE.match(text, rest_at)
            if (
                with_ is not None
                and with_.group("what").split()[0].lower() not in _NOT_THINGS
                and names.by_start.get(with_.start("what")) is None  # "called Raj w/ Ana"
            ):
                # "rang Liam back w/ the 1.52 counter", "called khoa w/ onsite feedback"
                out.append(Settlement(Direction.YOU_OWE, with_.group("what").strip(), o.name))
            if verb not in ("rang", "called", "phoned"):
                continue
        if verb == "let":
            know = re.match(r"\s*know\b", text[rest_at:])
            if know is None:
                continue
            rest_at += know.end()
        elif verb in ("rang", "called", "phoned"):
            back = re.match(r"\s*back\b", text[rest_at:])
            with_ = _WITH_THING_RE.match(text, rest_at)
            if back is None and with_ is not None:
                continue  # the thing was read above
            if back is None:
                continue  # "called Raj" is the interaction, read by its kind
            rest_at += back.end()
        elif verb == "paid":
            out.append(Settlement(Direction.YOU_OWE, "payment", o.name))
            continue
        elif _TO_DO_RE.match(text, rest_at):
            continue  # "told Sam to send it": an order, not an answer
        if _ABOUT_RE.match(text, rest_at):
            continue  # "told Omar about the offsite": news, not the answer owed
        out.append(Settlement(Direction.YOU_OWE, "a reply", o.name))
    return out


def _past_dates(doc: Doc, names: Names, pos: int) -> int:
    """After any date written at `pos` ("last fri", "on 3/4"): when it was, not what came."""
    for _ in range(4):  # a date is a few words; the bound keeps it linear
        while pos < len(doc.text) and doc.text[pos] == " ":
            pos += 1
        k = doc.token_index_at(pos)
        if k is None or not names.dates.covers(doc.tokens[k].start):
            return pos
        pos = doc.tokens[k].end
    return pos


def _subject_word(doc: Doc, pos: int) -> str:
    """The word right before the verb when it is "I" or "we" (else "")."""
    k = doc.token_index_at(pos)
    k = (len(doc.tokens) if k is None else k) - 1
    if k < 0 or doc.tokens[k].start < doc.clause_start(pos):
        return ""
    low = doc.tokens[k].lower
    return low if low in ("i", "we") else ""


def _came_back(doc: Doc, names: Names, m: re.Match[str]) -> list[Settlement]:
    """ "contract came back from Rosa, signed": what Rosa owed. "Margriet came back: …": her
    answer."""
    text = doc.text
    cs = doc.clause_start(m.start())
    head = text[cs : m.start()].strip(" -–—:")
    span = names.by_last_token.get((doc.token_index_at(m.start()) or 0) - 1)
    if span is not None and span.start >= cs and not span.possessive:
        if text[cs : span.start].strip(" -–—:"):
            return []
        if re.match(r"\s*(?:to\s+(?:me|us)\b\s*)?(?:on|about|re|with)\b", text[m.end() :]):
            return []  # "Tom came back on Siobhán": read as feedback elsewhere
        if re.match(r"\s*(?:from|after|home|to\s+(?:work|the\s+office))\b", text[m.end() :]):
            return []  # "Rosa came back from leave": she returned, nobody answered
        return [Settlement(Direction.THEY_OWE, "a reply", doc.restore(span.name))]
    f = _FROM_RE.match(text, m.end())
    if f is None or not head:
        return []
    o = obj_at(doc, names, f.end())
    if o is None or o.kind != "name":
        return []
    thing = _THING_RE.search(head)
    what = thing.group("what").strip() if thing is not None else ""
    if not what or what.split()[0].lower() in ("i", "we", "he", "she", "they", "it"):
        return []
    return [Settlement(Direction.THEY_OWE, doc.restore(what), o.name)]
