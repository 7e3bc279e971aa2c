"""Commitments as people write them: pronoun objects, one verb for several people, plans in the
making, requests of us, deadlines in a later clause; and settlements that close only their own
loop."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Direction, parse_note, settles_loop

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 4, 21, 14, 0, tzinfo=BERLIN)  # a Tuesday afternoon
YOU, THEY = Direction.YOU_OWE, Direction.THEY_OWE
Loop = tuple[Direction, str, str | None, date | None]


def loops(text: str) -> tuple[Loop, ...]:
    note = parse_note(text, now=NOW, tz="Europe/Berlin")
    return tuple(
        (x.direction, x.what, x.person, x.due.astimezone(BERLIN).date() if x.due else None)
        for x in note.loops
    )


LOOPS = [
    (
        "pronoun-refers-back",
        "Quick call with Yusuf: he asked for our SOC 2 report, I owe him that by Monday",
        ((YOU, "our SOC 2 report", None, date(2026, 4, 27)),),
    ),
    (
        "pronoun-refers-to-a-request",
        "Khalid wants the case studies too, owe him those by Friday",
        ((YOU, "the case studies", "Khalid", date(2026, 4, 24)),),
    ),
    (
        "pronoun-later-clause-due",
        "Bruno owes me feedback on the demo, he promised it before Friday's board meeting",
        ((THEY, "feedback on the demo", "Bruno", date(2026, 4, 24)),),
    ),
    (
        "pronoun-keeps-the-later-due",
        "Léa wants a proposal by Friday, I'll send it Thursday",
        ((YOU, "a proposal", "Léa", date(2026, 4, 23)),),
    ),
    (
        "one-verb-two-people",
        "I owe Ines the case study by Wednesday and Bruno a demo link next week",
        (
            (YOU, "the case study", "Ines", date(2026, 4, 22)),
            (YOU, "a demo link", "Bruno", date(2026, 4, 28)),
        ),
    ),
    (
        "progressive-tonight",
        "sending her the proposal tonight",
        ((YOU, "the proposal", None, date(2026, 4, 21)),),
    ),
    (
        "progressive-named",
        "sending Rachel the pricing sheet tomorrow",
        ((YOU, "the pricing sheet", "Rachel", date(2026, 4, 22)),),
    ),
    ("will-send-him", "will send him the SOW", ((YOU, "the SOW", None, None),)),
    (
        "they-are-sending",
        "call w/ Lucía, she's sending the sponsor pack tmrw",
        ((THEY, "the sponsor pack", None, date(2026, 4, 22)),),
    ),
    (
        "needs-our-thing",
        "he needs our W-9 by the 30th",
        ((YOU, "our W-9", None, date(2026, 4, 30)),),
    ),
    (
        "expecting-from-us",
        "they're expecting a revised SOW from us Monday",
        ((YOU, "a revised SOW", None, date(2026, 4, 27)),),
    ),
    (
        "waiting-on-us",
        "Liv is waiting on us for the security review",
        ((YOU, "the security review", "Liv", None),),
    ),
    (
        "wants-by-a-day",
        "Arjun wants our term sheet by EOW",
        ((YOU, "our term sheet", "Arjun", date(2026, 4, 24)),),
    ),
    (
        "wants-an-intro-to-ours",
        "Ciarán wants an intro to our CTO",
        ((YOU, "an intro to our CTO", "Ciarán", None),),
    ),
    (
        "asked-me-to",
        "Sofia asked me to intro her to Charlotte",
        ((YOU, "intro to Charlotte", "Sofia", None),),
    ),
    (
        "asking-for-after-a-dash",
        "Pieter shared his draft — asking for feedback by Monday",
        ((YOU, "feedback", None, date(2026, 4, 27)),),
    ),
    (
        "thing-expected",
        "Ravi: signed order form expected Friday, chasing him",
        ((THEY, "signed order form", None, date(2026, 4, 24)),),
    ),
    (
        "list-of-names-in-the-thing",
        "Nkechi asked me to set up onsites with Aoife and Mai next week",
        ((YOU, "set up onsites with Aoife and Mai", "Nkechi", date(2026, 4, 28)),),
    ),
    ("their-own-plan-is-a-need", "Sam wants a new job by March", ()),
    ("a-wish-is-a-need", "Grace wants a shelter dog", ()),
    ("their-own-plan", "Hiroshi wants a new job in Vancouver by the fall", ()),
    ("flexibility-is-no-deliverable", "Luca asked for some flexibility on the timeline", ()),
    (
        "a-deliverable-wish-is-a-loop",
        "Grace wants a demo of the reporting module",
        ((YOU, "a demo of the reporting module", "Grace", None),),
    ),
    (
        "they-need-two-things",
        "call w/ Amara Okafor - they need the SOC 2 letter and a pen test summary by Fri",
        (
            (YOU, "the SOC 2 letter", None, date(2026, 4, 24)),
            (YOU, "a pen test summary", None, date(2026, 4, 24)),
        ),
    ),
    (
        "name-to-do",
        "Renata Silva to send over the signed order form by Wednesday",
        ((THEY, "the signed order form", "Renata Silva", date(2026, 4, 22)),),
    ),
    (
        "i-am-to-do",
        "I'm to draft the integration plan by Friday",
        ((YOU, "draft the integration plan", None, date(2026, 4, 24)),),
    ),
    (
        "note-to-self",
        "budget approved!! send him the onboarding checklist",
        ((YOU, "the onboarding checklist", None, None),),
    ),
    (
        "resend-it",
        "they want our pricing in CAD, pls resend by Thurs",
        ((YOU, "our pricing in CAD", None, date(2026, 4, 23)),),
    ),
    ("intro-made-is-no-order", "intro to our CFO made", ()),
    ("errand-is-no-loop", "book a photographer for Friday", ()),
    (
        "their-deadline-after-they-said",
        "Karthik Subramanian says it's a yes!!! term sheet by end of next week",
        ((THEY, "term sheet", "Karthik Subramanian", date(2026, 5, 1)),),
    ),
    (
        "subject-carried-over-a-comma",
        "Rohan Mehta thinks 20% is greedy, will share his advisor template by Friday",
        ((THEY, "his advisor template", "Rohan Mehta", date(2026, 4, 24)),),
    ),
    (
        "they-carried-over-a-comma",
        "they do big cheques, want our data room link",
        ((YOU, "our data room link", None, None),),
    ),
    (
        "after-a-full-stop-it-is-me",
        "Rohan Mehta loved it. Will send the deck by Friday",
        ((YOU, "the deck", None, date(2026, 4, 24)),),
    ),
    ("intros-are-a-need", "Khoa Tran is raising, wants intros to SG angels", ()),
    (
        "it-is-what-came-in",
        "DDQ from Hauwa Abdullahi landed. 40 questions, owe it back to her by Friday",
        ((YOU, "DDQ", None, date(2026, 4, 24)),),
    ),
    (
        "deadline-in-its-own-clause",
        "Renata Silva needs the DPA countersigned before legal signs off, by the 30th",
        ((YOU, "the DPA countersigned before legal signs off", "Renata Silva", date(2026, 4, 30)),),
    ),
    (
        "eod-tomorrow",
        "Devon Clarke asked for the API doc by end of day tomorrow",
        ((YOU, "the API doc", "Devon Clarke", date(2026, 4, 22)),),
    ),
    ("my-need", "I need a lawyer", ()),
    ("story-not-plan", "she was sending emails all day", ()),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in LOOPS], ids=[r[0] for r in LOOPS])
def test_loops(text: str, expected: tuple[Loop, ...]) -> None:
    assert loops(text) == expected


def settled(text: str) -> tuple[tuple[Direction, str, str | None], ...]:
    note = parse_note(text, now=NOW, tz="Europe/Berlin")
    return tuple((s.direction, s.what, s.person) for s in note.settles)


SETTLES = [
    (
        "two-things-with-plus",
        "emailed Yusuf the SOC 2 report + the roadmap deck",
        ((YOU, "the SOC 2 report", "Yusuf"), (YOU, "the roadmap deck", "Yusuf")),
    ),
    (
        "two-things-with-and",
        "sent Marcus the W-9 and the MSA",
        ((YOU, "the W-9", "Marcus"), (YOU, "the MSA", "Marcus")),
    ),
    (
        "two-things-two-people",
        "sent the deck to Hugo and the pricing to Léa",
        ((YOU, "the deck", "Hugo"), (YOU, "the pricing", "Léa")),
    ),
    ("passive-sent-to", "security review sent over to Liv", ((YOU, "security review", "Liv"),)),
    ("passive-received", "Hana: PO received", ((THEY, "PO", None),)),
    ("passive-signed", "Femi: PO signed 🎉 finally", ((THEY, "PO", None),)),
    (
        "arrow-tick",
        "data room link → Priya Venkataraman ✅",
        ((YOU, "data room link", "Priya Venkataraman"),),
    ),
    ("to-name-tick", "comps to Mei Chen ✅ 3 in Carlton", ((YOU, "comps", "Mei Chen"),)),
    (
        "to-name-finally",
        "section 32 to Liam O'Sullivan, finally",
        ((YOU, "section 32", "Liam O'Sullivan"),),
    ),
    ("to-name-by-is-a-loop", "onboarding doc to Ana Clara Ribeiro by Mon", ()),
    (
        "two-things-two-people",
        "webhook docs + sandbox key sent to Wei Ling Tan and Priya Nair",
        (
            (YOU, "webhook docs", "Wei Ling Tan"),
            (YOU, "sandbox key", "Wei Ling Tan"),
            (YOU, "webhook docs", "Priya Nair"),
            (YOU, "sandbox key", "Priya Nair"),
        ),
    ),
    ("thing-in", "Karthik Subramanian: term sheet in 🔥🔥", ((THEY, "term sheet", None),)),
    ("refs-in", "Arjun Malhotra's refs in ✅ both glowing", ((THEY, "refs", "Arjun Malhotra"),)),
    ("in-person-is-no-delivery", "met Arjun Malhotra in person", ()),
    (
        "shipped",
        "Rafa Yamamoto's swag box shipped, tracking sent",
        ((YOU, "swag box", "Rafa Yamamoto"), (YOU, "tracking", None)),
    ),
    (
        "accepted",
        "Siobhán Ní Bhriain accepted 🥳 starts 1/7",
        ((THEY, "a decision", "Siobhán Ní Bhriain"),),
    ),
    (
        "came-back-on",
        "Tom Becker came back on Siobhán, they loved her",
        ((THEY, "feedback on Siobhán", "Tom Becker"),),
    ),
    (
        "paid",
        "Pieter Jansen paid invoice 1042 finally",
        ((THEY, "payment invoice 1042", "Pieter Jansen"),),
    ),
    (
        "passive-arrived",
        "Tariq's signed NDA arrived, filed it with legal",
        ((THEY, "NDA", "Tariq"),),
    ),
    ("passive-done-and-shared", "luca - QBR deck done and shared", ((YOU, "QBR deck", None),)),
    (
        "passive-made",
        "Ingrid: intro to our CFO made, they're meeting Thursday",
        ((YOU, "intro to our CFO", None),),
    ),
    ("passive-sent-tick", "EUR proposal sent ✔️", ((YOU, "EUR proposal", None),)),
    (
        "countersigned",
        "Maeve Brennan countersigned the contract",
        ((THEY, "the contract", "Maeve Brennan"),),
    ),
    ("not-done-yet", "QBR deck not done yet", ()),
    ("made-but-not-sent", "ROI model done, sending to Deepika Rao mon am", ()),
    ("almost-done", "QBR deck almost done", ()),
    ("nearly-signed", "LOI nearly signed", ()),
    (
        "it-is-the-thing-before",
        "Signed the DPA and sent it back to Jonas",
        ((YOU, "the DPA", "Jonas"),),
    ),
    ("they-confirmed", "Fatima confirmed headcount: 220", ((THEY, "headcount", "Fatima"),)),
    ("it-went-well", "training w/ Tom went well", ((YOU, "training", "Tom"),)),
    ("partial-settles-nothing", "sent Khoa 2 of the 3 angel intros", ()),
    ("a-call-settles-a-call", "call with Khalid this morning", ((YOU, "a call", None),)),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in SETTLES], ids=[r[0] for r in SETTLES]
)
def test_settlements(text: str, expected: tuple[tuple[Direction, str, str | None], ...]) -> None:
    assert settled(text) == expected


MATCHES = [
    ("same-thing", "the contract draft", "the contract draft", True),
    ("different-thing", "the contract draft", "the roadmap deck", False),
    ("plural", "the case studies", "case study", True),
    ("determiners-dont-count", "our SOC 2 report", "the SOC 2 report", True),
    ("reply-is-answer", "a reply", "an answer", True),
    ("only-fillers", "it", "the deck", False),
    ("follow-up-call", "a call", "a follow-up call", True),
]


@pytest.mark.parametrize(
    ("settlement", "loop", "expected"), [r[1:] for r in MATCHES], ids=[r[0] for r in MATCHES]
)
def test_a_settlement_closes_only_a_loop_it_matches(
    settlement: str, loop: str, expected: bool
) -> None:
    assert settles_loop(settlement, loop) is expected
