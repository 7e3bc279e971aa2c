"""Privacy, as a property: whatever users, notes and visibilities exist in two workspaces, no
surface ever shows a note to someone who may not see it.

Each generated note carries a unique marker word (``mk<n>x``) in its text, its need and its loop,
so any leak — in a recall hit, a card's timeline or needs, a loop, App Home, an export, a
who-knows answer, a serendipity suggestion — shows up as a marker the viewer was not allowed.
"Allowed" has one definition: same workspace, and a team note or the viewer's own. Recall must
also be *complete*: every allowed note that matches is found.

Cost: one in-memory SQLite database per test function, migrated once; each example writes to two
fresh workspace ids, so examples never see each other and no cleanup is needed.

The reminders (what a tick DMs, `rapport due`, App Home's upcoming) have a property test of their
own below, with fewer examples and a fresh database each (see its docstring for why).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

from bot.app import Rapport
from bot.console.output import to_jsonable
from bot.domain.errors import AmbiguousNameError, NotFoundError, UserInputError
from bot.domain.refs import Actor
from bot.reminders.notifier import MemoryNotifier
from bot.store.db import SessionFactory, make_engine, session_factory
from bot.store.migrate import upgrade
from tests.team.conftest import NOW
from tests.world import World

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


def notes_in(workspaces: int, *, max_size: int = 6) -> st.SearchStrategy[list[NoteSpec]]:
    """Notes spread over `workspaces` workspaces (tests/slack/test_oauth_privacy.py runs these
    properties over more than two, installed through OAuth)."""
    return st.lists(
        st.builds(
            NoteSpec,
            workspace=st.integers(0, workspaces - 1),
            author=st.integers(0, len(USERS) - 1),
            contact=st.integers(0, len(CONTACTS) - 1),
            visibility=st.sampled_from(["private", "team", ""]),
            template=st.integers(0, len(TEMPLATES) - 1),
            days_ago=st.integers(0, 400),
        ),
        min_size=1,
        max_size=max_size,
    )


notes_strategy = notes_in(2)


@pytest.fixture(scope="module")
def sessions() -> Iterator[SessionFactory]:
    engine = make_engine("sqlite://", poolclass=StaticPool)
    upgrade(engine)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def blank() -> Iterator[Callable[[], tuple[SessionFactory, Engine]]]:
    """Fresh migrated in-memory databases, copied from one migrated template (~1 ms each, where
    migrating takes ~50 ms): the reminders' tick sweeps and collects across workspaces, so its
    cost would grow with every earlier example in a shared database."""
    template = make_engine("sqlite://", poolclass=StaticPool)
    upgrade(template)
    source = template.raw_connection()

    def make() -> tuple[SessionFactory, Engine]:
        engine = make_engine("sqlite://", poolclass=StaticPool)
        target = engine.raw_connection()
        source.driver_connection.backup(target.driver_connection)  # type: ignore[union-attr]
        target.close()
        return session_factory(engine), engine

    try:
        yield make
    finally:
        source.close()
        template.dispose()


def markers(value: object) -> set[str]:
    return set(MARKER.findall(json.dumps(to_jsonable(value), ensure_ascii=False, default=str)))


@pytest.mark.slow
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
    service = World(sessions=sessions, now=NOW).app
    check_surfaces(service, (f"W{run}a", f"W{run}b"), specs, defaults)


def check_surfaces(
    service: Rapport,
    workspaces: tuple[str, ...],
    specs: list[NoteSpec],
    defaults: tuple[bool, ...],
) -> dict[str, tuple[int, int, bool]]:
    """Write `specs` into `workspaces` (fresh ones, `defaults` their default visibility), then
    every surface, for every user of every workspace, shows exactly what they may see. Returns
    (workspace, author, private) per marker."""

    def actor(ws: int, user: int) -> Actor:
        return Actor(workspace_id=workspaces[ws], user_id=USERS[user], display_name=USERS[user])

    for ws, private_default in enumerate(defaults):
        service.workspace.update(
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
        result = service.notes.log(actor=author, text=text, at=NOW - timedelta(days=spec.days_ago))
        assert result.note_id is not None
        facts[mk] = (spec.workspace, spec.author, result.private)
        if spec.visibility:
            assert result.private is (spec.visibility == "private")
        else:
            assert result.private is defaults[spec.workspace]
        # A suggestion made to the author may only draw on what the author may see.
        assert markers(result.serendipity) <= allowed(facts, spec.workspace, spec.author)

    for ws, user in itertools.product(range(len(workspaces)), range(len(USERS))):
        viewer = actor(ws, user)
        may_see = allowed(facts, ws, user)
        shown: set[str] = set()

        found = service.recall.recall(actor=viewer, query="marmalade", limit=100)
        hits = markers(found)
        assert hits == may_see  # nothing hidden is shown, and nothing visible is missing
        shown |= hits
        # Every contact here was named in a note: one exists for the viewer only through a note
        # they may see (no card, no who-knows contact, otherwise).
        known_ids = {c.id for hit in found.hits for c in hit.contacts}
        for name in CONTACTS:
            try:
                card = service.recall.card(actor=viewer, name=name)
            except NotFoundError:
                continue
            assert card.contact.id in known_ids, (viewer, name)
            shown |= markers(card)
            for known in card.knows_best:  # every teammate named has a note the viewer sees
                assert known.user_id in authors_seen(facts, may_see, ws)
        shown |= markers(service.recall.loops(actor=viewer))
        shown |= markers(service.recall.home(actor=viewer))
        answer = service.team.who_knows(actor=viewer, query="marmalade")
        assert {c.contact.id for c in answer.contacts} <= known_ids, viewer
        shown |= markers(answer)
        for person in answer.teammates:
            assert person.user_id in authors_seen(facts, may_see, ws)
        shown |= markers(service.transfer.export(actor=viewer, format="json"))
        assert shown <= may_see, f"{viewer} saw {sorted(shown - may_see)}"
    return facts


def allowed(facts: dict[str, tuple[int, int, bool]], ws: int, user: int) -> set[str]:
    return {
        mk
        for mk, (note_ws, author, private) in facts.items()
        if note_ws == ws and (not private or author == user)
    }


def authors_seen(facts: dict[str, tuple[int, int, bool]], may_see: set[str], ws: int) -> set[str]:
    return {USERS[facts[mk][1]] for mk in may_see if facts[mk][0] == ws}


# --- the reminders ------------------------------------------------------------------------------

REMINDER_TEMPLATES = (
    "coffee with {who} #crm, she wants a {mk} marmalade",  # an interaction, tagged
    "I owe {who} the {mk} marmalade deck by Friday",  # you owe
    "asked {who} for the {mk} marmalade contract, waiting on her",  # waiting on
    "called {who} about {mk} marmalade #{mk}",  # an interaction, with a marker as its #tag
    "{who} had a house fire, {mk} marmalade #crm",  # sensitive news
    "{who} runs a {mk} marmalade shop #crm",  # a fact, tagged
)
MONDAY = NOW + timedelta(days=2, hours=18)  # NOW is Friday 15:00 UTC; Monday 09:00, a digest slot
NAMED = re.compile(r"\b(U\d)\b")


@dataclass(frozen=True)
class Cadences:
    contacts: tuple[frozenset[int], ...]  # per (workspace, user): contact indexes with a cadence
    tag: tuple[bool, ...]  # per (workspace, user): a #crm cadence


def reminder_notes_in(workspaces: int) -> st.SearchStrategy[list[NoteSpec]]:
    return st.lists(
        st.builds(
            NoteSpec,
            workspace=st.integers(0, workspaces - 1),
            author=st.integers(0, len(USERS) - 1),
            contact=st.integers(0, len(CONTACTS) - 1),
            visibility=st.sampled_from(["private", "team", ""]),
            template=st.integers(0, len(REMINDER_TEMPLATES) - 1),
            days_ago=st.sampled_from([0, 1, 2, 3, 20, 60]),
        ),
        min_size=1,
        max_size=6,
    )


def cadences_in(workspaces: int) -> st.SearchStrategy[Cadences]:
    viewers = workspaces * len(USERS)
    return st.builds(
        Cadences,
        contacts=st.tuples(*[st.frozensets(st.integers(0, len(CONTACTS) - 1))] * viewers),
        tag=st.tuples(*[st.booleans()] * viewers),
    )


reminder_notes = reminder_notes_in(2)
cadences_strategy = cadences_in(2)


@pytest.mark.slow
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=reminder_notes, defaults=st.tuples(st.booleans(), st.booleans()), plan=cadences_strategy
)
def test_no_reminder_draws_on_a_note_its_recipient_may_not_see(
    blank: Callable[[], tuple[SessionFactory, Engine]],
    specs: list[NoteSpec],
    defaults: tuple[bool, bool],
    plan: Cadences,
) -> None:
    """The reminders, as a property of their own with fewer examples (120, ~30 s, each in a
    fresh database): with `due` and `upcoming` inside the 500-example test above, that test took
    140 s instead of ~38 s, because the tick's ingest and sweep read across every earlier
    example's workspaces in its shared database. Per user, what a tick sends
    (text and blocks), what `Reminders.due` lists, App Home's `upcoming` and the card never carry
    a note the user may not see — no marker, no stay-in-touch nudge through a #tag only someone
    else's private note carries, no heads-up from someone else's private bad news, and no
    teammate named in a context or contact-pressure line unless the user may see one of that
    teammate's notes about the person. The pressure threshold is 1, so pressure lines are common.
    """
    sessions, engine = blank()
    try:
        check_reminders(sessions, specs, defaults, plan)
    finally:
        engine.dispose()


def check_reminders(
    sessions: SessionFactory,
    specs: list[NoteSpec],
    defaults: tuple[bool, ...],
    plan: Cadences,
    workspaces: tuple[str, ...] = ("Wa", "Wb"),
) -> None:
    service = World(sessions=sessions, now=NOW).app

    def actor(ws: int, user: int) -> Actor:
        return Actor(workspace_id=workspaces[ws], user_id=USERS[user], display_name=USERS[user])

    for ws, private_default in enumerate(defaults):
        service.workspace.update(
            actor=actor(ws, 0),
            default_visibility="private" if private_default else "team",
            pressure_threshold=1,
        )
    facts: dict[str, tuple[int, int, bool]] = {}
    about: dict[str, tuple[int, int]] = {}  # marker -> (contact index, template)
    for i, spec in enumerate(specs):
        mk = f"mk{i}x"
        text = REMINDER_TEMPLATES[spec.template].format(who=CONTACTS[spec.contact], mk=mk)
        if spec.visibility:
            text = f"{spec.visibility}: {text}"
        result = service.notes.log(
            actor=actor(spec.workspace, spec.author),
            text=text,
            at=NOW - timedelta(days=spec.days_ago),
        )
        facts[mk] = (spec.workspace, spec.author, result.private)
        about[mk] = (spec.contact, spec.template)

    viewers = list(itertools.product(range(len(workspaces)), range(len(USERS))))
    for index, (ws, user) in enumerate(viewers):
        for contact in sorted(plan.contacts[index]):
            try:
                service.cadences.set_cadence(
                    actor=actor(ws, user), target=CONTACTS[contact], every_days=7
                )
            except NotFoundError:
                continue  # no note in this workspace named them
        if plan.tag[index]:
            service.cadences.set_cadence(actor=actor(ws, user), target="#crm", every_days=7)
            service.cadences.set_cadence(actor=actor(ws, user), target="#mk0x", every_days=7)

    notifier = MemoryNotifier()
    due = {(ws, user): service.due.due(actor=actor(ws, user), now=MONDAY) for ws, user in viewers}
    service.delivery.tick(notifier=notifier, now=MONDAY, worker="prop")

    for index, (ws, user) in enumerate(viewers):
        viewer = actor(ws, user)
        may_see = allowed(facts, ws, user)
        sent = [m for m in notifier.sent if m.workspace == workspaces[ws] and m.user == USERS[user]]
        home = service.due.upcoming(actor=viewer)
        shown = markers(due[(ws, user)]) | markers(home)
        shown |= markers([(m.text, m.blocks) for m in sent])
        for name in CONTACTS:
            try:
                shown |= markers(service.recall.card(actor=viewer, name=name))
            except NotFoundError:
                continue
        assert shown <= may_see, f"{viewer} saw {sorted(shown - may_see)}"

        items = [*due[(ws, user)].items, *due[(ws, user)].held, *home.today, *home.this_week]
        seen = sorted(may_see)
        for item in items:
            contact = CONTACTS.index(item.contact.display_name)
            notes_here = [mk for mk in seen if about[mk][0] == contact]
            if item.kind == "stay_in_touch":
                tagged = plan.tag[index] and any(
                    about[mk][1] in (0, 4, 5) or (about[mk][1] == 3 and mk == "mk0x")
                    for mk in notes_here
                )
                assert contact in plan.contacts[index] or tagged, (viewer, item)
            if item.kind == "heads_up":
                assert any(about[mk][1] == 4 for mk in notes_here), (viewer, item)
            lines = " ".join([item.text, *item.context])
            for named in set(NAMED.findall(lines)):
                assert any(
                    USERS[facts[mk][1]] == named and not facts[mk][2] for mk in notes_here
                ), (viewer, named, item)
        for message in sent:
            for named in set(NAMED.findall(json.dumps(message.blocks))):
                assert named != viewer.user_id and any(
                    USERS[facts[mk][1]] == named and not facts[mk][2] for mk in seen
                ), (viewer, named, message.text)


# --- #tags: stored per contact, shown per note ---------------------------------------------------


def test_a_tag_in_a_private_note_is_only_on_its_authors_card(
    blank: Callable[[], tuple[SessionFactory, Engine]],
) -> None:
    sessions, engine = blank()
    try:
        service = World(sessions=sessions, now=NOW).app
        ana, bob = (Actor(workspace_id="T1", user_id=u, display_name=u) for u in ("ana", "bob"))
        service.notes.log(actor=ana, text="coffee with Jane Doe #investors")
        service.notes.log(actor=bob, text="private: Jane Doe is leaving, #flightrisk")
        assert service.recall.card(actor=ana, name="Jane Doe").tags == ("investors",)
        assert service.recall.card(actor=bob, name="Jane Doe").tags == ("flightrisk", "investors")
    finally:
        engine.dispose()


def test_export_lists_only_tags_from_notes_the_user_may_see(
    blank: Callable[[], tuple[SessionFactory, Engine]],
) -> None:
    sessions, engine = blank()
    try:
        service = World(sessions=sessions, now=NOW).app
        ana, bob = (Actor(workspace_id="T1", user_id=u, display_name=u) for u in ("ana", "bob"))
        service.notes.log(actor=ana, text="coffee with Jane Doe")
        service.notes.log(actor=bob, text="private: Jane Doe is leaving, #flightrisk")
        assert "flightrisk" not in service.transfer.export(actor=ana, format="json")
    finally:
        engine.dispose()


# --- writes: forget, rename, alias and merge act only on what the actor may see ----------------


@dataclass(frozen=True)
class Change:
    kind: str  # "forget" | "rename" | "alias" | "merge"
    workspace: int
    user: int
    contact: int
    other: int  # merge: the contact folded in


def changes_in(workspaces: int) -> st.SearchStrategy[list[Change]]:
    return st.lists(
        st.builds(
            Change,
            kind=st.sampled_from(["forget", "rename", "alias", "merge"]),
            workspace=st.integers(0, workspaces - 1),
            user=st.integers(0, len(USERS) - 1),
            contact=st.integers(0, len(CONTACTS) - 1),
            other=st.integers(0, len(CONTACTS) - 1),
        ),
        min_size=1,
        max_size=4,
    )


changes_strategy = changes_in(2)


def written(service: Rapport, viewer: Actor) -> dict[str, frozenset[int]]:
    """What the viewer may see, by marker: a note's contact ids, and (as "loop:mk…") the contact
    of each of the viewer's own loops."""
    seen: dict[str, frozenset[int]] = {}
    for hit in service.recall.recall(actor=viewer, query="marmalade", limit=100).hits:
        for mk in MARKER.findall(hit.text):
            seen[mk] = frozenset(c.id for c in hit.contacts)
    loops = service.recall.loops(actor=viewer)
    for loop in (*loops.you_owe, *loops.waiting_on):
        for mk in MARKER.findall(loop.what):
            seen[f"loop:{mk}"] = frozenset({loop.contact.id})
    return seen


def contact_ids_seen(seen: dict[str, frozenset[int]]) -> set[int]:
    return {contact for ids in seen.values() for contact in ids}


@pytest.mark.slow
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=notes_strategy,
    defaults=st.tuples(st.booleans(), st.booleans()),
    changes=changes_strategy,
)
def test_no_change_touches_or_counts_what_its_actor_may_not_see(
    sessions: SessionFactory,
    specs: list[NoteSpec],
    defaults: tuple[bool, bool],
    changes: list[Change],
) -> None:
    """Whatever notes exist and whoever forgets, renames, aliases or merges whom, in either
    workspace: a note or loop the actor may not see is never erased, moved or counted; what is
    erased or moved is exactly what the counts say; and afterwards no one gets a card, a
    who-knows contact or an exported contact they know only through someone else's note."""
    run = next(_counter)
    service = World(sessions=sessions, now=NOW).app
    check_changes(service, (f"W{run}a", f"W{run}b"), specs, defaults, changes, run=run)


def check_changes(
    service: Rapport,
    workspaces: tuple[str, ...],
    specs: list[NoteSpec],
    defaults: tuple[bool, ...],
    changes: list[Change],
    *,
    run: int,
) -> None:
    def actor(ws: int, user: int) -> Actor:
        return Actor(workspace_id=workspaces[ws], user_id=USERS[user], display_name=USERS[user])

    for ws, private_default in enumerate(defaults):
        service.workspace.update(
            actor=actor(ws, 0), default_visibility="private" if private_default else "team"
        )
    for i, spec in enumerate(specs):
        text = TEMPLATES[spec.template].format(who=CONTACTS[spec.contact], mk=f"mk{i}x")
        if spec.visibility:
            text = f"{spec.visibility}: {text}"
        author = actor(spec.workspace, spec.author)
        service.notes.log(actor=author, text=text, at=NOW - timedelta(days=spec.days_ago))

    viewers = [
        actor(ws, user) for ws, user in itertools.product(range(len(workspaces)), range(len(USERS)))
    ]
    for change in changes:
        doer = actor(change.workspace, change.user)
        before = {v: written(service, v) for v in viewers}
        # A loop lives in the note it came from: whoever may see the note sees what it owes.
        sees = set(before[doer]) | {f"loop:{mk}" for mk in before[doer]}
        name, other = CONTACTS[change.contact], CONTACTS[change.other]
        try:
            if change.kind == "forget":
                done = service.contacts.forget(actor=doer, name=name)
            elif change.kind == "rename":
                done = service.contacts.rename(actor=doer, name=name, new_name=f"{name} Jr")
            elif change.kind == "alias":
                done = service.contacts.add_alias(actor=doer, name=name, alias=f"Alias{run}")
            else:
                done = service.contacts.merge(actor=doer, keep=name, other=other)
        except (NotFoundError, AmbiguousNameError, UserInputError):
            done = None
        after = {v: written(service, v) for v in viewers}

        if done is not None:  # only someone who may see something about a contact changes it
            assert contact_ids_seen(before[doer]), (doer, change)
        for viewer in viewers:
            for mk, ids in before[viewer].items():
                if mk in sees:
                    continue
                # Not the actor's to see: still there, about the same contacts.
                assert after[viewer].get(mk) == ids, (doer, change, viewer, mk)
        erased = {mk for v in viewers for mk in before[v] if mk not in after[v]}
        assert erased <= sees, (doer, change, erased)
        if done is None:
            continue
        counts = dict(done.counts)
        notes_gone = {mk for mk in erased if not mk.startswith("loop:")}
        if change.kind == "forget":
            assert counts["notes_erased"] == len(notes_gone), (change, counts, erased)
            relinked = {
                mk
                for mk, ids in before[doer].items()
                if mk in after[doer] and after[doer][mk] != ids
            }
            assert counts["links_removed"] == len(relinked - notes_gone), (change, counts)
        elif change.kind == "merge":
            moved = {
                mk
                for mk, ids in before[doer].items()
                if not mk.startswith("loop:") and after[doer].get(mk) != ids
            }
            assert counts["notes"] == len(moved), (change, counts, moved)
        else:
            assert not erased and all(after[v] == before[v] for v in viewers), change

    for viewer in viewers:
        known = contact_ids_seen(written(service, viewer))
        for name in (*CONTACTS, *(f"{n} Jr" for n in CONTACTS), f"Alias{run}"):
            try:
                card = service.recall.card(actor=viewer, name=name)
            except (NotFoundError, AmbiguousNameError):
                continue
            assert card.contact.id in known, (viewer, name)
        answer = service.team.who_knows(actor=viewer, query="marmalade")
        assert {c.contact.id for c in answer.contacts} <= known, viewer
        exported = json.loads(service.transfer.export(actor=viewer, format="json"))
        assert {c["id"] for c in exported["contacts"]} <= known, viewer
