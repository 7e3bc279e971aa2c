"""A nickname two people share ("Priya", "Jo", "ZQ") belongs to both: a later note that says
only the nickname asks "which Priya?" like a first name two contacts share, with both as
candidates; a nickname only one contact the author knows has is that contact; a nickname from
someone's private note, or of a contact only someone else's private note names, is nobody to
anyone else.

Ana and Bob are teammates in T1; Eve is in another workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import Rapport
from bot.domain.errors import AmbiguousNameError, NotFoundError
from bot.notes import knowledge
from bot.store.db import SessionFactory
from bot.store.models import ContactAlias
from tests.understanding.conftest import ANA, BOB, EVE, contact_names, people

PRIYANKA = "coffee with Priyanka Shah (goes by Priya) about the staff role"
PRIYADARSHINI = "lunch w/ Priyadarshini Rao (goes by Priya), she runs the Lagos office"
BOTH = {"Priyanka Shah", "Priyadarshini Rao"}


def two_priyas(rapport: Rapport) -> None:
    first = rapport.notes.log(actor=ANA, text=PRIYANKA)
    assert first.learned == ("Priya is Priyanka Shah",)
    second = rapport.notes.log(actor=BOB, text=PRIYADARSHINI)
    # The second Priya's nickname is kept too, and the confirmation says so.
    assert "Priya is Priyadarshini Rao" in second.learned


def test_a_nickname_two_contacts_go_by_asks_which_one(rapport: Rapport) -> None:
    two_priyas(rapport)
    asked = rapport.notes.log(actor=ANA, text="priya pinged me, I owe her the JD by Friday")
    assert asked.note_id is None and asked.pending_id is not None
    (which,) = asked.ambiguities
    assert which.name.casefold() == "priya"
    assert {c.display_name for c in which.candidates} == BOTH
    assert contact_names(rapport) == BOTH  # nothing new, nothing filed under either yet
    rao = next(c for c in which.candidates if c.display_name == "Priyadarshini Rao")
    filed = rapport.notes.choose(
        actor=ANA, pending_id=asked.pending_id, name=which.name, contact_id=rao.contact_id
    )
    assert people(filed) == ["Priyadarshini Rao"]
    assert [loop.what for loop in filed.loops_opened] == ["the JD"]
    card = rapport.recall.card(actor=ANA, name="Priyadarshini Rao")
    assert "priya pinged me, I owe her the JD by Friday" in {e.text for e in card.timeline}
    assert card.aliases == ("Priya",)
    assert rapport.recall.card(actor=ANA, name="Priyanka Shah").aliases == ("Priya",)


def test_the_card_for_a_shared_nickname_asks_which_one(rapport: Rapport) -> None:
    two_priyas(rapport)
    with pytest.raises(AmbiguousNameError) as raised:
        rapport.recall.card(actor=BOB, name="Priya")
    assert {label for _, label in raised.value.candidates} == BOTH


def test_a_nickname_one_contact_goes_by_is_that_contact(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text=PRIYANKA)
    result = rapport.notes.log(actor=BOB, text="sent priya the offer letter")
    assert people(result) == ["Priyanka Shah"] and result.ambiguities == ()
    assert rapport.recall.card(actor=BOB, name="Priya").contact.display_name == "Priyanka Shah"


def test_an_alias_added_by_hand_to_a_second_contact_is_kept_and_says_so(
    rapport: Rapport,
) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Joanna Reyes")
    rapport.notes.log(actor=BOB, text="call with Josephine Park")
    first = rapport.contacts.add_alias(actor=ANA, name="Joanna Reyes", alias="Jo")
    assert first.summary == "“Jo” now means Joanna Reyes."
    second = rapport.contacts.add_alias(actor=ANA, name="Josephine Park", alias="Jo")
    assert second.summary == (
        "“Jo” now means Josephine Park too, as well as Joanna Reyes: "
        "a note that says Jo will ask which one."
    )
    assert rapport.recall.card(actor=ANA, name="Joanna Reyes").aliases == ("Jo",)
    assert rapport.recall.card(actor=ANA, name="Josephine Park").aliases == ("Jo",)
    asked = rapport.notes.log(actor=BOB, text="drinks with Jo")
    assert asked.note_id is None
    assert {c.display_name for c in asked.ambiguities[0].candidates} == {
        "Joanna Reyes",
        "Josephine Park",
    }
    # The same alias again is no change.
    again = rapport.contacts.add_alias(actor=ANA, name="Josephine Park", alias="jo")
    assert again.summary == "“jo” already means Josephine Park."
    assert rapport.recall.card(actor=ANA, name="Josephine Park").aliases == ("Jo",)


def test_a_nickname_shared_with_someone_elses_private_contact_is_yours_alone(
    rapport: Rapport,
) -> None:
    rapport.notes.log(actor=ANA, text="private: coffee with Zed Quixote, he is thinking of leaving")
    rapport.contacts.add_alias(actor=ANA, name="Zed Quixote", alias="ZQ")
    rapport.notes.log(actor=BOB, text="coffee with Zack Quinn")
    # Bob may call his Zack Quinn ZQ: nothing says anyone else does.
    change = rapport.contacts.add_alias(actor=BOB, name="Zack Quinn", alias="ZQ")
    assert change.summary == "“ZQ” now means Zack Quinn."
    result = rapport.notes.log(actor=BOB, text="sent ZQ the deck")
    assert people(result) == ["Zack Quinn"] and result.ambiguities == ()
    card = rapport.recall.card(actor=BOB, name="ZQ")
    assert card.contact.display_name == "Zack Quinn" and card.aliases == ("ZQ",)
    # Ana knows both (Bob's notes are the team's): she is asked.
    asked = rapport.notes.log(actor=ANA, text="call with ZQ")
    assert {c.display_name for c in asked.ambiguities[0].candidates} == {
        "Zed Quixote",
        "Zack Quinn",
    }
    # Eve's workspace has neither.
    with pytest.raises(NotFoundError):
        rapport.recall.card(actor=EVE, name="ZQ")


def test_a_nickname_only_in_a_private_note_is_not_learned_for_the_team(
    rapport: Rapport,
) -> None:
    rapport.notes.log(actor=BOB, text="coffee with Priyanka Shah")
    private = rapport.notes.log(
        actor=ANA, text="private: Priyanka Shah (goes by Priya) is interviewing elsewhere"
    )
    assert private.learned == ()
    assert rapport.recall.card(actor=BOB, name="Priyanka Shah").aliases == ()
    rapport.notes.log(actor=BOB, text=PRIYADARSHINI)
    # Priya is only Priyadarshini Rao's nickname, to everyone.
    for who in (ANA, BOB):
        result = rapport.notes.log(actor=who, text="sent priya the offer letter")
        assert people(result) == ["Priyadarshini Rao"] and result.ambiguities == ()


def test_a_merge_of_two_contacts_with_the_same_nickname_keeps_it_once(
    rapport: Rapport, sessions: SessionFactory
) -> None:
    two_priyas(rapport)
    rapport.contacts.add_alias(actor=ANA, name="Priyadarshini Rao", alias="PR")
    change = rapport.contacts.merge(actor=ANA, keep="Priyanka Shah", other="Priyadarshini Rao")
    assert change.contact is not None and change.contact.display_name == "Priyanka Shah"
    card = rapport.recall.card(actor=ANA, name="Priya")
    assert card.contact.display_name == "Priyanka Shah"
    assert sorted(card.aliases) == ["PR", "Priya", "Priyadarshini Rao"]
    with sessions() as session:
        keys = session.exec(select(ContactAlias.alias_key)).all()
    assert sorted(keys) == ["pr", "priya", "priyadarshini rao"]


def test_a_rename_keeps_the_old_name_findable_even_if_another_goes_by_it(
    rapport: Rapport,
) -> None:
    rapport.notes.log(actor=ANA, text="private: coffee with Jo Park, she wants to move to Lisbon")
    rapport.notes.log(actor=BOB, text="lunch with Josephine Park")
    # Ana's Jo Park is nobody to Bob, so he may call his Josephine that.
    rapport.contacts.add_alias(actor=BOB, name="Josephine Park", alias="Jo Park")
    change = rapport.contacts.rename(actor=ANA, name="Jo Park", new_name="Joanne Parker")
    assert change.summary == "Renamed Jo Park to Joanne Parker. “Jo Park” still finds them."
    assert rapport.recall.card(actor=BOB, name="Jo Park").contact.display_name == "Josephine Park"
    with pytest.raises(AmbiguousNameError) as raised:
        rapport.recall.card(actor=ANA, name="Jo Park")
    assert {label for _, label in raised.value.candidates} == {"Joanne Parker", "Josephine Park"}


def test_the_parsers_snapshot_carries_every_contacts_aliases(
    rapport: Rapport, sessions: SessionFactory
) -> None:
    two_priyas(rapport)
    with sessions() as session:
        known = knowledge.snapshot(session, workspace_id="T1")
    assert {p.name: p.aliases for p in known.people} == {
        "Priyanka Shah": ("Priya",),
        "Priyadarshini Rao": ("Priya",),
    }


def test_an_address_book_with_two_people_of_one_nickname_keeps_both(
    rapport: Rapport, tmp_path: Path
) -> None:
    rapport.notes.log(actor=ANA, text=PRIYANKA)
    path = tmp_path / "contacts.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Priya Venkatesan\nNICKNAME:Priya\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Priyanka Shah\nNICKNAME:Priya\nEND:VCARD\n",
        encoding="utf-8",
    )
    assert rapport.transfer.import_contacts(actor=ANA, path=path).created == 1
    assert rapport.recall.card(actor=ANA, name="Priya Venkatesan").aliases == ("Priya",)
    assert rapport.recall.card(actor=ANA, name="Priyanka Shah").aliases == ("Priya",)
    asked = rapport.notes.log(actor=BOB, text="priya called about the offer")
    assert {c.display_name for c in asked.ambiguities[0].candidates} == {
        "Priyanka Shah",
        "Priya Venkatesan",
    }
