"""What a bare reply is about: the thing the note is about.

"offer out to khoa. he'll answer by next wed" owes us an answer on the offer, not any answer;
"Dana ghosting on the exclusivity clause … she owes us an answer" one on the clause. A loop whose
*what* says only "a reply" takes the thing handed over in the same note (to them for their
answer, from them for ours), else the thing the
note says it is "on", "re" or "about". Two replies owed by one person then read apart, and a
later "Khoa accepted the offer" finds the right one.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.parsing.doc import Doc
from bot.parsing.model import Direction, LoopSpec, Settlement

# "she'll revert by wed": the verb alone is what is owed, and it is a reply
_BARE = frozenset(("a reply", "an answer", "a response", "revert", "get back", "come back"))
_ABOUT_RE = re.compile(
    r"\b(?:on|re:?|about|regarding)\s+(?P<what>(?:the|our|their|his|her)\s+[\w'’-]+(?:\s+[\w'’-]+){0,2})",
    re.IGNORECASE,
)
# "on the 20th", "on the phone", "about the same": when or how, not what
_NOT_A_TOPIC = frozenset(
    """
    phone call line way weekend week day morning afternoon evening road same other plane train
    fence record whole go move side table
    """.split()  # noqa: SIM905  (a word block is easier to edit than a list literal)
)
_STOP_RE = re.compile(
    r"\s+(?:and|but|so|by|before|till|until|next|this|w/|with|from|for)\b.*$", re.I
)


def with_topic(doc: Doc, specs: list[LoopSpec], settles: list[Settlement]) -> list[LoopSpec]:
    out = []
    for spec in specs:
        if spec.what.lower() not in _BARE:
            out.append(spec)
            continue
        bare = "an answer" if spec.what.lower() == "an answer" else "a reply"
        topic = _topic(doc, spec, settles)
        out.append(replace(spec, what=f"{bare} on {topic}" if topic else bare))
    return out


def _topic(doc: Doc, spec: LoopSpec, settles: list[Settlement]) -> str | None:
    # they answer what we handed over ("offer out to khoa … he'll answer"); we answer what came
    # in from them ("Amina's questions came in … need to answer by 5/11")
    handed = Direction.YOU_OWE if spec.direction is Direction.THEY_OWE else Direction.THEY_OWE
    for s in settles:
        if s.direction is handed and s.what.lower() not in _BARE:
            return s.what
    m = _ABOUT_RE.search(doc.text)
    if m is None:
        return None
    what = _STOP_RE.sub("", m.group("what")).strip()
    words = what.lower().split()
    if len(words) < 2 or words[1] in _NOT_A_TOPIC or words[1][:1].isdigit():
        return None
    return what
