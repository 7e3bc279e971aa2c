"""One process serving many installed workspaces asks Slack about each workspace's people with
that workspace's token, and never answers one workspace with what it learned in another: the
same user id in two workspaces is two people (their names, their zones)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Rapport
from bot.domain.refs import Actor
from bot.store import repo
from tests.slack.fakeslack import BOT_USER_ID, FakeSlack, OAuthGrant
from tests.slack.payloads import dm
from tests.slack.test_oauth import Served, bearer, grant, oauth_settings, serve


@pytest.fixture
def served(rapport: Rapport, fake_slack: FakeSlack) -> Iterator[Served]:
    yield from serve(rapport, oauth_settings(fake_slack), fake_slack)


def _confirmation(served: Served, team: str, text: str) -> str:
    served.fake.clear()
    assert served.sender.event(dm(text, user="U1"), team_id=team).status == 200
    (posted,) = served.fake.wait_for("chat.postMessage")
    assert bearer(posted.headers) == f"xoxb-{team.lower()}"
    return posted.text_dump()


def test_the_same_user_id_in_two_workspaces_is_two_people(served: Served) -> None:
    served.install("code-a", grant("TALPHA", "Alpha"))
    served.install("code-b", grant("TBETA", "Beta"))
    served.fake.users_by_token = {
        "xoxb-talpha": {
            "U1": {"tz": "Asia/Tokyo", "real_name": "Aiko Alpha"},
            "U2": {"real_name": "Priya Alpha"},
        },
        "xoxb-tbeta": {
            "U1": {"tz": "America/New_York", "real_name": "Bob Beta"},
            "U2": {"real_name": "Carla Beta"},
        },
    }
    assert "Priya Alpha" in _confirmation(served, "TALPHA", "met <@U2> for coffee")
    beta = _confirmation(served, "TBETA", "met <@U2> for lunch")
    assert "Carla Beta" in beta and "Priya Alpha" not in beta
    lookups = served.fake.calls("users.info")
    assert lookups and all(bearer(c.headers) == "xoxb-tbeta" for c in lookups)
    with served.rapport.sessions() as session:
        zones = {
            team: getattr(repo.get_user(session, workspace_id=team, external_id="U1"), "tz", None)
            for team in ("TALPHA", "TBETA")
        }
    assert zones == {"TALPHA": "Asia/Tokyo", "TBETA": "America/New_York"}


FIXTURES = Path(__file__).parents[1] / "fixtures" / "slack"


@pytest.mark.parametrize(
    "fixture",
    [
        pytest.param("event-slack-connect-app_mention-grid-user.json", id="grid-org-user"),
        pytest.param("event-slack-connect-app_mention-external-user.json", id="external-user"),
    ],
)
def test_someone_from_another_team_in_a_shared_channel_gets_no_notes(
    served: Served, fixture: str
) -> None:
    """A Slack Connect channel shares the bot with people of other companies (bolt's own
    payloads, tests/fixtures/SOURCES.md): their @mention is delivered as the installing
    workspace's, but they are not its members and must not recall its team notes."""
    body = json.loads((FIXTURES / fixture).read_text())
    team = body["team_id"]
    grant_for = OAuthGrant(team, "Host", token="xoxb-host", enterprise_id=body.get("enterprise_id"))
    assert served.install("code-host", grant_for).status == 200
    served.rapport.notes.log(
        actor=Actor(workspace_id=team, user_id="UHOST"),
        text="team: met Jane Doe for coffee, she wants a shelter dog",
    )
    body["event"] |= {
        "text": f"<@{BOT_USER_ID}> who wants a shelter dog?",
        "ts": "1700000200.000001",
        "event_ts": "1700000200.000001",
    }
    body |= {"event_id": f"EvOUT{fixture[-15:-5]}", "event_time": int(time.time())}
    # The authorization is the host's installation (bolt's sample leaves its ids out).
    body["authorizations"][0] |= {"team_id": team, "enterprise_id": body.get("enterprise_id")}
    served.fake.clear()
    assert served.sender.post(json.dumps(body).encode(), "application/json").status == 200
    (answer,) = served.fake.wait_for("chat.postEphemeral")
    assert "only members of this workspace" in answer.text_dump()
    assert "Jane" not in answer.text_dump()
    served.fake.settle(0.3)
    assert served.fake.calls("chat.postMessage") == []
    # A member's own @mention is answered as before.
    member = dict(body["event"], user="UHOST", user_team=team, team=team)
    served.fake.clear()
    served.sender.post(
        json.dumps(body | {"event": member, "event_id": body["event_id"] + "m"}).encode(),
        "application/json",
    )
    (found,) = served.fake.wait_for("chat.postEphemeral")
    assert "Jane Doe" in found.text_dump()
