"""What kind of interaction a note records, and who reached out."""

from __future__ import annotations

import re

from bot.parsing.doc import Doc, SpanSet
from bot.parsing.model import Initiator
from bot.parsing.subjects import Names, Who, obj_at, subject_before

_I = re.IGNORECASE

# Canonical name and pattern. The earliest match outside a loop wins ("lunch with Sam, she
# called later" is a lunch); "meeting" is the weakest reading and only used when nothing else is.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, _I))
    for kind, pattern in (
        (
            "video call",
            r"\bvideo[\s-]*(?:call|chat)s?\b|\bzoom(?:ed)?\b|\bgoogle\s+meet\b|\bg-?meet\b"
            r"|\bface-?time(?:d)?\b|\bteams\s+call\b|\bskyped?\b|\bwebex\b|\bhangouts?\b",
        ),
        (
            "call",
            r"\bphone\s+call\b|\bcall(?:ed|s)?\b|\brang\b|\bphoned\b|\bspoke\s+on\s+the\s+phone\b"
            r"|\bon\s+the\s+phone\b",
        ),
        ("coffee", r"\bcoffees?\b|\bespresso\b|\blatte\b|\bcappuccino\b|\bflat\s+white\b"),
        ("breakfast", r"\bbreakfast\b|\bbrunch\b"),
        ("lunch", r"\blunch(?:ed|es)?\b"),
        ("event", r"\bdinner\s+party\b"),
        ("dinner", r"\bdinners?\b|\bsupper\b"),
        (
            "drinks",
            r"\bdrinks?\b|\bbeers?\b|\bpints?\b|\bcocktails?\b|\bhappy\s+hour\b|\bwine\b",
        ),
        ("email", r"\be-?mail(?:ed|s)?\b|\bmailed\b"),
        (
            "text",
            r"\btext(?:ed|s)?\b|\bsms\b|\bwhats-?app(?:ed)?\b|\bimessage\b|\bmessag(?:ed|es?)\b"
            r"|\bdm(?:'d|ed)?\b|\btelegram\b",
        ),
        ("gift", r"\bgift(?:s|ed)?\b|\bflowers\b|\bhamper\b"),
        ("card", r"\b(?:post)?cards?\b|\bthank[\s-]you\s+note\b"),
        (
            "event",
            r"\bconference\b|\bevent\b|\bparty\b|\bwedding\b|\bmeet-?up\b|\bsummit\b|\bgala\b"
            r"|\bwebinar\b|\bworkshop\b|\boffsite\b|\btrade\s?show\b|\bexpo\b|\bfestival\b",
        ),
        (
            "meeting",
            r"\bmeeting\b|\bmet\b|\bmeet\b|\bcatch[\s-]?up\b|\bcaught\s+up\b|\bsat\s+down\s+with\b"
            r"|\bin\s+person\b|\bone-on-one\b|\b1:1\b",
        ),
    )
)
_WEAK = "meeting"


def kind(text: str, skip: SpanSet) -> str | None:
    best: tuple[int, int, str] | None = None  # (start, -length, kind)
    weak: int | None = None
    for name, pattern in _KINDS:
        for m in pattern.finditer(text):
            if skip.covers(m.start()):
                continue
            if name == _WEAK:
                weak = m.start() if weak is None else min(weak, m.start())
                break
            key = (m.start(), m.start() - m.end(), name)
            if best is None or key < best:
                best = key
            break
    if best is not None:
        return best[2]
    return _WEAK if weak is not None else None


_CONTACT_RE = re.compile(
    r"\b(?:called|rang|phoned|emailed|e-mailed|texted|messaged|pinged|dm'd|dmed|wrote\s+to"
    r"|wrote|invited|contacted|met|visited|reached\s+out(?:\s+to)?|got\s+in\s+touch(?:\s+with)?"
    r"|took)\b",
    _I,
)
_FROM_RE = re.compile(
    r"\b(?:call|email|e-mail|text|message|note|letter|invite|invitation|dm|ping|voicemail|card"
    r"|gift|request|intro|reply|call-?back)s?\s+from\s+",
    _I,
)
_HEARD_RE = re.compile(r"\bheard\s+from\s+", _I)


def initiator(doc: Doc, names: Names, skip: SpanSet) -> Initiator | None:
    """ME when the author reached out ("called Raj", "I emailed Priya", "met Jane"), THEM when
    the contact did ("Raj called me", "email from Priya", "she texted me"), None when unclear."""
    text = doc.text
    found: list[tuple[int, Initiator]] = []
    for m in _CONTACT_RE.finditer(text):
        if skip.covers(m.start()):
            continue
        subj = subject_before(doc, names, m.start())
        if subj.who is Who.OTHER:
            continue
        o = obj_at(doc, names, m.end())
        if subj.who is Who.THEM:
            found.append((m.start(), Initiator.THEM))
        elif o is not None and o.kind == "me":
            found.append((m.start(), Initiator.THEM))  # "called me back, Raj did"
        elif o is not None or m.group(0).lower().startswith(("reached", "got")):
            found.append((m.start(), Initiator.ME))
        break
    for pattern in (_FROM_RE, _HEARD_RE):
        for m in pattern.finditer(text):
            if obj_at(doc, names, m.end()) is not None:
                found.append((m.start(), Initiator.THEM))
                break
    return min(found)[1] if found else None
