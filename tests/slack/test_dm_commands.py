"""A DM to the bot takes every command `/rapport` takes (`next`, `fading`, `cadence Jane Doe
monthly`, `loops`, `undo`…): a command is answered, never filed as a note; a sentence that only
starts with a command's word is still a note. Also the DMs that used to vanish: a file, `/me`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from bot.domain.commands import SLACK, words_for
from bot.handlers.commands import all_subcommands
from bot.store.db import SessionFactory
from bot.store.models import Note
from tests.slack.fakeslack import Call, FakeSlack
from tests.slack.payloads import SlackSender, dm


def notes(sessions: SessionFactory) -> int:
    with sessions() as session:
        return int(session.exec(select(func.count()).select_from(Note)).one())


def answer_to(slack: SlackSender, fake: FakeSlack, event: dict[str, Any]) -> Call:
    """Send one DM event; the bot's answer in that DM."""
    before = len(fake.calls("chat.postMessage"))
    assert slack.event(event).status == 200
    return fake.wait_for("chat.postMessage", before + 1)[-1]


def say(slack: SlackSender, fake: FakeSlack, text: str, **extra: object) -> Call:
    return answer_to(slack, fake, dm(text, **extra))


def test_every_slack_command_word_has_a_subcommand() -> None:
    registered = {w for sub in all_subcommands() for w in sub.words}
    # `help` and `undo` are answered by the surfaces themselves (help text, the DM's last note).
    assert registered | {"help", "?", "undo"} == words_for(SLACK)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next", "Nothing pressing"),
        ("Next", "Nothing pressing"),
        ("loops", "open loops"),
        ("fading", "Jane Doe"),
        ("fading team", "Jane Doe"),
        ("cadence Jane Doe monthly", "Jane Doe"),
        ("cadence", "Jane Doe"),
        ("due", "due"),
        ("review", "week"),
        ("review weekly on", "weekly"),
        ("focus Jane Doe", "Jane Doe"),
        ("focus", "Jane Doe"),
        ("unfocus Jane Doe", "Jane Doe"),
        ("snooze Jane Doe 1w", "Jane Doe"),
        ("settings", "digest"),
        ("who Jane Doe", "shelter dog"),
        ("who-knows shelter", "Jane Doe"),
        ("find shelter dog", "Jane Doe"),
        ("search shelter", "Jane Doe"),
        ("alias Jane Doe = JD", "JD"),
    ],
)
def test_a_command_by_dm_is_answered_not_filed(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory, text: str, expected: str
) -> None:
    say(slack, fake_slack, "met Jane Doe for coffee, she wants a shelter dog")
    if text in ("cadence", "unfocus Jane Doe", "focus"):
        say(slack, fake_slack, "focus Jane Doe")  # something to list, or to take off
    before = notes(sessions)
    answer = say(slack, fake_slack, text)
    assert answer.params["channel"] == "DUALICE"
    assert expected.casefold() in answer.text_dump().casefold(), answer.text_dump()
    assert "Saved" not in answer.text_dump()
    assert notes(sessions) == before


@pytest.mark.parametrize(
    "text",
    [
        "next week I owe Raj Patel the deck",
        "review the contract with Raj Patel tomorrow",
        "focus on the pricing deck with Raj Patel",
        "due diligence call with Raj Patel",
        "settle the invoice with Raj Patel",
        "loops with Raj Patel about the deck",
        "forget it, lunch with Raj Patel was fun",
    ],
)
def test_a_sentence_that_starts_with_a_command_word_is_still_a_note(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory, text: str
) -> None:
    answer = say(slack, fake_slack, text)
    assert "Raj Patel" in answer.text_dump()
    assert notes(sessions) == 1


def test_undo_by_dm_removes_the_last_note_filed_there(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    answer = say(slack, fake_slack, "undo")
    assert "Nothing to undo" in answer.text_dump()
    say(slack, fake_slack, "met Jane Doe for coffee")
    say(slack, fake_slack, "lunch with Raj Patel")
    assert notes(sessions) == 2
    answer = say(slack, fake_slack, "undo")
    assert "Removed note" in answer.text_dump()
    assert notes(sessions) == 1
    assert "Nothing to undo" in say(slack, fake_slack, "undo").text_dump()  # once, not twice
    assert notes(sessions) == 1
    # Another person's `undo` never touches Alice's notes.
    say(slack, fake_slack, "met Jane Doe again", user="UBOB")
    assert notes(sessions) == 2
    assert "Nothing to undo" in say(slack, fake_slack, "undo", user="UCAROL").text_dump()
    assert notes(sessions) == 2


@pytest.mark.parametrize(("word", "needs"), [("who", "a name"), ("snooze", "how long")])
def test_a_command_without_what_it_needs_says_so(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory, word: str, needs: str
) -> None:
    answer = say(slack, fake_slack, word)
    assert needs in answer.text_dump()
    assert notes(sessions) == 0


def test_a_terminal_command_by_dm_points_to_the_terminal(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    answer = say(slack, fake_slack, "export")
    assert "rapport export" in answer.text_dump()
    assert notes(sessions) == 0


def test_a_file_without_words_is_answered(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    answer = say(slack, fake_slack, "", subtype="file_share", files=[{"id": "F1", "name": "a.png"}])
    assert "can't read files" in answer.text_dump()
    assert notes(sessions) == 0


def test_a_file_with_a_caption_files_the_caption(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    answer = say(
        slack,
        fake_slack,
        "met Jane Doe at the expo, photo of her card attached",
        subtype="file_share",
        files=[{"id": "F1", "name": "card.jpg"}],
    )
    assert "Jane Doe" in answer.text_dump()
    assert notes(sessions) == 1


def test_a_me_message_is_a_note(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    answer = say(slack, fake_slack, "had lunch with Raj Patel", subtype="me_message")
    assert "Raj Patel" in answer.text_dump()
    assert notes(sessions) == 1


def test_a_retried_dm_command_is_answered_once(slack: SlackSender, fake_slack: FakeSlack) -> None:
    say(slack, fake_slack, "met Jane Doe for coffee")
    event = dm("loops")
    assert slack.event(event, event_id="EvLOOPS").status == 200
    assert slack.event(event, event_id="EvLOOPS", retry_num=1).status == 200
    fake_slack.settle(0.4)
    assert len(fake_slack.calls("chat.postMessage")) == 2


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"


def real_event_in_a_dm(name: str) -> dict[str, Any]:
    """A message event as another project recorded it from Slack (tests/fixtures/SOURCES.md),
    every field kept, moved into Alice's DM with the bot."""
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    event: dict[str, Any] = loaded.get("event", loaded)
    return {**event, "channel_type": "im", "channel": "DUALICE", "user": "UALICE"}


def stored_texts(sessions: SessionFactory) -> list[str]:
    with sessions() as session:
        return [n.text for n in session.exec(select(Note)).all()]


def test_a_classic_upload_files_only_the_persons_comment(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    """slack-go's recorded classic upload: `text` is Slack's own sentence ("<@U…> uploaded a
    file: <…|test.txt> and commented: test comment here"); only the comment is the person's."""
    answer = answer_to(slack, fake_slack, real_event_in_a_dm("message-file_share.json"))
    assert answer.params.get("channel") == "DUALICE"
    assert stored_texts(sessions) == ["test comment here"]
    assert "uploaded a file" not in answer.text_dump()


def test_a_classic_upload_without_a_comment_is_answered_not_filed(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    event = real_event_in_a_dm("message-file_share.json")
    event["text"] = event["text"].split(" and commented:")[0]
    answer = answer_to(slack, fake_slack, event)
    assert "can't read files" in answer.text_dump()
    assert notes(sessions) == 0


def test_a_file_with_a_hello_is_answered_with_help(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    """bolt-python's recorded file_share event, captioned "Hi there!"."""
    event = real_event_in_a_dm("event-message-file_share-with-files.json")
    assert event["files"] and event["text"] == "Hi there!"
    answer = answer_to(slack, fake_slack, event)
    assert "How to use Rapport" in answer.text_dump()
    assert notes(sessions) == 0


def test_a_real_me_message_is_a_note_never_a_question(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    """slack-go's recorded `/me is doing that thing`: words about oneself, filed as a note (it
    was searched for as a question because it starts with "is")."""
    answer = answer_to(slack, fake_slack, real_event_in_a_dm("message-me_message.json"))
    assert "Saved" in answer.text_dump()
    assert stored_texts(sessions) == ["is doing that thing"]


@pytest.mark.parametrize(
    "hello",
    ["Hi there!", "hey", "Hello, Rapport", "good morning :wave:", "hiii", "Hey there :)", "yo"],
)
def test_a_hello_on_its_own_is_answered_with_help(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory, hello: str
) -> None:
    assert "How to use Rapport" in say(slack, fake_slack, hello).text_dump()
    assert notes(sessions) == 0


@pytest.mark.parametrize(
    "note",
    ["hi from Jane Doe at the expo, she wants a demo", "Hey Raj Patel called about the renewal"],
)
def test_a_note_that_starts_with_a_hello_is_still_a_note(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory, note: str
) -> None:
    assert "Saved" in say(slack, fake_slack, note).text_dump()
    assert notes(sessions) == 1


@pytest.mark.parametrize("thanks", ["thanks!", "Thank you so much", "thx :pray:", "ok"])
def test_a_thank_you_dm_is_answered_not_filed(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory, thanks: str
) -> None:
    """A reply to a reminder ("thanks!") was filed as a note about no one."""
    assert "You're welcome" in say(slack, fake_slack, thanks).text_dump()
    assert notes(sessions) == 0


@pytest.mark.parametrize(
    ("text", "says"), [("cadence Jane Doe", "every 30 days"), ("snooze Jane Doe", "how long")]
)
def test_a_dm_command_missing_its_last_part_says_what_it_needs(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory, text: str, says: str
) -> None:
    assert says in say(slack, fake_slack, text).text_dump()
    assert notes(sessions) == 0
