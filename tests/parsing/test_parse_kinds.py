"""What kind of interaction a note records, and who reached out."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Initiator, parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))

NOT_KINDS = [
    ("booked-call", "booked a disco call with Mamadou for Friday"),
    ("call-booked", "call booked 30/4 with Wiktoria"),
    ("demo-tomorrow", "demo for raj and tyler tommorrow"),
    ("notes-from-kickoff", "sent anna-lena the notes from the kickoff"),
    ("demo-link", "Sent Bruno the demo link"),
    ("qbr-deck", "QBR deck done and shared"),
    ("their-meeting", "intro made, they're meeting Thursday"),
]

KINDS = [
    ("coffee", "met Jane Doe for coffee", "coffee"),
    ("lunch", "lunch w/ Sam Lee", "lunch"),
    ("breakfast", "breakfast with Raj", "breakfast"),
    ("brunch-is-breakfast", "brunch with Raj", "breakfast"),
    ("dinner", "dinner with Jane Doe and her husband Mark", "dinner"),
    ("drinks", "drinks with Raj after work", "drinks"),
    ("beers", "beers with Sam", "drinks"),
    ("meeting", "meeting with Priya about the role", "meeting"),
    ("met-is-meeting", "met Jane at her office", "meeting"),
    ("phone-call", "phone call with Raj", "call"),
    ("called", "called Raj", "call"),
    ("rang", "rang Jane", "call"),
    ("spoke-on-the-phone", "spoke on the phone with Ken", "call"),
    ("zoom", "zoom with Ken", "video call"),
    ("video-call", "video call with Ken", "video call"),
    ("google-meet", "Google Meet with Ken", "video call"),
    ("facetime", "facetimed Mum", "video call"),
    ("emailed", "emailed Priya", "email"),
    ("email-from", "email from Priya", "email"),
    ("texted", "texted Sam", "text"),
    ("whatsapp", "WhatsApp with Sam", "text"),
    ("sms", "sms from Sam", "text"),
    ("card", "sent Jane a card", "card"),
    ("postcard", "postcard from Raj", "card"),
    ("gift", "sent Raj a gift", "gift"),
    ("conference", "met Priya at the conference", "event"),
    ("chai", "chai w/ Ananya at Third Wave", "coffee"),
    ("almoco", "almoço c/ JP e Rafa", "lunch"),
    ("dejeuner", "déjeuner avec Camille", "lunch"),
    ("bbq", "Korean BBQ w/ Samuel", "dinner"),
    ("appel", "appel avec Youssef hier", "call"),
    ("disco-call", "disco w/ Mamadou done", "call"),
    ("no-answer", "elodie - no answer x3", "call"),
    ("picked-up", "Élodie finally picked up. Not interested", "call"),
    ("on-meet", "Thiago on Meet: they want a hackathon", "video call"),
    ("whatsapp-voice-note", "Khalid WhatsApp voice note: loved concept B", "voice note"),
    ("replied-on-li", "Marie replied on LI: she left the company", "text"),
    ("cc", "pentest summary sent to Arnaud, cc Camille", "email"),
    ("site-visit", "site visit in Fremont w/ Haruto", "meeting"),
    ("debrief", "Ferngrove debrief with Tomasz", "meeting"),
    ("demo-went-great", "demo went great, Sarah's CEO joined", "meeting"),
    ("meetup-done", "MEETUP DONE. 140 ppl!!!", "event"),
    ("open-for-inspection", "open for inspection @ Albert Park - 23 groups through", "event"),
    ("wedding", "saw Sam at the wedding", "event"),
    ("meetup", "Raj at the Python meetup", "event"),
    ("dinner-party", "dinner party at Jane's", "event"),
    ("first-kind-wins", "lunch with Sam, she called later", "lunch"),
    ("meeting-is-weakest", "met Jane for coffee", "coffee"),
    ("loop-verbs-are-not-kinds", "need to call Raj", None),
    ("none", "thinking about stuff", None),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in KINDS], ids=[r[0] for r in KINDS])
def test_kind(text: str, expected: str | None) -> None:
    assert parse_note(text, now=NOW, tz="Europe/Berlin").kind == expected


INITIATORS = [
    ("they-called", "Raj called me", Initiator.THEM),
    ("email-from", "email from Priya", Initiator.THEM),
    ("reached-out", "Priya reached out", Initiator.THEM),
    ("she-texted", "she texted me", Initiator.THEM),
    ("heard-from", "heard from Raj about the job", Initiator.THEM),
    ("full-name-called", "Jane Doe called me yesterday", Initiator.THEM),
    ("i-called", "I called Raj", Initiator.ME),
    ("called", "called Raj", Initiator.ME),
    ("emailed", "emailed Priya", Initiator.ME),
    ("met", "met Jane", Initiator.ME),
    ("reached-out-to", "reached out to Priya about the role", Initiator.ME),
    ("after-a-date", "yesterday called Raj", Initiator.ME),
    ("first-wins", "called Raj, he texted me later", Initiator.ME),
    ("unclear-lunch", "lunch with Sam", None),
    ("unclear-we", "the team called", None),
    ("loop-is-not-contact", "need to call Raj", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in INITIATORS], ids=[r[0] for r in INITIATORS]
)
def test_initiator(text: str, expected: Initiator | None) -> None:
    assert parse_note(text, now=NOW, tz="Europe/Berlin").initiator == expected


@pytest.mark.parametrize(("text",), [(t,) for _, t in NOT_KINDS], ids=[i for i, _ in NOT_KINDS])
def test_a_plan_or_a_thing_is_no_interaction(text: str) -> None:
    assert parse_note(text, now=NOW, tz="Europe/Berlin").kind is None


# --- round 5 ------------------------------------------------------------------------------------


def _kind(text: str) -> str | None:
    return parse_note(text, now=NOW, tz="Europe/Berlin").kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sync w Ravi re strategy. he'll join the Yusuf call", "meeting"),  # the call is a plan
        ("Sanne will join the call with Joost", None),
        ("cap table done. also fwd'd it to Tomás", "email"),
        ("forwarded the thread to Priya", "email"),
        ("InMail'd Hà and Hendrik-Jan", "text"),
        ("still nothing re Pieter's email. nudged him again", None),  # his address, a thing
        ("per Ken's email, the venue fell through", "email"),  # how Ken told us
        ("Zeynep is on a visa, the Blue Card transfer takes weeks", None),
        ("training plan sent to Joost", None),
    ],
)
def test_plans_things_and_forwarding_read_as_people_say_them(
    text: str, expected: str | None
) -> None:
    assert _kind(text) == expected


def test_an_event_named_with_capitals_opening_a_note_is_where_we_met() -> None:
    assert _kind("Berlin Go Night tonight at the Kreuzberg hub. met Lukas Schröder") == "event"
    assert _kind("met Lukas last night for a beer") == "drinks"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("presented the loyalty roadmap to Chidi and his team", "meeting"),
        ("pitched our payouts API to Halima", "meeting"),
        ("the deck we presented last year", None),
    ],
)
def test_presenting_or_pitching_to_someone_is_a_meeting(text: str, expected: str | None) -> None:
    assert _kind(text) == expected
