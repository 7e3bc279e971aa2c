"""Which recall questions ask for needs, occasions or loops (bot.notes.questions): a table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.notes.questions import LoopAsk, NeedAsk, OccasionAsk, read
from bot.parsing import Direction

YOU, THEY = Direction.YOU_OWE, Direction.THEY_OWE


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what am I waiting on from Yusuf?", LoopAsk(THEY, "Yusuf")),
        ("What am I still waiting for from Anna-Lena", LoopAsk(THEY, "Anna-Lena")),
        ("what are we waiting on from Mei Tanaka?", LoopAsk(THEY, "Mei Tanaka")),
        ("what does Kai owe me", LoopAsk(THEY, "Kai")),
        ("what do I owe Ines?", LoopAsk(YOU, "Ines")),
        ("what do I still owe Aoife O'Connell", LoopAsk(YOU, "Aoife O'Connell")),
        ("what do we owe Léa for the pilot?", LoopAsk(YOU, "Léa")),
        ("what is Bruno waiting on from me?", LoopAsk(YOU, "Bruno")),
        ("what am I waiting on?", LoopAsk(THEY, None)),
        ("what do I owe?", LoopAsk(YOU, None)),
        ("who do I owe", LoopAsk(YOU, None)),
        ("who owes me?", LoopAsk(THEY, None)),
        ("whose birthday is in October?", OccasionAsk("birthday", 10, None, None)),
        ("any bdays in sept", OccasionAsk("birthday", 9, None, None)),
        ("birthdays this month", OccasionAsk("birthday", None, "this", None)),
        ("whose birthday is next month?", OccasionAsk("birthday", None, "next", None)),
        ("anniversaries in June", OccasionAsk("anniversary", 6, None, None)),
        ("when is Grace's birthday?", OccasionAsk("birthday", None, None, "Grace")),
        ("when's Mei Tanaka’s bday", OccasionAsk("birthday", None, None, "Mei Tanaka")),
        ("upcoming birthdays", OccasionAsk("birthday", None, None, None)),
        ("who's looking for a bookkeeper?", NeedAsk("a bookkeeper", ("bookkeeper",))),
        ("anyone know a good plumber?", NeedAsk("a good plumber", ("plumber",))),
        ("who is hiring SDRs", NeedAsk("SDRs", ("sdrs",))),
        ("who wanted a shelter dog?", NeedAsk("a shelter dog", ("shelter", "dog"))),
        ("who needs our W-9", NeedAsk("our W-9", ("w", "9"))),
        ("does anyone know a dentist", NeedAsk("a dentist", ("dentist",))),
        ("who's after a new accountant", NeedAsk("a new accountant", ("accountant",))),
    ],
)
def test_the_question_kind(question: str, expected: object) -> None:
    assert read(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "shelter dog",
        "rottweiler",
        "who is Yusuf?",
        "what did Kai say about the pilot",
        "Initrode pricing",
        "who wants",  # nothing asked for
        "",
        "   ",
    ],
)
def test_a_plain_search_is_not_a_question_kind(question: str) -> None:
    assert read(question) is None


@given(st.text(max_size=300))
def test_any_text_reads_without_raising(text: str) -> None:
    read(text)
