"""Team memory as people use it: the card, who knows whom, contact pressure, serendipity."""

from __future__ import annotations

import pytest

from bot.app import Rapport
from tests.team.conftest import ANA, BOB, EVE, NOW, SAM, days_ago


def test_the_card_shows_who_noted_what_a_sparkline_and_who_knows_them_best(
    rapport: Rapport,
) -> None:
    rapport.notes.log(
        actor=SAM, text="coffee with Jane Doe, she wants a shelter dog", at=days_ago(425)
    )
    rapport.notes.log(actor=BOB, text="called Jane Doe about the pilot", at=days_ago(40))
    rapport.notes.log(actor=BOB, text="Jane Doe called me back about pricing", at=days_ago(35))
    rapport.notes.log(actor=SAM, text="emailed Jane Doe the brochure", at=days_ago(10))
    rapport.notes.log(actor=ANA, text="lunch with Jane Doe", at=days_ago(3))
    rapport.notes.log(actor=SAM, text="private: Jane Doe is interviewing elsewhere", at=days_ago(2))

    card = rapport.recall.card(actor=ANA, name="Jane Doe")
    # The timeline says who noted each and when; Sam's private note is not in Ana's view.
    assert [(e.author, e.text[:10]) for e in card.timeline] == [
        ("Ana", "lunch with"),
        ("Sam", "emailed Ja"),
        ("Bob", "Jane Doe c"),
        ("Bob", "called Jan"),
        ("Sam", "coffee wit"),
    ]
    assert card.last_by_you is not None and card.last_by_you.author == "Ana"
    assert card.last_by_team is not None and card.last_by_team.author == "Sam"
    assert len(card.per_month) == 12 and sum(card.per_month) == 4  # 14 months ago is outside
    assert len(card.sparkline) == 12 and card.sparkline[-1] != "▁"
    # Bob's two-way relationship (he called, she called back) beats Sam's single email.
    # Ana's lunch three days ago is more recent, but one-way; Sam's private note is not counted.
    assert [a.user for a in card.knows_best] == ["Bob", "Ana", "Sam"]
    assert card.knows_best[0].two_way and card.knows_best[0].interactions == 2

    # Sam sees the private note on his own card; Ana's count never included it.
    assert "interviewing" in rapport.recall.card(actor=SAM, name="Jane Doe").timeline[0].text


def test_who_knows_someone_at_a_company_from_fields_and_notes(rapport: Rapport) -> None:
    rapport.notes.log(
        actor=BOB, text="lunch with Raj Patel about the Globex pilot", at=days_ago(20)
    )
    rapport.notes.log(
        actor=SAM, text="coffee with Lena Fischer, she moved to Globex", at=days_ago(5)
    )
    rapport.notes.log(
        actor=ANA, text="private: drinks with Omar Haddad, he hates Globex", at=days_ago(1)
    )

    answer = rapport.team.who_knows(actor=BOB, query="who knows someone at Globex?")
    assert answer.query == "Globex"
    assert [p.user for p in answer.teammates] == ["Sam", "Bob"]
    assert {c.contact.display_name for c in answer.contacts} == {"Raj Patel", "Lena Fischer"}
    # Ana's private note is hers: she sees Omar, Bob does not.
    mine = rapport.team.who_knows(actor=ANA, query="Globex")
    assert "Omar Haddad" in {c.contact.display_name for c in mine.contacts}
    # Another workspace knows nothing of this one.
    assert rapport.team.who_knows(actor=EVE, query="Globex").contacts == ()
    assert rapport.team.who_knows_subject("who knows anyone from Initech") == "Initech"
    assert rapport.team.who_knows_subject("who wanted a shelter dog?") is None


def test_contact_pressure_warns_the_next_teammate(rapport: Rapport) -> None:
    rapport.notes.log(actor=BOB, text="called Jane Doe about renewal", at=days_ago(1))
    rapport.notes.log(actor=SAM, text="emailed Jane Doe the deck", at=days_ago(2))
    first = rapport.notes.log(actor=ANA, text="pinged Jane Doe on LinkedIn")
    assert first.pressure == ()  # two teammate touches: under the default of three
    rapport.notes.log(actor=BOB, text="Jane Doe called me back", at=days_ago(0.5))
    rapport.notes.log(actor=SAM, text="Jane Doe's birthday is March 3")  # a fact, not a touch

    warned = rapport.notes.log(actor=ANA, text="coffee with Jane Doe")
    (pressure,) = warned.pressure
    assert pressure.contact.display_name == "Jane Doe"
    assert pressure.count == 3 and pressure.teammates == ("Bob", "Sam")
    # The card says so too, and the threshold is a workspace setting.
    assert rapport.recall.card(actor=ANA, name="Jane Doe").pressure is not None
    assert rapport.workspace.update(actor=ANA, pressure_threshold=5).pressure_threshold == 5
    assert rapport.notes.log(actor=ANA, text="texted Jane Doe").pressure == ()


def test_stay_in_touch_nudges_wait_while_teammates_are_on_it(rapport: Rapport) -> None:
    from bot.notes.team import stay_in_touch_hold_until
    from bot.store import repo

    for n, who in enumerate((BOB, SAM, BOB)):
        rapport.notes.log(actor=who, text="called Jane Doe", at=days_ago(1 + n))
    rapport.notes.log(actor=ANA, text="lunch with Raj Patel")
    with rapport.sessions() as session:
        ana = repo.get_user(session, workspace_id="T1", external_id="U_ANA")
        jane = repo.contacts_with_key(session, workspace_id="T1", key="jane doe")[0]
        raj = repo.contacts_with_key(session, workspace_id="T1", key="raj patel")[0]
        assert ana is not None and ana.id and jane.id and raj.id
        hold = stay_in_touch_hold_until(
            session, workspace_id="T1", owner_id=ana.id, contact_id=jane.id, now=NOW
        )
        # The hold lasts until the oldest of the three touches leaves the 7-day window.
        assert hold == days_ago(3) + (NOW - days_ago(7))
        assert (
            stay_in_touch_hold_until(
                session, workspace_id="T1", owner_id=ana.id, contact_id=raj.id, now=NOW
            )
            is None
        )


def test_serendipity_suggests_one_connection_and_says_why(rapport: Rapport) -> None:
    rapport.notes.log(
        actor=SAM, text="met Jane Doe for coffee, she wants a shelter dog", at=days_ago(120)
    )
    rapport.notes.log(
        actor=BOB, text="call with Priya Nair about the dog-walking app", at=days_ago(60)
    )
    idea = rapport.notes.log(actor=ANA, text="drinks with Ken Adams, his friend runs a dog rescue")
    assert idea.serendipity is not None
    assert idea.serendipity.need_contact is not None
    assert idea.serendipity.need_contact.display_name == "Jane Doe"
    assert "Ken Adams" in idea.serendipity.text and "4 months ago" in idea.serendipity.text
    assert set(idea.serendipity.because) == {"dog", "shelter"}

    # One shared word is not enough: quiet.
    assert rapport.notes.log(actor=ANA, text="walked my dog with Tom Baker").serendipity is None


def test_serendipity_from_a_need_to_a_role_or_an_older_note(rapport: Rapport) -> None:
    rapport.notes.log(
        actor=BOB, text="lunch with Omar Haddad, he is a data engineer", at=days_ago(30)
    )
    idea = rapport.notes.log(
        actor=ANA, text="coffee with Lena Fischer, she is hiring a data engineer"
    )
    assert idea.serendipity is not None
    assert idea.serendipity.offer_contact is not None
    assert idea.serendipity.offer_contact.display_name == "Omar Haddad"
    assert "Lena Fischer is hiring a data engineer" in idea.serendipity.text


def test_serendipity_never_uses_someone_elses_private_note(rapport: Rapport) -> None:
    rapport.notes.log(actor=SAM, text="private: coffee with Jane Doe, she wants a shelter dog")
    assert rapport.notes.log(actor=ANA, text="Ken Adams runs a dog rescue").serendipity is None
    assert rapport.notes.log(actor=SAM, text="Ken Adams runs a dog rescue").serendipity is not None


@pytest.mark.parametrize("visibility", ["private", "team"])
def test_the_workspace_default_visibility(rapport: Rapport, visibility: str) -> None:
    rapport.workspace.update(actor=ANA, default_visibility=visibility)
    note = rapport.notes.log(actor=ANA, text="coffee with Jane Doe about the offsite")
    assert note.private is (visibility == "private")
    seen_by_bob = rapport.recall.recall(actor=BOB, query="offsite").hits
    assert bool(seen_by_bob) is (visibility == "team")
    # "team:" shares one note whatever the default; "private:" always hides it.
    assert not rapport.notes.log(actor=ANA, text="team: lunch with Jane Doe").private
    assert rapport.notes.log(actor=ANA, text="private: lunch with Jane Doe").private
    assert rapport.workspace.settings(actor=EVE).default_visibility == "team"
