"""What kind of interaction a note records, and who reached out."""

from __future__ import annotations

import re

from bot.parsing.doc import Doc, SpanSet, anchored
from bot.parsing.lexicon import words
from bot.parsing.model import Initiator
from bot.parsing.subjects import Names, Who, obj_at, subject_before

_I = re.IGNORECASE

# Canonical name and pattern. The earliest match outside a loop wins ("lunch with Sam, she
# called later" is a lunch); "meeting" is the weakest reading and only used when nothing else is.
_KIND_TABLE: tuple[tuple[str, str], ...] = (
    (
        "interview",
        r"\binterview(?:ed|s)?\b(?!\s+(?:notes|feedback|panel|loop|slots?|questions|guide|plan)\b)"
        r"|\bphone[\s-]+screen(?:ed|ing)?\b|\bscreening\s+call\b"
        # a recruiter's shorthand: "final w/ Khoa", "final round with Aditi", "screen: Marek"
        r"|\bfinal(?:\s+round)?s?\s+(?:w/|w\s|with\b)|\bscreen(?:ed)?(?=\s*:)"
        r"|\b(?:tech(?:nical)?|recruiter|hiring[\s-]+manager|culture|coding)\s+screens?\b",
    ),
    (
        "voice note",
        r"\bvoice[\s-]*(?:note|memo|message|msg)s?\b|\bvoice\s+clip\b",
    ),
    (
        "video call",
        r"\bvid(?:eo)?[\s-]*(?:call|chat)s?\b|\bzoom(?:ed)?\b|\bgoogle\s+meet\b|\bg-?meet\b"
        r"|\bface-?time(?:d)?\b|\bteams\s+call\b|\bskyped?\b|\bwebex\b|\bhangouts?\b"
        r"|\bon\s+(?:meet|teams|whereby|jitsi)\b",
    ),
    (
        "call",
        r"\bphone\s+call\b|\bcall(?:ed|s)?\b|\brang\b|\bphoned\b|\bspoke\s+on\s+the\s+phone\b"
        r"|\bon\s+the\s+phone\b|\bvoicemails?\b|\bhuddle[sd]?\b|\bdisco(?:very)?\b(?!\s+ball)"
        r"|\bno\s+answer\b|\bpicked\s+up\b(?=\s*(?:[.!,;]|$))|\bappel\b|\bllamada\b"
        r"|\banruf\b|\btelefonat\b|\bligação\b|\btelefonema\b"
        # "gave Zanele a ring", "gave him a buzz": a phone call in other words
        r"|\bgave\s+(?:[\w'’-]+\s+){1,2}a\s+(?:ring|bell|buzz|tinkle)\b",
    ),
    (
        "coffee",
        r"\bcoffees?\b|\bespresso\b|\blatte\b|\bcappuccino\b|\bflat\s+white\b|\bchai\b"
        r"|\bkopi\b|\bmatcha\b|\bcafezinho\b|\bcafecito\b|\bcafé\s+com\b|\bcafé\s+avec\b",
    ),
    (
        "breakfast",
        r"\bbreakfast\b|\bbrunch\b|\bbrekkie\b|\bbrekky\b|\bpetit[\s-]d[ée]jeuner\b"
        r"|\bdesayuno\b|\bfr[üu]hst[üu]ck\b",
    ),
    (
        "lunch",
        r"\blunch(?:ed|es)?\b|\balmo[çc]o\b|\bd[ée]jeuner\b|\balmuerzo\b|\bmittagessen\b"
        r"|\bpranzo\b",
    ),
    ("event", r"\bdinner\s+party\b"),
    ("dinner", r"\bdinners?\b|\bsupper\b|\bbbq\b|\bbarbecue\b|\bd[îi]ner\b|\bjantar\b"),
    (
        "drinks",
        r"\bdrinks?\b|\bbeers?\b|\bpints?\b|\bcocktails?\b|\bhappy\s+hour\b|\bwine\b",
    ),
    (
        "email",
        r"\be-?mail(?:ed|s|ing)?\b|\bmailed\b|\bcc(?:'d|ed)?\b(?=\s+(?!Zzq)[A-Z@<])|\bbcc\b"
        r"|\bfwd(?:'d|ed)\b|\bforwarded\b",
    ),
    (
        "text",
        r"\btext(?:ed|s|ing)?\b|\bslack(?:ed|'d)\b|\bim'd\b|\bsms\b|\bwhats-?app(?:ed|'d)?\b|\bimessage\b|\bmessag(?:ed|es?)\b"
        r"|\bdm(?:'d|ed|s)?\b|\btelegram\b|\bping(?:ed|s)?\b|\bmsgs?\b|\binmail(?:'d|ed)?\b"
        r"|\breached\s+out\s+on\s+(?:linkedin|whatsapp|slack|signal)\b|\bwechat(?:ted)?\b"
        r"|\b(?:replied|messaged|wrote)\s+on\s+(?:li|linkedin)\b|\baccepted\s+(?:my\s+)?connection\b"
        # "nudged her on linkedin", "chased him again on whatsapp": a message, by its channel
        r"|\b(?:nudged|chased|pinged)\s+(?:[\w'-]+\s+){1,3}?(?:again\s+)?on\s+(?:li|linkedin|whatsapp|slack"
        r"|signal|telegram|teams)\b"
        r"|\bon\s+slack\b",  # only after an ask: "ingrid asked on slack for …" (kind())
    ),
    (
        "gift",
        r"\bgift(?:s|ed)?\b|\bflowers\b|\bhamper\b|\bfruit\s+basket\b|\bbouquet\b"
        # "sent her a bottle of that tea she likes": something sent, not a drink shared
        r"|\b(?:sent|gave|dropped\s+off)\s+(?:\S+\s+){1,2}(?:bottle|box|basket|case|crate)\s+of\b"
        # bought for someone: "couriered hemi a signed jersey", "ordered him a bottle of Ouzo",
        # "got her a custom keycap set from the team"
        r"|\b(?:bought|ordered|couriered)\s+(?:her|him|them|[\w'’-]+)\s+an?\s+"
        r"|\bgot\s+(?:her|him|them)\s+an?\s+(?:[\w'’-]+\s+){0,3}?(?:from|for)\s+(?:the|all|us|our)\b",
    ),
    ("card", r"\b(?:post)?cards?\b|\bthank[\s-]you\s+note\b"),
    (
        "meeting",
        r"(?:\bmeeting\b|\bmet\b|\bmeet\b|\bcatch[\s-]?up\b|\bcaught\s+up\b|\bsat\s+down\s+with\b"
        r"|\bin\s+person\b|\bone-on-one\b|\bmtg\b|\bmeting\b|\bmeeing\b|\bmeetng\b"
        r"|\bmeetign\b|\bmeeitng\b|\bmetting\b|\bmeetting\b|\bf2f\b|\bface[\s-]to[\s-]face\b|\birl\b"
        r"|\b(?:bumped|ran)\s+into\b|\bsync(?:ed)?\b|\bqbr\b|\bretro\b|\bstand-?up\b"
        r"|\b1:1\b|\b1-on-1\b|\bdebrief\b|\bsite\s+visit\b|\bvisit\b|\bviewing\b"
        r"|\bappraisal\b|\bkick-?off\b|\bboard\s+prep\b|\bwalk-?through\b|\bdemo\b"
        r"|\btraining\b|\breuni[ãa]o\b|\br[ée]union\b|\brdv\b"
        # "presented the roadmap to Chidi", "pitched our API to Halima": in the room with them
        r"|\b(?:presented|pitched)\b(?=(?:\s+[\w'-]+){1,4}\s+to\s))"
        # "the QBR deck", "meeting notes": a document about a meeting is a thing, not a meeting
        r"(?!\s+(?:deck|slides|notes|doc|docs|agenda|invite|summary|minutes|prep|template|link"
        r"|links|video|account|env|environment|script|recording|day|plan|plans|materials)\b)",
    ),
    (
        "event",
        r"\bconference\b|\bevent\b|\bparty\b|\bwedding\b|\bmeet-?up\b|\bsummit\b|\bgala\b"
        r"|\bmixer\b|\bnetworking\s+(?:night|evening|drinks)\b"
        r"|\bwebinar\b|\bworkshop\b|\boffsite\b|\btrade\s?show\b|\bexpo\b|\bfestival\b"
        r"|\bopen\s+(?:for\s+inspection|house|home)\b|\bhackathon\b|\bdemo\s+day\b",
    ),
)
_WEAK = "meeting"
# How an ask came, inside the loop it opens: "asked for our certificates over email",
# "asked on slack for a reference" (not "asked for Tom's email": an address).
_ASKED_VIA_RE = re.compile(r"\b(?:asked|requested)\b[^.;!?]{0,80}?\b(?:over|via|on)\s+$", re.I)
_ASKED_BEFORE_RE = re.compile(r"\b(?:asked|requested)\s+(?:[\w'-]+\s+){0,2}$", re.IGNORECASE)


def _asked_on(doc: Doc, m: re.Match[str]) -> bool:
    start = doc.clause_start(m.start())
    if m[0].lower().startswith("on "):
        return _ASKED_BEFORE_RE.search(doc.text, start, m.start()) is not None
    return _ASKED_VIA_RE.search(doc.text, start, m.start()) is not None


_DURING_RE = re.compile(r"\b(?:on\s+(?:the|our|this|that)|during\s+(?:the|our))\s+$", re.IGNORECASE)
# "he'll join the yusuf call", "will set up a call": an interaction still to come
_PLAN_BEFORE_RE = re.compile(
    r"(?:\bwill|'ll|\bgonna|\bgoing\s+to)\s+(?:[\w'-]+\s+){0,3}$", re.IGNORECASE
)
# "re Pieter's email", "Maria's emails": someone's message, a thing the note is about
# (not "per Ken's email": that is how Ken told us)
_THING_OF_RE = re.compile(
    r"\b(?:re|about|sent|send|for|get|got|share|shared|need|needs|owes?|forward)\s+[\w-]+'s\s+$",
    re.IGNORECASE,
)
# Things one does with people that name the interaction only when this note is about them
# having happened: "debrief", "site visit w/ Haruto"; not "demo for Raj tomorrow".
_ACTIVITIES = words(
    "debrief visit viewing appraisal kickoff kick-off walkthrough walk-through demo training"
)
_ACTIVITY_FUTURE_RE = re.compile(
    r"\b(?:tomorrow|tmrw|tommorrow|tomorow|next|upcoming|later|tonight|soon|planned|planning)\b"
    r"|\b(?:is|'s)\s+(?:on\s+)?(?:mon|tue|wed|thu|fri|sat|sun|\d)",
    re.IGNORECASE,
)
_ACTIVITY_OBJECT_RE = re.compile(
    r"\b(?:from|of|after|before|since|about)\s+(?:the|our|their|his|her)\s+(?:\w+\s+)?$", re.I
)


def _activity_happened(doc: Doc, start: int, end: int) -> bool:
    if _ACTIVITY_OBJECT_RE.search(doc.text, max(0, start - 30), start):
        return False
    stop = min(
        (i for i in (doc.text.find(c, end) for c in ".!?\n") if i >= 0), default=len(doc.text)
    )
    sentence = doc.text[doc.clause_start(start) : stop]  # "demo for raj and tyler tmrw"
    return _ACTIVITY_FUTURE_RE.search(sentence) is None


_BOOKED_BEFORE_RE = re.compile(
    r"\b(?:booked|scheduled|set\s+up|pencilled|penciled|pushed|moved|rescheduled|postponed"
    r"|cancelled|canceled|no-?showed|no-show'd|ghosted|skipped|missed)"
    r"\s+(?:a|an|the|our)?\s*(?:\w+\s+)?$",
    re.IGNORECASE,
)
_BOOKED_AFTER_RE = re.compile(
    r"\s+(?:booked|scheduled|pencilled|penciled|set\s+for)\b", re.IGNORECASE
)
_CALLS_THEM_RE = re.compile(r"\s+(?:her|him|them)\s+[A-Z]")
_CHANNEL_THEN_KIND_RE = re.compile(r"\s+(?:voice|video|call|calls|phone)\b", re.IGNORECASE)
_OTHERS_PLAN_RE = re.compile(
    r"\b(?:they're|they\s+are|they'll|they\s+will|they)\s+$", re.IGNORECASE
)
# An event named in a note is only the interaction when the author was at it: "Meetup recap",
# "went to the conference"; "wants a booth at the expo" or "see you at the offsite" is not.
_ATTENDED_RE = re.compile(
    r"\brecap\b|\battended\b|\bwent\s+to\b|\b(?:was|were)\s+at\b|\bspoke\s+at\b"
    r"|\bpresented\s+at\b|\bhosted\b|\bran\s+the\b|\bback\s+from\b|\bdone\b|\bwrapped\b"
    r"|\bgroups?\s+through\b|\bppl\b|\bpeople\s+came\b|\bturnout\b",
    _I,
)
_DAY_N_RE = re.compile(r"[\w-]+\s+day\s+[1-9]\b", _I)  # "Web Summit day 1": the author is there
# A note that opens by naming an event, then meets people, was written there: "Notman House
# mixer tonight. ran into JB"; "wants a booth at the expo. met Sam" opens with something else.
_MET_THERE_RE = re.compile(r"\b(?:met|ran\s+into|bumped\s+into|caught\s+up\s+with)\b", _I)
# One pattern, alternatives in priority order ("dinner party" before "dinner"); group k{i} is
# _KIND_TABLE[i].
_KIND_RE = re.compile(
    "|".join(f"(?P<k{i}>{pattern})" for i, (_, pattern) in enumerate(_KIND_TABLE)), _I
)
_KIND_ANCHORS = words(
    """
    video zoom zoomed google gmeet g-meet facetime facetimed face-time teams skype skyped webex
    hangout hangouts phone call called calls rang phoned spoke on coffee coffees espresso latte
    cappuccino flat breakfast brunch lunch lunched lunches dinner dinners supper drink drinks beer
    beers pint pints cocktail cocktails happy wine email e-mail emailed emails e-mailed mailed text
    texted texts sms whatsapp whats-app whatsapped imessage message messaged messages dm dm'd dmed
    telegram gift gifts gifted flowers hamper card cards postcard postcards thank conference
    event party wedding meetup meet-up summit gala webinar workshop offsite trade tradeshow expo
    festival meeting met meet catch catchup catch-up caught sat in one-on-one interview
    interviewed interviews phone screening voice voicemail voicemails huddle huddles huddled
    brekkie brekky ping pinged pings msg msgs inmail reached wechat wechatted mtg meting meeing
    meetng bumped ran sync synced qbr retro standup stand-up whatsapp'd dms disco discovery no
    picked appel llamada anruf telefonat ligação telefonema chai kopi matcha cafezinho cafecito
    café petit desayuno frühstück fruhstuck almoço almoco déjeuner dejeuner almuerzo mittagessen
    pranzo bbq barbecue dîner diner jantar cc cc'd cced bcc replied messaged wrote accepted
    debrief site visit viewing appraisal kickoff kick-off board walkthrough walk-through demo
    training reunião reuniao réunion reunion rdv open hackathon final finals screen screened
    sent gave dropped fruit bouquet mixer networking fwd'd fwded forwarded inmail'd inmailed
    presented pitched bought ordered couriered got texting emailing e-mailing slacked slack'd
    im'd meetign meeitng metting meetting f2f face irl tech technical recruiter hiring culture
    coding vid nudged chased
    """
)


def kind(doc: Doc, skip: SpanSet) -> str | None:
    """The first kind named outside a loop or a plan; "meeting" only when nothing more specific
    is, and an event only when the author was at it."""
    weak = False
    event = False
    bumped = False
    first: str | None = None
    first_clause = -1
    for m in anchored(doc, _KIND_RE, _KIND_ANCHORS):
        name = _KIND_TABLE[int(str(m.lastgroup)[1:])][0]
        asked_on = name in ("email", "text") and _asked_on(doc, m)
        if skip.covers(m.start()) and not (
            (name == "call" and _DURING_RE.search(doc.text, max(0, m.start() - 12), m.start()))
            or (name == "text" and m[0].lower().startswith(("nudged", "chased", "pinged")))
            or asked_on
        ):
            continue  # inside a loop, unless it says how we spoke: "… on the call", a chase
        if name == "text" and m[0].lower().startswith("on ") and not asked_on:
            continue  # "she's on slack": where someone is, not a message
        clause = doc.clause_start(m.start())
        if first_clause < 0:
            first_clause = clause
        if name == "interview" and m[0].lower().startswith("final") and clause != m.start():
            continue  # "Shiv's final w/ their CTO", "want a final w/ the CTO": not ours, or a plan
        if name == "interview" and clause == first_clause:
            return name  # "Zoom interview": what it was beats how it was held
        if name == "event" and m.group(0).lower() != "dinner party":
            # an open home is run by the author: being there is what it is
            event = event or m[0].lower().startswith("open") or _attended(doc, m.start())
            continue
        if m[0].lower() in _ACTIVITIES and not _activity_happened(doc, m.start(), m.end()):
            continue  # "notes from the kickoff", "demo for Raj tomorrow": not what this was
        if _BOOKED_BEFORE_RE.search(doc.text, max(0, m.start() - 30), m.start()) or (
            _BOOKED_AFTER_RE.match(doc.text, m.end())
        ):
            continue  # "booked a disco call for Friday", "call booked 30/4": a plan
        clause_text = doc.text[clause : m.start()]
        if _PLAN_BEFORE_RE.search(clause_text):
            continue  # "he'll join the yusuf call": a plan
        if name in ("email", "text", "card") and _THING_OF_RE.search(clause_text):
            continue  # "still nothing re Pieter's email": the thing, not how we spoke
        if name == "card" and _NOT_A_CARD_RE.search(doc.text, max(0, m.start() - 12), m.start()):
            continue  # "the rate cards", "a business card": things, not a card sent
        if name == "card" and first == "email" and _MAILED_RE.search(doc.text, 0, m.start()):
            first = "card"  # "mailed her a card": by post
            continue
        if name == "card" and m[0][:1].isupper():
            prev = doc.text[max(0, m.start() - 20) : m.start()].split()
            if prev and prev[-1][:1].isupper() and m.start() != clause:
                continue  # "a Blue Card transfer": a name, not a card sent
        if name == "call" and _CALLS_THEM_RE.match(doc.text, m.end()):
            continue  # "everyone calls him Yus": what he is called, not a phone call
        if name == "text" and _CHANNEL_THEN_KIND_RE.match(doc.text, m.end()):
            continue  # "WhatsApp voice note", "WhatsApp call": the channel of the kind after it
        if name == _WEAK and _OTHERS_PLAN_RE.search(doc.text, max(0, m.start() - 14), m.start()):
            continue  # "intro made, they're meeting Thursday": their meeting, not ours
        if name != _WEAK:
            first = first or name
        elif m[0].lower().startswith(("bumped", "ran")) and not event:
            bumped = True  # before the event is named: "bumped into X at the summit"
        weak = True
    if first is None and not event:
        named = _NAMED_EVENT_RE.search(doc.text)
        if named is not None:
            # "Berlin Go Night tonight… met Lukas": "tonight" reads as a plan, "met" says the
            # author was there
            event = _attended(doc, named.start())
    if first is not None:
        return first
    if bumped and event:
        return _WEAK  # "bumped into Ayanda at the summit": a chance meeting there
    if event:
        return "event"
    if not weak and _ONE_ON_ONE_RE.search(doc.text) and not skip.covers(doc.text.find("1")):
        return _WEAK  # "1:1 w/ Itzik": digits are no tokens, so the table never sees it
    if not weak and _F2F_RE.search(doc.text):
        return _WEAK  # "f2f with Bongani": likewise
    return _WEAK if weak else None


# An event named with capitals and a word like "Night": "Lagos Fintech Night", "Go Night"
_NAMED_EVENT_RE = re.compile(r"\b[A-Z][\w-]*\s+(?:Night|Week|Weekend)\b")
_NOT_A_CARD_RE = re.compile(
    r"\b(?:rate|business|credit|debit|sim|report|score|gift|key|loyalty|id|access|sd|graphics)\s+$",
    re.IGNORECASE,
)
_MAILED_RE = re.compile(r"\bmailed\b", re.IGNORECASE)
_F2F_RE = re.compile(r"\bf2f\b", re.IGNORECASE)
_ONE_ON_ONE_RE = re.compile(r"(?<![\d:/.])1\s?(?::|-on-|on)\s?1(?![\d:/.])", re.IGNORECASE)
_AT_EVENT_RE = re.compile(
    r"(?P<before>[\w'-]+\s+)?\bat\s+(?:the\s+|a\s+|an\s+|their\s+|his\s+|her\s+|our\s+)?"
    r"(?:[\w'&-]+\s+){0,3}$",
    _I,
)
_NOT_ATTENDING = words("speaking speak talk talking booth stand slot table about space tickets")


def _attended(doc: Doc, pos: int) -> bool:
    """ "met Priya at the conference", "Raj at the Python meetup", "Meetup recap"."""
    cs = doc.clause_start(pos)
    if _DAY_N_RE.match(doc.text, pos) or (cs == 0 and _MET_THERE_RE.search(doc.text, pos)):
        return True
    if _ATTENDED_RE.search(doc.text, max(0, cs - 40), min(len(doc.text), pos + 40)):
        return True
    m = _AT_EVENT_RE.search(doc.text, max(0, pos - 60), pos)
    if m is None:
        return False
    before = (m.group("before") or "").strip().lower()
    return before not in _NOT_ATTENDING


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
_CONTACT_ANCHORS = words(
    """
    called rang phoned emailed e-mailed texted messaged pinged dm'd dmed wrote invited contacted
    met visited reached got took
    """
)
_FROM_ANCHORS = words(
    """
    call calls email emails e-mail e-mails text texts message messages note notes letter letters
    invite invites invitation invitations dm dms ping pings voicemail voicemails card cards gift
    gifts request requests intro intros reply replies callback call-back callbacks
    """
)
_HEARD_ANCHORS = words("heard")

# Words that say an interaction happened: a date in their clause is when it happened.
INTERACTION_WORDS = (
    # the gift and recruiter words name a kind only in their phrase: "sent" alone is no interaction
    (
        _KIND_ANCHORS
        - {"on", "in", "happy", "flat", "trade", "sat", "thank"}
        - {"sent", "gave", "dropped", "fruit", "final", "finals", "screen", "screened"}
        - {"bought", "ordered", "couriered", "got"}
        - {"face", "tech", "technical", "recruiter", "hiring", "culture", "coding", "vid"}
    )
    | _CONTACT_ANCHORS
    | words("saw seen spoke talked said told replied chatted caught ran bumped hung hosted joined")
)


def initiator(doc: Doc, names: Names, skip: SpanSet) -> Initiator | None:
    """ME when the author reached out ("called Raj", "I emailed Priya", "met Jane"), THEM when
    the contact did ("Raj called me", "email from Priya", "she texted me"), None when unclear."""
    found: list[tuple[int, Initiator]] = []
    for m in anchored(doc, _CONTACT_RE, _CONTACT_ANCHORS):
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
    for pattern, anchors in ((_FROM_RE, _FROM_ANCHORS), (_HEARD_RE, _HEARD_ANCHORS)):
        for m in anchored(doc, pattern, anchors):
            if obj_at(doc, names, m.end()) is not None:
                found.append((m.start(), Initiator.THEM))
                break
    return min(found)[1] if found else None
