"""Full-text search: stemming, hostile input, visibility, ranking, fallback, bounds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, delete

from bot.store import search
from bot.store.db import SessionFactory
from bot.store.models import Note
from bot.store.search import MAX_TERMS, fts5_match, query_words, search_notes
from tests.store.helpers import NOW, add_contact, add_note, add_user, add_workspace


@dataclass
class Team:
    alice: int
    bob: int


@pytest.fixture
def team(sessions: SessionFactory) -> Team:
    with sessions() as session:
        add_workspace(session, "T1")
        return Team(
            alice=add_user(session, external_id="UALICE"), bob=add_user(session, external_id="UBOB")
        )


def find(
    session: Session,
    viewer: int,
    *terms: str,
    workspace_id: str = "T1",
    limit: int = 10,
    offset: int = 0,
    contact_id: int | None = None,
) -> tuple[list[int], int]:
    ranked, total = search_notes(
        session,
        workspace_id=workspace_id,
        viewer_id=viewer,
        terms=terms,
        limit=limit,
        offset=offset,
        now=NOW,
        contact_id=contact_id,
    )
    return [note_id for note_id, _ in ranked], total


# --- query words (pure) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "words", "prefix"),
    [
        (["Raj's", "deck"], ("Raj", "deck"), False),
        (["Raj’s deck"], ("Raj", "deck"), False),
        (["shelter-dog"], ("shelter", "dog"), False),
        (["who wanted a shelter dog?"], ("wanted", "shelter", "dog"), False),
        (["shel*"], ("shel",), True),
        (["shel* dog"], ("shel", "dog"), False),
        (["Dog", "dog", "DOG"], ("Dog",), False),
        (["the"], ("the",), False),  # only stop words: keep them rather than search for nothing
        (['"', "*", "-", "^", ":", "'", "🐶", ""], (), False),
        (["a" * 10_000, "dog"], ("dog",), False),
        (["it's"], ("it",), False),
        (["snake_case"], ("snake", "case"), False),
    ],
    ids=[
        "possessive",
        "curly-possessive",
        "hyphen",
        "question",
        "prefix",
        "prefix-not-last",
        "duplicates",
        "only-stop-words",
        "only-punctuation",
        "huge-token-ignored",
        "contraction",
        "underscore",
    ],
)
def test_query_words(terms: list[str], words: tuple[str, ...], prefix: bool) -> None:
    parsed = query_words(terms)
    assert parsed.words == words
    assert parsed.prefix_last is prefix


def test_query_words_are_capped() -> None:
    words = [f"word{i}" for i in range(MAX_TERMS + 5)]
    assert len(query_words(words).words) == MAX_TERMS


def test_fts5_match_quotes_every_word() -> None:
    parsed = query_words(["NEAR(", "AND", "deck*"])
    assert fts5_match(parsed) == '"NEAR" AND "deck"*'
    assert fts5_match(parsed, any_word=True) == '"NEAR" OR "deck"*'


# --- matching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note_text", "terms"),
    [
        ("Jane wants a shelter dog", ["dogs"]),
        ("Jane has two dogs", ["dog"]),
        ("Raj breeds Rottweilers", ["rottweilers"]),
        ("Raj breeds Rottweilers", ["Rottweiler"]),
        ("Raj's deck is due Friday", ["Raj's", "deck"]),
        ("Need to send the deck to Raj", ["Raj's", "deck"]),
        ("looking for a shelter dog", ["shelter-dog"]),
        ("she is hiring engineers", ["hiring", "engineer"]),
        ("loves shelter animals", ["shel*"]),
    ],
    ids=[
        "plural-query",
        "plural-note",
        "plural-name",
        "singular-name",
        "possessive",
        "possessive-query-plain-note",
        "hyphen",
        "plural-and-ing",
        "prefix",
    ],
)
def test_finds(sessions: SessionFactory, team: Team, note_text: str, terms: list[str]) -> None:
    with sessions() as session:
        note_id = add_note(session, author_id=team.alice, text=note_text)
        add_note(session, author_id=team.alice, text="lunch with Priya about the contract")
        assert find(session, team.bob, *terms) == ([note_id], 1)


def test_prefix_needs_the_star(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        add_note(session, author_id=team.alice, text="loves shelter animals")
        assert find(session, team.alice, "shel") == ([], 0)


HOSTILE = [
    '"',
    '""',
    "*",
    "AND",
    "OR",
    "NOT",
    "NEAR(",
    "NEAR(a b, 3)",
    "shelter-dog",
    "-",
    "^",
    ":",
    "'",
    "text:dog",
    "dog OR",
    "(dog",
    "dog)",
    "!dog & cat | :*",
    "🐶🐕",
    "dog🐶",
    "\x00",
    "a" * 10_000,
    "dog " * 5_000,
    "'; DROP TABLE note; --",
    "%_\\",
]


@pytest.mark.parametrize("term", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_raises(sessions: SessionFactory, team: Team, term: str) -> None:
    with sessions() as session:
        add_note(session, author_id=team.alice, text="shelter dog for Jane, AND OR NOT NEAR")
        ids, total = find(session, team.alice, term)
        assert len(ids) == total <= 1
        ids, total = find(session, team.alice, term, "shelter", term)
        assert len(ids) == total == 1


def test_empty_terms(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        add_note(session, author_id=team.alice, text="shelter dog")
        assert find(session, team.alice) == ([], 0)
        assert find(session, team.alice, "", "  ", "?!") == ([], 0)


def test_edits_and_deletes_reach_the_index(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        note_id = add_note(session, author_id=team.alice, text="wants a shelter dog")
        note = session.get(Note, note_id)
        assert note is not None
        note.text = "wants a sailing boat"
        session.add(note)
        session.commit()
        assert find(session, team.alice, "dog") == ([], 0)
        assert find(session, team.alice, "boat") == ([note_id], 1)
        session.exec(delete(Note).where(Note.id == note_id))  # type: ignore[call-overload]
        session.commit()
        assert find(session, team.alice, "boat") == ([], 0)


# --- who may see what -----------------------------------------------------------------------


def test_private_notes_only_to_their_author(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        private = add_note(session, author_id=team.alice, text="dog", visibility="private")
        shared = add_note(session, author_id=team.bob, text="dog")
        assert sorted(find(session, team.alice, "dog")[0]) == sorted([private, shared])
        assert find(session, team.bob, "dog") == ([shared], 1)


def test_workspaces_never_cross(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        add_workspace(session, "T2")
        other = add_user(session, workspace_id="T2", external_id="UALICE")
        theirs = add_note(session, author_id=other, text="shelter dog", workspace_id="T2")
        ours = add_note(session, author_id=team.alice, text="shelter dog")
        assert find(session, team.alice, "dog") == ([ours], 1)
        assert find(session, other, "dog", workspace_id="T2") == ([theirs], 1)
        # Even a viewer id from the other workspace sees only the asked workspace's team notes.
        assert find(session, other, "dog") == ([ours], 1)


def test_contact_filter(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        jane = add_contact(session, name="Jane Doe")
        raj = add_contact(session, name="Raj")
        about_jane = add_note(session, author_id=team.alice, text="dog", contact_ids=(jane,))
        add_note(session, author_id=team.alice, text="dog", contact_ids=(raj,))
        assert find(session, team.alice, "dog", contact_id=jane) == ([about_jane], 1)


# --- ranking --------------------------------------------------------------------------------


def test_recency_breaks_ties(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        # Inserted newest first, so that id order cannot explain the result.
        newer = add_note(session, author_id=team.alice, text="coffee with Jane", days_ago=3)
        older = add_note(session, author_id=team.alice, text="coffee with Jane", days_ago=300)
        add_note(session, author_id=team.alice, text="unrelated filler about boats")
        ranked, _ = search_notes(
            session, workspace_id="T1", viewer_id=team.alice, terms=["coffee"], limit=5, now=NOW
        )
        assert [note_id for note_id, _ in ranked] == [newer, older]
        assert ranked[0][1] > ranked[1][1] > 0


def test_relevance_counts(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        for i in range(5):
            add_note(session, author_id=team.alice, text=f"filler note number {i} about boats")
        weak = add_note(session, author_id=team.alice, text="dog " + "words " * 40)
        strong = add_note(session, author_id=team.alice, text="dog dog dog")
        ids, total = find(session, team.alice, "dog")
        assert (ids, total) == ([strong, weak], 2)


def test_and_first_then_or(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        both = add_note(session, author_id=team.alice, text="Jane wants a shelter dog")
        add_note(session, author_id=team.alice, text="the shelter needs volunteers")
        assert find(session, team.alice, "shelter", "dog") == ([both], 1)


def test_falls_back_to_any_word(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        hit = add_note(
            session, author_id=team.alice, text="Jane is looking for a dog, ideally a shelter dog"
        )
        one_word = add_note(session, author_id=team.alice, text="the shelter needs volunteers")
        add_note(session, author_id=team.alice, text="lunch with Priya")
        ids, total = find(session, team.alice, "who wanted a shelter dog?")
        assert (ids, total) == ([hit, one_word], 2)


def test_pages_and_total(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session:
        ids = [add_note(session, author_id=team.alice, text="dog", days_ago=d) for d in range(7)]
        assert find(session, team.alice, "dog", limit=3) == (ids[:3], 7)
        assert find(session, team.alice, "dog", limit=3, offset=6) == (ids[6:], 7)
        assert find(session, team.alice, "dog", limit=3, offset=9) == ([], 7)


def test_only_the_newest_matches_are_ranked(
    sessions: SessionFactory, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "MATCH_LIMIT", 3)
    with sessions() as session:
        ids = [add_note(session, author_id=team.alice, text="dog") for _ in range(5)]
        add_note(session, author_id=team.bob, text="dog", visibility="private")
        found, total = find(session, team.alice, "dog")
        # The newest three Alice may see; Bob's private note does not use up the budget.
        assert total == 3
        assert sorted(found) == ids[2:]


def test_rejects_naive_now(sessions: SessionFactory, team: Team) -> None:
    with sessions() as session, pytest.raises(ValueError, match="aware"):
        search_notes(
            session,
            workspace_id="T1",
            viewer_id=team.alice,
            terms=["dog"],
            limit=5,
            now=NOW.replace(tzinfo=None),
        )


# --- property -------------------------------------------------------------------------------


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(terms=st.lists(st.text(max_size=40), max_size=6))
def test_any_terms_never_raise(sessions: SessionFactory, terms: Sequence[str]) -> None:
    with sessions() as session:
        # The fixture is shared by every example: set the notes up once.
        if not search_notes(
            session, workspace_id="T1", viewer_id=1, terms=["canary"], limit=1, now=NOW
        )[1]:
            add_workspace(session, "T1")
            author = add_user(session, external_id="UPROP")
            add_note(session, author_id=author, text="canary: shelter dog, José's AND/OR deck")
            add_note(session, author_id=author, text='quotes " and stars * and NEAR(x)')
        ranked, total = search_notes(
            session, workspace_id="T1", viewer_id=1, terms=terms, limit=5, now=NOW
        )
        assert len(ranked) <= total <= 2
