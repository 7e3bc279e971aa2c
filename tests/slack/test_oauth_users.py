"""One process serving many installed workspaces asks Slack about each workspace's people with
that workspace's token, and never answers one workspace with what it learned in another: the
same user id in two workspaces is two people (their names, their zones)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import Rapport
from bot.store import repo
from tests.slack.fakeslack import FakeSlack
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
