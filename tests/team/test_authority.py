"""Authority follows visibility: forget, rename, alias and merge act only on what the actor may
see, and a contact known to someone only through another's private note doesn't exist for them.

Ana and Bob share workspace T1; Eve is Ana's user id in another workspace. Each test writes a
private note of Ana's, then lets Bob (or Eve) try what a teammate could type.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from bot.app import Rapport
from bot.domain.errors import AmbiguousNameError, NotFoundError
from bot.store.db import SessionFactory
from bot.store.models import Contact
from tests.team.conftest import ANA, BOB, EVE, SAM, days_ago
from tests.team.test_import_export import DATA

ZED_PRIVATE = (
    "private: coffee with Zed Quixote, he is thinking of leaving",
    "private: I owe Zed Quixote the intro by Friday",
    "private: Zed Quixote's birthday is March 3",
)


def ana_knows_zed_privately(rapport: Rapport) -> None:
    for i, text in enumerate(ZED_PRIVATE):
        rapport.notes.log(actor=ANA, text=text, at=days_ago(3 - i))


def assert_ana_still_has_zed(rapport: Rapport) -> None:
    card = rapport.recall.card(actor=ANA, name="Zed Quixote")
    assert card.contact.display_name == "Zed Quixote"
    assert {e.text for e in card.timeline} >= {t.removeprefix("private: ") for t in ZED_PRIVATE}
    assert [loop.what for loop in card.open_loops] == ["the intro"]
    assert [(o.kind, o.month, o.day) for o in card.occasions] == [("birthday", 3, 3)]
    assert rapport.recall.recall(actor=ANA, query="leaving").total == 1


# --- a contact only in someone else's private note is nobody ------------------------------------


@pytest.mark.parametrize(
    "typed", ["Zed Quixote", "zed quixote", "Zed", "Zed Quixot", "ZED QUIXOTE"], ids=str
)
def test_no_card_for_a_name_only_in_someone_elses_private_note(
    rapport: Rapport, typed: str
) -> None:
    ana_knows_zed_privately(rapport)
    for who in (BOB, SAM, EVE):
        with pytest.raises(NotFoundError) as raised:
            rapport.recall.card(actor=who, name=typed)
        assert str(raised.value) == f"I don't know anyone called {typed!r} yet."
    assert rapport.recall.card(actor=ANA, name=typed).contact.display_name == "Zed Quixote"


def test_no_card_by_a_buttons_contact_id_either(rapport: Rapport) -> None:
    ana_knows_zed_privately(rapport)
    zed = rapport.recall.card(actor=ANA, name="Zed Quixote").contact.id
    with pytest.raises(NotFoundError):
        rapport.recall.card(actor=BOB, contact_id=zed)
    with pytest.raises(NotFoundError):
        rapport.contacts.forget(actor=BOB, contact_id=zed)
    with pytest.raises(NotFoundError):
        rapport.contacts.merge(actor=BOB, keep_id=zed, other_id=zed)
    assert_ana_still_has_zed(rapport)


def test_which_olga_names_only_the_olgas_you_know(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="private: lunch with Olga Petrova about her startup")
    rapport.notes.log(actor=ANA, text="coffee with Olga Ivanova")
    assert rapport.recall.card(actor=BOB, name="Olga").contact.display_name == "Olga Ivanova"
    with pytest.raises(AmbiguousNameError):
        rapport.recall.card(actor=ANA, name="Olga")
    # Filing Bob's note under a first name never picks (or names) Ana's private Olga.
    filed = rapport.notes.log(actor=BOB, text="called Olga about the venue")
    assert [c.display_name for c in filed.contacts] == ["Olga Ivanova"]


def test_a_company_from_a_private_note_is_not_who_knows_for_others(
    rapport: Rapport, sessions: SessionFactory
) -> None:
    rapport.notes.log(actor=ANA, text="private: coffee with Sunil Rao from Plaid")
    rapport.notes.log(actor=BOB, text="lunch with Raj Patel from Plaid")
    with sessions() as session:  # the company as filing keeps it ("Sunil from Plaid")
        session.execute(update(Contact).values(company="Plaid"))
        session.commit()
    answer = rapport.team.who_knows(actor=SAM, query="Plaid")
    assert [c.contact.display_name for c in answer.contacts] == ["Raj Patel"]
    mine = rapport.team.who_knows(actor=ANA, query="Plaid")
    assert {c.contact.display_name for c in mine.contacts} == {"Raj Patel", "Sunil Rao"}


def test_typing_the_exact_name_files_under_the_same_person(rapport: Rapport) -> None:
    """Bob names Zed in full: one person, one contact — and Bob still sees only his own note."""
    ana_knows_zed_privately(rapport)
    filed = rapport.notes.log(actor=BOB, text="met Zed Quixote at the meetup")
    assert filed.created_contacts == ()
    card = rapport.recall.card(actor=BOB, name="Zed Quixote")
    assert [e.text for e in card.timeline] == ["met Zed Quixote at the meetup"]
    assert card.open_loops == () and card.occasions == ()


# --- forget -------------------------------------------------------------------------------------


def test_forget_of_a_contact_you_cannot_see_is_refused_and_erases_nothing(
    rapport: Rapport,
) -> None:
    ana_knows_zed_privately(rapport)
    for who in (BOB, EVE):
        with pytest.raises(NotFoundError) as raised:
            rapport.contacts.forget(actor=who, name="Zed Quixote")
        assert "notes" not in str(raised.value) and "loops" not in str(raised.value)
        with pytest.raises(NotFoundError):
            rapport.contacts.forget_preview(actor=who, name="Zed Quixote")
    assert_ana_still_has_zed(rapport)


def test_forget_erases_only_what_you_see_and_counts_only_that(rapport: Rapport) -> None:
    ana_knows_zed_privately(rapport)
    rapport.notes.log(actor=BOB, text="called Zed Quixote about the offsite")
    rapport.notes.log(actor=BOB, text="private: I owe Zed Quixote a call by Monday")
    rapport.notes.log(actor=SAM, text="dinner with Zed Quixote and Raj Patel")

    change = rapport.contacts.forget(actor=BOB, name="Zed Quixote")
    assert dict(change.counts) == {
        "notes_erased": 2,
        "links_removed": 1,
        "loops": 1,
        "occasions": 0,
    }
    assert change.summary.startswith(
        "Forgot Zed Quixote: 2 notes, 1 loop and 0 occasions erased; 1 note about others"
    )
    # For Bob and Sam, Zed is gone; for Ana, everything of hers is where it was.
    for who in (BOB, SAM):
        with pytest.raises(NotFoundError):
            rapport.recall.card(actor=who, name="Zed Quixote")
    assert rapport.recall.loops(actor=BOB).you_owe == ()
    assert_ana_still_has_zed(rapport)
    ana = rapport.recall.card(actor=ANA, name="Zed Quixote")
    assert "called Zed Quixote about the offsite" not in {e.text for e in ana.timeline}
    assert [e.text for e in rapport.recall.card(actor=SAM, name="Raj Patel").timeline] == [
        "dinner with Zed Quixote and Raj Patel"
    ]
    # And once Ana forgets them too, nothing is left at all.
    rapport.contacts.forget(actor=ANA, name="Zed Quixote")
    with pytest.raises(NotFoundError):
        rapport.recall.card(actor=ANA, name="Zed Quixote")


def test_forget_keeps_another_users_pending_note_that_only_contains_the_letters(
    rapport: Rapport,
) -> None:
    """ "annual" contains "ann": a pending note is matched by the names it is parsed into."""
    rapport.notes.log(actor=ANA, text="coffee with Jane Doe")
    rapport.notes.log(actor=ANA, text="lunch with Jane Roe")
    rapport.notes.log(actor=BOB, text="met Ann Lee")
    waiting = rapport.notes.log(actor=ANA, text="annual review with Jane next week")
    assert waiting.pending_id is not None
    mine = rapport.notes.log(actor=BOB, text="annual planning with Jane, Ann Lee joins")
    theirs_named = rapport.notes.log(actor=SAM, text="Jane and Ann Lee at the annual dinner")
    bobs_other = rapport.notes.log(actor=BOB, text="annual budget with Jane")
    assert None not in (mine.pending_id, theirs_named.pending_id, bobs_other.pending_id)

    rapport.contacts.forget(actor=BOB, name="Ann Lee")
    jane_doe = rapport.recall.card(actor=ANA, name="Jane Doe").contact.id
    filed = rapport.notes.choose(
        actor=ANA, pending_id=waiting.pending_id, name="Jane", contact_id=jane_doe
    )
    assert filed.note_id is not None  # Ana's note was still waiting
    # Sam's pending note is Sam's; Bob's that names Ann Lee is gone, his other one waits.
    assert (
        rapport.notes.choose(
            actor=SAM, pending_id=theirs_named.pending_id, name="Jane", contact_id=jane_doe
        ).note_id
        is not None
    )
    with pytest.raises(NotFoundError):
        rapport.notes.choose(
            actor=BOB, pending_id=mine.pending_id, name="Jane", contact_id=jane_doe
        )
    assert (
        rapport.notes.choose(
            actor=BOB, pending_id=bobs_other.pending_id, name="Jane", contact_id=jane_doe
        ).note_id
        is not None
    )


# --- rename, alias, merge -----------------------------------------------------------------------


def test_rename_alias_merge_refuse_a_contact_you_cannot_see(rapport: Rapport) -> None:
    ana_knows_zed_privately(rapport)
    rapport.notes.log(actor=BOB, text="coffee with Zack Quinn")
    for who in (BOB, EVE):
        with pytest.raises(NotFoundError):
            rapport.contacts.rename(actor=who, name="Zed Quixote", new_name="Zed Q. Smith")
        with pytest.raises(NotFoundError):
            rapport.contacts.add_alias(actor=who, name="Zed Quixote", alias="ZQ")
        with pytest.raises(NotFoundError):
            rapport.contacts.merge(actor=who, keep="Zack Quinn", other="Zed Quixote")
        with pytest.raises(NotFoundError):
            rapport.contacts.merge(actor=who, keep="Zed Quixote", other="Zack Quinn")
    assert_ana_still_has_zed(rapport)
    assert rapport.recall.card(actor=ANA, name="Zed Quixote").aliases == ()
    assert [e.text for e in rapport.recall.card(actor=BOB, name="Zack Quinn").timeline] == [
        "coffee with Zack Quinn"
    ]


def test_a_name_or_alias_someone_keeps_privately_is_not_named_to_you(rapport: Rapport) -> None:
    ana_knows_zed_privately(rapport)
    rapport.contacts.add_alias(actor=ANA, name="Zed Quixote", alias="ZQ")
    rapport.notes.log(actor=BOB, text="coffee with Zack Quinn")
    # Renaming to a name only Ana's private contact has is fine: two people may share a name.
    change = rapport.contacts.rename(actor=BOB, name="Zack Quinn", new_name="Zed Quixote")
    assert change.summary.startswith("Renamed Zack Quinn to Zed Quixote")
    assert [e.text for e in rapport.recall.card(actor=BOB, name="Zed Quixote").timeline] == [
        "coffee with Zack Quinn"
    ]
    # So is an alias only Ana's private contact has: it means his Zed to him, and nothing says
    # that someone else already goes by it.
    change = rapport.contacts.add_alias(actor=BOB, name="Zed Quixote", alias="ZQ")
    assert change.summary == "“ZQ” now means Zed Quixote."
    assert [e.text for e in rapport.recall.card(actor=BOB, name="ZQ").timeline] == [
        "coffee with Zack Quinn"
    ]


def test_merge_moves_only_what_you_see_and_counts_only_that(rapport: Rapport) -> None:
    rapport.notes.log(actor=BOB, text="coffee with Jane Doe", at=days_ago(9))
    rapport.notes.log(actor=BOB, text="lunch with Jane Miller", at=days_ago(8))
    rapport.notes.log(actor=ANA, text="private: Jane Miller is interviewing elsewhere")
    rapport.notes.log(actor=ANA, text="private: I owe Jane Miller a reference by Friday")
    rapport.notes.log(actor=ANA, text="private: Jane Miller's birthday is June 9")

    change = rapport.contacts.merge(actor=BOB, keep="Jane Doe", other="Jane Miller")
    assert dict(change.counts) == {"notes": 1, "loops": 0, "occasions": 0}
    assert change.summary.startswith(
        "Merged Jane Miller into Jane Doe: 1 note, 0 loops and 0 occasions moved"
    )
    bob = rapport.recall.card(actor=BOB, name="Jane Miller")  # the old name still finds her
    assert bob.contact.display_name == "Jane Doe"
    assert [e.text for e in bob.timeline] == ["lunch with Jane Miller", "coffee with Jane Doe"]
    assert bob.occasions == ()
    # Ana's private notes, loop and birthday stay on the Jane Miller she knows.
    ana = rapport.recall.card(actor=ANA, name="Jane Miller")
    assert ana.contact.display_name == "Jane Miller"
    assert [e.text for e in ana.timeline] == [
        "Jane Miller's birthday is June 9",
        "I owe Jane Miller a reference by Friday",
        "Jane Miller is interviewing elsewhere",
    ]
    assert [loop.what for loop in ana.open_loops] == ["a reference"]
    assert [(o.kind, o.month, o.day) for o in ana.occasions] == [("birthday", 6, 9)]
    assert [e.text for e in rapport.recall.card(actor=ANA, name="Jane Doe").timeline] == [
        "lunch with Jane Miller",
        "coffee with Jane Doe",
    ]


def test_merge_of_two_contacts_you_see_entirely_still_moves_everything(
    rapport: Rapport,
) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Jane Doe")
    rapport.notes.log(actor=ANA, text="I owe Jane Miller the deck by Friday")
    rapport.notes.log(actor=BOB, text="Jane Miller's birthday is March 3")
    change = rapport.contacts.merge(actor=ANA, keep="Jane Doe", other="Jane Miller")
    assert dict(change.counts) == {"notes": 2, "loops": 1, "occasions": 1}
    assert change.summary.startswith("Merged Jane Miller into Jane Doe: 2 notes, 1 loop and")
    assert rapport.recall.card(actor=BOB, name="Jane Miller").contact.display_name == "Jane Doe"


def test_no_cadence_focus_or_snooze_on_a_contact_you_cannot_see(rapport: Rapport) -> None:
    ana_knows_zed_privately(rapport)
    attempts = (
        lambda: rapport.cadences.set_cadence(actor=BOB, target="Zed Quixote", every_days=7),
        lambda: rapport.cadences.stop_cadence(actor=BOB, target="Zed Quixote"),
        lambda: rapport.cadences.snooze(actor=BOB, target="Zed", days=7),
        lambda: rapport.standing.focus(actor=BOB, name="Zed Quixote"),
        lambda: rapport.standing.contact(actor=BOB, name="Zed Quixote"),
    )
    for attempt in attempts:
        with pytest.raises(NotFoundError):
            attempt()
    assert rapport.standing.focus_list(actor=BOB).rows == ()
    rapport.cadences.set_cadence(actor=ANA, target="Zed", every_days=7)  # hers to set


def test_an_imported_contact_stays_the_importers_after_a_private_note(rapport: Rapport) -> None:
    summary = rapport.transfer.import_contacts(actor=BOB, path=DATA / "contacts.vcf")
    assert summary.created >= 1
    first = json.loads(rapport.transfer.export(actor=BOB, format="json"))["contacts"][0]["name"]
    rapport.notes.log(actor=ANA, text=f"private: coffee with {first}, she is leaving")
    assert rapport.recall.card(actor=BOB, name=first).timeline == ()  # Bob's import, still his
    assert len(rapport.recall.card(actor=ANA, name=first).timeline) == 1
