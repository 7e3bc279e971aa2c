"""Recall questions: what counts as one, and what gets searched."""

from __future__ import annotations

import pytest

from bot.parsing import is_question, parse_query

QUESTIONS = [
    ("question-mark", "shelter dog?", True),
    ("who", "who wanted a shelter dog", True),
    ("what-did", "What did Jane want", True),
    ("did", "did anyone meet Raj", True),
    ("find", "find Raj's deck", True),
    ("recall", "recall investors", True),
    ("any", "any news from Priya", True),
    ("full-width-mark", "犬？", True),
    ("note", "met Jane for coffee", False),
    ("who-inside-a-word", "whoever called", False),
    ("empty", "", False),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in QUESTIONS], ids=[r[0] for r in QUESTIONS]
)
def test_is_question(text: str, expected: bool) -> None:
    assert is_question(text) is expected


QUERIES = [
    ("question-verbs-dropped", "who wanted a shelter dog?", ("shelter", "dog"), None),
    ("person", "what did Jane want?", ("jane",), "Jane"),
    ("possessive", "Raj's deck", ("raj", "deck"), "Raj"),
    ("curly-possessive", "Raj’s deck?", ("raj", "deck"), "Raj"),
    ("full-name", "when did I last see Jane Doe?", ("see", "jane", "doe"), "Jane Doe"),
    ("looking", "who is looking for a cofounder?", ("cofounder",), None),
    ("keywords-keep-verbs", "need lawyer", ("need", "lawyer"), None),
    ("only-question-verbs", "who wants?", ("wants",), None),
    ("hyphen-splits", "shelter-dog", ("shelter", "dog"), None),
    ("fts-syntax-is-just-words", '"AND" OR * investors', ("investors",), None),
    ("unicode", "wer mag käse?", ("wer", "mag", "käse"), None),
    ("dedup", "dog dog DOG", ("dog",), None),
    ("someone", "someone who runs a dog rescue", ("runs", "dog", "rescue"), None),
    ("mention-markup-dropped", "what did <@U123> want?", ("want",), None),
    ("empty", "", (), None),
]


@pytest.mark.parametrize(
    ("text", "terms", "person"), [r[1:] for r in QUERIES], ids=[r[0] for r in QUERIES]
)
def test_parse_query(text: str, terms: tuple[str, ...], person: str | None) -> None:
    q = parse_query(text)
    assert (q.text, q.terms, q.person) == (text, terms, person)
