"""Words a person reads: plurals that agree, "You know:", a closed loop that isn't OVERDUE, one
day count per piece of news, a teammate's card that doesn't say "no interactions yet" above
notes, and sympathy in human words. Each through the real service, rendered for the console
(`rapport …` in-process) and for Slack (the Block Kit the bot sends)."""

from __future__ import annotations

import json
import re

import pytest

from bot.app import Rapport
from bot.blocks.card import card_blocks
from bot.blocks.notes import log_confirmation, recall_fallback_text
from bot.blocks.standing import review_fallback_text, review_text_lines
from bot.blocks.team import pressure_sentence, who_knows_blocks
from bot.console.notes import import_lines
from bot.domain.notes import ImportSummary, PressureNote
from bot.domain.refs import ContactRef
from bot.domain.sensitive import check_in_draft
from tests.cli_kit import run
from tests.team.conftest import ANA, BOB, NOW, days_ago

# "1 notes", "1 times", "every 1 days", "3 call", "1 people": a number and a noun that disagree.
DISAGREE = re.compile(
    r"\b1 (?:notes|times|days|loops|occasions|birthdays|records|people|calls|reviews)\b"
    r"|\b(?:[02-9]|\d\d+) (?:call|coffee|lunch|meeting|person|birthday|record|loop|note)\b(?!')"
)


def slack_text(blocks: object) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def slack_lines(blocks: object) -> list[str]:
    """Every line of every text in the blocks."""
    if isinstance(blocks, dict):
        found = [str(blocks["text"])] if isinstance(blocks.get("text"), str) else []
        return [
            *(line for text in found for line in text.split("\n")),
            *(line for value in blocks.values() for line in slack_lines(value)),
        ]
    if isinstance(blocks, list):
        return [line for value in blocks for line in slack_lines(value)]
    return []


# --- plurals ------------------------------------------------------------------------------------


def test_the_weekly_review_counts_in_words_that_agree(rapport: Rapport) -> None:
    for text in ("called Jane Doe", "called Jane Doe again", "called Jane Doe re the pilot"):
        rapport.notes.log(actor=BOB, text=text, at=days_ago(2))
    rapport.notes.log(actor=BOB, text="lunch with Jane Doe", at=days_ago(1))
    rapport.standing.focus(actor=BOB, name="Jane Doe")
    review = rapport.reviews.review(actor=BOB, now=NOW)
    lines = "\n".join(review_text_lines(review, tz="UTC"))
    assert "*4* notes with *1* person: 3 calls, 1 lunch" in lines
    assert "*Focus list:* 1 person" in lines
    assert review_fallback_text(review).startswith("Your weekly review: 4 notes with 1 person, ")
    assert not DISAGREE.search(lines + review_fallback_text(review)), lines


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            ImportSummary(total=1, created=1, merged=1, skipped=0, occasions=1),
            "Imported 1 record: 1 new contact, 1 existing one updated, 0 already known; "
            "1 occasion (birthdays, anniversaries) added.",
        ),
        (
            ImportSummary(total=3, created=2, merged=0, skipped=1, occasions=0),
            "Imported 3 records: 2 new contacts, 0 existing ones updated, 1 already known; "
            "0 occasions (birthdays, anniversaries) added.",
        ),
    ],
    ids=["one-of-each", "several"],
)
def test_import_summary_plurals(summary: ImportSummary, expected: str) -> None:
    assert next(iter(import_lines(summary))) == expected


@pytest.mark.parametrize(
    ("count", "words"), [(1, "once"), (2, "twice"), (5, "5 times")], ids=["1", "2", "5"]
)
def test_contact_pressure_says_once_twice(count: int, words: str) -> None:
    pressure = PressureNote(
        contact=ContactRef(id=1, display_name="Jane Doe"),
        count=count,
        since_days=7,
        teammates=("Bob",),
    )
    assert f"heard from the team {words} in the last 7 days" in pressure_sentence(pressure)


def test_a_daily_cadence_is_every_day_and_one_recall_hit_is_one_note(
    rapport: Rapport, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "log", "--db", db, "coffee with Jane Doe about the shelter")
    run(capsys, "cadence", "--db", db, "Jane Doe", "every", "1", "day")
    code, out, _ = run(capsys, "who", "--db", db, "Jane Doe")
    assert code == 0 and "Stay in touch: every day" in out and "every 1 days" not in out
    rapport.notes.log(actor=ANA, text="coffee with Raj Patel about marmalade")
    found = rapport.recall.recall(actor=ANA, query="marmalade")
    assert recall_fallback_text(found).startswith("1 note for")


def test_merge_and_forget_summaries_agree_with_their_counts(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="coffee with Jane Doe")
    rapport.notes.log(actor=ANA, text="I owe Jane Miller the deck by Friday")
    merged = rapport.contacts.merge(actor=ANA, keep="Jane Doe", other="Jane Miller")
    assert "1 note, 1 loop and 0 occasions moved" in merged.summary
    forgot = rapport.contacts.forget(actor=ANA, name="Jane Doe")
    assert "2 notes, 1 loop and 0 occasions erased" in forgot.summary
    assert not DISAGREE.search(merged.summary + forgot.summary)
    rapport.notes.log(actor=ANA, text="Raj Patel's birthday is 3 May")
    one = rapport.contacts.forget(actor=ANA, name="Raj Patel")
    assert "1 note, 0 loops and 1 occasion erased" in one.summary, one.summary


# --- You know -----------------------------------------------------------------------------------


def test_who_knows_says_you_to_the_one_asking(
    rapport: Rapport, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "log", "--db", db, "--as", "me", "lunch with Raj Patel about the Globex pilot")
    run(capsys, "log", "--db", db, "--as", "bob", "called Lena Fischer at Globex")
    code, out, _ = run(capsys, "who-knows", "--db", db, "--as", "me", "Globex")
    assert code == 0 and "You know:" in out and "bob knows:" in out
    assert "me knows" not in out
    rapport.notes.log(actor=ANA, text="lunch with Raj Patel about the Globex pilot")
    rapport.notes.log(actor=BOB, text="called Lena Fischer about Globex")
    blocks = slack_text(
        who_knows_blocks(rapport.team.who_knows(actor=ANA, query="Globex"), now=NOW)
    )
    assert "• *You*: Raj Patel" in blocks and "• *Bob*: " in blocks
    assert "*Ana*" not in blocks


# --- a closed loop is not overdue ---------------------------------------------------------------


def test_a_closed_loop_is_never_shown_as_overdue(
    rapport: Rapport, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "log", "--db", db, "--at", "2026-01-05", "I owe Raj Patel the deck by Friday")
    code, out, _ = run(capsys, "log", "--db", db, "sent Raj Patel the deck")
    assert code == 0 and "Closed: You owe Raj Patel: the deck" in out
    assert "OVERDUE" not in out
    rapport.notes.log(actor=ANA, text="I owe Raj Patel the deck by Friday", at=days_ago(30))
    closed = rapport.notes.log(actor=ANA, text="sent Raj Patel the deck")
    assert [loop.overdue for loop in closed.loops_closed] == [False]
    blocks = slack_text(log_confirmation(closed, tz="UTC", now=NOW))
    assert "Closed — You owe *Raj Patel*: the deck" in blocks and "overdue" not in blocks


# --- the card -----------------------------------------------------------------------------------


def test_one_day_count_per_piece_of_news_on_a_card(
    rapport: Rapport, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rapport.notes.log(actor=BOB, text="Jane Doe lost her father, funeral on Monday", at=days_ago(3))
    rapport.notes.log(actor=BOB, text="Jane Doe was in hospital after surgery", at=days_ago(12))
    for viewer in (ANA, BOB):
        card = rapport.recall.card(actor=viewer, name="Jane Doe")
        lines = [
            line
            for line in slack_lines(card_blocks(card, tz="UTC", now=NOW))
            if "eads-up" in line  # the next action's "heads-up" and the card's own lines
        ]
        # The check-in names the loss and its day; the older news has one line of its own.
        assert len(lines) == 2, lines
        assert sum("father" in line for line in lines) == 1
        assert sum("surgery" in line or "hospital" in line for line in lines) == 1
    run(capsys, "log", "--db", db, "--at", "2026-11-25", "Raj Patel lost his mother, funeral Fri")
    code, out, _ = run(capsys, "who", "--db", db, "Raj Patel")
    news = [
        line
        for line in out.splitlines()
        if line.startswith(("  Next:", "  Heads-up:"))
        and any(word in line for word in ("funeral", "loss", "death", "mother"))
    ]
    assert code == 0 and len(news) == 1, out


def test_a_teammates_card_never_says_no_interactions_above_their_notes(
    rapport: Rapport, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rapport.notes.log(actor=BOB, text="coffee with Jane Doe", at=days_ago(4))
    rapport.notes.log(actor=BOB, text="called Jane Doe", at=days_ago(2))
    card = rapport.recall.card(actor=ANA, name="Jane Doe")
    assert len(card.timeline) == 2
    shown = slack_text(card_blocks(card, tz="UTC", now=NOW))
    assert "no interactions" not in shown and "Nothing logged" not in shown
    assert "You haven't logged anything with Jane yet" in shown  # ana's own part, in her words
    run(capsys, "log", "--db", db, "--as", "bob", "coffee with Raj Patel")
    code, out, _ = run(capsys, "who", "--db", db, "--as", "ana", "Raj Patel")
    assert code == 0 and "coffee with Raj Patel" in out
    assert "no interactions" not in out and "Nothing logged" not in out


# --- sympathy -----------------------------------------------------------------------------------

TOPICS = (
    "bereavement",
    "funeral",
    "house fire",
    "lost home",
    "illness",
    "hospital",
    "surgery",
    "laid off",
    "divorce",
    "breakup",
    "miscarriage",
    "accident",
    "something new",
)
CLINICAL = ("bereavement", "illness", "laid off", "divorce", "breakup", "miscarriage", "surgery")


@pytest.mark.parametrize("topic", TOPICS, ids=str)
def test_a_sympathy_draft_is_written_as_a_person_would(topic: str) -> None:
    draft = check_in_draft(topic, "Jane")
    assert draft.startswith("Hi Jane, ") and draft.casefold().rstrip(".").endswith(
        ("no need to reply", "just say")
    )
    assert f"the {topic}" not in draft
    for label in CLINICAL:
        assert label not in draft.casefold()


def test_the_card_drafts_condolences_in_human_words(rapport: Rapport) -> None:
    rapport.notes.log(actor=ANA, text="Jane Doe lost her father, funeral on Monday", at=days_ago(2))
    card = rapport.recall.card(actor=ANA, name="Jane Doe")
    assert card.standing is not None and card.standing.action is not None
    draft = card.standing.action.draft or ""
    assert (
        draft == "Hi Jane, I was so sorry to hear of your loss. Thinking of you — no need to reply."
    )
    assert "bereavement" not in slack_text(card_blocks(card, tz="UTC", now=NOW)).split("_")[1]
