"""Per-workspace authorize is cached briefly (bot/slack/authorize_cache.py): a workspace's
requests cost Slack one auth.test per TTL, a reinstall's new token is used at once, and the
store lookup on each request never waits for a note being saved. (That an uninstall takes effect
at once, cache and all, is tests/slack/test_oauth.py's uninstall test.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from bot.app import Rapport
from tests.slack.fakeslack import FakeSlack
from tests.slack.payloads import dm
from tests.slack.test_oauth import Served, bearer, grant, oauth_settings, serve


@pytest.fixture
def served(rapport: Rapport, fake_slack: FakeSlack) -> Iterator[Served]:
    yield from serve(rapport, oauth_settings(fake_slack), fake_slack)


def auth_tests(served: Served, token: str) -> int:
    return sum(1 for c in served.fake.calls("auth.test") if bearer(c.headers) == token)


def test_a_workspaces_requests_are_authorized_with_one_auth_test(served: Served) -> None:
    assert served.install("code-a", grant("TALPHA", "Alpha")).status == 200
    assert served.install("code-b", grant("TBETA", "Beta")).status == 200
    served.fake.clear()
    for n, team in enumerate(("TALPHA", "TBETA", "TALPHA", "TALPHA", "TBETA")):
        served.sender.event(dm(f"met Jane Doe for coffee {n}", user="U" + team), team_id=team)
    posts = served.fake.wait_for("chat.postMessage", 5)
    assert sorted(bearer(c.headers) for c in posts) == ["xoxb-talpha"] * 3 + ["xoxb-tbeta"] * 2
    assert auth_tests(served, "xoxb-talpha") == 1 and auth_tests(served, "xoxb-tbeta") == 1


def test_a_reinstall_with_a_new_token_is_used_at_once(served: Served) -> None:
    assert served.install("code-a", grant("TALPHA", "Alpha")).status == 200
    served.sender.event(dm("met Jane Doe for coffee", user="UA"), team_id="TALPHA")
    served.fake.wait_for("chat.postMessage")
    again = grant("TALPHA", "Alpha")
    again.token = "xoxb-talpha-2"
    assert served.install("code-a2", again).status == 200
    served.fake.clear()
    served.sender.event(dm("met Raj Patel at the conference", user="UA"), team_id="TALPHA")
    (posted,) = served.fake.wait_for("chat.postMessage")
    assert bearer(posted.headers) == "xoxb-talpha-2"


def test_an_installed_workspace_is_acked_while_a_note_is_being_saved(
    served: Served, rapport: Rapport
) -> None:
    assert served.install("code-a", grant("TALPHA", "Alpha")).status == 200
    served.sender.event(dm("met Jane Doe for coffee", user="UA"), team_id="TALPHA")
    served.fake.wait_for("chat.postMessage")
    with rapport.sessions() as writing:
        # A write transaction held open, as a long note's save does: on SQLite the process's
        # writer path is taken until it ends. The lookup before the ack must not wait for it
        # (it did, up to the writer queue's 10 s, past Slack's 3 s).
        writing.execute(text("UPDATE workspace SET name = name WHERE id = 'TALPHA'"))
        answer = served.sender.event(dm("met Raj Patel", user="UA"), team_id="TALPHA")
        assert answer.status == 200
        assert answer.elapsed < 1.5, f"acked after {answer.elapsed:.1f} s"
        writing.commit()
    posted = served.fake.wait_for("chat.postMessage", 2)
    assert "Raj Patel" in posted[-1].text_dump()
