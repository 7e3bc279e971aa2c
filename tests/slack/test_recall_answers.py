"""Recall's needs, occasions and loops answers in Slack: asked in a channel, answered to the asker
alone (ephemeral), each from what that asker may see — signed requests, the real app and service,
the fake Slack recording what was said."""

from __future__ import annotations

from tests.slack.fakeslack import FakeSlack
from tests.slack.payloads import SlackSender, dm, mention

PLUMBER = (
    "Housewarming at Dana Whitfield's new place. Her neighbour Rob Hale swears by his plumber, "
    "Joe Ferris"
)


def log(slack: SlackSender, fake: FakeSlack, text: str, *, user: str = "UALICE") -> None:
    before = len(fake.calls("chat.postMessage"))
    assert slack.event(dm(text, user=user)).status == 200
    fake.wait_for("chat.postMessage", before + 1)


def ask_in_channel(slack: SlackSender, fake: FakeSlack, question: str, *, user: str) -> str:
    before = len(fake.calls("chat.postEphemeral"))
    assert slack.event(mention(question, user=user)).status == 200
    answer = fake.wait_for("chat.postEphemeral", before + 1)[-1]
    assert answer.params["channel"] == "C0GENERAL" and answer.params["user"] == user
    return answer.text_dump()


def test_answers_to_a_channel_question_reach_only_the_asker(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    log(slack, fake_slack, PLUMBER)
    log(slack, fake_slack, "I owe Ines Moreau the case study by Friday")
    log(slack, fake_slack, "private: Priya Nair's birthday is Oct 20")
    posted = len(fake_slack.calls("chat.postMessage"))

    # A neighbour on the team asks in a channel, with a typo: the team note answers him alone.
    plumber = ask_in_channel(slack, fake_slack, "who recommended a plumbr?", user="UBOB")
    assert "Joe Ferris" in plumber
    # "anyone know …" is the team's who-knows question: it names who knows a plumber.
    knows = ask_in_channel(slack, fake_slack, "anyone know a good plumber?", user="UBOB")
    assert "Rob Hale" in knows or "Joe Ferris" in knows

    mine = ask_in_channel(slack, fake_slack, "what do I owe Ines?", user="UALICE")
    assert "you owe Ines Moreau: the case study" in mine
    theirs = ask_in_channel(slack, fake_slack, "what do I owe Ines?", user="UBOB")
    assert "Nothing open: you don't owe Ines Moreau anything." in theirs
    assert "case study" not in theirs

    birthday = ask_in_channel(slack, fake_slack, "whose birthday is in October?", user="UALICE")
    assert "Priya Nair (Oct 20)" in birthday
    nobody = ask_in_channel(slack, fake_slack, "whose birthday is in October?", user="UBOB")
    assert "No birthdays in October" in nobody and "Priya" not in nobody

    fake_slack.settle(0.3)
    assert len(fake_slack.calls("chat.postMessage")) == posted  # nothing posted to the channel
