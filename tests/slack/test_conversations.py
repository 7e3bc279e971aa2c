"""Conversations with the bot: signed requests into the real HTTP server, the real service and
database behind it, and the fake Slack recording what the bot says back."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App

from bot.app import Rapport
from bot.blocks.ids import BLOCK_ABOUT, BLOCK_TEXT, VIEW_EDIT_NOTE, VIEW_SAVE_NOTE
from bot.domain.refs import Actor
from bot.handlers.common import STORAGE_UNAVAILABLE
from bot.slack.app import build_app
from bot.store.db import SessionFactory
from tests.kit import buttons
from tests.lost_commits import faults
from tests.slack.conftest import NOW, serve_in_thread
from tests.slack.fakeslack import TEAM_ID, Call, FakeSlack
from tests.slack.payloads import (
    SlackSender,
    block_action,
    dm,
    home_opened,
    mention,
    message_shortcut,
    view_submission,
)
from tests.world import World

ALICE = Actor(workspace_id=TEAM_ID, user_id="UALICE")


def log_by_dm(slack: SlackSender, fake: FakeSlack, text: str, *, user: str = "UALICE") -> Call:
    before = len(fake.calls("chat.postMessage"))
    assert slack.event(dm(text, user=user)).status == 200
    return fake.wait_for("chat.postMessage", before + 1)[-1]


def test_dm_note_then_question(slack: SlackSender, fake_slack: FakeSlack) -> None:
    confirmation = log_by_dm(slack, fake_slack, "met Jane Doe for coffee, she wants a shelter dog")
    assert confirmation.params["channel"] == "DUALICE"
    assert "Jane Doe" in confirmation.text_dump()
    assert set(buttons(confirmation)) == {"Undo", "Edit"}

    assert slack.event(dm("who wanted a dog?")).status == 200
    answer = fake_slack.wait_for("chat.postMessage", 2)[1]
    assert answer.params["channel"] == "DUALICE"
    assert "Jane Doe" in answer.text_dump() and "shelter dog" in answer.text_dump()


def test_first_contact_fetches_the_users_zone_once(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    fake_slack.users["UALICE"] = {"tz": "America/New_York", "real_name": "Alice Smith"}
    log_by_dm(slack, fake_slack, "lunch with Raj Patel")
    log_by_dm(slack, fake_slack, "called Raj Patel about the deck")
    assert [c.params["user"] for c in fake_slack.calls("users.info")] == ["UALICE"]
    assert rapport.users.needs_tz(actor=ALICE) is False


def test_the_bots_own_and_edited_messages_are_ignored(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    for event in (
        dm("I am the bot", user="UBOT"),
        dm("from an integration", bot_id="B0OTHER"),
        dm("edited", subtype="message_changed"),
        dm("a bot message", subtype="bot_message"),
        {**dm("in a channel"), "channel_type": "channel"},
    ):
        assert slack.event(event).status == 200
    fake_slack.settle(0.4)
    assert fake_slack.calls("chat.postMessage") == []
    assert fake_slack.calls("chat.postEphemeral") == []


def test_mention_answers_only_the_author_never_the_channel(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    assert slack.event(mention("met Priya Raman at the gala, she loves sailing")).status == 200
    (ephemeral,) = fake_slack.wait_for("chat.postEphemeral")
    assert ephemeral.params["channel"] == "C0GENERAL" and ephemeral.params["user"] == "UALICE"
    assert "Priya Raman" in ephemeral.text_dump()
    assert "UBOT" not in ephemeral.text_dump()  # the bot's own mention was stripped

    assert slack.event(mention("who loves sailing?")).status == 200
    answer = fake_slack.wait_for("chat.postEphemeral", 2)[1]
    assert answer.params["user"] == "UALICE" and "Priya Raman" in answer.text_dump()
    fake_slack.settle(0.3)
    assert fake_slack.calls("chat.postMessage") == []


def test_an_event_delivered_four_times_stores_one_note_and_confirms_once(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    event = dm("met Jane Doe for coffee, she wants a shelter dog")
    assert slack.event(event, event_id="EvRETRY").status == 200
    for retry in (1, 2, 3):
        assert slack.event(event, event_id="EvRETRY", retry_num=retry).status == 200
    fake_slack.wait_for("chat.postMessage")
    fake_slack.settle(0.5)
    said = [c.params["text"] for c in fake_slack.calls("chat.postMessage")]
    assert said == ["Saved a note about Jane Doe"]
    assert rapport.recall.recall(actor=ALICE, query="shelter dog").total == 1


def test_concurrent_redeliveries_still_store_one_note(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    import threading

    event = dm("asked Priya Raman for the contract, waiting on her")
    threads = [
        threading.Thread(
            target=slack.event, args=(event,), kwargs={"event_id": "EvRACE", "retry_num": n or None}
        )
        for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    fake_slack.wait_for("chat.postMessage")
    fake_slack.settle(0.5)
    said = [c.params["text"] for c in fake_slack.calls("chat.postMessage")]
    assert said == ["Saved a note about Priya Raman"]
    assert rapport.recall.recall(actor=ALICE, query="contract").total == 1


def test_undo_by_another_user_is_refused_and_by_the_author_works(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    confirmation = log_by_dm(slack, fake_slack, "met Jane Doe for coffee, she wants a shelter dog")
    undo = buttons(confirmation)["Undo"]

    forged = block_action(
        undo["action_id"], undo["value"], user="UMALLORY", response_url=fake_slack.response_url("m")
    )
    assert slack.interact(forged).status == 200
    (refusal,) = fake_slack.wait_for("response_url")
    assert (
        refusal.params.get("replace_original") is False
        and refusal.params["response_type"] == "ephemeral"
    )
    assert rapport.recall.recall(actor=ALICE, query="shelter dog").total == 1

    mine = block_action(undo["action_id"], undo["value"], response_url=fake_slack.response_url("a"))
    assert slack.interact(mine).status == 200
    replaced = fake_slack.wait_for("response_url", 2)[1]
    assert replaced.params["replace_original"] is True and "Removed" in replaced.text_dump()
    assert rapport.recall.recall(actor=ALICE, query="shelter dog").total == 0


def test_a_broadcast_in_a_note_is_echoed_escaped(slack: SlackSender, fake_slack: FakeSlack) -> None:
    # By DM, Slack sends <!channel>: it is read as plain "@channel" and cannot ping anyone.
    confirmation = log_by_dm(slack, fake_slack, "told Jane Doe &lt;3 about <!channel> etiquette")
    dump = confirmation.text_dump()
    assert "<!channel>" not in dump and "@channel" in dump and "&lt;3" in dump

    # Modal inputs are raw text: a typed <!channel> is escaped on the way back.
    edit = buttons(confirmation)["Edit"]
    assert (
        slack.interact(
            block_action(
                edit["action_id"], edit["value"], response_url=fake_slack.response_url("e")
            )
        ).status
        == 200
    )
    (opened,) = fake_slack.wait_for("views.open")
    submit = view_submission(
        VIEW_EDIT_NOTE,
        {BLOCK_TEXT: "<!channel> Jane Doe & <http://evil.example|bank>"},
        private_metadata=opened.params["view"]["private_metadata"],
    )
    response = slack.interact(submit)
    assert response.status == 200 and not response.body  # closes the modal
    (edited,) = fake_slack.wait_for("response_url")
    dump = edited.text_dump()
    assert "&lt;!channel&gt; Jane Doe &amp; &lt;http://evil.example|bank&gt;" in dump
    assert "<!channel>" not in dump and "<http://evil" not in dump


def test_recall_with_30_hits_is_paginated_within_50_blocks(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    for i in range(30):
        rapport.notes.log(
            actor=ALICE,
            text=f"talked with Jane Doe about sailing, trip {i}",
            at=NOW - timedelta(days=i),
        )
    assert slack.command("recall sailing", response_key="first").status == 200
    (page,) = fake_slack.wait_for("response_url")
    assert len(page.blocks) <= 50
    assert "30 notes" in page.text_dump()
    assert set(buttons(page)) == {"Next"}

    nxt = buttons(page)["Next"]
    assert (
        slack.interact(
            block_action(nxt["action_id"], nxt["value"], response_url=fake_slack.response_url("n"))
        ).status
        == 200
    )
    second = fake_slack.wait_for("response_url", 2)[1]
    assert second.params["replace_original"] is True and len(second.blocks) <= 50
    assert set(buttons(second)) == {"Previous", "Next"} and "11–20" in second.text_dump()


@pytest.mark.slow
def test_rate_limited_confirmation_is_retried_and_delivered_once(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    fake_slack.rate_limit_next("chat.postMessage", retry_after=1)
    assert slack.event(dm("met Jane Doe for coffee")).status == 200
    calls = fake_slack.wait_for("chat.postMessage", 2, timeout=15)
    fake_slack.settle(0.5)
    assert len(fake_slack.calls("chat.postMessage")) == 2  # one refused with 429, one delivered
    assert calls[1].at - calls[0].at >= 1.0


@pytest.mark.parametrize("word", ["recall", "find", "search"])
def test_recall_aliases(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport, word: str
) -> None:
    rapport.notes.log(actor=ALICE, text="met Jane Doe for coffee, she wants a shelter dog")
    assert slack.command(f"{word} shelter dog").status == 200
    (answer,) = fake_slack.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral" and "Jane Doe" in answer.text_dump()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", "/rapport recall", id="bare"),
        pytest.param("help", "/rapport who", id="help"),
        pytest.param("frobnicate", "I don't know `frobnicate`", id="unknown"),
    ],
)
def test_help_and_unknown_subcommands(
    slack: SlackSender, fake_slack: FakeSlack, text: str, expected: str
) -> None:
    response = slack.command(text)
    assert response.status == 200 and response.elapsed < 1.0
    (answer,) = fake_slack.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral" and expected in answer.text_dump()


def test_log_who_and_loops_by_command(slack: SlackSender, fake_slack: FakeSlack) -> None:
    assert slack.command("log I owe Raj Patel the deck by Friday").status == 200
    (logged,) = fake_slack.wait_for("response_url")
    assert "Raj Patel" in logged.text_dump() and logged.params["response_type"] == "ephemeral"

    assert slack.command("who Raj Patel").status == 200
    card = fake_slack.wait_for("response_url", 2)[1]
    assert "Raj Patel" in card.text_dump() and "deck" in card.text_dump()

    assert slack.command("loops").status == 200
    loops = fake_slack.wait_for("response_url", 3)[2]
    assert "You owe" in loops.text_dump() and "Raj Patel" in loops.text_dump()

    assert slack.command("who Nobody Known").status == 200
    missing = fake_slack.wait_for("response_url", 4)[3]
    assert ":warning:" in missing.text_dump()


def test_save_as_note_opens_a_prefilled_modal_and_files_with_a_permalink(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    fake_slack.users["UPRIYA"] = {"real_name": "Priya Raman"}
    shortcut = message_shortcut(
        "can you send me the contract by Friday?",
        author="UPRIYA",
        response_url=fake_slack.response_url("s"),
    )
    assert slack.interact(shortcut).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    assert opened.params["trigger_id"] == shortcut["trigger_id"]
    view = opened.params["view"]
    initial = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"]}
    assert initial == {
        BLOCK_ABOUT: "Priya Raman",
        BLOCK_TEXT: "can you send me the contract by Friday?",
    }

    empty = view_submission(
        VIEW_SAVE_NOTE,
        {BLOCK_ABOUT: "Priya Raman", BLOCK_TEXT: "   "},
        private_metadata=view["private_metadata"],
    )
    refused = slack.interact(empty)
    assert refused.status == 200
    assert refused.json() == {
        "response_action": "errors",
        "errors": {BLOCK_TEXT: "Write something to save."},
    }

    ok = view_submission(
        VIEW_SAVE_NOTE,
        {BLOCK_ABOUT: "Priya Raman", BLOCK_TEXT: initial[BLOCK_TEXT]},
        private_metadata=view["private_metadata"],
    )
    assert slack.interact(ok).status == 200
    (link,) = fake_slack.wait_for("chat.getPermalink")
    assert (link.params["channel"], link.params["message_ts"]) == ("C0GENERAL", "1700000050.000100")
    (confirmation,) = fake_slack.wait_for("response_url")
    assert (
        confirmation.params["response_type"] == "ephemeral"
        and "Priya Raman" in confirmation.text_dump()
    )
    assert rapport.recall.recall(actor=ALICE, query="contract").total == 1


@pytest.mark.slow
def test_save_as_note_opens_in_time_when_users_info_is_slow(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    fake_slack.users["UPRIYA"] = {"real_name": "Priya Raman"}
    fake_slack.delay_next("users.info", 2.0)
    start = time.monotonic()
    assert slack.interact(message_shortcut("loved the demo", author="UPRIYA")).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    assert opened.at - start < 1.5  # the trigger_id (3 s) is still good
    view = opened.params["view"]
    about = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"]}[BLOCK_ABOUT]
    assert about == "<@UPRIYA>"
    submit = view_submission(
        VIEW_SAVE_NOTE,
        {BLOCK_ABOUT: about, BLOCK_TEXT: "loved the demo"},
        private_metadata=view["private_metadata"],
    )
    assert slack.interact(submit).status == 200
    fake_slack.wait_for("chat.postMessage")  # no response_url in this payload: answered by DM
    hits = rapport.recall.recall(actor=ALICE, query="demo").hits
    assert [c.display_name for c in hits[0].contacts] == ["Priya Raman"]


def test_edit_rewrites_the_note_and_refuses_empty_text(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    confirmation = log_by_dm(slack, fake_slack, "met Jane Doe for coffee, she wants a shelter dog")
    edit = buttons(confirmation)["Edit"]
    assert (
        slack.interact(
            block_action(
                edit["action_id"], edit["value"], response_url=fake_slack.response_url("e")
            )
        ).status
        == 200
    )
    (opened,) = fake_slack.wait_for("views.open")
    meta = opened.params["view"]["private_metadata"]
    assert opened.params["view"]["blocks"][0]["element"]["initial_value"].startswith("met Jane Doe")

    refused = slack.interact(
        view_submission(VIEW_EDIT_NOTE, {BLOCK_TEXT: ""}, private_metadata=meta)
    )
    assert refused.json()["response_action"] == "errors"

    # Someone else submitting the same modal metadata is refused by the service.
    forged = view_submission(
        VIEW_EDIT_NOTE, {BLOCK_TEXT: "hijacked"}, private_metadata=meta, user="UMALLORY"
    )
    assert slack.interact(forged).status == 200
    (refusal,) = fake_slack.wait_for("response_url")
    assert refusal.params["replace_original"] is False
    assert rapport.recall.recall(actor=ALICE, query="hijacked").total == 0

    fixed = view_submission(
        VIEW_EDIT_NOTE,
        {BLOCK_TEXT: "met Jane Doe for tea, she wants a rescue cat"},
        private_metadata=meta,
    )
    assert slack.interact(fixed).status == 200
    replaced = fake_slack.wait_for("response_url", 2)[1]
    assert replaced.params["replace_original"] is True and "rescue cat" in replaced.text_dump()
    assert rapport.recall.recall(actor=ALICE, query="rescue cat").total == 1
    assert rapport.recall.recall(actor=ALICE, query="shelter dog").total == 0


def test_which_jane_asks_and_files_after_the_choice(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    rapport.notes.log(actor=ALICE, text="met Jane Doe at the gala")
    rapport.notes.log(actor=ALICE, text="met Jane Roe at the conference")
    question = log_by_dm(slack, fake_slack, "coffee with Jane, she wants a shelter dog")
    choices = buttons(question)
    if not choices or "Undo" in choices:
        pytest.skip(
            "the service filed 'Jane' without asking (its matching decides; nothing to choose)"
        )
    label = next(label for label in choices if label.startswith("Jane Roe"))
    chosen = choices[label]
    forged = block_action(
        chosen["action_id"],
        chosen["value"],
        user="UMALLORY",
        response_url=fake_slack.response_url("m"),
    )
    slack.interact(forged)
    (refusal,) = fake_slack.wait_for("response_url")
    assert refusal.params["replace_original"] is False

    assert (
        slack.interact(
            block_action(
                chosen["action_id"], chosen["value"], response_url=fake_slack.response_url("c")
            )
        ).status
        == 200
    )
    filed = fake_slack.wait_for("response_url", 2)[1]
    assert filed.params["replace_original"] is True and "Jane Roe" in filed.text_dump()
    assert "Undo" in buttons(filed)


def test_app_home_shows_loops_and_recent_notes(
    slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    rapport.notes.log(actor=ALICE, text="I owe Raj Patel the deck by Friday")
    assert slack.event(home_opened()).status == 200
    (published,) = fake_slack.wait_for("views.publish")
    assert published.params["user_id"] == "UALICE"
    view = published.params["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    assert "Raj Patel" in published.text_dump() and "Open loops" in published.text_dump()

    assert slack.event(home_opened(tab="messages")).status == 200
    fake_slack.settle(0.3)
    assert len(fake_slack.calls("views.publish")) == 1


@pytest.mark.slow
def test_acks_come_back_fast_even_when_slack_is_slow_to_answer(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    fake_slack.rate_limit_next("chat.postMessage", retry_after=2)
    start = time.perf_counter()
    assert slack.event(dm("met Jane Doe for coffee")).status == 200
    assert time.perf_counter() - start < 1.0  # acked before the work (and its 2 s wait) happens
    fake_slack.wait_for("chat.postMessage", 2, timeout=15)


def test_slack_api_failure_reaches_the_error_handler_and_the_user_hears_about_it(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    fake_slack.error_next("chat.postMessage", "channel_not_found")
    assert slack.event(dm("met Jane Doe for coffee")).status == 200
    calls = fake_slack.wait_for("chat.postMessage", 2)
    assert "Something went wrong" in calls[1].text_dump()
    assert (
        "Traceback" not in calls[1].text_dump() and "channel_not_found" not in calls[1].text_dump()
    )


def test_a_note_the_database_may_have_kept_is_not_called_unsaved(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    log_by_dm(slack, fake_slack, "met Raj Patel for lunch")  # Alice and her zone are known
    with faults() as network:
        network.lose_the_next_commits_answer(then_stay_away=True)
        assert slack.event(dm("met Jane Doe for coffee, she wants a shelter dog")).status == 200
        said = fake_slack.wait_for("chat.postMessage", 2, timeout=30)[1]
    assert said.params["channel"] == "DUALICE"
    assert said.params["text"] != STORAGE_UNAVAILABLE
    assert "can't tell whether it was kept" in said.text_dump()
    assert "`who Jane Doe`" in said.text_dump()
    # It was kept: the card the reply points to has it, once.
    answer = log_by_dm(slack, fake_slack, "who Jane Doe")
    assert answer.text_dump().count("met Jane Doe for coffee") == 1


def test_database_unavailable_says_so(fake_slack: FakeSlack, tmp_path: Path, settings: Any) -> None:
    from sqlalchemy import create_engine

    from bot.store.db import session_factory

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    engine = create_engine(f"sqlite:///{blocker}/rapport.db")
    unreachable = World(sessions=session_factory(engine), now=NOW)
    app: App = build_app(rapport=unreachable.app, settings=settings)
    server, thread = serve_in_thread(app)
    try:
        sender = SlackSender(
            f"http://127.0.0.1:{server.server_port}", response_url_base=fake_slack.url
        )
        assert sender.event(dm("met Jane Doe for coffee")).status == 200
        (said,) = fake_slack.wait_for("chat.postMessage")
        assert said.params["text"] == STORAGE_UNAVAILABLE and said.params["channel"] == "DUALICE"
    finally:
        fake_slack.settle(0.2)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        engine.dispose()


def test_reminder_buttons_match_the_notifier_and_refuse_other_peoples_reminders(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    from bot.blocks import reminders as render
    from bot.handlers import reminders as handlers

    assert (handlers.ACTION_DONE, handlers.ACTION_SNOOZE, handlers.ACTION_STOP) == (
        render.ACTION_DONE,
        render.ACTION_SNOOZE,
        render.ACTION_STOP,
    )
    done = block_action(
        handlers.ACTION_DONE, "you_owe:loop:999", response_url=fake_slack.response_url("d")
    )
    assert slack.interact(done).status == 200
    (answer,) = fake_slack.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral" and ":warning:" in answer.text_dump()

    snooze = block_action(handlers.ACTION_SNOOZE, "", response_url=fake_slack.response_url("s"))
    snooze["actions"][0] = {
        "action_id": handlers.ACTION_SNOOZE,
        "type": "overflow",
        "selected_option": {"value": "7|you_owe:loop:999"},
    }
    assert slack.interact(snooze).status == 200
    second = fake_slack.wait_for("response_url", 2)[1]
    assert ":warning:" in second.text_dump()
