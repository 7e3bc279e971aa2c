"""/rapport fading, focus and friends through the fake Slack: signed requests into the real
HTTP server, the real services and database behind it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.app import Rapport
from bot.domain.refs import Actor
from tests.kit import buttons
from tests.slack.conftest import NOW
from tests.slack.fakeslack import TEAM_ID, Call, FakeSlack
from tests.slack.payloads import SlackSender, block_action

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Cara",
    "Dave",
    "Emma",
    "Fred",
    "Gina",
    "Hugo",
    "Iris",
    "Jack",
    "Kate",
    "Liam",
    "Mona",
    "Nick",
    "Omar",
    "Paul",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Uma",
    "Vera",
    "Will",
    "Xena",
    "Yara",
]
ALICE = Actor(workspace_id=TEAM_ID, user_id="UALICE", display_name="Alice")


def answers(fake: FakeSlack, count: int) -> list[Call]:
    return fake.wait_for("response_url", count)


def click(slack: SlackSender, fake: FakeSlack, element: dict[str, Any], key: str) -> None:
    payload = block_action(
        element["action_id"], element["value"], response_url=fake.response_url(key)
    )
    assert slack.interact(payload).status == 200


def test_fading_pages_with_buttons_within_50_blocks(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    for i, given in enumerate(FIRST_NAMES):
        rapport.notes.log(actor=ALICE, text=f"coffee with {given} Lee", at=NOW - timedelta(days=i))
    assert slack.command("fading", response_key="f1").status == 200
    (first,) = answers(fake_slack, 1)
    assert first.params["response_type"] == "ephemeral" and len(first.blocks) <= 50
    dump = first.text_dump()
    assert "Yara Lee" in dump and "Paul Lee" in dump and "Omar Lee" not in dump
    assert dump.index("Yara Lee") < dump.index("Xena Lee")  # the longest silence first
    assert "Previous" not in buttons(first) and "Next" in buttons(first)

    click(slack, fake_slack, buttons(first)["Next"], "n1")
    second = answers(fake_slack, 2)[1]
    assert second.params["replace_original"] is True and len(second.blocks) <= 50
    assert "Omar Lee" in second.text_dump() and "(11–20)" in second.text_dump()
    assert {"Previous", "Next"} <= set(buttons(second))

    assert slack.command("fading 3").status == 200
    third = answers(fake_slack, 3)[2]
    assert "Emma Lee" in third.text_dump() and "Next" not in buttons(third)


def test_focus_by_command_and_by_button(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    rapport.notes.log(actor=ALICE, text="coffee with Jane Doe", at=NOW - timedelta(days=50))
    rapport.notes.log(actor=ALICE, text="lunch with Raj Patel", at=NOW - timedelta(days=80))
    assert slack.command("focus Jane Doe").status == 200
    (done,) = answers(fake_slack, 1)
    assert "Jane Doe is on your focus list (1 of 25)" in done.text_dump()
    assert "every 30 days" in done.text_dump()

    assert slack.command("fading").status == 200
    page = answers(fake_slack, 2)[1]
    assert "Unfocus" in buttons(page)  # Jane's row
    click(slack, fake_slack, buttons(page)["Focus"], "b1")  # Raj's row
    clicked = answers(fake_slack, 3)[2]
    assert "Raj Patel is on your focus list (2 of 25)" in clicked.text_dump()

    assert slack.command("focus").status == 200
    listed = answers(fake_slack, 4)[3]
    assert "Your focus list* (2 of 25)" in listed.text_dump()

    assert slack.command("unfocus Raj Patel").status == 200
    assert "Took Raj Patel off" in answers(fake_slack, 5)[4].text_dump()
    focused = rapport.standing.focus_list(actor=ALICE).rows
    assert [r.contact.display_name for r in focused] == ["Jane Doe"]


def test_someone_elses_click_changes_only_their_own_focus(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    rapport.notes.log(actor=ALICE, text="coffee with Jane Doe", at=NOW - timedelta(days=5))
    assert slack.command("fading").status == 200
    (page,) = answers(fake_slack, 1)
    focus = buttons(page)["Focus"]
    payload = block_action(
        focus["action_id"], focus["value"], user="UMALLORY", response_url=fake_slack.response_url()
    )
    assert slack.interact(payload).status == 200
    answers(fake_slack, 2)
    assert rapport.standing.focus_list(actor=ALICE).rows == ()


def test_names_are_escaped_and_which_one_is_asked(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    rapport.notes.log(actor=ALICE, text="coffee with Jane Doe", at=NOW - timedelta(days=5))
    rapport.notes.log(actor=ALICE, text="coffee with Jane Smith", at=NOW - timedelta(days=6))
    assert slack.command("focus Jane").status == 200
    (asked,) = answers(fake_slack, 1)
    pick = buttons(asked)
    assert set(pick) == {"Jane Doe", "Jane Smith"}
    click(slack, fake_slack, pick["Jane Smith"], "p1")
    assert "Jane Smith is on your focus list" in answers(fake_slack, 2)[1].text_dump()

    assert slack.command("fading <!channel> &").status == 200
    refused = answers(fake_slack, 3)[2]
    assert "<!channel>" not in refused.text_dump() and ":warning:" in refused.text_dump()


def test_next_and_review(slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport) -> None:
    rapport.notes.log(
        actor=ALICE, text="I owe Raj Patel the pricing deck", at=NOW - timedelta(days=2)
    )
    assert slack.command("next").status == 200
    (nxt,) = answers(fake_slack, 1)
    assert "You owe Raj Patel the pricing deck" in nxt.text_dump()
    assert slack.command("review").status == 200
    review = answers(fake_slack, 2)[1]
    assert "Your weekly review" in review.text_dump() and len(review.blocks) <= 50
    assert slack.command("review weekly on").status == 200
    assert "every Monday morning" in answers(fake_slack, 3)[2].text_dump()
