"""Privacy, as a property: whatever users, notes and visibilities exist in two workspaces, no
surface ever shows a note to someone who may not see it.

Each generated note carries a unique marker word (``mk<n>x``) in its text, its need and its loop,
so any leak — in a recall hit, a card's timeline or needs, a loop, App Home, an export, a
who-knows answer, a serendipity suggestion, the reminders' due list — shows up as a marker the
viewer was not allowed. "Allowed" has one definition: same workspace, and a team note or the
viewer's own. Recall must also be *complete*: every allowed note that matches is found.

Cost: one in-memory SQLite database per test function, migrated once; each example writes to two
fresh workspace ids, so examples never see each other and no cleanup is needed.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.pool import StaticPool

from bot.console import _jsonable
from bot.domain import Actor
from bot.errors import NotFoundError
from bot.service import Rapport
from bot.store.db import SessionFactory, make_engine, session_factory
from bot.store.migrate import upgrade
from tests.team.conftest import NOW

MARKER = re.compile(r"\bmk\d+x\b")
USERS = ("U1", "U2")  # the same external ids in both workspaces: the nastiest case
CONTACTS = ("Jane Doe", "Raj Patel", "Lena Fischer")
TEMPLATES = (
    "coffee with {who}, she wants a {mk} marmalade",
    "I owe {who} the {mk} marmalade deck by Friday",
    "called {who} about {mk} marmalade",
    "{who} runs a {mk} marmalade shop",
)
_counter = itertools.count()


@dataclass(frozen=True)
class NoteSpec:
    workspace: int  # 0 or 1
    author: int  # index into USERS
    contact: int  # index into CONTACTS
    visibility: str  # "private:" prefix, "team:" prefix, or "" (the workspace default)
    template: int
    days_ago: int


notes_strategy = st.lists(
    st.builds(
        NoteSpec,
        workspace=st.integers(0, 1),
        author=st.integers(0, len(USERS) - 1),
        contact=st.integers(0, len(CONTACTS) - 1),
        visibility=st.sampled_from(["private", "team", ""]),
        template=st.integers(0, len(TEMPLATES) - 1),
        days_ago=st.integers(0, 400),
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture(scope="module")
def sessions() -> Iterator[SessionFactory]:
    engine = make_engine("sqlite://", poolclass=StaticPool)
    upgrade(engine)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def markers(value: object) -> set[str]:
    return set(MARKER.findall(json.dumps(_jsonable(value), ensure_ascii=False, default=str)))


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=notes_strategy, defaults=st.tuples(st.booleans(), st.booleans()))
def test_no_surface_shows_a_note_to_someone_who_may_not_see_it(
    sessions: SessionFactory, specs: list[NoteSpec], defaults: tuple[bool, bool]
) -> None:
    run = next(_counter)
    service = Rapport(sessions=sessions, clock=lambda: NOW, default_tz="UTC")
    workspaces = (f"W{run}a", f"W{run}b")

    def actor(ws: int, user: int) -> Actor:
        return Actor(workspace_id=workspaces[ws], user_id=USERS[user], display_name=USERS[user])

    for ws, private_default in enumerate(defaults):
        service.update_workspace(
            actor=actor(ws, 0), default_visibility="private" if private_default else "team"
        )

    # (workspace, author, private) per marker, as the service reports it when filing.
    facts: dict[str, tuple[int, int, bool]] = {}
    for i, spec in enumerate(specs):
        mk = f"mk{i}x"
        text = TEMPLATES[spec.template].format(who=CONTACTS[spec.contact], mk=mk)
        if spec.visibility:
            text = f"{spec.visibility}: {text}"
        author = actor(spec.workspace, spec.author)
        result = service.log(actor=author, text=text, at=NOW - timedelta(days=spec.days_ago))
        assert result.note_id is not None
        facts[mk] = (spec.workspace, spec.author, result.private)
        if spec.visibility:
            assert result.private is (spec.visibility == "private")
        else:
            assert result.private is defaults[spec.workspace]
        # A suggestion made to the author may only draw on what the author may see.
        assert markers(result.serendipity) <= allowed(facts, spec.workspace, spec.author)

    for ws, user in itertools.product((0, 1), range(len(USERS))):
        viewer = actor(ws, user)
        may_see = allowed(facts, ws, user)
        shown: set[str] = set()

        found = service.recall(actor=viewer, query="marmalade", limit=100)
        hits = markers(found)
        assert hits == may_see  # nothing hidden is shown, and nothing visible is missing
        shown |= hits
        for name in CONTACTS:
            try:
                card = service.card(actor=viewer, name=name)
            except NotFoundError:
                continue
            shown |= markers(card)
            for known in card.knows_best:  # every teammate named has a note the viewer sees
                assert known.user_id in authors_seen(facts, may_see, ws)
        shown |= markers(service.loops(actor=viewer))
        shown |= markers(service.home(actor=viewer))
        answer = service.who_knows(actor=viewer, query="marmalade")
        shown |= markers(answer)
        for person in answer.teammates:
            assert person.user_id in authors_seen(facts, may_see, ws)
        shown |= markers(service.export(actor=viewer, format="json"))
        assert shown <= may_see, f"{viewer} saw {sorted(shown - may_see)}"


def allowed(facts: dict[str, tuple[int, int, bool]], ws: int, user: int) -> set[str]:
    return {
        mk
        for mk, (note_ws, author, private) in facts.items()
        if note_ws == ws and (not private or author == user)
    }


def authors_seen(facts: dict[str, tuple[int, int, bool]], may_see: set[str], ws: int) -> set[str]:
    return {USERS[facts[mk][1]] for mk in may_see if facts[mk][0] == ws}
