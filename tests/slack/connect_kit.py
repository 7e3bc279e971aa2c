"""Slack Connect through the fake Slack: real payload shapes (tests/fixtures/slack/, see
SOURCES.md) turned into messages of a shared channel, and the people and teams behind them."""

from __future__ import annotations

import copy
import itertools
import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlmodel import select

from bot.store.connect_models import ConnectMessage
from bot.store.db import SessionFactory
from bot.store.models import Contact, Note
from tests.slack.fakeslack import TEAM_ID, FakeSlack
from tests.slack.payloads import Response, SlackSender, command_payload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"
SHARED = "C0ACMESHARED"
INTERNAL = "C0INTERNAL"
ACME_TEAM = "T0ACME"
ANA = "U0ANA"  # from Acme: another organisation
BEN = "U0BEN"  # from Acme too
_ts = itertools.count(100)


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return loaded


def outsider_event(
    text: str, *, user: str = ANA, at: datetime, thread_ts: str | None = None
) -> dict[str, Any]:
    """A message by someone from another organisation in the shared channel: the identity fields
    (`team`, `user_team`, `source_team`, `user_profile.team`) as Slack sends them on a Slack
    Connect event (event-slack-connect-app_mention-external-user.json), as a message event."""
    event = copy.deepcopy(fixture("event-slack-connect-app_mention-external-user.json")["event"])
    event.update(
        {
            "type": "message",
            "channel_type": "channel",
            "channel": SHARED,
            "user": user,
            "team": TEAM_ID,
            "user_team": ACME_TEAM,
            "source_team": ACME_TEAM,
            "user_profile": {"team": ACME_TEAM},
            "text": text,
            "ts": stamp(at),
        }
    )
    event["event_ts"] = event["ts"]
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def teammate_event(
    text: str,
    *,
    user: str = "UALICE",
    at: datetime,
    channel: str = SHARED,
    thread_ts: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "message",
        "channel_type": "channel",
        "channel": channel,
        "user": user,
        "team": TEAM_ID,
        "user_team": TEAM_ID,
        "source_team": TEAM_ID,
        "text": text,
        "ts": stamp(at),
    }
    event["event_ts"] = event["ts"]
    if thread_ts:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return event


def stamp(at: datetime) -> str:
    """A message ts at `at` (unique: Slack's ts is the message's id in its channel)."""
    return f"{int(at.timestamp())}.{next(_ts):06d}"


def send(slack: SlackSender, event: dict[str, Any], **kwargs: Any) -> Response:
    """The event as Slack delivers it from a Slack Connect channel (`is_ext_shared_channel`)."""
    from tests.slack.payloads import event_envelope

    envelope = event_envelope(event, event_id=kwargs.pop("event_id", None))
    envelope["is_ext_shared_channel"] = event.get("channel") == SHARED
    headers = {}
    if "retry_num" in kwargs:
        headers["X-Slack-Retry-Num"] = str(kwargs.pop("retry_num"))
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    response = slack.post(json.dumps(envelope).encode(), "application/json", headers=headers)
    assert response.status == 200
    return response


def command(
    slack: SlackSender,
    fake: FakeSlack,
    text: str,
    *,
    channel: str = SHARED,
    name: str = "acme-shared",
    user: str = "UALICE",
) -> str:
    """Type `/rapport TEXT` in a channel; the answer (only the typer sees it)."""
    key = f"cmd{next(_ts)}"
    fields = command_payload(text, user=user, channel=channel, response_url=fake.response_url(key))
    fields["channel_name"] = name
    response = slack.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")
    assert response.status == 200
    answer = fake.wait_for_path(f"/response/{key}")
    assert answer.params.get("response_type") == "ephemeral"
    return answer.text_dump()


def acme_people(fake: FakeSlack) -> None:
    """Ana and Ben from Acme as users.info shows a Slack Connect member (their home team_id is
    Acme's, `is_stranger`), built on the docs' users.info example (web-users.info-tz-docs.json),
    and Acme as team.info answers."""
    base = fixture("web-users.info-tz-docs.json")["user"]
    for user, name in ((ANA, "Ana Sousa"), (BEN, "Ben Okafor")):
        person = copy.deepcopy(base)
        person.update({"id": user, "team_id": ACME_TEAM, "name": name.split()[0].lower()})
        person["is_stranger"] = True
        person["real_name"] = name
        person["profile"] = {
            **person["profile"],
            "real_name": name,
            "display_name": name.split()[0],
            "team": ACME_TEAM,
        }
        person["profile"].pop("email", None)  # no users:read.email scope: no address
        fake.users[user] = person
    fake.teams[ACME_TEAM] = {"id": ACME_TEAM, "name": "Acme Logistics", "domain": "acme"}
    fake.histories[SHARED] = [outsider_event("hello from Acme", at=datetime.now().astimezone())]


def wait_until(check: Callable[[], bool], *, what: str, timeout: float = 10.0) -> None:
    """Wait for the worker pool to have done something the database shows."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def kept(sessions: SessionFactory, count: int) -> Callable[[], bool]:
    def check() -> bool:
        with sessions() as session:
            return len(session.exec(select(ConnectMessage)).all()) >= count

    return check


def notes_of(sessions: SessionFactory, source: str = "slack_connect") -> list[Note]:
    with sessions() as session:
        return list(session.exec(select(Note).where(Note.source == source)).all())


def contacts(sessions: SessionFactory) -> list[Contact]:
    with sessions() as session:
        return list(session.exec(select(Contact)).all())
