"""Word lists the parser leans on. Plain frozensets of lower-case words, so lookups stay O(1)."""

from __future__ import annotations


def words(block: str) -> frozenset[str]:
    """A word set from a whitespace-separated block, easier to read and edit than a literal."""
    return frozenset(block.split())


MONTHS: dict[str, int] = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}

WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "weds": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}

FULL_WEEKDAYS = frozenset(w for w in WEEKDAYS if w.endswith("day"))

# Month names and short weekday words double as first names ("April said hi", "met Jan", "met
# Sun"): they count as names only where a person is clearly meant. Full weekday names never do.
CALENDAR_WORDS = frozenset(MONTHS) | (frozenset(WEEKDAYS) - FULL_WEEKDAYS)

PRONOUNS_OBJECT = frozenset({"him", "her", "them", "she", "he", "they"})
PRONOUNS_SUBJECT = frozenset({"she", "he", "they"})
FIRST_PERSON = frozenset({"i", "we"})

# Words that, capitalised, still are not people: pronouns, function words, note verbs, products,
# calendar words. Checked in lower case.
NOT_NAMES = words(
    """
    i i'm i'd i'll i've im me my mine myself we we're we'll we've us our ours you you're your yours
    he he's he'll he'd him his she she's she'll she'd her hers they they're they'll they'd them
    their theirs it it's its this that these those the a an some any all both each every no
    not nor yes
    ok okay also and but or so then just still really maybe perhaps very quite too well
    great good nice quick long short lovely fun interesting awesome amazing fantastic productive
    solid brief catch caught chat chatted spoke talked talk quickly finally again later soon
    today yesterday tomorrow tonight tmrw tmr last next morning afternoon evening night weekend week
    month year day days weeks months years re fyi fwiw btw note notes todo to-do private update
    reminder follow followup follow-up thanks thank hi hello hey dear happy congrats sad bad new old
    big first second per via with without for from to at in on of by about after before over under
    between during since until till if when while where what who whom whose why how which
    did does do done doing has have had having is are was were be been being will would could should
    can can't cannot must might shall let let's got get gets getting went go goes going gone came
    come comes coming said say says told tell asked ask asks met meet meets meeting meetings
    called call calls calling rang ring phoned phone emailed email emails e-mail texted text texts
    messaged message messages pinged ping dm dm'd sent send sends sending owe owes owed need needs
    needed want wants wanted prefers prefer preferred likes like liked loves love loved hates hate
    promised promise agreed agree waiting wait received receive introduced introduce intro intro'd
    reached reach had lunch lunches coffee coffees breakfast brunch dinner dinners drinks drink
    beers beer tea zoom teams slack google meet facetime whatsapp signal telegram skype linkedin
    twitter gmail meetup conference party wedding event events birthday bday anniversary born card
    postcard gift present looking hiring searching would-like christmas easter thanksgiving
    ramadan diwali hanukkah eid mr mrs ms dr prof sir madam mom mum dad husband wife partner son
    daughter brother sister team company inc ltd llc corp gmbh university school hospital church
    street road avenue office home house work project deal contract deck slides brief pricing
    sales demo pitch intro introduction invoice proposal offer please pls remember remind reminder
    don't dont do-not never always usually often sometimes probably definitely hopefully sadly
    unfortunately luckily apparently actually basically anyway anyhow however although though
    because since unless whether either neither other another such same own more most less
    least much many
    few several one two three four five six seven eight nine ten mentioned mention wrote write
    invited invite visited visit saw see seen heard hear thinks think thought thinking recommended
    suggested shared share bought buy gave give took take made make moved move works working lives
    runs started joined left quit hired fired lost passed died sick ill news world everyone
    everybody folks guys all there here mubarak
    """
)

# A capitalised word at the start of a sentence is only a name if a person-like verb follows.
PERSON_VERBS = words(
    """
    said says told asked asks called calls rang phoned emailed texted messaged pinged wrote writes
    wants wanted needs needed is was has had will would can could should might may must
    mentioned mentions loves loved likes liked prefers preferred hates sent sends got gets reached
    invited introduced owes owed promised agreed replied responded just also and joined left moved
    started works worked runs lives lived recommended suggested thinks thought went came finally
    still booked shared bought gave lost passed died turned is'nt isn't wasn't doesn't didn't won't
    can't 'll 'd 's 're 've agreed offered confirmed declined accepted signed paid introduced
    dm'd pinged visited hosted organised organized bailed cancelled canceled rescheduled
    """
)

# Words after which a capitalised (or caseless) word is taken as a person's name.
NAME_TRIGGERS = words(
    """
    with w met meet and called rang phoned emailed texted messaged pinged dm'd from to introduced
    intro'd intro asked owe owes told saw visited invited thank thanked congratulate congratulated
    for by ping call email text message remind tell ask meeting lunch coffee dinner drinks sent
    send sending gave give giving showed show handed forwarded
    """
)

# Words after which a capitalised word is a place, an organisation or a thing, not a person:
# "at Acme", "the Globex pilot", "prefers Rottweilers", "a Tesla".
PLACE_PREPOSITIONS = words(
    """
    at in near via of the into @ a an some any two several many his its their our your my this
    that these those prefers prefer preferred likes like liked loves love loved hates hate enjoys
    enjoy drinks drives eats breeds owns uses reads watches plays supports bought buys sells
    """
)
TRAVEL_VERBS = words(
    """
    move moving moved flew flying fly going went go trip travel travelling traveling relocate
    relocating relocated headed heading drove drive driving commute migrate migrating migrated
    switch switching switched upgrade upgrading upgraded port porting ported
    """
)

# Words after which a lower-case name the workspace knows is that person: "w/ yusuf",
# "sent anna-lena the notes", "pinged kai", "demo for raj and tyler", "ran into aoife".
LOWER_NAME_TRIGGERS = words(
    """
    with w met meet called call rang phoned emailed email texted text messaged message pinged ping
    dm'd dmd dm sent send sending told tell gave give owe owes asked ask thank thanked intro'd
    introduced intro cc cc'd to for from saw visited invited lunch coffee dinner drinks breakfast
    mtg meeting chat zoom whatsapp'd whatsapped by and into chasing chase chased nudged nudge
    nudging
    """
)

# English words that are also first names or surnames: a known person called Grace, Will or
# Jen Park only counts as written this way where a person is clearly meant.
COMMON_NAME_WORDS = words(
    """
    will mark may june april august grace rose bill sun an hope faith joy dawn summer frank rob
    sue pat art ray max chase hunter drew penny ruby amber iris lily holly ivy jade sky river guy
    al ed dee bo jack van don ben mo tan park long young king brown green white black gray grey
    rich hall page baker cook mason carter parker price wood stone lane bell rice cash gene
    """
)

# Nouns that make the capitalised words before them a thing: "the RetailX Expo", "Stripe Connect
# pilot", "SaaStr Europa meetup", "the Atlassian crew".
THING_NOUNS = words(
    """
    expo summit conference meetup meet-up forum festival hackathon awards fair con camp gala
    retreat offsite office hq team crew proposal account deal pilot launch booth stand event
    renewal integration package docs api app platform round program programme project day
    partnership webinar workshop roadshow campus store stores cafe café restaurant hotel bar pub
    airport station
    """
)

TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "mx"})
NAME_PARTICLES = words(
    """
    van von zu de da del della der den di du le la bin binti binte bint ibn al el dos das
    ter ten op y
    """
)

RELATIONS = words(
    """
    husband wife partner spouse boyfriend girlfriend fiancé fiancée fiance fiancee son daughter
    kid child brother sister mother father mom mum dad cousin colleague cofounder co-founder boss
    manager assistant friend uncle aunt niece nephew grandmother grandfather grandma grandpa
    """
)

# Dropped from recall questions: function words plus question words.
STOP_WORDS = words(
    """
    a an the and or but if of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there when
    where why how all any both each few more most other some such no nor not only own same so than
    too very s t can will just don should now who whom whose what which is are was were be been
    being have has had having do does did doing i me my myself we our ours us you your yours he him
    his himself she her hers herself it its itself they them their theirs themselves this that these
    those am would could shall may might must ever someone somebody anyone anybody something
    anything person people tell show list find search recall remember know knows mentioned mention
    said say says talked talk told ask asked get got please re last
    """
)

# Verbs that carry the question, not its subject: "who wanted a shelter dog?" searches shelter, dog.
QUESTION_VERBS = words(
    """
    want wanted wants wanting looking look looks need needs needed interested
    """
)

QUESTION_STARTS = words(
    """
    who what when where which whom whose how did does do has have is are any find recall search
    """
)
