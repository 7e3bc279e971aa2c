"""Smaller facts in a note: yearly occasions, needs, #tags and sensitive news."""

from __future__ import annotations

import re
from bisect import bisect_left

from bot.parsing.dates import Clock, DateHit, Lean, month_day, next_yearly, resolve_day
from bot.parsing.doc import TAG_RE, Doc, SpanSet
from bot.parsing.lexicon import words
from bot.parsing.model import OccasionSpec
from bot.parsing.subjects import Names

_I = re.IGNORECASE

# --- tags ---------------------------------------------------------------------------------


def tags(raw: str) -> tuple[str, ...]:
    if "#" not in raw:
        return ()
    out: list[str] = []
    for m in TAG_RE.finditer(raw):
        tag = m.group(1).rstrip("-").lower()
        if tag and not tag.isdigit() and tag not in out:
            out.append(tag)
    return tuple(out)


# --- needs --------------------------------------------------------------------------------

_NEED_RE = re.compile(
    r"\b(?P<verb>(?:is\s+|are\s+|'s\s+|'re\s+)after(?=\s+(?:a|an|some|new|the)\b)"
    r"|(?:is\s+|are\s+|was\s+|were\s+|'s\s+|'re\s+)?(?:been\s+)?(?:looking|searching|shopping"
    r"|scouting|hunting)\s+(?:around\s+)?for"
    r"|(?:is\s+|are\s+|'s\s+|'re\s+)?(?:looking|keen|eager|hoping)\s+to\s+(?:hire|buy|rent|find"
    r"|recruit|lease)"
    # "open to intros to seed investors": an introduction sought
    r"|(?:is\s+|are\s+|'s\s+|'re\s+)?open\s+to\s+(?=(?:an?\s+|some\s+)?(?:intros?|introductions?)\b)"
    r"|(?:is\s+|are\s+|'s\s+|'re\s+)?(?:in\s+need\s+of|desperate\s+for|on\s+the\s+search\s+for)"
    # "asked for a recommendation for a good tax advisor", "asked for recs for a plumber"
    r"|asked\s+(?:us\s+|me\s+)?(?:for|about)\s+(?:a\s+|any\s+|some\s+)?(?:recommendations?|recs?"
    r"|referrals?|suggestions?|names?)\s+(?:for|of)"
    r"|(?:is\s+|are\s+|'s\s+|'re\s+)?(?:hiring|raising|seeking|keen\s+on|interested\s+in"
    r"|trying\s+to\s+find|in\s+the\s+market\s+for|on\s+the\s+(?:hunt|lookout)\s+for)"
    r"|would\s+(?:really\s+)?(?:like|love)|'d\s+(?:really\s+)?(?:like|love)"
    # "asked if we know a good employment lawyer": a need told as a question to us
    r"|asked\s+(?:if|whether)\s+(?:we|I|anyone|any\s+of\s+us)\s+(?:know|knew|can\s+recommend"
    r"|could\s+recommend|have)(?:\s+of)?"
    r"|could\s+(?:really\s+|definitely\s+|totally\s+)?use"
    r"|wants|wanted|want|needs|needed|need|dreams\s+of|hopes\s+to|hoping\s+to)\b",
    _I,
)
# "wants me to", "wants to introduce me", "want us on the launch call", "wants me there": asked
# of the author, not sought
_NOT_NEED_AFTER = re.compile(
    r"\s+(?:me|us|you|him|her|them)\s+to\b|\s+to\s+(?:\w+\s+)?(?:me|us)\b"
    r"|\s+(?:me|us)\s+(?:on|at|in|there|here|for|to|as|off|out|back)\b"
)
_NEED_TAIL_RE = re.compile(r"[\s,]+(?:too|also|though|tho|lol|haha)\s*$", _I)
MAX_NEED_WORDS = 12
_TO_RE = re.compile(r"\s+to\b", _I)
_BARE_PARTICIPLES = (
    "hiring",
    "raising",
    "seeking",
    "looking",
    "searching",
    "trying",
    "shopping",
    "scouting",
    "hunting",
)
_DETERMINER_BEFORE_RE = re.compile(r"\b(?:their|his|her|its|our|my|your|the|a|an)\s+$", _I)
_CONTRACTED = {"'s": "is", "'re": "are", "'d": "would"}
_NEED_ANCHORS = words(
    """
    after looking searching hiring raising seeking keen interested trying market like love wants
    wanted want needs needed need dreams hopes hoping use hunt lookout asked must shopping
    scouting hunting desperate search keen eager open
    """
)
# What is asked of us in a deal or a plan, not something anyone could help find: "wants 15%
# off", "needs a heads-up 24h before", "needs a reply by Friday".
_NOT_A_NEED_RE = re.compile(
    r"\s+(?:(?:a|an|the|some|more|our|your)\s+)?(?:~?\d+(?:\.\d+)?\s*%|discount|heads[\s-]?up|reminder"
    r"|confirmation|answer|reply|response|update|decision|sign[\s-]?off|notice|approval|signature"
    r"|refund|credit|callback|call\s+back)(?!\w)",
    _I,
)
# A thing as the subject: "invoice needs their new PO number" is a requirement, not a want.
_THING_SUBJECTS = words(
    """
    invoice contract form deck doc document proposal quote order po it this that which form
    forms system app build release page site website
    """
)
_ANYONE = words("anyone anybody someone somebody one any")
_NOTHING = words("nothing no none not zero neither")
_NEED_ADVERBS = words("badly really urgently still also desperately definitely now all")
_NEED_SUBJECTS = words("they he she team folks people everyone both company firm")


def _someone_needs(doc: Doc, names: Names, pos: int) -> bool:
    """A bare "need" is a contact's only after a subject of theirs: "they need an ML
    contractor", "her team badly need a data engineer"; not "may need 2 weeks off"."""
    k = doc.token_index_at(pos)
    k = (len(doc.tokens) if k is None else k) - 1
    while k >= 0 and doc.tokens[k].lower in _NEED_ADVERBS:
        k -= 1
    if k < 0 or doc.tokens[k].end + 2 < pos - 20:
        return False
    t = doc.tokens[k]
    return t.lower in _NEED_SUBJECTS or names.by_last_token.get(k) is not None


# "wants to …" is a need only when it is after something someone could help with.
_SEEKING_VERBS = words(
    """
    hire buy find get raise rent lease adopt learn meet pilot expand move relocate sell invest
    switch upgrade migrate hire outsource replace book
    """
)
_CHANGE_REQUEST_RE = re.compile(
    r"\s+(?:the|it|them|this|that|our)\s+(?:[\w-]+\s+){0,3}?(?:bigger|smaller|shorter|longer|"
    r"brighter|darker|changed|moved|fixed|redone|updated|pushed\s+further|tweaked)\b"
    # "wants the cap table cleaned up", "wants the deal closed by Friday": a thing done to ours
    r"|\s+(?:the|it|them|this|that|our|their|his|her)\s+(?:[\w-]+\s+){0,3}?[a-z]+(?:ed|en)"
    r"(?:\s+(?:up|out|over|through))?(?=\s*(?:[.,;!?]|$|\s+(?:by|before|asap|first|today"
    r"|tomorrow|this|next|so|and)\b))",
    _I,
)
_TO_VERB_RE = re.compile(r"\s+to\s+([a-z]+)\b", _I)
_NEXT_WORD_RE = re.compile(r"\s+([a-z]+)\b", _I)
_HIRING_NOUNS = words("freeze manager mgr plan plans process committee bar budget pipeline spree")


_VAGUE_OR_OURS_RE = re.compile(
    r"^(?:something|anything)\s+(?:similar|like)\b|\bfrom\s+(?:us|me)\b"
    r"|^(?:a\s+)?(?:rec|recommendation)$",
    _I,
)


def needs(doc: Doc, hits: list[DateHit], skip: SpanSet, names: Names) -> tuple[str, ...]:
    out: list[str] = []
    if _NEED_ANCHORS.isdisjoint(doc.words):
        return ()
    text = doc.text
    starts = [h.start for h in hits]
    for m in _NEED_RE.finditer(text):
        verb = m.group("verb").lower()
        bare = re.sub(r"^(?:is|are|was|were|'s|'re)\s+", "", verb)
        if skip.covers(m.start()) and not verb.startswith("asked"):
            continue  # a loop's words; a question whether we know someone stays a need too
        if verb.startswith("need") and _TO_RE.match(text, m.end()):
            continue  # "needs to send me X" is a loop, not a need
        if verb == "need" and not _someone_needs(doc, names, m.start()):
            continue  # "need a backup champion": the author's, told without a subject
        if _NOT_A_NEED_RE.match(text, m.end()):
            continue  # "wants 15% off", "needs a heads-up": asked of us, not sought
        if verb.startswith(("need", "want")) and _thing_before(doc, m.start()):
            continue
        if verb.startswith(_BARE_PARTICIPLES) and _DETERMINER_BEFORE_RE.search(
            text, max(0, m.start() - 12), m.start()
        ):
            continue  # "their hiring plans": an adjective, not a verb
        if verb.startswith(_BARE_PARTICIPLES) and not _participle_ok(doc, m.start()):
            continue  # "covers hiring meanwhile", "with hiring mgr": a noun
        if _NOT_NEED_AFTER.match(text, m.end()):
            continue  # "wants me to", "wants to introduce me": a request of the author
        if _first_person(text, m.start()):
            continue
        if _CHANGE_REQUEST_RE.match(text, m.end()):
            continue  # "wants the logo bigger": a change to our work, not a need
        after = _TO_VERB_RE.match(text, m.end())
        if after is not None and after.group(1).lower() not in _SEEKING_VERBS:
            continue  # "wants to chat", "wants to surprise her": an intention, not a need
        nxt = _NEXT_WORD_RE.match(text, m.end())
        if bare.startswith("hiring") and nxt is not None and nxt.group(1).lower() in _HIRING_NOUNS:
            continue  # "the hiring freeze is killing my Q2": a noun
        if (
            verb.endswith(("keen on", "interested in"))
            and names.by_start.get(m.end() + 1) is not None
        ):
            continue  # "they're keen on Siobhán": a candidate, not a need
        end = doc.clause_end(m.end())
        i = bisect_left(starts, m.end())
        if i < len(starts) and starts[i] < end:
            end = starts[i]
        rest = re.sub(r"\s+", " ", text[m.end() : end]).strip(" ,:;-")
        rest = _NEED_TAIL_RE.sub("", rest)
        if rest.lower().split(" ", 1)[0] in _NOTHING:
            continue  # "wants nothing big", "needs no help"
        if _VAGUE_OR_OURS_RE.search(rest):
            continue  # "want something similar", "need the spec sheet from us", "a rec"
        if verb.startswith("asked") and rest.lower() in _ANYONE:
            continue  # "hiring 2 data engineers, asked if we know anyone": the need before
        if not rest or not re.search(r"\w", rest):
            continue
        words = rest.split(" ")[:MAX_NEED_WORDS]
        phrase = doc.restore(f"{_verb_text(m)} {' '.join(words)}")
        if phrase not in out:
            out.append(phrase)
    for m in _MUST_RE.finditer(text):
        # "she has mobility issues — ground floor bedroom is a must": the need comes first
        if skip.covers(m.start()) or _first_person(text, doc.clause_start(m.start())):
            continue
        cs = doc.clause_start(m.start())
        head = re.sub(r"\s+", " ", text[cs : m.start()]).strip(" ,:;-—–")
        if head and len(head.split(" ")) <= MAX_NEED_WORDS and not _FIRST_WORD_RE.match(head):
            phrase = doc.restore(head)
            if phrase not in out:
                out.append(phrase)
    return tuple(out)


_MUST_RE = re.compile(
    r"\s+(?:is|are)\s+(?:a\s+)?(?:must|must-have|must\s+have|non-negotiable|dealbreaker"
    r"|hard\s+requirement)\b",
    _I,
)
# A clause with its own subject or verb is no noun phrase: "the price is a must"
_FIRST_WORD_RE = re.compile(r"^(?:i|we|it|this|that|he|she|they|there|which|what)\b", _I)


def _participle_ok(doc: Doc, pos: int) -> bool:
    """A bare "hiring"/"raising" is a verb at the start of a clause or after "and", a subject
    or an adverb: "and hiring 4 SDRs", "Kenji's team hiring"; not "covers hiring"."""
    k = doc.token_index_at(pos)
    if k is None or k == 0:
        return True
    prev = doc.tokens[k - 1]
    gap = doc.text[prev.end : pos]
    if any(not (c.isalnum() or c.isspace() or c in "'’") for c in gap):
        return True  # a bracket or an emoji ends what came before: "(restructuring) 😬"
    return prev.lower in (
        "and",
        "also",
        "still",
        "now",
        "currently",
        "actively",
        "they",
        "she",
    ) or (
        prev.lower.endswith("ly") and len(prev.lower) > 4  # "now officially looking for"
    )


def _thing_before(doc: Doc, pos: int) -> bool:
    k = doc.token_index_at(pos)
    if k is None or k == 0:
        return False
    return doc.tokens[k - 1].lower in _THING_SUBJECTS


def _verb_text(m: re.Match[str]) -> str:
    verb = re.sub(r"\s+", " ", m.group("verb")).strip().lower()
    if verb.startswith("'"):
        head, _, tail = verb.partition(" ")
        verb = f"{_CONTRACTED.get(head, head.lstrip(chr(39)))} {tail}"
    return verb


_FIRST_PERSON_RE = re.compile(
    r"\b(?:i|we)(?:'m|'re|'d|\s+am|\s+are|\s+(?:really|also|still|badly|urgently))*\s*$", _I
)


def _first_person(text: str, pos: int) -> bool:
    """ "I need a lawyer", "we're hiring": the author's own needs are not a contact's."""
    return _FIRST_PERSON_RE.search(text, max(0, pos - 24), pos) is not None


# --- occasions ----------------------------------------------------------------------------

_OCCASION_RE = re.compile(
    r"\b(?P<kind>birthday|bday|b-day|birth\s+day|date\s+of\s+birth|dob|born"
    r"|(?:wedding\s+|work\s+)?anniv(?:ersary)?|turns\s+\d{1,3}|turning\s+\d{1,3}|turned\s+\d{1,3}"
    # "celebrating 15 years married on 2 Jan": a wedding anniversary
    r"|\d{1,2}\s+(?:years?|yrs?)\s+married"
    # "Mehmet's 50th is on 3 May", "Sam's 40th is 8/2", "his 45th is on the 28th": a round
    # birthday, after a possessive
    r"|(?:(?<='s\s)|(?<=\bher\s)|(?<=\bhis\s))(?:1[3-9]|[2-9]\d|1[01]\d)(?:st|nd|rd|th)"
    r"(?=\s+(?:is|on|falls|was|at|tonight|today|tomorrow|tmrw|this|next)\b))\b",
    _I,
)
_ROUND_RE = re.compile(
    r"(?:'s|\bher|\bhis)\s\d{1,3}(?:st|nd|rd|th)\s|\d\s+(?:years?|yrs?)\s+married", _I
)  # digits are not in doc.words
_OCCASION_ANCHORS = words(
    "birthday birthdays bday bdays b-day b birth dob born anniversary anniv turns turning turned"
    " married"
)
# How old, or how long married: "turns 50", "her 40th birthday", "married 10 yrs".
_AGE_RE = re.compile(
    r"\bturn(?:s|ing|ed)?\s+(?P<a>\d{1,3})\b|\b(?P<b>\d{1,3})(?:st|nd|rd|th)\s+(?:birthday|bday|b-day"
    r"|is|on|falls|at|tonight|today|tomorrow|tmrw|this|next)\b",
    _I,
)
_YEARS_MARRIED_RE = re.compile(
    r"\b(?:married|together)\s+(?:for\s+)?(?P<a>\d{1,2})\s*(?:yrs?|years)\b"
    r"|\b(?P<b>\d{1,2})(?:st|nd|rd|th)\s+(?:wedding\s+|work\s+)?anniv(?:ersary)?\b"
    r"|\b(?P<c>\d{1,2})[\s-]*(?:yrs?|years?)\s+(?:work\s+|wedding\s+)?anniv(?:ersary)?\b"
    r"|\b(?P<d>\d{1,2})\s*(?:yrs?|years)\s+(?:married|together)\b",
    _I,
)
# a bare count beside an anniversary: "10 yrs this year", "a big 10 yr thing"
_YEARS_NEAR_RE = re.compile(
    r"\b(?P<a>\d{1,2})[\s-]*(?:yrs?|years?)\b(?!\s+(?:ago|old|of|at|in|with|since|before))", _I
)
# "happy bday Niamh!", "Happy 50th to Seán", "happy 30th Achieng'": a greeting on the day
_GREETING_RE = re.compile(
    r"\bhappy\s+(?P<when>belated\s+|early\s+|late\s+)?(?:b-?day|birthday|birth\s+day"
    r"|(?P<age>\d{1,3})(?:st|nd|rd|th)(?:\s+(?:birthday|bday|b-day))?)\b(?:\s+to\b)?[\s,]*",
    _I,
)
_NOT_ON_THE_DAY_RE = re.compile(
    r"\b(?:remind|remember|don't\s+forget|dont\s+forget|need\s+to|should|will|gonna)\b", _I
)
# "happy belated birthday sent to Rory, his was on Sunday"
_ELLIPTIC_RE = re.compile(r"\b(?:his|hers|theirs|her's)\s+(?:was|is|'s|falls|fell)\s+$", _I)
_BETWEEN_RE = re.compile(
    # "5 yr work anniv at Zestline is 1 July": where it is counted may sit in between
    r"^[\s:=,\-]*(?:at\s+[\w&.'-]+(?:\s+[A-Z][\w&.'-]*)?\s+)?"
    r"(?:(?:is|was|falls|fell|will\s+be|'s|on|in|date|day|it's|its|coming(?:\s+up)?|up|next"
    r"|this|soon|the)[\s:=,\-]+){0,4}$",
    _I,
)
_BEFORE_RE = re.compile(
    r"^\s*(?:is|was|will\s+be|'s)\s+(?:(?P<pron>her|his|their|my)|(?P<name>\w+)'s)\s+$", _I
)


def occasions(
    doc: Doc, names: Names, hits: list[DateHit], clock: Clock
) -> tuple[list[OccasionSpec], set[int], list[str]]:
    """Birthdays and anniversaries, the date hits they used, and dates that don't exist."""
    text = doc.text
    out: list[OccasionSpec] = []
    used: set[int] = set()
    problems: list[str] = []
    if (
        _OCCASION_ANCHORS.isdisjoint(doc.words)
        and "happy" not in doc.words
        and not _ROUND_RE.search(doc.text)
    ):
        return out, used, problems
    starts = [h.start for h in hits]
    greeted = _greetings(doc, names, hits, clock, used, out)
    for m in _OCCASION_RE.finditer(text):
        if any(a <= m.start() < b for a, b in greeted):
            continue
        written = m.group("kind").lower()
        kind = "anniversary" if "anniv" in written or "married" in written else "birthday"
        index = _hit_after(text, hits, starts, m.end())
        owner: str | None
        if index is not None:
            owner_ok, owner = _owner_before(doc, names, m.start())
        else:
            index, owner_ok, owner = _listed(doc, names, hits, starts, m.end())
        if index is None:
            index, owner_ok, owner = _hit_before(doc, names, hits, starts, m.start())
        if index is None:
            nth = _day_of_month(text, m.end(), clock)  # "Gráinne's birthday's the 9th"
            if nth is not None:
                ok, who = _owner_before(doc, names, m.start())
                if ok:
                    _add(out, OccasionSpec(kind=kind, month=nth[0], day=nth[1], person=who))
            continue
        if index in used or not owner_ok:
            continue
        used.add(index)
        hit = hits[index]
        if hit.error is not None:
            problems.append(hit.error)
            continue
        gone = written.startswith("turned") or _GONE_RE.search(text, m.end(), hit.start)
        md = month_day(hit, clock, Lean.PAST if gone else Lean.FUTURE)
        if md is None:
            continue
        month, day, year = md
        on_nth = _ON_NTH_RE.match(text, hit.end)
        if on_nth is not None and hit.text.lower().endswith("next month"):
            # "turning 50 next month on the 3rd": the 3rd of next month, not a month from today
            month, day = clock.today.month % 12 + 1, int(on_nth.group("d"))
            if next_yearly(clock.today, month, day) is None:
                continue
        if year is None:
            year = _year_from_age(text, kind, month, day, clock, m.start(), bool(gone))
        owners: list[str | None] = [owner]
        if owner is None and kind == "anniversary" and _THEIR_RE.search(text, 0, m.start()):
            couple = list(dict.fromkeys(doc.restore(x.name) for x in names.spans))
            if len(couple) == 2:
                owners = list(couple)  # "their 5th wedding anniversary": both partners'
        for person in owners:
            _add(out, OccasionSpec(kind=kind, month=month, day=day, year=year, person=person))
    return out, used, problems


_ON_NTH_RE = re.compile(r"\s*,?\s*on\s+the\s+(?P<d>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b", _I)
_GONE_RE = re.compile(r"\b(?:was|fell)\b", _I)
_NTH_RE = re.compile(
    r"(?:'s|\s+is|\s+falls\s+on)?\s+the\s+(?P<d>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?\w)",
    _I,
)


def _day_of_month(text: str, pos: int, clock: Clock) -> tuple[int, int] | None:
    """ "birthday's the 9th": the coming 9th, this month or the next."""
    m = _NTH_RE.match(text, pos)
    if m is None:
        return None
    day = int(m.group("d"))
    today = clock.today
    month = today.month if day >= today.day else today.month % 12 + 1
    if next_yearly(today, month, day) is None:
        return None
    return month, day


_THEIR_RE = re.compile(r"\btheir\s+(?:(?:\d+(?:st|nd|rd|th)|big|first|wedding)\s+)*$", _I)


def _add(out: list[OccasionSpec], spec: OccasionSpec) -> None:
    if not any(
        (o.kind, o.month, o.day, o.person) == (spec.kind, spec.month, spec.day, spec.person)
        for o in out
    ):
        out.append(spec)


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, pos) for c in ".!?\n;") + 1
    ends = [i for i in (text.find(c, pos) for c in ".!?\n;") if i >= 0]
    return start, (min(ends) if ends else len(text))


def _greetings(
    doc: Doc,
    names: Names,
    hits: list[DateHit],
    clock: Clock,
    used: set[int],
    out: list[OccasionSpec],
) -> list[tuple[int, int]]:
    """ "happy bday Niamh!", "Happy 50th to Seán": a greeting sent on the day says the birthday
    is that day. A belated or early one says so only with a day of its own ("happy belated
    birthday sent to Rory, his was on Sunday"); one in a plan or beside another date says nothing
    of today ("remind me to say happy bday to Kai on Friday" is read from Friday)."""
    text = doc.text
    spans: list[tuple[int, int]] = []
    if "happy" not in doc.words:
        return spans
    for g in _GREETING_RE.finditer(text):
        a, b = _sentence_bounds(text, g.start())
        # the person greeted: "happy bday Niamh!", "happy belated birthday sent to Rory"
        after = [x for x in names.spans if g.start() < x.start < b]
        owner = doc.restore(after[0].name) if after else None
        inside = [i for i, h in enumerate(hits) if a <= h.start < b and i not in used]
        if g.group("when"):
            index = next(
                (
                    i
                    for i in inside
                    if _ELLIPTIC_RE.search(text, max(g.end(), hits[i].start - 16), hits[i].start)
                    or _ELLIPTIC_RE.search(
                        text, max(g.end(), hits[i].start - 20), max(g.end(), hits[i].start - 3)
                    )
                ),
                None,
            )
            if index is None:
                continue
            lean = Lean.FUTURE if g.group("when").strip().lower() == "early" else Lean.PAST
            when = resolve_day(hits[index], clock, lean)
            if when is None:
                continue
            used.add(index)
            month, day, year = when.month, when.day, None
        else:
            if inside or _NOT_ON_THE_DAY_RE.search(text, a, g.start()):
                continue
            month, day, year = clock.today.month, clock.today.day, None
            if g.group("age"):
                n = int(g.group("age"))
                year = clock.today.year - n if 0 < n < 130 else None
        spans.append((g.start(), b))
        _add(out, OccasionSpec(kind="birthday", month=month, day=day, year=year, person=owner))
    return spans


def _year_from_age(
    text: str, kind: str, month: int, day: int, clock: Clock, pos: int = 0, gone: bool = False
) -> int | None:
    """ "turns 50 on Oct 3": born 50 years before the next Oct 3; "turned 41 yesterday": 41
    years before the one just gone."""
    m = (_AGE_RE if kind == "birthday" else _YEARS_MARRIED_RE).search(text)
    named = _NAMED_ANNIVERSARY_RE.search(text) if kind == "anniversary" else None
    if m is None and named is not None:
        nxt = next_yearly(clock.today, month, day)
        return None if nxt is None else nxt.year - _NAMED_YEARS[named.group(1).lower()]
    if m is None and kind == "anniversary":
        m = _YEARS_NEAR_RE.search(text, *_sentence_bounds(text, pos))
    if m is None:
        return None
    n = int(next(g for g in m.groups() if g))
    nxt = next_yearly(clock.today, month, day)
    if nxt is None or not 0 < n < 130:
        return None
    if gone and nxt > clock.today:
        return nxt.year - 1 - n  # the day already came this year
    return nxt.year - n


# "her silver anniversary": the 25th, told by name
_NAMED_YEARS = {"silver": 25, "ruby": 40, "golden": 50, "gold": 50, "pearl": 30, "diamond": 60}
_NAMED_ANNIVERSARY_RE = re.compile(
    r"\b(silver|ruby|golden|gold|pearl|diamond)\s+(?:wedding\s+)?anniv(?:ersary)?\b", _I
)
_LISTED_RE = re.compile(r"\s*:\s*$")
_LISTED_GAP_RE = re.compile(r"^\s*[-–—:,]\s*$")


def _listed(
    doc: Doc, names: Names, hits: list[DateHit], starts: list[int], pos: int
) -> tuple[int | None, bool, str | None]:
    """ "birthday: Lena Ortiz - Aug 9": a name, then its date."""
    colon = re.match(r"\s*:\s*", doc.text[pos : pos + 6])
    if colon is None:
        return None, False, None
    span = names.by_start.get(pos + colon.end())
    if span is None:
        return None, False, None
    end = span.end + (2 if span.possessive else 0)
    i = bisect_left(starts, end)
    if i < len(hits) and starts[i] - end <= 6 and _LISTED_GAP_RE.match(doc.text[end : starts[i]]):
        return i, True, doc.restore(span.name)
    return None, False, None


def _hit_after(text: str, hits: list[DateHit], starts: list[int], pos: int) -> int | None:
    i = bisect_left(starts, pos)
    if i < len(hits) and starts[i] - pos <= 24 and _BETWEEN_RE.match(text[pos : starts[i]]):
        return i
    return None


_COUNT_GAP_RE = re.compile(r"^(?:'s|’s)?[\s\d-]*$")
_COUNTING_RE = re.compile(r"^(?:\d+(?:st|nd|rd|th)?|yrs?|years?|work|wedding|-)$")


def _owner_before(doc: Doc, names: Names, pos: int) -> tuple[bool, str | None]:
    """Whose occasion: "Sam's birthday" -> Sam; "her birthday" -> main person; "my" -> skip."""
    k = doc.token_index_at(pos)
    k = (len(doc.tokens) if k is None else k) - 1
    while k > 0 and _COUNTING_RE.match(doc.tokens[k].lower) and doc.tokens[k].end + 3 >= pos:
        pos = doc.tokens[k].start  # "Wei Ling's 5 yr work anniv": past the count to the owner
        k -= 1
    if k < 0 or (
        doc.tokens[k].end + 3 < pos and not _COUNT_GAP_RE.match(doc.text[doc.tokens[k].end : pos])
    ):
        return True, None
    t = doc.tokens[k]
    if t.lower in ("my", "our"):
        return False, None
    span = names.by_last_token.get(k)
    turns = doc.text[pos : pos + 4].lower() == "turn"
    if span is not None and (t.possessive or turns):
        return True, doc.restore(span.name)  # "Sam's birthday", "Orla turns 30"
    if turns or t.possessive:
        # "… w Wai + Achieng'. Achieng' turns 30", "hemi's turning 40", "Minh's 10th": a
        # name the note gave a moment ago, by one of its words
        word = t.lower.split("'", 1)[0].split("’", 1)[0]
        again = [
            x
            for x in names.spans
            if x.end <= t.start
            and word in doc.text[x.start : x.end].lower().replace("'s", "").split(" ")
        ]
        if again:
            return True, doc.restore(again[0].name)
    if t.lower.split("'", 1)[0] in ("he", "she", "his", "her"):
        # "met her deputy Lukas Fischer — he's turning 30": the one named just before
        before = [x for x in names.spans if x.end <= t.start]
        if len({x.name for x in before}) > 1:
            return True, doc.restore(before[-1].name)
    return True, None


def _hit_before(
    doc: Doc, names: Names, hits: list[DateHit], starts: list[int], pos: int
) -> tuple[int | None, bool, str | None]:
    """ "March 3 is Sam's birthday"."""
    best = bisect_left(starts, pos) - 1
    if best < 0 or hits[best].end > pos or pos - hits[best].end > 24:
        return None, False, None
    m = _BEFORE_RE.match(doc.text[hits[best].end : pos])
    if m is None:
        return None, False, None
    if m.group("pron"):
        return best, m.group("pron").lower() != "my", None
    k = doc.token_index_at(pos)
    k = (len(doc.tokens) if k is None else k) - 1
    span = names.by_last_token.get(k)
    return best, True, doc.restore(span.name) if span is not None else m.group("name")
