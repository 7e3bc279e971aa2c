"""Correcting a name from Slack: signed requests into the real bolt app, the real service and
database behind it, the fake Slack recording what the bot says back."""

from __future__ import annotations

import json
from typing import Any

from bot.app import Rapport
from bot.blocks.ids import ACTION_FIX_NAME
from bot.domain.refs import Actor
from tests.slack.fakeslack import TEAM_ID, Call, FakeSlack
from tests.slack.payloads import SlackSender, block_action, dm

ALICE = Actor(workspace_id=TEAM_ID, user_id="UALICE")


def log_by_dm(slack: SlackSender, fake: FakeSlack, text: str, *, user: str = "UALICE") -> Call:
    before = len(fake.calls("chat.postMessage"))
    assert slack.event(dm(text, user=user)).status == 200
    return fake.wait_for("chat.postMessage", before + 1)[-1]


def fix_menu(message: Call) -> dict[str, Any]:
    for block in message.params["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == ACTION_FIX_NAME:
                return dict(element)
    raise AssertionError("no fix menu on " + message.text_dump())


def choose(option: dict[str, Any], *, user: str, response_url: str) -> dict[str, Any]:
    payload = block_action(ACTION_FIX_NAME, "", user=user, response_url=response_url)
    payload["actions"] = [
        {
            "action_id": ACTION_FIX_NAME,
            "block_id": "note_1",
            "type": "overflow",
            "selected_option": option,
            "action_ts": "1700000400.000002",
        }
    ]
    return payload


def test_is_a_company_from_the_confirmations_menu(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    confirmation = log_by_dm(slack, fake_slack, "call with Nimbus about the renewal")
    assert "Nimbus" in confirmation.text_dump() and "new contact" in confirmation.text_dump()
    menu = fix_menu(confirmation)
    option = next(o for o in menu["options"] if o["text"]["text"] == "Nimbus is a company")

    # Someone else pressing it (a forwarded payload) changes nothing.
    forged = choose(option, user="UMALLORY", response_url=fake_slack.response_url("m"))
    assert slack.interact(forged).status == 200
    (refusal,) = fake_slack.wait_for("response_url")
    assert refusal.params["response_type"] == "ephemeral"
    assert rapport.recall.card(actor=ALICE, name="Nimbus").contact.display_name == "Nimbus"

    mine = choose(option, user="UALICE", response_url=fake_slack.response_url("a"))
    assert slack.interact(mine).status == 200
    replaced = fake_slack.wait_for("response_url", 2)[1]
    text = replaced.text_dump()
    assert replaced.params["replace_original"] is True
    assert "Nimbus* is an organisation, not a person" in text
    assert "everyone in this workspace" in text and "Removed the contact *Nimbus*" in text

    # Bob's next note is read with it.
    later = log_by_dm(slack, fake_slack, "lunch with Nimbus and Sam Lee", user="UBOB")
    assert "*Sam Lee* (new contact) · *Nimbus*" in later.text_dump()


def test_not_a_person_in_words_by_dm(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    log_by_dm(slack, fake_slack, "demo for Quanta went well, Raj Patel loved it")
    answer = log_by_dm(slack, fake_slack, "Quanta isn't a person")
    text = answer.text_dump()
    assert "Quanta* isn't a person" in text and "Re-filed your note" in text
    assert "Saved a note about *Raj Patel*" in text
    assert not any(
        c["name"] == "Quanta" for c in json.loads(rapport.transfer.export(actor=ALICE))["contacts"]
    )


def test_a_stale_or_malformed_menu_value_is_answered_kindly(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    bad = choose(
        {"text": {"type": "plain_text", "text": "x"}, "value": "{not json"},
        user="UALICE",
        response_url=fake_slack.response_url("b"),
    )
    assert slack.interact(bad).status == 200
    (reply,) = fake_slack.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral" and "out of date" in reply.text_dump()
