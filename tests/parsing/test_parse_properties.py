"""Whatever arrives, the parser answers with the right types, quickly, and never raises."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parsing import (
    Knowledge,
    KnownPerson,
    ParsedNote,
    Query,
    is_question,
    parse_note,
    parse_query,
)
from bot.parsing.note import parse_body

NOW = datetime(2026, 7, 15, 8, 0, tzinfo=UTC)

# Text that looks like notes, so the interesting paths run, not only the empty ones.
_VOCABULARY = (
    "met Jane Doe for coffee lunch w/ Sam and her husband Mark <@U1|x> <#C1|c> #tag by on "
    "Friday next last Tuesday yesterday tomorrow in 2 weeks 3 days ago March 3 29 Feb Feb 30 "
    "2026-07-01 3/7 owe him the deck waiting on Raj for asked Priya she'll send me I'll sent "
    "got from intro'd to Ken birthday born wants is looking for private: house fire ! ? , . ' "
    "May April Sun Zoë 李雷 at 3pm EOD end of the month &amp; &lt; \x00 \n 🎉"
)
_WORDS = st.sampled_from(_VOCABULARY.split(" "))
NOTE_LIKE = st.lists(_WORDS, max_size=40).map(" ".join)
ANY_TEXT = st.one_of(st.text(max_size=300), NOTE_LIKE, st.text(max_size=10_000))
ZONES = st.sampled_from(
    ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "", "Nope/Nope"]
)
# hypothesis wants naive bounds and attaches the zone itself
MOMENTS = st.datetimes(
    min_value=datetime(1971, 1, 1),  # noqa: DTZ001
    max_value=datetime(2090, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=200, deadline=None)
@given(text=ANY_TEXT, tz=ZONES, now=MOMENTS)
def test_parse_note_never_raises(text: str, tz: str, now: datetime) -> None:
    # parse_body has no safety net: an exception here is a real bug, not a swallowed one.
    note = parse_body(text, private=False, now=now, tz=tz)
    assert isinstance(note, ParsedNote)
    for moment in [note.occurred_at, *(loop.due for loop in note.loops)]:
        assert moment is None or moment.tzinfo is not None
    assert all(isinstance(p.name, str) and p.name for p in note.people)
    assert isinstance(parse_note(text, now=now, tz=tz), ParsedNote)


@settings(max_examples=200, deadline=None)
@given(text=ANY_TEXT)
def test_parse_query_and_is_question_never_raise(text: str) -> None:
    q = parse_query(text)
    assert isinstance(q, Query)
    assert all(isinstance(t, str) and t == t.lower() and t for t in q.terms)
    assert isinstance(is_question(text), bool)


@settings(max_examples=100, deadline=None)
@given(text=NOTE_LIKE)
def test_occurred_at_is_never_in_the_future_without_a_time(text: str) -> None:
    note = parse_body(text, private=False, now=NOW, tz="Europe/Berlin")
    if note.occurred_at is not None and "pm" not in text and "noon" not in text:
        assert note.occurred_at <= NOW + timedelta(hours=12)


LONG = [
    ("letters", "a" * 10_000),
    ("names", "Jane " * 2_000),
    ("dates", "by Friday " * 1_000),
    ("month-days", "May 3 " * 1_600),
    ("loops", "I owe him " * 1_000),
    ("waiting", "waiting on " * 900),
    ("asked", "asked Raj for " * 700),
    ("mentions", "<@U1|x> " * 1_200),
    ("clauses", "met Jane, " * 1_000),
    ("digits", "9" * 10_000),
    ("apostrophes", "'s" * 5_000),
    ("brackets", "<" * 5_000 + ">" * 5_000),
    ("no-spaces", "JaneDoe" * 1_400),
]


def _best_of_three(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        parse_note(text, now=NOW, tz="Europe/Berlin")
        parse_query(text)
        is_question(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("text", [r[1] for r in LONG], ids=[r[0] for r in LONG])
def test_ten_thousand_characters_parse_in_linear_time(text: str) -> None:
    """Ten times the text costs about ten times the time, not a hundred (no backtracking blow-up).

    A ratio taken in one run, not a wall-clock limit: this machine is shared and noisy.
    """
    tenth = text[: len(text) // 10]
    parse_note(text, now=NOW, tz="Europe/Berlin")  # warm caches
    small, large = _best_of_three(tenth), _best_of_three(text)
    assert large < 0.5 or large / max(small, 1e-4) < 40


def test_non_string_input_is_tolerated() -> None:
    assert parse_note(None, now=NOW, tz="UTC") == ParsedNote(text="")  # type: ignore[arg-type]
    assert parse_query(None).terms == ()  # type: ignore[arg-type]
    assert is_question(None) is False  # type: ignore[arg-type]


def test_naive_now_is_taken_as_utc() -> None:
    naive = datetime(2026, 7, 15, 8, 0)  # noqa: DTZ001  (the point of the test)
    note = parse_note("lunch yesterday", now=naive, tz="UTC")
    assert note.occurred_at == datetime(2026, 7, 14, 12, tzinfo=UTC)


# --- with a workspace snapshot -----------------------------------------------------------------

_NAMES = st.sampled_from(
    [
        "Yusuf Rahimi",
        "Kai Berg",
        "Kai Tan",
        "Anna-Lena Vogt",
        "Trần Thị Mai",
        "Pieter van den Heuvel",
        "Zoë",
        "Jane",
        "An",
        "May",
        "D",
        "",
        "  ",
        "<@U1>",
        "O'",
        "-",
    ]
)
KNOWLEDGE = st.builds(
    Knowledge,
    people=st.lists(
        st.builds(
            KnownPerson,
            name=_NAMES,
            aliases=st.lists(_NAMES, max_size=2).map(tuple),
            slack_user_id=st.sampled_from([None, "U1", "W2"]),
            company=st.sampled_from([None, "Plaid", ""]),
        ),
        max_size=6,
    ).map(tuple),
    organisations=st.lists(
        st.sampled_from(["Plaid", "Initrode", "Expo", "", "a b"]), max_size=3
    ).map(tuple),
    not_people=st.lists(st.sampled_from(["Expo", "Summit", "Jane", ""]), max_size=2).map(tuple),
    slack_users=st.lists(st.tuples(st.sampled_from(["U1", "W2"]), _NAMES), max_size=2).map(tuple),
    date_order=st.sampled_from([None, "DMY", "MDY", "YMD", "nonsense"]),
)
_NOTE_WORDS = st.sampled_from(
    (
        _VOCABULARY
        + " yusuf kai kai berg AL an An may Expo Plaid's COO (Vandelay) from Initrode w/ "
        "pinged sent owe him that and Bruno a demo link sending her flowers tonight 3/4 14.03. "
        "13. April 1d ago 3mos ago yday tommorrow turns 50 on Oct 3 my dad is in the hospital "
        "lost their home smoke damage dead in the water on fire interview voice note mtg "
        "'Tony' (goes by Mai) + the roadmap deck he asked for our SOC 2 report"
    ).split(" ")
)
KNOWN_NOTE = st.lists(_NOTE_WORDS, max_size=40).map(" ".join)
TOPICS = {
    "house fire",
    "lost home",
    "illness",
    "hospital",
    "surgery",
    "funeral",
    "bereavement",
    "laid off",
    "divorce",
    "breakup",
    "miscarriage",
    "accident",
}


@settings(max_examples=250, deadline=None)
@given(text=st.one_of(KNOWN_NOTE, st.text(max_size=300)), known=KNOWLEDGE, tz=ZONES, now=MOMENTS)
def test_parse_with_a_snapshot_never_raises(
    text: str, known: Knowledge, tz: str, now: datetime
) -> None:
    note = parse_body(text, private=False, now=now, tz=tz, known=known)
    names = {p.name for p in known.people} | {name for _, name in known.slack_users}
    for p in note.people:
        assert p.name
        assert p.known_as is None or p.known_as in names
        assert set(p.candidates) <= names
        assert not (p.known_as and p.candidates)
    assert all(o.name for o in note.organisations)
    assert all(n.topic in TOPICS and not (n.mine and n.person) for n in note.sensitivity)
    assert set(note.sensitive) == {n.topic for n in note.sensitivity if not n.mine}
    assert isinstance(parse_note(text, now=now, tz=tz, known=known), ParsedNote)


@settings(max_examples=150, deadline=None)
@given(before=KNOWN_NOTE, a=st.integers(1, 12), b=st.integers(1, 12))
def test_an_ambiguous_date_is_listed_not_guessed(before: str, a: int, b: int) -> None:
    """In a zone that says nothing about date order, "3/4" is listed under "didn't understand"."""
    text = f"{before} met Jane on {a}/{b}"
    note = parse_body(text, private=False, now=NOW, tz="UTC")
    if a != b:
        assert any(f"{a}/{b}" in line for line in note.not_understood), note.not_understood


@settings(max_examples=150, deadline=None)
@given(
    a=st.integers(1, 31),
    b=st.integers(1, 31),
    tz=st.sampled_from(["America/New_York", "Europe/Berlin", "UTC"]),
)
def test_a_numeric_due_date_never_has_an_absurd_year(a: int, b: int, tz: str) -> None:
    note = parse_body(f"owe Raj the deck by {a}/{b}", private=False, now=NOW, tz=tz)
    (loop,) = note.loops
    if loop.due is None:
        assert any(f"{a}/{b}" in line for line in note.not_understood)
    else:
        # the next such day: this year or next, or the next leap year for "2/29"
        assert NOW.year <= loop.due.year <= NOW.year + (4 if (a, b) in ((2, 29), (29, 2)) else 1)
