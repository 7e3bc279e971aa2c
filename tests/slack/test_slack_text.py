"""Slack's wire text turned back into what the person typed (bot.handlers.common.from_slack)."""

from __future__ import annotations

import pytest

from bot.handlers.common import from_slack

NAMES = {"U123": "Jane Doe", "W9": "Raj Patel"}


@pytest.mark.parametrize(
    ("wire", "plain"),
    [
        ("met <@U123> for coffee", "met Jane Doe for coffee"),
        ("call with <@W9|raj>", "call with Raj Patel"),
        ("lunch with <@U777|sam>", "lunch with sam"),
        ("lunch with <@U777>", "lunch with someone"),
        ("posted in <#C42|general>", "posted in the general channel"),
        ("<!channel> look", "@channel look"),
        ("<!subteam^S1|@design> pinged", "@design pinged"),
        ("see <https://example.com|the deck>", "see the deck"),
        ("see <https://example.com>", "see https://example.com"),
        ("mail <mailto:jane@example.com|jane@example.com>", "mail jane@example.com"),
        ("fish &amp; chips &lt;3", "fish & chips <3"),
        ("nothing special", "nothing special"),
    ],
    ids=[
        "mention",
        "mention-with-label",
        "unknown-user-label",
        "unknown-user",
        "channel",
        "broadcast-defused",
        "user-group",
        "link-label",
        "bare-link",
        "mailto",
        "entities",
        "plain",
    ],
)
def test_wire_text_reads_as_typed(wire: str, plain: str) -> None:
    assert from_slack(wire, user_name=NAMES.get) == plain


def test_a_channel_is_not_a_tag() -> None:
    from datetime import UTC, datetime

    from bot.parsing import parse_note

    text = from_slack("met <@U123> after the talk in <#C42|investors>", user_name=NAMES.get)
    assert parse_note(text, now=datetime(2026, 7, 1, tzinfo=UTC), tz="UTC").tags == ()
