"""Team memory in Slack: who-knows, alias, rename, merge and forget with a confirmation button —
signed requests into the real HTTP server, the real service behind it, the fake Slack recording.
"""

from __future__ import annotations

import pytest

from bot.app import Rapport
from bot.blocks.team import card_team_lines, log_team_lines
from bot.domain.refs import Actor
from tests.kit import buttons
from tests.slack.fakeslack import TEAM_ID, Call, FakeSlack
from tests.slack.payloads import SlackSender, block_action

ALICE = Actor(workspace_id=TEAM_ID, user_id="UALICE", display_name="Alice")
BOB = Actor(workspace_id=TEAM_ID, user_id="UBOB", display_name="Bob")


@pytest.fixture
def team_slack(slack: SlackSender) -> SlackSender:
    return slack


def ask(slack: SlackSender, fake: FakeSlack, text: str, *, user: str = "UALICE") -> Call:
    before = len(fake.calls("response_url"))
    assert slack.command(text, user=user).status == 200
    return fake.wait_for("response_url", before + 1)[-1]


def test_who_knows_someone_at_globex(
    team_slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    rapport.notes.log(actor=BOB, text="lunch with Raj Patel about the Globex pilot")
    rapport.notes.log(actor=ALICE, text="private: coffee with Lena Fischer <!channel> of Globex")
    answer = ask(team_slack, fake_slack, "who-knows Globex", user="UCAROL")
    dump = answer.text_dump()
    assert answer.params["response_type"] == "ephemeral"
    assert "Raj Patel" in dump and "Bob" in dump
    assert "Lena Fischer" not in dump  # Alice's private note is hers


def test_alias_rename_merge_by_slash_command(
    team_slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    rapport.notes.log(actor=ALICE, text="coffee with Jennifer Park")
    rapport.notes.log(actor=ALICE, text="lunch with Jenny Parker")
    assert (
        "now means Jennifer Park"
        in ask(team_slack, fake_slack, "alias Jennifer Park = Jen").text_dump()
    )
    merged = ask(team_slack, fake_slack, "merge Jen = Jenny Parker").text_dump()
    assert "Merged Jenny Parker into Jennifer Park" in merged
    # Slack sends typed < > & escaped; the echo must be escaped again, never raw markup.
    renamed = ask(
        team_slack, fake_slack, "rename Jennifer Park = Jen &lt;Park&gt; &amp; Co"
    ).text_dump()
    assert "Jen &lt;Park&gt; &amp; Co" in renamed and "<Park>" not in renamed  # escaped
    assert "Use `=`" in ask(team_slack, fake_slack, "merge Jen Jenny").text_dump()


def test_forget_needs_the_askers_own_click(
    team_slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    rapport.notes.log(actor=ALICE, text="coffee with Chris Young, he is going through a divorce")
    prompt = ask(team_slack, fake_slack, "forget Chris Young")
    forget = buttons(prompt)["Forget"]
    assert forget["style"] == "danger"

    # Mallory replays the button: refused, nothing erased.
    forged = block_action(
        forget["action_id"],
        forget["value"],
        user="UMALLORY",
        response_url=fake_slack.response_url("m"),
    )
    assert team_slack.interact(forged).status == 200
    refusal = fake_slack.wait_for("response_url", 2)[-1]
    assert "Only the person who asked" in refusal.text_dump()
    assert rapport.recall.recall(actor=ALICE, query="divorce").total == 1

    # The same button from another workspace cannot reach this contact either.
    elsewhere = block_action(
        forget["action_id"],
        forget["value"],
        team="T0OTHER",
        response_url=fake_slack.response_url("o"),
    )
    assert team_slack.interact(elsewhere).status == 200
    fake_slack.wait_for("response_url", 3)
    assert rapport.recall.recall(actor=ALICE, query="divorce").total == 1

    mine = block_action(
        forget["action_id"], forget["value"], response_url=fake_slack.response_url("a")
    )
    assert team_slack.interact(mine).status == 200
    done = fake_slack.wait_for("response_url", 4)[-1]
    assert done.params["replace_original"] is True and "Forgot Chris Young" in done.text_dump()
    assert rapport.recall.recall(actor=ALICE, query="divorce").total == 0


def test_cancel_keeps_the_contact(
    team_slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    rapport.notes.log(actor=ALICE, text="coffee with Chris Young")
    cancel = buttons(ask(team_slack, fake_slack, "forget Chris Young"))["Cancel"]
    team_slack.interact(
        block_action(cancel["action_id"], cancel["value"], response_url=fake_slack.response_url())
    )
    assert "Kept" in fake_slack.wait_for("response_url", 2)[-1].text_dump()
    assert (
        rapport.recall.card(actor=ALICE, name="Chris Young").contact.display_name == "Chris Young"
    )


def test_card_and_confirmation_lines_for_the_team_view(rapport: Rapport) -> None:
    from tests.slack.conftest import NOW

    for who in (BOB, BOB, Actor(workspace_id=TEAM_ID, user_id="USAM", display_name="Sam")):
        rapport.notes.log(actor=who, text="called Jane Doe")
    result = rapport.notes.log(actor=ALICE, text="coffee with Jane Doe")
    lines = log_team_lines(result)
    assert lines and "heard from the team 3 times" in lines[0]
    card_lines = card_team_lines(rapport.recall.card(actor=ALICE, name="Jane Doe"), now=NOW)
    assert any(line.startswith("*Knows them best:* Bob (2)") for line in card_lines)


def test_a_teammate_cannot_erase_or_see_a_private_contact_from_slack(
    team_slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    for text in (
        "private: coffee with Zed Quixote, he is thinking of leaving",
        "private: I owe Zed Quixote the intro by Friday",
        "private: Zed Quixote's birthday is March 3",
        "private: lunch with Olga Petrova",
    ):
        rapport.notes.log(actor=ALICE, text=text)
    rapport.notes.log(actor=BOB, text="coffee with Zack Quinn")
    for command in (
        "forget Zed Quixote",
        "rename Zed Quixote = Zed Q",
        "alias Zed Quixote = ZQ",
        "merge Zack Quinn = Zed Quixote",
        "who Olga",
        "who Zed",
    ):
        answer = ask(team_slack, fake_slack, command, user="UBOB")
        dump = answer.text_dump()
        assert answer.params["response_type"] == "ephemeral"
        assert "know anyone called" in dump, command
        assert not buttons(answer) and "Petrova" not in dump, command
    card = rapport.recall.card(actor=ALICE, name="Zed Quixote")
    assert len(card.timeline) == 3 and [loop.what for loop in card.open_loops] == ["the intro"]


def test_forget_from_slack_erases_and_counts_only_what_the_asker_sees(
    team_slack: SlackSender, fake_slack: FakeSlack, rapport: Rapport
) -> None:
    rapport.notes.log(actor=ALICE, text="private: coffee with Zed Quixote, he is leaving")
    rapport.notes.log(actor=ALICE, text="private: I owe Zed Quixote the intro by Friday")
    rapport.notes.log(actor=ALICE, text="private: Zed Quixote's birthday is March 3")
    rapport.notes.log(actor=BOB, text="called Zed Quixote about the offsite")
    prompt = ask(team_slack, fake_slack, "forget Zed Quixote", user="UBOB")
    forget = buttons(prompt)["Forget"]
    click = block_action(
        forget["action_id"], forget["value"], user="UBOB", response_url=fake_slack.response_url("b")
    )
    assert team_slack.interact(click).status == 200
    done = fake_slack.wait_for("response_url", 2)[-1].text_dump()
    assert "Forgot Zed Quixote: 1 note, 0 loops and 0 occasions erased" in done
    assert rapport.recall.recall(actor=BOB, query="offsite").total == 0
    card = rapport.recall.card(actor=ALICE, name="Zed Quixote")
    assert [e.text for e in card.timeline] == [
        "Zed Quixote's birthday is March 3",
        "I owe Zed Quixote the intro by Friday",
        "coffee with Zed Quixote, he is leaving",
    ]
    assert [loop.what for loop in card.open_loops] == ["the intro"]
    assert len(card.occasions) == 1
