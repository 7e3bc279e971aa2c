"""Keeping contacts clean: aliases, rename, merge (nothing lost) and forget (with an audit row)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.app import Rapport
from bot.domain.errors import NotFoundError, UserInputError
from bot.store.team_models import AuditEvent
from tests.team.conftest import ANA, BOB, EVE, days_ago


def test_an_alias_files_later_notes_under_the_full_name(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Jennifer Park")
    change = rapport.contacts.add_alias(actor=ANA, name="Jennifer Park", alias="Jen")
    assert change.summary == "“Jen” now means Jennifer Park."
    assert [
        c.display_name for c in rapport.notes.log(actor=BOB, text="lunch with Jen").contacts
    ] == ["Jennifer Park"]
    assert rapport.recall.card(actor=ANA, name="Jen").aliases == ("Jen",)
    rapport.notes.log(actor=ANA, text="drinks with Jen Smith")
    with pytest.raises(UserInputError, match="already"):
        rapport.contacts.add_alias(actor=ANA, name="Jennifer Park", alias="Jen Smith")


def test_rename_keeps_the_old_name_as_an_alias(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Jon Smyth")
    change = rapport.contacts.rename(actor=ANA, name="Jon Smyth", new_name="Jonathan Smith")
    assert "Renamed Jon Smyth to Jonathan Smith" in change.summary
    card = rapport.recall.card(actor=ANA, name="Jon Smyth")
    assert card.contact.display_name == "Jonathan Smith" and card.aliases == ("Jon Smyth",)


def test_merge_moves_notes_loops_occasions_tags_and_aliases(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Jane Doe #investors", at=days_ago(10))
    rapport.notes.log(actor=ANA, text="I owe Jane Miller the deck by Friday", at=days_ago(5))
    rapport.notes.log(actor=BOB, text="Jane Miller's birthday is March 3 #friends")
    rapport.notes.log(actor=ANA, text="lunch with Jane Doe and Jane Miller")  # both on one note
    rapport.contacts.add_alias(actor=ANA, name="Jane Miller", alias="JD")

    change = rapport.contacts.merge(actor=ANA, keep="Jane Doe", other="Jane Miller")
    assert change.contact is not None and change.contact.display_name == "Jane Doe"
    card = rapport.recall.card(actor=ANA, name="Jane Doe")
    assert len(card.timeline) == 4  # nothing lost, the shared note once
    assert [(o.kind, o.month, o.day) for o in card.occasions] == [("birthday", 3, 3)]
    assert [loop.what for loop in card.open_loops] == ["the deck"]
    assert card.tags == ("friends", "investors")
    assert set(card.aliases) == {"JD", "Jane Miller"}
    # The old name and its alias still find her; no second contact is created.
    assert rapport.notes.log(actor=BOB, text="call with Jane Miller").created_contacts == ()
    assert rapport.recall.card(actor=ANA, name="JD").contact.display_name == "Jane Doe"
    with pytest.raises(UserInputError):
        rapport.contacts.merge(actor=ANA, keep="Jane Doe", other="Jane Doe")


def test_forget_erases_what_is_only_about_them_and_audits_who(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Chris Young, he is going through a divorce")
    rapport.notes.log(actor=BOB, text="I owe Chris Young a call by Friday")
    rapport.notes.log(actor=ANA, text="Chris Young's birthday is May 2")
    rapport.notes.log(actor=ANA, text="dinner with Chris Young and Raj Patel about the offsite")
    rapport.contacts.add_alias(actor=ANA, name="Chris Young", alias="CY")

    change = rapport.contacts.forget(actor=ANA, name="Chris Young")
    assert change.contact is None
    assert dict(change.counts) == {
        "notes_erased": 3,
        "links_removed": 1,
        "loops": 1,
        "occasions": 1,
    }
    with pytest.raises(NotFoundError):
        rapport.recall.card(actor=ANA, name="Chris Young")
    assert rapport.recall.recall(actor=ANA, query="divorce").hits == ()
    assert rapport.recall.loops(actor=BOB).you_owe == ()
    # The note about Raj too survives, linked to Raj only.
    raj = rapport.recall.card(actor=ANA, name="Raj Patel")
    assert [e.text for e in raj.timeline] == [
        "dinner with Chris Young and Raj Patel about the offsite"
    ]
    with pytest.raises(NotFoundError):  # the alias went with them
        rapport.recall.card(actor=ANA, name="CY")
    with rapport.sessions() as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.action == "forget")).all()
    assert len(rows) == 1 and rows[0].workspace_id == "T1"
    assert "Chris" not in repr(rows[0].detail) and "divorce" not in repr(rows[0].detail)


def test_contact_changes_never_reach_another_workspace(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Jane Doe")
    for attempt in (
        lambda: rapport.contacts.forget(actor=EVE, name="Jane Doe"),
        lambda: rapport.contacts.rename(actor=EVE, name="Jane Doe", new_name="X"),
        lambda: rapport.contacts.add_alias(actor=EVE, name="Jane Doe", alias="JJ"),
        lambda: rapport.contacts.merge(actor=EVE, keep="Jane Doe", other="Jane Doe"),
    ):
        with pytest.raises(NotFoundError):
            attempt()
    assert rapport.recall.card(actor=ANA, name="Jane Doe").contact.display_name == "Jane Doe"


def test_a_birthday_in_a_private_note_stays_private(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Sam Lee")
    rapport.notes.log(actor=ANA, text="private: Sam Lee's birthday is March 3")
    assert rapport.recall.card(actor=BOB, name="Sam Lee").occasions == ()
    assert rapport.recall.home(actor=BOB).birthdays == ()
    assert len(rapport.recall.card(actor=ANA, name="Sam Lee").occasions) == 1
