"""Slack's edges: a note longer than a text input holds goes through the modals whole; a replayed
signed slash command is filed once; `/rapport due` and App Home escape once."""

from __future__ import annotations

import io
import time
from urllib.parse import urlencode

from bot.app import Rapport
from bot.blocks.ids import BLOCK_ABOUT, VIEW_EDIT_NOTE, VIEW_SAVE_NOTE
from bot.blocks.kit import MAX_INPUT_LENGTH
from bot.console.notifier import ConsoleNotifier
from bot.domain.refs import Actor
from bot.store.db import SessionFactory
from tests.kit import buttons
from tests.slack.fakeslack import TEAM_ID, FakeSlack
from tests.slack.payloads import (
    SlackSender,
    block_action,
    command_payload,
    home_opened,
    message_shortcut,
    view_submission,
)
from tests.slack.test_dm_commands import notes, say

ALICE = Actor(workspace_id=TEAM_ID, user_id="UALICE")
# A long message: 7,000 characters of sentences, about someone, with a word at the end to find.
LONG = " ".join(f"Sentence {n} about the Globex renewal with Priya Raman." for n in range(125))
LONG += "\nThe last word is zanzibar."


def boxes(view: dict[str, object]) -> dict[str, str]:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return {b["block_id"]: b["element"].get("initial_value") or "" for b in blocks}


def test_save_as_note_keeps_a_message_longer_than_a_box(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    assert len(LONG) > 2 * MAX_INPUT_LENGTH
    fake_slack.users["UPRIYA"] = {"real_name": "Priya Raman"}
    shortcut = message_shortcut(LONG, author="UPRIYA", response_url=fake_slack.response_url("s"))
    assert slack.interact(shortcut).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    view = opened.params["view"]
    shown = boxes(view)
    parts = {k: v for k, v in shown.items() if k != BLOCK_ABOUT}
    assert len(parts) == 3 and all(len(v) <= MAX_INPUT_LENGTH for v in parts.values())
    assert "boxes" in str(view["blocks"])  # the person is told why there are several
    submit = view_submission(VIEW_SAVE_NOTE, shown, private_metadata=view["private_metadata"])
    assert slack.interact(submit).status == 200
    fake_slack.wait_for("response_url")
    (hit,) = rapport.recall.recall(actor=ALICE, query="zanzibar").hits
    assert hit.text == LONG


def test_edit_shows_and_saves_a_long_note_whole(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    confirmation = say(slack, fake_slack, LONG)
    edit = buttons(confirmation)["Edit"]
    action = block_action(edit["action_id"], edit["value"], response_url=fake_slack.response_url())
    assert slack.interact(action).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    view = opened.params["view"]
    shown = boxes(view)
    assert "".join(shown.values()).replace(" ", "").replace("\n", "") == LONG.replace(
        " ", ""
    ).replace("\n", "")
    shown = {k: v.replace("zanzibar", "madagascar") for k, v in shown.items()}
    submit = view_submission(VIEW_EDIT_NOTE, shown, private_metadata=view["private_metadata"])
    assert slack.interact(submit).status == 200
    fake_slack.wait_for("response_url")
    (hit,) = rapport.recall.recall(actor=ALICE, query="madagascar").hits
    assert hit.text == LONG.replace("zanzibar", "madagascar")


def test_a_replayed_slash_command_is_filed_once(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    fields = command_payload(
        "log lunch with Raj Patel", response_url=fake_slack.response_url("first")
    )
    body = urlencode(fields).encode()
    sent_at = int(time.time()) - 60  # a minute ago: inside Slack's five minutes
    for _ in range(3):  # the same signed request, three times
        response = slack.post(body, "application/x-www-form-urlencoded", timestamp=sent_at)
        assert response.status == 200
    fake_slack.settle(0.4)
    assert notes(sessions) == 1
    assert len(fake_slack.calls("response_url")) == 1  # one confirmation
    # The same words typed again are a new command (a new timestamp, a new signature).
    assert slack.command("log lunch with Raj Patel").status == 200
    fake_slack.wait_for("response_url", 2)
    assert notes(sessions) == 2


def test_due_and_app_home_escape_once(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    # As Slack sends it: `&`, `<`, `>` arrive escaped once.
    typed = "log I owe Raj Patel the R&amp;D deck by Thursday"
    assert slack.command(typed).status == 200
    fake_slack.wait_for("response_url", 1)
    rapport.delivery.tick(notifier=ConsoleNotifier(io.StringIO()))  # the reminders are tracked
    assert slack.command("due").status == 200
    due = fake_slack.wait_for("response_url", 2)[1]
    assert slack.event(home_opened()).status == 200
    (published,) = fake_slack.wait_for("views.publish")
    for dump in (due.text_dump(), published.text_dump()):
        assert "R&amp;D" in dump, dump
        assert "&amp;amp;" not in dump, dump
