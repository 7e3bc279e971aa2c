"""Block Kit rendering from hand-made domain values: escaping, limits, buttons, pagination."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.card import card_blocks, home_view
from bot.blocks.ids import BLOCK_ABOUT, BLOCK_TEXT, VIEW_SAVE_NOTE
from bot.blocks.kit import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT, MAX_SURFACE_BLOCKS, escape
from bot.blocks.modals import save_note_modal
from bot.blocks.notes import (
    help_blocks,
    log_confirmation,
    parse_choice_value,
    parse_recall_page_value,
    recall_blocks,
)
from bot.domain.notes import (
    Ambiguity,
    Candidate,
    ContactCard,
    Home,
    LogResult,
    LoopList,
    LoopView,
    OccasionView,
    RecallHit,
    RecallResult,
    TimelineEntry,
)
from bot.domain.refs import ContactRef
from tests.kit import button_list

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
JANE = ContactRef(1, "Jane Doe")
RAJ = ContactRef(2, "Raj Patel")


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn/plain text string in a block list."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return found


def loop(i: int, direction: str = "you_owe", *, overdue: bool = False) -> LoopView:
    return LoopView(
        id=i,
        direction=direction,
        what=f"the deck #{i}",
        contact=RAJ,
        due_at=NOW + timedelta(days=2),
        created_at=NOW - timedelta(days=1),
        overdue=overdue,
        source_note_id=i,
    )


def log_result(**overrides: Any) -> LogResult:
    values: dict[str, Any] = {
        "note_id": 7,
        "text": "met Jane Doe for coffee, she wants a shelter dog",
        "contacts": (JANE,),
        "created_contacts": (JANE,),
        "kind": "meeting",
        "occurred_at": NOW - timedelta(hours=2),
        "private": False,
    }
    values.update(overrides)
    return LogResult(**values)


def hit(i: int, text: str = "wants a shelter dog") -> RecallHit:
    return RecallHit(
        note_id=i,
        text=f"{text} {i}",
        contacts=(JANE,),
        occurred_at=NOW - timedelta(days=i),
        author="Alice",
        author_id="UALICE",
        private=i % 2 == 0,
        kind="meeting",
        score=1.0 / (i + 1),
    )


def test_escape_turns_markup_into_text() -> None:
    assert escape("<!channel> & <http://evil.example|your bank>") == (
        "&lt;!channel&gt; &amp; &lt;http://evil.example|your bank&gt;"
    )


def test_confirmation_shows_everything_understood_with_undo_and_edit() -> None:
    result = log_result(
        loops_opened=(loop(1),),
        loops_closed=(loop(2, "they_owe"),),
        occasions=(OccasionView("birthday", 3, 14, None, JANE, "2026-03-14"),),
        needs=("wants a shelter dog",),
        sensitive=("funeral",),
        not_understood=("by Fridy",),
        tags=("donor",),
    )
    blocks = log_confirmation(result, tz="Europe/Berlin", now=NOW)
    dump = "\n".join(texts(blocks))
    for expected in (
        "*Jane Doe* (new contact)",
        "meeting",
        "<!date^",
        "You owe *Raj Patel*: the deck #1",
        "Closed",
        "Waiting on *Raj Patel*",
        ":birthday:",
        "Jane wants a shelter dog",
        "funeral",
        "“by Fridy”",
        "donor",
        "2 hours ago",
    ):
        assert expected in dump, expected
    assert [(b["action_id"], b["value"]) for b in button_list(blocks)] == [
        ("note_undo", "7"),
        ("note_edit", "7"),
    ]


def test_user_text_is_echoed_escaped() -> None:
    blocks = log_confirmation(log_result(text="ping <!channel> & <@U999>"), tz="UTC", now=NOW)
    dump = "\n".join(texts(blocks))
    assert "&lt;!channel&gt; &amp; &lt;@U999&gt;" in dump
    assert "<!channel>" not in dump and "<@U999>" not in dump


def test_ambiguity_asks_which_one_with_a_button_per_candidate() -> None:
    amb = Ambiguity(
        "Jane", (Candidate(1, "Jane Doe", "last note 3 days ago"), Candidate(3, "Jane Roe"))
    )
    result = log_result(
        note_id=None, pending_id=42, ambiguities=(amb,), contacts=(), created_contacts=()
    )
    blocks = log_confirmation(result, tz="UTC", now=NOW)
    assert "Which *Jane*?" in "\n".join(texts(blocks))
    found = button_list(blocks)
    assert [b["text"]["text"] for b in found] == ["Jane Doe (last note 3 days ago)", "Jane Roe"]
    assert [parse_choice_value(b["value"]) for b in found] == [(42, "Jane", 1), (42, "Jane", 3)]
    assert len({b["action_id"] for b in found}) == 2  # unique within the message


def test_recall_with_30_hits_is_paginated_within_50_blocks() -> None:
    hits = tuple(hit(i) for i in range(30))
    pages = []
    for offset in (0, 10, 20):
        page = RecallResult(
            "shelter dog", ("shelter", "dog"), hits[offset : offset + 10], total=30, offset=offset
        )
        blocks = recall_blocks(page, tz="UTC", now=NOW)
        assert len(blocks) <= MAX_MESSAGE_BLOCKS
        pages.append(
            {b["text"]["text"]: parse_recall_page_value(b["value"]) for b in button_list(blocks)}
        )
    assert pages == [
        {"Next": ("shelter dog", 10)},
        {"Previous": ("shelter dog", 0), "Next": ("shelter dog", 20)},
        {"Previous": ("shelter dog", 10)},
    ]


def test_recall_never_exceeds_a_message_even_with_a_huge_page() -> None:
    hits = tuple(hit(i) for i in range(80))
    blocks = recall_blocks(
        RecallResult("dog", ("dog",), hits, total=80), tz="UTC", now=NOW, page_size=80
    )
    assert len(blocks) <= MAX_MESSAGE_BLOCKS


def test_recall_hit_shows_contact_author_date_and_age() -> None:
    blocks = recall_blocks(RecallResult("dog", ("dog",), (hit(3),), total=1), tz="UTC", now=NOW)
    dump = "\n".join(texts(blocks))
    assert "*Jane Doe*: wants a shelter dog 3" in dump
    assert "logged by Alice" in dump and "3 days ago" in dump and "<!date^" in dump
    assert not button_list(blocks)


def test_recall_with_nothing_found_says_so() -> None:
    blocks = recall_blocks(RecallResult("<zebra>", ("zebra",), (), total=0), tz="UTC", now=NOW)
    assert "nothing for “&lt;zebra&gt;”" in texts(blocks)[0]


def test_home_stays_within_100_blocks_with_many_loops() -> None:
    many = tuple(loop(i, overdue=i < 3) for i in range(300))
    home = Home(
        loops=LoopList(you_owe=many, waiting_on=many),
        recent=tuple(
            TimelineEntry(i, "x" * 500, NOW, "Alice", "UALICE", None, False) for i in range(200)
        ),
        birthdays=(OccasionView("birthday", 3, 14, 1990, JANE, "2026-03-14"),),
    )
    view = home_view(home, tz="UTC", now=NOW)
    assert view["type"] == "home"
    assert len(view["blocks"]) <= MAX_SURFACE_BLOCKS
    assert all(len(t) <= MAX_SECTION_TEXT for t in texts(view["blocks"]))
    dump = "\n".join(texts(view["blocks"]))
    assert ":red_circle: *overdue*" in dump
    assert "*Jane Doe*'s birthday: Sat 14 Mar 2026 (turns 36)" in dump


def test_card_stays_within_a_message() -> None:
    entries = tuple(
        TimelineEntry(i, "y" * 900, NOW, "Bob", "UBOB", "call", i % 3 == 0) for i in range(120)
    )
    card = ContactCard(
        contact=JANE,
        aliases=("JD",),
        company="Acme",
        role="CTO",
        timeline=entries,
        last_interaction=entries[0],
        last_by_you=None,
        open_loops=(loop(1),),
        occasions=(),
        sensitive=(("funeral", NOW - timedelta(days=3)),),
        needs=("a dog",),
        tags=("vip",),
    )
    blocks = card_blocks(card, tz="UTC", now=NOW)
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    dump = "\n".join(texts(blocks))
    assert "CTO at Acme" in dump and "Heads-up" in dump and "JD" in dump


def test_help_lists_every_subcommand() -> None:
    from bot.handlers.commands import all_subcommands, usage_lines

    dump = "\n".join(texts(help_blocks(usage_lines())))
    for sub in all_subcommands():
        for word in sub.words:
            assert f"`{word}`" in dump or f"/rapport {word}" in dump, word
    assert "/rapport help" in dump


def test_modals_carry_metadata_and_prefill() -> None:
    view = save_note_modal(
        text="we should talk", about="Priya Raman", private_metadata='{"c":"C1"}'
    )
    assert view["callback_id"] == VIEW_SAVE_NOTE and view["private_metadata"] == '{"c":"C1"}'
    initial = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"]}
    assert initial == {BLOCK_ABOUT: "Priya Raman", BLOCK_TEXT: "we should talk"}
    json.dumps(view)


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=0, max_size=7000))
def test_any_note_text_renders_within_limits_and_escaped(text: str) -> None:
    blocks = log_confirmation(log_result(text=text), tz="UTC", now=NOW)
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    for t in texts(blocks):
        assert len(t) <= MAX_SECTION_TEXT
    quoted = blocks[0]["text"]["text"]
    body = quoted.split("\n", 1)[1]
    assert "<" not in body and ">" not in body.replace("&gt; ", "")
