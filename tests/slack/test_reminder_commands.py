"""Reminders from Slack: /rapport cadence, snooze, settings, due, and what App Home shows."""

from __future__ import annotations

from tests.slack.fakeslack import FakeSlack
from tests.slack.payloads import SlackSender, home_opened


def answer(fake_slack: FakeSlack, n: int) -> str:
    return fake_slack.wait_for("response_url", n)[n - 1].text_dump()


def test_cadence_snooze_settings_and_due(slack: SlackSender, fake_slack: FakeSlack) -> None:
    # The clock is 2026-03-10; Jane was last seen in January, so a monthly cadence is overdue.
    assert slack.command("log coffee with Jane Doe on January 5").status == 200
    fake_slack.wait_for("response_url", 1)

    assert slack.command("cadence Jane Doe every 30 days").status == 200
    assert "Jane Doe" in answer(fake_slack, 2) and "every 30 days" in answer(fake_slack, 2)

    assert slack.command("cadence").status == 200
    assert "Jane Doe" in answer(fake_slack, 3)

    assert slack.command("due").status == 200
    assert "Jane" in answer(fake_slack, 4)

    assert slack.command("snooze Jane Doe 1w").status == 200
    assert "Snoozed" in answer(fake_slack, 5) and "Jane Doe" in answer(fake_slack, 5)

    assert slack.command("settings cap 3 individual").status == 200
    settings = answer(fake_slack, 6)
    assert "at most 3 nudges a day" in settings and "one DM per reminder" in settings

    assert slack.command("snooze").status == 200
    assert "needs a name and how long" in answer(fake_slack, 7)


def test_unknown_cadence_target_is_a_friendly_error(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    assert slack.command("cadence Nobody Known every 30 days").status == 200
    assert ":warning:" in answer(fake_slack, 1)


def test_app_home_shows_what_is_due(slack: SlackSender, fake_slack: FakeSlack) -> None:
    assert slack.command("log I owe Raj Patel the pricing deck by 2026-03-10").status == 200
    fake_slack.wait_for("response_url", 1)
    assert slack.event(home_opened()).status == 200
    (published,) = fake_slack.wait_for("views.publish")
    dump = published.text_dump()
    assert "Due today" in dump and "Raj Patel" in dump
