"""Open loops ("I owe Raj the deck by Friday", "waiting on Priya for the contract") and the
phrases that settle them ("sent Raj the deck", "got the contract from Priya").

Both directions are read from the subject of the clause: the author ("I", "we", or no subject at
all) owing something is `YOU_OWE`; a named person or she/he/they owing it is `THEY_OWE`.
`person` is the counterpart when the phrase names one; a pronoun leaves it None (the note's main
person). `what` is short and normalised so that a loop and its settlement read alike:
"get back to her" and "got back to Priya" are both "a reply"; "intro him to Ken" is "intro to Ken".
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

from bot.parsing import later, plans, ticked, told
from bot.parsing.dates import Clock, DateHit, Lean, MonthOffset, MonthOnly, due_at
from bot.parsing.doc import Doc, anchored
from bot.parsing.lexicon import words
from bot.parsing.model import Direction, LoopSpec, Settlement
from bot.parsing.subjects import Names, Obj, Subject, Who, obj_at, subject_before

MAX_WHAT_WORDS = 10

_TRIGGER_RE = re.compile(
    r"(?P<askedif>\b(?:asked|asking|asks)\s+(?:if|whether)\s+(?P<askedif_subj>she|he|they|we|I)"
    r"\s+(?:can|could|would|will)\b)"
    r"|(?P<canyou>\b(?:can|could|would)\s+(?:you|u|ya)\b(?:\s+(?:pls|please|plz))?)"
    r"|(?P<canwe>\b(?:can|could|should)\s+we\b)"
    r"|(?P<chase>\b(?:chasing|chase|chased|nudging|nudge|nudged)\b)"
    r"|(?P<offer>\b(?:happy|glad|willing|keen)\s+to\b)"
    r"|(?P<letme>\b(?:let\s+me|lemme)\b)"
    r"|(?P<court>\bball(?:'s|\s+is|\s+now)\s+(?:now\s+)?in\s+(?P<court_who>\S+?)\s+court\b)"
    r"|(?P<toknow>\b(?:wants|wanted|needs|needed|asked)\s+to\s+(?:know|hear)\b(?!\s+(?:if|whether|how|what|when|why|from)\b))"
    r"|(?P<wantsme>\b(?:wants|wanted|asked|needs|needed|expects|expected)\s+me\s+to\b)"
    r"|(?P<request>\b(?:wants|wanted|needs|needed|want|need|requested|requests"
    r"|(?:is\s+|'s\s+|are\s+|'re\s+)?asking\s+for|asks\s+for|asked\s+for)\b"
    r"(?!\s+(?:to|me|us|it)\b))"
    r"|(?P<assigned>\b(?:I'm|I\s+am|we're|we\s+are)\s+to\b|(?<=[^\W\d_]\s)to\b(?=\s+[a-z]))"
    r"|(?P<progressive>\b(?:sending|emailing|sharing|forwarding|bringing|dropping|mailing"
    r"|drafting|preparing|writing|circling)\b)"
    r"|(?P<said>\bsaid\s+(?P<said_subj>I|we|she|he|they)(?:'d|'ll|\s+would|\s+will)\b)"
    r"|(?P<owe>\b(?:owe|owes|promised)\b(?!\s+to\b))"
    r"|(?P<asked>\basked\b)"
    r"|(?P<waiting>\b(?:still\s+)?(?:waiting|wait)\s+(?:on|for)\b"
    r"|\bwaiting\s+to\s+hear\s+(?:back\s+)?from\b|\bexpecting\b)"
    r"|(?P<expected>\bexpected\b(?!\s+to\b))"
    r"|(?P<strong>\b(?:need\s+to|needs\s+to|have\s+to|has\s+to|must|should|got\s+to|gotta"
    r"|promised\s+to|agreed\s+to|offered\s+to|remember\s+to|don't\s+forget\s+to"
    r"|meant\s+to|supposed\s+to|todo:?|to-do:?)\b)"
    r"|(?P<weak>\b(?:will|shall|(?:am|is|are)\s+going\s+to|going\s+to|gonna|want\s+to"
    r"|plan\s+to|planning\s+to)\b|(?<=\w)'ll\b|\b(?:we|I)'d\b)",
    re.IGNORECASE,
)
_TRIGGER_ANCHORS = words(
    """
    wants wanted asked needs needed expects expected said owe owes promised still waiting wait
    expecting need have has must should got gotta agreed offered remember don't meant supposed
    todo to-do will shall am is are going gonna want plan planning requested requests asking
    asks sending emailing sharing forwarding bringing dropping mailing drafting preparing
    writing to i'm we're if whether can could would chasing chase chased nudging nudge nudged
    happy glad willing keen let lemme ball ball's circling we'd i'd
    """
)
# What only we can hand over: someone wanting one of these is a loop on us, due or not ("Devon
# wants a revised quote"); "wants a new job", "needs a plumber" stay their needs.
_DELIVERABLES = words(
    """
    quote quotes proposal proposals pricing price prices deck decks slides doc docs document
    documents documentation link links key keys report reports results accounts summary template
    templates list contacts blurb amendment rca estimate
    ballpark numbers figures info details metadata sample samples contract contracts draft sow
    nda msa dpa invoice invoices reference references portfolio photos plan roadmap timeline
    agenda eta specs spec mockups mockup recording checklist letter account sandbox case study
    studies demo walkthrough trial credentials login pack onboarding specification breakdown
    session training workshop
    """
)
_PREPOSITIONS = words("for on in of with from by to before after about at into")
_CONTRACTED_ME = ("i'm", "i am", "we're", "we are")
# An order to oneself at the start of a clause: "send him the checklist", "pls resend by Thurs".
_IMPERATIVES = words(
    "send resend reissue share forward draft prepare buy order book intro introduce ping circle"
    " follow"
)
# Orders to oneself that are owed to the person without naming a thing: "ping him in march",
# "circle back in June", "follow up next week".
_TOUCH_BACK = {"ping": ("him", "her", "them"), "circle": ("back",), "follow": ("up",)}
_SENDING = words("send resend reissue share forward")
_IMPERATIVE_LEAD = words("pls please plz and then also so must said")
_IMPERATIVE_OBJECTS = words(
    "the a an our my him her them it both something some over by asap today tonight this that"
)
# A pronoun for what is owed refers back: "he asked for our SOC 2 report, I owe him that".
_DETERMINERS = frozenset({"a", "an", "the", "our", "their", "his", "her", "its", "this", "that"})
_PRONOUN_WHATS = frozenset({"that", "it", "those", "these", "them", "this", "both", "one"})
# Someone else wanting something is a loop on us when it is due, "our"s, or from us.
_OURS_RE = re.compile(r"\b(?:our|ours|from\s+us)\b", re.IGNORECASE)
_HOLIDAY_DUE_RE = re.compile(
    r"\b(?:by|before|until|till)\s+(?:the\s+)?(?:Eid|Christmas|Xmas|Easter|Ramadan|Diwali"
    r"|Thanksgiving|Hanukkah|holidays|NYE|new\s+year)\b",
    re.IGNORECASE,
)
_NEED_BEFORE_RE = re.compile(
    r"\b(?:wants|wanted|needs|needed|asked\s+for|asking\s+for|is\s+after|'s\s+after"
    r"|looking\s+for|requested|has(?=\s+the\s))\s+(?P<what>[^,.;:!?\n]{1,80})",
    re.IGNORECASE,
)
# A thing said to be somewhere before the promise about "it": "the draft SOW is with our legal,
# promised it to him by the 12th".
# Or someone's thing said to be due: "Yuki Sato's audit report is due friday, she'll send it".
_HELD_BEFORE_RE = re.compile(
    r"(?:^|[.!?\n,;:—–-]\s*)(?:(?:[^\W\d_][\w-]*\s+){0,2}[^\W\d_][\w-]*(?:'s|’s)\s+"
    r"(?P<theirs>[^\W\d_][^,.;:!?\n]{0,40}?)|(?P<what>(?:the|our|my|a|an)\s+[^\W\d_]"
    r"[^,.;:!?\n]{0,40}?))\s+(?:is|are|'s)"
    r"\s+(?:still\s+|now\s+)?(?:w/|(?:with|at|in|sitting|being|almost|nearly|ready|due)\b)",
    re.IGNORECASE,
)
_PROGRESSIVE_BASE = {
    "sending": "send",
    "emailing": "email",
    "sharing": "share",
    "forwarding": "forward",
    "bringing": "bring",
    "dropping": "drop",
    "mailing": "mail",
    "drafting": "draft",
    "preparing": "prepare",
    "writing": "write",
    "circling": "circle",
}
# Third parties owe only through promises: "she'll send", "he promised to", not "she should".
_THEM_STRONG = ("promised", "agreed", "offered")
# What someone else will do that is their own business, not owed to us: "he'll book catering",
# "he'll reach out when ready", "they'll drop exclusivity", .
_THEIR_OWN = words("book buy order drop chase ask thank find look reach pull dig sort line")

# Verbs that make a loop out of "will"/"going to": a deliverable, not a plan to "be in Berlin".
_ACTION_VERBS = words(
    """
    send email e-mail mail forward share give get intro introduce connect reply respond call ring
    phone text message ping confirm check review sign return pay follow let loop circle come look
    find write draft provide deliver book schedule set arrange invite buy order make put prepare
    chase update tell ask thank reach drop pass bring show resend answer lend recommend dig
    pull revert line sort decide pick choose
    """
)
_SEND_VERBS = words(
    """
    send email e-mail mail forward share give pass bring show drop lend return resend get text
    message sent emailed mailed forwarded shared gave handed passed returned delivered resent
    texted messaged brought showed lent got sending emailing sharing forwarding bringing dropping
    mailing fwd fwd'd fwdd fwded
    """
)
_BARE_WHAT = {
    "email": "an email",
    "e-mail": "an email",
    "emailed": "an email",
    "mail": "an email",
    "text": "a text",
    "texted": "a text",
    "message": "a message",
    "messaged": "a message",
}
_FILLER_TAIL_RE = re.compile(
    r"(?:[\s,]+(?:asap|soon|later|please|pls|too|also|again|as\s+well|as\s+promised|first"
    r"|back|over|tho|though|yet|still|already|anyway|now|thing|stuff"
    r"|(?:before|by|on|for|until|till)(?:\s+(?:the|their|our|his|her))?))+\s*$",
    re.IGNORECASE,
)
# Where or how it came up, not part of the thing: "asked for the pricing FAQ on the call".
# Kept after a word for written work about the meeting ("my notes on the call").
_SAID_WHERE_TAIL_RE = re.compile(
    r"(?<!notes)(?<!recap)(?<!summary)(?<!minutes)(?<!thoughts)(?<!feedback)(?<!debrief)"
    r"\s+(?:(?:on|over|during|in|at|after)\s+(?:the|our|a|this|that|today's|yesterday's)\s+"
    r"(?:call|phone\s+call|zoom|meeting|chat|lunch|coffee|dinner|standup|sync|demo|catch-?up)"
    r"|(?:over|during|at|after)\s+(?:lunch|coffee|dinner|breakfast|drinks)"
    r"|(?:by|over|via|on)\s+(?:e-?mail|slack|whatsapp|text|signal|linkedin|teams|the\s+phone))$",
    re.IGNORECASE,
)
_REPLY_WORDS = frozenset({"answer", "reply", "response", "decision", "verdict", "feedback"})
_REPLY_NOUNS = frozenset({"reply", "response", "answer", "feedback", "call", "decision"})
_NEGATION_RE = re.compile(
    r"(?:\bnot|n't|\bnever|\bwill|'ll|\bto|\bgonna|\bshould|\bmust|\bneed\s+to)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Found:
    direction: Direction
    what: str
    person: str | None
    start: int
    end: int
    generic: bool = False  # "waiting on her": merged into a more specific loop when there is one
    asked: bool = False  # opened by someone asking ("she asked us for three dates")


def _tidy(doc: Doc, s: str) -> str:
    words = s.split(None, MAX_WHAT_WORDS)[:MAX_WHAT_WORDS]  # bound the work before any regex
    s = " ".join(words).strip(" ,:;-–—'\"")
    s = _FILLER_TAIL_RE.sub("", s).strip(" ,:;-–—")
    s = _SAID_WHERE_TAIL_RE.sub("", s) or s
    return doc.restore(s)


def _skip_spaces(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] == " ":
        pos += 1
    return pos


def _word_at(doc: Doc, pos: int) -> tuple[str, int] | None:
    pos = _skip_spaces(doc.text, pos)
    k = doc.token_index_at(pos)
    if k is None or doc.tokens[k].start != pos:
        return None
    t = doc.tokens[k]
    return t.lower, t.end + (2 if t.possessive else 0)


def _eat(doc: Doc, pos: int, *words: str) -> int | None:
    """Position after the word sequence `words` at `pos`, or None when it isn't there."""
    for w in words:
        got = _word_at(doc, pos)
        if got is None or got[0] != w:
            return None
        pos = got[1]
    return pos


def _eat_with(doc: Doc, pos: int) -> int | None:
    """After "with", "w/" or "w" at `pos`."""
    got = _eat(doc, pos, "with")
    if got is not None:
        return got
    got = _eat(doc, pos, "w")
    if got is None:
        return None
    return got + 1 if doc.text[got : got + 1] == "/" else got


def _eat_any(doc: Doc, pos: int, options: tuple[str, ...]) -> int | None:
    got = _word_at(doc, pos)
    return got[1] if got is not None and got[0] in options else None


def _target(doc: Doc, names: Names, pos: int, end: int) -> str | None:
    """Whom an intro is to: a name, or the few words written there ("a vet", "her CFO")."""
    o = obj_at(doc, names, pos)
    if o is not None and o.kind == "name":
        return o.name
    rest = _tidy(doc, doc.text[pos:end])
    return rest or None


def _split_to_recipient(doc: Doc, names: Names, start: int, end: int) -> tuple[str, Obj | None]:
    """ "the slides to Raj" -> ("the slides", Raj)."""
    segment = doc.text[start:end]
    for m in re.finditer(r"\s(?:to|for)\s", segment):
        o = obj_at(doc, names, start + m.end())
        if o is None:
            # "get it to our accountant Femi Okoro": a few words say who the person is
            o = _described(doc, names, start + m.end())
        if o is None:
            t = _TITLE_RE.match(segment, m.end())  # "to Dr. Amina"
            o = obj_at(doc, names, start + t.end()) if t is not None else None
        if o is not None and (
            _AT_PLACE_RE.fullmatch(doc.text, o.end, end) or _only_more_names(doc, names, o, end)
        ):
            return segment[: m.start()], o
    return segment, None


def _only_more_names(doc: Doc, names: Names, o: Obj, end: int) -> bool:
    """ "to Olumide + Funmi": more recipients, and nothing else, up to `end`."""
    pos = o.end
    for _ in range(5):
        m = re.match(r"\s*(?:,\s*)?(?:and|&|\+|,)\s*", doc.text[pos:end])
        nxt = obj_at(doc, names, pos + m.end()) if m is not None else None
        if nxt is None or nxt.kind != "name":
            return False
        pos = nxt.end
        if not doc.text[pos:end].strip(" ,."):
            return True
    return False


_TITLE_RE = re.compile(r"(?:Dr|Mr|Mrs|Ms|Prof|Dra)\.?\s+")
# what may follow the person a thing went to: "to Mehmet Aydın at Helsing", "to Raj (Acme)"
_AT_PLACE_RE = re.compile(
    r"[\s,.]*(?:(?:at|@|from)\s+[^\W\d_][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)?|\([^)]*\))?[\s,.]*"
)
_DESCRIBED_RE = re.compile(r"(?:our|my|their|the)\s+[a-z][\w-]*\s+(?:[a-z][\w-]*\s+)?")


def _described(doc: Doc, names: Names, pos: int) -> Obj | None:
    """ "our accountant Femi Okoro", "their new CFO Ana": the person after a description."""
    m = _DESCRIBED_RE.match(doc.text, pos)
    if m is None:
        return None
    for k in range(pos, m.end() + 1):
        span = names.by_start.get(k)
        if span is not None and doc.text[k - 1] == " ":
            return obj_at(doc, names, k)
    return None


_ARRIVING = words("land lands arrive arrives")


def _takes_object(doc: Doc, pos: int) -> bool:
    """ "land the deal" is something to do; "land this week" is a thing arriving."""
    nxt = _word_at(doc, _skip_spaces(doc.text, pos))
    return nxt is not None and nxt[0] in _DETERMINERS - {"this", "that"} | {"it"}


def _action(doc: Doc, names: Names, start: int, end: int) -> tuple[str, str | None] | None:
    """Normalise a verb phrase to (what, counterpart name)."""
    first = _word_at(doc, start)
    if first is None:
        return None
    verb, pos = first
    if verb in _ARRIVING and not _takes_object(doc, pos):
        return None  # "the terms should land this week": the thing arrives, nobody acts
    if verb in ("pick", "choose") and (_eat(doc, pos, "up") or _eat(doc, pos, "one")):
        # "I'll pick up the kids": an errand; "she'll pick one": a choice among options, not
        # the thing asked for ("I'll pick them by friday")
        return None
    if verb in ("get", "getting", "write", "circle", "come", "got", "wrote", "circled", "came"):
        after = _eat(doc, pos, "back")
        if after is not None:
            to = _eat(doc, after, "to") or _eat_with(doc, after)
            o = obj_at(doc, names, to) if to is not None else None
            return _reply_about(doc, o.end if o else (to or after), end), o.name if o else None
    if verb in ("reply", "respond", "answer", "replied", "responded", "answered"):
        to = _eat(doc, pos, "to")
        o = obj_at(doc, names, to if to is not None else pos)
        return "a reply", o.name if o else None
    if verb in ("follow", "followed"):
        after = _eat(doc, pos, "up")
        if after is not None:
            w = _eat_with(doc, after)
            o = obj_at(doc, names, w) if w is not None else None
            rest_at = o.end if o else (w or after)
            rest = _tidy(doc, doc.text[rest_at:end])
            what = "follow up" + (f" {rest}" if rest.lower().startswith(("on ", "about ")) else "")
            return what, o.name if o else None
    if verb in ("check", "checked"):
        after = _eat(doc, pos, "in")
        if after is not None:
            w = _eat(doc, after, "with")
            o = obj_at(doc, names, w) if w is not None else None
            return "check in", o.name if o else None
        w = _eat_with(doc, pos)
        if w is not None and obj_at(doc, names, w) is None:
            # "check with finance (and get back to Priya) on the terms": the answer is owed
            return _checked_reply(doc, names, w, end)
    if verb in ("decide", "decides"):
        return _decision(doc, pos, end), None
    if verb == "make":
        after = _eat_any(doc, pos, ("a",))
        got = _word_at(doc, after) if after is not None else None
        if got is not None and got[0] in ("call", "decision"):
            return _decision(doc, got[1], end), None  # "will make a call on the partnership"
    if verb in ("make", "do", "made", "did"):
        after = _eat_any(doc, pos, ("an", "the", "a"))
        if after is not None:
            got = _word_at(doc, after)
            if got is not None and got[0] in ("intro", "introduction", "introductions", "intros"):
                return _intro(doc, names, got[1], end)
    if verb in ("intro", "introduce", "connect", "intro'd", "introduced", "connected", "intro-ed"):
        return _intro(doc, names, pos, end)
    if verb in ("call", "ring", "phone", "called", "rang", "phoned"):
        o = obj_at(doc, names, pos)
        return "a call", o.name if o else None
    if verb in _SEND_VERBS:
        return _send(doc, names, verb, pos, end)
    what = _tidy(doc, doc.text[start:end])
    if not what:
        return None
    done_to = _DO_IT_RE.match(what)
    if done_to is not None:
        return done_to.group("it").lower(), None  # "I'll set it up next week": what was asked
    person = None
    for s in names.spans:
        if start <= s.start < end:
            person = doc.restore(s.name)
            break
    return what, person


# Doing "it" names no thing: the thing is what was asked for before ("wants an intro to our
# CEO — I'll set it up next week").
_DO_IT_RE = re.compile(
    r"^(?:set|sort|do|arrange|organi[sz]e|handle|book|schedule|make|find|pick|choose"
    r"|draft|write|prepare|line|pull|put|dig|finish)\s+(?P<it>it|that|this|one|them|those)"
    r"(?:\s+(?:up|out|together|happen))?$",
    re.IGNORECASE,
)
_DECIDE_ON_RE = re.compile(r"\s*(?:on|about|between|whether|re)\s", re.IGNORECASE)


def _decision(doc: Doc, pos: int, end: int) -> str:
    """ "she'll decide on the pilot by the 16th": a decision, on what."""
    m = _DECIDE_ON_RE.match(doc.text, pos, end)
    rest = _tidy(doc, doc.text[pos:end]) if m is not None else ""
    return f"a decision {rest}" if rest else "a decision"


_ABOUT_RE = re.compile(r"\s*(?:on|about|re|regarding|wrt)\s+(?P<what>[^,;:!?\n]+)", re.I)
_WITH_RE = re.compile(r"\s*(?P<with>with|w/)\s+(?P<what>[^,;:!?\n]+)", re.I)
_BACK_TO_RE = re.compile(
    r"\b(?:get|getting|circle|circling|come|revert)\s+back\s+(?:to|with|w)\s+", re.IGNORECASE
)


def _reply_about(doc: Doc, pos: int, end: int) -> str:
    """ "get back to Priya on the payment terms": a reply, on what it is about."""
    m = _ABOUT_RE.match(doc.text, pos, end)
    about = _tidy(doc, m.group("what")) if m is not None else ""
    if about:
        return f"a reply on {about}"
    m = _WITH_RE.match(doc.text, pos, end)  # "get back to Liam with the counter"
    about = _tidy(doc, m.group("what")) if m is not None else ""
    return f"a reply with {about}" if about else "a reply"


def _checked_reply(doc: Doc, names: Names, pos: int, end: int) -> tuple[str, str | None]:
    """ "check with our CFO on the discount and get back to Bianca": we owe Bianca a reply on
    the discount; whom we check with is only the way to it."""
    stop = min((i for i in (doc.text.find(c, pos) for c in ".!?\n;") if i >= 0), default=-1)
    sentence_end = stop if stop >= 0 else len(doc.text)
    segment = doc.text[pos:end]
    person = None
    back = _BACK_TO_RE.search(doc.text, pos, min(sentence_end, pos + 120))
    o: Obj | None = None
    if back is not None:
        o = obj_at(doc, names, back.end())
        person = o.name if o is not None else None
        segment = doc.text[pos : min(end, back.start())]
    about = _ABOUT_RE.search(segment)
    if about is None and o is not None:
        about = _ABOUT_RE.match(doc.text, o.end, doc.clause_end(o.end + 1))
    what = _tidy(doc, re.split(r"\s+(?:and|then|&)\s*$", about.group("what"))[0]) if about else ""
    what = re.sub(r"\s+(?:and|then|&)$", "", what)
    return (f"a reply on {what}" if what else "a reply"), person


def _intro(doc: Doc, names: Names, pos: int, end: int) -> tuple[str, str | None]:
    o = obj_at(doc, names, pos)
    after = o.end if o is not None else pos
    to = _eat_any(doc, after, ("to", "with"))
    if to is None and o is not None and o.kind != "name":
        to = None
    target = _target(doc, names, to, end) if to is not None else None
    person = o.name if o is not None and o.kind == "name" else None
    if target is None:
        return "an intro", person
    return f"intro to {target}", person


def _send(doc: Doc, names: Names, verb: str, pos: int, end: int) -> tuple[str, str | None] | None:
    pos = _eat_any(doc, pos, ("over", "along")) or pos
    o = obj_at(doc, names, pos)
    span = names.by_start.get(_skip_spaces(doc.text, pos))
    owner: Obj | None = None
    if o is not None and span is not None and span.possessive:
        owner, o = o, None  # "sent Aga's profile to Mehmet": whose profile, not whom it went to
    if o is not None and o.kind == "pronoun" and doc.text[pos : o.end].strip().lower() == "them":
        to_them = _TO_SOMEONE_RE.match(doc.text, o.end)
        if to_them is not None and obj_at(doc, names, to_them.end()) is not None:
            o = None  # "get them to her by Friday": them is the things, her whom they go to
    if o is not None:
        pos = o.end
    pos = _eat_any(doc, pos, ("over", "along")) or pos
    what_raw, to = _split_to_recipient(doc, names, pos, end)
    what = _AT_TIME_RE.sub("", _tidy(doc, what_raw))  # "sent it at 4pm": when, not what
    if o is None or o.kind == "me":
        # "sent kazuhiro's card + flowers": with nobody else named, it went to its owner
        o = to or o or (owner if verb in _GIFT_SENDS else None)
    person = o.name if o is not None and o.kind == "name" else None
    # "get them to her": the things, and her whom they go to
    things_to = what.lower() == "them" and to is not None and to.kind != "me"
    if not what or (what.lower() in ("me", "us", "him", "her", "them") and not things_to):
        bare = _BARE_WHAT.get(verb)
        return (bare, person) if bare else None
    return what, person


_TO_SOMEONE_RE = re.compile(r"\s+(?:over\s+|back\s+)?to\s+", re.IGNORECASE)
# Verbs by which a thing of someone's reaches them ("sent Lan's gift"); "forwarded Tom's email"
# or "shared Aga's profile" pass it on to someone else.
_GIFT_SENDS = words("sent send mailed delivered dropped")
_AT_TIME_RE = re.compile(r"\s+at\s+\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm)?$", re.IGNORECASE)


def _due_for(
    hits: list[DateHit], starts: list[int], claimed: set[int], cs: int, trigger: int, ce: int
) -> int | None:
    """A due date in the loop's clause: after the verb, or before it when it points ahead."""
    i = bisect_left(starts, cs)
    while i < len(hits) and starts[i] < ce:
        h = hits[i]
        usable = i not in claimed and h.error is None and h.lean is not Lean.PAST
        if usable and (h.start >= trigger or h.lean is Lean.FUTURE):
            return i
        i += 1
    return None


def _what_end(starts: list[int], start: int, ce: int) -> int:
    i = bisect_left(starts, start)
    return starts[i] if i < len(starts) and starts[i] < ce else ce


def find_loops(
    doc: Doc, names: Names, hits: list[DateHit], claimed: set[int], clock: Clock
) -> tuple[list[LoopSpec], list[tuple[int, int]]]:
    """Loops in the note, and the spans they cover (so kinds and needs can skip them).

    Adds the indexes of the date hits used as due dates to `claimed`.
    """
    found: list[tuple[_Found, int | None]] = []
    covered: list[tuple[int, int]] = []
    starts = [h.start for h in hits]
    for m in anchored(doc, _TRIGGER_RE, _TRIGGER_ANCHORS, contractions=True):
        cs = doc.clause_start(m.start())
        ce = _extend_over_names(doc, names, doc.clause_end(m.end()), starts)
        if m.lastgroup == "request":
            ce = _extend_over_things(doc, ce)
        vp_end = _what_end(starts, m.end(), ce)
        got = _one_loop(doc, names, m, vp_end)
        if got is None or _CONFIDENCE_RE.match(" " + got[1]):
            continue  # "asked me to keep it quiet": a confidence kept, not a thing owed
        back = _AND_BACK_RE.search(doc.text, m.end(), min(len(doc.text), m.end() + 60))
        if back is not None and back.start() <= ce and got[1].startswith("a reply"):
            ce = doc.clause_end(back.end() + 1)  # "will think it over and get back to us by Fri"
        if m.lastgroup == "request" and not _request_is_ours(doc, hits, starts, claimed, m, ce):
            continue  # "Grace wants a demo": a need, unless it's due, ours or from us
        due_index = _due_for(hits, starts, claimed, cs, m.start(), ce)
        if due_index is None:
            due_index = _due_in_next_clause(doc, hits, starts, claimed, ce)
        one = _Found(got[0], got[1], got[2], m.start(), ce, got[3], m.lastgroup in _ASK_KINDS)
        for part in _split_things(one) if m.lastgroup == "request" else [one]:
            found.append((part, due_index))
            for other in _co_subjects(doc, names, cs, m.start(), part.person):
                found.append((_with_person(part, other), due_index))
        if due_index is not None:
            claimed.add(due_index)
        if m.lastgroup in ("owe", "strong", "weak", "progressive"):
            found.extend(_coordinated(doc, names, hits, starts, claimed, got[0], ce))
        first_due = bisect_left(starts, m.end())
        if first_due < len(hits) and starts[first_due] < ce:
            found.extend(_things_after_due(doc, hits, starts, claimed, one, first_due))
    found.extend(_handovers_due(doc, names, hits, starts, claimed))
    found.extend(_to_follow(doc, hits, starts, claimed))
    if not _IMPERATIVES.isdisjoint(doc.words):
        spans = [(f.start, f.end) for f, _ in found]
        found.extend(
            x
            for x in _imperatives(doc, names, hits, starts, claimed)
            if not any(a < x[0].start < b for a, b in spans)  # "todo: follow up w/ Sam": read
        )
    for direction, what, person, start, end, k in later.coming(doc, names, hits, claimed):
        found.append((_Found(direction, what, person, start, end), k))
    spans = [(f.start, f.end) for f, _ in found]
    for direction, what, person, start, end, due in plans.present(doc, names, hits, claimed):
        if not any(a <= start < b or start <= a < end for a, b in spans):
            found.append((_Found(direction, _tidy(doc, what), person, start, end), due))
    found.sort(key=lambda f: f[0].start)
    found = later.deadlines(doc, hits, claimed, found, covered)
    found = _resolve_pronouns(doc, found, covered, hits, claimed)
    found = later.antecedents(doc, names, found, _with_person)
    found = _to_them(doc, names, found)
    found = _one_thing(doc, found)
    loops = _merge(found, hits, clock)
    return loops, [(f.start, f.end) for f, _ in found] + covered


# "them" alone may be their company ("Griet + her colleague … I owe them revised pricing"); "them
# both", "each of them" count the people
_THEM_RE = re.compile(r"\b(?:them\s+(?:both|all)|(?:both|all|each)\s+of\s+them)\b", re.I)
_BOTH_RE = re.compile(r"^(?:(?:both|all|each)\s+of\s+them\s+|both\s+|all\s+)(?=\S)", re.I)
_MOST_THEM = 4  # "them" for more people than this is a team, not a list of counterparts


def _to_them(
    doc: Doc, names: Names, found: list[tuple[_Found, int | None]]
) -> list[tuple[_Found, int | None]]:
    """ "call w/ Amira + Hossam … I owe them both the integration spec", "JP's doing MC, Rafa the
    stream. owe each of them a run-of-show": what we owe "them both" is owed to each person the
    note named before it, one loop each (a few people; more is a team)."""
    out: list[tuple[_Found, int | None]] = []
    for f, due in found:
        if f.person is not None or f.direction is not Direction.YOU_OWE:
            out.append((f, due))
            continue
        them = _THEM_RE.search(doc.text, doc.clause_start(f.start), f.end)
        people: list[str] = []
        if them is not None:
            for sp in names.spans:
                name = doc.restore(sp.name)
                if sp.end <= them.start() and not sp.mention and name not in people:
                    people.append(name)
        if not 2 <= len(people) <= _MOST_THEM:
            out.append((f, due))
            continue
        what = _BOTH_RE.sub("", f.what)  # "them both the integration spec"
        out.extend((_Found(f.direction, what, p, f.start, f.end, f.generic), due) for p in people)
    return out


_THING_FILLER = words(
    """
    the a an our my their his her its this that these those some any for with w to of on in and
    from by up over back all both one it them us me him new next
    """
)


def _thing_words(what: str) -> set[str]:
    out = set()
    for w in re.findall(r"[^\W\d_][\w'-]*", what.lower()):
        w = w.split("'", 1)[0]
        if w in _THING_FILLER or len(w) < 3:
            continue
        out.add(w[:-1] if len(w) > 3 and w.endswith("s") else w)
    return out


_THIRD_PERSON_RE = re.compile(r"\b(?:he|she|they)\b", re.IGNORECASE)


def _one_thing(doc: Doc, found: list[tuple[_Found, int | None]]) -> list[tuple[_Found, int | None]]:
    """One thing owed said twice is one loop: "he asked for our cap table … I owe him the cap
    table next week", "drafting offer — promised Khoa the written offer by Thursday"; and a
    promise that names only the kind of thing ("Aiko asked for our ops contacts, I'll send a
    list Thu") keeps what was asked for. The one with a due day, and a person, is kept."""
    if len(found) < 2:
        return found
    out: list[tuple[_Found, int | None]] = []
    for f, due in found:
        for i, (g, g_due) in enumerate(out):
            if g.direction is not f.direction or (f.person and g.person and f.person != g.person):
                continue
            same = _thing_words(f.what) & _thing_words(g.what)
            follows = (
                f.person is None
                and (g.person is not None or g.asked)
                and not g.generic
                and len(f.what.split()) <= 2
                and sum(doc.text.count(c, g.end, f.start) for c in ".!?\n") <= 1
                # "she asked for the deck and he wants a demo": his request, not our promise
                and _THIRD_PERSON_RE.search(doc.text, doc.clause_start(f.start), f.start) is None
            )
            if not same and not follows:
                continue
            later = due is not None and g_due is None
            keep, other, keep_due = (f, g, due) if later else (g, f, g_due)
            if follows:
                keep, other, keep_due = g, f, g_due if g_due is not None else due
            person = keep.person or other.person
            out[i] = (
                _Found(keep.direction, keep.what, person, min(f.start, g.start), max(f.end, g.end)),
                keep_due,
            )
            break
        else:
            out.append((f, due))
    return out


def _with_person(f: _Found, person: str) -> _Found:
    return _Found(f.direction, f.what, person, f.start, f.end, f.generic, f.asked)


_NEXT_THING_RE = re.compile(r"\s*(?:and|\+|&)\s+(?:the|a|an|our|some|their)\s", re.IGNORECASE)


def _extend_over_things(doc: Doc, ce: int) -> int:
    """ "they need the SOC 2 letter and a pen test summary by Fri": one list of things."""
    for _ in range(4):
        if _NEXT_THING_RE.match(doc.text, ce) is None:
            return ce
        ce = doc.clause_end(ce + 1)
    return ce


_DUE_LEAD_RE = re.compile(
    r"\s*[,;–—-]?\s*(?:(?:he|she|they)\s+(?:said|says|promised)\s+)?"
    r"(?:by|before|until|till|no\s+later\s+than|latest|due)\s",
    re.IGNORECASE,
)


def _due_in_next_clause(
    doc: Doc, hits: list[DateHit], starts: list[int], claimed: set[int], ce: int
) -> int | None:
    """ "she needs the DPA countersigned before legal signs off, by the 12th": a clause that is
    only a deadline belongs to the loop before it."""
    m = _DUE_LEAD_RE.match(doc.text, ce)
    if m is None:
        return None
    i = bisect_left(starts, ce)
    if i >= len(hits) or i in claimed or hits[i].error is not None or hits[i].lean is Lean.PAST:
        return None
    if doc.clause_end(hits[i].start) != doc.clause_end(ce + m.end() - m.start()):
        return None
    return i


def _extend_over_names(doc: Doc, names: Names, ce: int, starts: list[int]) -> int:
    """ "set up onsites with Aoife and Mai next week": a list of names is not a new clause."""
    text = doc.text
    if text[ce : ce + 5].lower() != " and ":
        return ce
    span = names.by_start.get(ce + 5)
    if span is None:
        return ce
    end = span.end + (2 if span.possessive else 0)
    rest = text[end : end + 2]
    i = bisect_left(starts, end)
    at_date = i < len(starts) and text[end : starts[i]].strip() == ""
    if rest[:1] in ("", ",", ".", ";", "!", "?", "\n") or at_date:
        return doc.clause_end(end)
    return ce


# What a person asks *for* (not merely wants) that is ours to give when they ask it: "wants an
# intro" may be a wish; "asked for an intro" was said to the author.
_ASKING_RE = re.compile(
    r"(?:(?:is|'s|are|'re)\s+)?(?:asked|asking|asks|requested|requests)\b", re.I
)
_GIVEN_ON_ASKING = words(
    """
    intro intros introduction introductions referral referrals recommendation recommendations
    rec recs feedback advice pointers
    """
)


def _request_is_ours(
    doc: Doc, hits: list[DateHit], starts: list[int], claimed: set[int], m: re.Match[str], ce: int
) -> bool:
    segment = doc.text[m.end() : ce]
    if _OURS_RE.search(segment) or _HOLIDAY_DUE_RE.search(segment):
        return True
    head = []
    for w in segment.lower().split()[:6]:
        w = w.strip(".,;:!?")
        if w in _PREPOSITIONS:
            break  # "some flexibility on the timeline": the thing is the flexibility
        head.append(w)
    if not _DELIVERABLES.isdisjoint(head):
        return True
    if _ASKING_RE.match(m.group(0)) and not _GIVEN_ON_ASKING.isdisjoint(head):
        return True  # "she asked for an intro to a dentist": asked of us, ours to give
    i = _due_for(hits, starts, claimed, m.start(), m.start(), ce)
    # A day makes it a deadline on us; "wants a new job by March" is their own plan.
    return i is not None and not isinstance(hits[i].spec, (MonthOnly, MonthOffset))


def _coordinated(
    doc: Doc,
    names: Names,
    hits: list[DateHit],
    starts: list[int],
    claimed: set[int],
    direction: Direction,
    ce: int,
) -> list[tuple[_Found, int | None]]:
    """ "I owe Ines the case study by Wednesday and Bruno a demo link next week": one verb,
    several people, one loop each."""
    out: list[tuple[_Found, int | None]] = []
    text = doc.text
    for _ in range(4):  # a short list; the bound keeps it linear
        low = text[ce : ce + 6].lower()
        if low.startswith(" and "):
            pos = ce + 5
        elif low.startswith(", and "):
            pos = ce + 6
        elif low.startswith(", "):
            pos = ce + 2
        else:
            break
        o = obj_at(doc, names, pos)
        if o is None or o.kind != "name":
            break
        ce2 = doc.clause_end(o.end + 1)
        end = _what_end(starts, o.end, ce2)
        first = _word_at(doc, o.end)
        if first is None or first[0] in _ACTION_VERBS or first[0].endswith("ed"):
            break  # "… and Bruno called": a new clause, not another thing owed
        what = _tidy(doc, text[o.end : end])
        if not what:
            break
        due_index = _due_for(hits, starts, claimed, o.end, o.end, ce2)
        if due_index is not None:
            claimed.add(due_index)
        out.append((_Found(direction, what, o.name, pos, ce2), due_index))
        ce = ce2
    return out


_CO_SUBJECT_RE = re.compile(r"(?:\s*,\s*|\s+(?:and|&|\+)\s+|\s*[&+]\s*)$", re.IGNORECASE)


def _co_subjects(doc: Doc, names: Names, cs: int, pos: int, person: str | None) -> list[str]:
    """ "Max and Jürgen both need the pricing sheet": the other people the subject is one of,
    each owed the same thing."""
    if person is None:
        return []
    # the mention nearest the verb: "w/ Max + Jürgen Bauer. max and jürgen both need" is the
    # second "jürgen", whose co-subject is the second "max"
    span = next(
        (s for s in reversed(names.spans) if cs <= s.start < pos and doc.restore(s.name) == person),
        None,
    )
    out: list[str] = []
    first = span
    for _ in range(4):  # a short list; the bound keeps it linear
        if span is None:
            break
        m = _CO_SUBJECT_RE.search(doc.text, max(0, span.start - 8), span.start)
        if m is None or m.end() != span.start:
            break
        span = next((s for s in names.spans if s.end == m.start() and not s.possessive), None)
        if span is not None:
            out.append(doc.restore(span.name))
            first = span
    # "called Max and Jürgen needs …": Max is whom we called, not a second subject
    head = doc.text[: first.start].rstrip() if first is not None else ""
    # an emoji ends a sentence as a full stop does: "pilot on 2 lines 👍 max and jürgen both need"
    ends = not head or head[-1] in ".!?;:\n—–-(" or _is_emoji(head[-1])
    return out if ends else []


_THEN_THING_RE = re.compile(
    r"[ \t]*,?[ \t]*(?:and|&|\+)[ \t]+(?:also[ \t]+)?(?=(?:the|a|an|our|their|his|her|some)[ \t])",
    re.IGNORECASE,
)


def _things_after_due(
    doc: Doc,
    hits: list[DateHit],
    starts: list[int],
    claimed: set[int],
    first: _Found,
    due_index: int,
) -> list[tuple[_Found, int | None]]:
    """ "needs the DPA by the 20th and the security questionnaire by 27.02.": one verb, a
    second thing after the first one's deadline, with a deadline of its own."""
    out: list[tuple[_Found, int | None]] = []
    pos = hits[due_index].end
    for _ in range(3):  # a short list; the bound keeps it linear
        m = _THEN_THING_RE.match(doc.text, pos)
        if m is None:
            break
        ce = doc.clause_end(m.end() + 1)
        end = _what_end(starts, m.end(), ce)
        what = _tidy(doc, doc.text[m.end() : end])
        if not what or len(what.split()) > 6:
            break
        k = bisect_left(starts, m.end())
        due: int | None = None
        if k < len(hits) and hits[k].start == end and k not in claimed:
            h = hits[k]
            if h.error is None and h.lean is not Lean.PAST:
                due = k
                claimed.add(k)
        out.append((_Found(first.direction, what, first.person, m.start(), end), due))
        if due is None:
            break
        pos = hits[due].end
    return out


def _due_right_after(hits: list[DateHit], claimed: set[int], pos: int) -> int | None:
    for i, hit in enumerate(hits):
        if i not in claimed and pos - len("due") <= hit.start <= pos + 4:  # "due friday" is one
            claimed.add(i)
            return i
    return None


def _resolve_pronouns(
    doc: Doc,
    found: list[tuple[_Found, int | None]],
    covered: list[tuple[int, int]],
    hits: list[DateHit],
    claimed: set[int],
) -> list[tuple[_Found, int | None]]:
    """ "he asked for our SOC 2 report, I owe him that by Monday" is one loop: the report, due
    Monday. "Khalid wants the case studies, owe him those" takes its thing from the request."""
    out: list[tuple[_Found, int | None]] = []
    for f, due in found:
        if f.what.lower() not in _PRONOUN_WHATS:
            out.append((f, due))
            continue
        earlier = [i for i, (g, _) in enumerate(out) if g.start < f.start]
        if earlier:
            k = earlier[-1]
            g, g_due = out[k]
            person = g.person or f.person
            out[k] = (
                _Found(g.direction, g.what, person, g.start, max(g.end, f.end), g.generic),
                due if due is not None else g_due,
            )
            continue
        window = doc.text[max(0, f.start - 200) : f.start]
        needs = list(_NEED_BEFORE_RE.finditer(window)) or list(_HELD_BEFORE_RE.finditer(window))
        if needs:
            n = needs[-1]
            what = _tidy(doc, n.group("what") or n.group("theirs"))
            if what and what.lower() not in _PRONOUN_WHATS:
                base = max(0, f.start - 200)
                covered.append((base + n.start(), base + n.end()))
                if due is None and n.group(0).lower().endswith("due"):
                    due = _due_right_after(hits, claimed, base + n.end())  # "… is due friday"
                out.append((_Found(f.direction, what, f.person, f.start, f.end), due))
                continue
        out.append((f, due))
    return out


def _one_loop(
    doc: Doc, names: Names, m: re.Match[str], vp_end: int
) -> tuple[Direction, str, str | None, bool] | None:
    kind = m.lastgroup
    pos = m.end()
    if kind in ("askedif", "canyou", "canwe", "chase", "offer", "letme", "court"):
        return _asks_and_offers(doc, names, m, vp_end)
    if kind == "assigned":
        return _assigned(doc, names, m, vp_end)
    if kind == "request":
        subj = subject_before(doc, names, m.start())
        if subj.who is Who.ME and _subject_word(doc, m.start()) in ("i", "we"):
            return None  # "I need a lawyer": the author's own need
        if m.group(0).lower() in ("want", "need") and subj.who is not Who.THEM:
            subj = _carried_subject(doc, names, m.start()) or subj
        if m.group(0).lower() in ("want", "need") and subj.who is not Who.THEM:
            what = _tidy(doc, doc.text[pos:vp_end])
            bare = not doc.text[doc.clause_start(m.start()) : m.start()].strip(" -–—:")
            head = [w.lower() for w in what.split()[:4]]
            if bare and what and not _DELIVERABLES.isdisjoint(head) and " from " not in what:
                # "… CTO is still raw about it. want a proposal by 5/5": ours to send
                return Direction.YOU_OWE, what, None, False
            return None  # "need a new laptop": the author's own, not someone's request
        what = _tidy(doc, doc.text[pos:vp_end])
        if not what or what.lower() in _PRONOUN_WHATS:
            return None
        return Direction.YOU_OWE, what, subj.name, False
    if kind == "progressive":
        before = doc.text[max(0, m.start() - 8) : m.start()].lower()
        if before.rstrip().endswith(("was", "were")):
            return None  # "was sending": a story, not a plan
        subj = subject_before(doc, names, m.start())
        if subj.who is Who.OTHER:
            return None
        act = _action(doc, names, pos - len(m.group(0)), vp_end)
        if act is None:
            return None
        if subj.who is Who.THEM:
            return Direction.THEY_OWE, act[0], subj.name, False
        return Direction.YOU_OWE, act[0], act[1], False
    if kind == "expected":
        return _expected(doc, names, m)
    if kind == "toknow":
        subj = subject_before(doc, names, m.start())
        if subj.who is not Who.THEM:
            subj = _carried_subject(doc, names, m.start()) or subj
        if subj.who is not Who.THEM:
            return None
        what = _tidy(doc, doc.text[pos:vp_end])  # "he wants to know next steps by thurs"
        return Direction.YOU_OWE, what or "a reply", subj.name, not what
    if kind == "wantsme":
        subj = subject_before(doc, names, m.start())
        if subj.who is Who.ME and subj.name is None and _starts_with_i(doc, m.start()):
            return None
        act = _action(doc, names, pos, vp_end)
        if act is None:
            return None
        return Direction.YOU_OWE, act[0], subj.name or act[1], False
    if kind == "said":
        who = m.group("said_subj").lower()
        subj = Subject(Who.ME) if who in ("i", "we") else subject_before(doc, names, m.start())
        if who not in ("i", "we") and subj.who is not Who.THEM:
            # "Keiko is out til the 20th, said she'll sign off": she, whoever said it
            subj = _carried_subject(doc, names, m.start()) or Subject(Who.THEM)
        return _modal(doc, names, subj, pos, vp_end, weak=True)
    subj = subject_before(doc, names, m.start())
    if kind == "weak" and m.group(0).lower() in ("we'd", "i'd"):
        # "told him I'd send the cap table": the subject is in the trigger, whatever is before it
        subj = Subject(Who.ME)
    if subj.who is Who.OTHER and kind == "weak":
        # "Bilal says his board will make a call": we hear it from Bilal
        subj = _says_speaker(doc, names, m.start()) or subj
    if subj.who is Who.OTHER:
        return None
    if subj.who is Who.ME and kind == "weak" and not _subject_word_is_me(doc, m):
        subj = _colon_speaker(doc, names, m.start()) or subj  # "Henrik: will revert by Fri"
    if kind == "owe":
        return _owe(doc, names, subj, pos, vp_end)
    if kind == "asked":
        return _asked(doc, names, subj, pos, vp_end)
    if kind == "waiting":
        if subj.who is not Who.ME:
            return _waiting_on_us(doc, names, subj, pos, vp_end)
        return _waiting(doc, names, pos, vp_end)
    if kind == "strong":
        phrase = m.group(0).lower()
        if phrase in ("should", "must") and _QUESTION_RE.match(doc.text, m.end()):
            return None  # "should I reach out?": a question, not a promise
        if subj.who is Who.THEM and not phrase.startswith(_THEM_STRONG):
            return None
        nxt = _word_at(doc, pos)
        if phrase.startswith(_THEM_STRONG) and (nxt is None or nxt[0] in _DETERMINERS):
            return None  # "agreed to a 3 month pilot": terms agreed, nothing to deliver
        return _modal(doc, names, subj, pos, vp_end, weak=False)
    if kind == "weak" and m.group(0).lower() in ("we'd", "i'd"):
        subj = Subject(Who.ME)  # "told Tariq we'd send the link": the author promised
    elif kind == "weak" and subj.who is Who.ME:
        carried = _carried_subject(doc, names, m.start())
        if carried is not None and _ASKED_BEFORE_RE.search(
            doc.text, max(0, doc.clause_start(max(0, doc.clause_start(m.start()) - 2))), m.start()
        ):
            carried = None  # "Marcus asked about SSO, will circle back": the answer is ours
        if carried is not None and not _OBJECT_PRONOUN_RE.search(doc.text, pos, vp_end):
            subj = carried  # "he thinks 20% is greedy, will share his template by Tues"
    return _modal(doc, names, subj, pos, vp_end, weak=True)


_SAYS_IN_RE = re.compile(r"\s+(?:says|said|mentioned|reckons|thinks|confirmed)\b", re.I)


def _says_speaker(doc: Doc, names: Names, pos: int) -> Subject | None:
    """The person who says, earlier in the sentence, what someone else will do."""
    stop = max(doc.text.rfind(c, 0, pos) for c in ".!?\n")
    for span in reversed(names.spans):
        said = _SAYS_IN_RE.match(doc.text, span.end)
        if stop < span.start < pos and not span.possessive and said:
            return Subject(Who.THEM, doc.restore(span.name))
    if _PRONOUN_SAYS_RE.search(doc.text, stop + 1, pos):
        return Subject(Who.THEM)  # "she says CBN will decide": her, the note's person
    return None


_PRONOUN_SAYS_RE = re.compile(
    r"\b(?:she|he)\s+(?:says|said|mentioned|reckons|thinks|confirmed)\b", re.IGNORECASE
)


def _subject_word_is_me(doc: Doc, m: re.Match[str]) -> bool:
    if m.group(0).lower() in ("we'd", "i'd"):
        return True
    k = doc.token_index_at(m.start())
    k = (len(doc.tokens) if k is None else k) - 1
    while k >= 0 and doc.tokens[k].start >= doc.clause_start(m.start()):
        if doc.tokens[k].lower.split("'", 1)[0] in ("i", "we"):
            return True
        k -= 1
    t = doc.tokens[k + 1] if k + 1 < len(doc.tokens) else None
    return t is not None and t.start <= m.start() < t.end and t.lower.startswith(("i'", "we'"))


def _colon_speaker(doc: Doc, names: Names, pos: int) -> Subject | None:
    """ "Henrik: will revert on the pricing": the name before the colon speaks."""
    cs = doc.clause_start(pos)
    if doc.text[cs:pos].strip() or cs == 0:
        return None
    head = doc.text[:cs].rstrip()
    if not head.endswith(":"):
        return None
    head = head[:-1].rstrip()
    line = max(head.rfind("\n"), head.rfind("."), head.rfind("!")) + 1
    for span in names.spans:
        if span.end == len(head) and not span.possessive and not head[line : span.start].strip():
            return Subject(Who.THEM, doc.restore(span.name))
    return None


_OBJECT_PRONOUN_RE = re.compile(r"\b(?:him|her|them)\b", re.IGNORECASE)
_ASKED_BEFORE_RE = re.compile(
    r"\b(?:asked|asks|wants|wanted|needs|needed|requested)\b(?![^,;]*\b(?:I|we)\b)", re.I
)
_CHASE_ABOUT = ("for", "re", "about", "on", "regarding", "wrt")
_ASK_KINDS = frozenset({"request", "asked", "askedif", "toknow"})
# Where a chase went is not what it was for: "nudged her on linkedin", "chased him on whatsapp".
_CHANNELS = words(
    "linkedin whatsapp slack email e-mail mail text sms signal telegram wechat line kakao teams"
    " phone voicemail twitter x dm insta instagram"
)
# The sentence already says what is late: "the questionnaire still hasn't arrived, nudged her".
_OVERDUE_RE = re.compile(
    r"\b(?:still\s+(?:hasn't|has\s+not|haven't|not|no|nothing)|hasn't\s+(?:come|arrived|landed|shown)"
    r"|no\s+(?:word|sign)|nothing\s+(?:yet|from))\b",
    re.IGNORECASE,
)


def _asks_and_offers(
    doc: Doc, names: Names, m: re.Match[str], vp_end: int
) -> tuple[Direction, str, str | None, bool] | None:
    """Forms with no "owe" in them: "asked if she can get us the PO", "Tom: can you send the
    questionnaire", "chasing Tom for the SOW", "happy to send him our case studies", "let me
    check with finance", "ball's in Raj's court"."""
    kind = m.lastgroup
    pos = m.end()
    if kind == "court":
        who = m.group("court_who").lower()
        if who in ("their", "her", "his"):
            return Direction.THEY_OWE, "a reply", None, True
        span = names.by_start.get(m.start("court_who"))
        if span is None:
            return None  # "ball's in our court": ours, said without a thing
        return Direction.THEY_OWE, "a reply", doc.restore(span.name), True
    if kind == "askedif":
        who = m.group("askedif_subj").lower()
        act = _action(doc, names, pos, vp_end)
        if act is None or _word_at(doc, pos) is None:
            return None
        asker = subject_before(doc, names, m.start())
        if who in ("we", "i"):  # "Priya asked if we can do a joint case study": a request of us
            return Direction.YOU_OWE, act[0], asker.name if asker.who is Who.THEM else None, False
        return Direction.THEY_OWE, act[0], None, False
    if kind == "canwe":  # "can we line one up by 24.04.?": the author's team will
        return _modal(doc, names, Subject(Who.ME), pos, vp_end, weak=True)
    if kind == "canyou":
        first = _word_at(doc, pos)
        if first is None or first[0] not in _ACTION_VERBS:
            return None
        cs = doc.clause_start(m.start())
        head = doc.text[cs : m.start()].strip()
        span = names.by_start.get(_skip_spaces(doc.text, cs))
        if head and not (span is not None and head.rstrip(":").strip() == span.name):
            return None  # "asked Priya can you…" and the like: only "Tom: can you …" or alone
        act = _action(doc, names, pos, vp_end)
        if act is None:
            return None
        return Direction.YOU_OWE, act[0], doc.restore(span.name) if span else None, False
    subj = subject_before(doc, names, m.start())
    if kind == "chase":
        o = obj_at(doc, names, pos)
        if o is None:
            return None
        if o.kind == "me":
            if subj.who is not Who.THEM:
                return None
            after = _eat_any(doc, o.end, _CHASE_ABOUT)
            what = _tidy(doc, doc.text[after:vp_end]) if after is not None else ""
            return Direction.YOU_OWE, what or "a reply", subj.name, not what
        if subj.who is not Who.ME:
            return None
        after = _eat_any(doc, o.end, _CHASE_ABOUT)
        what = _tidy(doc, doc.text[after:vp_end]) if after is not None else ""
        if what.lower().removeprefix("the ").split(" ")[0] in _CHANNELS:
            what = ""
        if not what and _chases_what_is_late(doc, m.start()):
            return None  # the late thing is a loop already: a chase opens nothing new
        return Direction.THEY_OWE, _reply_or(what) if what else "a reply", o.name, not what
    if subj.who is Who.OTHER:
        return None
    if kind == "offer":
        return _modal(doc, names, subj, pos, vp_end, weak=True)
    # "let me …": the author
    return _modal(doc, names, Subject(Who.ME), pos, vp_end, weak=True)


def _chases_what_is_late(doc: Doc, pos: int) -> bool:
    stop = max(doc.text.rfind(c, 0, pos) for c in ".!?\n")
    return _OVERDUE_RE.search(doc.text, stop + 1, pos) is not None


def _carried_subject(doc: Doc, names: Names, pos: int) -> Subject | None:
    """A clause with no subject after a comma goes on with the subject before it: "they do
    ₹25L cheques, want our data room link" is still them. After a full stop it is the author."""
    cs = doc.clause_start(pos)
    if doc.text[cs:pos].strip(" ,;") or cs == 0:
        return None
    edge = doc.text[max(0, cs - 2) : cs]
    if "," not in edge and ";" not in edge:
        return None
    prev = doc.clause_start(max(0, cs - 2))
    k = doc.token_index_at(prev)
    if k is None:
        return None
    first = doc.tokens[k]
    base = first.lower.split("'", 1)[0]
    if base in ("he", "she", "they"):
        return Subject(Who.THEM)
    span = names.by_start.get(first.start)
    if span is not None and not span.possessive:
        return Subject(Who.THEM, doc.restore(span.name))
    return None


def _assigned(
    doc: Doc, names: Names, m: re.Match[str], vp_end: int
) -> tuple[Direction, str, str | None, bool] | None:
    """ "Renata to send over the signed order form", "I'm to draft the plan": an action item."""
    phrase = m.group(0).lower().strip()
    first = _word_at(doc, m.end())
    if first is None or first[0] not in _ACTION_VERBS:
        return None
    act = _action(doc, names, m.end(), vp_end)
    if act is None:
        return None
    if phrase.startswith(_CONTRACTED_ME):
        return Direction.YOU_OWE, act[0], act[1], False
    k = doc.token_index_at(m.start())
    span = names.by_last_token.get(k - 1) if k is not None else None
    if span is None or span.possessive:
        return None
    before = doc.text[doc.clause_start(span.start) : span.start].strip(" -–—:").lower()
    if before and before not in ("and", "then", "also", "so"):
        return None  # "asked Priya to send…", "told Sam to…": another shape reads those
    return Direction.THEY_OWE, act[0], doc.restore(span.name), False


_HANDOVER_DUE_RE = re.compile(
    r"(?P<what>[^\W\d_][^,.;:!?\n]{0,60}?)\s+to\s+(?P<who>her|him|them)?", re.IGNORECASE
)


_THEIR_WORD_RE = re.compile(r"\b(?:says|said|told\s+me|per|promised|confirmed)\b", re.I)
_SAYS_RE = re.compile(
    r"(?P<who>\S+(?:\s+\S+)?)\s+(?:says|said|told\s+me|promised|confirmed)\b[^.!?\n]*$", re.I
)


def _speaker_before(doc: Doc, names: Names, cs: int) -> str | None:
    """ "KS says it's a yes … term sheet by end of next week": who said it, in the sentence
    before the deadline."""
    floor = max(0, cs - 120)
    end = len(doc.text[:cs].rstrip(" .!?\n🤞🎉🙌🔥"))  # back over the previous sentence's end
    stop = max(doc.text.rfind(c, floor, end) for c in ".!?\n")
    window_start = stop + 1 if stop >= 0 else floor
    m = _SAYS_RE.search(doc.text[:end], window_start)
    if m is None:
        return None
    before = [sp for sp in names.spans if window_start <= sp.start < m.end() and not sp.possessive]
    return doc.restore(before[0].name) if before else None


def _handovers_due(
    doc: Doc, names: Names, hits: list[DateHit], starts: list[int], claimed: set[int]
) -> list[tuple[_Found, int | None]]:
    """ "music licence to Duarte by Friday", "onboarding doc to her by Mon": a thing, "to", a
    person and a deadline, without a verb, is a note to self."""
    out: list[tuple[_Found, int | None]] = []
    for k, h in enumerate(hits):
        if k in claimed or h.error is not None or h.lean is Lean.PAST:
            continue
        cs = doc.clause_start(h.start)
        head = doc.text[cs : h.start].rstrip()
        low = head.lower()
        leads = ("by", "before", "on", "until", "till", "due")
        if doc.text[h.start : h.end].lower().split(" ", 1)[0] not in leads:
            lead = next((x for x in leads if low.endswith(" " + x)), None)
            if lead is None:
                continue
            head = head[: -len(lead)].rstrip()
        theirs = _owed_to_us(doc, names, cs, head)
        if theirs is not None:  # "redlines to me by wed", "the quote from his team by friday"
            claimed.add(k)
            out.append((_Found(Direction.THEY_OWE, theirs[0], theirs[1], cs, h.end), k))
            continue
        person: str | None = None
        span = next((sp for sp in names.spans if cs <= sp.start and sp.end == cs + len(head)), None)
        bare = False
        if span is not None:
            person = doc.restore(span.name)
            head = doc.text[cs : span.start].rstrip()
        elif head.lower().endswith((" her", " him", " them")):
            head = head.rsplit(" ", 1)[0]
        else:
            bare = True  # "term sheet by end of next week", "signed copy by Fri"
        if not bare and not head.lower().endswith(" to"):
            continue
        what = _tidy(doc, head if bare else _GOES_OUT_TAIL_RE.sub("", head[:-3]))
        if bare:
            if not what or any(cs <= sp.start < h.start for sp in names.spans):
                continue
            if what.lower() in _REPLY_WORDS:
                carried = _carried_subject(doc, names, cs)
                if carried is not None:  # "he'll sleep on it, answer by Thurs"
                    claimed.add(k)
                    said = "an answer" if what.lower() == "answer" else _reply_or(what.lower())
                    out.append((_Found(Direction.THEY_OWE, said, carried.name, cs, h.end), k))
                    continue
            if not _DELIVERABLES.isdisjoint(w.lower() for w in what.split()) or (
                _THEIR_WORD_RE.search(doc.text, max(0, cs - 80), cs)
            ):
                speaker = _speaker_before(doc, names, cs)
                if speaker is not None:
                    claimed.add(k)
                    out.append((_Found(Direction.THEY_OWE, what, speaker, cs, h.end), k))
                    continue
            continue
        if not what or len(what.split()) > 6 or what.split()[0].lower() in _NOT_A_THING:
            continue
        first, *rest = what.lower().split()
        if first in _ACTION_VERBS or first in _SEND_VERBS:
            continue  # a verb reads it: "sent the deck to Sam by Friday"
        if first.endswith("ed") and (not rest or rest[0] in _DETERMINERS or rest[0] == "it"):
            continue  # "emailed the deck to Sam by Friday"; "updated pricing to Tom" is a thing
        claimed.add(k)
        out.append((_Found(Direction.YOU_OWE, what, person, cs, h.end), k))
    return out


_GOES_OUT_TAIL_RE = re.compile(r"\s+(?:goes|go|going)\s+(?:out|over)$", re.IGNORECASE)
_TO_US_TAIL_RE = re.compile(r"\s+(?:back\s+|over\s+)?to\s+(?:me|us)$", re.IGNORECASE)
_FROM_TAIL_RE = re.compile(r"\s+(?:back\s+)?from\s+(?P<who>[^\W\d_][^,;:]{0,40})$", re.IGNORECASE)
_THEIR_PEOPLE_RE = re.compile(
    r"(?:her|him|them|(?:his|her|their)(?:\s+[^\W\d_][\w-]*){1,3})$", re.IGNORECASE
)
_OWNED_RE = re.compile(r"'s(?:\s+[^\W\d_][\w-]*){1,3}$")


def _owed_to_us(doc: Doc, names: Names, cs: int, head: str) -> tuple[str, str | None] | None:
    """The thing and who owes it in a deadline said without a verb and coming our way: "term
    sheet redlines to me by wed" (whoever is speaking), "disbursement docs from her by 5/6",
    "the signed order form from Lachlan's counsel by friday"."""
    person: str | None = None
    m = _TO_US_TAIL_RE.search(head)
    if m is not None:
        speaker = _colon_speaker(doc, names, cs)
        person = speaker.name if speaker is not None else None
    else:
        m = _FROM_TAIL_RE.search(head)
        if m is None:
            return None
        who_at = cs + m.start("who")
        span = names.by_start.get(who_at)
        if span is not None:
            rest = doc.text[span.end : cs + len(head)]
            if rest and not (span.possessive and _OWNED_RE.fullmatch(rest)):
                return None
            person = doc.restore(span.name)
        elif _THEIR_PEOPLE_RE.fullmatch(m.group("who")) is None:
            return None  # "samples from Denver by friday": a place, not a person
    what = _tidy(doc, head[: m.start()])
    words = what.lower().split()
    if not words or len(words) > 6 or words[0] in _NOT_A_THING:
        return None
    verb_ed = words[0].endswith("ed") and (len(words) == 1 or words[1] in _DETERMINERS)
    if words[0] in _ACTION_VERBS or words[0] in _SEND_VERBS or verb_ed or words[0].endswith("ing"):
        return None  # a verb reads it: "got the deck from Sam by Friday"
    if any(cs <= sp.start < cs + m.start() for sp in names.spans):
        return None  # "Sam's deck to me by Friday": another shape reads whose it is
    return what, person


_TO_FOLLOW_RE = re.compile(r"(?P<what>[^\W\d_][^,.;:!?\n]{0,40}?)\s+to\s+follow\b", re.I)


def _to_follow(
    doc: Doc, hits: list[DateHit], starts: list[int], claimed: set[int]
) -> list[tuple[_Found, int | None]]:
    """ "told Siti. RCA to follow tmrw": a thing promised after what was done, with its day."""
    out: list[tuple[_Found, int | None]] = []
    if "follow" not in doc.words:
        return out
    for m in _TO_FOLLOW_RE.finditer(doc.text):
        cs = doc.clause_start(m.start("what"))
        what = _tidy(doc, doc.text[max(cs, m.start("what")) : m.end("what")])
        if not what or what.split()[0].lower() in _NOT_A_THING or len(what.split()) > 5:
            continue
        due_index = _due_for(hits, starts, claimed, m.end(), m.end(), doc.clause_end(m.end()))
        if due_index is None:
            continue  # "details to follow": no day, nothing to hold anyone to
        claimed.add(due_index)
        out.append((_Found(Direction.YOU_OWE, what, None, m.start(), m.end()), due_index))
    return out


def _imperatives(
    doc: Doc, names: Names, hits: list[DateHit], starts: list[int], claimed: set[int]
) -> list[tuple[_Found, int | None]]:
    out: list[tuple[_Found, int | None]] = []
    for t in doc.tokens:
        if t.lower not in _IMPERATIVES:
            continue
        nxt = _word_at(doc, t.end)
        touch = _TOUCH_BACK.get(t.lower)
        if (
            touch is not None
            and (nxt is None or nxt[0] not in touch)
            and (t.lower != "ping" or names.by_start.get(_skip_spaces(doc.text, t.end)) is None)
        ):
            continue  # "a ping from Raj", "circle of friends", "follow the money"
        if names.by_start.get(_skip_spaces(doc.text, t.end)) is None and (
            nxt is None or (nxt[0] not in _IMPERATIVE_OBJECTS and touch is None)
        ):
            continue  # "intro to our CFO made", "order confirmed": a noun, not an order
        cs = doc.clause_start(t.start)
        head = doc.text[cs : t.start].lower().replace("!", " ")
        # a todo line: "- send Raj deck", "• todo: send…", "[ ] send…"
        head = head.lstrip(" \t-*•–—·>[]").removeprefix("todo").strip(" :")
        if any(w not in _IMPERATIVE_LEAD for w in head.split()):
            continue
        ce = doc.clause_end(t.end)
        end = _what_end(starts, t.end, ce)
        act = _action(doc, names, t.start, end)
        what, person = act if act is not None else ("it", None)
        if (
            t.lower not in _SENDING
            and touch is None
            and person is None
            and not _OBJECT_PRONOUN_RE.search(doc.text, t.end, end)
        ):
            continue  # "book a photographer for 12/10": an errand, not owed to anyone
        if not what:
            what = "it"  # "pls resend by Thurs": the thing asked for before
        due_index = _due_for(hits, starts, claimed, cs, t.start, ce)
        if due_index is not None:
            claimed.add(due_index)
        out.append((_Found(Direction.YOU_OWE, what, person, t.start, ce), due_index))
    return out


_AND_ANOTHER_RE = re.compile(r"\s+(?:and|\+|&)\s+(?=(?:the|a|an|our|some|their)\s)", re.IGNORECASE)


def _split_things(f: _Found) -> list[_Found]:
    """ "they need the SOC 2 letter and a pen test summary": one loop per thing."""
    parts = [p.strip() for p in _AND_ANOTHER_RE.split(f.what) if p.strip()]
    if len(parts) < 2:
        return [f]
    return [_Found(f.direction, p, f.person, f.start, f.end, f.generic, f.asked) for p in parts]


def _subject_word(doc: Doc, pos: int) -> str:
    k = doc.token_index_at(pos)
    k = (len(doc.tokens) if k is None else k) - 1
    return doc.tokens[k].lower.split("'", 1)[0] if k >= 0 else ""


def _waiting_on_us(
    doc: Doc, names: Names, subj: Subject, pos: int, end: int
) -> tuple[Direction, str, str | None, bool] | None:
    """ "they're waiting on us for the security review", "he's expecting a revised SOW from us
    Monday": someone else waits, so we owe."""
    segment = doc.text[pos:end]
    o = obj_at(doc, names, pos)
    if o is not None and o.kind == "me":
        f = _eat(doc, o.end, "for")
        what = _tidy(doc, doc.text[f:end]) if f is not None else ""
        return Direction.YOU_OWE, what or "a reply", subj.name, not what
    fm = re.search(r"\s+from\s+us\b", segment, re.IGNORECASE)
    if fm is None:
        return None
    what = _tidy(doc, segment[: fm.start()])
    if not what:
        return None
    return Direction.YOU_OWE, what, subj.name, False


def _expected(
    doc: Doc, names: Names, m: re.Match[str]
) -> tuple[Direction, str, str | None, bool] | None:
    """ "signed order form expected Friday": the thing comes first, and they owe it."""
    cs = doc.clause_start(m.start())
    head = doc.text[cs : m.start()]
    if re.search(r"\b(?:is|are|was|were|'s|'re|be|been|as|than)\s*$", head, re.IGNORECASE):
        return None  # "she is expected", "better than expected"
    what = _tidy(doc, head)
    if not what or len(what.split()) > 6 or what.lower() in _PRONOUN_WHATS:
        return None
    if any(cs <= s.start < m.start() for s in names.spans):
        return None  # a person before "expected" is a different sentence shape
    return Direction.THEY_OWE, what, None, False


def _starts_with_i(doc: Doc, pos: int) -> bool:
    k = doc.token_index_at(pos)
    k = (len(doc.tokens) if k is None else k) - 1
    return k >= 0 and doc.tokens[k].lower in ("i", "we")


_QUESTION_RE = re.compile(r"\s+(?:I|we)\b[^.!?\n]*\?", re.IGNORECASE)
_WHEN_RE = re.compile(r"\s(?:when|once|as\s+soon\s+as)\s", re.IGNORECASE)
_TO_US_RE = re.compile(r"\s(?:to|with)\s+(?:us|me)\b", re.IGNORECASE)


def _subject_word_is_me_at(doc: Doc, pos: int) -> bool:
    """ "I'll send me…" never; "we will send" is us: an I or we before `pos` in its clause."""
    cs = doc.clause_start(pos)
    return any(t.lower.split("'", 1)[0] in ("i", "we") for t in doc.tokens if cs <= t.start < pos)


_AND_BACK_RE = re.compile(r"\s(?:and|then|&)\s+(?=(?:get|circle|come)\s+back\b)", re.I)


def _modal(
    doc: Doc, names: Names, subj: Subject, pos: int, end: int, *, weak: bool
) -> tuple[Direction, str, str | None, bool] | None:
    if doc.text[pos : pos + 1] == ":":
        pos += 1  # "todo: follow up w/ Sam"
    first = _word_at(doc, pos)
    if first is None:
        return None
    if first[0] == "have" and subj.who is Who.THEM:
        to_us = _TO_US_RE.search(doc.text, first[1], end)
        if to_us is not None:  # "she'll have the usage numbers to us by Thursday"
            what = _tidy(doc, doc.text[first[1] : to_us.start()])
            return (Direction.THEY_OWE, what, subj.name, False) if what else None
    if first[0] == "have" and subj.who is Who.ME:
        nxt = _word_at(doc, first[1])
        if nxt is not None and nxt[0] in _PRONOUN_WHATS:  # "told him we'd have one by the 20th"
            return Direction.YOU_OWE, nxt[0], None, False
    if first[0] in ("be", "have", "not", "never", "probably", "need", "want", "like", "love"):
        return None
    if weak and first[0] not in _ACTION_VERBS:
        # "will think it over and get back to us by Friday": the promise is the second verb
        m = _AND_BACK_RE.search(doc.text, pos, min(len(doc.text), pos + 60))
        if m is None or any(c in doc.text[pos : m.start()] for c in ".!?\n;,"):
            return None
        pos = m.end()
        first = _word_at(doc, pos)
        if first is None:
            return None
    if first[0] in ("dig", "pull") and _eat_any(doc, first[1], ("in", "into", "through")):
        return None  # "will dig in tmrw": work, not something owed
    cut = _WHEN_RE.search(doc.text, pos, end)
    if cut is not None:
        end = cut.start()  # "will sign off on the budget when she's back"
    act = _action(doc, names, pos, end)
    if act is None:
        return None
    what, person = act
    if first[0] in ("dig", "pull", "line", "sort"):  # "I'll dig one up", "line one up"
        what = re.sub(r"^(?:dig|pull|line|sort)\s+|\s+(?:up|out|together)$", "", what, flags=re.I)
    # a bare "a reply" gives way to the thing itself when the note names one
    generic = what == "a reply"
    if subj.who is Who.THEM and (
        (first[0] in _THEIR_OWN and not _eat_any(doc, first[1], ("off", "over", "by")))
        or what.lower().startswith(("w/", "with "))
    ):
        return None  # "she'll share w/ the partnership": passed on, not owed to us
    if subj.who is Who.ME and first[0] in _SEND_VERBS:
        o = obj_at(doc, names, first[1])
        if o is not None and o.kind == "me" and not _subject_word_is_me_at(doc, pos):
            # "has two candidates, will send me their CVs": whoever sends me is not me
            carried = _carried_subject(doc, names, doc.clause_start(pos))
            return Direction.THEY_OWE, what, carried.name if carried else None, generic
    if subj.who is Who.THEM:
        return Direction.THEY_OWE, what, subj.name, generic
    return Direction.YOU_OWE, what, person, generic


def _owe(
    doc: Doc, names: Names, subj: Subject, pos: int, end: int
) -> tuple[Direction, str, str | None, bool] | None:
    o = obj_at(doc, names, pos)
    start = o.end if o is not None else pos
    what_raw, to = _split_to_recipient(doc, names, start, end)
    what = _tidy(doc, what_raw)
    if not what:
        if o is None:
            return None
        what = "a reply"
    if subj.who is Who.THEM:
        if o is not None and o.kind != "me":
            return None  # "Raj owes Ken money": not ours to track
        return Direction.THEY_OWE, what, subj.name, False
    target = o if o is not None and o.kind != "me" else to
    return Direction.YOU_OWE, what, target.name if target else None, False


def _asked(
    doc: Doc, names: Names, subj: Subject, pos: int, end: int
) -> tuple[Direction, str, str | None, bool] | None:
    o = obj_at(doc, names, pos)
    after = o.end if o is not None else pos
    if subj.who is Who.ME and o is not None and o.kind == "me":
        # "she's expanding into Lyon, asked us to send the partner list": still her
        subj = _carried_subject(doc, names, pos - len("asked")) or subj
    if subj.who is Who.ME:
        if o is None or o.kind == "me":
            return None
        counterpart = o.name
        direction = Direction.THEY_OWE
    else:
        if o is not None and o.kind != "me":
            return None
        counterpart = subj.name
        direction = Direction.YOU_OWE
    via = _ASKED_HOW_RE.match(doc.text, after)
    if via is not None:
        after = via.end()  # "ingrid asked on slack for a reference": how she asked
    f = _eat(doc, after, "for")
    if f is not None:
        what = _tidy(doc, doc.text[f:end])
        return (direction, what, counterpart, False) if what else None
    t = _eat(doc, after, "to")
    if t is not None:
        if _CONFIDENCE_RE.match(doc.text, t):
            return None  # "asked me to keep it quiet": a confidence kept, not a thing owed
        act = _action(doc, names, t, end)
        if act is None:
            return None
        return direction, act[0], counterpart or act[1], False
    return None


_ASKED_HOW_RE = re.compile(
    r"\s*(?:on|over|via|during|at)\s+(?:the\s+|our\s+)?(?:slack|e-?mail|whatsapp|linkedin|signal"
    r"|teams|text|call|phone|zoom|lunch|coffee|dinner)\b(?=\s+for\b)",
    re.IGNORECASE,
)
_CONFIDENCE_RE = re.compile(
    r"\s*(?:keep\s+(?:it|this|that)\s+(?:quiet|between\s+us|to\s+(?:my|our)sel(?:f|ves)|off\b"
    r"|under\s+wraps|confidential|private)|not\s+(?:tell|mention|share|say))",
    re.IGNORECASE,
)


def _waiting(
    doc: Doc, names: Names, pos: int, end: int
) -> tuple[Direction, str, str | None, bool] | None:
    o = obj_at(doc, names, pos)
    if o is not None and o.kind != "me":
        after = o.end
        f = _eat(doc, after, "for")
        if f is not None:
            what = _tidy(doc, doc.text[f:end])
            if what:
                return Direction.THEY_OWE, _reply_or(what), o.name, False
        t = _eat(doc, after, "to")
        if t is not None:
            act = _action(doc, names, t, end)
            if act is not None:
                return Direction.THEY_OWE, act[0], o.name, False
        rest = _tidy(doc, doc.text[after:end])
        if o.kind == "pronoun" and rest:
            # "waiting on her reply": "her" is a determiner here
            return Direction.THEY_OWE, _reply_or(rest), None, _is_reply(rest)
        if o.kind == "name" and rest and doc.text[after - 2 : after] == "'s":
            return Direction.THEY_OWE, _reply_or(rest), o.name, _is_reply(rest)
        return Direction.THEY_OWE, "a reply", o.name, True
    segment = doc.text[pos:end]
    fm = re.search(r"\sfrom\s", segment)
    person = None
    if fm is not None:
        fo = obj_at(doc, names, pos + fm.end())
        if fo is not None:
            person = fo.name
            segment = segment[: fm.start()]
    what = _tidy(doc, segment)
    if not what:
        return (Direction.THEY_OWE, "a reply", person, True) if person else None
    return Direction.THEY_OWE, _reply_or(what), person, _is_reply(what)


def _is_reply(what: str) -> bool:
    return what.lower().split(" ")[-1] in _REPLY_NOUNS


def _reply_or(what: str) -> str:
    words = what.lower().split(" ")
    if len(words) <= 2 and words[-1] in ("reply", "response", "answer"):
        return "a reply"
    return what


def _merge(
    found: list[tuple[_Found, int | None]], hits: list[DateHit], clock: Clock
) -> list[LoopSpec]:
    """One loop per thing owed: "asked Priya for the contract, waiting on her" is one loop."""
    specific = [f for f, _ in found if not f.generic]
    out: list[LoopSpec] = []
    seen: set[tuple[Direction, str, str | None]] = set()
    for f, due_index in found:
        if f.generic and any(
            s.direction is f.direction and (s.person is None or f.person in (None, s.person))
            for s in specific
        ):
            continue
        key = (f.direction, f.what.lower(), f.person)
        if key in seen:
            continue
        if any(
            g.direction is f.direction
            and g.person == f.person
            and g.what.lower().startswith(f.what.lower() + " ")
            for g, _ in found
        ):
            continue  # "todo: follow up w/ Sam on pilot scope" read twice: the fuller one
        seen.add(key)
        due = due_at(hits[due_index], clock) if due_index is not None else None
        out.append(LoopSpec(direction=f.direction, what=f.what, person=f.person, due=due))
    return out


# --- settlements --------------------------------------------------------------------------

_SETTLE_RE = re.compile(
    r"(?P<gotback>\b(?:got|gotten|wrote|circled|came)\s+back\s+to\b|\b(?:replied|responded)\s+to\b"
    r"|\banswered\b)"
    r"|(?P<heard>\bheard\s+back\s+from\b)"
    r"|(?P<replied>\b(?:replied|responded|got\s+back)\b)"
    r"|(?P<intro>\b(?:intro'd|introd|intro-ed|introduced|connected)\b)"
    r"|(?P<sent>\b(?:sent|emailed|mailed|forwarded|shared|gave|handed|passed|returned|delivered"
    r"|resent|confirmed|signed|countersigned|dropped\s+off|dropped|fwd'?d|fwded)(?!\w))"
    r"|(?P<offto>\b(?:off|(?:went|gone)(?:\s+out)?)(?=\s+to\s))"
    r"|(?P<got>\b(?:got|received|recieved)\b)"
    r"|(?P<done>\b(?:done|finished|made|sorted|submitted|arrived|landed|came\s+in|came\s+back"
    r"|came\s+thr(?:u|ough)|deployed|shipped|fixed|resolved|booked|scheduled|set\s+for|in)\b)"
    r"|(?P<followed>\bfollowed\s+up\b)"
    r"|(?P<did>\bdid(?=\s+(?:the|my|our|a|an|her|his|their|those|these|both)\s))",
    re.IGNORECASE,
)


_SETTLE_ANCHORS = words(
    """
    got gotten wrote circled came replied responded answered heard intro'd introd intro-ed
    introduced connected sent emailed mailed forwarded shared gave handed passed returned
    delivered resent texted received recieved followed confirmed signed countersigned dropped
    fwd'd fwdd fwded off went gone
    done finished made sorted submitted arrived landed deployed shipped fixed resolved booked
    scheduled set in did
    """
)


_PARTIAL_RE = re.compile(r"^\s*(?:\d+|one|two|some|half|part)\s+of\s+(?:the\s+)?", re.IGNORECASE)
_WENT_WELL_RE = re.compile(
    r"^\s*(?:the\s+|our\s+)?(?P<what>[^\W\d][\w\s-]{0,30}?)\s+(?:w/|with)\s+",
    re.IGNORECASE,
)
_DONE_RE = re.compile(
    r"\s*(?:went|was|is|got)\s+(?:really\s+|very\s+|super\s+)?(?:well|great|fine|good|done"
    r"|ok|okay)\b",
    re.IGNORECASE,
)


_DONE_WORDS = words("went was is got")
_WITH_WORDS = words("w with")


def _it_happened(doc: Doc, names: Names) -> Settlement | None:
    """ "training w/ Tom went well", "demo with Raj was great": the thing owed took place."""
    if doc.words.isdisjoint(_DONE_WORDS) or doc.words.isdisjoint(_WITH_WORDS):
        return None
    m = _WENT_WELL_RE.match(doc.text)
    if m is None:
        return None
    o = obj_at(doc, names, m.end())
    if o is None or o.kind != "name" or not _DONE_RE.match(doc.text, o.end):
        return None
    what = m.group("what").strip()
    return Settlement(Direction.YOU_OWE, what, o.name) if what else None


def find_settles(doc: Doc, names: Names, hits: list[DateHit]) -> list[Settlement]:
    text = doc.text
    out: list[Settlement] = []
    seen: set[tuple[Direction, str, str | None]] = set()
    happened = _it_happened(doc, names)
    if happened is not None:
        out.append(happened)
        seen.add((happened.direction, happened.what.lower(), happened.person))
    starts = [h.start for h in hits]
    for m in anchored(doc, _SETTLE_RE, _SETTLE_ANCHORS):
        if _NEGATION_RE.search(text, max(0, m.start() - 30), m.start()):
            continue  # "haven't sent", "will send", "need to get back to"
        ce = doc.clause_end(m.end())
        end = _what_end(starts, m.end(), ce)
        subj = subject_before(doc, names, m.start())
        if m.lastgroup == "offto" and subj.who is not Who.OTHER:
            continue  # "I'm off to Berlin", "she's off to see Kwame": going, not sending
        cs = doc.clause_start(m.start())
        # "proposal + 3 refs (Wise, N26) sent to JP": the thing is before the verb
        thing_before = doc.text[cs - 1 : cs] == ")" and not doc.text[cs : m.start()].strip()
        if subj.who is Who.OTHER or thing_before:
            for passive in _passive(doc, names, m, end):
                key = (passive.direction, passive.what.lower(), passive.person)
                if key not in seen:
                    seen.add(key)
                    out.append(passive)
            continue
        got = _one_settle(doc, names, m, subj, end)
        if got is None and m.lastgroup == "done":
            for passive in _passive(doc, names, m, end):  # "DDQ from Hauwa landed"
                key = (passive.direction, passive.what.lower(), passive.person)
                if key not in seen:
                    seen.add(key)
                    out.append(passive)
            continue
        if got is None or _PARTIAL_RE.match(got.what):
            continue  # "sent Khoa 2 of the 3 intros" settles nothing yet
        if got.what.split()[0].lower() in _PRONOUN_WHATS and out:
            # "TERM SHEET IN 🎉 shiv sent it at 4pm": it is the thing just named
            got = Settlement(got.direction, out[-1].what, got.person)
        ones = _split_settlement(doc, got, m.lastgroup, end, ce)
        if m.lastgroup == "sent" and got.person is not None:
            ones += _and_to_another(doc, names, starts, got.direction, ce)
            ones += _also_to(doc, names, got, ones, m.end(), ce)
        for one in ones:
            key = (one.direction, one.what.lower(), one.person)
            if key not in seen:
                seen.add(key)
                out.append(one)
    extras = _handed_over(doc, names) + _answered(doc, names) + told.find(doc, names)
    for extra in extras + ticked.find(doc, names):
        key = (extra.direction, extra.what.lower(), extra.person)
        if key not in seen:
            seen.add(key)
            out.append(extra)
    things = {o.what for o in out if o.what.lower() not in _PRONOUN_WHATS}
    if len(things) == 1 and len(out) > 1:
        # "cap table to thijs done. also fwd'd it to tomás": it is the cap table
        (thing,) = things
        out = [
            Settlement(o.direction, thing, o.person) if o.what.lower() in _PRONOUN_WHATS else o
            for o in out
        ]
    # "Signed the DPA and sent it back to Jonas": one settlement, to Jonas
    named = {(o.direction, o.what.lower()) for o in out if o.person is not None}
    return [o for o in out if o.person is not None or (o.direction, o.what.lower()) not in named]


_TO_NAME_RE = re.compile(r"\s(?:to|for)\s+", re.IGNORECASE)


def _also_to(
    doc: Doc, names: Names, got: Settlement, ones: list[Settlement], pos: int, ce: int
) -> list[Settlement]:
    """ "sent both gala quotes to Olumide + Funmi": each of them got the things."""
    for t in _TO_NAME_RE.finditer(doc.text, pos, ce):
        people = _recipients(doc, names, t.end())
        if len(people) > 1 and people[0] == got.person:
            return [
                Settlement(o.direction, o.what, p) for p in people[1:] for o in ones if o.person
            ]
    return []


_CHEER_RE = re.compile(r"\s*[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]+")


def _and_to_another(
    doc: Doc, names: Names, starts: list[int], direction: Direction, ce: int
) -> list[Settlement]:
    """ "sent Rosa the agenda and Greta the pricing sheet": one verb, a thing to each."""
    out: list[Settlement] = []
    for _ in range(4):  # a short list; the bound keeps it linear
        cheer = _CHEER_RE.match(doc.text, ce)  # "sent Rosa the agenda ✅ and Greta the sheet"
        if cheer is not None:
            ce = cheer.end()
        low = doc.text[ce : ce + 6].lower()
        pos = ce + 5 if low.startswith(" and ") else ce + 6 if low.startswith(", and ") else -1
        if pos < 0:
            break
        o = obj_at(doc, names, pos)
        first = _word_at(doc, o.end) if o is not None and o.kind == "name" else None
        if o is None or first is None or first[0] not in _DETERMINERS:
            break  # "… and Greta called": a new clause
        ce = doc.clause_end(o.end + 1)
        what = _tidy(doc, doc.text[o.end : _what_end(starts, o.end, ce)])
        if not what:
            break
        out.append(Settlement(direction, what, o.name))
    return out


_THEIRS_DONE = frozenset(
    "signed countersigned arrived landed received recieved in".split()  # noqa: SIM905
)
# What may follow "PO signed" in its clause and still leave the thing done: a cheer, a time.
_AFTERWORDS = words(
    "finally today yesterday now already at last this morning afternoon tonight just"
    # how it came back: "Dmitri's test results came back clean"
    " clean fine ok okay positive negative normal good great"
)
_NOT_YET_RE = re.compile(r"\b(?:almost|nearly|half|partly|mostly|not\s+yet|still\s+not)\s+$", re.I)
_AND_VERB_RE = re.compile(r"\s*(?:and|&|\+)\s+[a-z]+ed\b", re.IGNORECASE)


def _passive(doc: Doc, names: Names, m: re.Match[str], end: int) -> list[Settlement]:
    """ "security review sent over to Liv", "Hana: PO received", "LOI signed 🎉", "QBR deck done
    and shared", "Tariq's NDA arrived", "Cian proposal sent", "webhook docs + sandbox key sent to
    WL and Priya N": the thing before the verb. Ours when we send, share, ship or finish it;
    theirs when it is signed, arrives, comes in or is received."""
    kind = "sent" if m.lastgroup == "offto" else m.lastgroup  # "RFP response off to Hafiz"
    if kind not in ("sent", "got", "done"):
        return []
    cs = doc.clause_start(m.start())
    if doc.text[cs - 1 : cs] == ")" and not doc.text[cs : m.start()].strip():
        opening = doc.text.rfind("(", max(0, cs - 120), cs)
        if opening > 0:
            return _passive_over(doc, names, m, end, opening)
    person: str | None = None
    inside = [sp for sp in names.spans if cs <= sp.start < m.start()]
    what_end = m.start()
    if inside:
        first = inside[0]
        at_start = not doc.text[cs : first.start].strip(" -–—:")
        from_ = re.search(r"\s+from\s+$", doc.text[cs : first.start])
        if len(inside) == 1 and from_ is not None and not doc.text[first.end : m.start()].strip():
            # "DDQ from Hauwa landed": theirs, the thing before "from"
            person = doc.restore(first.name)
            what_end = cs + from_.start()
        elif len(inside) > 1 or not at_start:
            # "Tariq's signed NDA arrived", "Kasia PO signed": the thing is theirs; a name
            # anywhere else makes it another shape
            return []
        else:
            person = doc.restore(first.name)
            cs = first.end + (2 if first.possessive else 0)
    verb = m.group(0).lower()
    if verb == "in" and not _in_as_done(doc.text, m.end()):
        return []  # "in person", "in March": only "term sheet in 🔥", "refs in ✅"
    if _NOT_YET_RE.search(doc.text, max(cs, m.start() - 16), m.start()):
        return []  # "deck almost done", "LOI nearly signed"
    what = _tidy(doc, doc.text[cs:what_end])
    what = re.sub(r"^(?:signed|countersigned)\s+", "", what, flags=re.IGNORECASE)
    what = re.sub(
        r"\s+(?:is|are|was|were|has\s+been|have\s+been|has|have|had|got)$", "", what, flags=re.I
    )
    if not what or len(what.split()) > 8 or what.lower() in _PRONOUN_WHATS:
        return []
    if not re.search(r"[^\W\d_]", what) or what.split()[0].lower() in _NOT_A_THING:
        return []
    things = [t.strip() for t in _THING_SPLIT_RE.split(what) if t.strip()]
    rest = doc.text[m.end() : end]
    if (kind == "sent" and verb not in _THEIRS_DONE) or verb in ("shipped", "submitted"):
        r = re.match(r"\s*(?:over\s+|across\s+|back\s+)?to\s+", rest)
        if r is not None:
            people = _recipients(doc, names, m.end() + r.end())
            if not people:
                return []
            return [Settlement(Direction.YOU_OWE, t, p) for p in people for t in things]
    if not _finished_there(rest) and not _CAME_BACK_WITH_RE.match(verb + rest):
        return []
    theirs = _theirs(verb)
    if not theirs and _STILL_TO_SEND_RE.search(doc.text, m.end(), _sentence_end(doc, m.end())):
        return []  # "ROI model done, sending to Deepika mon": made, not yet handed over
    if kind == "got" and verb not in ("received", "recieved"):
        return []
    direction = Direction.THEY_OWE if theirs else Direction.YOU_OWE
    return [Settlement(direction, t, person) for t in things]


def _passive_over(
    doc: Doc, names: Names, m: re.Match[str], end: int, opening: int
) -> list[Settlement]:
    """The thing before a parenthetical, handed over: "proposal + 3 refs (Wise, N26) sent to
    JP"."""
    cs = doc.clause_start(opening)
    what = _tidy(doc, doc.text[cs:opening])
    if not what or any(cs <= sp.start < opening for sp in names.spans):
        return []
    if what.split()[0].lower() in _NOT_A_THING or m.lastgroup != "sent":
        return []
    r = re.match(r"\s*(?:over\s+|back\s+)?to\s+", doc.text[m.end() : end])
    people = _recipients(doc, names, m.end() + r.end()) if r is not None else []
    things = [t.strip() for t in _THING_SPLIT_RE.split(what) if t.strip()]
    return [Settlement(Direction.YOU_OWE, t, p) for p in people for t in things]


# "term sheet in 🔥", "Arjun's refs in ✅", "Bao's pre-approval in my inbox", "redlines are in —
# mostly the liability cap", "abstract is in (LLM evals)": "in" with nothing after it but a stop,
# a dash, an aside or any emoji; not "in person", "in March"
_IN_AS_DONE_RE = re.compile(
    r"\s*(?:$|[.!,;(—–]|-\s|my\s+inbox|finally|today|at\s+last|now)", re.IGNORECASE
)


def _in_as_done(text: str, pos: int) -> bool:
    if _IN_AS_DONE_RE.match(text, pos):
        return True
    rest = text[pos:].lstrip(" ")
    return bool(rest) and _is_emoji(rest[0])


def _is_emoji(char: str) -> bool:
    """Any pictograph ("Symbol, other"): 👍, 👌, 🔥, ✅ — a list of them always missed some."""
    return unicodedata.category(char) == "So"


_THING_SPLIT_RE = re.compile(r"\s+(?:\+|and)\s+|\s+&\s+(?=[a-z])")  # not "Kühne & Sohn"
# A clause that starts with one of these is not a thing being handed over.
_NOT_A_THING = words("i we i'm we're he she they it this that he's she's they're")


# "data room link → Priya V ✅", "comps to Mei ✅", "section 32 to Liam, finally"
_TITLE_END_RE = re.compile(r"\s(?:Dr|Mr|Mrs|Ms|Prof|Dra)\.?\s*$")
_ARROW_RE = re.compile(r"\s*(?:→|->|=>|➡️?|⟶)\s*")
_DONE_MARK_RE = re.compile(r"[✅✔☑👍]|\b(?:finally|done|sent|delivered|at\s+last)\b", re.IGNORECASE)
_FUTURE_WORDS_RE = re.compile(
    r"\bby(?!\s+(?:e-?mail|mail|post|courier|hand|dm|text|slack)\b)|\b(?:before|tomorrow|tmrw|next|will|need|needs|to\s+do|todo|pending|asap)\b",
    re.I,
)


def _handed_over(doc: Doc, names: Names) -> list[Settlement]:
    """A thing, an arrow or "to", a person, and a tick: handed over without a verb."""
    text = doc.text
    out: list[Settlement] = []
    for span in names.spans:
        cs = doc.clause_start(span.start)
        if text[cs - 1 : cs] == "." and _TITLE_END_RE.search(text, max(0, cs - 6), cs):
            cs = doc.clause_start(cs - 2)  # "to Dr. Amina": the title's dot ends no clause
        head = _TITLE_END_RE.sub(" ", text[cs : span.start])
        arrow = _ARROW_RE.search(head)
        if arrow is not None and arrow.end() == len(head):
            what_raw = head[: arrow.start()]
        elif head.rstrip().lower().endswith(" to") or head.lower().rstrip() == "to":
            what_raw = head.rstrip()[:-2]
        else:
            continue
        ce = doc.clause_end(span.end)
        after = text[span.end : doc.clause_end(ce + 1) if ce < len(text) else ce]
        sent_out = arrow is None and what_raw.rstrip().lower().endswith((" out", " back"))
        if sent_out:
            # "offer out to khoa": it went out; "answers back to Dr. Amina": returned
            what_raw = what_raw.rstrip().rsplit(" ", 1)[0]
        if arrow is None and not sent_out and not _DONE_MARK_RE.search(after):
            continue  # "onboarding doc to her by Mon" is a loop; only a tick makes it done
        if _FUTURE_WORDS_RE.search(text[cs:ce]):
            continue
        what = _tidy(doc, what_raw)
        if not what or len(what.split()) > 8 or what.split()[0].lower() in _NOT_A_THING:
            continue
        first = what.split()[0].lower()
        if (
            first in _ACTION_VERBS
            or first in _SEND_VERBS
            or (
                first.endswith("ed")
                and not sent_out  # "revised pricing out to margriet": out is the verb
                and (arrow is None or len(what.split()) < 2)
            )
        ):
            continue  # "sent X to Sam" is read by the verb; "revised concepts → JP" is a thing
        people = _recipients(doc, names, span.start) or [doc.restore(span.name)]
        out.extend(
            Settlement(Direction.YOU_OWE, t.strip(), p)
            for p in people
            for t in _THING_SPLIT_RE.split(what)
            if t.strip()
        )
    return out


_ANSWER_RE = re.compile(
    r"\s+(?:(?P<decided>accepted|declined|said\s+yes|said\s+no|signed\s+off|agreed|turned\s+(?:it|us)"
    r"\s+down)|(?P<back>came\s+back|got\s+back|circled\s+back)\s+(?:to\s+(?:me|us)\s+)?"
    r"(?:on|about|re:?|with)\s|(?P<paid>paid)\b)",
    re.IGNORECASE,
)


def _answered(doc: Doc, names: Names) -> list[Settlement]:
    """ "Siobhán accepted 🥳" (her decision), "Tom came back on Siobhán" (his feedback),
    "PJ paid #1042": what they owed us, settled by what they did."""
    out: list[Settlement] = []
    for span in names.spans:
        if span.possessive:
            continue
        m = _ANSWER_RE.match(doc.text, span.end)
        if m is None:
            continue
        who = doc.restore(span.name)
        if m.group("decided"):
            out.append(Settlement(Direction.THEY_OWE, "a decision", who))
        elif m.group("back"):
            about = _tidy(doc, doc.text[m.end() : doc.clause_end(m.end())])
            out.append(Settlement(Direction.THEY_OWE, f"feedback on {about}".strip(), who))
        else:
            ref = _tidy(doc, doc.text[m.end() : doc.clause_end(m.end())])
            while ref and ref.split()[-1].lower() in _AFTERWORDS:
                ref = ref.rsplit(" ", 1)[0] if " " in ref else ""
            out.append(Settlement(Direction.THEY_OWE, f"payment {ref}".strip(), who))
    return out


def _recipients(doc: Doc, names: Names, pos: int) -> list[str]:
    """ "to WL and Priya N", "to JP &amp; Rafa": everyone a thing went to."""
    out: list[str] = []
    for _ in range(5):
        o = obj_at(doc, names, pos)
        if o is None or o.kind != "name" or o.name is None:
            break
        out.append(o.name)
        m = re.match(r"\s*(?:,\s*)?(?:and|&|\+|,)\s*", doc.text[o.end :])
        if m is None:
            break
        pos = o.end + m.end()
    return out


_STILL_TO_SEND_RE = re.compile(
    r"\b(?:sending|will\s+send|to\s+send|going\s+to\s+send|'ll\s+send|send(?:ing)?\s+(?:it\s+)?"
    r"(?:over\s+)?(?:tmrw|tomorrow|mon|tue|wed|thu|fri|next|later|tonight))\b",
    re.IGNORECASE,
)


def _theirs(verb: str) -> bool:
    """ "signed", "arrived", "came in": done by them, so what they owed."""
    return verb in _THEIRS_DONE or verb.startswith("came")


def _sentence_end(doc: Doc, pos: int) -> int:
    ends = [i for i in (doc.text.find(c, pos) for c in ".!?\n") if i >= 0]
    return min(ends, default=len(doc.text))


def _finished_there(rest: str) -> bool:
    """Nothing after the verb but a cheer, a time or another "and shared": the thing is done."""
    if _AND_VERB_RE.match(rest):
        return True
    # an aside in brackets says more about the thing, not that it is still to come:
    # "abstract is in (LLM evals for French models)", "his abstract is in 👌 (finally lol)"
    left = re.findall(r"[^\W\d_]+", _ASIDE_RE.sub(" ", rest).lower())
    return all(w in _AFTERWORDS for w in left)


_ASIDE_RE = re.compile(r"\([^()]*\)?")
# What came back is done, however it came back: "audit report came back with two findings".
_CAME_BACK_WITH_RE = re.compile(r"came\s+back\s*(?:with\b|showing\b|[:—–-])", re.IGNORECASE)


_THING_BEFORE_RE = re.compile(
    r"\b(?:the|our|their|a|an)\s+(\w[\w\- ]{0,40}?)(?=\s+(?:and|to|for)\b|$)"
)
_AND_THING_RE = re.compile(
    r"\s*(?:,\s*)?(?:and|&|\+)\s+(?P<what>(?:the|a|an|our|their|his|her|some)\s+[^,.;:!?\n]{1,60})",
    re.IGNORECASE,
)


def _split_settlement(
    doc: Doc, got: Settlement, kind: str | None, end: int, ce: int
) -> list[Settlement]:
    """ "emailed Yusuf the SOC 2 report + the roadmap deck", "sent Marcus the W-9 and the MSA":
    one delivery per thing, so each closes its own loop."""
    if kind != "sent":
        return [got]
    parts = [p for p in re.split(r"\s+(?:\+|&|and)\s+", got.what) if p.strip()]
    out = [Settlement(got.direction, doc.restore(p.strip()), got.person) for p in parts]
    if end == ce:
        m = _AND_THING_RE.match(doc.text, ce)
        if m is not None:
            what = _tidy(doc, m.group("what"))
            person = got.person
            to = re.search(r"\s+to\s+(?P<who>\S.*)$", what)
            if to is not None:  # "the deck to Hugo and the pricing to Léa"
                person, what = to.group("who"), what[: to.start()]
            if what:
                out.append(Settlement(got.direction, what, person))
    pronoun = [o for o in out if o.what.lower() in _PRONOUN_WHATS]
    if pronoun:
        # "Signed the DPA and sent it back to Jonas": "it" is the thing named before
        before = doc.text[max(0, doc.clause_start(end) - 120) : doc.clause_start(end)]
        things = _THING_BEFORE_RE.findall(before.strip(" ,"))
        if things:
            out = [
                Settlement(o.direction, f"the {things[-1]}", o.person)
                if o.what.lower() in _PRONOUN_WHATS
                else o
                for o in out
            ]
    return out or [got]


_ANSWERED_END_RE = re.compile(r"\s+(?:and|&|\+|but|then)\s+|[,;.!?:(]")
_MESSAGES = frozenset({"email", "e-mail", "mail", "message", "text", "dm", "voicemail", "note"})


def _reply_on(doc: Doc, names: Names, m: re.Match[str], end: int) -> str:
    """ "answered Kari's vendor questionnaire": a reply on that questionnaire, so it settles
    the answers owed to it and not another reply; "answered Kari's email" is a reply."""
    pos = _skip_spaces(doc.text, m.end())
    span = names.by_start.get(pos)
    if m.group(0).lower() != "answered" or span is None or not span.possessive:
        return "a reply"
    start = span.end + 2
    cut = _ANSWERED_END_RE.search(doc.text, start, end)
    thing = _tidy(doc, doc.text[start : cut.start() if cut else end])
    if not thing or len(thing.split()) > 5 or thing.split()[-1].lower() in _MESSAGES:
        return "a reply"
    return f"a reply on the {thing}"


def _one_settle(
    doc: Doc, names: Names, m: re.Match[str], subj: Subject, end: int
) -> Settlement | None:
    kind = m.lastgroup
    pos = m.end()
    mine = subj.who is Who.ME
    if kind == "gotback":
        o = obj_at(doc, names, pos)
        if mine and o is not None and o.kind != "me":
            return Settlement(Direction.YOU_OWE, _reply_on(doc, names, m, end), o.name)
        if not mine and (o is None or o.kind == "me"):
            return Settlement(Direction.THEY_OWE, "a reply", subj.name)
        return None
    if kind == "heard":
        o = obj_at(doc, names, pos)
        return Settlement(Direction.THEY_OWE, "a reply", o.name if o else None)
    if kind == "replied":
        # "javier got back: LMIA timeline is 8–10 wks": the answer is about what follows
        what = _reply_after_colon(doc, pos)
        if mine:
            return Settlement(Direction.YOU_OWE, what, None)
        return Settlement(Direction.THEY_OWE, what, subj.name)
    if kind == "followed":
        if not mine:
            return None
        w = _eat(doc, pos, "with")
        o = obj_at(doc, names, w) if w is not None else None
        return Settlement(Direction.YOU_OWE, "follow up", o.name if o else None)
    if kind == "intro":
        what, person = _intro(doc, names, pos, end)
        if mine:
            return Settlement(Direction.YOU_OWE, what, person)
        return Settlement(Direction.THEY_OWE, what, subj.name)
    if kind == "sent":
        verb = m.group(0).lower()
        act = _send(doc, names, verb, pos, end)
        if act is None or act[0] in _BARE_WHAT.values():
            return None  # "emailed Priya" is an interaction, not a delivery
        if mine:
            return Settlement(Direction.YOU_OWE, act[0], act[1])
        return Settlement(Direction.THEY_OWE, act[0], subj.name)
    if kind == "did":
        # "did the Vienna intro for Bruno", "did my 40 CFP reviews for Leila": the errand is done
        if not mine:
            return None
        what_raw, to = _split_to_recipient(doc, names, pos, end)
        what = _tidy(doc, what_raw)
        if not what or len(what.split()) > 6:
            return None
        return Settlement(Direction.YOU_OWE, what, to.name if to is not None else None)
    if kind == "got":
        if not mine:
            return None
        segment = doc.text[pos:end]
        out = _got_out(doc, names, pos, end)
        if out is not None:
            return out
        what_raw, to = _split_to_recipient(doc, names, pos, end)
        if to is not None and to.kind == "name" and " from " not in what_raw:
            what = _tidy(doc, what_raw)  # "got the recording to Sam": it reached them
            if what and what.split()[0].lower() in _DETERMINERS:
                return Settlement(Direction.YOU_OWE, what, to.name)
        fm = re.search(r"\sfrom\s", segment)
        if fm is None:
            return None
        o = obj_at(doc, names, pos + fm.end())
        what = _tidy(doc, segment[: fm.start()])
        if o is None or o.kind == "me" or not what:
            return None
        return Settlement(Direction.THEY_OWE, what, o.name)
    return None


_AFTER_COLON_RE = re.compile(r"\s*:\s*(?P<what>[^,.;!?\n]{2,80})")


def _reply_after_colon(doc: Doc, pos: int) -> str:
    """ "got back: LMIA timeline is 8–10 wks" is a reply on the LMIA timeline, so it settles the
    timeline owed as well as a bare answer; without a colon it is just a reply."""
    m = _AFTER_COLON_RE.match(doc.text, pos)
    about = _tidy(doc, m.group("what")) if m is not None else ""
    return f"a reply on {about}" if about else "a reply"


_GOT_OUT_RE = re.compile(
    r"\s+(?P<what>[^,;:!?\n]{1,60}?)\s+out\b(?!\s+of\b)(?P<to>\s+to\s+)?", re.I
)


def _got_out(doc: Doc, names: Names, pos: int, end: int) -> Settlement | None:
    """ "got Nur's revised quote out", "got the deck out to Rosa": sent. Whose the thing is
    names whom it went to when no one else is named."""
    m = _GOT_OUT_RE.match(doc.text, pos, end)
    if m is None:
        return None
    start = m.start("what")
    person: str | None = None
    o = obj_at(doc, names, start)
    if o is not None and o.kind != "name":
        return None  # "got her out early": a person, not a thing
    if o is not None:
        if doc.text[o.end - 2 : o.end] != "'s":
            return None  # "got Dana out early"
        person, start = o.name, o.end
    if m.group("to"):
        to = obj_at(doc, names, m.end())
        if to is not None and to.kind == "name":
            person = to.name
    what = _tidy(doc, doc.text[start : m.end("what")])
    if not what or what.split()[0].lower() in _NOT_A_THING:
        return None
    return Settlement(Direction.YOU_OWE, what, person)
