"""Many workspaces on one database, installed the way a deployment gets them: each example
installs four workspaces through the real OAuth flow (the install page, the state cookie, the
redirect, oauth.v2.access on the fake Slack): two on their own and two through one Enterprise
Grid org-wide install, all with the same user ids (in the org, the same people). Then the
privacy properties of tests/team/test_privacy_property.py run across all four: no recall, card,
loops, App Home, who-knows, export, change count or reminder of one workspace ever carries
another's note. And through Slack itself: `/rapport recall` from each workspace is answered
with that workspace's own token (the org's for its two) and shows only what the asker may see.

SQLite file and PostgreSQL; one database and one served app per module, fresh workspace ids
per example, as in the property tests. Marked slow like them (each example installs four
workspaces and asks eight questions over HTTP: ~0.5 s on an idle machine); CI runs them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import Rapport
from bot.store.db import SessionFactory, make_engine, session_factory
from bot.store.migrate import upgrade
from tests.conftest import at_head, reset_postgres
from tests.slack.fakeslack import FakeSlack, OAuthGrant, running_fake_slack
from tests.slack.payloads import command_payload
from tests.slack.test_oauth import Served, bearer, oauth_settings, serve
from tests.team.test_privacy_property import (
    NOW,
    USERS,
    Cadences,
    Change,
    NoteSpec,
    allowed,
    cadences_in,
    changes_in,
    check_changes,
    check_reminders,
    check_surfaces,
    markers,
    notes_in,
    reminder_notes_in,
)
from tests.world import World

WORKSPACES = 4  # two on their own, two in one org
_runs = itertools.count()
_keys = itertools.count()


@dataclass(frozen=True)
class Installed:
    workspaces: tuple[str, ...]
    org: str
    tokens: tuple[str, ...]  # the token each workspace is answered with


@dataclass
class Deployment:
    served: Served
    sessions: SessionFactory

    def install(self) -> Installed:
        """Four fresh workspaces, installed through the OAuth flow."""
        run = next(_runs)
        alone = (f"T{run}ALPHA", f"T{run}BETA")
        org, in_org = f"E{run}ORG", (f"T{run}SALES", f"T{run}SUPPORT")
        for team in alone:
            grant = OAuthGrant(team, team.title(), token=f"xoxb-{team.lower()}")
            assert self.served.install(f"code-{team}", grant).status == 200
        org_token = f"xoxb-{org.lower()}"
        org_grant = OAuthGrant("", "", token=org_token, enterprise_id=org, org_wide=True)
        assert self.served.install(f"code-{org}", org_grant).status == 200
        tokens = (*(f"xoxb-{t.lower()}" for t in alone), org_token, org_token)
        return Installed((*alone, *in_org), org, tokens)

    def recall_through_slack(self, installed: Installed, ws: int, user: str) -> str:
        """`/rapport recall marmalade` from the workspace, as Slack sends it; what the asker
        was shown. Every Web API call it made carried the workspace's own token."""
        fake, team = self.served.fake, installed.workspaces[ws]
        key = f"priv{next(_keys)}"
        fields = command_payload(
            "recall marmalade", user=user, team=team, response_url=fake.response_url(key)
        )
        if ws >= 2:
            fields |= {"enterprise_id": installed.org, "is_enterprise_install": "true"}
        fake.clear()
        sent = self.served.sender.post(
            urlencode(fields).encode(), "application/x-www-form-urlencoded"
        )
        assert sent.status == 200
        shown = fake.wait_for_path(f"/response/{key}").text_dump()
        for call in fake.calls():
            if call.method != "response_url":
                assert bearer(call.headers) == installed.tokens[ws], (team, call.method)
        return shown


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    with running_fake_slack() as running:
        yield running


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, fake: FakeSlack
) -> Iterator[Deployment]:
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('many')) / 'rapport.db'}"
    else:
        url = request.getfixturevalue("pg_database")
        reset_postgres(url)
    engine = make_engine(url)
    if not at_head(engine):
        upgrade(engine)
    sessions = session_factory(engine)
    rapport: Rapport = World(sessions=sessions, now=NOW).app
    try:
        for served in serve(rapport, oauth_settings(fake), fake):
            yield Deployment(served, sessions)
    finally:
        engine.dispose()


def _examples(n: int) -> settings:
    return settings(
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


_defaults = st.tuples(*[st.booleans()] * WORKSPACES)


@pytest.mark.slow
@_examples(10)
@given(specs=notes_in(WORKSPACES, max_size=8), defaults=_defaults)
def test_no_surface_of_one_installed_workspace_shows_another_s_note(
    deployment: Deployment, specs: list[NoteSpec], defaults: tuple[bool, ...]
) -> None:
    installed = deployment.install()
    service = World(sessions=deployment.sessions, now=NOW).app
    facts = check_surfaces(service, installed.workspaces, specs, defaults)
    for ws in range(WORKSPACES):
        for user in range(len(USERS)):
            shown = markers(deployment.recall_through_slack(installed, ws, USERS[user]))
            may_see = allowed(facts, ws, user)
            assert shown <= may_see, (installed.workspaces[ws], USERS[user], shown - may_see)


@pytest.mark.slow
@_examples(8)
@given(specs=notes_in(WORKSPACES), defaults=_defaults, changes=changes_in(WORKSPACES))
def test_no_change_in_one_installed_workspace_touches_or_counts_another_s(
    deployment: Deployment,
    specs: list[NoteSpec],
    defaults: tuple[bool, ...],
    changes: list[Change],
) -> None:
    installed = deployment.install()
    service = World(sessions=deployment.sessions, now=NOW).app
    check_changes(service, installed.workspaces, specs, defaults, changes, run=next(_runs))


@pytest.mark.slow
@_examples(6)
@given(specs=reminder_notes_in(WORKSPACES), defaults=_defaults, plan=cadences_in(WORKSPACES))
def test_no_reminder_in_one_installed_workspace_draws_on_another_s_note(
    deployment: Deployment, specs: list[NoteSpec], defaults: tuple[bool, ...], plan: Cadences
) -> None:
    installed = deployment.install()
    check_reminders(deployment.sessions, specs, defaults, plan, installed.workspaces)
