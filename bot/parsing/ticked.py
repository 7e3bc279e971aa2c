"""Things ticked off by topic: "references: sent him two ✅", "revised timeline: he got it ✅",
"Farah's intro to our CEO: booked for the 24th ✅", "Aroha: brand guidelines attached ✅". The
thing comes first, then what became of it, then a tick; what became of it says whose loop it
settles (we sent or booked it; they attached or sent it in). Pure.
"""

from __future__ import annotations

import re

from bot.parsing.doc import Doc
from bot.parsing.lexicon import words
from bot.parsing.model import Direction, Settlement
from bot.parsing.subjects import Names

_TICKED_RE = re.compile(
    r"(?:^|(?<=[.!?\n]))\s*(?P<body>[^.!?\n✅✔☑]{3,90}?)\s*(?:✅|✔️?|☑️?)", re.IGNORECASE
)
_SEGMENT_RE = re.compile(r"\s[—–-]\s|,\s|;\s|\s&\s")
_TOPIC_RE = re.compile(r"(?P<what>[^:]{2,50}?)\s*:\s*(?P<rest>[^:]{1,60})$")
_ATTACHED_RE = re.compile(
    r"(?P<what>[^\W\d_][^:]{1,50}?)\s+(?P<rest>attached|received|in|landed|arrived)$", re.I
)
_OURS_DONE_RE = re.compile(
    r"\b(?:sent|booked|done|delivered|shared|scheduled|set\s+up|made|(?:he|she|they)\s+got)\b",
    re.IGNORECASE,
)
_THEIRS_DONE_RE = re.compile(r"\b(?:attached|received|in|landed|arrived|came)\b", re.I)
_NOT_YET_RE = re.compile(r"\b(?:not|will|'ll|pending|tbd|next|to\s+do|still)\b", re.I)
_NOT_A_THING = words("i we he she they it this that next todo update private re")


def find(doc: Doc, names: Names) -> list[Settlement]:
    out: list[Settlement] = []
    if not any(c in doc.text for c in "✅✔☑"):
        return out
    for m in _TICKED_RE.finditer(doc.text):
        got = _ticked(doc, names, m.start("body"), m.group("body"))
        if got is not None:
            out.append(got)
    return out


def _ticked(doc: Doc, names: Names, at: int, body: str) -> Settlement | None:
    speaker: str | None = None
    for span in names.spans:
        if span.start == at and not span.possessive and body[span.end - at :].startswith(":"):
            speaker = doc.restore(span.name)  # "Aroha: brand guidelines attached ✅"
            cut = span.end - at + 1
            at, body = at + cut, body[cut:]
            break
    parts = _SEGMENT_RE.split(body)
    if len(parts) > 1:  # "quick sync w/ Tomás — references: sent him two ✅": the last part
        cut = len(body) - len(parts[-1])
        at, body = at + cut, parts[-1]
    lead = len(body) - len(body.lstrip())
    at, body = at + lead, body.strip()
    m = _TOPIC_RE.fullmatch(body) or _ATTACHED_RE.fullmatch(body)
    if m is None or _NOT_YET_RE.search(m.group("rest")):
        return None
    what, rest = m.group("what").strip(), m.group("rest")
    person: str | None = None
    for span in names.spans:
        if span.start == at and span.possessive:
            person = doc.restore(span.name)  # "Farah's intro to our CEO: booked"
            what = doc.text[span.end + 2 : at + m.end("what")].strip()
            break
    words = what.lower().split()
    if not words or len(words) > 6 or words[0] in _NOT_A_THING:
        return None
    if any(at <= s.start < at + m.end("what") for s in names.spans if s.name != person):
        return None  # "call w/ Tomás: done": a person is no thing
    if _OURS_DONE_RE.search(rest) and not _THEIRS_DONE_RE.search(rest):
        return Settlement(Direction.YOU_OWE, doc.restore(what), person)
    if _THEIRS_DONE_RE.search(rest):
        return Settlement(Direction.THEY_OWE, doc.restore(what), person or speaker)
    return None
