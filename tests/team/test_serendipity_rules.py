"""When is a new note a plausible answer to an older need? Pure rules, by table."""

from __future__ import annotations

import pytest

from bot.notes.serendipity import Need, Offer, best_match, clauses, content_stems, shared_stems

CASES = [
    ("wants a shelter dog", "his friend runs a dog rescue", {"dog", "shelter"}),
    ("is hiring a data engineer", "he is a data engineer at Initech", {"data", "engineer"}),
    ("is hiring a data engineer", "Data Engineer", {"data", "engineer"}),
    ("wants an intro to a good accountant", "she is an accountant", {"accountant"}),
    ("looking for puppies", "her dog just had puppies", {"dog"}),
    ("is hiring a data engineer", "senior backend developer", None),  # one of two words
    ("wants a shelter dog", "call about the dog-walking app", None),
    ("wants a shelter dog", "she adopted a dog from a breeder", None),
    ("wants a shelter dog", "he breeds poodles", None),
    ("wants to find a new job", "got a new job at Globex", None),  # only generic words
    ("needs a lawyer", "his sister is an attorney", {"attorney"}),
    ("wants a shelter dog", "", None),
]


@pytest.mark.parametrize(
    ("need", "offer", "expected"),
    CASES,
    ids=[
        "rescue-answers-shelter-dog",
        "role-in-a-note",
        "role-field",
        "one-word-need-fully-met",
        "plural-folded",
        "one-of-two-words-is-quiet",
        "dog-walking-is-not-a-shelter",
        "breeder-is-not-a-shelter",
        "no-overlap",
        "generic-words-only",
        "near-synonym",
        "empty-offer",
    ],
)
def test_shared_stems(need: str, offer: str, expected: set[str] | None) -> None:
    found = shared_stems(need, offer)
    assert (set(found) if found is not None else None) == expected


def test_content_stems_drop_stop_and_wanting_words() -> None:
    assert content_stems("She is looking for a good Rottweiler puppy") == {"rottweiler", "dog"}


def test_a_note_is_not_its_own_offer() -> None:
    text = "coffee with Jane Doe, she wants a shelter dog"
    assert clauses(text, without=["wants a shelter dog"]) == ["coffee with Jane Doe", "she"]


def test_nobody_is_introduced_to_themselves_and_more_overlap_wins() -> None:
    jane_need = Need("wants a shelter dog", "Jane Doe", 1, 10, None)
    own = Offer("runs a dog rescue", "Jane Doe", 1, 11, None)
    weak = Offer("shelter volunteer", "Ken Adams", 2, 12, None)
    strong = Offer("runs a dog rescue shelter", "Raj Patel", 3, 13, None)
    assert best_match([(jane_need, own)]) is None
    match = best_match([(jane_need, weak), (jane_need, strong)])
    assert match is not None and match.offer.who == "Raj Patel"
