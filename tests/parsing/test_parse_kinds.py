"""What kind of interaction a note records, and who reached out."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Initiator, parse_note

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))

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
