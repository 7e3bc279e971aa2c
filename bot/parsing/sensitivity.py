"""Bad news in a note, and whose it is.

The fire story in its phrasings ("a fire in the kitchen of their house", "smoke damage", "lost
their home", "temporary accommodation"), hospital, surgery, illness, bereavement, miscarriage,
divorce, layoffs, accidents; never "dead in the water", "crushing it", "on fire this quarter" or
"the old CRM died". Whose: the author's own ("my dad is in the hospital") mutes nobody; else the
person the clause is about ("Ben's cofounder Lior has cancer" is Lior's, "Hoa's husband Minh had
surgery" is Minh's and, as family news, Hoa's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.parsing.doc import Doc
from bot.parsing.lexicon import words
from bot.parsing.model import SensitiveNews
from bot.parsing.subjects import Names

_I = re.IGNORECASE
_KIN = (
    r"(?:mother|father|mom|mum|dad|husband|wife|partner|spouse|son|daughter|baby|child|kid"
    r"|brother|sister|grandmother|grandfather|grandma|grandpa|granny|nan|uncle|aunt|cousin"
    r"|niece|nephew|stepdad|stepmom|father-in-law|mother-in-law|fianc[ée]e?|boyfriend"
    r"|girlfriend|best\s+friend|friend|dog|cat)"
)
_HOME = r"(?:home|house|apartment|flat|place|condo|kitchen|garage|basement)"
# A fire where someone works is their bad news too ("the clinic had a small fire").
_PREMISES = (
    r"(?:home|house|apartment|flat|place|condo|kitchen|garage|basement|office|shop|store"
    r"|restaurant|warehouse|factory|studio|clinic|cafe|café|bakery|workshop|salon|plant|barn)"
)

# (topic, words one of which must be in the note, pattern). Patterns compile on first use:
# importing the parser stays light, and a note with no anchor word never needs them.
_TOPICS: tuple[tuple[str, frozenset[str], str], ...] = tuple(
    (topic, words(anchors), pattern)
    for topic, anchors, pattern in (
        (
            "house fire",
            "fire fires burned burnt smoke wildfire wildfires blaze",
            rf"\b{_PREMISES}\s+fire\b|\bfire\b[^.;!?\n]{{0,40}}\b{_HOME}\b"
            rf"|\b{_PREMISES}\b[^.;!?\n]{{0,30}}\b(?:burn(?:ed|t)\s+down|caught\s+fire|fire)\b"
            r"|\bsmoke\s+damage\b|\bwild\s?fires?\b|\bburn(?:ed|t)\s+down\b",
        ),
        (
            "lost home",
            "lost temporary flooded flood flooding displaced homeless evacuated forced destroyed"
            " wrecked gutted flattened everything floods storm",
            rf"\blost\s+(?:her|his|their|the|its)\s+{_HOME}\b"
            # "flooding forced them out of their house", "the fire forced her out"
            r"|\b(?:flood(?:ing|s)?|fire|storm|hurricane|leak|mold|mould)\b[^.;!?\n]{0,30}"
            r"\bforced\s+(?:them|her|him|us|me|the\s+family)\s+out\b"
            rf"|\bforced\s+out\s+of\s+(?:their|her|his)\s+{_HOME}\b"
            # "a hurricane destroyed Omar's family home", "lost everything in the flood"
            r"|\b(?:destroyed|wrecked|gutted|flattened)\s+(?:[\w'’-]+\s+){0,3}?"
            rf"(?:home|house|apartment|flat|condo)\b"
            rf"|\b{_HOME}\s+(?:was|got)\s+(?:destroyed|wrecked|gutted|flattened)\b"
            # (in a fire it is told as the fire: "lost everything in the wildfires")
            r"|\blost\s+everything\s+in\s+(?:the|a)\s+(?:flood|floods|storm|hurricane"
            r"|earthquake|tornado|typhoon)\b"
            r"|\btemporary\s+(?:housing|accommodation|accomodation|place|home)\b"
            rf"|\b{_HOME}\s+(?:was\s+|got\s+|is\s+)?flooded\b|\bflooded\s+(?:their|her|his)\s+"
            rf"{_HOME}\b|\bdisplaced\b|\bhomeless\b|\bevacuated\b"
            # "the floods got his house": a disaster as the subject of "got"
            r"|\b(?:flood(?:s|ing)?|storm|hurricane|typhoon|cyclone)\s+(?:\w+\s+)?got\s+"
            rf"(?:her|his|their|the\s+family's)\s+{_HOME}\b",
        ),
        (
            "illness",
            "ill illness sick unwell cancer chemo chemotherapy diagnosed diagnosis stroke heart"
            " covid tumour tumor leukemia leukaemia dementia alzheimer's alzheimers flu pneumonia"
            " palliative hospice terminally terminal medical radiotherapy radiation lymphoma"
            " sclerosis well health depression",
            r"\b(?:is|are|was|got|been|very|seriously|fell|quite|so)\s+(?:ill|sick|unwell)\b"
            r"(?!\s+(?:of|and\s+tired))"
            rf"|\bsick\s+(?:{_KIN}|kids|children|little\s+one)\b|\b(?:off|out|home)\s+sick\b"
            r"|\bon\s+medical\s+leave\b|\bradiotherapy\b|\bradiation\s+(?:therapy|treatment)\b"
            r"|\blymphoma\b|\bmultiple\s+sclerosis\b|\bhealth\s+scare\b"
            # "Leon's dad isn't doing well": said of a person, never of pricing or sales
            r"|(?P<said_of>\b(?:isn't|is\s+not|not)\s+(?:doing\s+)?(?:so\s+|too\s+|very\s+)?well(?![-\w])"
            r"(?!\s+(?:known|versed|suited|placed|positioned|received|liked|paid|funded|defined"
            r"|documented|organi[sz]ed|prepared|understood|connected|respected)))"
            r"|\b(?:with|from|her|his|their|has|had|battling)\s+depression\b"
            r"|\bon\s+sick\s+leave\b|\bdown\s+with\s+(?:the\s+)?(?:flu|covid|pneumonia)\b"
            r"|\bpalliative\b|\bhospice\b|\bterminally\s+ill\b"
            r"|\bterminal\s+(?:cancer|diagnosis|illness)\b"
            r"|\b(?:illness|cancer|chemo(?:therapy)?|heart\s+attack"
            r"|heart\s+surgery|covid|tumou?r|leuka?emia|dementia|alzheimer'?s)\b"
            # "diagnosed the bug", "a stroke of luck": the words, not the illness
            r"|\bdiagnosed\b(?!\s+(?:the|a|an|our|their|this|that|it|what)\b)"
            r"|(?<!cause\s)\bdiagnosis\b|\bstroke\b(?!\s+of\b)",
        ),
        (
            "hospital",
            "hospital hospitalised hospitalized hospitalisation hospitalization icu er nicu"
            " intensive a&e a&amp;e",
            r"\bhospitali[sz](?:ed|ation)\b|\bhospital\b|\bN?ICU\b|\bin\s+the\s+ER\b"
            r"|\b(?:in|to)\s+A&(?:amp;)?E\b"
            r"|\bintensive\s+care\b",
        ),
        (
            "surgery",
            "surgery operated operation op replacement knife",
            r"\bsurgery\b|\boperated\s+on\b"
            r"|\b(?:had|having|needs|recovering\s+from)\s+(?:an|a|another|her|his|their)\s+"
            r"(?:(?:emergency|major|minor|big|small|second|knee|hip|back|heart|eye|brain|spinal"
            r"|shoulder|foot|ankle)\s+)?(?:operation|op)\b(?!\s+(?:going|running|team))"
            r"|\b(?:knee|hip|shoulder)\s+replacement\b|\bunder\s+the\s+knife\b",
        ),
        ("funeral", "funeral memorial", r"\bfuneral\b|\bmemorial\s+service\b"),
        (
            "bereavement",
            "passed died dies death bereaved bereavement condolences lost grieving mourning"
            " compassionate",
            r"\bpassed\s+away\b|\b(?:bereave(?:d|ment)|condolences)\b"
            r"|\bcompassionate\s+leave\b|\b(?:grieving|mourning)\b(?!\s+(?:the\s+)?(?:deal|loss\s+of\s+(?:the|a)\s+(?:deal|client"
            r"|account)))"
            rf"|\blost\s+(?:her|his|their|my|our)\s+{_KIN}\b"
            rf"|\b{_KIN}(?:'s)?\s+(?:has\s+|had\s+|just\s+|suddenly\s+)?(?:died|death)\b"
            # "Nia's mum passed last night": after a relative, "passed" alone is a death
            rf"|\b{_KIN}\s+(?:has\s+|had\s+|just\s+|sadly\s+|suddenly\s+)?passed\b"
            r"(?!\s+(?:on\s+(?:the|a|it|this|that)|the|a|an|it|her|his|their|my|our|by|through))",
        ),
        (
            "laid off",
            "laid layoff layoffs lay laying lost fired let made redundant redundancy cut risk"
            " eliminated axed laid-off sacked sack furloughed retrenched retrenchment retrenchments"
            " redundancies",
            r"\blaid[\s-]+off\b|\blaying\s+off\b|\b(?:got|was|been|were)\s+(?:sacked|furloughed)\b"
            r"|\bgot\s+the\s+sack\b"
            r"|\blay-?offs?\b(?!\s+at\s+(?:their|a|the|our)\s+(?:competitors?|rivals?|clients?|customers?))"
            r"|\blost\s+(?:her|his|their|my)\s+job\b"
            r"|\b(?:team|role|job|position|department)\s+(?:is|was|got)\s+(?:being\s+)?cut\b"
            r"|\b(?:role|job|position)\s+(?:got|was|has\s+been|is\s+being)\s+(?:eliminated|axed"
            r"|cut)\b"
            r"|\b(?:role|job|position)\s+is\s+at\s+risk\b"
            r"|\b(?:team|role|job|position|department)\s+(?:might|may|could|will)\s+be\s+cut\b"
            r"|\b(?:was|got|been|were)\s+(?:fired(?!\s+up)|let\s+go|made\s+redundant|retrenched)\b"
            r"|\bretrench(?:ed|ment|ments)\b"
            r"|\blet\s+(?:her|him|them|(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){0,2})\s+go\b"
            r"|\bredundancies\b|\bmade\s+(?:\w+\s+)?redundant\b"
            r"|\b(?:voluntary|facing|took|taking|offered|accepted|got)\s+(?:voluntary\s+)?redundancy\b"
            r"|\bredundancy\s+(?:package|pay|payout|round|notice|consultation|letter)\b",
        ),
        (
            "divorce",
            "divorce divorced divorcing separated separating separation custody splitting marriage",
            r"\bdivorc(?:e|ed|ing)\b|\bcustody\s+(?:battle|fight|dispute|case)\b|\bseparating\b|\b(?:a|their|the|marital)\s+separation\b|\b(?:are|is|got|have|has|they|she|he|we)\s+(?:just\s+)?"
            r"separated\b|\bseparated\s+from\s+(?:her|his|their)\b"
            # "he and his wife are splitting up": a marriage ending
            r"|\b(?:wife|husband|spouse)\s+(?:are|were)\s+(?:\w+\s+)?splitting\s+up\b"
            r"|\bmarriage\s+(?:has\s+|had\s+|just\s+)?(?:broke(?:n)?\s+down|ended|fell\s+apart"
            r"|is\s+over|collapsed|(?:is\s+)?falling\s+apart)\b",
        ),
        (
            "breakup",
            "broke breakup break split splitting",
            r"\bbroke\s+up\b|\bbreak-?up\b|\bsplit\s+(?:up|from)\b"
            r"|\b(?:are|were|is)\s+(?:\w+\s+)?splitting\s+up\b"
            r"|\b(?:partner|husband|wife|boyfriend|girlfriend|spouse|fianc[ée]e?)\s+"
            r"(?:have\s+|had\s+|just\s+|recently\s+)?split\b",
        ),
        (
            "miscarriage",
            "miscarriage miscarried lost",
            r"\bmiscarr(?:iage|ied)\b|\blost\s+(?:the|a|their|her)\s+(?:baby|pregnancy)\b",
        ),
        (
            "burnout",
            "burnout burned burnt stress mental breakdown exhausted",
            r"\bburn(?:ed|t)[\s-]?out\b|\bburnout\b|\bstress\s+leave\b"
            r"|\bmental\s+health\s+(?:leave|break|reasons|issues|struggles)\b"
            r"|\b(?:nervous|mental)\s+breakdown\b|\bsigned\s+off\s+with\s+stress\b",
        ),
        (
            "hard time",
            "rough tough hard difficult going struggling emergency lot place stuff issues matters",
            r"\b(?:a|such\s+a|really|pretty)\s+(?:rough|tough|hard|difficult|brutal)\s+"
            r"(?:week|weeks|month|months|year|time(?!\s+(?:\w+ing|with\s+(?:the|our|their|a|an))\b)"
            r"|patch|few\s+(?:days|weeks|months))\b"
            r"|\bgoing\s+through\s+(?:a\s+lot|so\s+much|some\s+stuff|a\s+(?:rough|tough|hard"
            r"|difficult)\s+(?:time|patch))\b"
            r"|\b(?:been|is|she's|he's|they're|are)\s+(?:really\s+)?struggling\b"
            # "struggling to get her team to adopt it": a task; "struggling with grief": news
            r"(?:\s+with\s+(?:grief|depression|anxiety|illness|burnout|the\s+loss|(?:her|his|their)"
            r"\s+(?:health|mental\s+health|grief|loss)))?\b(?!\s+(?:to|with)\b)"
            r"|\bfamily\s+emergency\b|\bdealing\s+with\s+a\s+lot\b"
            # a bare "rough patch for Jonah lately" ("the market hit a rough patch": see below)
            r"|\b(?:rough|tough|difficult)\s+patch\b"
            r"|\b(?:going\s+through|facing|had|having)\s+(?:some\s+)?(?:hard|tough|difficult|rough)\s+times\b"
            r"|\b(?:dealing\s+with|going\s+through|sorting\s+out)\s+(?:some\s+)?(?:family|personal)\s+"
            r"(?:stuff|issues|matters|things)\b"
            r"|\b(?:family|personal)\s+(?:stuff|issues|matters)\s+going\s+on\b"
            # "Omar's not in a good place": said of a person, not of a plan ("pricing is not …")
            r"|(?:\b(?:she|he|they)(?:'s|'re|\s+is|\s+are)|(?P<said_of>(?:'s|’s|\s+is)))"
            r"\s+(?:really\s+|just\s+|still\s+)?not\s+in\s+a\s+(?:good|great)\s+(?:place|headspace)\b",
        ),
        (
            "visa trouble",
            "visa visas deported deportation immigration permit pr residency citizenship",
            r"\b(?:visas?|work\s+permits?|residence\s+permits?|green\s+card)\b[^.;!?\n]{0,30}?"
            r"\b(?:rejected|denied|refused|stuck|delayed|expired"
            r"|revoked|issues?|problems?|trouble|limbo)\b"
            r"|\b(?:rejected|denied|refused|lost)\s+(?:(?:her|his|their|a)\s+)?(?:work\s+)?visa\b"
            r"|\bdeport(?:ed|ation)\b|\bimmigration\s+(?:issues?|trouble|problems?|limbo)\b"
            # "her PR application is stuck", "residency file still stuck"
            r"|\b(?:(?-i:PR)|residency|residence|citizenship|immigration)\s+(?:application|file|case"
            r"|renewal|paperwork)\s+(?:is\s+|was\s+|got\s+|has\s+been\s+)?(?:still\s+)?"
            r"(?:stuck|rejected|denied|refused|delayed|in\s+limbo)\b"
            # a visa someone worries over: "worried her visa won't come through", "anxious
            # about it" after "she's on a visa tied to N26"
            r"|\bvisas?\b[^.;!?\n]{0,30}?\b(?:won't|will\s+not|might\s+not|may\s+not"
            r"|didn't|did\s+not)\s+(?:come\s+through|be\s+(?:approved|renewed|ready))\b"
            r"|\b(?:worried|anxious|nervous|stressed|scared|panicking)\b[^.;!?\n]{0,30}?\bvisas?\b"
            r"|\bvisas?\b[^!?\n]{0,120}?\b(?:she's|he's|they're|she\s+is|he\s+is|they\s+are)"
            r"\s+(?:really\s+|quite\s+|very\s+|so\s+)?(?:anxious|worried|nervous|stressed|scared)\b",
        ),
        (
            "accident",
            "accident crash crashed hit knocked broken broke fall concussion",
            r"(?<!by\s)\baccident\b|\bcar\s+crash\b|\b(?:bike|car|motorbike)\s+crash\b"
            # told in plain words: "hit by a car", "knocked off her bike", "broken wrist"
            r"|\b(?:hit|knocked\s+(?:down|over))\s+by\s+a\s+(?:car|bus|van|truck|lorry|taxi|cyclist)\b"
            r"|\bknocked\s+off\s+(?:her|his|their|my)\s+(?:bike|scooter|motorbike)\b"
            r"|\bcrashed\s+(?:her|his|their|my)\s+(?:bike|car|scooter|motorbike|motorcycle)\b"
            r"|\b(?:had|took)\s+a\s+(?:bad\s+|nasty\s+|serious\s+)?fall\b"
            r"|\b(?:was|were|been|got)\s+in\s+a\s+(?:bad\s+|nasty\s+|serious\s+|horrible\s+)?"
            r"(?:car\s+|bike\s+|motorbike\s+)?(?:crash|collision|wreck)\b|\bconcussion\b"
            r"|\bbr(?:oken|oke\s+(?:her|his|their|my))\s+(?:wrist|arm|leg|ankle|collarbone|hip|ribs?"
            r"|pelvis|shoulder|foot|hand|jaw|nose|back)\b",
        ),
    )
)
_ALL_ANCHORS = frozenset().union(*(anchors for _, anchors, _ in _TOPICS))
_FAMILY = words(
    """
    husband wife partner spouse boyfriend girlfriend fiancé fiancée fiance fiancee son daughter
    kid child brother sister mother father mom mum dad uncle aunt niece nephew grandmother
    grandfather grandma grandpa cousin
    """
)
# The author as subject or owner; "me" and "us" are left out: in "Jasmine told me her role is
# at risk" the author only listens.
_MINE = words("my i i'm i've i'd we we're our ours myself")
# Layoffs someone came through: "there were layoffs in his dept but he survived".
_SURVIVED_RE = re.compile(
    r"\b(?:survived|dodged|escaped|made\s+it\s+through|kept\s+(?:her|his|their)\s+jobs?"
    r"|(?:wasn't|was\s+not|weren't|were\s+not|isn't|is\s+not)\s+(?:affected|impacted|hit)"
    r"|(?:team|role|job)\s+is\s+(?:safe|intact|fine))\b",
    re.IGNORECASE,
)
_THIRD = words("her his their she he they them him")
# Someone at their company, by role only: "their CFO got fired" is not the contact's news.
_ROLE_SUBJECT_RE = re.compile(
    r"\b(?:their|her|his|the|our|a|an)\s+(?:new\s+|old\s+|former\s+)?(?:CFO|CEO|CTO|COO|CMO"
    r"|CRO|CPO|VP|GM|PM|AE|boss|manager|director|champion|colleague|coworker|co-worker|founder"
    r"|cofounder|lead|buyer|rep|admin|accountant|lawyer"
    r"|co-founder|predecessor|landlord|recruiter|investor|head\s+of\s+\w+)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
# "Tariq's cofounder is dealing with a health scare": someone at their company, by role, owns
# the news told right after (unless a name comes between: "Ben's cofounder Lior has cancer").
_SOMEONES_ROLE_RE = re.compile(
    r"\b[\w’-]+(?:'s|’s)\s+(?:new\s+|old\s+|former\s+)?(?:CFO|CEO|CTO|COO|CMO|CRO|CPO|VP|boss"
    r"|manager|director|colleague|coworker|co-worker|cofounder|co-founder|business\s+partner"
    r"|assistant|EA|lawyer|accountant|landlord|investor)\s+(?:[\w'’-]+\s+){0,4}$",
    re.IGNORECASE,
)
_KIN_WORD = re.compile(_KIN, re.IGNORECASE)
# Someone neither the contact nor family owns the news right after: "her neighbour's house
# burned down", "a friend of hers lost her job".
_OUTSIDER_RE = re.compile(
    r"\b(?:neighbou?rs?|friends?|colleagues?|coworkers?|co-workers?|clients?|customers?"
    r"|landlord|tenants?|roommates?|flatmates?|housemates?)(?:'s|’s|s'|\s+of\s+(?:hers|his|theirs))\s+$",
    re.IGNORECASE,
)
_FIRST_PERSON_IN_RE = re.compile(r"\b(?:us|our|my|me)\b", re.IGNORECASE)
# A hard time a business has: "the market hit a rough patch", "sales are going through a tough time"
_BUSINESS_BEFORE_RE = re.compile(
    r"\b(?:market|markets|sales|deal|deals|pipeline|quarter|revenue|business|company|startup|growth"
    r"|numbers|product|launch|economy|industry|fundraising|fundraise|sector|stock|shares|round"
    r"|project|team's\s+numbers|q[1-4])\b[^.;!?\n]{0,25}$",
    re.IGNORECASE,
)
_QUOTE_RE = re.compile(r"\"[^\"]{0,600}\"|“[^”]{0,600}”")


@lru_cache(maxsize=32)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


@dataclass(frozen=True)
class _Owner:
    mine: bool = False
    person: str | None = None  # as written; None: the note's main person
    also: str | None = None  # "Tomas and Ines are separating": the second of two subjects


def find(doc: Doc, names: Names, relations: dict[str, str]) -> list[SensitiveNews]:
    """Each piece of bad news once per person. `relations` maps a relative's name to whom they
    are family of ("Minh" -> "Lê Thị Hoa"), from "her husband Minh"."""
    if _ALL_ANCHORS.isdisjoint(doc.words):
        return []
    text = doc.text
    out: list[SensitiveNews] = []
    seen: set[tuple[str, str | None, bool]] = set()
    quotes = [(m.start(), m.end()) for m in _QUOTE_RE.finditer(text)] if '"' in text else []
    last_owner = _Owner()
    found = [
        (m.start(), topic, m)
        for topic, anchors, pattern in _TOPICS
        if not anchors.isdisjoint(doc.words)
        for m in _compiled(pattern).finditer(text)
    ]
    # In the order written, so that "she" in a later clause can continue the news before it.
    for _, topic, m in sorted(found, key=lambda f: f[0]):
        quoted = next((q for q in quotes if q[0] <= m.start() < q[1]), None)
        if _ROLE_SUBJECT_RE.search(text, max(0, m.start() - 40), m.start()):
            continue
        if _OUTSIDER_RE.search(text, max(0, m.start() - 30), m.start()):
            continue  # "her neighbour's house burned down": the neighbour's news
        role = _SOMEONES_ROLE_RE.search(text, max(0, m.start() - 70), m.start())
        if role is not None and not any(
            role.start() + role.group(0).find("'") + 3 < x.start < m.start() for x in names.spans
        ):
            continue
        if (
            "said_of" in m.re.groupindex
            and m.group("said_of")
            and not _person_before(doc, names, m.start())
        ):
            continue  # "pricing is not in a good place": said of a thing
        if topic == "hard time" and _BUSINESS_BEFORE_RE.search(
            text, max(0, m.start() - 40), m.start()
        ):
            continue  # "the market hit a rough patch": nobody's news
        if topic == "laid off" and _SURVIVED_RE.search(_sentence(text, m.start())):
            continue  # "layoffs in his dept last month but he survived": not his news
        owner = _owner(doc, names, m.start(), topic, quoted, last_owner)
        inside = [x for x in names.spans if m.start() < x.start and x.end <= m.end()]
        if inside and not owner.mine:
            owner = _Owner(False, doc.restore(inside[0].name))  # "they let Dmitri go"
        elif not inside and quoted is None and _FIRST_PERSON_IN_RE.search(m[0]):
            owner = _Owner(mine=True)  # "flooding forced us out of our apartment"
        last_owner = owner
        if owner.mine and topic == "house fire" and not _compiled(rf"\b{_HOME}\b").search(m[0]):
            continue  # "our office had a small fire": the author's workplace, nobody's news
        people = [owner.person] + ([owner.also] if owner.also else [])
        if not owner.mine and owner.person in relations:
            people.append(relations[owner.person])
        for person in people:
            key = (topic, person, owner.mine)
            if key not in seen:
                seen.add(key)
                out.append(SensitiveNews(topic, None if owner.mine else person, owner.mine))
    order = {topic: i for i, (topic, _, _) in enumerate(_TOPICS)}
    return sorted(out, key=lambda n: order[n.topic])  # read in text order, told in topic order


def spans(doc: Doc) -> list[tuple[int, int]]:
    """Where bad news is told, whoever's it is: a date beside it is the news's day."""
    if _ALL_ANCHORS.isdisjoint(doc.words):
        return []
    return sorted(
        m.span()
        for _, anchors, pattern in _TOPICS
        if not anchors.isdisjoint(doc.words)
        for m in _compiled(pattern).finditer(doc.text)
    )


def _owner(
    doc: Doc,
    names: Names,
    pos: int,
    topic: str,
    quoted: tuple[int, int] | None,
    last: _Owner,
) -> _Owner:
    """Whose news the words at `pos` are: walk back through the clause to the nearest person."""
    if quoted is not None:
        return _nearest_name(doc, names, quoted[0]) or _Owner()
    start = max(0, pos - 160)
    sentence = max(doc.text.rfind(c, start, pos) for c in ".!?\n;")
    floor = sentence + 1 if sentence >= 0 else start
    k = doc.token_index_at(pos)
    k = (len(doc.tokens) if k is None else k) - 1
    condolences = doc.text[pos : pos + 11].lower() == "condolences"
    also: str | None = None
    while k >= 0 and doc.tokens[k].start >= floor:
        t = doc.tokens[k]
        span = names.by_last_token.get(k)
        if span is not None:
            if (
                also is None
                and span.first >= 2
                and doc.tokens[span.first - 1].lower in ("and", "&")
            ):
                # "he and Mei are separating", "Tomas and Ines …": news of both subjects
                also = doc.restore(span.name)
                k = span.first - 2
                continue
            return _Owner(False, doc.restore(span.name), also)
        low = t.lower.split("'", 1)[0] if not t.lower.startswith("i'") else "i"
        if low in _MINE and not condolences:
            return _Owner(mine=True)
        if low in _THIRD:
            if last.person is not None and also is None:
                return last  # "Maeve's dad had an accident; Luca says she's been at the hospital"
            found = _nearest_name(doc, names, t.start)
            return _Owner(False, found.person, also) if found else _Owner(False, None, also)
        k -= 1
    if also is not None:
        return _Owner(False, None, also)
    if last.person is not None or last.mine:
        return last  # "…passed away on Tuesday, funeral is on Saturday"
    if _bare_kin_first(doc, names, pos):
        return _Owner(mine=True)  # "call from home — dad's been hospitalised": the author's dad
    after = [s for s in names.spans if pos <= s.start and not doc.text[pos : s.start].count(".")]
    if after:
        return _Owner(False, doc.restore(after[0].name))  # "smoke damage throughout Raj's flat"
    return _nearest_name(doc, names, pos) or _Owner()


_BARE_KIN_RE = re.compile(rf"^{_KIN}(?:'s|’s)?\b", re.IGNORECASE)


def _bare_kin_first(doc: Doc, names: Names, pos: int) -> bool:
    """A relative with no owner opens the clause and nobody was named before it: the writer's
    own family ("— dad's been hospitalised"); after "lunch w/ Raj." it would be Raj's."""
    cs = doc.clause_start(pos)
    head = doc.text[cs:pos].strip(" \t—–-:,(")
    if _BARE_KIN_RE.match(head) is None:
        return False
    if any(x.start < pos for x in names.spans):
        return False
    return not any(t.lower in _THIRD for t in doc.tokens if t.start < pos)


def _person_before(doc: Doc, names: Names, pos: int) -> bool:
    k = doc.token_index_at(pos)
    k = (len(doc.tokens) if k is None else k) - 1
    if k < 0:
        return False
    low = doc.tokens[k].lower
    return (
        names.by_last_token.get(k) is not None
        or low in _THIRD
        or _KIN_WORD.fullmatch(low) is not None
    )


def _sentence(text: str, pos: int) -> str:
    start = max(text.rfind(c, 0, pos) for c in ".!?\n;")
    ends = [i for i in (text.find(c, pos) for c in ".!?\n;") if i >= 0]
    return text[start + 1 : min(ends) if ends else len(text)]


def _nearest_name(doc: Doc, names: Names, pos: int) -> _Owner | None:
    before = [s for s in names.spans if s.end <= pos]
    if not before:
        return None
    return _Owner(False, doc.restore(before[-1].name))


def family_of(refs: list[tuple[str, str | None, str | None]]) -> dict[str, str]:
    """(name, relation, related_to) -> {relative: whom they are family of}, family only."""
    return {name: to for name, rel, to in refs if rel in _FAMILY and to}
