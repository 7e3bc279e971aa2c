"""Slack Connect's pure rules on real payload shapes: who is from another organisation, what asks
a question, and when an unanswered one is a working day old."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.connect import answer_due, answers, excerpt, external_team, is_question
from tests.slack.connect_kit import fixture


def test_an_author_from_another_team_is_external_and_a_grid_colleague_is_not() -> None:
    outsider = fixture("event-slack-connect-app_mention-external-user.json")
    assert external_team(outsider["event"], workspace_team=outsider["team_id"]) == "T03E94MJU"
    grid = fixture("event-slack-connect-app_mention-grid-user.json")
    # Another organisation's Enterprise Grid member: their team is named by its enterprise id.
    assert external_team(grid["event"], workspace_team=grid["team_id"]) == "E013Y3SHLAY"
    # The same Grid organisation as the workspace: a colleague, not an outsider.
    assert (
        external_team(grid["event"], workspace_team="T0OTHER", enterprise_id="E013Y3SHLAY") is None
    )
    seen_by_home = fixture("event-slack-connect-message-other-org-user.json")
    assert external_team(seen_by_home["event"], workspace_team=seen_by_home["team_id"]) is None


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Can you send the signed PO by Thursday?", True),
        ("We shipped it. Does it work for you?", True),
        ("please confirm the new delivery address", True),
        ("any update on the invoice", True),
        ("Let us know when the truck leaves", True),
        ("Thanks, all good on our side.", False),
        ("ok sounds good", False),
        ("<@U0ANA> has joined the channel", False),
        ("", False),
    ],
)
def test_what_asks_a_question(text: str, asks: bool) -> None:
    assert is_question(text) is asks


def test_a_working_day_skips_the_weekend() -> None:
    tuesday = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    friday = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)
    assert answer_due(tuesday, "UTC") == datetime(2026, 3, 11, 15, 0, tzinfo=UTC)
    assert answer_due(friday, "UTC") == datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
    # Friday evening in Los Angeles is Saturday in UTC: the weekend is the workspace's.
    late = datetime(2026, 3, 14, 1, 0, tzinfo=UTC)
    assert answer_due(late, "America/Los_Angeles") == datetime(2026, 3, 17, 1, 0, tzinfo=UTC)


def test_a_thread_answers_its_own_question_and_the_channel_a_top_level_one() -> None:
    assert answers(
        question_thread="1.0", question_ts="1.0", reply_thread="2.0", reply_top_level=True
    )
    assert answers(
        question_thread="1.0", question_ts="1.0", reply_thread="1.0", reply_top_level=False
    )
    assert not answers(
        question_thread="1.0", question_ts="1.5", reply_thread="2.0", reply_top_level=True
    )
    assert answers(
        question_thread="1.0", question_ts="1.5", reply_thread="1.0", reply_top_level=False
    )


def test_an_excerpt_is_short_plain_text() -> None:
    assert excerpt("see <https://acme.example/po|the PO> <@U1>") == "see the PO"
    long = "word " * 100
    cut = excerpt(long)
    assert len(cut) <= 140 and cut.endswith("…")
