"""Corrections, kept for the whole workspace: "Nimbus is a company", "Zephyr is not a person",
from a note's confirmation or in words. The note is re-filed, the wrong contact goes only when
nothing else uses it, and the next note (anyone's) is read with the correction."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.app import Rapport
from bot.blocks.kit import mrkdwn_to_text
from bot.blocks.notes import log_confirmation, log_fallback_text
from bot.console.notes import log_lines
from bot.console.output import Output
from bot.domain.errors import NotFoundError, UserInputError
from bot.domain.notes import LogResult
from bot.notes import corrections
from tests.understanding.conftest import ANA, BOB, EVE, NOW, contact_names, orgs, people
from tests.world import World


def said(result: LogResult) -> str:
    return mrkdwn_to_text(str(log_confirmation(result, tz="UTC", now=NOW)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Expo is not a person", ("Expo", "not_person")),
        ("Expo isn't a person.", ("Expo", "not_person")),
        ("“RetailX Expo” is not a person", ("RetailX Expo", "not_person")),
        ("Plaid is a company", ("Plaid", "organisation")),
        ("plaid is an organisation!", ("plaid", "organisation")),
        ("Kühne & Sohn is a company", ("Kühne & Sohn", "organisation")),
        ("Snowflake is a product", ("Snowflake", "not_person")),
        ("Denver is a city", ("Denver", "not_person")),
        ("Kai is a person", ("Kai", "person")),
        ("  *Nimbus*  is a client ", ("Nimbus", "organisation")),
    ],
)
def test_corrections_in_words(text: str, expected: tuple[str, str]) -> None:
    assert corrections.read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "she is a customer",
        "met Jane Doe, she is not a person who likes mornings",
        "Raj Patel is a great person to know",
        "my sister is a company lawyer",
        "the venue is a place I like",
        "Initrode signed!",
        "coffee with Jane Doe. Plaid is a company",
        "lunch w/ Sam Lee, Mia Wong, Tom Baker and Priya Nair is a company",
    ],
)
def test_notes_that_are_no_correction(text: str) -> None:
    assert corrections.read(text) is None


def test_a_company_taken_for_a_person_is_corrected_in_words(rapport: Rapport) -> None:
    wrong = rapport.notes.log(actor=ANA, text="call with Nimbus about the renewal yesterday")
    assert people(wrong) == ["Nimbus"]  # the parser can't know yet
    assert wrong.note_id is not None
    fixed = rapport.notes.log(actor=ANA, text="Nimbus is a company")
    assert fixed.note_id is None and fixed.correction is not None
    fix = fixed.correction
    assert (fix.name, fix.kind, fix.removed_contact) == ("Nimbus", "organisation", "Nimbus")
    (refiled,) = fix.refiled
    assert refiled.note_id == wrong.note_id  # the same note, re-filed
    assert refiled.contacts == () and orgs(refiled) == ["Nimbus"]
    assert refiled.occurred_at == wrong.occurred_at  # "yesterday" is still the day before
    assert refiled.kind == "call"
    assert "Nimbus" not in contact_names(rapport)
    text = said(fixed)
    assert "Nimbus is an organisation, not a person" in text
    assert "for everyone in this workspace" in text
    assert "Re-filed your note that I had put under Nimbus" in text
    assert "Removed the contact Nimbus" in text
    assert "Saved a note about Nimbus (organisation)" in text
    assert "Got it: Nimbus is an organisation" in log_fallback_text(fixed)
    # the whole workspace now knows: Bob's note is filed under the organisation
    later = rapport.notes.log(actor=BOB, text="lunch with Nimbus and Sam Lee")
    assert people(later) == ["Sam Lee"] and orgs(later) == ["Nimbus"]
    # another workspace does not
    assert people(rapport.notes.log(actor=EVE, text="call with Nimbus")) == ["Nimbus"]


def test_not_a_person_from_the_confirmations_menu(rapport: Rapport) -> None:
    wrong = rapport.notes.log(actor=ANA, text="demo for Quanta went well, Raj Patel loved it")
    assert sorted(people(wrong)) == ["Quanta", "Raj Patel"]
    menu = [
        e
        for b in log_confirmation(wrong, tz="UTC", now=NOW)
        for e in b.get("elements", [])
        if e.get("type") == "overflow"
    ]
    labels = [o["text"]["text"] for o in menu[0]["options"]]
    assert "Quanta isn't a person" in labels and "Quanta is a company" in labels
    quanta = next(c for c in wrong.created_contacts if c.display_name == "Quanta")
    assert wrong.note_id is not None
    fixed = rapport.notes.correct(
        actor=ANA, kind="not_person", note_id=wrong.note_id, contact_id=quanta.id
    )
    assert fixed.correction is not None
    (refiled,) = fixed.correction.refiled
    assert people(refiled) == ["Raj Patel"] and refiled.organisations == ()
    assert contact_names(rapport) == {"Raj Patel"}
    assert "Quanta isn't a person" in said(fixed)
    assert people(rapport.notes.log(actor=BOB, text="call with Quanta tomorrow")) == []


def test_only_the_author_may_correct_from_a_note(rapport: Rapport) -> None:
    wrong = rapport.notes.log(actor=ANA, text="lunch with Brightwave")
    assert wrong.note_id is not None
    contact = wrong.contacts[0].id
    with pytest.raises(NotFoundError):
        rapport.notes.correct(
            actor=BOB, kind="not_person", note_id=wrong.note_id, contact_id=contact
        )
    with pytest.raises(NotFoundError):  # another workspace, the same user id
        rapport.notes.correct(
            actor=EVE.__class__(workspace_id="T2", user_id=ANA.user_id),
            kind="not_person",
            note_id=wrong.note_id,
            contact_id=contact,
        )
    with pytest.raises(UserInputError):
        rapport.notes.correct(actor=ANA, kind="person", note_id=wrong.note_id, contact_id=contact)
    assert contact_names(rapport) == {"Brightwave"}


def test_the_wrong_contact_stays_while_a_teammates_note_names_it(rapport: Rapport) -> None:
    rapport.notes.log(actor=BOB, text="private: call with Zephyr about pricing")
    mine = rapport.notes.log(actor=ANA, text="coffee with Zephyr and Lena Fischer")
    fixed = rapport.notes.log(actor=ANA, text="Zephyr is not a person")
    fix = fixed.correction
    assert fix is not None and fix.kept_contact is None
    # For Ana the contact is gone: what keeps it (Bob's private note) is not hers to count
    assert fix.removed_contact == "Zephyr" and "teammates" not in said(fixed)
    assert [r.note_id for r in fix.refiled] == [mine.note_id]
    assert people(fix.refiled[0]) == ["Lena Fischer"]
    # Bob's private note is not Ana's to re-file, nor to read; the contact stays for Bob alone
    assert rapport.recall.card(actor=BOB, name="Zephyr").timeline[0].text.startswith("call with")
    with pytest.raises(NotFoundError):
        rapport.recall.card(actor=ANA, name="Zephyr")


def test_a_teammates_team_note_keeps_the_contact_and_is_counted(rapport: Rapport) -> None:
    rapport.notes.log(actor=BOB, text="call with Zephyr about pricing")
    rapport.notes.log(actor=ANA, text="coffee with Zephyr and Lena Fischer")
    fix = rapport.notes.log(actor=ANA, text="Zephyr is not a person").correction
    assert fix is not None and fix.removed_contact is None
    assert fix.kept_contact == "Zephyr"
    assert fix.kept_because == "1 note by teammates still name them"


def test_a_private_note_stays_private_when_re_filed(rapport: Rapport) -> None:
    wrong = rapport.notes.log(actor=ANA, text="private: lunch with Orbital and Sam Lee")
    assert wrong.private
    fixed = rapport.notes.log(actor=ANA, text="Orbital is a company")
    assert fixed.correction is not None
    (refiled,) = fixed.correction.refiled
    assert refiled.private and people(refiled) == ["Sam Lee"] and orgs(refiled) == ["Orbital"]
    assert rapport.recall.recall(actor=BOB, query="Orbital").total == 0


def test_loops_and_dates_survive_the_re_filing(rapport: Rapport, world: World) -> None:
    wrong = rapport.notes.log(
        actor=ANA, text="call with Nimbus and Raj Patel yesterday, I owe Raj the deck by Friday"
    )
    assert wrong.loops_opened and wrong.loops_opened[0].contact.display_name == "Raj Patel"
    world.later(days=3)
    fixed = rapport.notes.log(actor=ANA, text="Nimbus is a company")
    assert fixed.correction is not None
    (refiled,) = fixed.correction.refiled
    assert refiled.occurred_at == wrong.occurred_at
    assert [(lp.contact.display_name, lp.what, lp.due_at) for lp in refiled.loops_opened] == [
        (lp.contact.display_name, lp.what, lp.due_at) for lp in wrong.loops_opened
    ]
    assert len(rapport.recall.loops(actor=ANA).you_owe) == 1


def test_a_correction_can_be_taken_back(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="Kai is not a person")
    assert people(rapport.notes.log(actor=ANA, text="met Kai at the meetup")) == []
    back = rapport.notes.log(actor=ANA, text="Kai is a person")
    assert back.correction is not None and back.correction.kind == "person"
    assert "Kai can be a person again" in said(back)
    assert people(rapport.notes.log(actor=ANA, text="met Kai at the meetup")) == ["Kai"]


def test_a_retried_correction_is_applied_once(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="call with Nimbus about the renewal")
    first = rapport.notes.log(actor=ANA, text="Nimbus is a company", event_id="Ev1")
    again = rapport.notes.log(actor=ANA, text="Nimbus is a company", event_id="Ev1")
    assert first.correction is not None and again.duplicate


def test_the_console_says_it_too(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="call with Nimbus about the renewal")
    out = Output(json=False, tz="UTC", now=NOW)
    text = "\n".join(log_lines(rapport.notes.log(actor=ANA, text="Nimbus is a company"), out))
    assert "Got it: Nimbus is an organisation, not a person." in text
    assert "everyone in this workspace" in text and "Removed the contact Nimbus." in text
    assert "about Nimbus (organisation)" in text
    assert ":brain:" not in text and ":file_folder:" not in text  # no Slack emoji codes


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_reading_a_correction_never_raises_and_names_only_what_was_written(text: str) -> None:
    found = corrections.read(text)
    if found is not None:
        name, kind = found
        assert kind in ("not_person", "organisation", "person")
        assert name and name in " ".join(text.split())
        assert len(name.split()) <= corrections.MAX_WORDS


_WORDS = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=12)
_TAILS = {
    "is not a person": "not_person",
    "isn't a person": "not_person",
    "is a company": "organisation",
    "is an organisation": "organisation",
    "is a product": "not_person",
}


@given(words=st.lists(_WORDS, min_size=1, max_size=4), tail=st.sampled_from(sorted(_TAILS)))
@settings(max_examples=200, deadline=None)
def test_any_short_name_is_read_whole(words: list[str], tail: str) -> None:
    name = " ".join(words)
    assume(words[0].casefold() not in {"he", "she", "they", "it", "this", "that", "i", "we"})
    assume(words[0].casefold() not in {"you", "who", "what", "there", "which", "one"})
    assume(words[0].casefold() not in {"my", "our", "his", "her", "their", "your", "the"})
    assume(words[0].casefold() not in {"a", "an", "its", "someone", "everyone"})
    assume(not any(w.casefold() in {"is", "isn't", "a", "an", "the"} for w in words))
    assert corrections.read(f"{name} {tail}") == (name, _TAILS[tail])


def test_re_filing_keeps_the_one_the_author_chose(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee w/ Kai Berg (Vandelay)")
    rapport.notes.log(actor=ANA, text="met Kai Tan at the meetup")
    asked = rapport.notes.log(actor=ANA, text="pinged kai and Zephyr about the offsite")
    assert asked.pending_id is not None
    (which,) = asked.ambiguities
    tan = next(c for c in which.candidates if c.display_name == "Kai Tan")
    filed = rapport.notes.choose(
        actor=ANA, pending_id=asked.pending_id, name=which.name, contact_id=tan.contact_id
    )
    assert sorted(people(filed)) == ["Kai Tan", "Zephyr"]
    fixed = rapport.notes.log(actor=ANA, text="Zephyr is not a person")
    assert fixed.correction is not None
    (refiled,) = fixed.correction.refiled
    assert people(refiled) == ["Kai Tan"]  # not asked "which Kai?" again
    assert "Zephyr" not in contact_names(rapport)
    # an edit keeps the choice too
    assert filed.note_id is not None
    edited = rapport.notes.edit(actor=ANA, note_id=filed.note_id, text="pinged kai re the offsite")
    assert people(edited) == ["Kai Tan"]
