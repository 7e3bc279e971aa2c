"""The core, as a person uses it: say this, expect that — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Rapport
from bot.domain.errors import AmbiguousNameError, NotFoundError, UserInputError
from bot.domain.refs import Actor
from bot.store.db import SessionFactory
from tests.world import World

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ME = Actor(workspace_id="T1", user_id="U_ME", display_name="Ana", tz="Europe/Berlin")
BOB = Actor(workspace_id="T1", user_id="U_BOB", display_name="Bob", tz="America/New_York")
OTHER_TEAM = Actor(workspace_id="T2", user_id="U_ME", display_name="Ana elsewhere")

JANE_DOG = (
    "Met Jane Doe for coffee. She's looking for a dog. Prefers Rottweilers, not poodles. "
    "Would like it to be a shelter dog rather than from a breeder"
)

NOTEBOOK = [
    ("2026-03-02", "Lunch w/ Sam Lee and Priya Nair, talked about their hiring plans"),
    ("2026-04-10", "Call with Raj Patel about the Globex pilot; he wants case studies"),
    ("2026-05-05", "Drinks with Ken Adams, his friend runs a cat cafe"),
    ("2026-05-20", "Dinner with Maria Garcia and her husband Mark, they are moving to Lisbon"),
    ("2026-06-01", "Met Tom Baker at the conference, he breeds poodles"),
    ("2026-06-11", "Coffee with Lena Fischer, she is hiring a data engineer"),
    ("2026-06-20", "Emailed Omar Haddad the proposal"),
    ("2026-07-01", JANE_DOG),
    ("2026-08-14", "Video call with Priya Nair about the dog-walking app idea"),
    ("2026-09-03", "Texted Sam Lee happy birthday"),
    ("2026-10-12", "Zoom with Chen Wei, wants an intro to a good accountant"),
    ("2026-11-02", "Breakfast with Olga Petrova, she adopted a dog from a breeder last year"),
]


@pytest.fixture
def rapport(sessions: SessionFactory) -> Rapport:
    return World(sessions=sessions, now=NOW).app


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def names(result: object) -> list[str]:
    return [c.display_name for c in getattr(result, "contacts", ())]


def test_seed_story_recall_puts_jane_first(rapport: Rapport) -> None:
    for day, text in NOTEBOOK:
        assert rapport.notes.log(actor=ME, text=text, at=at(day)).note_id is not None

    for question in ("rottweiler", "who wanted a shelter dog?", "shelter dogs", "Rottweilers"):
        result = rapport.recall.recall(actor=ME, query=question)
        assert result.hits, question
        assert names(result.hits[0]) == ["Jane Doe"], question
        assert result.hits[0].author == "Ana"
        assert result.hits[0].occurred_at.date().isoformat() == "2026-07-01"

    card = rapport.recall.card(actor=ME, name="Jane")
    assert card.contact.display_name == "Jane Doe"
    assert [e.text for e in card.timeline] == [JANE_DOG]
    assert card.last_interaction is not None and card.last_interaction.kind == "coffee"


def test_one_note_files_under_several_people(rapport: Rapport) -> None:
    result = rapport.notes.log(actor=ME, text="lunch w/ Sam Lee and Priya Nair")
    assert sorted(names(result)) == ["Priya Nair", "Sam Lee"]
    assert result.kind == "lunch"
    again = rapport.notes.log(actor=ME, text="coffee with Priya Nair")
    assert names(again) == ["Priya Nair"]
    assert again.created_contacts == ()  # the same Priya, not a new one


def test_loops_both_directions_overdue_first_and_closed_by_a_later_note(rapport: Rapport) -> None:
    rapport.notes.log(actor=ME, text="I owe Raj Patel the pricing deck by Friday")
    rapport.notes.log(
        actor=ME,
        text="asked Priya Nair for the signed contract, waiting on her reply",
        at=NOW - timedelta(days=3),
    )
    rapport.notes.log(actor=ME, text="need to get back to Omar Haddad", at=NOW - timedelta(days=40))
    rapport.notes.log(actor=ME, text="I owe Sam Lee the slides by 2026-11-01")

    loops = rapport.recall.loops(actor=ME)
    owed = [(loop.contact.display_name, loop.overdue) for loop in loops.you_owe]
    assert owed[0] == ("Sam Lee", True)  # overdue first
    assert {"Raj Patel", "Omar Haddad"} <= {name for name, _ in owed}
    assert [loop.contact.display_name for loop in loops.waiting_on] == ["Priya Nair"]
    raj = next(loop for loop in loops.you_owe if loop.contact.display_name == "Raj Patel")
    assert raj.due_at is not None and raj.due_at > NOW and "deck" in raj.what

    closed = rapport.notes.log(actor=ME, text="sent Raj the deck")
    assert [loop.contact.display_name for loop in closed.loops_closed] == ["Raj Patel"]
    assert "Raj Patel" not in {
        loop.contact.display_name for loop in rapport.recall.loops(actor=ME).you_owe
    }

    # Loops are personal: Bob sees none of Ana's.
    assert rapport.recall.loops(actor=BOB).you_owe == ()


def test_private_notes_reach_only_their_author(rapport: Rapport) -> None:
    rapport.notes.log(actor=ME, text="private: Jane Doe told me about her divorce")
    rapport.notes.log(actor=BOB, text="coffee with Jane Doe about the rescue shelter")

    assert rapport.recall.recall(actor=BOB, query="divorce").hits == ()
    mine = rapport.recall.recall(actor=ME, query="divorce").hits
    assert len(mine) == 1 and mine[0].private
    assert [e.author for e in rapport.recall.card(actor=BOB, name="Jane Doe").timeline] == ["Bob"]
    assert len(rapport.recall.card(actor=ME, name="Jane Doe").timeline) == 2
    # Another workspace never sees this one's notes, even with the same user id.
    assert rapport.recall.recall(actor=OTHER_TEAM, query="shelter").hits == ()
    with pytest.raises(NotFoundError):
        rapport.recall.card(actor=OTHER_TEAM, name="Jane Doe")


def test_ambiguous_first_name_asks_which_and_files_once_chosen(rapport: Rapport) -> None:
    rapport.notes.log(actor=ME, text="coffee with Jane Doe")
    rapport.notes.log(actor=ME, text="lunch with Jane Smith")

    pending = rapport.notes.log(actor=ME, text="call with Jane about the offsite")
    assert pending.note_id is None and pending.pending_id is not None
    assert [c.display_name for c in pending.ambiguities[0].candidates] == ["Jane Doe", "Jane Smith"]
    assert rapport.recall.recall(actor=ME, query="offsite").hits == ()  # not filed yet

    smith = next(c for c in pending.ambiguities[0].candidates if c.display_name == "Jane Smith")
    with pytest.raises(NotFoundError):  # only the author may choose
        rapport.notes.choose(
            actor=BOB, pending_id=pending.pending_id, name="Jane", contact_id=smith.contact_id
        )
    filed = rapport.notes.choose(
        actor=ME, pending_id=pending.pending_id, name="Jane", contact_id=smith.contact_id
    )
    assert names(filed) == ["Jane Smith"]
    assert names(rapport.recall.recall(actor=ME, query="offsite").hits[0]) == ["Jane Smith"]
    with pytest.raises(AmbiguousNameError):
        rapport.recall.card(actor=ME, name="Jane")


def test_the_same_slack_event_is_filed_once(rapport: Rapport) -> None:
    first = rapport.notes.log(actor=ME, text="coffee with Jane Doe", event_id="Ev1", source="dm")
    for _ in range(3):
        retry = rapport.notes.log(
            actor=ME, text="coffee with Jane Doe", event_id="Ev1", source="dm"
        )
        assert retry.duplicate and retry.note_id == first.note_id
    assert len(rapport.recall.card(actor=ME, name="Jane Doe").timeline) == 1


def test_undo_and_edit_are_for_the_author_only(rapport: Rapport) -> None:
    note = rapport.notes.log(actor=ME, text="coffee with Zoë Quist, she wants a standing desk")
    assert note.note_id is not None
    with pytest.raises(NotFoundError):
        rapport.notes.undo(actor=BOB, note_id=note.note_id)
    with pytest.raises(NotFoundError):
        rapport.notes.edit(actor=BOB, note_id=note.note_id, text="nothing")

    edited = rapport.notes.edit(
        actor=ME, note_id=note.note_id, text="lunch with Zoë Quist about desks"
    )
    assert edited.note_id == note.note_id and edited.kind == "lunch"
    assert rapport.recall.recall(actor=ME, query="standing").hits == ()
    assert rapport.recall.recall(actor=ME, query="desks").hits[0].note_id == note.note_id

    rapport.notes.undo(actor=ME, note_id=note.note_id)
    assert rapport.recall.recall(actor=ME, query="desks").hits == ()
    with pytest.raises(NotFoundError):  # the contact only this note created is gone too
        rapport.recall.card(actor=ME, name="Zoë Quist")


def test_birthdays_and_sensitive_news_show_on_the_card(rapport: Rapport) -> None:
    rapport.notes.log(actor=ME, text="Sam Lee's birthday is March 3")
    rapport.notes.log(
        actor=ME, text="Chris Young had a house fire, everyone is safe", at=NOW - timedelta(days=5)
    )
    sam = rapport.recall.card(actor=ME, name="Sam Lee")
    assert [(o.kind, o.month, o.day) for o in sam.occasions] == [("birthday", 3, 3)]
    assert sam.occasions[0].next_date == "2027-03-03"
    chris = rapport.recall.card(actor=ME, name="Chris Young")
    assert [topic for topic, _ in chris.sensitive] == ["house fire"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!!", "…", "x" * 10_001],
    ids=["empty", "blank", "punctuation", "ellipsis", "too-long"],
)
def test_bad_notes_get_a_clear_message_and_store_nothing(rapport: Rapport, text: str) -> None:
    with pytest.raises(UserInputError):
        rapport.notes.log(actor=ME, text=text)
    assert rapport.recall.home(actor=ME).recent == ()


@pytest.mark.parametrize(
    "query",
    ['"', "*", "AND", "NEAR(", "shelter-dog", "Raj's", "OR dog", "🐶", "李雷", "a" * 5000],
)
def test_recall_survives_search_syntax(rapport: Rapport, query: str) -> None:
    rapport.notes.log(
        actor=ME, text="Met Jane Doe, wants a shelter dog; Raj's deck is late 🐶 李雷"
    )
    result = rapport.recall.recall(actor=ME, query=query)
    assert result.query == query  # and it did not raise


def test_hostile_note_text_is_stored_verbatim(rapport: Rapport) -> None:
    text = 'coffee with Jane Doe; DROP TABLE note; -- <!channel> "quoted" NEAR( *'
    result = rapport.notes.log(actor=ME, text=text)
    assert rapport.recall.note(actor=ME, note_id=result.note_id or 0).text == text
    assert names(rapport.recall.recall(actor=ME, query="DROP TABLE").hits[0]) == ["Jane Doe"]


def test_the_card_says_where_the_relationship_stands_and_what_to_do(rapport: Rapport) -> None:
    rapport.notes.log(
        actor=ME, text="coffee with Chris Young about the Q3 pitch", at=NOW - timedelta(days=90)
    )
    rapport.notes.log(actor=ME, text="Chris Young had a house fire", at=NOW - timedelta(days=10))
    rapport.notes.log(actor=ME, text="I owe Raj Patel the pricing deck by 2026-11-01")

    chris = rapport.recall.card(actor=ME, name="Chris Young").standing
    assert chris is not None and chris.action is not None
    assert chris.action.kind == "check_in" and "pitch" not in (chris.action.draft or "")
    raj = rapport.recall.card(actor=ME, name="Raj Patel").standing
    assert raj is not None and raj.action is not None
    assert raj.action.kind == "reply" and "pricing deck" in raj.action.text


def test_a_note_saved_about_someone_is_filed_under_them(rapport: Rapport) -> None:
    # The Save as note form's "About" field: the text need not name the person.
    saved = rapport.notes.log(
        actor=ME, text="she'll send me the signed contract by Friday", about=["Priya Raman"]
    )
    assert names(saved) == ["Priya Raman"]
    (loop,) = saved.loops_opened
    assert (loop.contact.display_name, loop.direction) == ("Priya Raman", "they_owe")

    rapport.notes.log(actor=ME, text="coffee with Jane Doe")
    rapport.notes.log(actor=ME, text="lunch with Jane Smith")
    pending = rapport.notes.log(actor=ME, text="loved the offsite idea", about=["Jane"])
    assert pending.pending_id is not None
    smith = next(c for c in pending.ambiguities[0].candidates if c.display_name == "Jane Smith")
    filed = rapport.notes.choose(
        actor=ME, pending_id=pending.pending_id, name="Jane", contact_id=smith.contact_id
    )
    assert names(filed) == ["Jane Smith"]


def test_a_team_note_waiting_for_which_jane_stays_shared_once_filed(rapport: Rapport) -> None:
    rapport.workspace.update(actor=ME, default_visibility="private")
    rapport.notes.log(actor=ME, text="team: coffee with Jane Doe")
    rapport.notes.log(actor=ME, text="team: lunch with Jane Smith")
    pending = rapport.notes.log(actor=ME, text="team: call with Jane about the offsite")
    assert pending.pending_id is not None
    doe = next(c for c in pending.ambiguities[0].candidates if c.display_name == "Jane Doe")
    filed = rapport.notes.choose(
        actor=ME, pending_id=pending.pending_id, name="Jane", contact_id=doe.contact_id
    )
    assert not filed.private
    assert [h.note_id for h in rapport.recall.recall(actor=BOB, query="offsite").hits] == [
        filed.note_id
    ]
