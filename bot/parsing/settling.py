"""Whether a settlement closes an open loop: it must be about the same thing.

"sent Yusuf the contract draft" settles "the contract draft", never "the roadmap deck", however
few loops are open: a settlement closes only a loop whose *what* it shares a content word with
("a reply" and "an answer" are one thing). Pure, so the service and the corpus score agree.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")
# Words that say nothing about *what* is owed, so they can't tell two loops apart.
_FILLER = frozenset(
    """
    a an the to of for on in and or me my him her his them their it its you your our us we i
    some with from about that this these those any is are was were be re get got send sent give
    gave new over back all both
    """.split()  # noqa: SIM905  (a word block is easier to edit than a list literal)
)
_SAME = {
    "answer": "reply",
    "response": "reply",
    "responses": "reply",
    "replies": "reply",
    "decision": "reply",  # "Siobhán accepted" settles "her decision on the offer"
    "paid": "payment",
    "pay": "payment",
    "reimbursement": "payment",
    "reimbursements": "payment",
    # telling someone the outcome answers what they were waiting to hear
    "confirmation": "reply",
    "confirm": "reply",
    "steps": "reply",
    "step": "reply",
    "inv": "invoice",
    "refs": "reference",
    "ref": "reference",
    "comps": "comparable",
    "comparables": "comparable",
    # one document, two names: "sent Priya the agreement" settles "the contract"
    "agreement": "contract",
    "agreements": "contract",
    "slides": "deck",
    "slide": "deck",
    "cert": "certificate",
    "certs": "certificate",
    "questionnaire": "questionnaire",
    "intros": "intro",
    "introduction": "intro",
    "introductions": "intro",
}
# Paperwork is written both ways ("PO signed" settles "the purchase order").
_SHORT = {
    "po": ("purchase",),
    "pos": ("purchase",),
    "nda": ("disclosure",),
    "sow": ("statement",),
    "loi": ("intent",),
    "msa": ("master",),
    "dpa": ("processing",),
    "rfp": ("rfp",),
    "cv": ("resume",),
}


def content_words(text: str) -> frozenset[str]:
    out = set()
    for w in _WORD.findall(text.casefold()):
        if w in _FILLER:
            continue
        w = _SAME.get(w, w)
        w = w[:-1] if len(w) > 3 and w.endswith("s") else w
        out.add(_SAME.get(w, w))  # "answers" are answers
        out.update(_SHORT.get(w, ()))
    return frozenset(out)


def settles_loop(settlement_what: str, loop_what: str) -> bool:
    """True when a settlement of `settlement_what` closes a loop about `loop_what`."""
    return overlap(settlement_what, loop_what) > 0


def overlap(settlement_what: str, loop_what: str) -> int:
    """How many content words they share: the best-matching loop is closed first."""
    if unrelated(settlement_what, loop_what):
        return 0
    return len(content_words(settlement_what) & content_words(loop_what))


def unrelated(settlement_what: str, loop_what: str) -> bool:
    """Sharing words, still not the same thing:
    - "a reply on the offsite plans" does not settle "an answer on the discount": two replies
      on two things are two things; a bare reply ("told Omar ✅") settles either;
    - "a reply on the questions on the site list" answers questions; it does not deliver "the
      site list" (a reply with news does: "javier got back: LMIA timeline is 8–10 wks")."""
    said, loop = content_words(settlement_what), content_words(loop_what)
    if (said & loop) == {"reply"} and bool(said - {"reply"}) and bool(loop - {"reply"}):
        return True
    return {"reply", "question"} <= said and not {"reply", "question"} & loop
