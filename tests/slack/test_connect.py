"""Slack Connect: `/rapport track` in a shared channel, and what a tracked channel's messages
become — through the real bolt App (signed requests over HTTP), the real WebClient to the fake
Slack, and the real database."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.app import Rapport
from bot.domain.refs import Actor
from bot.store.connect_models import ConnectChannel, ConnectMessage
from bot.store.db import SessionFactory
from tests.slack.conftest import NOW
from tests.slack.connect_kit import (
    ANA,
    BEN,
    INTERNAL,
    SHARED,
    acme_people,
    command,
    contacts,
    kept,
    notes_of,
    outsider_event,
    send,
    teammate_event,
    wait_until,
)
from tests.slack.fakeslack import TEAM_ID, FakeSlack
from tests.slack.payloads import SlackSender, dm
from tests.world import World

ALICE = Actor(workspace_id=TEAM_ID, user_id="UALICE", display_name="Alice")


def _tracked(slack: SlackSender, fake: FakeSlack) -> str:
    acme_people(fake)
    return command(slack, fake, "track")


def test_track_in_a_shared_channel_says_only_to_the_member_what_is_kept(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    answer = _tracked(slack, fake_slack)
    assert "Tracking #acme-shared" in answer
    for said in ("who spoke", "when", "short excerpt", "link to the message", "your team can see"):
        assert said in answer, said
    assert "untrack" in answer
    assert not fake_slack.calls("chat.postMessage")  # nothing said in the channel
    assert not fake_slack.calls("chat.postEphemeral")
    with sessions() as session:
        (row,) = session.exec(select(ConnectChannel)).all()
        assert (row.channel_id, row.name) == (SHARED, "acme-shared")
    assert "Already tracking" in command(slack, fake_slack, "track")


def test_track_is_refused_politely_where_there_is_nobody_outside_the_team(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    acme_people(fake_slack)
    fake_slack.histories[INTERNAL] = [teammate_event("standup at 10", at=NOW)]
    assert "isn't shared with another organisation" in command(
        slack, fake_slack, "track", channel=INTERNAL, name="general"
    )
    fake_slack.not_in_channel.add("C0NOTINVITED")
    assert "/invite @rapport" in command(
        slack, fake_slack, "track", channel="C0NOTINVITED", name="partners"
    )
    assert "Slack Connect channel" in command(
        slack, fake_slack, "track", channel="DUALICE", name="directmessage"
    )
    # Typed as a DM to the bot: the same refusal, in the DM.
    assert send(slack, dm("track")).status == 200
    (said,) = fake_slack.wait_for("chat.postMessage")
    assert "Slack Connect channel" in said.text_dump()
    with sessions() as session:
        assert session.exec(select(ConnectChannel)).all() == []


def test_an_outsiders_messages_are_one_interaction_a_day_with_their_organisation(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory, rapport: Rapport
) -> None:
    _tracked(slack, fake_slack)
    first = outsider_event("Morning! The pallets arrived, thanks.", at=NOW - timedelta(hours=3))
    send(slack, first, event_id="EvFIRST")
    send(slack, first, event_id="EvFIRST", retry_num=1)  # Slack's retry: kept once
    later = outsider_event(
        "Also: the <https://acme.example/po|purchase order> is signed.", at=NOW - timedelta(hours=1)
    )
    send(slack, later)
    wait_until(kept(sessions, 2), what="two messages kept")
    fake_slack.settle(0.2)
    with sessions() as session:
        assert len(session.exec(select(ConnectMessage)).all()) == 2
    (ana,) = contacts(sessions)
    assert (ana.display_name, ana.slack_user_id, ana.company) == (
        "Ana Sousa",
        ANA,
        "Acme Logistics",
    )
    (note,) = notes_of(sessions)
    # The day's interaction: where the conversation started (excerpt and link), dated at
    # their latest message.
    assert note.text == "Wrote in #acme-shared: “Morning! The pallets arrived, thanks.”"
    assert note.visibility == "team"
    assert note.occurred_at.replace(microsecond=0) == NOW - timedelta(hours=1)
    wait_until(lambda: bool(notes_of(sessions)[0].permalink), what="the permalink")
    (note,) = notes_of(sessions)
    assert note.permalink == (
        f"https://rapport-test.slack.com/archives/{SHARED}/p{first['ts'].replace('.', '')}"
    )
    (link,) = fake_slack.calls("chat.getPermalink")  # one a person a day
    card = rapport.recall.card(actor=ALICE, name="Ana Sousa")
    assert card.company == "Acme Logistics"
    assert card.last_interaction is not None
    assert card.last_interaction.note_id == note.id
    # A teammate sees it too: the interaction is the team's.
    bob = Actor(workspace_id=TEAM_ID, user_id="UBOB", display_name="Bob")
    assert rapport.recall.card(actor=bob, name="Ana Sousa").last_interaction is not None
    # The next day is a new interaction.
    assert link.params["message_ts"] == first["ts"]
    send(slack, outsider_event("New week, new trucks", at=NOW + timedelta(days=1)))
    wait_until(lambda: len(notes_of(sessions)) == 2, what="the next day's interaction")
    assert len(contacts(sessions)) == 1


def test_an_outsider_already_a_contact_by_name_is_linked_not_duplicated(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory, rapport: Rapport
) -> None:
    rapport.notes.log(actor=ALICE, text="coffee with Ben Okafor, he wants a forklift")
    _tracked(slack, fake_slack)
    send(slack, outsider_event("hi all", user=BEN, at=NOW))
    wait_until(kept(sessions, 1), what="Ben's message")
    (ben,) = contacts(sessions)
    assert (ben.slack_user_id, ben.company) == (BEN, "Acme Logistics")
    card = rapport.recall.card(actor=ALICE, name="Ben Okafor")
    assert card.timeline[0].text == "Wrote in #acme-shared: “hi all”"


def test_untracked_channels_bots_edits_and_joins_are_ignored(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    acme_people(fake_slack)
    send(slack, outsider_event("are you there?", at=NOW))  # not tracked yet
    command(slack, fake_slack, "track")
    fake_slack.clear()
    ignored = [
        {**outsider_event("bot says hi", at=NOW), "bot_id": "B0ACME", "subtype": "bot_message"},
        {**outsider_event("edited", at=NOW), "subtype": "message_changed"},
        {**outsider_event("<@U0ANA> has joined the channel", at=NOW), "subtype": "channel_join"},
        {**outsider_event("deleted", at=NOW), "subtype": "message_deleted"},
    ]
    for event in ignored:
        send(slack, event)
    send(slack, teammate_event("in #general", at=NOW, channel=INTERNAL))
    send(slack, teammate_event("marker", at=NOW))  # processed after the rest: a fence
    wait_until(kept(sessions, 1), what="the marker")
    fake_slack.settle(0.2)
    with sessions() as session:
        (only,) = session.exec(select(ConnectMessage)).all()
        assert only.excerpt == "marker" and not only.external
    assert contacts(sessions) == []
    assert notes_of(sessions) == []
    for method in ("users.info", "team.info", "chat.getPermalink", "chat.postMessage"):
        assert not fake_slack.calls(method), method


def test_untrack_stops_reading_the_channel(
    slack: SlackSender, fake_slack: FakeSlack, sessions: SessionFactory
) -> None:
    _tracked(slack, fake_slack)
    send(slack, outsider_event("one", at=NOW))
    wait_until(kept(sessions, 1), what="the first message")
    assert "Stopped tracking" in command(slack, fake_slack, "untrack")
    fake_slack.clear()
    send(slack, outsider_event("two", at=NOW + timedelta(minutes=1)))
    send(slack, dm("loops"))  # a fence: the DM's answer comes after the channel message
    fake_slack.wait_for("chat.postMessage")
    fake_slack.settle(0.2)
    assert len(notes_of(sessions)) == 1
    assert not fake_slack.calls("users.info") or all(
        c.params.get("user") != ANA for c in fake_slack.calls("users.info")
    )
    assert "wasn't tracking" in command(slack, fake_slack, "untrack")


def test_one_workspace_never_sees_anothers_shared_channel(
    slack: SlackSender, fake_slack: FakeSlack, world: World
) -> None:
    _tracked(slack, fake_slack)
    send(slack, outsider_event("hello", at=NOW))
    wait_until(lambda: bool(notes_of(world.sessions)), what="the interaction")
    other = Actor(workspace_id="T0OTHER", user_id="UEVE", display_name="Eve")
    assert world.app.recall.recall(actor=other, query="hello").hits == ()
    assert not world.app.connect.is_tracked(workspace_id="T0OTHER", channel_id=SHARED)
