"""Sensitive news, and whose it is; occasions on the right person; kinds of interaction."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Knowledge, KnownPerson, OccasionSpec, ParsedNote, SensitiveNews, parse_note

NOW = datetime(2026, 4, 21, 14, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def parse(text: str) -> ParsedNote:
    return parse_note(text, now=NOW, tz="Europe/Berlin")


def news(text: str) -> tuple[tuple[str, str | None, bool], ...]:
    return tuple((n.topic, n.person, n.mine) for n in parse(text).sensitivity)


NEWS = [
    (
        "the-fire-story",
        "Chris called: there was a fire in the kitchen of their house, smoke damage everywhere, "
        "family is fine, staying in temporary housing",
        (("house fire", "Chris", False), ("lost home", "Chris", False)),
    ),
    ("kitchen-fire", "Jane had a kitchen fire last week", (("house fire", "Jane", False),)),
    ("smoke-damage", "smoke damage throughout Raj's flat", (("house fire", "Raj", False),)),
    ("lost-their-home", "Tom lost his home in the floods", (("lost home", "Tom", False),)),
    (
        "temporary-accommodation",
        "Tom's family is in temporary accommodation",
        (("lost home", "Tom", False),),
    ),
    ("flooded", "Chloe's house flooded in the storm", (("lost home", "Chloe", False),)),
    ("wildfire", "Tom's family lost everything in the wildfires", (("house fire", "Tom", False),)),
    ("hospital", "Layla's father is in hospital", (("hospital", "Layla", False),)),
    ("icu", "Carmen is out, her father is in the ICU", (("hospital", "Carmen", False),)),
    ("surgery", "Nkechi is going in for surgery next week", (("surgery", "Nkechi", False),)),
    ("cancer", "Emma was diagnosed with breast cancer", (("illness", "Emma", False),)),
    ("stroke", "Aisha's husband had a stroke", (("illness", "Aisha", False),)),
    ("bereavement", "Femke lost her mom over the weekend", (("bereavement", "Femke", False),)),
    ("passed-away", "Ines' father passed away last week", (("bereavement", "Ines", False),)),
    (
        "funeral",
        "Tom's dad died, funeral Saturday",
        (("funeral", "Tom", False), ("bereavement", "Tom", False)),
    ),
    ("miscarriage", "John's wife had a miscarriage", (("miscarriage", "John", False),)),
    (
        "company-laying-off",
        "call w/ Femi - Harrow is laying off a fifth of ops, he thinks he's on the list",
        (("laid off", "Femi", False),),
    ),
    (
        "role-at-risk",
        "Maeve said her role is at risk in the restructure",
        (("laid off", "Maeve", False),),
    ),
    ("layoffs-elsewhere", "Luca said lots of layoffs at their competitor", ()),
    (
        "separating",
        "Ingrid mentioned she and her husband are separating",
        (("divorce", "Ingrid", False),),
    ),
    ("partner-split", "Ingrid and her partner split last month", (("breakup", "Ingrid", False),)),
    ("split-the-bill", "split the bill with Ingrid after the dinner", ()),
    ("clinic-fire", "Raj's clinic had a small fire last night", (("house fire", "Raj", False),)),
    ("warehouse-burned", "Femi said their warehouse burned down", (("house fire", "Femi", False),)),
    ("our-office-fire", "Our office had a small fire in the server room, told Jane", ()),
    (
        "she-continues-the-news",
        "coffee w/ Luca. Maeve's dad had a car accident, Luca says she's been at the hospital",
        (("hospital", "Maeve", False), ("accident", "Maeve", False)),
    ),
    ("lost-the-baby", "Greg and his wife lost the baby", (("miscarriage", "Greg", False),)),
    ("divorce", "Luis is going through a divorce", (("divorce", "Luis", False),)),
    ("layoffs", "Katrin's team got hit by layoffs", (("laid off", "Katrin", False),)),
    (
        "made-redundant",
        "Siobhán said her team was made redundant",
        (("laid off", "Siobhán", False),),
    ),
    ("let-go", "Aoife was let go on Friday", (("laid off", "Aoife", False),)),
    ("car-accident", "Nadia is on leave after a car accident", (("accident", "Nadia", False),)),
    (
        "someone-elses-in-the-note",
        "Tariq said Omar's divorce is final",
        (("divorce", "Omar", False),),
    ),
    ("colleague-is-not-family", "Ben's cofounder Lior has cancer", (("illness", "Lior", False),)),
    (
        "family-news-is-the-familys",
        "Hoa's husband Minh had surgery",
        (("surgery", "Minh", False), ("surgery", "Hoa", False)),
    ),
    ("my-own", "ugh, my dad is in the hospital again. told Kai", (("hospital", None, True),)),
    (
        "my-own-surgery",
        "I'm out next week for my own surgery, Ben knows",
        (("surgery", None, True),),
    ),
    ("my-grandmother", "my grandmother passed away, Chris knows", (("bereavement", None, True),)),
    (
        "condolences-are-theirs",
        "emailed Carmen our condolences",
        (("bereavement", "Carmen", False),),
    ),
    (
        "quoted-words-are-the-quoted",
        'From Maria: "We had a fire in the kitchen of our house."',
        (("house fire", "Maria", False),),
    ),
    ("dead-in-the-water", "the proposal is dead in the water", ()),
    ("crushing-it", "Jane is crushing it this quarter", ()),
    ("on-fire", "she's on fire this quarter", ()),
    ("emoji-fire", "Tyler's deal is on fire 🔥", ()),
    ("the-crm-died", "the old CRM died, re-entering contacts", ()),
    ("the-deal-died", "the deal died in legal", ()),
    ("office-fire-drill", "fire drill at the office, all fine", ()),
    ("killing-it", "Killing it: Jane's team shipped", ()),
    ("sick-demo", "Raj is sick of waiting for legal", ()),
    ("by-accident", "Sam cc'd me by accident", ()),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in NEWS], ids=[r[0] for r in NEWS])
def test_sensitive_news_and_whose(
    text: str, expected: tuple[tuple[str, str | None, bool], ...]
) -> None:
    assert news(text) == expected


def test_the_authors_own_news_mutes_nobody() -> None:
    note = parse("my mom is in hospital in Saigon — told An")
    assert note.sensitive == ()
    assert note.sensitivity == (SensitiveNews("hospital", None, mine=True),)


OCCASIONS = [
    ("numeric-mdy-zone", "derek's bday is 3/8", "America/New_York", OccasionSpec("birthday", 3, 8)),
    (
        "numeric-dmy-zone",
        "Sanne's bday: 24/3",
        "Europe/Berlin",
        OccasionSpec("birthday", 3, 24, None, "Sanne"),
    ),
    (
        "dmy-ambiguous-by-zone",
        "Zara's birthday: 3/5",
        "Australia/Sydney",
        OccasionSpec("birthday", 5, 3, None, "Zara"),
    ),
    ("turns-n-on", "Olu turns 50 on Oct 3", "Europe/Berlin", OccasionSpec("birthday", 10, 3, 1976)),
    (
        "nth-birthday",
        "Seán's 40th birthday is on 9 Jan",
        "Europe/Berlin",
        OccasionSpec("birthday", 1, 9, 1987),
    ),
    (
        "turns-later",
        "Priya's bday is 9/22 — she turns 40",
        "America/New_York",
        OccasionSpec("birthday", 9, 22, 1986, "Priya"),
    ),
    (
        "married-years",
        "Paddy's anniversary is 21 Dec, married 10 yrs",
        "Europe/Berlin",
        OccasionSpec("anniversary", 12, 21, 2016, "Paddy"),
    ),
    (
        "colon-name-dash",
        "birthday: Lena Ortiz - Aug 9",
        "Europe/Berlin",
        OccasionSpec("birthday", 8, 9, None, "Lena Ortiz"),
    ),
    (
        "round-birthday-after-possessive",
        "Mehmet's 50th is on 3 May!! send something",
        "Europe/Berlin",
        OccasionSpec("birthday", 5, 3, 1976, "Mehmet"),
    ),
    (
        "birthday-dash-numeric",
        "Bayo's birthday - 2/6. He's turning 60!",
        "Africa/Lagos",
        OccasionSpec("birthday", 6, 2, 1966, "Bayo"),
    ),
    (
        "work-anniversary-years",
        "Wei Ling's 5 yr work anniv at Zestline is 1 July",
        "Asia/Singapore",
        OccasionSpec("anniversary", 7, 1, 2021, "Wei Ling"),
    ),
    (
        "short-form-of-a-named-person",
        "dinner w/ Dr. Samuel Adebayo-Klein. Sam's 40th is 8/2, throwing a thing",
        "America/Los_Angeles",
        OccasionSpec("birthday", 8, 2, 1986, "Samuel Adebayo-Klein"),
    ),
    (
        "second-person-named",
        "lunch w/ Sam, Jo's birthday is June 2",
        "Europe/Berlin",
        OccasionSpec("birthday", 6, 2, None, "Jo"),
    ),
]


@pytest.mark.parametrize(
    ("text", "tz", "expected"), [r[1:] for r in OCCASIONS], ids=[r[0] for r in OCCASIONS]
)
def test_occasions(text: str, tz: str, expected: OccasionSpec) -> None:
    assert parse_note(text, now=NOW, tz=tz).occasions == (expected,)


KINDS = [
    ("interview", "Interview w/ Jamal for the AE role", "interview"),
    ("phone-screen", "Phone screen with Aoife", "interview"),
    ("zoom-interview", "Zoom interview w/ Kevin", "interview"),
    ("voice-note", "voice note from Katrin re the pilot", "voice note"),
    ("voice-memo", "voice memo to Aoife with feedback", "voice note"),
    ("voicemail-is-a-call", "left a voicemail for Kevin", "call"),
    ("huddle", "Slack huddle w/ Kevin", "call"),
    ("ping", "pinged mai re availability", "text"),
    ("dm", "DM'd Rebecca on LinkedIn", "text"),
    ("dm-from", "DM from Rahul", "text"),
    ("msgs", "Eid Mubarak msgs sent to Omar", "text"),
    ("linkedin", "John reached out on LinkedIn", "text"),
    ("whatsapp-d", "Whatsapp'd Layla", "text"),
    ("message-not-the-event", "messaged Yusuf to confirm his slot at the offsite", "text"),
    ("in-person", "in person w/ Miguel at the office", "meeting"),
    ("mtg", "mtg w/ maria went well", "meeting"),
    ("meting-typo", "had a meting with rahul", "meeting"),
    ("bumped-into", "bumped into Joost at the station", "meeting"),
    ("ran-into", "ran into Rajesh at the airport", "meeting"),
    ("sync", "planning sync w/ Pieter", "meeting"),
    ("qbr", "QBR with Chloe", "meeting"),
    ("brekkie", "brekkie w/ Liam", "breakfast"),
    ("met-at-the-conference", "met Priya at the conference", "event"),
    ("recap", "Meetup recap: great turnout", "event"),
    ("event-only-mentioned", "wants a booth at the expo", None),
    ("event-from", "D says hi from the offsite", None),
    ("speaking-at", "chat with Pieter about speaking at the Expo", None),
    ("plan-is-not-the-kind", "Meeting Thursday", None),
    ("plan-tomorrow", "mtg w maria tmrw 2pm", None),
    ("past-and-plan", "call with Raj, meeting set for 4 June", "call"),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in KINDS], ids=[r[0] for r in KINDS])
def test_kinds(text: str, expected: str | None) -> None:
    assert parse(text).kind == expected


def test_an_alias_owns_its_occasion() -> None:
    known = Knowledge(
        people=(KnownPerson("Anna-Lena Vogt", aliases=("AL",)), KnownPerson("Jo Lee"))
    )
    note = parse_note(
        "lunch w/ Jo Lee, AL's bday is 2 May", now=NOW, tz="Europe/Berlin", known=known
    )
    assert note.occasions == (OccasionSpec("birthday", 5, 2, None, "AL"),)
    assert [p.known_as for p in note.people] == ["Jo Lee", "Anna-Lena Vogt"]


# Round 5: bad news told plainly or sideways, and whose it is.
NEWS_ROUND5 = [
    (
        "flooding-forced-them-out",
        "Ava called, flooding forced them out of their house",
        (("lost home", "Ava", False),),
    ),
    (
        "let-someone-go",
        "they let Dmitri go after the acquisition",
        (("laid off", "Dmitri", False),),
    ),
    ("relative-passed", "Nia's mum passed last night", (("bereavement", "Nia", False),)),
    ("passed-the-exam-is-no-death", "Nia passed the bar exam", ()),
    (
        "visa-worry",
        "Nia's worried her visa won't come through",
        (("visa trouble", "Nia", False),),
    ),
    (
        "told-me-is-not-mine",
        "Jasmine told me there are layoffs coming and her role is at risk",
        (("laid off", "Jasmine", False),),
    ),
    (
        "both-partners",
        "Tomas and Ines are separating",
        (("divorce", "Tomas", False), ("divorce", "Ines", False)),
    ),
    ("survived-the-layoffs", "Brightline had layoffs last month but he survived", ()),
    ("my-rough-patch", "I'm in a rough patch myself", (("hard time", None, True),)),
    ("grieving", "Hana's been grieving her grandmother", (("bereavement", "Hana", False),)),
    ("crashed-a-server", "we crashed the staging server lol", ()),
    ("out-sick", "Ben is out sick this week", (("illness", "Ben", False),)),
    ("medical-leave", "Hana has been on medical leave since August", (("illness", "Hana", False),)),
    ("radiotherapy", "Ben's mum starts radiotherapy next week", (("illness", "Ben", False),)),
    ("work-permit", "Ben's work permit got denied", (("visa trouble", "Ben", False),)),
    (
        "lost-the-pregnancy",
        "Lucia lost the pregnancy last month",
        (("miscarriage", "Lucia", False),),
    ),
    (
        "home-destroyed",
        "a hurricane destroyed Omar's family home",
        (("lost home", "Omar", False),),
    ),
    (
        "lost-everything-in-a-flood",
        "Omar says they lost everything in the flood",
        (("lost home", "Omar", False),),
    ),
    ("not-in-a-good-place", "Omar is not in a good place", (("hard time", "Omar", False),)),
    ("a-plan-not-in-a-good-place", "Pricing is not in a good place", ()),
    ("an-operation", "Priya had an operation on her knee", (("surgery", "Priya", False),)),
    ("an-operation-of-a-business", "the team had a great operation going", ()),
    ("not-doing-well", "Leon's dad isn't doing well", (("illness", "Leon", False),)),
    ("pricing-not-doing-well", "the new pricing isn't doing well with SMBs", ()),
    ("not-well-known", "Priya is not well known in fintech", ()),
    (
        "laid-off-hyphen",
        "Dmitri got laid-off in the second round",
        (("laid off", "Dmitri", False),),
    ),
    ("sacked", "Tomas got sacked after the reorg", (("laid off", "Tomas", False),)),
    (
        "compassionate-leave",
        "Marcus is on compassionate leave",
        (("bereavement", "Marcus", False),),
    ),
    ("in-a-crash", "Ines was in a bad crash on the highway", (("accident", "Ines", False),)),
    ("custody-battle", "Nia is in a custody battle", (("divorce", "Nia", False),)),
    ("depression", "Hana's been dealing with depression", (("illness", "Hana", False),)),
    (
        "with-depression",
        "Hana is struggling with depression",
        (("illness", "Hana", False), ("hard time", "Hana", False)),
    ),
    ("crashed-sales", "sales crashed in Q3 and the deal is dead in the water", ()),
    (
        "our-own-flood",
        "flooding forced us out of our apartment this week",
        (("lost home", None, True),),
    ),
    ("bare-rough-patch", "rough patch for Jonah lately, go easy", (("hard time", "Jonah", False),)),
    ("a-markets-rough-patch", "the market hit a rough patch in Q3", ()),
    ("family-stuff", "Ines is dealing with some family stuff", (("hard time", "Ines", False),)),
    ("dead-deal", "the Halvorsen deal is dead, Marcus is killing it", ()),
    ("on-fire", "Leon's on fire this quarter", ()),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in NEWS_ROUND5], ids=[r[0] for r in NEWS_ROUND5]
)
def test_news_told_plainly_or_sideways(
    text: str, expected: tuple[tuple[str, str | None, bool], ...]
) -> None:
    assert news(text) == expected


def test_a_known_contact_who_crashed_his_bike() -> None:
    known = Knowledge(people=(KnownPerson(name="Omar Haddad"),))
    note = parse_note("Omar crashed his bike on Saturday", now=NOW, tz="Europe/Berlin", known=known)
    assert [(n.topic, n.mine) for n in note.sensitivity] == [("accident", False)]
    assert note.sensitivity[0].person in ("Omar", "Omar Haddad")
    assert note.occurred_at is None  # Saturday is the crash's day
