"""Enterprise Grid through real HTTP: an org-wide install (`is_enterprise_install`, the org's id,
no team id) made through bolt's OAuthFlow against the fake Slack, then events and commands from
two workspaces of the org signed as Slack signs them, each answered with the org's token while
every note stays in the workspace it was written in, even for the same person."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.app import Rapport
from bot.slack.oauth import InstalledNotifier, build_oauth, workspace_client
from bot.store.slack_oauth_tables import slack_bots, slack_installations
from tests.slack.fakeslack import BOT_USER_ID, FakeSlack, OAuthGrant
from tests.slack.payloads import SlackSender, command_payload, dm
from tests.slack.test_oauth import Served, bearer, grant, oauth_settings, serve, wait_until

ORG, ORG_NAME, ORG_TOKEN = "E0ACME", "Acme & Co", "xoxb-org-acme"
SALES, SUPPORT = "T0SALES", "T0SUPPORT"  # two workspaces of the org
PERSON = "W0ANA"  # Grid user ids are the org's: the same person in both workspaces
_ids = itertools.count(1)


def org_grant() -> OAuthGrant:
    return OAuthGrant(
        team_id="",
        team_name="",
        token=ORG_TOKEN,
        enterprise_id=ORG,
        enterprise_name=ORG_NAME,
        org_wide=True,
        installer=PERSON,
    )


@pytest.fixture
def served(rapport: Rapport, fake_slack: FakeSlack) -> Iterator[Served]:
    yield from serve(rapport, oauth_settings(fake_slack), fake_slack)


def org_event(sender: SlackSender, event: dict[str, Any], *, team: str, org: str = ORG) -> int:
    """An Events API request for an org-wide install, as Slack sends it: the workspace in the
    envelope's `team_id`, the org's authorization with no team."""
    body = {
        "token": "legacy-verification-token",
        "team_id": team,
        "enterprise_id": org,
        "api_app_id": "A0TEST",
        "event": event,
        "type": "event_callback",
        "event_id": f"EvGRID{next(_ids):06d}",
        "event_time": int(time.time()),
        "is_ext_shared_channel": False,
        "authorizations": [
            {
                "enterprise_id": org,
                "team_id": None,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": True,
            }
        ],
    }
    return sender.post(json.dumps(body).encode(), "application/json").status


def org_command(served: Served, text: str, *, team: str, user: str = PERSON) -> str:
    """`/rapport TEXT` from a workspace of the org; what its response_url was sent."""
    key = f"grid{next(_ids)}"
    fields = command_payload(text, user=user, team=team, response_url=served.fake.response_url(key))
    fields |= {"enterprise_id": ORG, "enterprise_name": ORG_NAME, "is_enterprise_install": "true"}
    sent = served.sender.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")
    assert sent.status == 200
    return served.fake.wait_for_path(f"/response/{key}").text_dump()


def _lifecycle(kind: str, **event: object) -> dict[str, object]:
    return {"type": kind, "event_ts": "1700000100.000001", **event}


def test_an_org_wide_install_is_one_row_for_the_org_and_says_every_workspace(
    served: Served,
) -> None:
    page = served.install("code-org", org_grant())
    assert page.status == 200
    assert "Rapport is installed in every workspace of Acme &amp; Co" in page.body
    assert "never shown in another" in page.body
    assert "team=None" not in page.link("open-slack")
    (row,) = served.rows(slack_installations)
    assert row["enterprise_id"] == ORG and row["team_id"] is None
    assert row["is_enterprise_install"] is True and row["bot_token"] == ORG_TOKEN
    (bot,) = served.rows(slack_bots)
    assert bot["team_id"] is None and bot["is_enterprise_install"] is True
    assert [s.action for s in served.rapport.lifecycle.history(ORG)] == ["org_installed"]


def test_every_workspace_of_the_org_is_answered_with_the_org_token_and_keeps_its_notes(
    served: Served,
) -> None:
    served.install("code-org", org_grant())
    served.fake.clear()
    note = dm("met Jane Doe for coffee, she wants a shelter dog", user=PERSON)
    assert org_event(served.sender, note, team=SALES) == 200
    (posted,) = served.fake.wait_for("chat.postMessage")
    assert bearer(posted.headers) == ORG_TOKEN and "Jane Doe" in posted.text_dump()

    # The same person, in the other workspace of the org: answered, with the org's token, and
    # the note written in Sales is not there.
    support = org_command(served, "recall shelter dog", team=SUPPORT)
    assert "Jane Doe" not in support and "shelter" not in support.replace("shelter dog", "")
    sales = org_command(served, "recall shelter dog", team=SALES)
    assert "Jane Doe" in sales
    for call in served.fake.calls():
        if call.method not in ("response_url", "oauth.v2.access"):
            assert bearer(call.headers) == ORG_TOKEN, call.method
    # Both workspaces are remembered as the org's.
    assert served.rapport.lifecycle.org_workspaces(ORG) == [SALES, SUPPORT]


def test_an_org_that_never_installed_gets_no_answer(served: Served) -> None:
    served.install("code-org", org_grant())
    served.fake.clear()
    org_event(served.sender, dm("met Jane Doe", user="W0EVE"), team="T0OTHER", org="E0OTHER")
    served.fake.settle(0.5)
    assert served.fake.calls("chat.postMessage") == []
    assert served.rapport.lifecycle.org_workspaces("E0OTHER") == []


def test_reminders_in_a_workspace_of_the_org_go_out_with_its_installation(
    served: Served,
) -> None:
    served.install("code-org", org_grant())
    # A workspace-level install inside another Grid org has that org's id and its own team.
    inside = OAuthGrant("T0LONE", "Lone", token="xoxb-lone", enterprise_id="E0BETA")
    served.install("code-lone", inside)
    org_event(served.sender, dm("met Jane Doe", user=PERSON), team=SALES)
    served.fake.wait_for("chat.postMessage")
    settings = oauth_settings(served.fake)
    store = build_oauth(
        settings=settings, rapport=served.rapport, client=workspace_client(settings)
    ).installation_store
    notifier = InstalledNotifier(
        settings=settings,
        installation_store=store,
        enterprise_of=served.rapport.lifecycle.enterprise_of,
    )
    served.fake.clear()
    assert notifier.send(PERSON, SALES, "ping", []).ok
    assert notifier.send("ULONE", "T0LONE", "ping", []).ok
    unknown = notifier.send(PERSON, "T0NEVERSEEN", "ping", [])
    assert not unknown.ok and unknown.permanent
    posted = served.fake.calls("chat.postMessage")
    assert [bearer(c.headers) for c in posted] == [ORG_TOKEN, "xoxb-lone"]


def test_the_org_uninstalling_removes_its_token_and_schedules_every_workspace(
    served: Served,
) -> None:
    served.install("code-org", org_grant())
    served.install("code-b", grant("T0BYSTANDER", "Bystander"))
    for team in (SALES, SUPPORT):
        org_event(served.sender, dm("met Jane Doe", user=PERSON), team=team)
    served.fake.wait_for("chat.postMessage", 2)
    assert org_event(served.sender, _lifecycle("app_uninstalled"), team=SALES) == 200
    wait_until(lambda: served.rows(slack_installations) != [] and _org_rows(served) == [])
    assert _org_rows(served, slack_bots) == []
    wait_until(lambda: served.rapport.lifecycle.scheduled(SUPPORT) is not None)
    for team in (SALES, SUPPORT):
        scheduled = served.rapport.lifecycle.scheduled(team)
        assert scheduled is not None and scheduled.reason == "app_uninstalled"
    assert served.rapport.lifecycle.scheduled("T0BYSTANDER") is None
    assert len(served.rows(slack_installations, "T0BYSTANDER")) == 1
    served.fake.clear()
    org_event(served.sender, dm("met Raj Patel", user=PERSON), team=SUPPORT)
    served.fake.settle(0.4)
    assert served.fake.calls("chat.postMessage") == []

    # Reinstalling org-wide within the retention restores every workspace of the org.
    served.install("code-org-2", org_grant())
    assert served.rapport.lifecycle.scheduled(SALES) is None
    assert served.rapport.lifecycle.scheduled(SUPPORT) is None
    actions = [s.action for s in served.rapport.lifecycle.history(SALES)]
    assert actions == ["app_uninstalled", "reinstalled"]


def test_one_workspace_leaving_the_org_install_keeps_the_others(served: Served) -> None:
    served.install("code-org", org_grant())
    for team in (SALES, SUPPORT):
        org_event(served.sender, dm("met Jane Doe", user=PERSON), team=team)
    served.fake.wait_for("chat.postMessage", 2)
    # Another org's workspace, named in this org's event, is left alone.
    served.rapport.lifecycle.joined(workspace_id="T0ELSEWHERE", enterprise_id="E0OTHER")
    revoked = _lifecycle("team_access_revoked", team_ids=[SUPPORT, "T0ELSEWHERE"])
    assert org_event(served.sender, revoked, team=SALES) == 200
    wait_until(lambda: served.rapport.lifecycle.scheduled(SUPPORT) is not None)
    assert served.rapport.lifecycle.scheduled(SALES) is None
    assert served.rapport.lifecycle.scheduled("T0ELSEWHERE") is None
    assert len(_org_rows(served)) == 1  # the org's token still serves Sales
    served.fake.clear()
    org_event(served.sender, dm("met Raj Patel", user=PERSON), team=SALES)
    (posted,) = served.fake.wait_for("chat.postMessage")
    assert bearer(posted.headers) == ORG_TOKEN

    granted = _lifecycle("team_access_granted", team_ids=[SUPPORT])
    assert org_event(served.sender, granted, team=SALES) == 200
    wait_until(lambda: served.rapport.lifecycle.scheduled(SUPPORT) is None)


def _org_rows(served: Served, table: object = slack_installations) -> list[dict[str, object]]:
    return [r for r in served.rows(table) if r["enterprise_id"] == ORG]


# --- one person across the org's workspaces ------------------------------------------------------


def _grid_people(fake: FakeSlack) -> None:
    """users.info as a Grid org answers it: the person's enterprise user id in every workspace
    of the org; a standalone workspace's user with the same id is someone else."""
    fake.users_by_token = {
        ORG_TOKEN: {
            PERSON: {
                "tz": "Asia/Tokyo",
                "real_name": "Ana Grid",
                "enterprise_user": {"id": PERSON, "enterprise_id": ORG, "teams": [SALES, SUPPORT]},
            }
        },
        "xoxb-t0lone": {PERSON: {"tz": "America/Chicago", "real_name": "Someone Else"}},
    }


def test_the_same_person_in_two_workspaces_of_the_org_keeps_their_own_settings(
    served: Served,
) -> None:
    served.install("code-org", org_grant())
    served.install("code-lone", grant("T0LONE", "Lone"))
    _grid_people(served.fake)
    changed = org_command(served, "settings digest 7 cap 2", team=SALES)
    assert "Digest at 7:00 Asia/Tokyo" in changed and "at most 2 nudges" in changed
    # First time in the other workspace of the org: their settings are already theirs there.
    there = org_command(served, "settings", team=SUPPORT)
    assert "Digest at 7:00 Asia/Tokyo" in there and "at most 2 nudges" in there
    # Changed there, changed here.
    assert "at most 4 nudges" in org_command(served, "settings cap 4", team=SUPPORT)
    assert "at most 4 nudges" in org_command(served, "settings", team=SALES)
    # The same user id in a workspace outside the org is another person, with the defaults.
    key = f"lone{next(_ids)}"
    fields = command_payload(
        "settings", user=PERSON, team="T0LONE", response_url=served.fake.response_url(key)
    )
    served.sender.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")
    lone = served.fake.wait_for_path(f"/response/{key}").text_dump()
    assert "America/Chicago" in lone and "at most 4 nudges" not in lone


def test_the_same_person_s_note_stays_in_the_workspace_it_was_written_in(
    served: Served,
) -> None:
    served.install("code-org", org_grant())
    _grid_people(served.fake)
    org_command(served, "log private: coffee with Jane Doe, she wants a shelter dog", team=SALES)
    org_command(served, "settings", team=SUPPORT)  # recognised in Support too
    assert "Jane Doe" in org_command(served, "recall shelter dog", team=SALES)
    for asked in ("recall dog", "recall Jane Doe", "loops"):
        assert "shelter" not in org_command(served, asked, team=SUPPORT), asked
    assert "I don't know anyone called" in org_command(served, "who Jane Doe", team=SUPPORT)
    export = served.rapport.lifecycle.export(SUPPORT)
    assert "shelter" not in json.dumps(export)
