"""Whose turn it is in a tracked Slack Connect channel: a question left unanswered for a working
day becomes a loop (theirs: you owe them a reply; yours: you wait on them), a reply closes it,
and the reminders pick the loops up like any other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.refs import Actor
from bot.store.db import SessionFactory
from tests.slack.connect_kit import (
    acme_people,
    command,
    kept,
    outsider_event,
    send,
    teammate_event,
    wait_until,
)
from tests.slack.fakeslack import TEAM_ID, FakeSlack
from tests.slack.payloads import SlackSender
from tests.world import World

ALICE = Actor(workspace_id=TEAM_ID, user_id="UALICE", display_name="Alice")
BOB = Actor(workspace_id=TEAM_ID, user_id="UBOB", display_name="Bob")
TUESDAY = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # the suite's NOW
FRIDAY = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)


def _track(slack: SlackSender, fake: FakeSlack) -> None:
    acme_people(fake)
    assert "Tracking" in command(slack, fake, "track")  # Alice tracks it


def _sent(slack: SlackSender, sessions: SessionFactory, *events: dict[str, object]) -> None:
    for event in events:
        send(slack, event)
    wait_until(kept(sessions, len(events)), what=f"{len(events)} messages kept")


def test_their_question_unanswered_for_a_working_day_is_a_loop_you_owe_until_someone_replies(
    slack: SlackSender, fake_slack: FakeSlack, world: World
) -> None:
    _track(slack, fake_slack)
    question = outsider_event("Can you send the signed PO by Thursday?", at=world.now)
    _sent(slack, world.sessions, question)
    world.later(hours=23)
    assert world.app.connect.promote_due() == 0  # not a working day yet
    assert world.app.recall.loops(actor=ALICE).you_owe == ()
    world.later(hours=2)
    assert world.app.connect.promote_due() == 1
    assert world.app.connect.promote_due() == 0  # once
    (loop,) = world.app.recall.loops(actor=ALICE).you_owe
    assert loop.contact.display_name == "Ana Sousa"
    assert (
        loop.what == "reply to Ana Sousa in #acme-shared: “Can you send the signed PO by Thursday?”"
    )
    standing = world.app.standing.contact(actor=ALICE, name="Ana Sousa")
    assert standing.turn is not None and standing.turn.whose == "yours"
    # The reminders see it as any loop: it is in what Alice will be reminded of.
    due = world.app.due.due(actor=ALICE, now=world.now + timedelta(days=1))
    assert any(item.kind == "you_owe" and "signed PO" in item.text for item in due.items)
    # Bob (a teammate) answers in the thread: the loop closes.
    reply = teammate_event("Sent it just now", user="UBOB", at=world.now, thread_ts=question["ts"])
    _sent(slack, world.sessions, reply)
    wait_until(lambda: world.app.recall.loops(actor=ALICE).you_owe == (), what="the loop closed")


def test_a_question_answered_within_the_day_never_becomes_a_loop(
    slack: SlackSender, fake_slack: FakeSlack, world: World
) -> None:
    _track(slack, fake_slack)
    question = outsider_event("Is the demo still on for Friday?", at=world.now)
    _sent(slack, world.sessions, question)
    _sent(
        slack,
        world.sessions,
        question,  # (a retry of the first: still one)
        teammate_event("Yes, 2pm", user="UBOB", at=world.now + timedelta(minutes=5)),
    )
    world.later(days=3)
    assert world.app.connect.promote_due() == 0
    assert world.app.recall.loops(actor=ALICE).you_owe == ()
    assert world.app.recall.loops(actor=BOB).you_owe == ()


def test_a_statement_or_an_outsiders_answer_is_no_question_for_us(
    slack: SlackSender, fake_slack: FakeSlack, world: World
) -> None:
    _track(slack, fake_slack)
    _sent(slack, world.sessions, outsider_event("Thanks, all good on our side.", at=world.now))
    world.later(days=2)
    assert world.app.connect.promote_due() == 0


def test_a_question_in_a_thread_is_owed_by_the_teammates_in_that_thread(
    slack: SlackSender, fake_slack: FakeSlack, world: World
) -> None:
    _track(slack, fake_slack)
    root = teammate_event("Shipping update for Acme", user="UBOB", at=world.now)
    follow_up = outsider_event(
        "please confirm the new delivery address",
        at=world.now + timedelta(minutes=1),
        thread_ts=root["ts"],
    )
    _sent(slack, world.sessions, root, follow_up)
    world.later(days=1, minutes=2)
    assert world.app.connect.promote_due() == 1
    assert world.app.recall.loops(actor=ALICE).you_owe == ()  # not Alice's: Bob was there
    (loop,) = world.app.recall.loops(actor=BOB).you_owe
    assert "please confirm the new delivery address" in loop.what
    # A reply elsewhere in the channel is not an answer to a thread's question.
    _sent(slack, world.sessions, root, follow_up, teammate_event("lunch?", at=world.now))
    assert len(world.app.recall.loops(actor=BOB).you_owe) == 1


def test_our_question_unanswered_is_waiting_on_them_until_they_reply(
    slack: SlackSender, fake_slack: FakeSlack, world: World
) -> None:
    _track(slack, fake_slack)
    world.at(FRIDAY)
    hello = outsider_event("Hi team, here is the draft contract", at=world.now)
    asked = teammate_event(
        "Thanks Ana! When can you sign it?",
        at=world.now + timedelta(minutes=2),
        thread_ts=hello["ts"],
    )
    _sent(slack, world.sessions, hello, asked)
    world.later(days=1, hours=1)  # Saturday: not a working day later
    assert world.app.connect.promote_due() == 0
    world.later(days=2)  # Monday, past 15:02
    assert world.app.connect.promote_due() == 1
    (loop,) = world.app.recall.loops(actor=ALICE).waiting_on
    assert loop.contact.display_name == "Ana Sousa"
    assert "to answer your question in #acme-shared" in loop.what
    assert world.app.recall.loops(actor=ALICE).you_owe == ()
    reply = outsider_event("Signing today", at=world.now, thread_ts=hello["ts"])
    _sent(slack, world.sessions, hello, asked, reply)
    assert world.app.recall.loops(actor=ALICE).waiting_on == ()


def test_untracking_drops_the_questions_still_waiting(
    slack: SlackSender, fake_slack: FakeSlack, world: World
) -> None:
    _track(slack, fake_slack)
    _sent(slack, world.sessions, outsider_event("Any update on the invoice?", at=world.now))
    assert "Stopped tracking" in command(slack, fake_slack, "untrack")
    world.later(days=2)
    assert world.app.connect.promote_due() == 0
